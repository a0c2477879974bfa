package rules

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// eval compiles src in a deadline environment with t (a time) and s (a
// string) declared, and runs it.
func eval(t *testing.T, src string, vars map[string]any) (any, error) {
	t.Helper()
	env := NewEnv(KindDeadline).Var("t", time.Time{}).Var("s", "").Var("n", 0).Var("x", 0.0).Var("v", nil)
	p, err := Compile(src, env, ResultAny)
	if err != nil {
		t.Fatalf("Compile(%q): %v", src, err)
	}
	return p.Run(vars)
}

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// cst is the start of a day in China, in UTC.
func cst(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, Shanghai).UTC()
}

func TestFunctions(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		vars    map[string]any
		want    any
		wantErr string
	}{
		// age
		{name: "age from ID, day before birthday", src: `age("370102199003071238", date("2026-03-06"))`, want: 35},
		{name: "age from ID, on birthday", src: `age("370102199003071238", date("2026-03-07"))`, want: 36},
		{name: "age from ID, day after birthday", src: `age("370102199003071238", date("2026-03-08"))`, want: 36},
		{name: "age at birth", src: `age("1990-03-07", "1990-03-07")`, want: 0},
		{name: "age from a time", src: `age(t, "2026-03-07")`, vars: map[string]any{"t": utc(1990, 3, 7, 0, 0)}, want: 36},
		// 16:30Z on the 6th is 00:30 on the 7th in China: the birthday.
		{name: "age at a time is in China", src: `age("1990-03-07", t)`, vars: map[string]any{"t": utc(2026, 3, 6, 16, 30)}, want: 36},
		{name: "age at a time, still the day before in China", src: `age("1990-03-07", t)`, vars: map[string]any{"t": utc(2026, 3, 6, 15, 59)}, want: 35},
		{name: "born 29 Feb, 28 Feb in a common year", src: `age("2000-02-29", "2023-02-28")`, want: 22},
		{name: "born 29 Feb, 1 Mar in a common year", src: `age("2000-02-29", "2023-03-01")`, want: 23},
		{name: "born 29 Feb, 29 Feb in a leap year", src: `age("2000-02-29", "2024-02-29")`, want: 24},
		{name: "age before birth", src: `age("2000-01-02", "2000-01-01")`, wantErr: "after"},
		{name: "age of an invalid ID", src: `age("370102199003071239", refTime)`, vars: map[string]any{"refTime": utc(2026, 1, 1, 0, 0)}, wantErr: "check character"},
		{name: "age of a non-date", src: `age("yesterday", refTime)`, vars: map[string]any{"refTime": utc(2026, 1, 1, 0, 0)}, wantErr: "not a date"},
		{name: "age of a number", src: `age(v, refTime)`, vars: map[string]any{"v": 3, "refTime": utc(2026, 1, 1, 0, 0)}, wantErr: "want a time or a date string, got int"},
		{name: "age of nil", src: `age(v, refTime)`, vars: map[string]any{"refTime": utc(2026, 1, 1, 0, 0)}, wantErr: "got nil"},

		// resident IDs
		{name: "idBirthDate", src: `idBirthDate("370102199003071238")`, want: cst(1990, 3, 7)},
		{name: "idBirthDate equals date", src: `idBirthDate("370102199003071238") == date("1990-03-07")`, want: true},
		{name: "idSex male", src: `idSex("370102199003071238")`, want: "male"},
		{name: "idSex female", src: `idSex("11010519491231002X")`, want: "female"},
		{name: "idSex invalid", src: `idSex("11010519491231002x")`, wantErr: "upper-case X"},
		{name: "validID", src: `validID("370102199003071238")`, want: true},
		{name: "validID bad check", src: `validID("370102199003071239")`, want: false},
		{name: "validID of nil", src: `validID(v)`, want: false},
		{name: "validID of a number", src: `validID(v)`, vars: map[string]any{"v": 370102199003071238}, want: false},
		{name: "validID future against at", src: `validID("370102202607040023", "2026-07-03")`, want: false},
		{name: "validID past against at", src: `validID("370102202607040023", "2026-07-04")`, want: true},
		{name: "validMobile", src: `validMobile("13800138000") && !validMobile("12800138000")`, want: true},
		{name: "validAdminCode", src: `validAdminCode("370102") && !validAdminCode("000000")`, want: true},

		// dates
		{name: "date", src: `date("2027-01-15")`, want: utc(2027, 1, 14, 16, 0)},
		{name: "date RFC 3339", src: `date("2027-01-15T08:00:00+08:00")`, want: utc(2027, 1, 15, 0, 0)},
		{name: "date invalid day", src: `date("2023-02-29")`, wantErr: "not a date"},
		{name: "date wrong format", src: `date("15/01/2027")`, wantErr: "not a date"},
		{name: "date of nil", src: `date(v)`, wantErr: "date: want a string, got nil"},
		{name: "daysBetween", src: `daysBetween("2026-01-01", "2026-03-01")`, want: 59},
		{name: "daysBetween backwards", src: `daysBetween("2026-03-01", "2026-01-01")`, want: -59},
		{name: "daysBetween across a year", src: `daysBetween("2024-12-31", "2025-01-01")`, want: 1},
		// 15:59Z and 16:01Z on the same UTC day are different days in China.
		{name: "daysBetween in China", src: `daysBetween(t, addDays(t, 0) + hours(0) + duration("2m"))`, vars: map[string]any{"t": utc(2026, 5, 1, 15, 59)}, want: 1},
		{name: "daysBetween same day", src: `daysBetween(t, t + hours(7))`, vars: map[string]any{"t": utc(2026, 5, 1, 16, 0)}, want: 0},
		{name: "addDays", src: `addDays(t, 30)`, vars: map[string]any{"t": utc(2026, 2, 1, 3, 4)}, want: utc(2026, 3, 3, 3, 4)},
		{name: "addDays negative", src: `addDays("2026-03-01", -1)`, want: cst(2026, 2, 28)},
		{name: "addDays huge", src: `addDays(t, n)`, vars: map[string]any{"t": utc(2026, 2, 1, 0, 0), "n": 1 << 40}, wantErr: "out of range"},
		{name: "addDays with a float count", src: `addDays(t, v)`, vars: map[string]any{"t": utc(2026, 2, 1, 0, 0), "v": 1.5}, wantErr: "want an integer"},
		{name: "addDays with a JSON integer", src: `addDays(t, v)`, vars: map[string]any{"t": utc(2026, 2, 1, 0, 0), "v": 2.0}, want: utc(2026, 2, 3, 0, 0)},
		{name: "days", src: `days(2)`, want: 48 * time.Hour},
		{name: "days fractional", src: `days(0.5)`, want: 12 * time.Hour},
		{name: "hours", src: `hours(36)`, want: 36 * time.Hour},
		{name: "days overflow", src: `days(1e9)`, wantErr: "out of range"},
		{name: "days of a string", src: `days(v)`, vars: map[string]any{"v": "3"}, wantErr: "want a number, got string"},

		// quarters and months
		{name: "quarterOf", src: `[quarterOf("2026-01-01"), quarterOf("2026-03-31"), quarterOf("2026-04-01"), quarterOf("2026-12-31")]`, want: []any{1, 1, 2, 4}},
		// 31 March 16:00Z is 1 April 00:00 in China: the second quarter.
		{name: "quarterOf at a quarter's edge", src: `quarterOf(t)`, vars: map[string]any{"t": utc(2026, 3, 31, 16, 0)}, want: 2},
		{name: "quarterOf just before the edge", src: `quarterOf(t)`, vars: map[string]any{"t": utc(2026, 3, 31, 15, 59)}, want: 1},
		{name: "quarterEnd at a quarter's edge", src: `quarterEnd(t)`, vars: map[string]any{"t": utc(2026, 3, 31, 16, 0)}, want: cst(2026, 7, 1)},
		{name: "quarterEnd just before the edge", src: `quarterEnd(t)`, vars: map[string]any{"t": utc(2026, 3, 31, 15, 59)}, want: cst(2026, 4, 1)},
		{name: "quarterEnd Q3", src: `quarterEnd("2026-08-15")`, want: cst(2026, 10, 1)},
		{name: "quarterEnd Q4 plus 15 days", src: `quarterEnd(submittedAt) + days(15)`, vars: map[string]any{"submittedAt": utc(2026, 11, 20, 9, 0)}, want: utc(2027, 1, 15, 16, 0)},
		{name: "quarterEnd plus 15 days is the end of 15 January in China", src: `quarterEnd(submittedAt) + days(15) == addDays(date("2027-01-15"), 1)`, vars: map[string]any{"submittedAt": utc(2026, 11, 20, 9, 0)}, want: true},
		{name: "monthEnd February leap", src: `monthEnd("2024-02-10")`, want: cst(2024, 3, 1)},
		{name: "monthEnd February common", src: `monthEnd("2023-02-10")`, want: cst(2023, 3, 1)},
		{name: "monthEnd December", src: `monthEnd("2026-12-01")`, want: cst(2027, 1, 1)},
		{name: "monthEnd at a month's edge", src: `monthEnd(t)`, vars: map[string]any{"t": utc(2026, 4, 30, 16, 0)}, want: cst(2026, 6, 1)},

		// calendar months and years
		{name: "addMonths", src: `addMonths("2026-01-15", 1)`, want: cst(2026, 2, 15)},
		{name: "addMonths clamps to February", src: `addMonths("2026-01-31", 1)`, want: cst(2026, 2, 28)},
		{name: "addMonths clamps to February in a leap year", src: `addMonths("2024-01-31", 1)`, want: cst(2024, 2, 29)},
		{name: "addMonths clamps to a 30-day month", src: `addMonths("2026-03-31", 1)`, want: cst(2026, 4, 30)},
		{name: "addMonths does not carry the clamp", src: `addMonths(addMonths("2026-01-31", 1), 1)`, want: cst(2026, 3, 28)},
		{name: "addMonths across a year", src: `addMonths("2026-11-30", 3)`, want: cst(2027, 2, 28)},
		{name: "addMonths zero", src: `addMonths("2026-01-31", 0)`, want: cst(2026, 1, 31)},
		{name: "addMonths negative", src: `addMonths("2026-03-31", -1)`, want: cst(2026, 2, 28)},
		{name: "addMonths negative across a year", src: `addMonths("2026-01-15", -13)`, want: cst(2024, 12, 15)},
		{name: "addMonths negative to a leap February", src: `addMonths("2024-03-30", -1)`, want: cst(2024, 2, 29)},
		{name: "addMonths twelve is a year", src: `addMonths("2024-02-29", 12) == addYears("2024-02-29", 1)`, want: true},
		// 28 Feb 16:30Z is 1 March 00:30 in China: a month on is 1 April 00:30.
		{name: "addMonths counts months in China", src: `addMonths(t, 1)`, vars: map[string]any{"t": utc(2026, 2, 28, 16, 30)}, want: utc(2026, 3, 31, 16, 30)},
		// 30 Jan 16:00Z is the start of 31 January in China: clamped to 28 February 00:00 there.
		{name: "addMonths clamps the day in China", src: `addMonths(t, 1)`, vars: map[string]any{"t": utc(2026, 1, 30, 16, 0)}, want: utc(2026, 2, 27, 16, 0)},
		{name: "addMonths keeps the time of day", src: `addMonths(t, 2)`, vars: map[string]any{"t": utc(2026, 1, 5, 3, 4)}, want: utc(2026, 3, 5, 3, 4)},
		{name: "addMonths with a JSON integer", src: `addMonths(t, v)`, vars: map[string]any{"t": utc(2026, 2, 1, 0, 0), "v": 2.0}, want: utc(2026, 4, 1, 0, 0)},
		{name: "addMonths with a fraction", src: `addMonths(t, v)`, vars: map[string]any{"t": utc(2026, 2, 1, 0, 0), "v": 1.5}, wantErr: "want an integer"},
		{name: "addMonths huge", src: `addMonths(t, n)`, vars: map[string]any{"t": utc(2026, 2, 1, 0, 0), "n": 1 << 40}, wantErr: "out of range"},
		{name: "addMonths of nil", src: `addMonths(v, 1)`, wantErr: "addMonths: want a time or a date string, got nil"},
		{name: "addMonths of a non-date", src: `addMonths("2026-02-30", 1)`, wantErr: "not a date"},
		{name: "addYears", src: `addYears("2026-06-01", 3)`, want: cst(2029, 6, 1)},
		{name: "addYears from 29 February", src: `addYears("2024-02-29", 1)`, want: cst(2025, 2, 28)},
		{name: "addYears from 29 February to a leap year", src: `addYears("2024-02-29", 4)`, want: cst(2028, 2, 29)},
		{name: "addYears negative from 29 February", src: `addYears("2024-02-29", -1)`, want: cst(2023, 2, 28)},
		{name: "addYears in China", src: `addYears(t, 1)`, vars: map[string]any{"t": utc(2024, 2, 28, 16, 0)}, want: utc(2025, 2, 27, 16, 0)},
		{name: "addYears huge", src: `addYears(t, n)`, vars: map[string]any{"t": utc(2026, 2, 1, 0, 0), "n": 1 << 60}, wantErr: "out of range"},
		{name: "monthsBetween", src: `monthsBetween("2026-01-15", "2026-04-15")`, want: 3},
		{name: "monthsBetween a day short", src: `monthsBetween("2026-01-15", "2026-04-14")`, want: 2},
		{name: "monthsBetween same day", src: `monthsBetween("2026-01-15", "2026-01-15")`, want: 0},
		{name: "monthsBetween 31 January to 28 February", src: `monthsBetween("2026-01-31", "2026-02-28")`, want: 0},
		{name: "monthsBetween 31 January to 1 March", src: `monthsBetween("2026-01-31", "2026-03-01")`, want: 1},
		{name: "monthsBetween 31 January to 29 February", src: `monthsBetween("2024-01-31", "2024-02-29")`, want: 0},
		{name: "monthsBetween 29 February to 28 February", src: `monthsBetween("2024-02-29", "2025-02-28")`, want: 11},
		{name: "monthsBetween 29 February to 1 March", src: `monthsBetween("2024-02-29", "2025-03-01")`, want: 12},
		{name: "monthsBetween across years", src: `monthsBetween("2020-12-06", "2026-03-06")`, want: 63},
		{name: "monthsBetween backwards", src: `monthsBetween("2026-04-15", "2026-01-15")`, want: -3},
		{name: "monthsBetween backwards a day short", src: `monthsBetween("2026-04-14", "2026-01-15")`, want: -2},
		{name: "monthsBetween backwards across month ends", src: `monthsBetween("2026-03-01", "2026-01-31")`, want: -1},
		// 14 Feb 15:59Z is still 14 February in China; 16:00Z is 15 February.
		{name: "monthsBetween in China, just before", src: `monthsBetween(t, addDays(t, 31) - duration("1s"))`, vars: map[string]any{"t": utc(2026, 1, 14, 16, 0)}, want: 0},
		{name: "monthsBetween in China, on the day", src: `monthsBetween(t, addDays(t, 31))`, vars: map[string]any{"t": utc(2026, 1, 14, 16, 0)}, want: 1},
		{name: "monthsBetween ignores the time of day", src: `monthsBetween(t, "2026-02-15")`, vars: map[string]any{"t": utc(2026, 1, 15, 15, 59)}, want: 1},
		{name: "monthsBetween of nil", src: `monthsBetween(v, "2026-01-01")`, wantErr: "monthsBetween: want a time or a date string, got nil"},

		// money
		{name: "roundHalfUp 2.5", src: `roundHalfUp(2.5, 0)`, want: 3.0},
		{name: "roundHalfUp -2.5", src: `roundHalfUp(-2.5, 0)`, want: -3.0},
		{name: "roundHalfUp 2.4", src: `roundHalfUp(2.4, 0)`, want: 2.0},
		{name: "roundHalfUp 1.005", src: `roundHalfUp(1.005, 2)`, want: 1.01},
		{name: "roundHalfUp 2.675", src: `roundHalfUp(2.675, 2)`, want: 2.68},
		{name: "roundHalfUp int", src: `roundHalfUp(7, 0)`, want: 7.0},
		{name: "roundHalfUp tens", src: `roundHalfUp(1250, -2)`, want: 1300.0},
		{name: "roundHalfUp small to tens", src: `roundHalfUp(4, -1)`, want: 0.0},
		{name: "roundHalfUp 5 to tens", src: `roundHalfUp(5, -1)`, want: 10.0},
		{name: "roundHalfUp carries", src: `roundHalfUp(9.995, 2)`, want: 10.0},
		{name: "roundHalfUp beyond precision", src: `roundHalfUp(0.1, 5)`, want: 0.1},
		{name: "roundHalfUp -0.4 is zero", src: `roundHalfUp(-0.4, 0)`, want: 0.0},
		{name: "roundHalfUp places out of range", src: `roundHalfUp(1.5, 400)`, wantErr: "out of range"},
		{name: "roundHalfUp NaN", src: `roundHalfUp(x, 0)`, vars: map[string]any{"x": math.NaN()}, wantErr: "not a finite number"},
		{name: "fen 0.5", src: `fen(0.5)`, want: 50},
		{name: "fen 1.5", src: `fen(1.5)`, want: 150},
		{name: "fen 1", src: `fen(1)`, want: 100},
		{name: "fen 1.005 rounds the decimal", src: `fen(1.005)`, want: 101},
		{name: "fen 0.125", src: `fen(0.125)`, want: 13},
		{name: "fen -0.125", src: `fen(-0.125)`, want: -13},
		{name: "fen 0.1 + 0.2", src: `fen(0.1 + 0.2)`, want: 30},
		{name: "fen 19.99 * 3", src: `fen(19.99 * 3)`, want: 5997},
		{name: "fen of a JSON number", src: `fen(v)`, vars: map[string]any{"v": 2.35}, want: 235},
		{name: "fen overflow", src: `fen(1e18)`, wantErr: "out of range"},
		{name: "fen int overflow", src: `fen(n)`, vars: map[string]any{"n": math.MaxInt64 / 10}, wantErr: "out of range"},
		{name: "fen of a string", src: `fen(v)`, vars: map[string]any{"v": "1.5"}, wantErr: "want a number, got string"},
		{name: "yuan", src: `yuan(12345)`, want: 123.45},
		{name: "yuan of fen", src: `yuan(fen(0.5) * 3)`, want: 1.5},
		{name: "yuan of a fraction", src: `yuan(v)`, vars: map[string]any{"v": 1.5}, wantErr: "want an integer"},

		// expr built-ins still there
		{name: "len", src: `len("张三") + len([1, 2])`, want: 4},
		{name: "duration builtin", src: `duration("90m")`, want: 90 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := eval(t, tt.src, tt.vars)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("%s = %#v, %v; want error containing %q", tt.src, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.src, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %#v, want %#v", tt.src, got, tt.want)
			}
		})
	}
}

