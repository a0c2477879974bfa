package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"canvass/engine/tabular"
)

// tableRow is one import or export run in a child process.
type tableRow struct {
	name    string
	rows    int
	took    time.Duration
	peakRSS int64 // bytes, the child's VmHWM
	target  bool  // the import target applies
}

// childResult is what a child prints on stdout as JSON.
type childResult struct {
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`
	VmHWMKB int64   `json:"vmhwm_kb"`
}

// childFlag marks a re-executed child: "-child <task> <file> [rows]". It
// is read before the flags (and by bench_test.go's TestMain), so it never
// shows in the usage.
const childFlag = "-child"

// xlsxImportRows caps the XLSX import: excelize reads a few thousand rows
// a second, so a million would take minutes. A village's spreadsheet has
// hundreds of rows; the million-row imports are CSV.
const xlsxImportRows = 100_000

// measureTables writes a CSV of the registry kind people import, then, each
// in its own child process: imports it, exports as many rows to XLSX and
// to CSV, and imports an XLSX back. The input files are written by this
// process and not timed.
func measureTables(ctx context.Context, _ *backend, cfg config, r *report, progress func(string, ...any)) error {
	n := cfg.sizes.tableRows
	csvPath := filepath.Join(cfg.dir, "registry.csv")
	if err := writeRegistryCSV(csvPath, n); err != nil {
		return err
	}
	xlsxPath := filepath.Join(cfg.dir, "export.xlsx")
	xlsxIn, xlsxInRows := xlsxPath, min(n, xlsxImportRows)
	if xlsxInRows < n {
		xlsxIn = filepath.Join(cfg.dir, "registry.xlsx")
		if _, err := exportFile(xlsxIn, xlsxInRows, tabular.NewXLSX); err != nil {
			return err
		}
	}
	tasks := []struct {
		name, task, file string
		rows             int
		target           bool
	}{
		{"import CSV (tabular.Open, Next)", "import", csvPath, n, true},
		{"export XLSX (tabular.NewXLSX)", "export-xlsx", xlsxPath, n, false},
		{"export CSV (tabular.NewCSV)", "export-csv", filepath.Join(cfg.dir, "export.csv"), n, false},
		{"import XLSX (tabular.Open, Next)", "import", xlsxIn, xlsxInRows, false},
	}
	for _, t := range tasks {
		res, err := runChild(ctx, t.task, t.file, t.rows)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		if res.Rows != t.rows {
			return fmt.Errorf("%s: %d rows, want %d", t.name, res.Rows, t.rows)
		}
		row := tableRow{name: t.name, rows: res.Rows, took: time.Duration(res.Seconds * float64(time.Second)), peakRSS: res.VmHWMKB << 10, target: t.target}
		progress("%s: %d rows in %.1fs, peak RSS %d MB", t.name, row.rows, row.took.Seconds(), row.peakRSS>>20)
		r.tables = append(r.tables, row)
	}
	return nil
}

// runChild re-executes this binary for one task and reads its result. The
// peak RSS is what the child read from /proc/self/status at its end. The
// rusage of the child is only the fallback: on Linux its ru_maxrss also
// counts the memory of this process, which the child shared between fork
// and exec.
func runChild(ctx context.Context, task, file string, rows int) (*childResult, error) {
	cmd := exec.CommandContext(ctx, os.Args[0], childFlag, task, file, strconv.Itoa(rows))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var res childResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("child said %q: %w", stdout.String(), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && res.VmHWMKB == 0 {
		res.VmHWMKB = ru.Maxrss // kilobytes on Linux
	}
	return &res, nil
}

// runChildIfAsked runs the child task named on the command line, if any,
// and reports whether it did (the process should then end).
func runChildIfAsked() bool {
	if len(os.Args) < 2 || os.Args[1] != childFlag {
		return false
	}
	if err := runChildTask(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		os.Exit(1)
	}
	return true
}

func runChildTask(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("want: %s task file rows", childFlag)
	}
	task, file := args[0], args[1]
	n, err := strconv.Atoi(args[2])
	if err != nil {
		return err
	}
	start := time.Now()
	var rows int
	switch task {
	case "import":
		rows, err = importFile(file)
	case "export-xlsx":
		rows, err = exportFile(file, n, tabular.NewXLSX)
	case "export-csv":
		rows, err = exportFile(file, n, tabular.NewCSV)
	default:
		err = fmt.Errorf("unknown task %q", task)
	}
	if err != nil {
		return err
	}
	res := childResult{Rows: rows, Seconds: time.Since(start).Seconds(), VmHWMKB: vmHWM()}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// vmHWM is this process's peak resident set size in kilobytes, from
// /proc/self/status (0 where there is none).
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
			return kb
		}
	}
	return 0
}

// importFile reads every row of file and touches every cell, as an
// importer mapping columns would.
func importFile(file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rd, err := tabular.Open(file, f)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	if len(rd.Header()) != len(registryHeader) {
		return 0, fmt.Errorf("header %q", rd.Header())
	}
	rows, cells := 0, 0
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rows, err
		}
		rows++
		for _, c := range rec {
			cells += len(c)
		}
	}
	if cells == 0 {
		return rows, errors.New("no cells read")
	}
	return rows, rd.Close()
}

// exportFile writes n registry rows to file with the writer made by mk.
func exportFile(file string, n int, mk func(io.Writer) tabular.Writer) (int, error) {
	f, err := os.Create(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := mk(bw)
	if err := w.Sheet("登记表", registryHeader); err != nil {
		return 0, err
	}
	row := make([]any, len(registryHeader))
	for i := range n {
		registryRow(i, row)
		if err := w.Write(row); err != nil {
			return i, err
		}
	}
	if err := w.Close(); err != nil {
		return n, err
	}
	if err := bw.Flush(); err != nil {
		return n, err
	}
	return n, f.Close()
}

// registryHeader is a migrant-population registry as a village exports it.
var registryHeader = []string{"序号", "姓名", "公民身份号码", "性别", "出生日期", "户籍地", "现住址", "联系电话", "流动类型", "离开户籍地日期", "核查结果", "备注"}

var (
	flowKinds = []string{"流出", "流入", "不计入"}
	checks    = []string{"已核实", "待核实", "信息有误"}
	streets   = []string{"青石路", "柳河街", "东坡巷", "北岗路", "南门街"}
)

// registryRow fills row with registry row i: numbers, text, a date.
func registryRow(i int, row []any) {
	birth := time.Date(1960+i%45, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
	sex := "女"
	if i%2 == 1 {
		sex = "男"
	}
	row[0] = i + 1
	row[1] = familyNames[i%len(familyNames)] + givenNames[(i/7)%len(givenNames)]
	row[2] = residentID(birth, i)
	row[3] = sex
	row[4] = birth.Format("2006-01-02")
	row[5] = "示例省示例市示例区第" + strconv.Itoa(1+i%townships) + "镇"
	row[6] = streets[i%len(streets)] + strconv.Itoa(1+i%300) + "号"
	row[7] = fmt.Sprintf("139%08d", (i*7919)%100_000_000)
	row[8] = flowKinds[i%len(flowKinds)]
	row[9] = time.Date(2026, time.Month(1+i%11), 1+i%28, 0, 0, 0, 0, time.UTC)
	row[10] = checks[i%len(checks)]
	row[11] = ""
	if i%10 == 0 {
		row[11] = "外出务工，已电话联系本人"
	}
}

// writeRegistryCSV writes the CSV that the import reads, with the CSV
// writer people's spreadsheets produce (UTF-8 with BOM, CRLF).
func writeRegistryCSV(path string, n int) error {
	_, err := exportFile(path, n, tabular.NewCSV)
	return err
}
