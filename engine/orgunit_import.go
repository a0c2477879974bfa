package engine

import (
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
	var rows []OrgUnitRow
	errs, err := ReadSheet(r, orgUnitColumns, []string{"code", "name", "level"}, MaxOrgUnitRows, func(row int, cell func(string) string) {
		level := cell("level")
		if l, ok := orgLevelNames[level]; ok {
			level = l
		}
		rows = append(rows, OrgUnitRow{Row: row, Code: cell("code"), Name: cell("name"), ParentCode: cell("parent"), Level: level})
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, errs, nil
}
