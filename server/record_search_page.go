package server

import (
	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// inboxSearchLimit is how many records one search shows.
const inboxSearchLimit = 20

// inboxSearch is the inbox's "find a record" box and what it found: by
// name, full ID number (through the keyed hash) or short record number,
// in the reader's scope, through engine.FindRecords.
type inboxSearch struct {
	Query string
	Done  bool
	Error string
	Hits  []searchHit
	More  bool
}

// searchHit is one record found, as people tell records apart.
type searchHit struct {
	ID, Number, Form, Campaign, Unit, State string
	Summary                                 []answerRow
}

// searchInbox runs the ?q= search of the inbox page, if any.
func (s *Server) searchInbox(c fiber.Ctx, a *engine.Actor, p *pageData, names *namer) (*inboxSearch, error) {
	q := c.Query("q")
	out := &inboxSearch{Query: q}
	if q == "" {
		return out, nil
	}
	out.Done = true
	res, err := s.engine.FindRecords(c.Context(), a, q, inboxSearchLimit)
	if err != nil {
		if engine.ErrorCode(err) == engine.EINVALID {
			out.Error = p.T("inbox.search.tip")
			return out, nil
		}
		return nil, err
	}
	out.More = res.More
	for _, v := range res.Records {
		r := v.Record
		hit := searchHit{ID: r.ID, Number: recordNumberText(r), Form: names.formTitle(r), Campaign: names.campaign(r.CampaignID),
			Unit: names.unit(r.OrgUnit), State: names.state(r, r.State)}
		hit.Summary = summaryRows(names.form(r), r.Answers, p.Lang)
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}
