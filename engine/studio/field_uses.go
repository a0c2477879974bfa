package studio

import (
	"fmt"
	"slices"
	"strings"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/paytables"
	"canvass/rules"
	"canvass/workflows"
)

// FieldReaders are the files of a campaign besides its forms, which may
// read a form's fields: the campaign (indicators, reports), its workflow
// (guards, routing rules, due expressions) and its pay table (items). Nil
// members read nothing. Spot checks and budget lines name forms and
// states, never fields, so deleting a field cannot break them.
type FieldReaders struct {
	Campaign *campaigns.Campaign
	Workflow *workflows.Workflow
	PayTable *paytables.PayTable
}

// FieldUses returns, as problems with code CodeReferencedElsewhere, every
// indicator, report, pay item, guard, routing rule and due expression of
// r that reads the field at ptr of doc or a field inside it (a section's,
// a repeat group's). Each names the reader by its title — 指标“…”, 审核
// 步骤“…”中“通过”的第 1 条分流规则 — and the field by its label, and says
// on which tab to change it first. The pointers say where each sits:
// /campaign/indicators/<id>, /campaign/reports/<id>, /paytable/items/<key>,
// /workflow/states/<state>/actions/<action>/guard, …/routes/<i>/when,
// /workflow/states/<state>/due. Empty when nothing reads them.
//
// A reference names a field by key or by path (forms.Form.Resolve); a
// workflow expression reads answers.<path>, and reading a section or
// group (answers.household) reads every field in it.
func FieldUses(doc *FormDoc, ptr string, r FieldReaders, lang string) []engine.FieldError {
	gone := deletedFields(doc.Outline(), ptr)
	if len(gone) == 0 {
		return nil
	}
	// reads names the field ref reads: the one it names, else the
	// section or group it reads inside of.
	reads := func(ref string) (label string, ok bool) {
		for _, g := range gone {
			if ref == g.key || ref == g.path {
				return g.label, true
			}
		}
		for _, g := range gone {
			if strings.HasPrefix(ref, g.path+".") {
				return g.label, true
			}
		}
		return "", false
	}
	form := doc.FormID()
	var out []engine.FieldError
	seen := map[string]bool{}
	add := func(pointer, tab, what string, refs []string) {
		// The longest reference first: answers.address.village names
		// 村（社区）, not the section 住址 it also reads.
		refs = slices.Clone(refs)
		slices.SortStableFunc(refs, func(a, b string) int { return len(b) - len(a) })
		for _, ref := range refs {
			label, ok := reads(ref)
			if !ok || seen[pointer] {
				continue
			}
			seen[pointer] = true
			out = append(out, engine.FieldError{Pointer: pointer, Code: CodeReferencedElsewhere,
				Message: Message(lang, CodeReferencedElsewhere, what, label, reason(lang, tab))})
		}
	}
	if c := r.Campaign; c != nil {
		for _, ind := range c.Indicators() {
			for _, t := range ind.Terms() {
				if len(t.Forms) > 0 && !slices.ContainsFunc(t.Forms, func(l rules.Literal) bool { return l.Value == form }) {
					continue
				}
				refs := []string{t.Field}
				for _, l := range t.Answers {
					refs = append(refs, l.Value)
				}
				add("/campaign/indicators/"+ind.ID, "tab_indicators", fmt.Sprintf(reason(lang, "used_indicator"), ind.Title.In(lang)), refs)
			}
		}
		for _, rp := range c.Reports() {
			if rp.Form == form && rp.PeriodField != "" {
				add("/campaign/reports/"+rp.ID, "tab_indicators", fmt.Sprintf(reason(lang, "used_report"), rp.Title.In(lang)), []string{rp.PeriodField})
			}
		}
	}
	if w := r.Workflow; w != nil {
		for _, rd := range w.AnswerReads() {
			step := w.StateTitle(rd.State, lang)
			base := "/workflow/states/" + rd.State
			switch rd.Part {
			case workflows.PartDue:
				add(base+"/due", "tab_workflow", fmt.Sprintf(reason(lang, "used_due"), step), rd.Paths)
			case workflows.PartGuard:
				add(base+"/actions/"+rd.Action+"/guard", "tab_workflow", fmt.Sprintf(reason(lang, "used_guard"), step, reason(lang, rd.Action)), rd.Paths)
			case workflows.PartRoute:
				add(fmt.Sprintf("%s/actions/%s/routes/%d/when", base, rd.Action, rd.Route), "tab_workflow",
					fmt.Sprintf(reason(lang, "used_route"), step, reason(lang, rd.Action), rd.Route+1), rd.Paths)
			}
		}
	}
	if pt := r.PayTable; pt != nil {
		for _, item := range pt.Items() {
			itemForm, answers := pt.ItemReads(item)
			if itemForm != "" && itemForm != form {
				continue
			}
			add("/paytable/items/"+item, "tab_pay", fmt.Sprintf(reason(lang, "used_pay"), pt.ItemLabel(item, lang)), answers)
		}
	}
	return out
}

// goneField is a field a delete removes: its key, its path from the
// answers' root, its label.
type goneField struct{ key, path, label string }

// deletedFields returns the field at ptr and every field inside it.
func deletedFields(outline []Field, ptr string) []goneField {
	var out []goneField
	var walk func(fs []Field, prefix string, in bool)
	walk = func(fs []Field, prefix string, in bool) {
		for _, f := range fs {
			path := prefix + f.Key
			here := in || f.Pointer == ptr
			if here {
				out = append(out, goneField{key: f.Key, path: path, label: f.Label})
			}
			walk(f.Children, path+".", here)
		}
	}
	walk(outline, "", false)
	return out
}

var fieldUseReasons = map[string][2]string{
	"used_indicator": {"指标“%s”", "indicator “%s”"},
	"used_report":    {"报表“%s”", "report “%s”"},
	"used_pay":       {"劳务报酬项目“%s”", "pay item “%s”"},
	"used_guard":     {"审核步骤“%s”中“%s”的前提条件", "the condition of “%[2]s” at review step “%[1]s”"},
	"used_route":     {"审核步骤“%s”中“%s”的第 %d 条分流规则", "routing rule %[3]d of “%[2]s” at review step “%[1]s”"},
	"used_due":       {"审核步骤“%s”的办理时限", "the time limit of review step “%s”"},
	"tab_indicators": {"指标与报表", "Indicators and reports"},
	"tab_workflow":   {"审核流程", "Review flow"},
	"tab_pay":        {"劳务报酬", "Pay"},
}

func init() {
	for k, v := range fieldUseReasons {
		reasons[k] = v
	}
}
