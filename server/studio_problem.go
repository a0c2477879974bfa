package server

import (
	"strconv"
	"strings"

	"canvass/engine"
	"canvass/rules"
)

// problemDiagnostic is a check's problem as a rules.Diagnostic, so that it
// renders from the code table. A reference the campaign cannot use gets
// the referred file's title as its value ("引用的文件「育龄妇女登记表」还没有
// 发布…"); title names a file of the campaign by kind and ID.
func problemDiagnostic(check *engine.CampaignCheck, pr engine.CampaignProblem, title func(kind, id string) string) rules.Diagnostic {
	d := rules.Diagnostic{Code: pr.Code, Path: pr.Pointer, Line: pr.Line, Col: pr.Col, Message: pr.Message, Args: pr.Args}
	if pr.Code != rules.CodeNotPublished || pr.Kind != engine.KindCampaign || check.Campaign == nil {
		return d
	}
	kind, id := "", ""
	switch p := pr.Pointer; {
	case p == "/workflow":
		kind, id = engine.KindWorkflow, check.Campaign.Workflow()
	case p == "/paytable":
		kind, id = engine.KindPayTable, check.Campaign.PayTable()
	case strings.HasPrefix(p, "/forms/"):
		forms := check.Campaign.Forms()
		if i, err := strconv.Atoi(strings.TrimPrefix(p, "/forms/")); err == nil && i >= 0 && i < len(forms) {
			kind, id = engine.KindForm, forms[i]
		}
	}
	if id != "" {
		d.Args = map[string]string{"value": title(kind, id)}
	}
	return d
}
