package engine_test

import (
	"context"
	"strings"
	"testing"

	"canvass/engine"
)

// TestLintDefinition: the source editor's check lints like a save, stores
// nothing, and refuses what a save would refuse before linting.
func TestLintDefinition(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	worker := mustUser(t, e, "worker", "370102001", engine.RoleFieldWorker)
	good := string(readPay(t, "village-review.workflow.yaml"))
	start := "start: "
	i := strings.Index(good, start)
	if i < 0 {
		t.Fatal("the workflow has no start")
	}
	broken := good[:i] + "start: nowhere_at_all\n" + good[i+strings.Index(good[i:], "\n")+1:]

	for _, tc := range []struct {
		name         string
		who          *engine.Actor
		kind, source string
		code         string // the error's, or ""
		findings     bool
		declared     string
	}{
		{name: "a good file", who: author, kind: engine.KindWorkflow, source: good, declared: "village-review"},
		{name: "a broken file", who: author, kind: engine.KindWorkflow, source: broken, findings: true},
		{name: "a field worker", who: worker, kind: engine.KindWorkflow, source: good, code: engine.EFORBIDDEN},
		{name: "an unknown kind", who: author, kind: "sheet", source: good, code: engine.EINVALID},
		{name: "an empty file", who: author, kind: engine.KindWorkflow, source: "", code: engine.EINVALID},
		{name: "an oversized file", who: author, kind: engine.KindWorkflow, source: strings.Repeat("#", engine.MaxDefinitionBytes+1), code: engine.ETOOLARGE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, declared, err := e.LintDefinition(ctx, tc.who, tc.kind, "x.workflow.yaml", []byte(tc.source))
			if got := engine.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if got := len(ds) > 0; got != tc.findings {
				t.Errorf("findings %v, want %v: %v", ds, tc.findings, ds)
			}
			if declared != tc.declared {
				t.Errorf("declared %q, want %q", declared, tc.declared)
			}
		})
	}
	if vs, err := e.Store().ListDefinitions(ctx, engine.DefinitionFilter{Kind: engine.KindWorkflow}); err != nil || len(vs) != 0 {
		t.Errorf("linting stored %d definitions (%v)", len(vs), err)
	}
}
