package examples_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// pathCase is one example form as shipped, with what the tests of fields
// at any depth need: valid answers around an ID number, and one field
// (by path or bare key) to compare with another department's file.
type pathCase struct {
	dir, camp, form string
	answers         func(id string) map[string]any
	id              string // an ID number the answers may hold
	idPath, idLabel string // where the ID number is, as a worklist item names it
	compared        string // the mapping's reference to a compared field
	comparedPath    string
	ours, theirs    string // its value in our answers and in their file
	get             func(answers map[string]any) any
}

func pathCases() []pathCase {
	section := func(s, k string) func(map[string]any) any {
		return func(a map[string]any) any { m, _ := a[s].(map[string]any); return m[k] }
	}
	top := func(k string) func(map[string]any) any { return func(a map[string]any) any { return a[k] } }
	return []pathCase{
		{dir: "fertility-survey", camp: "fertility-survey-2026", form: "fertility-household",
			answers: func(id string) map[string]any { return householdAnswers("林晓雯", id) },
			id:      residentID("341299", "19900315", 122), idPath: "personal.respondentId", idLabel: "公民身份号码",
			compared: "family.householdSize", comparedPath: "family.householdSize", ours: "5", theirs: "6", get: section("family", "householdSize")},
		{dir: "migrant-cleanup", camp: "migrant-cleanup-2027", form: "migrant-verification",
			answers: func(id string) map[string]any {
				return person{"何立新", id, "married", "here", "outside", "", "320506", "2026-04-03", "work", nil}.answers()
			},
			id: residentID("341299", "19880412", 151), idPath: "person.idNumber", idLabel: "公民身份号码",
			// A bare key: it names the field inside its section.
			compared: "movedOn", comparedPath: "movement.movedOn", ours: "2026-04-03", theirs: "2026/4/5", get: section("movement", "movedOn")},
		{dir: "subsidy-review", camp: "subsidy-review-2027", form: "subsidy-application",
			answers: func(id string) map[string]any { return application("鲁德明", id, false, "") },
			id:      residentID("341299", "19640510", 113), idPath: "idNumber", idLabel: "公民身份号码",
			compared: "villageOpinion", comparedPath: "villageOpinion", ours: "情况属实", theirs: "情况不实", get: top("villageOpinion")},
		{dir: "trainer-signup", camp: "census-training-2026", form: "trainer-signup",
			answers: func(id string) map[string]any { a := signup(5); a["idNumber"] = id; return a },
			id:      residentID("341299", "19750606", 105), idPath: "idNumber", idLabel: "公民身份号码",
			compared: "enumerationArea", comparedPath: "enumerationArea", ours: "005", theirs: "006", get: top("enumerationArea")},
		{dir: "vital-events", camp: "vital-events-2027", form: "vital-event",
			answers: func(id string) map[string]any { return birth(id, "2026-10-03", 1) },
			id:      residentID("341299", "19950101", 122), idPath: "birth.motherId", idLabel: "母亲身份号码",
			compared: "birth.birthOrder", comparedPath: "birth.birthOrder", ours: "1", theirs: "2", get: section("birth", "birthOrder")},
	}
}

// pathWorld publishes every example and adds a village field worker and
// a district supervisor, on a day all five take submissions.
func pathWorld(t *testing.T) *world {
	w := newWorld(t, at("2026-12-10 09:00"))
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("he.xiaodong", "何晓东", "341299001001", "field_worker")
	w.addUser("gao.ping", "高平", "341299", "supervisor")
	for _, c := range pathCases() {
		w.publish("li.wenjing", c.dir)
	}
	return w
}

type worklistItems struct {
	Items []struct {
		ID          string   `json:"id"`
		Kind        string   `json:"kind"`
		Records     []string `json:"records"`
		ExternalRow int      `json:"externalRow"`
		Version     int64    `json:"version"`
		Values      []struct {
			Field   string   `json:"field"`
			Label   string   `json:"label"`
			Ours    string   `json:"ours"`
			Theirs  string   `json:"theirs"`
			Values  []string `json:"values"`
			Differs bool     `json:"differs"`
		} `json:"values"`
	} `json:"items"`
}

func (w *world) worklist(username, camp, query string) worklistItems {
	w.t.Helper()
	var out worklistItems
	w.do(username, "GET", "/api/v1/campaigns/"+camp+"/worklist?"+query, nil).ok(w.t, http.StatusOK).decode(w.t, &out)
	return out
}

