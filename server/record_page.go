package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/ui"
)

// recordData is the record page's own data.
type recordData struct {
	ID, Form, Campaign, State, Unit string
	Number                          string      // the short number people read out
	Returned                        *returnNote // why the record came back, while it is back
	TaskUnit, Assignee              string      // where the open task sits, and who claimed it
	Version                         int64
	DueAt                           time.Time
	Overdue, Final                  bool
	Answers                         []answerRow
	Revealed                        bool

	// The actions the reader can take now, split by the form that
	// carries them.
	Workflow    []actionButton // submit, approve, return, reject: one form with the reason
	Task        []actionButton // claim, unclaim
	Reassign    bool
	Editable    bool // submit applies: link to the form to correct the answers first
	NeedsReason bool // the workflow form shows the reason box
	CanReveal   bool
	Reason, To  string // as typed, to show again after an error
	ReasonError string
	ToError     string
	Reminders   int  // sent in the current state
	Escalated   bool // the task was handed up
	History     []historyRow
}

// actionButton is one action the page offers.
type actionButton struct {
	Name, Label string
	Primary     bool
}

// historyRow is one history entry as the page shows it.
type historyRow struct {
	At                    time.Time
	Actor, Action, Reason string
	From, To              string
	System                bool
	Changes               []changeRow
}

// changeRow is one field's change: the field's label and the masked
// values before and after.
type changeRow struct {
	Field, Before, After string
}

