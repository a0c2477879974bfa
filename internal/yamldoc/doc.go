// Package yamldoc is the YAML walking decoder the definition loaders
// (workflows, campaigns, paytables) share: it turns goccy/go-yaml's syntax
// tree into values and reports every problem of a file in one run, each as a
// rules.Diagnostic with the line and column of the key or value at fault and
// a caret snippet.
//
// Loaders walk the tree instead of decoding into structs with yaml.Strict():
// the strict decoder stops at the first unknown key, while an author fixing a
// file wants every problem at once, and an expression needs the position of
// its scalar so that a compile error can point inside it (ExprPos, Compile).
//
// The decoder also keeps a hostile file cheap: Parse refuses files over a
// size, aliases are followed at most MaxAliasExpansions times, at most
// MaxDiagnostics findings are kept, and tags and merge keys are refused.
// Duplicate keys are a syntax error of the parser.
//
// # A loader
//
// A loader embeds a *Decoder, parses, walks, and returns Diagnostics:
//
//	type loader struct{ *yamldoc.Decoder }
//
//	func Load(filename string, src []byte) (*Thing, []rules.Diagnostic) {
//		l := loader{yamldoc.NewDecoder(filename, src)}
//		body := l.Parse("thing", "id and rate", 64<<10)
//		if body == nil {
//			return nil, l.Diagnostics()
//		}
//		entries, ok := l.Mapping(body, "", "a thing")
//		if !ok {
//			return nil, l.Diagnostics()
//		}
//		f := l.Fields(entries, "the thing", "id", "title", "rate", "when")
//		l.Require(f, yamldoc.Pos{Line: 1, Col: 1}, "", "a thing", "id", "rate")
//		t := &Thing{ID: l.Str(f["id"]).Val, Title: l.Text(f["title"])}
//		t.Rate, _, _ = l.Int(f["rate"])
//		if when := l.Str(f["when"]); when.Set {
//			t.When = l.Compile(when, rules.NewEnv(rules.KindPay), rules.ResultBool)
//		}
//		if l.HasErrors() {
//			return nil, l.Diagnostics()
//		}
//		return t, l.Diagnostics()
//	}
//
// for a file such as
//
//	id: household-visit
//	title: {zh: 入户调查, en: Household visit}
//	rate: 5000
//	when: "qc != 'problem'"
//
// Paths in diagnostics are dotted YAML paths with list indexes:
// "items[2].amount". Codes the decoder itself reports are yaml_syntax,
// wrong_type, unknown_key, missing_key, too_large, bad_expression and
// bad_date; loaders add their own.
package yamldoc
