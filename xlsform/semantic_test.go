package xlsform

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"canvass/forms"
)

var exprKeys = map[string]bool{"x-relevant": true, "x-constraint": true, "x-calculate": true, "x-required-if": true, "x-choice-filter": true}

// semanticDiff compares two form definitions as forms: the same fields in
// the same display order with the same types, formats, widgets, labels,
// choices, requirements and personal-data marks (through forms.Load), and
// per field the same schema keywords, expressions compared as parsed trees.
// It returns "" when they are the same form.
func semanticDiff(t *testing.T, a, b []byte) string {
	t.Helper()
	fa, da := forms.Load("a.form.json", a)
	fb, db := forms.Load("b.form.json", b)
	if fa == nil || fb == nil {
		return fmt.Sprintf("a form does not load: %v %v", da, db)
	}
	if fa.ID() != fb.ID() || fa.Title("zh") != fb.Title("zh") || fa.Title("en") != fb.Title("en") {
		return fmt.Sprintf("id/title: %s %q %q vs %s %q %q", fa.ID(), fa.Title("zh"), fa.Title("en"), fb.ID(), fb.Title("zh"), fb.Title("en"))
	}
	if d := fieldsDiff(fa.Fields(), fb.Fields()); d != "" {
		return d
	}
	va, _ := parseOrdered(a)
	vb, _ := parseOrdered(b)
	ka, kb := map[string]*object{}, map[string]*object{}
	collectFields(va.(*object), ka)
	collectFields(vb.(*object), kb)
	for k, oa := range ka {
		ob := kb[k]
		if ob == nil {
			return "field " + k + " is missing"
		}
		keys := slices.Concat(oa.keys, ob.keys)
		for _, kw := range keys {
			switch kw {
			case "x-order", "x-widget", "properties", "items", "required", "x-choices", "x-label", "x-hint", "title", "readOnly", "$comment":
				continue // compared through forms.Load, or display only
			}
			x, y := oa.get(kw), ob.get(kw)
			if exprKeys[kw] {
				xs, _ := x.(string)
				ys, _ := y.(string)
				if !sameRules(xs, ys) {
					return fmt.Sprintf("field %s: %s %q vs %q", k, kw, xs, ys)
				}
				continue
			}
			mx, _ := marshal(x)
			my, _ := marshal(y)
			if string(mx) != string(my) {
				return fmt.Sprintf("field %s: %s %s vs %s", k, kw, mx, my)
			}
		}
	}
	return ""
}

func collectFields(o *object, out map[string]*object) {
	props := o.obj("properties")
	if props == nil {
		return
	}
	for _, k := range props.keys {
		fo := props.obj(k)
		out[k] = fo
		collectFields(fo, out)
		if it := fo.obj("items"); it != nil {
			collectFields(it, out)
		}
	}
}

func fieldsDiff(a, b []*forms.Field) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d fields vs %d: %v vs %v", len(a), len(b), keysOf(a), keysOf(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		describe := func(f *forms.Field) string {
			var cs []string
			for _, c := range f.Choices() {
				cs = append(cs, fmt.Sprintf("%v=%s/%s%v", c.Value(), c.Label("zh"), c.Label("en"), c.Extra()))
			}
			return fmt.Sprintf("%s type=%s/%s format=%s widget=%s label=%s/%s hint=%s/%s req=%v reqIf=%v rel=%v ro=%v pii=%s choices=%s",
				f.Key(), f.Type(), f.ItemType(), f.Format(), f.Widget(), f.Label("zh"), f.Label("en"), f.Hint("zh"), f.Hint("en"),
				f.Required(), f.RequiredIf(), f.Conditional(), f.ReadOnly(), f.PII(), strings.Join(cs, ","))
		}
		if dx, dy := describe(x), describe(y); dx != dy {
			return "field differs:\n  " + dx + "\n  " + dy
		}
		if d := fieldsDiff(x.Children(), y.Children()); d != "" {
			return d
		}
	}
	return ""
}

func keysOf(fs []*forms.Field) []string {
	var ks []string
	for _, f := range fs {
		ks = append(ks, f.Key())
	}
	return ks
}
