package studio

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"canvass/engine"
	"canvass/forms"
)

// The version history's diff (issue #16, item 9): two versions of one
// file compared as an author reads them — "字段「出生日期」改为必填",
// "「退回补正」时限由 2 天改为 3 天" — naming fields, steps and pay items by
// their labels. Each kind of file has its describer (diff_form.go,
// diff_workflow.go, diff_paytable.go, diff_campaign.go); what a describer
// does not know falls to one generic sentence per changed key path, so a
// change is never silently left out. Key order, comments and layout are
// not changes: when the sources differ only in those, the diff says so.

// Change is one difference between two versions of a definition.
type Change struct {
	// Kind is stable ("field.required", "state.due", "item.amount"…;
	// "other.changed", "other.added", "other.removed" for what no
	// describer knows): pages and tests key on it.
	Kind string `json:"kind"`
	// Path is the JSON pointer of what changed: in the newer version, or
	// in the older one for what was removed.
	Path string `json:"path"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// Text is the change in lang (English for "en…", else Chinese).
func (c Change) Text(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return c.EN
	}
	return c.ZH
}

// DiffNames turns what a file names by code or ID into what authors call
// it. Either may be nil: the code or ID is shown then.
type DiffNames struct {
	Unit  func(code string) string     // org unit code → its name
	Title func(kind, id string) string // a form, workflow or pay table → its title
}

// Change kinds every describer shares.
const (
	ChangeOtherChanged = "other.changed"
	ChangeOtherAdded   = "other.added"
	ChangeOtherRemoved = "other.removed"
	ChangeFormatOnly   = "source.format"     // the sources differ only in comments, order or layout
	ChangeUnreadable   = "source.unreadable" // a version does not decode: only its text can be compared
)

// Diff compares two versions of a definition of kind (engine.KindForm,
// KindWorkflow, KindPayTable, KindCampaign), older first, and returns the
// changes in the order of the newer file. Equal sources give none.
func Diff(kind string, older, newer []byte, names DiffNames) []Change {
	if string(older) == string(newer) {
		return nil
	}
	changes, ok := compare(kind, older, newer, names)
	if !ok {
		return []Change{{Kind: ChangeUnreadable,
			ZH: "其中一个版本无法读取（文件格式有误），只能查看两个版本的源文件逐行比较",
			EN: "One of the versions cannot be read (the file is malformed); compare the two versions' source files instead"}}
	}
	if len(changes) == 0 {
		return []Change{{Kind: ChangeFormatOnly,
			ZH: "只改动了注释、排版或书写方式，内容没有变化",
			EN: "Only comments, layout or the way things are written changed; the content is the same"}}
	}
	return changes
}

// compare describes the differences of two decoded versions; ok is false
// when either does not decode.
func compare(kind string, older, newer []byte, names DiffNames) (changes []Change, ok bool) {
	d := &differ{names: names}
	if kind == engine.KindForm {
		fa, errA := OpenForm(older)
		fb, errB := OpenForm(newer)
		if errA != nil || errB != nil {
			return nil, false
		}
		d.form(fa, fb)
		return d.out, true
	}
	a, errA := yamlTree(older)
	b, errB := yamlTree(newer)
	if errA != nil || errB != nil {
		return nil, false
	}
	switch kind {
	case engine.KindWorkflow:
		d.workflow(a, b)
	case engine.KindPayTable:
		d.payTable(a, b)
	case engine.KindCampaign:
		d.campaign(a, b)
	default:
		d.generic("", "", phrase{}, a, b)
	}
	if len(d.out) == 0 && !equalNodes(a, b) {
		// A describer read past a value of a shape it did not expect
		// (a list where a mapping belongs): say what differs anyway.
		d.generic("", "", phrase{}, a, b)
	}
	return d.out, true
}

type differ struct {
	names DiffNames
	out   []Change
}

func (d *differ) add(kind, path, zh, en string) {
	d.out = append(d.out, Change{Kind: kind, Path: path, ZH: zh, EN: en})
}

// phrase is the start of a sentence about one thing, in both languages:
// "字段「年龄」的" / `Field "Age": `.
type phrase struct{ zh, en string }

// generic reports every difference between a and b (nil: absent) as one
// sentence per changed key path. rel is the path shown, relative to the
// thing pre names.
func (d *differ) generic(path, rel string, pre phrase, a, b *node) {
	if equalNodes(a, b) {
		return
	}
	shown := rel
	if shown == "" {
		shown = "/"
	}
	switch {
	case a == nil:
		d.add(ChangeOtherAdded, path, fmt.Sprintf("%s新增设置「%s」：%s", pre.zh, shown, valueText(b, "zh")),
			fmt.Sprintf("%sadded setting %q: %s", pre.en, shown, valueText(b, "en")))
	case b == nil:
		d.add(ChangeOtherRemoved, path, fmt.Sprintf("%s删除设置「%s」（原为 %s）", pre.zh, shown, valueText(a, "zh")),
			fmt.Sprintf("%sremoved setting %q (was %s)", pre.en, shown, valueText(a, "en")))
	case a.kind == kindObject && b.kind == kindObject:
		for _, k := range unionKeys(a, b) {
			d.generic(path+"/"+escapePointer(k), joinRel(rel, k), pre, a.get(k), b.get(k))
		}
	case a.kind == kindArray && b.kind == kindArray && len(a.items) == len(b.items):
		for i := range a.items {
			d.generic(path+"/"+strconv.Itoa(i), joinRel(rel, strconv.Itoa(i)), pre, a.items[i], b.items[i])
		}
	default:
		d.add(ChangeOtherChanged, path, fmt.Sprintf("%s设置「%s」由 %s 改为 %s", pre.zh, shown, valueText(a, "zh"), valueText(b, "zh")),
			fmt.Sprintf("%ssetting %q changed from %s to %s", pre.en, shown, valueText(a, "en"), valueText(b, "en")))
	}
}

// rest reports, generically, the differences in the keys of a and b that
// the describer did not handle.
func (d *differ) rest(path, rel string, pre phrase, a, b *node, handled ...string) {
	if a != nil && a.kind != kindObject || b != nil && b.kind != kindObject {
		d.generic(path, rel, pre, a, b) // not a mapping: nothing was handled
		return
	}
	for _, k := range unionKeys(a, b) {
		if !slices.Contains(handled, k) {
			d.generic(path+"/"+escapePointer(k), joinRel(rel, k), pre, a.get(k), b.get(k))
		}
	}
}

func joinRel(rel, k string) string {
	if rel == "" {
		return k
	}
	return rel + "/" + k
}

// unionKeys is a's keys in order, then b's that a lacks.
func unionKeys(a, b *node) []string {
	var keys []string
	for _, n := range []*node{a, b} {
		if n == nil || n.kind != kindObject {
			continue
		}
		for _, m := range n.members {
			if !slices.Contains(keys, m.key) {
				keys = append(keys, m.key)
			}
		}
	}
	return keys
}

// equalNodes compares meaning: object key order and how a number is
// written (5 or 5.0) do not count.
func equalNodes(a, b *node) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case kindNull:
		return true
	case kindBool:
		return a.boolean == b.boolean
	case kindString:
		return a.str == b.str
	case kindNumber:
		x, okx := parseRat(a.num)
		y, oky := parseRat(b.num)
		if okx && oky {
			return x.Cmp(y) == 0
		}
		return a.num == b.num
	case kindArray:
		return slices.EqualFunc(a.items, b.items, equalNodes)
	case kindObject:
		if len(a.members) != len(b.members) {
			return false
		}
		for _, m := range a.members {
			if !equalNodes(m.value, b.get(m.key)) {
				return false
			}
		}
		return true
	}
	return false
}

// valueText shows a value in a sentence: texts in quotes, yes/no in
// words, lists and objects compactly, long ones cut.
func valueText(n *node, lang string) string {
	if n == nil {
		return inLang(lang, "（无）", "(none)")
	}
	switch n.kind {
	case kindNull:
		return inLang(lang, "（空）", "(empty)")
	case kindBool:
		if n.boolean {
			return inLang(lang, "是", "yes")
		}
		return inLang(lang, "否", "no")
	case kindNumber:
		return n.num.String()
	case kindString:
		return quoted(n.str, lang)
	default:
		if isText(n) {
			t := readText(n)
			if lang == "en" && t.EN != "" {
				return quoted(t.EN, lang)
			}
			return quoted(t.ZH, lang)
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(n.plain())
		return cut(strings.TrimSpace(b.String()))
	}
}

func quoted(s, lang string) string {
	return inLang(lang, "“"+cut(s)+"”", strconv.Quote(cut(s)))
}

// isText reports whether n is a {zh, en} text.
func isText(n *node) bool {
	if n == nil || n.kind != kindObject || len(n.members) == 0 {
		return false
	}
	for _, m := range n.members {
		if (m.key != "zh" && m.key != "en") || m.value.kind != kindString {
			return false
		}
	}
	return true
}

func cut(s string) string {
	const max = 80
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

func inLang(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// textOf reads a {zh, en} text, or a plain string as Chinese.
func textOf(n *node) forms.Text {
	if n == nil {
		return forms.Text{}
	}
	if n.kind == kindString {
		return forms.Text{ZH: n.str}
	}
	return readText(n)
}

// named is what a label calls a thing in each language, its key when it
// has no label.
func named(t forms.Text, key string) phrase {
	zh, en := t.ZH, t.EN
	if zh == "" {
		zh = key
	}
	if en == "" {
		en = zh
	}
	return phrase{zh, en}
}

// yamlTree decodes a YAML definition keeping its key order.
func yamlTree(src []byte) (*node, error) {
	var v any
	if err := yaml.UnmarshalWithOptions(src, &v, yaml.UseOrderedMap()); err != nil {
		return nil, err
	}
	n, err := yamlNode(v, 0)
	if err != nil {
		return nil, err
	}
	if n.kind != kindObject {
		return nil, fmt.Errorf("not a mapping")
	}
	return n, nil
}

// keyedList indexes a list of objects by their key field: the keys in the
// newer list's order, then the removed ones.
func keyedList(a, b *node, field string) (keys []string, am, bm map[string]*node, at, bt map[string]int) {
	am, bm, at, bt = map[string]*node{}, map[string]*node{}, map[string]int{}, map[string]int{}
	index := func(list *node, m map[string]*node, pos map[string]int) []string {
		var ks []string
		if list == nil || list.kind != kindArray {
			return nil
		}
		for i, it := range list.items {
			k := textValue(it.get(field))
			if k == "" {
				k = "#" + strconv.Itoa(i)
			}
			if _, dup := m[k]; dup {
				continue
			}
			m[k], pos[k] = it, i
			ks = append(ks, k)
		}
		return ks
	}
	ka := index(a, am, at)
	keys = index(b, bm, bt)
	for _, k := range ka {
		if _, ok := bm[k]; !ok {
			keys = append(keys, k)
		}
	}
	return keys, am, bm, at, bt
}

// The words of a sentence.

var isoDuration = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// durationText reads a due or reminder interval: an ISO 8601 duration in
// words ("2 天", "48 小时"), anything else (an expression) as written.
func durationText(s, lang string) string {
	m := isoDuration.FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" {
		return inLang(lang, "按公式 "+s, "by the formula "+s)
	}
	units := []struct{ zh, en string }{{"年", "year"}, {"个月", "month"}, {"周", "week"}, {"天", "day"}, {"小时", "hour"}, {"分钟", "minute"}, {"秒", "second"}}
	var parts []string
	for i, u := range units {
		if m[i+1] == "" {
			continue
		}
		n, _ := strconv.Atoi(m[i+1])
		if lang == "en" {
			w := u.en
			if n != 1 {
				w += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, w))
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", n, u.zh))
		}
	}
	if lang == "en" {
		return strings.Join(parts, " ")
	}
	return strings.Join(parts, "")
}

// dateText shows a date (2006-01-02) or a time (RFC 3339) as people in
// China read it: 2026年12月17日, with the hour when it is not midnight.
func dateText(s, lang string) string {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		if lang == "en" {
			return t.Format("2 January 2006")
		}
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		t = t.In(shanghai)
		clock := ""
		if t.Hour() != 0 || t.Minute() != 0 {
			clock = t.Format(" 15:04")
		}
		if lang == "en" {
			return t.Format("2 January 2006") + clock
		}
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day()) + clock
	}
	return s
}

var shanghai = time.FixedZone("CST", 8*3600)

// yuanText shows integer fen as yuan with two decimals: 5000 → 50.00 元.
func yuanText(n *node, lang string) string {
	if n == nil || n.kind != kindNumber {
		return valueText(n, lang)
	}
	r, ok := parseRat(n.num)
	if !ok {
		return n.num.String()
	}
	y := new(big.Rat).Quo(r, big.NewRat(100, 1))
	if lang == "en" {
		return y.FloatString(2) + " yuan"
	}
	return y.FloatString(2) + " 元"
}

// percentText shows a share (0.05) as a percentage: 5%.
func percentText(n *node) string {
	if n == nil || n.kind != kindNumber {
		return valueText(n, "zh")
	}
	r, ok := parseRat(n.num)
	if !ok {
		return n.num.String()
	}
	p := new(big.Rat).Mul(r, big.NewRat(100, 1))
	s := strings.TrimRight(strings.TrimRight(p.FloatString(4), "0"), ".")
	return s + "%"
}

var roleNames = map[string]phrase{
	"author": {"设计员", "author"}, "field_worker": {"调查员", "field worker"}, "reviewer": {"审核员", "reviewer"},
	"supervisor": {"督导员", "supervisor"}, "finance": {"财务", "finance"}, "admin": {"管理员", "administrator"},
}

var levelNames = map[string]phrase{
	"province": {"省", "province"}, "city": {"市", "city"}, "district": {"区县", "district"},
	"township": {"乡镇街道", "township"}, "village": {"村居", "village"}, "group": {"组", "group"},
}

var periodNames = map[string]phrase{
	"month": {"按月", "monthly"}, "quarter": {"按季度", "quarterly"}, "year": {"按年", "yearly"},
}

// word looks a code up in a table of names; an unknown code is itself.
func word(table map[string]phrase, code, lang string) string {
	if p, ok := table[code]; ok {
		return inLang(lang, p.zh, p.en)
	}
	return code
}

// listOf reads a string or a list of strings.
func listOf(n *node) []string {
	if n == nil {
		return nil
	}
	if n.kind == kindArray {
		var out []string
		for _, it := range n.items {
			out = append(out, textValue(it))
		}
		return out
	}
	return []string{textValue(n)}
}

// textValue is a value as one comparable string: a scalar as written, a
// list or mapping as compact JSON, "" when absent or null.
func textValue(n *node) string {
	if n == nil {
		return ""
	}
	switch n.kind {
	case kindNull:
		return ""
	case kindString, kindNumber, kindBool:
		return scalarOf(n)
	}
	b, _ := json.Marshal(n.plain())
	return string(b)
}

// joinWords joins names with 、 (zh) or ", " (en).
func joinWords(words []string, lang string) string {
	return strings.Join(words, inLang(lang, "、", ", "))
}

// title is a definition's title by the names given, else its ID.
func (d *differ) title(kind, id string) string {
	if d.names.Title != nil {
		if t := d.names.Title(kind, id); t != "" {
			return t
		}
	}
	return id
}

// unit is an org unit's name by the names given, else its code.
func (d *differ) unit(code string) string {
	if d.names.Unit != nil {
		if n := d.names.Unit(code); n != "" {
			return n
		}
	}
	return code
}
