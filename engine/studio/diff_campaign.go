package studio

import (
	"fmt"
	"strconv"
	"strings"

	"canvass/engine"
)

// Campaign changes: the basics by name, what it binds by title, spot
// checks in percent, budget lines, indicators, reports and scheduled
// tasks by their key and title.
const (
	ChangeCampaignTitle    = "campaign.title"
	ChangeCampaignScope    = "campaign.org_scope"
	ChangeCampaignRefTime  = "campaign.reference_time"
	ChangeCampaignOpens    = "campaign.opens"
	ChangeCampaignCloses   = "campaign.closes"
	ChangeCampaignPeriod   = "campaign.period"
	ChangeCampaignForms    = "campaign.forms"
	ChangeCampaignWorkflow = "campaign.workflow"
	ChangeCampaignPayTable = "campaign.paytable"
	ChangeQCShare          = "qc.share"
	ChangeQCMin            = "qc.min"
	ChangeBudgetInput      = "budget.input"
	ChangeBudgetLine       = "budget.line"
	ChangePartAdded        = "part.added"   // an indicator, report, scheduled task or budget line
	ChangePartRemoved      = "part.removed" // the same, deleted
	ChangePartTitle        = "part.title"   // the same, renamed
	ChangeIndicatorTarget  = "indicator.target"
)

