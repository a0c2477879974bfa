package engine

import (
	"bytes"
	"context"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"

	"canvass/campaigns"
	"canvass/paytables"
)

// workflowLine finds the campaign's top-level workflow line, after which a
// new pay table is bound.
var workflowLine = regexp.MustCompile(`(?m)^workflow:[^\n]*\n`)

// CreateCampaignPayTable saves src as the first draft of pay table
// payTableID and binds it to the campaign (its paytable key) in a new
// draft of the campaign, whose newest version must have checksum
// campaignBase. The pay table must load without errors. Authors and
// admins who may edit the campaign. Returns EINVALID when src does not
// load or the campaign already has a pay table, ECONFLICT for a stale
// base or a pay table ID already taken, and what SaveDraft returns.
func (e *Engine) CreateCampaignPayTable(ctx context.Context, a *Actor, campaignID, campaignBase, payTableID string, src []byte) error {
	newest, err := e.editableCampaign(ctx, a, campaignID)
	if err != nil {
		return err
	}
	if newest.Checksum != campaignBase {
		who := e.Names(ctx).User(newest.CreatedBy)
		return &Error{Code: ECONFLICT, Message: "campaign " + campaignID + " was changed by " + who + " meanwhile; reload to see their change",
			Fields: []FieldError{{Pointer: "/version", Code: "stale", Message: who}}}
	}
	v, _, _ := compileDefinition(KindCampaign, newest.Filename, newest.Source)
	switch c, _ := v.(*campaigns.Campaign); {
	case c == nil:
		// A file with errors may name a pay table already; binding
		// another would write the key twice.
		return &Error{Code: EINVALID, Message: "the campaign file has errors; fix them first",
			Fields: []FieldError{{Pointer: "/source", Code: "campaign_invalid", Message: "the campaign file has errors; fix them first"}}}
	case c.PayTable() != "":
		return &Error{Code: EINVALID, Message: "the campaign has a pay table already",
			Fields: []FieldError{{Pointer: "/paytable", Code: "exists", Message: c.PayTable()}}}
	}
	if pt, ds := paytables.Load(payTableID+".paytable.yaml", src); pt == nil || pt.ID() != payTableID {
		msg := "the pay table does not load"
		if len(ds) > 0 {
			msg = ds[0].Message
		}
		return &Error{Code: EINVALID, Message: msg, Fields: []FieldError{{Pointer: "/source", Code: "invalid", Message: msg}}}
	}
	campaign, err := bindPayTable(newest.Source, payTableID)
	if err != nil {
		return err
	}
	if _, err := e.SaveDraftBased(ctx, a, KindPayTable, payTableID, payTableID+".paytable.yaml", src, ""); err != nil {
		return err
	}
	_, err = e.SaveDraftBased(ctx, a, KindCampaign, campaignID, newest.Filename, campaign, campaignBase)
	return err
}

// bindPayTable adds "paytable: id" to a campaign file: as a line after
// workflow when there is one, so comments and layout stay, else through
// the ordered map.
func bindPayTable(src []byte, id string) ([]byte, error) {
	if loc := workflowLine.FindIndex(src); loc != nil {
		var b bytes.Buffer
		b.Write(src[:loc[1]])
		b.WriteString("paytable: " + id + "\n")
		b.Write(src[loc[1]:])
		return b.Bytes(), nil
	}
	doc, err := decodeOrdered(src)
	if err != nil {
		return nil, err
	}
	at := len(doc)
	for i, kv := range doc {
		if k, _ := kv.Key.(string); k == "forms" || strings.HasPrefix(k, "workflow") {
			at = i + 1
		}
	}
	doc = append(doc[:at], append(yaml.MapSlice{{Key: "paytable", Value: id}}, doc[at:]...)...)
	return encodeOrdered(doc)
}
