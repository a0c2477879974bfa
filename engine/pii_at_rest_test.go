package engine_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"canvass/engine"
)

// TestNoPlainPersonalDataOnDisk runs submissions, a correction, reveals and
// audits, then reads every byte of the database files: none of the ID
// numbers, phones or names may appear in plain text.
func TestNoPlainPersonalDataOnDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "canvass.db")
	e, _ := newEngineAt(t, path)
	seedTree(t, e)
	w := &subsidyWorld{e: e,
		author:   mustUser(t, e, "author", "370102", engine.RoleAuthor),
		worker:   mustUser(t, e, "worker", "370102001001", engine.RoleFieldWorker),
		township: mustUser(t, e, "township", "370102001", engine.RoleReviewer),
	}
	publishSubsidy(t, e, w.author)
	secrets := []string{applicantID, applicantID2, "13912345678", "13887654321", "周建华", "孙丽"}
	res, err := w.submit(t, "", map[string]any{"applicant": "周建华", "idNumber": applicantID, "phone": "13912345678", "amount": 1500})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.submit(t, "", map[string]any{"applicant": "孙丽", "idNumber": applicantID2, "amount": 800}); err != nil {
		t.Fatal(err)
	}
	id := res.Record.ID
	if _, err := e.Act(ctx, w.township, id, engine.Action{Name: "return", Reason: "电话有误"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Act(ctx, w.worker, id, engine.Action{Name: "submit", Answers: map[string]any{"applicant": "周建华", "idNumber": applicantID, "phone": "13887654321", "amount": 1500}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.RevealRecord(ctx, w.township, id); err != nil {
		t.Fatal(err)
	}
	if err := e.Store().Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(path + "*")
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q in plain text", filepath.Base(f), s)
			}
		}
	}
}
