package engine

import (
	"context"
	"fmt"

	"canvass/rules"
)

// Compiled is a definition already compiled from the source about to be
// saved, so that saving it does not compile it again. The caller vouches
// that Value (nil when it did not load) and Diagnostics are what loading
// that source gives: the studio's form designer loads every edit before it
// saves it.
type Compiled struct {
	Value       any // *forms.Form for a form
	Diagnostics []rules.Diagnostic
}

// SaveDraftBasedCompiled is SaveDraftBased for a source compiled already.
func (e *Engine) SaveDraftBasedCompiled(ctx context.Context, a *Actor, kind, id, filename string, src []byte, base string, c Compiled) (*DraftResult, error) {
	return e.saveDraft(ctx, a, kind, id, filename, src, &base, &c)
}

// draftConflict is the ECONFLICT of a save whose base is no longer the
// newest version: it names who saved the newest one, in Fields[0].Message
// ("/version", code "stale"), for pages to show.
func (e *Engine) draftConflict(ctx context.Context, kind, id string) error {
	who := "?"
	if newest, err := e.newestVersion(ctx, kind, id); err == nil {
		who = e.Names(ctx).User(newest.CreatedBy)
	}
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf("%s %s was changed by %s meanwhile; reload to see their change", kind, id, who),
		Fields: []FieldError{{Pointer: "/version", Code: "stale", Message: who}}}
}
