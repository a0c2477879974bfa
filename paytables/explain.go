package paytables

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Explaining a table in words, for people: the studio's pay-table editor
// shows each item this way, and finance reads a ledger line through the
// item that produced it ("入户调查劳务补助：每条 50.00 元；抽查发现问题则扣发").
// Everything comes from the table's own names (labels, events, roles); a
// form's and a field's labels, which the table does not hold, come from
// Names when the caller has them. Chinese unless lang starts with "en".

// Names gives the labels of things a table names only by key. Any func may
// be nil; the key is shown then.
type Names struct {
	Form  func(formID, lang string) string               // a form's title
	Field func(formID, field, lang string) string        // an answer field's label
	Value func(formID, field, value, lang string) string // a choice's label
}

func isEN(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "en") }

func pick(lang, zh, en string) string {
	if isEN(lang) {
		return en
	}
	return zh
}

var eventNames = map[string][2]string{
	EventRecordSubmitted: {"记录提交", "record submitted"},
	EventRecordApproved:  {"每级审核通过", "approved at a review level"},
	EventRecordAccepted:  {"记录通过", "record accepted"},
	EventRecordEntered:   {"已录入", "entered into the system"},
	EventQCPass:          {"抽查通过", "spot check passed"},
	EventQCProblem:       {"抽查发现问题", "spot check found a problem"},
	EventAttendanceDay:   {"出勤一天", "a day worked"},
}

var eventHints = map[string][2]string{
	EventRecordSubmitted: {"调查员提交记录时（退回后再提交不重复计）", "when the field worker submits a record (once, even after a return)"},
	EventRecordApproved:  {"每一级审核员通过记录时", "each time a reviewer approves the record at a level"},
	EventRecordAccepted:  {"记录审核全部通过时", "when the record is finally accepted"},
	EventRecordEntered:   {"记录被录入系统时", "when someone marks the record as entered into the system"},
	EventQCPass:          {"抽查该记录未发现问题时", "when a spot check of the record finds no problem"},
	EventQCProblem:       {"抽查该记录发现问题时", "when a spot check of the record finds a problem"},
	EventAttendanceDay:   {"登记一天出勤时", "for each day of attendance logged"},
}

var roleNames = map[string][2]string{
	"author":       {"设计员", "author"},
	"field_worker": {"调查员", "field worker"},
	"reviewer":     {"审核员", "reviewer"},
	"supervisor":   {"督导员", "supervisor"},
	"finance":      {"财务", "finance"},
	"admin":        {"管理员", "administrator"},
}

// EventName names an event for people: "记录通过", "出勤一天". An unknown
// event is returned as it is.
func EventName(kind, lang string) string {
	if n, ok := eventNames[kind]; ok {
		return pick(lang, n[0], n[1])
	}
	return kind
}

// EventHint says when an event happens, in a sentence for a tip.
func EventHint(kind, lang string) string {
	if n, ok := eventHints[kind]; ok {
		return pick(lang, n[0], n[1])
	}
	return ""
}

// RoleName names a role for people: "调查员".
func RoleName(role, lang string) string {
	if n, ok := roleNames[role]; ok {
		return pick(lang, n[0], n[1])
	}
	return role
}

// PayeeName names who an item pays: the record's creator or the person
// who did the event.
func PayeeName(pays, lang string) string {
	switch pays {
	case PaysCreator:
		return pick(lang, "记录填报人", "the record's creator")
	case PaysActor:
		return pick(lang, "办理人（做这件事的人）", "the person acting")
	}
	return pays
}

// PeriodName names a period kind: "月", "季度".
func PeriodName(period, lang string) string {
	switch period {
	case PeriodMonth:
		return pick(lang, "月", "month")
	case PeriodQuarter:
		return pick(lang, "季度", "quarter")
	}
	return period
}

