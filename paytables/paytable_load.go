package paytables

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// Limits on a definition, so a hostile or broken file cannot make loading
// slow. A real pay table has a dozen items.
const (
	maxSourceSize = 64 << 10
	maxItems      = 200
	// maxAmountFen bounds one item's amount and a cap: 1,000,000 yuan.
	// Anything near it is a typo, and products with counts stay far from
	// overflowing int64.
	maxAmountFen = 100_000_000
)

var top = yamldoc.Pos{Line: 1, Col: 1}

// Load decodes, provisions and validates a pay table. filename is used in
// diagnostics only. It returns the table and every finding: the table is nil
// when any finding is an error (see rules.HasErrors), so a caller can never
// pay from a definition that failed lint. Warnings come with a usable
// table.
//
// Load checks the file on its own; whether the forms its items name belong
// to the campaign using the table is checked by the engine at publish.
func Load(filename string, src []byte) (*PayTable, []rules.Diagnostic) {
	l := &loader{Decoder: yamldoc.NewDecoder(filename, src)}
	pt := l.load()
	diags := l.Diagnostics()
	if rules.HasErrors(diags) {
		return nil, diags
	}
	return pt, diags
}

type loader struct {
	*yamldoc.Decoder
}

func (l *loader) load() *PayTable {
	body := l.Parse("pay table", "id, title, effective_from, period and items", maxSourceSize)
	if body == nil {
		return nil
	}
	entries, ok := l.Mapping(body, "", "a pay table")
	if !ok {
		return nil
	}
	f := l.Fields(entries, "the pay table", "id", "title", "effective_from", "period", "items", "caps")
	pt := &PayTable{}
	if id := l.Str(f["id"]); id.Set {
		if yamldoc.IDPattern.MatchString(id.Val) {
			pt.id = id.Val
		} else {
			l.Errorf(id.At, id.Path, rules.CodeBadID, "id %q must be lower-case letters, digits and dashes", id.Val).With("value", id.Val)
		}
	}
	pt.title = l.Text(f["title"])
	if e, ok := f["title"]; ok && pt.title != nil && len(pt.title) == 0 {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeMissingKey, "title needs zh or en").WithText("want", "中文或英文名称", "zh or en")
	}
	if s := l.Str(f["effective_from"]); s.Set {
		pt.effectiveFrom, _ = l.Date(s)
	}
	pt.period = l.Period(l.Str(f["period"]))
	if e, ok := f["items"]; ok {
		pt.items = l.items(e)
	}
	if e, ok := f["caps"]; ok {
		pt.caps = l.caps(e, pt)
	}
	l.Require(f, top, "", "a pay table", "id", "title", "effective_from", "period", "items")
	return pt
}

func (l *loader) items(e yamldoc.Entry) []*item {
	nodes, ok := l.Sequence(e, "items")
	if !ok {
		return nil
	}
	if len(nodes) == 0 {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeMissingKey, "a pay table needs at least one item").WithText("want", "至少一个报酬项目", "at least one item")
	}
	if len(nodes) > maxItems {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "a pay table may have at most %d items", maxItems).
			WithText("max", fmt.Sprintf("%d 个项目", maxItems), fmt.Sprintf("%d items", maxItems))
		nodes = nodes[:maxItems]
	}
	env := rules.NewEnv(rules.KindPay)
	var items []*item
	for i, node := range nodes {
		p := yamldoc.Index(e.Key.Path, i)
		entries, ok := l.Mapping(node, p, "an item")
		if !ok {
			continue
		}
		f := l.Fields(entries, "an item", "key", "label", "on", "form", "pays", "role", "when", "amount", "amount_expr", "withheld_on", "unit")
		l.Require(f, yamldoc.PosOf(node), p, "an item", "key", "on", "pays", "role")
		it := &item{label: l.Text(f["label"]), unit: l.Text(f["unit"])}
		if k := l.Str(f["key"]); k.Set {
			switch {
			case !yamldoc.NamePattern.MatchString(k.Val):
				l.Errorf(k.At, k.Path, rules.CodeBadName, "item key %q must be lower-case letters, digits and underscores, starting with a letter", k.Val).With("value", k.Val)
			case slices.ContainsFunc(items, func(o *item) bool { return o.key == k.Val }):
				l.Errorf(k.At, k.Path, rules.CodeDuplicateKey, "item %s appears twice", k.Val).With("value", k.Val)
			default:
				it.key = k.Val
			}
		}
		on := l.Str(f["on"])
		it.on = l.event(on)
		if form := l.Str(f["form"]); form.Set {
			if yamldoc.IDPattern.MatchString(form.Val) {
				it.form = form.Val
			} else {
				l.Errorf(form.At, form.Path, rules.CodeBadID, "form id %q must be lower-case letters, digits and dashes", form.Val).With("value", form.Val)
			}
		}
		pays := l.Str(f["pays"])
		if pays.Set {
			if pays.Val == PaysCreator || pays.Val == PaysActor {
				it.pays = pays.Val
			} else {
				l.Errorf(pays.At, pays.Path, rules.CodeBadValue, "pays must be %s (who filled the record) or %s (who did the event), not %q", PaysCreator, PaysActor, pays.Val).
					With("value", pays.Val).With("want", PaysCreator+" / "+PaysActor)
			}
		}
		if role := l.Str(f["role"]); role.Set && l.checkRole(role) {
			it.role = role.Val
		}
		if when := l.Str(f["when"]); when.Set {
			it.when = l.Compile(when, env, rules.ResultBool)
			it.answers = answerFields(it.answers, when.Val)
		}
		l.amount(f, yamldoc.PosOf(node), p, it, env)
		if w := l.Str(f["withheld_on"]); w.Set {
			switch {
			case w.Val != EventQCProblem:
				l.Errorf(w.At, w.Path, rules.CodeBadValue, "withheld_on must be %s: only a spot check's problem withholds pay", EventQCProblem).
					With("value", w.Val).With("want", EventQCProblem)
			case it.on == EventQCProblem:
				l.Errorf(w.At, w.Path, rules.CodeConflictingKeys, "an item paid on %s cannot be withheld on it", EventQCProblem).
					WithText("detail", "按“抽查发现问题”付的项目不能再因它扣发", "an item paid on "+EventQCProblem+" cannot be withheld on it")
			case pays.Set && it.pays != PaysCreator:
				l.Errorf(w.At, w.Path, rules.CodeBadValue, "withheld_on needs pays: creator: a spot check knows who filled the record, not who acted on it earlier").
					WithText("detail", "扣发需要 pays: creator（付给填报人）：抽查只知道谁填的记录", "withheld_on needs pays: creator")
			default:
				it.withheldOn = w.Val
			}
		}
		items = append(items, it)
	}
	return items
}

