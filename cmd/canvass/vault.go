package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

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
// creating the file (mode 0600, logged) when it is missing.
func localVault(spec dbSpec, log *slog.Logger) (*engine.Vault, error) {
	path := filepath.Join(filepath.Dir(spec.sqlitePath), keyFileName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path, path, log)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %v", path, unwrapPathError(err))
	}
	text := engine.NewVaultKeyFile()
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
		"without it the encrypted ID numbers and phone numbers cannot be read", "path", path)
	return engine.ParseVault(text)
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
