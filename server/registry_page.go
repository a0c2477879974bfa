package server

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/registry"
	"canvass/ui"
)

// registryData is the registry page's own data: the campaign and form
// chosen, the saved mapping with what columns can map to, the recent
// jobs, and what the user may do.
type registryData struct {
	Campaigns []option
	Campaign  string
	Forms     []string
	Form      string
	Mapping   []registryMappingRow
	Targets   []registry.ImportTarget
	Jobs      []*registry.ImportJob
	CanMap    bool
	CanImport bool
	CanReveal bool
	ChunkSize int
	OrgUnit   string
	// States are the export's state filter (registry_export_states.go).
	States []exportStateOption
}

// registryMappingRow is one line of the mapping editor.
type registryMappingRow struct {
	Header, Target string
}

// registryPage shows GET /registry: upload a list, edit the column
// mapping, export the records, and the recent jobs.
func (s *Server) registryPage(c fiber.Ctx) error {
	p := s.newPage(c, "registry.title", "registry", "")
	if c.Query("saved") == "1" {
		p.Flash = p.T("registry.mapping.saved")
	}
	d, err := s.registryData(c, c.Query("campaign"), c.Query("form"))
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	p.Data = d
	return s.render(c, fiber.StatusOK, "registry", p)
}

func (s *Server) registryData(c fiber.Ctx, campaign, form string) (*registryData, error) {
	a := actorOf(c)
	d := &registryData{Campaign: campaign, Form: form, ChunkSize: registry.ImportChunkSize, OrgUnit: a.User.OrgUnit,
		CanMap: a.Has(engine.RoleSupervisor, engine.RoleAdmin), CanImport: a.Has(engine.RoleFieldWorker, engine.RoleSupervisor, engine.RoleAdmin),
		CanReveal: engine.MayReveal(a)}
	var err error
	if d.Campaigns, err = s.campaignOptions(c.Context(), a, s.pageLang(c, a.User)); err != nil {
		return nil, err
	}
	if campaign == "" {
		return d, nil
	}
	camp, err := s.engine.Campaign(c.Context(), campaign)
	if err != nil {
		return nil, err
	}
	d.Forms = camp.Forms()
	if d.Form == "" && len(d.Forms) > 0 {
		d.Form = d.Forms[0]
	}
	d.States = s.exportStateOptions(c.Context(), camp.Workflow(), s.pageLang(c, a.User), exportStatesOf(c))
	if d.CanImport {
		m, f, err := s.registry.ImportMapping(c.Context(), a, campaign, d.Form)
		if err != nil {
			return nil, err
		}
		d.Targets = registry.ImportTargets(f, s.pageLang(c, a.User))
		for h, t := range m.Columns {
			d.Mapping = append(d.Mapping, registryMappingRow{h, t})
		}
		sort.Slice(d.Mapping, func(i, j int) bool { return d.Mapping[i].Header < d.Mapping[j].Header })
	}
	// Three empty lines to add headers with.
	for i := 0; i < 3 && d.CanMap; i++ {
		d.Mapping = append(d.Mapping, registryMappingRow{})
	}
	if d.Jobs, err = s.registry.ImportJobs(c.Context(), a, campaign); err != nil {
		return nil, err
	}
	return d, nil
}

// registryUploadSubmit takes POST /registry/upload, the page's form when
// its script does not run (the whole file in one request, under the body
// limit), and goes to the job's page.
func (s *Server) registryUploadSubmit(c fiber.Ctx) error {
	a := actorOf(c)
	campaign := bodyField(c, "campaign")
	if !campaignIDPattern.MatchString(campaign) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "campaign not found"))
	}
	j, err := s.uploadWhole(c, a, campaign, s.pageLang(c, a.User))
	if err != nil {
		code := engine.ErrorCode(err)
		noKey := code == engine.EUNAVAILABLE && slices.ContainsFunc(engine.ErrorFields(err), func(f engine.FieldError) bool { return f.Code == "no_key" })
		switch {
		case code == engine.EINVALID, code == engine.ETOOLARGE, code == engine.ECLOSED, code == engine.ENOTFOUND, noKey:
			p := s.newPage(c, "registry.title", "registry", "/registry")
			d, derr := s.registryData(c, campaign, bodyField(c, "form"))
			if derr != nil {
				return s.renderErrorPage(c, derr)
			}
			p.Data = d
			p.Error = p.T("error."+code) + " " + registryFieldText(p, err)
			if noKey { // not "try again later": nothing changes until a key is configured
				p.Error = registryFieldText(p, err)
			}
			return s.render(c, statusByCode[code], "registry", p)
		}
		return s.renderErrorPage(c, err)
	}
	return redirect(c, "/registry/jobs/"+j.ID)
}

