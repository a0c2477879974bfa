package server

import (
	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// inboxJSON is one page of the caller's open tasks with the counts of all
// that match the filter: total, and how many of them are overdue.
type inboxJSON struct {
	Records []recordJSON `json:"records"`
	Next    string       `json:"next,omitempty"`
	Total   int64        `json:"total"`
	Overdue int64        `json:"overdue"`
}

// inboxPage is what an inbox query found.
type inboxResult struct {
	views          []*engine.RecordView
	next           string
	total, overdue int64
}

// inbox returns one page of the open tasks the actor may act on, with
// the counts. Returns EINVALID for a bad query, ENOTFOUND for an org unit
// outside the actor's scope.
func (s *Server) inbox(c fiber.Ctx, a *engine.Actor, q recordQuery) (*inboxResult, error) {
	f, p, err := s.recordFilter(c, a, q, true)
	if err != nil {
		return nil, err
	}
	views, next, total, err := s.engine.Inbox(c.Context(), a, f, p, true)
	if err != nil {
		return nil, err
	}
	res := &inboxResult{views: views, next: next, total: total, overdue: total}
	if !q.Overdue {
		f.DueBefore = s.engine.Now()
		if _, _, res.overdue, err = s.engine.Inbox(c.Context(), a, f, engine.Page{Limit: 1}, true); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// apiInbox answers GET /api/v1/inbox: the caller's open tasks, masked,
// keyset-paged, with counts.
func (s *Server) apiInbox(c fiber.Ctx) error {
	a := actorOf(c)
	q, err := recordQueryOf(c)
	if err != nil {
		return err
	}
	res, err := s.inbox(c, a, q)
	if err != nil {
		return err
	}
	now := s.engine.Now()
	out := inboxJSON{Records: make([]recordJSON, 0, len(res.views)), Next: res.next, Total: res.total, Overdue: res.overdue}
	for _, v := range res.views {
		out.Records = append(out.Records, toRecordJSON(v, now, nil))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}
