package rules

import "slices"

// The lint codes: every code a linter reports in a Diagnostic (forms,
// workflows, pay tables, campaigns, the YAML decoder, canvass lint) or
// the campaign check reports as a problem, declared once here with its
// Chinese and English message in lintMessages. The Code… constants of a
// CompileError (rules.go, indicator.go) are lint codes too. A test walks
// the table, and another parses the linters' source so that a code
// without messages cannot be emitted.
const (
	// Files
	CodeYAMLSyntax      = "yaml_syntax"       // not YAML, or YAML we do not read (tags, merge keys)
	CodeTooLarge        = "too_large"         // more than a limit allows
	CodeTooManyFindings = "too_many_findings" // findings past the cap, not shown

	// Keys and values of any definition
	CodeMissingKey      = "missing_key"      // a required key is absent
	CodeUnknownKey      = "unknown_key"      // a key the definition does not have
	CodeWrongType       = "wrong_type"       // a value of the wrong YAML type
	CodeBadValue        = "bad_value"        // a value outside what is allowed
	CodeBadID           = "bad_id"           // an id that is not lower-case letters, digits and dashes
	CodeBadName         = "bad_name"         // a name that cannot be a name
	CodeDuplicateKey    = "duplicate_key"    // a key or name given twice
	CodeConflictingKeys = "conflicting_keys" // two keys that exclude each other
	CodeBadExpression   = "bad_expression"   // an expression that does not compile
	CodeBadDate         = "bad_date"         // not a date or time, or dates out of order
	CodeBadDuration     = "bad_duration"     // not an ISO 8601 duration we accept
	CodeBadAmount       = "bad_amount"       // money that is not whole, non-negative fen
	CodeBadCron         = "bad_cron"         // a schedule spec that does not parse
	CodeBadLevel        = "bad_level"        // not an org level
	CodeBadRole         = "bad_role"         // not a role
	CodeBadFactor       = "bad_factor"       // an indicator factor out of range
	CodeBadTarget       = "bad_target"       // an indicator target out of range
	CodeBadRange        = "bad_range"        // an indicator's normal range: not [low, high], or beside a target

	// Workflows
	CodeUnknownState        = "unknown_state"
	CodeUnknownRole         = "unknown_role"
	CodeUnknownLevel        = "unknown_level"
	CodeUnknownAction       = "unknown_action"
	CodeNoActor             = "no_actor"
	CodeNoActions           = "no_actions"
	CodeFinalWithTask       = "final_with_task"
	CodeMissingDue          = "missing_due"
	CodeNoLevelAbove        = "no_level_above"
	CodeUnreachableRoute    = "unreachable_route"     // warning
	CodeMissingDefaultRoute = "missing_default_route" // warning
	CodeNoFinalState        = "no_final_state"
	CodeUnreachableState    = "unreachable_state" // warning
	CodeDeadEnd             = "dead_end"
	CodeUntitledState       = "untitled_state" // a state without a Chinese title: pages would show its ID

	// Pay tables and campaigns
	CodeUnknownEvent = "unknown_event"
	CodeUnusedCap    = "unused_cap" // warning
	CodeUnknownForm  = "unknown_form"

	// Campaign phases (campaigns/campaign_phases.go)
	CodePhaseOverlap       = "phase_overlap"        // a phase starts before the one above it ends
	CodePhaseGap           = "phase_gap"            // warning: days between two phases that no phase covers
	CodePhaseOutside       = "phase_outside"        // warning: a phase day before opens or after closes
	CodeUnknownPhaseAction = "unknown_phase_action" // not review, reconcile or enter

	// Forms (forms.Code… are these)
	CodeBadForm            = "bad_form"
	CodeBadSchema          = "bad_schema"
	CodeUnknownKeyword     = "unknown_keyword"
	CodeUnsupportedKeyword = "unsupported_keyword"
	CodeUnknownExtension   = "unknown_extension"
	CodeBadExtension       = "bad_extension"
	CodeBadField           = "bad_field"
	CodeBadKey             = "bad_key"
	CodeUnknownRequired    = "unknown_required"
	CodeUnknownFormat      = "unknown_format"
	CodeBadWidget          = "bad_widget"
	CodeBadChoices         = "bad_choices"
	CodeCalculateCycle     = "calculate_cycle"
	CodeRelevanceCycle     = "relevance_cycle"
	CodeMissingLabel       = "missing_label"     // warning
	CodeShadowedFunction   = "shadowed_function" // warning

	// The campaign check: a campaign's references, as the engine resolves
	// them at publish time
	CodeUnknownKind  = "unknown_kind"   // a file that is no kind of definition
	CodeNotPublished = "not_published"  // a reference to what is neither published nor a draft of the campaign
	CodeNotFound     = "not_found"      // the org scope does not exist
	CodeOutOfScope   = "out_of_scope"   // beyond the author's area
	CodeOwnedAbove   = "owned_above"    // a definition of a unit above the author's
	CodeUnknownField = "unknown_field"  // a reference to a field a form lacks
	CodePayTableLate = "pay_table_late" // warning: the pay table takes effect after the campaign opens

	// References to answers by path (forms.Resolve)
	CodeWrongPath     = "wrong_path"      // the field exists, under other sections
	CodeBadPath       = "bad_path"        // not a dotted list of keys
	CodeFieldInRepeat = "field_in_repeat" // a repeat-group field (or a group) where one value per record is needed
)

