package engine

import (
	"errors"
	"io"
	"strings"

	"canvass/engine/tabular"
)

// readSheet reads a sheet whose columns are found by header: aliases maps
// accepted header texts (lower-cased, trimmed) to column names, and every
// column in required must be there (EINVALID names the missing ones). For
// each readable row it calls add with the row number and a getter of a
// column's trimmed cell ("" when the column or cell is absent). Unreadable
// rows come back as RowErrors; more than maxRows rows is ETOOLARGE.
func readSheet(r tabular.Reader, aliases map[string]string, required []string, maxRows int, add func(row int, cell func(col string) string)) ([]RowError, error) {
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
		return nil, Errorf(EINVALID, "the sheet lacks the column(s) %s", strings.Join(missing, ", "))
	}
	var errs []RowError
	for n := 0; ; {
		rec, err := r.Next()
		if err == io.EOF {
			return errs, nil
		}
		var re *tabular.RowError
		if errors.As(err, &re) {
			errs = append(errs, RowError{Row: re.Row, Code: "unreadable", Message: re.Err.Error()})
			continue
		}
		if err != nil {
			return nil, WrapError(EINVALID, "the sheet cannot be read", err)
		}
		if n++; n > maxRows {
			return nil, Errorf(ETOOLARGE, "the sheet has more than %d rows", maxRows)
		}
		add(r.Row(), func(col string) string {
			if i, ok := idx[col]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		})
	}
}
