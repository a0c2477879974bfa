package studio

import (
	"bytes"
	"slices"

	"github.com/goccy/go-yaml"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/forms"
	"canvass/paytables"
	"canvass/rules"
	"canvass/workflows"
)

// CampaignDoc is a campaign file open in the studio's campaign editors
// (抽查, 预算, 指标与报表), with the forms, workflow and pay table it binds,
// which the editors read to offer fields and states and to check
// references.
//
// It rewrites the file the way 基本信息 does (engine.DecodeOrderedYAML):
// an edit replaces the one top-level key it owns (qc, budget, indicators,
// reports) and writes every other key back as it was. Each edit works on a
// copy and is kept only when the whole file then loads without errors
// (campaigns.Load), so an editor never leaves a campaign that will not
// publish because of it. A document no edit changed gives its source back
// byte for byte.
type CampaignDoc struct {
	Lang string // of the messages of refused edits: zh-CN unless "en…"

	filename string
	src      []byte
	changed  bool
	doc      yaml.MapSlice
	camp     *campaigns.Campaign

	forms    []*forms.Form // in the campaign's order; those that load
	workflow *workflows.Workflow
	payTable *paytables.PayTable
}

// CampaignFile is one file a campaign binds, as stored.
type CampaignFile struct {
	Kind     string // engine.KindForm, engine.KindWorkflow or engine.KindPayTable
	Filename string
	Source   []byte
}

// OpenCampaign opens a campaign file with the files it binds (those that
// do not load are left out; the editors then offer less). Returns EINVALID
// with code campaign_invalid when the campaign itself does not load: its
// editors show it only after it is fixed in 源文件.
func OpenCampaign(filename string, src []byte, files ...CampaignFile) (*CampaignDoc, error) {
	c, diags := campaigns.Load(filename, src)
	if c == nil {
		return nil, lintCampaignProblems(diags).err("")
	}
	doc, err := engine.DecodeOrderedYAML(src)
	if err != nil {
		return nil, err
	}
	d := &CampaignDoc{filename: filename, src: bytes.Clone(src), doc: doc, camp: c}
	byID := map[string]*forms.Form{}
	for _, f := range files {
		switch f.Kind {
		case engine.KindForm:
			if fm, _ := forms.Load(f.Filename, f.Source); fm != nil {
				byID[fm.ID()] = fm
			}
		case engine.KindWorkflow:
			if wf, _ := workflows.Load(f.Filename, f.Source); wf != nil && wf.ID() == c.Workflow() {
				d.workflow = wf
			}
		case engine.KindPayTable:
			if pt, _ := paytables.Load(f.Filename, f.Source); pt != nil && pt.ID() == c.PayTable() {
				d.payTable = pt
			}
		}
	}
	for _, id := range c.Forms() {
		if fm := byID[id]; fm != nil {
			d.forms = append(d.forms, fm)
		}
	}
	return d, nil
}

// Campaign returns the campaign as it is now.
func (d *CampaignDoc) Campaign() *campaigns.Campaign { return d.camp }

// Changed reports whether an edit changed the document.
func (d *CampaignDoc) Changed() bool { return d.changed }

// Bytes returns the campaign file: the source as opened when nothing
// changed, else the rewritten file.
func (d *CampaignDoc) Bytes() []byte { return bytes.Clone(d.src) }

// Forms returns the campaign's forms that load, in the campaign's order.
func (d *CampaignDoc) Forms() []*forms.Form { return slices.Clone(d.forms) }

// Workflow returns the campaign's workflow, or nil when it does not load.
func (d *CampaignDoc) Workflow() *workflows.Workflow { return d.workflow }

// PayTable returns the campaign's pay table, or nil when it has none or it
// does not load.
func (d *CampaignDoc) PayTable() *paytables.PayTable { return d.payTable }

// form returns the campaign's form with id, or nil.
func (d *CampaignDoc) form(id string) *forms.Form {
	for _, f := range d.forms {
		if f.ID() == id {
			return f
		}
	}
	return nil
}

// value returns the decoded value of a top-level key, or nil.
func (d *CampaignDoc) value(key string) any {
	for _, it := range d.doc {
		if k, _ := it.Key.(string); k == key {
			return it.Value
		}
	}
	return nil
}

// replace sets the top-level key to v (removes it when v is nil), and
// keeps the result only when the campaign then loads without errors.
func (d *CampaignDoc) replace(key string, v any) error {
	doc := slices.Clone(d.doc)
	if v == nil {
		doc = slices.DeleteFunc(doc, func(it yaml.MapItem) bool { k, _ := it.Key.(string); return k == key })
	} else {
		doc = engine.SetOrderedKey(doc, key, v)
	}
	src, err := engine.EncodeOrderedYAML(doc)
	if err != nil {
		return err
	}
	c, diags := campaigns.Load(d.filename, src)
	if c == nil {
		return lintCampaignProblems(diags).err(d.Lang)
	}
	d.doc, d.src, d.camp, d.changed = doc, src, c, true
	return nil
}

// lintCampaignProblems turns the errors of campaigns.Load into problems,
// under one campaign_invalid problem that counts them.
func lintCampaignProblems(diags []rules.Diagnostic) problems {
	var ps problems
	for _, d := range diags {
		if d.Severity == rules.SeverityError {
			ps = append(ps, problem{ptr: "/" + d.Path, code: d.Code, text: d.Message})
		}
	}
	return append(problemAt("", CodeCampaignInvalid, len(ps)), ps...)
}

// asMap returns v as an ordered map, or nil.
func asMap(v any) yaml.MapSlice {
	m, _ := v.(yaml.MapSlice)
	return m
}

// mapValue returns the value of key in m, or nil.
func mapValue(m yaml.MapSlice, key string) any {
	for _, it := range m {
		if k, _ := it.Key.(string); k == key {
			return it.Value
		}
	}
	return nil
}

// textOf reads a {zh, en} label or a plain string.
func campaignText(v any) campaigns.Text {
	t := campaigns.Text{}
	switch x := v.(type) {
	case string:
		t["zh"] = x
	case yaml.MapSlice:
		for _, it := range x {
			k, _ := it.Key.(string)
			if s, ok := it.Value.(string); ok && (k == "zh" || k == "en") {
				t[k] = s
			}
		}
	}
	return t
}

// textValue writes a label in the campaign's style: {zh: …, en: …}.
func campaignLabel(zh, en string) yaml.MapSlice {
	t := yaml.MapSlice{{Key: "zh", Value: zh}}
	if en != "" {
		t = append(t, yaml.MapItem{Key: "en", Value: en})
	}
	return t
}
