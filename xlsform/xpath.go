package xlsform

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"canvass/rules"
)

// fieldInfo is what the translator needs to know about a field.
type fieldInfo struct {
	key    string
	kind   string // "string", "integer", "number", "boolean", "date", "multi", "repeat", "group"
	repeat string // key of the innermost enclosing repeat group, "" at the top
}

// exprContext is where an expression is translated.
type exprContext struct {
	fields  map[string]*fieldInfo
	self    *fieldInfo // the field the expression belongs to ("." names it)
	choices bool       // a choice_filter: bare names are columns of the choices sheet
	broken  map[string]bool
}

// TranslateError is an expression that cannot be translated. Offset is the
// 0-based rune offset in the expression.
type TranslateError struct {
	Offset int
	ZH, EN string
}

func (e *TranslateError) Error() string { return e.EN }

func terr(off int, zh, en string) *TranslateError {
	return &TranslateError{Offset: off, ZH: zh, EN: en}
}

// ExprPrefix marks a cell holding an expression in the rules language
// rather than XPath; Export writes one when an expression has no XPath form.
const ExprPrefix = "expr:"

// ToRules translates an XLSForm (XPath) expression into the rules
// language. fields maps the form's field keys to what they are.
func toRules(src string, cx *exprContext) (string, error) {
	if rest, ok := strings.CutPrefix(strings.TrimSpace(src), ExprPrefix); ok {
		return strings.TrimSpace(rest), nil
	}
	toks, err := lex(src)
	if err != nil {
		return "", err
	}
	p := &xparser{toks: toks}
	n, err := p.parse(0)
	if err != nil {
		return "", err
	}
	if p.peek().kind != tEOF {
		t := p.peek()
		return "", terr(t.pos, fmt.Sprintf("表达式在「%s」处多出内容，请检查括号和运算符", t.text),
			fmt.Sprintf("unexpected %q; check the brackets and operators", t.text))
	}
	s, _, err := cx.emit(n)
	return s, err
}

// Tokens.
type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tRef
	tName
	tOp
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func lex(src string) ([]token, error) {
	rs := []rune(src)
	var out []token
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '$' && i+1 < len(rs) && rs[i+1] == '{':
			j := i + 2
			for j < len(rs) && rs[j] != '}' {
				j++
			}
			if j == len(rs) {
				return nil, terr(i, "「${」没有配对的「}」", `"${" has no closing "}"`)
			}
			out = append(out, token{tRef, strings.TrimSpace(string(rs[i+2 : j])), i})
			i = j + 1
		case r == '\'' || r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != r {
				j++
			}
			if j == len(rs) {
				return nil, terr(i, "引号没有配对", "a quote is not closed")
			}
			out = append(out, token{tStr, string(rs[i+1 : j]), i})
			i = j + 1
		case r >= '0' && r <= '9' || r == '.' && i+1 < len(rs) && rs[i+1] >= '0' && rs[i+1] <= '9':
			j := i
			for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == '.') {
				j++
			}
			out = append(out, token{tNum, string(rs[i:j]), i})
			i = j
		case r == '.':
			if i+1 < len(rs) && rs[i+1] == '.' {
				out = append(out, token{tOp, "..", i})
				i += 2
			} else {
				out = append(out, token{tOp, ".", i})
				i++
			}
		case unicode.IsLetter(r) || r == '_':
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == ':' ||
				rs[j] == '-' && j+1 < len(rs) && unicode.IsLetter(rs[j+1])) {
				j++
			}
			out = append(out, token{tName, string(rs[i:j]), i})
			i = j
		case strings.ContainsRune("()[],+-*|/@", r):
			out = append(out, token{tOp, string(r), i})
			i++
		case r == '=' || r == '<' || r == '>' || r == '!':
			if i+1 < len(rs) && rs[i+1] == '=' {
				out = append(out, token{tOp, string(rs[i : i+2]), i})
				i += 2
			} else if r == '!' {
				return nil, terr(i, "「!」要写成「!=」，取反请用 not(…)", `"!" must be "!="; write not(…) to negate`)
			} else {
				out = append(out, token{tOp, string(r), i})
				i++
			}
		default:
			if r > 0xFF00 && r < 0xFF5F || r == '，' || r == '（' || r == '）' || r == '“' || r == '”' || r == '‘' || r == '’' {
				return nil, terr(i, fmt.Sprintf("表达式里有全角符号「%c」，请改成半角（英文）符号", r),
					fmt.Sprintf("the expression holds the full-width character %q; use its ASCII form", r))
			}
			return nil, terr(i, fmt.Sprintf("表达式里不能有「%c」", r), fmt.Sprintf("%q cannot appear in an expression", r))
		}
	}
	return append(out, token{tEOF, "", len(rs)}), nil
}

