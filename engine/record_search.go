package engine

import (
	"context"
	"regexp"
	"strings"
)

// Searching records by what people say on the phone: the short record
// number, an ID number, or a name. Each search reads only the actor's
// scope (ListRecords) and answers masked views.
//
//   - A record number ("12", "No.12", "12号") matches Record.Number in
//     every campaign the actor may pick (one indexed look-up each).
//   - An 18-character ID number matches exactly, through the keyed hash
//     the dedup key holds (Vault.Lookup per campaign): the number itself
//     is never stored or compared in plain text.
//   - Anything else is a part of a name: personal names are encrypted,
//     so the newest nameSearchScan records in scope are decrypted in
//     memory and compared; older ones are not searched by name (the
//     result says so through more).

// nameSearchScan bounds the records one name search decrypts.
const nameSearchScan = 2000

var idNumberPattern = regexp.MustCompile(`^[0-9]{17}[0-9Xx]$`)

// RecordSearch is what FindRecords found.
type RecordSearch struct {
	Kind    string // "number", "id_number" or "name"
	Records []*RecordView
	// More is true when more records may match than were returned (the
	// limit was reached, or a name search stopped at its scan bound).
	More bool
}

// FindRecords finds up to limit records in the actor's scope matching
// text. Returns EINVALID for empty or overlong text.
func (e *Engine) FindRecords(ctx context.Context, a *Actor, text string, limit int) (*RecordSearch, error) {
	if err := a.Require(Roles...); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" || len([]rune(text)) > 40 {
		return nil, &Error{Code: EINVALID, Message: "type a name, an ID number or a record number (at most 40 characters)",
			Fields: []FieldError{{Pointer: "/q", Code: "required", Message: "1 to 40 characters"}}}
	}
	limit = Page{Limit: limit}.Normalize().Limit
	choices, err := e.CampaignChoices(ctx, a, "zh-CN")
	if err != nil {
		return nil, err
	}
	out := &RecordSearch{}
	byFilter := func(f RecordFilter) error {
		if len(out.Records) >= limit {
			out.More = true
			return nil
		}
		views, next, _, err := e.ListRecords(ctx, a, f, Page{Limit: limit - len(out.Records)}, false)
		if err != nil {
			return err
		}
		out.Records = append(out.Records, views...)
		out.More = out.More || next != ""
		return nil
	}
	switch {
	case ParseRecordNumber(text) > 0 && !idNumberPattern.MatchString(text):
		out.Kind = "number"
		n := ParseRecordNumber(text)
		for _, ch := range choices {
			if err := byFilter(RecordFilter{CampaignID: ch.ID, Number: n}); err != nil {
				return nil, err
			}
		}
	case idNumberPattern.MatchString(text):
		out.Kind = "id_number"
		if e.vault == nil {
			return out, nil
		}
		id := strings.ToUpper(text)
		for _, ch := range choices {
			if err := byFilter(RecordFilter{CampaignID: ch.ID, DedupKey: e.vault.Lookup(ch.ID, PIIIDNumber, id)}); err != nil {
				return nil, err
			}
		}
	default:
		out.Kind = "name"
		if err := e.findByName(ctx, a, text, limit, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// findByName decrypts the name fields of the newest records in scope and
// keeps those containing text.
func (e *Engine) findByName(ctx context.Context, a *Actor, text string, limit int, out *RecordSearch) error {
	scope, err := a.NarrowScope("")
	if err != nil {
		return err
	}
	p := Page{Limit: MaxPageLimit, Desc: true}
	scanned := 0
	for {
		page, err := e.store.ListRecords(ctx, RecordFilter{OrgPaths: scope}, p)
		if err != nil {
			return err
		}
		for _, r := range page.Records {
			scanned++
			form, _, err := e.Form(ctx, r.FormID, r.FormVersion)
			if err != nil {
				continue
			}
			match := false
			piiWalk(form.Fields(), cloneAnswers(r.Answers), func(kind string, m map[string]any, key string) {
				if match || kind != PIIName {
					return
				}
				s := m[key].(string)
				if IsEncrypted(s) && e.vault != nil {
					if plain, err := e.vault.Decrypt(kind, s); err == nil {
						s = plain
					}
				}
				match = !IsEncrypted(s) && strings.Contains(s, text)
			})
			if !match {
				continue
			}
			if len(out.Records) == limit {
				out.More = true
				return nil
			}
			v, err := e.view(ctx, a, r, false)
			if err != nil {
				return err
			}
			out.Records = append(out.Records, v)
		}
		if page.Next == "" {
			return nil
		}
		if scanned >= nameSearchScan {
			out.More = true
			return nil
		}
		p.After = page.Next
	}
}
