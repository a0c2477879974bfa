package registry_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/registry"
)

// atRestPerson is a fictional person whose name, ID number and phone an
// uploaded list carries.
type atRestPerson struct{ name, id, phone string }

var atRestPeople = []atRestPerson{
	{"柏青岚", residentID("37010219850317241"), "15061234578"},
	{"宁晓舟", residentID("37010219920805063"), "18723456190"},
	{"乔慕白", residentID("37010220010129388"), "13598765432"},
}

// atRestStreet is a non-personal answer stored in plain text: finding it
// shows that the scan reads the files the data went to.
const atRestStreet = "翠柳巷八十八号"

// fillerStreet is the (plain, non-personal) street of filler rows.
var fillerStreet = strings.Repeat("幸福路", 16)

// atRestRows is a list of atRestPeople, header first. With filler rows
// of made-up people (about 200 bytes each), the first person comes before
// them and the others after, so that the list spans several chunks and
// people are in the first and the last.
func atRestRows(filler int) [][]string {
	rows := [][]string{{"姓名", "公民身份号码", "联系电话", "婚姻状况", "村代码", "街路巷"}}
	person := func(p atRestPerson) []string {
		return []string{p.name, p.id, p.phone, "已婚", "370102001001", atRestStreet}
	}
	rows = append(rows, person(atRestPeople[0]))
	for i := range filler {
		rows = append(rows, []string{fmt.Sprintf("测试%d", i), personID(i), "", "未婚", "370102001002", fillerStreet})
	}
	for _, p := range atRestPeople[1:] {
		rows = append(rows, person(p))
	}
	return rows
}

func csvOf(rows [][]string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.Bytes()
}

// TestImportLeavesNoPlainPersonalDataOnDisk uploads lists of people (CSV,
// GB18030 CSV, XLSX, one over several chunks, one with a bad row, one
// abandoned half way), runs each job to its end, then reads every byte of
// the database file and its WAL, as they are and again after a
// checkpoint that moves the WAL into the file: no name, ID number or phone
// may appear in any encoding the list had, nor any piece of the uploaded
// file itself.
func TestImportLeavesNoPlainPersonalDataOnDisk(t *testing.T) {
	gb := func(t *testing.T, b []byte) []byte {
		t.Helper()
		out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	badPhone := append(atRestRows(0), []string{"戚远帆", residentID("37010219780611452"), "1234", "已婚", "370102001001", atRestStreet})
	tests := []struct {
		name      string
		file      string
		mode      string
		data      func(t *testing.T) []byte
		abandon   bool // upload the file but never finish: expiry deletes it
		wantState string
		written   int64
		extra     []string // secrets beyond atRestPeople
	}{
		{name: "csv", file: "list.csv", data: func(*testing.T) []byte { return csvOf(atRestRows(0)) }, wantState: registry.ImportDone, written: 3},
		{name: "gb18030 csv with a bad row", file: "list.csv", mode: registry.ImportGoodRows,
			data: func(t *testing.T) []byte { return gb(t, csvOf(badPhone)) }, wantState: registry.ImportDone, written: 3, extra: []string{"戚远帆", residentID("37010219780611452")}},
		{name: "xlsx", file: "list.xlsx", data: func(t *testing.T) []byte { return xlsxOf(t, atRestRows(0)) }, wantState: registry.ImportDone, written: 3},
		{name: "csv over several chunks", file: "list.csv", data: func(*testing.T) []byte { return csvOf(atRestRows(3000)) }, wantState: registry.ImportDone, written: 3003},
		{name: "abandoned upload", file: "list.csv", data: func(*testing.T) []byte { return csvOf(atRestRows(0)) }, abandon: true, wantState: registry.ImportFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			w := newRegistryWorld(t)
			data := tt.data(t)
			req := registry.ImportRequest{CampaignID: "registry-2026", FileName: tt.file, Size: int64(len(data)), Mode: tt.mode}
			var j *registry.ImportJob
			if tt.abandon {
				started, err := w.e.Registry.StartImport(ctx, w.supervisor, req)
				if err != nil {
					t.Fatal(err)
				}
				if err := w.e.Registry.PutImportUpload(ctx, w.supervisor, started.ID, 0, data); err != nil {
					t.Fatal(err)
				}
				w.clk.Add(registry.ImportUploadTimeout)
				if _, err := w.e.Registry.ResumeImports(ctx, "runner"); err != nil {
					t.Fatal(err)
				}
				if j, err = w.e.Store().GetImportJob(ctx, started.ID); err != nil {
					t.Fatal(err)
				}
			} else {
				j = w.importFile(t, w.supervisor, req, data)
			}
			if j.State != tt.wantState || j.Written != tt.written {
				t.Fatalf("job %s written %d (%s %s), want %s written %d", j.State, j.Written, j.ErrorCode, j.ErrorMessage, tt.wantState, tt.written)
			}
			if tt.written > 3 && int64(j.ChunkSize) >= j.FileSize {
				t.Fatalf("a %d-byte file in chunks of %d: the list does not span chunks", j.FileSize, j.ChunkSize)
			}

			secrets := map[string][]byte{}
			for _, p := range atRestPeople {
				for _, s := range []string{p.name, p.id, p.phone} {
					secrets[s] = []byte(s)
				}
				secrets[p.name+" (GB18030)"] = gb(t, []byte(p.name))
			}
			for _, s := range tt.extra {
				secrets[s] = []byte(s)
				secrets[s+" (GB18030)"] = gb(t, []byte(s))
			}
			// Pieces of the file as uploaded: an XLSX's zipped cells never
			// show as text, but stored raw they would show as these bytes.
			// A piece inside the filler's long street is a plain answer.
			const piece = 48
			for off := 0; off+piece <= len(data); off += max(piece, len(data)/200) {
				if !bytes.Contains([]byte(fillerStreet+fillerStreet), data[off:off+piece]) {
					secrets[fmt.Sprintf("upload bytes %d-%d", off, off+piece)] = data[off : off+piece]
				}
			}

			control := atRestStreet
			if tt.abandon {
				control = tt.file // no records: the job's file name is the plain text left
			}
			scanAtRest(t, w.path, "after the job", secrets, control, true)
			checkpointTruncate(t, w.path)
			scanAtRest(t, w.path, "after wal_checkpoint(TRUNCATE)", secrets, control, false)
		})
	}
}

