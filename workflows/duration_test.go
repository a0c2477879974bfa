package workflows

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    Duration
		wantErr bool
	}{
		{in: "P3D", want: Duration{Days: 3}},
		{in: "P1W", want: Duration{Days: 7}},
		{in: "P1W2D", want: Duration{Days: 9}},
		{in: "P1M", want: Duration{Months: 1}},
		{in: "P1Y2M3DT4H5M6S", want: Duration{Years: 1, Months: 2, Days: 3, Clock: 4*time.Hour + 5*time.Minute + 6*time.Second}},
		{in: "PT12H", want: Duration{Clock: 12 * time.Hour}},
		{in: "PT90M", want: Duration{Clock: 90 * time.Minute}},
		{in: "P10000D", want: Duration{Days: 10000}},
		{in: "", wantErr: true},
		{in: "P", wantErr: true},
		{in: "PT", wantErr: true},
		{in: "P1DT", wantErr: true},
		{in: "P0D", wantErr: true},
		{in: "3D", wantErr: true},
		{in: "P3", wantErr: true},
		{in: "PD", wantErr: true},
		{in: "P1.5D", wantErr: true},
		{in: "P-1D", wantErr: true},
		{in: "P1D1Y", wantErr: true},
		{in: "P1D1D", wantErr: true},
		{in: "P1H", wantErr: true},
		{in: "PT1D", wantErr: true},
		{in: "p3d", wantErr: true},
		{in: "P10001D", wantErr: true},
		{in: "P99999999999999999999D", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDuration(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseDuration(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if err == nil {
				again, err := ParseDuration(got.String())
				if err != nil || again != got {
					t.Errorf("String() = %q does not parse back: %+v, %v", got.String(), again, err)
				}
			}
		})
	}
}

func TestDurationAddTo(t *testing.T) {
	tests := []struct {
		name string
		d    string
		from time.Time
		want time.Time
	}{
		{"days in China time", "P1D", cst(2026, 11, 20, 23, 30), cst(2026, 11, 21, 23, 30)},
		{"month end clamps", "P1M", cst(2027, 1, 31, 10, 0), cst(2027, 2, 28, 10, 0)},
		{"leap year", "P1M", cst(2028, 1, 31, 10, 0), cst(2028, 2, 29, 10, 0)},
		{"year from 29 February", "P1Y", cst(2028, 2, 29, 8, 0), cst(2029, 2, 28, 8, 0)},
		{"months across the year", "P3M", cst(2026, 11, 30, 8, 0), cst(2027, 2, 28, 8, 0)},
		{"clock crosses midnight in China", "PT2H", cst(2026, 12, 31, 23, 0), cst(2027, 1, 1, 1, 0)},
		{"weeks and hours", "P1WT12H", cst(2026, 11, 20, 9, 0), cst(2026, 11, 27, 21, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDuration(tt.d)
			if err != nil {
				t.Fatal(err)
			}
			got := d.AddTo(tt.from.UTC())
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("%s + %s = %v, want %v in UTC", tt.from, tt.d, got, tt.want.UTC())
			}
		})
	}
}
