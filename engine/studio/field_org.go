package studio

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"canvass/engine"
	"canvass/forms"
	"canvass/rules"
)

// An org-tree field (行政区划/村居) asks for an org unit of one level —
// township, village — from a drop-down list of the units of that level in
// the campaign's org scope. Forms has no org-unit widget: the field is a
// string field whose x-choices are the units (value: the unit's code,
// label: its name), as the cascading township and village lists of
// forms/testdata/household.form.json are written. A lower level cascades
// from the level above it: each of its choices carries the code of its
// ancestor at that level under the level's name ("township":
// "370102001"), and its choice filter keeps the choices whose ancestor is
// the answer above: choiceData.township == township. The author picks
// the levels; the designer writes the codes.
//
// A field is read back as an org-tree field when every choice value is an
// org-unit code of one level (GB/T 2260 and its 3-digit extensions: 9
// digits a township, 12 a village, 15 a group; 6 digits a province, city
// or district by its zeros). A string field with format cn-admin-code and
// no choices — a county code typed by hand, for places outside the
// campaign's tree — is the same palette type without a level.

// OrgLevels are the levels an org-tree field may ask for, top down.
var OrgLevels = []string{engine.LevelCity, engine.LevelDistrict, engine.LevelTownship, engine.LevelVillage, engine.LevelGroup}

// orgLevelNames are the levels as people name them.
var orgLevelNames = map[string][2]string{
	engine.LevelProvince: {"省（区、市）", "Province"},
	engine.LevelCity:     {"市（州）", "City"},
	engine.LevelDistrict: {"县（市、区）", "County"},
	engine.LevelTownship: {"乡镇（街道）", "Township"},
	engine.LevelVillage:  {"村（社区）", "Village"},
	engine.LevelGroup:    {"村民小组", "Village group"},
}

// OrgLevelName returns a level's name in lang (zh-CN unless "en…").
func OrgLevelName(lang, level string) string {
	n, ok := orgLevelNames[level]
	if !ok {
		return level
	}
	if strings.HasPrefix(lang, "en") {
		return n[1]
	}
	return n[0]
}

// MaxOrgChoices bounds the units of one org-tree field: every village of
// a large city. The lists are written by the designer, not pasted.
const MaxOrgChoices = 5000

// orgLevelOfCode returns the level an org-unit code has by its shape, or "".
func orgLevelOfCode(code string) string {
	if !rules.ValidOrgCode(code) {
		return ""
	}
	switch len(code) {
	case 9:
		return engine.LevelTownship
	case 12:
		return engine.LevelVillage
	case 15:
		return engine.LevelGroup
	}
	switch {
	case code[4:] != "00":
		return engine.LevelDistrict
	case code[2:4] != "00":
		return engine.LevelCity
	}
	return engine.LevelProvince
}

// orgLevelOfValues returns the level shared by every value, or "" when
// there are none or they are not all org-unit codes of one level.
func orgLevelOfValues(values []any) string {
	level := ""
	for _, v := range values {
		s, ok := v.(string)
		if !ok {
			return ""
		}
		l := orgLevelOfCode(s)
		if l == "" || level != "" && l != level {
			return ""
		}
		level = l
	}
	return level
}

// orgLevelOfNode is orgLevelOfValues for the x-choices of a field's schema.
func orgLevelOfNode(n *node) string {
	xc := n.get("x-choices")
	if xc == nil || xc.kind != kindArray || n.getString("type") != "string" || n.getString("x-widget") == forms.WidgetRadio {
		return ""
	}
	values := make([]any, 0, len(xc.items))
	for _, c := range xc.items {
		v := c.get("value")
		if v == nil || v.kind != kindString {
			return ""
		}
		values = append(values, v.str)
	}
	return orgLevelOfValues(values)
}

// cascadeFilter is the choice filter of a level that cascades from the
// field above it: choiceData.township == township.
var cascadeFilter = regexp.MustCompile(`^\s*choiceData\.([A-Za-z_][A-Za-z0-9_]*)\s*==\s*([A-Za-z_][A-Za-z0-9_]*)\s*$`)

