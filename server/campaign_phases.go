package server

import (
	"context"
	"time"

	"canvass/campaigns"
	"canvass/engine"
)

// A campaign's phases as pages show them: the field worker's list of
// forms names the phase it is and whether the form is open in it; the
// dashboard lists every phase with how far it has run.

// phaseNote is the line under a form on the home page: the current phase
// and until when, or why the form cannot be filled today. open reports
// whether the phases let the form be filled now; a campaign without
// phases gives "" and true.
func phaseNote(p *pageData, camp *campaigns.Campaign, formID, formTitle string, now time.Time) (note string, open bool) {
	if len(camp.Phases()) == 0 {
		return "", true
	}
	g := camp.PhaseOpen(formID, now)
	lang := textLangOf(p.Lang)
	if g.Open {
		return p.T("phases.now", g.Current.Name.In(lang), g.Current.ToDate()), true
	}
	work := p.T("phases.fill", formTitle)
	return engine.PhaseRefusal(g, work, now, p.Lang), false
}

// phaseView is one phase on the dashboard.
type phaseView struct {
	Name, From, To string
	Status         string // done, current or upcoming
	StatusText     string
	Percent        int      // of its days gone by, 0–100
	Work           []string // what it opens, by label
	// Records counts the records handed in (not drafts) that were
	// created within the phase under the dashboard's unit, and Forms the
	// same per form the phase opens; Counted is false for a phase that
	// has not begun, which has none.
	Counted bool
	Records int64
	Forms   []phaseFormCount
}

// phaseFormCount is how many records of one form a phase received.
type phaseFormCount struct {
	Title   string
	Records int64
}

// phasesView lists the campaign's phases for the dashboard at now, with
// the records each received under the org path root in the actor's
// scope; nil without phases.
func (s *Server) phasesView(ctx context.Context, a *engine.Actor, p *pageData, camp *campaigns.Campaign, root string, now time.Time) ([]phaseView, error) {
	lang := textLangOf(p.Lang)
	var out []phaseView
	for _, ph := range camp.Phases() {
		v := phaseView{Name: ph.Name.In(lang), From: ph.FromDate(), To: ph.ToDate()}
		days := int(ph.To.Sub(ph.From).Hours()/24 + 0.5)
		switch {
		case !now.Before(ph.To):
			v.Status, v.Percent, v.StatusText = "done", 100, p.T("phases.done")
		case now.Before(ph.From):
			v.Status, v.StatusText = "upcoming", p.T("phases.upcoming", int(ph.From.Sub(now).Hours()/24)+1)
		default:
			day := int(now.Sub(ph.From).Hours()/24) + 1
			v.Status, v.Percent, v.StatusText = "current", day*100/days, p.T("phases.current", day, days)
		}
		in := engine.RecordFilter{CampaignID: camp.ID(), OrgPaths: []string{root}, CreatedFrom: ph.From, CreatedBefore: ph.To}
		if v.Counted = !now.Before(ph.From); v.Counted {
			n, err := s.engine.CountSubmitted(ctx, a, in)
			if err != nil {
				return nil, err
			}
			v.Records = n
		}
		for _, f := range ph.Forms {
			title := f
			if form, _, err := s.engine.Form(ctx, f, 0); err == nil {
				title = form.Title(p.Lang)
			}
			v.Work = append(v.Work, p.T("phases.fill", title))
			if v.Counted {
				in.FormID = f
				n, err := s.engine.CountSubmitted(ctx, a, in)
				if err != nil {
					return nil, err
				}
				v.Forms = append(v.Forms, phaseFormCount{Title: title, Records: n})
			}
		}
		for _, a := range ph.Actions {
			v.Work = append(v.Work, engine.PhaseWorkLabel(a, p.Lang))
		}
		if len(v.Work) == 0 {
			v.Work = []string{p.T("phases.nothing")}
		}
		out = append(out, v)
	}
	return out, nil
}
