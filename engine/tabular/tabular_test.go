package tabular_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"canvass/engine/tabular"
)

type readRow struct {
	row   int
	cells string
}

func readAll(t *testing.T, name string, data []byte) (tabular.Reader, []readRow, []int) {
	t.Helper()
	r, err := tabular.Open(name, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var rows []readRow
	var bad []int
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *tabular.RowError
		if errors.As(err, &re) {
			bad = append(bad, re.Row)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, readRow{r.Row(), strings.Join(rec, "|")})
	}
	return r, rows, bad
}

func TestReadCSVEncodings(t *testing.T) {
	text := "姓名,身份证号,村\n王小明,370102199001011234,东关村\n,,\n\n李芳,,西湖村\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.ReplaceAll(text, ",", "\t"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, encoding string
		data           []byte
	}{
		{"utf-8", "utf-8", []byte(text)},
		{"utf-8 with BOM", "utf-8", append([]byte{0xEF, 0xBB, 0xBF}, text...)},
		{"gb18030", "gb18030", []byte(gb)},
		{"utf-16 tab separated", "utf-16", []byte(u16)},
		{"semicolons", "utf-8", []byte(strings.ReplaceAll(text, ",", ";"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, rows, bad := readAll(t, "list.csv", tt.data)
			if got, want := strings.Join(r.Header(), "|"), "姓名|身份证号|村"; got != want {
				t.Fatalf("header = %q, want %q", got, want)
			}
			if r.Encoding() != tt.encoding {
				t.Errorf("encoding = %s, want %s", r.Encoding(), tt.encoding)
			}
			want := []readRow{{2, "王小明|370102199001011234|东关村"}, {5, "李芳||西湖村"}}
			if len(bad) != 0 || len(rows) != len(want) {
				t.Fatalf("rows = %v (bad %v), want %v", rows, bad, want)
			}
			for i := range want {
				if rows[i] != want[i] {
					t.Errorf("row %d = %v, want %v", i, rows[i], want[i])
				}
			}
		})
	}
}

func TestReadCSVBrokenRowContinues(t *testing.T) {
	_, rows, bad := readAll(t, "x.csv", []byte("a,b\n1,2\n3,\"4\"x\n5,6,7\n"))
	if len(bad) != 1 || bad[0] != 3 {
		t.Fatalf("bad rows = %v, want [3]", bad)
	}
	if len(rows) != 2 || rows[1].cells != "5|6|7" || rows[1].row != 4 {
		t.Fatalf("rows = %v: want the row after the broken one, with its extra column", rows)
	}
}

func TestOpenRejects(t *testing.T) {
	for _, tt := range []struct{ name, file, data string }{
		{"empty csv", "a.csv", ""},
		{"not xlsx", "a.xlsx", "hello"},
		{"pdf", "a.pdf", "%PDF"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tabular.Open(tt.file, strings.NewReader(tt.data)); !errors.Is(err, tabular.ErrFormat) {
				t.Fatalf("got %v, want ErrFormat", err)
			}
		})
	}
}

func TestXLSXRoundTripAndSheets(t *testing.T) {
	var buf bytes.Buffer
	w := tabular.NewXLSX(&buf)
	if err := w.Sheet("东关村", []string{"姓名", "金额"}); err != nil {
		t.Fatal(err)
	}
	for _, row := range [][]any{{"王小明", 12.5}, {"=cmd()", 3}} {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Sheet("西湖村/二组", []string{"姓名"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]any{"李芳"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, rows, _ := readAll(t, "out.xlsx", buf.Bytes())
	if got := strings.Join(r.Header(), "|"); got != "姓名|金额" {
		t.Fatalf("header = %q", got)
	}
	want := []readRow{{2, "王小明|12.5"}, {3, "=cmd()|3"}}
	if len(rows) != 2 || rows[0] != want[0] || rows[1] != want[1] {
		t.Fatalf("rows = %v, want %v", rows, want)
	}
}

func TestCSVWriterGuardsFormulas(t *testing.T) {
	var buf bytes.Buffer
	w := tabular.NewCSV(&buf)
	if err := w.Sheet("x", []string{"a", "b", "c"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]any{"=HYPERLINK(\"x\")", -5, "+1"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	want := "\xEF\xBB\xBFa,b,c\r\n\"'=HYPERLINK(\"\"x\"\")\",-5,'+1\r\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestFenCells: money is a number in XLSX (so that SUM adds it) shown with
// two decimals, and yuan text in CSV, never guarded as a formula.
func TestFenCells(t *testing.T) {
	var x bytes.Buffer
	w := tabular.NewXLSX(&x)
	if err := w.Sheet("劳务报酬", []string{"人员", "金额（元）", "人数"}); err != nil {
		t.Fatal(err)
	}
	row := []any{"张敏", tabular.Fen(5000), 3}
	for _, r := range [][]any{row, {"李强", tabular.Fen(-50), 1}} {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := row[1].(tabular.Fen); !ok {
		t.Errorf("Write changed the caller's row: %#v", row)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct{ cell, raw, shown string }{{"B2", "50", "50.00"}, {"B3", "-0.5", "-0.50"}, {"C2", "3", "3"}} {
		raw, err := f.GetCellValue("劳务报酬", c.cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		shown, _ := f.GetCellValue("劳务报酬", c.cell)
		typ, _ := f.GetCellType("劳务报酬", c.cell)
		if raw != c.raw || shown != c.shown || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
			t.Errorf("%s: raw %q shown %q type %v; want a number %q shown %q", c.cell, raw, shown, typ, c.raw, c.shown)
		}
	}
	if err := f.SetCellFormula("劳务报酬", "B4", "SUM(B2:B3)"); err != nil {
		t.Fatal(err)
	}
	if got, err := f.CalcCellValue("劳务报酬", "B4"); err != nil || got != "49.5" {
		t.Errorf("SUM of the money cells: %q %v, want 49.5", got, err)
	}

	var c bytes.Buffer
	cw := tabular.NewCSV(&c)
	if err := cw.Sheet("", []string{"人员", "金额（元）"}); err != nil {
		t.Fatal(err)
	}
	if err := cw.Write([]any{"李强", tabular.Fen(-50)}); err != nil {
		t.Fatal(err)
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	if got := c.String(); !strings.HasSuffix(got, "李强,-0.50\r\n") {
		t.Errorf("CSV: %q, want -0.50 unguarded", got)
	}
}