// orgParentOf reads a cascading filter: the level whose code the choices
// carry and the key of the field whose answer they must match.
func orgParentOf(filter string) (level, key string, ok bool) {
	m := cascadeFilter.FindStringSubmatch(filter)
	if m == nil || !slices.Contains(OrgLevels, m[1]) && m[1] != engine.LevelProvince {
		return "", "", false
	}
	return m[1], m[2], true
}

// OrgChoices returns the choices of an org-tree field of level: the units
// of that level among units, by code, each carrying the code of its
// ancestor at parentLevel ("" for none) under the level's name.
func OrgChoices(units []engine.OrgUnit, level, parentLevel string) []ChoiceSpec {
	parents := map[string]bool{}
	if parentLevel != "" {
		for _, u := range units {
			if u.Level == parentLevel {
				parents[u.Code] = true
			}
		}
	}
	var out []ChoiceSpec
	for _, u := range units {
		if u.Level != level {
			continue
		}
		c := ChoiceSpec{Value: u.Code, Label: forms.Text{ZH: u.Name}}
		if parentLevel != "" {
			for _, code := range strings.Split(strings.Trim(u.Path, "/"), "/") {
				if parents[code] {
					c.Data = map[string]string{parentLevel: code}
				}
			}
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b ChoiceSpec) int { return cmp.Compare(a.Value, b.Value) })
	return out
}

// AddOrgFields adds an org-tree field for each of levels (top down, each
// in OrgLevels), one after the other from display position index of
// parent: the last is labelled label, the ones above it by their level's
// name; each lower one cascades from the one above it. units are the org
// units the lists may hold (the campaign's scope). It returns the new
// fields' pointers, top first. Errors: EINVALID with label_required,
// bad_org_level (an unknown level, a level twice or out of order, none),
// no_org_units (no unit of a level in the scope), and AddField's.
func (d *FormDoc) AddOrgFields(parent string, index int, label forms.Text, required bool, levels []string, units []engine.OrgUnit) ([]string, error) {
	var ptrs []string
	err := d.apply(func(c *FormDoc) problems {
		if strings.TrimSpace(label.ZH) == "" {
			return problemAt("/spec/label/zh", CodeLabelRequired)
		}
		if len(levels) == 0 {
			return problemAt("/levels", CodeBadOrgLevel, "")
		}
		last := -1
		for i, l := range levels {
			at := slices.Index(OrgLevels, l)
			if at <= last {
				return problemAt("/levels/"+strconv.Itoa(i), CodeBadOrgLevel, l)
			}
			last = at
			if !slices.ContainsFunc(units, func(u engine.OrgUnit) bool { return u.Level == l }) {
				return problemAt("/levels/"+strconv.Itoa(i), CodeNoOrgUnits, OrgLevelName(c.lang(), l))
			}
		}
		if index < 0 {
			container, ps := c.containerAt(parent)
			if ps != nil {
				return ps
			}
			index = len(displayOrder(container))
		}
		parentKey, parentLevel := "", ""
		for i, l := range levels {
			spec := FieldSpec{Type: TypeAdminCode, Label: forms.Text{ZH: orgLevelNames[l][0], EN: orgLevelNames[l][1]}, Required: required, OrgLevel: l}
			if i == len(levels)-1 {
				spec.Label = label
			}
			if spec.Key = l; !usableKey(l, c.keys()) {
				spec.Key = numbered(l, 2, c.keys())
			}
			spec.Choices = OrgChoices(units, l, parentLevel)
			if parentKey != "" {
				spec.ChoiceFilter = "choiceData." + parentLevel + " == " + parentKey
			}
			ptr, ps := c.addField(parent, index+i, spec)
			if ps != nil {
				return ps
			}
			ptrs = append(ptrs, ptr)
			parentKey, parentLevel = spec.Key, l
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ptrs, nil
}

// RefreshOrgChoices rewrites spec's choices from units when spec is an
// org-tree field (OrgLevel set), keeping the level it cascades from, so
// that units added to the tree since appear. Other specs are unchanged.
func RefreshOrgChoices(spec *FieldSpec, units []engine.OrgUnit) {
	if spec.Type != TypeAdminCode || spec.OrgLevel == "" {
		return
	}
	parentLevel, _, _ := orgParentOf(spec.ChoiceFilter)
	spec.Choices, spec.ChoicesText = OrgChoices(units, spec.OrgLevel, parentLevel), ""
}
