package rules

import (
	"slices"
	"strconv"
	"strings"
)

// Languages of a lint message: Chinese, the default, and English.
const (
	LangZH = "zh"
	LangEN = "en"
)

// normLang maps a page language ("zh-CN", "en", "en-GB", "") to LangZH or
// LangEN.
func normLang(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return LangEN
	}
	return LangZH
}

// Text is the diagnostic's message in lang (zh or en; a page's "zh-CN"
// is zh): its code's template from the code table, filled in from Args.
// Message stays the linter's own English text, for the CLI and the API.
// An argument "x" is read as Args["x.zh"] or Args["x.en"] first, then
// Args["x"]; "key" defaults to the last step of Path, "line" and "col"
// to the position. A code missing from the table falls back to Message.
func (d Diagnostic) Text(lang string) string {
	text, _ := d.render(lang)
	return text
}

// render is Text, with the arguments it lacked.
func (d Diagnostic) render(lang string) (string, []string) {
	lang = normLang(lang)
	lm, ok := lintMessages[d.Code]
	if !ok {
		return d.Message, nil
	}
	tmpl := lm.Zh
	if lang == LangEN {
		tmpl = lm.En
	}
	return renderTemplate(tmpl, func(name string) string {
		if v := d.Args[name+"."+lang]; v != "" {
			return v
		}
		if v := d.Args[name]; v != "" {
			return v
		}
		switch name {
		case "key":
			return lastStep(d.Path)
		case "line":
			if d.Line > 0 {
				return strconv.Itoa(d.Line)
			}
		case "col":
			if d.Col > 0 {
				return strconv.Itoa(d.Col)
			}
		}
		return ""
	})
}

// MissingArgs lists the arguments d's message needs outside its optional
// parts that d does not have (shown as "…"): a linter that forgot one.
// Nil when d's code is not in the table.
func (d Diagnostic) MissingArgs() []string {
	var missing []string
	for _, lang := range []string{LangZH, LangEN} {
		_, m := d.render(lang)
		for _, name := range m {
			if !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
		}
	}
	return missing
}

// With sets the argument name of d's message and returns d.
func (d Diagnostic) With(name, value string) Diagnostic {
	d.Args = withArg(d.Args, name, value)
	return d
}

func withArg(args map[string]string, name, value string) map[string]string {
	if args == nil {
		args = map[string]string{}
	}
	args[name] = value
	return args
}

// Finding is a diagnostic just appended to a linter's list, so that the
// emit site can add the arguments its message names:
//
//	l.Errorf(at, path, rules.CodeUnknownRole, "unknown role %q", v).With("value", v)
//
// The zero Finding (a finding that was dropped) ignores them.
type Finding struct {
	list *[]Diagnostic
	i    int
}

// LastFinding is the last diagnostic of *list, or the zero Finding when
// it is empty.
func LastFinding(list *[]Diagnostic) Finding {
	if len(*list) == 0 {
		return Finding{}
	}
	return Finding{list: list, i: len(*list) - 1}
}

func (f Finding) set(name, value string) Finding {
	if f.list != nil && value != "" {
		d := &(*f.list)[f.i]
		d.Args = withArg(d.Args, name, value)
	}
	return f
}

// With sets the language-neutral argument name: a key, a value as
// written, a number.
func (f Finding) With(name, value string) Finding { return f.set(name, value) }

// WithText sets the argument name in Chinese and English: a label, a
// sentence of detail.
func (f Finding) WithText(name, zh, en string) Finding {
	return f.set(name+"."+LangZH, zh).set(name+"."+LangEN, en)
}

// WithTerm sets the argument name to one of the terms of the code table
// ("mapping", "whole number", "x-relevant"…), in both languages.
func (f Finding) WithTerm(name, term string) Finding {
	t, ok := lintTerms[term]
	if !ok {
		return f.set(name, term)
	}
	return f.WithText(name, t.Zh, t.En)
}

