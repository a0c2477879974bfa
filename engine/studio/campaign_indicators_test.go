package studio

import (
	"strings"
	"testing"

	"canvass/engine"
)

func TestIndicatorsOfTheExample(t *testing.T) {
	d := openExample(t, "vital-events")
	inds := d.Indicators()
	if len(inds) != 4 {
		t.Fatalf("indicators = %+v", inds)
	}
	got := inds[0]
	if !got.Editable || got.Num.Kind != TermCount || got.Num.Form != "vital-event" || got.Num.Field != "eventType" || got.Num.Op != OpEq ||
		got.Num.Value != "birth" || strings.Join(got.Num.States, ",") != "accepted" || got.Den.Kind != TermOfficial || got.Den.Official != "births" || got.Target != "90" {
		t.Errorf("birth coverage = %+v", got)
	}
	reps := d.Reports()
	if len(reps) != 1 || reps[0].DueExpr == "" || reps[0].Before != "3" || reps[0].After != "1, 7" || !reps[0].Extra {
		t.Errorf("reports = %+v", reps)
	}
}

func TestIndicatorFieldsAtAnyDepth(t *testing.T) {
	d := openExample(t, "fertility-survey")
	fields := d.IndicatorFields("zh-CN")["fertility-household"]
	want := map[string]string{
		"care.elderCount":          "二、子女及养老状况 › 需照料的老人数",
		"care.children":            "二、子女及养老状况 › 子女情况",
		"care.children[].childAge": "二、子女及养老状况 › 子女情况 › 周岁",
	}
	for _, f := range fields {
		if w, ok := want[f.Path]; ok {
			if f.Label != w {
				t.Errorf("%s: label %q, want %q", f.Path, f.Label, w)
			}
			delete(want, f.Path)
		}
		if f.Number && strings.Contains(f.Path, ".") {
			t.Errorf("%s: a field in a section offered for sum", f.Path)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing fields %v", want)
	}
}

func TestIndicatorEdit(t *testing.T) {
	count := func(form, field, op, value string, states ...string) TermEdit {
		return TermEdit{Kind: TermCount, Form: form, Field: field, Op: op, Value: value, States: states}
	}
	official := TermEdit{Kind: TermOfficial, Official: "households"}
	tests := []struct {
		name     string
		in       IndicatorEdit
		wantCode string
		wantPtr  string
		wantNum  string
	}{
		{"a section's field", IndicatorEdit{TitleZH: "照料老人户比例", Num: count("fertility-household", "care.elderCount", OpGt, "0", "accepted"), Den: official, Target: "90"},
			"", "", `count(form == "fertility-household" && answers.care.elderCount > 0 && state == "accepted")`},
		{"a repeat group's field", IndicatorEdit{TitleZH: "有 3 岁以下子女户", Num: count("fertility-household", "care.children[].childAge", OpLt, "3"), Den: count("fertility-household", "", "", "")},
			"", "", `count(form == "fertility-household" && any(answers.care.children, .childAge < 3))`},
		{"a group has rows", IndicatorEdit{TitleZH: "有子女信息户", Num: count("fertility-household", "care.children", OpRows, ""), Den: count("", "", "", "")},
			"", "", `count(form == "fertility-household" && len(answers.care.children) > 0)`},
		{"a choice by its label", IndicatorEdit{TitleZH: "已婚", Num: count("fertility-household", "personal.maritalStatus", OpEq, "初婚"), Den: official},
			"", "", ""},
		{"sum of a top-level number", IndicatorEdit{TitleZH: "x", Num: TermEdit{Kind: TermSum, SumField: "care.elderCount"}, Den: official},
			CodeNotNumeric, "/num_sum", ""},
		{"a field that does not exist", IndicatorEdit{TitleZH: "x", Num: count("fertility-household", "care.nothing", OpEq, "1"), Den: official},
			CodeUnknownField, "/num_field", ""},
		{"an operator that does not fit", IndicatorEdit{TitleZH: "x", Num: count("fertility-household", "care.caresForElders", OpGt, "1"), Den: official},
			CodeBadCondition, "/num_op", ""},
		{"a value that does not fit", IndicatorEdit{TitleZH: "x", Num: count("fertility-household", "care.elderCount", OpGt, "很多"), Den: official},
			CodeBadValue, "/num_value", ""},
		{"a state the workflow lacks", IndicatorEdit{TitleZH: "x", Num: count("fertility-household", "", "", "", "nowhere"), Den: official},
			CodeNoWorkflowState, "/num_states", ""},
		{"an empty title", IndicatorEdit{TitleZH: " ", Num: count("", "", "", ""), Den: official}, CodeLabelRequired, "/ind_title_zh", ""},
		{"a 10,000-character title", IndicatorEdit{TitleZH: strings.Repeat("率", 10000), Num: count("", "", "", ""), Den: official}, CodeTooLong, "/ind_title_zh", ""},
		{"a target above 1000 %", IndicatorEdit{TitleZH: "x", Num: count("", "", "", ""), Den: official, Target: "1001"}, CodeBadTarget, "/ind_target", ""},
		{"no denominator", IndicatorEdit{TitleZH: "x", Num: count("", "", "", "")}, CodeBadTerm, "/den_kind", ""},
		{"a hostile official key", IndicatorEdit{TitleZH: "x", Num: count("", "", "", ""), Den: TermEdit{Kind: TermOfficial, Official: `a") || true || ("`}}, CodeBadName, "/den_official", ""},
		{"an id already used", IndicatorEdit{ID: "indicator1", TitleZH: "x", Num: count("", "", "", ""), Den: official}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openExample(t, "fertility-survey")
			before := d.Bytes()
			err := d.SetIndicator("", tt.in)
			if tt.wantCode != "" {
				fs := engine.ErrorFields(err)
				if len(fs) == 0 || fs[0].Code != tt.wantCode || fs[0].Pointer != tt.wantPtr {
					t.Fatalf("got %v %+v, want %s at %s", err, fs, tt.wantCode, tt.wantPtr)
				}
				if string(d.Bytes()) != string(before) {
					t.Error("a refused edit changed the file")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			inds := d.Campaign().Indicators()
			if len(inds) != 1 {
				t.Fatalf("indicators %+v", inds)
			}
			if tt.wantNum != "" && inds[0].NumeratorSrc != tt.wantNum {
				t.Errorf("numerator %s, want %s", inds[0].NumeratorSrc, tt.wantNum)
			}
			// What the editor wrote it can edit again.
			if e := d.Indicators()[0]; !e.Editable {
				t.Errorf("the editor's own indicator is read-only: %+v", e)
			}
		})
	}
	t.Run("duplicate id", func(t *testing.T) {
		d := openExample(t, "vital-events")
		err := d.SetIndicator("", IndicatorEdit{ID: "birth_coverage", TitleZH: "x", Num: count("", "", "", ""), Den: official})
		if fs := engine.ErrorFields(err); len(fs) == 0 || fs[0].Code != CodeNameTaken {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a read-only indicator is kept as written", func(t *testing.T) {
		src := "id: c\ntitle: 标题\nforms: [f]\nworkflow: w\norg_scope: \"341299\"\nreference_time: 2026-12-06\nindicators:\n  - {id: two, title: 两项, numerator: count() + official(\"a\"), denominator: official(\"b\")}\n"
		d, err := OpenCampaign("c.campaign.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if d.Indicators()[0].Editable {
			t.Fatal("a two-term side is editable")
		}
		err = d.SetIndicator("two", IndicatorEdit{TitleZH: "x", Num: count("", "", "", ""), Den: official})
		if fs := engine.ErrorFields(err); len(fs) == 0 || fs[0].Code != CodeReadOnly {
			t.Fatalf("got %v", err)
		}
	})
}

func TestReportEdit(t *testing.T) {
	tests := []struct {
		name     string
		in       ReportEdit
		wantCode string
		wantPtr  string
	}{
		{"monthly, due the 10th", ReportEdit{TitleZH: "月报", Form: "vital-event", Level: "village", Period: "month", DueDays: "10", Before: "3", After: "1, 7"}, "", ""},
		{"empty title", ReportEdit{Form: "vital-event", Level: "village", Period: "month", DueDays: "10"}, CodeLabelRequired, "/rep_title_zh"},
		{"unknown form", ReportEdit{TitleZH: "x", Form: "nope", Level: "village", Period: "month", DueDays: "10"}, CodeUnknownForm, "/rep_form"},
		{"unknown level", ReportEdit{TitleZH: "x", Form: "vital-event", Level: "galaxy", Period: "month", DueDays: "10"}, CodeBadLevel, "/rep_level"},
		{"weekly", ReportEdit{TitleZH: "x", Form: "vital-event", Level: "village", Period: "week", DueDays: "10"}, CodeBadPeriod, "/rep_period"},
		{"due a year later", ReportEdit{TitleZH: "x", Form: "vital-event", Level: "village", Period: "month", DueDays: "400"}, CodeBadWhole, "/rep_due"},
		{"reminder twice", ReportEdit{TitleZH: "x", Form: "vital-event", Level: "village", Period: "month", DueDays: "1", Before: "3, 3"}, CodeBadWhole, "/rep_before"},
		{"duplicate id", ReportEdit{ID: "quarterly", TitleZH: "x", Form: "vital-event", Level: "village", Period: "month", DueDays: "1"}, CodeNameTaken, "/rep_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openExample(t, "vital-events")
			err := d.SetReport("", tt.in)
			if tt.wantCode != "" {
				fs := engine.ErrorFields(err)
				if len(fs) == 0 || fs[0].Code != tt.wantCode || fs[0].Pointer != tt.wantPtr {
					t.Fatalf("got %v %+v, want %s at %s", err, fs, tt.wantCode, tt.wantPtr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r, ok := d.Campaign().Report("report-1")
			if !ok || r.Period != "month" || len(r.RemindAfter) != 2 {
				t.Errorf("report %+v", r)
			}
		})
	}
	t.Run("changing a report keeps its due expression", func(t *testing.T) {
		d := openExample(t, "vital-events")
		r := d.Reports()[0]
		r.TitleZH = "季度报表"
		if err := d.SetReport(r.ID, r); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(d.Bytes()), "due: quarterEnd(periodStart) + days(15)") || !strings.Contains(string(d.Bytes()), "period_field: period") {
			t.Errorf("the due expression or period_field was lost:\n%s", d.Bytes())
		}
	})
}