// TestDuplicatesAtAnyDepth: on every example as shipped, two records with
// one ID number — at the top or inside a section — are found as
// duplicates, and the item lays their answers side by side, sections
// included.
func TestDuplicatesAtAnyDepth(t *testing.T) {
	w := pathWorld(t)
	for _, c := range pathCases() {
		t.Run(c.dir, func(t *testing.T) {
			first := w.mustSubmit("he.xiaodong", c.camp, c.form, "", c.answers(c.id))
			if got := w.worklist("gao.ping", c.camp, "kind=duplicate"); len(got.Items) != 0 {
				t.Fatalf("one record is no duplicate: %+v", got.Items)
			}
			second := w.mustSubmit("he.xiaodong", c.camp, c.form, "", c.answers(c.id))
			got := w.worklist("gao.ping", c.camp, "kind=duplicate")
			if len(got.Items) != 1 {
				t.Fatalf("duplicates: %d items, want 1", len(got.Items))
			}
			it := got.Items[0]
			if got, want := strings.Join(slices.Sorted(slices.Values(it.Records)), ","), strings.Join(slices.Sorted(slices.Values([]string{first.ID, second.ID})), ","); got != want {
				t.Errorf("records %v, want %s and %s", it.Records, first.ID, second.ID)
			}
			found := false
			for _, v := range it.Values {
				if v.Field == c.idPath {
					found = true
					if v.Label != c.idLabel || len(v.Values) != 2 || v.Values[0] == "" || v.Values[0] == c.id || v.Differs {
						t.Errorf("ID row %+v: want label %s and the same masked number twice", v, c.idLabel)
					}
				}
			}
			if !found {
				t.Errorf("the item does not show %s: %+v", c.idPath, it.Values)
			}
		})
	}
}

// TestReconcileAtAnyDepth compares every example as shipped with another
// department's file: one row matches our record by its ID number (at the
// top or in a section) and differs in a mapped field, one row only they
// have; our record corrected from their side changes the answer in its
// section.
func TestReconcileAtAnyDepth(t *testing.T) {
	w := pathWorld(t)
	for _, c := range pathCases() {
		t.Run(c.dir, func(t *testing.T) {
			ours := w.mustSubmit("he.xiaodong", c.camp, c.form, "", c.answers(c.id))
			other := residentID("341299", "19800101", 131)
			csv := fmt.Sprintf("身份证号,村代码,对比项\n%s,341299001001,%s\n%s,341299001002,x\n", c.id, c.theirs, other)
			mapping := mustJSON(t, map[string]any{"id_number": "身份证号", "village_code": "村代码", "fields": map[string]string{c.compared: "对比项"}})
			var res struct {
				Run struct {
					Status  string `json:"status"`
					Mapping struct {
						Fields map[string]string `json:"fields"`
					} `json:"mapping"`
					Counts struct {
						Matched     int `json:"matched"`
						Differences int `json:"differences"`
						OnlyTheirs  int `json:"only_theirs"`
					} `json:"counts"`
				} `json:"run"`
			}
			w.upload("gao.ping", "/api/v1/campaigns/"+c.camp+"/reconcile", "their.csv", csv, map[string]string{"mapping": mapping}).
				ok(t, http.StatusCreated).decode(t, &res)
			if res.Run.Status != "done" || res.Run.Counts.Matched != 1 || res.Run.Counts.Differences != 1 || res.Run.Counts.OnlyTheirs != 1 {
				t.Fatalf("run %+v", res.Run)
			}
			if res.Run.Mapping.Fields[c.comparedPath] != "对比项" {
				t.Errorf("the run keeps the mapping by path: %v", res.Run.Mapping.Fields)
			}
			diffs := w.worklist("gao.ping", c.camp, "kind=field_diff")
			if len(diffs.Items) != 1 {
				t.Fatalf("field differences: %+v", diffs.Items)
			}
			it := diffs.Items[0]
			var row *struct{ ours, theirs string }
			for _, v := range it.Values {
				if v.Field == c.comparedPath && v.Differs {
					row = &struct{ ours, theirs string }{v.Ours, v.Theirs}
				}
				if v.Field == c.idPath && (v.Label != c.idLabel || v.Ours == "" || v.Ours == c.id) {
					t.Errorf("ID row %+v", v)
				}
			}
			if row == nil || row.ours != c.ours || row.theirs != c.theirs {
				t.Fatalf("the difference in %s is not shown: %+v", c.comparedPath, it.Values)
			}
			w.do("gao.ping", "POST", "/api/v1/worklist/"+it.ID+"/resolve", map[string]any{"side": "theirs", "version": it.Version, "note": "入户核实"}).
				ok(t, http.StatusOK)
			got := c.get(w.record("gao.ping", ours.ID).Answers)
			if fmt.Sprint(got) != normalizeTheirs(c.theirs) {
				t.Errorf("corrected %s = %v, want their %s", c.comparedPath, got, c.theirs)
			}
		})
	}
}

// normalizeTheirs is their cell as our record stores it.
func normalizeTheirs(s string) string {
	if s == "2026/4/5" {
		return "2026-04-05"
	}
	return s
}
