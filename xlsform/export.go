package xlsform

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"canvass/forms"
	"canvass/rules"
)

// Survey columns Export writes, in order; annotation columns follow.
var exportColumns = []string{"type", "name", "label::中文 (zh)", "label::English (en)", "hint::中文 (zh)", "hint::English (en)",
	"required", "required_message::中文 (zh)", "required_message::English (en)", "relevant", "constraint",
	"constraint_message::中文 (zh)", "constraint_message::English (en)", "calculation", "choice_filter",
	"appearance", "default", "read_only", "repeat_count", "parameters", "pii", "json_schema"}

// Export writes the form definition src (JSON) as an XLSForm workbook. The
// form must load without errors.
func Export(src []byte, w io.Writer) error {
	if _, diags := forms.Load("form.json", src); rules.HasErrors(diags) {
		return fmt.Errorf("the form has errors; run canvass lint on it first")
	}
	v, err := parseOrdered(src)
	if err != nil {
		return err
	}
	doc, ok := v.(*object)
	if !ok {
		return fmt.Errorf("a form is a JSON object")
	}
	ex := &exporter{fields: map[string]*fieldInfo{}, extraCols: map[string]int{}}
	ex.collect(doc, "")
	ex.walk(doc, "", false)
	return ex.write(doc, w)
}

type exporter struct {
	fields    map[string]*fieldInfo
	rows      []map[string]string
	choices   [][]string // list, value, zh, en, then extra keys by extraCols
	extraCols map[string]int
	extraKeys []string
	choiceCol []string
}

// collect records every field's kind for the expression translator.
func (ex *exporter) collect(o *object, repeat string) {
	props := o.obj("properties")
	if props == nil {
		return
	}
	for _, k := range props.keys {
		fo := props.obj(k)
		fi := &fieldInfo{key: k, kind: fo.str("type"), repeat: repeat}
		switch {
		case fi.kind == "object":
			fi.kind = "group"
			ex.collect(fo, repeat)
		case fi.kind == "array" && fo.obj("items") != nil && fo.obj("items").str("type") == "object":
			fi.kind = "repeat"
			ex.collect(fo.obj("items"), k)
		case fi.kind == "array":
			fi.kind = "multi"
		case fi.kind == "string" && fo.str("format") == "date":
			fi.kind = "date"
		}
		ex.fields[k] = fi
	}
}

func jsonInt(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}

// ordered returns o's properties in display order (x-order, then document order).
func ordered(o *object) []string {
	props := o.obj("properties")
	if props == nil {
		return nil
	}
	keys := slices.Clone(props.keys)
	slices.SortStableFunc(keys, func(a, b string) int {
		x, _ := jsonInt(props.obj(a).get("x-order"))
		y, _ := jsonInt(props.obj(b).get("x-order"))
		return cmp.Compare(x, y)
	})
	return keys
}

func (ex *exporter) walk(o *object, repeat string, _ bool) {
	req := map[string]bool{}
	if r, ok := o.get("required").([]any); ok {
		for _, k := range r {
			if s, ok := k.(string); ok {
				req[s] = true
			}
		}
	}
	for _, k := range ordered(o) {
		fo := o.obj("properties").obj(k)
		ex.field(k, fo, req[k])
	}
}

func (ex *exporter) text(row map[string]string, col string, v any) {
	t, ok := v.(*object)
	if !ok {
		return
	}
	if s := t.str("zh"); s != "" {
		row[col+"::中文 (zh)"] = s
	}
	if s := t.str("en"); s != "" {
		row[col+"::English (en)"] = s
	}
}

