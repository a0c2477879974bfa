package studio

import (
	"fmt"
	"strconv"

	"canvass/engine"
)

// Pay-table changes: items are matched by key and named by their label,
// amounts shown in yuan; caps are matched by role and period.
const (
	ChangePayTitle     = "paytable.title"
	ChangePayEffective = "paytable.effective_from"
	ChangePayPeriod    = "paytable.period"
	ChangeItemAdded    = "item.added"
	ChangeItemRemoved  = "item.removed"
	ChangeItemLabel    = "item.label"
	ChangeItemAmount   = "item.amount"
	ChangeItemEvent    = "item.on"
	ChangeItemPayee    = "item.pays"
	ChangeItemRole     = "item.role"
	ChangeItemForm     = "item.form"
	ChangeItemWhen     = "item.when"
	ChangeItemWithheld = "item.withheld_on"
	ChangeItemOrder    = "item.order"
	ChangeCapAdded     = "cap.added"
	ChangeCapRemoved   = "cap.removed"
	ChangeCapMax       = "cap.max"
)

var eventNames = map[string]phrase{
	"record.submitted": {"记录提交", "record submitted"}, "record.approved": {"审核通过一级", "record approved at a step"},
	"record.accepted": {"记录通过", "record accepted"}, "record.entered": {"已录入", "record entered"},
	"qc.pass": {"抽查通过", "spot check passed"}, "qc.problem": {"抽查发现问题", "spot check found a problem"},
	"attendance.day": {"出勤一天", "a day of attendance"},
}

var capPeriods = map[string]phrase{"month": {"每月", "month"}, "quarter": {"每季度", "quarter"}, "year": {"每年", "year"}}

var payeeNames = map[string]phrase{
	"creator": {"填报人", "the record's creator"}, "actor": {"办理人", "the person acting"},
}

func (d *differ) payTable(a, b *node) {
	if ta, tb := textOf(a.get("title")), textOf(b.get("title")); ta != tb {
		na, nb := named(ta, "—"), named(tb, "—")
		d.add(ChangePayTitle, "/title", fmt.Sprintf("劳务报酬表名称由「%s」改为「%s」", na.zh, nb.zh),
			fmt.Sprintf("Pay table title changed from %q to %q", na.en, nb.en))
	}
	if ea, eb := textValue(a.get("effective_from")), textValue(b.get("effective_from")); ea != eb {
		d.add(ChangePayEffective, "/effective_from", fmt.Sprintf("生效日期由 %s 改为 %s", orNone(dateText(ea, "zh"), "zh"), orNone(dateText(eb, "zh"), "zh")),
			fmt.Sprintf("Effective date changed from %s to %s", orNone(dateText(ea, "en"), "en"), orNone(dateText(eb, "en"), "en")))
	}
	if pa, pb := a.getString("period"), b.getString("period"); pa != pb {
		d.add(ChangePayPeriod, "/period", fmt.Sprintf("结算周期由%s改为%s", word(periodNames, pa, "zh"), word(periodNames, pb, "zh")),
			fmt.Sprintf("Pay period changed from %s to %s", word(periodNames, pa, "en"), word(periodNames, pb, "en")))
	}
	d.rest("", "", phrase{"劳务报酬表的", "Pay table: "}, a, b, "title", "effective_from", "period", "items", "caps")
	keys, am, bm, at, bt := keyedList(a.get("items"), b.get("items"), "key")
	var keptA, keptB []string
	for _, k := range keys {
		ia, ib := am[k], bm[k]
		switch {
		case ia == nil:
			n := named(textOf(ib.get("label")), k)
			d.add(ChangeItemAdded, fmt.Sprintf("/items/%d", bt[k]), fmt.Sprintf("新增劳务项目「%s」（%s）", n.zh, amountText(ib, "zh")),
				fmt.Sprintf("Added pay item %q (%s)", n.en, amountText(ib, "en")))
		case ib == nil:
			n := named(textOf(ia.get("label")), k)
			d.add(ChangeItemRemoved, fmt.Sprintf("/items/%d", at[k]), fmt.Sprintf("删除劳务项目「%s」", n.zh), fmt.Sprintf("Deleted pay item %q", n.en))
		default:
			d.payItem(fmt.Sprintf("/items/%d", bt[k]), k, ia, ib)
		}
	}
	for _, k := range keys {
		if am[k] != nil && bm[k] != nil {
			keptB = append(keptB, k)
		}
	}
	for k := range at {
		if bm[k] != nil {
			keptA = append(keptA, k)
		}
	}
	sortByPos(keptA, at)
	if !equalStrings(keptA, keptB) {
		d.add(ChangeItemOrder, "/items", "劳务项目的顺序已调整", "The order of the pay items changed")
	}
	d.caps(a.get("caps"), b.get("caps"))
}

