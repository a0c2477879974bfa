package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/registry"
)

func newImportJob(id, campaign, orgPath, state string) *registry.ImportJob {
	return &registry.ImportJob{
		ID: id, Kind: registry.ImportKindInsert, CampaignID: campaign, FormID: "form-1", FormVersion: 1,
		Mode: registry.ImportGoodRows, FileName: "名单.csv", FileSize: 1234, ChunkSize: 512,
		Mapping: map[string]string{"姓名": "name", "村代码": registry.ColumnOrgUnit}, Lang: "zh-CN",
		CreatedBy: "u-importer", OrgPath: orgPath, State: state,
		CreatedAt: oddTime(Epoch), UpdatedAt: oddTime(Epoch),
	}
}

func importRow(job string, row, idx int) registry.ImportRow {
	return registry.ImportRow{ID: fmt.Sprintf("%s-%09d-%03d", job, row, idx), JobID: job, Row: row, Column: "公民身份号码",
		Code: "format_resident_id", Message: "校验码不对", RecordID: "rec-1", Version: 3,
		Changes: []engine.FieldChange{{Pointer: "/householdSize", Before: 2.0, After: 5.0}}}
}

// recordWithID is NewRecord(at) with the given ID: the same content as
// an earlier NewRecord(at) of that ID.
func recordWithID(id string, at time.Time) *engine.Record {
	r := NewRecord(at)
	r.ID = id
	return r
}

func jobIDs(jobs []*registry.ImportJob) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.ID
	}
	return out
}

