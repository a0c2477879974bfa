package server

import (
	"context"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/ui"
)

// exportStatesOf reads the export's state filter: state=a&state=b or
// state=a,b.
func exportStatesOf(c fiber.Ctx) []string {
	var out []string
	for _, v := range c.Request().URI().QueryArgs().PeekMulti("state") {
		for _, st := range strings.Split(string(v), ",") {
			if st = strings.TrimSpace(st); st != "" && !slices.Contains(out, st) {
				out = append(out, st)
			}
		}
	}
	return out
}

// exportStateOption is one checkbox of the export's state filter.
type exportStateOption struct {
	Value, Title string
	Checked      bool
}

// exportStateOptions lists the states an export may keep — 草稿 and the
// workflow's states by their titles — with the accepted ones checked, or
// those in picked when the page was asked for some: a name list holds
// the confirmed sign-ups, not drafts and refusals.
func (s *Server) exportStateOptions(ctx context.Context, workflowID, lang string, picked []string) []exportStateOption {
	wf, _, err := s.engine.Workflow(ctx, workflowID, 0)
	if err != nil {
		return nil
	}
	checked := wf.AcceptedStates()
	if len(picked) > 0 {
		checked = picked
	}
	out := []exportStateOption{{Value: engine.StateDraft, Title: ui.Message(lang, "receipt.draft"), Checked: slices.Contains(checked, engine.StateDraft)}}
	for _, st := range wf.States() {
		out = append(out, exportStateOption{Value: st, Title: wf.StateTitle(st, lang), Checked: slices.Contains(checked, st)})
	}
	return out
}
