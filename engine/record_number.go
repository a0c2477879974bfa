package engine

import (
	"context"
	"strconv"
	"strings"
)

// numberRecord gives r its campaign's next short number (Record.Number)
// when it is submitted and has none yet: at its first submission (Submit,
// or the submit action that takes a draft — or a record stored before
// numbers existed — into the workflow). Other writes (timers, reviews,
// pay) never draw a number, so they add no write to a shared counter.
func (e *Engine) numberRecord(ctx context.Context, r *Record) error {
	if !needsNumber(r) {
		return nil
	}
	n, err := e.store.NextRecordNumber(ctx, r.CampaignID)
	if err != nil {
		return err
	}
	r.Number = n
	return nil
}

// needsNumber reports whether numberRecord would draw r a number.
func needsNumber(r *Record) bool {
	if r.Number != 0 || r.State == StateDraft || r.CampaignID == "" {
		return false
	}
	n := len(r.History)
	return n == 0 || r.History[n-1].Action == "submit"
}

// ParseRecordNumber reads a short record number as people type it: "12",
// "No.12", "#12", "12号". It returns 0 for anything else.
func ParseRecordNumber(s string) int64 {
	s = strings.TrimSpace(s)
	for _, p := range []string{"No.", "no.", "NO.", "No", "#", "＃", "第"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "号"), "條"))
	if s == "" || len(s) > 12 {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
