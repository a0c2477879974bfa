package rules

import (
	"slices"
	"strconv"

	"github.com/expr-lang/expr/parser"
)

// RenameFormLiterals rewrites, in an expression's text, the form IDs it
// compares the variable form with (form == "x", "x" != form,
// form in ["x", "y"]) that renames maps to new IDs. Everything else — the
// author's spacing, other strings, answers that happen to equal a form's
// ID — stays as written. An expression that does not parse comes back
// unchanged (lint reports it where it stands). The studio uses it when it
// copies a campaign under new form IDs.
func RenameFormLiterals(src string, renames map[string]string) string {
	tree, err := parser.Parse(src)
	if err != nil {
		return src
	}
	type edit struct {
		from, to int
		with     string
	}
	var edits []edit
	for _, s := range comparedStrings(tree.Node, "form") {
		if n, ok := renames[s.Value]; ok {
			loc := s.Location()
			edits = append(edits, edit{loc.From, loc.To, strconv.Quote(n)})
		}
	}
	if len(edits) == 0 {
		return src
	}
	// Locations count runes; apply from the end so earlier ones hold.
	slices.SortFunc(edits, func(a, b edit) int { return b.from - a.from })
	r := []rune(src)
	for _, e := range edits {
		if e.from < 0 || e.to > len(r) || e.from >= e.to {
			return src
		}
		r = slices.Concat(r[:e.from], []rune(e.with), r[e.to:])
	}
	return string(r)
}
