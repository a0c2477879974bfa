package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"canvass/campaigns"
	"canvass/forms"
	"canvass/paytables"
	"canvass/rules"
	"canvass/workflows"
)

// linter checks one file's contents; name is the path to report in
// diagnostics.
type linter func(name string, src []byte) []rules.Diagnostic

// linters maps a file-name suffix to the linter for that kind of file. The
// longest matching suffix wins, so a definition kind can claim its files
// with one line here, e.g. ".form.json": forms.Lint, taking them over from
// the plain ".json" syntax check. Files no suffix matches are not checked.
var linters = map[string]linter{
	".json":          lintJSONSyntax,
	".yaml":          lintYAMLSyntax,
	".yml":           lintYAMLSyntax,
	".form.json":     func(name string, src []byte) []rules.Diagnostic { _, ds := forms.Load(name, src); return ds },
	".workflow.yaml": func(name string, src []byte) []rules.Diagnostic { _, ds := workflows.Load(name, src); return ds },
	".campaign.yaml": func(name string, src []byte) []rules.Diagnostic { _, ds := campaigns.Load(name, src); return ds },
	".paytable.yaml": func(name string, src []byte) []rules.Diagnostic { _, ds := paytables.Load(name, src); return ds },
}

// linterFor returns the linter registered for the longest suffix of name,
// or nil.
func linterFor(name string) linter {
	best := ""
	for suffix := range linters {
		if strings.HasSuffix(name, suffix) && len(suffix) > len(best) {
			best = suffix
		}
	}
	if best == "" {
		return nil
	}
	return linters[best]
}

func runLint(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	lang := fs.String("lang", "en", "the language of the messages: en, or zh for Chinese")
	fs.Usage = func() {
		io.WriteString(stderr, "Usage: canvass lint [--lang zh] DIR\n\n"+
			"Checks every definition file under DIR and prints each problem as\n"+
			"file:line:col: code: message. Exits 1 if any is an error.\n"+
			"--lang zh prints the messages in Chinese.\n")
	}
	if ok, status := parseFlags(fs, args, stderr); !ok {
		return status
	}
	if fs.NArg() != 1 || *lang != "en" && *lang != "zh" {
		fs.Usage()
		return exitUsage
	}
	dir := fs.Arg(0)
	if fi, err := os.Stat(dir); err != nil {
		return fail(stderr, exitUsage, "lint: %s: %v", dir, unwrapPathError(err))
	} else if !fi.IsDir() {
		return fail(stderr, exitUsage, "lint: %s is not a directory", dir)
	}

	diags, files, err := lintDir(dir)
	if err != nil {
		return fail(stderr, exitFailure, "lint: %v", err)
	}
	errs, warnings := 0, 0
	for _, d := range diags {
		if *lang != "en" {
			d.Message = d.Text(*lang)
		}
		fmt.Fprintln(stdout, d.String())
		if d.Severity == rules.SeverityWarning {
			warnings++
		} else {
			errs++
		}
	}
	fmt.Fprintf(stdout, "%s checked: %s, %s\n", plural(files, "file"), plural(errs, "error"), plural(warnings, "warning"))
	if rules.HasErrors(diags) {
		return exitFailure
	}
	return exitOK
}

// lintDir lints every file under dir that has a linter, skipping hidden
// directories (.git and the like). It returns the diagnostics sorted by
// file, line and column, and how many files it checked.
func lintDir(dir string) ([]rules.Diagnostic, int, error) {
	var diags []rules.Diagnostic
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		lint := linterFor(d.Name())
		if lint == nil || !d.Type().IsRegular() {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		diags = append(diags, lint(path, src)...)
		return nil
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, 0, fmt.Errorf("%s: %w", pe.Path, pe.Err)
		}
		return nil, 0, err
	}
	slices.SortStableFunc(diags, func(a, b rules.Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Code, b.Code),
		)
	})
	return diags, files, nil
}

// plural is "1 file", "2 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
