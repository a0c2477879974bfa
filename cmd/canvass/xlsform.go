package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"canvass/xlsform"
)

const xlsformUsage = "Usage:\n\n" +
	"\tcanvass xlsform import [-o OUT.form.json] [--id ID] IN.xlsx\n" +
	"\tcanvass xlsform export -o OUT.xlsx IN.form.json\n" +
	"\tcanvass xlsform template -o OUT.xlsx\n\n" +
	"import converts an XLSForm workbook (ODK, KoboToolbox, or the Canvass template) to a form\n" +
	"definition that passes canvass lint, writing it to OUT or standard output. Every problem is\n" +
	"listed as sheet!cell in Chinese and English; on any error nothing is written and the exit\n" +
	"status is 1. export writes a form as an XLSForm workbook; template writes the blank template\n" +
	"with Chinese headers and an instructions sheet. See docs/xlsform.md.\n"

// runXLSForm dispatches "canvass xlsform <import|export|template>".
func runXLSForm(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		io.WriteString(stderr, xlsformUsage)
		return exitUsage
	}
	switch args[0] {
	case "import":
		return runXLSFormImport(args[1:], stdout, stderr)
	case "export":
		return runXLSFormExport(args[1:], stdout, stderr)
	case "template":
		return runXLSFormTemplate(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		io.WriteString(stdout, xlsformUsage)
		return exitOK
	}
	fmt.Fprintf(stderr, "canvass: xlsform: unknown subcommand %q\n\n", args[0])
	io.WriteString(stderr, xlsformUsage)
	return exitUsage
}

// parseInterspersed parses flags that may come before or after the
// positional arguments, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, bool, int) {
	var pos []string
	for {
		if ok, status := parseFlags(fs, args, stderr); !ok {
			return nil, false, status
		}
		if fs.NArg() == 0 {
			return pos, true, exitOK
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runXLSFormImport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("xlsform import", flag.ContinueOnError)
	out := fs.String("o", "", "write the form definition to this file (default: standard output)")
	id := fs.String("id", "", "the form's ID (x-form-id); overrides settings!form_id")
	fs.Usage = func() { io.WriteString(stderr, xlsformUsage+"\nFlags:\n"); fs.PrintDefaults() }
	pos, ok, status := parseInterspersed(fs, args, stderr)
	if !ok {
		return status
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitUsage
	}
	in := pos[0]
	f, err := os.Open(in)
	if err != nil {
		return fail(stderr, exitUsage, "xlsform import: %s: %v", in, unwrapPathError(err))
	}
	defer f.Close()
	res, err := xlsform.Import(f, xlsform.Options{ID: *id, Filename: in})
	var xe *xlsform.Error
	if errors.As(err, &xe) {
		printProblems(stderr, in, xe.Problems)
		fmt.Fprintf(stderr, "%s: nothing was written / 未生成表单\n", in)
		return exitFailure
	}
	if err != nil {
		return fail(stderr, exitFailure, "xlsform import: %s: %v", in, err)
	}
	printProblems(stderr, in, res.Warnings)
	if *out == "" {
		_, err = stdout.Write(res.JSON)
	} else {
		err = writeFileAtomic(*out, res.JSON)
	}
	if err != nil {
		return fail(stderr, exitFailure, "xlsform import: %v", err)
	}
	return exitOK
}

// printProblems lists problems one a line, sheet!cell first for tools
// and editors, then in words by row and the label there, Chinese then
// English: "bad.xlsx: survey!B3: error: 第 3 行「年龄」（survey!B3）：…".
func printProblems(w io.Writer, file string, ps []xlsform.Problem) {
	for _, p := range ps {
		fmt.Fprintf(w, "%s: %s: %s: %s\n\t%s\n", file, p.Where(), p.Severity, p.Sentence("zh"), p.Sentence("en"))
	}
}

func runXLSFormExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("xlsform export", flag.ContinueOnError)
	out := fs.String("o", "", "the workbook to write (required)")
	fs.Usage = func() { io.WriteString(stderr, xlsformUsage+"\nFlags:\n"); fs.PrintDefaults() }
	pos, ok, status := parseInterspersed(fs, args, stderr)
	if !ok {
		return status
	}
	if len(pos) != 1 || *out == "" {
		fs.Usage()
		return exitUsage
	}
	src, err := os.ReadFile(pos[0])
	if err != nil {
		return fail(stderr, exitUsage, "xlsform export: %s: %v", pos[0], unwrapPathError(err))
	}
	var b bytes.Buffer
	if err := xlsform.Export(src, &b); err != nil {
		return fail(stderr, exitFailure, "xlsform export: %s: %v", pos[0], err)
	}
	if err := writeFileAtomic(*out, b.Bytes()); err != nil {
		return fail(stderr, exitFailure, "xlsform export: %v", err)
	}
	return exitOK
}

func runXLSFormTemplate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("xlsform template", flag.ContinueOnError)
	out := fs.String("o", "", "the workbook to write (required)")
	fs.Usage = func() { io.WriteString(stderr, xlsformUsage+"\nFlags:\n"); fs.PrintDefaults() }
	pos, ok, status := parseInterspersed(fs, args, stderr)
	if !ok {
		return status
	}
	if len(pos) != 0 || *out == "" {
		fs.Usage()
		return exitUsage
	}
	var b bytes.Buffer
	if err := xlsform.Template(&b); err != nil {
		return fail(stderr, exitFailure, "xlsform template: %v", err)
	}
	if err := writeFileAtomic(*out, b.Bytes()); err != nil {
		return fail(stderr, exitFailure, "xlsform template: %v", err)
	}
	return exitOK
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so a failed write leaves no half-written file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
