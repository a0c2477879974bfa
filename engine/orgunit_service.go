package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"canvass/rules"
)

// OrgUnitRow is one org unit as it arrives from a CSV/XLSX sheet or the
// command line, before it is checked.
type OrgUnitRow struct {
	Row        int // 1-based row number in the source, for the report
	Code       string
	Name       string
	ParentCode string
	Level      string
}

// RowError is one problem in one row of an import.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ImportOrgUnits checks every row and, when all are valid, stores them all
// (inserting or renaming by code). Nothing is stored when any row is bad:
// the returned error is EINVALID and the row errors say what to fix. A nil
// actor is the command line (system); otherwise the actor must be an admin
// and every unit must land inside the actor's subtree.
func (e *Engine) ImportOrgUnits(ctx context.Context, a *Actor, rows []OrgUnitRow) ([]RowError, error) {
	if a != nil {
		if err := a.Require(RoleAdmin); err != nil {
			return nil, err
		}
	}
	var errs []RowError
	bad := func(r OrgUnitRow, col, code, format string, args ...any) {
		errs = append(errs, RowError{Row: r.Row, Column: col, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	byCode := map[string]*OrgUnit{}
	units := make([]OrgUnit, 0, len(rows))
	for _, r := range rows {
		r.Code, r.Name, r.ParentCode, r.Level = strings.TrimSpace(r.Code), strings.TrimSpace(r.Name), strings.TrimSpace(r.ParentCode), strings.TrimSpace(strings.ToLower(r.Level))
		switch {
		case !rules.ValidOrgCode(r.Code):
			bad(r, "code", "bad_code", "code %q must be 6, 9, 12 or 15 digits", r.Code)
			continue
		case byCode[r.Code] != nil:
			bad(r, "code", "duplicate", "code %s appears more than once", r.Code)
			continue
		}
		if r.Name == "" || utf8.RuneCountInString(r.Name) > 100 {
			bad(r, "name", "bad_name", "name must have 1 to 100 characters")
		}
		if !slices.Contains(Levels, r.Level) {
			bad(r, "level", "bad_level", "level %q is not one of %s", r.Level, strings.Join(Levels, ", "))
		}
		u := OrgUnit{Code: r.Code, Name: r.Name, ParentCode: r.ParentCode, Level: r.Level}
		units = append(units, u)
		byCode[r.Code] = &units[len(units)-1]
	}
	// Resolve parents in level order so a parent's path is known before its
	// children's, whether the parent is in this batch or already stored.
	slices.SortStableFunc(units, func(x, y OrgUnit) int { return slices.Index(Levels, x.Level) - slices.Index(Levels, y.Level) })
	for k := range byCode {
		delete(byCode, k)
	}
	rowOf := map[string]OrgUnitRow{}
	for _, r := range rows {
		rowOf[strings.TrimSpace(r.Code)] = r
	}
	for i := range units {
		u := &units[i]
		byCode[u.Code] = u
		r := rowOf[u.Code]
		if !slices.Contains(Levels, u.Level) {
			continue // already reported
		}
		if u.ParentCode == "" {
			u.Path = ChildPath("", u.Code)
		} else {
			parent := byCode[u.ParentCode]
			if parent == nil {
				stored, err := e.store.GetOrgUnit(ctx, u.ParentCode)
				if err != nil && ErrorCode(err) != ENOTFOUND {
					return nil, err
				}
				parent = stored
			}
			if parent == nil {
				bad(r, "parent", "unknown_parent", "parent %s does not exist", u.ParentCode)
				continue
			}
			if slices.Index(Levels, parent.Level) >= slices.Index(Levels, u.Level) {
				bad(r, "level", "bad_level", "a %s cannot sit under a %s", u.Level, parent.Level)
				continue
			}
			u.Path = ChildPath(parent.Path, u.Code)
		}
		if a != nil && !a.Sees(u.Path) {
			bad(r, "parent", "out_of_scope", "unit %s lies outside your org scope", u.Code)
		}
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(x, y RowError) int { return x.Row - y.Row })
		return errs, &Error{Code: EINVALID, Message: fmt.Sprintf("%d rows have errors; nothing was imported", len(errs))}
	}
	if err := e.store.PutOrgUnits(ctx, units); err != nil {
		return nil, err
	}
	scope := units[0].Path // the command line: the top of what was imported
	if a != nil {
		scope = a.User.OrgPath
	}
	return nil, e.Audit(ctx, a, "orgunit.import", "orgunit", "", scope, map[string]any{"count": len(units)})
}

// OrgUnits returns the units in the actor's subtree (or under root, when
// given and inside it), parents before children.
func (e *Engine) OrgUnits(ctx context.Context, a *Actor, root string) ([]OrgUnit, error) {
	scope, err := a.NarrowScope(root)
	if err != nil {
		return nil, err
	}
	return e.store.ListOrgUnits(ctx, scope[0])
}

// OrgUnit returns one unit by code if it lies in the actor's subtree.
// Returns ENOTFOUND otherwise.
func (e *Engine) OrgUnit(ctx context.Context, a *Actor, code string) (*OrgUnit, error) {
	u, err := e.store.GetOrgUnit(ctx, code)
	if err != nil {
		return nil, err
	}
	if !a.Sees(u.Path) {
		return nil, Errorf(ENOTFOUND, "org unit not found")
	}
	return u, nil
}