// WithCompileError sets "detail" to the compile error's own message in
// both languages, and "name"/"suggest" when it names them.
func (f Finding) WithCompileError(ce *CompileError) Finding {
	if ce == nil {
		return f
	}
	zh := strings.TrimRight(ce.Text(LangZH), "。")
	en := strings.TrimRight(ce.Text(LangEN), ".")
	if en != "" && en[0] >= 'A' && en[0] <= 'Z' {
		en = strings.ToLower(en[:1]) + en[1:]
	}
	return f.WithText("detail", zh, en).With("name", ce.Ident).With("suggest", ce.Suggest)
}

// Text is the compile error's message in lang, from the code table:
// "没有函数「ageFrom」，您是不是要用「ageFromID」？".
func (e *CompileError) Text(lang string) string {
	return e.diagnostic().Text(lang)
}

// diagnostic is e as a Diagnostic with its arguments, without a file.
func (e *CompileError) diagnostic() Diagnostic {
	d := Diagnostic{Line: e.Line, Col: e.Col, Code: e.Code, Message: e.Message, Severity: SeverityError}
	for k, v := range e.Args {
		d.Args = withArg(d.Args, k, v)
	}
	if e.Ident != "" {
		d.Args = withArg(d.Args, "name", e.Ident)
	}
	if e.Suggest != "" {
		d.Args = withArg(d.Args, "suggest", e.Suggest)
	}
	return d
}

// renderTemplate fills {name} placeholders from arg. A part in [brackets]
// is left out when any placeholder in it has no value; outside brackets a
// missing value shows as "…" and is listed in missing.
func renderTemplate(tmpl string, arg func(string) string) (text string, missing []string) {
	var b strings.Builder
	fill := func(s string) {
		for _, name := range placeholders(s) {
			if arg(name) == "" {
				missing = append(missing, name)
			}
		}
		b.WriteString(fillPlaceholders(s, arg))
	}
	for tmpl != "" {
		i := strings.IndexByte(tmpl, '[')
		j := strings.IndexByte(tmpl, ']')
		if i < 0 || j < i { // the table test refuses a stray ]
			fill(tmpl)
			break
		}
		fill(tmpl[:i])
		part := tmpl[i+1 : j]
		complete := true
		for _, name := range placeholders(part) {
			if arg(name) == "" {
				complete = false
			}
		}
		if complete {
			b.WriteString(fillPlaceholders(part, arg))
		}
		tmpl = tmpl[j+1:]
	}
	return b.String(), missing
}

// fillPlaceholders replaces the placeholders of s, a missing value by "…".
func fillPlaceholders(s string, arg func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		v := arg(s[i+1 : i+j])
		if v == "" {
			v = "…"
		}
		b.WriteString(v)
		s = s[i+j+1:]
	}
}

// placeholders lists the {names} in s, in order.
func placeholders(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

// lastStep is the last step of a JSON pointer or dotted YAML path, without
// a list index: "states.review.remind.times" → "times", "/properties/age"
// → "age", "forms[2]" → "forms".
func lastStep(path string) string {
	if i := strings.LastIndexAny(path, "./"); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	return strings.ReplaceAll(strings.ReplaceAll(path, "~1", "/"), "~0", "~")
}

// resultTerms name the result types of expressions for the messages.
var resultTerms = map[string]string{"bool": "yes/no", "string": "text result", "list": "list"}

// resultArgs are the got and want arguments of a wrong_result message,
// from type names as typeLabel and Result.String give them.
func resultArgs(got, want string) map[string]string {
	args := map[string]string{}
	for name, typ := range map[string]string{"got": got, "want": want} {
		term := typ
		if t, ok := resultTerms[typ]; ok {
			term = t
		}
		if t, ok := lintTerms[term]; ok {
			args[name+"."+LangZH], args[name+"."+LangEN] = t.Zh, t.En
		} else {
			args[name] = typ
		}
	}
	return args
}
