package server

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/worklist"
)

// worklistRow is one item in the list page.
type worklistRow struct {
	*worklist.WorklistItem
	KindLabel, StatusLabel, Unit string
	Differs                      []string // labels of the fields that differ
}

// worklistCountRow is one line of the counts table.
type worklistCountRow struct {
	Kind, Status, Side string
	Count              int64
}

type worklistData struct {
	Campaign  string
	Query     worklistQuery
	Campaigns []option
	Kinds     []option
	Statuses  []option
	Rows      []worklistRow
	Counts    []worklistCountRow
	Total     int64
	NextURL   string
	CanScan   bool
}

// campaignOptions lists the campaigns the actor may pick in a page's
// campaign selector, titled in lang (engine.CampaignChoices).
func (s *Server) campaignOptions(ctx context.Context, a *engine.Actor, lang string) ([]option, error) {
	choices, err := s.engine.CampaignChoices(ctx, a, lang)
	if err != nil {
		return nil, err
	}
	out := make([]option, len(choices))
	for i, ch := range choices {
		out[i] = option{Value: ch.ID, Label: ch.Title}
	}
	return out, nil
}

func (q worklistQuery) values(campaign string) url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"campaign": campaign, "kind": q.Kind, "status": q.Status, "org": q.Org, "run": q.Run} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// unitName is an org unit's name with its code, or the code alone.
func (s *Server) unitName(c fiber.Ctx, cache map[string]string, code string) string {
	if n, ok := cache[code]; ok {
		return n
	}
	name := code
	if n := s.engine.Names(c.Context()).Unit(code); n != code {
		name = n + " " + code
	}
	cache[code] = name
	return name
}

// worklistPage lists a campaign's worklist items in the user's subtree:
// filters by kind, status, village and run, counts, and pages of 50.
func (s *Server) worklistPage(c fiber.Ctx) error {
	a := actorOf(c)
	p := s.newPage(c, "worklist.title", "worklist", "")
	q := worklistQueryOf(c)
	d := &worklistData{Campaign: c.Query("campaign"), Query: q, CanScan: a.Has(engine.RoleSupervisor, engine.RoleAdmin)}
	p.Data = d
	for _, k := range worklist.WorkKinds {
		d.Kinds = append(d.Kinds, option{k, p.T("worklist.kind." + k)})
	}
	for _, st := range worklist.WorkStatuses {
		d.Statuses = append(d.Statuses, option{st, p.T("worklist.status." + st)})
	}
	var err error
	if d.Campaigns, err = s.campaignOptions(c.Context(), a, p.Lang); err != nil {
		return s.renderErrorPage(c, err)
	}
	if d.Campaign == "" {
		return s.render(c, fiber.StatusOK, "worklist", p)
	}
	if !campaignIDPattern.MatchString(d.Campaign) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "campaign not found"))
	}
	f, pg, err := s.worklistFilter(c, a, d.Campaign, q)
	if err == nil {
		var page *worklist.WorklistPage
		if page, err = s.worklist.Items(c.Context(), a, f, pg); err == nil {
			var counts []worklist.WorklistCount
			counts, err = s.worklist.Counts(c.Context(), a, f)
			names, labels := map[string]string{}, s.fieldLabels(c, d.Campaign, p.Lang)
			for _, it := range page.Items {
				row := worklistRow{WorklistItem: it, KindLabel: p.T("worklist.kind." + it.Kind), StatusLabel: p.T("worklist.status." + it.Status),
					Unit: s.unitName(c, names, it.OrgUnit)}
				for _, v := range it.Values {
					if v.Differs {
						label, ok := labels[v.Field]
						if !ok {
							label = v.Label
						}
						row.Differs = append(row.Differs, label)
					}
				}
				d.Rows = append(d.Rows, row)
			}
			for _, n := range counts {
				side := ""
				if n.Side != "" {
					side = p.T("worklist.side." + n.Side)
				}
				d.Counts = append(d.Counts, worklistCountRow{p.T("worklist.kind." + n.Kind), p.T("worklist.status." + n.Status), side, n.Count})
				d.Total += n.Count
			}
			if page.Next != "" {
				v := q.values(d.Campaign)
				v.Set("after", page.Next)
				d.NextURL = "/worklist?" + v.Encode()
			}
		}
	}
	if err != nil {
		switch engine.ErrorCode(err) {
		case engine.EINVALID, engine.ENOTFOUND:
			p.Error = p.T("error." + engine.ErrorCode(err))
			return s.render(c, fiber.StatusOK, "worklist", p)
		}
		return s.renderErrorPage(c, err)
	}
	return s.render(c, fiber.StatusOK, "worklist", p)
}

// itemData is the item page's own data.
type itemData struct {
	Item        *worklist.WorklistItem
	KindLabel   string
	StatusLabel string
	Unit        string
	Duplicate   bool
	Open        bool
	CanMerge    bool // merge and dismiss
	CanResolve  bool
	Records     []string // duplicate records, in column order
	Values      []worklist.WorkValue
	Sides       []option
	Resolution  *worklist.WorkResolution
	ResSide     string
	Fields      map[string]string // field messages of a refused decision
	Form        map[string]string // what was typed, shown again after a refusal
}

// worklistItemPage shows one item side by side with the forms to decide it.
func (s *Server) worklistItemPage(c fiber.Ctx) error {
	return s.renderItem(c, fiber.StatusOK, nil, nil)
}

