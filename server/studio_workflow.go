package server

import (
	"errors"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/studio"
	"canvass/forms"
	"canvass/ui"
	"canvass/workflows"
)

// The campaign studio's 审核流程 tab (issue #16): the review ladder the
// author builds level by level, the correction step, the outcomes, routing
// rules through the form designer's condition builder, and a diagram drawn
// on the server. Every control is a plain form post that loads the newest
// version of the workflow, applies one engine/studio operation and saves a
// draft based on the version the page showed (409 when another author
// saved meanwhile); ui/static/studio_workflow.js only saves the page
// reload and re-fetches the diagram.

func (s *Server) studioWorkflowRoutes() {
	base := "/studio/campaigns/:id/workflow"
	s.app.Get(base, s.signedInPage, s.studioWorkflowPage)
	s.app.Get(base+"/diagram.svg", s.signedInPage, s.studioWorkflowDiagram)
	s.app.Post(base+"/create", s.signedInPage, s.studioWorkflowCreate)
	s.app.Post(base+"/title", s.signedInPage, s.studioWorkflowEdit("title"))
	s.app.Post(base+"/levels", s.signedInPage, s.studioWorkflowEdit("add-level"))
	s.app.Post(base+"/correction", s.signedInPage, s.studioWorkflowEdit("add-correction"))
	s.app.Post(base+"/outcomes", s.signedInPage, s.studioWorkflowEdit("add-outcome"))
	s.app.Post(base+"/states/:state", s.signedInPage, s.studioWorkflowEdit("state"))
	s.app.Post(base+"/states/:state/move", s.signedInPage, s.studioWorkflowEdit("move"))
	s.app.Post(base+"/states/:state/delete", s.signedInPage, s.studioWorkflowEdit("delete"))
	s.app.Post(base+"/states/:state/routes", s.signedInPage, s.studioWorkflowEdit("routes"))
}

// Title and Tabs are the campaign's, for the studio's page head.
func (d *studioWorkflowData) Title() string     { return d.C.Title }
func (d *studioWorkflowData) Tabs() []studioTab { return d.C.Tabs }

// studioWorkflow is the workflow tab's own data.
type studioWorkflowData struct {
	C        *studioCampaignData
	Missing  bool   // the campaign has no workflow yet
	ID       string // the workflow's ID
	Base     string // its checksum: the base of the next save
	Version  int
	Draft    bool
	URL      string // the tab's address
	Spec     studio.WorkflowSpec
	Levels   []wfStateView
	Fixes    []wfStateView // correction steps
	Finals   []wfStateView
	States   []studioOption // every state, for "leads to"
	Open     []studioOption // non-final states, for the start
	Roles    []studioOption
	LevelOps []studioOption
	Units    []studioOption // of a time limit
	// of the reminders' interval and of the escalation's delay
	RemindUnits, AfterUnits []studioOption
	Keys                    []keyOption // the forms' questions at any depth, for routing rules
	RepeatKeys              []keyOption // the questions of repeat groups, shown but refused
	Ops                     []operatorOption
	Diagram                 template.HTML
	Errors                  map[string]string // by control id
	Refs                    []string          // what leads to a state the author tried to delete
	RefState                string            // that state, for the forced delete
	Broken                  string            // the stored draft does not open
}

// wfStateView is one state as the page shows it.
type wfStateView struct {
	studio.StateSpec
	P           *pageData
	ID          string // control id prefix: s-<name>
	Action      string // the form's address
	First, Last bool
	Start       bool
	Approve     wfActionView
	Return      wfActionView
	Reject      wfActionView
	Submit      wfActionView
	Routes      []wfRouteView
	RouteRows   []int // the add-rule form's condition rows
	Refs        int   // how many actions lead here
	DueRaw      string
	Widen       map[string]bool
	RoleSet     map[string]bool
	Options     []studioOption // where an action may lead
}

type wfActionView struct {
	On, Reason bool
	To         string
	Guard      string
}

type wfRouteView struct {
	Index int
	Text  string
	To    string
}

