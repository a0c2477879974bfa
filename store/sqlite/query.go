package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"canvass/engine"
)

// Times are stored as UTC unix milliseconds; NULL is the zero time.

// nullMillis is the column value for t: its unix milliseconds (rounded
// down), or NULL for the zero time.
func nullMillis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// ceilMillis is the smallest millisecond at or after t. A stored value m
// (whole milliseconds) satisfies m >= t exactly when m >= ceilMillis(t),
// and m < t exactly when m < ceilMillis(t).
func ceilMillis(t time.Time) int64 {
	ms := t.UnixMilli()
	if t.After(time.UnixMilli(ms)) {
		ms++
	}
	return ms
}

// timeOf is the inverse of millis.
func timeOf(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return time.UnixMilli(ms.Int64).UTC()
}

// jsonText encodes v as JSON text for a column; what is stored is what
// json.Unmarshal gives back (nil stays nil, an empty map stays empty).
func jsonText(v any, what string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", engine.WrapError(engine.EINVALID, what+" cannot be stored as JSON", err)
	}
	return string(b), nil
}

func decodeJSON(b []byte, v any, what string) error {
	if err := json.Unmarshal(b, v); err != nil {
		return engine.WrapError(engine.EINTERNAL, "stored "+what+" cannot be read", err)
	}
	return nil
}

// where collects the conditions and arguments of a WHERE clause.
type where struct {
	conds []string
	args  []any
	// sorts is set by conditions whose index cannot return rows in ID
	// order (ranges, IN lists): for those, a keyset page sorts every
	// matching row unless listPage's window finds the page first.
	sorts bool
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (?, …)" for a non-empty list.
func (w *where) in(col string, values []string) {
	if len(values) == 0 {
		return
	}
	w.sorts = w.sorts || len(values) > 1
	w.add(col+" IN ("+placeholders(len(values))+")", anys(values)...)
}

// subtrees adds a condition that col starts with one of the prefixes,
// written as byte ranges so that col's index serves it (LIKE would not, for
// a bound parameter). An empty prefix is no subtree (engine.InSubtree), so
// a list of only empty prefixes matches nothing.
func (w *where) subtrees(col string, prefixes []string) {
	if len(prefixes) == 0 {
		return
	}
	w.sorts = true
	var ors []string
	for _, p := range prefixes {
		if p == "" {
			continue
		}
		if hi, ok := prefixEnd(p); ok {
			ors = append(ors, "("+col+" >= ? AND "+col+" < ?)")
			w.args = append(w.args, p, hi)
		} else {
			ors = append(ors, "("+col+" >= ?)")
			w.args = append(w.args, p)
		}
	}
	if len(ors) == 0 {
		w.conds = append(w.conds, "0")
		return
	}
	w.conds = append(w.conds, "("+strings.Join(ors, " OR ")+")")
}

// prefixEnd returns the least string greater than every string that starts
// with p (SQLite compares text byte by byte), or false if there is none.
func prefixEnd(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

func (w *where) sql() string { return whereSQL(w.conds) }

func whereSQL(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// pageWindow is how many rows, in ID order from the cursor, listPage
// looks at first when a filter would make SQLite sort (see where.sorts).
// Finding the page there costs about a millisecond at most; missing it
// costs that millisecond on top of the sorted query.
const pageWindow = 1000

// listPage returns one keyset page of the rows of table that match w, in
// ID order, and the cursor of the next page ("" on the last).
//
// SQLite serves a range such as an org subtree from its index and then
// sorts every row in it by ID, so a page of a province-wide list would
// cost a sort of the whole province. When w would sort, listPage first
// looks only at the next pageWindow rows in ID order: if limit+1 of them
// match, they are exactly the page (no earlier row was skipped). Otherwise
// it runs the plain query, which is then cheap because few rows match.
func listPage[T any](ctx context.Context, db *sql.DB, table, cols string, w *where, p engine.Page,
	scan func(rowScanner) (T, error), id func(T) string) ([]T, string, error) {
	p = p.Normalize()
	q := pageQueries(table, cols, w, p)
	if q.window != "" {
		items, err := queryAll(ctx, db, q.window, q.windowArgs, scan)
		if err != nil {
			return nil, "", err
		}
		if len(items) > p.Limit {
			items, next := nextCursor(items, p.Limit, id)
			return items, next, nil
		}
	}
	items, err := queryAll(ctx, db, q.direct, q.directArgs, scan)
	if err != nil {
		return nil, "", err
	}
	items, next := nextCursor(items, p.Limit, id)
	return items, next, nil
}

// pageSQL is the SQL of one keyset page: window, when set, looks at the
// next pageWindow rows only; direct is the plain query.
type pageSQL struct {
	window, direct         string
	windowArgs, directArgs []any
}

func pageQueries(table, cols string, w *where, p engine.Page) pageSQL {
	cmp, order := ">", " ORDER BY id"
	if p.Desc {
		cmp, order = "<", " ORDER BY id DESC"
	}
	var cursor []string
	var cursorArgs []any
	if p.After != "" {
		cursor, cursorArgs = []string{"id " + cmp + " ?"}, []any{p.After}
	}
	limit := " LIMIT " + itoa(p.Limit+1)
	var q pageSQL
	if w.sorts && len(w.conds) > 0 {
		q.window = "SELECT * FROM (SELECT " + cols + " FROM " + table + whereSQL(cursor) + order +
			" LIMIT " + itoa(pageWindow) + ")" + w.sql() + order + limit
		q.windowArgs = append(slices.Clone(cursorArgs), w.args...)
	}
	q.direct = "SELECT " + cols + " FROM " + table + whereSQL(append(slices.Clone(w.conds), cursor...)) + order + limit
	q.directArgs = append(slices.Clone(w.args), cursorArgs...)
	return q
}

// queryAll runs a query and scans every row.
func queryAll[T any](ctx context.Context, db *sql.DB, q string, args []any, scan func(rowScanner) (T, error)) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var items []T
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return nil, dbError(err)
		}
		items = append(items, item)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	return items, nil
}

// nextCursor trims a page fetched with limit+1 rows and returns the cursor
// of the following page, "" if this is the last.
func nextCursor[T any](items []T, limit int, id func(T) string) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, id(items[limit-1])
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys(values []string) []any {
	a := make([]any, len(values))
	for i, v := range values {
		a[i] = v
	}
	return a
}

func itoa(n int) string { return strconv.Itoa(n) }