// scanAtRest reads the database file at path and its -wal and -shm files
// and reports every secret found in them. control must be found (the
// scan reads where the data went); wantWAL says the WAL must hold frames,
// so that scanning it proves something.
func scanAtRest(t *testing.T, path, stage string, secrets map[string][]byte, control string, wantWAL bool) {
	t.Helper()
	files, err := filepath.Glob(path + "*")
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no database files (%v)", stage, err)
	}
	seenControl, walBytes := false, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, "-wal") {
			walBytes = len(b)
		}
		seenControl = seenControl || bytes.Contains(b, []byte(control))
		for name, s := range secrets {
			if bytes.Contains(b, s) {
				t.Errorf("%s: %s holds %s in plain text", stage, filepath.Base(f), name)
			}
		}
	}
	if !seenControl {
		t.Errorf("%s: the plain control %q is in none of %v: the scan misses where data goes", stage, control, files)
	}
	if wantWAL && walBytes == 0 {
		t.Errorf("%s: the WAL is empty: the scan proves nothing about it", stage)
	}
	if !wantWAL && walBytes != 0 {
		t.Errorf("%s: the WAL still holds %d bytes", stage, walBytes)
	}
}

// checkpointTruncate copies the WAL into the database file and truncates
// it, through a connection of its own, as an operator would.
func checkpointTruncate(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var busy, logFrames, moved int
	if err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &moved); err != nil {
		t.Fatal(err)
	}
	if busy != 0 {
		t.Fatalf("wal_checkpoint(TRUNCATE) was blocked (%d of %d frames moved)", moved, logFrames)
	}
}

// Without a vault a list would be stored in plain text, so no upload
// starts: the refusal names the missing key.
func TestImportRefusedWithoutVault(t *testing.T) {
	w := newRegistryWorld(t)
	bare := app.New(app.Config{Config: engine.Config{Store: w.e.Store(), Now: w.clk.Now}})
	data := csvOf(atRestRows(0))
	_, err := bare.Registry.StartImport(context.Background(), w.supervisor, registry.ImportRequest{CampaignID: "registry-2026", FileName: "list.csv", Size: int64(len(data))})
	if got, want := engine.ErrorCode(err), engine.EUNAVAILABLE; got != want {
		t.Fatalf("StartImport without a vault: %v, want %s", err, want)
	}
	if got, want := strings.Join(pointers(err), " "), "/file:no_key"; got != want {
		t.Errorf("fields %q, want %q", got, want)
	}
	jobs, err := w.e.Store().ListImportJobs(context.Background(), registry.ImportJobFilter{})
	if err != nil || len(jobs) != 0 {
		t.Errorf("jobs after the refusal: %d (%v), want none", len(jobs), err)
	}
}

// A stored chunk that does not open with the vault (one stored in plain
// text before chunks were sealed, or one moved from another job) is never
// read as the file: the job fails, saying to upload again.
func TestImportRefusesChunksThatDoNotOpen(t *testing.T) {
	ctx := context.Background()
	data := csvOf(atRestRows(0))
	tests := []struct {
		name  string
		chunk func(t *testing.T, w *registryWorld) []byte
	}{
		{"plain chunk", func(*testing.T, *registryWorld) []byte { return data }},
		{"chunk of another job", func(t *testing.T, w *registryWorld) []byte {
			other, err := w.e.Registry.StartImport(ctx, w.supervisor, registry.ImportRequest{CampaignID: "registry-2026", FileName: "other.csv", Size: int64(len(data))})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.e.Registry.PutImportUpload(ctx, w.supervisor, other.ID, 0, data); err != nil {
				t.Fatal(err)
			}
			b, err := w.e.Store().ImportChunk(ctx, other.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newRegistryWorld(t)
			j, err := w.e.Registry.StartImport(ctx, w.supervisor, registry.ImportRequest{CampaignID: "registry-2026", FileName: "list.csv", Size: int64(len(data))})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.e.Store().PutImportChunk(ctx, j.ID, 0, tt.chunk(t, w)); err != nil {
				t.Fatal(err)
			}
			_, err = w.e.Registry.FinishImportUpload(ctx, w.supervisor, j.ID)
			if got, want := strings.Join(pointers(err), " "), "/file:undecryptable"; engine.ErrorCode(err) != engine.EINVALID || got != want {
				t.Fatalf("finish: %v %v, want invalid %s", err, got, want)
			}
			got, err := w.e.Store().GetImportJob(ctx, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != registry.ImportFailed || got.Written != 0 {
				t.Errorf("job %s written %d, want failed with nothing written", got.State, got.Written)
			}
		})
	}
}