// xnode is a parsed XPath expression.
type xnode struct {
	kind string // num, str, ref, dot, dotdot, name, call, neg, bin
	text string // literal, name, function or operator
	args []*xnode
	pos  int
}

type xparser struct {
	toks []token
	i    int
}

func (p *xparser) peek() token { return p.toks[p.i] }
func (p *xparser) next() token { t := p.toks[p.i]; p.i++; return t }

// binaryPrec is XPath's precedence of a binary operator, 0 for none.
func binaryPrec(t token) int {
	if t.kind == tName {
		switch t.text {
		case "or":
			return 1
		case "and":
			return 2
		case "div", "mod":
			return 6
		}
		return 0
	}
	if t.kind != tOp {
		return 0
	}
	switch t.text {
	case "=", "!=":
		return 3
	case "<", "<=", ">", ">=":
		return 4
	case "+", "-":
		return 5
	case "*":
		return 6
	}
	return 0
}

func (p *xparser) parse(min int) (*xnode, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		prec := binaryPrec(t)
		if prec == 0 || prec <= min {
			if t.kind == tOp && (t.text == "/" || t.text == "[" || t.text == "|" || t.text == "@") {
				return nil, terr(t.pos, fmt.Sprintf("不支持 XPath 路径和谓词（「%s」）；请用 ${名称} 引用题目，对重复组用 sum()、count()", t.text),
					fmt.Sprintf("XPath paths and predicates (%q) are not supported; refer to questions as ${name}, use sum() or count() over repeats", t.text))
			}
			return left, nil
		}
		p.next()
		right, err := p.parse(prec)
		if err != nil {
			return nil, err
		}
		left = &xnode{kind: "bin", text: t.text, args: []*xnode{left, right}, pos: t.pos}
	}
}

func (p *xparser) unary() (*xnode, error) {
	t := p.next()
	switch {
	case t.kind == tOp && t.text == "-":
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &xnode{kind: "neg", args: []*xnode{n}, pos: t.pos}, nil
	case t.kind == tNum:
		text := t.text
		var err error
		if strings.Contains(text, ".") {
			text = strings.TrimSuffix("0"+text, ".") // .5 → 0.5, 5. → 5
			var f float64
			if f, err = strconv.ParseFloat(text, 64); err == nil {
				text = strconv.FormatFloat(f, 'f', -1, 64)
				if !strings.Contains(text, ".") {
					text += ".0"
				}
			}
		} else {
			_, err = strconv.ParseInt(text, 10, 64)
		}
		if err != nil {
			return nil, terr(t.pos, fmt.Sprintf("「%s」不是数字，或超出范围", t.text), fmt.Sprintf("%q is not a number or is out of range", t.text))
		}
		return &xnode{kind: "num", text: text, pos: t.pos}, nil
	case t.kind == tStr:
		return &xnode{kind: "str", text: t.text, pos: t.pos}, nil
	case t.kind == tRef:
		return &xnode{kind: "ref", text: t.text, pos: t.pos}, nil
	case t.kind == tOp && t.text == ".":
		return &xnode{kind: "dot", pos: t.pos}, nil
	case t.kind == tOp && t.text == "..":
		return &xnode{kind: "dotdot", pos: t.pos}, nil
	case t.kind == tOp && t.text == "(":
		n, err := p.parse(0)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tOp || c.text != ")" {
			return nil, terr(c.pos, "缺少「)」", `")" is missing`)
		}
		return n, nil
	case t.kind == tName:
		if p.peek().kind == tOp && p.peek().text == "(" {
			p.next()
			call := &xnode{kind: "call", text: t.text, pos: t.pos}
			if c := p.peek(); c.kind == tOp && c.text == ")" {
				p.next()
				return call, nil
			}
			for {
				a, err := p.parse(0)
				if err != nil {
					return nil, err
				}
				call.args = append(call.args, a)
				c := p.next()
				if c.kind == tOp && c.text == ")" {
					return call, nil
				}
				if c.kind != tOp || c.text != "," {
					return nil, terr(c.pos, fmt.Sprintf("%s() 的参数之间要用逗号分隔，最后要有「)」", t.text),
						fmt.Sprintf("the arguments of %s() are separated by commas and closed by \")\"", t.text))
				}
			}
		}
		return &xnode{kind: "name", text: t.text, pos: t.pos}, nil
	case t.kind == tEOF:
		return nil, terr(t.pos, "表达式不完整", "the expression is incomplete")
	case t.kind == tOp && (t.text == "/" || t.text == "@" || t.text == "["):
		return nil, terr(t.pos, fmt.Sprintf("不支持 XPath 路径（「%s」）；请用 ${名称} 引用题目", t.text),
			fmt.Sprintf("XPath paths (%q) are not supported; refer to questions as ${name}", t.text))
	}
	return nil, terr(t.pos, fmt.Sprintf("表达式在「%s」处有误", t.text), fmt.Sprintf("unexpected %q", t.text))
}

