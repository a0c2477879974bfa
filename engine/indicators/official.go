package indicators

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"canvass/engine"
	"canvass/engine/tabular"
)

// Official figures are the numbers indicators are measured against that
// come from outside: the statistics bureau's births per township and year,
// say. Each import is a new version with its source text, who and when;
// for each (key, org unit, period) the latest version wins, and older
// versions stay listed.

// Limits of an official-figure import.
const (
	MaxOfficialRows   = 100_000
	maxOfficialSource = 200
	maxOfficialValue  = 1e12
)

var (
	officialKeyPattern    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	officialPeriodPattern = regexp.MustCompile(`^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$`)
)

// officialColumns maps accepted header texts (lower-cased) to columns.
var officialColumns = map[string]string{
	"key": "key", "figure": "key", "指标": "key", "指标代码": "key",
	"org_unit": "org_unit", "code": "org_unit", "org": "org_unit", "区划代码": "org_unit", "单位代码": "org_unit", "代码": "org_unit",
	"period": "period", "期间": "period", "时期": "period", "年度": "period",
	"value": "value", "数值": "value", "数": "value",
}

// OfficialRow is one official figure as it arrives from a sheet.
type OfficialRow struct {
	Row     int
	Key     string
	OrgUnit string
	Period  string
	Value   string
}

