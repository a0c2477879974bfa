package demo

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"canvass/app"
	"canvass/campaigns"
	"canvass/engine"
	"canvass/forms"
	"canvass/paytables"
	"canvass/rules"
	"canvass/workflows"
)

// Options configures Seed.
type Options struct {
	// Examples holds the campaign definition files, one folder per
	// campaign (*.form.json, *.workflow.yaml, *.paytable.yaml,
	// *.campaign.yaml). Nil: the examples package's embedded files.
	Examples fs.FS
	// Logger gets one line per seeded campaign. Nil: slog.Default.
	Logger *slog.Logger
}

// Result says what Seed did.
type Result struct {
	// Seeded is false when the store already had data and Seed wrote
	// nothing.
	Seeded bool
	// Campaigns are the seeded campaigns in load order.
	Campaigns []CampaignResult
	// OfficialFigures counts the official figures imported (the
	// statistics bureau's births and deaths per village).
	OfficialFigures int
}

// CampaignResult is what one campaign was seeded with.
type CampaignResult struct {
	ID string
	// Records counts the seeded records by state (StateDraft included),
	// as they stand when seeding ends.
	Records map[string]int
	// SpotChecks counts the records sampled for a spot check; Passed and
	// Problems those whose check was decided (the rest stay open for the
	// supervisor to try).
	SpotChecks, Passed, Problems int
	// Entered counts records marked typed into the official system;
	// AttendanceDays the supervisor's days on site.
	Entered, AttendanceDays int
	// SeededAt is the engine time the records were made at: now, or a
	// day inside the campaign's dates when it is not open now.
	SeededAt time.Time
}

// Seed fills an empty store with the demo: org tree, users, published
// example campaigns and sample records (see the package comment). On a
// store that has any user, org unit or definition it writes nothing and
// returns a Result with Seeded false.
func Seed(ctx context.Context, eng *app.App, opts Options) (*Result, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Examples == nil {
		opts.Examples = defaultExamples()
	}
	empty, err := storeIsEmpty(ctx, eng.Store())
	if err != nil {
		return nil, err
	}
	if !empty {
		opts.Logger.Info("demo: the store already has data; not seeding it again")
		return &Result{Seeded: false}, nil
	}
	// Everything that can be checked before writing is: a bad example
	// fails the seeding with the store still empty.
	sets, err := loadExamples(opts.Examples)
	if err != nil {
		return nil, err
	}
	s := &seeder{root: eng, eng: eng, log: opts.Logger, users: map[string]*engine.User{}}
	if rows, err := eng.ImportOrgUnits(ctx, nil, OrgTree()); err != nil {
		return nil, fmt.Errorf("demo: org units: %w %v", err, rows)
	}
	for _, u := range Users() {
		nu := engine.NewUser{Username: u.Username, DisplayName: u.DisplayName, Password: u.Password, Roles: u.Roles, OrgUnit: u.OrgUnit}
		if eng.Vault() != nil { // personal data is only ever stored encrypted
			nu.Personal = UserPersonal(u.Username)
		}
		created, err := eng.CreateUser(ctx, nil, nu)
		if err != nil {
			return nil, fmt.Errorf("demo: user %s: %w", u.Username, err)
		}
		s.users[u.Username] = created
		s.order = append(s.order, created)
	}
	for _, set := range sets {
		if err := s.publish(ctx, set); err != nil {
			return nil, err
		}
	}
	res := &Result{Seeded: true}
	for _, set := range sets {
		cr, err := s.seedCampaign(ctx, set.campaignID)
		if err != nil {
			return nil, fmt.Errorf("demo: campaign %s: %w", set.campaignID, err)
		}
		res.Campaigns = append(res.Campaigns, *cr)
		s.log.Info("demo campaign seeded", "campaign", cr.ID, "records", cr.Records, "spot_checks", cr.SpotChecks, "entered", cr.Entered, "attendance_days", cr.AttendanceDays)
	}
	if res.OfficialFigures, err = s.seedOfficialFigures(ctx); err != nil {
		return nil, err
	}
	opts.Logger.Info("demo: seeded the example campaigns, the Qinghe District org tree, the demo users and sample records", "campaigns", len(res.Campaigns))
	return res, nil
}

// WriteUsers prints the demo users with their passwords, roles and org
// units, for the start-up message of "canvass serve --demo".
func WriteUsers(w io.Writer) error {
	fmt.Fprintln(w, "Demo users (fixed passwords: for trying Canvass out, never for real data):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, u := range Users() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", u.Username, u.Password, strings.Join(u.Roles, ","), u.OrgUnit, u.What)
	}
	return tw.Flush()
}

