package campaigns

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// Phase actions: what a phase may open besides filling its forms. A
// campaign without phases has every one of them open while it is open.
const (
	// PhaseReview opens the review of submitted records: approving,
	// returning, rejecting, and resubmitting a returned record.
	PhaseReview = "review"
	// PhaseReconcile opens comparing the records with another
	// department's file.
	PhaseReconcile = "reconcile"
	// PhaseEnter opens marking records as entered into another system.
	PhaseEnter = "enter"
)

// PhaseActions lists the phase actions in the order pages show them.
var PhaseActions = []string{PhaseReview, PhaseReconcile, PhaseEnter}

// maxPhases caps a campaign's phases; a work plan has four or five.
const maxPhases = 20

// Phase is one stage of a campaign's timetable, such as 入户核查摸底 from
// 16 November to 31 December: calendar days in China, both inclusive,
// with the forms that may be filled and the actions open during it.
type Phase struct {
	Key     string // unique in the campaign, e.g. "survey"
	Name    Text
	From    time.Time // the instant the first day starts in China, in UTC
	To      time.Time // the instant after the last day ends, exclusive
	Forms   []string  // form IDs that may be filled, file order
	Actions []string  // PhaseReview, PhaseReconcile, PhaseEnter, file order
}

// FromDate returns the first day, "2006-01-02" in China.
func (p Phase) FromDate() string { return p.From.In(rules.Shanghai).Format(time.DateOnly) }

// ToDate returns the last day, inclusive, "2006-01-02" in China.
func (p Phase) ToDate() string {
	return p.To.Add(-time.Nanosecond).In(rules.Shanghai).Format(time.DateOnly)
}

// Contains reports whether t falls in the phase.
func (p Phase) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// Allows reports whether the phase opens what: a form ID or a phase
// action.
func (p Phase) Allows(what string) bool {
	return slices.Contains(p.Forms, what) || slices.Contains(p.Actions, what)
}

// Phases returns the campaign's phases in date order; nil when it has
// none.
func (c *Campaign) Phases() []Phase { return slices.Clone(c.phases) }

// PhaseAt returns the phase t falls in, and false in a gap between
// phases, before the first or after the last (or without phases).
func (c *Campaign) PhaseAt(t time.Time) (Phase, bool) {
	for _, p := range c.phases {
		if p.Contains(t) {
			return p, true
		}
	}
	return Phase{}, false
}

// PhaseGate says whether what (a form ID or a phase action) is open at t
// as far as the phases go: always for a campaign without phases. When it
// is not, Current is the phase t falls in (if any) and Next the first
// later phase that opens what (if any), for the message.
type PhaseGate struct {
	Open          bool
	Current, Next *Phase
}

// PhaseOpen decides the PhaseGate of what at t. It does not look at opens
// and closes: the engine checks those first.
func (c *Campaign) PhaseOpen(what string, t time.Time) PhaseGate {
	if len(c.phases) == 0 {
		return PhaseGate{Open: true}
	}
	var g PhaseGate
	for i := range c.phases {
		p := &c.phases[i]
		switch {
		case p.Contains(t):
			g.Current = p
			if p.Allows(what) {
				g.Open = true
			}
		case p.From.After(t) && g.Next == nil && p.Allows(what):
			g.Next = p
		}
	}
	return g
}

