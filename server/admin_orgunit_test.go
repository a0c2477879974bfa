package server

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"canvass/engine"
)

// gb18030 encodes text as Chinese Excel saves a CSV.
func gb18030(t *testing.T, text string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(b, []byte(text)) {
		t.Fatal("the text did not change: it has no Chinese to encode")
	}
	return b
}

// xlsxSheet builds an XLSX file with rows on its first sheet.
func xlsxSheet(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type importReport struct {
	Error struct {
		Code string `json:"code"`
	} `json:"error"`
	Rows     []engine.RowError `json:"rows"`
	Imported int               `json:"imported"`
}

func TestImportOrgUnits(t *testing.T) {
	e := newEnv(t, Config{})
	token := e.apiToken(e.user("district.admin", ownUnit, engine.RoleAdmin))

	tests := []struct {
		name       string
		filename   string
		content    []byte
		noFile     bool
		wantStatus int
		wantCode   string
		wantRows   []engine.RowError // row, column and code only
		wantStored map[string]string // code → name that must be stored after
		wantAbsent []string          // codes that must not be stored after
	}{
		{
			name:     "GB18030 CSV with a bad row: nothing stored",
			filename: "乡镇.csv",
			content: gb18030(t, "代码,名称,上级代码,级别\n"+
				"370102002,西湖镇,370102,乡镇\n"+
				"37010200X,坏代码镇,370102,乡镇\n"+
				"370102002001,湖滨村,370102002,村\n"),
			wantStatus: 422, wantCode: engine.EINVALID,
			wantRows:   []engine.RowError{{Row: 3, Column: "code", Code: "bad_code"}},
			wantAbsent: []string{"370102002", "370102002001"},
		},
		{
			name:     "GB18030 CSV, all good",
			filename: "乡镇.csv",
			content: gb18030(t, "代码,名称,上级代码,级别\n"+
				"370102002,西湖镇,370102,乡镇\n"+
				"370102002001,湖滨村,370102002,村\n"),
			wantStatus: 200,
			wantStored: map[string]string{"370102002": "西湖镇", "370102002001": "湖滨村"},
		},
		{
			name:     "several problems, each reported",
			filename: "units.csv",
			content: []byte("code,name,parent,level\n" +
				"370102003,,370102,township\n" +
				"370102004,北山镇,370102,county\n" +
				"370102005,南山镇,379999,township\n" +
				"370102006,东山镇,370102,township\n" +
				"370102006,东山镇,370102,township\n"),
			wantStatus: 422, wantCode: engine.EINVALID,
			wantRows: []engine.RowError{
				{Row: 2, Column: "name", Code: "bad_name"},
				{Row: 3, Column: "level", Code: "bad_level"},
				{Row: 4, Column: "parent", Code: "unknown_parent"},
				{Row: 6, Column: "code", Code: "duplicate"},
			},
			wantAbsent: []string{"370102003", "370102004", "370102005", "370102006"},
		},
		{
			name:       "a row that cannot be read",
			filename:   "units.csv",
			content:    []byte("code,name,parent,level\n370102007,\"broken,370102,township\n"),
			wantStatus: 422, wantCode: engine.EINVALID,
			wantRows:   []engine.RowError{{Row: 2, Code: "unreadable"}},
			wantAbsent: []string{"370102007"},
		},
		{
			name:     "XLSX",
			filename: "units.xlsx",
			content: xlsxSheet(t, [][]string{
				{"代码", "名称", "上级代码", "级别"},
				{"370102008", "北关街道", "370102", "街道"},
			}),
			wantStatus: 200,
			wantStored: map[string]string{"370102008": "北关街道"},
		},
		{name: "missing column", filename: "units.csv", content: []byte("code,name\n370102009,x\n"), wantStatus: 422, wantCode: engine.EINVALID,
			wantAbsent: []string{"370102009"}},
		{name: "not a sheet", filename: "units.pdf", content: []byte("%PDF-1.7"), wantStatus: 422, wantCode: engine.EINVALID},
		{name: "no file", noFile: true, wantStatus: 422, wantCode: engine.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &multipartBody{field: "file", filename: tt.filename, content: tt.content}
			if tt.noFile {
				body = &multipartBody{fields: map[string]string{"note": "no file here"}}
			}
			res := e.do(req{method: "POST", target: "/api/v1/orgunits/import", header: bearer(token), multipart: body})
			check(t, res, tt.wantStatus, tt.wantCode)
			var got importReport
			if err := json.Unmarshal([]byte(res.body), &got); err != nil {
				t.Fatalf("body %s: %v", res.body, err)
			}
			var gotRows []engine.RowError
			for _, r := range got.Rows {
				if r.Message == "" {
					t.Errorf("row %d has no message", r.Row)
				}
				gotRows = append(gotRows, engine.RowError{Row: r.Row, Column: r.Column, Code: r.Code})
			}
			if !slices.Equal(gotRows, tt.wantRows) {
				t.Errorf("rows: got %+v, want %+v", gotRows, tt.wantRows)
			}
			if tt.wantStatus == 200 && got.Imported != len(tt.wantStored) {
				t.Errorf("imported: got %d, want %d", got.Imported, len(tt.wantStored))
			}
			for code, name := range tt.wantStored {
				u, err := e.store.GetOrgUnit(context.Background(), code)
				if err != nil {
					t.Errorf("unit %s: %v", code, err)
					continue
				}
				if u.Name != name {
					t.Errorf("unit %s name: got %q, want %q", code, u.Name, name)
				}
			}
			for _, code := range tt.wantAbsent {
				if _, err := e.store.GetOrgUnit(context.Background(), code); engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Errorf("unit %s: got %v, want it not stored", code, err)
				}
			}
		})
	}
}
