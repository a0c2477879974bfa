package registry_test

import (
	"context"
	"testing"
	"time"

	"canvass/engine"
	"canvass/engine/registry"
)

// A chunked upload left unfinished (a closed tab) fails after
// ImportUploadTimeout and its chunks are deleted; a finished one, and one
// still within the time, are left alone.
func TestAbandonedUploadExpires(t *testing.T) {
	ctx := context.Background()
	w := newRegistryWorld(t)
	data := registryCSV(3)
	start := func() *registry.ImportJob {
		t.Helper()
		j, err := w.e.Registry.StartImport(ctx, w.supervisor, registry.ImportRequest{CampaignID: "registry-2026", FileName: "list.csv", Size: int64(len(data))})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.e.Registry.PutImportUpload(ctx, w.supervisor, j.ID, 0, data); err != nil {
			t.Fatal(err)
		}
		return j
	}
	abandoned := start()
	w.clk.Add(registry.ImportUploadTimeout - time.Hour)
	recent := start()
	w.clk.Add(time.Hour)
	if _, err := w.e.Registry.ResumeImports(ctx, "runner"); err != nil {
		t.Fatal(err)
	}
	got, err := w.e.Store().GetImportJob(ctx, abandoned.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != registry.ImportFailed || got.ErrorCode != "upload_abandoned" {
		t.Errorf("abandoned upload: state %s code %s (%s), want failed upload_abandoned", got.State, got.ErrorCode, got.ErrorMessage)
	}
	if sizes, err := w.e.Store().ImportChunkSizes(ctx, abandoned.ID); err != nil || len(sizes) != 0 {
		t.Errorf("abandoned upload keeps chunks %v (%v)", sizes, err)
	}
	if err := w.e.Registry.PutImportUpload(ctx, w.supervisor, abandoned.ID, 0, data); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Errorf("a chunk after expiry: %v, want conflict", err)
	}
	still, err := w.e.Store().GetImportJob(ctx, recent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if still.State != registry.ImportUploading {
		t.Errorf("recent upload: state %s, want uploading", still.State)
	}
	if sizes, err := w.e.Store().ImportChunkSizes(ctx, recent.ID); err != nil || len(sizes) != 1 {
		t.Errorf("recent upload chunks %v (%v), want 1", sizes, err)
	}
}
