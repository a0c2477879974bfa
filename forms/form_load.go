package forms

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"canvass/internal/textdist"
	"canvass/rules"
)

// Diagnostic codes of Load, the rules package's lint codes (declared there
// with their Chinese and English messages). They are stable: tests, the
// lint command and the authoring pages depend on them.
const (
	CodeSyntax             = rules.CodeSyntax             // not JSON
	CodeBadForm            = rules.CodeBadForm            // the top level is not a form
	CodeBadSchema          = rules.CodeBadSchema          // not valid JSON Schema 2020-12
	CodeUnknownKeyword     = rules.CodeUnknownKeyword     // a key that is neither JSON Schema nor x-
	CodeUnsupportedKeyword = rules.CodeUnsupportedKeyword // JSON Schema a form does not use ($ref, oneOf, …)
	CodeUnknownExtension   = rules.CodeUnknownExtension   // an x- key that does not exist (x-relevent)
	CodeBadExtension       = rules.CodeBadExtension       // an x- key with a wrong value
	CodeBadField           = rules.CodeBadField           // a field the engine cannot ask (no type, …)
	CodeBadKey             = rules.CodeBadKey             // a key that cannot be a variable name
	CodeDuplicateKey       = rules.CodeDuplicateKey       // two fields with the same key
	CodeUnknownRequired    = rules.CodeUnknownRequired    // "required" names no property
	CodeUnknownFormat      = rules.CodeUnknownFormat      // a format the engine does not check
	CodeBadWidget          = rules.CodeBadWidget          // a widget that does not fit the field
	CodeBadChoices         = rules.CodeBadChoices         // malformed x-choices
	CodeBadExpression      = rules.CodeBadExpression      // an expression that does not compile
	CodeUnknownIdentifier  = rules.CodeUnknownIdentifier  // an expression names no field in scope
	CodeUnknownFunction    = rules.CodeUnknownFunction    // an expression calls a function that does not exist
	CodeCalculateCycle     = rules.CodeCalculateCycle     // x-calculate fields that depend on each other
	CodeRelevanceCycle     = rules.CodeRelevanceCycle     // x-relevant (and x-calculate) in a circle
	CodeMissingLabel       = rules.CodeMissingLabel       // warning: no Chinese label
	CodeShadowedFunction   = rules.CodeShadowedFunction   // warning: a field key hides a function
)

// Load decodes, lints and compiles a form definition. filename is only used
// in diagnostics. It returns the form and any warnings, or nil and every
// problem found when there is at least one error. Diagnostics are sorted by
// position. Load never panics, whatever src holds.
func Load(filename string, src []byte) (*Form, []rules.Diagnostic) {
	l := &loader{
		file:  filename,
		src:   src,
		exprs: map[*Field][]authoredExpr{},
		nodes: map[*Field]*jsonNode{},
	}
	form := l.load()
	l.nameFields()
	slices.SortStableFunc(l.diags, func(a, b rules.Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), cmp.Compare(a.Code, b.Code))
	})
	if rules.HasErrors(l.diags) {
		return nil, l.diags
	}
	return form, l.diags
}

// loader holds the state of one Load. Nothing of it outlives Load but the
// Form.
type loader struct {
	file   string
	src    []byte
	diags  []rules.Diagnostic
	form   *Form
	broken bool // a field's type is unusable: skip compiling expressions
	exprs  map[*Field][]authoredExpr
	nodes  map[*Field]*jsonNode // each field's schema object
	keyPos map[*Field]int       // offset of each field's key, for diagnostics
	// requiredMsgAt: fields with x-required-message but no x-required-if,
	// at the offset of the key; they must be in their parent's "required".
	requiredMsgAt map[*Field]int
	scopes        []*scope
	count         int
}

// authoredExpr is one expression as written, kept until it is compiled.
type authoredExpr struct {
	keyword string // "x-relevant", …
	src     string
	node    *jsonNode
	ptr     string
}

func (l *loader) report(severity string, off int, ptr, code, format string, args ...any) rules.Finding {
	line, col := lineCol(l.src, off)
	l.diags = append(l.diags, rules.Diagnostic{
		File:     l.file,
		Line:     line,
		Col:      col,
		Code:     code,
		Path:     ptr,
		Message:  fmt.Sprintf(format, args...),
		Severity: severity,
		Snippet:  rules.Snippet(string(l.src), line, col),
	})
	return rules.LastFinding(&l.diags)
}

