package sqlite

import (
	"database/sql"
	"errors"

	"canvass/engine"
)

// updateVersioned runs query, an UPDATE of one row of table that matches
// on id and on the version the caller read, and tells why nothing changed:
// ENOTFOUND when there is no row with that id, ECONFLICT when its version
// moved on. what names the row for the error ("import job 01J…").
func (tx *writeTx) updateVersioned(table, id, what, query string, args ...any) error {
	res, err := tx.exec(query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var one int
	if err := tx.queryRow("SELECT 1 FROM "+table+" WHERE id = ?", id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return engine.Errorf(engine.ENOTFOUND, "%s not found", what)
	} else if err != nil {
		return err
	}
	return engine.Errorf(engine.ECONFLICT, "%s changed meanwhile", what)
}