// renderItem renders the item page, with the error of a refused decision
// and what was typed when there is one.
func (s *Server) renderItem(c fiber.Ctx, status int, decideErr error, typed map[string]string) error {
	id, err := itemParam(c)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	a := actorOf(c)
	it, err := s.worklist.Item(c.Context(), a, id)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	p := s.newPage(c, "worklist.item.title", "worklist", "/worklist/"+it.ID)
	d := &itemData{Item: it, KindLabel: p.T("worklist.kind." + it.Kind), StatusLabel: p.T("worklist.status." + it.Status),
		Unit: s.unitName(c, map[string]string{}, it.OrgUnit), Duplicate: it.Kind == worklist.WorkDuplicate, Open: it.Status == worklist.WorkOpen,
		Records: it.RecordIDs, Values: it.Values, Resolution: it.Resolution, Form: typed}
	d.Values = s.localLabels(c, it.CampaignID, p.Lang, it.Values)
	d.CanMerge = d.Open && d.Duplicate && a.Has(engine.RoleReviewer, engine.RoleSupervisor, engine.RoleAdmin)
	d.CanResolve = d.Open && !d.Duplicate
	if r := it.Resolution; r != nil && r.Side != "" {
		d.ResSide = p.T("worklist.side." + r.Side)
	}
	for _, side := range []string{worklist.SideOurs, worklist.SideTheirs, worklist.SideNeither} {
		d.Sides = append(d.Sides, option{side, p.T("worklist.side." + side)})
	}
	if decideErr != nil {
		p.Error = p.T("error." + engine.ErrorCode(decideErr))
		d.Fields = map[string]string{}
		for _, fe := range engine.ErrorFields(decideErr) {
			key := strings.TrimPrefix(fe.Pointer, "/")
			if _, seen := d.Fields[key]; !seen {
				d.Fields[key] = p.T("worklist.code." + fe.Code)
				if d.Fields[key] == "worklist.code."+fe.Code {
					d.Fields[key] = fe.Message
				}
			}
		}
	}
	switch c.Query("done") {
	case "merge", "dismiss", "resolve":
		p.Flash = p.T("worklist.done." + c.Query("done"))
	}
	p.Data = d
	return s.render(c, status, "worklist_item", p)
}

// fieldLabels maps the campaign's form fields to their labels in lang
// (items keep the zh-CN label they were made with).
func (s *Server) fieldLabels(c fiber.Ctx, campaignID, lang string) map[string]string {
	out := map[string]string{}
	camp, err := s.engine.Campaign(c.Context(), campaignID)
	if err != nil {
		return out
	}
	for _, formID := range camp.Forms() {
		form, _, err := s.engine.Form(c.Context(), formID, 0)
		if err != nil {
			continue
		}
		// Items name fields by path (older ones by key): both find the label.
		for _, path := range form.Paths() {
			fd, err := form.Resolve(path)
			if err != nil {
				continue
			}
			for _, k := range []string{path, fd.Key()} {
				if _, seen := out[k]; !seen {
					out[k] = fd.Label(lang)
				}
			}
		}
	}
	return out
}

// localLabels returns values with each field's label in lang.
func (s *Server) localLabels(c fiber.Ctx, campaignID, lang string, values []worklist.WorkValue) []worklist.WorkValue {
	labels := s.fieldLabels(c, campaignID, lang)
	out := slices.Clone(values)
	for i, v := range out {
		if l, ok := labels[v.Field]; ok {
			out[i].Label = l
		}
	}
	return out
}

// worklistDecideSubmit takes the item page's merge, dismiss and resolve
// forms. A refusal shows the page again with the reason next to the field.
func (s *Server) worklistDecideSubmit(c fiber.Ctx) error {
	id, err := itemParam(c)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	decision := c.Params("decision")
	if decision != "merge" && decision != "dismiss" && decision != "resolve" {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "no such decision"))
	}
	typed := map[string]string{"decision": decision, "note": bodyField(c, "note"), "side": bodyField(c, "side"), "survivor": bodyField(c, "survivor")}
	d := worklist.Decision{Survivor: typed["survivor"], Side: typed["side"], Note: typed["note"], Lang: s.pageLang(c, actorOf(c).User)}
	if v := bodyField(c, "version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return s.renderErrorPage(c, engine.Errorf(engine.EINVALID, "bad version"))
		}
		d.Version = n
	}
	if decision == "resolve" {
		d.Corrected = map[string]string{}
		for _, key := range formKeys(c, "corrected.") {
			v := bodyField(c, "corrected."+key)
			typed["corrected."+key] = v
			if strings.TrimSpace(v) != "" {
				d.Corrected[key] = v
			}
		}
	}
	if _, err := s.decide(c, id, decision, d); err != nil {
		switch engine.ErrorCode(err) {
		case engine.EINVALID, engine.ECONFLICT, engine.EFORBIDDEN:
			status, _ := s.describeError(c, err)
			return s.renderItem(c, status, err, typed)
		}
		return s.renderErrorPage(c, err)
	}
	return redirect(c, "/worklist/"+id+"?done="+decision)
}

// formKeys lists the names of the urlencoded form's fields that start
// with prefix, without it.
func formKeys(c fiber.Ctx, prefix string) []string {
	var keys []string
	for k := range c.Request().PostArgs().All() {
		if name, ok := strings.CutPrefix(string(k), prefix); ok && name != "" && !slices.Contains(keys, name) && len(keys) < 100 {
			keys = append(keys, name)
		}
	}
	return keys
}
