package xlsform

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"canvass/forms"
	"canvass/rules"
)

// Options tune Import.
type Options struct {
	// ID is the form's x-form-id; it overrides settings!form_id. When both
	// are empty the file name (without extension) is used, if it is a valid ID.
	ID string
	// Filename names the workbook in messages and the form's file name
	// for forms.Load ("household.xlsx" → "household.form.json").
	Filename string
	// Title is the Chinese title when the workbook's settings give none
	// (the studio passes the title of the form being replaced); without
	// it the form ID stands in, as in pyxform.
	Title string
	// Limits; the zero value means DefaultLimits.
	Limits Limits
}

// Result is a converted form.
type Result struct {
	JSON     []byte // the form definition, indented
	Form     *forms.Form
	Warnings []Problem // problems that did not stop the import
}

// Sheet names, XLSForm's and Chinese.
var (
	surveyNames   = []string{"survey", "问卷", "题目"}
	choicesNames  = []string{"choices", "选项"}
	settingsNames = []string{"settings", "设置"}
)

// Import converts an XLSForm workbook to a form definition. On any error it
// returns a *Error listing every problem, warnings included, and no form.
func Import(r io.Reader, opt Options) (*Result, error) {
	lim := opt.Limits
	if lim.MaxBytes == 0 {
		lim = DefaultLimits
	}
	im := &importer{ps: &problems{}, opt: opt, fields: map[string]*fieldInfo{}, ptrRow: map[string]int{}}
	f := openWorkbook(r, lim, im.ps)
	if f == nil {
		return nil, im.fail()
	}
	defer f.Close()
	find := func(names []string) string {
		for _, s := range f.GetSheetList() {
			if slices.Contains(names, strings.ToLower(strings.TrimSpace(s))) {
				return s
			}
		}
		return ""
	}
	sn, cn, stn := find(surveyNames), find(choicesNames), find(settingsNames)
	if sn == "" {
		im.ps.errorf("", "", "missing_sheet", "工作簿缺少「survey」（问卷）工作表；请按模板添加", `the workbook has no "survey" sheet; add one as in the template`)
		return nil, im.fail()
	}
	if stn != "" {
		im.settings = readSheet(f, stn, 10, im.ps)
	}
	im.readSettings()
	im.survey = readSheet(f, sn, lim.MaxSurveyRows, im.ps)
	if cn != "" {
		im.choices = readSheet(f, cn, lim.MaxChoiceRows, im.ps)
	}
	if im.survey == nil {
		return nil, im.fail()
	}
	im.readChoices()
	im.readSurvey()
	if HasErrors(im.ps.list) {
		return nil, im.fail()
	}
	return im.finish()
}

// locate gives every problem on a survey or choices row its row number
// and the label of the question or choice there.
func (im *importer) locate() {
	for i := range im.ps.list {
		p := &im.ps.list[i]
		if p.Cell == "" {
			continue
		}
		_, row, err := excelize.CellNameToCoordinates(p.Cell)
		if err != nil {
			continue
		}
		p.Row = row
		var s *sheetData
		var idx map[string]int
		switch {
		case im.survey != nil && p.Sheet == im.survey.name:
			s, idx = im.survey, im.cols
		case im.choices != nil && p.Sheet == im.choices.name:
			s, idx = im.choices, im.choiceIdx
		default:
			continue
		}
		r := slices.Index(s.rowNums, row)
		if r < 0 || idx == nil {
			continue
		}
		get := func(col string) string {
			if j, ok := idx[col]; ok {
				return s.cell(r, j)
			}
			return ""
		}
		p.LabelZH = cmp.Or(get("label::zh"), get("label::en"), get("name"))
		p.LabelEN = cmp.Or(get("label::en"), get("label::zh"), get("name"))
	}
}

// fail returns the problems found, in order, as the import's error.
func (im *importer) fail() error {
	im.locate()
	sortProblems(im.ps.list)
	return &Error{Problems: im.ps.list}
}

type importer struct {
	ps       *problems
	opt      Options
	survey   *sheetData
	choices  *sheetData
	settings *sheetData
	lang     string // "zh" or "en": the language of unmarked label columns

	formID string
	title  map[string]string
	root   *object
	notes  map[string]string // root annotations

	lists     map[string][]*object
	listOrder []string
	listUsed  map[string]bool
	fields    map[string]*fieldInfo
	ptrRow    map[string]int // field schema pointer → survey data row
	cols      map[string]int
	choiceIdx map[string]int // the choices sheet's columns
	exprs     []pendingExpr
	calcTypes []*calcType
	broken    map[string]bool // names of rows that had errors: references to them are not errors again
}

type pendingExpr struct {
	obj     *object
	keyword string
	src     string
	row     int
	col     string
	self    *fieldInfo
	choices bool
}

// calcType is a `calculate` row, whose type Import works out.
type calcType struct {
	obj *object
	ptr string
	try int
}

var calcTypeOrder = []string{"string", "integer", "number", "boolean"}

var formIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

