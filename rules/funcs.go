package rules

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/builtin"
)

// function is one entry of the library: its implementation, the
// signatures the checker accepts (overloads, tried in order) and whether
// it takes the run state as a hidden first argument.
type function struct {
	fn      func(args ...any) (any, error)
	types   []any
	withRun bool
}

// Signature helpers, so the tables below read as types.
type (
	tim = time.Time
	dur = time.Duration
)

// library is the function library, the same in every kind. Dates given as
// strings are "2006-01-02" (a day in China) or RFC 3339.
var library = map[string]function{
	"age": {fnAge, []any{
		new(func(string, tim) int), new(func(tim, tim) int), new(func(string, string) int), new(func(tim, string) int),
	}, false},
	"idBirthDate":    {fnIDBirthDate, []any{new(func(string) tim)}, false},
	"idSex":          {fnIDSex, []any{new(func(string) string)}, false},
	"validID":        {fnValidID, []any{new(func(string) bool), new(func(string, tim) bool), new(func(string, string) bool)}, false},
	"validMobile":    {fnValidMobile, []any{new(func(string) bool)}, false},
	"validAdminCode": {fnValidAdminCode, []any{new(func(string) bool)}, false},
	"date":           {fnDate, []any{new(func(string) tim)}, false},
	"daysBetween": {fnDaysBetween, []any{
		new(func(tim, tim) int), new(func(string, tim) int), new(func(tim, string) int), new(func(string, string) int),
	}, false},
	"addDays":    {fnAddDays, []any{new(func(tim, int) tim), new(func(string, int) tim)}, false},
	"days":       {fnDays, []any{new(func(int) dur), new(func(float64) dur)}, false},
	"hours":      {fnHours, []any{new(func(int) dur), new(func(float64) dur)}, false},
	"quarterOf":  {fnQuarterOf, []any{new(func(tim) int), new(func(string) int)}, false},
	"quarterEnd": {fnQuarterEnd, []any{new(func(tim) tim), new(func(string) tim)}, false},
	"monthEnd":   {fnMonthEnd, []any{new(func(tim) tim), new(func(string) tim)}, false},
	"addMonths":  {fnAddMonths, []any{new(func(tim, int) tim), new(func(string, int) tim)}, false},
	"addYears":   {fnAddYears, []any{new(func(tim, int) tim), new(func(string, int) tim)}, false},
	"monthsBetween": {fnMonthsBetween, []any{
		new(func(tim, tim) int), new(func(string, tim) int), new(func(tim, string) int), new(func(string, string) int),
	}, false},
	"roundHalfUp": {fnRoundHalfUp, []any{new(func(float64, int) float64), new(func(int, int) float64)}, false},
	"fen":         {fnFen, []any{new(func(float64) int), new(func(int) int)}, false},
	"yuan":        {fnYuan, []any{new(func(int) float64)}, false},
	"repeat":      {fnRepeat, []any{new(func(string, int) string)}, true},
	"replace":     {fnReplace, []any{new(func(string, string, string) string)}, true},
	"join":        {fnJoin, []any{new(func([]any, string) string), new(func([]any) string), new(func([]string, string) string), new(func([]string) string)}, true},
	"uniq":        {fnUniq, []any{new(func([]any) []any), new(func([]int) []any), new(func([]string) []any), new(func([]float64) []any)}, true},
}

// disabledBuiltins are expr built-ins expressions may not use: now and
// timezone would make results depend on when and where they run; the
// encoders can grow their input several times over and rules do not need
// them.
var disabledBuiltins = []string{"now", "timezone", "toJSON", "toBase64", "fromBase64"}

// exprOptions are the options every Compile shares: the library, the guard
// functions and the disabled built-ins.
var exprOptions = func() []expr.Option {
	var opts []expr.Option
	for name, f := range library {
		opts = append(opts, expr.Function(name, f.fn, f.types...))
	}
	for name, fn := range guardFuncs {
		opts = append(opts, expr.Function(name, fn))
	}
	for _, name := range disabledBuiltins {
		opts = append(opts, expr.DisableBuiltin(name))
	}
	return opts
}()

// keywords are the words expr's grammar reserves.
var keywords = []string{"true", "false", "nil", "in", "not", "and", "or", "matches",
	"contains", "startsWith", "endsWith", "let", "if", "else"}

// Reserved reports whether name is a keyword, a function of the library
// or an expr built-in: a variable of that name cannot be used (keywords)
// or hides the function (the rest). Linters warn about form fields so
// named.
func Reserved(name string) bool {
	if _, ok := library[name]; ok {
		return true
	}
	if _, ok := builtin.Index[name]; ok {
		for _, d := range disabledBuiltins {
			if d == name {
				return false
			}
		}
		return true
	}
	for _, k := range keywords {
		if k == name {
			return true
		}
	}
	return false
}

