package paytables

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestQCItems(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"fertility-survey/fertility-survey-pay.paytable.yaml", []string{"household_surveyed", "spot_check_bonus"}},
		{"migrant-cleanup/migrant-cleanup-pay.paytable.yaml", nil},
		{"vital-events/vital-events-pay.paytable.yaml", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("..", "examples", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			pt, ds := Load(filepath.Base(tt.file), src)
			if pt == nil {
				t.Fatalf("does not load: %v", ds)
			}
			if got := pt.QCItems(); !slices.Equal(got, tt.want) {
				t.Errorf("QCItems = %v, want %v", got, tt.want)
			}
		})
	}
}
