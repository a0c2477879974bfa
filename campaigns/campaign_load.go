package campaigns

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/goccy/go-yaml/ast"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// Limits on a definition, so a hostile or broken file cannot make loading
// slow. A real campaign is a page of YAML.
const (
	maxSourceSize  = 64 << 10
	maxForms       = 50
	maxSchedule    = 50
	maxBudgetNames = 100 // inputs and counts together
	maxBudgetLines = 200
	maxQCMin       = 100_000
	maxInput       = 1_000_000_000
)

// top is where findings about the whole file go.
var top = yamldoc.Pos{Line: 1, Col: 1}

// Load decodes, provisions and validates a campaign definition. filename is
// used in diagnostics only. It returns the campaign and every finding: the
// campaign is nil when any finding is an error (see rules.HasErrors), so a
// caller can never run a definition that failed lint. Warnings come with a
// usable campaign.
//
// Load checks the file on its own. Whether the forms, workflow and pay
// table it names exist, and whether the counted states are states of the
// workflow, the engine checks when the campaign is published.
func Load(filename string, src []byte) (*Campaign, []rules.Diagnostic) {
	l := &loader{Decoder: yamldoc.NewDecoder(filename, src)}
	c := l.load()
	diags := l.Diagnostics()
	if rules.HasErrors(diags) {
		return nil, diags
	}
	return c, diags
}

type loader struct {
	*yamldoc.Decoder
	// formsKnown is set when forms decoded without error, so that
	// references to forms elsewhere in the file can be checked.
	formsKnown bool
}

func (l *loader) load() *Campaign {
	body := l.Parse("campaign", "id, title, forms, workflow, org_scope and reference_time", maxSourceSize)
	if body == nil {
		return nil
	}
	entries, ok := l.Mapping(body, "", "a campaign")
	if !ok {
		return nil
	}
	f := l.Fields(entries, "the campaign", "id", "title", "forms", "workflow", "paytable", "org_scope",
		"reference_time", "opens", "closes", "period", "qc", "schedule", "budget", "indicators", "reports", "phases")
	c := &Campaign{period: PeriodMonth}
	c.id = l.id(f["id"])
	c.title = l.title(f["title"])
	c.forms = l.forms(f["forms"])
	c.workflow = l.id(f["workflow"])
	c.payTable = l.id(f["paytable"])
	c.orgScope = l.orgScope(f["org_scope"])
	if s := l.Str(f["reference_time"]); s.Set {
		c.refTime, _ = l.Instant(s)
	}
	l.dates(f, c)
	if p := l.Period(l.Str(f["period"])); p != "" {
		c.period = p
	}
	if e, ok := f["qc"]; ok {
		c.qc = l.qc(e, c.period)
	}
	if e, ok := f["schedule"]; ok {
		c.schedule = l.schedule(e, c)
	}
	if e, ok := f["budget"]; ok {
		c.budget = l.budget(e, c)
	}
	if e, ok := f["indicators"]; ok {
		c.indicators = l.indicators(e, c)
	}
	if e, ok := f["reports"]; ok {
		c.reports = l.reports(e, c)
	}
	if e, ok := f["phases"]; ok {
		c.phases = l.phases(e, c)
	}
	l.Require(f, top, "", "a campaign", "id", "title", "forms", "workflow", "org_scope", "reference_time")
	return c
}

// id decodes a definition id (the campaign's or one it refers to).
func (l *loader) id(e yamldoc.Entry) string {
	s := l.Str(e)
	if !s.Set {
		return ""
	}
	if !yamldoc.IDPattern.MatchString(s.Val) {
		l.Errorf(s.At, s.Path, rules.CodeBadID, "%s %q must be lower-case letters, digits and dashes", e.Key.Val, s.Val).With("value", s.Val)
		return ""
	}
	return s.Val
}

func (l *loader) title(e yamldoc.Entry) Text {
	t := l.Text(e)
	if t != nil && len(t) == 0 {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeMissingKey, "title needs zh or en").WithText("want", "中文或英文名称", "zh or en")
	}
	return t
}

