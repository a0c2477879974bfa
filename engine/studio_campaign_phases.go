package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"canvass/campaigns"
	"canvass/rules"
)

// Limits of the 基本信息 tab's phase editor, checked before the file is
// touched.
const (
	maxStudioPhases    = 20
	maxPhaseNameRunes  = 50
	maxPhaseNameENRune = 100
)

// PhaseSettings is one phase as the studio edits it: days as YYYY-MM-DD in
// China, the last one inclusive.
type PhaseSettings struct {
	Key            string // kept from the file; a new phase gets one
	NameZH, NameEN string
	From, To       string
	Forms          []string // form IDs of the campaign
	Actions        []string // campaigns.PhaseReview, PhaseReconcile, PhaseEnter
}

// CampaignPhasesOf reads the phases of a loaded campaign for the editor.
func CampaignPhasesOf(c *campaigns.Campaign) []PhaseSettings {
	var out []PhaseSettings
	for _, p := range c.Phases() {
		ps := PhaseSettings{Key: p.Key, NameZH: p.Name["zh"], NameEN: p.Name["en"], From: p.FromDate(), To: p.ToDate(),
			Forms: slices.Clone(p.Forms), Actions: slices.Clone(p.Actions)}
		out = append(out, ps)
	}
	return out
}

// UpdateCampaignPhases replaces the phases of the campaign's newest
// version, as a draft, when that version's checksum is base; no phases
// removes the key, and the campaign is open from opens to closes as
// before. Every other key stays as it was. Returns EINVALID with field
// errors in Chinese (pointers /phases/<i>/name_zh, …/from, …/to, …/forms,
// …/actions; /phases for too many), including the campaign linter's
// findings on the phases (an overlap); ECONFLICT for a stale base; and
// what SaveDraft returns. Warnings (a gap, a day outside opens and
// closes) do not stop the save: they come back in the result's Lint.
func (e *Engine) UpdateCampaignPhases(ctx context.Context, a *Actor, campaignID, base string, phases []PhaseSettings) (*DraftResult, error) {
	newest, err := e.editableCampaign(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	var forms []string
	if v, _, _ := compileDefinition(KindCampaign, newest.Filename, newest.Source); v != nil {
		forms = v.(*campaigns.Campaign).Forms()
	}
	if fs := validatePhases(phases, forms); len(fs) > 0 {
		return nil, &Error{Code: EINVALID, Message: "the phases have mistakes", Fields: fs}
	}
	src, err := rewritePhasesOf(newest.Filename, newest.Source, phases)
	if err != nil {
		return nil, err
	}
	if _, diags := campaigns.Load(newest.Filename, src); rules.HasErrors(diags) {
		if fs := phaseFindings(diags); len(fs) > 0 {
			return nil, &Error{Code: EINVALID, Message: "the phases have mistakes", Fields: fs}
		}
	}
	return e.SaveDraftBased(ctx, a, KindCampaign, campaignID, newest.Filename, src, base)
}

// validatePhases checks what the author typed, field by field.
func validatePhases(phases []PhaseSettings, forms []string) []FieldError {
	var fs []FieldError
	if len(phases) > maxStudioPhases {
		return []FieldError{{Pointer: "/phases", Code: "too_many", Message: fmt.Sprintf("最多 %d 个阶段", maxStudioPhases)}}
	}
	for i, p := range phases {
		at := func(name string) string { return fmt.Sprintf("/phases/%d/%s", i, name) }
		switch name := strings.TrimSpace(p.NameZH); {
		case name == "":
			fs = append(fs, FieldError{Pointer: at("name_zh"), Code: "required", Message: "请填写阶段名称"})
		case len([]rune(name)) > maxPhaseNameRunes || len([]rune(p.NameEN)) > maxPhaseNameENRune:
			fs = append(fs, FieldError{Pointer: at("name_zh"), Code: "too_long", Message: fmt.Sprintf("阶段名称最多 %d 个字", maxPhaseNameRunes)})
		case slices.ContainsFunc(phases[:i], func(o PhaseSettings) bool { return strings.TrimSpace(o.NameZH) == name }):
			fs = append(fs, FieldError{Pointer: at("name_zh"), Code: "duplicate", Message: "已有同名的阶段「" + name + "」，请换一个名称"})
		}
		day := func(name, label, s string) time.Time {
			if !studioDate.MatchString(s) {
				fs = append(fs, FieldError{Pointer: at(name), Code: "bad_date", Message: "请填写" + label + "（年-月-日）"})
				return time.Time{}
			}
			t, err := time.ParseInLocation(time.DateOnly, s, shanghai)
			if err != nil {
				fs = append(fs, FieldError{Pointer: at(name), Code: "bad_date", Message: label + "不是有效日期"})
			}
			return t
		}
		from, to := day("from", "开始日期", p.From), day("to", "结束日期", p.To)
		if !from.IsZero() && !to.IsZero() && to.Before(from) {
			fs = append(fs, FieldError{Pointer: at("to"), Code: "before_from", Message: "结束日期不能早于开始日期"})
		}
		for _, f := range p.Forms {
			if !slices.Contains(forms, f) {
				fs = append(fs, FieldError{Pointer: at("forms"), Code: "unknown_form", Message: "所选表单已不在本工作项目中，请重新选择"})
				break
			}
		}
		for _, act := range p.Actions {
			if !slices.Contains(campaigns.PhaseActions, act) {
				fs = append(fs, FieldError{Pointer: at("actions"), Code: "unknown_action", Message: "请从列出的工作中选择"})
				break
			}
		}
	}
	return fs
}

// phaseFindings turns the linter's errors on phases into field errors of
// the editor: "phases[2].from" is /phases/2/from.
func phaseFindings(diags []rules.Diagnostic) []FieldError {
	var fs []FieldError
	for _, d := range diags {
		if d.Severity != rules.SeverityError || !strings.HasPrefix(d.Path, "phases[") {
			continue
		}
		ptr := "/" + strings.NewReplacer("[", "/", "].", "/", "]", "").Replace(d.Path)
		fs = append(fs, FieldError{Pointer: ptr, Code: d.Code, Message: d.Text("zh")})
	}
	return fs
}

// rewritePhasesOf is rewritePhases, except that phases saved as they came
// leave the file exactly as it was.
func rewritePhasesOf(filename string, src []byte, phases []PhaseSettings) ([]byte, error) {
	if v, _, _ := compileDefinition(KindCampaign, filename, src); v != nil {
		cur := CampaignPhasesOf(v.(*campaigns.Campaign))
		if slices.EqualFunc(cur, phases, samePhase) {
			return src, nil
		}
	}
	return rewritePhases(src, phases)
}

func samePhase(a, b PhaseSettings) bool {
	return a.Key == b.Key && a.NameZH == strings.TrimSpace(b.NameZH) && a.NameEN == strings.TrimSpace(b.NameEN) &&
		a.From == b.From && a.To == b.To && slices.Equal(a.Forms, b.Forms) && slices.Equal(a.Actions, b.Actions)
}

// rewritePhases returns the campaign file with its phases key set to
// phases (removed when there are none), every other key as it was.
// Phases are written in date order, the way the linter wants them.
func rewritePhases(src []byte, phases []PhaseSettings) ([]byte, error) {
	doc, err := decodeOrdered(src)
	if err != nil {
		return nil, err
	}
	if len(phases) == 0 {
		out := doc[:0]
		for _, item := range doc {
			if k, _ := item.Key.(string); k != "phases" {
				out = append(out, item)
			}
		}
		return encodeOrdered(out)
	}
	sorted := slices.Clone(phases)
	slices.SortStableFunc(sorted, func(a, b PhaseSettings) int { return strings.Compare(a.From, b.From) })
	var list []yaml.MapSlice
	used := map[string]bool{}
	for _, p := range sorted {
		if p.Key != "" {
			used[p.Key] = true
		}
	}
	for i, p := range sorted {
		key := p.Key
		for n := i + 1; key == "" || (p.Key == "" && used[key]); n++ {
			key = fmt.Sprintf("phase-%d", n)
		}
		used[key] = true
		name := yaml.MapSlice{{Key: "zh", Value: strings.TrimSpace(p.NameZH)}}
		if en := strings.TrimSpace(p.NameEN); en != "" {
			name = append(name, yaml.MapItem{Key: "en", Value: en})
		}
		item := yaml.MapSlice{{Key: "key", Value: key}, {Key: "name", Value: name}, {Key: "from", Value: p.From}, {Key: "to", Value: p.To}}
		if len(p.Forms) > 0 {
			item = append(item, yaml.MapItem{Key: "forms", Value: p.Forms})
		}
		if len(p.Actions) > 0 {
			item = append(item, yaml.MapItem{Key: "actions", Value: p.Actions})
		}
		list = append(list, item)
	}
	return encodeOrdered(setKey(doc, "phases", list))
}
