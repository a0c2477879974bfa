package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"canvass/campaigns"
	"canvass/rules"
	"canvass/workflows"
)

// The campaign studio (issue #16) works on a campaign as a whole: the
// campaign file and the forms, workflow and pay table it binds. Every
// change it makes is a draft saved through SaveDraft, so the
// definition-scope rule applies unchanged, and the files stay the truth.
//
// A studio save names the draft it started from (its checksum, or "" for
// a definition that has none yet): when another author saved meanwhile,
// the save answers ECONFLICT naming them, instead of silently replacing
// their work. The check and the save are two steps, so two saves in the
// same instant can still both pass; the studio is a human-speed editor and
// the loser sees the other's change on the next page load.
//
// Rewriting the 基本信息 of a campaign decodes its YAML into an ordered map
// (goccy/go-yaml), changes the keys it owns and writes the rest back as it
// was; comments in the campaign file are lost on such a save.

// StudioCampaign is one campaign in the studio list: its newest version.
type StudioCampaign struct {
	ID        string
	Title     campaigns.Text // nil when the newest version does not load
	OrgScope  string         // org unit code, "" when it does not load
	Version   int
	Status    string // of the newest version
	Published bool   // some version is published
	Checksum  string // of the newest version: the base of the next save
	CreatedBy string // user ID who saved the newest version
	CreatedAt time.Time
}

// Unpublished reports whether the campaign has a published version and a
// newer draft (有未发布的修改).
func (s StudioCampaign) Unpublished() bool { return s.Published && s.Status == StatusDraft }

// StudioCampaigns lists the campaigns the actor may edit: owned in their
// subtree, drafts and published, newest version each, newest first.
// Authors and admins; EFORBIDDEN for other roles.
func (e *Engine) StudioCampaigns(ctx context.Context, a *Actor) ([]StudioCampaign, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	all, err := e.Definitions(ctx, a, DefinitionFilter{Kind: KindCampaign})
	if err != nil {
		return nil, err
	}
	byID := map[string]*StudioCampaign{}
	var order []string
	for _, d := range all {
		if !a.Sees(d.Owner) {
			continue
		}
		sc := byID[d.ID]
		if sc == nil {
			sc = &StudioCampaign{ID: d.ID}
			byID[d.ID] = sc
			order = append(order, d.ID)
		}
		if d.Status == StatusPublished {
			sc.Published = true
		}
		if d.Version >= sc.Version {
			sc.Version, sc.Status, sc.CreatedBy, sc.CreatedAt, sc.Checksum = d.Version, d.Status, d.CreatedBy, d.CreatedAt, d.Checksum
		}
	}
	out := make([]StudioCampaign, 0, len(order))
	for _, id := range order {
		sc := byID[id]
		if d, err := e.store.GetDefinition(ctx, KindCampaign, id, sc.Version); err == nil {
			sc.Checksum = d.Checksum
			if v, _, _ := compileDefinition(KindCampaign, d.Filename, d.Source); v != nil {
				c := v.(*campaigns.Campaign)
				sc.Title, sc.OrgScope = campaignTitle(c), c.OrgScope()
			}
		}
		out = append(out, *sc)
	}
	slices.SortStableFunc(out, func(x, y StudioCampaign) int { return y.CreatedAt.Compare(x.CreatedAt) })
	return out, nil
}

func campaignTitle(c *campaigns.Campaign) campaigns.Text {
	t := campaigns.Text{}
	if s := c.Title("zh"); s != "" {
		t["zh"] = s
	}
	if s := c.Title("en"); s != "" && s != t["zh"] { // Title falls back to the other language
		t["en"] = s
	}
	return t
}

// StudioFile is one file of a campaign in the studio: its newest version.
type StudioFile struct {
	*DefinitionVersion
	Title string // in the language asked for; the ID when it has none
}