func (l *loader) forms(e yamldoc.Entry) []string {
	if !e.Key.Set {
		return nil
	}
	switch l.Resolve(e.Value, e.Key.Path).(type) {
	case *ast.SequenceNode, *ast.StringNode, nil:
	default:
		l.Errorf(yamldoc.PosOf(e.Value), e.Key.Path, rules.CodeWrongType, "forms must be a list of form ids").WithTerm("want", "form ids")
		return nil
	}
	list := l.StringList(e)
	ok := !l.HasErrorAt(e.Key.Path)
	if len(list) == 0 && ok {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeMissingKey, "a campaign needs at least one form").WithText("want", "至少一张表单", "at least one form")
		return nil
	}
	if len(list) > maxForms {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "a campaign may bind at most %d forms", maxForms).
			WithText("max", fmt.Sprintf("%d 张表单", maxForms), fmt.Sprintf("%d forms", maxForms))
		return nil
	}
	var forms []string
	for _, s := range list {
		switch {
		case !yamldoc.IDPattern.MatchString(s.Val):
			l.Errorf(s.At, s.Path, rules.CodeBadID, "form id %q must be lower-case letters, digits and dashes", s.Val).With("value", s.Val)
			ok = false
		case slices.Contains(forms, s.Val):
			l.Errorf(s.At, s.Path, rules.CodeDuplicateKey, "form %s is listed twice", s.Val).With("value", s.Val)
		default:
			forms = append(forms, s.Val)
		}
	}
	l.formsKnown = ok
	return forms
}

// checkForm reports a form reference that is not among the campaign's
// forms.
func (l *loader) checkForm(s yamldoc.Scalar, c *Campaign) bool {
	if !yamldoc.IDPattern.MatchString(s.Val) {
		l.Errorf(s.At, s.Path, rules.CodeBadID, "form id %q must be lower-case letters, digits and dashes", s.Val).With("value", s.Val)
		return false
	}
	if l.formsKnown && !c.HasForm(s.Val) {
		hint := ""
		if h := yamldoc.Closest(s.Val, c.forms); h != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", h)
		}
		l.Errorf(s.At, s.Path, rules.CodeUnknownForm, "form %s is not one of the campaign's forms%s", s.Val, hint).
			With("value", s.Val).With("suggest", yamldoc.Closest(s.Val, c.forms))
		return false
	}
	return true
}

func (l *loader) orgScope(e yamldoc.Entry) string {
	s := l.Str(e)
	if !s.Set {
		return ""
	}
	if !rules.ValidOrgCode(s.Val) || !rules.ValidAdminCode(s.Val[:6]) {
		l.Errorf(s.At, s.Path, rules.CodeBadValue, "org_scope %q must be an org-unit code: 6 digits of a GB/T 2260 code, then 3 per level below", s.Val).
			With("value", s.Val).WithText("want", "单位代码（6 位行政区划代码，下级每级再加 3 位）", "an org-unit code (6 digits of GB/T 2260, then 3 per level)")
		return ""
	}
	return s.Val
}

// dates decodes opens and closes: calendar days in China, closes
// inclusive.
func (l *loader) dates(f map[string]yamldoc.Entry, c *Campaign) {
	opens, closes := l.Str(f["opens"]), l.Str(f["closes"])
	if opens.Set {
		c.opens, _ = l.Date(opens)
	}
	if closes.Set {
		if day, ok := l.Date(closes); ok {
			c.closes = day.Add(24 * time.Hour) // China has no daylight saving: a day is 24 hours
		}
	}
	if !c.opens.IsZero() && !c.closes.IsZero() && !c.opens.Before(c.closes) {
		l.Errorf(closes.At, closes.Path, rules.CodeBadDate, "closes %s is before opens %s", closes.Val, opens.Val).
			With("value", closes.Val).WithText("detail", "截止日期早于开始日期 "+opens.Val, "it is before opens "+opens.Val)
	}
}

