package studio

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"canvass/forms"
	"canvass/rules"
	"canvass/workflows"
)

// WorkflowDoc is a workflow definition (YAML) opened for the review-flow
// designer. It keeps the author's key order and every key the designer
// does not know; Bytes writes it back in the examples' house style (small
// maps on one line, a blank line between states, no comments). Operations
// change it in place and keep it a workflow that workflows.Load accepts.
//
// A WorkflowDoc is not safe for concurrent use.
type WorkflowDoc struct {
	// Lang is the language of the messages of errors: zh-CN (the
	// default) or en.
	Lang string

	root *node
}

// maxWorkflowSource bounds what OpenWorkflow reads, as workflows.Load
// does.
const maxWorkflowSource = 256 << 10

// OpenWorkflow decodes a workflow definition. It returns EINVALID (code
// workflow_syntax) when src is not one YAML mapping. It does not lint: a
// draft with errors opens, so the author can fix it in the designer.
func OpenWorkflow(src []byte) (*WorkflowDoc, error) {
	if len(src) > maxWorkflowSource {
		return nil, problemAt("", CodeWorkflowSyntax, fmt.Sprintf("> %d bytes", maxWorkflowSource)).err(forms.LangZH)
	}
	var root yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(src, &root, yaml.UseOrderedMap()); err != nil {
		return nil, problemAt("", CodeWorkflowSyntax, firstLine(err.Error())).err(forms.LangZH)
	}
	n, err := yamlNode(root, 0)
	if err == nil && len(n.members) == 0 {
		err = fmt.Errorf("empty")
	}
	if err != nil {
		return nil, problemAt("", CodeWorkflowSyntax, err.Error()).err(forms.LangZH)
	}
	return &WorkflowDoc{root: n}, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// yamlNode converts what goccy/go-yaml decodes with UseOrderedMap into a
// node, the ordered tree the form designer uses too; the studio's YAML
// editors and the version diff share it.
func yamlNode(v any, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested too deeply")
	}
	switch x := v.(type) {
	case nil:
		return &node{kind: kindNull}, nil
	case string:
		return strNode(x), nil
	case bool:
		return boolNode(x), nil
	case uint64:
		return numNode(json.Number(strconv.FormatUint(x, 10))), nil
	case int64:
		return numNode(json.Number(strconv.FormatInt(x, 10))), nil
	case int:
		return intNode(x), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("not a finite number")
		}
		return numNode(json.Number(strconv.FormatFloat(x, 'g', -1, 64))), nil
	case time.Time:
		return strNode(x.Format(time.RFC3339)), nil
	case map[string]any: // a mapping decoded without the ordered option
		n := objNode()
		for _, k := range slices.Sorted(maps.Keys(x)) {
			c, err := yamlNode(x[k], depth+1)
			if err != nil {
				return nil, err
			}
			n.members = append(n.members, member{k, c})
		}
		return n, nil
	case yaml.MapSlice:
		n := objNode()
		for _, m := range x {
			k, ok := m.Key.(string)
			if !ok {
				k = fmt.Sprint(m.Key)
			}
			c, err := yamlNode(m.Value, depth+1)
			if err != nil {
				return nil, err
			}
			n.members = append(n.members, member{k, c})
		}
		return n, nil
	case []any:
		n := &node{kind: kindArray, items: []*node{}}
		for _, it := range x {
			c, err := yamlNode(it, depth+1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, c)
		}
		return n, nil
	}
	return nil, fmt.Errorf("unsupported value %T", v)
}

// Clone returns an independent copy of the document.
func (d *WorkflowDoc) Clone() *WorkflowDoc { return &WorkflowDoc{Lang: d.Lang, root: d.root.clone()} }

func (d *WorkflowDoc) lang() string { return cmp.Or(d.Lang, forms.LangZH) }

// ID returns the workflow's id.
func (d *WorkflowDoc) ID() string { return d.root.getString("id") }

