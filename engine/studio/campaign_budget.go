package studio

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"canvass/campaigns"
)

// Limits of the 预算 editor. They sit inside the campaign file's own
// (campaigns: 100 inputs and counts, 200 lines, inputs up to 10⁹).
const (
	MaxBudgetNames   = 100
	MaxBudgetLines   = 200
	MaxBudgetInput   = 1_000_000_000
	MaxLineYuan      = 10_000_000 // a unit amount, in yuan
	MaxLineFactors   = 3          // inputs and counts one line multiplies by
	MaxLineMultiple  = 1_000_000
	MaxLabel         = 100 // a Chinese label, in characters
	MaxLabelEN       = 200
	maxBudgetNameLen = 64
)

// BudgetInput is a planned number of the budget: 样本户数 = 300.
type BudgetInput struct {
	Name    string `json:"name"` // the code expressions use: sample
	LabelZH string `json:"labelZH"`
	LabelEN string `json:"labelEN"`
	Value   int64  `json:"value"`
}

// BudgetCount is a number counted from records: the campaign's records of
// Form in one of States (any state when empty).
type BudgetCount struct {
	Name    string   `json:"name"`
	LabelZH string   `json:"labelZH"`
	LabelEN string   `json:"labelEN"`
	Form    string   `json:"form"`
	States  []string `json:"states"`
}

// BudgetLine is one line of the budget. Editable lines are a unit amount
// times inputs and counts (and a whole multiple): UnitFen × Factors… ×
// Multiple, or a fixed UnitFen. Any other amount is kept as written
// (Amount) and shown read-only.
type BudgetLine struct {
	Key      string   `json:"key"`
	LabelZH  string   `json:"labelZH"`
	LabelEN  string   `json:"labelEN"`
	Amount   string   `json:"amount"` // the expression as written
	Editable bool     `json:"editable"`
	UnitFen  int64    `json:"unitFen"`
	Factors  []string `json:"factors"`  // input and count names, in the expression's order
	Multiple int64    `json:"multiple"` // the product of the whole numbers it multiplies by; 1 when none
}

// BudgetView is the budget as the 预算 tab shows it.
type BudgetView struct {
	Inputs []BudgetInput `json:"inputs"`
	Counts []BudgetCount `json:"counts"`
	Lines  []BudgetLine  `json:"lines"`
}

// Budget returns the campaign's budget (empty when it has none).
func (d *CampaignDoc) Budget() BudgetView {
	var v BudgetView
	b := asMap(d.value("budget"))
	labels := asMap(mapValue(b, "labels"))
	label := func(name string) (string, string) {
		t := campaignText(mapValue(labels, name))
		return t["zh"], t["en"]
	}
	for _, it := range asMap(mapValue(b, "inputs")) {
		name, _ := it.Key.(string)
		in := BudgetInput{Name: name, Value: wholeOf(it.Value)}
		in.LabelZH, in.LabelEN = label(name)
		v.Inputs = append(v.Inputs, in)
	}
	for _, it := range asMap(mapValue(b, "counts")) {
		name, _ := it.Key.(string)
		m := asMap(it.Value)
		c := BudgetCount{Name: name}
		c.Form, _ = mapValue(m, "form").(string)
		c.States = stringList(mapValue(m, "states"))
		c.LabelZH, c.LabelEN = label(name)
		v.Counts = append(v.Counts, c)
	}
	names := v.names()
	lines, _ := mapValue(b, "lines").([]any)
	for _, raw := range lines {
		m := asMap(raw)
		l := BudgetLine{}
		l.Key, _ = mapValue(m, "key").(string)
		t := campaignText(mapValue(m, "label"))
		l.LabelZH, l.LabelEN = t["zh"], t["en"]
		l.Amount = scalarString(mapValue(m, "amount"))
		l.UnitFen, l.Factors, l.Multiple, l.Editable = parseAmount(l.Amount, names)
		v.Lines = append(v.Lines, l)
	}
	return v
}

func (v BudgetView) names() []string {
	var out []string
	for _, in := range v.Inputs {
		out = append(out, in.Name)
	}
	for _, c := range v.Counts {
		out = append(out, c.Name)
	}
	return out
}

