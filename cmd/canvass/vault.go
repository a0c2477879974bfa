package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"canvass/engine"
)

// envPIIKeys names the environment variable that may hold the key file's
// text, for deployments that inject secrets through the environment.
const envPIIKeys = "CANVASS_PII_KEYS"

// keyFileName is the key file serve creates next to a SQLite database.
const keyFileName = "pii.keys"

// givenVault returns the vault that encrypts personal data when the
// operator gave its keys: the --pii-keys file, else the CANVASS_PII_KEYS
// text. It returns nil for a SQLite database without either (see
// localVault), and an error for MongoDB without either: all its replicas
// must share the keys, so no replica may invent its own. serve calls it
// before opening the database, so a bad key stops it before anything is
// touched.
func givenVault(spec dbSpec, keyFile, envText string, log *slog.Logger) (*engine.Vault, error) {
	switch {
	case keyFile != "":
		return readKeyFile(keyFile, "--pii-keys "+keyFile, log)
	case envText != "":
		v, err := engine.ParseVault([]byte(envText))
		if err != nil {
			return nil, fmt.Errorf("%s: %s", envPIIKeys, describeError(err))
		}
		return v, nil
	case spec.mongoURI != "":
		return nil, fmt.Errorf("personal-data keys are needed with MongoDB: give --pii-keys FILE or set %s (every replica must use the same keys)", envPIIKeys)
	}
	return nil, nil
}

// localVault returns the vault of pii.keys next to a SQLite database,
// creating the file (mode 0600, logged) when it is missing, and binds the
// file to the database: it carries the database's ID on a line
// "# database-id: ID" (a comment to the key parser, so older versions
// still read the file). A key file without that line adopts the ID of the
// database it is first used with. A key file bound to another database is
// refused, unless the database was created by this start with
// --new-database (created), which rebinds the file to the new database.
func localVault(spec dbSpec, dbID string, created bool, log *slog.Logger) (*engine.Vault, error) {
	path := localKeyFile(spec)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return bindKeyFile(path, spec, dbID, created, log)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %v", path, unwrapPathError(err))
	}
	text := withDatabaseID(engine.NewVaultKeyFile(), dbID)
	_, err = f.Write(text)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // a half-written key file would fail every later start
		return nil, fmt.Errorf("write %s: %v", path, unwrapPathError(err))
	}
	log.Warn("created a personal-data key file: keep it secret and back it up with the database; "+
		"without it the encrypted ID numbers and phone numbers cannot be read", "path", path, "database_id", dbID)
	return engine.ParseVault(text)
}

// localKeyFile is where serve keeps the key file of a SQLite database.
func localKeyFile(spec dbSpec) string {
	return filepath.Join(filepath.Dir(spec.sqlitePath), keyFileName)
}

// bindKeyFile reads the existing local key file and checks, adopts or
// (for a database created with --new-database) replaces its database ID.
func bindKeyFile(path string, spec dbSpec, dbID string, created bool, log *slog.Logger) (*engine.Vault, error) {
	v, err := readKeyFile(path, path, log)
	if err != nil || dbID == "" {
		return v, err
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	fileID := keyFileDatabaseID(text)
	switch {
	case fileID == dbID:
		return v, nil
	case fileID != "" && !created:
		return nil, fmt.Errorf("%s belongs to database %s, but %s is database %s: use the key file of this database, or restore the database the key file belongs to",
			path, fileID, spec, dbID)
	}
	if err := rewriteFile(path, withDatabaseID(text, dbID)); err != nil {
		return nil, fmt.Errorf("write %s: %v", path, unwrapPathError(err))
	}
	if fileID == "" {
		log.Info("bound the personal-data key file to its database", "path", path, "database_id", dbID)
	} else {
		log.Warn("--new-database: the personal-data key file now belongs to the new database", "path", path, "database_id", dbID, "was", fileID)
	}
	return v, nil
}

// checkNewDatabase runs before serve opens a SQLite database whose keys
// are the local key file. It reports whether the database is new (the file
// is missing or empty) and refuses to create it beside an existing key
// file, which belongs to a database that was there before (deleted, moved,
// or at another path), unless allowNew (--new-database) says to.
func checkNewDatabase(spec dbSpec, allowNew bool) (created bool, err error) {
	if fi, err := os.Stat(spec.sqlitePath); err == nil && fi.Size() > 0 {
		return false, nil
	}
	path := localKeyFile(spec)
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || allowNew {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: %v", path, unwrapPathError(err))
	}
	of := "another database"
	if id := keyFileDatabaseID(text); id != "" {
		of = "database " + id
	}
	return false, fmt.Errorf("%s does not exist, but %s beside it belongs to %s: restore that database (see Backups in the README), or give --new-database to start an empty one with these keys",
		spec, path, of)
}

// databaseIDPrefix starts the key-file line that names the database the
// keys belong to.
const databaseIDPrefix = "# database-id:"

// keyFileDatabaseID returns the database ID a key file names, or "".
func keyFileDatabaseID(text []byte) string {
	for line := range strings.Lines(string(text)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), databaseIDPrefix); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// withDatabaseID returns the key file text with its database-id line set
// to id (dropped when id is ""); the other lines stay as they were.
func withDatabaseID(text []byte, id string) []byte {
	var b strings.Builder
	for line := range strings.Lines(string(text)) {
		if strings.HasPrefix(strings.TrimSpace(line), databaseIDPrefix) {
			continue
		}
		b.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			b.WriteString("\n")
		}
	}
	if id != "" {
		b.WriteString(databaseIDPrefix + " " + id + "\n")
	}
	return []byte(b.String())
}

// rewriteFile replaces path's content with text, keeping its mode: a new
// file beside it, synced, renamed over it, so a crash leaves the old or the
// new file and never half of one.
func rewriteFile(path string, text []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	_, err = tmp.Write(text)
	if err == nil {
		err = tmp.Chmod(fi.Mode().Perm())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	return err
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// storeDatabaseID is the ID of the store's database, "" for a store that
// has none (MongoDB).
func storeDatabaseID(st engine.Store) string {
	if s, ok := st.(interface{ DatabaseID() string }); ok {
		return s.DatabaseID()
	}
	return ""
}

// readKeyFile parses a key file, warning when others may read it.
func readKeyFile(path, name string, log *slog.Logger) (*engine.Vault, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, unwrapPathError(err))
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the personal-data key file can be read by other users; chmod 600 it", "path", path, "mode", fi.Mode().Perm().String())
	}
	v, err := engine.ParseVault(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", name, describeError(err))
	}
	return v, nil
}
