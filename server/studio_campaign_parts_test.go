package server

import (
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/engine/studio"
)

var (
	idPattern       = regexp.MustCompile(` id="([^"]+)"`)
	labelForPattern = regexp.MustCompile(`<label for="([^"]+)"`)
	controlPattern  = regexp.MustCompile(`<(input|select|textarea) id="([^"]+)"[^>]*>`)
)

// publishFertilityExample publishes the fertility-survey example (spot
// checks that pay items depend on, a budget) scoped to ownUnit.
func (e *env) publishFertilityExample(author *engine.User) {
	e.t.Helper()
	dir := filepath.Join("..", "examples", "fertility-survey")
	for _, f := range []definitionFile{
		{engine.KindForm, "fertility-household", "fertility-household.form.json"},
		{engine.KindWorkflow, "fertility-review", "fertility-review.workflow.yaml"},
		{engine.KindPayTable, "fertility-survey-pay", "fertility-survey-pay.paytable.yaml"},
		{engine.KindCampaign, "fertility-survey-2026", "fertility-survey-2026.campaign.yaml"},
	} {
		src, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			e.t.Fatal(err)
		}
		src = []byte(strings.Replace(string(src), `org_scope: "341299"`, `org_scope: "`+ownUnit+`"`, 1))
		e.publishSource(author, f.kind, f.id, f.file, src)
	}
}