func wholeOf(v any) int64 {
	switch n := v.(type) {
	case uint64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	}
	return 0
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func stringList(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, s := range x {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		out = append(out, x)
	}
	return out
}

// parseAmount reads an amount the editor can write back: a whole number
// of fen, fen(yuan), or fen(yuan) times names and whole numbers, within
// the editor's limits.
func parseAmount(src string, names []string) (unitFen int64, factors []string, multiple int64, ok bool) {
	a, ok := campaigns.ParseBudgetAmount(src, names)
	if !ok || len(a.Factors) > MaxLineFactors || a.Multiple > MaxLineMultiple {
		return 0, nil, 0, false
	}
	// A whole number of fen has no unit to limit; fen(yuan) does.
	if _, whole := strconv.ParseInt(strings.TrimSpace(src), 10, 64); whole != nil && a.UnitFen > MaxLineYuan*100 {
		return 0, nil, 0, false
	}
	return a.UnitFen, a.Factors, a.Multiple, true
}

var yuanPattern = regexp.MustCompile(`^\d{1,9}(\.\d{1,2})?$`)

// parseYuan parses yuan with at most two decimals into fen.
func parseYuan(s string) (int64, bool) {
	s = normalizeYuan(s)
	if !yuanPattern.MatchString(s) {
		return 0, false
	}
	fen, _ := hundredths2(s)
	return fen, fen <= MaxLineYuan*100
}

func hundredths2(s string) (int64, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + f, true
}

// FormatYuan writes fen as yuan with two decimals and thousands
// separators: 1800000 is "18,000.00".
func FormatYuan(fen int64) string { return campaigns.FormatYuan(fen) }

// amountExpr writes an editable line's amount.
func amountExpr(unitFen int64, factors []string, multiple int64) string {
	unit := fmt.Sprintf("fen(%d)", unitFen/100)
	if unitFen%100 != 0 {
		unit = "fen(" + strings.TrimRight(fmt.Sprintf("%d.%02d", unitFen/100, unitFen%100), "0") + ")"
	}
	parts := append([]string{unit}, factors...)
	if multiple > 1 {
		parts = append(parts, strconv.FormatInt(multiple, 10))
	}
	return strings.Join(parts, " * ")
}

// LineText says a line in words and yuan, in lang: "入户慰问品：单价 60.00
// 元 × 样本户数 300 = 18,000.00 元". A line that multiplies by a count
// says the total follows the records.
func (v BudgetView) LineText(l BudgetLine, lang string) string {
	en := isEN(lang)
	label := l.LabelZH
	if en && l.LabelEN != "" {
		label = l.LabelEN
	}
	if label == "" {
		label = l.Key
	}
	if !l.Editable {
		return label
	}
	a := campaigns.BudgetAmount{UnitFen: l.UnitFen, Factors: l.Factors, Multiple: l.Multiple}
	return campaigns.DescribeBudgetLine(label, a, func(name string) campaigns.BudgetName {
		label, value, isInput := v.describe(name, lang)
		return campaigns.BudgetName{Label: label, Value: value, Known: isInput, Counted: !isInput}
	}, lang)
}

// describe returns a name's label, its value when it is an input, and
// whether it is one.
func (v BudgetView) describe(name, lang string) (string, int64, bool) {
	pick := func(zh, en string) string {
		if isEN(lang) && en != "" {
			return en
		}
		if zh != "" {
			return zh
		}
		return name
	}
	for _, in := range v.Inputs {
		if in.Name == name {
			return pick(in.LabelZH, in.LabelEN), in.Value, true
		}
	}
	for _, c := range v.Counts {
		if c.Name == name {
			return pick(c.LabelZH, c.LabelEN), 0, false
		}
	}
	return name, 0, false
}

// NameLabel is how people read an input or count: its label, else its
// code.
func (v BudgetView) NameLabel(name, lang string) string {
	s, _, _ := v.describe(name, lang)
	return s
}

func isEN(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "en") }

var budgetNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// checkLabels checks a Chinese (required) and English label, keyed
// /<prefix>_label_zh and /<prefix>_label_en.
func checkLabels(prefix, zh, en string) problems {
	var ps problems
	switch {
	case zh == "":
		ps = append(ps, problemAt("/"+prefix+"_label_zh", CodeLabelRequired)...)
	case utf8.RuneCountInString(zh) > MaxLabel:
		ps = append(ps, problemAt("/"+prefix+"_label_zh", CodeTooLong, MaxLabel)...)
	}
	if utf8.RuneCountInString(en) > MaxLabelEN {
		ps = append(ps, problemAt("/"+prefix+"_label_en", CodeTooLong, MaxLabelEN)...)
	}
	return ps
}

// keepUnlabelled drops label_required for an entry that had no Chinese
// label and still has none: the file allows it, and saving an entry as it
// came must not be refused.
func keepUnlabelled(ps problems, zh string) problems {
	if zh != "" {
		return ps
	}
	return slices.DeleteFunc(ps, func(p problem) bool { return p.code == CodeLabelRequired })
}

// freeName returns the given code checked (bad_name, name_taken), or a
// new one prefix1, prefix2… when none is given.
func freeName(ptr, given, prefix string, taken []string) (string, problems) {
	if given == "" {
		for i := 1; ; i++ {
			if n := fmt.Sprintf("%s%d", prefix, i); !slices.Contains(taken, n) {
				return n, nil
			}
		}
	}
	if !budgetNamePattern.MatchString(given) || isReservedName(given) {
		return "", problemAt(ptr, CodeBadName, clipInput(given))
	}
	if slices.Contains(taken, given) {
		return "", problemAt(ptr, CodeNameTaken, given)
	}
	return given, nil
}

// isReservedName reports words an expression cannot use as a variable.
func isReservedName(s string) bool {
	switch s {
	case "true", "false", "nil", "in", "not", "and", "or", "matches", "contains", "startsWith", "endsWith", "let", "if", "else", "fen", "len", "any", "all":
		return true
	}
	return false
}

