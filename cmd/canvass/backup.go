package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"canvass/store/sqlite"
)

// mongoBackupHint is the answer to backup or restore with a MongoDB --db.
const mongoBackupHint = "backup and restore copy SQLite databases; for MongoDB use mongodump and mongorestore (see Backups in the README)"

func runBackup(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := fs.String("db", defaultDB, "the database to copy: sqlite:PATH")
	fs.Usage = func() {
		io.WriteString(stderr, "Usage: canvass backup [--db sqlite:PATH] OUT.db\n\n"+
			"Writes a consistent copy of the database to OUT.db, which must not exist, while servers keep\n"+
			"running. Back up the personal-data key file too (see Backups in the README).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	spec, out, status := parseBackupArgs(fs, args, db, "OUT.db", stderr)
	if status >= 0 {
		return status
	}
	info, err := sqlite.Backup(context.Background(), spec.sqlitePath, out)
	if err != nil {
		return fail(stderr, exitFailure, "backup %s: %s", spec, describeError(err))
	}
	fmt.Fprintf(stdout, "backed up %s to %s: database %s, schema version %d, %d bytes\n",
		spec, out, orNone(info.DatabaseID), info.SchemaVersion, info.Bytes)
	return exitOK
}

func runRestore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	db := fs.String("db", defaultDB, "the database to replace: sqlite:PATH")
	fs.Usage = func() {
		io.WriteString(stderr, "Usage: canvass restore [--db sqlite:PATH] IN.db\n\n"+
			"Checks the backup IN.db and puts it in place of the database; the replaced database is kept\n"+
			"beside it as PATH.before-restore-TIME. Stop the server first.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	spec, in, status := parseBackupArgs(fs, args, db, "IN.db", stderr)
	if status >= 0 {
		return status
	}
	keys := localKeyFile(spec)
	var keysMissing bool
	// The key file beside the database must belong to the backup's
	// database: serve would refuse the pair anyway, after the old
	// database had been moved aside.
	accept := func(info sqlite.Info) error {
		text, err := os.ReadFile(keys)
		if errors.Is(err, os.ErrNotExist) {
			keysMissing = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", keys, unwrapPathError(err))
		}
		switch fileID := keyFileDatabaseID(text); {
		case fileID == "" || fileID == info.DatabaseID:
			return nil
		case info.DatabaseID == "":
			return fmt.Errorf("%s was made before database IDs, but %s belongs to database %s; if these keys are this database's, delete the key file's %q line and restore again",
				in, keys, fileID, databaseIDPrefix)
		default:
			return fmt.Errorf("%s is database %s, but %s belongs to database %s; put the key file backed up with this database there first",
				in, info.DatabaseID, keys, fileID)
		}
	}
	res, err := sqlite.Restore(context.Background(), in, spec.sqlitePath, accept)
	if err != nil {
		return fail(stderr, exitFailure, "restore %s: %s", spec, describeError(err))
	}
	fmt.Fprintf(stdout, "restored %s to %s: database %s, schema version %d\n", in, spec, orNone(res.Info.DatabaseID), res.Info.SchemaVersion)
	if res.Aside != "" {
		fmt.Fprintf(stdout, "the database it replaced is now %s\n", res.Aside)
	}
	if keysMissing {
		fmt.Fprintf(stderr, "canvass: warning: no key file at %s: put the key file backed up with this database there before starting the server, or its personal data cannot be read\n", keys)
	}
	return exitOK
}

// parseBackupArgs parses the flags and the one file argument of backup
// and restore. status is -1 when the command should go on.
func parseBackupArgs(fs *flag.FlagSet, args []string, db *string, arg string, stderr io.Writer) (dbSpec, string, int) {
	if ok, status := parseFlags(fs, args, stderr); !ok {
		return dbSpec{}, "", status
	}
	if fs.NArg() != 1 {
		return dbSpec{}, "", fail(stderr, exitUsage, "%s takes one argument, %s; got %d", fs.Name(), arg, fs.NArg())
	}
	spec, err := parseDB(*db)
	if err != nil {
		return dbSpec{}, "", fail(stderr, exitUsage, "%v", err)
	}
	if spec.mongoURI != "" {
		return dbSpec{}, "", fail(stderr, exitUsage, "%s", mongoBackupHint)
	}
	return spec, fs.Arg(0), -1
}

func orNone(id string) string {
	if id == "" {
		return "(no ID)"
	}
	return id
}