// TestStudioCampaignParts: the 抽查, 预算 and 指标与报表 tabs on the
// published fertility survey, as scenarios run in order against one
// server: each page, refusals in Chinese before anything is saved, saves
// as drafts, a stale page's conflict, and the check that then passes.
func TestStudioCampaignParts(t *testing.T) {
	e := newEnv(t, Config{})
	author := e.user("author", ownUnit, engine.RoleAuthor)
	e.user("neighbour", siblingUnit, engine.RoleAuthor)
	e.publishFertilityExample(author)

	type session struct{ cookie, csrf string }
	sessions := map[string]session{}
	for _, u := range []string{"author", "neighbour"} {
		c, x := e.pageSession(u)
		sessions[u] = session{c, x}
	}
	state := map[string]string{}
	fill := func(s string) string {
		for k, v := range state {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	const camp = "/studio/campaigns/fertility-survey-2026"
	qc := func(pct, min string) []string {
		return []string{"base", "{base}", "op", "qc-set", "qc_percent", pct, "qc_min", min, "qc_period", ""}
	}
	line := func(key, zh, unit string, factors ...string) []string {
		f := []string{"base", "{base}", "op", "line", "key", key, "line_label_zh", zh, "line_label_en", "", "line_unit", unit, "line_multiple", ""}
		for _, x := range factors {
			f = append(f, "line_factor", x)
		}
		return f
	}
	indicator := func(title, field, op, value, target string) []string {
		return []string{"base", "{base}", "op", "indicator", "key", "", "ind_title_zh", title, "ind_target", target, "ind_better", "higher", "ind_period", "",
			"num_kind", "count", "num_form", "fertility-household", "num_field", field, "num_op", op, "num_value", value, "num_states", "accepted",
			"den_kind", "count", "den_form", "fertility-household", "den_field", "", "den_op", "eq", "den_value", ""}
	}

	for _, sc := range []struct {
		name     string
		who      string
		method   string
		target   string
		form     []string
		status   int
		contains []string
		lacks    []string
		keepBase bool
		stale    bool // post with the base remembered before the last save
	}{
		{name: "抽查 shows the share as a percentage", who: "author", method: "GET", target: camp + "/qc", status: http.StatusOK, keepBase: true,
			contains: []string{"当前：每人抽查 5% 的记录，至少 1 份", `<label for="qc_percent-new">抽查比例（%）</label>`, `id="qc_remove"`, `aria-current="page">抽查</a>`,
				"劳务报酬表中依赖抽查结果的项目：“入户调查劳务补助”、“抽查无问题奖励”"}},
		{name: "a neighbour does not see it", who: "neighbour", method: "GET", target: camp + "/qc", status: http.StatusNotFound},
		{name: "0 % is refused", who: "author", method: "POST", target: camp + "/qc", form: qc("0", "1"), status: http.StatusUnprocessableEntity,
			contains: []string{"未保存：请改正标出的内容。", "抽查比例须大于 0、不超过 100", `aria-invalid="true"`, `value="0"`}},
		{name: "a negative minimum is refused", who: "author", method: "POST", target: camp + "/qc", form: qc("5", "-3"), status: http.StatusUnprocessableEntity,
			contains: []string{"每人至少抽查的份数须是 0 到 10000 之间的整数"}},
		{name: "removing spot checks pay depends on names the items", who: "author", method: "POST", target: camp + "/qc", form: []string{"base", "{base}", "op", "qc-remove"},
			status: http.StatusUnprocessableEntity, contains: []string{"劳务报酬表中的“入户调查劳务补助”、“抽查无问题奖励”依赖抽查结果，不能取消抽查"}},
		{name: "an unknown operation", who: "author", method: "POST", target: camp + "/qc", form: []string{"base", "{base}", "op", "drop"},
			status: http.StatusUnprocessableEntity, contains: []string{"无法识别的操作"}},
		{name: "10 %, at least 2, saved", who: "author", method: "POST", target: camp + "/qc", form: qc("10", "2"), status: http.StatusSeeOther},
		{name: "and shown", who: "author", method: "GET", target: camp + "/qc?saved=1", status: http.StatusOK, keepBase: true,
			contains: []string{"已保存为草稿。", "当前：每人抽查 10% 的记录，至少 2 份"}},
		{name: "a save from a stale page conflicts", who: "author", method: "POST", target: camp + "/qc", form: qc("7", "1"), stale: true,
			status: http.StatusConflict, contains: []string{"在您打开此页之后修改了这个文件"}},
		{name: "saving as shown changes nothing", who: "author", method: "POST", target: camp + "/qc", form: qc("10", "2"), status: http.StatusSeeOther},
		{name: "and says so", who: "author", method: "GET", target: camp + "/qc?unchanged=1", status: http.StatusOK, keepBase: true,
			contains: []string{"没有改动，文件保持原样。"}},

		{name: "预算 says each line in words and yuan", who: "author", method: "GET", target: camp + "/budget", status: http.StatusOK, keepBase: true,
			contains: []string{"入户慰问品：单价 60.00 元 × sample 300 = 18,000.00 元", "调查员劳务补助：单价 50.00 元 × surveyed（按记录统计）",
				`<label for="line_unit-new">单价（元）</label>`, `id="line_factor0-new"`, "按计划数合计 18,000.00 元，另加按记录统计的各项"}, lacks: []string{"fen(60)"}},
		{name: "a 10,000-character label is refused", who: "author", method: "POST", target: camp + "/budget", form: line("", strings.Repeat("长", 10000), "1"),
			status: http.StatusUnprocessableEntity, contains: []string{"内容太长，最多 100 个字"}},
		{name: "three decimals are refused", who: "author", method: "POST", target: camp + "/budget", form: line("", "横幅", "1.005"),
			status: http.StatusUnprocessableEntity, contains: []string{"“1.005”不是有效的金额"}},
		{name: "a factor that does not exist", who: "author", method: "POST", target: camp + "/budget", form: line("", "横幅", "1", "ghost"),
			status: http.StatusUnprocessableEntity, contains: []string{"没有名为“ghost”的计划数或统计数"}},
		{name: "a duplicate key", who: "author", method: "POST", target: camp + "/budget", form: append(line("", "横幅", "1"), "line_key", "gifts"),
			status: http.StatusUnprocessableEntity, contains: []string{"代码“gifts”已被使用"}},
		{name: "deleting an input lines use", who: "author", method: "POST", target: camp + "/budget", form: []string{"base", "{base}", "op", "delete-name", "key", "sample"},
			status: http.StatusUnprocessableEntity, contains: []string{"预算项“入户慰问品”用到了“sample”"}},
		{name: "label the input", who: "author", method: "POST", target: camp + "/budget",
			form: []string{"base", "{base}", "op", "input", "key", "sample", "input_label_zh", "样本户数", "input_label_en", "Sample households", "input_value", "300"}, status: http.StatusSeeOther},
		{name: "the line reads the label", who: "author", method: "GET", target: camp + "/budget", status: http.StatusOK, keepBase: true,
			contains: []string{"入户慰问品：单价 60.00 元 × 样本户数 300 = 18,000.00 元"}},
		{name: "add a line in yuan", who: "author", method: "POST", target: camp + "/budget", form: line("", "调查问卷印刷", "0.35", "sample"), status: http.StatusSeeOther},
		{name: "it is shown", who: "author", method: "GET", target: camp + "/budget?lang=en", status: http.StatusOK, keepBase: true,
			contains: []string{"调查问卷印刷: 0.35 yuan each × Sample households 300 = 105.00 yuan", "Budget lines"}},

		{name: "指标与报表 lists fields with their sections", who: "author", method: "GET", target: camp + "/indicators", status: http.StatusOK, keepBase: true,
			contains: []string{"还没有指标。", `<option value="care.elderCount">二、子女及养老状况 › 需照料的老人数</option>`,
				`<option value="care.children">二、子女及养老状况 › 子女情况（重复组）</option>`, `<label for="num_field-new">条件：字段</label>`}},
		{name: "a field that does not exist", who: "author", method: "POST", target: camp + "/indicators", form: indicator("照料老人户比例", "care.ghost", "gt", "0", "90"),
			status: http.StatusUnprocessableEntity, contains: []string{"找不到字段 care.ghost"}},
		{name: "a value that does not fit", who: "author", method: "POST", target: camp + "/indicators", form: indicator("照料老人户比例", "care.elderCount", "gt", "许多", "90"),
			status: http.StatusUnprocessableEntity, contains: []string{"条件的值“许多”不适合字段“二、子女及养老状况 › 需照料的老人数”"}},
		{name: "an empty title", who: "author", method: "POST", target: camp + "/indicators", form: indicator("", "", "eq", "", "90"),
			status: http.StatusUnprocessableEntity, contains: []string{"请填写中文标题"}},
		{name: "add an indicator, 90 %", who: "author", method: "POST", target: camp + "/indicators", form: indicator("照料老人户比例", "care.elderCount", "gt", "0", "90"), status: http.StatusSeeOther},
		{name: "it reads in words", who: "author", method: "GET", target: camp + "/indicators", status: http.StatusOK, keepBase: true,
			contains: []string{"照料老人户比例</strong>：目标 90%", "记录数，表单“人口监测基线调查问卷（已生育二孩及以上育龄妇女）”，二、子女及养老状况 › 需照料的老人数 大于 0，状态为已通过"}},
		{name: "add a monthly report", who: "author", method: "POST", target: camp + "/indicators",
			form: []string{"base", "{base}", "op", "report", "key", "", "rep_title_zh", "月度进度", "rep_title_en", "", "rep_form", "fertility-household", "rep_level", "township",
				"rep_period", "month", "rep_due", "5", "rep_before", "2", "rep_after", ""}, status: http.StatusSeeOther},
		{name: "the campaign checks clean", who: "author", method: "GET", target: camp + "/publish", status: http.StatusOK,
			contains: []string{"检查通过，可以发布 1 份草稿"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			s := sessions[sc.who]
			r := req{method: sc.method, target: fill(sc.target), cookies: pageAs(s.cookie)}
			if sc.method == "POST" {
				fields := append([]string{"_csrf", s.csrf}, sc.form...)
				for i := range fields {
					if sc.stale && fields[i] == "{base}" {
						fields[i] = state["oldbase"]
						continue
					}
					fields[i] = fill(fields[i])
				}
				r.header, r.body = formHeader, form(fields...)
			}
			res := e.do(r)
			if res.status != sc.status {
				t.Fatalf("status %d, want %d\n%s", res.status, sc.status, res.body)
			}
			body := html.UnescapeString(res.body)
			if sc.method == "GET" && res.status == http.StatusOK {
				seen := map[string]bool{}
				for _, m := range idPattern.FindAllStringSubmatch(res.body, -1) {
					if seen[m[1]] {
						t.Errorf("id %q appears twice on the page", m[1])
					}
					seen[m[1]] = true
				}
				labelled := map[string]bool{}
				for _, m := range labelForPattern.FindAllStringSubmatch(res.body, -1) {
					if !seen[m[1]] {
						t.Errorf("a label is for %q, which no element has", m[1])
					}
					labelled[m[1]] = true
				}
				for _, m := range controlPattern.FindAllStringSubmatch(res.body, -1) {
					if !strings.Contains(m[0], `type="hidden"`) && !labelled[m[2]] {
						t.Errorf("the control %q has no label", m[2])
					}
				}
			}
			for _, want := range sc.contains {
				if !strings.Contains(body, fill(want)) {
					t.Errorf("the page lacks %q\n%s", fill(want), body)
				}
			}
			for _, bad := range sc.lacks {
				if strings.Contains(body, fill(bad)) {
					t.Errorf("the page has %q", fill(bad))
				}
			}
			if sc.keepBase {
				m := basePattern.FindStringSubmatch(res.body)
				if m == nil {
					t.Fatal("the page carries no base")
				}
				state["oldbase"], state["base"] = state["base"], m[1]
			}
		})
	}
}

// TestIndicatorFieldGone: an indicator reading a field the form no longer
// has names it as gone, in the page's language.
func TestIndicatorFieldGone(t *testing.T) {
	d := &studioPartsData{Lang: "zh-CN", Fields: []studioFieldGroup{{Form: "f", Fields: []studio.IndicatorField{{Path: "care.elderCount", Label: "养老 › 老人数"}}}}}
	tests := []struct{ path, lang, want string }{
		{"care.elderCount", "zh-CN", "养老 › 老人数"},
		{"care.ghost", "zh-CN", "care.ghost（表单中已没有这个字段，请修改或删除本指标）"},
		{"care.ghost", "en", "care.ghost (no longer in the form: change or delete this indicator)"},
	}
	for _, tt := range tests {
		d.Lang = tt.lang
		if got := d.FieldLabel(tt.path); got != tt.want {
			t.Errorf("FieldLabel(%s, %s) = %q, want %q", tt.path, tt.lang, got, tt.want)
		}
	}
}