// event decodes the name of an event.
func (l *loader) event(s yamldoc.Scalar) string {
	if !s.Set {
		return ""
	}
	if !slices.Contains(Events, s.Val) {
		hint := ""
		if c := yamldoc.Closest(s.Val, Events); c != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", c)
		}
		l.Errorf(s.At, s.Path, rules.CodeUnknownEvent, "unknown event %q%s; events are %s", s.Val, hint, strings.Join(Events, ", ")).
			With("value", s.Val).With("suggest", yamldoc.Closest(s.Val, Events))
		return ""
	}
	return s.Val
}

func (l *loader) checkRole(r yamldoc.Scalar) bool {
	if slices.Contains(Roles, r.Val) {
		return true
	}
	hint := ""
	if c := yamldoc.Closest(r.Val, Roles); c != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", c)
	}
	l.Errorf(r.At, r.Path, rules.CodeUnknownRole, "unknown role %q%s; roles are %s", r.Val, hint, strings.Join(Roles, ", ")).
		With("value", r.Val).With("suggest", yamldoc.Closest(r.Val, Roles))
	return false
}

// amount decodes amount (whole fen) or amount_expr (an expression giving
// whole fen); an item has exactly one.
func (l *loader) amount(f map[string]yamldoc.Entry, at yamldoc.Pos, path string, it *item, env *rules.Env) {
	a, hasAmount := f["amount"]
	x, hasExpr := f["amount_expr"]
	switch {
	case hasAmount && hasExpr:
		l.Errorf(x.Key.At, x.Key.Path, rules.CodeConflictingKeys, "an item has amount or amount_expr, not both").
			WithText("detail", "amount 和 amount_expr 只能写一个", "amount or amount_expr, not both")
	case hasAmount:
		if fen, ok := l.fen(a); ok {
			it.amount = fen
		}
	case hasExpr:
		if s := l.Str(x); s.Set {
			it.amountExpr = l.Compile(s, env, rules.ResultInt)
			it.answers = answerFields(it.answers, s.Val)
		}
	default:
		l.Errorf(at, path+".amount", rules.CodeMissingKey, "an item needs amount (whole fen) or amount_expr").WithText("want", "amount（金额，单位分）或 amount_expr", "amount (whole fen) or amount_expr")
	}
}