// Precedence in the rules language, for parentheses.
func rulesPrec(op string) int {
	switch op {
	case "||":
		return 1
	case "&&":
		return 2
	case "==", "!=", "<", "<=", ">", ">=":
		return 3
	case "+", "-":
		return 4
	case "*", "/", "%":
		return 5
	}
	return 9
}

// unsupported names the XPath functions people use that Canvass refuses,
// with what to use instead.
var unsupported = map[string][2]string{
	"pulldata":            {"请把外部数据做成选项表，用 choice_filter 级联筛选", "put the data in a choice list and filter it with choice_filter"},
	"now":                 {"请用 today()（即活动的调查时点）", "use today() (the campaign's reference time)"},
	"once":                {"请用 default 列给默认值", "use the default column"},
	"uuid":                {"记录编号由系统自动生成，无需计算", "records get their ID automatically"},
	"random":              {"抽样由活动的抽查设置完成", "spot-check samples are drawn by the campaign"},
	"indexed-repeat":      {"请用 sum() 或 count() 汇总重复组", "sum() or count() over the repeat group"},
	"jr:choice-name":      {"导出和页面会自动显示选项标题", "exports and pages show choice labels automatically"},
	"format-date":         {"请直接比较日期，或用 daysBetween()", "compare dates directly or use daysBetween()"},
	"format-date-time":    {"请直接比较日期，或用 daysBetween()", "compare dates directly or use daysBetween()"},
	"max":                 {"请用 if() 比较", "compare with if()"},
	"min":                 {"请用 if() 比较", "compare with if()"},
	"substr":              {"请用 starts-with() 或 regex()", "use starts-with() or regex()"},
	"selected-at":         {"请用 selected()", "use selected()"},
	"digest":              {"不需要计算摘要，身份证号码会自动加密", "ID numbers are encrypted automatically"},
	"geofence":            {"Canvass 不采集位置", "Canvass does not collect locations"},
	"area":                {"Canvass 不采集位置", "Canvass does not collect locations"},
	"distance":            {"Canvass 不采集位置", "Canvass does not collect locations"},
	"translate":           {"请用 regex() 检查", "check with regex()"},
	"string":              {"请用 concat()", "use concat()"},
	"number":              {"数字题的值本来就是数字", "number questions already hold numbers"},
	"boolean-from-string": {"请直接比较", "compare directly"},
}

// canvassFuncs are the rules library's functions, accepted as they are.
var canvassFuncs = func() map[string]bool {
	m := map[string]bool{}
	for _, d := range rules.FunctionDocs() {
		m[d.Name] = true
	}
	return m
}()

