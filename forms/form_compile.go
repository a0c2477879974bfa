package forms

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"canvass/rules"
)

const draft2020 = "https://json-schema.org/draft/2020-12/schema"

// schemaLocation is the URL the form is compiled under. Nothing is ever
// fetched from it: the compiler's loader refuses every URL.
const schemaLocation = "canvass:form.json"

// refuseLoader keeps the schema compiler from reading files or the network
// on behalf of a definition.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("forms do not load other schemas (%s)", url)
}

// newCompiler returns a schema compiler for forms: draft 2020-12, format
// assertions on, the custom formats registered, no loading.
func newCompiler() *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(refuseLoader{})
	for _, f := range customFormats {
		c.RegisterFormat(f)
	}
	return c
}

// checkSchema validates the definition against the JSON Schema 2020-12
// metaschema and reports where it breaks it.
func (l *loader) checkSchema(root *jsonNode) bool {
	if n := root.member("$schema"); n != nil && (n.kind != jsonString || n.str != draft2020) {
		l.errorf(n.start, "/$schema", CodeBadSchema, "forms are JSON Schema 2020-12: omit $schema or set it to %q", draft2020)
		return false
	}
	c := newCompiler()
	if err := c.AddResource(schemaLocation, root.value()); err != nil {
		l.errorf(root.start, "", CodeBadSchema, "%v", err)
		return false
	}
	_, err := c.Compile(schemaLocation)
	if err == nil {
		return true
	}
	var sve *jsonschema.SchemaValidationError
	var ve *jsonschema.ValidationError
	if errors.As(err, &sve) && errors.As(sve.Err, &ve) {
		reported := map[string]bool{}
		printer := message.NewPrinter(language.English)
		for _, leaf := range leafErrors(ve) {
			ptr := instancePointer(leaf.InstanceLocation)
			if reported[ptr] {
				continue
			}
			reported[ptr] = true
			off := root.start
			if n := root.at(ptr); n != nil {
				off = n.start
			}
			l.errorf(off, ptr, CodeBadSchema, "not valid JSON Schema 2020-12: %s", leaf.ErrorKind.LocalizedString(printer))
		}
		return false
	}
	// Not a metaschema failure: a bad $id, a regex that does not compile….
	msg := err.Error()
	var re *jsonschema.InvalidRegexError
	if errors.As(err, &re) {
		msg = fmt.Sprintf("pattern %q is not a valid regular expression", re.Regex)
		if ptr, ok := strings.CutPrefix(re.URL, schemaLocation+"#"); ok {
			if n := root.at(ptr); n != nil {
				l.errorf(n.start, ptr, CodeBadSchema, "%s", msg)
				return false
			}
		}
	}
	l.errorf(root.start, "", CodeBadSchema, "%s", msg)
	return false
}

// leafErrors flattens a validation error tree into the errors that say
// what is wrong, dropping the "some of the causes failed" wrappers.
func leafErrors(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leafErrors(c)...)
	}
	return out
}

func instancePointer(loc []string) string {
	return joinPointer("", loc...)
}

// compileAnswerSchema compiles the schema answers are validated with: the
// definition with every "required" removed (Evaluate decides what is
// required: a required field that is not relevant is not asked) and
// x-choices turned into enum.
func compileAnswerSchema(root *jsonNode, f *Form) (*jsonschema.Schema, error) {
	doc := root.value().(map[string]any)
	delete(doc, "required")
	for _, fd := range f.all {
		m := schemaMap(doc, fd.schemaPtr)
		if m == nil {
			return nil, fmt.Errorf("field %s: no schema at %s", fd.key, fd.schemaPtr)
		}
		target := m
		if fd.typ == "array" {
			items, _ := m["items"].(map[string]any)
			if items == nil {
				return nil, fmt.Errorf("field %s: no items", fd.key)
			}
			if fd.itemType == "" {
				delete(items, "required")
			} else {
				m["uniqueItems"] = true // a choice cannot be ticked twice
			}
			target = items
		}
		if fd.typ == "object" {
			delete(m, "required")
		}
		if _, hasChoices := m["x-choices"]; hasChoices {
			values := make([]any, len(fd.choices))
			for i, c := range fd.choices {
				values[i] = c.value
			}
			target["enum"] = values
		}
	}
	c := newCompiler()
	if err := c.AddResource(schemaLocation, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaLocation)
}

