package server

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// Every JSON API route is in /api/v1/openapi.json with a written summary,
// and every written summary belongs to a route that exists.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	s, _ := newTestServer(t, openStore(t))
	routes := s.apiRoutes()
	if len(routes) < 40 {
		t.Fatalf("only %d API routes found: %v", len(routes), routes)
	}
	for _, r := range routes {
		if _, ok := apiDocs[r]; !ok {
			t.Errorf("route %s has no entry in apiDocs", r)
		}
	}
	for k := range apiDocs {
		if !slices.Contains(routes, k) {
			t.Errorf("apiDocs has %s, which is not a route", k)
		}
	}
}

func TestOpenAPIDocument(t *testing.T) {
	s, _ := newTestServer(t, openStore(t))
	resp, err := s.App().Test(httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Summary     string                      `json:"summary"`
			OperationID string                      `json:"operationId"`
			Security    *[]any                      `json:"security"`
			Responses   map[string]any              `json:"responses"`
			Parameters  []struct{ Name, In string } `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	submit := doc.Paths["/records"]["post"]
	if submit.Summary == "" || submit.Responses["201"] == nil || submit.Responses["default"] == nil || submit.Security != nil {
		t.Errorf("POST /records: %+v", submit)
	}
	record := doc.Paths["/records/{id}"]["get"]
	if len(record.Parameters) != 1 || record.Parameters[0].Name != "id" || record.Parameters[0].In != "path" {
		t.Errorf("GET /records/{id} parameters: %+v", record.Parameters)
	}
	if login := doc.Paths["/login"]["post"]; login.Security == nil || len(*login.Security) != 0 {
		t.Errorf("POST /login must be marked public (security: []): %+v", login.Security)
	}
	ids := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if ids[op.OperationID] {
				t.Errorf("%s %s: operationId %s used twice", method, path, op.OperationID)
			}
			ids[op.OperationID] = true
		}
	}
}
