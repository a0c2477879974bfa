package xlsform

import (
	"bytes"
	"strings"
	"testing"

	"canvass/xlsform/xlsformtest"
)

// TestDocsExample imports the worked example of docs/xlsform.md and checks
// what the page says about it.
func TestDocsExample(t *testing.T) {
	survey := sheet{Name: "问卷", Rows: [][]string{
		{"类型", "名称", "标题", "必填", "显示条件", "校验", "校验提示", "计算", "个人信息"},
		{"text", "personName", "姓名", "yes", "", "string-length(.) >= 2", "姓名至少两个字", "", "姓名"},
		{"resident_id", "idNumber", "公民身份号码", "yes", "", "", "", "", "身份证号"},
		{"integer", "years", "周岁", "", "", "", "", "age(${idNumber}, today())", ""},
		{"select_one status", "status", "现状", "yes", "", "", "", "", ""},
		{"date", "leftOn", "离开户籍地日期", "yes", "${status} = 'away'", ". <= today()", "离开日期不能晚于调查时点", "", ""},
		{"integer", "daysAway", "离开天数", "", "${status} = 'away'", "", "", "daysBetween(${leftOn}, today())", ""},
		{"select_multiple reasons", "reasons", "外出原因（可多选）", "", "${daysAway} >= 30", "count-selected(.) <= 3", "最多选三项", "", ""},
		{"mobile", "phone", "联系电话", "", "", "", "", "", "电话"},
	}}
	choices := sheet{Name: "选项", Rows: [][]string{
		{"列表名", "值", "标题"},
		{"status", "home", "在户籍地居住"}, {"status", "away", "外出"},
		{"reasons", "work", "务工经商"}, {"reasons", "study", "上学"}, {"reasons", "family", "随迁家属"},
	}}
	settings := sheet{Name: "设置", Rows: [][]string{{"表单标题", "表单标识"}, {"流动人口核查表", "migrant-check"}}}
	res, err := Import(bytes.NewReader(xlsformtest.Workbook(t, survey, choices, settings)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"x-calculate": "age(idNumber, refTime)"`, `"x-relevant": "status == 'away'"`,
		`"x-constraint": "date(leftOn) <= refTime"`, `"x-relevant": "daysAway >= 30"`, `"x-constraint": "len(reasons ?? []) <= 3"`,
		`"x-pii": "name"`, `"x-pii": "id-number"`, `"x-pii": "phone"`, `"x-title": {"zh": "流动人口核查表"}`} {
		if !strings.Contains(string(res.JSON), want) {
			t.Errorf("the form lacks %s:\n%s", want, res.JSON)
		}
	}
	survey.Rows[4][0] = "select_one statu"
	_, err = Import(bytes.NewReader(xlsformtest.Workbook(t, survey, choices, settings)), Options{})
	if err == nil || !strings.Contains(err.Error(), "问卷!A5: error: 选项列表「statu」在选项表（choices）里不存在") {
		t.Errorf("a misspelt list: %v", err)
	}
	if xe, ok := err.(*Error); !ok || len(xe.Problems) == 0 ||
		xe.Problems[0].Sentence("zh") != "第 5 行「现状」（问卷!A5）：选项列表「statu」在选项表（choices）里不存在；请在选项表添加，或改正列表名" {
		t.Errorf("the page's sentence: %v", err)
	}
	// 必填提示 is what an empty 姓名 says.
	survey.Rows[4][0] = "select_one status"
	survey.Rows[0] = append(survey.Rows[0], "必填提示")
	survey.Rows[1] = append(survey.Rows[1], "请填写被核查人姓名")
	res, err = Import(bytes.NewReader(xlsformtest.Workbook(t, survey, choices, settings)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.JSON), `"x-required-message": {"zh": "请填写被核查人姓名"}`) {
		t.Errorf("the required message:\n%s", res.JSON)
	}
}
