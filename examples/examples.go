// Package examples holds Canvass's example campaigns as definition files
// and embeds them in the binary, so that "canvass serve --demo" and the tests
// load the very files an author would read.
//
// Each campaign is one folder of this package:
//
//	fertility-survey/  baseline fertility survey: a household questionnaire with skip
//	                   logic, township review, city spot checks, 50 + 50 yuan a household
//	migrant-cleanup/   migrant-population cleanup: door-to-door verification that
//	                   classifies each person as outflow, inflow or excluded
//	trainer-signup/    census-trainer sign-up: about 190 people, a budget from the sign-ups
//	subsidy-review/    reward and special-assistance subsidy: village, township and
//	                   district review with return for correction and deadlines
//	vital-events/      vital-events labour table: marriages, births, deaths and
//	                   eligibility checks paid per item and quarter; coverage
//	                   and ID-number accuracy indicators
//	birth-sex-ratio/   births by sex, month by month: the sex ratio at birth
//	                   flagged outside 103–107, a monthly report by the 5th
//	migrant-grid/      migrant service grid: each newcomer registered within
//	                   24 hours, 0.5 / 1 / 1.5 yuan collected, entered, approved
//	immunization-check/ migrant children's immunization: each child registered
//	                   once, a check task per child every three months from the
//	                   campaign's schedule, overdue checks on the dashboard
//
// A folder holds its form(s) (*.form.json), one workflow (*.workflow.yaml),
// one pay table (*.paytable.yaml) unless the work pays nothing per record,
// one campaign (*.campaign.yaml) and a README.md in Chinese and English;
// a campaign that compares with another department's file ships one as
// *.csv (migrant-cleanup). All of them cover the fictional district
// 清河区 (Qinghe District, code 341299; District lists its units):
// townships 341299001–341299003, each with villages …001–…004. All of them
// take submissions from 25 November to 17 December 2026. The tests in this
// package lint every file and run each campaign's whole life through the
// HTTP API.
package examples

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// FS holds every example folder with its files, as they are in the source
// tree (paths like "fertility-survey/fertility-household.form.json").
//
//go:embed */*.json */*.yaml */README.md */*.csv
var FS embed.FS

// Kinds of definition, by file-name suffix, in the order they must be
// published: a campaign names its forms, workflow and pay table, which must
// be published first.
var kindSuffixes = []struct{ kind, suffix string }{
	{"form", ".form.json"},
	{"workflow", ".workflow.yaml"},
	{"paytable", ".paytable.yaml"},
	{"campaign", ".campaign.yaml"},
}

// File is one definition file of an example campaign.
type File struct {
	Kind string // form, workflow, paytable or campaign (the engine's kind names)
	ID   string // the definition's id: the file name without its suffix
	Path string // the path in FS, e.g. "vital-events/vital-event.form.json"
	Name string // the base name, e.g. "vital-event.form.json"
}

// Campaign is one example folder.
type Campaign struct {
	Dir string // the folder, e.g. "fertility-survey"
	// ID is the id of the campaign definition in the folder.
	ID string
	// Files are the folder's definitions in publishing order: forms, the
	// workflow, the pay table, then the campaign.
	Files []File
}

// Campaigns returns the example folders in a fixed order (the order of the
// package comment), each with its definition files.
func Campaigns() []Campaign {
	var out []Campaign
	for _, dir := range Dirs {
		c := Campaign{Dir: dir}
		entries, err := fs.ReadDir(FS, dir)
		if err != nil {
			panic("examples: " + err.Error()) // the folders are embedded: this cannot fail at run time
		}
		for _, ks := range kindSuffixes {
			for _, e := range entries {
				name := e.Name()
				if id, ok := strings.CutSuffix(name, ks.suffix); ok {
					c.Files = append(c.Files, File{Kind: ks.kind, ID: id, Path: path.Join(dir, name), Name: name})
					if ks.kind == "campaign" {
						c.ID = id
					}
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// Dirs are the example folders, in the order Campaigns returns them.
var Dirs = []string{"fertility-survey", "migrant-cleanup", "trainer-signup", "subsidy-review", "vital-events", "birth-sex-ratio", "migrant-grid", "immunization-check"}

// Lookup returns the example whose folder is dir.
func Lookup(dir string) (Campaign, bool) {
	cs := Campaigns()
	i := slices.IndexFunc(cs, func(c Campaign) bool { return c.Dir == dir })
	if i < 0 {
		return Campaign{}, false
	}
	return cs[i], true
}

// ReadFile returns the contents of the file at path in FS.
func ReadFile(path string) ([]byte, error) { return FS.ReadFile(path) }

// OrgUnit is one unit of the fictional district the examples cover.
type OrgUnit struct {
	Code   string
	Name   string // Chinese
	NameEN string
	Parent string // "" for the district
	Level  string // district, township or village (the engine's level names)
}

// District is the org-unit tree every example campaign covers: the
// fictional 清河区 (Qinghe District, 341299), three townships, four villages
// (or communities) in each. Parents come before their children, as an
// org-unit import wants them.
var District = []OrgUnit{
	{"341299", "清河区", "Qinghe District", "", "district"},
	{"341299001", "柳溪镇", "Liuxi Town", "341299", "township"},
	{"341299002", "石桥镇", "Shiqiao Town", "341299", "township"},
	{"341299003", "东湖街道", "Donghu Subdistrict", "341299", "township"},
	{"341299001001", "杨庄村", "Yangzhuang Village", "341299001", "village"},
	{"341299001002", "河湾村", "Hewan Village", "341299001", "village"},
	{"341299001003", "北店村", "Beidian Village", "341299001", "village"},
	{"341299001004", "桃园村", "Taoyuan Village", "341299001", "village"},
	{"341299002001", "石桥村", "Shiqiao Village", "341299002", "village"},
	{"341299002002", "前营村", "Qianying Village", "341299002", "village"},
	{"341299002003", "后营村", "Houying Village", "341299002", "village"},
	{"341299002004", "东岗村", "Donggang Village", "341299002", "village"},
	{"341299003001", "湖滨社区", "Hubin Community", "341299003", "village"},
	{"341299003002", "新华社区", "Xinhua Community", "341299003", "village"},
	{"341299003003", "春晖社区", "Chunhui Community", "341299003", "village"},
	{"341299003004", "文苑社区", "Wenyuan Community", "341299003", "village"},
}