func (cx *exprContext) ref(name string, pos int) (string, *fieldInfo, error) {
	fi := cx.fields[name]
	if fi == nil && cx.broken[name] {
		return "nil", &fieldInfo{key: "nil"}, nil // its row has an error already
	}
	if fi == nil {
		return "", nil, terr(pos, fmt.Sprintf("${%s} 引用的题目不存在，请检查名称（name 列）", name),
			fmt.Sprintf("${%s} names no question; check the name column", name))
	}
	return fi.key, fi, nil
}

// emit returns the rules-language text of n, its precedence (for
// parentheses) and its kind ("date", "multi", "repeat" or "").
func (cx *exprContext) emit(n *xnode) (string, string, error) {
	s, _, k, err := cx.emitP(n)
	return s, k, err
}

func paren(s string, prec, min int) string {
	if prec < min {
		return "(" + s + ")"
	}
	return s
}

func quote(s string) string {
	plain := !strings.ContainsAny(s, `'\`)
	for _, r := range s {
		plain = plain && unicode.IsPrint(r)
	}
	if plain {
		return "'" + s + "'"
	}
	return strconv.Quote(s)
}

func (cx *exprContext) emitP(n *xnode) (string, int, string, error) {
	switch n.kind {
	case "num":
		return n.text, 9, "", nil
	case "str":
		return quote(n.text), 9, "str", nil
	case "ref":
		key, fi, err := cx.ref(n.text, n.pos)
		if err != nil {
			return "", 0, "", err
		}
		return key, 9, fi.kind, nil
	case "dot":
		if cx.self == nil || cx.self.kind == "group" || cx.self.kind == "repeat" {
			return "", 0, "", terr(n.pos, "「.」只能用在题目自己的约束里", `"." is only for a question's own constraint`)
		}
		return cx.self.key, 9, cx.self.kind, nil
	case "dotdot":
		return "", 0, "", terr(n.pos, "「..」只能写在 position(..) 里", `".." is only for position(..)`)
	case "name":
		switch n.text {
		case "and", "or", "div", "mod":
			return "", 0, "", terr(n.pos, fmt.Sprintf("「%s」前后都要有值", n.text), fmt.Sprintf("%q needs a value on each side", n.text))
		}
		if cx.choices {
			if n.text == "name" {
				return "choice", 9, "", nil
			}
			return "choiceData." + n.text, 9, "", nil
		}
		return "", 0, "", terr(n.pos, fmt.Sprintf("「%s」不是题目引用；请写成 ${%s}", n.text, n.text),
			fmt.Sprintf("%q is not a question reference; write ${%s}", n.text, n.text))
	case "neg":
		s, p, _, err := cx.emitP(n.args[0])
		if err != nil {
			return "", 0, "", err
		}
		return "-" + paren(s, p, 9), 8, "", nil
	case "bin":
		return cx.emitBinary(n)
	case "call":
		return cx.emitCall(n)
	}
	return "", 0, "", terr(n.pos, "无法识别的表达式", "unrecognized expression")
}

func (cx *exprContext) emitBinary(n *xnode) (string, int, string, error) {
	op := map[string]string{"or": "||", "and": "&&", "=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
		"+": "+", "-": "-", "*": "*", "div": "/", "mod": "%"}[n.text]
	prec := rulesPrec(op)
	l, r := n.args[0], n.args[1]
	if op == "==" || op == "!=" {
		// ${x} = '' tests for an empty answer: nil in the rules language.
		if r.kind == "str" && r.text == "" {
			l, r = r, l
		}
		if l.kind == "str" && l.text == "" {
			s, p, _, err := cx.emitP(r)
			if err != nil {
				return "", 0, "", err
			}
			return paren(s, p, prec+1) + " " + op + " nil", prec, "", nil
		}
	}
	ls, lp, lk, err := cx.emitP(l)
	if err != nil {
		return "", 0, "", err
	}
	rs, rp, rk, err := cx.emitP(r)
	if err != nil {
		return "", 0, "", err
	}
	if prec == 3 && (lk == "date" || rk == "date" || lk == "time" || rk == "time") {
		// Dates compare as times: a date question holds a string.
		ls, lp = asDate(ls, lk, lp)
		rs, rp = asDate(rs, rk, rp)
	}
	return paren(ls, lp, prec) + " " + op + " " + paren(rs, rp, prec+1), prec, "", nil
}

