package studio

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/goccy/go-yaml"

	"canvass/paytables"
	"canvass/rules"
)

// The 劳务报酬 editor's operations on a PayTableDoc. An author types
// amounts in yuan with at most two decimals; the file stores whole fen.
// Conditions are ready-made choices that write when and withheld_on; an
// item whose condition or amount the choices cannot say (an answer
// condition, a formula) is shown read-only and kept exactly as it is.

// Problem codes of the pay-table editor (see the form designer's codes).
const (
	CodePaySyntax        = "pay_syntax"         // the file is not a YAML mapping
	CodePayNameRequired  = "pay_name_required"  // an item needs a Chinese name
	CodePayTitleRequired = "pay_title_required" // the table needs a Chinese title
	CodePayTooLong       = "pay_too_long"       // a name or title longer than allowed
	CodePayBadText       = "pay_bad_text"       // a line break or control character in a name
	CodePayBadKey        = "pay_bad_key"        // an item key that is not a name
	CodePayDuplicateKey  = "pay_duplicate_key"  // item keys are unique
	CodePayUnknownItem   = "pay_unknown_item"   // no item with that key
	CodePayBadEvent      = "pay_bad_event"      // not one of paytables.Events
	CodePayBadPayee      = "pay_bad_payee"      // neither creator nor actor
	CodePayBadRole       = "pay_bad_role"       // not a role
	CodePayUnknownForm   = "pay_unknown_form"   // a form the campaign does not have
	CodePayAmountMissing = "pay_amount_missing" // no amount typed
	CodePayBadAmount     = "pay_bad_amount"     // not a number
	CodePayDecimals      = "pay_amount_decimals"
	CodePayNegative      = "pay_amount_negative"
	CodePayZero          = "pay_amount_zero"
	CodePayTooLarge      = "pay_amount_too_large"
	CodePayBadCondition  = "pay_bad_condition"  // not one of PayConditions
	CodePayWithholdPayee = "pay_withhold_payee" // withholding needs pays: creator
	CodePayWithholdEvent = "pay_withhold_event" // an item paid on qc.problem cannot be withheld on it
	CodePayReadOnly      = "pay_read_only"      // the item's condition or formula is edited in 源文件
	CodePayBadDate       = "pay_bad_date"
	CodePayBadPeriod     = "pay_bad_period"
	CodePayBadIndex      = "pay_bad_index"
	CodePayLastItem      = "pay_last_item"      // a table keeps at least one item
	CodePayTooManyItems  = "pay_too_many_items" // more than MaxPayItems
	CodePayCapRole       = "pay_cap_role"       // a cap on a role no item pays
	CodePayInvalid       = "pay_invalid"        // the result would not load; Fields has the lint
)