func TestFenAndRoundHalfUp(t *testing.T) {
	fens := []struct {
		yuan float64
		want int64
	}{
		{0, 0}, {0.5, 50}, {1.5, 150}, {0.005, 1}, {0.004, 0}, {-0.005, -1}, {1.005, 101},
		{1.015, 102}, {1.025, 103}, {2.675, 268}, {99999999.995, 10000000000}, {0.01, 1}, {1e-10, 0},
		{123456789.125, 12345678913}, {-2.5, -250},
	}
	for _, tt := range fens {
		if got, err := Fen(tt.yuan); err != nil || got != tt.want {
			t.Errorf("Fen(%v) = %d, %v; want %d", tt.yuan, got, err, tt.want)
		}
	}
	for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN(), 1e17, -1e17} {
		if got, err := Fen(bad); err == nil {
			t.Errorf("Fen(%v) = %d, want an error", bad, got)
		}
	}
	rounds := []struct {
		x      float64
		places int
		want   float64
	}{
		{2.5, 0, 3}, {-2.5, 0, -3}, {0.5, 0, 1}, {1.5, 0, 2}, {1.45, 1, 1.5}, {1.44999, 1, 1.4},
		{123.456, -1, 120}, {155, -1, 160}, {0.000125, 5, 0.00013}, {1e21, 2, 1e21}, {5e-324, 2, 0},
		{math.MaxFloat64, 0, math.MaxFloat64},
	}
	for _, tt := range rounds {
		if got, err := RoundHalfUp(tt.x, tt.places); err != nil || got != tt.want {
			t.Errorf("RoundHalfUp(%v, %d) = %v, %v; want %v", tt.x, tt.places, got, err, tt.want)
		}
	}
}