func (im *importer) readSettings() {
	im.lang = "zh"
	im.title = map[string]string{}
	im.notes = map[string]string{}
	s := im.settings
	if s == nil || len(s.rows) == 0 {
		return
	}
	// default_language first: it decides what an unmarked form_title is.
	idx, _, _ := sheetColumns(s.header, settingsAliases, "zh")
	if i, ok := idx["default_language"]; ok {
		if v := s.cell(0, i); v != "" {
			switch languageCode(v) {
			case "en":
				im.lang = "en"
			case "zh":
			default:
				im.ps.warnf(s.name, s.cellName(0, i), "language", fmt.Sprintf("默认语言「%s」不受支持，按中文处理", v),
					fmt.Sprintf("default language %q is not supported; Chinese is assumed", v))
			}
		}
	}
	idx, _, _ = sheetColumns(s.header, settingsAliases, im.lang)
	for _, l := range []string{"zh", "en"} {
		if i, ok := idx["form_title::"+l]; ok {
			im.title[l] = s.cell(0, i)
		}
	}
	if i, ok := idx["form_id"]; ok {
		if v := s.cell(0, i); v != "" {
			if !formIDPattern.MatchString(v) && im.opt.ID == "" {
				im.ps.errorf(s.name, s.cellName(0, i), "bad_form_id", fmt.Sprintf("表单标识「%s」只能用小写字母、数字、- 和 _，例如 household-survey", v),
					fmt.Sprintf("form_id %q may hold only lower-case letters, digits, '-' and '_', e.g. household-survey", v))
			}
			im.formID = v
		}
	}
	if i, ok := idx["version"]; ok && s.cell(0, i) != "" {
		im.notes["version"] = s.cell(0, i)
	}
	// Other settings (instance_name, style, submission_url…) have no
	// Canvass meaning: say which are ignored and what to use instead.
	_, unknown, foreign := sheetColumns(s.header, settingsAliases, im.lang)
	im.foreignColumns(s, foreign)
	for _, u := range unknown {
		v := s.cell(0, u)
		if v == "" {
			continue
		}
		h := strings.TrimSpace(s.header[u])
		zh, en := ignoredSettings[strings.ToLower(h)][0], ignoredSettings[strings.ToLower(h)][1]
		if zh == "" {
			zh, en = "Canvass 不使用这项设置", "Canvass has no such setting"
		}
		im.ps.warnf(s.name, s.cellName(0, u), "ignored_setting", fmt.Sprintf("设置「%s」（%s）已忽略：%s", h, v, zh),
			fmt.Sprintf("setting %s (%s) is ignored: %s", h, v, en))
	}
}

// ignoredSettings says what Canvass does instead of an XLSForm setting it
// ignores.
var ignoredSettings = map[string][2]string{
	"instance_name":           {"记录列表里显示哪些答案由表单的摘要字段（x-summary）决定", "which answers name a record in lists is the form's x-summary"},
	"style":                   {"Canvass 页面有自己的样式，每个分组各占一节", "Canvass pages have their own layout, one section per group"},
	"submission_url":          {"记录提交到 Canvass 本身", "records are submitted to Canvass itself"},
	"public_key":              {"个人信息由 Canvass 按 pii 列加密保存", "Canvass encrypts personal data marked in the pii column"},
	"allow_choice_duplicates": {"同一列表的选项值不能重复", "choice values are unique within a list"},
	"auto_send":               {"记录由填表人提交，离线时自动排队同步", "people submit records; offline ones are queued and synced"},
	"auto_delete":             {"记录由填表人提交，离线时自动排队同步", "people submit records; offline ones are queued and synced"},
	"namespaces":              {"Canvass 不使用 XML 命名空间", "Canvass does not use XML namespaces"},
	"clean_text_values":       {"Canvass 总是去掉答案首尾的空白", "Canvass always trims answers"},
}

func (im *importer) readChoices() {
	im.lists = map[string][]*object{}
	im.listUsed = map[string]bool{}
	s := im.choices
	if s == nil {
		return
	}
	idx, unknown, foreign := sheetColumns(s.header, choiceAliases, im.lang)
	im.choiceIdx = idx
	missing := false
	for _, need := range []string{"list_name", "name"} {
		if _, ok := idx[need]; !ok {
			missing = true
			im.ps.errorf(s.name, "", "missing_column", fmt.Sprintf("选项表缺少「%s」列；请按模板添加", need),
				fmt.Sprintf("the choices sheet lacks the %s column; add it as in the template", need))
		}
	}
	if missing {
		return
	}
	im.foreignColumns(s, foreign)
	seen := map[string]map[string]int{}
	for r := range s.rows {
		list, name := s.cell(r, idx["list_name"]), s.cell(r, idx["name"])
		if list == "" && name == "" {
			continue
		}
		if list == "" {
			im.ps.errorf(s.name, s.cellName(r, idx["list_name"]), "missing_value", "选项缺少列表名（list_name）", "the choice has no list_name")
			continue
		}
		if name == "" {
			im.ps.errorf(s.name, s.cellName(r, idx["name"]), "missing_value", "选项缺少值（name）", "the choice has no name (value)")
			continue
		}
		if seen[list] == nil {
			seen[list] = map[string]int{}
		}
		if first, dup := seen[list][name]; dup {
			im.ps.errorf(s.name, s.cellName(r, idx["name"]), "duplicate_choice",
				fmt.Sprintf("列表「%s」里的选项值「%s」与第 %d 行重复；同一列表的选项值不能重复", list, name, first),
				fmt.Sprintf("choice %q of list %s repeats row %d; values are unique within a list", name, list, first))
			continue
		}
		seen[list][name] = s.rowNums[r]
		c := newObject().set("value", name)
		if l := im.text(s, r, idx, "label"); l != nil {
			c.set("label", l)
		}
		for _, u := range unknown {
			if v := s.cell(r, u); v != "" {
				k := strings.TrimSpace(s.header[u])
				if !keyLike(k) {
					continue
				}
				c.set(k, v)
			}
		}
		if im.lists[list] == nil {
			im.listOrder = append(im.listOrder, list)
		}
		im.lists[list] = append(im.lists[list], c)
	}
	for _, u := range unknown {
		if k := strings.TrimSpace(s.header[u]); !keyLike(k) {
			cell, _ := excelize.CoordinatesToCellName(u+1, 1)
			im.ps.warnf(s.name, cell, "unknown_column", fmt.Sprintf("列「%s」不是选项筛选能用的名称（字母、数字、_），已忽略", k),
				fmt.Sprintf("column %q is not a name choice filters can use (letters, digits, '_'); it is ignored", k))
		}
	}
}

