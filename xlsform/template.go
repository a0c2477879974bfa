package xlsform

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// Template writes the blank workbook offices start from: the sheets 问卷,
// 选项 and 设置 with Chinese headers and a few example rows, and a 说明
// (instructions) sheet that Import ignores.
func Template(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheets := []struct {
		name string
		rows [][]string
	}{
		{"问卷", [][]string{
			{"类型", "名称", "标题", "标题::English (en)", "提示", "必填", "显示条件", "校验", "校验提示", "计算", "选项筛选", "外观", "默认值", "只读", "重复次数", "个人信息", "其他约束"},
			{"text", "fullName", "姓名", "Name", "", "yes", "", "string-length(.) >= 2", "姓名至少两个字", "", "", "", "", "", "", "name", ""},
			{"resident_id", "idNumber", "公民身份号码", "Resident ID number", "18 位，最后一位可为 X", "yes", "", "", "", "", "", "", "", "", "", "id-number", ""},
			{"integer", "years", "周岁", "Age", "", "", "", "", "", "age(${idNumber}, today())", "", "", "", "", "", "", ""},
			{"mobile", "phone", "手机号码", "Mobile number", "", "", "", "", "", "", "", "", "", "", "", "phone", ""},
			{"select_one sex", "sex", "性别", "Sex", "", "yes", "", "", "", "", "", "", "", "", "", "", ""},
			{"begin repeat", "children", "子女情况", "Children", "", "", "${years} >= 15", "", "", "", "", "", "", "", "", "", `{"maxItems": 15}`},
			{"date", "childBirthDate", "出生日期", "Date of birth", "", "yes", "", ". <= today()", "出生日期不能晚于调查时点", "", "", "", "", "", "", "", ""},
			{"end repeat", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
			{"integer", "childCount", "子女数", "Number of children", "", "", "", "", "", "count(${children})", "", "", "", "", "", "", ""},
		}},
		{"选项", [][]string{
			{"列表名", "值", "标题", "标题::English (en)"},
			{"sex", "male", "男", "Male"},
			{"sex", "female", "女", "Female"},
		}},
		{"设置", [][]string{
			{"表单标题", "表单标题::English (en)", "表单标识", "默认语言", "版本"},
			{"示例登记表", "Sample register", "sample-register", "zh", "1"},
		}},
		{"说明", [][]string{
			{"填写说明 / Instructions"},
			{"本工作簿按 XLSForm 规范编写，也可用 ODK、KoboToolbox 的 XLSForm 文件直接导入。/ This workbook follows the XLSForm specification; ODK and KoboToolbox XLSForm files import as they are."},
			{"问卷（survey）：每行一道题。类型见下；名称由字母、数字和 _ 组成，以字母开头，全表不能重复。"},
			{"题型：text 文字 · integer 整数 · decimal 小数 · date 日期 · datetime 日期时间 · time 时间 · select_one 列表名 单选 · select_multiple 列表名 多选 · select_one 列表名 or_other 单选加「其他」· note 说明文字 · calculate 计算 · acknowledge 确认 · hidden 隐藏 · yes_no 是否 · resident_id 身份证号码 · mobile 手机号码 · org_unit 行政区划代码 · begin group / end group 分组 · begin repeat / end repeat 重复组"},
			{"必填：yes 或条件表达式。显示条件、校验、计算、选项筛选写 XLSForm 表达式：${名称} 引用题目，. 指本题，and / or / not()，+ - * div mod，today() 是活动的调查时点。"},
			{"可用函数：selected() count-selected() string-length() regex() if() coalesce() concat() contains() starts-with() int() round() today() date() decimal-date-time() position(..) sum() count()，以及 Canvass 的 age() idSex() daysBetween() 等。"},
			{"个人信息：id-number（身份证号）、phone（电话）、name（姓名），这些答案会加密保存并在导出时打码。"},
			{"其他约束：JSON，例如 {\"minimum\": 0, \"maximum\": 120}。不要合并单元格，不要用公式，名称和符号请用半角。"},
			{"选项（choices）：列表名、值、标题；其他列可供选项筛选使用。设置（settings）：表单标题、表单标识（小写字母、数字、-、_）、默认语言、版本。"},
			{"详见 docs/xlsform.md。/ See docs/xlsform.md for the full mapping."},
		}},
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		for r, row := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			rr := row
			if err := f.SetSheetRow(s.name, cell, &rr); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth("说明", "A", "A", 120); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}