// Load lints and compiles the document with workflows.Load, as publishing
// will.
func (d *WorkflowDoc) Load() (*workflows.Workflow, []rules.Diagnostic) {
	name := "workflow.yaml"
	if id := d.ID(); id != "" {
		name = id + ".workflow.yaml"
	}
	return workflows.Load(name, d.Bytes())
}

// Bytes returns the document as the studio saves it: the examples' house
// style — two-space indentation, top-level keys, then "states:" after a
// blank line with a blank line between states; texts, steps, reminders
// and short actions on one line.
func (d *WorkflowDoc) Bytes() []byte {
	var b bytes.Buffer
	for _, m := range d.root.members {
		if m.key == "states" && m.value.kind == kindObject {
			b.WriteString("\nstates:\n")
			for i, s := range m.value.members {
				if i > 0 {
					b.WriteByte('\n')
				}
				writeYAMLEntry(&b, 1, s.key, s.value, blockState)
			}
			continue
		}
		writeYAMLEntry(&b, 0, m.key, m.value, blockAuto)
	}
	return b.Bytes()
}

// How a mapping is written: on one line when it is small, or always as a
// block (states and their actions, as in the examples).
const (
	blockAuto = iota
	blockState
	blockActions
)

// maxFlowWidth is the longest value written on one line.
const maxFlowWidth = 100

func writeYAMLEntry(b *bytes.Buffer, level int, key string, v *node, mode int) {
	indent := strings.Repeat("  ", level)
	b.WriteString(indent)
	b.WriteString(yamlScalar(key))
	b.WriteByte(':')
	switch v.kind {
	case kindObject, kindArray:
		if mode == blockAuto {
			if flow, ok := yamlFlow(v); ok && len(flow) <= maxFlowWidth {
				b.WriteString(" " + flow + "\n")
				return
			}
		}
		if len(v.members) == 0 && len(v.items) == 0 {
			flow, _ := yamlFlow(v)
			b.WriteString(" " + flow + "\n")
			return
		}
		b.WriteByte('\n')
		if v.kind == kindObject {
			childMode := blockAuto
			if mode == blockState {
				childMode = -1 // decided per key below
			}
			for _, m := range v.members {
				cm := childMode
				if cm == -1 {
					cm = blockAuto
					if m.key == "actions" {
						cm = blockActions
					}
				}
				if mode == blockActions {
					cm = blockAuto
				}
				writeYAMLEntry(b, level+1, m.key, m.value, cm)
			}
			return
		}
		for _, it := range v.items {
			writeYAMLItem(b, level+1, it)
		}
	default:
		b.WriteString(" " + yamlFlowScalar(v) + "\n")
	}
}

func writeYAMLItem(b *bytes.Buffer, level int, it *node) {
	indent := strings.Repeat("  ", level)
	if flow, ok := yamlFlow(it); ok {
		b.WriteString(indent + "- " + flow + "\n")
		return
	}
	b.WriteString(indent + "-\n")
	switch it.kind {
	case kindObject:
		for _, m := range it.members {
			writeYAMLEntry(b, level+1, m.key, m.value, blockAuto)
		}
	case kindArray:
		for _, c := range it.items {
			writeYAMLItem(b, level+1, c)
		}
	}
}

// yamlFlow writes v on one line: {a: 1, b: x} or [a, b]. ok is false for
// a value that does not belong on one line: a list holding mappings, or
// anything nested deeper than a mapping in a mapping.
func yamlFlow(v *node) (string, bool) {
	switch v.kind {
	case kindObject:
		parts := make([]string, 0, len(v.members))
		for _, m := range v.members {
			s, ok := yamlFlowChild(m.value)
			if !ok {
				return "", false
			}
			parts = append(parts, yamlScalar(m.key)+": "+s)
		}
		return "{" + strings.Join(parts, ", ") + "}", true
	case kindArray:
		parts := make([]string, 0, len(v.items))
		for _, it := range v.items {
			if it.kind == kindObject || it.kind == kindArray {
				return "", false
			}
			parts = append(parts, yamlFlowScalar(it))
		}
		return "[" + strings.Join(parts, ", ") + "]", true
	}
	return yamlFlowScalar(v), true
}

