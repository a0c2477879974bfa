package forms

import (
	"cmp"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"canvass/rules"
)

// Env is what an evaluation depends on besides the form and the answers.
type Env struct {
	// RefTime is the campaign's reference time ("as of 6 December"):
	// expressions see it as refTime, ages are computed at it, and a
	// resident ID with a birth date after it is refused. Evaluate never
	// reads the clock.
	RefTime time.Time
	// SubmittedAt is when the answers are submitted: the time the server
	// stores the record, or, for live feedback before submitting, the
	// time of the check. Expressions see it as submittedAt ("the visit
	// was not after submission": date(visitDate) <= submittedAt). Zero
	// means unknown: submittedAt is then nil, and an expression reading
	// it fails, which counts as false. Evaluate never reads the clock.
	SubmittedAt time.Time
	// Lang selects the language of messages: "en…" for English, anything
	// else for Chinese (zh-CN). See MatchLang.
	Lang string
}

// State is the outcome of evaluating answers against a form: what to ask,
// what is wrong, and what to store. Pointers are JSON pointers into the
// answers, with row indexes for fields in repeat groups
// ("/children/1/birthDate").
type State struct {
	// Relevant tells, for every field of every present row, whether it is
	// asked. Fields inside an irrelevant section are irrelevant; rows of an
	// irrelevant repeat group are dropped, so their fields are not listed.
	Relevant map[string]bool `json:"relevant"`
	// Required holds the relevant fields that must be answered now (listed
	// in "required", or x-required-if is true).
	Required map[string]bool `json:"required"`
	// Calculated holds the value of every relevant calculated field whose
	// expression could be computed.
	Calculated map[string]any `json:"calculated"`
	// Choices holds, for relevant fields with an x-choice-filter, the
	// values the filter allows, in authored order. Other choice fields
	// offer all of Field.Choices.
	Choices map[string][]any `json:"choices"`
	// Errors lists at most one problem per pointer, for relevant fields
	// only, sorted by pointer (row indexes compared as numbers).
	Errors []rules.FieldError `json:"errors"`
	// Reasons refines an error's code where one code covers several
	// problems: for format_resident_id, one of length, chars, lower_x,
	// birth_date, check_digit, future_birth. Keyed by pointer.
	Reasons map[string]string `json:"reasons"`
	// Clean is what gets stored: the answers to declared fields only,
	// strings trimmed, numbers typed (int for integer fields, float64 for
	// number fields), irrelevant answers dropped, calculated values filled
	// in, and empty sections removed. It is valid exactly when Errors is
	// empty.
	Clean map[string]any `json:"clean"`
}

// Valid reports whether the answers have no errors.
func (s State) Valid() bool { return len(s.Errors) == 0 }

// Evaluate works out which fields are relevant and required, computes the
// calculated fields, validates the answers and returns what to store. It
// is pure: no I/O, no clock, no change to f or answers; the same inputs
// always give the same State.
//
// Relevance and calculations run field by field in dependency order, and a
// field that turns out irrelevant counts as unanswered for every expression
// after it, so a stale answer to a question no longer asked (a child's
// name after "has children" went back to no) changes nothing. Then, for
// relevant fields: required and x-required-if, the JSON Schema (type,
// limits, pattern, choices, formats), choice filters and x-constraint.
// Expressions that fail at run time — typically because an answer they
// read is missing — count as false: not relevant, not required, no
// constraint violated, no value calculated.
func Evaluate(f *Form, answers map[string]any, env Env) State {
	ev := &evaluation{
		form: f,
		env:  env,
		top:  &rowCtx{},
		state: State{
			Relevant:   map[string]bool{},
			Required:   map[string]bool{},
			Calculated: map[string]any{},
			Choices:    map[string][]any{},
			Reasons:    map[string]string{},
		},
		errs:  map[string]candidate{},
		cache: map[string]map[string]any{},
	}
	ev.top.row = normalizeObject(f.fields, answers)
	ev.resolve()
	ev.check()
	ev.validateSchema()
	pruneEmptySections(f.fields, ev.top.row)
	ev.finish()
	return ev.state
}

