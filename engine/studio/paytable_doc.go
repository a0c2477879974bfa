package studio

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"

	"canvass/paytables"
	"canvass/rules"
)

// PayTableDoc is a pay table as the studio's 劳务报酬 editor works on it:
// the YAML decoded in the author's key order, every key kept, the ones the
// editor does not know included. Bytes writes it back in the examples'
// house style (without comments). Operations (AddItem, UpdateItem,
// MoveItem, DeleteItem, SetSettings, SetCap) validate their input in
// Chinese or English (Lang), work on a copy, and change the document only
// when the result loads with paytables.Load without errors.
type PayTableDoc struct {
	Lang  string   // of messages: "zh" unless it starts with "en"
	Forms []string // the forms of the campaign; an item's form must be one (nil: not checked)
	root  yaml.MapSlice
}

// OpenPayTable decodes a pay table's YAML. It returns EINVALID (code
// "syntax") when src is not a YAML mapping. It does not lint: a draft
// with errors opens, and the page says what to fix.
func OpenPayTable(src []byte) (*PayTableDoc, error) {
	var root yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(src, &root, yaml.UseOrderedMap()); err != nil {
		return nil, problemAt("", CodePaySyntax, firstLine(err.Error())).err("zh")
	}
	if root == nil {
		return nil, problemAt("", CodePaySyntax, "empty").err("zh")
	}
	return &PayTableDoc{root: root}, nil
}

// NewPayTableDoc starts a pay table: id, Chinese title, the date it takes
// effect (2006-01-02) and its period. It has no items yet, so it loads
// only after AddItemTo: CreatePayTable does both.
func newPayTableDoc(id, titleZH, effectiveFrom, period string) *PayTableDoc {
	return &PayTableDoc{root: yaml.MapSlice{
		{Key: "id", Value: id},
		{Key: "title", Value: yaml.MapSlice{{Key: "zh", Value: titleZH}}},
		{Key: "effective_from", Value: effectiveFrom},
		{Key: "period", Value: period},
		{Key: "items", Value: []any{}},
	}}
}

// Clone returns an independent copy.
func (d *PayTableDoc) Clone() *PayTableDoc {
	return &PayTableDoc{Lang: d.Lang, Forms: d.Forms, root: cloneYAML(d.root).(yaml.MapSlice)}
}

func cloneYAML(v any) any {
	switch x := v.(type) {
	case yaml.MapSlice:
		out := make(yaml.MapSlice, len(x))
		for i, kv := range x {
			out[i] = yaml.MapItem{Key: kv.Key, Value: cloneYAML(kv.Value)}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = cloneYAML(x[i])
		}
		return out
	}
	return v
}

// ID is the table's id.
func (d *PayTableDoc) ID() string { return yamlString(get(d.root, "id")) }

// Load lints and compiles the document as publishing will.
func (d *PayTableDoc) Load() (*paytables.PayTable, []rules.Diagnostic) {
	name := "paytable.paytable.yaml"
	if id := d.ID(); id != "" {
		name = id + ".paytable.yaml"
	}
	return paytables.Load(name, d.Bytes())
}

func get(m yaml.MapSlice, key string) any {
	for _, kv := range m {
		if k, ok := kv.Key.(string); ok && k == key {
			return kv.Value
		}
	}
	return nil
}

func has(m yaml.MapSlice, key string) bool {
	for _, kv := range m {
		if k, ok := kv.Key.(string); ok && k == key {
			return true
		}
	}
	return false
}

// set sets key in place, or appends it after the last of after that is
// present (at the end when none is).
func set(m yaml.MapSlice, key string, v any, after ...string) yaml.MapSlice {
	for i := range m {
		if k, ok := m[i].Key.(string); ok && k == key {
			m[i].Value = v
			return m
		}
	}
	at := len(m)
	for i := range m {
		if k, ok := m[i].Key.(string); ok && slices.Contains(after, k) {
			at = i + 1
		}
	}
	return slices.Insert(m, at, yaml.MapItem{Key: key, Value: v})
}

func del(m yaml.MapSlice, key string) yaml.MapSlice {
	return slices.DeleteFunc(m, func(kv yaml.MapItem) bool { k, ok := kv.Key.(string); return ok && k == key })
}

func yamlString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// yamlInt reads a whole number decoded from YAML.
func yamlInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case uint64:
		if x > 1<<62 {
			return 0, false
		}
		return int64(x), true
	}
	return 0, false
}

// payText reads a {zh, en} label.
func payText(v any) (zh, en string) {
	m, _ := v.(yaml.MapSlice)
	return yamlString(get(m, "zh")), yamlString(get(m, "en"))
}

