package server

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/pay"
	"canvass/engine/studio"
	"canvass/forms"
	"canvass/paytables"
	"canvass/rules"
	"canvass/ui"
)

// The studio's 劳务报酬 tab (issue #16, item 5): the campaign's pay table
// as items in yuan, its settings and caps, and a worked example computed
// by the pay engine from sample events. Each change loads the newest
// version of the table (draft, else published), applies one
// engine/studio operation and saves a draft based on that version's
// checksum. The page is plain forms; ui/static/studio_pay.js only
// refreshes the worked example as the sample changes.

func (s *Server) studioPayRoutes() {
	s.app.Get("/studio/campaigns/:id/pay", s.signedInPage, s.studioPayPage)
	s.app.Post("/studio/campaigns/:id/pay/create", s.signedInPage, s.studioPayCreate)
	s.app.Post("/studio/campaigns/:id/pay/settings", s.signedInPage, s.studioPaySettings)
	s.app.Post("/studio/campaigns/:id/pay/caps", s.signedInPage, s.studioPayCaps)
	s.app.Post("/studio/campaigns/:id/pay/items", s.signedInPage, s.studioPayAddItem)
	s.app.Post("/studio/campaigns/:id/pay/items/:key", s.signedInPage, s.studioPayUpdateItem)
	s.app.Post("/studio/campaigns/:id/pay/items/:key/move", s.signedInPage, s.studioPayMoveItem)
	s.app.Post("/studio/campaigns/:id/pay/items/:key/delete", s.signedInPage, s.studioPayDeleteItem)
}

// payOption is one choice of a select, with an optional tip.
type payOption struct{ Value, Label, Tip string }

// payItemView is one item as the page lists it.
type payItemView struct {
	studio.PayItem
	Explain, Payee string
	Note           string // why it is read-only, in the page's language
	First, Last    bool
	Editing        bool
}

// payCapView is a cap input: one per role some item pays.
type payCapView struct{ Role, Label, Max, Explain string }

// payExampleLine is one line of the worked example, in yuan.
type payExampleLine struct {
	Name, Role  string
	Withheld    bool
	Count       int
	Unit, Total string
	Capped      bool
}

// paySample is the worked example's sample as typed.
type paySample struct {
	Form                                              string
	Records, Levels, Entered, QCPass, QCProblem, Days int
}

// studioPayData is the 劳务报酬 tab's own data, beside the shell's.
type studioPayData struct {
	*studioCampaignData
	Exists       bool
	NoCampaign   bool   // the campaign's newest version does not load: nothing to bind a table to
	CheckURL     string // 检查并发布, which says why
	Broken       string // the draft does not load: its first problem
	File         studioFileView
	SourceURL    string
	Settings     studio.PaySettings
	Items        []payItemView
	Item         studio.PayItem // the add or edit form's values
	EditKey      string         // "" adds
	Caps         []payCapView
	Events       []payOption
	Payees       []payOption
	Roles        []payOption
	Conditions   []payOption
	Forms        []payOption
	Periods      []payOption
	Warning      string
	Errors       map[string]string // by input name
	Sample       paySample
	SampleError  string
	Example      []payExampleLine
	ExampleSum   string
	ExampleTotal string
	ByRole       []string
	Unpaid       []string
	Base         string // the pay table's checksum
	CampaignBase string
}

// studioPayLoaded is the newest version of the campaign's pay table and
// its document.
type studioPayLoaded struct {
	p     *pageData
	d     *studioPayData
	ver   *engine.DefinitionVersion
	doc   *studio.PayTableDoc
	form  []string
	names *paytables.Names // the campaign's forms, fields and choices by their labels
}

