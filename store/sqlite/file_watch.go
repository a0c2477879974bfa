package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"canvass/engine"
)

// An open SQLite connection keeps the file it opened, not the path: when
// the database file is deleted, or another file is renamed over it, every
// connection goes on reading and writing the old, now nameless, file.
// Writes succeed and are acknowledged, then vanish with the process, and
// the next start creates an empty database at the path. So the store
// remembers which file it opened (device and inode, through os.SameFile)
// and compares the path with it: in Ping, before every commit, and every
// fileWatchEvery in the background. Once the path names another file or
// none, the store stays unavailable until it is reopened: Ping fails and
// every write is refused with EUNAVAILABLE. Reads still answer from the
// file that was open.

// fileWatchEvery is how often the background check runs, so that /readyz
// turns 503 within a second even when nothing writes.
const fileWatchEvery = 500 * time.Millisecond

// fileWatch is the store's knowledge of its database file.
type fileWatch struct {
	path string
	log  *slog.Logger
	id   os.FileInfo           // the file at Open
	lost atomic.Pointer[error] // set once the path stops naming that file
	stop chan struct{}
	done chan struct{}
}

// watchFile records the identity of the file at path, which Open has just
// opened, and starts the background check.
func watchFile(path string, log *slog.Logger) (*fileWatch, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, engine.WrapError(engine.EUNAVAILABLE, "sqlite: cannot stat "+path, err)
	}
	f := &fileWatch{path: path, log: log, id: fi, stop: make(chan struct{}), done: make(chan struct{})}
	go f.run(fileWatchEvery)
	return f, nil
}

func (f *fileWatch) run(every time.Duration) {
	defer close(f.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-f.stop:
			return
		case <-t.C:
			if f.check() != nil && f.lostErr() != nil {
				return // lost for good: nothing more to watch
			}
		}
	}
}

// close stops the background check.
func (f *fileWatch) close() {
	close(f.stop)
	<-f.done
}

// lostErr returns the error of a lost file without looking at the disk.
func (f *fileWatch) lostErr() error {
	if p := f.lost.Load(); p != nil {
		return *p
	}
	return nil
}

// check compares the path with the file the store opened. It returns
// EUNAVAILABLE, and marks the store lost, when the path names no file or
// another file; a stat that fails for another reason (a permission change
// on the directory) is reported but not remembered.
func (f *fileWatch) check() error {
	if err := f.lostErr(); err != nil {
		return err
	}
	fi, err := os.Stat(f.path)
	var what string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		what = "was deleted"
	case err != nil:
		return engine.WrapError(engine.EUNAVAILABLE, "the database file cannot be checked", err)
	case !os.SameFile(f.id, fi):
		what = "was replaced by another file"
	default:
		return nil
	}
	var lost error = engine.Errorf(engine.EUNAVAILABLE, "the database file %s while the server had it open; writes are refused until it is restored and the server restarted", what)
	if f.lost.CompareAndSwap(nil, &lost) {
		f.log.Error("sqlite: the database file "+what+" while open; refusing every write from now on. "+
			"Writes acknowledged before this are in the old file, which this process still holds open: "+
			"stop the server, put the right file back at the path (or restore a backup), then start it again",
			"path", f.path)
		return lost
	}
	return f.lostErr()
}

// checkOrphanWAL refuses to create a database at abs when the file is
// missing but its -wal file is not: that WAL belongs to a database that
// was deleted under a running server and may hold its last committed
// transactions, which a new database would overwrite.
func checkOrphanWAL(abs string) error {
	if fi, err := os.Stat(abs); err == nil && fi.Size() > 0 {
		return nil
	}
	wal, err := os.Stat(abs + "-wal")
	if err != nil || wal.Size() == 0 {
		return nil
	}
	return engine.Errorf(engine.EINVALID, "sqlite: %s is missing or empty but %s-wal is not: it belongs to a deleted database and may hold its last writes; restore the database, or move the -wal and -shm files aside to start a new one", abs, abs)
}

// readDatabaseID returns the database's ID from store_meta (migration
// 0010).
func readDatabaseID(ctx context.Context, conn *sql.Conn) (string, error) {
	var id string
	err := conn.QueryRowContext(ctx, "SELECT value FROM store_meta WHERE key = 'database_id'").Scan(&id)
	return id, err
}

// DatabaseID is the random ID made when the database was created (or first
// opened by a version that knew IDs). A backup keeps it, so a file that
// belongs to this database, such as serve's personal-data key file, can
// name it and be checked against it.
func (s *Store) DatabaseID() string { return s.id }
