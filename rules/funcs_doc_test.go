package rules

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFunctionDocs walks the documented function table: every library
// function has one doc and every doc a function, the table is sorted, each
// doc is complete, and each example compiles in every kind's environment
// and evaluates to its documented result.
func TestFunctionDocs(t *testing.T) {
	docs := FunctionDocs()
	var names []string
	for _, d := range docs {
		names = append(names, d.Name)
	}
	if !slices.IsSorted(names) {
		t.Errorf("FunctionDocs() is not sorted by name: %v", names)
	}
	if got, want := names, Functions(); !slices.Equal(got, want) {
		t.Errorf("documented functions %v\nwant the library's %v", got, want)
	}
	for _, d := range docs {
		t.Run(d.Name, func(t *testing.T) {
			if d.Summary.ZH == "" || d.Summary.EN == "" {
				t.Errorf("summary %+v lacks a language", d.Summary)
			}
			if !strings.HasPrefix(d.Signature, d.Name+"(") {
				t.Errorf("signature %q does not start with %s(", d.Signature, d.Name)
			}
			if !strings.Contains(d.Example, d.Name+"(") {
				t.Errorf("example %q does not call %s", d.Example, d.Name)
			}
			for _, kind := range []Kind{KindForm, KindRouting, KindDeadline, KindPay, KindIndicator, KindBudget} {
				p, err := Compile(d.Example, NewEnv(kind), ResultAny)
				if err != nil {
					t.Fatalf("%s: example %q: %v", kind, d.Example, err)
				}
				if ids := p.Identifiers(); len(ids) != 0 {
					t.Errorf("%s: example %q reads %v", kind, d.Example, ids)
				}
				v, err := p.Run(nil)
				if err != nil {
					t.Fatalf("%s: example %q: %v", kind, d.Example, err)
				}
				if got := formatResult(v); got != d.Result {
					t.Errorf("%s: %s = %s, documented %s", kind, d.Example, got, d.Result)
				}
			}
		})
	}
	// Callers get a copy: changing it leaves the table alone.
	docs[0].Name = "changed"
	if FunctionDocs()[0].Name == "changed" {
		t.Error("FunctionDocs returned the table itself")
	}
}

// formatResult writes a value as FunctionDoc.Result documents.
func formatResult(v any) string {
	switch v := v.(type) {
	case time.Time:
		local := v.In(Shanghai)
		if local.Equal(dayStart(local.Date())) {
			return local.Format(time.DateOnly)
		}
		return local.Format(time.RFC3339)
	case time.Duration:
		return v.String()
	case string:
		return strconv.Quote(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = formatResult(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	if reflect.TypeOf(v).Kind() == reflect.Bool {
		return strconv.FormatBool(v.(bool))
	}
	if n, ok := exactInt(v); ok {
		return strconv.Itoa(n)
	}
	return reflect.ValueOf(v).String()
}

// TestPackageDocListsEveryFunction keeps the function list of doc.go in
// step with the library: every function is named in the "# Functions"
// section, and every entry of its table is a function.
func TestPackageDocListsEveryFunction(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(src), "// # Functions\n")
	if !ok {
		t.Fatal(`doc.go has no "# Functions" section`)
	}
	section, _, _ = strings.Cut(section, "// # ")
	for _, name := range Functions() {
		if !regexp.MustCompile(`\b` + name + `\b`).MatchString(section) {
			t.Errorf("doc.go's # Functions does not name %s", name)
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^//\t([A-Za-z]+)\(`).FindAllStringSubmatch(section, -1) {
		if !slices.Contains(Functions(), m[1]) {
			t.Errorf("doc.go's # Functions lists %s, which is no library function", m[1])
		}
	}
}