// UnitName is what one unit of an event is: "条" (a record) or "天".
func UnitName(kind, lang string) string {
	if kind == EventAttendanceDay {
		return pick(lang, "天", "day")
	}
	return pick(lang, "条", "record")
}

// Yuan formats fen as yuan with two decimals: 5000 → "50.00", -50 →
// "-0.50".
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// perUnitExpr is an amount_expr that is a fixed amount per unit of work:
// fen(50) * count, count * fen(0.5).
var perUnitExpr = regexp.MustCompile(`^\s*(?:fen\(\s*([0-9]+(?:\.[0-9]{1,2})?)\s*\)\s*\*\s*count|count\s*\*\s*fen\(\s*([0-9]+(?:\.[0-9]{1,2})?)\s*\))\s*$`)

// PerUnitFen returns the fen an amount_expr pays per unit of work when it
// is a fixed amount per unit (fen(50) * count → 5000).
func PerUnitFen(expr string) (int64, bool) {
	m := perUnitExpr.FindStringSubmatch(expr)
	if m == nil {
		return 0, false
	}
	s := m[1] + m[2]
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > maxAmountFen/100 {
		return 0, false
	}
	frac = (frac + "00")[:2]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, true
}

// Conditions the explanation (and the studio) name in words.
const (
	WhenNotProblem = `qc != "problem"` // the record has no spot-check problem (yet)
	WhenQCPass     = `qc == "pass"`    // a spot check of the record passed
)

// NormalizeWhen is a condition with its spacing and quotes made regular,
// for comparing with WhenNotProblem and WhenQCPass.
func NormalizeWhen(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "'", `"`)
}

// answerEquals is a condition on one answer: answers.f == 'v'.
var answerEquals = regexp.MustCompile(`^\s*answers\.([A-Za-z_][A-Za-z0-9_]*)\s*==\s*(?:'([^']*)'|"([^"]*)"|(-?[0-9]+(?:\.[0-9]+)?|true|false))\s*$`)

func (it *item) whenSource() string {
	if it.when == nil {
		return ""
	}
	return strings.TrimSpace(it.when.Source)
}

func (pt *PayTable) item(key string) *item {
	for _, it := range pt.items {
		if it.key == key {
			return it
		}
	}
	return nil
}

// Explain describes item key in one line from the table's own names: its
// label, the amount per unit in yuan, its conditions and withholding:
// "入户调查劳务补助：每条 50.00 元；抽查发现问题则扣发", "Household
// surveyed: 50.00 yuan per record; withheld when a spot check finds a
// problem". names may be nil. An unknown key gives "".
func (pt *PayTable) Explain(key, lang string, names *Names) string {
	it := pt.item(key)
	if it == nil {
		return ""
	}
	label := it.label.In(lang)
	if label == "" {
		label = it.key
	}
	parts := []string{it.amountText(lang)}
	parts = append(parts, it.conditionTexts(lang, names)...)
	if isEN(lang) {
		return label + ": " + strings.Join(parts, "; ")
	}
	return label + "：" + strings.Join(parts, "；")
}

// ExplainPayee says which event pays whom under item key: "记录通过时，付给
// 记录填报人（须为调查员）".
func (pt *PayTable) ExplainPayee(key, lang string) string {
	it := pt.item(key)
	if it == nil {
		return ""
	}
	payee := map[string][2]string{PaysCreator: {"记录填报人", "the record's creator"}, PaysActor: {"办理人", "the person acting"}}[it.pays]
	if isEN(lang) {
		return fmt.Sprintf("on %s, paid to %s (who must be a %s)", EventName(it.on, lang), payee[1], RoleName(it.role, lang))
	}
	return fmt.Sprintf("%s时，付给%s（须为%s）", EventName(it.on, lang), payee[0], RoleName(it.role, lang))
}

