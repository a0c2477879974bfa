package tabular

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// MissingColumnsError is ReadSheet's answer to a sheet that lacks required
// columns; Columns names them in the order they were required.
type MissingColumnsError struct{ Columns []string }

func (e *MissingColumnsError) Error() string {
	return "the sheet lacks the column(s) " + strings.Join(e.Columns, ", ")
}

// TooManyRowsError is ReadSheet's answer to a sheet with more data rows
// than it was allowed to read.
type TooManyRowsError struct{ Max int }

func (e *TooManyRowsError) Error() string {
	return fmt.Sprintf("the sheet has more than %d rows", e.Max)
}

// ReadSheet reads a sheet whose columns are found by header: aliases maps
// accepted header texts (lower-cased, trimmed) to column names, and every
// column in required must be there (a *MissingColumnsError names the
// missing ones). For each readable row it calls add with the row number
// and a getter of a column's trimmed cell ("" when the column or cell is
// absent). Unreadable rows come back as RowErrors, and reading goes on;
// more than maxRows data rows is a *TooManyRowsError. Any other error is
// the source's.
func ReadSheet(r Reader, aliases map[string]string, required []string, maxRows int, add func(row int, cell func(col string) string)) ([]*RowError, error) {
	idx := map[string]int{}
	for i, h := range r.Header() {
		if col, ok := aliases[strings.ToLower(strings.TrimSpace(h))]; ok {
			if _, dup := idx[col]; !dup {
				idx[col] = i
			}
		}
	}
	var missing []string
	for _, col := range required {
		if _, ok := idx[col]; !ok {
			missing = append(missing, col)
		}
	}
	if len(missing) > 0 {
		return nil, &MissingColumnsError{Columns: missing}
	}
	var bad []*RowError
	for n := 0; ; {
		rec, err := r.Next()
		if err == io.EOF {
			return bad, nil
		}
		var re *RowError
		if errors.As(err, &re) {
			bad = append(bad, re)
			continue
		}
		if err != nil {
			return nil, err
		}
		if n++; n > maxRows {
			return nil, &TooManyRowsError{Max: maxRows}
		}
		add(r.Row(), func(col string) string {
			if i, ok := idx[col]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		})
	}
}