// recordPage shows a record: its answers (masked) with the form's labels,
// its history with the changes of each resubmission, and the actions the
// reader can take.
func (s *Server) recordPage(c fiber.Ctx) error {
	id, err := recordID(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	v, err := s.engine.GetRecord(c.Context(), a, id)
	if err != nil {
		return err
	}
	p := s.newPage(c, "record.title", "inbox", "")
	if done := c.Query("done"); done != "" && len(v.History) > 0 {
		// Only claim success for what the history shows this reader just
		// did, so a crafted link cannot make the page say anything else.
		if last := v.History[len(v.History)-1]; last.Action == done && last.Actor == a.ID() {
			p.Flash = p.T("record.done", newNamer(s, c.Context(), a, p.Lang).action(done))
		}
	}
	return s.renderRecord(c, fiber.StatusOK, p, v, recordForm{})
}

// recordForm is what the reader typed into the action forms, to show
// again with the errors it met.
type recordForm struct {
	Reason, To, ReasonError, ToError string
	revealed                         bool // the answers are in full
}

// recordActionSubmit applies the action of one of the page's forms, then
// shows the record again (303), or the page with the problem: 422 with
// the message next to the reason, 409 naming the current state, 403.
func (s *Server) recordActionSubmit(c fiber.Ctx) error {
	id, err := recordID(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	p := s.newPage(c, "record.title", "inbox", "/records/"+id)
	form := recordForm{Reason: bodyField(c, "reason"), To: bodyField(c, "to")}
	name := strings.TrimSpace(bodyField(c, "action"))
	version, verr := strconv.ParseInt(bodyField(c, "version"), 10, 64)
	if verr != nil || version < 1 {
		// The page always sends the version it showed; without one, the
		// reader cannot know what they act on.
		return s.recordRefused(c, p, id, form, engine.Errorf(engine.ECONFLICT, "the page is out of date"))
	}
	act, err := s.actionOf(c, a, name, form.Reason, version, form.To)
	if err == nil {
		act.Lang = p.Lang
		_, err = s.engine.Act(c.Context(), a, id, act)
	}
	if err != nil {
		return s.recordRefused(c, p, id, form, err)
	}
	return redirect(c, "/records/"+id+"?done="+name)
}

// recordRefused shows the record page again with why an action failed.
// Errors that leave nothing to show (the record is gone or out of scope,
// the database is down) become the error page.
func (s *Server) recordRefused(c fiber.Ctx, p *pageData, id string, form recordForm, err error) error {
	code := engine.ErrorCode(err)
	switch code {
	case engine.EINVALID, engine.ECONFLICT, engine.EFORBIDDEN, engine.ECLOSED:
	default:
		return err
	}
	a := actorOf(c)
	v, gerr := s.engine.GetRecord(c.Context(), a, id)
	if gerr != nil {
		return gerr
	}
	names := newNamer(s, c.Context(), a, p.Lang)
	switch code {
	case engine.ECONFLICT:
		p.Error = p.T("record.conflict", names.state(v.Record, v.State), v.Version)
	case engine.EINVALID:
		p.Error = p.T("record.failed")
		for _, fe := range engine.ErrorFields(err) {
			msg := p.T("error.invalid")
			if key := "record.refused." + fe.Code; ui.HasMessage(key) {
				msg = p.T(key)
			}
			switch fe.Pointer {
			case "/reason":
				form.ReasonError = msg
			case "/to":
				form.ToError = msg
			default:
				p.Error += " " + msg
			}
		}
	default:
		p.Error = p.T("error." + code)
	}
	return s.renderRecord(c, statusByCode[code], p, v, form)
}

// recordRevealSubmit shows the record with its personal values in full,
// once: this answer is not cached and reloading the page masks them
// again. The engine audits the reveal.
func (s *Server) recordRevealSubmit(c fiber.Ctx) error {
	id, err := recordID(c)
	if err != nil {
		return err
	}
	v, err := s.engine.RevealRecord(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	p := s.newPage(c, "record.title", "inbox", "/records/"+id)
	p.Flash = p.T("record.revealed")
	return s.renderRecord(c, fiber.StatusOK, p, v, recordForm{revealed: true})
}

func (s *Server) renderRecord(c fiber.Ctx, status int, p *pageData, v *engine.RecordView, form recordForm) error {
	a := actorOf(c)
	r := v.Record
	names := newNamer(s, c.Context(), a, p.Lang)
	f := names.form(r)
	d := recordData{
		ID: r.ID, Form: names.formTitle(r), Campaign: names.campaign(r.CampaignID), State: names.state(r, r.State),
		Unit: names.unit(r.OrgUnit), Version: r.Version, DueAt: r.DueAt, Overdue: overdue(r, s.engine.Now()),
		Final: r.Step == "", Answers: answerRows(f, r.Answers, p.Lang),
		Revealed: form.revealed, CanReveal: engine.MayReveal(a) && !form.revealed,
		Reason: form.Reason, To: form.To, ReasonError: form.ReasonError, ToError: form.ToError,
	}
	if r.Step != "" {
		d.TaskUnit = names.unitOfPath(r.TaskOrgPath)
		if d.Returned = returnNoteOf(r); d.Returned != nil {
			d.Returned.By = names.user(d.Returned.by)
		}
	}
	d.Number = recordNumberText(r)
	if r.Assignee != "" {
		d.Assignee = names.user(r.Assignee)
	}
	for _, name := range v.Actions {
		b := actionButton{Name: name, Label: names.action(name)}
		switch name {
		case engine.ActionClaim, engine.ActionUnclaim:
			d.Task = append(d.Task, b)
		case engine.ActionReassign:
			d.Reassign = true
		default:
			b.Primary = name == "approve" || name == "submit"
			d.Workflow = append(d.Workflow, b)
			d.Editable = d.Editable || name == "submit"
			if name == "return" || name == "reject" {
				d.NeedsReason = true
			}
		}
	}
	_, d.Reminders, d.Escalated = engine.TimerCounts(r)
	for i := len(r.History) - 1; i >= 0; i-- {
		h := r.History[i]
		row := historyRow{
			At: h.At, Actor: names.user(h.Actor), Action: names.action(h.Action), Reason: h.Reason,
			From: names.state(r, h.FromState), To: names.state(r, h.ToState), System: h.Actor == "system",
		}
		for _, ch := range h.Changes {
			label, fd := pointerLabel(f, ch.Pointer, p.Lang)
			row.Changes = append(row.Changes, changeRow{Field: label, Before: answerText(fd, ch.Before, p.Lang), After: answerText(fd, ch.After, p.Lang)})
		}
		d.History = append(d.History, row)
	}
	p.Data = d
	return s.render(c, status, "record", p)
}