// storeIsEmpty reports whether the store has no org unit, user or
// definition: the only kind of store the demo seeds.
func storeIsEmpty(ctx context.Context, st engine.Store) (bool, error) {
	units, err := st.ListOrgUnits(ctx, "")
	if err != nil || len(units) > 0 {
		return false, err
	}
	users, err := st.ListUsers(ctx, engine.UserFilter{})
	if err != nil || len(users) > 0 {
		return false, err
	}
	defs, err := st.ListDefinitions(ctx, engine.DefinitionFilter{})
	if err != nil || len(defs) > 0 {
		return false, err
	}
	return true, nil
}

// definitionFile is one example file with its kind and declared ID.
type definitionFile struct {
	kind, id, name string
	src            []byte
}

// exampleSet is one example folder.
type exampleSet struct {
	dir        string
	files      []definitionFile
	campaignID string
}

// kindOrder is the order definitions are published in: a campaign last,
// after everything it refers to.
var kindOrder = []string{engine.KindForm, engine.KindWorkflow, engine.KindPayTable, engine.KindCampaign}

var suffixKinds = map[string]string{
	".form.json":     engine.KindForm,
	".workflow.yaml": engine.KindWorkflow,
	".paytable.yaml": engine.KindPayTable,
	".campaign.yaml": engine.KindCampaign,
}

// loadExamples reads every folder of fsys that has a campaign file, its
// definition files sorted by kind then name. Other files (READMEs) are
// skipped. A folder with two campaigns, or a file that does not load,
// is an error: the examples are tested to load cleanly.
func loadExamples(fsys fs.FS) ([]exampleSet, error) {
	byDir := map[string]*exampleSet{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		kind := ""
		for suffix, k := range suffixKinds {
			if strings.HasSuffix(p, suffix) {
				kind = k
			}
		}
		if kind == "" || strings.Contains(p, "testdata/") {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		id, err := declaredID(kind, p, src)
		if err != nil {
			return err
		}
		dir := path.Dir(p)
		set := byDir[dir]
		if set == nil {
			set = &exampleSet{dir: dir}
			byDir[dir] = set
		}
		set.files = append(set.files, definitionFile{kind: kind, id: id, name: path.Base(p), src: src})
		if kind == engine.KindCampaign {
			if set.campaignID != "" {
				return fmt.Errorf("demo: %s has two campaigns, %s and %s", dir, set.campaignID, id)
			}
			set.campaignID = id
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var sets []exampleSet
	for _, set := range byDir {
		if set.campaignID == "" {
			continue
		}
		slices.SortFunc(set.files, func(a, b definitionFile) int {
			if d := slices.Index(kindOrder, a.kind) - slices.Index(kindOrder, b.kind); d != 0 {
				return d
			}
			return strings.Compare(a.name, b.name)
		})
		for _, f := range set.files {
			if _, ok := samples[f.id]; f.kind == engine.KindForm && !ok {
				return nil, fmt.Errorf("demo: %s: the demo has no sample answers for form %s", set.dir, f.id)
			}
		}
		sets = append(sets, *set)
	}
	sort.Slice(sets, func(i, j int) bool { return sets[i].dir < sets[j].dir })
	if len(sets) == 0 {
		return nil, fmt.Errorf("demo: no example campaigns found")
	}
	return sets, nil
}

// declaredID loads a definition file to learn the ID it declares.
func declaredID(kind, name string, src []byte) (string, error) {
	var id string
	var ds []rules.Diagnostic
	switch kind {
	case engine.KindForm:
		var f *forms.Form
		if f, ds = forms.Load(name, src); f != nil {
			id = f.ID()
		}
	case engine.KindWorkflow:
		var w *workflows.Workflow
		if w, ds = workflows.Load(name, src); w != nil {
			id = w.ID()
		}
	case engine.KindPayTable:
		var p *paytables.PayTable
		if p, ds = paytables.Load(name, src); p != nil {
			id = p.ID()
		}
	case engine.KindCampaign:
		var c *campaigns.Campaign
		if c, ds = campaigns.Load(name, src); c != nil {
			id = c.ID()
		}
	}
	if id == "" || rules.HasErrors(ds) {
		msgs := make([]string, 0, len(ds))
		for _, d := range ds {
			msgs = append(msgs, d.String())
		}
		return "", fmt.Errorf("demo: example %s does not load: %s", name, strings.Join(msgs, "; "))
	}
	return id, nil
}