// editableCampaign is the newest version of a campaign the actor may
// edit: an author or admin, by the definition-scope rule. Every studio
// change to a campaign starts here.
func (e *Engine) editableCampaign(ctx context.Context, a *Actor, campaignID string) (*DefinitionVersion, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	newest, err := e.newestVersion(ctx, KindCampaign, campaignID)
	if err != nil {
		return nil, err
	}
	if err := mayEditDefinition(a, KindCampaign, campaignID, e.ownerOrRoot(ctx, newest)); err != nil {
		return nil, err
	}
	return newest, nil
}

// StudioCampaignFiles returns the newest version of the campaign and of
// every form, workflow and pay table it binds, the campaign first, for an
// actor who may edit the campaign. Files it names that do not exist are
// left out. Returns ENOTFOUND or EFORBIDDEN by the definition-scope rule.
func (e *Engine) StudioCampaignFiles(ctx context.Context, a *Actor, campaignID, lang string) (*campaigns.Campaign, []StudioFile, error) {
	newest, err := e.editableCampaign(ctx, a, campaignID)
	if err != nil {
		return nil, nil, err
	}
	files := []StudioFile{{DefinitionVersion: newest, Title: campaignID}}
	v, _, _ := compileDefinition(KindCampaign, newest.Filename, newest.Source)
	c, _ := v.(*campaigns.Campaign)
	if c == nil {
		return nil, files, nil
	}
	if t := c.Title(TextLang(lang)); t != "" {
		files[0].Title = t
	}
	for _, r := range campaignRefs(c) {
		d, err := e.newestVersion(ctx, r[0], r[1])
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		f := StudioFile{DefinitionVersion: d, Title: d.ID}
		if cv, _, _ := compileDefinition(d.Kind, d.Filename, d.Source); cv != nil {
			if t, ok := cv.(interface{ Title(string) string }); ok && t.Title(TextLang(lang)) != "" {
				f.Title = t.Title(TextLang(lang))
			}
		} else if t := draftTitle(d); t != nil {
			// A draft with errors still shows the title its author gave.
			f.Title = titleOr(t, TextLang(lang), d.ID)
		}
		files = append(files, f)
	}
	return c, files, nil
}

// draftTitle reads the title of a file that does not compile: a form's
// x-title, another file's title.
func draftTitle(d *DefinitionVersion) map[string]string {
	var doc struct {
		XTitle map[string]string `json:"x-title" yaml:"x-title"`
		Title  map[string]string `json:"title" yaml:"title"`
	}
	var err error
	if d.Kind == KindForm {
		err = json.Unmarshal(d.Source, &doc)
	} else {
		err = yaml.Unmarshal(d.Source, &doc)
	}
	if err != nil {
		return nil
	}
	if doc.XTitle != nil {
		return doc.XTitle
	}
	return doc.Title
}

func titleOr(t map[string]string, lang, fallback string) string {
	for _, l := range []string{lang, "zh", "en"} {
		if t[l] != "" {
			return t[l]
		}
	}
	return fallback
}

// campaignRefs is (kind, id) of every definition the campaign binds.
func campaignRefs(c *campaigns.Campaign) [][2]string {
	var refs [][2]string
	for _, id := range c.Forms() {
		refs = append(refs, [2]string{KindForm, id})
	}
	refs = append(refs, [2]string{KindWorkflow, c.Workflow()})
	if id := c.PayTable(); id != "" {
		refs = append(refs, [2]string{KindPayTable, id})
	}
	return refs
}

// SaveDraftBased is SaveDraft for an edit that started from the draft
// with checksum base ("" for a definition not stored yet). Returns
// ECONFLICT, naming who saved meanwhile, when the newest version is no
// longer that one. The check and the write are one step (the store's
// SaveDraftIf): of two saves against the same base exactly one succeeds.
func (e *Engine) SaveDraftBased(ctx context.Context, a *Actor, kind, id, filename string, src []byte, base string) (*DraftResult, error) {
	return e.saveDraft(ctx, a, kind, id, filename, src, &base, nil)
}

// CampaignBasics are the 基本信息 an author edits on a campaign.
type CampaignBasics struct {
	TitleZH, TitleEN string
	OrgScope         string // org unit code, in the author's subtree
	Opens, Closes    string // YYYY-MM-DD, calendar days in China; closes inclusive
	ReferenceTime    string // YYYY-MM-DD: 00:00 of that day in China
}

var studioDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// validate checks the basics for the actor, returning field errors keyed
// by field name (title_zh, org_scope, opens, closes, reference_time).
func (e *Engine) validateBasics(ctx context.Context, a *Actor, b CampaignBasics) []FieldError {
	var fs []FieldError
	if strings.TrimSpace(b.TitleZH) == "" {
		fs = append(fs, FieldError{Pointer: "/title_zh", Code: "required", Message: "请填写中文标题"})
	} else if len([]rune(b.TitleZH)) > 100 || len([]rune(b.TitleEN)) > 200 {
		fs = append(fs, FieldError{Pointer: "/title_zh", Code: "too_long", Message: "标题太长"})
	}
	if u, err := e.store.GetOrgUnit(ctx, b.OrgScope); err != nil || !a.Sees(u.Path) {
		fs = append(fs, FieldError{Pointer: "/org_scope", Code: "out_of_scope", Message: "请从您的辖区中选择范围"})
	}
	day := func(name, label, s string) time.Time {
		if !studioDate.MatchString(s) {
			fs = append(fs, FieldError{Pointer: "/" + name, Code: "bad_date", Message: "请填写" + label + "（年-月-日）"})
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", s, shanghai)
		if err != nil {
			fs = append(fs, FieldError{Pointer: "/" + name, Code: "bad_date", Message: label + "不是有效日期"})
		}
		return t
	}
	opens, closes := day("opens", "开始日期", b.Opens), day("closes", "截止日期", b.Closes)
	day("reference_time", "标准时点", b.ReferenceTime)
	if !opens.IsZero() && !closes.IsZero() && !closes.After(opens) {
		fs = append(fs, FieldError{Pointer: "/closes", Code: "before_opens", Message: "截止日期须晚于开始日期"})
	}
	return fs
}

// CampaignBasicsOf reads the basics from a loaded campaign.
func CampaignBasicsOf(c *campaigns.Campaign) CampaignBasics {
	b := CampaignBasics{TitleZH: c.Title("zh"), OrgScope: c.OrgScope()}
	if c.Title("en") != c.Title("zh") {
		b.TitleEN = c.Title("en")
	}
	if !c.Opens().IsZero() {
		b.Opens = c.Opens().In(shanghai).Format("2006-01-02")
	}
	if !c.Closes().IsZero() {
		b.Closes = c.Closes().Add(-24 * time.Hour).In(shanghai).Format("2006-01-02")
	}
	if !c.RefTime().IsZero() {
		b.ReferenceTime = c.RefTime().In(shanghai).Format("2006-01-02")
	}
	return b
}

// UpdateCampaignBasics rewrites the basics of the campaign's newest
// version as a draft, keeping every other key, when that version's
// checksum is base. Returns EINVALID with field errors (pointers
// /title_zh, /org_scope, /opens, /closes, /reference_time), ECONFLICT
// for a stale base, and what SaveDraft returns.
func (e *Engine) UpdateCampaignBasics(ctx context.Context, a *Actor, campaignID, base string, b CampaignBasics) (*DraftResult, error) {
	newest, err := e.editableCampaign(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	b.TitleZH, b.TitleEN = strings.TrimSpace(b.TitleZH), strings.TrimSpace(b.TitleEN)
	if fs := e.validateBasics(ctx, a, b); len(fs) > 0 {
		return nil, &Error{Code: EINVALID, Message: "the basic information has mistakes", Fields: fs}
	}
	src, err := rewriteBasics(newest.Filename, newest.Source, b)
	if err != nil {
		return nil, err
	}
	return e.SaveDraftBased(ctx, a, KindCampaign, campaignID, newest.Filename, src, base)
}

// rewriteBasics returns the campaign file with the basics b. Only the keys
// whose value b changes are rewritten: a basics form saved as it came
// leaves the file exactly as it was (its comments, a reference time with
// an hour), and a change touches only what changed.
func rewriteBasics(filename string, src []byte, b CampaignBasics) ([]byte, error) {
	cur := CampaignBasics{}
	if v, _, _ := compileDefinition(KindCampaign, filename, src); v != nil {
		cur = CampaignBasicsOf(v.(*campaigns.Campaign))
	}
	if b == cur {
		return src, nil
	}
	doc, err := decodeOrdered(src)
	if err != nil {
		return nil, err
	}
	if b.TitleZH != cur.TitleZH || b.TitleEN != cur.TitleEN {
		title := yaml.MapSlice{{Key: "zh", Value: b.TitleZH}}
		if b.TitleEN != "" {
			title = append(title, yaml.MapItem{Key: "en", Value: b.TitleEN})
		}
		doc = setKey(doc, "title", title)
	}
	if b.OrgScope != cur.OrgScope {
		doc = setKey(doc, "org_scope", b.OrgScope)
	}
	if b.ReferenceTime != cur.ReferenceTime {
		doc = setKey(doc, "reference_time", b.ReferenceTime+"T00:00:00+08:00")
	}
	if b.Opens != cur.Opens {
		doc = setKey(doc, "opens", b.Opens)
	}
	if b.Closes != cur.Closes {
		doc = setKey(doc, "closes", b.Closes)
	}
	return encodeOrdered(doc)
}

func decodeOrdered(src []byte) (yaml.MapSlice, error) {
	var doc yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(src, &doc, yaml.UseOrderedMap()); err != nil {
		return nil, &Error{Code: EINVALID, Message: "the campaign file is not valid YAML: " + err.Error(),
			Fields: []FieldError{{Pointer: "/source", Code: "bad_yaml", Message: err.Error()}}}
	}
	return doc, nil
}

func encodeOrdered(doc yaml.MapSlice) ([]byte, error) {
	src, err := yaml.MarshalWithOptions(doc, yaml.Flow(false))
	if err != nil {
		return nil, WrapError(EINTERNAL, "", err)
	}
	return src, nil
}

// setKey sets key in doc, in place when present, else at the end.
func setKey(doc yaml.MapSlice, key string, v any) yaml.MapSlice {
	for i := range doc {
		if k, _ := doc[i].Key.(string); k == key {
			doc[i].Value = v
			return doc
		}
	}
	return append(doc, yaml.MapItem{Key: key, Value: v})
}

// studioSuffix is a short random ASCII suffix that makes a new ID unique.
func (e *Engine) studioSuffix() string {
	id := strings.ToLower(NewID(e.Now()))
	return id[len(id)-6:]
}

// freeID returns base, or base with a suffix, that no definition of kind
// uses yet, at most 64 characters.
func (e *Engine) freeID(ctx context.Context, kind, base string) (string, error) {
	base = strings.Trim(base, "-")
	if len(base) > 50 {
		base = strings.Trim(base[:50], "-")
	}
	for i := 0; i < 5; i++ {
		id := base + "-" + e.studioSuffix()
		versions, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: kind, ID: id})
		if err != nil {
			return "", err
		}
		if len(versions) == 0 {
			return id, nil
		}
	}
	return "", Errorf(ECONFLICT, "no free %s ID near %s", kind, base)
}