func init() {
	for k, v := range map[string][2]string{
		CodePaySyntax:        {"劳务报酬表不是有效的 YAML：%s", "the pay table is not valid YAML: %s"},
		CodePayNameRequired:  {"请填写项目的中文名称", "enter the item's Chinese name"},
		CodePayTitleRequired: {"请填写报酬表的中文名称", "enter the pay table's Chinese title"},
		CodePayTooLong:       {"“%s”太长，最多 %d 个字", "“%s” is too long: at most %d characters"},
		CodePayBadText:       {"名称中不能有换行或控制字符", "a name cannot hold line breaks or control characters"},
		CodePayBadKey:        {"项目代码“%s”应以小写英文字母开头，只含小写字母、数字和下划线", "item key %q must start with a lower-case letter and hold only lower-case letters, digits and '_'"},
		CodePayDuplicateKey:  {"项目代码“%s”已被使用，请换一个", "item key %q is already used; choose another"},
		CodePayUnknownItem:   {"找不到项目“%s”，可能已被删除，请刷新页面", "there is no item %q; it may have been deleted, reload the page"},
		CodePayBadEvent:      {"请从列表中选择支付事件", "choose the event that pays from the list"},
		CodePayBadPayee:      {"请选择付给记录填报人还是办理人", "choose whether the record's creator or the person acting is paid"},
		CodePayBadRole:       {"请从列表中选择角色", "choose a role from the list"},
		CodePayUnknownForm:   {"表单“%s”不属于本工作项目，请从列表中选择", "form %q is not part of this campaign; choose one from the list"},
		CodePayAmountMissing: {"请填写金额（元），如 50.00", "enter the amount in yuan, such as 50.00"},
		CodePayBadAmount:     {"“%s”不是金额，请填写如 50.00 的数字（单位：元）", "%q is not an amount; enter a number of yuan such as 50.00"},
		CodePayDecimals:      {"金额“%s”最多两位小数（精确到分），如 0.05", "the amount %q has more than two decimals; amounts are exact to the fen, such as 0.05"},
		CodePayNegative:      {"金额不能为负数；扣发请选择条件“抽查发现问题则扣发”", "an amount cannot be negative; to withhold pay, choose the condition “withheld when a spot check finds a problem”"},
		CodePayZero:          {"金额须大于 0 元", "the amount must be more than 0 yuan"},
		CodePayTooLarge:      {"金额 %s 元超过上限 %s 元，请检查是否多输了数字", "%s yuan is more than the limit of %s yuan; check for a typo"},
		CodePayBadCondition:  {"请从列表中选择条件", "choose a condition from the list"},
		CodePayWithholdPayee: {"“抽查发现问题则扣发”只适用于付给记录填报人的项目：抽查只知道记录是谁填的", "withholding on a spot-check problem needs the record's creator as payee: a spot check knows who filled the record, not who acted on it"},
		CodePayWithholdEvent: {"在“抽查发现问题”时支付的项目不能再因抽查发现问题扣发", "an item paid when a spot check finds a problem cannot be withheld on it"},
		CodePayReadOnly:      {"“%s”的条件或金额公式无法在此编辑，请在源文件中修改", "the condition or formula of “%s” cannot be edited here; change it in the source file"},
		CodePayBadDate:       {"“%s”不是有效日期，请填写如 2026-11-01", "%q is not a date such as 2026-11-01"},
		CodePayBadPeriod:     {"结算周期只能是按月或按季度", "the pay period is a month or a quarter"},
		CodePayBadIndex:      {"位置 %d 超出范围（0–%d）", "position %d is outside 0–%d"},
		CodePayLastItem:      {"报酬表至少要有一个项目；请先添加新项目再删除“%s”", "a pay table keeps at least one item; add another before deleting “%s”"},
		CodePayTooManyItems:  {"一张报酬表最多 %d 个项目", "a pay table has at most %d items"},
		CodePayCapRole:       {"没有项目付给%s，不能为其设上限", "no item pays a %s, so there is nothing to cap"},
		CodePayInvalid:       {"修改后报酬表有 %d 处错误，未保存", "the change would leave %d errors in the pay table; nothing was changed"},
	} {
		messages[k] = v
	}
}

// Limits of the editor. A real table has a dozen items paying a few yuan
// each; anything near these limits is a typo.
const (
	MaxPayItems       = 200
	MaxPayNameRunes   = 50
	MaxPayTitleRunes  = 100
	MaxPayUnitRunes   = 10
	MaxItemAmountFen  = 1_000_000   // 10,000.00 yuan per record or day
	MaxCapAmountFen   = 100_000_000 // 1,000,000.00 yuan per person and period
	payEnglishMaxMult = 2           // English names may be twice as long
)

// Conditions an author picks for an item. Each writes when and
// withheld_on for them.
const (
	PayCondNone        = ""             // always paid
	PayCondWithhold    = "withhold"     // 抽查发现问题则扣发: withheld_on: qc.problem (and not paid once a problem is known)
	PayCondSkipProblem = "skip_problem" // 抽查已发现问题的记录不发: when: qc != "problem"
	PayCondQCPass      = "qc_pass"      // 仅限抽查通过的记录: when: qc == "pass"
)

// PayCondition is one ready-made condition, named for people.
type PayCondition struct {
	ID, Name string
}

// PayConditions lists the ready-made conditions in lang.
func PayConditions(lang string) []PayCondition {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	n := func(zh, e string) string {
		if en {
			return e
		}
		return zh
	}
	return []PayCondition{
		{PayCondNone, n("无条件，每次都付", "none: always paid")},
		{PayCondWithhold, n("抽查发现问题则扣发", "withheld when a spot check finds a problem")},
		{PayCondSkipProblem, n("抽查已发现问题的记录不发（已发的不扣回）", "not paid once a spot check found a problem (nothing taken back)")},
		{PayCondQCPass, n("仅限抽查通过的记录", "only records whose spot check passed")},
	}
}