// clip shortens hostile input before it goes into a message.
func clipInput(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// budgetMap returns the budget section to change: a copy.
func (d *CampaignDoc) budgetMap() yaml.MapSlice { return slices.Clone(asMap(d.value("budget"))) }

// setIn returns a copy of m with key set to v (at the end when new);
// v nil removes it.
func setIn(m yaml.MapSlice, key string, v any) yaml.MapSlice {
	out := slices.Clone(m)
	for i := range out {
		if k, _ := out[i].Key.(string); k == key {
			if v == nil {
				return slices.Delete(out, i, i+1)
			}
			out[i].Value = v
			return out
		}
	}
	if v == nil {
		return out
	}
	return append(out, yaml.MapItem{Key: key, Value: v})
}

// withLabel returns the labels section with name's label set (or
// removed when zh is empty).
func withLabel(b yaml.MapSlice, name, zh, en string) yaml.MapSlice {
	labels := asMap(mapValue(b, "labels"))
	if zh == "" {
		labels = setIn(labels, name, nil)
	} else {
		labels = setIn(labels, name, campaignLabel(zh, en))
	}
	if len(labels) == 0 {
		return setIn(b, "labels", nil)
	}
	return setIn(b, "labels", labels)
}

// putBudget writes the budget section, keeping the key order inputs,
// counts, labels, lines for keys it adds.
func (d *CampaignDoc) putBudget(b yaml.MapSlice) error {
	order := []string{"inputs", "counts", "labels", "lines"}
	slices.SortStableFunc(b, func(x, y yaml.MapItem) int {
		kx, _ := x.Key.(string)
		ky, _ := y.Key.(string)
		ix, iy := slices.Index(order, kx), slices.Index(order, ky)
		if ix < 0 || iy < 0 {
			return 0
		}
		return ix - iy
	})
	if len(b) == 0 {
		return d.replace("budget", nil)
	}
	return d.replace("budget", b)
}

// SetInput adds a planned number (old "") or changes the label and value of
// the input named old. Problems are keyed /input_name, /input_label_zh,
// /input_label_en and /input_value.
func (d *CampaignDoc) SetInput(old string, in BudgetInput, valueText string) error {
	v := d.Budget()
	in.LabelZH, in.LabelEN = strings.TrimSpace(in.LabelZH), strings.TrimSpace(in.LabelEN)
	ps := checkLabels("input", in.LabelZH, in.LabelEN)
	if i := slices.IndexFunc(v.Inputs, func(x BudgetInput) bool { return x.Name == old }); old != "" && i >= 0 && v.Inputs[i].LabelZH == "" {
		ps = keepUnlabelled(ps, in.LabelZH)
	}
	valueText = strings.ReplaceAll(strings.TrimSpace(valueText), ",", "")
	n, err := strconv.ParseInt(valueText, 10, 64)
	if err != nil || n < 0 || n > MaxBudgetInput {
		ps = append(ps, problemAt("/input_value", CodeBadWhole, clipInput(valueText), MaxBudgetInput)...)
	}
	name := old
	if old == "" {
		if len(v.names()) >= MaxBudgetNames {
			return problemAt("/input_name", CodeTooMany, MaxBudgetNames).err(d.Lang)
		}
		var nps problems
		name, nps = freeName("/input_name", strings.TrimSpace(in.Name), "input", v.names())
		ps = append(ps, nps...)
	} else if !slices.ContainsFunc(v.Inputs, func(x BudgetInput) bool { return x.Name == old }) {
		return problemAt("/input_name", CodeNotFound, clipInput(old)).err(d.Lang)
	}
	if len(ps) > 0 {
		return ps.err(d.Lang)
	}
	if old != "" {
		i := slices.IndexFunc(v.Inputs, func(x BudgetInput) bool { return x.Name == old })
		if cur := v.Inputs[i]; cur.LabelZH == in.LabelZH && cur.LabelEN == in.LabelEN && cur.Value == n {
			return nil
		}
	}
	b := d.budgetMap()
	b = setIn(b, "inputs", setIn(asMap(mapValue(b, "inputs")), name, n))
	b = withLabel(b, name, in.LabelZH, in.LabelEN)
	if mapValue(b, "lines") == nil {
		return problemAt("/input_name", CodeNeedsLine).err(d.Lang)
	}
	return d.putBudget(b)
}

// SetCount adds a count (old "") or changes the count named old. Problems
// are keyed /count_name, /count_label_zh, /count_label_en, /count_form and
// /count_states.
func (d *CampaignDoc) SetCount(old string, c BudgetCount) error {
	v := d.Budget()
	c.LabelZH, c.LabelEN = strings.TrimSpace(c.LabelZH), strings.TrimSpace(c.LabelEN)
	ps := checkLabels("count", c.LabelZH, c.LabelEN)
	if i := slices.IndexFunc(v.Counts, func(x BudgetCount) bool { return x.Name == old }); old != "" && i >= 0 && v.Counts[i].LabelZH == "" {
		ps = keepUnlabelled(ps, c.LabelZH)
	}
	if !d.camp.HasForm(c.Form) {
		ps = append(ps, problemAt("/count_form", CodeUnknownForm, clipInput(c.Form))...)
	}
	var states []string
	for _, s := range c.States {
		if slices.Contains(states, s) {
			continue
		}
		if d.workflow != nil && !d.workflow.HasState(s) && s != "draft" {
			ps = append(ps, problemAt("/count_states", CodeNoWorkflowState, clipInput(s))...)
			continue
		}
		states = append(states, s)
	}
	name := old
	if old == "" {
		if len(v.names()) >= MaxBudgetNames {
			return problemAt("/count_name", CodeTooMany, MaxBudgetNames).err(d.Lang)
		}
		var nps problems
		name, nps = freeName("/count_name", strings.TrimSpace(c.Name), "count", v.names())
		ps = append(ps, nps...)
	} else if !slices.ContainsFunc(v.Counts, func(x BudgetCount) bool { return x.Name == old }) {
		return problemAt("/count_name", CodeNotFound, clipInput(old)).err(d.Lang)
	}
	if len(ps) > 0 {
		return ps.err(d.Lang)
	}
	if old != "" {
		i := slices.IndexFunc(v.Counts, func(x BudgetCount) bool { return x.Name == old })
		if cur := v.Counts[i]; cur.LabelZH == c.LabelZH && cur.LabelEN == c.LabelEN && cur.Form == c.Form && slices.Equal(cur.States, states) {
			return nil
		}
	}
	count := yaml.MapSlice{{Key: "form", Value: c.Form}}
	if len(states) > 0 {
		count = append(count, yaml.MapItem{Key: "states", Value: states})
	}
	b := d.budgetMap()
	b = setIn(b, "counts", setIn(asMap(mapValue(b, "counts")), name, count))
	b = withLabel(b, name, c.LabelZH, c.LabelEN)
	if mapValue(b, "lines") == nil {
		return problemAt("/count_name", CodeNeedsLine).err(d.Lang)
	}
	return d.putBudget(b)
}

// DeleteName deletes an input or a count. It refuses (name_in_use) while
// lines use it, naming them.
func (d *CampaignDoc) DeleteName(name string) error {
	v := d.Budget()
	var using []string
	for _, l := range v.Lines {
		if lineUses(l, name) {
			using = append(using, "“"+orElse(l.LabelZH, l.Key)+"”")
		}
	}
	if len(using) > 0 {
		return problemAt("/name", CodeNameInUse, strings.Join(using, "、"), v.NameLabel(name, d.Lang)).err(d.Lang)
	}
	b := d.budgetMap()
	inputs, counts := asMap(mapValue(b, "inputs")), asMap(mapValue(b, "counts"))
	switch {
	case mapValue(inputs, name) != nil:
		inputs = setIn(inputs, name, nil)
		b = setIn(b, "inputs", orNil(inputs))
	case mapValue(counts, name) != nil:
		counts = setIn(counts, name, nil)
		b = setIn(b, "counts", orNil(counts))
	default:
		return problemAt("/name", CodeNotFound, clipInput(name)).err(d.Lang)
	}
	b = withLabel(b, name, "", "")
	return d.putBudget(b)
}

func orNil(m yaml.MapSlice) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

// lineUses reports whether a line's amount reads name (an editable line
// by its factors; any other by its expression's identifiers).
func lineUses(l BudgetLine, name string) bool {
	if l.Editable {
		return slices.Contains(l.Factors, name)
	}
	return slices.Contains(names(l.Amount, map[string]bool{name: true}, nil), name)
}

// LineInput is a line as the 预算 tab's form takes it.
type LineInput struct {
	Key      string
	LabelZH  string
	LabelEN  string
	UnitYuan string   // "60", "0.60"
	Factors  []string // input and count names; "" entries are skipped
	Multiple string   // a whole number, "" for 1
}

// SetLine adds a line (old "") or changes the line keyed old. A read-only
// line is refused (read_only): its amount is kept as written. Problems are
// keyed /line_key, /line_label_zh, /line_label_en, /line_unit,
// /line_factors and /line_multiple.
func (d *CampaignDoc) SetLine(old string, in LineInput) error {
	v := d.Budget()
	in.LabelZH, in.LabelEN = strings.TrimSpace(in.LabelZH), strings.TrimSpace(in.LabelEN)
	ps := checkLabels("line", in.LabelZH, in.LabelEN)
	if i := slices.IndexFunc(v.Lines, func(x BudgetLine) bool { return x.Key == old }); old != "" && i >= 0 && v.Lines[i].LabelZH == "" {
		ps = keepUnlabelled(ps, in.LabelZH)
	}
	unit, ok := parseYuan(in.UnitYuan)
	if !ok {
		ps = append(ps, problemAt("/line_unit", CodeBadAmount, clipInput(in.UnitYuan), FormatYuan(MaxLineYuan*100))...)
	}
	var factors []string
	for _, f := range in.Factors {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !slices.Contains(v.names(), f) {
			ps = append(ps, problemAt("/line_factors", CodeUnknownName, clipInput(f))...)
			continue
		}
		factors = append(factors, f)
	}
	if len(factors) > MaxLineFactors {
		ps = append(ps, problemAt("/line_factors", CodeTooMany, MaxLineFactors)...)
	}
	multiple := int64(1)
	if m := strings.TrimSpace(in.Multiple); m != "" {
		n, err := strconv.ParseInt(m, 10, 64)
		if err != nil || n < 1 || n > MaxLineMultiple {
			ps = append(ps, problemAt("/line_multiple", CodeBadWhole, clipInput(m), MaxLineMultiple)...)
		}
		multiple = n
	}
	var keys []string
	for _, l := range v.Lines {
		if l.Key != old {
			keys = append(keys, l.Key)
		}
	}
	key := old
	i := slices.IndexFunc(v.Lines, func(l BudgetLine) bool { return l.Key == old })
	switch {
	case old == "":
		if len(v.Lines) >= MaxBudgetLines {
			return problemAt("/line_key", CodeTooMany, MaxBudgetLines).err(d.Lang)
		}
		var nps problems
		key, nps = freeName("/line_key", strings.TrimSpace(in.Key), "line", keys)
		ps = append(ps, nps...)
	case i < 0:
		return problemAt("/line_key", CodeNotFound, clipInput(old)).err(d.Lang)
	case !v.Lines[i].Editable:
		return problemAt("/line_key", CodeReadOnly).err(d.Lang)
	}
	if len(ps) > 0 {
		return ps.err(d.Lang)
	}
	b := d.budgetMap()
	lines, _ := mapValue(b, "lines").([]any)
	lines = slices.Clone(lines)
	if i >= 0 {
		cur := v.Lines[i]
		if cur.LabelZH == in.LabelZH && cur.LabelEN == in.LabelEN && cur.UnitFen == unit && slices.Equal(cur.Factors, factors) && cur.Multiple == multiple {
			return nil
		}
		m := asMap(lines[i])
		m = setIn(m, "label", campaignLabel(in.LabelZH, in.LabelEN))
		if cur.UnitFen != unit || !slices.Equal(cur.Factors, factors) || cur.Multiple != multiple {
			m = setIn(m, "amount", amountExpr(unit, factors, multiple))
		}
		lines[i] = m
	} else {
		lines = append(lines, yaml.MapSlice{{Key: "key", Value: key}, {Key: "label", Value: campaignLabel(in.LabelZH, in.LabelEN)},
			{Key: "amount", Value: amountExpr(unit, factors, multiple)}})
	}
	b = setIn(b, "lines", lines)
	return d.putBudget(b)
}

// DeleteLine deletes the line keyed key, read-only or not; the budget goes
// when its last line does and it has no inputs or counts left.
func (d *CampaignDoc) DeleteLine(key string) error {
	v := d.Budget()
	i := slices.IndexFunc(v.Lines, func(l BudgetLine) bool { return l.Key == key })
	if i < 0 {
		return problemAt("/line_key", CodeNotFound, clipInput(key)).err(d.Lang)
	}
	b := d.budgetMap()
	lines, _ := mapValue(b, "lines").([]any)
	lines = slices.Delete(slices.Clone(lines), i, i+1)
	if len(lines) == 0 {
		if len(v.Inputs) == 0 && len(v.Counts) == 0 {
			return d.replace("budget", nil)
		}
		return problemAt("/line_key", CodeNeedsLine).err(d.Lang)
	}
	return d.putBudget(setIn(b, "lines", lines))
}

// PlannedTotal adds up the lines whose amounts the inputs alone fix, in
// fen; partial is true when some line multiplies by a count (its amount
// follows the records) or cannot be read here.
func (v BudgetView) PlannedTotal() (fen int64, partial bool) {
	for _, l := range v.Lines {
		if !l.Editable {
			partial = true
			continue
		}
		amount := l.UnitFen * l.Multiple
		for _, f := range l.Factors {
			_, value, isInput := v.describe(f, "")
			if !isInput {
				partial = true
				amount = 0
				break
			}
			amount *= value
		}
		fen += amount
	}
	return fen, partial
}
