package worklist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"canvass/engine"
	"canvass/forms"
)

// ActionMerge is the history action of a record merged into a survivor.
const ActionMerge = "merge"

// RecordWritten makes s an engine.RecordFollower: it puts a written record
// on the campaign's duplicate worklist when another record shares its
// DedupKey. A failure is logged by the engine: the record is already
// stored, and ScanDuplicates finds the group on the next scan.
func (s *Service) RecordWritten(ctx context.Context, r *engine.Record) error {
	if r.DedupKey == "" || r.State == engine.StateMerged {
		return nil
	}
	_, err := s.duplicateGroup(ctx, r.CampaignID, r.DedupKey)
	return err
}

// ScanDuplicates walks every dedup key that several records of the
// campaign share (after a bulk import, or to catch up) and puts each group
// on the worklist. It is idempotent: a group already listed gets no second
// item. It returns how many groups it found. It reads groups a page at a
// time, so a campaign of a million records goes through in bounded memory.
func (s *Service) ScanDuplicates(ctx context.Context, campaignID string) (int, error) {
	after, found := "", 0
	for {
		groups, err := s.store.DuplicateGroups(ctx, campaignID, after, engine.MaxPageLimit)
		if err != nil {
			return found, err
		}
		for _, g := range groups {
			listed, err := s.duplicateGroup(ctx, campaignID, g.DedupKey)
			if err != nil {
				return found, err
			}
			if listed {
				found++
			}
		}
		if len(groups) < engine.MaxPageLimit {
			return found, nil
		}
		after = groups[len(groups)-1].DedupKey
	}
}

// RescanDuplicates is ScanDuplicates asked for by a person (after a bulk
// import, say): supervisors and admins. Returns ENOTFOUND for an unknown
// campaign.
func (s *Service) RescanDuplicates(ctx context.Context, a *engine.Actor, campaignID string) (int, error) {
	if err := a.Require(engine.RoleSupervisor, engine.RoleAdmin); err != nil {
		return 0, err
	}
	if _, err := s.e.Campaign(ctx, campaignID); err != nil {
		return 0, err
	}
	n, err := s.ScanDuplicates(ctx, campaignID)
	if err != nil {
		return n, err
	}
	return n, s.e.Audit(ctx, a, "worklist.scan", "campaign", campaignID, a.User.OrgPath, map[string]any{"groups": n})
}

// duplicateKey is the worklist key of a campaign's duplicate group.
func duplicateKey(campaignID, dedupKey string) string {
	sum := sha256.Sum256([]byte(campaignID + "\x00" + dedupKey))
	return WorkDuplicate + ":" + hex.EncodeToString(sum[:16])
}

