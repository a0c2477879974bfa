package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"canvass/engine"
	"canvass/engine/tabular"
)

// runOrgUnit dispatches "canvass orgunit <subcommand>".
func runOrgUnit(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "import" {
		io.WriteString(stderr, "Usage: canvass orgunit import [--db DB] FILE.csv|FILE.xlsx\n\nRun \"canvass orgunit import -h\" for its flags.\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			return exitOK
		}
		return exitUsage
	}
	return runOrgUnitImport(args[1:], stdout, stderr)
}

// runOrgUnitImport imports an org-unit sheet: every row, or none when any
// row is bad; then it prints one line per problem and exits 1.
func runOrgUnitImport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orgunit import", flag.ContinueOnError)
	db := fs.String("db", defaultDB, "database: sqlite:PATH, or a mongodb:// or mongodb+srv:// URI")
	fs.Usage = func() {
		io.WriteString(stderr, "Usage: canvass orgunit import [--db DB] FILE.csv|FILE.xlsx\n\n"+
			"Imports org units (inserting new codes, renaming known ones) from a sheet with the columns\n"+
			"code, name, parent and level (or 代码, 名称, 上级代码, 级别). CSV may be UTF-8 or GB18030.\n"+
			"When any row has an error, nothing is imported and every problem is listed.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if ok, status := parseFlags(fs, args, stderr); !ok {
		return status
	}
	if fs.NArg() != 1 {
		return fail(stderr, exitUsage, "orgunit import needs exactly one file, got %d", fs.NArg())
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return fail(stderr, exitFailure, "%s: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	sheet, err := tabular.Open(path, f)
	if err != nil {
		if errors.Is(err, tabular.ErrFormat) {
			return fail(stderr, exitFailure, "%s: not a CSV or XLSX sheet with a header row", path)
		}
		return fail(stderr, exitFailure, "%s: %v", path, err)
	}
	defer sheet.Close()
	rows, rowErrs, err := engine.ReadOrgUnitRows(sheet)
	if err != nil {
		return fail(stderr, exitFailure, "%s: %s", path, describeError(err))
	}
	if len(rowErrs) > 0 {
		return reportRows(stderr, path, rowErrs, fmt.Sprintf("%d rows cannot be read; nothing was imported", len(rowErrs)))
	}

	ctx := context.Background()
	st, status, err := openCommandStore(ctx, *db, flagWasSet(fs, "db"), quietLogger(stderr))
	if err != nil {
		return fail(stderr, status, "%v", err)
	}
	defer st.Close()
	eng := engine.New(engine.Config{Store: st, Logger: quietLogger(stderr)})
	rowErrs, err = eng.ImportOrgUnits(ctx, nil, rows)
	if len(rowErrs) > 0 {
		return reportRows(stderr, path, rowErrs, describeError(err))
	}
	if err != nil {
		return fail(stderr, exitFailure, "%s: %s", path, describeError(err))
	}
	fmt.Fprintf(stdout, "imported %d org units from %s (%s)\n", len(rows), filepath.Base(path), sheet.Encoding())
	return exitOK
}

// reportRows prints one line per row problem, "FILE:ROW: COLUMN: CODE:
// MESSAGE" (the column is left out when the whole row is at fault), then
// the summary, and returns exitFailure.
func reportRows(w io.Writer, path string, rows []engine.RowError, summary string) int {
	for _, r := range rows {
		col := ""
		if r.Column != "" {
			col = r.Column + ": "
		}
		fmt.Fprintf(w, "%s:%d: %s%s: %s\n", path, r.Row, col, r.Code, r.Message)
	}
	return fail(w, exitFailure, "%s", summary)
}