func (l *loader) qc(e yamldoc.Entry, period string) *QC {
	entries, ok := l.Mapping(e.Value, e.Key.Path, "qc")
	if !ok {
		return nil
	}
	f := l.Fields(entries, "qc", "share", "min", "period")
	l.Require(f, e.Key.At, e.Key.Path, "qc", "share")
	q := &QC{Period: period}
	share, at, set := l.Float(f["share"])
	switch {
	case !set:
	case share <= 0 || share > 1:
		l.Errorf(at, e.Key.Path+".share", rules.CodeBadValue, "share must be more than 0 and at most 1 (0.05 is 5 %%)").WithText("want", "大于 0、不超过 1 的小数（0.05 即 5%）", "more than 0 and at most 1 (0.05 is 5 %)")
	default:
		q.SharePPM = max(1, int64(math.Round(share*1e6)))
	}
	if n, at, set := l.Int(f["min"]); set {
		if n < 0 || n > maxQCMin {
			l.Errorf(at, e.Key.Path+".min", rules.CodeBadValue, "min must be between 0 and %d", maxQCMin).With("want", fmt.Sprintf("0–%d", maxQCMin))
		} else {
			q.Min = n
		}
	}
	if p := l.Period(l.Str(f["period"])); p != "" {
		q.Period = p
	}
	return q
}

func (l *loader) budget(e yamldoc.Entry, c *Campaign) *Budget {
	entries, ok := l.Mapping(e.Value, e.Key.Path, "budget")
	if !ok {
		return nil
	}
	f := l.Fields(entries, "budget", "inputs", "counts", "labels", "lines")
	l.Require(f, e.Key.At, e.Key.Path, "budget", "lines")
	b := &Budget{inputs: map[string]int64{}}
	env := rules.NewEnv(rules.KindBudget)
	var names []string // inputs and counts, to catch duplicates
	declare := func(k yamldoc.Scalar) bool {
		switch {
		case len(names) >= maxBudgetNames:
			l.Errorf(k.At, k.Path, rules.CodeTooLarge, "a budget may have at most %d inputs and counts", maxBudgetNames).With("max", strconv.Itoa(maxBudgetNames))
		case !yamldoc.NamePattern.MatchString(k.Val):
			l.Errorf(k.At, k.Path, rules.CodeBadName, "%q must be lower-case letters, digits and underscores, starting with a letter", k.Val).With("value", k.Val)
		case rules.Reserved(k.Val) && !slices.Contains(rules.Functions(), k.Val):
			l.Errorf(k.At, k.Path, rules.CodeBadName, "%s is a word of the expression language; choose another name", k.Val).
				With("value", k.Val).WithText("detail", "它是表达式的保留字", "it is a word of the expression language")
		case slices.Contains(names, k.Val):
			l.Errorf(k.At, k.Path, rules.CodeDuplicateKey, "%s is already an input or a count", k.Val).With("value", k.Val)
		default:
			names = append(names, k.Val)
			env.Var(k.Val, int(0))
			return true
		}
		return false
	}
	if ie, ok := f["inputs"]; ok {
		if entries, ok := l.Mapping(ie.Value, ie.Key.Path, "inputs"); ok {
			for _, in := range entries {
				n, at, set := l.Int(in)
				switch {
				case !set:
					if !l.HasErrorAt(in.Key.Path) {
						l.Errorf(in.Key.At, in.Key.Path, rules.CodeWrongType, "input %s has no value", in.Key.Val).WithTerm("want", "value")
					}
				case n < 0 || n > maxInput:
					l.Errorf(at, in.Key.Path, rules.CodeBadValue, "input %s must be between 0 and %d", in.Key.Val, maxInput).With("want", fmt.Sprintf("0–%d", maxInput))
				case declare(in.Key):
					b.inputs[in.Key.Val] = int64(n)
				}
			}
		}
	}
	if ce, ok := f["counts"]; ok {
		if entries, ok := l.Mapping(ce.Value, ce.Key.Path, "counts"); ok {
			for _, ce := range entries {
				if cnt, ok := l.count(ce, c); ok && declare(ce.Key) {
					b.counts = append(b.counts, cnt)
				}
			}
		}
	}
	if le, ok := f["labels"]; ok {
		b.labels = l.budgetLabels(le, names)
	}
	if le, ok := f["lines"]; ok {
		b.lines = l.budgetLines(le, env)
	}
	return b
}

