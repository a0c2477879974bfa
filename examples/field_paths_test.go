package examples_test

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/xuri/excelize/v2"

	"canvass/examples"
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

// redraft saves src as a new draft of the example definition kind/id and
// publishes it, returning the publish response.
func (w *world) redraft(author, kind, id, filename string, src []byte) response {
	w.t.Helper()
	var draft struct {
		Definition struct {
			Version int `json:"version"`
		} `json:"definition"`
	}
	w.do(author, "PUT", "/api/v1/definitions/"+kind+"/"+id+"?filename="+filename, src).ok(w.t, http.StatusOK).decode(w.t, &draft)
	return w.do(author, "POST", fmt.Sprintf("/api/v1/definitions/%s/%s/versions/%d/publish", kind, id, draft.Definition.Version), nil)
}

// withIndicators returns the example campaign file at path with items
// put first under its indicators section (which it gains if it lacks one).
func withIndicators(t *testing.T, path, items string) []byte {
	t.Helper()
	src, err := examples.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if strings.Contains(s, "\nindicators:\n") {
		return []byte(strings.Replace(s, "\nindicators:\n", "\nindicators:\n"+items, 1))
	}
	return []byte(s + "indicators:\n" + items)
}

type indicatorValues struct {
	Values []struct {
		ID, OrgUnit, Period    string
		Numerator, Denominator float64
		Display                string
	} `json:"values"`
}

func (w *world) indicatorValues(camp, query string) map[string]string {
	w.t.Helper()
	var ind indicatorValues
	w.do("admin", "GET", "/api/v1/campaigns/"+camp+"/indicators?"+query, nil).ok(w.t, http.StatusOK).decode(w.t, &ind)
	out := map[string]string{}
	for _, v := range ind.Values {
		out[v.ID+"/"+v.OrgUnit] = fmt.Sprintf("%g/%g=%s", v.Numerator, v.Denominator, v.Display)
	}
	return out
}

