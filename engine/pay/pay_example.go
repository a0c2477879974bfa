package pay

import (
	"fmt"
	"slices"
	"time"

	"canvass/engine"
	"canvass/paytables"
)

// A worked example shows an author what a pay table pays for a few sample
// events ("调查员完成 10 条、抽查 1 条无问题：550.00 元") before anything
// is published. It runs the same steps as posting (postEvents and
// appendLine): the table's Lines for each event, keys paid once, a
// withholding as the negation of the entry it reverses (recordEntries.
// withheld), caps by ApplyCap on what the payee earned in the period; only
// the ledger is a map instead of the store.

// ExampleSample is what the sample people did. Records are filled by one
// field worker and go through submission, Levels approvals and
// acceptance; the first Entered of them are entered, the first QCPass are
// spot-checked without a problem and the next QCProblem with one; Days
// are days worked. Every count is 0–MaxExampleCount.
type ExampleSample struct {
	Form      string // the records' form: items limited to another form do not pay
	Records   int
	Levels    int
	Entered   int
	QCPass    int
	QCProblem int
	Days      int
}

// MaxExampleCount bounds each count of a sample: the example is a page,
// not a payroll.
const MaxExampleCount = 10000

// ExampleLine is what one item paid (or withheld) in a worked example.
type ExampleLine struct {
	Item     string
	Role     string
	Withheld bool  // the withholdings of the item
	Count    int   // ledger entries
	UnitFen  int64 // what one entry is before a cap (negative for a withholding)
	TotalFen int64 // the sum of the entries, caps applied
	Capped   bool  // a cap reduced some entry
}

// RoleTotal is what the sample person of a role earned.
type RoleTotal struct {
	Role     string
	TotalFen int64
}

// WorkedExample is a pay table's result for a sample: its lines in item
// order (an item's payments, then its withholdings), totals by role and in
// all, and the items that paid nothing.
type WorkedExample struct {
	Lines    []ExampleLine
	ByRole   []RoleTotal
	TotalFen int64
	Unpaid   []string
}

// Example computes a worked example of pt for s. Returns EINVALID for a
// count out of range or more records entered or spot-checked than there
// are (pointers /records, /levels, /entered, /qc_pass, /qc_problem,
// /days).
func Example(pt *paytables.PayTable, s ExampleSample) (*WorkedExample, error) {
	if fs := checkSample(s); len(fs) > 0 {
		return nil, &engine.Error{Code: engine.EINVALID, Message: fs[0].Message, Fields: fs}
	}
	at := pt.EffectiveFrom().Add(12 * time.Hour)
	var evs []paytables.Event
	for i := range s.Records {
		id := fmt.Sprintf("record-%d", i+1)
		kinds := []string{paytables.EventRecordSubmitted}
		for range s.Levels {
			kinds = append(kinds, paytables.EventRecordApproved)
		}
		kinds = append(kinds, paytables.EventRecordAccepted)
		if i < s.Entered {
			kinds = append(kinds, paytables.EventRecordEntered)
		}
		switch {
		case i < s.QCPass:
			kinds = append(kinds, paytables.EventQCPass)
		case i < s.QCPass+s.QCProblem:
			kinds = append(kinds, paytables.EventQCProblem)
		}
		qc := ""
		for _, k := range kinds {
			evs = append(evs, paytables.Event{Kind: k, RecordID: id, FormID: s.Form, Answers: map[string]any{}, QC: qc, At: at, Count: 1})
			switch k {
			case paytables.EventQCPass:
				qc = "pass"
			case paytables.EventQCProblem:
				qc = "problem"
			}
		}
	}
	for i := range s.Days {
		evs = append(evs, paytables.Event{Kind: paytables.EventAttendanceDay, RecordID: fmt.Sprintf("day-%d", i+1), FormID: s.Form, At: at, Count: 1})
	}
	return runExample(pt, evs)
}

func checkSample(s ExampleSample) []engine.FieldError {
	var fs []engine.FieldError
	for _, c := range []struct {
		ptr string
		n   int
	}{{"/records", s.Records}, {"/levels", s.Levels}, {"/entered", s.Entered}, {"/qc_pass", s.QCPass}, {"/qc_problem", s.QCProblem}, {"/days", s.Days}} {
		if c.n < 0 || c.n > MaxExampleCount {
			fs = append(fs, engine.FieldError{Pointer: c.ptr, Code: "out_of_range", Message: fmt.Sprintf("a count is 0 to %d", MaxExampleCount)})
		}
	}
	if len(fs) > 0 {
		return fs
	}
	if s.Entered > s.Records {
		fs = append(fs, engine.FieldError{Pointer: "/entered", Code: "more_than_records", Message: "more records entered than completed"})
	}
	if s.QCPass+s.QCProblem > s.Records {
		fs = append(fs, engine.FieldError{Pointer: "/qc_problem", Code: "more_than_records", Message: "more records spot-checked than completed"})
	}
	return fs
}