// Bytes returns the table in the examples' house style: top-level keys in
// the author's order, title and labels as {zh: …, en: …}, items as a block
// list, caps one per line, two-space indentation, a final newline.
func (d *PayTableDoc) Bytes() []byte {
	var b bytes.Buffer
	for _, kv := range d.root {
		key := keyText(kv.Key)
		switch list, isList := kv.Value.([]any); {
		case key == "items" && isList:
			b.WriteString("items:\n")
			for _, it := range list {
				writeListEntry(&b, it, "  ", false)
			}
		case key == "caps" && isList:
			b.WriteString("caps:\n")
			for _, c := range list {
				writeListEntry(&b, c, "  ", true)
			}
		default:
			writeEntry(&b, key, kv.Value, "")
		}
	}
	return b.Bytes()
}

func keyText(k any) string {
	if s, ok := k.(string); ok && payPlainSafe(s, true) {
		return s
	}
	return scalar(k, true)
}

// writeEntry writes "key: value" at indent, a small flat mapping on one
// line, anything else nested below.
func writeEntry(b *bytes.Buffer, key string, v any, indent string) {
	b.WriteString(indent + key + ":")
	switch x := v.(type) {
	case yaml.MapSlice:
		if flat(x) {
			b.WriteString(" " + payFlowMap(x) + "\n")
			return
		}
		b.WriteString("\n")
		for _, kv := range x {
			writeEntry(b, keyText(kv.Key), kv.Value, indent+"  ")
		}
	case []any:
		if len(x) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteString("\n")
		for _, e := range x {
			writeListEntry(b, e, indent+"  ", false)
		}
	default:
		b.WriteString(" " + scalar(v, false) + "\n")
	}
}

// writeListEntry writes one "- " entry; oneLine puts a flat mapping on
// one line ({role: x, max: n}).
func writeListEntry(b *bytes.Buffer, v any, indent string, oneLine bool) {
	switch x := v.(type) {
	case yaml.MapSlice:
		if len(x) == 0 {
			b.WriteString(indent + "- {}\n")
			return
		}
		if oneLine && flat(x) {
			b.WriteString(indent + "- " + payFlowMap(x) + "\n")
			return
		}
		var inner bytes.Buffer
		for _, kv := range x {
			writeEntry(&inner, keyText(kv.Key), kv.Value, indent+"  ")
		}
		s := inner.String()
		b.WriteString(indent + "- " + strings.TrimPrefix(s, indent+"  "))
	case []any:
		b.WriteString(indent + "- " + payFlowList(x) + "\n")
	default:
		b.WriteString(indent + "- " + scalar(v, false) + "\n")
	}
}

// flat reports whether a mapping holds only scalars (and is short enough
// for one line).
func flat(m yaml.MapSlice) bool {
	n := 0
	for _, kv := range m {
		switch kv.Value.(type) {
		case yaml.MapSlice, []any:
			return false
		}
		n += len(yamlString(kv.Value)) + len(keyText(kv.Key))
	}
	return n <= 120
}

func payFlowMap(m yaml.MapSlice) string {
	parts := make([]string, len(m))
	for i, kv := range m {
		k := keyText(kv.Key)
		if !payPlainSafe(k, true) {
			k = scalar(kv.Key, true)
		}
		parts[i] = k + ": " + scalar(kv.Value, true)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func payFlowList(l []any) string {
	parts := make([]string, len(l))
	for i, v := range l {
		switch x := v.(type) {
		case yaml.MapSlice:
			parts[i] = payFlowMap(x)
		case []any:
			parts[i] = payFlowList(x)
		default:
			parts[i] = scalar(v, true)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

var (
	yamlDate      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	yamlSpecial   = regexp.MustCompile(`^(?i:true|false|null|~|[-+]?(\.inf|\.nan)|[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|0x[0-9a-f]+|0o[0-7]+)$`)
	yamlPlainOK   = regexp.MustCompile(`^[^-?:,\[\]{}#&*!|>'"%@` + "`" + `\s]`)
	yamlFlowChars = regexp.MustCompile(`[,\[\]{}]`)
)

// plainSafe reports whether s can be written without quotes and read back
// as the same string (inFlow: inside {…} or […]). Dates stay plain: the
// pay table reads effective_from as a string either way. yes, no, on and
// off are strings in the YAML our loaders read (goccy/go-yaml, YAML 1.2),
// and the examples write "on:" plain.
func payPlainSafe(s string, inFlow bool) bool {
	switch {
	case s == "", strings.TrimSpace(s) != s, yamlSpecial.MatchString(s) && !yamlDate.MatchString(s),
		!yamlPlainOK.MatchString(s), strings.Contains(s, ": "), strings.Contains(s, " #"),
		strings.HasSuffix(s, ":"), strings.ContainsAny(s, "\n\r\t\x00"),
		inFlow && yamlFlowChars.MatchString(s):
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\ufeff' {
			return false
		}
	}
	return true
}

func scalar(v any, inFlow bool) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if payPlainSafe(x, inFlow) {
			return x
		}
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int, int64, uint64, int32, uint32:
		return fmt.Sprint(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	out, err := yaml.MarshalWithOptions(v, yaml.Flow(true))
	if err != nil {
		return strconv.Quote(fmt.Sprint(v))
	}
	return strings.TrimSpace(string(out))
}
