package engine

import (
	"errors"
	"io"
	"strings"

	"canvass/engine/tabular"
)

// MaxOrgUnitRows bounds a single org-unit sheet; a whole province has a few
// hundred thousand units at most.
const MaxOrgUnitRows = 500_000

// orgUnitColumns maps accepted header texts (lower-cased) to columns, so a
// sheet can be written with Chinese or English headers.
var orgUnitColumns = map[string]string{
	"code": "code", "代码": "code", "区划代码": "code", "编码": "code",
	"name": "name", "名称": "name", "单位名称": "name",
	"parent": "parent", "parent_code": "parent", "上级代码": "parent", "上级编码": "parent",
	"level": "level", "级别": "level", "层级": "level",
}

// orgLevelNames maps Chinese level names to levels.
var orgLevelNames = map[string]string{
	"省": LevelProvince, "市": LevelCity, "区县": LevelDistrict, "县": LevelDistrict, "区": LevelDistrict,
	"乡镇": LevelTownship, "街道": LevelTownship, "镇": LevelTownship, "乡": LevelTownship,
	"村": LevelVillage, "社区": LevelVillage, "村居": LevelVillage, "组": LevelGroup, "小组": LevelGroup,
}

// ReadOrgUnitRows reads an org-unit sheet with the columns code, name,
// parent and level (English or Chinese headers, any order). Row problems
// that reading can already see (a broken row, a missing column) come back
// as RowErrors; ImportOrgUnits checks the rest.
func ReadOrgUnitRows(r tabular.Reader) ([]OrgUnitRow, []RowError, error) {
	idx := map[string]int{}
	for i, h := range r.Header() {
		if col, ok := orgUnitColumns[strings.ToLower(strings.TrimSpace(h))]; ok {
			idx[col] = i
		}
	}
	var missing []string
	for _, col := range []string{"code", "name", "level"} {
		if _, ok := idx[col]; !ok {
			missing = append(missing, col)
		}
	}
	if len(missing) > 0 {
		return nil, nil, Errorf(EINVALID, "the sheet lacks the column(s) %s", strings.Join(missing, ", "))
	}
	cell := func(rec []string, col string) string {
		i, ok := idx[col]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []OrgUnitRow
	var errs []RowError
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *tabular.RowError
		if errors.As(err, &re) {
			errs = append(errs, RowError{Row: re.Row, Code: "unreadable", Message: re.Err.Error()})
			continue
		}
		if err != nil {
			return nil, nil, WrapError(EINVALID, "the sheet cannot be read", err)
		}
		if len(rows) >= MaxOrgUnitRows {
			return nil, nil, Errorf(ETOOLARGE, "the sheet has more than %d rows", MaxOrgUnitRows)
		}
		level := cell(rec, "level")
		if l, ok := orgLevelNames[level]; ok {
			level = l
		}
		rows = append(rows, OrgUnitRow{Row: r.Row(), Code: cell(rec, "code"), Name: cell(rec, "name"), ParentCode: cell(rec, "parent"), Level: level})
	}
	return rows, errs, nil
}