func (ex *exporter) field(key string, fo *object, required bool) {
	row := map[string]string{"name": key}
	rest := cloneObject(fo)
	take := func(k string) any { v := rest.get(k); rest.del(k); return v }
	info := ex.fields[key]
	cx := &exprContext{fields: ex.fields, self: info}
	typ, _ := take("type").(string)
	format, _ := rest.get("format").(string)
	calc, _ := take("x-calculate").(string)
	widget, _ := take("x-widget").(string)
	take("x-order")
	readOnly, _ := rest.get("readOnly").(bool)
	ex.text(row, "label", take("x-label"))
	if t, ok := take("title").(string); ok && row["label::中文 (zh)"] == "" {
		row["label::中文 (zh)"] = t
	} else if ok {
		rest.set("title", t)
	}
	ex.text(row, "hint", take("x-hint"))
	ex.text(row, "constraint_message", take("x-constraint-message"))
	ex.text(row, "required_message", take("x-required-message"))
	if required {
		row["required"] = "yes"
	}
	if s, ok := take("x-required-if").(string); ok {
		row["required"] = toXPath(s, cx)
	}
	for kw, col := range map[string]string{"x-relevant": "relevant", "x-constraint": "constraint"} {
		if s, ok := take(kw).(string); ok {
			row[col] = toXPath(s, cx)
		}
	}
	if s, ok := take("x-choice-filter").(string); ok {
		row["choice_filter"] = toXPath(s, &exprContext{fields: ex.fields, self: info, choices: true})
	}
	if calc != "" {
		row["calculation"] = toXPath(calc, cx)
	}
	if p, ok := take("x-pii").(string); ok {
		row["pii"] = p
	}
	if c, ok := take("$comment").(string); ok {
		if rest2, ok := strings.CutPrefix(c, annotationPrefix); ok {
			if v, err := parseOrdered([]byte(rest2)); err == nil {
				if n, ok := v.(*object); ok {
					for _, k := range n.keys {
						switch val := n.vals[k].(type) {
						case string:
							row[k] = val
							if k != "appearance" && k != "parameters" && k != "org_unit" && !slices.Contains(ex.extraKeys, k) {
								ex.extraKeys = append(ex.extraKeys, k)
							}
						case *object:
							if k == "required_message" {
								ex.text(row, k, val)
							}
						}
					}
				}
			}
		} else {
			rest.set("$comment", c)
		}
	}
	t := ""
	switch typ {
	case "object":
		t = "begin group"
		take("properties")
		reqs := take("required")
		row["type"] = t
		ex.finishRow(row, rest)
		o := newObject().set("properties", fo.get("properties"))
		if reqs != nil {
			o.set("required", reqs)
		}
		ex.walk(o, "", false)
		ex.rows = append(ex.rows, map[string]string{"type": "end group"})
		return
	case "array":
		items := take("items").(*object)
		if items.str("type") == "object" {
			row["type"] = "begin repeat"
			mn, ok1 := jsonInt(rest.get("minItems"))
			mx, ok2 := jsonInt(rest.get("maxItems"))
			if ok1 && ok2 && mn == mx {
				row["repeat_count"] = fmt.Sprint(mn)
				take("minItems")
				take("maxItems")
			}
			ex.finishRow(row, rest)
			ex.walk(items, key, false)
			ex.rows = append(ex.rows, map[string]string{"type": "end repeat"})
			return
		}
		t = "select_multiple " + key
		ex.list(key, take("x-choices"))
		if it := items.str("type"); it != "string" {
			rest.set("items", items) // integer or number choices
		}
	case "boolean":
		if c, ok := rest.get("const").(bool); ok && c {
			take("const")
			t = "acknowledge"
		} else {
			t = "yes_no"
		}
	case "integer", "number":
		t = map[string]string{"integer": "integer", "number": "decimal"}[typ]
		if cs := rest.get("x-choices"); cs != nil {
			rest.set("type", typ) // a numeric choice field: keep the schema
		}
	case "string":
		switch {
		case rest.get("x-choices") != nil:
			t = "select_one " + key
			ex.list(key, take("x-choices"))
			if widget == forms.WidgetSelect || widget == "" {
				row["appearance"] = cmp.Or(row["appearance"], "minimal")
			}
			widget = ""
		case format == "date":
			t = "date"
		case format == "date-time":
			t = "datetime"
		case format == "time":
			t = "time"
		case format == forms.FormatResidentID:
			t = "resident_id"
		case format == forms.FormatMobile:
			t = "mobile"
		case format == forms.FormatAdminCode:
			t = "org_unit"
			if lvl := row["org_unit"]; lvl != "" {
				t += " " + lvl
			}
		case calc != "":
			t = "calculate"
		case readOnly && rest.get("default") != nil && fo.get("x-label") == nil:
			t = "hidden"
			take("readOnly")
			if d, _ := rest.get("default").(string); d == "" {
				take("default")
			}
		case readOnly && rest.get("default") == nil:
			t = "note"
			take("readOnly")
		default:
			t = "text"
		}
		if t != "text" && t != "calculate" && t != "hidden" && t != "note" && !strings.HasPrefix(t, "select_one") {
			take("format")
		}
	}
	delete(row, "org_unit")
	if widget == forms.WidgetTextarea {
		row["appearance"] = "multiline"
	}
	if calc != "" {
		take("readOnly")
	}
	if d := rest.get("default"); d != nil {
		switch v := d.(type) {
		case string:
			row["default"] = v
		case json.Number:
			row["default"] = v.String()
		case bool:
			row["default"] = map[bool]string{true: "yes", false: "no"}[v]
		case []any:
			var parts []string
			for _, p := range v {
				parts = append(parts, fmt.Sprint(p))
			}
			row["default"] = strings.Join(parts, " ")
		}
		take("default")
	}
	if ro, ok := rest.get("readOnly").(bool); ok && ro {
		row["read_only"] = "yes"
		take("readOnly")
	}
	row["type"] = t
	ex.finishRow(row, rest)
}