// Imports: InsertRecords "stores new records as InsertRecord does, each
// one idempotent on its ID and ContentHash … ECONFLICT if an ID exists
// with different content, which that record keeps"; jobs are versioned;
// chunks replace on retry; report rows are idempotent on ID and keyset
// paged; a mapping replaces the one before.
func importScenarios() []scenario {
	return []scenario{
		{"insert_records_batch_then_replay", func(t *testing.T, s app.Store) {
			batch := []*engine.Record{NewRecord(Epoch), NewRecord(Epoch.Add(time.Second)), NewRecord(Epoch.Add(2 * time.Second))}
			got, err := s.InsertRecords(t.Context(), batch)
			must(t, err, "InsertRecords")
			if len(got) != 3 {
				t.Fatalf("InsertRecords returned %d records, want 3", len(got))
			}
			for i, r := range got {
				if r.ID != batch[i].ID || r.Version != 1 || r.ContentHash == "" {
					t.Errorf("record %d: id %s version %d hash %q", i, r.ID, r.Version, r.ContentHash)
				}
				stored, err := s.GetRecord(t.Context(), batch[i].ID)
				must(t, err, "GetRecord")
				if stored.ContentHash != r.ContentHash || !sameJSON(stored.Answers, batch[i].Answers) {
					t.Errorf("record %d reads back differently", i)
				}
			}
			again, err := s.InsertRecords(t.Context(), []*engine.Record{recordWithID(batch[1].ID, Epoch.Add(time.Second)), recordWithID(batch[2].ID, Epoch.Add(2*time.Second))})
			must(t, err, "InsertRecords replay")
			if len(again) != 2 || again[0].ID != batch[1].ID || again[0].Version != 1 {
				t.Fatalf("replay returned %v", again)
			}
			n, err := s.CountRecords(t.Context(), engine.RecordFilter{CampaignID: "camp-1"})
			must(t, err, "CountRecords")
			if n != 3 {
				t.Errorf("CountRecords = %d after a replay, want 3", n)
			}
		}},
		{"insert_records_conflict_keeps_the_stored_record", func(t *testing.T, s app.Store) {
			first := NewRecord(Epoch)
			_, _, err := s.InsertRecord(t.Context(), first)
			must(t, err, "InsertRecord")
			clash := recordWithID(first.ID, Epoch)
			clash.Answers["name"] = "另一个人"
			_, err = s.InsertRecords(t.Context(), []*engine.Record{clash})
			wantCode(t, err, engine.ECONFLICT, "InsertRecords with a clashing ID")
			stored, err := s.GetRecord(t.Context(), first.ID)
			must(t, err, "GetRecord")
			if stored.Answers["name"] != "张三" {
				t.Errorf("the clash overwrote the stored record: %v", stored.Answers["name"])
			}
		}},
		{"insert_records_invalid_stores_none", func(t *testing.T, s app.Store) {
			good, bad := NewRecord(Epoch), NewRecord(Epoch.Add(time.Second))
			bad.OrgPath = ""
			_, err := s.InsertRecords(t.Context(), []*engine.Record{good, bad})
			wantCode(t, err, engine.EINVALID, "InsertRecords without an org path")
			_, err = s.GetRecord(t.Context(), good.ID)
			wantCode(t, err, engine.ENOTFOUND, "GetRecord of the valid record of an invalid batch")
		}},
		{"jobs_versioned", func(t *testing.T, s app.Store) {
			j := newImportJob("J1", "camp-1", "/p/c1/", registry.ImportQueued)
			must(t, s.CreateImportJob(t.Context(), j), "CreateImportJob")
			wantCode(t, s.CreateImportJob(t.Context(), j), engine.ECONFLICT, "CreateImportJob again")
			wantCode(t, s.CreateImportJob(t.Context(), &registry.ImportJob{ID: "J2"}), engine.EINVALID, "CreateImportJob without campaign")
			got, err := s.GetImportJob(t.Context(), "J1")
			must(t, err, "GetImportJob")
			if got.Version != 1 || got.FileName != "名单.csv" || got.Mapping["村代码"] != registry.ColumnOrgUnit || !sameTime(got.CreatedAt, j.CreatedAt) || got.CreatedAt.Location() != time.UTC {
				t.Fatalf("GetImportJob = %+v", got)
			}
			got.State, got.Written, got.Checkpoint, got.LeaseOwner, got.LeaseUntil = registry.ImportImporting, 500, 501, "runner-1", oddTime(Epoch.Add(time.Minute))
			upd, err := s.UpdateImportJob(t.Context(), got)
			must(t, err, "UpdateImportJob")
			if upd.Version != 2 {
				t.Errorf("version after update = %d, want 2", upd.Version)
			}
			stale := *got // still version 1
			stale.State = registry.ImportFailed
			_, err = s.UpdateImportJob(t.Context(), &stale)
			wantCode(t, err, engine.ECONFLICT, "UpdateImportJob at a stale version")
			_, err = s.UpdateImportJob(t.Context(), newImportJob("nope", "camp-1", "/p/", registry.ImportQueued))
			wantCode(t, err, engine.ENOTFOUND, "UpdateImportJob of a missing job")
			_, err = s.GetImportJob(t.Context(), "nope")
			wantCode(t, err, engine.ENOTFOUND, "GetImportJob of a missing job")
			back, err := s.GetImportJob(t.Context(), "J1")
			must(t, err, "GetImportJob")
			if back.State != registry.ImportImporting || back.Written != 500 || back.Checkpoint != 501 || back.Version != 2 || !sameTime(back.LeaseUntil, oddTime(Epoch.Add(time.Minute))) {
				t.Errorf("after update: %+v", back)
			}
		}},
		{"jobs_listed_newest_first_by_filter", func(t *testing.T, s app.Store) {
			for _, j := range []*registry.ImportJob{
				newImportJob("J1", "camp-1", "/p/c1/", registry.ImportQueued),
				newImportJob("J2", "camp-1", "/p/c2/", registry.ImportDone),
				newImportJob("J3", "camp-2", "/p/c1/t1/", registry.ImportImporting),
			} {
				must(t, s.CreateImportJob(t.Context(), j), "CreateImportJob")
			}
			for _, tt := range []struct {
				name string
				f    registry.ImportJobFilter
				want []string
			}{
				{"all", registry.ImportJobFilter{}, []string{"J3", "J2", "J1"}},
				{"unfinished", registry.ImportJobFilter{States: []string{registry.ImportQueued, registry.ImportImporting}}, []string{"J3", "J1"}},
				{"campaign", registry.ImportJobFilter{CampaignID: "camp-1"}, []string{"J2", "J1"}},
				{"subtree", registry.ImportJobFilter{OrgPaths: []string{"/p/c1/"}}, []string{"J3", "J1"}},
				{"limit", registry.ImportJobFilter{Limit: 1}, []string{"J3"}},
			} {
				jobs, err := s.ListImportJobs(t.Context(), tt.f)
				must(t, err, "ListImportJobs "+tt.name)
				if got := jobIDs(jobs); !slices.Equal(got, tt.want) {
					t.Errorf("ListImportJobs %s = %v, want %v", tt.name, got, tt.want)
				}
			}
		}},
		{"chunks_replace_and_delete", func(t *testing.T, s app.Store) {
			must(t, s.PutImportChunk(t.Context(), "J1", 0, []byte("姓名,村代码\n")), "PutImportChunk 0")
			must(t, s.PutImportChunk(t.Context(), "J1", 1, []byte("first try")), "PutImportChunk 1")
			must(t, s.PutImportChunk(t.Context(), "J1", 1, []byte{0, 1, 2, 0xff}), "PutImportChunk 1 again")
			must(t, s.PutImportChunk(t.Context(), "J10", 0, []byte("other job")), "PutImportChunk of J10")
			got, err := s.ImportChunk(t.Context(), "J1", 1)
			must(t, err, "ImportChunk")
			if !slices.Equal(got, []byte{0, 1, 2, 0xff}) {
				t.Errorf("chunk 1 = %v, want the retried bytes", got)
			}
			sizes, err := s.ImportChunkSizes(t.Context(), "J1")
			must(t, err, "ImportChunkSizes")
			if len(sizes) != 2 || sizes[0] != len("姓名,村代码\n") || sizes[1] != 4 {
				t.Errorf("ImportChunkSizes = %v", sizes)
			}
			must(t, s.DeleteImportChunks(t.Context(), "J1"), "DeleteImportChunks")
			_, err = s.ImportChunk(t.Context(), "J1", 0)
			wantCode(t, err, engine.ENOTFOUND, "ImportChunk after delete")
			if _, err := s.ImportChunk(t.Context(), "J10", 0); err != nil {
				t.Errorf("deleting J1's chunks deleted J10's: %v", err)
			}
		}},
		{"report_rows_idempotent_and_paged", func(t *testing.T, s app.Store) {
			rows := []registry.ImportRow{importRow("J1", 2, 0), importRow("J1", 2, 1), importRow("J1", 10, 0)}
			n, err := s.AddImportRows(t.Context(), rows)
			must(t, err, "AddImportRows")
			if n != 3 {
				t.Errorf("AddImportRows = %d new, want 3", n)
			}
			n, err = s.AddImportRows(t.Context(), append(rows, importRow("J1", 11, 0), importRow("J10", 2, 0)))
			must(t, err, "AddImportRows replay")
			if n != 2 {
				t.Errorf("AddImportRows replay = %d new, want 2", n)
			}
			_, err = s.AddImportRows(t.Context(), []registry.ImportRow{{ID: "x"}})
			wantCode(t, err, engine.EINVALID, "AddImportRows without a job")
			var ids []string
			p := engine.Page{Limit: 3}
			for {
				page, err := s.ListImportRows(t.Context(), "J1", p)
				must(t, err, "ListImportRows")
				for _, r := range page.Rows {
					ids = append(ids, r.ID)
				}
				if page.Next == "" {
					break
				}
				p.After = page.Next
			}
			want := []string{rows[0].ID, rows[1].ID, rows[2].ID, importRow("J1", 11, 0).ID}
			if !slices.Equal(ids, want) {
				t.Fatalf("ListImportRows = %v, want %v", ids, want)
			}
			page, err := s.ListImportRows(t.Context(), "J1", engine.Page{Limit: 1})
			must(t, err, "ListImportRows")
			got := page.Rows[0]
			if got.Row != 2 || got.Column != "公民身份号码" || got.Version != 3 || len(got.Changes) != 1 || !sameJSON(got.Changes[0].After, 5) {
				t.Errorf("report row reads back as %+v", got)
			}
		}},
		{"mapping_replaces", func(t *testing.T, s app.Store) {
			_, err := s.GetImportMapping(t.Context(), "camp-1", "form-1")
			wantCode(t, err, engine.ENOTFOUND, "GetImportMapping before any")
			m := &registry.ImportMapping{CampaignID: "camp-1", FormID: "form-1", Columns: map[string]string{"名字": "name"}, UpdatedBy: "u1", UpdatedAt: oddTime(Epoch)}
			must(t, s.PutImportMapping(t.Context(), m), "PutImportMapping")
			m.Columns = map[string]string{"姓名": "name", "村": registry.ColumnOrgUnit}
			must(t, s.PutImportMapping(t.Context(), m), "PutImportMapping again")
			got, err := s.GetImportMapping(t.Context(), "camp-1", "form-1")
			must(t, err, "GetImportMapping")
			if len(got.Columns) != 2 || got.Columns["村"] != registry.ColumnOrgUnit || !sameTime(got.UpdatedAt, m.UpdatedAt) {
				t.Errorf("GetImportMapping = %+v", got)
			}
			wantCode(t, s.PutImportMapping(t.Context(), &registry.ImportMapping{CampaignID: "camp-1"}), engine.EINVALID, "PutImportMapping without a form")
		}},
	}
}
