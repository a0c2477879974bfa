package ui

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// The interface languages. DefaultLang is what a visitor gets when nothing
// asks for another.
const (
	LangZH      = "zh-CN"
	LangEN      = "en"
	DefaultLang = LangZH
)

// Langs lists the interface languages, the default first.
var Langs = []string{LangZH, LangEN}

// matcher picks one of Langs for an Accept-Language header; the first tag
// is what it falls back to.
var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// ValidLang reports whether lang is one of Langs (exactly, as the ?lang=
// parameter and a user's Locale spell it).
func ValidLang(lang string) bool { return lang == LangZH || lang == LangEN }

// MatchAcceptLanguage returns the interface language that best fits an
// Accept-Language header: any Chinese variant gives zh-CN, English gives
// en, anything else (or nothing) the default.
func MatchAcceptLanguage(header string) string {
	if strings.TrimSpace(header) == "" || len(header) > 500 {
		return DefaultLang
	}
	_, i := language.MatchStrings(matcher, header)
	return Langs[i]
}

// Message returns the text of key in lang, formatted with args as by
// fmt.Sprintf when args are given. An unknown lang falls back to the
// default; an unknown key comes back as itself, so a missing message shows
// as its key instead of vanishing (a test keeps the catalog complete).
func Message(lang, key string, args ...any) string {
	msgs, ok := catalog[lang]
	if !ok {
		msgs = catalog[DefaultLang]
	}
	text, ok := msgs[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// HasMessage reports whether key is in the catalog (in the default
// language; a test keeps every language's keys the same).
func HasMessage(key string) bool {
	_, ok := catalog[DefaultLang][key]
	return ok
}

// catalog holds every interface text by language and key. Keys are
// dotted: the page or area first, then the item. Error texts are keyed by
// the engine's stable codes: "error.<code>" for a whole request,
// "field.<field>.<code>" for one form field, "row.<code>" for one row of
// an import.
var catalog = map[string]map[string]string{
	LangZH: {
		"app.name":    "Canvass 数据采集",
		"app.tagline": "人口监测工作的表单、审核与劳务报酬",

		"nav.home":     "首页",
		"nav.users":    "用户",
		"nav.orgunits": "组织机构",
		"nav.audit":    "审计日志",
		"nav.logout":   "退出",
		"nav.skip":     "跳到正文",
		"lang.switch":  "语言",
		"list.sep":     "、",

		"login.title":    "登录",
		"login.username": "用户名",
		"login.password": "密码",
		"login.submit":   "登录",
		"login.expired":  "页面已过期，请重新提交。",
		"login.wrong":    "用户名或密码错误。",
		"login.locked":   "登录失败次数过多，请 15 分钟后再试。",
		"login.hint":     "没有账号？请联系本单位的管理员。",

		"home.title":      "首页",
		"home.welcome":    "您好，%s",
		"home.scope":      "管辖范围",
		"home.roles":      "角色",
		"home.tasks":      "可做的事",
		"home.admin":      "管理用户、组织机构，查看审计日志。",
		"home.comingsoon": "该角色的工作页面将在后续版本中提供。",

		"role.author":       "设计员",
		"role.field_worker": "调查员",
		"role.reviewer":     "审核员",
		"role.supervisor":   "督导员",
		"role.finance":      "财务",
		"role.admin":        "管理员",

		"level.province": "省",
		"level.city":     "市",
		"level.district": "区县",
		"level.township": "乡镇街道",
		"level.village":  "村居",
		"level.group":    "组",

		"users.title":        "用户",
		"users.list":         "用户列表",
		"users.none":         "范围内还没有用户。",
		"users.count":        "共 %d 人",
		"users.create":       "新建用户",
		"users.created":      "已创建用户 %s。",
		"users.username":     "用户名",
		"users.username.tip": "2–64 位小写字母、数字、点、下划线或连字符",
		"users.displayName":  "姓名",
		"users.password":     "初始密码",
		"users.password.tip": "至少 8 个字符；请用户登录后修改",
		"users.roles":        "角色",
		"users.orgUnit":      "所属单位代码",
		"users.orgUnit.tip":  "该用户的所有角色都在这个单位及其下级范围内生效",
		"users.locale":       "界面语言",
		"users.status":       "状态",
		"users.disabled":     "已停用",
		"users.active":       "正常",
		"users.createdAt":    "创建时间",
		"users.submit":       "创建",
		"users.invalid":      "用户未创建，请修改标出的项目。",

		"orgunits.title":         "组织机构",
		"orgunits.tree":          "机构树",
		"orgunits.none":          "范围内还没有组织机构。请先导入。",
		"orgunits.count":         "共 %d 个单位",
		"orgunits.more":          "还有 %d 个下级单位",
		"orgunits.up":            "返回上级",
		"orgunits.code":          "代码",
		"orgunits.name":          "名称",
		"orgunits.level":         "级别",
		"orgunits.parent":        "上级代码",
		"orgunits.import":        "导入组织机构",
		"orgunits.import.tip":    "CSV（UTF-8 或 GB18030）或 XLSX 文件，列：代码、名称、上级代码、级别。有任何一行出错时，全部不导入。",
		"orgunits.file":          "文件",
		"orgunits.submit":        "导入",
		"orgunits.imported":      "已导入 %d 个单位。",
		"orgunits.failed":        "导入失败，没有保存任何数据。请修改下列各行后重新导入。",
		"orgunits.report.row":    "行",
		"orgunits.report.column": "列",
		"orgunits.report.error":  "问题",
		"orgunits.report.detail": "详情",

		"audit.title":    "审计日志",
		"audit.filter":   "筛选",
		"audit.actor":    "操作人",
		"audit.action":   "操作",
		"audit.object":   "对象 ID",
		"audit.from":     "起始日期",
		"audit.before":   "截止日期（不含）",
		"audit.submit":   "筛选",
		"audit.reset":    "清除筛选",
		"audit.at":       "时间",
		"audit.ip":       "地址",
		"audit.detail":   "详情",
		"audit.none":     "没有符合条件的记录。",
		"audit.next":     "下一页",
		"audit.first":    "第一页",
		"audit.system":   "系统",
		"audit.timezone": "时间为北京时间。",

		"form.required": "必填",
		"form.optional": "选填",

		"error.title":              "出错了",
		"error.back":               "返回首页",
		"error.request":            "请求编号",
		"error.not_found":          "找不到该页面或对象。",
		"error.forbidden":          "您的角色不能进行此操作。",
		"error.unauthorized":       "请先登录。",
		"error.invalid":            "提交的内容有误。",
		"error.conflict":           "数据已被他人修改，请刷新后重试。",
		"error.too_large":          "提交的内容太大。",
		"error.rate_limited":       "尝试次数过多，请稍后再试。",
		"error.unavailable":        "服务暂时不可用，请稍后再试。",
		"error.closed":             "该项工作已关闭，不再接受修改。",
		"error.internal":           "服务器内部错误。问题已记录。",
		"error.method_not_allowed": "不支持该请求方式。",

		"field.username.pattern":     "2–64 位小写字母、数字、点、下划线或连字符",
		"field.username.taken":       "用户名已被占用",
		"field.displayName.required": "请填写 1–100 个字符的姓名",
		"field.password.password":    "密码需要 8–128 个字符",
		"field.roles.required":       "至少选择一个角色",
		"field.roles.enum":           "未知角色",
		"field.orgUnit.not_found":    "没有这个单位，或不在您的管辖范围内",
		"field.locale.enum":          "界面语言只能是中文或英文",
		"field.file.required":        "请选择要导入的文件",

		"row.bad_code":       "代码须为 6、9、12 或 15 位数字",
		"row.duplicate":      "代码在文件中重复出现",
		"row.bad_name":       "名称须为 1–100 个字符",
		"row.bad_level":      "级别不对，或与上级单位的级别不符",
		"row.unknown_parent": "上级单位不存在",
		"row.out_of_scope":   "该单位不在您的管辖范围内",
		"row.unreadable":     "这一行无法读取",
	},
	LangEN: {
		"app.name":    "Canvass",
		"app.tagline": "Forms, reviews and labour payments for population-monitoring work",

		"nav.home":     "Home",
		"nav.users":    "Users",
		"nav.orgunits": "Org units",
		"nav.audit":    "Audit log",
		"nav.logout":   "Sign out",
		"nav.skip":     "Skip to content",
		"lang.switch":  "Language",
		"list.sep":     ", ",

		"login.title":    "Sign in",
		"login.username": "Username",
		"login.password": "Password",
		"login.submit":   "Sign in",
		"login.expired":  "The page had expired. Please submit it again.",
		"login.wrong":    "Wrong username or password.",
		"login.locked":   "Too many failed sign-ins. Try again in 15 minutes.",
		"login.hint":     "No account? Ask your unit's administrator.",

		"home.title":      "Home",
		"home.welcome":    "Hello, %s",
		"home.scope":      "Your scope",
		"home.roles":      "Roles",
		"home.tasks":      "What you can do",
		"home.admin":      "Manage users and org units, and read the audit log.",
		"home.comingsoon": "The pages for this role arrive in a later version.",

		"role.author":       "Author",
		"role.field_worker": "Field worker",
		"role.reviewer":     "Reviewer",
		"role.supervisor":   "Supervisor",
		"role.finance":      "Finance",
		"role.admin":        "Administrator",

		"level.province": "Province",
		"level.city":     "City",
		"level.district": "District",
		"level.township": "Township",
		"level.village":  "Village",
		"level.group":    "Group",

		"users.title":        "Users",
		"users.list":         "Users",
		"users.none":         "There are no users in your scope yet.",
		"users.count":        "%d users",
		"users.create":       "New user",
		"users.created":      "User %s was created.",
		"users.username":     "Username",
		"users.username.tip": "2–64 lower-case letters, digits, '.', '_' or '-'",
		"users.displayName":  "Name",
		"users.password":     "Initial password",
		"users.password.tip": "At least 8 characters; ask the user to change it",
		"users.roles":        "Roles",
		"users.orgUnit":      "Org unit code",
		"users.orgUnit.tip":  "All of the user's roles apply in this unit and the units below it",
		"users.locale":       "Language",
		"users.status":       "Status",
		"users.disabled":     "Disabled",
		"users.active":       "Active",
		"users.createdAt":    "Created",
		"users.submit":       "Create",
		"users.invalid":      "The user was not created. Please correct the marked fields.",

		"orgunits.title":         "Org units",
		"orgunits.tree":          "Tree",
		"orgunits.none":          "There are no org units in your scope yet. Import some first.",
		"orgunits.count":         "%d units",
		"orgunits.more":          "%d more units below",
		"orgunits.up":            "Up one level",
		"orgunits.code":          "Code",
		"orgunits.name":          "Name",
		"orgunits.level":         "Level",
		"orgunits.parent":        "Parent",
		"orgunits.import":        "Import org units",
		"orgunits.import.tip":    "A CSV (UTF-8 or GB18030) or XLSX file with the columns code, name, parent and level. If any row has an error, nothing is imported.",
		"orgunits.file":          "File",
		"orgunits.submit":        "Import",
		"orgunits.imported":      "%d units were imported.",
		"orgunits.failed":        "The import failed and nothing was saved. Correct these rows and import again.",
		"orgunits.report.row":    "Row",
		"orgunits.report.column": "Column",
		"orgunits.report.error":  "Problem",
		"orgunits.report.detail": "Detail",

		"audit.title":    "Audit log",
		"audit.filter":   "Filter",
		"audit.actor":    "Actor",
		"audit.action":   "Action",
		"audit.object":   "Object ID",
		"audit.from":     "From",
		"audit.before":   "Before",
		"audit.submit":   "Filter",
		"audit.reset":    "Clear filter",
		"audit.at":       "Time",
		"audit.ip":       "Address",
		"audit.detail":   "Detail",
		"audit.none":     "No events match.",
		"audit.next":     "Next page",
		"audit.first":    "First page",
		"audit.system":   "system",
		"audit.timezone": "Times are China Standard Time.",

		"form.required": "required",
		"form.optional": "optional",

		"error.title":              "Something went wrong",
		"error.back":               "Back to the home page",
		"error.request":            "Request ID",
		"error.not_found":          "There is no such page or object.",
		"error.forbidden":          "Your role may not do this.",
		"error.unauthorized":       "Please sign in first.",
		"error.invalid":            "The request has errors.",
		"error.conflict":           "Someone else changed this first. Reload and try again.",
		"error.too_large":          "The upload is too large.",
		"error.rate_limited":       "Too many attempts. Try again later.",
		"error.unavailable":        "The service is unavailable just now. Try again later.",
		"error.closed":             "This work is closed and takes no more changes.",
		"error.internal":           "Internal server error. It has been logged.",
		"error.method_not_allowed": "That request method is not allowed here.",

		"field.username.pattern":     "2–64 lower-case letters, digits, '.', '_' or '-'",
		"field.username.taken":       "This username is taken",
		"field.displayName.required": "A name of 1 to 100 characters",
		"field.password.password":    "A password needs 8 to 128 characters",
		"field.roles.required":       "Choose at least one role",
		"field.roles.enum":           "Unknown role",
		"field.orgUnit.not_found":    "No such unit, or it lies outside your scope",
		"field.locale.enum":          "The language must be Chinese or English",
		"field.file.required":        "Choose a file to import",

		"row.bad_code":       "The code must have 6, 9, 12 or 15 digits",
		"row.duplicate":      "The code appears more than once in the file",
		"row.bad_name":       "The name must have 1 to 100 characters",
		"row.bad_level":      "The level is wrong, or does not fit the parent's level",
		"row.unknown_parent": "The parent unit does not exist",
		"row.out_of_scope":   "The unit lies outside your scope",
		"row.unreadable":     "This row cannot be read",
	},
}
