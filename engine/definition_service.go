package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"canvass/campaigns"
	"canvass/forms"
	"canvass/paytables"
	"canvass/rules"
	"canvass/workflows"
)

// MaxDefinitionBytes bounds one definition file. The largest realistic form
// (a long survey with choice lists of every village) is well under 1 MiB.
const MaxDefinitionBytes = 2 << 20

var definitionIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$`)

// compileDefinition loads, lints and compiles a definition's source with
// the package for its kind. It returns the compiled value (nil when any
// diagnostic is an error) and every diagnostic, and the ID the file declares.
func compileDefinition(kind, filename string, src []byte) (compiled any, declaredID string, ds []rules.Diagnostic) {
	switch kind {
	case KindForm:
		f, ds := forms.Load(filename, src)
		if f != nil {
			return f, f.ID(), ds
		}
		return nil, "", ds
	case KindWorkflow:
		w, ds := workflows.Load(filename, src)
		if w != nil {
			return w, w.ID(), ds
		}
		return nil, "", ds
	case KindCampaign:
		c, ds := campaigns.Load(filename, src)
		if c != nil {
			return c, c.ID(), ds
		}
		return nil, "", ds
	case KindPayTable:
		p, ds := paytables.Load(filename, src)
		if p != nil {
			return p, p.ID(), ds
		}
		return nil, "", ds
	}
	return nil, "", []rules.Diagnostic{{File: filename, Line: 1, Col: 1, Code: rules.CodeUnknownKind, Severity: rules.SeverityError,
		Message: fmt.Sprintf("definitions of kind %q cannot be loaded yet", kind)}}
}

// catalog caches compiled published definitions. A published version never
// changes, so an entry never goes stale. Which version is the latest
// published one is remembered in caches (cache.go), checked against the
// store's cache generation.
type catalog struct {
	mu    sync.RWMutex
	byKey map[string]any
}

func (c *catalog) get(key string) any {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byKey[key]
}

func (c *catalog) put(key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string]any{}
	}
	c.byKey[key] = v
}

// Definition returns the compiled published definition (version 0: the
// latest published one) and its stored version. Returns ENOTFOUND when
// there is none.
func (e *Engine) Definition(ctx context.Context, kind, id string, version int) (any, *DefinitionVersion, error) {
	gen := ""
	if version == 0 {
		g, err := e.cacheGeneration(ctx)
		if err != nil {
			return nil, nil, err
		}
		gen, version = g, e.latestVersion(g, kind, id)
	}
	if version > 0 {
		if v := e.catalog.get(fmt.Sprintf("%s/%s/%d", kind, id, version)); v != nil {
			return v, &DefinitionVersion{Kind: kind, ID: id, Version: version, Status: StatusPublished}, nil
		}
	}
	d, err := e.store.GetDefinition(ctx, kind, id, version)
	if err != nil {
		return nil, nil, err
	}
	if d.Status != StatusPublished {
		return nil, nil, Errorf(ENOTFOUND, "%s %s version %d is not published", kind, id, version)
	}
	if gen != "" {
		// Remembered also when the compiled version is in the catalog
		// already (publishing puts it there).
		e.setLatestVersion(gen, kind, id, d.Version)
	}
	key := fmt.Sprintf("%s/%s/%d", kind, id, d.Version)
	if v := e.catalog.get(key); v != nil {
		return v, d, nil
	}
	v, _, ds := compileDefinition(kind, d.Filename, d.Source)
	if v == nil {
		// Publishing refuses files with errors, so this is a definition
		// that a newer Canvass reads more strictly than the one that
		// published it.
		return nil, nil, Errorf(EINTERNAL, "published %s %s version %d no longer loads: %s", kind, id, d.Version, firstError(ds))
	}
	e.catalog.put(key, v)
	return v, d, nil
}

func firstError(ds []rules.Diagnostic) string {
	for _, d := range ds {
		if d.Severity != rules.SeverityWarning {
			return d.String()
		}
	}
	return ""
}

// Form returns a published form (version 0: the latest).
func (e *Engine) Form(ctx context.Context, id string, version int) (*forms.Form, int, error) {
	v, d, err := e.Definition(ctx, KindForm, id, version)
	if err != nil {
		return nil, 0, err
	}
	return v.(*forms.Form), d.Version, nil
}

// Workflow returns a published workflow (version 0: the latest).
func (e *Engine) Workflow(ctx context.Context, id string, version int) (*workflows.Workflow, int, error) {
	v, d, err := e.Definition(ctx, KindWorkflow, id, version)
	if err != nil {
		return nil, 0, err
	}
	return v.(*workflows.Workflow), d.Version, nil
}

// DraftResult is what saving a draft tells the author: the stored version
// and every lint finding, errors included (a draft may have errors; only
// publishing refuses them).
type DraftResult struct {
	Definition  *DefinitionVersion
	Diagnostics []rules.Diagnostic
}

// SaveDraft lints src and stores it as the draft of definition (kind, id):
// it replaces the open draft, or starts version latest+1. Authors only.
// Returns EINVALID for an unknown kind, a bad ID, an empty or oversized
// file, or a file that declares another ID; ETOOLARGE over
// MaxDefinitionBytes.
func (e *Engine) SaveDraft(ctx context.Context, a *Actor, kind, id, filename string, src []byte) (*DraftResult, error) {
	return e.saveDraft(ctx, a, kind, id, filename, src, nil, nil)
}

// saveDraft is SaveDraft; with base, the write happens only while the
// newest version has that checksum (the store's SaveDraftIf); with pre,
// src is not compiled again.
func (e *Engine) saveDraft(ctx context.Context, a *Actor, kind, id, filename string, src []byte, base *string, pre *Compiled) (*DraftResult, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	if !slices.Contains([]string{KindForm, KindWorkflow, KindPayTable, KindCampaign}, kind) {
		return nil, Errorf(EINVALID, "unknown definition kind %q", kind)
	}
	if !definitionIDPattern.MatchString(id) {
		return nil, Errorf(EINVALID, "a definition ID has 2–64 lower-case letters, digits and '-'")
	}
	if len(src) == 0 {
		return nil, Errorf(EINVALID, "the file is empty")
	}
	if len(src) > MaxDefinitionBytes {
		return nil, Errorf(ETOOLARGE, "a definition file may have at most %d bytes", MaxDefinitionBytes)
	}
	var compiled any
	var declared string
	var ds []rules.Diagnostic
	if pre != nil {
		compiled, ds = pre.Value, pre.Diagnostics
		if v, ok := compiled.(interface{ ID() string }); ok && compiled != nil {
			declared = v.ID()
		}
	} else {
		compiled, declared, ds = compileDefinition(kind, filename, src)
	}
	if declared != "" && declared != id {
		// The declared ID in Fields, for pages to name it in their language.
		return nil, &Error{Code: EINVALID, Message: fmt.Sprintf("the file declares %s %q, not %q", kind, declared, id),
			Fields: []FieldError{{Pointer: "/id", Code: CodeDeclaredID, Message: declared}}}
	}
	versions, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: kind, ID: id})
	if err != nil {
		return nil, err
	}
	// A new definition is owned by the author's unit; an existing one
	// keeps its owner, and only authors over it may change it.
	owner, err := e.definitionOwner(ctx, versions)
	if err != nil {
		return nil, err
	}
	if owner == "" {
		owner = a.User.OrgPath
	}
	if err := mayEditDefinition(a, kind, id, owner); err != nil {
		return nil, err
	}
	if c, ok := compiled.(*campaigns.Campaign); ok {
		if err := e.mayScopeCampaign(ctx, a, c); err != nil {
			return nil, err
		}
	}
	next := 1
	if n := len(versions); n > 0 {
		next = versions[n-1].Version
		if versions[n-1].Status == StatusPublished {
			next++
		}
	}
	sum := sha256.Sum256(src)
	d := &DefinitionVersion{
		Kind: kind, ID: id, Version: next, Status: StatusDraft, Filename: filename, Source: src,
		Checksum: hex.EncodeToString(sum[:]), CreatedBy: a.ID(), CreatedAt: e.Now(), Owner: owner,
	}
	if base == nil {
		err = e.store.SaveDraft(ctx, d)
	} else {
		err = e.store.SaveDraftIf(ctx, d, *base)
		if ErrorCode(err) == ECONFLICT {
			return nil, e.draftConflict(ctx, kind, id)
		}
	}
	if err != nil {
		return nil, err
	}
	if err := e.Audit(ctx, a, "definition.draft", kind, fmt.Sprintf("%s@%d", id, next), owner, map[string]any{"checksum": d.Checksum}); err != nil {
		return nil, err
	}
	return &DraftResult{Definition: d, Diagnostics: ds}, nil
}

// Publish makes a draft the published version of its definition, for
// ever. Authors only. Returns EINVALID with the lint errors as field errors
// (pointer: the definition path) while any remain, ENOTFOUND for no such
// version, ECONFLICT when it is already published.
func (e *Engine) Publish(ctx context.Context, a *Actor, kind, id string, version int) (*DefinitionVersion, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	d, err := e.visibleDefinition(ctx, a, kind, id, version)
	if err != nil {
		return nil, err
	}
	if err := mayEditDefinition(a, kind, id, d.Owner); err != nil {
		return nil, err
	}
	if d.Status == StatusPublished {
		return nil, Errorf(ECONFLICT, "%s %s version %d is already published", kind, id, version)
	}
	v, _, ds := compileDefinition(kind, d.Filename, d.Source)
	if rules.HasErrors(ds) {
		return nil, &Error{Code: EINVALID, Message: "fix the lint errors before publishing", Fields: diagnosticFields(ds)}
	}
	if c, ok := v.(*campaigns.Campaign); ok {
		if err := e.mayScopeCampaign(ctx, a, c); err != nil {
			return nil, err
		}
		if err := e.checkCampaignRefs(ctx, c); err != nil {
			return nil, err
		}
	}
	now := e.Now()
	if err := e.store.PublishDefinition(ctx, kind, id, version, a.ID(), now); err != nil {
		return nil, err
	}
	d.Status, d.PublishedBy, d.PublishedAt = StatusPublished, a.ID(), now
	if err := e.Audit(ctx, a, "definition.publish", kind, fmt.Sprintf("%s@%d", id, version), d.Owner, nil); err != nil {
		return nil, err
	}
	return d, e.auditPublishInUse(ctx, a, d)
}

// diagnosticFields turns lint errors into field errors: the pointer is the
// definition path, the message the full "file:line:col: code: message".
func diagnosticFields(ds []rules.Diagnostic) []FieldError {
	var fs []FieldError
	for _, d := range ds {
		if d.Severity == rules.SeverityWarning {
			continue
		}
		fs = append(fs, FieldError{Pointer: d.Path, Code: d.Code, Message: fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Message)})
	}
	return fs
}

// PreviewForm compiles a form version, draft or published, so an author
// can see the form before publishing. Returns EINVALID with the lint errors
// when it does not load.
func (e *Engine) PreviewForm(ctx context.Context, a *Actor, id string, version int) (*forms.Form, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	d, err := e.visibleDefinition(ctx, a, KindForm, id, version)
	if err != nil {
		return nil, err
	}
	v, _, ds := compileDefinition(KindForm, d.Filename, d.Source)
	if v == nil {
		return nil, &Error{Code: EINVALID, Message: "the draft has lint errors", Fields: diagnosticFields(ds)}
	}
	return v.(*forms.Form), nil
}

// checkCampaignRefs refuses to publish a campaign whose forms, workflow,
// pay table or org scope do not exist (published), so a published campaign
// can always take submissions.
func (e *Engine) checkCampaignRefs(ctx context.Context, c *campaigns.Campaign) error {
	return e.checkCampaignRefsIn(ctx, c, e.publishedRef)
}

// refLookup returns the compiled definition a campaign's reference would
// use once published, or an error when there is none.
type refLookup func(ctx context.Context, kind, id string) (any, error)

// publishedRef is the latest published version of (kind, id).
func (e *Engine) publishedRef(ctx context.Context, kind, id string) (any, error) {
	v, _, err := e.Definition(ctx, kind, id, 0)
	return v, err
}

// checkCampaignRefsIn is checkCampaignRefs with the references resolved by
// lookup: the published versions when one campaign is published, the
// drafts about to be published with it when a whole campaign is.
func (e *Engine) checkCampaignRefsIn(ctx context.Context, c *campaigns.Campaign, lookup refLookup) error {
	var fields []FieldError
	missing := func(ptr, what string, err error) {
		if err != nil {
			fields = append(fields, FieldError{Pointer: ptr, Code: "not_published", Message: what + " is not published"})
		}
	}
	published := map[string]*forms.Form{}
	for i, id := range c.Forms() {
		v, err := lookup(ctx, KindForm, id)
		missing(fmt.Sprintf("/forms/%d", i), "form "+id, err)
		if f, ok := v.(*forms.Form); ok && err == nil {
			published[id] = f
		}
	}
	v, err := lookup(ctx, KindWorkflow, c.Workflow())
	missing("/workflow", "workflow "+c.Workflow(), err)
	wf, _ := v.(*workflows.Workflow)
	var pt *paytables.PayTable
	if id := c.PayTable(); id != "" {
		v, err := lookup(ctx, KindPayTable, id)
		missing("/paytable", "pay table "+id, err)
		pt, _ = v.(*paytables.PayTable)
	}
	if _, err := e.store.GetOrgUnit(ctx, c.OrgScope()); err != nil {
		fields = append(fields, FieldError{Pointer: "/org_scope", Code: "not_found", Message: "org unit " + c.OrgScope() + " does not exist"})
	}
	if b := c.Budget(); b != nil && wf != nil {
		for _, n := range b.Counts() {
			for _, st := range n.States {
				if !wf.HasState(st) && st != StateDraft {
					fields = append(fields, FieldError{Pointer: "/budget/counts/" + n.Name, Code: "unknown_state", Message: "workflow " + wf.ID() + " has no state " + st})
				}
			}
		}
	}
	owned, err := e.checkRefOwners(ctx, c)
	if err != nil {
		return err
	}
	fields = append(fields, owned...)
	if len(published) == len(c.Forms()) && wf != nil {
		fields = append(fields, indicatorRefErrors(c, published, wf)...)
		fields = append(fields, reportRefErrors(c, published)...)
		fields = append(fields, payAnswerRefErrors(c, pt, published)...)
		fields = append(fields, scheduleRefErrors(c, published, wf)...)
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "the campaign refers to definitions that are not published, or to fields and states they lack", Fields: fields}
	}
	return nil
}

// indicatorRefErrors checks what the campaign file alone cannot: that each
// answer field an indicator's filter reads or sums resolves (by key or
// path, forms.Form.Resolve) in a form it may count (the forms its filter
// names, else every form of the campaign), that a term reads the fields of
// one repeat group at most (it counts that group's rows) and names them by
// key, and that each state it compares with is one of the workflow's.
func indicatorRefErrors(c *campaigns.Campaign, published map[string]*forms.Form, wf *workflows.Workflow) []FieldError {
	var fields []FieldError
	for _, ind := range c.Indicators() {
		ptr := "/indicators/" + ind.ID
		for _, t := range ind.Terms() {
			formIDs := c.Forms()
			if len(t.Forms) > 0 {
				formIDs = nil
				for _, l := range t.Forms {
					formIDs = append(formIDs, l.Value)
				}
			}
			keys := slices.Clone(t.Answers)
			if t.Field != "" {
				keys = append(keys, rules.Literal{Value: t.Field, Line: t.Line, Col: t.Col})
			}
			groups := map[string]*forms.Field{} // form → the repeat group the term reads
			for i, k := range keys {
				var firstErr error
				found := false
				for _, id := range formIDs {
					f := published[id]
					if f == nil {
						continue
					}
					fd, err := f.Resolve(k.Value)
					if err != nil {
						if firstErr == nil {
							firstErr = err
						}
						continue
					}
					found = true
					g := fd.Group()
					switch {
					case g == nil:
					case i < len(t.Answers) && strings.Contains(k.Value, "."):
						fields = append(fields, FieldError{Pointer: ptr, Code: forms.CodeFieldInRepeat,
							Message: fmt.Sprintf("indicator %s reads answers.%s, a field of every row of %s (%s): write answers.%s, the filter then runs once per row", ind.ID, k.Value, g.Path(), g.Label(forms.LangZH), fd.Key())})
					case groups[id] != nil && groups[id] != g:
						fields = append(fields, FieldError{Pointer: ptr, Code: "two_repeat_groups",
							Message: fmt.Sprintf("indicator %s reads fields of two repeat groups of form %s, %s and %s: a term counts the rows of one", ind.ID, id, groups[id].Path(), g.Path())})
					default:
						groups[id] = g
					}
				}
				if !found {
					detail := ""
					if firstErr != nil {
						detail = ": " + firstErr.Error()
					}
					fields = append(fields, FieldError{Pointer: ptr, Code: "unknown_field",
						Message: fmt.Sprintf("indicator %s reads the answer %q, which no form it counts (%s) has%s", ind.ID, k.Value, strings.Join(formIDs, ", "), detail)})
				}
			}
			for _, st := range t.States {
				if !wf.HasState(st.Value) && st.Value != StateDraft && st.Value != StateMerged {
					fields = append(fields, FieldError{Pointer: ptr, Code: "unknown_state",
						Message: fmt.Sprintf("indicator %s compares state with %q, which workflow %s does not have", ind.ID, st.Value, wf.ID())})
				}
			}
		}
	}
	return fields
}

// payAnswerRefErrors checks that every answer field a pay item's rules
// read resolves (by key or path) in a form the item may pay for: a rule on
// a field no form has would silently never pay.
func payAnswerRefErrors(c *campaigns.Campaign, pt *paytables.PayTable, published map[string]*forms.Form) []FieldError {
	if pt == nil {
		return nil
	}
	var fields []FieldError
	for _, r := range pt.AnswerReads() {
		formIDs := c.Forms()
		if r.Form != "" {
			formIDs = []string{r.Form}
			if published[r.Form] == nil {
				continue // an item for a form the campaign does not bind never pays here
			}
		}
		for _, ref := range r.Fields {
			var firstErr error
			found := false
			for _, id := range formIDs {
				f := published[id]
				if f == nil {
					continue
				}
				if _, err := f.Resolve(ref); err != nil {
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				found = true
			}
			if !found {
				detail := ""
				if firstErr != nil {
					detail = ": " + firstErr.Error()
				}
				fields = append(fields, FieldError{Pointer: "/paytable", Code: "unknown_field",
					Message: fmt.Sprintf("pay table %s item %s reads answers.%s, which no form it pays for (%s) has%s", pt.ID(), r.Item, ref, strings.Join(formIDs, ", "), detail)})
			}
		}
	}
	return fields
}

// reportRefErrors checks that a report's period_field is a field of its
// form.
func reportRefErrors(c *campaigns.Campaign, published map[string]*forms.Form) []FieldError {
	var fields []FieldError
	for _, r := range c.Reports() {
		f := published[r.Form]
		if f == nil || r.PeriodField == "" {
			continue
		}
		fd, err := f.Resolve(r.PeriodField)
		switch {
		case err != nil:
			fields = append(fields, FieldError{Pointer: "/reports/" + r.ID, Code: "unknown_field",
				Message: fmt.Sprintf("report %s takes its period from %q, which form %s does not have: %v", r.ID, r.PeriodField, r.Form, err)})
		case fd.Group() != nil:
			fields = append(fields, FieldError{Pointer: "/reports/" + r.ID, Code: forms.CodeFieldInRepeat,
				Message: fmt.Sprintf("report %s takes its period from %s, a field of every row of %s: name a field with one value per record", r.ID, fd.Path(), fd.Group().Path())})
		}
	}
	return fields
}
