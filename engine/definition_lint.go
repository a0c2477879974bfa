package engine

import (
	"context"
	"slices"

	"canvass/rules"
)

// LintDefinition lints src as the definition (kind, id) would be linted
// when saved or published, and stores nothing: the studio's source editor
// checks what the author types with it. Authors and admins only. It
// returns the findings and the ID the file declares ("" when it declares
// none or does not load); a declared ID other than id is for the caller to
// report, as SaveDraft would refuse it. Returns EINVALID for an unknown
// kind or an empty file, ETOOLARGE over MaxDefinitionBytes.
func (e *Engine) LintDefinition(ctx context.Context, a *Actor, kind, filename string, src []byte) (ds []rules.Diagnostic, declared string, err error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, "", err
	}
	if !slices.Contains([]string{KindForm, KindWorkflow, KindPayTable, KindCampaign}, kind) {
		return nil, "", Errorf(EINVALID, "unknown definition kind %q", kind)
	}
	if len(src) == 0 {
		return nil, "", Errorf(EINVALID, "the file is empty")
	}
	if len(src) > MaxDefinitionBytes {
		return nil, "", Errorf(ETOOLARGE, "a definition file may have at most %d bytes", MaxDefinitionBytes)
	}
	_, declared, ds = compileDefinition(kind, filename, src)
	return ds, declared, nil
}

// CodeDeclaredID is the field code of SaveDraft's refusal of a file that
// declares another ID than the one it is saved as; the field's message is
// the declared ID.
const CodeDeclaredID = "declared_id"