func (d *differ) campaign(a, b *node) {
	if ta, tb := textOf(a.get("title")), textOf(b.get("title")); ta != tb {
		na, nb := named(ta, "—"), named(tb, "—")
		d.add(ChangeCampaignTitle, "/title", fmt.Sprintf("工作项目名称由「%s」改为「%s」", na.zh, nb.zh),
			fmt.Sprintf("Campaign title changed from %q to %q", na.en, nb.en))
	}
	if sa, sb := a.getString("org_scope"), b.getString("org_scope"); sa != sb {
		d.add(ChangeCampaignScope, "/org_scope", fmt.Sprintf("范围由「%s」改为「%s」", d.unit(sa), d.unit(sb)),
			fmt.Sprintf("Scope changed from %q to %q", d.unit(sa), d.unit(sb)))
	}
	dates := []struct{ key, kind, zh, en string }{
		{"reference_time", ChangeCampaignRefTime, "标准时点", "Reference time"},
		{"opens", ChangeCampaignOpens, "开始日期", "Opening date"},
		{"closes", ChangeCampaignCloses, "截止日期", "Closing date"},
	}
	for _, dt := range dates {
		va, vb := textValue(a.get(dt.key)), textValue(b.get(dt.key))
		if va == vb {
			continue
		}
		d.add(dt.kind, "/"+dt.key, fmt.Sprintf("%s由 %s 改为 %s", dt.zh, orNone(dateText(va, "zh"), "zh"), orNone(dateText(vb, "zh"), "zh")),
			fmt.Sprintf("%s changed from %s to %s", dt.en, orNone(dateText(va, "en"), "en"), orNone(dateText(vb, "en"), "en")))
	}
	if pa, pb := a.getString("period"), b.getString("period"); pa != pb {
		d.add(ChangeCampaignPeriod, "/period", fmt.Sprintf("统计周期由%s改为%s", orNone(word(periodNames, pa, "zh"), "zh"), orNone(word(periodNames, pb, "zh"), "zh")),
			fmt.Sprintf("Reporting period changed from %s to %s", orNone(word(periodNames, pa, "en"), "en"), orNone(word(periodNames, pb, "en"), "en")))
	}
	fa, fb := listOf(a.get("forms")), listOf(b.get("forms"))
	for _, id := range fb {
		if !containsString(fa, id) {
			t := d.title(engine.KindForm, id)
			d.add(ChangeCampaignForms, "/forms", fmt.Sprintf("新增表单「%s」", t), fmt.Sprintf("Added form %q", t))
		}
	}
	for _, id := range fa {
		if !containsString(fb, id) {
			t := d.title(engine.KindForm, id)
			d.add(ChangeCampaignForms, "/forms", fmt.Sprintf("不再使用表单「%s」", t), fmt.Sprintf("Form %q is no longer used", t))
		}
	}
	refs := []struct{ key, kind, defKind, zh, en string }{
		{"workflow", ChangeCampaignWorkflow, engine.KindWorkflow, "审核流程", "Workflow"},
		{"paytable", ChangeCampaignPayTable, engine.KindPayTable, "劳务报酬表", "Pay table"},
	}
	for _, r := range refs {
		va, vb := a.getString(r.key), b.getString(r.key)
		if va == vb {
			continue
		}
		name := func(id, lang string) string {
			if id == "" {
				return inLang(lang, "（无）", "(none)")
			}
			t := d.title(r.defKind, id)
			return inLang(lang, "「"+t+"」", strconv.Quote(t))
		}
		d.add(r.kind, "/"+r.key, fmt.Sprintf("%s由%s改为%s", r.zh, name(va, "zh"), name(vb, "zh")),
			fmt.Sprintf("%s changed from %s to %s", r.en, name(va, "en"), name(vb, "en")))
	}
	d.qc(a.get("qc"), b.get("qc"))
	d.budget(a.get("budget"), b.get("budget"))
	d.parts("/indicators", "id", phrase{"指标", "Indicator"}, a.get("indicators"), b.get("indicators"))
	d.parts("/reports", "id", phrase{"定期报表", "Report"}, a.get("reports"), b.get("reports"))
	d.parts("/schedule", "name", phrase{"定时任务", "Scheduled task"}, a.get("schedule"), b.get("schedule"))
	d.rest("", "", phrase{"工作项目的", "Campaign: "}, a, b, "id", "title", "org_scope", "reference_time", "opens", "closes", "period",
		"forms", "workflow", "paytable", "qc", "budget", "indicators", "reports", "schedule")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (d *differ) qc(a, b *node) {
	pre := phrase{"抽查", "Spot checks: "}
	if sa, sb := a.get("share"), b.get("share"); !equalNodes(sa, sb) {
		share := func(n *node, lang string) string {
			if n == nil {
				return inLang(lang, "不抽查", "none")
			}
			return percentText(n)
		}
		d.add(ChangeQCShare, "/qc/share", fmt.Sprintf("抽查比例由 %s 改为 %s", share(sa, "zh"), share(sb, "zh")),
			fmt.Sprintf("Spot-check share changed from %s to %s", share(sa, "en"), share(sb, "en")))
	}
	if ma, mb := a.get("min"), b.get("min"); !equalNodes(ma, mb) {
		d.add(ChangeQCMin, "/qc/min", fmt.Sprintf("每人至少抽查数由 %s 改为 %s", valueText(orNull(ma), "zh"), valueText(orNull(mb), "zh")),
			fmt.Sprintf("Minimum spot checks per person changed from %s to %s", valueText(orNull(ma), "en"), valueText(orNull(mb), "en")))
	}
	d.rest("/qc", "qc", pre, orEmpty(a), orEmpty(b), "share", "min")
}

func orEmpty(n *node) *node {
	if n == nil {
		return objNode()
	}
	return n
}

func (d *differ) budget(a, b *node) {
	a, b = orEmpty(a), orEmpty(b)
	ia, ib := orEmpty(a.get("inputs")), orEmpty(b.get("inputs"))
	for _, k := range unionKeys(ia, ib) {
		va, vb := ia.get(k), ib.get(k)
		if equalNodes(va, vb) {
			continue
		}
		d.add(ChangeBudgetInput, "/budget/inputs/"+escapePointer(k), fmt.Sprintf("预算参数「%s」由 %s 改为 %s", k, valueText(va, "zh"), valueText(vb, "zh")),
			fmt.Sprintf("Budget input %q changed from %s to %s", k, valueText(va, "en"), valueText(vb, "en")))
	}
	keys, am, bm, at, bt := keyedList(a.get("lines"), b.get("lines"), "key")
	for _, k := range keys {
		la, lb := am[k], bm[k]
		switch {
		case la == nil:
			n := named(textOf(lb.get("label")), k)
			d.add(ChangePartAdded, fmt.Sprintf("/budget/lines/%d", bt[k]), fmt.Sprintf("新增预算项目「%s」", n.zh), fmt.Sprintf("Added budget line %q", n.en))
		case lb == nil:
			n := named(textOf(la.get("label")), k)
			d.add(ChangePartRemoved, fmt.Sprintf("/budget/lines/%d", at[k]), fmt.Sprintf("删除预算项目「%s」", n.zh), fmt.Sprintf("Deleted budget line %q", n.en))
		default:
			n := named(textOf(lb.get("label")), k)
			path := fmt.Sprintf("/budget/lines/%d", bt[k])
			if ea, eb := textValue(la.get("amount")), textValue(lb.get("amount")); ea != eb {
				d.add(ChangeBudgetLine, path+"/amount", fmt.Sprintf("预算项目「%s」的金额公式由 %s 改为 %s", n.zh, ea, eb),
					fmt.Sprintf("Budget line %q: amount changed from %s to %s", n.en, ea, eb))
			}
			d.rest(path, "", phrase{"预算项目「" + n.zh + "」的", fmt.Sprintf("Budget line %q: ", n.en)}, la, lb, "key", "amount")
		}
	}
	d.rest("/budget", "budget", phrase{"预算的", "Budget: "}, a, b, "inputs", "lines")
}

// parts compares a list of named parts (indicators, reports, scheduled
// tasks): added, deleted, and each kept one's changes by key path.
func (d *differ) parts(path, idKey string, what phrase, a, b *node) {
	keys, am, bm, at, bt := keyedList(a, b, idKey)
	for _, k := range keys {
		pa, pb := am[k], bm[k]
		switch {
		case pa == nil:
			n := named(textOf(pb.get("title")), k)
			d.add(ChangePartAdded, fmt.Sprintf("%s/%d", path, bt[k]), fmt.Sprintf("新增%s「%s」", what.zh, n.zh), fmt.Sprintf("Added %s %q", strings.ToLower(what.en), n.en))
		case pb == nil:
			n := named(textOf(pa.get("title")), k)
			d.add(ChangePartRemoved, fmt.Sprintf("%s/%d", path, at[k]), fmt.Sprintf("删除%s「%s」", what.zh, n.zh), fmt.Sprintf("Deleted %s %q", strings.ToLower(what.en), n.en))
		default:
			p := fmt.Sprintf("%s/%d", path, bt[k])
			na, n := named(textOf(pa.get("title")), k), named(textOf(pb.get("title")), k)
			if na.zh != n.zh {
				d.add(ChangePartTitle, p+"/title", fmt.Sprintf("%s「%s」改名为「%s」", what.zh, na.zh, n.zh),
					fmt.Sprintf("%s %q renamed %q", what.en, na.en, n.en))
			}
			handled := []string{idKey}
			if na.zh != n.zh {
				handled = append(handled, "title")
			}
			if ta, tb := pa.get("target"), pb.get("target"); path == "/indicators" && !equalNodes(ta, tb) {
				d.add(ChangeIndicatorTarget, p+"/target", fmt.Sprintf("指标「%s」的目标值由 %s 改为 %s", n.zh, valueText(ta, "zh"), valueText(tb, "zh")),
					fmt.Sprintf("Indicator %q: target changed from %s to %s", n.en, valueText(ta, "en"), valueText(tb, "en")))
				handled = append(handled, "target")
			}
			d.rest(p, "", phrase{what.zh + "「" + n.zh + "」的", fmt.Sprintf("%s %q: ", what.en, n.en)}, pa, pb, handled...)
		}
	}
}