func (im *importer) foreignColumns(s *sheetData, cols []int) {
	for _, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		im.ps.warnf(s.name, cell, "language", fmt.Sprintf("列「%s」的语言不受支持（只支持中文和英文），已忽略", s.header[c]),
			fmt.Sprintf("column %q is in a language Canvass does not show (only Chinese and English); it is ignored", s.header[c]))
	}
}

// text reads a translatable column of row r as {"zh": …, "en": …}, or nil.
func (im *importer) text(s *sheetData, r int, idx map[string]int, col string) *object {
	t := newObject()
	for _, l := range []string{"zh", "en"} {
		if i, ok := idx[col+"::"+l]; ok {
			if v := s.cell(r, i); v != "" {
				t.set(l, v)
			}
		}
	}
	if len(t.keys) == 0 {
		return nil
	}
	return t
}

// container is an open group or repeat (or the form itself).
type container struct {
	schema *object // holds "properties" and "required"
	ptr    string  // its schema pointer
	info   *fieldInfo
	kind   string // "form", "group", "repeat"
	row    int
	name   string
}

func (c *container) props() *object {
	p := c.schema.obj("properties")
	if p == nil {
		p = newObject()
		c.schema.set("properties", p)
	}
	return p
}

func (c *container) require(key string) {
	req, _ := c.schema.get("required").([]any)
	c.schema.set("required", append(req, key))
}

var yesWords = map[string]bool{"yes": true, "true": true, "1": true, "true()": true, "是": true, "必填": true, "y": true}
var noWords = map[string]bool{"no": true, "false": true, "0": true, "false()": true, "否": true, "": true, "n": true}

// metadata types ODK records by itself; Canvass records them on every record.
var metadataTypes = map[string]bool{"start": true, "end": true, "today": true, "deviceid": true, "username": true,
	"simserial": true, "subscriberid": true, "phonenumber": true, "audit": true, "email": true, "start-geopoint": true}

var otherTypes = map[string][2]string{
	"geopoint":                  {"Canvass 不采集位置；请用 org_unit 题记录所在村居", "Canvass does not collect locations; record the village with an org_unit question"},
	"geotrace":                  {"Canvass 不采集位置", "Canvass does not collect locations"},
	"geoshape":                  {"Canvass 不采集位置", "Canvass does not collect locations"},
	"image":                     {"Canvass 表单暂不收图片", "Canvass forms do not take photos yet"},
	"audio":                     {"Canvass 表单暂不收录音", "Canvass forms do not take audio yet"},
	"video":                     {"Canvass 表单暂不收视频", "Canvass forms do not take video yet"},
	"file":                      {"Canvass 表单暂不收附件", "Canvass forms do not take files yet"},
	"barcode":                   {"请用 text 题", "use a text question"},
	"range":                     {"请用 integer 题，在 json_schema 列写 {\"minimum\":…,\"maximum\":…}", `use an integer question with {"minimum":…,"maximum":…} in the json_schema column`},
	"rank":                      {"请用几道 select_one 题", "use several select_one questions"},
	"select_one_from_file":      {"请把选项放进 choices 工作表", "put the choices on the choices sheet"},
	"select_multiple_from_file": {"请把选项放进 choices 工作表", "put the choices on the choices sheet"},
	"trigger":                   {"请用 acknowledge", "use acknowledge"},
}

