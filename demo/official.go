package demo

import (
	"context"
	"fmt"
	"strconv"

	"canvass/engine"
	"canvass/engine/indicators"
)

// officialSource is where the demo's official figures say they come from.
const officialSource = "清河区统计局 2026 年人口变动抽样调查（示例数据）"

// vitalCampaign is the example campaign whose coverage indicators divide
// by the official figures.
const vitalCampaign = "vital-events-2027"

// OfficialFigures are the statistics bureau's 2026 births, deaths and
// usual residents of each village and the police register's count of its
// people, the denominators of the vital-events coverage and accuracy
// indicators (examples/vital-events), made up from how many of each the
// village has registered (accepted): every other village with registrations misses
// one, the others have them all, and a village with none had none. So
// the demo's indicator page and dashboard show targets both met and
// missed. registered maps "births/341299001001" to a count.
func OfficialFigures(registered map[string]int) []indicators.OfficialRow {
	var rows []indicators.OfficialRow
	n := 0
	for _, vs := range villages {
		for _, v := range vs {
			n++
			for _, key := range officialKeys {
				figure := registered[key+"/"+v.code]
				if figure > 0 && n%2 == 0 {
					figure++ // one the village has not registered yet
				}
				rows = append(rows, indicators.OfficialRow{Row: len(rows) + 2, Key: key, OrgUnit: v.code, Period: "2026", Value: strconv.Itoa(figure)})
			}
		}
	}
	return rows
}

// officialKeys are the figures the vital-events indicators divide by.
var officialKeys = []string{"births", "deaths", "residents", "police_registered"}

// seedOfficialFigures imports OfficialFigures as the admin, one version,
// from the vital events the demo has registered.
func (s *seeder) seedOfficialFigures(ctx context.Context) (int, error) {
	registered := map[string]int{}
	for _, form := range []string{"vital-event", "resident-check"} {
		if err := s.countAccepted(ctx, form, registered); err != nil {
			return 0, err
		}
	}
	rows := OfficialFigures(registered)
	_, bad, err := s.root.Indicators.ImportOfficialFigures(ctx, s.actor("admin"), officialSource, "demo-official-figures.csv", rows)
	if err != nil {
		return 0, fmt.Errorf("demo: official figures: %w %v", err, bad)
	}
	return len(rows), nil
}

// countAccepted adds up the accepted records of one vital-events form
// by figure key and village: "births/341299001001".
func (s *seeder) countAccepted(ctx context.Context, form string, registered map[string]int) error {
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.root.Store().ListRecords(ctx, engine.RecordFilter{CampaignID: vitalCampaign, FormID: form, States: []string{"accepted"}}, p)
		if err != nil {
			return fmt.Errorf("demo: official figures: %w", err)
		}
		for _, r := range page.Records {
			switch {
			case r.Answers["eventType"] == "birth":
				registered["births/"+r.OrgUnit]++
			case r.Answers["eventType"] == "death":
				registered["deaths/"+r.OrgUnit]++
			case r.FormID == "resident-check":
				if r.Answers["residentType"] == "usual" {
					registered["residents/"+r.OrgUnit]++
				}
				registered["police_registered/"+r.OrgUnit]++
			}
		}
		if page.Next == "" {
			return nil
		}
		p.After = page.Next
	}
}
