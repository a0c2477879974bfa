package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"canvass/engine"
)

// runUser dispatches "canvass user <subcommand>".
func runUser(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		io.WriteString(stderr, "Usage: canvass user add [flags]\n\nRun \"canvass user add -h\" for its flags.\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			return exitOK
		}
		return exitUsage
	}
	return runUserAdd(args[1:], os.Stdin, stdout, stderr)
}

// userFlags names the flag behind each field of engine.NewUser, to point
// the operator at what to fix.
var userFlags = map[string]string{
	"username": "--username", "displayName": "--name", "password": "the password",
	"roles": "--roles", "orgUnit": "--org", "locale": "--locale",
}

// runUserAdd creates a user. The password is never a flag (flags show in
// the process list and the shell history): it is the first line of
// --password-file, or of standard input.
func runUserAdd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	db := fs.String("db", defaultDB, "database: sqlite:PATH, or a mongodb:// or mongodb+srv:// URI")
	username := fs.String("username", "", "the sign-in name: 2–64 lower-case letters, digits, '.', '_' or '-' (required)")
	name := fs.String("name", "", "the name people see (required)")
	roles := fs.String("roles", "", "comma-separated roles: "+strings.Join(engine.Roles, ", ")+" (required)")
	org := fs.String("org", "", "`code` of the org unit whose subtree the roles apply in (required)")
	locale := fs.String("locale", "zh-CN", "interface language: zh-CN or en")
	passwordFile := fs.String("password-file", "", "read the password from the first line of `file` instead of standard input")
	fs.Usage = func() {
		io.WriteString(stderr, "Usage: canvass user add --username NAME --name \"DISPLAY NAME\" --roles ROLE[,ROLE] --org CODE [flags]\n\n"+
			"Adds a user. The password is read from the first line of standard input, or of --password-file.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if ok, status := parseFlags(fs, args, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		return fail(stderr, exitUsage, "user add takes no arguments, got %q", fs.Args())
	}
	for _, required := range []struct{ flag, value string }{{"--username", *username}, {"--name", *name}, {"--roles", *roles}, {"--org", *org}} {
		if strings.TrimSpace(required.value) == "" {
			return fail(stderr, exitUsage, "user add needs %s", required.flag)
		}
	}

	password, err := readPassword(*passwordFile, stdin, stderr)
	if err != nil {
		return fail(stderr, exitFailure, "%v", err)
	}
	ctx := context.Background()
	st, status, err := openCommandStore(ctx, *db, flagWasSet(fs, "db"), quietLogger(stderr))
	if err != nil {
		return fail(stderr, status, "%v", err)
	}
	defer st.Close()

	var roleList []string
	for _, r := range strings.Split(*roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			roleList = append(roleList, r)
		}
	}
	eng := engine.New(engine.Config{Store: st, Logger: quietLogger(stderr)})
	u, err := eng.CreateUser(ctx, nil, engine.NewUser{
		Username: *username, DisplayName: *name, Password: password, Roles: roleList, OrgUnit: *org, Locale: *locale,
	})
	if err != nil {
		if fields := engine.ErrorFields(err); len(fields) > 0 {
			fmt.Fprintf(stderr, "canvass: user not created: %s\n", engine.ErrorMessage(err))
			for _, fe := range fields {
				field, _, _ := strings.Cut(strings.TrimPrefix(fe.Pointer, "/"), "/")
				fmt.Fprintf(stderr, "  %s: %s\n", userFlags[field], fe.Message)
			}
			return exitFailure
		}
		return fail(stderr, exitFailure, "user not created: %s", describeError(err))
	}
	fmt.Fprintf(stdout, "created user %s (%s), roles %s, in org unit %s\n", u.Username, u.ID, strings.Join(u.Roles, ", "), u.OrgUnit)
	return exitOK
}

// readPassword returns the first line of file, or of stdin when file is
// "". From a terminal it says what it waits for; it cannot hide the typing
// without a terminal library, so it suggests a pipe or a file instead.
func readPassword(file string, stdin io.Reader, stderr io.Writer) (string, error) {
	src, from := stdin, "standard input"
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("--password-file: %v", unwrapPathError(err))
		}
		defer f.Close()
		src, from = f, file
	} else if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			io.WriteString(stderr, "Password (shown as you type; pipe it in or use --password-file to avoid that): ")
		}
	}
	line, err := bufio.NewReaderSize(io.LimitReader(src, 4096), 4096).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from %s: %v", from, err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", fmt.Errorf("no password: give it on the first line of %s", from)
	}
	return password, nil
}
