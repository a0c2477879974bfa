package studio

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"

	"canvass/forms"
)

// WorkflowIDFor is the ID the designer gives a new workflow of campaign
// campaignID: <campaign>-review, then -review-2, -review-3… when taken.
func WorkflowIDFor(campaignID string, attempt int) string {
	base := campaignID
	if len(base) > 50 {
		base = strings.Trim(base[:50], "-")
	}
	if attempt == 0 {
		return base + "-review"
	}
	return fmt.Sprintf("%s-review-%d", base, attempt+1)
}

// LinkCampaignWorkflow returns the campaign file with its workflow key set
// to id, every other key kept in its order (the campaign file is decoded
// into an ordered map, as the studio's 基本信息 does; comments are lost).
func LinkCampaignWorkflow(src []byte, id string) ([]byte, error) {
	var doc yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(src, &doc, yaml.UseOrderedMap()); err != nil {
		return nil, problemAt("/workflow", CodeWorkflowSyntax, firstLine(err.Error())).err(forms.LangZH)
	}
	set := false
	for i := range doc {
		if k, _ := doc[i].Key.(string); k == "workflow" {
			doc[i].Value, set = id, true
		}
	}
	if !set {
		at := len(doc)
		for i := range doc {
			if k, _ := doc[i].Key.(string); k == "forms" {
				at = i + 1
			}
		}
		doc = append(doc[:at], append(yaml.MapSlice{{Key: "workflow", Value: id}}, doc[at:]...)...)
	}
	return yaml.MarshalWithOptions(doc, yaml.Flow(false))
}