func (im *importer) readSurvey() {
	s := im.survey
	if strings.TrimSpace(strings.Join(s.header, "")) == "" && len(s.rows) == 0 {
		im.ps.errorf(s.name, "", "empty_survey", "问卷表是空的；请按模板在第 1 行写表头（type、name、label），从第 2 行起每行写一道题",
			"the survey sheet is empty; write the header (type, name, label) in row 1 as in the template, then one question per row")
		return
	}
	idx, unknown, foreign := sheetColumns(s.header, surveyAliases, im.lang)
	im.cols = idx
	missing := false
	for _, need := range []string{"type", "name"} {
		if _, ok := idx[need]; !ok {
			missing = true
			im.ps.errorf(s.name, "", "missing_column", fmt.Sprintf("问卷表缺少「%s」列；请按模板添加", need),
				fmt.Sprintf("the survey sheet lacks the %s column; add it as in the template", need))
		}
	}
	if missing {
		return
	}
	im.foreignColumns(s, foreign)
	for _, u := range unknown {
		// At the first row that fills the column, so that people see a question they know.
		first, filled := -1, 0
		for r := range s.rows {
			if s.cell(r, u) != "" {
				filled++
				if first < 0 {
					first = r
				}
			}
		}
		h := strings.TrimSpace(s.header[u])
		if first < 0 {
			cell, _ := excelize.CoordinatesToCellName(u+1, 1)
			im.ps.warnf(s.name, cell, "unknown_column", fmt.Sprintf("列「%s」未识别，且没有内容，已忽略", h),
				fmt.Sprintf("column %q is not recognised and is empty; it is ignored", h))
			continue
		}
		more, moreEN := "", ""
		if filled > 1 {
			more, moreEN = fmt.Sprintf("（共 %d 行填了这一列）", filled), fmt.Sprintf(" (%d rows fill it)", filled)
		}
		im.ps.warnf(s.name, s.cellName(first, u), "unknown_column",
			fmt.Sprintf("列「%s」未识别，Canvass 不用它；内容作为备注保留，导出时写回%s", h, more),
			fmt.Sprintf("column %q is not recognised and Canvass does not use it; its cells are kept as notes and exported back%s", h, moreEN))
	}
	col := func(r int, c string) string {
		i, ok := idx[c]
		if !ok {
			return ""
		}
		return s.cell(r, i)
	}
	cellOf := func(r int, c string) string {
		i, ok := idx[c]
		if !ok && translatable[c] {
			// The column in the default language, else the first with text.
			if i, ok = idx[c+"::"+im.lang]; !ok || s.cell(r, i) == "" {
				for _, l := range []string{"zh", "en"} {
					if j, has := idx[c+"::"+l]; has && s.cell(r, j) != "" {
						i, ok = j, true
						break
					}
				}
			}
		}
		if !ok {
			i = idx["name"]
		}
		return s.cellName(r, i)
	}
	im.root = newObject()
	im.broken = map[string]bool{}
	stack := []*container{{schema: im.root, kind: "form"}}
	names := map[string]int{}

	for r := range s.rows {
		typ := strings.Join(strings.Fields(strings.ReplaceAll(col(r, "type"), "\u3000", " ")), " ")
		name := col(r, "name")
		if typ == "" {
			if name != "" {
				im.ps.errorf(s.name, cellOf(r, "type"), "missing_type", fmt.Sprintf("「%s」没有题型（type）；请填写，例如 text、integer、select_one 列表名", name),
					fmt.Sprintf("%s has no type; fill it in, e.g. text, integer or select_one LIST", name))
			}
			continue
		}
		words := strings.Fields(typ)
		base := strings.ToLower(words[0])
		if len(words) > 1 && (base == "begin" || base == "end") {
			base += "_" + strings.ToLower(words[1])
			words = append([]string{base}, words[2:]...)
		}
		top := stack[len(stack)-1]
		switch base {
		case "end_group", "end_repeat":
			want := strings.TrimPrefix(base, "end_")
			if top.kind != want {
				if top.kind == "form" {
					im.ps.errorf(s.name, cellOf(r, "type"), "unbalanced",
						fmt.Sprintf("「%s」前面没有对应的 begin %s", typ, want), fmt.Sprintf("%q has no matching begin %s", typ, want))
				} else {
					im.ps.errorf(s.name, cellOf(r, "type"), "unbalanced",
						fmt.Sprintf("「%s」与第 %d 行的 begin %s「%s」不配对", typ, s.rowNums[top.row], top.kind, top.name),
						fmt.Sprintf("%q does not match begin %s %s in row %d", typ, top.kind, top.name, s.rowNums[top.row]))
				}
				continue
			}
			stack = stack[:len(stack)-1]
			continue
		}

		if name == "" {
			im.ps.errorf(s.name, cellOf(r, "name"), "missing_name", "这一行没有名称（name）；请填写一个由字母、数字和 _ 组成的名称",
				"the row has no name; give it one of letters, digits and '_'")
			continue
		}
		if !im.checkName(r, name, cellOf(r, "name")) {
			continue
		}
		if first, dup := names[name]; dup {
			im.ps.errorf(s.name, cellOf(r, "name"), "duplicate_name", fmt.Sprintf("名称「%s」与第 %d 行重复；整张问卷（包括各组和重复组）的名称都不能重复", name, first),
				fmt.Sprintf("name %s repeats row %d; names are unique across the form, groups and repeats included", name, first))
			continue
		}
		names[name] = s.rowNums[r]

		fo := newObject()
		info := &fieldInfo{key: name}
		for _, c := range stack {
			if c.kind == "repeat" {
				info.repeat = c.info.key
			}
		}
		ok := im.fieldType(r, words, base, typ, fo, info, cellOf(r, "type"))
		if !ok {
			im.broken[name] = true
			continue
		}
		ptr := top.ptr + "/properties/" + name
		im.ptrRow[ptr] = r
		im.fields[name] = info

		if l := im.text(s, r, idx, "label"); l != nil {
			fo.set("x-label", l)
		}
		if h := im.text(s, r, idx, "hint"); h != nil {
			fo.set("x-hint", h)
		}
		im.columns(r, fo, info, col, cellOf, top)
		// Unknown columns and columns without a Canvass home are kept as notes.
		notes := newObject()
		for _, u := range unknown {
			if v := s.cell(r, u); v != "" {
				notes.set(strings.TrimSpace(s.header[u]), v)
			}
		}
		if v := col(r, "parameters"); v != "" {
			notes.set("parameters", v)
			im.ps.warnf(s.name, cellOf(r, "parameters"), "ignored_parameters", fmt.Sprintf("参数「%s」Canvass 不使用，作为备注保留，导出时写回", v),
				fmt.Sprintf("parameters %q are not used by Canvass; they are kept as a note and exported back", v))
		}
		if info.kind == "string" && fo.str("format") == forms.FormatAdminCode && len(words) > 1 {
			notes.set("org_unit", strings.Join(words[1:], " "))
		}
		if a := col(r, "appearance"); a != "" && !knownAppearance(a) {
			notes.set("appearance", a)
			im.ps.warnf(s.name, cellOf(r, "appearance"), "ignored_appearance", fmt.Sprintf("外观「%s」Canvass 不支持，按默认样式显示；原值作为备注保留，导出时写回", a),
				fmt.Sprintf("appearance %q is not supported; the question looks as usual, and the value is kept as a note and exported back", a))
		}
		if len(notes.keys) > 0 {
			b, _ := marshal(notes)
			fo.set("$comment", annotationPrefix+string(b))
		}
		top.props().set(name, fo)

		switch info.kind {
		case "group":
			stack = append(stack, &container{schema: fo, ptr: ptr, info: info, kind: "group", row: r, name: name})
		case "repeat":
			items := newObject().set("type", "object")
			fo.set("items", items)
			stack = append(stack, &container{schema: items, ptr: ptr + "/items", info: info, kind: "repeat", row: r, name: name})
		}
		if strings.EqualFold(words[len(words)-1], "or_other") && (base == "select_one" || base == "select_multiple") {
			im.orOther(r, name, info, fo, top, names)
		}
	}
	for i := len(stack) - 1; i > 0; i-- {
		c := stack[i]
		im.ps.errorf(s.name, cellOf(c.row, "type"), "unbalanced", fmt.Sprintf("第 %d 行的 begin %s「%s」没有对应的 end %s", s.rowNums[c.row], c.kind, c.name, c.kind),
			fmt.Sprintf("begin %s %s in row %d has no end %s", c.kind, c.name, s.rowNums[c.row], c.kind))
	}
	for _, list := range im.listOrder {
		if !im.listUsed[list] {
			im.ps.warnf(im.choices.name, "", "unused_list", fmt.Sprintf("选项列表「%s」没有题目使用", list), fmt.Sprintf("no question uses choice list %s", list))
		}
	}
	im.translateAll() // even after errors: every problem is reported at once
	if len(names) == 0 && !HasErrors(im.ps.list) {
		im.ps.errorf(s.name, "", "no_questions", "问卷表没有题目；请从第 2 行起每行写一道题（type、name、label）",
			"the survey sheet has no questions; write one per row from row 2 (type, name, label)")
	}
}