// PayItem is one item as the editor shows and takes it. Amount is yuan
// with at most two decimals ("50.00"). ReadOnly and Note are set when the
// item is read: Note says why it cannot be edited here ("condition",
// "amount", "unknown_keys").
type PayItem struct {
	Key       string `json:"key"`
	LabelZH   string `json:"labelZH"`
	LabelEN   string `json:"labelEN"`
	On        string `json:"on"`
	Form      string `json:"form"`
	Pays      string `json:"pays"`
	Role      string `json:"role"`
	Amount    string `json:"amount"`
	Condition string `json:"condition"`
	UnitZH    string `json:"unitZH"` // what one unit is (户): "" for a record or a day
	UnitEN    string `json:"unitEN"`
	ReadOnly  bool   `json:"readOnly,omitempty"`
	Note      string `json:"note,omitempty"`
	When      string `json:"when,omitempty"` // the condition as written, for a read-only item
	Formula   string `json:"formula,omitempty"`
}

// PaySettings are the table's own settings.
type PaySettings struct {
	TitleZH, TitleEN string
	EffectiveFrom    string // 2006-01-02
	Period           string // month or quarter
}

// PayCap is a cap on what one person of a role earns per period, in yuan.
type PayCap struct {
	Role string
	Max  string // yuan, "3000.00"
}

func (d *PayTableDoc) items() []any {
	l, _ := get(d.root, "items").([]any)
	return l
}

func itemKey(v any) string {
	m, _ := v.(yaml.MapSlice)
	return yamlString(get(m, "key"))
}

func (d *PayTableDoc) itemIndex(key string) int {
	return slices.IndexFunc(d.items(), func(v any) bool { return itemKey(v) == key })
}

// knownItemKeys are the item keys the editor writes.
var knownItemKeys = []string{"key", "label", "on", "form", "pays", "role", "when", "amount", "amount_expr", "withheld_on", "unit"}

// Items returns the items in file order, as the editor shows them.
func (d *PayTableDoc) Items() []PayItem {
	var out []PayItem
	for _, v := range d.items() {
		m, _ := v.(yaml.MapSlice)
		out = append(out, readItem(m))
	}
	return out
}

// Item returns the item key.
func (d *PayTableDoc) Item(key string) (PayItem, bool) {
	i := d.itemIndex(key)
	if i < 0 {
		return PayItem{}, false
	}
	m, _ := d.items()[i].(yaml.MapSlice)
	return readItem(m), true
}

func readItem(m yaml.MapSlice) PayItem {
	it := PayItem{Key: yamlString(get(m, "key")), On: yamlString(get(m, "on")), Form: yamlString(get(m, "form")),
		Pays: yamlString(get(m, "pays")), Role: yamlString(get(m, "role"))}
	it.LabelZH, it.LabelEN = payText(get(m, "label"))
	it.UnitZH, it.UnitEN = payText(get(m, "unit"))
	var notes []string
	switch {
	case has(m, "amount"):
		if fen, ok := yamlInt(get(m, "amount")); ok {
			it.Amount = paytables.Yuan(fen)
		} else {
			it.Formula = yamlString(get(m, "amount"))
			notes = append(notes, "amount")
		}
	case has(m, "amount_expr"):
		expr := yamlString(get(m, "amount_expr"))
		if fen, ok := paytables.PerUnitFen(expr); ok {
			it.Amount = paytables.Yuan(fen)
		} else {
			it.Formula = expr
			notes = append(notes, "amount")
		}
	}
	cond, ok := conditionOf(yamlString(get(m, "when")), has(m, "when"), yamlString(get(m, "withheld_on")), has(m, "withheld_on"))
	if ok {
		it.Condition = cond
	} else {
		it.When = yamlString(get(m, "when"))
		notes = append(notes, "condition")
	}
	for _, kv := range m {
		if k, ok := kv.Key.(string); !ok || !slices.Contains(knownItemKeys, k) {
			notes = append(notes, "unknown_keys")
			break
		}
	}
	if len(notes) > 0 {
		it.ReadOnly, it.Note = true, strings.Join(notes, ",")
	}
	return it
}