// loadStudioWorkflow fills the tab's data from the newest versions.
func (s *Server) loadStudioWorkflow(c fiber.Ctx) (*pageData, *studioWorkflowData, *studio.WorkflowDoc, error) {
	p, d, err := s.studioCampaign(c, "workflow")
	if err != nil {
		return nil, nil, nil, err
	}
	wd := &studioWorkflowData{C: d, URL: studioURL(d.ID, "workflow"), Errors: map[string]string{}}
	p.Data = wd
	var file *studioFileView
	for i := range d.Files {
		if d.Files[i].Kind == engine.KindWorkflow {
			file = &d.Files[i]
		}
	}
	if file == nil {
		wd.Missing = true
		return p, wd, nil, nil
	}
	a := actorOf(c)
	v, err := s.engine.DefinitionVersion(c.Context(), a, engine.KindWorkflow, file.ID, file.Version)
	if err != nil {
		return nil, nil, nil, err
	}
	wd.ID, wd.Base, wd.Version, wd.Draft = file.ID, file.Checksum, file.Version, file.Draft
	doc, err := studio.OpenWorkflow(v.Source)
	if err != nil {
		wd.Broken = p.T("studio.wf.broken", engine.ErrorMessage(err))
		return p, wd, nil, nil
	}
	doc.Lang = p.Lang
	return p, wd, doc, nil
}

// fill describes doc on the page.
func (s *Server) fillStudioWorkflow(c fiber.Ctx, p *pageData, wd *studioWorkflowData, doc *studio.WorkflowDoc) error {
	lang := p.Lang
	w := doc.Spec()
	wd.Spec = w
	for _, r := range workflows.Roles {
		wd.Roles = append(wd.Roles, studioOption{Value: r, Label: p.T("role." + r)})
	}
	for _, l := range workflows.Levels {
		wd.LevelOps = append(wd.LevelOps, studioOption{Value: l, Label: p.T("level." + l)})
	}
	units := func(none string) []studioOption {
		return []studioOption{{"", p.T(none)}, {studio.UnitHours, p.T("studio.wf.unit.hours")}, {studio.UnitDays, p.T("studio.wf.unit.days")}}
	}
	wd.Units, wd.RemindUnits, wd.AfterUnits = units("studio.wf.unit.none"), units("studio.wf.unit.remind_none"), units("studio.wf.unit.after_none")
	for _, o := range studio.Operators() {
		name := o.NameZH
		if strings.HasPrefix(lang, "en") {
			name = o.NameEN
		}
		wd.Ops = append(wd.Ops, operatorOption{ID: o.ID, Name: name})
	}
	for _, st := range w.States {
		wd.States = append(wd.States, studioOption{Value: st.Name, Label: textOf(st.Title, lang, st.Name)})
		if st.Kind != studio.StateFinal {
			wd.Open = append(wd.Open, studioOption{Value: st.Name, Label: textOf(st.Title, lang, st.Name)})
		}
	}
	docs, err := s.studioWorkflowForms(c, wd.C)
	if err != nil {
		return err
	}
	for _, f := range studio.RouteFields(docs) {
		if f.Repeat != "" {
			wd.RepeatKeys = append(wd.RepeatKeys, keyOption{Key: f.Key, Label: f.Label})
		} else {
			wd.Keys = append(wd.Keys, keyOption{Key: f.Key, Label: f.Label})
		}
	}
	levels := w.Levels()
	for _, st := range w.States {
		v := wfStateView{StateSpec: st, P: p, ID: "s-" + st.Name, Action: wd.URL + "/states/" + url.PathEscape(st.Name),
			Start: st.Name == w.Start, Refs: len(doc.ReferencesTo(st.Name)), RouteRows: []int{0, 1, 2},
			Widen: map[string]bool{}, RoleSet: map[string]bool{}}
		for _, r := range st.Escalate.Widen {
			v.Widen[r] = true
		}
		for _, r := range st.Roles {
			v.RoleSet[r] = true
		}
		if st.Due.Raw != "" {
			v.DueRaw = st.Due.Raw
		}
		for _, o := range wd.States {
			if o.Value != st.Name {
				v.Options = append(v.Options, o)
			}
		}
		for _, a := range st.Actions {
			av := wfActionView{On: true, Reason: a.ReasonRequired, To: a.To, Guard: a.Guard}
			switch a.Name {
			case workflows.ActionApprove:
				v.Approve = av
				for i, r := range a.Routes {
					text := r.When
					if cond, ok := studio.ParseRoute(docs, r.When); ok {
						text = conditionText(p, cond, wd.Keys, wd.Ops)
					}
					v.Routes = append(v.Routes, wfRouteView{Index: i, Text: text, To: w.TitleOf(r.To, lang)})
				}
			case workflows.ActionReturn:
				v.Return = av
			case workflows.ActionReject:
				v.Reject = av
			case workflows.ActionSubmit:
				v.Submit = av
			}
		}
		// An action not allowed yet offers a sensible target when ticked.
		if finals := w.Finals(); len(finals) > 0 {
			if v.Approve.To == "" {
				v.Approve.To = finals[0].Name
			}
			if v.Reject.To == "" {
				v.Reject.To = finals[len(finals)-1].Name
			}
		}
		if cs := w.Corrections(); len(cs) > 0 && v.Return.To == "" {
			v.Return.To = cs[0].Name
		}
		switch st.Kind {
		case studio.StateLevel:
			i := slices.IndexFunc(levels, func(l studio.StateSpec) bool { return l.Name == st.Name })
			v.First, v.Last = i == 0, i == len(levels)-1
			wd.Levels = append(wd.Levels, v)
		case studio.StateCorrection:
			wd.Fixes = append(wd.Fixes, v)
		default:
			wd.Finals = append(wd.Finals, v)
		}
	}
	svg := studio.WorkflowDiagram(w, s.diagramOptions(p))
	wd.Diagram = template.HTML(svg) // escaped by WorkflowDiagram
	return nil
}