func (ex *exporter) finishRow(row map[string]string, rest *object) {
	if len(rest.keys) > 0 {
		b, _ := marshal(rest)
		row["json_schema"] = string(b)
	}
	ex.rows = append(ex.rows, row)
}

func (ex *exporter) list(name string, v any) {
	cs, _ := v.([]any)
	for _, c := range cs {
		co, ok := c.(*object)
		if !ok {
			continue
		}
		rec := []string{name, fmt.Sprint(co.get("value")), "", ""}
		if l := co.obj("label"); l != nil {
			rec[2], rec[3] = l.str("zh"), l.str("en")
		}
		for _, k := range co.keys {
			if k == "value" || k == "label" {
				continue
			}
			i, ok := ex.extraCols[k]
			if !ok {
				i = len(ex.choiceCol)
				ex.extraCols[k] = i
				ex.choiceCol = append(ex.choiceCol, k)
			}
			for len(rec) < 4+i+1 {
				rec = append(rec, "")
			}
			rec[4+i] = fmt.Sprint(co.get(k))
		}
		ex.choices = append(ex.choices, rec)
	}
}

func (ex *exporter) write(doc *object, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "survey"); err != nil {
		return err
	}
	cols := append(slices.Clone(exportColumns), ex.extraKeys...)
	// Leave out columns no row uses, but keep the essentials.
	used := map[string]bool{"type": true, "name": true, "label::中文 (zh)": true, "label::English (en)": true}
	for _, r := range ex.rows {
		for k, v := range r {
			if v != "" {
				used[k] = true
			}
		}
	}
	var header []string
	for _, c := range cols {
		if used[c] {
			header = append(header, c)
		}
	}
	sw, err := f.NewStreamWriter("survey")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", toAny(header)); err != nil {
		return err
	}
	for i, r := range ex.rows {
		rec := make([]string, len(header))
		for j, c := range header {
			rec[j] = r[c]
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, toAny(rec)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet("choices"); err != nil {
		return err
	}
	ch := append([]string{"list_name", "name", "label::中文 (zh)", "label::English (en)"}, ex.choiceCol...)
	if err := f.SetSheetRow("choices", "A1", &ch); err != nil {
		return err
	}
	for i, rec := range ex.choices {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		r := rec
		if err := f.SetSheetRow("choices", cell, &r); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet("settings"); err != nil {
		return err
	}
	settings := []string{"form_id", "form_title::中文 (zh)", "form_title::English (en)", "default_language"}
	vals := []string{doc.str("x-form-id"), "", "", "zh"}
	if t := doc.obj("x-title"); t != nil {
		vals[1], vals[2] = t.str("zh"), t.str("en")
	} else if s := doc.str("title"); s != "" {
		vals[1] = s
	}
	if c, ok := strings.CutPrefix(doc.str("$comment"), annotationPrefix); ok {
		if v, err := parseOrdered([]byte(c)); err == nil {
			if n, ok := v.(*object); ok && n.str("version") != "" {
				settings = append(settings, "version")
				vals = append(vals, n.str("version"))
			}
		}
	}
	if err := f.SetSheetRow("settings", "A1", &settings); err != nil {
		return err
	}
	if err := f.SetSheetRow("settings", "A2", &vals); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