// TestIndicatorsAtAnyDepth: indicators read fields in sections (the
// vital-events birth section's childSex, by key or by path) and in repeat
// groups (the fertility survey's children, counted per child) of the
// examples as shipped; an indicator naming a field no form has, or reaching
// into a repeat group by path, is refused at publish, naming the fields
// there are.
func TestIndicatorsAtAnyDepth(t *testing.T) {
	w := newWorld(t, at("2026-12-10 09:00"))
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("he.xiaodong", "何晓东", "341299001001", "field_worker")
	w.publish("li.wenjing", "fertility-survey")
	w.publish("li.wenjing", "vital-events")
	const fertility, vital = "fertility-survey-2026", "vital-events-2027"
	fertilityFile, vitalFile := "fertility-survey/fertility-survey-2026.campaign.yaml", "vital-events/vital-events-2027.campaign.yaml"

	t.Run("refused at publish", func(t *testing.T) {
		tests := []struct {
			name, items, code string
			message           []string
		}{
			{"a key no form has", "  - id: boys\n    title: {zh: 男孩, en: Boys}\n    numerator: count(answers.childSx == \"male\")\n    denominator: count()\n",
				"unknown_field", []string{`"childSx"`, "did you mean care.children.childSex?", "personal.respondentName (被调查人姓名)"}},
			{"a path through a repeat group", "  - id: boys\n    title: {zh: 男孩, en: Boys}\n    numerator: count(answers.care.children.childSex == \"male\")\n    denominator: count()\n",
				"field_in_repeat", []string{"write answers.childSex"}},
			{"a partial path", "  - id: kids\n    title: {zh: 子女, en: Children}\n    numerator: sum(\"children.childAge\")\n    denominator: count()\n",
				"unknown_field", []string{"childAge (周岁) is at care.children.childAge"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := w.redraft("li.wenjing", "campaign", fertility, "fertility-survey-2026.campaign.yaml", withIndicators(t, fertilityFile, tt.items))
				var e apiError
				res.decode(t, &e)
				if res.status != http.StatusUnprocessableEntity || len(e.Error.Fields) == 0 {
					t.Fatalf("publish: %d %s", res.status, res.body)
				}
				f := e.Error.Fields[0]
				if f.Code != tt.code {
					t.Errorf("code %s, want %s (%s)", f.Code, tt.code, f.Message)
				}
				for _, want := range tt.message {
					if !strings.Contains(f.Message, want) {
						t.Errorf("message %q lacks %q", f.Message, want)
					}
				}
			})
		}
	})

	per := "  - id: boys_share\n    title: {zh: 子女中男孩占比, en: Boys among the children}\n" +
		"    numerator: count(answers.childSex == \"male\")\n    denominator: count(answers.care.children != nil && answers.childSex != nil)\n    factor: 100\n" +
		"  - id: children_per_household\n    title: {zh: 户均子女数, en: Children per household}\n" +
		"    numerator: sum(\"care.childCount\")\n    denominator: count(answers.personal.respondentId != nil)\n" +
		"  - id: child_age_total\n    title: {zh: 子女周岁合计, en: Children's ages added up}\n" +
		"    numerator: sum(\"childAge\", answers.childSex == \"male\")\n    denominator: count()\n"
	w.redraft("li.wenjing", "campaign", fertility, "fertility-survey-2026.campaign.yaml", withIndicators(t, fertilityFile, per)).ok(t, http.StatusOK)
	births := "  - id: boys_born\n    title: {zh: 出生男婴占比, en: Boys among births}\n" +
		"    numerator: count(form == \"vital-event\" && answers.childSex == \"male\")\n" +
		"    denominator: count(form == \"vital-event\" && answers.birth.childSex != nil)\n    factor: 100\n"
	w.redraft("li.wenjing", "campaign", vital, "vital-events-2027.campaign.yaml", withIndicators(t, vitalFile, births)).ok(t, http.StatusOK)

	// Two households: a girl (10) and a boy (3); two boys (10 and 3).
	w.mustSubmit("he.xiaodong", fertility, "fertility-household", "", householdAnswers("林晓雯", residentID("341299", "19900315", 122)))
	twoBoys := with(householdAnswers("周雅琴", residentID("341299", "19910620", 124)), "care", "children", []any{
		map[string]any{"childSex": "male", "childBirthDate": "2016-04-12"},
		map[string]any{"childSex": "male", "childBirthDate": "2023-09-30", "childcareBy": "grandparents"},
	})
	w.mustSubmit("he.xiaodong", fertility, "fertility-household", "", twoBoys)
	got := w.indicatorValues(fertility, "org=341299&period=2026&granularity=year")
	for k, want := range map[string]string{
		"boys_share/341299":             "3/4=75.0",
		"children_per_household/341299": "4/2=2.0",
		"child_age_total/341299":        "16/2=8.0",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], want, got)
		}
	}

	// Births in the birth section: a girl and a boy.
	w.mustSubmit("he.xiaodong", vital, "vital-event", "", birth(residentID("341299", "19950101", 122), "2026-10-03", 1))
	boy := birth(residentID("341299", "19960202", 124), "2026-10-05", 1)
	boy["birth"].(map[string]any)["childSex"] = "male"
	w.mustSubmit("he.xiaodong", vital, "vital-event", "", boy)
	got = w.indicatorValues(vital, "org=341299&period=2026&granularity=year")
	if got["boys_born/341299"] != "1/2=50.0" {
		t.Errorf("boys_born = %q, want 1/2=50.0 (all: %v)", got["boys_born/341299"], got)
	}
}