// count decodes name: {form: …, states: […]}.
func (l *loader) count(e yamldoc.Entry, c *Campaign) (Count, bool) {
	entries, ok := l.Mapping(e.Value, e.Key.Path, "a count")
	if !ok {
		return Count{}, false
	}
	f := l.Fields(entries, "a count", "form", "states")
	l.Require(f, e.Key.At, e.Key.Path, "a count", "form")
	cnt := Count{Name: e.Key.Val}
	form := l.Str(f["form"])
	ok = form.Set && l.checkForm(form, c)
	cnt.Form = form.Val
	for _, s := range l.StringList(f["states"]) {
		if !yamldoc.NamePattern.MatchString(s.Val) {
			l.Errorf(s.At, s.Path, rules.CodeBadName, "state name %q must be lower-case letters, digits and underscores, starting with a letter", s.Val).With("value", s.Val)
			ok = false
			continue
		}
		if !slices.Contains(cnt.States, s.Val) {
			cnt.States = append(cnt.States, s.Val)
		}
	}
	return cnt, ok && !l.HasErrorAt(e.Key.Path)
}

func (l *loader) budgetLines(e yamldoc.Entry, env *rules.Env) []budgetLine {
	items, ok := l.Sequence(e, "lines")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeMissingKey, "a budget needs at least one line").WithText("want", "至少一个预算项", "at least one line")
	}
	if len(items) > maxBudgetLines {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "a budget may have at most %d lines", maxBudgetLines).With("max", strconv.Itoa(maxBudgetLines))
		items = items[:maxBudgetLines]
	}
	var lines []budgetLine
	for i, item := range items {
		p := yamldoc.Index(e.Key.Path, i)
		entries, ok := l.Mapping(item, p, "a budget line")
		if !ok {
			continue
		}
		f := l.Fields(entries, "a budget line", "key", "label", "amount")
		l.Require(f, yamldoc.PosOf(item), p, "a budget line", "key", "amount")
		line := budgetLine{label: l.Text(f["label"])}
		if k := l.Str(f["key"]); k.Set {
			switch {
			case !yamldoc.NamePattern.MatchString(k.Val):
				l.Errorf(k.At, k.Path, rules.CodeBadName, "line key %q must be lower-case letters, digits and underscores, starting with a letter", k.Val).With("value", k.Val)
			case slices.ContainsFunc(lines, func(o budgetLine) bool { return o.key == k.Val }):
				l.Errorf(k.At, k.Path, rules.CodeDuplicateKey, "budget line %s appears twice", k.Val).With("value", k.Val)
			default:
				line.key = k.Val
			}
		}
		if a, ok := l.amountExpr(f["amount"]); ok {
			line.amount = l.Compile(a, env, rules.ResultInt)
		}
		lines = append(lines, line)
	}
	return lines
}

// amountExpr returns the expression of an amount: a string, or a whole
// number of fen written bare.
func (l *loader) amountExpr(e yamldoc.Entry) (yamldoc.Scalar, bool) {
	if !e.Key.Set {
		return yamldoc.Scalar{}, false
	}
	switch n := l.Resolve(e.Value, e.Key.Path).(type) {
	case *ast.IntegerNode:
		if v, neg := n.Value.(int64); neg && v < 0 {
			l.Errorf(yamldoc.PosOf(n), e.Key.Path, rules.CodeBadAmount, "an amount must not be negative").WithText("detail", "不能为负数", "it is negative")
			return yamldoc.Scalar{}, false
		}
		return yamldoc.Scalar{Val: n.GetToken().Value, Set: true, Node: n, At: yamldoc.PosOf(n), Path: e.Key.Path}, true
	case *ast.FloatNode:
		l.Errorf(yamldoc.PosOf(n), e.Key.Path, rules.CodeBadAmount, "amounts are integer fen: write fen(%s) for %s yuan", n.GetToken().Value, n.GetToken().Value).
			WithText("detail", fmt.Sprintf("%s 元请写作 fen(%s)", n.GetToken().Value, n.GetToken().Value), fmt.Sprintf("write fen(%s) for %s yuan", n.GetToken().Value, n.GetToken().Value))
		return yamldoc.Scalar{}, false
	}
	s := l.Str(e)
	return s, s.Set
}