func (s *Server) diagramOptions(p *pageData) studio.DiagramOptions {
	return studio.DiagramOptions{Lang: p.Lang,
		RoleName:  func(r string) string { return p.T("role." + r) },
		LevelName: func(l string) string { return p.T("level." + l) }}
}

func textOf(t forms.Text, lang, fallback string) string {
	if strings.HasPrefix(lang, "en") && t.EN != "" {
		return t.EN
	}
	if t.ZH != "" {
		return t.ZH
	}
	return fallback
}

// conditionText reads builder rows as a sentence: 申请金额 大于 5000 且 ….
func conditionText(p *pageData, c studio.Condition, keys []keyOption, ops []operatorOption) string {
	var parts []string
	for _, r := range c.Rows {
		field := r.Field
		for _, k := range keys {
			if k.Key == r.Field {
				field = k.Label
			}
		}
		op := r.Op
		for _, o := range ops {
			if o.ID == r.Op {
				op = o.Name
			}
		}
		parts = append(parts, strings.TrimSpace(field+" "+op+" "+r.Value))
	}
	join := p.T("studio.wf.and")
	if c.Join == studio.JoinOr {
		join = p.T("studio.wf.or")
	}
	return strings.Join(parts, join)
}

// studioWorkflowForms opens the newest version of each of the campaign's
// forms, for the routing rules' fields.
func (s *Server) studioWorkflowForms(c fiber.Ctx, d *studioCampaignData) ([]*studio.FormDoc, error) {
	var docs []*studio.FormDoc
	for _, f := range d.Forms {
		v, err := s.engine.DefinitionVersion(c.Context(), actorOf(c), engine.KindForm, f.ID, f.Version)
		if err != nil {
			return nil, err
		}
		if doc, err := studio.OpenForm(v.Source); err == nil {
			docs = append(docs, doc)
		}
	}
	return docs, nil
}

// studioWorkflowPage shows the tab: GET /studio/campaigns/:id/workflow.
func (s *Server) studioWorkflowPage(c fiber.Ctx) error {
	p, wd, doc, err := s.loadStudioWorkflow(c)
	if err != nil {
		return err
	}
	if q := c.Query("saved"); q != "" {
		p.Flash = p.T("studio.wf.saved")
	}
	if c.Query("created") != "" {
		p.Flash = p.T("studio.wf.created")
	}
	if doc != nil {
		if err := s.fillStudioWorkflow(c, p, wd, doc); err != nil {
			return err
		}
	}
	return s.render(c, fiber.StatusOK, "studio_workflow", p)
}

