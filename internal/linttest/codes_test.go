package linttest_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"canvass/campaigns"
	"canvass/forms"
	"canvass/paytables"
	"canvass/rules"
	"canvass/workflows"
)

// linterDirs are the packages that emit lint diagnostics, from this one.
var linterDirs = []string{
	"../../rules", "../../forms", "../../workflows", "../../paytables", "../../campaigns",
	"../yamldoc", "../../cmd/canvass", "../../engine",
}

// TestEveryEmittedCodeIsInTheTable parses the linters' source and checks
// every code they can emit: each call of a loader's Errorf, Warnf, errorf,
// warnf or report, and each Diagnostic or CompileError literal, must name
// its code by a constant that is in the rules code table (or pass on a
// code that was, such as ce.Code). A new code without messages, or a code
// written as a bare string, fails here.
func TestEveryEmittedCodeIsInTheTable(t *testing.T) {
	fset := token.NewFileSet()
	var files []*ast.File
	for _, dir := range linterDirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(names) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	consts := constants(files)
	sites := 0
	var pkg string
	check := func(fn *ast.FuncDecl, e ast.Expr) {
		sites++
		pos := fset.Position(e.Pos())
		for _, problem := range codeProblems(pkg, fn, e, consts, 0) {
			t.Errorf("%s: %s", pos, problem)
		}
	}
	for _, f := range files {
		pkg = f.Name.Name
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if e := emittedCode(n); e != nil {
						check(fn, e)
					}
				case *ast.CompositeLit:
					if !isDiagnosticType(n.Type) {
						return true
					}
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Code" {
								check(fn, kv.Value)
							}
						}
					}
				}
				return true
			})
		}
	}
	if sites < 220 {
		t.Errorf("found %d emit sites; the linters have more than 220, so the scan misses some", sites)
	}
}

// emittedCode returns the code argument of a loader's reporting call, or
// nil when n is none.
func emittedCode(n *ast.CallExpr) ast.Expr {
	sel, ok := n.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	recv, ok := sel.X.(*ast.Ident)
	if !ok || (recv.Name != "l" && recv.Name != "d") {
		return nil // fmt.Errorf, t.Errorf, p.errorf (a JSON syntax error)…
	}
	switch sel.Sel.Name {
	case "Errorf", "Warnf", "errorf", "warnf":
		if len(n.Args) >= 4 {
			return n.Args[2]
		}
	case "Report": // yamldoc: at, path, code, severity, format
		if len(n.Args) >= 5 {
			return n.Args[2]
		}
	case "report": // forms: severity, off, ptr, code, format
		if len(n.Args) >= 5 {
			return n.Args[3]
		}
	}
	return nil
}

func isDiagnosticType(e ast.Expr) bool {
	name := ""
	switch e := e.(type) {
	case *ast.Ident:
		name = e.Name
	case *ast.SelectorExpr:
		name = e.Sel.Name
	}
	return name == "Diagnostic" || name == "CompileError"
}

// codeProblems says what is wrong with e as a code: a string literal, a
// constant outside the table, or a variable given such a value.
func codeProblems(pkg string, fn *ast.FuncDecl, e ast.Expr, consts map[string]string, depth int) []string {
	switch e := e.(type) {
	case *ast.BasicLit:
		return []string{"code " + e.Value + " is a string literal: declare it in rules/lint_codes.go and use the constant"}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			if v, ok := consts[x.Name+"."+e.Sel.Name]; ok {
				return notInTable(x.Name+"."+e.Sel.Name, v)
			}
		}
		if e.Sel.Name == "Code" {
			return nil // ce.Code, x.Code: a code checked where it was made
		}
		return []string{"code " + e.Sel.Name + " is no constant this test knows"}
	case *ast.Ident:
		if v, ok := consts[pkg+"."+e.Name]; ok {
			return notInTable(pkg+"."+e.Name, v)
		}
		return variableProblems(pkg, fn, e.Name, consts, depth)
	}
	return []string{"code is an expression this test cannot follow"}
}

func notInTable(name, value string) []string {
	if rules.IsLintCode(value) {
		return nil
	}
	return []string{"code " + name + " (" + value + ") has no messages in the rules code table"}
}

