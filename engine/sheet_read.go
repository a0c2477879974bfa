package engine

import (
	"errors"

	"canvass/engine/tabular"
)

// ReadSheet is tabular.ReadSheet with its answers in engine terms:
// unreadable rows as RowErrors, missing columns as EINVALID, too many rows
// as ETOOLARGE, anything else the source says as EINVALID.
func ReadSheet(r tabular.Reader, aliases map[string]string, required []string, maxRows int, add func(row int, cell func(col string) string)) ([]RowError, error) {
	bad, err := tabular.ReadSheet(r, aliases, required, maxRows, add)
	var missing *tabular.MissingColumnsError
	var tooMany *tabular.TooManyRowsError
	switch {
	case errors.As(err, &missing):
		return nil, Errorf(EINVALID, "%s", missing.Error())
	case errors.As(err, &tooMany):
		return nil, Errorf(ETOOLARGE, "%s", tooMany.Error())
	case err != nil:
		return nil, WrapError(EINVALID, "the sheet cannot be read", err)
	}
	var errs []RowError
	for _, re := range bad {
		errs = append(errs, RowError{Row: re.Row, Code: "unreadable", Message: re.Err.Error()})
	}
	return errs, nil
}