// lintMessage is one code's message: a template in each language. {name}
// is an argument (see Diagnostic.Text); a part in [brackets] is left out
// when an argument in it has no value.
type lintMessage struct{ Zh, En string }

// lintMessages is the code table. Each message says what is wrong, names
// the thing ({key}: a label where the linter knows one, else the key as
// written) and says what to do.
var lintMessages = map[string]lintMessage{
	// Expressions (CompileError)
	CodeSyntax: {
		Zh: "写法有误，无法读取[（第 {line} 行第 {col} 列附近）]。请检查括号、引号和逗号是否成对、是否漏写。",
		En: "This is not written correctly[ (near line {line}, column {col})]. Check that brackets, quotes and commas are paired and nothing is missing."},
	CodeUnknownIdentifier: {
		Zh: "[「{field}」的{keyword}：]没有名为「{name}」的字段或变量。[您是不是要用「{suggest}」？][{detail}]请从字段列表中选择。",
		En: "[{field}, {keyword}: ]There is no field or variable named {name}.[ Did you mean {suggest}?][ {detail}] Pick one from the list of fields."},
	CodeUnknownFunction: {
		Zh: "[「{field}」的{keyword}：]没有函数「{name}」[，您是不是要用「{suggest}」？][（{why}）]",
		En: "[{field}, {keyword}: ]There is no function named {name}[; did you mean {suggest}?][ ({why})]"},
	CodeTypeMismatch: {
		Zh: "类型不匹配[（第 {line} 行第 {col} 列附近）]：运算或函数得到的值类型不对，例如把文字和数字比较、给日期函数传了数字。请改用相同类型的值。",
		En: "The types do not match[ (near line {line}, column {col})]: an operator or function got a value of the wrong type, such as text compared with a number. Use values of the same type."},
	CodeTooComplex: {
		Zh: "表达式太长或太复杂，超出了上限。请简化，或拆成几个计算项。",
		En: "The expression is too long or too complex. Simplify it, or split it into several calculated items."},
	CodeWrongResult: {
		Zh: "表达式得出的是{got}，这里需要{want}。",
		En: "The expression gives {got}; here it must give {want}."},
	CodeIndicatorShape: {
		Zh: "指标的分子、分母只能由 count(条件)、sum(\"字段\", 条件) 和 official(\"数据项\") 用 + 和 - 连起来。请按这种写法改写。",
		En: "An indicator's numerator and denominator are count(filter), sum(\"field\", filter) and official(\"key\") terms joined by + and -. Rewrite it that way."},
	CodeIndicatorDivision: {
		Zh: "指标的分子、分母里不能再做除法：指标会在按单位汇总后自己用分子除以分母。请去掉除法。",
		En: "A numerator or denominator must not divide: the indicator divides them itself after adding them up over org units. Remove the division."},

	// Files
	CodeYAMLSyntax: {
		Zh: "文件写法有误，无法读取[（第 {line} 行附近）]。请检查缩进、冒号和引号；不要用 YAML 标签、合并键（<<）或一个文件多个文档。",
		En: "The file is not written correctly[ (near line {line})]. Check indentation, colons and quotes; YAML tags, merge keys (<<) and several documents in one file are not read."},
	CodeTooLarge: {
		Zh: "[「{key}」]超出了上限[（最多 {max}）]。请删减后再保存。",
		En: "[{key}: ]More than allowed[ (at most {max})]. Remove some and save again."},
	CodeTooManyFindings: {
		Zh: "还有 {count} 个问题没有列出。请先改正上面这些问题，再检查一次。",
		En: "{count} more problems are not shown. Fix these first, then check again."},

	// Keys and values
	CodeMissingKey: {
		Zh: "缺少「{key}」[（{want}）]。请补上。",
		En: "{key} is missing[ ({want})]. Add it."},
	CodeUnknownKey: {
		Zh: "不认识的设置项「{key}」。[您是不是要写「{suggest}」？]请改正或删掉它。",
		En: "{key} is not a setting here.[ Did you mean {suggest}?] Correct it or remove it."},
	CodeWrongType: {
		Zh: "「{key}」应当写成：{want}。请改正。",
		En: "{key} must be {want}. Correct it."},
	CodeBadValue: {
		Zh: "「{key}」的值[「{value}」]不对[，应为 {want}][：{detail}]。请改正。",
		En: "{key}[ {value}] is not allowed[; it must be {want}][: {detail}]. Correct it."},
	CodeBadID: {
		Zh: "标识「{value}」不符合要求：只能用小写英文字母、数字和连字符（-）。请改正。",
		En: "The id {value} is not allowed: use lower-case letters, digits and dashes (-) only. Correct it."},
	CodeBadName: {
		Zh: "名称「{value}」不能用[：{detail}]。请用小写英文字母开头，只含小写字母、数字和下划线（_）。",
		En: "The name {value} cannot be used[: {detail}]. Start with a lower-case letter and use only lower-case letters, digits and underscores (_)."},
	CodeDuplicateKey: {
		Zh: "「{value}」重复出现。同一处不能出现两次，请改名或删掉一个。",
		En: "{value} appears twice. Rename or remove one of them."},
	CodeConflictingKeys: {
		Zh: "「{key}」与其他设置冲突[：{detail}]。请只保留其中一个。",
		En: "{key} conflicts with another setting[: {detail}]. Keep only one of them."},
	CodeBadExpression: {
		Zh: "[「{field}」的]「{key}」表达式有误[：{detail}]。请改正。",
		En: "[{field}: ]{key}: the expression is wrong[: {detail}]. Correct it."},
	CodeBadDate: {
		Zh: "「{key}」的日期[「{value}」]不对[：{detail}]。日期写成 2026-12-06 这样的年-月-日。",
		En: "The date of {key}[ ({value})] is wrong[: {detail}]. Write dates as 2026-12-06."},
	CodeBadDuration: {
		Zh: "「{key}」的时限[「{value}」]写法不对[：{detail}]。时限写成 PT48H（48 小时）、P2D（2 天）这样的格式。",
		En: "The time limit of {key}[ ({value})] is wrong[: {detail}]. Write it as PT48H (48 hours) or P2D (2 days)."},
	CodeBadAmount: {
		Zh: "「{key}」的金额不对[：{detail}]。金额以分为单位写整数（1 元写作 100），不能为负。",
		En: "The amount of {key} is wrong[: {detail}]. Amounts are whole fen (1 yuan is 100) and not negative."},
	CodeBadCron: {
		Zh: "定时任务的时间「{value}」写法不对。请写成 cron 格式，例如“0 8 * * 1”（每周一 8 点）。",
		En: "The schedule {value} is not a cron spec. Write it like \"0 8 * * 1\" (Mondays at 8:00)."},
	CodeBadLevel: {
		Zh: "「{value}」不是单位层级。[您是不是要写「{suggest}」？]层级可以是 province、city、district、township、village、group。",
		En: "{value} is not an org level.[ Did you mean {suggest}?] Levels are province, city, district, township, village and group."},
	CodeBadRole: {
		Zh: "「{value}」不是角色。[您是不是要写「{suggest}」？]请从已有角色中选择。",
		En: "{value} is not a role.[ Did you mean {suggest}?] Choose one of the roles."},
	CodeBadFactor: {
		Zh: "指标的倍数必须大于 0[、不超过 {max}]：百分比写 100，千分比写 1000。",
		En: "An indicator's factor must be above 0[ and at most {max}]: 100 for a percentage, 1000 per mille."},
	CodeBadTarget: {
		Zh: "指标的目标值[「{value}」]不对[，应在 0 到 {max} 之间]：目标 90% 写作 90。",
		En: "The indicator's target[ {value}] is wrong[; it must be between 0 and {max}]: write 90 for 90 %."},
	CodeBadRange: {
		Zh: "指标的正常范围[「{value}」]不对：请写两个数，小的在前，例如 103 和 107；有正常范围的指标不再写目标值（target）和 better。",
		En: "The indicator's normal range[ {value}] is wrong: write two numbers, the lower first, like 103 and 107; an indicator with a range has no target or better."},

	// Workflows
	CodeUnknownState: {
		Zh: "审核流程中没有状态「{value}」。[您是不是要写「{suggest}」？]请选择流程中已有的状态。",
		En: "The review flow has no state {value}.[ Did you mean {suggest}?] Choose one of its states."},
	CodeUnknownRole: {
		Zh: "没有角色「{value}」。[您是不是要写「{suggest}」？]请从已有角色中选择。",
		En: "There is no role {value}.[ Did you mean {suggest}?] Choose one of the roles."},
	CodeUnknownLevel: {
		Zh: "没有层级「{value}」。层级可以是 province、city、district、township、village、group。",
		En: "There is no level {value}. Levels are province, city, district, township, village and group."},
	CodeUnknownAction: {
		Zh: "「{value}」不是可用的操作。[您是不是要写「{suggest}」？][{detail}]操作可以是通过（approve）、退回补正（return）、不予采用（reject）等。",
		En: "{value} is not an action here.[ Did you mean {suggest}?][ {detail}] Actions are approve, return, reject and the like."},
	CodeNoActor: {
		Zh: "状态「{key}」没有指定由谁办理，没有人能处理到这一步的记录。请设置办理角色和层级，或把它设为结束状态。",
		En: "Nobody acts on state {key}: no role is given. Set who acts (role and level), or make it a final state."},
	CodeNoActions: {
		Zh: "状态「{key}」没有任何操作，记录会一直停在这里。请添加通过、退回等操作。",
		En: "State {key} has no actions: records would stay in it forever. Add actions such as approve and return."},
	CodeFinalWithTask: {
		Zh: "结束状态「{key}」不能再设办理人、期限或操作。请删掉这些设置，或取消“结束状态”。",
		En: "Final state {key} cannot have a step, a due time or actions. Remove them, or make it not final."},
	CodeMissingDue: {
		Zh: "状态「{key}」设置了提醒或上报，但没有办理时限。请先设置时限。",
		En: "State {key} has reminders or escalation but no time limit. Set a time limit first."},
	CodeNoLevelAbove: {
		Zh: "「{key}」已是最高层级，没有上一级可以上报。请改为通知其他角色，或去掉上报。",
		En: "{key} is the top level: there is no level above to escalate to. Escalate to other roles instead, or remove escalation."},
	CodeUnreachableRoute: {
		Zh: "这一条去向永远不会用到：它前面有一条没有条件的去向。请把没有条件的去向放在最后。",
		En: "This route is never taken: a route above it has no condition. Put the route without a condition last."},
	CodeMissingDefaultRoute: {
		Zh: "操作「{key}」的每个去向都有条件，都不满足时操作会被拒绝。请在最后加一个没有条件的去向。",
		En: "Every route of action {key} has a condition; when none matches, the action is refused. Add a last route without a condition."},
	CodeNoFinalState: {
		Zh: "审核流程没有结束状态，记录永远不会办结。请把最后一步设为结束状态。",
		En: "The review flow has no final state: no record would ever finish. Make the last state final."},
	CodeUnreachableState: {
		Zh: "状态「{key}」从开始状态走不到，用不上。请添加通往它的操作，或删掉它。",
		En: "State {key} cannot be reached from the start. Add an action that leads to it, or remove it."},
	CodeDeadEnd: {
		Zh: "进入状态「{key}」的记录无法办结：从它走不到任何结束状态。请添加通往结束状态的操作。",
		En: "Records that enter state {key} never finish: no final state can be reached from it. Add an action that leads towards a final state."},
	CodeUntitledState: {
		Zh: "状态「{value}」没有中文名称，收件箱、记录页和导出表格里会显示成「{value}」。请在这个状态下添加 title，写上 zh（中文名称），需要时再写 en。",
		En: "State {value} has no Chinese title, so inboxes, record pages and exports would show \"{value}\". Give the state a title with zh (its Chinese name) and, if needed, en."},

	// Pay tables and campaigns
	CodeUnknownEvent: {
		Zh: "没有事件「{value}」。[您是不是要写「{suggest}」？]请从记录通过、已录入、抽查通过、出勤一天等事件中选择。",
		En: "There is no event {value}.[ Did you mean {suggest}?] Choose one of the events (record approved, entered, spot check passed, a day's attendance…)."},
	CodeUnusedCap: {
		Zh: "给角色「{value}」设了封顶，但没有任何项目付给这个角色。请删掉这个封顶，或检查角色是否写错。",
		En: "Role {value} has a cap, but no item pays that role. Remove the cap, or check the role."},
	CodeUnknownForm: {
		Zh: "「{value}」不是本工作项目的表单。[您是不是要写「{suggest}」？]请选择本工作项目中的表单。",
		En: "{value} is not one of the campaign's forms.[ Did you mean {suggest}?] Choose one of its forms."},

	// Campaign phases
	CodePhaseOverlap: {
		Zh: "阶段「{name}」从 {value} 开始，早于上一个阶段「{other}」的结束日期 {end}。各阶段要按日期先后排列、互不重叠，请改正日期。",
		En: "Phase {name} starts on {value}, before the phase above it, {other}, ends on {end}. Phases follow one another without overlapping; correct the dates."},
	CodePhaseGap: {
		Zh: "阶段「{other}」在 {end} 结束，下一个阶段「{name}」到 {value} 才开始，中间的日子不属于任何阶段，这些天不能填报、审核。如果不是有意留空，请调整日期。",
		En: "Phase {other} ends on {end} and the next, {name}, starts on {value}: the days between belong to no phase, and nothing can be filled or reviewed then. Adjust the dates unless the gap is meant."},
	CodePhaseOutside: {
		Zh: "阶段「{name}」的日期 {value} {detail}，这几天本工作项目不接收填报。请调整阶段日期或工作项目的开始、截止日期。",
		En: "Phase {name}'s day {value} is {detail}: the campaign takes nothing then. Adjust the phase or the campaign's dates."},
	CodeUnknownPhaseAction: {
		Zh: "「{value}」不是阶段可以开放的工作。[您是不是要写「{suggest}」？]可以写 review（审核）、reconcile（数据比对）、enter（录入系统）。",
		En: "{value} is not work a phase can open.[ Did you mean {suggest}?] Write review, reconcile or enter."},

	// Forms
	CodeBadForm: {
		Zh: "文件顶层不是一张表单。表单文件是一个 JSON 对象，顶层写 \"type\": \"object\"，字段写在 properties 里。",
		En: "The top of the file is not a form. A form is a JSON object with \"type\": \"object\" and its fields under properties."},
	CodeBadSchema: {
		Zh: "[字段「{field}」的]定义不符合 JSON Schema 2020-12 规范（例如类型或取值范围写错）。请对照说明改正。",
		En: "[Field {field}: ]The definition is not valid JSON Schema 2020-12 (a type or a limit is written wrongly, for example). Correct it."},
	CodeUnknownKeyword: {
		Zh: "[字段「{field}」中]不认识的设置项「{key}」。[您是不是要写「{suggest}」？]请改正或删掉它。",
		En: "[Field {field}: ]{key} is not a form setting.[ Did you mean {suggest}?] Correct it or remove it."},
	CodeUnsupportedKeyword: {
		Zh: "[字段「{field}」中]表单不支持「{key}」这种写法。请改用字段设计中提供的设置。",
		En: "[Field {field}: ]Forms do not use {key}. Use the settings the form designer offers."},
	CodeUnknownExtension: {
		Zh: "[字段「{field}」中]不认识的扩展设置「{key}」。[您是不是要写「{suggest}」？]请改正或删掉它。",
		En: "[Field {field}: ]{key} is not an extension we know.[ Did you mean {suggest}?] Correct it or remove it."},
	CodeBadExtension: {
		Zh: "[字段「{field}」的]设置「{key}」不对[：{detail}]。请改正。",
		En: "[Field {field}: ]The setting {key} is wrong[: {detail}]. Correct it."},
	CodeBadField: {
		Zh: "字段「{field}」无法提问[：{detail}]。请在字段设计中重新选择它的类型。",
		En: "Field {field} cannot be asked[: {detail}]. Choose its type again in the form designer."},
	CodeBadKey: {
		Zh: "字段标识「{value}」不能用：标识要以英文字母开头，只含字母、数字和下划线，且不能是表达式的保留字。请换一个标识。",
		En: "The field key {value} cannot be used: a key starts with a letter, holds only letters, digits and underscores, and is not a reserved word of expressions. Choose another."},
	CodeUnknownRequired: {
		Zh: "必填列表里的「{value}」不是本表单的字段。请删掉它，或改成已有字段。",
		En: "{value} in the list of required fields is not a field of this form. Remove it or name an existing field."},
	CodeUnknownFormat: {
		Zh: "[字段「{field}」的]格式「{value}」不受支持。请选择日期、身份证号码、手机号码、行政区划代码等已有格式。",
		En: "[Field {field}: ]The format {value} is not supported. Choose date, resident ID, mobile number, admin code or another format we check."},
	CodeBadWidget: {
		Zh: "字段「{field}」的控件「{value}」与字段类型不符。请换一个适合这种字段的控件。",
		En: "The widget {value} does not fit field {field}. Choose a widget for this kind of field."},
	CodeBadChoices: {
		Zh: "[字段「{field}」的]选项写法不对[：{detail}]。每个选项要有取值和中文名称，取值不能重复。",
		En: "[Field {field}: ]The choices are wrong[: {detail}]. Each choice has a value and a Chinese label, and values do not repeat."},
	CodeCalculateCycle: {
		Zh: "计算项互相依赖，无法算出：{cycle}。请去掉其中一个计算对另一个的引用。",
		En: "Calculated fields depend on each other and cannot be computed: {cycle}. Remove one of the references."},
	CodeRelevanceCycle: {
		Zh: "显示条件（和计算）互相依赖：{cycle}。请去掉其中一个条件对另一个字段的引用。",
		En: "Display conditions (and calculations) depend on each other: {cycle}. Remove one of the references."},
	CodeMissingLabel: {
		Zh: "「{key}」没有中文。请填写中文，填表的人看到的就是它。",
		En: "{key} has no Chinese text. Add it: it is what the person filling the form sees."},
	CodeShadowedFunction: {
		Zh: "字段标识「{value}」与函数同名，表达式里将无法调用这个函数。建议换一个标识。",
		En: "The field key {value} has the name of a function, which expressions then cannot call. Choose another key."},

	// The campaign check
	CodePayTableLate: {
		Zh: "劳务报酬表「{key}」从 {effective} 起生效，晚于工作项目开始日期 {opens}：{opens} 至 {last} 之间完成的工作不计报酬。请把生效日期改为 {opens}，或确认这段时间确实不付报酬。",
		En: "Pay table {key} takes effect on {effective}, after the campaign opens on {opens}: work done from {opens} to {last} earns nothing. Set the date to {opens}, or make sure that period is meant to be unpaid."},
	CodeUnknownKind: {
		Zh: "认不出这是哪种文件。文件名应以 .form.json、.workflow.yaml、.paytable.yaml 或 .campaign.yaml 结尾。",
		En: "This is no kind of definition we know. A file name ends in .form.json, .workflow.yaml, .paytable.yaml or .campaign.yaml."},
	CodeNotPublished: {
		Zh: "引用的文件[「{value}」]还没有发布，也没有可一并发布的草稿。请先保存它的草稿，或改为引用已发布的文件。",
		En: "The file referred to[ ({value})] is neither published nor a draft that can be published with the campaign. Save a draft of it, or refer to a published one."},
	CodeNotFound: {
		Zh: "范围[「{value}」]不存在。请在基本信息中从单位树中重新选择范围。",
		En: "The area[ {value}] does not exist. Choose the area again from the org tree in the basics."},
	CodeOutOfScope: {
		Zh: "超出了您的辖区，或引用了其他单位的文件。请选择您辖区内的范围和文件。",
		En: "This is outside your area, or refers to another unit's file. Choose an area and files within your area."},
	CodeOwnedAbove: {
		Zh: "这份文件属于上级单位，您不能修改。请复制一份作为本单位的文件再改。",
		En: "This file belongs to a unit above yours and you may not change it. Copy it as your unit's file and change the copy."},
	CodeUnknownField: {
		Zh: "引用了表单中没有的字段[「{value}」]。请改成表单中已有的字段，或先在表单中添加它。",
		En: "This refers to a field the form does not have[ ({value})]. Use one of the form's fields, or add it to the form first."},
	CodeWrongPath: {
		Zh: "字段路径[「{value}」]不对：该字段在别的分组下[，应写「{suggest}」]。请写出从表单顶层起的完整路径，或只写字段标识。",
		En: "The field path[ {value}] is wrong: the field sits under other sections[; write {suggest}]. Give the whole path from the top of the form, or just the field's key."},
	CodeBadPath: {
		Zh: "字段引用[「{value}」]的写法不对：应为字段标识，或用点号连接的分组与字段标识（如 personal.respondentId）。",
		En: "The field reference[ {value}] is malformed: write a field's key, or section and field keys joined by dots (personal.respondentId)."},
	CodeFieldInRepeat: {
		Zh: "[「{field}」]在重复组里，每行一个值，这里需要每条记录只有一个值。请改用表单顶层或分组中的字段。",
		En: "[{field} ]is in a repeat group, with one value per row, but one value per record is needed here. Use a field at the top of the form or in a section."},
}