type evaluation struct {
	form  *Form
	env   Env
	top   *rowCtx
	state State
	errs  map[string]candidate
	cache map[string]map[string]any // expression variables by row pointer
}

// rowCtx is one object fields live in: the root of the answers, or one row
// of a repeat group.
type rowCtx struct {
	parent  *rowCtx
	row     map[string]any
	index   int
	pointer string // "" for the root, "/children/0" for a row
}

// candidate is an error waiting for the per-pointer choice: the lowest
// rank wins, so a missing answer is reported rather than its format.
type candidate struct {
	rank   int
	code   string
	reason string
	msg    string
}

const (
	rankRequired = iota
	rankType
	rankSchema
	rankChoice
	rankConstraint
)

func (ev *evaluation) addError(ptr string, rank int, code, reason, msg string) {
	if old, ok := ev.errs[ptr]; ok && (old.rank < rank || old.rank == rank && old.code <= code) {
		return
	}
	ev.errs[ptr] = candidate{rank: rank, code: code, reason: reason, msg: msg}
}

// instances returns the objects in which the fields of scope sc live.
func (ev *evaluation) instances(sc *scope) []*rowCtx {
	if sc.group == nil {
		return []*rowCtx{ev.top}
	}
	var out []*rowCtx
	for _, p := range ev.instances(sc.parent) {
		v, _ := getPath(p.row, sc.group.path)
		rows, _ := v.([]any)
		base := p.pointer + joinPointer("", sc.group.path...)
		for i, r := range rows {
			if m, ok := r.(map[string]any); ok {
				out = append(out, &rowCtx{parent: p, row: m, index: i, pointer: base + "/" + strconv.Itoa(i)})
			}
		}
	}
	return out
}

// vars returns the expression variables of scope sc in the object ctx.
// The result is shared: callers must not change it.
func (ev *evaluation) vars(ctx *rowCtx, sc *scope) map[string]any {
	if v, ok := ev.cache[ctx.pointer]; ok {
		return v
	}
	var vars map[string]any
	if ctx.parent == nil {
		vars = map[string]any{varRefTime: ev.env.RefTime, varSubmittedAt: nil}
		if !ev.env.SubmittedAt.IsZero() {
			vars[varSubmittedAt] = ev.env.SubmittedAt
		}
	} else {
		vars = maps.Clone(ev.vars(ctx.parent, sc.parent))
		vars[varRow] = ctx.row
		vars[varRowIndex] = ctx.index
	}
	for _, fd := range sc.fields {
		v, _ := getPath(ctx.row, fd.path)
		vars[fd.key] = varValue(fd, v)
	}
	ev.cache[ctx.pointer] = vars
	return vars
}

func (ev *evaluation) set(ctx *rowCtx, path []string, v any) {
	if c := container(ctx.row, path); c != nil {
		c[path[len(path)-1]] = v
		ev.invalidate(ctx)
	}
}

func (ev *evaluation) remove(ctx *rowCtx, path []string) {
	if c := container(ctx.row, path); c != nil {
		if _, ok := c[path[len(path)-1]]; ok {
			delete(c, path[len(path)-1])
			ev.invalidate(ctx)
		}
	}
}

// invalidate drops the cached variables a change in ctx makes stale: those
// of ctx and of the rows nested in it. Enclosing scopes see a repeat group
// as its row maps, which are shared, so they stay current.
func (ev *evaluation) invalidate(ctx *rowCtx) {
	if ctx.parent == nil {
		clear(ev.cache)
		return
	}
	for p := range ev.cache {
		if p == ctx.pointer || strings.HasPrefix(p, ctx.pointer+"/") {
			delete(ev.cache, p)
		}
	}
}