// Functions returns the names of the library functions, sorted; expr's
// built-ins (len, map, filter, upper, …) come on top.
func Functions() []string {
	names := make([]string, 0, len(library))
	for name := range library {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// --- argument conversion ---

// argTime accepts a time.Time or a date string.
func argTime(fn string, v any) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		return v, nil
	case string:
		tm, err := parseDate(v)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s: %w", fn, err)
		}
		return tm, nil
	}
	return time.Time{}, fmt.Errorf("%s: want a time or a date string, got %s", fn, typeName(v))
}

// parseDate parses "2006-01-02" as the start of that day in China, or an
// RFC 3339 time, and returns it in UTC.
func parseDate(s string) (time.Time, error) {
	if tm, err := time.ParseInLocation(time.DateOnly, s, Shanghai); err == nil {
		return tm.UTC(), nil
	}
	if tm, err := time.Parse(time.RFC3339, s); err == nil {
		return tm.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (2006-01-02) or an RFC 3339 time", s)
}

// argInt accepts any integer, or a float with an integral value (numbers
// decoded from JSON are float64).
func argInt(fn string, v any) (int, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Uint() <= math.MaxInt64 {
			return int(rv.Uint()), nil
		}
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int(f), nil
		}
		return 0, fmt.Errorf("%s: want an integer, got %v", fn, f)
	}
	return 0, fmt.Errorf("%s: want an integer, got %s", fn, typeName(v))
}

// argFloat accepts any number.
func argFloat(fn string, v any) (float64, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	}
	return 0, fmt.Errorf("%s: want a number, got %s", fn, typeName(v))
}

func argString(fn string, v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("%s: want a string, got %s", fn, typeName(v))
}

func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

// --- calendar ---

// civil returns t's calendar day in China.
func civil(tm time.Time) (int, time.Month, int) {
	return tm.In(Shanghai).Date()
}

// dayStart is the start of the given day in China, in UTC.
func dayStart(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, Shanghai).UTC()
}

// birthOf returns the birth day of a resident ID, a date string or a time.
func birthOf(fn string, v any) (int, time.Month, int, error) {
	if s, ok := v.(string); ok && len(s) == 18 {
		id, err := ParseResidentID(s, time.Time{})
		if err != nil {
			return 0, 0, 0, fmt.Errorf("%s: %w", fn, err)
		}
		y, m, d := id.BirthDate.Date()
		return y, m, d, nil
	}
	tm, err := argTime(fn, v)
	if err != nil {
		return 0, 0, 0, err
	}
	y, m, d := civil(tm)
	return y, m, d, nil
}

// fnAge: age(idOrDate, at) is the completed years at at's day in China:
// the count goes up on the birthday itself, and for someone born on
// 29 February on 1 March in common years.
func fnAge(args ...any) (any, error) {
	by, bm, bd, err := birthOf("age", args[0])
	if err != nil {
		return nil, err
	}
	at, err := argTime("age", args[1])
	if err != nil {
		return nil, err
	}
	ay, am, ad := civil(at)
	years := ay - by
	if am < bm || am == bm && ad < bd {
		years--
	}
	if years < 0 {
		return nil, fmt.Errorf("age: born %04d-%02d-%02d, after %04d-%02d-%02d", by, bm, bd, ay, am, ad)
	}
	return years, nil
}

func parseID(fn string, v any) (ResidentID, error) {
	s, err := argString(fn, v)
	if err != nil {
		return ResidentID{}, err
	}
	id, err := ParseResidentID(s, time.Time{})
	if err != nil {
		return ResidentID{}, fmt.Errorf("%s: %w", fn, err)
	}
	return id, nil
}

// fnIDBirthDate: idBirthDate(id) is the start of the birth day in China.
func fnIDBirthDate(args ...any) (any, error) {
	id, err := parseID("idBirthDate", args[0])
	if err != nil {
		return nil, err
	}
	return dayStart(id.BirthDate.Date()), nil
}

func fnIDSex(args ...any) (any, error) {
	id, err := parseID("idSex", args[0])
	if err != nil {
		return nil, err
	}
	return id.Sex, nil
}

// fnValidID: validID(id) and validID(id, at); anything but a valid ID
// string, nil included, is false.
func fnValidID(args ...any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return false, nil
	}
	var ref time.Time
	if len(args) > 1 {
		var err error
		if ref, err = argTime("validID", args[1]); err != nil {
			return nil, err
		}
	}
	_, err := ParseResidentID(s, ref)
	return err == nil, nil
}

