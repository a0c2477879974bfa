package xlsform

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"canvass/forms"
	"canvass/rules"
	"canvass/xlsform/xlsformtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

type sheet = xlsformtest.Sheet

var stdChoices = sheet{Name: "choices", Rows: [][]string{
	{"list_name", "name", "label::中文 (zh)", "label::English (en)", "county"},
	{"yn", "yes", "是", "Yes", ""},
	{"yn", "no", "否", "No", ""},
	{"reasons", "work", "务工", "Work", ""},
	{"reasons", "study", "上学", "Study", ""},
	{"county", "c1", "东县", "East County", ""},
	{"county", "c2", "西县", "West County", ""},
	{"town", "t1", "甲镇", "Town A", "c1"},
	{"town", "t2", "乙镇", "Town B", "c2"},
}}

// corpus is the test workbooks: together they use every supported type,
// column and function. Each has its expected form in
// testdata/corpus/NAME.form.json.
var corpus = []struct {
	name   string
	sheets []sheet
}{
	{"types", []sheet{{Name: "survey", Rows: [][]string{
		{"type", "name", "label", "pii"},
		{"text", "fullName", "姓名", "name"},
		{"integer", "persons", "人数", ""},
		{"decimal", "income", "收入（万元）", ""},
		{"date", "visitDate", "走访日期", ""},
		{"datetime", "visitAt", "走访时间", ""},
		{"time", "startTime", "开始时刻", ""},
		{"select_one yn", "married", "是否已婚", ""},
		{"select_multiple reasons", "reasons", "外出原因", ""},
		{"select_one reasons or_other", "mainReason", "主要原因", ""},
		{"select_multiple reasons or_other", "allReasons", "全部原因", ""},
		{"note", "intro", "以下询问家庭情况", ""},
		{"calculate", "greeting", "", ""},
		{"acknowledge", "consent", "我同意参加调查", ""},
		{"hidden", "source", "", ""},
		{"yes_no", "hasPhone", "有无手机", ""},
		{"resident_id", "idNumber", "公民身份号码", "id-number"},
		{"mobile", "phone", "手机号码", "phone"},
		{"org_unit village", "village", "所在村居", ""},
		{"begin group", "address", "住址", ""},
		{"text", "street", "街道", ""},
		{"end group", "", "", ""},
		{"begin repeat", "members", "家庭成员", ""},
		{"text", "memberName", "成员姓名", "姓名"},
		{"integer", "memberAge", "成员年龄", ""},
		{"end repeat", "", "", ""},
		{"start", "started", "", ""},
	}}, stdChoices}},
	{"columns", []sheet{{Name: "survey", Rows: [][]string{
		{"type", "name", "label::zh", "label::en", "hint::中文 (zh)", "hint::English (en)", "required", "required_message::zh",
			"constraint", "constraint_message::zh", "constraint_message::en", "relevant", "calculation", "choice_filter",
			"appearance", "default", "read_only", "repeat_count", "parameters", "json_schema", "remarks"},
		{"integer", "age", "年龄", "Age", "周岁", "Completed years", "yes", "请填写年龄", ". >= 0 and . <= 120", "0 到 120", "0 to 120", "", "", "", "", "30", "", "", "", `{"maximum": 130}`, "核对户口本"},
		{"text", "notes", "备注", "Notes", "", "", "${age} > 60", "", "", "", "", "${age} != ''", "", "", "multiline", "无", "", "", "", "", ""},
		{"select_one county", "county", "县", "County", "", "", "", "", "", "", "", "", "", "", "minimal", "", "", "", "", "", ""},
		{"select_one town", "town", "镇", "Town", "", "", "", "", "", "", "", "", "", "county = ${county}", "", "", "", "", "", "", ""},
		{"integer", "doubled", "两倍", "Doubled", "", "", "", "", "", "", "", "", "${age} * 2", "", "", "", "", "", "", "", ""},
		{"text", "fixed", "固定", "Fixed", "", "", "", "", "", "", "", "", "", "", "", "甲", "yes", "", "", "", ""},
		{"begin repeat", "kids", "子女", "Children", "", "", "", "", "", "", "", "", "", "", "", "", "", "2", "", "", ""},
		{"text", "kidName", "姓名", "Name", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "max-pixels=1024", "", ""},
		{"end repeat", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"integer", "petCount", "宠物数", "Pets", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"begin repeat", "pets", "宠物", "Pets", "", "", "", "", "", "", "", "", "", "", "", "", "", "${petCount}", "", "", ""},
		{"text", "petName", "名字", "Name", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"end repeat", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
	}}, stdChoices, {Name: "settings", Rows: [][]string{{"form_title", "form_title::English (en)", "form_id", "version", "default_language"}, {"列", "Columns", "columns-test", "2026120701", "zh"}}}}},
	{"required-message", []sheet{{Name: "survey", Rows: [][]string{
		{"type", "name", "label", "required", "required_message::中文 (zh)", "required_message::English (en)", "calculation"},
		{"text", "headName", "户主姓名", "yes", "请填写户主姓名", "Enter the head's name", ""},
		{"yes_no", "away", "是否外出", "", "", "", ""},
		{"text", "reason", "外出原因", "${away}", "外出的要写原因", "", ""},
		{"text", "remark", "备注", "", "这条提示没有用", "", ""},
		{"calculate", "twice", "", "yes", "计算题不填", "", "concat(${headName}, ${headName})"},
		{"begin repeat", "kids", "子女", "", "", "", ""},
		{"text", "kidName", "子女姓名", "true()", "请填写子女姓名", "Enter the child's name", ""},
		{"end repeat", "", "", "", "", "", ""},
	}}}},
	{"question-sheet", []sheet{{Name: "题目", Rows: [][]string{
		{"题型", "变量名", "题目", "提示", "必填", "必填提示", "校验", "校验提示", "计算", "只读"},
		{"integer", "persons", "家庭人口数", "含外出人员", "是", "请填写人口数", ". > 0", "至少 1 人", "", ""},
		{"integer", "doubled", "人口数的两倍", "", "", "", "", "", "${persons} * 2", "是"},
	}}}},
	{"english-default", []sheet{{Name: "survey", Rows: [][]string{
		{"type", "name", "label", "label::中文 (zh)", "label::Français (fr)"},
		{"text", "q1", "Question one", "问题一", "Question un"},
	}}, {Name: "settings", Rows: [][]string{{"form_title", "default_language"}, {"English first", "English (en)"}}}}},
	{"functions", []sheet{{Name: "survey", Rows: [][]string{
		{"type", "name", "label", "relevant", "constraint", "calculation"},
		{"text", "s", "文字", "", "regex(., '^[a-z]+$') and string-length(.) <= 10", ""},
		{"integer", "n", "数字", "", ". mod 2 = 0 and . div 2 < 50", ""},
		{"decimal", "x", "小数", "not(${n} = '')", "round(., 1) = . or int(.) >= 0", ""},
		{"date", "d", "日期", "", ". <= today() and . > date('2000-01-01')", ""},
		{"select_multiple reasons", "m", "多选", "", "count-selected(.) <= 2", ""},
		{"select_one yn", "yn", "单选", "selected(${m}, 'work') or selected(${m}, 'study')", "", ""},
		{"text", "t", "包含", "contains(${s}, 'ab') and starts-with(${s}, 'a')", "", ""},
		{"text", "joined", "拼接", "", "", "concat(${s}, '-', ${n})"},
		{"integer", "picked", "条件", "", "", "if(${n} > 5, 1, 0)"},
		{"decimal", "fallback", "缺省", "", "", "coalesce(${x}, 0) + 1 - 2 * 3"},
		{"integer", "epochDays", "天数", "", "", "decimal-date-time(${d})"},
		{"integer", "years", "周岁", "", "", "age(${d}, today())"},
		{"begin repeat", "rows", "行", "${n} > 0 and (${s} != '' or ${x} < -1)", "", ""},
		{"integer", "rowNo", "行号", "", "", "position(..)"},
		{"decimal", "amount", "金额", "", "", ""},
		{"end repeat", "", "", "", "", ""},
		{"decimal", "total", "合计", "", "", "sum(${amount})"},
		{"integer", "rowCount", "行数", "", "", "count(${rows})"},
		{"yes_no", "ok", "正常", "true() and not(false())", "", ""},
		{"text", "raw", "原样", "", "expr: len(raw ?? '') < 5", ""},
	}}, stdChoices}},
	{"chinese", []sheet{{Name: "问卷", Rows: [][]string{
		{"类型", "名称", "标题", "标题::English (en)", "必填", "显示条件", "个人信息"},
		{"text", "name", "姓名", "Name", "是", "", "姓名"},
		{"select_one yn", "agree", "是否同意", "Agree", "", "${name} != ''", ""},
	}}, {Name: "选项", Rows: [][]string{{"列表名", "值", "标题"}, {"yn", "y", "是"}, {"yn", "n", "否"}}},
		{Name: "设置", Rows: [][]string{{"表单标题", "表单标识"}, {"中文表头", "chinese-headers"}}},
		{Name: "说明", Rows: [][]string{{"这张表不导入"}}}}},
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./xlsform -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestCorpus imports every corpus workbook, compares the form with its
// golden file and the warnings with theirs, checks that the form loads
// without errors (what canvass lint runs), and that import → export →
// import gives the identical form.
func TestCorpus(t *testing.T) {
	for _, c := range corpus {
		t.Run(c.name, func(t *testing.T) {
			wb := xlsformtest.Workbook(t, c.sheets...)
			res, err := Import(bytes.NewReader(wb), Options{Filename: c.name + ".xlsx"})
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			golden(t, filepath.Join("testdata", "corpus", c.name+".form.json"), res.JSON)
			golden(t, filepath.Join("testdata", "corpus", c.name+".warnings.txt"), problemsText(res.Warnings))
			if _, diags := forms.Load(c.name+".form.json", res.JSON); hasError(diags) {
				t.Errorf("the form does not lint: %v", diags)
			}
			var out bytes.Buffer
			if err := Export(res.JSON, &out); err != nil {
				t.Fatalf("export: %v", err)
			}
			again, err := Import(&out, Options{Filename: c.name + ".xlsx"})
			if err != nil {
				t.Fatalf("import of the export: %v", err)
			}
			if !bytes.Equal(again.JSON, res.JSON) {
				t.Errorf("import → export → import differs:\n%s\n---\n%s", again.JSON, res.JSON)
			}
		})
	}
}

func hasError(diags []rules.Diagnostic) bool { return rules.HasErrors(diags) }

func problemsText(ps []Problem) []byte {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// TestTemplate: the template imports without errors and round-trips.
func TestTemplate(t *testing.T) {
	var b bytes.Buffer
	if err := Template(&b); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != "问卷,选项,设置,说明" {
		t.Errorf("sheets: %v", got)
	}
	head, _ := f.GetRows("问卷")
	if head[0][0] != "类型" || head[0][1] != "名称" {
		t.Errorf("the survey headers are not Chinese: %v", head[0])
	}
	res, err := Import(bytes.NewReader(b.Bytes()), Options{})
	if err != nil {
		t.Fatalf("the template does not import: %v", err)
	}
	if len(res.Warnings) != 0 || res.Form.ID() != "sample-register" || res.Form.Field("children") == nil {
		t.Errorf("template: %v %s", res.Warnings, res.JSON)
	}
}
