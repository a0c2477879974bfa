package paytables

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// Events that can pay. The engine raises them; a pay-table item names one.
const (
	EventRecordSubmitted = "record.submitted" // the creator submitted the record
	EventRecordApproved  = "record.approved"  // a reviewer approved it (each approval step)
	EventRecordAccepted  = "record.accepted"  // it reached a final accepted state
	EventRecordEntered   = "record.entered"   // someone typed it into the system (from paper)
	EventQCPass          = "qc.pass"          // a spot check found no problem
	EventQCProblem       = "qc.problem"       // a spot check found a problem
	EventAttendanceDay   = "attendance.day"   // the actor worked one day (a supervisor's day in the field)
)

// Events lists every event, in the order the documentation gives them.
var Events = []string{EventRecordSubmitted, EventRecordApproved, EventRecordAccepted, EventRecordEntered,
	EventQCPass, EventQCProblem, EventAttendanceDay}

// Payees of an item.
const (
	PaysCreator = "creator" // who filled the record
	PaysActor   = "actor"   // who did the event (approved, entered, worked the day)
)

// Roles are the engine's role names. They are repeated here because the
// engine imports this package; a test keeps both lists equal.
var Roles = []string{"author", "field_worker", "reviewer", "supervisor", "finance", "admin"}

// Periods a pay table counts in.
const (
	PeriodMonth   = yamldoc.PeriodMonth
	PeriodQuarter = yamldoc.PeriodQuarter
)

// ErrNotInEffect is returned by Lines for an event before the table's
// effective_from: an earlier version of the table must pay it.
var ErrNotInEffect = errors.New("the pay table is not in effect yet")

// PayTable is a loaded, validated pay table. It is immutable and safe for
// concurrent use; every expression in it was compiled by Load.
type PayTable struct {
	id            string
	title         Text
	effectiveFrom time.Time
	period        string
	items         []*item
	caps          []Cap
}

// Text is a short text in several languages, keyed by language: "zh", "en".
type Text map[string]string