// schemaMap returns the object at ptr inside the generic document doc.
func schemaMap(doc map[string]any, ptr string) map[string]any {
	cur := doc
	if ptr == "" {
		return cur
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		next, ok := cur[unescapePointer(tok)].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

// Names an expression sees besides the fields. Fields may not use them.
const (
	varRefTime     = "refTime"
	varSubmittedAt = "submittedAt"
	varRow         = "row"
	varRowIndex    = "rowIndex"
	varChoice      = "choice"
	varChoiceData  = "choiceData"
)

// reservedNames cannot be field keys: the variables forms declare.
var reservedNames = keySet(varRefTime, varSubmittedAt, varRow, varRowIndex, varChoice, varChoiceData)

// keywords are the words of the expression grammar; a variable cannot be
// named like one. (A key named like a function only hides it: a warning.)
var keywords = keySet("true", "false", "nil", "in", "not", "and", "or", "matches",
	"contains", "startsWith", "endsWith", "let", "if", "else")

// sample returns a value of the Go type field fd's variable has.
func sample(fd *Field) any {
	switch fd.typ {
	case "string":
		return ""
	case "integer":
		return 0
	case "number":
		return 0.0
	case "boolean":
		return false
	case "array":
		if fd.itemType == "" {
			return []map[string]any{}
		}
		return []any{}
	}
	return nil
}

// buildEnvs gives every scope its expression environment: the form's
// built-ins, the fields of the scope and of every enclosing scope, and in
// a repeat group's rows, row and rowIndex.
func (l *loader) buildEnvs() {
	for _, sc := range l.scopes {
		env := rules.NewEnv(rules.KindForm)
		for s := sc; s != nil; s = s.parent {
			for _, fd := range s.fields {
				if l.form.byKey[fd.key] == fd {
					env.Var(fd.key, sample(fd))
				}
			}
		}
		if sc.group != nil {
			env.Var(varRow, map[string]any{}).Var(varRowIndex, 0)
		}
		sc.env = env
	}
}

// compileExpressions compiles every expression of every field, once.
func (l *loader) compileExpressions() {
	for _, fd := range l.form.all {
		for _, e := range l.exprs[fd] {
			env, want := fd.scope.env, rules.ResultBool
			switch e.keyword {
			case "x-calculate":
				want = calculateResult(fd)
			case "x-choice-filter":
				var cs any = ""
				if len(fd.choices) > 0 {
					cs = fd.choices[0].value
				}
				env = env.Clone().Var(varChoice, cs).Var(varChoiceData, map[string]any{})
			}
			prog := l.compile(e, env, want)
			switch e.keyword {
			case "x-relevant":
				fd.relevant = prog
			case "x-constraint":
				fd.constraint = prog
			case "x-calculate":
				fd.calculate = prog
			case "x-required-if":
				fd.requiredIf = prog
			case "x-choice-filter":
				fd.choiceFilter = prog
			}
		}
	}
}

// calculateResult is the result type an x-calculate must have for fd.
func calculateResult(fd *Field) rules.Result {
	switch {
	case fd.typ == "integer":
		return rules.ResultInt
	case fd.typ == "number":
		return rules.ResultNumber
	case fd.typ == "boolean":
		return rules.ResultBool
	case fd.typ == "string" && fd.format == FormatDate:
		return rules.ResultAny // a time.Time or a "2006-01-02" string
	}
	return rules.ResultString
}

func (l *loader) compile(e authoredExpr, env *rules.Env, want rules.Result) *rules.Program {
	prog, err := rules.Compile(e.src, env, want)
	if err == nil {
		return prog
	}
	var ce *rules.CompileError
	if !errors.As(err, &ce) {
		l.errorf(e.node.start, e.ptr, CodeBadExpression, "%s: %v", e.keyword, err).WithTerm("key", e.keyword)
		return nil
	}
	off := stringOffset(l.src, e.node.start, exprOffset(e.src, ce.Line, ce.Col))
	if ce.Code == rules.CodeUnknownFunction {
		l.errorf(off, e.ptr, CodeUnknownFunction, "%s: %s", e.keyword, ce.Message).WithCompileError(ce).WithTerm("keyword", e.keyword).
			With("why."+rules.LangZH, ce.Args["why."+rules.LangZH]).With("why."+rules.LangEN, ce.Args["why."+rules.LangEN])
		return nil
	}
	if ce.Code == rules.CodeUnknownIdentifier {
		hint := ""
		if s := closest(ce.Ident, keySet(env.Names()...)); s != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", s)
		}
		if l.form.byKey[ce.Ident] != nil {
			l.errorf(off, e.ptr, CodeUnknownIdentifier,
				"%s: %s is a field of a repeat group; only expressions inside that group see it", e.keyword, ce.Ident).
				With("name", ce.Ident).WithTerm("keyword", e.keyword).
				WithText("detail", "它是重复组里的字段，只有该组内的表达式能用它。", "It is a field of a repeat group; only expressions inside that group see it.")
			return nil
		}
		l.errorf(off, e.ptr, CodeUnknownIdentifier, "%s: no field has the key %s%s", e.keyword, ce.Ident, hint).
			With("name", ce.Ident).With("suggest", closest(ce.Ident, keySet(env.Names()...))).WithTerm("keyword", e.keyword)
		return nil
	}
	l.errorf(off, e.ptr, CodeBadExpression, "%s: %s (%s)", e.keyword, ce.Message, ce.Code).WithCompileError(ce).WithTerm("key", e.keyword)
	return nil
}

// exprOffset converts a 1-based line and rune column inside src to a byte
// offset. Positions outside src clamp to its ends.
func exprOffset(src string, line, col int) int {
	if line < 1 {
		return 0
	}
	off := 0
	for i := 1; i < line; i++ {
		nl := strings.IndexByte(src[off:], '\n')
		if nl < 0 {
			return len(src)
		}
		off += nl + 1
	}
	for i := 1; i < col && off < len(src) && src[off] != '\n'; i++ {
		_, w := utf8.DecodeRuneInString(src[off:])
		off += w
	}
	return off
}

// planEvaluation orders the fields so that every field's relevance and
// calculation run after the fields they read, and reports cycles.
//
// A field depends on its enclosing section or group (a field inside an
// irrelevant section is irrelevant) and on every field its x-relevant and
// x-calculate name. Naming a repeat group depends on every field inside it
// whose value Evaluate changes (calculated or conditional ones), except the
// naming field itself, which sees its own group's other rows as they stand.
func (l *loader) planEvaluation() {
	type edge struct {
		to        *Field
		calculate bool // the edge comes from an x-calculate
	}
	deps := map[*Field][]edge{}
	for _, fd := range l.form.all {
		if fd.parent != nil {
			deps[fd] = append(deps[fd], edge{to: fd.parent})
		}
		for _, p := range []struct {
			prog *rules.Program
			calc bool
		}{{fd.relevant, false}, {fd.calculate, true}} {
			if p.prog == nil {
				continue
			}
			for _, name := range p.prog.Identifiers() {
				x := l.form.byKey[name]
				if x == nil || !x.scope.visibleFrom(fd.scope) {
					continue
				}
				deps[fd] = append(deps[fd], edge{to: x, calculate: p.calc})
				if x.typ == "array" && x.itemType == "" {
					for _, d := range descendants(x) {
						if d != fd && (d.relevant != nil || d.calculate != nil) {
							deps[fd] = append(deps[fd], edge{to: d, calculate: p.calc})
						}
					}
				}
			}
		}
	}

	// Depth-first search in document order; grey nodes are on the stack.
	const (
		white = iota
		grey
		black
	)
	color := map[*Field]int{}
	var stack []*Field
	var stackCalc []bool // whether the edge into stack[i] came from x-calculate
	reported := map[*Field]bool{}
	var visit func(fd *Field)
	visit = func(fd *Field) {
		color[fd] = grey
		stack = append(stack, fd)
		for _, e := range deps[fd] {
			switch color[e.to] {
			case white:
				stackCalc = append(stackCalc, e.calculate)
				visit(e.to)
				stackCalc = stackCalc[:len(stackCalc)-1]
			case grey:
				i := slices.Index(stack, e.to)
				cycle := stack[i:]
				allCalc := e.calculate
				for _, c := range stackCalc[i:] {
					allCalc = allCalc && c
				}
				l.reportCycle(cycle, allCalc, reported)
			}
		}
		stack = stack[:len(stack)-1]
		color[fd] = black
		l.form.plan = append(l.form.plan, fd)
	}
	for _, fd := range l.form.all {
		if color[fd] == white {
			visit(fd)
		}
	}
}

func (l *loader) reportCycle(cycle []*Field, allCalc bool, reported map[*Field]bool) {
	first := slices.MinFunc(cycle, func(a, b *Field) int { return a.docIndex - b.docIndex })
	if reported[first] {
		return
	}
	reported[first] = true
	// Name the cycle from its first field in document order.
	i := slices.Index(cycle, first)
	names := make([]string, 0, len(cycle)+1)
	for j := range cycle {
		names = append(names, cycle[(i+j)%len(cycle)].key)
	}
	names = append(names, first.key)
	keyword, code := "x-relevant", CodeRelevanceCycle
	if allCalc {
		keyword, code = "x-calculate", CodeCalculateCycle
	}
	off, ptr := l.keyPos[first], first.schemaPtr
	for _, e := range l.exprs[first] {
		if e.keyword == keyword {
			off, ptr = e.node.start, e.ptr
		}
	}
	labels := make([]string, len(cycle)+1)
	for j := range cycle {
		labels[j] = cycle[(i+j)%len(cycle)].Label("zh")
	}
	labels[len(cycle)] = first.Label("zh")
	l.errorf(off, ptr, code, "%s depend on each other: %s", keywordsOf(allCalc), strings.Join(names, " → ")).
		WithText("cycle", "「"+strings.Join(labels, "」→「")+"」", strings.Join(names, " → "))
}

func keywordsOf(allCalc bool) string {
	if allCalc {
		return "calculated fields"
	}
	return "relevance and calculations"
}

// descendants returns every field inside a section or repeat group.
func descendants(fd *Field) []*Field {
	var out []*Field
	for _, c := range fd.children {
		out = append(out, c)
		out = append(out, descendants(c)...)
	}
	return out
}

// Custom formats. cn-resident-id is checked here without a reference
// time; Evaluate adds the future-birth check against Env.RefTime.
var customFormats = []*jsonschema.Format{
	{Name: FormatResidentID, Validate: func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		_, err := rules.ParseResidentID(s, time.Time{})
		return err
	}},
	{Name: FormatMobile, Validate: func(v any) error {
		if s, ok := v.(string); ok && !rules.ValidMobile(s) {
			return errNotMobile
		}
		return nil
	}},
	{Name: FormatAdminCode, Validate: func(v any) error {
		if s, ok := v.(string); ok && !rules.ValidAdminCode(s) {
			return errNotAdminCode
		}
		return nil
	}},
}

var (
	errNotMobile    = errors.New("not a mobile number")
	errNotAdminCode = errors.New("not an administrative division code")
)
