package campaigns

import (
	"canvass/rules"
	"testing"
)

func TestBudgetLabels(t *testing.T) {
	head := "id: c\ntitle: 标题\nforms: [f]\nworkflow: w\norg_scope: \"341299\"\nreference_time: 2026-12-06\n"
	tests := []struct {
		name, budget string
		wantZH       map[string]string
		wantCode     string
	}{
		{"labels", "budget:\n  inputs: {sample: 300}\n  counts: {done: {form: f}}\n  labels:\n    sample: {zh: 样本户数, en: Sample}\n    done: 已调查户数\n  lines:\n    - {key: a, amount: fen(1) * sample * done}\n",
			map[string]string{"sample": "样本户数", "done": "已调查户数"}, ""},
		{"none", "budget:\n  inputs: {sample: 300}\n  lines:\n    - {key: a, amount: fen(1) * sample}\n", map[string]string{}, ""},
		{"unknown name", "budget:\n  inputs: {sample: 300}\n  labels: {smaple: {zh: 样本}}\n  lines:\n    - {key: a, amount: fen(1) * sample}\n", nil, rules.CodeUnknownKey},
		{"not a text", "budget:\n  inputs: {sample: 300}\n  labels: {sample: [1]}\n  lines:\n    - {key: a, amount: fen(1) * sample}\n", nil, "wrong_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ds := Load("x.campaign.yaml", []byte(head+tt.budget))
			if tt.wantCode != "" {
				if c != nil || len(ds) == 0 || ds[0].Code != tt.wantCode {
					t.Fatalf("got %v, want %s", ds, tt.wantCode)
				}
				return
			}
			if c == nil {
				t.Fatalf("does not load: %v", ds)
			}
			got := c.Budget().Labels()
			if len(got) != len(tt.wantZH) {
				t.Fatalf("labels = %v, want %v", got, tt.wantZH)
			}
			for k, v := range tt.wantZH {
				if got[k]["zh"] != v {
					t.Errorf("label %s = %v, want %s", k, got[k], v)
				}
			}
		})
	}
}