// ExplainCap describes a cap: "调查员每季度最多 3000.00 元".
func ExplainCap(c Cap, lang string) string {
	if isEN(lang) {
		return fmt.Sprintf("a %s earns at most %s yuan per %s", RoleName(c.Role, lang), Yuan(c.MaxFen), PeriodName(c.Period, lang))
	}
	return fmt.Sprintf("%s每%s最多 %s 元", RoleName(c.Role, lang), PeriodName(c.Period, lang), Yuan(c.MaxFen))
}

func (it *item) amountText(lang string) string {
	fen, fixed := it.amount, it.amountExpr == nil
	if !fixed {
		fen, fixed = PerUnitFen(it.amountExpr.Source)
	}
	if fixed {
		unit := it.unit.In(lang)
		if unit == "" {
			unit = UnitName(it.on, lang)
		}
		if isEN(lang) {
			return fmt.Sprintf("%s yuan per %s", Yuan(fen), unit)
		}
		return fmt.Sprintf("每%s %s 元", unit, Yuan(fen))
	}
	return pick(lang, "金额按公式 "+strings.TrimSpace(it.amountExpr.Source)+" 计算（单位：分）",
		"amount by the formula "+strings.TrimSpace(it.amountExpr.Source)+" (in fen)")
}

func (it *item) conditionTexts(lang string, names *Names) []string {
	var out []string
	if it.form != "" {
		form := it.form
		if names != nil && names.Form != nil {
			if t := names.Form(it.form, lang); t != "" {
				form = t
			}
		}
		out = append(out, pick(lang, "仅限「"+form+"」的记录", "records of “"+form+"” only"))
	}
	when := it.whenSource()
	switch {
	case when == "":
	case NormalizeWhen(when) == WhenNotProblem && it.withheldOn != "":
		// the withholding below says it
	case NormalizeWhen(when) == WhenNotProblem:
		out = append(out, pick(lang, "抽查已发现问题的记录不发", "not paid for a record a spot check found a problem with"))
	case NormalizeWhen(when) == WhenQCPass:
		out = append(out, pick(lang, "仅限抽查通过的记录", "only for records whose spot check passed"))
	default:
		if m := answerEquals.FindStringSubmatch(when); m != nil {
			field, value := m[1], m[2]+m[3]+m[4]
			if names != nil && names.Field != nil {
				if l := names.Field(it.form, m[1], lang); l != "" {
					field = l
				}
			}
			if names != nil && names.Value != nil {
				if l := names.Value(it.form, m[1], m[2]+m[3]+m[4], lang); l != "" {
					value = l
				}
			}
			out = append(out, pick(lang, "仅当「"+field+"」为“"+value+"”时", "only when “"+field+"” is “"+value+"”"))
		} else {
			out = append(out, pick(lang, "条件："+when, "condition: "+when))
		}
	}
	if it.withheldOn != "" {
		out = append(out, pick(lang, "抽查发现问题则扣发", "withheld when a spot check finds a problem"))
	}
	return out
}

// ItemInfo is what one item says, for pages that show or simulate it.
type ItemInfo struct {
	Key, On, Form, Pays, Role string
	Label, Unit               Text
	When                      string // the condition as written, "" for none
	AmountFen                 int64  // per unit, when AmountExpr is ""
	AmountExpr                string
	WithheldOn                string
}

// ItemInfo returns item key; the zero ItemInfo for an unknown key.
func (pt *PayTable) ItemInfo(key string) ItemInfo {
	it := pt.item(key)
	if it == nil {
		return ItemInfo{}
	}
	info := ItemInfo{Key: it.key, On: it.on, Form: it.form, Pays: it.pays, Role: it.role, Label: it.label, Unit: it.unit,
		When: it.whenSource(), AmountFen: it.amount, WithheldOn: it.withheldOn}
	if it.amountExpr != nil {
		info.AmountExpr = strings.TrimSpace(it.amountExpr.Source)
	}
	return info
}

