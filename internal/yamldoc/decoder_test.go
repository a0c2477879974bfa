package yamldoc

import (
	"testing"
	"time"

	"canvass/rules"
)

// decodeOne parses "v: <value>" and returns the decoder and the entry.
func decodeOne(t *testing.T, value string) (*Decoder, Entry) {
	t.Helper()
	d := NewDecoder("t.yaml", []byte("v: "+value+"\n"))
	body := d.Parse("test", "v", 1<<10)
	entries, ok := d.Mapping(body, "", "a test")
	if !ok || len(entries) != 1 {
		t.Fatalf("%q does not decode: %v", value, d.Diagnostics())
	}
	return d, entries[0]
}

func codes(d *Decoder) []string {
	var out []string
	for _, x := range d.Diagnostics() {
		out = append(out, x.Code)
	}
	return out
}

func TestFloat(t *testing.T) {
	tests := []struct {
		value string
		want  float64
		code  string // "" when it decodes
	}{
		{"0.05", 0.05, ""},
		{"1", 1, ""},
		{"-2.5", -2.5, ""},
		{"0x10", 16, ""},
		{`"5%"`, 0, "wrong_type"},
		{".nan", 0, "wrong_type"},
		{"[1]", 0, "wrong_type"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			d, e := decodeOne(t, tt.value)
			got, _, set := d.Float(e)
			if c := codes(d); tt.code != "" {
				if len(c) != 1 || c[0] != tt.code || set {
					t.Errorf("codes %v, set %v; want %s", c, set, tt.code)
				}
				return
			} else if len(c) > 0 {
				t.Fatalf("codes %v", c)
			}
			if got != tt.want || !set {
				t.Errorf("got %v (set %v), want %v", got, set, tt.want)
			}
		})
	}
}

func TestDates(t *testing.T) {
	start := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 0, 0, 0, 0, rules.Shanghai).UTC()
	}
	tests := []struct {
		name    string
		value   string
		instant bool
		want    time.Time
		ok      bool
	}{
		{"date", "2026-12-06", false, start(2026, 12, 6), true},
		{"not a day", "2026-02-30", false, time.Time{}, false},
		{"time for a date", "2026-12-06T00:00:00+08:00", false, time.Time{}, false},
		{"instant with offset", "2026-12-06T00:00:00+08:00", true, start(2026, 12, 6), true},
		{"instant in UTC", "2026-12-05T16:00:00Z", true, start(2026, 12, 6), true},
		{"instant as a date", "2026-12-06", true, start(2026, 12, 6), true},
		{"instant without offset", "2026-12-06T00:00:00", true, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, e := decodeOne(t, tt.value)
			s := d.Str(e)
			var got time.Time
			var ok bool
			if tt.instant {
				got, ok = d.Instant(s)
			} else {
				got, ok = d.Date(s)
			}
			if ok != tt.ok || !got.Equal(tt.want) || ok && got.Location() != time.UTC {
				t.Errorf("got %v %v, want %v %v", got, ok, tt.want, tt.ok)
			}
			if c := codes(d); !ok && (len(c) != 1 || c[0] != "bad_date") {
				t.Errorf("codes %v, want bad_date", c)
			}
		})
	}
}

func TestPeriodKey(t *testing.T) {
	tests := []struct {
		kind string
		at   time.Time
		want string
	}{
		{PeriodMonth, time.Date(2026, 11, 30, 15, 59, 59, 0, time.UTC), "2026-11"},
		{PeriodMonth, time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), "2026-12"},
		{PeriodQuarter, time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), "2027-Q1"},
		{PeriodQuarter, time.Date(2027, 6, 30, 12, 0, 0, 0, time.UTC), "2027-Q2"},
		{PeriodQuarter, time.Date(2027, 7, 1, 0, 0, 0, 0, rules.Shanghai), "2027-Q3"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.want, func(t *testing.T) {
			if got := PeriodKey(tt.kind, tt.at); got != tt.want {
				t.Errorf("PeriodKey(%s, %v) = %q, want %q", tt.kind, tt.at, got, tt.want)
			}
		})
	}
}

// TestLineBreaks checks that snippets follow the parser's line numbers
// whatever the line breaks.
func TestLineBreaks(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"LF", "a: 1\nb: [\n"},
		{"CR LF", "a: 1\r\nb: [\r\n"},
		{"CR", "a: 1\rb: [\r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder("t.yaml", []byte(tt.src))
			d.Parse("test", "a", 1<<10)
			ds := d.Diagnostics()
			if len(ds) != 1 || ds[0].Code != "yaml_syntax" {
				t.Fatalf("got %v, want one yaml_syntax", ds)
			}
			if want := " | b: [\n |    ^"; ds[0].Line != 2 || ds[0].Snippet != want {
				t.Errorf("line %d snippet %q, want line 2 %q", ds[0].Line, ds[0].Snippet, want)
			}
		})
	}
}