// studioWorkflowDiagram answers the diagram of the newest version as SVG:
// GET /studio/campaigns/:id/workflow/diagram.svg.
func (s *Server) studioWorkflowDiagram(c fiber.Ctx) error {
	p, _, doc, err := s.loadStudioWorkflow(c)
	if err != nil {
		return err
	}
	if doc == nil {
		return engine.Errorf(engine.ENOTFOUND, "the campaign has no workflow that opens")
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(studio.WorkflowDiagram(doc.Spec(), s.diagramOptions(p)))
}

// studioWorkflowCreate makes the default ladder for a campaign without a
// workflow and links it in the campaign file, both as drafts: POST
// /studio/campaigns/:id/workflow/create (base: the campaign's checksum).
func (s *Server) studioWorkflowCreate(c fiber.Ctx) error {
	p, wd, _, err := s.loadStudioWorkflow(c)
	if err != nil {
		return err
	}
	if !wd.Missing {
		return redirect(c, wd.URL)
	}
	a := actorOf(c)
	ctx := c.Context()
	campID := wd.C.ID
	camp, err := s.engine.DefinitionVersion(ctx, a, engine.KindCampaign, campID, wd.C.Files[0].Version)
	if err != nil {
		return err
	}
	if bodyField(c, "base") != camp.Checksum {
		p.Error = p.T("studio.conflict", s.engine.Names(ctx).User(camp.CreatedBy))
		return s.render(c, fiber.StatusConflict, "studio_workflow", p)
	}
	title := forms.Text{ZH: p.T("studio.wf.default.title"), EN: ui.Message("en", "studio.wf.default.title")}
	var id string
	for i := 0; ; i++ {
		id = studio.WorkflowIDFor(campID, i)
		doc := studio.NewWorkflow(id, title)
		_, err = s.engine.SaveDraftBased(ctx, a, engine.KindWorkflow, id, id+".workflow.yaml", doc.Bytes(), "")
		if engine.ErrorCode(err) == engine.ECONFLICT && i < 5 {
			continue // the ID is taken (perhaps out of sight): the next one
		}
		break
	}
	if err != nil {
		if key := scopeRefusal(err); key != "" {
			return s.studioRefused(c, err, key)
		}
		return err
	}
	src, err := studio.LinkCampaignWorkflow(camp.Source, id)
	if err != nil {
		return err
	}
	if _, err := s.engine.SaveDraftBased(ctx, a, engine.KindCampaign, campID, camp.Filename, src, camp.Checksum); err != nil {
		if engine.ErrorCode(err) == engine.ECONFLICT {
			p.Error = p.T("studio.conflict", conflictWho(err))
			return s.render(c, fiber.StatusConflict, "studio_workflow", p)
		}
		return err
	}
	return redirect(c, wd.URL+"?created=1")
}

// studioWorkflowEdit handles one of the tab's forms: op names which.
func (s *Server) studioWorkflowEdit(op string) fiber.Handler {
	return func(c fiber.Ctx) error {
		p, wd, doc, err := s.loadStudioWorkflow(c)
		if err != nil {
			return err
		}
		if doc == nil {
			return redirect(c, wd.URL)
		}
		state := c.Params("state")
		anchor := ""
		if state != "" {
			anchor = "#s-" + state
		}
		var opErr error
		switch op {
		case "title":
			opErr = doc.SetTitle(forms.Text{ZH: bodyField(c, "title_zh"), EN: bodyField(c, "title_en")}, bodyField(c, "start"))
			anchor = "#wf-header"
		case "add-level":
			var name string
			index := -1
			if i, err := strconv.Atoi(bodyField(c, "position")); err == nil {
				index = i
			}
			spec := studio.StateSpec{Title: forms.Text{ZH: bodyField(c, "title_zh"), EN: bodyField(c, "title_en")},
				Roles: formValues(c, "role"), Level: bodyField(c, "level"), Due: limitField(c, "due")}
			name, opErr = doc.AddLevel(index, spec)
			anchor = "#s-" + name
		case "add-correction":
			var name string
			name, opErr = doc.SetCorrection(studio.StateSpec{Title: forms.Text{ZH: bodyField(c, "title_zh"), EN: bodyField(c, "title_en")},
				Level: bodyField(c, "level"), Due: limitField(c, "due")})
			anchor = "#s-" + name
		case "add-outcome":
			var name string
			name, opErr = doc.AddOutcome(forms.Text{ZH: bodyField(c, "title_zh"), EN: bodyField(c, "title_en")})
			anchor = "#s-" + name
		case "state":
			opErr = s.updateWorkflowState(c, doc, state)
		case "move":
			delta := 1
			if bodyField(c, "dir") == "up" {
				delta = -1
			}
			opErr = doc.MoveLevel(state, delta)
		case "delete":
			opErr = doc.DeleteState(state, bodyField(c, "force") == "1")
			anchor = "#wf-levels"
		case "routes":
			opErr = s.updateWorkflowRoutes(c, doc, wd, state)
		}
		if opErr == nil {
			_, opErr = s.engine.SaveDraftBased(c.Context(), actorOf(c), engine.KindWorkflow, wd.ID, wd.ID+".workflow.yaml", doc.Bytes(), bodyField(c, "base"))
			if opErr == nil {
				return redirect(c, wd.URL+"?saved=1"+anchor)
			}
		}
		code := engine.ErrorCode(opErr)
		switch code {
		case engine.EINVALID:
		case engine.ECONFLICT:
			p.Error = p.T("studio.conflict", conflictWho(opErr))
		default:
			if key := scopeRefusal(opErr); key != "" {
				return s.studioRefused(c, opErr, key)
			}
			return opErr
		}
		// Show the page as stored, with the problems next to the controls.
		if p, wd, doc, err = s.loadStudioWorkflow(c); err != nil {
			return err
		}
		if err := s.fillStudioWorkflow(c, p, wd, doc); err != nil {
			return err
		}
		if code == engine.ECONFLICT {
			p.Error = p.T("studio.conflict", conflictWho(opErr))
			return s.render(c, fiber.StatusConflict, "studio_workflow", p)
		}
		s.workflowProblems(p, wd, opErr, op, state)
		return s.render(c, fiber.StatusUnprocessableEntity, "studio_workflow", p)
	}
}

// limitField reads a time limit from <name>_n and <name>_unit; a number
// that is not a whole number becomes -1, which the model refuses with its
// message.
func limitField(c fiber.Ctx, name string) studio.Limit {
	unit := bodyField(c, name+"_unit")
	if unit == "" || unit == "keep" {
		return studio.Limit{}
	}
	n, err := strconv.Atoi(strings.TrimSpace(bodyField(c, name+"_n")))
	if err != nil {
		n = -1
	}
	return studio.Limit{N: n, Unit: unit}
}

// updateWorkflowState applies the state form: titles, who acts, limits,
// reminders, escalation and allowed actions. What the form does not show
// (a guard, routing rules, unknown keys) is kept.
func (s *Server) updateWorkflowState(c fiber.Ctx, doc *studio.WorkflowDoc, name string) error {
	w := doc.Spec()
	cur := w.State(name)
	if cur == nil {
		return doc.UpdateState(studio.StateSpec{Name: name})
	}
	spec := *cur
	spec.Title = forms.Text{ZH: bodyField(c, "title_zh"), EN: bodyField(c, "title_en")}
	if spec.Kind == studio.StateFinal {
		return doc.UpdateState(spec)
	}
	spec.Roles = formValues(c, "role")
	spec.Level = bodyField(c, "level")
	if bodyField(c, "due_unit") != "keep" {
		spec.Due = limitField(c, "due")
	}
	spec.Remind = studio.Reminder{}
	if t := strings.TrimSpace(bodyField(c, "remind_times")); t != "" && t != "0" {
		n, err := strconv.Atoi(t)
		if err != nil {
			n = -1
		}
		spec.Remind = studio.Reminder{Every: limitField(c, "remind"), Times: n}
	}
	if bodyField(c, "remind_unit") == "keep" {
		spec.Remind = cur.Remind
	}
	spec.Escalate = studio.Escalation{To: bodyField(c, "escalate")}
	switch spec.Escalate.To {
	case studio.EscalateWiden:
		spec.Escalate.Widen = formValues(c, "widen")
	case "keep":
		spec.Escalate = cur.Escalate
	}
	if spec.Escalate.To != "" && bodyField(c, "escalate") != "keep" {
		spec.Escalate.After = limitField(c, "after")
	}
	shown := []string{workflows.ActionApprove, workflows.ActionReturn, workflows.ActionReject}
	if spec.Kind == studio.StateCorrection {
		shown = []string{workflows.ActionSubmit}
	}
	var actions []studio.ActionSpec
	for _, a := range cur.Actions {
		if !slices.Contains(shown, a.Name) {
			actions = append(actions, a)
			continue
		}
		if bodyField(c, "act_"+a.Name) == "" && a.Name != workflows.ActionSubmit {
			continue
		}
		a.To = bodyField(c, "to_"+a.Name)
		if a.Name != workflows.ActionReturn && a.Name != workflows.ActionSubmit {
			a.ReasonRequired = bodyField(c, "reason_"+a.Name) != ""
		}
		actions = append(actions, a)
	}
	for _, name := range shown {
		if cur.Action(name) == nil && bodyField(c, "act_"+name) != "" {
			a := studio.ActionSpec{Name: name, To: bodyField(c, "to_"+name), ReasonRequired: name == workflows.ActionReturn || bodyField(c, "reason_"+name) != ""}
			if a.Name == workflows.ActionReturn && a.To == "" {
				if cs := w.Corrections(); len(cs) > 0 {
					a.To = cs[0].Name
				}
			}
			actions = append(actions, a)
		}
	}
	spec.Actions = actions
	return doc.UpdateState(spec)
}

// maxRouteRows bounds the condition rows of one routing rule.
const maxRouteRows = 10

// updateWorkflowRoutes adds a routing rule to a level's 通过 (op=add:
// join, field/op/value rows, to) or deletes one (op=delete, index).
func (s *Server) updateWorkflowRoutes(c fiber.Ctx, doc *studio.WorkflowDoc, wd *studioWorkflowData, name string) error {
	w := doc.Spec()
	st := w.State(name)
	if st == nil || st.Action(workflows.ActionApprove) == nil {
		return doc.SetRoutes(name, workflows.ActionApprove, nil, "")
	}
	a := *st.Action(workflows.ActionApprove)
	routes := slices.Clone(a.Routes)
	if bodyField(c, "op") == "delete" {
		i, err := strconv.Atoi(bodyField(c, "index"))
		if err != nil || i < 0 || i >= len(routes) {
			return fieldProblem("/states/"+name+"/actions/approve/routes", "bad_index", ui.Message(doc.Lang, "studio.wf.route.gone"))
		}
		return doc.SetRoutes(name, workflows.ActionApprove, slices.Delete(routes, i, i+1), a.To)
	}
	fields, ops, values := formValues(c, "cond_field"), formValues(c, "cond_op"), formValues(c, "cond_value")
	cond := studio.Condition{Join: bodyField(c, "join")}
	for i := range fields {
		if strings.TrimSpace(fields[i]) == "" {
			continue
		}
		row := studio.ConditionRow{Field: fields[i]}
		if i < len(ops) {
			row.Op = ops[i]
		}
		if i < len(values) {
			row.Value = values[i]
		}
		cond.Rows = append(cond.Rows, row)
	}
	if len(cond.Rows) > maxRouteRows {
		return fieldProblem("/states/"+name+"/route/rows", "too_many_rows", ui.Message(doc.Lang, "studio.wf.route.rows", maxRouteRows))
	}
	docs, err := s.studioWorkflowForms(c, wd.C)
	if err != nil {
		return err
	}
	expr, err := studio.RouteExpr(docs, cond, doc.Lang)
	if err != nil {
		var e *engine.Error
		if errors.As(err, &e) {
			for i := range e.Fields {
				e.Fields[i].Pointer = "/states/" + name + "/route" + e.Fields[i].Pointer
			}
		}
		return err
	}
	to := bodyField(c, "to")
	return doc.SetRoutes(name, workflows.ActionApprove, append(routes, studio.RouteSpec{When: expr, To: to}), a.To)
}

// workflowProblems puts a refusal's problems on the page: each next to the
// control its pointer names (ids s-<state>-<part>, add-level-…,
// wf-title), and all of them in the alert at the top.
func (s *Server) workflowProblems(p *pageData, wd *studioWorkflowData, err error, op, state string) {
	var msgs []string
	for _, f := range engine.ErrorFields(err) {
		msg := f.Message
		if p.Lang == ui.DefaultLang && ui.HasMessage("studio.problem."+f.Code) && f.Code != studio.CodeWorkflowInvalid && !isStudioCode(f.Code) {
			msg = p.T("studio.problem."+f.Code) + "（" + f.Message + "）"
		}
		msgs = append(msgs, msg)
		key := workflowControl(f.Pointer, wd.Spec, op)
		if key != "" {
			if _, seen := wd.Errors[key]; !seen {
				wd.Errors[key] = msg
			}
		}
		if f.Code == studio.CodeStateReferenced || f.Code == studio.CodeStartReferenced {
			wd.Refs = append(wd.Refs, msg)
			wd.RefState = state
		}
	}
	p.Error = p.T("studio.wf.failed") + strings.Join(msgs, "；")
}

func isStudioCode(code string) bool {
	return studio.Message("zh", code) != code
}

// workflowControl maps a problem's pointer to the id of the control it
// is about.
func workflowControl(ptr string, w studio.WorkflowSpec, op string) string {
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	switch {
	case ptr == "/title":
		return "wf-title"
	case ptr == "/start":
		return "wf-start"
	case len(parts) >= 2 && parts[0] == "states":
		prefix := "s-" + parts[1]
		if w.State(parts[1]) == nil {
			switch op {
			case "add-level":
				prefix = "add-level"
			case "add-correction":
				prefix = "add-correction"
			case "add-outcome":
				prefix = "add-outcome"
			}
		}
		part := "state"
		if len(parts) >= 3 {
			part = parts[2]
			switch part {
			case "step":
				part = "level"
				if len(parts) >= 4 && parts[3] == "role" {
					part = "role"
				}
			case "actions":
				part = "actions"
				if len(parts) >= 4 {
					part = "act-" + parts[3]
					if len(parts) >= 5 && strings.HasPrefix(parts[4], "routes") {
						part = "routes"
					}
				}
			case "route":
				part = "routes"
			}
		}
		return prefix + "-" + part
	}
	return ""
}

// workflowAnchor is where on the 审核流程 tab a workflow problem at path
// ("states.township_check.due") is fixed: the state's card.
func workflowAnchor(path string) string {
	rest, ok := strings.CutPrefix(path, "states.")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, ".")
	name, _, _ = strings.Cut(name, "[")
	return "#s-" + name
}

// wfErrView is what the template "wf-err" gets: a control's id and its
// problem, if any.
type wfErrView struct{ ID, Msg string }

// Err returns the problem of the control with id.
func (wd *studioWorkflowData) Err(id string) wfErrView {
	return wfErrView{ID: id, Msg: wd.Errors[id]}
}

// TitleText is the state's title in the page's language.
func (v wfStateView) TitleText() string { return textOf(v.Title, v.P.Lang, v.Name) }

// wfActView is what the template "wf-action" gets.
type wfActView struct {
	S    wfStateView
	Name string
	A    wfActionView
}

// Act returns the view of one of the state's actions.
func (v wfStateView) Act(name string) wfActView {
	a := map[string]wfActionView{workflows.ActionApprove: v.Approve, workflows.ActionReturn: v.Return,
		workflows.ActionReject: v.Reject, workflows.ActionSubmit: v.Submit}[name]
	return wfActView{S: v, Name: name, A: a}
}