// annotationPrefix starts a $comment holding XLSForm cells Canvass has no
// home for, so that Export can write them back.
const annotationPrefix = "xlsform: "

func knownAppearance(a string) bool {
	switch strings.ToLower(a) {
	case "multiline", "minimal", "autocomplete", "search", "field-list":
		return true
	}
	return false
}

var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

func (im *importer) checkName(r int, name, cell string) bool {
	s := im.survey
	if namePattern.MatchString(name) {
		return true
	}
	narrow := width.Narrow.String(name)
	narrow = strings.NewReplacer("，", ",", "。", ".", "－", "-", "＿", "_").Replace(narrow)
	if narrow != name && namePattern.MatchString(narrow) {
		im.ps.errorf(s.name, cell, "full_width", fmt.Sprintf("名称「%s」里有全角字符；请改成半角：%s", name, narrow),
			fmt.Sprintf("name %q holds full-width characters; write it in ASCII: %s", name, narrow))
		return false
	}
	suggest := strings.Trim(regexp.MustCompile(`[^A-Za-z0-9_]+`).ReplaceAllString(narrow, "_"), "_")
	switch {
	case suggest == "":
		suggest = fmt.Sprintf("q%d", s.rowNums[r])
	case !(suggest[0] >= 'a' && suggest[0] <= 'z' || suggest[0] >= 'A' && suggest[0] <= 'Z'):
		suggest = "q_" + suggest
	}
	im.ps.errorf(s.name, cell, "bad_name", fmt.Sprintf("名称「%s」只能以字母开头，由字母、数字和 _ 组成（它是表达式里的变量名），例如 %s", name, suggest),
		fmt.Sprintf("name %q must start with a letter and hold only letters, digits and '_' (it is a variable in expressions), e.g. %s", name, suggest))
	return false
}

