package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order help shows them.
var commands = []command{
	{"serve", "run the web server and API", runServe},
	{"user", "add a user: user add", runUser},
	{"orgunit", "import the org-unit tree from CSV or XLSX: orgunit import", runOrgUnit},
	{"backup", "copy the SQLite database while it is in use: backup OUT.db", runBackup},
	{"restore", "check a backup and put it in place of the database: restore IN.db", runRestore},
	{"lint", "check definition files in a directory", runLint},
	{"xlsform", "convert XLSForm workbooks to forms and back: xlsform import|export|template", runXLSForm},
	{"version", "print the version", runVersion},
}

// run runs the subcommand named by args[0] and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "canvass: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Canvass: forms, review workflows and labour payments for population-monitoring campaigns.\n\n")
	b.WriteString("Usage:\n\n\tcanvass <command> [flags] [arguments]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "\t%-8s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun \"canvass <command> -h\" for a command's flags.\n")
	io.WriteString(w, b.String())
}

// parseFlags parses args with fs, writing help and errors to stderr. It
// returns false and the exit status when the command must stop: -h asks for
// help (status 0), a bad flag is a usage error (status 2).
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (ok bool, status int) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, exitOK
		}
		return false, exitUsage
	}
	return true, exitOK
}

// fail prints one error line, "canvass: …", and returns status.
func fail(stderr io.Writer, status int, format string, args ...any) int {
	fmt.Fprintf(stderr, "canvass: "+format+"\n", args...)
	return status
}