// resolve decides relevance and computes calculated fields, in the order
// planned at load time.
func (ev *evaluation) resolve() {
	for _, fd := range ev.form.plan {
		for _, ctx := range ev.instances(fd.scope) {
			ptr := ctx.pointer + joinPointer("", fd.path...)
			relevant := true
			if fd.parent != nil && fd.parent.typ == "object" {
				relevant = ev.state.Relevant[ctx.pointer+joinPointer("", fd.parent.path...)]
			}
			if relevant && fd.relevant != nil {
				relevant, _ = runBool(fd.relevant, ev.vars(ctx, fd.scope))
			}
			ev.state.Relevant[ptr] = relevant
			if !relevant {
				ev.remove(ctx, fd.path)
				continue
			}
			if fd.calculate == nil {
				continue
			}
			v, err := run(fd.calculate, ev.vars(ctx, fd.scope))
			if v = calculatedValue(fd, v); err != nil || v == nil {
				ev.remove(ctx, fd.path)
				continue
			}
			ev.set(ctx, fd.path, v)
			ev.state.Calculated[ptr] = v
		}
	}
}

// check applies required, x-required-if, choice filters, the reference
// time of resident IDs and x-constraint to every relevant field.
func (ev *evaluation) check() {
	for _, fd := range ev.form.all {
		for _, ctx := range ev.instances(fd.scope) {
			ptr := ctx.pointer + joinPointer("", fd.path...)
			if !ev.state.Relevant[ptr] {
				continue
			}
			c := container(ctx.row, fd.path)
			if c == nil {
				continue // inside a section that is not an object: its type error says it all
			}
			v := c[fd.path[len(fd.path)-1]]
			answered := !absent(v)
			if a, ok := v.([]any); ok && len(a) == 0 {
				answered = false
			}
			if fd.typ != "object" && fd.calculate == nil {
				req := fd.required
				if !req && fd.requiredIf != nil {
					req, _ = runBool(fd.requiredIf, ev.vars(ctx, fd.scope))
				}
				if req {
					ev.state.Required[ptr] = true
					if !answered {
						msg := fd.requiredMsg.In(ev.env.Lang)
						if msg == "" {
							msg = ev.msg(CodeRequired)
						}
						ev.addError(ptr, rankRequired, CodeRequired, "", msg)
					}
				}
			}
			if fd.choiceFilter != nil {
				ev.filterChoices(fd, ctx, ptr, v)
			}
			if !answered {
				continue
			}
			if s, ok := v.(string); ok && fd.format == FormatResidentID {
				if _, err := rules.ParseResidentID(s, ev.env.RefTime); err != nil {
					reason := residentIDReason(err)
					ev.addError(ptr, rankSchema, CodeResidentID, reason, ev.msg(CodeResidentID+"."+reason))
				}
			}
			if fd.constraint != nil {
				if ok, ran := runBool(fd.constraint, ev.vars(ctx, fd.scope)); ran && !ok {
					msg := fd.constraintMsg.In(ev.env.Lang)
					if msg == "" {
						msg = ev.msg(CodeConstraint)
					}
					ev.addError(ptr, rankConstraint, CodeConstraint, "", msg)
				}
			}
		}
	}
}

// filterChoices records the choices fd's filter allows in ctx and reports
// a picked value the filter does not allow. Values that are no choice at
// all are left to the schema (enum).
func (ev *evaluation) filterChoices(fd *Field, ctx *rowCtx, ptr string, v any) {
	vars := maps.Clone(ev.vars(ctx, fd.scope))
	allowed := []any{}
	for _, c := range fd.choices {
		vars[varChoice] = c.value
		vars[varChoiceData] = c.extra
		if ok, _ := runBool(fd.choiceFilter, vars); ok {
			allowed = append(allowed, c.value)
		}
	}
	ev.state.Choices[ptr] = allowed
	picked := []any{v}
	if a, ok := v.([]any); ok {
		picked = a
	}
	for _, p := range picked {
		if p == nil || !slices.ContainsFunc(fd.choices, func(c Choice) bool { return c.value == p }) {
			continue
		}
		if !slices.Contains(allowed, p) {
			ev.addError(ptr, rankChoice, CodeChoiceNotAllowed, "", ev.msg(CodeChoiceNotAllowed))
			return
		}
	}
}