func (l *loader) errorf(off int, ptr, code, format string, args ...any) rules.Finding {
	return l.report(rules.SeverityError, off, ptr, code, format, args...)
}

func (l *loader) warnf(off int, ptr, code, format string, args ...any) rules.Finding {
	return l.report(rules.SeverityWarning, off, ptr, code, format, args...)
}

func (l *loader) load() *Form {
	root, err := parseJSON(l.src)
	if err != nil {
		se := err.(*jsonSyntaxError)
		l.errorf(se.offset, "", CodeSyntax, "%s", se.msg)
		return nil
	}
	if root.kind != jsonObject {
		l.errorf(root.start, "", CodeBadForm, "a form is a JSON object, not %s", describeKind(root.kind))
		return nil
	}
	schemaOK := l.checkSchema(root)
	l.keyPos = map[*Field]int{}
	l.form = &Form{filename: l.file, byKey: map[string]*Field{}}
	l.decodeRoot(root)
	if l.broken || !schemaOK {
		// Types are unusable or unknown: compiling expressions against
		// them would only add noise. Other findings so far do not stop
		// the expressions from being checked.
		return nil
	}
	l.buildEnvs()
	l.compileExpressions()
	if rules.HasErrors(l.diags) {
		return nil
	}
	l.planEvaluation()
	if rules.HasErrors(l.diags) {
		return nil
	}
	sch, err := compileAnswerSchema(root, l.form)
	if err != nil {
		// The definition passed the metaschema and our own checks, so
		// this is a combination we did not foresee; say where we were.
		l.errorf(root.start, "", CodeBadSchema, "the answer schema does not compile: %v", err)
		return nil
	}
	l.form.schema = sch
	return l.form
}

func describeKind(k jsonKind) string {
	if k == jsonArray {
		return "an array"
	}
	return "a " + k.String()
}

// Keywords by where they may appear. Anything else that does not start
// with "x-" is a typo or a keyword forms do not support.
var (
	rootKeywords = keySet("$schema", "$id", "$comment", "title", "description", "type",
		"properties", "required", "additionalProperties", "minProperties", "maxProperties")
	rootExtensions = keySet("x-form-id", "x-title", "x-summary")

	fieldKeywords = keySet("type", "format", "enum", "const", "default", "title", "description",
		"$comment", "examples", "readOnly", "deprecated",
		"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
		"minLength", "maxLength", "pattern",
		"minItems", "maxItems", "uniqueItems", "items",
		"properties", "required", "additionalProperties", "minProperties", "maxProperties")
	fieldExtensions = keySet("x-label", "x-hint", "x-widget", "x-order", "x-relevant",
		"x-constraint", "x-constraint-message", "x-calculate", "x-required-if",
		"x-required-message", "x-choice-filter", "x-pii", "x-choices")

	rowKeywords = keySet("type", "title", "description", "$comment",
		"properties", "required", "additionalProperties", "minProperties", "maxProperties")
	itemKeywords = keySet("type", "enum", "title", "description", "$comment", "format",
		"minLength", "maxLength", "pattern", "minimum", "maximum")

	// unsupportedKeywords are real JSON Schema, but a form is a plain tree
	// of properties: references and combinators would hide fields from the
	// field tree and give users messages nobody can act on.
	unsupportedKeywords = keySet("$ref", "$defs", "definitions", "$anchor", "$dynamicRef",
		"$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$vocabulary", "$id", "$schema",
		"allOf", "anyOf", "oneOf", "not", "if", "then", "else",
		"dependentRequired", "dependentSchemas", "dependencies", "patternProperties",
		"propertyNames", "prefixItems", "additionalItems", "contains", "minContains",
		"maxContains", "unevaluatedProperties", "unevaluatedItems",
		"contentEncoding", "contentMediaType", "contentSchema", "writeOnly")

	knownFormats = keySet(FormatDate, "date-time", "time", "email", "uri",
		FormatResidentID, FormatMobile, FormatAdminCode)
	knownWidgets = keySet(WidgetText, WidgetTextarea, WidgetInteger, WidgetDecimal, WidgetDate,
		WidgetSelect, WidgetRadio, WidgetCheckbox, WidgetYesNo, WidgetRepeat, WidgetSection,
		WidgetCalculated)
	knownPII = keySet(PIIIDNumber, PIIPhone, PIIName)
)

