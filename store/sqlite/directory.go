package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"canvass/engine"
)

// PutOrgUnits inserts or replaces units by code, all or none; see
// engine.DirectoryStore.
func (s *Store) PutOrgUnits(ctx context.Context, units []engine.OrgUnit) error {
	for i, u := range units {
		if u.Code == "" || u.Level == "" || u.Path == "" {
			return &engine.Error{Code: engine.EINVALID, Message: "an org unit needs a code, a level and a path",
				Fields: []engine.FieldError{{Pointer: fmt.Sprintf("/%d", i), Code: "required", Message: "code, level and path are required"}}}
		}
	}
	if len(units) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *writeTx) error {
		for _, u := range units {
			if _, err := tx.exec(`INSERT INTO org_units (code, name, parent_code, level, path) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code,
					level = excluded.level, path = excluded.path`,
				u.Code, u.Name, u.ParentCode, u.Level, u.Path); err != nil {
				return err
			}
		}
		return nil
	})
}

const orgUnitColumns = "code, name, parent_code, level, path"

func scanOrgUnit(sc rowScanner) (engine.OrgUnit, error) {
	var u engine.OrgUnit
	err := sc.Scan(&u.Code, &u.Name, &u.ParentCode, &u.Level, &u.Path)
	return u, err
}

// GetOrgUnit returns the unit with the given code; see engine.DirectoryStore.
func (s *Store) GetOrgUnit(ctx context.Context, code string) (*engine.OrgUnit, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	u, err := scanOrgUnit(s.rdb.QueryRowContext(ctx, "SELECT "+orgUnitColumns+" FROM org_units WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "org unit %s not found", code)
	}
	if err != nil {
		return nil, s.dbError(err)
	}
	return &u, nil
}

// ListOrgUnits returns the units under pathPrefix (all when empty), parents
// first; see engine.DirectoryStore.
func (s *Store) ListOrgUnits(ctx context.Context, pathPrefix string) ([]engine.OrgUnit, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := &where{}
	if pathPrefix != "" {
		w.subtrees("path", []string{pathPrefix})
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+orgUnitColumns+" FROM org_units"+w.sql()+" ORDER BY path", w.args...)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	var out []engine.OrgUnit
	for rows.Next() {
		u, err := scanOrgUnit(rows)
		if err != nil {
			return nil, s.dbError(err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return out, nil
}

func checkUsername(u *engine.User) error {
	if u.Username == "" || u.Username != strings.ToLower(u.Username) {
		return &engine.Error{Code: engine.EINVALID, Message: "the username must be non-empty and lower-case",
			Fields: []engine.FieldError{{Pointer: "/username", Code: "lowercase", Message: "must be lower-case"}}}
	}
	return nil
}

// CreateUser stores a new user with Version 1 and sets u.Version to 1; see
// engine.DirectoryStore.
func (s *Store) CreateUser(ctx context.Context, u *engine.User) error {
	if u == nil || u.ID == "" {
		return engine.Errorf(engine.EINVALID, "a user needs an ID")
	}
	if err := checkUsername(u); err != nil {
		return err
	}
	roles, err := jsonText(u.Roles, "roles")
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec(`INSERT INTO users (id, username, display_name, password_hash, roles, org_unit, org_path,
			locale, disabled, id_number, mobile, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			u.ID, u.Username, u.DisplayName, u.PasswordHash, roles, u.OrgUnit, u.OrgPath,
			u.Locale, u.Disabled, u.SealedIDNumber, u.SealedMobile, nullMillis(u.CreatedAt), nullMillis(u.UpdatedAt))
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "the user ID or username is taken", err)
		}
		return err
	})
	if err != nil {
		return err
	}
	u.Version = 1
	return nil
}

const userColumns = `id, username, display_name, password_hash, roles, org_unit, org_path,
	locale, disabled, id_number, mobile, version, created_at, updated_at`

func scanUser(sc rowScanner) (*engine.User, error) {
	var u engine.User
	var roles string
	var created, updated sql.NullInt64
	if err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &roles, &u.OrgUnit, &u.OrgPath,
		&u.Locale, &u.Disabled, &u.SealedIDNumber, &u.SealedMobile, &u.Version, &created, &updated); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = timeOf(created), timeOf(updated)
	if err := decodeJSON([]byte(roles), &u.Roles, "roles"); err != nil {
		return nil, err
	}
	return &u, nil
}

func (s *Store) getUser(ctx context.Context, col, value string) (*engine.User, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	u, err := scanUser(s.rdb.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+col+" = ?", value))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "user not found")
	}
	if err != nil {
		return nil, s.dbError(err)
	}
	return u, nil
}

// GetUser returns the user with the given ID; see engine.DirectoryStore.
func (s *Store) GetUser(ctx context.Context, id string) (*engine.User, error) {
	return s.getUser(ctx, "id", id)
}

// GetUserByUsername returns the user with the given username, compared
// lower-cased; see engine.DirectoryStore.
func (s *Store) GetUserByUsername(ctx context.Context, username string) (*engine.User, error) {
	return s.getUser(ctx, "username", strings.ToLower(username))
}

// UpdateUser stores u if its version matches; see engine.DirectoryStore.
// CreatedAt stays as first stored.
func (s *Store) UpdateUser(ctx context.Context, u *engine.User) (*engine.User, error) {
	if u == nil {
		return nil, engine.Errorf(engine.EINVALID, "no user")
	}
	if err := checkUsername(u); err != nil {
		return nil, err
	}
	roles, err := jsonText(u.Roles, "roles")
	if err != nil {
		return nil, err
	}
	out := *u
	out.Roles = slices.Clone(u.Roles)
	var created sql.NullInt64
	err = s.write(ctx, func(tx *writeTx) error {
		err := tx.queryRow(`UPDATE users SET username = ?, display_name = ?, password_hash = ?, roles = ?,
			org_unit = ?, org_path = ?, locale = ?, disabled = ?, id_number = ?, mobile = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? RETURNING version, created_at`,
			u.Username, u.DisplayName, u.PasswordHash, roles, u.OrgUnit, u.OrgPath, u.Locale, u.Disabled,
			u.SealedIDNumber, u.SealedMobile, nullMillis(u.UpdatedAt), u.ID, u.Version).Scan(&out.Version, &created)
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "the username is taken", err)
		}
		if errors.Is(err, sql.ErrNoRows) {
			var stored int64
			err := tx.queryRow("SELECT version FROM users WHERE id = ?", u.ID).Scan(&stored)
			if errors.Is(err, sql.ErrNoRows) {
				return engine.Errorf(engine.ENOTFOUND, "user not found")
			}
			if err != nil {
				return err
			}
			return engine.Errorf(engine.ECONFLICT, "the user was changed by someone else (version %d, not %d)", stored, u.Version)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out.CreatedAt = timeOf(created)
	out.UpdatedAt = timeOf(nullMillis(u.UpdatedAt))
	return &out, nil
}

// ListUsers returns matching users by username; see engine.DirectoryStore.
func (s *Store) ListUsers(ctx context.Context, f engine.UserFilter) ([]*engine.User, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := &where{}
	w.subtrees("org_path", f.OrgPaths)
	if f.Role != "" {
		w.add("EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = ?)", f.Role)
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+userColumns+" FROM users"+w.sql()+" ORDER BY username", w.args...)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	var out []*engine.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, s.dbError(err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return out, nil
}
