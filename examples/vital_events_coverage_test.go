package examples_test

import (
	"fmt"
	"maps"
	"net/http"
	"testing"
)

func residentCheck(id, residentType, idStatus string) map[string]any {
	a := map[string]any{"name": "章美玲", "idNumber": id, "residentType": residentType, "idStatus": idStatus}
	if idStatus != "match" {
		a["note"] = "出生日期录入错误，已按户口簿更正"
	}
	return a
}

// TestVitalEventsCoverageAndAccuracy runs the other half of the work
// plans' yardstick (篇3/篇5) on the vital-events campaign: the community
// workers check resident records against the police household register;
// resident coverage (usual residents checked ÷ the statistics bureau's)
// and ID-number accuracy (numbers found right ÷ the register's count) sit
// beside birth and death coverage, each with a 90 % target.
func TestVitalEventsCoverageAndAccuracy(t *testing.T) {
	w := newWorld(t, at("2026-11-03 09:00"))
	const camp = "vital-events-2027"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("ye.qing", "叶青", "341299003001", "field_worker") // Hubin Community
	w.addUser("cao.li", "曹丽", "341299003002", "field_worker")  // Xinhua Community
	w.addUser("yao.bin", "姚斌", "341299003", "reviewer")        // Donghu Subdistrict
	w.addUser("he.ping", "何平", "341299", "supervisor")
	w.publish("li.wenjing", "vital-events")
	w.formPage("ye.qing", camp, "resident-check", "name", "idNumber", "residentType", "idStatus", "note")

	t.Run("refused checks", func(t *testing.T) {
		noNote := residentCheck(residentID("341299", "19800101", 201), "usual", "corrected")
		delete(noNote, "note")
		tests := []struct {
			name    string
			answers map[string]any
			fields  []string
		}{
			{"a corrected number, no note", noNote, []string{"/note required"}},
			{"a wrong check digit", residentCheck(wrongCheck(residentID("341299", "19800101", 201)), "usual", "match"), []string{"/idNumber format_resident_id"}},
			{"no category", map[string]any{"name": "章美玲", "idNumber": residentID("341299", "19800101", 201), "idStatus": "match"}, []string{"/residentType required"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w.submit("ye.qing", camp, "resident-check", "", tt.answers).fail(t, http.StatusUnprocessableEntity, "invalid", tt.fields...)
			})
		}
	})

	// Hubin checks 9 usual residents (one number corrected, one still
	// wrong) and one who is away; Xinhua 6 usual residents, all matching,
	// and one more the subdistrict voids as a double.
	var ids []string
	for i := range 9 {
		status := "match"
		switch i {
		case 7:
			status = "corrected"
		case 8:
			status = "unresolved"
		}
		ids = append(ids, w.mustSubmit("ye.qing", camp, "resident-check", "", residentCheck(residentID("341299", "19800101", 201+2*i), "usual", status)).ID)
	}
	ids = append(ids, w.mustSubmit("ye.qing", camp, "resident-check", "", residentCheck(residentID("341299", "19800101", 231), "away", "match")).ID)
	for i := range 6 {
		ids = append(ids, w.mustSubmit("cao.li", camp, "resident-check", "", residentCheck(residentID("341299", "19750505", 301+2*i), "usual", "match")).ID)
	}
	double := w.mustSubmit("cao.li", camp, "resident-check", "", residentCheck(residentID("341299", "19750505", 301), "usual", "match")).ID
	w.clock.Set(at("2026-11-05 10:00"))
	w.mustAct("yao.bin", double, "reject", "重复核对", nil)
	if n := w.bulk("yao.bin", "approve", "", ids); n != 16 {
		t.Fatalf("accepted %d, want 16", n)
	}

	// The statistics bureau counts 10 usual residents in Hubin and 6 in
	// Xinhua; the police register 11 and 8 people.
	figures := "key,org_unit,period,value\nresidents,341299003001,2026,10\nresidents,341299003002,2026,6\n" +
		"police_registered,341299003001,2026,11\npolice_registered,341299003002,2026,8\n"
	w.upload("he.ping", "/api/v1/official-figures/import", "figures.csv", figures, map[string]string{"source": "区统计局、区公安分局 2026 年数据"}).ok(t, http.StatusCreated)
	var ind struct {
		Values []struct {
			ID, OrgUnit            string
			Numerator, Denominator float64
			Display                string
			Met                    bool
			Target                 *float64
		} `json:"values"`
	}
	w.do("yao.bin", "GET", "/api/v1/campaigns/"+camp+"/indicators?org=341299003&period=2026&granularity=year&children=1", nil).ok(t, http.StatusOK).decode(t, &ind)
	got := map[string]string{}
	for _, v := range ind.Values {
		if (v.ID == "resident_coverage" || v.ID == "id_accuracy") && v.OrgUnit <= "341299003002" {
			if v.Target == nil || *v.Target != 90 {
				t.Errorf("%s target %v, want 90", v.ID, v.Target)
			}
			got[v.ID+"/"+v.OrgUnit] = fmt.Sprintf("%g/%g=%s %v", v.Numerator, v.Denominator, v.Display, v.Met)
		}
	}
	// Hubin: 9 of 10 residents (90 %, met); numbers right for 9 of the 10
	// checked (the away one included, the unresolved one not) against 11
	// registered (81.8 %). Xinhua: 6 of 6; 6 of 8 (75 %).
	if want := map[string]string{
		"resident_coverage/341299003": "15/16=93.8 true", "resident_coverage/341299003001": "9/10=90.0 true", "resident_coverage/341299003002": "6/6=100.0 true",
		"id_accuracy/341299003": "15/19=78.9 false", "id_accuracy/341299003001": "9/11=81.8 false", "id_accuracy/341299003002": "6/8=75.0 false",
	}; !maps.Equal(got, want) {
		t.Errorf("coverage and accuracy %v, want %v", got, want)
	}
	// The four indicators of the plans stand side by side.
	seen := map[string]bool{}
	for _, v := range ind.Values {
		seen[v.ID] = true
	}
	if want := map[string]bool{"birth_coverage": true, "death_coverage": true, "resident_coverage": true, "id_accuracy": true}; !maps.Equal(seen, want) {
		t.Errorf("indicators %v, want %v", seen, want)
	}
}