func keySet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// checkKeys reports every member of obj that is not allowed where obj is.
func (l *loader) checkKeys(obj *jsonNode, ptr string, keywords, extensions map[string]bool, where string) {
	for _, m := range obj.members {
		switch {
		case strings.HasPrefix(m.key, "x-"):
			if !extensions[m.key] {
				hint := ""
				if s := closest(m.key, extensions); s != "" {
					hint = fmt.Sprintf(" (did you mean %s?)", s)
				}
				l.errorf(m.keyStart, joinPointer(ptr, m.key), CodeUnknownExtension,
					"%s is not an extension %s%s", m.key, where, hint).With("suggest", closest(m.key, extensions))
			}
		case keywords[m.key]:
		case unsupportedKeywords[m.key] || rootKeywords[m.key] || fieldKeywords[m.key]:
			l.errorf(m.keyStart, joinPointer(ptr, m.key), CodeUnsupportedKeyword,
				"%s is not supported %s", m.key, where)
		default:
			hint := ""
			if s := closest(m.key, keywords); s != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", s)
			}
			l.errorf(m.keyStart, joinPointer(ptr, m.key), CodeUnknownKeyword,
				"%s is not a JSON Schema keyword forms use%s", m.key, hint).With("suggest", closest(m.key, keywords))
		}
	}
}

func (l *loader) decodeRoot(root *jsonNode) {
	f := l.form
	l.checkKeys(root, "", rootKeywords, rootExtensions, "at the top of a form")
	if t := root.member("type"); t == nil || t.kind != jsonString || t.str != "object" {
		off := root.start
		if t != nil {
			off = t.start
		}
		l.errorf(off, "/type", CodeBadForm, `a form has "type": "object" at the top`)
	}
	if n := root.member("$id"); n != nil && n.kind == jsonString {
		f.id = n.str
	}
	if n := root.member("x-form-id"); n != nil {
		if n.kind != jsonString || !formIDPattern.MatchString(n.str) {
			l.errorf(n.start, "/x-form-id", CodeBadExtension,
				"x-form-id is a lower-case key such as \"fertility-survey\" (letters, digits, '-', '_')").
				WithText("detail", "表单标识只能用小写字母、数字、- 和 _，例如 fertility-survey", "a lower-case key such as fertility-survey")
		} else {
			f.id = n.str
		}
	}
	if n := root.member("title"); n != nil && n.kind == jsonString {
		f.title.ZH = n.str
	}
	if n := root.member("x-title"); n != nil {
		if t, ok := l.text(n, "/x-title", true); ok {
			f.title = Text{ZH: cmp.Or(t.ZH, f.title.ZH), EN: t.EN}
		}
	}
	if f.title.ZH == "" {
		l.warnf(root.start, "", CodeMissingLabel, "the form has no Chinese title (x-title.zh or title)").WithText("key", "表单", "The form")
	}

	f.top = &scope{}
	l.scopes = append(l.scopes, f.top)
	f.fields = l.decodeProperties(root, "", nil, f.top, nil, "")
	l.decodeSummary(root) // form_summary.go: after every field is known
}

var formIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// decodeProperties decodes the properties of the object schema obj (the
// form, a section or a row) and returns its fields in display order.
func (l *loader) decodeProperties(obj *jsonNode, ptr string, parent *Field, sc *scope, path []string, instPtr string) []*Field {
	var fields []*Field
	if props := obj.member("properties"); props != nil && props.kind == jsonObject {
		for _, m := range props.members {
			fd := l.decodeField(m, joinPointer(ptr, "properties", m.key), parent, sc, path, instPtr)
			if fd != nil {
				fields = append(fields, fd)
			}
		}
	}
	if req := obj.member("required"); req != nil && req.kind == jsonArray {
		for i, it := range req.items {
			if it.kind != jsonString {
				continue // the metaschema reports it
			}
			idx := slices.IndexFunc(fields, func(fd *Field) bool { return fd.key == it.str })
			if idx < 0 {
				l.errorf(it.start, joinPointer(ptr, "required", fmt.Sprint(i)), CodeUnknownRequired,
					"required names %q, which is not a property here", it.str).With("value", it.str)
				continue
			}
			fields[idx].required = true
		}
	}
	for _, fd := range fields {
		if off, ok := l.requiredMsgAt[fd]; ok && (!fd.required || fd.typ == "object") {
			l.warnf(off, joinPointer(fd.schemaPtr, "x-required-message"), CodeBadExtension,
				"x-required-message on %s, which is never required: list it in \"required\" or give it x-required-if", fd.key).
				WithText("detail", "这个字段不是必填的，必填提示不会显示；请把它设为必填，或写必填条件", "the field is never required, so the message is never shown; make it required or give it x-required-if")
		}
	}
	slices.SortStableFunc(fields, func(a, b *Field) int {
		return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.docIndex, b.docIndex))
	})
	return fields
}

var keyPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

func (l *loader) decodeField(m jsonMember, ptr string, parent *Field, sc *scope, path []string, instPtr string) *Field {
	node := m.value
	fd := &Field{
		key:       m.key,
		schemaPtr: ptr,
		path:      append(slices.Clone(path), m.key),
		pointer:   joinPointer(instPtr, m.key),
		parent:    parent,
		scope:     sc,
		docIndex:  l.count,
	}
	l.count++
	l.keyPos[fd] = m.keyStart
	l.nodes[fd] = node

	switch {
	case !keyPattern.MatchString(m.key):
		l.errorf(m.keyStart, ptr, CodeBadKey,
			"field key %q must start with a letter and hold only letters, digits and '_' (it is a variable name in expressions)", m.key).With("value", m.key)
		l.broken = true
	case reservedNames[m.key] || keywords[m.key]:
		l.errorf(m.keyStart, ptr, CodeBadKey, "field key %q is reserved in expressions; choose another", m.key).With("value", m.key)
		l.broken = true
	case l.form.byKey[m.key] != nil:
		first := l.form.byKey[m.key]
		line, col := lineCol(l.src, l.keyPos[first])
		l.errorf(m.keyStart, ptr, CodeDuplicateKey,
			"field key %q is already used at %d:%d; keys are unique across the form, sections and repeat groups included", m.key, line, col).With("value", m.key)
	default:
		l.form.byKey[m.key] = fd
		if rules.Reserved(m.key) {
			l.warnf(m.keyStart, ptr, CodeShadowedFunction,
				"field key %q hides the function %s() in this form's expressions; consider another key", m.key, m.key).With("value", m.key)
		}
	}
	l.form.all = append(l.form.all, fd)

	if node.kind != jsonObject {
		l.errorf(node.start, ptr, CodeBadField, "field %s must be an object schema", m.key).
			WithText("detail", "字段的定义要写成一个对象 {…}", "it must be an object schema")
		l.broken = true
		return nil
	}
	l.checkKeys(node, ptr, fieldKeywords, fieldExtensions, "on a field")

	// Type first: everything else depends on it.
	t := node.member("type")
	switch {
	case t == nil:
		l.errorf(m.keyStart, ptr, CodeBadField, `field %s has no "type"`, m.key).WithText("detail", "没有类型（type）", `it has no "type"`)
		l.broken = true
	case t.kind != jsonString:
		if t.kind == jsonArray {
			l.errorf(t.start, ptr+"/type", CodeBadField, "a field has one type, not a list (an unanswered field is simply absent)").
				WithText("detail", "一个字段只有一种类型", "a field has one type, not a list")
		}
		l.broken = true // other kinds: the metaschema reports them
	case t.str == "null":
		l.errorf(t.start, ptr+"/type", CodeBadField, `"null" is not a field type (an unanswered field is simply absent)`).
			WithText("detail", "null 不是字段类型，没填的字段本来就是空的", `"null" is not a field type`)
		l.broken = true
	case !slices.Contains([]string{"string", "integer", "number", "boolean", "array", "object"}, t.str):
		l.broken = true // the metaschema reports it
	default:
		fd.typ = t.str
	}

	if n := node.member("format"); n != nil && n.kind == jsonString {
		fd.format = n.str
		if !knownFormats[n.str] {
			l.errorf(n.start, ptr+"/format", CodeUnknownFormat,
				"format %q is not checked by forms; use one of %s", n.str, strings.Join(sortedKeys(knownFormats), ", ")).With("value", n.str)
		} else if fd.typ != "" && fd.typ != "string" {
			l.errorf(n.start, ptr+"/format", CodeBadField, "format applies to string fields, not %s", fd.typ).
				WithText("detail", "只有文字字段才能设格式", "format applies to string fields")
		}
	}
	if n := node.member("readOnly"); n != nil && n.kind == jsonBool {
		fd.readOnly = n.boolean
	}

	l.decodeExtensions(fd, node, ptr)

	switch fd.typ {
	case "object":
		fd.children = l.decodeProperties(node, ptr, fd, sc, fd.path, fd.pointer)
	case "array":
		l.decodeArray(fd, node, ptr)
	}
	if fd.typ != "" {
		l.decodeChoices(fd, node, ptr)
		l.checkWidget(fd, node, ptr)
	}
	if fd.typ != "object" && fd.typ != "" {
		sc.fields = append(sc.fields, fd)
	}
	return fd
}

