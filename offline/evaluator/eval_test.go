package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestHandle(t *testing.T) {
	src, err := os.ReadFile("../../forms/testdata/household.form.json")
	if err != nil {
		t.Fatal(err)
	}
	load, _ := json.Marshal(map[string]any{"op": "load", "key": "hh@1", "source": string(src)})
	tests := []struct {
		name      string
		request   string
		wantError string // part of the reply's error; "" for a state
	}{
		{name: "load", request: string(load)},
		{name: "evaluate", request: `{"op":"evaluate","key":"hh@1","answers":{},"refTime":"2026-12-06T00:00:00+08:00","lang":"zh-CN"}`},
		{name: "unknown form", request: `{"op":"evaluate","key":"nope","answers":{}}`, wantError: "form not loaded"},
		{name: "bad JSON", request: `{"op":`, wantError: "bad request"},
		{name: "unknown op", request: `{"op":"delete"}`, wantError: "unknown op"},
		{name: "form that does not load", request: `{"op":"load","key":"x","source":"{"}`, wantError: "does not load"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rep reply
			if err := json.Unmarshal(handle([]byte(tc.request)), &rep); err != nil {
				t.Fatal(err)
			}
			if tc.wantError == "" {
				if rep.Error != "" || rep.State == nil || rep.State.Errors == nil {
					t.Fatalf("got %+v, want a state with an error list", rep)
				}
				return
			}
			if !strings.Contains(rep.Error, tc.wantError) {
				t.Errorf("error %q, want it to contain %q", rep.Error, tc.wantError)
			}
		})
	}
	if loaded["hh@1"] == nil {
		t.Error("the household form is not kept after load")
	}
}