// studioPayLoad loads the shell and the pay table (when the campaign has
// one) for any request of the tab.
func (s *Server) studioPayLoad(c fiber.Ctx) (*studioPayLoaded, error) {
	p, cd, err := s.studioCampaign(c, "pay")
	if err != nil {
		return nil, err
	}
	d := &studioPayData{studioCampaignData: cd, Errors: map[string]string{}, CampaignBase: cd.Base,
		Sample: paySample{Records: 10, Levels: 1, QCPass: 1}}
	p.Data = d
	l := &studioPayLoaded{p: p, d: d}
	d.NoCampaign, d.CheckURL = cd.Basics.TitleZH == "", studioURL(cd.ID, "publish")
	for _, f := range cd.Forms {
		l.form = append(l.form, f.ID)
		d.Forms = append(d.Forms, payOption{Value: f.ID, Label: f.Title})
	}
	if len(l.form) > 0 {
		d.Sample.Form = l.form[0]
	}
	l.names = s.studioPayNames(c, cd)
	lang := textLangOf(p.Lang)
	for _, ev := range paytables.Events {
		d.Events = append(d.Events, payOption{Value: ev, Label: paytables.EventName(ev, lang), Tip: paytables.EventHint(ev, lang)})
	}
	for _, pays := range []string{paytables.PaysCreator, paytables.PaysActor} {
		d.Payees = append(d.Payees, payOption{Value: pays, Label: paytables.PayeeName(pays, lang)})
	}
	for _, r := range paytables.Roles {
		d.Roles = append(d.Roles, payOption{Value: r, Label: p.T("role." + r)})
	}
	for _, cond := range studio.PayConditions(lang) {
		d.Conditions = append(d.Conditions, payOption{Value: cond.ID, Label: cond.Name})
	}
	for _, per := range []string{paytables.PeriodMonth, paytables.PeriodQuarter} {
		d.Periods = append(d.Periods, payOption{Value: per, Label: p.T("studio.pay.period." + per)})
	}
	d.Item = studio.PayItem{On: paytables.EventRecordAccepted, Pays: paytables.PaysCreator, Role: "field_worker"}
	d.Settings = studio.PaySettings{TitleZH: p.T("studio.pay.default_title", d.Title), EffectiveFrom: cd.Basics.Opens, Period: paytables.PeriodMonth}
	for _, f := range cd.Files {
		if f.Kind != engine.KindPayTable {
			continue
		}
		d.Exists, d.File, d.Base = true, f, f.Checksum
		d.SourceURL = studioURL(cd.ID, "source") + "#" + f.Anchor
		v, err := s.engine.DefinitionVersion(c.Context(), actorOf(c), f.Kind, f.ID, f.Version)
		if err != nil {
			return nil, err
		}
		l.ver = v
		doc, err := studio.OpenPayTable(v.Source)
		if err != nil {
			d.Broken = engine.ErrorMessage(err)
			return l, nil
		}
		doc.Lang, doc.Forms = lang, l.form
		l.doc = doc
	}
	return l, nil
}

// studioPayNames gives the explanations the labels of the campaign's
// forms, their fields and choices (newest versions; a form that does not
// load shows keys).
func (s *Server) studioPayNames(c fiber.Ctx, cd *studioCampaignData) *paytables.Names {
	loaded := map[string]*forms.Form{}
	for _, f := range cd.Forms {
		if form, err := s.engine.PreviewForm(c.Context(), actorOf(c), f.ID, f.Version); err == nil {
			loaded[f.ID] = form
		}
	}
	field := func(formID, key string) *forms.Field {
		if form := loaded[formID]; form != nil {
			return form.Field(key)
		}
		for _, form := range loaded { // an item on any form: the first that has it
			if fd := form.Field(key); fd != nil {
				return fd
			}
		}
		return nil
	}
	return &paytables.Names{
		Form: func(id, _ string) string {
			for _, f := range cd.Forms {
				if f.ID == id {
					return f.Title
				}
			}
			return ""
		},
		Field: func(formID, key, lang string) string {
			if fd := field(formID, key); fd != nil {
				return fd.Label(lang)
			}
			return ""
		},
		Value: func(formID, key, value, lang string) string {
			if fd := field(formID, key); fd != nil {
				for _, ch := range fd.Choices() {
					if fmt.Sprint(ch.Value()) == value {
						return ch.Label(lang)
					}
				}
			}
			return ""
		},
	}
}

