package demo

import "canvass/engine"

// The fictional district and the units above it. Townships are
// DistrictCode+"001".."003", villages Township+"001".."004".
const (
	ProvinceCode = "340000"
	CityCode     = "341200"
	DistrictCode = "341299"
)

// unitName is one org unit's code and fictional name.
type unitName struct{ code, name string }

var townships = []unitName{
	{"341299001", "柳泉镇"},
	{"341299002", "石桥镇"},
	{"341299003", "云溪乡"},
}

var villages = [][]unitName{
	{{"341299001001", "东柳村"}, {"341299001002", "西柳村"}, {"341299001003", "泉口村"}, {"341299001004", "杏花村"}},
	{{"341299002001", "石桥村"}, {"341299002002", "南湾村"}, {"341299002003", "北岗村"}, {"341299002004", "枣林村"}},
	{{"341299003001", "云溪村"}, {"341299003002", "竹园村"}, {"341299003003", "梅岭村"}, {"341299003004", "桃坞村"}},
}

// OrgTree returns the demo org units as import rows, parents first: one
// province, one city, the district, 3 townships and 12 villages.
func OrgTree() []engine.OrgUnitRow {
	rows := []engine.OrgUnitRow{
		{Code: ProvinceCode, Name: "示例省", Level: engine.LevelProvince},
		{Code: CityCode, Name: "示例市", ParentCode: ProvinceCode, Level: engine.LevelCity},
		{Code: DistrictCode, Name: "清河区", ParentCode: CityCode, Level: engine.LevelDistrict},
	}
	for i, t := range townships {
		rows = append(rows, engine.OrgUnitRow{Code: t.code, Name: t.name, ParentCode: DistrictCode, Level: engine.LevelTownship})
		for _, v := range villages[i] {
			rows = append(rows, engine.OrgUnitRow{Code: v.code, Name: v.name, ParentCode: t.code, Level: engine.LevelVillage})
		}
	}
	for i := range rows {
		rows[i].Row = i + 1
	}
	return rows
}