// TestPresetsAtAnyDepth: a QR link presets the fertility survey's
// respondent name, which sits in a section, by key or by path; the public
// form shows it filled in (masked) and read-only, the record gets it in
// its section whatever the respondent sends, and the links page names it
// by its label. A preset the form cannot take is refused, naming it.
func TestPresetsAtAnyDepth(t *testing.T) {
	w := newWorld(t, at("2026-12-10 09:00"))
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("he.xiaodong", "何晓东", "341299001001", "field_worker")
	w.publish("li.wenjing", "fertility-survey")
	const camp, form = "fertility-survey-2026", "fertility-household"

	t.Run("refused", func(t *testing.T) {
		tests := []struct {
			name   string
			preset map[string]any
			field  string
			want   string
		}{
			{"unknown key", map[string]any{"respondentNam": "林晓雯"}, "/preset/0/respondentNam unknown_field", "did you mean personal.respondentName?"},
			{"wrong section", map[string]any{"family.respondentName": "林晓雯"}, "/preset/0/family.respondentName wrong_path", "is at personal.respondentName"},
			{"a field of every child", map[string]any{"childSex": "male"}, "/preset/0/childSex field_in_repeat", "care.children"},
			{"a section", map[string]any{"care": "x"}, "/preset/0/care not_simple", "section"},
			{"not a number", map[string]any{"householdSize": "many"}, "/preset/0/householdSize type", "family.householdSize"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := w.do("he.xiaodong", "POST", "/api/v1/campaigns/"+camp+"/links", map[string]any{"form": form, "oneTime": true, "preset": []any{tt.preset}})
				res.fail(t, http.StatusUnprocessableEntity, "invalid", tt.field)
				var e apiError
				res.decode(t, &e)
				if msg := e.Error.Fields[0].Message; !strings.Contains(msg, tt.want) {
					t.Errorf("message %q lacks %q", msg, tt.want)
				}
			})
		}
	})

	var made struct {
		Links []struct {
			Token  string         `json:"token"`
			Preset map[string]any `json:"preset"`
		} `json:"links"`
	}
	w.do("he.xiaodong", "POST", "/api/v1/campaigns/"+camp+"/links", map[string]any{"form": form, "oneTime": true, "preset": []any{
		map[string]any{"respondentName": "林晓雯", "family.householdSize": "4"},
		map[string]any{"personal.respondentName": "周雅琴"},
	}}).ok(t, http.StatusCreated).decode(t, &made)
	if len(made.Links) != 2 || made.Links[0].Preset["personal.respondentName"] != "林晓雯" || made.Links[0].Preset["family.householdSize"] != float64(4) {
		t.Fatalf("links are kept by path, typed: %+v", made.Links)
	}

	token := made.Links[0].Token
	page := w.page("nobody", "/p/"+token).ok(t, http.StatusOK)
	input := regexp.MustCompile(`<input[^>]*name="personal\.respondentName"[^>]*>`).Find(page.body)
	if input == nil || !bytes.Contains(input, []byte("readonly")) || !bytes.Contains(input, []byte(`value="林**"`)) {
		t.Errorf("the public form does not show the preset name, masked and read-only: %s", input)
	}
	if bytes.Contains(page.body, []byte("林晓雯")) {
		t.Error("the public form shows the preset name in full")
	}

	// The respondent leaves the name out; another respondent's copy sends
	// another one: the link's name is stored either way.
	for i, l := range made.Links {
		answers := householdAnswers("张冒名", residentID("341299", "19900315", 122+2*i))
		if i == 0 {
			delete(answers["personal"].(map[string]any), "respondentName")
		}
		id := w.publicSubmitToken(t, l.Token, answers)
		rec := w.record("admin", id)
		name, _ := rec.Answers["personal"].(map[string]any)["respondentName"].(string)
		if want := []string{"林**", "周**"}[i]; name != want {
			t.Errorf("link %d: the record's name shows %q, want %q", i, name, want)
		}
		if i == 0 {
			if n := rec.Answers["family"].(map[string]any)["householdSize"]; n != float64(4) {
				t.Errorf("the preset household size is %v, want 4", n)
			}
		}
	}

	links := w.page("he.xiaodong", "/campaigns/"+camp+"/links").ok(t, http.StatusOK)
	for _, want := range []string{"被调查人姓名: 林晓雯，家庭常住人口数: 4", `<option value="personal.respondentName">一、个人基本信息 › 被调查人姓名</option>`} {
		if !bytes.Contains(links.body, []byte(want)) {
			t.Errorf("the links page lacks %q", want)
		}
	}
}

