package campaigns

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Saying a budget line in words and yuan, for people: the studio's 预算
// tab and the finance page both read "入户慰问品：单价 60.00 元 × 样本户数
// 300 = 18,000.00 元", never the line's expression.

// BudgetAmount is a line's amount in the shape people read and the studio
// writes: a unit in fen times inputs and counts and a whole multiple.
type BudgetAmount struct {
	UnitFen  int64
	Factors  []string // input and count names, in the expression's order
	Multiple int64    // the product of the whole numbers; 1 when none
}

// maxBudgetMultiple guards the multiple against overflow; the studio
// allows far less.
const maxBudgetMultiple = 1 << 40

// ParseBudgetAmount reads src when it has that shape: a whole number of
// fen, or fen(yuan) (whole yuan or two decimals) times names from names
// and positive whole numbers. ok is false for anything else.
func ParseBudgetAmount(src string, names []string) (BudgetAmount, bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return BudgetAmount{}, false
	}
	if n, isInt := tree.Node.(*ast.IntegerNode); isInt {
		return BudgetAmount{UnitFen: int64(n.Value), Multiple: 1}, n.Value >= 0
	}
	var leaves []ast.Node
	var flatten func(n ast.Node)
	flatten = func(n ast.Node) {
		if b, isBin := n.(*ast.BinaryNode); isBin && b.Operator == "*" {
			flatten(b.Left)
			flatten(b.Right)
			return
		}
		leaves = append(leaves, n)
	}
	flatten(tree.Node)
	a, unit := BudgetAmount{Multiple: 1}, false
	for _, leaf := range leaves {
		switch n := leaf.(type) {
		case *ast.CallNode:
			id, isID := n.Callee.(*ast.IdentifierNode)
			if !isID || id.Value != "fen" || len(n.Arguments) != 1 || unit {
				return BudgetAmount{}, false
			}
			fen, good := yuanLiteralFen(n.Arguments[0])
			if !good {
				return BudgetAmount{}, false
			}
			a.UnitFen, unit = fen, true
		case *ast.IdentifierNode:
			if !slices.Contains(names, n.Value) {
				return BudgetAmount{}, false
			}
			a.Factors = append(a.Factors, n.Value)
		case *ast.IntegerNode:
			if n.Value <= 0 || a.Multiple > maxBudgetMultiple || int64(n.Value) > maxBudgetMultiple {
				return BudgetAmount{}, false
			}
			a.Multiple *= int64(n.Value)
		default:
			return BudgetAmount{}, false
		}
	}
	if !unit || a.Multiple > maxBudgetMultiple {
		return BudgetAmount{}, false
	}
	return a, true
}

// yuanLiteralFen reads fen's argument: whole yuan or yuan with at most
// two decimals.
func yuanLiteralFen(n ast.Node) (int64, bool) {
	switch x := n.(type) {
	case *ast.IntegerNode:
		return int64(x.Value) * 100, x.Value >= 0 && x.Value <= maxBudgetMultiple
	case *ast.FloatNode:
		s := strconv.FormatFloat(x.Value, 'f', -1, 64)
		whole, frac, _ := strings.Cut(s, ".")
		if len(frac) > 2 || len(whole) > 12 {
			return 0, false
		}
		w, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || w < 0 {
			return 0, false
		}
		f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
		return w*100 + f, true
	}
	return 0, false
}

// FormatYuan writes fen as yuan with two decimals and thousands
// separators: 1800000 is "18,000.00".
func FormatYuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	s := fmt.Sprintf("%s.%02d", b.String(), fen%100)
	if neg {
		s = "-" + s
	}
	return s
}

// BudgetName is how a line reads one of its names: the label, and the
// value when it is known (an input, or a count already counted). Counted
// marks a count from records.
type BudgetName struct {
	Label   string
	Value   int64
	Known   bool
	Counted bool
}

// DescribeBudgetLine says a line in words and yuan in lang, its names
// read through name: "入户慰问品：单价 60.00 元 × 样本户数 300 = 18,000.00
// 元". A count not yet counted says the total follows the records.
func DescribeBudgetLine(label string, a BudgetAmount, name func(string) BudgetName, lang string) string {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	unit := FormatYuan(a.UnitFen)
	if len(a.Factors) == 0 && a.Multiple <= 1 {
		if en {
			return fmt.Sprintf("%s: %s yuan", label, unit)
		}
		return fmt.Sprintf("%s：%s 元", label, unit)
	}
	var b strings.Builder
	b.WriteString(label)
	if en {
		fmt.Fprintf(&b, ": %s yuan each", unit)
	} else {
		fmt.Fprintf(&b, "：单价 %s 元", unit)
	}
	total, known := a.UnitFen, true
	for _, f := range a.Factors {
		n := name(f)
		switch {
		case n.Known && n.Counted && en:
			fmt.Fprintf(&b, " × %s %d (counted from records)", n.Label, n.Value)
		case n.Known && n.Counted:
			fmt.Fprintf(&b, " × %s %d（按记录统计）", n.Label, n.Value)
		case n.Known:
			fmt.Fprintf(&b, " × %s %d", n.Label, n.Value)
		case en:
			fmt.Fprintf(&b, " × %s (counted from records)", n.Label)
		default:
			fmt.Fprintf(&b, " × %s（按记录统计）", n.Label)
		}
		total *= n.Value
		known = known && n.Known
	}
	if a.Multiple > 1 {
		fmt.Fprintf(&b, " × %d", a.Multiple)
		total *= a.Multiple
	}
	switch {
	case known && en:
		fmt.Fprintf(&b, " = %s yuan", FormatYuan(total))
	case known:
		fmt.Fprintf(&b, " = %s 元", FormatYuan(total))
	}
	return b.String()
}

// Describe says a computed line in words and yuan, with the inputs and
// counts it was computed from and the budget's labels: "调查员劳务补助：单价
// 50.00 元 × 已通过户数 212（按记录统计） = 10,600.00 元". A line of another
// shape gives its label and amount.
func (b *Budget) Describe(l BudgetLine, lang string) string {
	label := l.Label.In(lang)
	if label == "" {
		label = l.Key
	}
	counted := map[string]bool{}
	names := make([]string, 0, len(b.inputs)+len(b.counts))
	for n := range b.inputs {
		names = append(names, n)
	}
	for _, c := range b.counts {
		names = append(names, c.Name)
		counted[c.Name] = true
	}
	a, ok := ParseBudgetAmount(l.Rule, names)
	if !ok {
		if strings.HasPrefix(strings.ToLower(lang), "en") {
			return fmt.Sprintf("%s: %s yuan", label, FormatYuan(l.AmountFen))
		}
		return fmt.Sprintf("%s：%s 元", label, FormatYuan(l.AmountFen))
	}
	return DescribeBudgetLine(label, a, func(n string) BudgetName {
		bn := BudgetName{Label: n, Counted: counted[n]}
		if t := b.labels[n].In(lang); t != "" {
			bn.Label = t
		}
		bn.Value, bn.Known = l.Inputs[n]
		return bn
	}, lang)
}
