// Package tabular reads and writes the spreadsheets people exchange: CSV
// (UTF-8 with or without BOM, UTF-16 with BOM, or GB18030/GBK as saved by
// Chinese Excel, detected automatically) and XLSX. Both directions stream,
// so a million rows go through in bounded memory.
package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Reader yields the rows of one sheet. The first row is the header.
type Reader interface {
	// Header returns the first row, with surrounding blanks trimmed.
	Header() []string
	// Next returns the next data row, skipping rows whose cells are all
	// blank, and io.EOF after the last. A *RowError is about one row only:
	// the caller may report it and call Next again.
	Next() ([]string, error)
	// Row returns the 1-based row number, in the source, of the row Next
	// returned last (the header is row 1).
	Row() int
	// Encoding names what the source was decoded from ("utf-8", "gb18030",
	// "utf-16", "xlsx").
	Encoding() string
	Close() error
}

// RowError is a row that cannot be read (a broken quote in CSV).
type RowError struct {
	Row int
	Err error
}

func (e *RowError) Error() string { return fmt.Sprintf("row %d: %v", e.Row, e.Err) }
func (e *RowError) Unwrap() error { return e.Err }

// ErrFormat is returned by Open for a file that is neither CSV nor XLSX, or
// that has no header row.
var ErrFormat = errors.New("tabular: not a CSV or XLSX file with a header row")

// Open returns a Reader for name's content in r, choosing the format by
// the file extension (.csv, .txt, .xlsx). For XLSX the first sheet is read.
func Open(name string, r io.Reader) (Reader, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return openXLSX(r)
	case ".csv", ".txt", "":
		return openCSV(r)
	}
	return nil, fmt.Errorf("%w: %s", ErrFormat, filepath.Ext(name))
}

type csvReader struct {
	cr       *csv.Reader
	header   []string
	row      int
	encoding string
}

func openCSV(r io.Reader) (Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	peek, _ := br.Peek(64 << 10)
	var src io.Reader = br
	enc := "utf-8"
	switch {
	case bytes.HasPrefix(peek, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(peek, []byte{0xFF, 0xFE}), bytes.HasPrefix(peek, []byte{0xFE, 0xFF}):
		enc = "utf-16"
		src = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case !validUTF8Prefix(peek):
		enc = "gb18030"
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	sr := bufio.NewReader(src)
	first, _ := sr.Peek(8 << 10)
	cr := csv.NewReader(sr)
	cr.Comma = sniffDelimiter(first)
	cr.FieldsPerRecord = -1 // extra and missing columns are the importer's to report, per row
	c := &csvReader{cr: cr, encoding: enc}
	h, err := c.Next()
	if err != nil {
		return nil, ErrFormat
	}
	for i := range h {
		h[i] = strings.TrimSpace(h[i])
	}
	c.header = h
	return c, nil
}

// validUTF8Prefix reports whether b is UTF-8, allowing a rune cut off at
// the end of the peeked window.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return len(b) == 0
}

// sniffDelimiter picks the separator that occurs most on the first line:
// Excel writes ";" in some locales and tabs for "Unicode text".
func sniffDelimiter(b []byte) rune {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	best, n := ',', bytes.Count(line, []byte(","))
	for _, d := range []rune{'\t', ';'} {
		if c := bytes.Count(line, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

func (c *csvReader) Header() []string { return c.header }
func (c *csvReader) Row() int         { return c.row }
func (c *csvReader) Encoding() string { return c.encoding }
func (c *csvReader) Close() error     { return nil }

func (c *csvReader) Next() ([]string, error) {
	for {
		rec, err := c.cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				c.row = pe.StartLine
				return nil, &RowError{Row: pe.StartLine, Err: pe.Err}
			}
			return nil, err
		}
		c.row, _ = c.cr.FieldPos(0)
		if !blank(rec) {
			return rec, nil
		}
	}
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

type xlsxReader struct {
	f      *excelize.File
	rows   *excelize.Rows
	header []string
	row    int
}

func openXLSX(r io.Reader) (Reader, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, ErrFormat
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	x := &xlsxReader{f: f, rows: rows}
	h, err := x.Next()
	if err != nil {
		x.Close()
		return nil, ErrFormat
	}
	for i := range h {
		h[i] = strings.TrimSpace(h[i])
	}
	x.header = h
	return x, nil
}

func (x *xlsxReader) Header() []string { return x.header }
func (x *xlsxReader) Row() int         { return x.row }
func (x *xlsxReader) Encoding() string { return "xlsx" }

func (x *xlsxReader) Next() ([]string, error) {
	for x.rows.Next() {
		x.row++
		rec, err := x.rows.Columns()
		if err != nil {
			return nil, &RowError{Row: x.row, Err: err}
		}
		if !blank(rec) {
			return rec, nil
		}
	}
	if err := x.rows.Error(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}

func (x *xlsxReader) Close() error {
	err := x.rows.Close()
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}
