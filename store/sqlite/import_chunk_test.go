package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// A deleted chunk leaves none of its bytes in the database file: not in
// the free pages its overflow chain went to, not in the free space of its
// leaf page, not from an earlier copy an upload retry replaced. (The
// engine seals chunks, so these are ciphertext; secure deletion keeps even
// that from outliving the job, should a key ever leak.)
func TestDeletedImportChunksLeaveNoBytes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "canvass.db")
	s := MustOpenPath(t, path)
	rnd := rand.New(rand.NewChaCha8([32]byte{'c', 'h', 'u', 'n', 'k'}))
	blob := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return b
	}
	chunks := map[string][]byte{
		"large chunk":    blob(200 << 10), // an overflow chain
		"small chunk":    blob(300),       // within a leaf page
		"replaced chunk": blob(20 << 10),
		"its retry":      blob(20 << 10),
	}
	for _, c := range []struct {
		seq  int
		data []byte
	}{{0, chunks["large chunk"]}, {1, chunks["small chunk"]}, {2, chunks["replaced chunk"]}, {2, chunks["its retry"]}} {
		if err := s.PutImportChunk(ctx, "J1", c.seq, c.data); err != nil {
			t.Fatal(err)
		}
	}
	// Another job's chunk stays: it shows that the scan finds what is there.
	kept := blob(300)
	if err := s.PutImportChunk(ctx, "J2", 0, kept); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteImportChunks(ctx, "J1"); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", dsn(path, "busy_timeout(5000)"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var busy, frames, moved int
	if err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &moved); err != nil || busy != 0 {
		t.Fatalf("wal_checkpoint(TRUNCATE): busy %d, %d of %d frames, %v", busy, moved, frames, err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(file, kept) {
		t.Fatal("the kept chunk is not in the file: the scan proves nothing")
	}
	for name, data := range chunks {
		for off := 0; off+32 <= len(data); off += 1024 {
			if bytes.Contains(file, data[off:off+32]) {
				t.Errorf("the file still holds bytes %d-%d of the deleted %s", off, off+32, name)
				break
			}
		}
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() != 0 {
		t.Errorf("the WAL after the checkpoint: %v, %v; want empty", fi.Size(), err)
	}
}