// NewBlankCampaign creates a campaign titled title as drafts: the campaign
// (scoped to the author's unit, open today for 30 days, reference time
// today, in China), a form with one 姓名 field and a village → township
// review workflow. Returns the campaign's ID. Authors and admins; EINVALID
// for an empty title.
func (e *Engine) NewBlankCampaign(ctx context.Context, a *Actor, title string) (string, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return "", err
	}
	title = strings.TrimSpace(title)
	if title == "" || len([]rune(title)) > 100 {
		return "", &Error{Code: EINVALID, Message: "a campaign needs a title",
			Fields: []FieldError{{Pointer: "/title_zh", Code: "required", Message: "请填写中文标题"}}}
	}
	id, err := e.freeID(ctx, KindCampaign, "campaign-"+e.Now().In(shanghai).Format("20060102"))
	if err != nil {
		return "", err
	}
	today := e.Now().In(shanghai)
	formID, workflowID := id+"-form", id+"-review"
	form := fmt.Sprintf(`{
  "x-form-id": %q,
  "x-title": {"zh": %q},
  "type": "object",
  "required": ["name"],
  "properties": {
    "name": {
      "type": "string",
      "maxLength": 50,
      "x-order": 1,
      "x-label": {"zh": "姓名", "en": "Name"}
    }
  }
}
`, formID, title)
	workflow := workflows.DefaultLadder(workflowID, workflows.Text{"zh": "村级审核、乡镇审核", "en": "Village and township review"})
	doc := yaml.MapSlice{
		{Key: "id", Value: id},
		{Key: "title", Value: yaml.MapSlice{{Key: "zh", Value: title}}},
		{Key: "forms", Value: []string{formID}},
		{Key: "workflow", Value: workflowID},
		{Key: "org_scope", Value: a.User.OrgUnit},
		{Key: "reference_time", Value: today.Format("2006-01-02") + "T00:00:00+08:00"},
		{Key: "opens", Value: today.Format("2006-01-02")},
		{Key: "closes", Value: today.AddDate(0, 0, 30).Format("2006-01-02")},
	}
	camp, err := encodeOrdered(doc)
	if err != nil {
		return "", err
	}
	for _, f := range []struct{ kind, id, file string }{
		{KindForm, formID, formID + ".form.json"},
		{KindWorkflow, workflowID, workflowID + ".workflow.yaml"},
		{KindCampaign, id, id + ".campaign.yaml"},
	} {
		b := map[string][]byte{KindForm: []byte(form), KindWorkflow: workflow, KindCampaign: camp}[f.kind]
		if _, err := e.SaveDraftBased(ctx, a, f.kind, f.id, f.file, b, ""); err != nil {
			return "", fmt.Errorf("new campaign %s: %s: %w", id, f.kind, err)
		}
	}
	return id, nil
}