// fill puts the table on the page: settings, items, caps, the warning and
// the worked example.
func (s *Server) studioPayFill(l *studioPayLoaded, editKey string) {
	p, d, doc := l.p, l.d, l.doc
	if doc == nil {
		return
	}
	lang := textLangOf(p.Lang)
	d.Settings = doc.Settings()
	pt, diags := doc.Load()
	if pt == nil {
		for _, dg := range diags {
			if dg.Severity == rules.SeverityError {
				msg, _ := problemText(p, dg)
				d.Broken = p.T("studio.problem.where.line", dg.Line) + "：" + msg
				break
			}
		}
	}
	names := l.names
	items := doc.Items()
	for i, it := range items {
		v := payItemView{PayItem: it, First: i == 0, Last: i == len(items)-1, Editing: it.Key == editKey}
		if pt != nil {
			v.Explain, v.Payee = pt.Explain(it.Key, lang, names), pt.ExplainPayee(it.Key, lang)
		}
		if it.ReadOnly {
			var why []string
			for _, n := range strings.Split(it.Note, ",") {
				why = append(why, p.T("studio.pay.readonly."+n))
			}
			v.Note = strings.Join(why, p.T("studio.pay.sep"))
		}
		if it.Key == editKey && !it.ReadOnly {
			d.EditKey, d.Item = it.Key, it
		}
		d.Items = append(d.Items, v)
	}
	caps := map[string]string{}
	for _, c := range doc.Caps() {
		caps[c.Role] = c.Max
	}
	var seen []string
	for _, it := range items {
		if it.Role == "" || slices.Contains(seen, it.Role) {
			continue
		}
		seen = append(seen, it.Role)
		cv := payCapView{Role: it.Role, Label: p.T("studio.pay.cap.label", p.T("role."+it.Role), p.T("studio.pay.per."+d.Settings.Period)), Max: caps[it.Role]}
		if pt != nil {
			if c, ok := pt.CapFor(it.Role); ok {
				cv.Explain = paytables.ExplainCap(c, lang)
			}
		}
		d.Caps = append(d.Caps, cv)
	}
	d.Warning = effectiveWarning(p, d.Basics.Opens, d.Settings.EffectiveFrom, items)
	if pt != nil {
		s.studioPayExample(p, d, pt)
	}
}

// effectiveWarning says which work earns nothing when the table takes
// effect after the campaign opens: "11月1日至11月24日通过的记录不计报酬".
func effectiveWarning(p *pageData, opens, effective string, items []studio.PayItem) string {
	o, err1 := time.Parse(time.DateOnly, opens)
	e, err2 := time.Parse(time.DateOnly, effective)
	if err1 != nil || err2 != nil || !e.After(o) {
		return ""
	}
	var what []string
	for _, it := range items {
		w := p.T("studio.pay.unpaid." + it.On)
		if !strings.Contains(strings.Join(what, "|"), w) {
			what = append(what, w)
		}
	}
	day := func(t time.Time) string {
		if p.Lang != ui.DefaultLang {
			return t.Format("2 January 2006")
		}
		if t.Year() != o.Year() || t.Year() != e.Year() {
			return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
		}
		return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
	}
	return p.T("studio.pay.warning", day(o), day(e.AddDate(0, 0, -1)), strings.Join(what, p.T("studio.pay.sep")), day(o))
}

