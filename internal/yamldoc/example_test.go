package yamldoc_test

import (
	"fmt"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// A small loader: every problem of the file is reported in one run, the
// expression error inside the expression.
func Example() {
	src := []byte(`id: household-visit
titel: 入户调查
rate: 50.5
when: "qc != 'problem' && nope"
`)
	d := yamldoc.NewDecoder("visit.yaml", src)
	body := d.Parse("thing", "id and rate", 64<<10)
	entries, _ := d.Mapping(body, "", "a thing")
	f := d.Fields(entries, "the thing", "id", "title", "rate", "when")
	d.Require(f, yamldoc.Pos{Line: 1, Col: 1}, "", "a thing", "id", "title", "rate")
	fmt.Println(d.Str(f["id"]).Val)
	d.Int(f["rate"])
	d.Compile(d.Str(f["when"]), rules.NewEnv(rules.KindPay), rules.ResultBool)
	for _, diag := range d.Diagnostics() {
		fmt.Println(diag)
	}
	// Output:
	// household-visit
	// visit.yaml:1:1: missing_key: a thing needs "title"
	//  | id: household-visit
	//  | ^
	// visit.yaml:2:1: unknown_key: unknown key "titel" in the thing (did you mean "title"?)
	//  | titel: 入户调查
	//  | ^
	// visit.yaml:3:7: wrong_type: rate must be a whole number
	//  | rate: 50.5
	//  |       ^
	// visit.yaml:4:27: bad_expression: unknown name nope
	//  | when: "qc != 'problem' && nope"
	//  |                           ^
}