// registryFieldText explains an upload refusal by its first field code.
func registryFieldText(p *pageData, err error) string {
	for _, fe := range engine.ErrorFields(err) {
		if key := "registry.err." + fe.Code; ui.HasMessage(key) {
			return p.T(key)
		}
	}
	return engine.ErrorMessage(err)
}

// registryMappingSubmit takes POST /registry/mapping: header[i] maps to
// target[i]; lines with an empty header or target are dropped.
func (s *Server) registryMappingSubmit(c fiber.Ctx) error {
	a := actorOf(c)
	campaign, form := bodyField(c, "campaign"), bodyField(c, "form")
	if !campaignIDPattern.MatchString(campaign) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "campaign not found"))
	}
	headers, targets := formValues(c, "header"), formValues(c, "target")
	cols := map[string]string{}
	for i := range headers {
		h := strings.TrimSpace(headers[i])
		if h != "" && i < len(targets) && targets[i] != "" {
			cols[h] = targets[i]
		}
	}
	err := s.registry.SaveImportMapping(c.Context(), a, &registry.ImportMapping{CampaignID: campaign, FormID: form, Columns: cols})
	if engine.ErrorCode(err) == engine.EINVALID {
		p := s.newPage(c, "registry.title", "registry", "/registry")
		d, derr := s.registryData(c, campaign, form)
		if derr != nil {
			return s.renderErrorPage(c, derr)
		}
		p.Data, p.Error = d, p.T("registry.mapping.bad")
		return s.render(c, fiber.StatusUnprocessableEntity, "registry", p)
	}
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	q := url.Values{"campaign": {campaign}, "form": {form}, "saved": {"1"}}
	return redirect(c, "/registry?"+q.Encode())
}

// registryJobData is the job page's own data.
type registryJobData struct {
	Job     *registry.ImportJob
	Rows    []registry.ImportRow
	More    bool
	Polling bool
	// Failure says why a failed job failed, in the page's language where
	// the catalog knows the code, else the engine's own words.
	Failure string
}

// jobFailure is why j failed, for people: registry.job.error.<code> when
// the catalog has it (invalid_rows with the count of bad rows), else the
// job's stored message.
func jobFailure(p *pageData, j *registry.ImportJob) string {
	key := "registry.job.error." + j.ErrorCode
	switch {
	case !ui.HasMessage(key):
		return j.ErrorMessage
	case j.ErrorCode == "invalid_rows":
		return p.T(key, j.Invalid)
	default:
		return p.T(key)
	}
}

// registryJobPage shows GET /registry/jobs/:job: progress (the script
// polls the API while the job runs), the report's first rows, the
// download of the whole report, and for a previewed update the changes
// with the button that applies them.
func (s *Server) registryJobPage(c fiber.Ctx) error {
	id, err := jobParam(c)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	a := actorOf(c)
	j, err := s.registry.ImportJob(c.Context(), a, id)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	page, err := s.registry.ImportReport(c.Context(), a, id, engine.Page{Limit: 200})
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	p := s.newPage(c, "registry.job.title", "registry", "")
	p.Data = &registryJobData{Job: j, Rows: page.Rows, More: page.Next != "",
		Polling: !j.Finished() && j.State != registry.ImportPreview, Failure: jobFailure(p, j)}
	return s.render(c, fiber.StatusOK, "registry_job", p)
}

// registryConfirmSubmit takes POST /registry/jobs/:job/confirm.
func (s *Server) registryConfirmSubmit(c fiber.Ctx) error {
	id, err := jobParam(c)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	if _, err := s.registry.ConfirmImportUpdate(c.Context(), actorOf(c), id); err != nil {
		return s.renderErrorPage(c, err)
	}
	return redirect(c, "/registry/jobs/"+id)
}