func yamlFlowChild(v *node) (string, bool) {
	switch v.kind {
	case kindObject:
		for _, m := range v.members {
			if m.value.kind == kindObject || m.value.kind == kindArray {
				return "", false
			}
		}
		return yamlFlow(v)
	case kindArray:
		return yamlFlow(v)
	}
	return yamlFlowScalar(v), true
}

func yamlFlowScalar(v *node) string {
	switch v.kind {
	case kindNull:
		return "null"
	case kindBool:
		return strconv.FormatBool(v.boolean)
	case kindNumber:
		return string(v.num)
	}
	return yamlScalar(v.str)
}

var (
	plainSafe  = regexp.MustCompile(`^[\p{L}_][\p{L}\p{N}_ ./()\-]*$`)
	plainWords = []string{"true", "false", "yes", "no", "on", "off", "null", "y", "n"}
)

// yamlQuote writes s double-quoted; JSON's quoting is valid YAML.
func yamlQuote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// yamlScalar writes s plain when YAML reads it back as the same string in
// any context (block or flow), else double-quoted (JSON's quoting is
// valid YAML).
func yamlScalar(s string) string {
	if plainSafe.MatchString(s) && !strings.HasSuffix(s, " ") && !slices.Contains(plainWords, strings.ToLower(s)) {
		return s
	}
	return yamlQuote(s)
}

// Kinds of states, as the designer shows them.
const (
	StateLevel      = "level"      // a review level of the ladder
	StateCorrection = "correction" // back to the field worker
	StateFinal      = "final"      // an outcome
)

// Units of a time limit.
const (
	UnitHours = "hours"
	UnitDays  = "days"
)

// Limit is a time limit as the designer edits it: N hours or N days.
// Raw holds any other duration or a due expression as written; the
// designer keeps it until the author sets hours or days.
type Limit struct {
	N    int    `json:"n,omitempty"`
	Unit string `json:"unit,omitempty"` // hours or days; "" with N 0: none
	Raw  string `json:"raw,omitempty"`
}

// IsZero reports whether there is no limit.
func (l Limit) IsZero() bool { return l.N == 0 && l.Unit == "" && l.Raw == "" }

// ISO returns the limit as an ISO 8601 duration ("PT48H", "P3D"), or Raw.
func (l Limit) ISO() string {
	switch {
	case l.Raw != "":
		return l.Raw
	case l.Unit == UnitHours:
		return fmt.Sprintf("PT%dH", l.N)
	case l.Unit == UnitDays:
		return fmt.Sprintf("P%dD", l.N)
	}
	return ""
}

// hours returns the limit in hours, or false for a raw one.
func (l Limit) hours() (int, bool) {
	switch {
	case l.Raw != "":
		return 0, false
	case l.Unit == UnitHours:
		return l.N, true
	case l.Unit == UnitDays:
		return l.N * 24, true
	}
	return 0, false
}

// limitOf reads a duration or due expression: whole days or whole hours
// become a Limit of that unit, anything else is kept raw.
func limitOf(s string) Limit {
	s = strings.TrimSpace(s)
	if s == "" {
		return Limit{}
	}
	d, err := workflows.ParseDuration(s)
	if err != nil || d.Years != 0 || d.Months != 0 {
		return Limit{Raw: s}
	}
	switch {
	case d.Clock == 0:
		return Limit{N: d.Days, Unit: UnitDays}
	case d.Days == 0 && d.Clock%time.Hour == 0:
		return Limit{N: int(d.Clock / time.Hour), Unit: UnitHours}
	}
	return Limit{Raw: s}
}