// fen decodes an amount of money: a whole, non-negative number of fen. A
// decimal is taken as yuan written by mistake, and the message says what
// to write instead.
func (l *loader) fen(e yamldoc.Entry) (int64, bool) {
	node := l.Resolve(e.Value, e.Key.Path)
	switch n := node.(type) {
	case nil:
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeWrongType, "%s has no value", e.Key.Val).WithTerm("want", "value")
	case *ast.IntegerNode:
		v, ok := n.Value.(uint64)
		switch {
		case !ok:
			l.Errorf(yamldoc.PosOf(n), e.Key.Path, rules.CodeBadAmount, "%s must not be negative", e.Key.Val).WithText("detail", "不能为负数", "it is negative")
		case v > maxAmountFen:
			l.Errorf(yamldoc.PosOf(n), e.Key.Path, rules.CodeBadAmount, "%s %d fen is more than %d fen (%d yuan); is it a typo?", e.Key.Val, v, maxAmountFen, maxAmountFen/100).
				WithText("detail", fmt.Sprintf("%d 分超过了 %d 元，是不是写错了？", v, maxAmountFen/100), fmt.Sprintf("%d fen is more than %d yuan; is it a typo?", v, maxAmountFen/100))
		default:
			return int64(v), true
		}
	case *ast.FloatNode:
		text := n.GetToken().Value
		y, err := strconv.ParseFloat(text, 64)
		if fen, ferr := rules.Fen(y); err == nil && ferr == nil && fen >= 0 && fen <= maxAmountFen && !math.IsInf(y, 0) {
			l.Errorf(yamldoc.PosOf(n), e.Key.Path, rules.CodeBadAmount, "amounts are integer fen: write %d (%s yuan)", fen, text).
				WithText("detail", fmt.Sprintf("%s 元请写作 %d", text, fen), fmt.Sprintf("write %d for %s yuan", fen, text))
		} else {
			l.Errorf(yamldoc.PosOf(n), e.Key.Path, rules.CodeBadAmount, "amounts are integer fen, not %s", text).WithText("detail", text+" 不是整数", text+" is not whole")
		}
	default:
		tk := n.GetToken()
		if digits := strings.TrimPrefix(tk.Value, "-"); tk.Type != token.DoubleQuoteType && tk.Type != token.SingleQuoteType &&
			digits != "" && strings.Trim(digits, "0123456789") == "" {
			l.Errorf(yamldoc.PosOf(n), e.Key.Path, rules.CodeBadAmount, "%s %s fen is too large", e.Key.Val, tk.Value).WithText("detail", tk.Value+" 分太大", tk.Value+" fen is too large")
			break
		}
		l.Errorf(yamldoc.PosOf(n), e.Key.Path, rules.CodeWrongType, "%s must be a whole number of fen (use amount_expr for an expression)", e.Key.Val).WithTerm("want", "fen")
	}
	return 0, false
}

func (l *loader) caps(e yamldoc.Entry, pt *PayTable) []Cap {
	nodes, ok := l.Sequence(e, "caps")
	if !ok {
		return nil
	}
	var caps []Cap
	for i, node := range nodes {
		p := yamldoc.Index(e.Key.Path, i)
		entries, ok := l.Mapping(node, p, "a cap")
		if !ok {
			continue
		}
		f := l.Fields(entries, "a cap", "role", "period", "max")
		l.Require(f, yamldoc.PosOf(node), p, "a cap", "role", "max")
		c := Cap{Period: pt.period}
		if role := l.Str(f["role"]); role.Set && l.checkRole(role) {
			switch {
			case slices.ContainsFunc(caps, func(o Cap) bool { return o.Role == role.Val }):
				l.Errorf(role.At, role.Path, rules.CodeDuplicateKey, "role %s is capped twice", role.Val).With("value", role.Val)
			case !slices.ContainsFunc(pt.items, func(it *item) bool { return it.role == role.Val }):
				l.Warnf(role.At, role.Path, rules.CodeUnusedCap, "no item pays role %s", role.Val).With("value", role.Val)
				c.Role = role.Val
			default:
				c.Role = role.Val
			}
		}
		if period := l.Str(f["period"]); period.Set {
			if v := l.Period(period); v != "" && pt.period != "" && v != pt.period {
				l.Errorf(period.At, period.Path, rules.CodeBadValue, "a cap counts in the table's period (%s): the ledger records entries by it", pt.period).
					With("value", period.Val).With("want", pt.period)
			}
		}
		if m, ok := f["max"]; ok {
			if fen, ok := l.fen(m); ok {
				if fen == 0 {
					l.Errorf(yamldoc.PosOf(m.Value), m.Key.Path, rules.CodeBadAmount, "a cap of 0 pays nothing; remove the items instead").
						WithText("detail", "封顶为 0 等于不付钱，请直接删掉相应项目", "a cap of 0 pays nothing; remove the items instead")
				}
				c.MaxFen = fen
			}
		}
		if c.Role != "" && c.MaxFen > 0 {
			caps = append(caps, c)
		}
	}
	return caps
}

// answerPattern finds the answer fields an expression reads, written
// answers.name or answers["name"].
var answerPattern = regexp.MustCompile(`\banswers\s*(?:\?\.|\.)\s*([A-Za-z_][A-Za-z0-9_]*)|\banswers\s*\[\s*["']([^"']+)["']\s*\]`)

// answerFields adds the answer fields src reads to fields, for the inputs
// a ledger entry records. A field named inside a string literal is
// recorded too, which costs nothing: it is only looked up.
func answerFields(fields []string, src string) []string {
	for _, m := range answerPattern.FindAllStringSubmatch(src, -1) {
		name := m[1] + m[2]
		if !slices.Contains(fields, name) {
			fields = append(fields, name)
		}
	}
	return fields
}