func fnValidMobile(args ...any) (any, error) {
	s, ok := args[0].(string)
	return ok && ValidMobile(s), nil
}

func fnValidAdminCode(args ...any) (any, error) {
	s, ok := args[0].(string)
	return ok && ValidAdminCode(s), nil
}

func fnDate(args ...any) (any, error) {
	s, err := argString("date", args[0])
	if err != nil {
		return nil, err
	}
	tm, err := parseDate(s)
	if err != nil {
		return nil, fmt.Errorf("date: %w", err)
	}
	return tm, nil
}

// fnDaysBetween: daysBetween(a, b) is b's day minus a's day, in China.
func fnDaysBetween(args ...any) (any, error) {
	a, err := argTime("daysBetween", args[0])
	if err != nil {
		return nil, err
	}
	b, err := argTime("daysBetween", args[1])
	if err != nil {
		return nil, err
	}
	ay, am, ad := civil(a)
	by, bm, bd := civil(b)
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da) / (24 * time.Hour)), nil
}

func fnAddDays(args ...any) (any, error) {
	tm, err := argTime("addDays", args[0])
	if err != nil {
		return nil, err
	}
	n, err := argInt("addDays", args[1])
	if err != nil {
		return nil, err
	}
	if n > 1e6 || n < -1e6 {
		return nil, fmt.Errorf("addDays: %d days is out of range", n)
	}
	return tm.AddDate(0, 0, n).UTC(), nil
}

// durationOf multiplies unit by a number of units, refusing overflow.
func durationOf(fn string, v any, unit time.Duration) (any, error) {
	f, err := argFloat(fn, v)
	if err != nil {
		return nil, err
	}
	x := f * float64(unit)
	if math.IsNaN(x) || math.Abs(x) >= math.MaxInt64 {
		return nil, fmt.Errorf("%s: %v is out of range", fn, f)
	}
	return time.Duration(math.Round(x)), nil
}

func fnDays(args ...any) (any, error)  { return durationOf("days", args[0], 24*time.Hour) }
func fnHours(args ...any) (any, error) { return durationOf("hours", args[0], time.Hour) }

func fnQuarterOf(args ...any) (any, error) {
	tm, err := argTime("quarterOf", args[0])
	if err != nil {
		return nil, err
	}
	_, m, _ := civil(tm)
	return (int(m)-1)/3 + 1, nil
}

// fnQuarterEnd: quarterEnd(t) is the instant t's quarter ends in China,
// 00:00 on the first day of the next quarter. A deadline "the 15th after the
// quarter" is then quarterEnd(t) + days(15): the end of that 15th day, so a
// report filed at any time on the 15th is on time.
func fnQuarterEnd(args ...any) (any, error) {
	tm, err := argTime("quarterEnd", args[0])
	if err != nil {
		return nil, err
	}
	y, m, _ := civil(tm)
	last := time.Month((int(m)-1)/3*3 + 3)
	return dayStart(y, last+1, 1), nil
}

// fnMonthEnd: monthEnd(t) is the instant t's month ends in China, 00:00 on
// the first day of the next month (see fnQuarterEnd).
func fnMonthEnd(args ...any) (any, error) {
	tm, err := argTime("monthEnd", args[0])
	if err != nil {
		return nil, err
	}
	y, m, _ := civil(tm)
	return dayStart(y, m+1, 1), nil
}

// maxMonths bounds addMonths' count (and addYears' × 12): ten thousand
// years either way, far beyond any campaign, well within time.Time.
const maxMonths = 12 * 10000

// addMonths moves tm by n calendar months in China, keeping the time of
// day; a day the target month lacks becomes its last day (31 January + 1
// month = 28 or 29 February).
func addMonths(fn string, tm time.Time, n int) (time.Time, error) {
	if n > maxMonths || n < -maxMonths {
		return time.Time{}, fmt.Errorf("%s: %d months is out of range", fn, n)
	}
	local := tm.In(Shanghai)
	y, m, d := local.Date()
	h, mi, s := local.Clock()
	months := int(m) - 1 + n // months since January of year y
	ty, tmon := y+floorDiv(months, 12), time.Month(floorMod(months, 12)+1)
	d = min(d, daysIn(ty, tmon))
	return time.Date(ty, tmon, d, h, mi, s, local.Nanosecond(), Shanghai).UTC(), nil
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }

// daysIn is the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// fnAddMonths: addMonths(t, n) is t plus n calendar months in China, the
// day clamped to the target month's last day.
func fnAddMonths(args ...any) (any, error) {
	tm, err := argTime("addMonths", args[0])
	if err != nil {
		return nil, err
	}
	n, err := argInt("addMonths", args[1])
	if err != nil {
		return nil, err
	}
	return addMonths("addMonths", tm, n)
}

// fnAddYears: addYears(t, n) is addMonths(t, 12 × n): 29 February plus a
// year is 28 February.
func fnAddYears(args ...any) (any, error) {
	tm, err := argTime("addYears", args[0])
	if err != nil {
		return nil, err
	}
	n, err := argInt("addYears", args[1])
	if err != nil {
		return nil, err
	}
	if n > maxMonths/12 || n < -maxMonths/12 {
		return nil, fmt.Errorf("addYears: %d years is out of range", n)
	}
	return addMonths("addYears", tm, 12*n)
}

// fnMonthsBetween: monthsBetween(a, b) is the whole calendar months from
// a's day to b's day in China, counted as age counts years: a month is
// complete on the day of the month a fell on, or on the 1st of the month
// after when b's month is too short (31 January to 28 February is 0 months,
// to 1 March 1). When b is before a the count is negative:
// monthsBetween(a, b) = −monthsBetween(b, a).
func fnMonthsBetween(args ...any) (any, error) {
	a, err := argTime("monthsBetween", args[0])
	if err != nil {
		return nil, err
	}
	b, err := argTime("monthsBetween", args[1])
	if err != nil {
		return nil, err
	}
	ay, am, ad := civil(a)
	by, bm, bd := civil(b)
	if by < ay || by == ay && (bm < am || bm == am && bd < ad) {
		return -wholeMonths(by, bm, bd, ay, am, ad), nil
	}
	return wholeMonths(ay, am, ad, by, bm, bd), nil
}

// wholeMonths counts the months completed from the first day to the
// second, which is not before it.
func wholeMonths(ay int, am time.Month, ad, by int, bm time.Month, bd int) int {
	n := (by-ay)*12 + int(bm) - int(am)
	if bd < ad {
		n--
	}
	return n
}

// --- money ---

// maxPlaces bounds roundHalfUp's places.
const maxPlaces = 20

// roundDecimal rounds |x| × 10^places half up and returns the integer
// digits of the result and x's sign. It rounds the shortest decimal that
// prints as x (strconv's 'f', -1), not x's binary value, so 1.005 rounds
// to 1.01 as a person would expect, although the float64 nearest 1.005 is
// slightly below it.
func roundDecimal(x float64, places int) (digits string, neg bool, err error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "", false, fmt.Errorf("%v is not a finite number", x)
	}
	if places < -maxPlaces || places > maxPlaces {
		return "", false, fmt.Errorf("places %d is out of range [-%d, %d]", places, maxPlaces, maxPlaces)
	}
	neg = x < 0
	s := strconv.FormatFloat(math.Abs(x), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	all := intPart + frac
	keep := len(intPart) + places // digits of all left of the rounding point
	switch {
	case keep < 0:
		return "0", neg, nil
	case keep >= len(all):
		digits = all + strings.Repeat("0", keep-len(all))
	default:
		digits = all[:keep]
		if all[keep] >= '5' {
			digits = incrementDigits(digits)
		}
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		digits = "0"
	}
	return digits, neg, nil
}

// incrementDigits adds one to a string of decimal digits.
func incrementDigits(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

// RoundHalfUp rounds x to places decimal places (negative: to tens,
// hundreds…), halves away from zero: 2.5 → 3, -2.5 → -3, 1.005 → 1.01
// (the decimal x prints as is rounded, see fen).
func RoundHalfUp(x float64, places int) (float64, error) {
	digits, neg, err := roundDecimal(x, places)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(digits+"e"+strconv.Itoa(-places), 64)
	if err != nil {
		return 0, err
	}
	if neg && f != 0 {
		f = -f
	}
	return f, nil
}

// Fen converts yuan to integer fen, rounding half up (away from zero) the
// decimal yuan prints as: Fen(0.5) = 50, Fen(1.005) = 101, Fen(-0.125) =
// -13. Amounts beyond int64 are an error.
func Fen(yuan float64) (int64, error) {
	digits, neg, err := roundDecimal(yuan, 2)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%v yuan is out of range", yuan)
	}
	if neg {
		n = -n
	}
	return n, nil
}