func sortByPos(keys []string, pos map[string]int) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && pos[keys[j]] < pos[keys[j-1]]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// amountText is what an item pays: 每条 50.00 元, or its formula.
func amountText(n *node, lang string) string {
	if amt := n.get("amount"); amt != nil {
		per := inLang(lang, "每条 ", "")
		if n.getString("on") == "attendance.day" {
			per = inLang(lang, "每天 ", "")
		}
		return per + yuanText(amt, lang)
	}
	if e := n.getString("amount_expr"); e != "" {
		return inLang(lang, "金额按公式 "+e, "amount by the formula "+e)
	}
	return inLang(lang, "无金额", "no amount")
}

func (d *differ) payItem(path, key string, a, b *node) {
	la, lb := named(textOf(a.get("label")), key), named(textOf(b.get("label")), key)
	if la.zh != lb.zh {
		d.add(ChangeItemLabel, path+"/label", fmt.Sprintf("劳务项目「%s」改名为「%s」", la.zh, lb.zh), fmt.Sprintf("Pay item %q renamed %q", la.en, lb.en))
	} else if la.en != lb.en {
		d.add(ChangeItemLabel, path+"/label/en", fmt.Sprintf("劳务项目「%s」的英文名称由 %s 改为 %s", lb.zh, quoted(la.en, "zh"), quoted(lb.en, "zh")),
			fmt.Sprintf("Pay item %q: English name changed from %q to %q", lb.zh, la.en, lb.en))
	}
	it := phrase{"劳务项目「" + lb.zh + "」", fmt.Sprintf("Pay item %q: ", lb.en)}
	if !equalNodes(a.get("amount"), b.get("amount")) || a.getString("amount_expr") != b.getString("amount_expr") {
		if a.get("amount") != nil && b.get("amount") != nil {
			d.add(ChangeItemAmount, path+"/amount", fmt.Sprintf("%s金额由 %s改为 %s", it.zh, yuanText(a.get("amount"), "zh"), yuanText(b.get("amount"), "zh")),
				fmt.Sprintf("%samount changed from %s to %s", it.en, yuanText(a.get("amount"), "en"), yuanText(b.get("amount"), "en")))
		} else {
			d.add(ChangeItemAmount, path+"/amount", fmt.Sprintf("%s由%s改为%s", it.zh, amountText(a, "zh"), amountText(b, "zh")),
				fmt.Sprintf("%s%s, was %s", it.en, amountText(b, "en"), amountText(a, "en")))
		}
	}
	words := func(kind, key string, table map[string]phrase, zh, en string) {
		va, vb := a.getString(key), b.getString(key)
		if va == vb {
			return
		}
		d.add(kind, path+"/"+key, fmt.Sprintf("%s的%s由「%s」改为「%s」", it.zh, zh, orNone(word(table, va, "zh"), "zh"), orNone(word(table, vb, "zh"), "zh")),
			fmt.Sprintf("%s%s changed from %s to %s", it.en, en, orNone(word(table, va, "en"), "en"), orNone(word(table, vb, "en"), "en")))
	}
	words(ChangeItemEvent, "on", eventNames, "计酬事件", "paying event")
	words(ChangeItemPayee, "pays", payeeNames, "支付对象", "payee")
	words(ChangeItemRole, "role", roleNames, "角色", "role")
	if fa, fb := a.getString("form"), b.getString("form"); fa != fb {
		form := func(id, lang string) string {
			if id == "" {
				return inLang(lang, "所有表单", "every form")
			}
			t := d.title(engine.KindForm, id)
			return inLang(lang, "「"+t+"」", strconv.Quote(t))
		}
		d.add(ChangeItemForm, path+"/form", fmt.Sprintf("%s的适用表单由%s改为%s", it.zh, form(fa, "zh"), form(fb, "zh")),
			fmt.Sprintf("%sform changed from %s to %s", it.en, form(fa, "en"), form(fb, "en")))
	}
	if wa, wb := a.getString("when"), b.getString("when"); wa != wb {
		d.rule(ChangeItemWhen, path+"/when", phrase{it.zh + "的", it.en}, phrase{"计酬条件", "condition"}, exprText(wa, "zh"), exprText(wb, "zh"), exprText(wa, "en"), exprText(wb, "en"))
	}
	if wa, wb := a.getString("withheld_on"), b.getString("withheld_on"); wa != wb {
		switch {
		case wb == "":
			d.add(ChangeItemWithheld, path+"/withheld_on", fmt.Sprintf("%s不再因%s扣发", it.zh, word(eventNames, wa, "zh")),
				fmt.Sprintf("%sno longer withheld on %s", it.en, word(eventNames, wa, "en")))
		default:
			d.add(ChangeItemWithheld, path+"/withheld_on", fmt.Sprintf("%s改为%s则扣发", it.zh, word(eventNames, wb, "zh")),
				fmt.Sprintf("%snow withheld on %s", it.en, word(eventNames, wb, "en")))
		}
	}
	d.rest(path, "", phrase{it.zh + "的", it.en}, a, b, "key", "label", "amount", "amount_expr", "on", "pays", "role", "form", "when", "withheld_on")
}