// PublishedCampaigns lists the published campaigns the actor sees, to copy
// one: ID and title.
func (e *Engine) PublishedCampaigns(ctx context.Context, a *Actor) ([]StudioCampaign, error) {
	all, err := e.Definitions(ctx, a, DefinitionFilter{Kind: KindCampaign, Status: StatusPublished})
	if err != nil {
		return nil, err
	}
	var out []StudioCampaign
	for _, d := range all {
		if slices.ContainsFunc(out, func(s StudioCampaign) bool { return s.ID == d.ID }) {
			continue
		}
		c, err := e.Campaign(ctx, d.ID)
		if err != nil {
			continue
		}
		out = append(out, StudioCampaign{ID: d.ID, Title: campaignTitle(c), OrgScope: c.OrgScope(), Published: true, Status: StatusPublished})
	}
	return out, nil
}

// CopyCampaign copies the latest published version of a campaign the
// actor sees into new drafts: the campaign and, under new IDs, its forms,
// workflow and pay table, with every reference rewritten. The copy is
// owned by the author's unit and scoped to it, and titled "（副本）".
// Returns the new campaign's ID; ENOTFOUND for a campaign not published or
// out of sight.
func (e *Engine) CopyCampaign(ctx context.Context, a *Actor, sourceID string) (string, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return "", err
	}
	_, src, err := e.Definition(ctx, KindCampaign, sourceID, 0)
	if err != nil {
		return "", err
	}
	if src, err = e.visibleDefinition(ctx, a, KindCampaign, sourceID, src.Version); err != nil {
		return "", err
	}
	v, _, _ := compileDefinition(KindCampaign, src.Filename, src.Source)
	c, ok := v.(*campaigns.Campaign)
	if !ok {
		return "", Errorf(EINTERNAL, "published campaign %s does not load", sourceID)
	}
	suffix := e.studioSuffix()
	newID := func(old string) string {
		if len(old) > 56 {
			old = strings.Trim(old[:56], "-")
		}
		return old + "-" + suffix
	}
	renames := map[string]string{}
	campID := newID(sourceID)
	type file struct {
		kind, oldID, newID string
		d                  *DefinitionVersion
	}
	var files []file
	for _, r := range campaignRefs(c) {
		_, d, err := e.Definition(ctx, r[0], r[1], 0)
		if err != nil {
			return "", fmt.Errorf("copy %s: %s %s: %w", sourceID, r[0], r[1], err)
		}
		full, err := e.store.GetDefinition(ctx, r[0], r[1], d.Version)
		if err != nil {
			return "", err
		}
		renames[r[1]] = newID(r[1])
		files = append(files, file{r[0], r[1], renames[r[1]], full})
	}
	for _, f := range files {
		out, err := renameDefinition(f.kind, f.d.Source, f.oldID, f.newID, renames)
		if err != nil {
			return "", err
		}
		if _, err := e.SaveDraftBased(ctx, a, f.kind, f.newID, f.newID+"."+f.kind+fileExt(f.kind), out, ""); err != nil {
			return "", fmt.Errorf("copy %s: %s %s: %w", sourceID, f.kind, f.newID, err)
		}
	}
	doc, err := decodeOrdered(src.Source)
	if err != nil {
		return "", err
	}
	doc = renameValues(doc, renames).(yaml.MapSlice)
	doc = setKey(doc, "id", campID)
	title := campaignTitle(c)
	t := yaml.MapSlice{{Key: "zh", Value: title["zh"] + "（副本）"}}
	if title["en"] != "" {
		t = append(t, yaml.MapItem{Key: "en", Value: title["en"] + " (copy)"})
	}
	doc = setKey(doc, "title", t)
	doc = setKey(doc, "org_scope", a.User.OrgUnit)
	out, err := encodeOrdered(doc)
	if err != nil {
		return "", err
	}
	if _, err := e.SaveDraftBased(ctx, a, KindCampaign, campID, campID+".campaign.yaml", out, ""); err != nil {
		return "", fmt.Errorf("copy %s: %w", sourceID, err)
	}
	return campID, nil
}