// fieldType sets the schema of a row's type; it reports false when the row
// is not a field (an error, or metadata that is skipped).
func (im *importer) fieldType(r int, words []string, base, typ string, fo *object, info *fieldInfo, cell string) bool {
	s := im.survey
	info.kind = "string"
	switch base {
	case "text":
		fo.set("type", "string")
	case "integer", "int":
		fo.set("type", "integer")
		info.kind = "integer"
	case "decimal":
		fo.set("type", "number")
		info.kind = "number"
	case "date":
		fo.set("type", "string").set("format", "date")
		info.kind = "date"
	case "datetime", "datetime_local":
		fo.set("type", "string").set("format", "date-time")
	case "time":
		fo.set("type", "string").set("format", "time")
	case "note":
		fo.set("type", "string").set("readOnly", true)
	case "hidden":
		fo.set("type", "string").set("readOnly", true).set("default", "")
	case "calculate":
		fo.set("type", "string")
		im.calcTypes = append(im.calcTypes, &calcType{obj: fo})
	case "acknowledge":
		fo.set("type", "boolean").set("const", true)
		info.kind = "boolean"
	case "yes_no", "boolean":
		fo.set("type", "boolean")
		info.kind = "boolean"
	case "resident_id":
		fo.set("type", "string").set("format", forms.FormatResidentID)
	case "mobile":
		fo.set("type", "string").set("format", forms.FormatMobile)
	case "org_unit":
		fo.set("type", "string").set("format", forms.FormatAdminCode)
	case "begin_group":
		fo.set("type", "object")
		info.kind = "group"
	case "begin_repeat":
		fo.set("type", "array")
		info.kind = "repeat"
	case "select_one", "select_multiple":
		if len(words) < 2 || strings.EqualFold(words[1], "or_other") {
			im.ps.errorf(s.name, cell, "missing_list", fmt.Sprintf("「%s」后面要写选项列表名，例如 %s yesno", base, base),
				fmt.Sprintf("%s needs a choice list name, e.g. %s yesno", base, base))
			return false
		}
		list := words[1]
		choices, ok := im.lists[list]
		if !ok {
			im.ps.errorf(s.name, cell, "undefined_list", fmt.Sprintf("选项列表「%s」在选项表（choices）里不存在；请在选项表添加，或改正列表名", list),
				fmt.Sprintf("choice list %s is not on the choices sheet; add it there or correct the name", list))
			return false
		}
		im.listUsed[list] = true
		cs := make([]any, len(choices))
		for i, c := range choices {
			cs[i] = cloneObject(c)
		}
		if base == "select_one" {
			fo.set("type", "string")
		} else {
			fo.set("type", "array").set("items", newObject().set("type", "string"))
			info.kind = "multi"
		}
		fo.set("x-choices", cs)
	default:
		if metadataTypes[base] {
			im.ps.warnf(s.name, cell, "metadata", fmt.Sprintf("「%s」由 Canvass 自动记录在每条记录上，这一行已跳过", typ),
				fmt.Sprintf("%s is recorded on every record by Canvass; the row is skipped", typ))
			return false
		}
		if alt, ok := otherTypes[base]; ok {
			im.ps.errorf(s.name, cell, "unsupported_type", fmt.Sprintf("不支持题型「%s」；%s", typ, alt[0]), fmt.Sprintf("type %s is not supported; %s", typ, alt[1]))
			return false
		}
		narrow := width.Narrow.String(typ)
		if narrow != typ {
			im.ps.errorf(s.name, cell, "full_width", fmt.Sprintf("题型「%s」里有全角字符；请改成半角：%s", typ, narrow),
				fmt.Sprintf("type %q holds full-width characters; write it in ASCII: %s", typ, narrow))
			return false
		}
		im.ps.errorf(s.name, cell, "unknown_type", fmt.Sprintf("不认识题型「%s」；可用的题型见模板的说明页", typ),
			fmt.Sprintf("type %q is not known; the template's instructions sheet lists the types", typ))
		return false
	}
	return true
}

func cloneObject(o *object) *object {
	c := newObject()
	for _, k := range o.keys {
		v := o.vals[k]
		if t, ok := v.(*object); ok {
			v = cloneObject(t)
		}
		c.set(k, v)
	}
	return c
}

