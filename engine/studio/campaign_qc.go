package studio

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"

	"canvass/campaigns"
)

// MaxQCMin is the largest minimum per worker the 抽查 editor takes: a
// spot check of more records than that is a census, not a sample.
const MaxQCMin = 10_000

// QCSettings are the spot-check settings as the 抽查 tab shows and takes
// them: the share as a percentage the author types ("5" for 5 %), the
// minimum per worker, and the period ("" for the campaign's own).
type QCSettings struct {
	On      bool   `json:"on"`
	Percent string `json:"percent"`
	Min     string `json:"min"`
	Period  string `json:"period"` // "", campaigns.PeriodMonth or campaigns.PeriodQuarter
}

// QC returns the campaign's spot-check settings; On is false when it has
// none.
func (d *CampaignDoc) QC() QCSettings {
	q, ok := d.camp.QC()
	if !ok {
		return QCSettings{}
	}
	s := QCSettings{On: true, Percent: strconv.FormatFloat(float64(q.SharePPM)/1e4, 'f', -1, 64), Min: strconv.Itoa(q.Min)}
	if p, ok := mapValue(asMap(d.value("qc")), "period").(string); ok {
		s.Period = p
	}
	return s
}

var percentPattern = regexp.MustCompile(`^\d{1,3}(\.\d{1,2})?$`)

// hundredths parses a non-negative decimal with at most two decimals into
// hundredths ("5" is 500, "12.5" is 1250).
func hundredths(s string) (int64, bool) {
	if !percentPattern.MatchString(s) {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + f, true
}

// trimPercent takes off what people type around a percentage.
func trimPercent(s string) string {
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), "%％"))
}

// SetQC sets the spot checks: share s.Percent % of each worker's records,
// at least s.Min, per s.Period. Problems are keyed /qc_percent, /qc_min
// and /qc_period. Settings equal to the current ones change nothing.
func (d *CampaignDoc) SetQC(s QCSettings) error {
	// The settings as shown (a share the file writes with more decimals
	// than the editor takes, 0.123456) save as they are.
	if cur := d.QC(); cur.On && trimPercent(s.Percent) == cur.Percent && strings.TrimSpace(s.Min) == cur.Min && s.Period == cur.Period {
		return nil
	}
	var ps problems
	pct, ok := hundredths(trimPercent(s.Percent))
	if !ok || pct <= 0 || pct > 10000 {
		ps = append(ps, problemAt("/qc_percent", CodeQCPercent)...)
	}
	minText := strings.TrimSpace(s.Min)
	if minText == "" {
		minText = "0"
	}
	n, err := strconv.Atoi(minText)
	if err != nil || len(minText) > 6 || n < 0 || n > MaxQCMin {
		ps = append(ps, problemAt("/qc_min", CodeQCMin, MaxQCMin)...)
	}
	switch s.Period {
	case "", campaigns.PeriodMonth, campaigns.PeriodQuarter:
	default:
		ps = append(ps, problemAt("/qc_period", CodeBadPeriod)...)
	}
	if len(ps) > 0 {
		return ps.err(d.Lang)
	}
	if cur := d.QC(); cur.On {
		if curPct, ok := hundredths(cur.Percent); ok && curPct == pct && cur.Min == strconv.Itoa(n) && cur.Period == s.Period {
			return nil
		}
	}
	qc := yaml.MapSlice{{Key: "share", Value: float64(pct) / 10000}, {Key: "min", Value: n}}
	if s.Period != "" {
		qc = append(qc, yaml.MapItem{Key: "period", Value: s.Period})
	}
	return d.replace("qc", qc)
}

// RemoveQC removes the spot checks. It refuses (qc_used, keyed /qc) while
// pay items depend on them, naming the items: they would never be paid or
// withheld.
func (d *CampaignDoc) RemoveQC() error {
	if _, ok := d.camp.QC(); !ok {
		return nil
	}
	if pt := d.payTable; pt != nil {
		if keys := pt.QCItems(); len(keys) > 0 {
			var names []string
			for _, k := range keys {
				names = append(names, "“"+pt.ItemLabel(k, d.Lang)+"”")
			}
			return problemAt("/qc", CodeQCUsed, strings.Join(names, "、")).err(d.Lang)
		}
	}
	return d.replace("qc", nil)
}