func fnRoundHalfUp(args ...any) (any, error) {
	x, err := argFloat("roundHalfUp", args[0])
	if err != nil {
		return nil, err
	}
	places, err := argInt("roundHalfUp", args[1])
	if err != nil {
		return nil, err
	}
	r, err := RoundHalfUp(x, places)
	if err != nil {
		return nil, fmt.Errorf("roundHalfUp: %w", err)
	}
	return r, nil
}

func fnFen(args ...any) (any, error) {
	if n, err := argInt("fen", args[0]); err == nil {
		if n > math.MaxInt64/100 || n < math.MinInt64/100 {
			return nil, fmt.Errorf("fen: %d yuan is out of range", n)
		}
		return n * 100, nil
	}
	x, err := argFloat("fen", args[0])
	if err != nil {
		return nil, err
	}
	n, err := Fen(x)
	if err != nil {
		return nil, fmt.Errorf("fen: %w", err)
	}
	return int(n), nil
}

func fnYuan(args ...any) (any, error) {
	n, err := argInt("yuan", args[0])
	if err != nil {
		return nil, err
	}
	return float64(n) / 100, nil
}

// --- expr built-ins replaced to charge the run's string budget ---

func fnRepeat(args ...any) (any, error) {
	r := run(args)
	s, err := argString("repeat", args[1])
	if err != nil {
		return nil, err
	}
	n, err := argInt("repeat", args[2])
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("repeat: negative count %d", n)
	}
	if len(s) > 0 && n > MaxStringBytes/len(s) {
		return nil, fmt.Errorf("repeat: %w", ErrStringBudget)
	}
	if err := r.alloc(len(s) * n); err != nil {
		return nil, fmt.Errorf("repeat: %w", err)
	}
	return strings.Repeat(s, n), nil
}

func fnReplace(args ...any) (any, error) {
	r := run(args)
	var s [3]string
	for i := range s {
		var err error
		if s[i], err = argString("replace", args[i+1]); err != nil {
			return nil, err
		}
	}
	n := strings.Count(s[0], s[1])
	if grow := len(s[2]) - len(s[1]); grow > 0 && n > 0 {
		if grow > MaxStringBytes/n {
			return nil, fmt.Errorf("replace: %w", ErrStringBudget)
		}
		if err := r.alloc(len(s[0]) + n*grow); err != nil {
			return nil, fmt.Errorf("replace: %w", err)
		}
	}
	return strings.ReplaceAll(s[0], s[1], s[2]), nil
}

func fnJoin(args ...any) (any, error) {
	r := run(args)
	sep := ""
	if len(args) > 2 {
		var err error
		if sep, err = argString("join", args[2]); err != nil {
			return nil, err
		}
	}
	var parts []string
	switch list := args[1].(type) {
	case []string:
		parts = list
	case []any:
		parts = make([]string, len(list))
		for i, v := range list {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("join: element %d is %s, not a string", i, typeName(v))
			}
			parts[i] = s
		}
	default:
		return nil, fmt.Errorf("join: want a list of strings, got %s", typeName(args[1]))
	}
	size := len(sep) * max(len(parts)-1, 0)
	for _, p := range parts {
		size += len(p)
		if size > MaxStringBytes {
			return nil, fmt.Errorf("join: %w", ErrStringBudget)
		}
	}
	if err := r.alloc(size); err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	return strings.Join(parts, sep), nil
}

// fnUniq keeps the first of equal elements, in order, in linear time;
// lists and maps among the elements are charged by their size.
func fnUniq(args ...any) (any, error) {
	r := run(args)
	list, ok := args[1].([]any)
	if !ok {
		rv := reflect.ValueOf(args[1])
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return nil, fmt.Errorf("uniq: want a list, got %s", typeName(args[1]))
		}
		list = make([]any, rv.Len())
		for i := range list {
			list[i] = rv.Index(i).Interface()
		}
	}
	if err := r.step(len(list)); err != nil {
		return nil, err
	}
	out := []any{}
	seen := map[any]bool{}
	buckets := map[string][]any{} // lists and maps by their printed form
	for _, v := range list {
		if v != nil && !reflect.TypeOf(v).Comparable() || isCompound(v) {
			if err := r.charge(v, true); err != nil { // printing costs its size
				return nil, err
			}
			key := fmt.Sprintf("%#v", v)
			if slices.ContainsFunc(buckets[key], func(o any) bool { return reflect.DeepEqual(o, v) }) {
				continue
			}
			buckets[key] = append(buckets[key], v)
			out = append(out, v)
			continue
		}
		key := v
		if n, err := argInt("", v); err == nil {
			key = n // 1, int64(1) and 1.0 are equal in expr
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, v)
		}
	}
	return out, nil
}