// caps compares the caps by role and period.
func (d *differ) caps(a, b *node) {
	capKey := func(n *node) string { return n.getString("role") + "/" + n.getString("period") }
	index := func(list *node) (map[string]*node, map[string]int, []string) {
		m, pos := map[string]*node{}, map[string]int{}
		var order []string
		if list == nil {
			return m, pos, nil
		}
		for i, it := range list.items {
			k := capKey(it)
			if _, dup := m[k]; !dup {
				m[k], pos[k] = it, i
				order = append(order, k)
			}
		}
		return m, pos, order
	}
	am, apos, aorder := index(a)
	bm, bpos, border := index(b)
	who := func(n *node, lang string) string {
		return inLang(lang, word(roleNames, n.getString("role"), lang)+"每人"+word(capPeriods, n.getString("period"), lang)+"上限",
			"cap per "+word(roleNames, n.getString("role"), lang)+" per "+word(capPeriods, n.getString("period"), lang))
	}
	for _, k := range border {
		cb := bm[k]
		path := fmt.Sprintf("/caps/%d", bpos[k])
		ca := am[k]
		if ca == nil {
			d.add(ChangeCapAdded, path, fmt.Sprintf("新增%s %s", who(cb, "zh"), yuanText(cb.get("max"), "zh")),
				fmt.Sprintf("Added %s of %s", who(cb, "en"), yuanText(cb.get("max"), "en")))
			continue
		}
		if !equalNodes(ca.get("max"), cb.get("max")) {
			d.add(ChangeCapMax, path+"/max", fmt.Sprintf("%s由 %s改为 %s", who(cb, "zh"), yuanText(ca.get("max"), "zh"), yuanText(cb.get("max"), "zh")),
				fmt.Sprintf("The %s changed from %s to %s", who(cb, "en"), yuanText(ca.get("max"), "en"), yuanText(cb.get("max"), "en")))
		}
		d.rest(path, "", phrase{who(cb, "zh") + "的", who(cb, "en") + ": "}, ca, cb, "role", "period", "max")
	}
	for _, k := range aorder {
		if bm[k] == nil {
			d.add(ChangeCapRemoved, fmt.Sprintf("/caps/%d", apos[k]), fmt.Sprintf("取消%s", who(am[k], "zh")), fmt.Sprintf("Removed the %s", who(am[k], "en")))
		}
	}
}