// phases decodes the phases list: each a key, a name and the from and to
// days, with optional forms and actions. Phases must follow one another
// without overlapping; a gap between them and a day outside opens and
// closes are warnings.
func (l *loader) phases(e yamldoc.Entry, c *Campaign) []Phase {
	items, ok := l.Sequence(e, "phases")
	if !ok {
		return nil
	}
	if len(items) > maxPhases {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "a campaign may have at most %d phases", maxPhases).With("max", strconv.Itoa(maxPhases))
		items = items[:maxPhases]
	}
	var out []Phase
	type placed struct {
		p        Phase
		key      string // as written, for the English message
		from, to yamldoc.Scalar
	}
	var dated []placed // phases with both days valid, for the order checks
	for i, item := range items {
		path := yamldoc.Index(e.Key.Path, i)
		entries, ok := l.Mapping(item, path, "a phase")
		if !ok {
			continue
		}
		f := l.Fields(entries, "a phase", "key", "name", "from", "to", "forms", "actions")
		l.Require(f, yamldoc.PosOf(item), path, "a phase", "key", "name", "from", "to")
		var p Phase
		k := l.Str(f["key"])
		if k.Set {
			switch {
			case !yamldoc.IDPattern.MatchString(k.Val):
				l.Errorf(k.At, k.Path, rules.CodeBadID, "phase key %q must be lower-case letters, digits and dashes", k.Val).With("value", k.Val)
			case slices.ContainsFunc(out, func(o Phase) bool { return o.Key == k.Val }):
				l.Errorf(k.At, k.Path, rules.CodeDuplicateKey, "phase %s appears twice", k.Val).With("value", k.Val)
			default:
				p.Key = k.Val
			}
		}
		if ne, ok := f["name"]; ok {
			p.Name = l.Text(ne)
			if p.Name != nil && p.Name["zh"] == "" {
				l.Errorf(ne.Key.At, ne.Key.Path, rules.CodeMissingKey, "a phase needs a name").WithText("want", "阶段名称", "the phase's name")
			}
		}
		from, to := l.Str(f["from"]), l.Str(f["to"])
		fromOK, toOK := false, false
		if from.Set {
			p.From, fromOK = l.Date(from)
		}
		if to.Set {
			var day time.Time
			if day, toOK = l.Date(to); toOK {
				p.To = day.Add(24 * time.Hour)
			}
		}
		if fromOK && toOK && !p.From.Before(p.To) {
			l.Errorf(to.At, to.Path, rules.CodeBadDate, "phase %s ends on %s, before it starts on %s", k.Val, to.Val, from.Val).
				With("value", to.Val).WithText("detail", "结束日期早于开始日期 "+from.Val, "it is before the phase starts on "+from.Val)
			fromOK = false
		}
		for _, s := range l.StringList(f["forms"]) {
			if l.checkForm(s, c) && !slices.Contains(p.Forms, s.Val) {
				p.Forms = append(p.Forms, s.Val)
			}
		}
		for _, s := range l.StringList(f["actions"]) {
			switch {
			case !slices.Contains(PhaseActions, s.Val):
				l.Errorf(s.At, s.Path, rules.CodeUnknownPhaseAction, "%q is not a phase action; use review, reconcile or enter", s.Val).
					With("value", s.Val).With("suggest", yamldoc.Closest(s.Val, PhaseActions))
			case !slices.Contains(p.Actions, s.Val):
				p.Actions = append(p.Actions, s.Val)
			}
		}
		out = append(out, p)
		if fromOK && toOK {
			dated = append(dated, placed{p, k.Val, from, to})
		}
	}
	// A phase is named by its label in messages, by its key without one.
	label := func(d placed, lang string) string {
		if s := d.p.Name[lang]; s != "" {
			return s
		}
		if s := d.p.Name.In("zh"); s != "" {
			return s
		}
		return d.key
	}
	for i, d := range dated {
		if i > 0 {
			prev := dated[i-1]
			switch {
			case d.p.From.Before(prev.p.To):
				l.Errorf(d.from.At, d.from.Path, rules.CodePhaseOverlap, "phase %s starts on %s, before phase %s ends on %s", d.key, d.from.Val, prev.key, prev.to.Val).
					WithText("name", label(d, "zh"), label(d, "en")).WithText("other", label(prev, "zh"), label(prev, "en")).
					With("value", d.from.Val).With("end", prev.to.Val)
			case d.p.From.After(prev.p.To):
				l.Warnf(d.from.At, d.from.Path, rules.CodePhaseGap, "no phase covers the days between %s and %s", prev.to.Val, d.from.Val).
					WithText("name", label(d, "zh"), label(d, "en")).WithText("other", label(prev, "zh"), label(prev, "en")).
					With("value", d.from.Val).With("end", prev.to.Val)
			}
		}
		if !c.opens.IsZero() && d.p.From.Before(c.opens) {
			l.Warnf(d.from.At, d.from.Path, rules.CodePhaseOutside, "phase %s starts on %s, before the campaign opens", d.key, d.from.Val).
				WithText("name", label(d, "zh"), label(d, "en")).With("value", d.from.Val).
				WithText("detail", "早于工作项目的开始日期 "+dayInChina(c.opens), "before the campaign opens on "+dayInChina(c.opens))
		}
		if !c.closes.IsZero() && d.p.To.After(c.closes) {
			l.Warnf(d.to.At, d.to.Path, rules.CodePhaseOutside, "phase %s ends on %s, after the campaign closes", d.key, d.to.Val).
				WithText("name", label(d, "zh"), label(d, "en")).With("value", d.to.Val).
				WithText("detail", "晚于工作项目的截止日期 "+lastDay(c.closes), "after the campaign closes on "+lastDay(c.closes))
		}
	}
	return out
}

// String is the phase as a log line: "survey 2026-11-16..2026-12-31".
func (p Phase) String() string { return fmt.Sprintf("%s %s..%s", p.Key, p.FromDate(), p.ToDate()) }

// dayInChina is t's calendar day in China, "2006-01-02".
func dayInChina(t time.Time) string { return t.In(rules.Shanghai).Format(time.DateOnly) }

// lastDay is the campaign's last day: closes is the midnight after it.
func lastDay(closes time.Time) string { return dayInChina(closes.Add(-time.Nanosecond)) }