// Reminder is a state's remind: every Every, Times times. Times 0: none.
type Reminder struct {
	Every Limit `json:"every"`
	Times int   `json:"times,omitempty"`
}

// Escalation is a state's escalate: To is "" (none), "level_above" or
// "widen" (add Widen's roles to the candidates); After, when set, counts
// from the time limit.
type Escalation struct {
	To    string   `json:"to,omitempty"`
	Widen []string `json:"widen,omitempty"`
	After Limit    `json:"after"`
}

// Escalation targets.
const (
	EscalateLevelAbove = "level_above"
	EscalateWiden      = "widen"
)

// RouteSpec is one routing rule of an action: when When holds, go To.
type RouteSpec struct {
	When string `json:"when"`
	To   string `json:"to"`
}

// ActionSpec is one allowed action of a state and where it leads: the
// conditional Routes first, in order, then To.
type ActionSpec struct {
	Name           string      `json:"name"` // approve, return, reject, submit
	To             string      `json:"to"`
	Routes         []RouteSpec `json:"routes,omitempty"`
	ReasonRequired bool        `json:"reasonRequired,omitempty"`
	Guard          string      `json:"guard,omitempty"` // kept as written; the designer shows it
}

// StateSpec is what the designer edits of one state. Zero values mean
// "not set"; keys a spec does not cover (a guard's message, unknown keys)
// are kept.
type StateSpec struct {
	Name     string       `json:"name"`
	Kind     string       `json:"kind"` // StateLevel, StateCorrection or StateFinal
	Title    forms.Text   `json:"title"`
	Roles    []string     `json:"roles,omitempty"`
	Level    string       `json:"level,omitempty"`
	Due      Limit        `json:"due"`
	Remind   Reminder     `json:"remind"`
	Escalate Escalation   `json:"escalate"`
	Auto     string       `json:"auto,omitempty"` // kept as written
	Actions  []ActionSpec `json:"actions,omitempty"`
}

// Action returns the state's action name, or nil.
func (s *StateSpec) Action(name string) *ActionSpec {
	for i := range s.Actions {
		if s.Actions[i].Name == name {
			return &s.Actions[i]
		}
	}
	return nil
}

// Targets returns every state the action may lead to, routes first.
func (a ActionSpec) Targets() []string {
	var out []string
	for _, r := range a.Routes {
		out = append(out, r.To)
	}
	if a.To != "" {
		out = append(out, a.To)
	}
	return out
}

// WorkflowSpec is the designer's view of a whole workflow: its title, the
// state a submitted record enters, and the states in file order.
type WorkflowSpec struct {
	ID     string      `json:"id"`
	Title  forms.Text  `json:"title"`
	Start  string      `json:"start"`
	States []StateSpec `json:"states"`
}

// State returns the state name, or nil.
func (w *WorkflowSpec) State(name string) *StateSpec {
	for i := range w.States {
		if w.States[i].Name == name {
			return &w.States[i]
		}
	}
	return nil
}

// Levels returns the review levels in ladder order (file order).
func (w *WorkflowSpec) Levels() []StateSpec { return w.ofKind(StateLevel) }

// Corrections returns the correction states.
func (w *WorkflowSpec) Corrections() []StateSpec { return w.ofKind(StateCorrection) }

// Finals returns the outcomes.
func (w *WorkflowSpec) Finals() []StateSpec { return w.ofKind(StateFinal) }

func (w *WorkflowSpec) ofKind(k string) []StateSpec {
	var out []StateSpec
	for _, s := range w.States {
		if s.Kind == k {
			out = append(out, s)
		}
	}
	return out
}

// TitleOf returns the title of state name in lang, or "" for an unknown
// state.
func (w *WorkflowSpec) TitleOf(name, lang string) string {
	if s := w.State(name); s != nil {
		return textIn(s.Title, lang)
	}
	return ""
}

