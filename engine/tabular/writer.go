package tabular

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Writer writes rows to one or more sheets. For CSV there is one sheet and
// Sheet is a no-op after the first call.
type Writer interface {
	// Sheet starts a new sheet with the given name and header row.
	Sheet(name string, header []string) error
	// Write appends a row to the current sheet. Cells may be string, the
	// integer kinds, float64, bool, time.Time, Fen or nil.
	Write(row []any) error
	// Close finishes the file and writes it out.
	Close() error
}

// Fen is an amount of money in fen. CSV writes it as yuan with two
// decimals ("-50.00"); XLSX as a number of yuan with the format 0.00, so
// that a spreadsheet sums it.
type Fen int64

// String is the amount in yuan with two decimals: 5000 → "50.00".
func (f Fen) String() string {
	sign, v := "", int64(f)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// NewCSV returns a Writer of UTF-8 CSV with a BOM and CRLF line ends, the
// form Excel opens without garbling Chinese text.
func NewCSV(w io.Writer) Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &csvWriter{w: w, cw: cw}
}

type csvWriter struct {
	w       io.Writer
	cw      *csv.Writer
	started bool
}

func (c *csvWriter) Sheet(_ string, header []string) error {
	if c.started {
		return nil
	}
	c.started = true
	if _, err := c.w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	return c.cw.Write(header)
}

func (c *csvWriter) Write(row []any) error {
	rec := make([]string, len(row))
	for i, v := range row {
		rec[i] = csvCell(v)
	}
	return c.cw.Write(rec)
}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	return c.cw.Error()
}

// csvCell formats a cell. Text that Excel would run as a formula (starting
// with = + - @ or a control character) gets a leading apostrophe: an
// exported answer must never execute on a finance clerk's machine.
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if x != "" && strings.ContainsRune("=+-@\t\r", rune(x[0])) {
			return "'" + x
		}
		return x
	case time.Time:
		return x.Format("2006-01-02 15:04:05")
	case Fen:
		return x.String() // a number: never guarded as a formula
	default:
		return fmt.Sprint(x)
	}
}

// NewXLSX returns a Writer of an XLSX workbook, streamed sheet by sheet.
func NewXLSX(w io.Writer) Writer {
	return &xlsxWriter{w: w, f: excelize.NewFile()}
}

type xlsxWriter struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	row    int
	sheets int
	money  int // the style of Fen cells (0 until the first one)
}

func (x *xlsxWriter) Sheet(name string, header []string) error {
	if err := x.flush(); err != nil {
		return err
	}
	name = sheetName(name)
	if x.sheets == 0 {
		if err := x.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := x.f.NewSheet(name); err != nil {
		return err
	}
	x.sheets++
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	x.sw, x.row = sw, 0
	bold, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return x.writeRow(cells)
}

func (x *xlsxWriter) Write(row []any) error {
	if x.sw == nil {
		return fmt.Errorf("tabular: Write before Sheet")
	}
	cells := row
	for i, v := range row {
		f, ok := v.(Fen)
		if !ok {
			continue
		}
		if x.money == 0 {
			format := "0.00"
			id, err := x.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
			if err != nil {
				return err
			}
			x.money = id
		}
		if &cells[0] == &row[0] {
			cells = append([]any(nil), row...) // the caller's row stays as it was
		}
		cells[i] = excelize.Cell{StyleID: x.money, Value: float64(f) / 100}
	}
	return x.writeRow(cells)
}

func (x *xlsxWriter) writeRow(row []any) error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, row)
}

func (x *xlsxWriter) flush() error {
	if x.sw == nil {
		return nil
	}
	err := x.sw.Flush()
	x.sw = nil
	return err
}

func (x *xlsxWriter) Close() error {
	if err := x.flush(); err != nil {
		return err
	}
	if x.sheets == 0 {
		if err := x.Sheet("Sheet1", nil); err != nil {
			return err
		}
		if err := x.flush(); err != nil {
			return err
		}
	}
	defer x.f.Close()
	_, err := x.f.WriteTo(x.w)
	return err
}

// sheetName makes a valid, unique-enough sheet name: at most 31 characters,
// none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" {
		s = "Sheet"
	}
	return s
}
