package registry

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"canvass/campaigns"
	"canvass/engine"
)

// maxExportStates bounds the states one export may name.
const maxExportStates = 32

// checkExportStates refuses states the campaign's workflow does not have
// (EINVALID, one field per state, listing the states it has), so that a
// mistyped filter does not quietly export nothing.
func (s *Service) checkExportStates(ctx context.Context, camp *campaigns.Campaign, states []string) error {
	if len(states) == 0 {
		return nil
	}
	if len(states) > maxExportStates {
		return &engine.Error{Code: engine.EINVALID, Message: "too many states",
			Fields: []engine.FieldError{{Pointer: "/state", Code: "max_items", Message: "at most 32 states"}}}
	}
	known := []string{engine.StateDraft}
	if wf, _, err := s.e.Workflow(ctx, camp.Workflow(), 0); err == nil {
		known = append(known, wf.States()...)
	} else if engine.ErrorCode(err) != engine.ENOTFOUND {
		return err
	}
	var fields []engine.FieldError
	for i, st := range states {
		if !slices.Contains(known, st) {
			fields = append(fields, engine.FieldError{Pointer: "/state/" + strconv.Itoa(i), Code: "enum", Message: strings.Join(known, ", ")})
		}
	}
	if fields != nil {
		return &engine.Error{Code: engine.EINVALID, Message: "the workflow has no such state", Fields: fields}
	}
	return nil
}
