package campaigns

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"canvass/rules"
)

// Budget is a campaign's budget: lines whose amounts, in integer fen, are
// expressions over constants the author sets (inputs) and numbers the
// engine counts from records (counts).
type Budget struct {
	inputs map[string]int64
	counts []Count
	labels map[string]Text // budget_labels.go
	lines  []budgetLine
}

// Count is a number the engine counts for a budget: the campaign's records
// of Form whose workflow state is one of States (any state when empty).
type Count struct {
	Name   string
	Form   string
	States []string
}

type budgetLine struct {
	key    string
	label  Text
	amount *rules.Program
}

// BudgetLine is one computed line of a budget.
type BudgetLine struct {
	Key       string
	Label     Text
	AmountFen int64
	Rule      string           // the expression that produced the amount
	Inputs    map[string]int64 // the inputs and counts the rule read
}

// Inputs returns the author's constants by name.
func (b *Budget) Inputs() map[string]int64 { return maps.Clone(b.inputs) }

// Counts returns what the engine must count before calling Compute, in
// file order.
func (b *Budget) Counts() []Count {
	out := make([]Count, len(b.counts))
	for i, c := range b.counts {
		out[i] = Count{Name: c.Name, Form: c.Form, States: slices.Clone(c.States)}
	}
	return out
}

// Compute runs every line with the inputs and counts, a value for each of
// Counts by name, and returns the lines in file order and their total, all
// in fen. A missing or negative count, a line that fails or comes out
// negative, and a total beyond int64 are errors.
func (b *Budget) Compute(counts map[string]int64) ([]BudgetLine, int64, error) {
	vars := make(map[string]any, len(b.inputs)+len(b.counts))
	for name, v := range b.inputs {
		vars[name] = v
	}
	for _, c := range b.counts {
		n, ok := counts[c.Name]
		if !ok {
			return nil, 0, fmt.Errorf("budget: count %s is missing", c.Name)
		}
		if n < 0 {
			return nil, 0, fmt.Errorf("budget: count %s is negative (%d)", c.Name, n)
		}
		vars[c.Name] = n
	}
	lines := make([]BudgetLine, 0, len(b.lines))
	var total int64
	for _, l := range b.lines {
		amount, err := l.amount.RunInt(vars)
		if err != nil {
			return nil, 0, fmt.Errorf("budget line %s: %w", l.key, err)
		}
		if amount < 0 {
			return nil, 0, fmt.Errorf("budget line %s: amount %d fen is negative", l.key, amount)
		}
		if total > math.MaxInt64-amount {
			return nil, 0, fmt.Errorf("budget line %s: total is too large", l.key)
		}
		total += amount
		seen := map[string]int64{}
		for _, name := range l.amount.Identifiers() {
			if v, ok := vars[name].(int64); ok {
				seen[name] = v
			}
		}
		lines = append(lines, BudgetLine{Key: l.key, Label: maps.Clone(l.label), AmountFen: amount, Rule: l.amount.Source, Inputs: seen})
	}
	return lines, total, nil
}