// validateSchema checks the relevant answers against the form's schema
// and turns the schema's findings into coded, localized field errors.
func (ev *evaluation) validateSchema() {
	err := ev.form.schema.Validate(ev.top.row)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return
	}
	for _, leaf := range leafErrors(ve) {
		ptr := instancePointer(leaf.InstanceLocation)
		fd := ev.form.fieldAt(leaf.InstanceLocation)
		if fd != nil && fd.typ == "array" && fd.itemType != "" {
			// An error about one ticked choice belongs next to the field.
			ptr = ev.form.fieldPointer(leaf.InstanceLocation)
		}
		se := ev.schemaError(leaf.ErrorKind)
		ev.addError(ptr, se.rank, se.code, se.reason, se.msg)
	}
}

// finish sorts the errors into the State.
func (ev *evaluation) finish() {
	ptrs := slices.Collect(maps.Keys(ev.errs))
	slices.SortFunc(ptrs, comparePointers)
	ev.state.Errors = make([]rules.FieldError, 0, len(ptrs))
	for _, p := range ptrs {
		c := ev.errs[p]
		ev.state.Errors = append(ev.state.Errors, rules.FieldError{Pointer: p, Code: c.code, Message: c.msg})
		if c.reason != "" {
			ev.state.Reasons[p] = c.reason
		}
	}
	ev.state.Clean = ev.top.row
}