// In returns the text in lang, falling back to Chinese, then English, then
// "".
func (t Text) In(lang string) string {
	for _, l := range []string{lang, "zh", "en"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

type item struct {
	key        string
	label      Text
	on         string
	form       string // "": records of any form
	pays       string
	role       string
	when       *rules.Program
	amount     int64 // fen per unit, when amountExpr is nil
	amountExpr *rules.Program
	withheldOn string
	unit       Text     // what one unit of work is, for people: 户, household; "" is a record (or a day)
	answers    []string // answer fields when and amountExpr read, for Line.Inputs
}

// Cap limits what one person earns under Role in one period, in fen.
type Cap struct {
	Role   string
	Period string // always the table's period: the ledger counts in it
	MaxFen int64
}

// Event is something that happened which a pay table may pay for. The
// engine fills it from the record and the action.
type Event struct {
	Kind         string // one of Events
	RecordID     string // the record (or attendance day) the event is about
	FormID       string // the record's form
	CreatorID    string // who filled the record
	CreatorRoles []string
	ActorID      string // who did the event; empty for qc events is fine when no item pays the actor
	ActorRoles   []string
	Answers      map[string]any // the record's answers
	QC           string         // the record's spot-check outcome so far: "", "pass" or "problem"
	Count        int            // units of work; 0 means 1
	At           time.Time
}

// Line is one ledger entry a pay table asks for. A payment has a positive
// (or, when capped, zero) amount; a withholding names in Reverses the item
// whose entry it reverses and has AmountFen 0: the engine writes the
// negation of the entry at ReversedKey, or nothing when there is none.
type Line struct {
	Key       string // the ledger key: "<record>/<payee>/<item>", "…/withheld" for a withholding
	RecordID  string
	Item      string
	PayeeID   string
	Role      string
	Period    string // the period the entry counts in: "2026-Q4" or "2026-11"
	AmountFen int64
	Rule      string         // "500 fen per record", or the expression, and the condition
	Inputs    map[string]any // what the rule saw: event, count, qc, answers.<field>…
	Reverses  string         // for a withholding: the item whose entry it reverses
}

// LedgerKey returns the key of the ledger entry paying payeeID for item on
// recordID. One key is paid at most once, whatever retries do.
func LedgerKey(recordID, payeeID, item string) string {
	return recordID + "/" + payeeID + "/" + item
}

// ReversedKey returns the key of the entry a withholding reverses, or ""
// for a payment.
func (l Line) ReversedKey() string {
	if l.Reverses == "" {
		return ""
	}
	return LedgerKey(l.RecordID, l.PayeeID, l.Reverses)
}

// ID returns the table's id, e.g. "vital-events-pay".
func (pt *PayTable) ID() string { return pt.id }

// Title returns the table's title in lang (see Text.In).
func (pt *PayTable) Title(lang string) string { return pt.title.In(lang) }

// EffectiveFrom returns the first instant the table pays for (00:00 in
// China of effective_from), in UTC.
func (pt *PayTable) EffectiveFrom() time.Time { return pt.effectiveFrom }

// PeriodKind returns PeriodMonth or PeriodQuarter.
func (pt *PayTable) PeriodKind() string { return pt.period }

// Period returns the period t counts in, in China: "2026-11" for a monthly
// table, "2026-Q4" for a quarterly one.
func (pt *PayTable) Period(t time.Time) string { return yamldoc.PeriodKey(pt.period, t) }

// Items returns the item keys in file order.
func (pt *PayTable) Items() []string {
	keys := make([]string, len(pt.items))
	for i, it := range pt.items {
		keys[i] = it.key
	}
	return keys
}

// ItemLabel returns an item's label in lang, or its key when it has none.
func (pt *PayTable) ItemLabel(key, lang string) string {
	for _, it := range pt.items {
		if it.key == key {
			if l := it.label.In(lang); l != "" {
				return l
			}
		}
	}
	return key
}

// Caps returns the table's caps.
func (pt *PayTable) Caps() []Cap { return slices.Clone(pt.caps) }

// CapFor returns the cap on role, and whether there is one.
func (pt *PayTable) CapFor(role string) (Cap, bool) {
	for _, c := range pt.caps {
		if c.Role == role {
			return c, true
		}
	}
	return Cap{}, false
}

// Lines returns the ledger lines ev earns, in item order: a payment for
// each item on ev.Kind whose payee holds the item's role and whose
// condition holds, and a withholding for each item withheld on ev.Kind.
// It is pure; the engine then skips keys already in the ledger, applies
// caps (ApplyCap) to payments and resolves withholdings (see Line).
//
// Errors: an unknown kind, an event without a record or time, an event
// before EffectiveFrom (ErrNotInEffect), a payee missing from the event,
// and a rule that fails or computes a negative amount.
func (pt *PayTable) Lines(ev Event) ([]Line, error) {
	if !slices.Contains(Events, ev.Kind) {
		return nil, fmt.Errorf("pay table %s: unknown event %q", pt.id, ev.Kind)
	}
	if ev.RecordID == "" || ev.At.IsZero() {
		return nil, fmt.Errorf("pay table %s: event %s needs a record and a time", pt.id, ev.Kind)
	}
	if ev.At.Before(pt.effectiveFrom) {
		return nil, fmt.Errorf("pay table %s: event at %s: %w (from %s)", pt.id,
			ev.At.In(rules.Shanghai).Format(time.DateOnly), ErrNotInEffect, pt.effectiveFrom.In(rules.Shanghai).Format(time.DateOnly))
	}
	count := ev.Count
	if count == 0 {
		count = 1
	}
	if count < 0 {
		return nil, fmt.Errorf("pay table %s: event %s has a negative count", pt.id, ev.Kind)
	}
	qc := ev.QC
	switch ev.Kind {
	case EventQCPass:
		qc = "pass"
	case EventQCProblem:
		qc = "problem"
	}
	period := pt.Period(ev.At)
	var lines []Line
	for _, it := range pt.items {
		if it.form != "" && it.form != ev.FormID {
			continue
		}
		if it.withheldOn == ev.Kind {
			// Load made sure withheld items pay the creator.
			if ev.CreatorID == "" {
				return nil, fmt.Errorf("pay table %s: item %s: event %s has no creator", pt.id, it.key, ev.Kind)
			}
			lines = append(lines, Line{
				Key:      LedgerKey(ev.RecordID, ev.CreatorID, it.key) + "/withheld",
				RecordID: ev.RecordID, Item: it.key, PayeeID: ev.CreatorID, Role: it.role, Period: period,
				Rule:     "withheld: " + ev.Kind,
				Inputs:   map[string]any{"event": ev.Kind},
				Reverses: it.key,
			})
		}
		if it.on != ev.Kind {
			continue
		}
		line, ok, err := it.pay(ev, count, qc)
		if err != nil {
			return nil, fmt.Errorf("pay table %s: item %s: %w", pt.id, it.key, err)
		}
		if ok {
			line.Period = period
			lines = append(lines, line)
		}
	}
	return lines, nil
}

// pay computes the payment of one item for ev; ok is false when the item
// does not pay (the payee lacks the role, or the condition is false).
func (it *item) pay(ev Event, count int, qc string) (_ Line, ok bool, _ error) {
	payee, roles := ev.CreatorID, ev.CreatorRoles
	if it.pays == PaysActor {
		payee, roles = ev.ActorID, ev.ActorRoles
	}
	if payee == "" {
		return Line{}, false, fmt.Errorf("event %s has no %s", ev.Kind, it.pays)
	}
	if !slices.Contains(roles, it.role) {
		return Line{}, false, nil
	}
	vars := map[string]any{"count": count, "role": it.role, "item": it.key, "qc": qc, "answers": ev.Answers}
	inputs := map[string]any{"event": ev.Kind, "count": count}
	for _, p := range []*rules.Program{it.when, it.amountExpr} {
		if p != nil && slices.Contains(p.Identifiers(), "qc") {
			inputs["qc"] = qc
		}
	}
	for _, f := range it.answers {
		inputs["answers."+f] = ev.Answers[f]
	}
	if it.when != nil {
		pays, err := it.when.RunBool(vars)
		if err != nil {
			return Line{}, false, fmt.Errorf("when: %w", err)
		}
		if !pays {
			return Line{}, false, nil
		}
	}
	var amount int64
	var rule string
	if it.amountExpr != nil {
		a, err := it.amountExpr.RunInt(vars)
		if err != nil {
			return Line{}, false, fmt.Errorf("amount_expr: %w", err)
		}
		if a < 0 {
			return Line{}, false, fmt.Errorf("amount_expr gave %d fen; an amount cannot be negative", a)
		}
		amount, rule = a, it.amountExpr.Source
	} else {
		if it.amount > 0 && int64(count) > math.MaxInt64/it.amount {
			return Line{}, false, fmt.Errorf("%d × %d fen is too large", count, it.amount)
		}
		amount = it.amount * int64(count)
		rule = fmt.Sprintf("%d fen per %s", it.amount, unitOf(ev.Kind))
	}
	if it.when != nil {
		rule += " when " + strings.TrimSpace(it.when.Source)
	}
	return Line{
		Key:       LedgerKey(ev.RecordID, payee, it.key),
		RecordID:  ev.RecordID,
		Item:      it.key,
		PayeeID:   payee,
		Role:      it.role,
		AmountFen: amount,
		Rule:      strings.TrimSpace(rule),
		Inputs:    inputs,
	}, true, nil
}

// unitOf names what one unit of an event is, for rule texts.
func unitOf(kind string) string {
	if kind == EventAttendanceDay {
		return "day"
	}
	return "record"
}

// ApplyCap limits a payment to what the payee's cap on its role has left.
// paidFen is what the payee has been paid under l.Role in l.Period so far,
// withholdings included: the engine sums the ledger before it writes. A
// capped line keeps its key with the reduced amount (possibly 0), so a
// retry cannot pay it later, and its Rule and Inputs say why. Withholdings
// and roles without a cap come back unchanged.
//
// Two events for one payee processed at once can both see the same
// paidFen; the engine serializes payments per payee and period, or
// re-checks after writing.
func (pt *PayTable) ApplyCap(l Line, paidFen int64) Line {
	c, ok := pt.CapFor(l.Role)
	if !ok || l.Reverses != "" {
		return l
	}
	left := max(0, c.MaxFen-paidFen)
	if l.AmountFen <= left {
		return l
	}
	l.Inputs = maps.Clone(l.Inputs)
	if l.Inputs == nil {
		l.Inputs = map[string]any{}
	}
	l.Inputs["cap_fen"] = c.MaxFen
	l.Inputs["paid_before_fen"] = paidFen
	l.Inputs["uncapped_fen"] = l.AmountFen
	l.Rule += fmt.Sprintf("; capped at %d fen per %s", c.MaxFen, c.Period)
	l.AmountFen = left
	return l
}

// ItemReads returns the form an item is limited to ("" any) and the answer
// fields its condition and amount read, so an editor can say which items
// a form field feeds.
func (pt *PayTable) ItemReads(key string) (form string, answers []string) {
	for _, it := range pt.items {
		if it.key == key {
			return it.form, slices.Clone(it.answers)
		}
	}
	return "", nil
}