func textIn(t forms.Text, lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") && t.EN != "" {
		return t.EN
	}
	return cmp.Or(t.ZH, t.EN)
}

// yamlText reads a title: {zh, en} or a plain string (Chinese).
func yamlText(n *node) forms.Text {
	if n == nil {
		return forms.Text{}
	}
	if n.kind == kindString {
		return forms.Text{ZH: n.str}
	}
	return readText(n)
}

// stringsOf reads a string or a list of strings.
func stringsOf(n *node) []string {
	switch {
	case n == nil:
		return nil
	case n.kind == kindString:
		return []string{n.str}
	case n.kind == kindArray:
		var out []string
		for _, it := range n.items {
			if it.kind == kindString {
				out = append(out, it.str)
			}
		}
		return out
	}
	return nil
}

// Spec returns the designer's view of the document.
func (d *WorkflowDoc) Spec() WorkflowSpec {
	w := WorkflowSpec{ID: d.ID(), Title: yamlText(d.root.get("title")), Start: d.root.getString("start")}
	states := d.root.get("states")
	if states == nil || states.kind != kindObject {
		return w
	}
	returnTargets := map[string]bool{}
	for _, m := range states.members {
		s := stateSpecOf(m.key, m.value)
		if a := s.Action(workflows.ActionReturn); a != nil {
			for _, t := range a.Targets() {
				returnTargets[t] = true
			}
		}
		w.States = append(w.States, s)
	}
	for i := range w.States {
		s := &w.States[i]
		switch {
		case s.Kind == StateFinal:
		case slices.Contains(s.Roles, "field_worker") || returnTargets[s.Name] && s.Name != w.Start:
			s.Kind = StateCorrection
		default:
			s.Kind = StateLevel
		}
	}
	return w
}

func stateSpecOf(name string, n *node) StateSpec {
	s := StateSpec{Name: name}
	if n == nil || n.kind != kindObject {
		return s
	}
	s.Title = yamlText(n.get("title"))
	if f := n.get("final"); f != nil && f.kind == kindBool && f.boolean {
		s.Kind = StateFinal
	}
	if step := n.get("step"); step != nil {
		s.Roles = stringsOf(step.get("role"))
		s.Level = step.getString("level")
	}
	s.Due = limitOf(n.getString("due"))
	if r := n.get("remind"); r != nil {
		s.Remind.Every = limitOf(r.getString("every"))
		if t := r.get("times"); t != nil && t.kind == kindNumber {
			s.Remind.Times, _ = strconv.Atoi(string(t.num))
		}
	}
	if e := n.get("escalate"); e != nil {
		switch {
		case e.getString("to") != "":
			s.Escalate.To = e.getString("to")
		case e.get("widen") != nil:
			s.Escalate.To, s.Escalate.Widen = EscalateWiden, stringsOf(e.get("widen"))
		}
		s.Escalate.After = limitOf(e.getString("after"))
	}
	s.Auto = n.getString("auto")
	if acts := n.get("actions"); acts != nil && acts.kind == kindObject {
		for _, m := range acts.members {
			s.Actions = append(s.Actions, actionSpecOf(m.key, m.value))
		}
	}
	return s
}

func actionSpecOf(name string, n *node) ActionSpec {
	a := ActionSpec{Name: name, ReasonRequired: name == workflows.ActionReturn}
	if n.kind == kindString {
		a.To = n.str
		return a
	}
	a.To = n.getString("to")
	if rs := n.get("routes"); rs != nil && rs.kind == kindArray {
		for _, it := range rs.items {
			when, to := it.getString("when"), it.getString("to")
			if when == "" && a.To == "" {
				a.To = to
				continue
			}
			a.Routes = append(a.Routes, RouteSpec{When: when, To: to})
		}
	}
	if n.getString("reason") == "required" {
		a.ReasonRequired = true
	}
	a.Guard = n.getString("guard")
	return a
}
