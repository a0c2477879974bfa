package xlsform

import (
	"strings"
)

// Column names, as XLSForm spells them, with the Chinese headers the
// template uses and other spellings people write.
var surveyAliases = map[string]string{
	"type": "type", "类型": "type", "题型": "type",
	"name": "name", "名称": "name", "变量名": "name", "字段名": "name",
	"label": "label", "标题": "label", "题目": "label",
	"hint": "hint", "提示": "hint",
	"required": "required", "必填": "required",
	"required_message": "required_message", "必填提示": "required_message",
	"constraint": "constraint", "校验": "constraint", "约束": "constraint",
	"constraint_message": "constraint_message", "校验提示": "constraint_message", "约束提示": "constraint_message",
	"relevant": "relevant", "显示条件": "relevant", "跳转条件": "relevant",
	"calculation": "calculation", "计算": "calculation",
	"choice_filter": "choice_filter", "选项筛选": "choice_filter",
	"appearance": "appearance", "外观": "appearance",
	"default": "default", "默认值": "default",
	"read_only": "read_only", "readonly": "read_only", "只读": "read_only",
	"repeat_count": "repeat_count", "重复次数": "repeat_count",
	"parameters": "parameters", "参数": "parameters",
	"pii": "pii", "个人信息": "pii",
	"json_schema": "json_schema", "其他约束": "json_schema",
}

var choiceAliases = map[string]string{
	"list_name": "list_name", "list name": "list_name", "列表名": "list_name", "选项列表": "list_name",
	"name": "name", "值": "name", "选项值": "name", "名称": "name",
	"label": "label", "标题": "label", "选项标题": "label",
}

var settingsAliases = map[string]string{
	"form_title": "form_title", "表单标题": "form_title", "问卷标题": "form_title",
	"form_id": "form_id", "表单标识": "form_id", "问卷标识": "form_id",
	"version": "version", "版本": "version",
	"default_language": "default_language", "默认语言": "default_language",
}

// translatable columns take ::language suffixes.
var translatable = map[string]bool{"label": true, "hint": true, "constraint_message": true, "required_message": true, "form_title": true}

// headerColumn is one recognised column of a sheet.
type headerColumn struct {
	col  string // canonical name
	lang string // "zh", "en", "" (the default language) or "?" (another language)
}

// parseHeader maps a header cell to a column: "label::English (en)" is
// label in en. ok is false for a column the sheet does not know.
func parseHeader(h string, aliases map[string]string) (headerColumn, bool) {
	h = strings.TrimSpace(h)
	base, lang, hasLang := strings.Cut(h, "::")
	col, ok := aliases[strings.ToLower(strings.TrimSpace(base))]
	if !ok {
		return headerColumn{}, false
	}
	if !hasLang {
		return headerColumn{col: col}, true
	}
	if !translatable[col] {
		return headerColumn{}, false
	}
	return headerColumn{col: col, lang: languageCode(lang)}, true
}

// languageCode reads "中文 (zh)", "English (en)", "zh-CN", "en" and the like.
func languageCode(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.LastIndexByte(s, '('); i >= 0 && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[i+1 : len(s)-1])
	}
	switch {
	case strings.HasPrefix(s, "zh"), strings.Contains(s, "中文"), strings.Contains(s, "chinese"), strings.Contains(s, "汉语"):
		return "zh"
	case strings.HasPrefix(s, "en"), strings.Contains(s, "英文"), strings.Contains(s, "英语"):
		return "en"
	}
	return "?"
}

// sheetColumns indexes a sheet's header: canonical column (with
// "::zh"/"::en" for translations) → 0-based index. Unknown columns are
// returned separately.
func sheetColumns(header []string, aliases map[string]string, defaultLang string) (map[string]int, []int, []int) {
	idx := map[string]int{}
	var unknown, foreignLang []int
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			continue
		}
		hc, ok := parseHeader(h, aliases)
		if !ok {
			unknown = append(unknown, i)
			continue
		}
		key := hc.col
		switch hc.lang {
		case "":
			if translatable[hc.col] {
				key = hc.col + "::" + defaultLang
				if _, dup := idx[key]; dup {
					continue // an explicit language column wins
				}
			}
		case "?":
			foreignLang = append(foreignLang, i)
			continue
		default:
			key = hc.col + "::" + hc.lang
		}
		idx[key] = i
	}
	return idx, unknown, foreignLang
}