// columns reads the columns of a field row other than type, name, label
// and hint.
func (im *importer) columns(r int, fo *object, info *fieldInfo, col func(int, string) string, cellOf func(int, string) string, top *container) {
	s := im.survey
	expr := func(keyword, column string) {
		if v := col(r, column); v != "" {
			im.exprs = append(im.exprs, pendingExpr{obj: fo, keyword: keyword, src: v, row: r, col: column, self: info, choices: keyword == "x-choice-filter"})
		}
	}
	req := strings.ToLower(col(r, "required"))
	if !noWords[req] {
		if yesWords[req] {
			top.require(info.key)
		} else {
			expr("x-required-if", "required")
		}
	}
	if m := im.text(s, r, im.cols, "required_message"); m != nil {
		switch {
		case noWords[req] || info.kind == "group":
			im.ps.warnf(s.name, cellOf(r, "required_message"), "orphan_message", "有必填提示却不是必填题（required 没有填 yes 或条件），提示已忽略",
				"there is a required_message but the question is not required (required is not yes or a condition); the message is ignored")
		case col(r, "calculation") != "":
			im.ps.warnf(s.name, cellOf(r, "required_message"), "orphan_message", "计算题不需要填写，必填提示已忽略",
				"a calculated question is never filled in; the required_message is ignored")
		default:
			fo.set("x-required-message", m)
		}
	}
	expr("x-relevant", "relevant")
	expr("x-constraint", "constraint")
	if m := im.text(s, r, im.cols, "constraint_message"); m != nil {
		if col(r, "constraint") == "" {
			im.ps.warnf(s.name, cellOf(r, "constraint_message"), "orphan_message", "有校验提示却没有校验规则（constraint），提示已忽略",
				"there is a constraint_message but no constraint; the message is ignored")
		} else {
			fo.set("x-constraint-message", m)
		}
	}
	expr("x-calculate", "calculation")
	if col(r, "choice_filter") != "" && fo.get("x-choices") == nil {
		im.ps.errorf(s.name, cellOf(r, "choice_filter"), "bad_column", "只有选择题（select_one、select_multiple）才能有选项筛选", "only select_one and select_multiple questions take a choice_filter")
	} else {
		expr("x-choice-filter", "choice_filter")
	}
	switch a := strings.ToLower(col(r, "appearance")); {
	case info.kind == "string" && fo.get("x-choices") != nil && col(r, "calculation") == "":
		if a == "minimal" || a == "autocomplete" || a == "search" {
			fo.set("x-widget", forms.WidgetSelect)
		} else {
			fo.set("x-widget", forms.WidgetRadio)
		}
	case a == "multiline" && info.kind == "string" && fo.get("format") == nil && fo.get("readOnly") == nil:
		fo.set("x-widget", forms.WidgetTextarea)
	}
	if v := col(r, "default"); v != "" {
		if d, ok := typedDefault(v, info.kind); ok {
			fo.set("default", d)
		} else {
			im.ps.errorf(s.name, cellOf(r, "default"), "bad_default", fmt.Sprintf("默认值「%s」与题型不符", v), fmt.Sprintf("default %q does not fit the question's type", v))
		}
	}
	if ro := strings.ToLower(col(r, "read_only")); !noWords[ro] {
		if yesWords[ro] {
			if col(r, "calculation") == "" { // a calculated field is read-only anyway
				fo.set("readOnly", true)
			}
		} else {
			im.ps.errorf(s.name, cellOf(r, "read_only"), "bad_value", "只读（read_only）只能填 yes 或 no", "read_only is yes or no")
		}
	}
	if v := col(r, "repeat_count"); v != "" {
		if info.kind != "repeat" {
			im.ps.errorf(s.name, cellOf(r, "repeat_count"), "bad_column", "只有 begin repeat 行才能填重复次数", "only begin repeat rows take a repeat_count")
		} else if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			fo.set("minItems", n).set("maxItems", n)
		} else {
			// A counted repeat: the rows must match the count.
			im.exprs = append(im.exprs, pendingExpr{obj: fo, keyword: "repeat_count", src: v, row: r, col: "repeat_count", self: &fieldInfo{key: info.key, kind: "group", repeat: info.repeat}})
		}
	}
	if v := strings.ToLower(col(r, "pii")); v != "" {
		kind := map[string]string{"id-number": forms.PIIIDNumber, "id_number": forms.PIIIDNumber, "身份证号": forms.PIIIDNumber, "身份证号码": forms.PIIIDNumber,
			"phone": forms.PIIPhone, "电话": forms.PIIPhone, "手机": forms.PIIPhone, "手机号码": forms.PIIPhone,
			"name": forms.PIIName, "姓名": forms.PIIName}[v]
		switch {
		case kind == "":
			im.ps.errorf(s.name, cellOf(r, "pii"), "bad_value", "个人信息（pii）只能填 id-number（身份证号）、phone（电话）或 name（姓名）", "pii is id-number, phone or name")
		case fo.str("type") != "string":
			im.ps.errorf(s.name, cellOf(r, "pii"), "bad_value", "只有文字类题目才能标为个人信息", "only text questions can be marked pii")
		default:
			fo.set("x-pii", kind)
		}
	}
	if v := col(r, "json_schema"); v != "" {
		extra, err := parseOrdered([]byte(v))
		eo, ok := extra.(*object)
		if err != nil || !ok {
			im.ps.errorf(s.name, cellOf(r, "json_schema"), "bad_json", `其他约束（json_schema）要写成 JSON 对象，例如 {"minimum": 0, "maximum": 120}`,
				`json_schema is a JSON object such as {"minimum": 0, "maximum": 120}`)
			return
		}
		for _, k := range eo.keys {
			fo.set(k, eo.vals[k])
		}
	}
}

func typedDefault(v, kind string) (any, bool) {
	switch kind {
	case "integer":
		n, err := strconv.Atoi(v)
		return n, err == nil
	case "number":
		f, err := strconv.ParseFloat(v, 64)
		return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), err == nil
	case "boolean":
		switch {
		case yesWords[strings.ToLower(v)]:
			return true, true
		case noWords[strings.ToLower(v)]:
			return false, true
		}
		return nil, false
	case "multi":
		var a []any
		for _, w := range strings.Fields(v) {
			a = append(a, w)
		}
		return a, true
	case "group", "repeat":
		return nil, false
	}
	return v, true
}

// orOther adds XLSForm's "or_other": an "other" choice, and a text
// question asked when it is picked.
func (im *importer) orOther(r int, name string, info *fieldInfo, fo *object, top *container, names map[string]int) {
	cs, _ := fo.get("x-choices").([]any)
	has := false
	for _, c := range cs {
		if c.(*object).str("value") == "other" {
			has = true
		}
	}
	if !has {
		fo.set("x-choices", append(cs, newObject().set("value", "other").set("label", newObject().set("zh", "其他").set("en", "Other"))))
	}
	key := name + "_other"
	if _, dup := names[key]; dup {
		return
	}
	names[key] = im.survey.rowNums[r]
	rel := name + " == 'other'"
	if info.kind == "multi" {
		rel = "'other' in (" + name + " ?? [])"
	}
	other := newObject().set("type", "string").
		set("x-label", newObject().set("zh", "请注明其他").set("en", "Specify other")).
		set("x-relevant", rel)
	top.props().set(key, other)
	im.fields[key] = &fieldInfo{key: key, kind: "string", repeat: info.repeat}
	im.ptrRow[top.ptr+"/properties/"+key] = r
}