// decodeArray decodes the items of an array field: a repeat group (items
// of type object) or a multi-choice field (items of a scalar type).
func (l *loader) decodeArray(fd *Field, node *jsonNode, ptr string) {
	items := node.member("items")
	if items == nil || items.kind != jsonObject {
		off := l.keyPos[fd]
		if items != nil {
			off = items.start
		}
		l.errorf(off, ptr, CodeBadField, `array field %s needs "items": an object schema (a repeat group) or a choice type (several choices)`, fd.key).
			WithText("detail", "重复组或多选字段缺少 items", `it needs "items"`)
		l.broken = true
		return
	}
	iptr := ptr + "/items"
	it := items.member("type")
	if it == nil || it.kind != jsonString {
		l.errorf(items.start, iptr, CodeBadField, `the items of %s need a "type"`, fd.key).WithText("detail", "items 没有类型（type）", `its items need a "type"`)
		l.broken = true
		return
	}
	switch it.str {
	case "object":
		fd.itemType = ""
		l.checkKeys(items, iptr, rowKeywords, nil, "on the items of a repeat group (put x- keys on the array field)")
		row := &scope{group: fd, parent: fd.scope}
		l.scopes = append(l.scopes, row)
		fd.rowScope = row
		fd.children = l.decodeProperties(items, iptr, fd, row, nil, joinPointer(fd.pointer, "*"))
	case "string", "integer", "number":
		fd.itemType = it.str
		l.checkKeys(items, iptr, itemKeywords, nil, "on the items of a multi-choice field (put x- keys on the array field)")
	default:
		l.errorf(it.start, iptr+"/type", CodeBadField,
			`the items of %s are objects (a repeat group) or strings, integers or numbers (several choices), not %s`, fd.key, it.str).
			WithText("detail", "items 的类型只能是对象（重复组）或文字、整数、数字（多选）", "its items are objects, strings, integers or numbers")
		l.broken = true
	}
}

func (l *loader) decodeExtensions(fd *Field, node *jsonNode, ptr string) {
	labelBroken := false
	for _, m := range node.members {
		n, mptr := m.value, joinPointer(ptr, m.key)
		switch m.key {
		case "x-label":
			var ok bool
			if fd.label, ok = l.text(n, mptr, true); !ok {
				labelBroken = true
			}
		case "x-hint":
			fd.hint, _ = l.text(n, mptr, false)
		case "x-widget":
			if n.kind != jsonString || !knownWidgets[n.str] {
				l.errorf(n.start, mptr, CodeBadExtension, "x-widget is one of %s", strings.Join(sortedKeys(knownWidgets), ", ")).
					WithText("detail", "控件只能是 "+strings.Join(sortedKeys(knownWidgets), "、")+" 之一", "it is one of "+strings.Join(sortedKeys(knownWidgets), ", "))
				continue
			}
			fd.widget = n.str
		case "x-order":
			v, ok := intValue(n)
			if !ok {
				l.errorf(n.start, mptr, CodeBadExtension, "x-order is an integer").WithText("detail", "顺序要写整数", "it is an integer")
				continue
			}
			fd.order = v
		case "x-pii":
			if n.kind != jsonString || !knownPII[n.str] {
				l.errorf(n.start, mptr, CodeBadExtension, "x-pii is one of %s", strings.Join(sortedKeys(knownPII), ", ")).
					WithText("detail", "个人信息类别只能是 "+strings.Join(sortedKeys(knownPII), "、")+" 之一", "it is one of "+strings.Join(sortedKeys(knownPII), ", "))
				continue
			}
			if fd.typ != "" && fd.typ != "string" {
				l.errorf(n.start, mptr, CodeBadExtension, "x-pii marks string fields, not %s", fd.typ).
					WithText("detail", "只有文字字段能标为个人信息", "it marks string fields only")
				continue
			}
			fd.pii = n.str
		case "x-constraint-message":
			fd.constraintMsg, _ = l.text(n, mptr, false)
			if node.member("x-constraint") == nil {
				l.errorf(m.keyStart, mptr, CodeBadExtension, "x-constraint-message without x-constraint").
					WithText("detail", "有校验提示却没有校验规则", "there is no x-constraint")
			}
		case "x-required-message":
			fd.requiredMsg, _ = l.text(n, mptr, false)
			if node.member("x-required-if") == nil {
				if l.requiredMsgAt == nil {
					l.requiredMsgAt = map[*Field]int{}
				}
				l.requiredMsgAt[fd] = m.keyStart // checked once "required" is read
			}
		case "x-relevant", "x-constraint", "x-calculate", "x-required-if", "x-choice-filter":
			if n.kind != jsonString || strings.TrimSpace(n.str) == "" {
				l.errorf(n.start, mptr, CodeBadExtension, "%s is an expression in a string", m.key).
					WithText("detail", "表达式要写成一段文字（加引号）", "it is an expression in a string")
				continue
			}
			if m.key == "x-calculate" {
				if fd.typ == "object" || fd.typ == "array" {
					l.errorf(m.keyStart, mptr, CodeBadExtension, "x-calculate computes a single value, not an %s", fd.typ).
						WithText("detail", "计算只能得出一个值，不能用在重复组或多选字段上", "it computes a single value")
					continue
				}
				fd.readOnly = true
			}
			l.exprs[fd] = append(l.exprs[fd], authoredExpr{keyword: m.key, src: n.str, node: n, ptr: mptr})
		}
	}
	if fd.label.ZH == "" {
		if t := node.member("title"); t != nil && t.kind == jsonString {
			fd.label.ZH = t.str
		}
	}
	if fd.label.ZH == "" && !labelBroken {
		l.warnf(l.keyPos[fd], ptr, CodeMissingLabel, "field %s has no Chinese label (x-label.zh or title)", fd.key).With("key", fd.key)
	}
}

