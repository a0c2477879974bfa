package server

import (
	"time"

	"canvass/engine"
)

// returnNote is why a record came back for correction, for the edit page
// and the record page: the reviewer's reason, who returned it and when.
type returnNote struct {
	Reason string
	By     string // display name, filled in when rendering
	At     time.Time
	by     string // user ID
}

// returnNoteOf is the note of the return that sent r back, or nil when its
// last move was not a return.
func returnNoteOf(r *engine.Record) *returnNote {
	for i := len(r.History) - 1; i >= 0; i-- {
		h := r.History[i]
		if h.Action == "return" {
			return &returnNote{Reason: h.Reason, At: h.At, by: h.Actor}
		}
		if h.ToState != "" && h.ToState != h.FromState {
			return nil
		}
	}
	return nil
}

// returnReason is the reason of the return that sent r back, or "".
func returnReason(r *engine.Record) string {
	if n := returnNoteOf(r); n != nil {
		return n.Reason
	}
	return ""
}
