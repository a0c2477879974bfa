package rules_test

import (
	"fmt"

	"canvass/rules"
)

// A numerator that counts accepted births minus those registered twice;
// each filter runs on one record at a time.
func ExampleCompileIndicator() {
	side, err := rules.CompileIndicator(`count(form == "birth" && state == "accepted") - count(answers.duplicate == true)`, rules.IndicatorEnv())
	if err != nil {
		panic(err)
	}
	for _, t := range side.Terms {
		fmt.Println(t.Sign, t.Func, t.Filter.Source)
	}
	record := map[string]any{"form": "birth", "state": "accepted", "answers": map[string]any{"duplicate": false}}
	counted, _ := side.Terms[0].Filter.RunBool(record)
	fmt.Println(counted)

	_, err = rules.CompileIndicator(`count() / official("births")`, nil)
	fmt.Println(err)
	// Output:
	// 1 count form == "birth" && state == "accepted"
	// -1 count answers.duplicate == true
	// true
	// 1:9: indicator_division: a side must not divide: the indicator divides the numerator by the denominator itself, after adding them up over org units
}