// examplePeople are the sample's people: one record creator holding every
// role an item pays the creator under, and for each role an item pays the
// person acting under, one person of that role.
func examplePeople(pt *paytables.PayTable, kind string) (creatorRoles []string, actorRoles []string) {
	for _, key := range pt.Items() {
		it := pt.ItemInfo(key)
		switch {
		case it.Pays == paytables.PaysCreator && !slices.Contains(creatorRoles, it.Role):
			creatorRoles = append(creatorRoles, it.Role)
		case it.Pays == paytables.PaysActor && it.On == kind && !slices.Contains(actorRoles, it.Role):
			actorRoles = append(actorRoles, it.Role)
		}
	}
	return creatorRoles, actorRoles
}

func runExample(pt *paytables.PayTable, evs []paytables.Event) (*WorkedExample, error) {
	type lineKey struct {
		item     string
		withheld bool
	}
	sums := map[lineKey]*ExampleLine{}
	ledger := map[string]*recordEntries{} // by record and payee, as appendLine reads it
	paid := map[string]int64{}            // by payee, role and period, as PostLedger sums it
	n := 0
	for _, ev := range evs {
		creatorRoles, actorRoles := examplePeople(pt, ev.Kind)
		ev.CreatorID, ev.CreatorRoles = "creator", creatorRoles
		if len(actorRoles) == 0 {
			actorRoles = []string{""}
		}
		for _, role := range actorRoles {
			ev.ActorID, ev.ActorRoles = "actor:"+role, []string{role}
			lines, err := pt.Lines(ev)
			if err != nil {
				return nil, engine.WrapError(engine.EINVALID, "the pay table cannot pay the sample", err)
			}
			for _, line := range lines {
				rk := line.RecordID + "/" + line.PayeeID
				existing := ledger[rk]
				if existing == nil {
					existing = &recordEntries{byKey: map[string]*LedgerEntry{}, reversed: map[string]bool{}}
					ledger[rk] = existing
				}
				if existing.byKey[line.Key] != nil {
					continue
				}
				n++
				entry := &LedgerEntry{ID: fmt.Sprint(n), Key: line.Key, Item: line.Item, Role: line.Role, WorkerID: line.PayeeID, Period: line.Period}
				unit := line.AmountFen
				capped := false
				if line.Reverses != "" {
					orig := existing.withheld(line)
					if orig == nil {
						continue
					}
					entry.AmountFen, entry.Reverses, entry.Role = -orig.AmountFen, orig.ID, orig.Role
					existing.reversed[orig.ID] = true
					unit = -orig.AmountFen
				} else {
					pk := line.PayeeID + "/" + line.Role + "/" + line.Period
					c := pt.ApplyCap(line, paid[pk])
					entry.AmountFen, capped = c.AmountFen, c.AmountFen != line.AmountFen
				}
				paid[line.PayeeID+"/"+entry.Role+"/"+line.Period] += entry.AmountFen
				existing.byKey[line.Key] = entry
				k := lineKey{line.Item, line.Reverses != ""}
				sum := sums[k]
				if sum == nil {
					sum = &ExampleLine{Item: line.Item, Role: entry.Role, Withheld: k.withheld, UnitFen: unit}
					sums[k] = sum
				}
				sum.Count++
				sum.TotalFen += entry.AmountFen
				sum.Capped = sum.Capped || capped
			}
		}
	}
	out := &WorkedExample{}
	for _, key := range pt.Items() {
		any := false
		for _, w := range []bool{false, true} {
			if l := sums[lineKey{key, w}]; l != nil {
				out.Lines = append(out.Lines, *l)
				out.TotalFen += l.TotalFen
				any = any || !w
				i := slices.IndexFunc(out.ByRole, func(r RoleTotal) bool { return r.Role == l.Role })
				if i < 0 {
					out.ByRole = append(out.ByRole, RoleTotal{Role: l.Role})
					i = len(out.ByRole) - 1
				}
				out.ByRole[i].TotalFen += l.TotalFen
			}
		}
		if !any {
			out.Unpaid = append(out.Unpaid, key)
		}
	}
	return out, nil
}