// studioPaySampleOf reads the sample from the query.
func studioPaySampleOf(c fiber.Ctx, p *pageData, d *studioPayData) {
	if f := c.Query("form"); f != "" {
		for _, o := range d.Forms {
			if o.Value == f {
				d.Sample.Form = f
			}
		}
	}
	for _, x := range []struct {
		name string
		to   *int
	}{{"records", &d.Sample.Records}, {"levels", &d.Sample.Levels}, {"entered", &d.Sample.Entered}, {"qc_pass", &d.Sample.QCPass},
		{"qc_problem", &d.Sample.QCProblem}, {"days", &d.Sample.Days}} {
		v := strings.TrimSpace(c.Query(x.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > pay.MaxExampleCount {
			d.Errors["sample_"+x.name] = p.T("studio.pay.sample.range", pay.MaxExampleCount)
			continue
		}
		*x.to = n
	}
}

// studioPayExample computes the worked example with the pay engine.
func (s *Server) studioPayExample(p *pageData, d *studioPayData, pt *paytables.PayTable) {
	lang := textLangOf(p.Lang)
	sm := d.Sample
	ex, err := pay.Example(pt, pay.ExampleSample{Form: sm.Form, Records: sm.Records, Levels: sm.Levels, Entered: sm.Entered,
		QCPass: sm.QCPass, QCProblem: sm.QCProblem, Days: sm.Days})
	if err != nil {
		d.SampleError = p.T("studio.pay.sample.invalid")
		for _, f := range engine.ErrorFields(err) {
			if f.Code == "more_than_records" {
				d.SampleError = p.T("studio.pay.sample.more")
			}
		}
		return
	}
	for _, l := range ex.Lines {
		name := pt.ItemLabel(l.Item, lang)
		if l.Withheld {
			name = p.T("studio.pay.example.withheld", name)
		}
		d.Example = append(d.Example, payExampleLine{Name: name, Role: p.T("role." + l.Role), Withheld: l.Withheld, Count: l.Count,
			Unit: paytables.Yuan(l.UnitFen), Total: paytables.Yuan(l.TotalFen), Capped: l.Capped})
	}
	for _, r := range ex.ByRole {
		d.ByRole = append(d.ByRole, p.T("studio.pay.example.role", p.T("role."+r.Role), paytables.Yuan(r.TotalFen)))
	}
	for _, k := range ex.Unpaid {
		d.Unpaid = append(d.Unpaid, pt.ItemLabel(k, lang))
	}
	d.ExampleTotal = paytables.Yuan(ex.TotalFen)
	var did []string
	add := func(n int, key string) {
		if n > 0 {
			did = append(did, p.T(key, n))
		}
	}
	add(sm.Records, "studio.pay.sum.records")
	add(sm.Entered, "studio.pay.sum.entered")
	add(sm.QCPass, "studio.pay.sum.qc_pass")
	add(sm.QCProblem, "studio.pay.sum.qc_problem")
	add(sm.Days, "studio.pay.sum.days")
	if len(did) == 0 {
		did = append(did, p.T("studio.pay.sum.nothing"))
	}
	d.ExampleSum = p.T("studio.pay.sum", strings.Join(did, p.T("studio.pay.sep")), d.ExampleTotal)
}

// studioPayPage shows the tab: GET /studio/campaigns/:id/pay (?edit=item
// opens an item in the form; records, levels, entered, qc_pass,
// qc_problem, days and form set the worked example's sample).
func (s *Server) studioPayPage(c fiber.Ctx) error {
	l, err := s.studioPayLoad(c)
	if err != nil {
		return err
	}
	studioPaySampleOf(c, l.p, l.d)
	s.studioPayFill(l, c.Query("edit"))
	if k := c.Query("saved"); k != "" && ui.HasMessage("studio.pay.saved."+k) {
		l.p.Flash = l.p.T("studio.pay.saved." + k)
	}
	return s.render(c, fiber.StatusOK, "studio_pay", l.p)
}

// studioPayItemOf reads the add/edit form.
func studioPayItemOf(c fiber.Ctx) studio.PayItem {
	return studio.PayItem{Key: bodyField(c, "key"), LabelZH: bodyField(c, "label_zh"), LabelEN: bodyField(c, "label_en"),
		On: bodyField(c, "on"), Form: bodyField(c, "form"), Pays: bodyField(c, "pays"), Role: bodyField(c, "role"),
		Amount: bodyField(c, "amount"), Condition: bodyField(c, "condition"), UnitZH: bodyField(c, "unit_zh"), UnitEN: bodyField(c, "unit_en")}
}

// studioPaySave saves the document as a draft based on base, and answers
// with a redirect to the tab (saved=what, at anchor) or the page again
// with the problem.
func (s *Server) studioPaySave(c fiber.Ctx, l *studioPayLoaded, what, anchor string) error {
	base := bodyField(c, "base")
	src := l.doc.Bytes()
	if base == l.ver.Checksum && sameYAML(l.ver.Source, src) {
		// Nothing changed: no new draft (and a published table stays
		// as it was, comments and all).
		return redirect(c, studioURL(l.d.ID, "pay")+"?saved=unchanged"+anchor)
	}
	_, err := s.engine.SaveDraftBased(c.Context(), actorOf(c), engine.KindPayTable, l.ver.ID, l.ver.Filename, src, base)
	if err == nil {
		return redirect(c, studioURL(l.d.ID, "pay")+"?saved="+what+anchor)
	}
	return s.studioPayFailed(c, l, err, "", "")
}

// studioPayFailed shows the tab again with err: field problems next to
// their inputs, a conflict naming who saved meanwhile, and what the author
// typed into form ("item", "settings" or "caps"; l.d holds it). editKey
// keeps an item form open.
func (s *Server) studioPayFailed(c fiber.Ctx, l *studioPayLoaded, err error, form, editKey string) error {
	code := engine.ErrorCode(err)
	if key := scopeRefusal(err); key != "" {
		return s.studioRefused(c, err, key)
	}
	if code != engine.EINVALID && code != engine.ECONFLICT && code != engine.ETOOLARGE {
		return err
	}
	// Show the table as stored, with what the author typed in the form.
	fresh, lerr := s.studioPayLoad(c)
	if lerr != nil {
		return lerr
	}
	s.studioPayFill(fresh, editKey)
	p, d := fresh.p, fresh.d
	blank := d.Item
	switch form {
	case "item":
		d.Item, d.EditKey = l.d.Item, editKey
	case "settings":
		d.Settings = l.d.Settings
	case "caps":
		for i := range d.Caps {
			if v, ok := formValue(c, "cap_"+d.Caps[i].Role); ok {
				d.Caps[i].Max = v
			}
		}
	}
	if code == engine.ECONFLICT {
		p.Error = p.T("studio.conflict", conflictWho(err))
		return s.render(c, fiber.StatusConflict, "studio_pay", p)
	}
	p.Error = p.T("studio.pay.failed")
	for _, fe := range engine.ErrorFields(err) {
		name := strings.TrimPrefix(fe.Pointer, "/")
		if name == "" || strings.HasPrefix(name, "items") || name == "index" || (name == "key" && editKey != "") {
			p.Error += " " + fe.Message
			if fe.Code == studio.CodePayReadOnly || fe.Code == studio.CodePayUnknownItem {
				d.EditKey, d.Item = "", blank // nothing of it can be edited here
			}
			continue
		}
		if _, seen := d.Errors[name]; !seen {
			d.Errors[name] = fe.Message
		}
	}
	return s.render(c, statusByCode[code], "studio_pay", p)
}

// studioPayEditable loads the tab for a change: the table must exist and
// open.
func (s *Server) studioPayEditable(c fiber.Ctx) (*studioPayLoaded, error) {
	if err := requireRole(actorOf(c), authorRoles...); err != nil {
		return nil, err
	}
	l, err := s.studioPayLoad(c)
	if err != nil {
		return nil, err
	}
	if l.doc == nil {
		return nil, engine.Errorf(engine.ENOTFOUND, "campaign %s has no pay table that opens", l.d.ID)
	}
	return l, nil
}

// studioPayAddItem adds an item: POST /studio/campaigns/:id/pay/items
// (base, label_zh, label_en, on, form, pays, role, amount, condition,
// key).
func (s *Server) studioPayAddItem(c fiber.Ctx) error {
	l, err := s.studioPayEditable(c)
	if err != nil {
		return err
	}
	l.d.Item = studioPayItemOf(c)
	key, err := l.doc.AddItem(l.d.Item, -1)
	if err != nil {
		return s.studioPayFailed(c, l, err, "item", "")
	}
	return s.studioPaySave(c, l, "added", "#pay-item-"+key)
}

// studioPayUpdateItem changes an item: POST
// /studio/campaigns/:id/pay/items/:key (as adding, without key).
func (s *Server) studioPayUpdateItem(c fiber.Ctx) error {
	l, err := s.studioPayEditable(c)
	if err != nil {
		return err
	}
	key := c.Params("key")
	l.d.Item = studioPayItemOf(c)
	l.d.Item.Key = key
	if err := l.doc.UpdateItem(key, l.d.Item); err != nil {
		return s.studioPayFailed(c, l, err, "item", key)
	}
	return s.studioPaySave(c, l, "updated", "#pay-item-"+key)
}

// studioPayMoveItem moves an item one up or down: POST
// /studio/campaigns/:id/pay/items/:key/move (base, dir: up or down).
func (s *Server) studioPayMoveItem(c fiber.Ctx) error {
	l, err := s.studioPayEditable(c)
	if err != nil {
		return err
	}
	key := c.Params("key")
	to := -1
	for i, it := range l.doc.Items() {
		if it.Key == key {
			to = i + 1
			if bodyField(c, "dir") == "up" {
				to = i - 1
			}
		}
	}
	if err := l.doc.MoveItem(key, to); err != nil {
		return s.studioPayFailed(c, l, err, "", "")
	}
	return s.studioPaySave(c, l, "moved", "#pay-item-"+key)
}

// studioPayDeleteItem deletes an item: POST
// /studio/campaigns/:id/pay/items/:key/delete (base).
func (s *Server) studioPayDeleteItem(c fiber.Ctx) error {
	l, err := s.studioPayEditable(c)
	if err != nil {
		return err
	}
	if err := l.doc.DeleteItem(c.Params("key")); err != nil {
		return s.studioPayFailed(c, l, err, "", "")
	}
	return s.studioPaySave(c, l, "deleted", "#pay-items")
}

func studioPaySettingsOf(c fiber.Ctx) studio.PaySettings {
	return studio.PaySettings{TitleZH: bodyField(c, "title_zh"), TitleEN: bodyField(c, "title_en"),
		EffectiveFrom: bodyField(c, "effective_from"), Period: bodyField(c, "period")}
}

// studioPaySettings saves the title, the date the table takes effect and
// its period: POST /studio/campaigns/:id/pay/settings (base, title_zh,
// title_en, effective_from, period).
func (s *Server) studioPaySettings(c fiber.Ctx) error {
	l, err := s.studioPayEditable(c)
	if err != nil {
		return err
	}
	l.d.Settings = studioPaySettingsOf(c)
	if err := l.doc.SetSettings(l.d.Settings); err != nil {
		return s.studioPayFailed(c, l, err, "settings", "")
	}
	return s.studioPaySave(c, l, "settings", "#pay-settings")
}

// studioPayCaps saves the caps: POST /studio/campaigns/:id/pay/caps
// (base, cap_<role> in yuan for each role an item pays; empty: no cap).
func (s *Server) studioPayCaps(c fiber.Ctx) error {
	l, err := s.studioPayEditable(c)
	if err != nil {
		return err
	}
	for _, r := range paytables.Roles {
		v, ok := formValue(c, "cap_"+r)
		if !ok {
			continue
		}
		if err := l.doc.SetCap(r, v); err != nil {
			return s.studioPayFailed(c, l, err, "caps", "")
		}
	}
	return s.studioPaySave(c, l, "caps", "#pay-caps")
}

// sameYAML reports whether two YAML files hold the same data.
func sameYAML(a, b []byte) bool {
	var x, y any
	if yaml.Unmarshal(a, &x) != nil || yaml.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func formValue(c fiber.Ctx, key string) (string, bool) {
	v := formValues(c, key)
	if len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// studioPayCreate makes the campaign's pay table with its first item and
// binds it to the campaign, both as drafts: POST
// /studio/campaigns/:id/pay/create (campaign_base, title_zh, title_en,
// effective_from, period and the item's inputs).
func (s *Server) studioPayCreate(c fiber.Ctx) error {
	if err := requireRole(actorOf(c), authorRoles...); err != nil {
		return err
	}
	l, err := s.studioPayLoad(c)
	if err != nil {
		return err
	}
	if l.d.Exists {
		return redirect(c, studioURL(l.d.ID, "pay"))
	}
	l.d.Item, l.d.Settings = studioPayItemOf(c), studioPaySettingsOf(c)
	id := l.d.ID + "-pay"
	if len(id) > 64 {
		id = strings.Trim(l.d.ID[:59], "-") + "-pay"
	}
	doc, err := studio.NewPayTable(textLangOf(l.p.Lang), l.form, id, l.d.Settings, l.d.Item)
	if err == nil {
		err = s.engine.CreateCampaignPayTable(c.Context(), actorOf(c), l.d.ID, bodyField(c, "campaign_base"), id, doc.Bytes())
	}
	if err != nil {
		return s.studioPayCreateFailed(c, l, err)
	}
	return redirect(c, studioURL(l.d.ID, "pay")+"?saved=created")
}

// studioPayInputs are the names of the tab's inputs, where a problem is
// shown next to its input; any other goes at the top.
var studioPayInputs = map[string]bool{"title_zh": true, "title_en": true, "effective_from": true, "period": true,
	"label_zh": true, "label_en": true, "on": true, "form": true, "pays": true, "role": true, "amount": true,
	"condition": true, "key": true, "unit_zh": true, "unit_en": true}

func (s *Server) studioPayCreateFailed(c fiber.Ctx, l *studioPayLoaded, err error) error {
	code := engine.ErrorCode(err)
	if key := scopeRefusal(err); key != "" {
		return s.studioRefused(c, err, key)
	}
	if code != engine.EINVALID && code != engine.ECONFLICT {
		return err
	}
	p, d := l.p, l.d
	if code == engine.ECONFLICT {
		p.Error = p.T("studio.conflict", conflictWho(err))
	} else {
		p.Error = p.T("studio.pay.failed")
		for _, fe := range engine.ErrorFields(err) {
			name := strings.TrimPrefix(fe.Pointer, "/")
			switch {
			case fe.Code == "exists": // the campaign names a table that is not stored
				p.Error = p.T("studio.pay.create.exists", fe.Message)
			case fe.Code == "campaign_invalid":
				p.Error = p.T("studio.pay.no_campaign") + p.T("studio.tab.publish")
			case studioPayInputs[name]:
				if _, seen := d.Errors[name]; !seen {
					d.Errors[name] = fe.Message
				}
			default:
				p.Error += " " + fe.Message
			}
		}
	}
	return s.render(c, statusByCode[code], "studio_pay", p)
}