// conditionOf names the ready-made condition that when and withheld_on
// are, or reports false when they are none of them.
func conditionOf(when string, hasWhen bool, withheld string, hasWithheld bool) (string, bool) {
	w := paytables.NormalizeWhen(when)
	switch {
	case hasWithheld && withheld != paytables.EventQCProblem:
		return "", false
	case hasWithheld && (!hasWhen || w == paytables.WhenNotProblem):
		return PayCondWithhold, true
	case hasWithheld:
		return "", false
	case !hasWhen:
		return PayCondNone, true
	case w == paytables.WhenNotProblem:
		return PayCondSkipProblem, true
	case w == paytables.WhenQCPass:
		return PayCondQCPass, true
	}
	return "", false
}

// Settings returns the table's settings.
func (d *PayTableDoc) Settings() PaySettings {
	s := PaySettings{EffectiveFrom: yamlString(get(d.root, "effective_from")), Period: yamlString(get(d.root, "period"))}
	s.TitleZH, s.TitleEN = payText(get(d.root, "title"))
	return s
}

// Caps returns the caps in file order, amounts in yuan.
func (d *PayTableDoc) Caps() []PayCap {
	l, _ := get(d.root, "caps").([]any)
	var out []PayCap
	for _, v := range l {
		m, _ := v.(yaml.MapSlice)
		c := PayCap{Role: yamlString(get(m, "role"))}
		if fen, ok := yamlInt(get(m, "max")); ok {
			c.Max = paytables.Yuan(fen)
		}
		out = append(out, c)
	}
	return out
}

var amountPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]*)?$`)

// ParseYuan reads an amount an author typed in yuan ("50", "0.5",
// "1,000.00 元") as whole fen, refusing more than two decimals, a negative
// or zero amount and an amount above maxFen, with the field's pointer in
// the error.
func ParseYuan(s string, maxFen int64, lang, ptr string) (int64, error) {
	fen, ps := parseYuanField(s, maxFen, ptr)
	return fen, ps.err(lang)
}

// normalizeYuan is an amount as typed, ready for the yuan pattern: no
// 元, no thousands separators (ASCII or full-width), full-width digits and
// points from a Chinese keyboard made ASCII.
func normalizeYuan(s string) string {
	t := strings.TrimSpace(s)
	t = strings.TrimSpace(strings.TrimSuffix(t, "元"))
	t = strings.ReplaceAll(t, ",", "")
	t = strings.ReplaceAll(t, "，", "")
	t = strings.Map(func(r rune) rune { // full-width digits from a Chinese keyboard
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．' || r == '。':
			return '.'
		case r == '－':
			return '-'
		}
		return r
	}, t)
	return t
}

func parseYuanField(s string, maxFen int64, ptr string) (int64, problems) {
	t := normalizeYuan(s)
	shown := s
	if len([]rune(shown)) > 20 {
		shown = string([]rune(shown)[:20]) + "…"
	}
	switch {
	case t == "":
		return 0, problemAt(ptr, CodePayAmountMissing)
	case strings.HasPrefix(t, "-") && amountPattern.MatchString(t[1:]):
		return 0, problemAt(ptr, CodePayNegative)
	case !amountPattern.MatchString(t):
		return 0, problemAt(ptr, CodePayBadAmount, shown)
	}
	whole, frac, _ := strings.Cut(t, ".")
	if len(frac) > 2 {
		return 0, problemAt(ptr, CodePayDecimals, shown)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 12 {
		return 0, problemAt(ptr, CodePayTooLarge, shown, paytables.Yuan(maxFen))
	}
	w, _ := strconv.ParseInt("0"+whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	fen := w*100 + f
	switch {
	case fen == 0:
		return 0, problemAt(ptr, CodePayZero)
	case fen > maxFen:
		return 0, problemAt(ptr, CodePayTooLarge, paytables.Yuan(fen), paytables.Yuan(maxFen))
	}
	return fen, nil
}

// checkName checks a Chinese (required) and English name.
func checkName(zh, en string, max int, ptrZH, ptrEN, required string) problems {
	var ps problems
	for _, n := range []struct {
		s, ptr string
		max    int
	}{{zh, ptrZH, max}, {en, ptrEN, max * payEnglishMaxMult}} {
		switch {
		case n.ptr == ptrZH && strings.TrimSpace(n.s) == "":
			ps = append(ps, problemAt(n.ptr, required)...)
		case len([]rune(n.s)) > n.max:
			ps = append(ps, problemAt(n.ptr, CodePayTooLong, string([]rune(n.s)[:10])+"…", n.max)...)
		case strings.IndexFunc(n.s, unicode.IsControl) >= 0:
			ps = append(ps, problemAt(n.ptr, CodePayBadText)...)
		}
	}
	return ps
}

var payKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// checkItem validates spec (trimmed) and returns its amount in fen.
func (d *PayTableDoc) checkItem(spec *PayItem) (int64, problems) {
	spec.LabelZH, spec.LabelEN = strings.TrimSpace(spec.LabelZH), strings.TrimSpace(spec.LabelEN)
	ps := checkName(spec.LabelZH, spec.LabelEN, MaxPayNameRunes, "/label_zh", "/label_en", CodePayNameRequired)
	spec.UnitZH, spec.UnitEN = strings.TrimSpace(spec.UnitZH), strings.TrimSpace(spec.UnitEN)
	for _, u := range []struct{ s, ptr string }{{spec.UnitZH, "/unit_zh"}, {spec.UnitEN, "/unit_en"}} {
		switch {
		case len([]rune(u.s)) > MaxPayUnitRunes:
			ps = append(ps, problemAt(u.ptr, CodePayTooLong, clipInput(u.s), MaxPayUnitRunes)...)
		case strings.IndexFunc(u.s, unicode.IsControl) >= 0:
			ps = append(ps, problemAt(u.ptr, CodePayBadText)...)
		}
	}
	if !slices.Contains(paytables.Events, spec.On) {
		ps = append(ps, problemAt("/on", CodePayBadEvent)...)
	}
	if spec.Form != "" && d.Forms != nil && !slices.Contains(d.Forms, spec.Form) {
		ps = append(ps, problemAt("/form", CodePayUnknownForm, clipInput(spec.Form))...)
	}
	if spec.Pays != paytables.PaysCreator && spec.Pays != paytables.PaysActor {
		ps = append(ps, problemAt("/pays", CodePayBadPayee)...)
	}
	if !slices.Contains(paytables.Roles, spec.Role) {
		ps = append(ps, problemAt("/role", CodePayBadRole)...)
	}
	fen, aps := parseYuanField(spec.Amount, MaxItemAmountFen, "/amount")
	ps = append(ps, aps...)
	switch spec.Condition {
	case PayCondNone, PayCondSkipProblem, PayCondQCPass:
	case PayCondWithhold:
		if spec.Pays == paytables.PaysActor {
			ps = append(ps, problemAt("/condition", CodePayWithholdPayee)...)
		}
		if spec.On == paytables.EventQCProblem {
			ps = append(ps, problemAt("/condition", CodePayWithholdEvent)...)
		}
	default:
		ps = append(ps, problemAt("/condition", CodePayBadCondition)...)
	}
	return fen, ps
}

// commit loads the copy and, when it loads without errors, makes it the
// document.
func (d *PayTableDoc) commit(c *PayTableDoc) error {
	_, diags := c.Load()
	if rules.HasErrors(diags) {
		var ps problems
		for _, dg := range diags {
			if dg.Severity == rules.SeverityError {
				ps = append(ps, problem{ptr: dg.Path, code: dg.Code, text: dg.Message})
			}
		}
		return append(problemAt("", CodePayInvalid, len(ps)), ps...).err(d.Lang)
	}
	d.root = c.root
	return nil
}

// writeItem writes spec into m, keeping keys the editor does not know, and
// leaving the amount and condition as written when they do not change.
func writeItem(m yaml.MapSlice, spec PayItem, fen int64) yaml.MapSlice {
	old := readItem(m)
	m = set(m, "label", campaignLabel(spec.LabelZH, spec.LabelEN), "key")
	old.UnitZH, old.UnitEN = strings.TrimSpace(old.UnitZH), strings.TrimSpace(old.UnitEN)
	switch {
	case spec.UnitZH == "" && spec.UnitEN == "":
		m = del(m, "unit")
	case spec.UnitZH != old.UnitZH || spec.UnitEN != old.UnitEN:
		u := yaml.MapSlice{}
		if spec.UnitZH != "" {
			u = append(u, yaml.MapItem{Key: "zh", Value: spec.UnitZH})
		}
		if spec.UnitEN != "" {
			u = append(u, yaml.MapItem{Key: "en", Value: spec.UnitEN})
		}
		m = set(m, "unit", u, "key", "label")
	}
	m = set(m, "on", spec.On, "key", "label", "unit")
	if spec.Form != "" {
		m = set(m, "form", spec.Form, "key", "label", "on")
	} else {
		m = del(m, "form")
	}
	m = set(m, "pays", spec.Pays, "key", "label", "on", "form")
	m = set(m, "role", spec.Role, "key", "label", "on", "form", "pays")
	if old.Amount == "" || old.Amount != paytables.Yuan(fen) || old.ReadOnly {
		m = del(m, "amount_expr")
		m = set(m, "amount", fen, "key", "label", "on", "form", "pays", "role", "when")
	}
	cond := spec.Condition
	if old.Key == "" || old.ReadOnly || old.Condition != cond || old.On != spec.On {
		when, withheld := "", ""
		switch cond {
		case PayCondWithhold:
			withheld = paytables.EventQCProblem
			if spec.On != paytables.EventQCPass { // a qc.pass event has no problem to skip
				when = paytables.WhenNotProblem
			}
		case PayCondSkipProblem:
			when = paytables.WhenNotProblem
		case PayCondQCPass:
			when = paytables.WhenQCPass
		}
		if when != "" {
			m = set(m, "when", when, "key", "label", "on", "form", "pays", "role")
		} else {
			m = del(m, "when")
		}
		if withheld != "" {
			m = set(m, "withheld_on", withheld, "key", "label", "on", "form", "pays", "role", "when", "amount", "amount_expr")
		} else {
			m = del(m, "withheld_on")
		}
	}
	return m
}

// newItemKey makes a key from the English name ("Household surveyed" →
// household_surveyed) or numbers it (item1, item2, …).
func (d *PayTableDoc) newItemKey(en string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(en) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	base := strings.Trim(b.String(), "_")
	if len(base) > 40 {
		base = strings.Trim(base[:40], "_")
	}
	if base != "" && d.itemIndex(base) < 0 {
		return base
	}
	if base == "" {
		base = "item"
	}
	for i := 1; ; i++ {
		k := fmt.Sprintf("%s%d", base, i)
		if d.itemIndex(k) < 0 {
			return k
		}
	}
}

// AddItem adds an item at index (-1: last) and returns its key: spec.Key,
// or one made from the English name. Returns EINVALID with the problems.
func (d *PayTableDoc) AddItem(spec PayItem, index int) (string, error) {
	fen, ps := d.checkItem(&spec)
	spec.Key = strings.TrimSpace(spec.Key)
	switch {
	case spec.Key == "":
	case !payKeyPattern.MatchString(spec.Key):
		ps = append(ps, problemAt("/key", CodePayBadKey, clipInput(spec.Key))...)
	case d.itemIndex(spec.Key) >= 0:
		ps = append(ps, problemAt("/key", CodePayDuplicateKey, spec.Key)...)
	}
	n := len(d.items())
	if n >= MaxPayItems {
		ps = append(ps, problemAt("/items", CodePayTooManyItems, MaxPayItems)...)
	}
	if index < -1 || index > n {
		ps = append(ps, problemAt("/index", CodePayBadIndex, index, n)...)
	}
	if len(ps) > 0 {
		return "", ps.err(d.Lang)
	}
	if spec.Key == "" {
		spec.Key = d.newItemKey(spec.LabelEN)
	}
	if index == -1 {
		index = n
	}
	c := d.Clone()
	m := writeItem(yaml.MapSlice{{Key: "key", Value: spec.Key}}, spec, fen)
	c.root = set(c.root, "items", slices.Insert(slices.Clone(c.items()), index, any(m)))
	if err := d.commit(c); err != nil {
		return "", err
	}
	return spec.Key, nil
}

// UpdateItem changes item key to spec (its key stays: ledger entries name
// it). A read-only item is refused (pay_read_only).
func (d *PayTableDoc) UpdateItem(key string, spec PayItem) error {
	i := d.itemIndex(key)
	if i < 0 {
		return problemAt("/key", CodePayUnknownItem, clipInput(key)).err(d.Lang)
	}
	m, _ := d.items()[i].(yaml.MapSlice)
	if old := readItem(m); old.ReadOnly {
		name := old.LabelZH
		if name == "" {
			name = key
		}
		return problemAt("/key", CodePayReadOnly, name).err(d.Lang)
	}
	fen, ps := d.checkItem(&spec)
	if len(ps) > 0 {
		return ps.err(d.Lang)
	}
	c := d.Clone()
	items := c.items()
	items[i] = writeItem(items[i].(yaml.MapSlice), spec, fen)
	return d.commit(c)
}

// MoveItem moves item key to position to (0-based, in the list without
// it).
func (d *PayTableDoc) MoveItem(key string, to int) error {
	i := d.itemIndex(key)
	if i < 0 {
		return problemAt("/key", CodePayUnknownItem, clipInput(key)).err(d.Lang)
	}
	n := len(d.items())
	if to < 0 || to >= n {
		return problemAt("/index", CodePayBadIndex, to, n-1).err(d.Lang)
	}
	c := d.Clone()
	items := c.items()
	v := items[i]
	items = slices.Delete(items, i, i+1)
	items = slices.Insert(items, to, v)
	c.root = set(c.root, "items", items)
	return d.commit(c)
}

// DeleteItem removes item key, and a cap left on a role no item pays.
// The last item stays (pay_last_item): a table without items does not
// load.
func (d *PayTableDoc) DeleteItem(key string) error {
	i := d.itemIndex(key)
	if i < 0 {
		return problemAt("/key", CodePayUnknownItem, clipInput(key)).err(d.Lang)
	}
	if len(d.items()) == 1 {
		it, _ := d.Item(key)
		name := it.LabelZH
		if name == "" {
			name = key
		}
		return problemAt("/key", CodePayLastItem, name).err(d.Lang)
	}
	c := d.Clone()
	c.root = set(c.root, "items", slices.Delete(c.items(), i, i+1))
	c.dropUnusedCaps()
	return d.commit(c)
}

func (d *PayTableDoc) paidRoles() []string {
	var roles []string
	for _, it := range d.Items() {
		if !slices.Contains(roles, it.Role) {
			roles = append(roles, it.Role)
		}
	}
	return roles
}

func (d *PayTableDoc) dropUnusedCaps() {
	l, ok := get(d.root, "caps").([]any)
	if !ok {
		return
	}
	roles := d.paidRoles()
	l = slices.DeleteFunc(l, func(v any) bool {
		m, _ := v.(yaml.MapSlice)
		return !slices.Contains(roles, yamlString(get(m, "role")))
	})
	if len(l) == 0 {
		d.root = del(d.root, "caps")
		return
	}
	d.root = set(d.root, "caps", l)
}

// SetSettings changes the title, the date the table takes effect and its
// period (caps count in it too).
func (d *PayTableDoc) SetSettings(s PaySettings) error {
	s.TitleZH, s.TitleEN = strings.TrimSpace(s.TitleZH), strings.TrimSpace(s.TitleEN)
	s.EffectiveFrom = strings.TrimSpace(s.EffectiveFrom)
	ps := checkName(s.TitleZH, s.TitleEN, MaxPayTitleRunes, "/title_zh", "/title_en", CodePayTitleRequired)
	if _, err := time.Parse(time.DateOnly, s.EffectiveFrom); err != nil || !yamlDate.MatchString(s.EffectiveFrom) {
		ps = append(ps, problemAt("/effective_from", CodePayBadDate, clipInput(s.EffectiveFrom))...)
	}
	if s.Period != paytables.PeriodMonth && s.Period != paytables.PeriodQuarter {
		ps = append(ps, problemAt("/period", CodePayBadPeriod)...)
	}
	if len(ps) > 0 {
		return ps.err(d.Lang)
	}
	c := d.Clone()
	if cur := c.Settings(); cur.TitleZH != s.TitleZH || cur.TitleEN != s.TitleEN {
		c.root = set(c.root, "title", campaignLabel(s.TitleZH, s.TitleEN), "id")
	}
	c.root = set(c.root, "effective_from", s.EffectiveFrom, "id", "title")
	c.root = set(c.root, "period", s.Period, "id", "title", "effective_from")
	if l, ok := get(c.root, "caps").([]any); ok {
		for i, v := range l {
			if m, ok := v.(yaml.MapSlice); ok && has(m, "period") {
				l[i] = set(m, "period", s.Period)
			}
		}
	}
	return d.commit(c)
}

// SetCap sets the cap on role to max yuan per person and period; an empty
// max removes it.
func (d *PayTableDoc) SetCap(role, max string) error {
	ptr := "/cap_" + role
	if !slices.Contains(paytables.Roles, role) {
		return problemAt(ptr, CodePayBadRole).err(d.Lang)
	}
	c := d.Clone()
	l, _ := get(c.root, "caps").([]any)
	i := slices.IndexFunc(l, func(v any) bool {
		m, _ := v.(yaml.MapSlice)
		return yamlString(get(m, "role")) == role
	})
	if strings.TrimSpace(max) == "" {
		if i < 0 {
			return nil
		}
		l = slices.Delete(l, i, i+1)
		if len(l) == 0 {
			c.root = del(c.root, "caps")
		} else {
			c.root = set(c.root, "caps", l)
		}
		return d.commit(c)
	}
	if !slices.Contains(d.paidRoles(), role) {
		return problemAt(ptr, CodePayCapRole, paytables.RoleName(role, d.Lang)).err(d.Lang)
	}
	fen, ps := parseYuanField(max, MaxCapAmountFen, ptr)
	if len(ps) > 0 {
		return ps.err(d.Lang)
	}
	if i >= 0 {
		m := l[i].(yaml.MapSlice)
		if old, ok := yamlInt(get(m, "max")); ok && old == fen {
			return nil
		}
		l[i] = set(m, "max", fen)
	} else {
		l = append(l, yaml.MapSlice{{Key: "role", Value: role}, {Key: "period", Value: yamlString(get(c.root, "period"))}, {Key: "max", Value: fen}})
	}
	c.root = set(c.root, "caps", l, "items")
	return d.commit(c)
}

// NewPayTable makes a pay table with its first item: id, the Chinese
// title, the date it takes effect and its period. Returns EINVALID with
// the problems of the settings and the item.
func NewPayTable(lang string, formsOfCampaign []string, id string, s PaySettings, first PayItem) (*PayTableDoc, error) {
	d := newPayTableDoc(id, "", "", "")
	d.Lang, d.Forms = lang, formsOfCampaign
	s.TitleZH, s.TitleEN = strings.TrimSpace(s.TitleZH), strings.TrimSpace(s.TitleEN)
	ps := checkName(s.TitleZH, s.TitleEN, MaxPayTitleRunes, "/title_zh", "/title_en", CodePayTitleRequired)
	if _, err := time.Parse(time.DateOnly, s.EffectiveFrom); err != nil {
		ps = append(ps, problemAt("/effective_from", CodePayBadDate, clipInput(s.EffectiveFrom))...)
	}
	if s.Period != paytables.PeriodMonth && s.Period != paytables.PeriodQuarter {
		ps = append(ps, problemAt("/period", CodePayBadPeriod)...)
	}
	fen, ips := d.checkItem(&first)
	ps = append(ps, ips...)
	if len(ps) > 0 {
		return nil, ps.err(lang)
	}
	d.root = set(d.root, "title", campaignLabel(s.TitleZH, s.TitleEN))
	d.root = set(d.root, "effective_from", s.EffectiveFrom)
	d.root = set(d.root, "period", s.Period)
	key := strings.TrimSpace(first.Key)
	if key == "" || !payKeyPattern.MatchString(key) {
		key = d.newItemKey(first.LabelEN)
	}
	d.root = set(d.root, "items", []any{writeItem(yaml.MapSlice{{Key: "key", Value: key}}, first, fen)})
	if _, diags := d.Load(); rules.HasErrors(diags) {
		c := d.Clone()
		d2 := &PayTableDoc{Lang: lang}
		return nil, d2.commit(c)
	}
	return d, nil
}
