package yamldoc

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"canvass/rules"
)

// Name patterns shared by the definition files.
var (
	// IDPattern is a definition's id: lower-case letters, digits and
	// dashes, e.g. "census-trainers-2026".
	IDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	// NamePattern is a name inside a definition (a state, an item, a
	// budget line): lower-case letters, digits and underscores, starting
	// with a letter. Such names are also valid expression identifiers.
	NamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// ExprPos maps a 1-based line and column inside the expression held by s to
// a position in the file. Plain and quoted scalars on one line and literal
// blocks (|) map exactly; anything else maps to the scalar's start.
func (d *Decoder) ExprPos(s Scalar, line, col int) Pos {
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	switch n := s.Node.(type) {
	case *ast.StringNode:
		if line != 1 || strings.Contains(strings.TrimSpace(n.Token.Origin), "\n") {
			return s.At
		}
		p := TokenPos(n.Token)
		if n.Token.Type == token.DoubleQuoteType || n.Token.Type == token.SingleQuoteType {
			p.Col++ // the opening quote
		}
		p.Col += col - 1
		return p
	case *ast.LiteralNode:
		if n.Start.Type != token.LiteralType {
			return s.At
		}
		// The content starts on the line after the indicator, indented.
		first := TokenPos(n.Start).Line + 1
		lines := d.srcLines()
		indent := 0
		for i := first - 1; i < len(lines); i++ {
			if t := strings.TrimLeft(lines[i], " "); t != "" {
				indent = len(lines[i]) - len(t)
				break
			}
		}
		return Pos{first + line - 1, indent + col}
	}
	return s.At
}

// Compile compiles the expression in s against env for the result want,
// reporting bad_expression at the position of the fault inside the file.
// It returns nil when the expression does not compile.
func (d *Decoder) Compile(s Scalar, env *rules.Env, want rules.Result) *rules.Program {
	if strings.TrimSpace(s.Val) == "" {
		d.Errorf(s.At, s.Path, rules.CodeBadExpression, "empty expression").WithText("detail", "表达式是空的", "it is empty")
		return nil
	}
	prog, err := rules.Compile(s.Val, env, want)
	if err == nil {
		return prog
	}
	at := s.At
	var ce *rules.CompileError
	if errors.As(err, &ce) {
		at = d.ExprPos(s, ce.Line, ce.Col)
		err = fmt.Errorf("%s", ce.Message)
	}
	d.Errorf(at, s.Path, rules.CodeBadExpression, "%v", err).WithCompileError(ce)
	return nil
}

// Date parses s as a calendar date, "2006-01-02", and returns the instant
// that day starts in China (rules.Shanghai), in UTC. A bad date is reported
// as bad_date.
func (d *Decoder) Date(s Scalar) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s.Val), rules.Shanghai)
	if err != nil {
		d.Errorf(s.At, s.Path, rules.CodeBadDate, "%q is not a date; write it as 2006-01-02", s.Val).With("value", s.Val)
		return time.Time{}, false
	}
	return t.UTC(), true
}

// Instant parses s as an RFC 3339 time with its offset
// ("2026-12-06T00:00:00+08:00") or as a date (the start of that day in
// China), and returns it in UTC. A bad value is reported as bad_date.
func (d *Decoder) Instant(s Scalar) (time.Time, bool) {
	v := strings.TrimSpace(s.Val)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), true
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, rules.Shanghai); err == nil {
		return t.UTC(), true
	}
	d.Errorf(s.At, s.Path, rules.CodeBadDate, "%q is not a time; write it as 2006-01-02T15:04:05+08:00 or 2006-01-02", s.Val).With("value", s.Val)
	return time.Time{}, false
}

// Periods a definition may count in (ledger, reports, caps, spot checks).
const (
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
)

// Periods lists the period names a definition may use.
var Periods = []string{PeriodMonth, PeriodQuarter}

// PeriodKey returns the period of kind (PeriodMonth or PeriodQuarter) that
// t falls in, on China's calendar: "2026-11" or "2026-Q4". Any other kind
// is taken as a month.
func PeriodKey(kind string, t time.Time) string {
	local := t.In(rules.Shanghai)
	if kind == PeriodQuarter {
		return fmt.Sprintf("%04d-Q%d", local.Year(), (int(local.Month())+2)/3)
	}
	return fmt.Sprintf("%04d-%02d", local.Year(), int(local.Month()))
}

// Period decodes a period name, reporting bad_value for anything but
// PeriodMonth and PeriodQuarter. It returns "" when s is not set or wrong.
func (d *Decoder) Period(s Scalar) string {
	if !s.Set {
		return ""
	}
	if !slices.Contains(Periods, s.Val) {
		d.Errorf(s.At, s.Path, rules.CodeBadValue, "period must be %s or %s, not %q", PeriodMonth, PeriodQuarter, s.Val).
			With("value", s.Val).With("want", PeriodMonth+" / "+PeriodQuarter)
		return ""
	}
	return s.Val
}