// ExplainInputs says in words what a ledger line's rule saw (Line.Inputs,
// and what posting added: the cap, the period it was earned in), for
// finance: "记录通过，1 条；抽查结果：无问题；「变动类型」：出生". formID and
// names give fields and choices their labels; names may be nil. Keys it
// does not know are listed as key=value at the end, sorted.
func ExplainInputs(in map[string]any, formID, lang string, names *Names) string {
	var parts []string
	done := map[string]bool{}
	take := func(k string) (any, bool) {
		v, ok := in[k]
		if ok {
			done[k] = true
		}
		return v, ok
	}
	ev, hasEv := take("event")
	count, hasCount := take("count")
	if hasEv {
		s := EventName(fmt.Sprint(ev), lang)
		if hasCount {
			if isEN(lang) {
				s += fmt.Sprintf(", %v %s", count, UnitName(fmt.Sprint(ev), lang))
			} else {
				s += fmt.Sprintf("，%v %s", count, UnitName(fmt.Sprint(ev), lang))
			}
		}
		parts = append(parts, s)
	} else if hasCount {
		parts = append(parts, pick(lang, fmt.Sprintf("数量 %v", count), fmt.Sprintf("count %v", count)))
	}
	if qc, ok := take("qc"); ok {
		outcome := map[string][2]string{"": {"未抽查", "not checked"}, "pass": {"无问题", "no problem"}, "problem": {"发现问题", "a problem"}}[fmt.Sprint(qc)]
		if outcome[0] == "" {
			outcome = [2]string{fmt.Sprint(qc), fmt.Sprint(qc)}
		}
		parts = append(parts, pick(lang, "抽查结果："+outcome[0], "spot check: "+outcome[1]))
	}
	var answerKeys []string
	for k := range in {
		if strings.HasPrefix(k, "answers.") {
			answerKeys = append(answerKeys, k)
		}
	}
	slices.Sort(answerKeys)
	for _, k := range answerKeys {
		v, _ := take(k)
		field := strings.TrimPrefix(k, "answers.")
		label, value := field, fmt.Sprint(v)
		if v == nil {
			value = pick(lang, "未填", "unanswered")
		}
		if names != nil && names.Field != nil {
			if l := names.Field(formID, field, lang); l != "" {
				label = l
			}
		}
		if names != nil && names.Value != nil && v != nil {
			if l := names.Value(formID, field, fmt.Sprint(v), lang); l != "" {
				value = l
			}
		}
		parts = append(parts, pick(lang, "「"+label+"」："+value, "“"+label+"”: "+value))
	}
	capFen, hasCap := take("cap_fen")
	paid, _ := take("paid_before_fen")
	uncapped, _ := take("uncapped_fen")
	if hasCap {
		parts = append(parts, pick(lang,
			fmt.Sprintf("按上限 %s 元封顶（此前已得 %s 元，原应 %s 元）", yuanOf(capFen), yuanOf(paid), yuanOf(uncapped)),
			fmt.Sprintf("capped at %s yuan (%s yuan earned before, %s yuan uncapped)", yuanOf(capFen), yuanOf(paid), yuanOf(uncapped))))
	}
	if p, ok := take("earned_in_period"); ok {
		parts = append(parts, pick(lang, fmt.Sprintf("原属已锁定的 %v 期", p), fmt.Sprintf("earned in %v, which was locked", p)))
	}
	var rest []string
	for k, v := range in {
		if !done[k] {
			rest = append(rest, fmt.Sprintf("%s=%v", k, v))
		}
	}
	slices.Sort(rest)
	parts = append(parts, rest...)
	return strings.Join(parts, pick(lang, "；", "; "))
}

// yuanOf formats a fen amount read back from a ledger entry's inputs,
// which may have been through JSON (a float64) or not (an int64).
func yuanOf(v any) string {
	switch x := v.(type) {
	case int64:
		return Yuan(x)
	case int:
		return Yuan(int64(x))
	case float64:
		return Yuan(int64(x))
	case uint64:
		return Yuan(int64(x))
	}
	return fmt.Sprint(v)
}
