package forms

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

func TestParseJSONMatchesEncodingJSON(t *testing.T) {
	tests := []struct{ name, src string }{
		{"object", `{"a": 1, "b": [true, false, null], "c": {"d": "e"}}`},
		{"numbers", `[0, -0, 1.5, -2e10, 3E-2, 12345678901234567890]`},
		{"escapes", `"\"\\\/\b\f\n\r\t\u4e2d\ud83d\ude00"`},
		{"lone surrogate", `"\ud800x"`},
		{"unicode", `{"姓名": "李雷"}`},
		{"empty containers", `{"a": {}, "b": []}`},
		{"byte-order mark", "\xef\xbb\xbf{\"a\": 1}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := parseJSON([]byte(tt.src))
			if err != nil {
				t.Fatalf("parseJSON: %v", err)
			}
			var want any
			src := []byte(tt.src)
			if src[0] == 0xEF {
				src = src[3:]
			}
			d := json.NewDecoder(bytes.NewReader(src))
			d.UseNumber()
			if err := d.Decode(&want); err != nil {
				t.Fatal(err)
			}
			if got := n.value(); !reflect.DeepEqual(got, want) {
				t.Errorf("value = %#v, want %#v", got, want)
			}
		})
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
	}{
		{"missing comma", "{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3},
		{"trailing comma", `{"a": 1,}`, 1, 9},
		{"unquoted key", `{a: 1}`, 1, 2},
		{"single quotes", `{"a": 'x'}`, 1, 7},
		{"leading zero", `[01]`, 1, 3},
		{"bad escape", `["\x"]`, 1, 3},
		{"control character", "[\"a\tb\"]", 1, 4},
		{"unterminated string", `["abc`, 1, 6},
		{"duplicate key", `{"a": 1, "a": 2}`, 1, 10},
		{"position counts runes", `{"名字": "值" x}`, 1, 12},
		{"nothing", ``, 1, 1},
		{"two documents", `{} {}`, 1, 4},
		{"bad literal", `[tru]`, 1, 2},
		{"invalid UTF-8", "[\"\xc3\x28\"]", 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseJSON([]byte(tt.src))
			se, ok := err.(*jsonSyntaxError)
			if !ok {
				t.Fatalf("err = %v, want a syntax error", err)
			}
			if line, col := lineCol([]byte(tt.src), se.offset); line != tt.line || col != tt.col {
				t.Errorf("at %d:%d, want %d:%d (%s)", line, col, tt.line, tt.col, se.msg)
			}
		})
	}
}

func TestJSONPointers(t *testing.T) {
	src := []byte(`{"a": {"b/c": [10, {"~d": "x"}]}, "e": "f"}`)
	root, err := parseJSON(src)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ptr      string
		wantAt   int // byte offset of the value, -1 when absent
		wantKind jsonKind
	}{
		{"", 0, jsonObject},
		{"/a", 6, jsonObject},
		{"/a/b~1c", 14, jsonArray},
		{"/a/b~1c/0", 15, jsonNumber},
		{"/a/b~1c/1/~0d", 26, jsonString},
		{"/e", 39, jsonString},
		{"/a/b~1c/2", -1, 0},
		{"/a/b~1c/-1", -1, 0},
		{"/x", -1, 0},
		{"/e/0", -1, 0},
		{"a", -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.ptr, func(t *testing.T) {
			n := root.at(tt.ptr)
			if tt.wantAt < 0 {
				if n != nil {
					t.Errorf("at(%q) = %+v, want nil", tt.ptr, n)
				}
				return
			}
			if n == nil || n.start != tt.wantAt || n.kind != tt.wantKind {
				t.Errorf("at(%q) = %+v, want %s at %d", tt.ptr, n, tt.wantKind, tt.wantAt)
			}
		})
	}
	if got, want := joinPointer("/a", "b/c", "~d"), "/a/b~1c/~0d"; got != want {
		t.Errorf("joinPointer = %q, want %q", got, want)
	}
}

func TestStringOffset(t *testing.T) {
	// The literal "a\"中\u6587\nb": decoded bytes a, ", 中 (3), 文 (3), \n, b.
	src := []byte(`x "a\"中\u6587\nb"`)
	tests := []struct {
		decoded int
		wantRaw int
	}{
		{0, 3},   // a
		{1, 4},   // \" — the backslash
		{2, 6},   // 中
		{5, 9},   // \u6587
		{8, 15},  // \n
		{9, 17},  // b
		{10, 18}, // past the end: the closing quote
	}
	for _, tt := range tests {
		if got := stringOffset(src, 2, tt.decoded); got != tt.wantRaw {
			t.Errorf("stringOffset(%d) = %d, want %d", tt.decoded, got, tt.wantRaw)
		}
	}
}

func TestExprOffset(t *testing.T) {
	src := "a +\n  名字 > 1"
	tests := []struct{ line, col, want int }{
		{1, 1, 0},
		{1, 3, 2},
		{2, 1, 4},
		{2, 3, 6},
		{2, 4, 9}, // after the 3-byte 名
		{2, 99, len(src)},
		{9, 1, len(src)},
		{0, 0, 0},
	}
	for _, tt := range tests {
		if got := exprOffset(src, tt.line, tt.col); got != tt.want {
			t.Errorf("exprOffset(%d, %d) = %d, want %d", tt.line, tt.col, got, tt.want)
		}
	}
}

func TestComparePointers(t *testing.T) {
	ptrs := []string{"/b", "/a/10/x", "/a/2/x", "/a", "/a/2", "", "/a/x"}
	want := []string{"", "/a", "/a/2", "/a/2/x", "/a/10/x", "/a/x", "/b"}
	got := append([]string(nil), ptrs...)
	slices.SortFunc(got, comparePointers)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sorted = %v, want %v", got, want)
	}
}