// comparePointers orders JSON pointers token by token, numbers as numbers.
func comparePointers(a, b string) int {
	ta, tb := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(ta) && i < len(tb); i++ {
		na, errA := strconv.Atoi(ta[i])
		nb, errB := strconv.Atoi(tb[i])
		var c int
		if errA == nil && errB == nil {
			c = cmp.Compare(na, nb)
		} else {
			c = cmp.Compare(ta[i], tb[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(ta), len(tb))
}

// fieldAt returns the field whose value is at the instance location loc,
// or the multi-choice field an item of which is there, or nil.
func (f *Form) fieldAt(loc []string) *Field {
	fields := f.fields
	var fd *Field
	for i := 0; i < len(loc); i++ {
		j := slices.IndexFunc(fields, func(c *Field) bool { return c.key == loc[i] })
		if j < 0 {
			return nil
		}
		fd = fields[j]
		if fd.typ == "array" {
			if fd.itemType != "" || i+1 == len(loc) {
				return fd
			}
			i++ // the row index
		}
		fields = fd.children
	}
	return fd
}

// fieldPointer returns the pointer of the multi-choice field an item of
// which is at loc.
func (f *Form) fieldPointer(loc []string) string {
	fields := f.fields
	for i := 0; i < len(loc); i++ {
		j := slices.IndexFunc(fields, func(c *Field) bool { return c.key == loc[i] })
		if j < 0 {
			break
		}
		fd := fields[j]
		if fd.typ == "array" && fd.itemType != "" {
			return instancePointer(loc[:i+1])
		}
		if fd.typ == "array" {
			i++
		}
		fields = fd.children
	}
	return instancePointer(loc)
}

func run(p *rules.Program, vars map[string]any) (any, error) {
	return p.Run(vars)
}

// runBool runs a boolean expression. ran is false when it failed; the
// result is then false.
func runBool(p *rules.Program, vars map[string]any) (result, ran bool) {
	v, err := p.RunBool(vars)
	if err != nil {
		return false, false
	}
	return v, true
}

// absent reports whether an answer counts as not given.
func absent(v any) bool {
	return v == nil || v == ""
}

func getPath(m map[string]any, path []string) (any, bool) {
	c := container(m, path)
	if c == nil {
		return nil, false
	}
	v, ok := c[path[len(path)-1]]
	return v, ok
}

// container returns the object holding the value at path (the innermost
// section), or nil when a section on the way is missing or not an object.
func container(m map[string]any, path []string) map[string]any {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// normalizeObject copies the answers to fields out of src: unknown keys
// and calculated fields' values are dropped, strings trimmed, numbers
// converted to the field's Go type, sections always present. A value of
// the wrong type is kept as it is, for the schema to report.
func normalizeObject(fields []*Field, src map[string]any) map[string]any {
	dst := make(map[string]any, len(fields))
	for _, fd := range fields {
		v := src[fd.key]
		if s, ok := v.(string); ok {
			v = strings.TrimSpace(s)
		}
		switch {
		case fd.calculate != nil:
		case fd.typ == "object":
			if m, ok := v.(map[string]any); ok || absent(v) {
				dst[fd.key] = normalizeObject(fd.children, m)
			} else {
				dst[fd.key] = v
			}
		case absent(v):
		case fd.typ == "array":
			items, ok := asSlice(v)
			if !ok {
				dst[fd.key] = v
				continue
			}
			out := make([]any, len(items))
			for i, it := range items {
				switch m, isMap := it.(map[string]any); {
				case fd.itemType == "" && isMap:
					out[i] = normalizeObject(fd.children, m)
				case fd.itemType != "":
					out[i] = coerce(fd.itemType, it)
				default:
					out[i] = it
				}
			}
			dst[fd.key] = out
		default:
			dst[fd.key] = coerce(fd.typ, v)
		}
	}
	return dst
}

// asSlice returns the elements of any Go slice.
func asSlice(v any) ([]any, bool) {
	if a, ok := v.([]any); ok {
		return a, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// coerce converts a scalar answer to the Go type of the JSON Schema type
// typ: string, int (integer) or float64 (number). Values that do not fit
// are returned unchanged.
func coerce(typ string, v any) any {
	switch typ {
	case "string":
		if s, ok := v.(string); ok {
			return strings.TrimSpace(s)
		}
	case "integer":
		if f, ok := number(v); ok && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
			return int(f)
		}
	case "number":
		if f, ok := number(v); ok {
			return f
		}
	}
	return v
}

// number returns the value of a numeric answer of any Go numeric type.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	case json.Number:
		f, err := n.Float64()
		return f, err == nil && !math.IsInf(f, 0)
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case float32:
		return float64(n), true
	}
	return 0, false
}

// varValue is an answer as an expression sees it: nil when absent or of
// the wrong type, so that a typed expression never meets a surprise.
func varValue(fd *Field, v any) any {
	switch fd.typ {
	case "string":
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	case "integer":
		if n, ok := v.(int); ok {
			return n
		}
	case "number":
		if n, ok := v.(float64); ok {
			return n
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return b
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return nil
		}
		if fd.itemType != "" {
			return a
		}
		rows := make([]map[string]any, len(a))
		for i, r := range a {
			rows[i], _ = r.(map[string]any)
		}
		return rows
	}
	return nil
}

// calculatedValue converts an x-calculate result to the field's type, or
// nil when it does not fit.
func calculatedValue(fd *Field, v any) any {
	switch fd.typ {
	case "integer":
		if f, ok := number(v); ok && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
			return int(f)
		}
	case "number":
		if f, ok := number(v); ok {
			return f
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return b
		}
	case "string":
		switch s := v.(type) {
		case string:
			return s
		case time.Time:
			return s.In(rules.Shanghai).Format(time.DateOnly)
		}
	}
	return nil
}

// pruneEmptySections removes sections left without any answer.
func pruneEmptySections(fields []*Field, m map[string]any) {
	for _, fd := range fields {
		switch v := m[fd.key].(type) {
		case map[string]any:
			if fd.typ == "object" {
				pruneEmptySections(fd.children, v)
				if len(v) == 0 {
					delete(m, fd.key)
				}
			}
		case []any:
			if fd.typ == "array" && fd.itemType == "" {
				for _, r := range v {
					if row, ok := r.(map[string]any); ok {
						pruneEmptySections(fd.children, row)
					}
				}
			}
		}
	}
}
