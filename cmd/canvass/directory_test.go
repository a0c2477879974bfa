package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"canvass/engine"
	"canvass/store/sqlite"
)

// runWithInput runs the binary in dir with stdin and waits for it.
func runWithInput(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || ctx.Err() != nil) {
		t.Fatalf("canvass %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr.String())
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
}

// openDB opens the SQLite database a command left in dir, for checking.
func openDB(t *testing.T, path string) engine.Store {
	t.Helper()
	st, err := sqlite.Open(path, sqlite.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

const unitsCSV = "code,name,parent,level\n" +
	"370000,示例省,,province\n" +
	"370100,示例市,370000,city\n" +
	"370102,示例区,370100,district\n"

func TestOrgUnitImport(t *testing.T) {
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String("代码,名称,上级代码,级别\n" +
		"370000,示例省,,省\n" +
		"37010X,坏市,370000,市\n" +
		"370102,示例区,379999,区县\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		file       string
		content    string
		args       []string // after "orgunit import"; {file} is the file's name
		wantCode   int
		wantStdout string
		wantStderr []string
		wantStored []string
		wantAbsent []string
	}{
		{name: "good CSV, default database", file: "units.csv", content: unitsCSV, args: []string{"{file}"}, wantCode: 0,
			wantStdout: "imported 3 org units from units.csv (utf-8)", wantStored: []string{"370000", "370100", "370102"}},
		{name: "GB18030 CSV with bad rows", file: "乡镇.csv", content: gbk, args: []string{"{file}"}, wantCode: 1,
			wantStderr: []string{"乡镇.csv:3: code: bad_code: ", "乡镇.csv:4: parent: unknown_parent: ", "canvass: 2 rows have errors; nothing was imported"},
			wantAbsent: []string{"370000"}},
		{name: "missing column", file: "units.csv", content: "code,name\n370000,x\n", args: []string{"{file}"}, wantCode: 1,
			wantStderr: []string{"units.csv: the sheet lacks the column(s) level"}},
		{name: "missing file", args: []string{"nowhere.csv"}, wantCode: 1, wantStderr: []string{"canvass: nowhere.csv: no such file or directory"}},
		{name: "no file", args: nil, wantCode: 2, wantStderr: []string{"orgunit import needs exactly one file, got 0"}},
		{name: "unknown subcommand", args: nil, wantCode: 2, wantStderr: []string{"Usage: canvass orgunit import"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.file != "" {
				if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			args := []string{"orgunit", "import"}
			if tt.name == "unknown subcommand" {
				args = []string{"orgunit", "export"}
			}
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "{file}", tt.file))
			}
			got := runWithInput(t, dir, "", args...)
			if got.code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstderr: %s", got.code, tt.wantCode, got.stderr)
			}
			if !strings.Contains(got.stdout, tt.wantStdout) {
				t.Errorf("stdout: got %q, want it to contain %q", got.stdout, tt.wantStdout)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(got.stderr, want) {
					t.Errorf("stderr: got %q, want it to contain %q", got.stderr, want)
				}
			}
			if len(tt.wantStored)+len(tt.wantAbsent) == 0 {
				return
			}
			st := openDB(t, filepath.Join(dir, "data", "canvass.db"))
			for _, code := range tt.wantStored {
				if _, err := st.GetOrgUnit(context.Background(), code); err != nil {
					t.Errorf("unit %s: %v", code, err)
				}
			}
			for _, code := range tt.wantAbsent {
				if _, err := st.GetOrgUnit(context.Background(), code); engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Errorf("unit %s: got %v, want it not stored", code, err)
				}
			}
		})
	}
}

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "units.csv"), []byte(unitsCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := runWithInput(t, dir, "", "orgunit", "import", "--db", "sqlite:canvass.db", "units.csv"); got.code != 0 {
		t.Fatalf("import: %d %s", got.code, got.stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "pw.txt"), []byte("from a file 42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"user", "add", "--db", "sqlite:canvass.db", "--name", "王芳", "--org", "370102"}
	tests := []struct {
		name         string
		args         []string
		stdin        string
		wantCode     int
		wantStdout   string
		wantStderr   string
		wantPassword string // the stored user's password, when created
	}{
		{name: "password from stdin", args: append(base, "--username", "wang.fang", "--roles", "admin, reviewer"), stdin: "secret from stdin\n",
			wantCode: 0, wantStdout: "created user wang.fang (", wantPassword: "secret from stdin"},
		{name: "password from a file", args: append(base, "--username", "li.na", "--roles", "field_worker", "--password-file", "pw.txt"),
			wantCode: 0, wantStdout: "roles field_worker, in org unit 370102", wantPassword: "from a file 42"},
		{name: "Windows line ending", args: append(base, "--username", "zhou.min", "--roles", "finance"), stdin: "crlf password\r\n",
			wantCode: 0, wantPassword: "crlf password"},
		{name: "no password", args: append(base, "--username", "no.pass", "--roles", "finance"), stdin: "", wantCode: 1,
			wantStderr: "canvass: no password: give it on the first line of standard input"},
		{name: "password as a flag is refused", args: append(base, "--username", "x.y", "--roles", "finance", "--password", "hunter22"), wantCode: 2,
			wantStderr: "flag provided but not defined: -password"},
		{name: "missing --roles", args: append(base, "--username", "x.y"), stdin: "secret secret\n", wantCode: 2, wantStderr: "canvass: user add needs --roles"},
		{name: "unknown role", args: append(base, "--username", "x.y", "--roles", "mayor"), stdin: "secret secret\n", wantCode: 1,
			wantStderr: "  --roles: unknown role mayor"},
		{name: "short password", args: append(base, "--username", "x.y", "--roles", "finance"), stdin: "short\n", wantCode: 1,
			wantStderr: "  the password: password must have at least 8 characters"},
		{name: "unknown org unit", args: []string{"user", "add", "--db", "sqlite:canvass.db", "--name", "X", "--org", "999999", "--username", "x.y", "--roles", "finance"},
			stdin: "secret secret\n", wantCode: 1, wantStderr: "  --org: unknown org unit 999999"},
		{name: "taken username", args: append(base, "--username", "wang.fang", "--roles", "finance"), stdin: "secret secret\n", wantCode: 1,
			wantStderr: "  --username: username is taken"},
		{name: "missing password file", args: append(base, "--username", "x.y", "--roles", "finance", "--password-file", "nope.txt"), wantCode: 1,
			wantStderr: "canvass: --password-file: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runWithInput(t, dir, tt.stdin, tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstderr: %s", got.code, tt.wantCode, got.stderr)
			}
			if !strings.Contains(got.stdout, tt.wantStdout) {
				t.Errorf("stdout: got %q, want it to contain %q", got.stdout, tt.wantStdout)
			}
			if !strings.Contains(got.stderr, tt.wantStderr) {
				t.Errorf("stderr: got %q, want it to contain %q", got.stderr, tt.wantStderr)
			}
			for _, secret := range []string{"secret from stdin", "from a file", "hunter22"} {
				if strings.Contains(got.stdout+got.stderr, secret) {
					t.Errorf("the output shows the password %q", secret)
				}
			}
		})
	}
	st := openDB(t, filepath.Join(dir, "canvass.db"))
	for _, tt := range tests {
		if tt.wantPassword == "" {
			continue
		}
		var username string
		for i, a := range tt.args {
			if a == "--username" {
				username = tt.args[i+1]
			}
		}
		u, err := st.GetUserByUsername(context.Background(), username)
		if err != nil {
			t.Errorf("%s: %v", username, err)
			continue
		}
		if !engine.VerifyPassword(u.PasswordHash, tt.wantPassword) {
			t.Errorf("%s: the stored password is not %q", username, tt.wantPassword)
		}
	}
	if u, err := st.GetUserByUsername(context.Background(), "wang.fang"); err == nil {
		if got, want := strings.Join(u.Roles, ","), "admin,reviewer"; got != want || u.DisplayName != "王芳" || u.OrgUnit != "370102" {
			t.Errorf("wang.fang: got roles %s, name %s, unit %s", got, u.DisplayName, u.OrgUnit)
		}
	}
}