// publicSubmitToken submits answers through the public link token as a
// respondent would (opening the page first for its cookie) and returns the
// record ID.
func (w *world) publicSubmitToken(t *testing.T, token string, answers map[string]any) string {
	t.Helper()
	page, err := w.srv.App().Test(httptest.NewRequest("GET", "/p/"+token, nil), fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil || page.StatusCode != http.StatusOK {
		t.Fatalf("public page: %v %v", err, page)
	}
	var cookie *http.Cookie
	for _, c := range page.Cookies() {
		if c.Name == "canvass_public" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("the public page set no cookie")
	}
	req := httptest.NewRequest("POST", "/api/v1/public/"+token+"/records", strings.NewReader(mustJSON(t, map[string]any{"answers": answers})))
	req.Header.Set("Content-Type", fiber.MIMEApplicationJSON)
	req.Header.Set("X-CSRF-Token", cookie.Value)
	req.AddCookie(cookie)
	res, err := w.srv.App().Test(req, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var r struct {
		ID string `json:"id"`
	}
	response{status: res.StatusCode, header: res.Header, body: b}.ok(t, http.StatusCreated).decode(t, &r)
	return r.ID
}

// postPage posts an HTML form as username with the web session, taking
// the CSRF token from the page at from.
func (w *world) postPage(username, from, target string, values url.Values) response {
	w.t.Helper()
	page := w.page(username, from).ok(w.t, http.StatusOK)
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page.body)
	if m == nil {
		w.t.Fatalf("%s has no CSRF token", from)
	}
	values.Set("_csrf", html.UnescapeString(string(m[1])))
	req := httptest.NewRequest("POST", target, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range w.cookies[username] {
		req.AddCookie(c)
	}
	res, err := w.srv.App().Test(req, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil {
		w.t.Fatalf("POST %s: %v", target, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// TestSummariesAtAnyDepth: the fertility survey keeps its respondent in a
// section; the inbox rows, the bulk-action results and the notification of
// a return name the respondent by the form's summary fields, masked.
func TestSummariesAtAnyDepth(t *testing.T) {
	w := newWorld(t, at("2026-12-07 08:30"))
	const camp, form = "fertility-survey-2026", "fertility-household"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("zhou.yutong", "周雨桐", "341299001001", "field_worker")
	w.addUser("wu.jianguo", "吴建国", "341299001", "reviewer")
	w.publish("li.wenjing", "fertility-survey")
	id1, id2 := residentID("341299", "19900315", 122), residentID("341299", "19910620", 124)
	a := w.mustSubmit("zhou.yutong", camp, form, "", householdAnswers("林晓雯", id1))
	b := w.mustSubmit("zhou.yutong", camp, form, "", householdAnswers("周雅琴", id2))

	inbox := w.page("wu.jianguo", "/inbox").ok(t, http.StatusOK)
	for _, want := range []string{"被调查人姓名: 林**", "被调查人姓名: 周**", "公民身份号码: ", "周岁（截至调查时点）: 36"} {
		if !bytes.Contains(inbox.body, []byte(want)) {
			t.Errorf("the inbox lacks %q", want)
		}
	}
	for _, full := range []string{"林晓雯", "周雅琴", id1, id2} {
		if bytes.Contains(inbox.body, []byte(full)) {
			t.Errorf("the inbox shows %s in full", full)
		}
	}

	res := w.postPage("wu.jianguo", "/inbox", "/inbox/actions", url.Values{"action": {"return"}, "reason": {"请核对子女出生日期"},
		"item": {a.ID + ":" + fmt.Sprint(a.Version), b.ID + ":" + fmt.Sprint(b.Version)}}).ok(t, http.StatusOK)
	results := regexp.MustCompile(`(?s)<ul class="results">.*?</ul>`).Find(res.body)
	for _, want := range []string{"被调查人姓名: 林**", "被调查人姓名: 周**"} {
		if !bytes.Contains(results, []byte(want)) {
			t.Errorf("the bulk results lack %q: %s", want, results)
		}
	}

	var notes struct {
		Notifications []struct {
			RecordID string `json:"recordId"`
			Message  string `json:"message"`
		} `json:"notifications"`
	}
	w.do("zhou.yutong", "GET", "/api/v1/notifications", nil).ok(t, http.StatusOK).decode(t, &notes)
	found := 0
	for _, n := range notes.Notifications {
		if strings.Contains(n.Message, "林晓雯") || strings.Contains(n.Message, id1) {
			t.Errorf("a notification shows personal data in full: %s", n.Message)
		}
		if n.RecordID == a.ID && strings.Contains(n.Message, "被调查人姓名：林**") {
			found++
		}
	}
	if found != 1 {
		t.Errorf("the return's notification does not name the respondent: %+v", notes.Notifications)
	}

	// The migrant verification names its summary (x-summary): the person
	// and the classification, which sits in another section.
	w.addUser("he.xiaodong", "何晓东", "341299002001", "field_worker")
	w.addUser("qian.wei", "钱伟", "341299002", "reviewer")
	w.publish("li.wenjing", "migrant-cleanup")
	w.mustSubmit("he.xiaodong", "migrant-cleanup-2027", "migrant-verification", "",
		person{"何立新", residentID("341299", "19880412", 151), "married", "here", "outside", "", "320506", "2026-04-03", "work", nil}.answers())
	inbox = w.page("qian.wei", "/inbox").ok(t, http.StatusOK)
	if want := "姓名: 何** · 公民身份号码: "; !bytes.Contains(inbox.body, []byte(want)) {
		t.Errorf("the inbox lacks %q", want)
	}
	if want := " · 核查分类: 流出人口 · 现居住地: "; !bytes.Contains(inbox.body, []byte(want)) {
		t.Errorf("the inbox lacks %q", want)
	}
}

// TestExportAtAnyDepth: the fertility survey's export as shipped writes
// the fields of its sections as columns headed by their labels, and its
// repeat group of children as a second sheet keyed by record number, one
// line per child.
func TestExportAtAnyDepth(t *testing.T) {
	w := newWorld(t, at("2026-12-07 08:30"))
	const camp, form = "fertility-survey-2026", "fertility-household"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("zhou.yutong", "周雨桐", "341299001001", "field_worker")
	w.publish("li.wenjing", "fertility-survey")
	a := w.mustSubmit("zhou.yutong", camp, form, "", householdAnswers("林晓雯", residentID("341299", "19900315", 122)))
	b := w.mustSubmit("zhou.yutong", camp, form, "", with(householdAnswers("周雅琴", residentID("341299", "19910620", 124)), "care", "children", []any{
		map[string]any{"childSex": "male", "childBirthDate": "2016-04-12"},
		map[string]any{"childSex": "male", "childBirthDate": "2023-09-30", "childcareBy": "grandparents"},
	}))

	res := w.do("admin", "GET", "/api/v1/campaigns/"+camp+"/export?format=xlsx&org=341299", nil).ok(t, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[1] != "子女情况" {
		t.Fatalf("sheets %v, want the records and 子女情况", sheets)
	}
	main, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	col := func(header string) int {
		i := slices.Index(main[0], header)
		if i < 0 {
			t.Fatalf("the records sheet has no column %s: %v", header, main[0])
		}
		return i
	}
	if len(main) != 3 {
		t.Fatalf("records sheet has %d lines, want a header and 2 records", len(main))
	}
	for _, r := range main[1:] {
		if r[col("家庭常住人口数")] != "5" || r[col("户口性质")] == "" || r[col("被调查人姓名")] == "" || r[col("被调查人姓名")] == "林晓雯" {
			t.Errorf("record line %v: want the sections' answers, the name masked", r)
		}
	}
	kids, err := f.GetRows("子女情况")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"记录编号", "序号", "性别", "出生日期", "周岁", "白天主要由谁照料"},
	}
	for _, got := range kids[1:] {
		if got[0] != a.ID && got[0] != b.ID {
			t.Errorf("a child line of no exported record: %v", got)
		}
	}
	if !slices.Equal(kids[0], want[0]) {
		t.Errorf("children header %v, want %v", kids[0], want[0])
	}
	if len(kids) != 5 {
		t.Fatalf("children sheet has %d lines, want a header and 4 children: %v", len(kids), kids)
	}
	byRecord := map[string][]string{}
	for _, k := range kids[1:] {
		byRecord[k[0]] = append(byRecord[k[0]], k[1]+":"+k[2])
	}
	if got := strings.Join(byRecord[a.ID], ","); got != "1:女,2:男" {
		t.Errorf("record %s children %s, want 1:女,2:男", a.ID, got)
	}
	if got := strings.Join(byRecord[b.ID], ","); got != "1:男,2:男" {
		t.Errorf("record %s children %s, want 1:男,2:男", b.ID, got)
	}
}