func fileExt(kind string) string {
	if kind == KindForm {
		return ".json"
	}
	return ".yaml"
}

var (
	formIDLine = regexp.MustCompile(`("x-form-id"\s*:\s*)"[a-z0-9-]+"`)
	yamlIDLine = regexp.MustCompile(`(?m)^id:[ \t]*["']?[a-z0-9-]+["']?[ \t]*$`)
	yamlFormRe = regexp.MustCompile(`(?m)^([ \t]+(?:- )?form:[ \t]*)["']?([a-z0-9-]+)["']?[ \t]*$`)
)

// renameDefinition gives a form, workflow or pay table source its new ID,
// and points a pay table's form references at the copied forms. It edits
// the text, so comments and layout stay.
func renameDefinition(kind string, src []byte, oldID, newID string, renames map[string]string) ([]byte, error) {
	switch kind {
	case KindForm:
		if !formIDLine.Match(src) {
			return nil, Errorf(EINVALID, "form %s has no x-form-id to rename", oldID)
		}
		return formIDLine.ReplaceAll(src, []byte(`${1}"`+newID+`"`)), nil
	default:
		if !yamlIDLine.Match(src) {
			return nil, Errorf(EINVALID, "%s %s has no top-level id to rename", kind, oldID)
		}
		out := yamlIDLine.ReplaceAll(src, []byte("id: "+newID))
		out = yamlFormRe.ReplaceAllFunc(out, func(m []byte) []byte {
			sub := yamlFormRe.FindSubmatch(m)
			if n, ok := renames[string(sub[2])]; ok {
				return append(bytes.Clone(sub[1]), n...)
			}
			return m
		})
		return out, nil
	}
}

// renameValues replaces every string value (never a key) that is an old
// ID with its new one, and the form IDs expressions compare form with,
// throughout a decoded campaign.
func renameValues(v any, renames map[string]string) any {
	switch x := v.(type) {
	case yaml.MapSlice:
		for i := range x {
			x[i].Value = renameValues(x[i].Value, renames)
		}
		return x
	case []any:
		for i := range x {
			x[i] = renameValues(x[i], renames)
		}
		return x
	case string:
		if n, ok := renames[x]; ok {
			return n
		}
		// An indicator's or report's expression names forms inside it:
		// count(form == "vital-event" && …).
		return rules.RenameFormLiterals(x, renames)
	}
	return v
}
