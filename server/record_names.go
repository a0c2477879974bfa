package server

import (
	"context"
	"fmt"
	"strings"

	"canvass/engine"
	"canvass/forms"
	"canvass/ui"
	"canvass/workflows"
)

// namer looks up, once per request, what pages and answers show in place
// of IDs and codes: users' display names, org-unit names, form, workflow
// and campaign titles. A lookup that fails shows the ID or code itself.
type namer struct {
	s    *Server
	ctx  context.Context
	a    *engine.Actor
	lang string // "" for the API: "system" stays "system"

	names     *engine.Names
	forms     map[string]*forms.Form
	workflows map[string]*workflows.Workflow
	campaigns map[string]string
}

func newNamer(s *Server, ctx context.Context, a *engine.Actor, lang string) *namer {
	return &namer{
		s: s, ctx: ctx, a: a, lang: lang,
		names: s.engine.Names(ctx), forms: map[string]*forms.Form{},
		workflows: map[string]*workflows.Workflow{}, campaigns: map[string]string{},
	}
}

func (n *namer) t(key string, args ...any) string { return ui.Message(n.lang, key, args...) }

// user names whoever did something: a user's display name, or the
// system for timers.
func (n *namer) user(id string) string {
	if id == "system" && n.lang != "" {
		return n.t("record.system")
	}
	return n.names.User(id)
}

// unit names an org unit by its code. Unit names are no secret: a record
// page may name the unit above the reader where a task went.
func (n *namer) unit(code string) string { return n.names.Unit(code) }

// unitOfPath names the unit a materialized path ends in.
func (n *namer) unitOfPath(path string) string {
	path = strings.Trim(path, "/")
	if path == "" {
		return ""
	}
	return n.unit(path[strings.LastIndex(path, "/")+1:])
}

// form returns the form version a record was filled with (nil when it no
// longer loads: the page then shows raw answers).
func (n *namer) form(r *engine.Record) *forms.Form {
	key := fmt.Sprintf("%s@%d", r.FormID, r.FormVersion)
	if f, ok := n.forms[key]; ok {
		return f
	}
	f, _, err := n.s.engine.Form(n.ctx, r.FormID, r.FormVersion)
	if err != nil {
		f = nil
	}
	n.forms[key] = f
	return f
}

func (n *namer) formTitle(r *engine.Record) string {
	if f := n.form(r); f != nil {
		return f.Title(n.lang)
	}
	return r.FormID
}

func (n *namer) workflow(r *engine.Record) *workflows.Workflow {
	if r.WorkflowID == "" {
		return nil
	}
	key := fmt.Sprintf("%s@%d", r.WorkflowID, r.WorkflowVersion)
	if w, ok := n.workflows[key]; ok {
		return w
	}
	w, _, err := n.s.engine.Workflow(n.ctx, r.WorkflowID, r.WorkflowVersion)
	if err != nil {
		w = nil
	}
	n.workflows[key] = w
	return w
}

// state titles a state of the record's workflow; a draft, which has none
// yet, by the catalog.
func (n *namer) state(r *engine.Record, state string) string {
	if state == "" {
		return ""
	}
	if w := n.workflow(r); w != nil && w.HasState(state) {
		return w.StateTitle(state, n.lang)
	}
	if key := "state." + state; ui.HasMessage(key) {
		return n.t(key)
	}
	return state
}

func (n *namer) campaign(id string) string {
	if title, ok := n.campaigns[id]; ok {
		return title
	}
	title := id
	if c, err := n.s.engine.Campaign(n.ctx, id); err == nil {
		title = c.Title(n.lang)
	}
	n.campaigns[id] = title
	return title
}

// action names a record action in the page's language.
func (n *namer) action(name string) string {
	if key := "action." + name; ui.HasMessage(key) {
		return n.t(key)
	}
	return name
}