// asDate turns a date question or a date literal into a time.
func asDate(s, kind string, p int) (string, int) {
	if kind == "date" || kind == "str" {
		return "date(" + s + ")", 9
	}
	return s, p
}

func (cx *exprContext) args(n *xnode, want ...int) ([]string, []string, error) {
	if !slices.Contains(want, len(n.args)) {
		w := fmt.Sprint(want[0])
		if len(want) > 1 {
			w = fmt.Sprintf("%d–%d", want[0], want[len(want)-1])
		}
		if len(want) == 1 && want[0] < 0 {
			w = "至少一"
		}
		return nil, nil, terr(n.pos, fmt.Sprintf("%s() 要 %s 个参数，这里有 %d 个", n.text, w, len(n.args)),
			fmt.Sprintf("%s() takes %s argument(s), not %d", n.text, strings.Replace(w, "至少一", "at least one", 1), len(n.args)))
	}
	var out, kinds []string
	for _, a := range n.args {
		s, p, k, err := cx.emitP(a)
		if err != nil {
			return nil, nil, err
		}
		if p < 9 {
			s = "(" + s + ")"
		}
		out = append(out, s)
		kinds = append(kinds, k)
	}
	return out, kinds, nil
}

func (cx *exprContext) emitCall(n *xnode) (string, int, string, error) {
	name := n.text
	switch name {
	case "true", "false":
		if len(n.args) == 0 {
			return name, 9, "", nil
		}
	case "today":
		if len(n.args) == 0 {
			return "refTime", 9, "time", nil
		}
	case "position":
		if len(n.args) == 1 && n.args[0].kind == "dotdot" {
			if cx.self == nil || cx.self.repeat == "" {
				return "", 0, "", terr(n.pos, "position(..) 只能用在重复组里的题目上", "position(..) is only for questions inside a repeat group")
			}
			return "rowIndex + 1", 4, "", nil
		}
		return "", 0, "", terr(n.pos, "只支持 position(..)（当前是第几行）", "only position(..) (the current row's number) is supported")
	case "not":
		a, _, err := cx.args(n, 1)
		if err != nil {
			return "", 0, "", err
		}
		return "!" + a[0], 8, "", nil
	case "selected":
		if len(n.args) != 2 || n.args[0].kind != "ref" && n.args[0].kind != "dot" {
			return "", 0, "", terr(n.pos, "selected() 的写法是 selected(${题目}, '选项值')", "selected() is written selected(${question}, 'value')")
		}
		a, k, err := cx.args(n, 2)
		if err != nil {
			return "", 0, "", err
		}
		if k[0] == "multi" {
			return a[1] + " in (" + a[0] + " ?? [])", 3, "", nil
		}
		return a[0] + " == " + a[1], 3, "", nil
	case "count-selected":
		a, _, err := cx.args(n, 1)
		if err != nil {
			return "", 0, "", err
		}
		return "len(" + a[0] + " ?? [])", 9, "", nil
	case "count":
		a, k, err := cx.args(n, 1)
		if err != nil {
			return "", 0, "", err
		}
		if k[0] != "repeat" {
			return "", 0, "", terr(n.pos, "count() 只能数重复组的行数：count(${重复组})", "count() counts the rows of a repeat group: count(${group})")
		}
		return "len(" + a[0] + " ?? [])", 9, "", nil
	case "sum":
		if len(n.args) != 1 || n.args[0].kind != "ref" {
			return "", 0, "", terr(n.pos, "sum() 的写法是 sum(${重复组里的题目})", "sum() is written sum(${question in a repeat group})")
		}
		_, fi, err := cx.ref(n.args[0].text, n.args[0].pos)
		if err != nil {
			return "", 0, "", err
		}
		if fi.repeat == "" || cx.self != nil && cx.self.repeat == fi.repeat {
			return "", 0, "", terr(n.pos, "sum() 汇总的是重复组里的题目，且要写在该组外面", "sum() adds up a question of a repeat group, from outside that group")
		}
		return "sum(" + fi.repeat + " ?? [], ." + fi.key + " ?? 0)", 9, "", nil
	case "string-length":
		a, _, err := cx.args(n, 1)
		if err != nil {
			return "", 0, "", err
		}
		return "len(" + a[0] + " ?? '')", 9, "", nil
	case "regex":
		a, _, err := cx.args(n, 2)
		if err != nil {
			return "", 0, "", err
		}
		return "(" + a[0] + " ?? '') matches " + a[1], 3, "", nil
	case "contains":
		a, _, err := cx.args(n, 2)
		if err != nil {
			return "", 0, "", err
		}
		return "(" + a[0] + " ?? '') contains " + a[1], 3, "", nil
	case "starts-with":
		a, _, err := cx.args(n, 2)
		if err != nil {
			return "", 0, "", err
		}
		return "(" + a[0] + " ?? '') startsWith " + a[1], 3, "", nil
	case "if":
		a, _, err := cx.args(n, 3)
		if err != nil {
			return "", 0, "", err
		}
		return "(" + a[0] + " ? " + a[1] + " : " + a[2] + ")", 9, "", nil
	case "coalesce":
		a, _, err := cx.args(n, 2)
		if err != nil {
			return "", 0, "", err
		}
		return "(" + a[0] + " ?? " + a[1] + ")", 9, "", nil
	case "concat":
		if len(n.args) == 0 {
			return "", 0, "", terr(n.pos, "concat() 至少要一个参数", "concat() takes at least one argument")
		}
		a, kinds, err := cx.args(n, len(n.args))
		if err != nil {
			return "", 0, "", err
		}
		parts := make([]string, len(a))
		for i, s := range a {
			if kinds[i] == "str" {
				parts[i] = s // a literal is never nil
			} else {
				parts[i] = "string(" + s + " ?? '')"
			}
		}
		return strings.Join(parts, " + "), 4, "", nil
	case "int":
		a, _, err := cx.args(n, 1)
		if err != nil {
			return "", 0, "", err
		}
		return "int(" + a[0] + ")", 9, "", nil
	case "round":
		a, _, err := cx.args(n, 1, 2)
		if err != nil {
			return "", 0, "", err
		}
		if len(a) == 1 {
			a = append(a, "0")
		}
		return "roundHalfUp(" + a[0] + ", " + a[1] + ")", 9, "", nil
	case "date":
		a, k, err := cx.args(n, 1)
		if err != nil {
			return "", 0, "", err
		}
		if k[0] == "time" {
			return a[0], 9, "time", nil
		}
		return "date(" + a[0] + ")", 9, "time", nil
	case "decimal-date-time":
		a, _, err := cx.args(n, 1)
		if err != nil {
			return "", 0, "", err
		}
		return "daysBetween('1970-01-01', " + a[0] + ")", 9, "", nil
	}
	if canvassFuncs[name] {
		a, _, err := cx.args(n, len(n.args))
		if err != nil {
			return "", 0, "", err
		}
		kind := ""
		if sig := funcResult(name); sig == "time" {
			kind = "time"
		}
		return name + "(" + strings.Join(a, ", ") + ")", 9, kind, nil
	}
	if alt, ok := unsupported[name]; ok {
		return "", 0, "", terr(n.pos, fmt.Sprintf("不支持 %s()；%s", name, alt[0]), fmt.Sprintf("%s() is not supported; %s", name, alt[1]))
	}
	return "", 0, "", terr(n.pos, fmt.Sprintf("不支持 %s()；可用的函数见 docs/xlsform.md", name),
		fmt.Sprintf("%s() is not supported; docs/xlsform.md lists the functions you can use", name))
}

// funcResult returns the result type word of a library function's
// signature ("time", "int"…).
func funcResult(name string) string {
	for _, d := range rules.FunctionDocs() {
		if d.Name == name {
			if i := strings.LastIndexByte(d.Signature, ' '); i >= 0 {
				return d.Signature[i+1:]
			}
		}
	}
	return ""
}