// TestMonthsProperties checks, over many days and counts, that whole
// months undo addMonths when no day is clamped, that monthsBetween is
// antisymmetric, and that addMonths never leaves the target month.
func TestMonthsProperties(t *testing.T) {
	start := cst(2023, 1, 1)
	for day := 0; day < 3*366; day += 3 {
		a := start.AddDate(0, 0, day)
		_, _, ad := civil(a)
		for _, n := range []int{-25, -13, -12, -1, 0, 1, 2, 11, 12, 13, 48} {
			b, err := fnAddMonths(a, n)
			if err != nil {
				t.Fatalf("addMonths(%v, %d): %v", a, n, err)
			}
			by, bm, bd := civil(b.(time.Time))
			ay, am, _ := civil(a)
			if got, want := (by-ay)*12+int(bm)-int(am), n; got != want {
				t.Errorf("addMonths(%v, %d) = %v: %d months on, want %d", a, n, b, got, want)
			}
			if bd > ad || bd < ad && bd != daysIn(by, bm) {
				t.Errorf("addMonths(%v, %d) = %v: day %d, want %d or the month's last", a, n, b, bd, ad)
			}
			m, _ := fnMonthsBetween(a, b)
			if ad <= 28 && m != n {
				t.Errorf("monthsBetween(%v, addMonths(a, %d)) = %v, want %d", a, n, m, n)
			}
			back, _ := fnMonthsBetween(b, a)
			if back != -m.(int) {
				t.Errorf("monthsBetween(b, a) = %v, want −monthsBetween(a, b) = %d (a %v, b %v)", back, -m.(int), a, b)
			}
		}
	}
}