// text decodes a {"zh": …, "en": …} text.
// Texts other than labels (which may fall back to title) warn when they
// lack Chinese.
func (l *loader) text(n *jsonNode, ptr string, isLabel bool) (Text, bool) {
	if n.kind != jsonObject {
		l.errorf(n.start, ptr, CodeBadExtension, `a text is an object such as {"zh": "姓名", "en": "Name"}`).
			WithText("detail", `文字要写成 {"zh": "姓名", "en": "Name"} 这样`, `a text is an object such as {"zh": "姓名", "en": "Name"}`)
		return Text{}, false
	}
	var t Text
	ok := true
	for _, m := range n.members {
		if m.value.kind != jsonString {
			l.errorf(m.value.start, joinPointer(ptr, m.key), CodeBadExtension, "a text is a string").WithText("detail", "要写成一段文字", "a text is a string")
			ok = false
			continue
		}
		switch m.key {
		case "zh":
			t.ZH = m.value.str
		case "en":
			t.EN = m.value.str
		default:
			l.errorf(m.keyStart, joinPointer(ptr, m.key), CodeBadExtension, `texts are in "zh" (required) and "en", not %q`, m.key).
				WithText("detail", "文字只有 zh（中文，必填）和 en（英文）两种", `texts are in "zh" and "en"`)
			ok = false
		}
	}
	if ok && t.ZH == "" && !isLabel {
		l.warnf(n.start, ptr, CodeMissingLabel, "this text has no Chinese (zh) version").WithTerm("key", textRole(ptr))
	}
	return t, ok
}

func intValue(n *jsonNode) (int, bool) {
	if n.kind != jsonNumber {
		return 0, false
	}
	var v int
	if _, err := fmt.Sscanf(n.str, "%d", &v); err != nil || fmt.Sprint(v) != n.str {
		return 0, false
	}
	return v, true
}