// lintTerms are words the messages put in place of an argument, in both
// languages: what a value should be, a result type, an expression's
// keyword.
var lintTerms = map[string]lintMessage{
	"mapping":      {Zh: "一组“键: 值”（映射）", En: "a mapping of keys to values"},
	"string":       {Zh: "一段文字", En: "a string"},
	"quoted":       {Zh: "加引号的文字", En: "a quoted string"},
	"bool":         {Zh: "true 或 false", En: "true or false"},
	"whole number": {Zh: "整数", En: "a whole number"},
	"number":       {Zh: "数字", En: "a number"},
	"finite":       {Zh: "有限的数字", En: "a finite number"},
	"list":         {Zh: "一个列表", En: "a list"},
	"non-empty":    {Zh: "非空的内容", En: "not empty"},
	"text":         {Zh: "{zh: 中文, en: English} 或一段文字", En: "{zh: …, en: …} or a string"},
	"value":        {Zh: "有值的内容", En: "given a value"},
	"key":          {Zh: "普通文字的键", En: "a plain string key"},
	"form ids":     {Zh: "表单标识的列表", En: "a list of form ids"},
	"fen":          {Zh: "以分为单位的整数（表达式请写在 amount_expr）", En: "a whole number of fen (an expression goes in amount_expr)"},
	// result types
	"any":         {Zh: "任意值", En: "any value"},
	"int":         {Zh: "整数", En: "a whole number"},
	"float":       {Zh: "小数", En: "a decimal number"},
	"time":        {Zh: "日期时间", En: "a date and time"},
	"duration":    {Zh: "时长", En: "a duration"},
	"yes/no":      {Zh: "“是/否”", En: "yes or no"},
	"text result": {Zh: "文字", En: "text"},
	"map":         {Zh: "键值表", En: "a map"},
	// texts of a form
	"x-title":              {Zh: "表单标题", En: "The form's title"},
	"x-label":              {Zh: "字段名称", En: "The field's label"},
	"x-hint":               {Zh: "填写提示", En: "The hint"},
	"x-constraint-message": {Zh: "校验提示", En: "The check's message"},
	"x-required-message":   {Zh: "必填提示", En: "The required message"},
	"label":                {Zh: "选项名称", En: "The choice's label"},
	// expression keywords
	"x-relevant":      {Zh: "显示条件", En: "display condition"},
	"x-constraint":    {Zh: "校验", En: "check"},
	"x-calculate":     {Zh: "计算", En: "calculation"},
	"x-required-if":   {Zh: "必填条件", En: "required-if condition"},
	"x-choice-filter": {Zh: "选项筛选", En: "choice filter"},
}

// LintCodes lists the codes of the table, sorted.
func LintCodes() []string {
	codes := make([]string, 0, len(lintMessages))
	for c := range lintMessages {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// LintTemplate returns the message template of code in lang ("zh" or
// "en"), and whether the code is in the table.
func LintTemplate(code, lang string) (string, bool) {
	lm, ok := lintMessages[code]
	if normLang(lang) == LangEN {
		return lm.En, ok
	}
	return lm.Zh, ok
}

// IsLintCode reports whether code is in the table.
func IsLintCode(code string) bool {
	_, ok := lintMessages[code]
	return ok
}