// ReadOfficialRows reads a sheet with the columns key, org_unit, period
// and value (English or Chinese headers, any order). Unreadable rows come
// back as RowErrors; ImportOfficialFigures checks the rest.
func ReadOfficialRows(r tabular.Reader) ([]OfficialRow, []engine.RowError, error) {
	var rows []OfficialRow
	errs, err := engine.ReadSheet(r, officialColumns, []string{"key", "org_unit", "period", "value"}, MaxOfficialRows, func(row int, cell func(string) string) {
		rows = append(rows, OfficialRow{Row: row, Key: cell("key"), OrgUnit: cell("org_unit"), Period: cell("period"), Value: cell("value")})
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, errs, nil
}

// ValidOfficialPeriod reports whether p is a year ("2026"), a quarter
// ("2026-Q2") or a month ("2026-05").
func ValidOfficialPeriod(p string) bool { return officialPeriodPattern.MatchString(p) }

// ImportOfficialFigures checks every row and, when all are valid, stores
// them as one new version with its source text. Nothing is stored when a
// row is bad: the error is EINVALID and the row errors say what to fix
// (an unknown org unit, one outside the actor's subtree, a bad period or
// value, the same figure twice). Admins and supervisors.
func (s *Service) ImportOfficialFigures(ctx context.Context, a *engine.Actor, source, fileName string, rows []OfficialRow) (*OfficialImport, []engine.RowError, error) {
	if err := a.Require(engine.RoleAdmin, engine.RoleSupervisor); err != nil {
		return nil, nil, err
	}
	source = strings.TrimSpace(source)
	if source == "" || utf8.RuneCountInString(source) > maxOfficialSource {
		msg := fmt.Sprintf("say where the figures come from, in 1 to %d characters", maxOfficialSource)
		return nil, nil, &engine.Error{Code: engine.EINVALID, Message: msg, Fields: []engine.FieldError{{Pointer: "/source", Code: "bad_source", Message: msg}}}
	}
	if len(rows) == 0 {
		return nil, nil, &engine.Error{Code: engine.EINVALID, Message: "the sheet has no figures"}
	}
	if len(rows) > MaxOfficialRows {
		return nil, nil, engine.Errorf(engine.ETOOLARGE, "the sheet has more than %d rows", MaxOfficialRows)
	}
	var errs []engine.RowError
	bad := func(r OfficialRow, col, code, format string, args ...any) {
		errs = append(errs, engine.RowError{Row: r.Row, Column: col, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	imp := &OfficialImport{ID: engine.NewID(s.e.Now()), Source: source, FileName: fileName, ImportedBy: a.ID(), ImportedAt: s.e.Now(), OrgPath: a.User.OrgPath}
	units := map[string]*engine.OrgUnit{}
	seen := map[string]int{}
	figures := make([]OfficialFigure, 0, len(rows))
	for _, r := range rows {
		ok := true
		if !officialKeyPattern.MatchString(r.Key) {
			bad(r, "key", "bad_key", "key %q must be lower-case letters, digits and underscores, starting with a letter", clip(r.Key))
			ok = false
		}
		if !ValidOfficialPeriod(r.Period) {
			bad(r, "period", "bad_period", "period %q must be a year (2026), a quarter (2026-Q2) or a month (2026-05)", clip(r.Period))
			ok = false
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(r.Value, ",", ""), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > maxOfficialValue {
			bad(r, "value", "bad_value", "value %q must be a number from 0 to %g", clip(r.Value), maxOfficialValue)
			ok = false
		}
		u, known := units[r.OrgUnit]
		if !known {
			if u, err = s.store.GetOrgUnit(ctx, r.OrgUnit); err != nil && engine.ErrorCode(err) != engine.ENOTFOUND {
				return nil, nil, err
			}
			if u != nil && !a.Sees(u.Path) {
				u = nil // outside the scope reads as unknown
			}
			units[r.OrgUnit] = u
		}
		if u == nil {
			bad(r, "org_unit", "unknown_org_unit", "org unit %q does not exist", clip(r.OrgUnit))
			ok = false
		}
		if !ok {
			continue
		}
		k := r.Key + "\x00" + u.Code + "\x00" + r.Period
		if first, dup := seen[k]; dup {
			bad(r, "key", "duplicate", "%s of %s for %s is already in row %d", r.Key, u.Code, r.Period, first)
			continue
		}
		seen[k] = r.Row
		figures = append(figures, OfficialFigure{ImportID: imp.ID, Key: r.Key, OrgUnit: u.Code, OrgPath: u.Path, Period: r.Period, Value: v})
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(x, y engine.RowError) int { return x.Row - y.Row })
		return nil, errs, &engine.Error{Code: engine.EINVALID, Message: fmt.Sprintf("%d rows have errors; nothing was imported", len(errs))}
	}
	imp.Rows = len(figures)
	if err := s.store.AddOfficialImport(ctx, imp, figures); err != nil {
		return nil, nil, err
	}
	if err := s.e.Audit(ctx, a, "official.import", "official_import", imp.ID, a.User.OrgPath,
		map[string]any{"version": imp.Version, "rows": imp.Rows, "source": imp.Source}); err != nil {
		return nil, nil, err
	}
	return imp, nil, nil
}

// clip shortens what a row error repeats from the input.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// OfficialImports lists the imports that may hold figures of the actor's
// subtree (made by someone whose scope overlaps the actor's), newest
// first. Anyone who may read indicators.
func (s *Service) OfficialImports(ctx context.Context, a *engine.Actor) ([]*OfficialImport, error) {
	if err := a.Require(indicatorReaders...); err != nil {
		return nil, err
	}
	imps, err := s.store.ListOfficialImports(ctx)
	if err != nil {
		return nil, err
	}
	out := imps[:0]
	for _, imp := range imps {
		if engine.InSubtree(imp.OrgPath, a.User.OrgPath) || engine.InSubtree(a.User.OrgPath, imp.OrgPath) {
			out = append(out, imp)
		}
	}
	return out, nil
}

// OfficialFigureView is one official figure in the actor's scope, with
// the import it came from and whether a newer version replaced it.
type OfficialFigureView struct {
	OfficialFigure
	OrgName    string
	Source     string
	ImportedBy string
	Current    bool // the latest version of this key, org unit and period
}

// maxOfficialList bounds the figures one listing returns.
const maxOfficialList = 20_000

// OfficialFigures lists the official figures in the actor's subtree (or
// under orgUnit), every version, the current one marked, ordered by key,
// org unit, period and version. Returns ENOTFOUND for an org unit outside
// the subtree, ETOOLARGE beyond maxOfficialList figures.
func (s *Service) OfficialFigures(ctx context.Context, a *engine.Actor, key, orgUnit string) ([]OfficialFigureView, error) {
	if err := a.Require(indicatorReaders...); err != nil {
		return nil, err
	}
	path := a.User.OrgPath
	if orgUnit != "" {
		u, err := s.e.OrgUnit(ctx, a, orgUnit)
		if err != nil {
			return nil, err
		}
		path = u.Path
	}
	f := OfficialFigureFilter{OrgPath: path}
	if key != "" {
		f.Keys = []string{key}
	}
	figs, err := s.store.ListOfficialFigures(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(figs) > maxOfficialList {
		return nil, engine.Errorf(engine.ETOOLARGE, "more than %d figures: choose a key or an org unit", maxOfficialList)
	}
	imps, err := s.store.ListOfficialImports(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*OfficialImport{}
	for _, imp := range imps {
		byID[imp.ID] = imp
	}
	latest := map[string]int64{}
	for _, f := range figs {
		k := f.Key + "\x00" + f.OrgPath + "\x00" + f.Period
		latest[k] = max(latest[k], f.Version)
	}
	names := s.orgNames(ctx, path)
	out := make([]OfficialFigureView, len(figs))
	for i, f := range figs {
		v := OfficialFigureView{OfficialFigure: f, OrgName: names[f.OrgUnit], Current: latest[f.Key+"\x00"+f.OrgPath+"\x00"+f.Period] == f.Version}
		if imp := byID[f.ImportID]; imp != nil {
			v.Source, v.ImportedBy = imp.Source, imp.ImportedBy
		}
		out[i] = v
	}
	return out, nil
}

// orgNames maps the codes of the units under path to their names (empty
// on a store error: names are decoration).
func (s *Service) orgNames(ctx context.Context, path string) map[string]string {
	units, err := s.store.ListOrgUnits(ctx, path)
	if err != nil {
		return map[string]string{}
	}
	out := make(map[string]string, len(units))
	for _, u := range units {
		out[u.Code] = u.Name
	}
	return out
}
