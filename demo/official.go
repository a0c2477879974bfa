package demo

import (
	"context"
	"fmt"
	"strconv"

	"canvass/engine"
)

// officialSource is where the demo's official figures say they come from.
const officialSource = "清河区统计局 2026 年人口变动抽样调查（示例数据）"

// OfficialFigures are the statistics bureau's 2026 births and deaths of
// each village, the denominators of the vital-events coverage indicators
// (examples/vital-events). They are invented, like everything in the demo.
func OfficialFigures() []engine.OfficialRow {
	var rows []engine.OfficialRow
	n := 0
	for _, vs := range villages {
		for _, v := range vs {
			n++
			rows = append(rows,
				engine.OfficialRow{Row: len(rows) + 2, Key: "births", OrgUnit: v.code, Period: "2026", Value: strconv.Itoa(2 + n%3)},
				engine.OfficialRow{Row: len(rows) + 3, Key: "deaths", OrgUnit: v.code, Period: "2026", Value: strconv.Itoa(1 + n%2)})
		}
	}
	return rows
}

// seedOfficialFigures imports OfficialFigures as the admin, one version.
func (s *seeder) seedOfficialFigures(ctx context.Context) (int, error) {
	rows := OfficialFigures()
	_, bad, err := s.root.ImportOfficialFigures(ctx, s.actor("admin"), officialSource, "demo-official-figures.csv", rows)
	if err != nil {
		return 0, fmt.Errorf("demo: official figures: %w %v", err, bad)
	}
	return len(rows), nil
}