// variableProblems checks a code held in a variable: a parameter of a
// reporting helper (its callers are checked) or a local given constants.
func variableProblems(pkg string, fn *ast.FuncDecl, name string, consts map[string]string, depth int) []string {
	for _, field := range fn.Type.Params.List {
		for _, n := range field.Names {
			if n.Name == name {
				return nil
			}
		}
	}
	if depth > 3 {
		return []string{"code variable " + name + " is assigned too indirectly to follow"}
	}
	var problems []string
	assigned := 0
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			if id, ok := lhs.(*ast.Ident); ok && id.Name == name {
				assigned++
				problems = append(problems, codeProblems(pkg, fn, as.Rhs[i], consts, depth+1)...)
			}
		}
		return true
	})
	if assigned == 0 {
		return []string{"code variable " + name + " is never assigned in " + fn.Name.Name}
	}
	return problems
}

// constants maps each string constant of files, as "pkg.Name", to its
// value, following one constant defined as another (forms.CodeBadForm =
// rules.CodeBadForm).
func constants(files []*ast.File) map[string]string {
	type def struct {
		pkg  string
		expr ast.Expr
	}
	exprs := map[string]def{}
	for _, f := range files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						exprs[f.Name.Name+"."+n.Name] = def{f.Name.Name, vs.Values[i]}
					}
				}
			}
		}
	}
	out := map[string]string{}
	var resolve func(name string, depth int) (string, bool)
	resolve = func(name string, depth int) (string, bool) {
		d, ok := exprs[name]
		if !ok || depth > 5 {
			return "", false
		}
		switch e := d.expr.(type) {
		case *ast.BasicLit:
			if e.Kind == token.STRING {
				v, err := strconv.Unquote(e.Value)
				return v, err == nil
			}
		case *ast.Ident:
			return resolve(d.pkg+"."+e.Name, depth+1)
		case *ast.SelectorExpr:
			if x, ok := e.X.(*ast.Ident); ok {
				return resolve(x.Name+"."+e.Sel.Name, depth+1)
			}
		}
		return "", false
	}
	for name := range exprs {
		if v, ok := resolve(name, 0); ok {
			out[name] = v
		}
	}
	return out
}

// TestBrokenDefinitionsReadInChinese loads every broken definition under
// the loaders' testdata/lint and every example, and checks each finding:
// its code is in the table, and its message renders in Chinese and
// English with every argument it needs (a missing one shows as "…").
func TestBrokenDefinitionsReadInChinese(t *testing.T) {
	loaders := map[string]func(string, []byte) []rules.Diagnostic{
		".form.json":     func(n string, src []byte) []rules.Diagnostic { _, ds := forms.Load(n, src); return ds },
		".workflow.yaml": func(n string, src []byte) []rules.Diagnostic { _, ds := workflows.Load(n, src); return ds },
		".paytable.yaml": func(n string, src []byte) []rules.Diagnostic { _, ds := paytables.Load(n, src); return ds },
		".campaign.yaml": func(n string, src []byte) []rules.Diagnostic { _, ds := campaigns.Load(n, src); return ds },
	}
	var paths []string
	for _, dir := range []string{"../../forms/testdata/lint", "../../workflows/testdata/lint", "../../paytables/testdata/lint",
		"../../campaigns/testdata/lint", "testdata/codes", "../../examples"} {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				paths = append(paths, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	findings := 0
	for _, p := range paths {
		var load func(string, []byte) []rules.Diagnostic
		for suffix, l := range loaders {
			if strings.HasSuffix(p, suffix) {
				load = l
			}
		}
		if load == nil {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range load(filepath.Base(p), src) {
			findings++
			seen[d.Code] = true
			if !rules.IsLintCode(d.Code) {
				t.Errorf("%s: code %s has no messages in the table", d, d.Code)
				continue
			}
			zh, en := d.Text("zh-CN"), d.Text("en")
			if missing := d.MissingArgs(); len(missing) > 0 {
				t.Errorf("%s:\n zh %q\n en %q\nmisses arguments %v", d, zh, en, missing)
			}
			if !hasHan(zh) {
				t.Errorf("%s: zh %q is not Chinese", d, zh)
			}
			if strings.ContainsAny(zh, "{}[]") && !strings.ContainsAny(d.Message, "{}[]") {
				t.Errorf("%s: zh %q shows template syntax", d, zh)
			}
		}
	}
	if findings < 100 || len(seen) < 40 {
		t.Errorf("the corpus gave %d findings of %d codes; it should cover most of the table", findings, len(seen))
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