func (im *importer) translateAll() {
	s := im.survey
	for _, e := range im.exprs {
		cx := &exprContext{fields: im.fields, self: e.self, choices: e.choices, broken: im.broken}
		out, err := toRules(e.src, cx)
		if err != nil {
			te, ok := err.(*TranslateError)
			if !ok {
				te = &TranslateError{ZH: err.Error(), EN: err.Error()}
			}
			im.ps.errorf(s.name, s.cellName(e.row, im.cols[e.col]), "bad_expression",
				fmt.Sprintf("%s（在「%s」第 %d 个字符处）", te.ZH, e.src, te.Offset+1),
				fmt.Sprintf("%s (at character %d of %q)", te.EN, te.Offset+1, e.src))
			continue
		}
		if e.keyword == "repeat_count" {
			out = "len(" + e.self.key + " ?? []) == " + parenIfNeeded(out)
			e.keyword = "x-constraint"
			if e.obj.get("x-constraint") != nil {
				out = "(" + out + ") && (" + e.obj.str("x-constraint") + ")"
			}
		}
		e.obj.set(e.keyword, out)
	}
}

func parenIfNeeded(s string) string {
	if namePattern.MatchString(s) {
		return s
	}
	return "(" + s + ")"
}

// finish assembles the form, loads it with forms.Load (working out the
// type of calculate rows) and maps its findings back to cells.
func (im *importer) finish() (*Result, error) {
	id := im.opt.ID
	if id == "" {
		id = im.formID
	}
	if id == "" {
		base := strings.ToLower(strings.TrimSuffix(filepath.Base(im.opt.Filename), filepath.Ext(im.opt.Filename)))
		if formIDPattern.MatchString(base) {
			id = base
		} else {
			id = "xlsform"
		}
	}
	doc := newObject().set("x-form-id", id)
	title := newObject()
	if im.title["zh"] == "" && im.title["en"] == "" {
		im.title["zh"] = cmp.Or(im.opt.Title, id) // pyxform, too, titles a form by its ID
	}
	for _, l := range []string{"zh", "en"} {
		if im.title[l] != "" {
			title.set(l, im.title[l])
		}
	}
	if len(title.keys) > 0 {
		doc.set("x-title", title)
	}
	if len(im.notes) > 0 {
		n := newObject()
		for _, k := range []string{"version"} {
			if v, ok := im.notes[k]; ok {
				n.set(k, v)
			}
		}
		b, _ := marshal(n)
		doc.set("$comment", annotationPrefix+string(b))
	}
	doc.set("type", "object")
	if req := im.root.get("required"); req != nil {
		doc.set("required", req)
	}
	doc.set("properties", orEmpty(im.root.obj("properties")))
	filename := strings.TrimSuffix(filepath.Base(im.opt.Filename), filepath.Ext(im.opt.Filename)) + ".form.json"
	if im.opt.Filename == "" {
		filename = id + ".form.json"
	}

	calcPtrs := map[*object]string{}
	var walk func(o *object, ptr string)
	walk = func(o *object, ptr string) {
		props := o.obj("properties")
		if props == nil {
			return
		}
		for _, k := range props.keys {
			fo := props.obj(k)
			p := ptr + "/properties/" + k
			calcPtrs[fo] = p
			walk(fo, p)
			if items := fo.obj("items"); items != nil {
				walk(items, p+"/items")
			}
		}
	}
	walk(doc, "")
	for _, c := range im.calcTypes {
		c.ptr = calcPtrs[c.obj]
	}

	for {
		src, err := indentJSON(doc)
		if err != nil {
			return nil, err
		}
		form, diags := forms.Load(filename, src)
		retry := false
		for _, c := range im.calcTypes {
			for _, d := range diags {
				if d.Severity == rules.SeverityError && d.Path == c.ptr+"/x-calculate" && c.try+1 < len(calcTypeOrder) {
					c.try++
					c.obj.set("type", calcTypeOrder[c.try])
					retry = true
					break
				}
			}
		}
		if retry {
			continue
		}
		for _, d := range diags {
			sheet, cell := im.where(d.Path)
			sev := SeverityWarning
			if d.Severity != rules.SeverityWarning {
				sev = SeverityError
			}
			im.ps.add(sev, sheet, cell, d.Code, d.Text(rules.LangZH), d.Text(rules.LangEN))
		}
		if HasErrors(im.ps.list) || form == nil {
			return nil, im.fail()
		}
		im.locate()
		sortProblems(im.ps.list)
		return &Result{JSON: src, Form: form, Warnings: im.ps.list}, nil
	}
}

func orEmpty(o *object) *object {
	if o == nil {
		return newObject()
	}
	return o
}

// where maps a JSON pointer in the converted form to the survey cell it
// came from.
func (im *importer) where(ptr string) (string, string) {
	s := im.survey
	best, row := "", -1
	for p, r := range im.ptrRow {
		if (ptr == p || strings.HasPrefix(ptr, p+"/")) && len(p) > len(best) {
			best, row = p, r
		}
	}
	if row < 0 {
		if im.settings != nil {
			return im.settings.name, ""
		}
		return s.name, ""
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(ptr, best), "/")
	keyword, _, _ := strings.Cut(rest, "/")
	column := map[string]string{"x-relevant": "relevant", "x-constraint": "constraint", "x-calculate": "calculation",
		"x-required-if": "required", "x-choice-filter": "choice_filter", "x-label": "label::" + im.lang, "default": "default",
		"x-constraint-message": "constraint_message::" + im.lang, "x-required-message": "required_message::" + im.lang, "x-hint": "hint::" + im.lang, "x-pii": "pii", "type": "type",
		"format": "type", "x-choices": "type"}[keyword]
	i, ok := im.cols[column]
	if !ok {
		if _, isSchema := im.cols["json_schema"]; isSchema && keyword != "" && column == "" {
			i = im.cols["json_schema"]
		} else {
			i = im.cols["name"]
		}
	}
	return s.name, s.cellName(row, i)
}