// decodeChoices reads x-choices, or plain enum values, into fd.choices.
func (l *loader) decodeChoices(fd *Field, node *jsonNode, ptr string) {
	valueType := fd.typ
	enumNode, enumPtr := node.member("enum"), ptr+"/enum"
	if fd.typ == "array" {
		valueType = fd.itemType
		if items := node.member("items"); items != nil {
			enumNode, enumPtr = items.member("enum"), ptr+"/items/enum"
		}
	}
	xc := node.member("x-choices")
	if xc != nil && enumNode != nil {
		l.errorf(xc.start, ptr+"/x-choices", CodeBadChoices, "use either enum or x-choices, not both (x-choices becomes the enum)").
			WithText("detail", "enum 和 x-choices 只能写一个", "use enum or x-choices, not both")
		return
	}
	if xc == nil {
		if enumNode != nil && enumNode.kind == jsonArray && valueType != "" && valueType != "boolean" {
			for _, it := range enumNode.items {
				v, ok := choiceValue(it, valueType)
				if !ok {
					l.errorf(it.start, enumPtr, CodeBadChoices, "enum values of a %s field are %ss", valueType, valueType).
						WithText("detail", "取值的类型与字段类型不一致", "enum values of a "+valueType+" field are "+valueType+"s")
					return
				}
				fd.choices = append(fd.choices, Choice{value: v})
			}
		}
		if node.member("x-choice-filter") != nil {
			l.errorf(node.member("x-choice-filter").start, ptr+"/x-choice-filter", CodeBadExtension, "x-choice-filter needs choices (x-choices)").
				WithText("detail", "选项筛选需要先有选项（x-choices）", "it needs choices (x-choices)")
		}
		return
	}
	xptr := ptr + "/x-choices"
	if fd.typ == "object" || fd.typ == "boolean" || (fd.typ == "array" && fd.itemType == "") {
		l.errorf(xc.start, xptr, CodeBadChoices, "x-choices fits string, integer and number fields and multi-choice arrays, not this %s", fd.typ).
			WithText("detail", "只有文字、整数、数字和多选字段能有选项", "choices fit string, integer, number and multi-choice fields")
		return
	}
	if xc.kind != jsonArray || len(xc.items) == 0 {
		l.errorf(xc.start, xptr, CodeBadChoices, `x-choices is a non-empty list of {"value": …, "label": {"zh": …, "en": …}}`).
			WithText("detail", "选项列表不能是空的", "it is an empty list")
		return
	}
	seen := map[string]bool{}
	for i, it := range xc.items {
		iptr := joinPointer(xptr, fmt.Sprint(i))
		if it.kind != jsonObject {
			l.errorf(it.start, iptr, CodeBadChoices, `a choice is an object {"value": …, "label": {…}}`).
				WithText("detail", `每个选项写成 {"value": …, "label": {…}}`, `a choice is an object {"value": …, "label": {…}}`)
			continue
		}
		c := Choice{}
		var hasValue, hasLabel, bad bool
		for _, m := range it.members {
			switch m.key {
			case "value":
				hasValue = true
				v, ok := choiceValue(m.value, valueType)
				if !ok {
					l.errorf(m.value.start, iptr+"/value", CodeBadChoices, "choice values of this field are %ss", valueType).
						WithText("detail", "选项取值的类型与字段类型不一致", "choice values are "+valueType+"s")
					bad = true
					continue
				}
				if seen[fmt.Sprint(v)] {
					l.errorf(m.value.start, iptr+"/value", CodeBadChoices, "choice value %v appears twice", v).
						WithText("detail", fmt.Sprintf("取值 %v 重复了", v), fmt.Sprintf("value %v appears twice", v))
					bad = true
					continue
				}
				seen[fmt.Sprint(v)] = true
				c.value = v
			case "label":
				c.label, _ = l.text(m.value, iptr+"/label", false)
				hasLabel = true
			default:
				if !keyPattern.MatchString(m.key) {
					l.errorf(m.keyStart, joinPointer(iptr, m.key), CodeBadChoices,
						"extra choice key %q must be a name (letters, digits, '_') so filters can use choiceData.%s", m.key, m.key).
						WithText("detail", "附加项「"+m.key+"」只能用字母、数字和 _", "extra key "+m.key+" must be a name")
					continue
				}
				if c.extra == nil {
					c.extra = map[string]any{}
				}
				c.extra[m.key] = plainValue(m.value)
			}
		}
		if !hasValue {
			l.errorf(it.start, iptr, CodeBadChoices, `a choice needs a "value"`).WithText("detail", "有选项缺少取值（value）", `a choice needs a "value"`)
		}
		if !hasValue || bad {
			continue
		}
		if !hasLabel {
			l.warnf(it.start, iptr, CodeMissingLabel, "choice %v has no label", c.value).With("key", fmt.Sprint(c.value))
		}
		fd.choices = append(fd.choices, c)
	}
}

// choiceValue converts an enum or choice value to the field's Go type.
func choiceValue(n *jsonNode, typ string) (any, bool) {
	switch typ {
	case "string":
		if n.kind == jsonString {
			return n.str, true
		}
	case "integer":
		if v, ok := intValue(n); ok {
			return v, true
		}
	case "number":
		if n.kind == jsonNumber {
			var f float64
			if _, err := fmt.Sscan(n.str, &f); err == nil {
				return f, true
			}
		}
	}
	return nil, false
}