// duplicateGroup lists the unmerged records of the campaign that share
// dedupKey and, when there are two or more, upserts their worklist item. A
// record that joins a group already decided reopens it: nothing new is
// ever silently taken as decided. It reports whether the group is listed.
func (s *Service) duplicateGroup(ctx context.Context, campaignID, dedupKey string) (bool, error) {
	// Most keys have one record: a count from the (campaign, dedup key)
	// index settles that without reading any record.
	if n, err := s.store.CountRecords(ctx, engine.RecordFilter{CampaignID: campaignID, DedupKey: dedupKey}); err != nil {
		return false, err
	} else if n < 2 {
		return false, nil
	}
	var members []*engine.Record
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.store.ListRecords(ctx, engine.RecordFilter{CampaignID: campaignID, DedupKey: dedupKey}, p)
		if err != nil {
			return false, err
		}
		for _, r := range page.Records {
			if r.State != engine.StateMerged {
				members = append(members, r)
			}
		}
		if page.Next == "" {
			break
		}
		p.After = page.Next
	}
	if len(members) < 2 {
		return false, nil
	}
	ids := make([]string, len(members))
	paths := make([]string, len(members))
	for i, r := range members {
		ids[i], paths[i] = r.ID, r.OrgPath
	}
	values, err := s.duplicateValues(ctx, members)
	if err != nil {
		return false, err
	}
	now := s.e.Now()
	path := commonOrgPath(paths)
	it := &WorklistItem{
		ID: engine.NewID(now), Key: duplicateKey(campaignID, dedupKey), Kind: WorkDuplicate, CampaignID: campaignID,
		OrgUnit: engine.LastCode(path), OrgPath: path, Status: WorkOpen, RecordIDs: ids, Values: values,
		CreatedAt: now, UpdatedAt: now,
	}
	stored, created, err := s.store.UpsertWorklistItem(ctx, it)
	if err != nil {
		return false, err
	}
	if created {
		return true, s.e.Audit(ctx, nil, "worklist.duplicate", "worklist", stored.ID, stored.OrgPath,
			map[string]any{"campaign": campaignID, "records": ids})
	}
	newcomers := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(stored.RecordIDs, id) })
	if len(newcomers) == 0 {
		return true, nil
	}
	reopened := stored.Status != WorkOpen
	stored.RecordIDs = append(stored.RecordIDs, newcomers...)
	stored.Values, stored.OrgPath, stored.OrgUnit = values, path, engine.LastCode(path)
	stored.Status, stored.Resolution, stored.UpdatedAt = WorkOpen, nil, now
	if _, err := s.store.UpdateWorklistItem(ctx, stored); err != nil {
		return false, err
	}
	return true, s.e.Audit(ctx, nil, "worklist.duplicate_grew", "worklist", stored.ID, stored.OrgPath,
		map[string]any{"campaign": campaignID, "added": newcomers, "reopened": reopened})
}

// duplicateValues lays the records' answers (top level and sections) side by side,
// personal values masked, in the order of the records.
func (s *Service) duplicateValues(ctx context.Context, rs []*engine.Record) ([]WorkValue, error) {
	form, _, err := s.e.Form(ctx, rs[0].FormID, rs[0].FormVersion)
	if err != nil {
		return nil, err
	}
	opened := make([]map[string]any, len(rs))
	for i, r := range rs {
		f := form
		if r.FormID != rs[0].FormID || r.FormVersion != rs[0].FormVersion {
			if f, _, err = s.e.Form(ctx, r.FormID, r.FormVersion); err != nil {
				return nil, err
			}
		}
		opened[i] = s.e.OpenAnswers(f, r.Answers, false)
	}
	var out []WorkValue
	for _, fd := range recordFields(form) {
		v := WorkValue{Field: fd.Path(), Label: fd.Label(forms.LangZH), Values: make([]string, len(rs))}
		for i := range rs {
			if got, ok := fd.Value(opened[i]); ok {
				v.Values[i] = cellText(got)
			}
			v.Differs = v.Differs || v.Values[i] != v.Values[0]
		}
		out = append(out, v)
	}
	return out, nil
}

// recordFields are the fields with one value per record, in display
// order: the top level's and every section's, not repeat groups' or
// multi-choice lists.
func recordFields(form *forms.Form) []*forms.Field {
	var out []*forms.Field
	var walk func(fields []*forms.Field)
	walk = func(fields []*forms.Field) {
		for _, fd := range fields {
			switch fd.Type() {
			case "object":
				walk(fd.Children())
			case "array":
			default:
				out = append(out, fd)
			}
		}
	}
	walk(form.Fields())
	return out
}

// commonOrgPath is the deepest org path that contains every one of paths
// ("/a/b/c/" and "/a/b/d/" give "/a/b/").
func commonOrgPath(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	common := strings.Split(strings.Trim(paths[0], "/"), "/")
	for _, p := range paths[1:] {
		segs := strings.Split(strings.Trim(p, "/"), "/")
		n := 0
		for n < len(common) && n < len(segs) && common[n] == segs[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) == 0 || common[0] == "" {
		return "/"
	}
	return "/" + strings.Join(common, "/") + "/"
}

// cellText is an answer as one line of text for side-by-side views.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.6f", x), "0"), ".")
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return fmt.Sprint(v)
}
