package forms

import (
	"testing"
)

// BenchmarkEvaluateHousehold measures one live-feedback round trip's work:
// the household form with eight children.
func BenchmarkEvaluateHousehold(b *testing.B) {
	f := mustLoadFile(b, "household.form.json")
	a := answers(b, `{
	  "address": {"countyCode": "370102", "township": "370102101", "village": "370102101202"},
	  "respondentName": "林秀英", "respondentId": "11010519491231002X",
	  "phoneFollowUp": true, "mobile": "13912345678", "hasChildren": true, "children": [
	    {"childName": "甲", "childSex": "2", "childBirthDate": "1972-05-20"},
	    {"childName": "乙", "childSex": "1", "childBirthDate": "1974-11-03"},
	    {"childName": "丙", "childSex": "2", "childBirthDate": "1976-05-20"},
	    {"childName": "丁", "childSex": "1", "childBirthDate": "1978-11-03"},
	    {"childName": "戊", "childSex": "2", "childBirthDate": "1980-05-20"},
	    {"childName": "己", "childSex": "1", "childBirthDate": "1982-11-03"},
	    {"childName": "庚", "childSex": "2", "childBirthDate": "1984-05-20"},
	    {"childName": "辛", "childSex": "1", "childBirthDate": "1986-11-03"}
	  ]}`)
	b.ReportAllocs()
	for b.Loop() {
		if s := Evaluate(f, a, Env{RefTime: refTime}); len(s.Errors) != 0 {
			b.Fatal(s.Errors)
		}
	}
}

func BenchmarkLoadHousehold(b *testing.B) {
	src := readTestdata(b, "household.form.json")
	b.ReportAllocs()
	for b.Loop() {
		if f, _ := Load("household.form.json", src); f == nil {
			b.Fatal("does not load")
		}
	}
}