// defaultWidget returns the widget a field gets without x-widget.
func defaultWidget(fd *Field, calculated bool) string {
	switch {
	case calculated:
		return WidgetCalculated
	case fd.typ == "object":
		return WidgetSection
	case fd.typ == "array" && fd.itemType == "":
		return WidgetRepeat
	case fd.typ == "array":
		return WidgetCheckbox
	case len(fd.choices) > 0:
		return WidgetSelect
	case fd.typ == "string" && fd.format == FormatDate:
		return WidgetDate
	case fd.typ == "string":
		return WidgetText
	case fd.typ == "integer":
		return WidgetInteger
	case fd.typ == "number":
		return WidgetDecimal
	}
	return WidgetYesNo
}

// widgetFits reports whether widget w can ask field fd.
func widgetFits(w string, fd *Field, calculated bool) bool {
	scalar := fd.typ == "string" || fd.typ == "integer" || fd.typ == "number"
	switch w {
	case WidgetCalculated:
		return calculated
	case WidgetText, WidgetTextarea:
		return fd.typ == "string" && len(fd.choices) == 0 && !calculated
	case WidgetDate:
		return fd.typ == "string" && fd.format == FormatDate && !calculated
	case WidgetInteger:
		return fd.typ == "integer" && len(fd.choices) == 0 && !calculated
	case WidgetDecimal:
		return fd.typ == "number" && len(fd.choices) == 0 && !calculated
	case WidgetSelect, WidgetRadio:
		return scalar && len(fd.choices) > 0 && !calculated
	case WidgetCheckbox:
		return fd.typ == "array" && fd.itemType != "" && len(fd.choices) > 0
	case WidgetYesNo:
		return fd.typ == "boolean" && !calculated
	case WidgetRepeat:
		return fd.typ == "array" && fd.itemType == ""
	case WidgetSection:
		return fd.typ == "object"
	}
	return false
}

func (l *loader) checkWidget(fd *Field, node *jsonNode, ptr string) {
	calculated := false
	for _, e := range l.exprs[fd] {
		calculated = calculated || e.keyword == "x-calculate"
	}
	if fd.typ == "array" && fd.itemType != "" && len(fd.choices) == 0 {
		l.errorf(l.keyPos[fd], ptr, CodeBadField, "multi-choice field %s needs x-choices (or items.enum)", fd.key).
			WithText("detail", "多选字段没有选项", "it needs choices")
	}
	if fd.widget == "" {
		fd.widget = defaultWidget(fd, calculated)
		return
	}
	if !widgetFits(fd.widget, fd, calculated) {
		n := node.member("x-widget")
		l.errorf(n.start, ptr+"/x-widget", CodeBadWidget, "widget %s does not fit this field (%s); it would get %s",
			fd.widget, describeField(fd, calculated), defaultWidget(fd, calculated)).With("value", fd.widget)
	}
}

func describeField(fd *Field, calculated bool) string {
	var parts []string
	switch {
	case fd.typ == "array" && fd.itemType == "":
		parts = append(parts, "array of objects")
	case fd.typ == "array":
		parts = append(parts, "array of "+fd.itemType)
	default:
		parts = append(parts, fd.typ)
	}
	if fd.format != "" {
		parts = append(parts, "format "+fd.format)
	}
	if len(fd.choices) > 0 {
		parts = append(parts, "with choices")
	}
	if calculated {
		parts = append(parts, "calculated")
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// closest returns the candidate within edit distance 2 of s, if one is; of
// equally near ones, the first in sorted order.
func closest(s string, candidates map[string]bool) string {
	return textdist.Closest(s, sortedKeys(candidates), 2)
}

// plainValue converts a node to the Go values expressions meet: numbers
// as int when whole, float64 otherwise.
func plainValue(n *jsonNode) any {
	switch n.kind {
	case jsonNumber:
		if v, ok := intValue(n); ok {
			return v
		}
		v, _ := choiceValue(n, "number")
		return v
	case jsonArray:
		out := make([]any, len(n.items))
		for i, it := range n.items {
			out[i] = plainValue(it)
		}
		return out
	case jsonObject:
		out := make(map[string]any, len(n.members))
		for _, m := range n.members {
			out[m.key] = plainValue(m.value)
		}
		return out
	}
	return n.value()
}
