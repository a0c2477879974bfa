package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"canvass/forms"
)

// piiWalk calls fn for every answered personal field of the form in
// answers (top level, inside sections and in every row of repeat groups),
// with the containing map and key, so fn can replace the value in place.
func piiWalk(fields []*forms.Field, answers map[string]any, fn func(kind string, m map[string]any, key string)) {
	for _, fd := range fields {
		v, ok := answers[fd.Key()]
		if !ok {
			continue
		}
		switch {
		case fd.Type() == "object":
			if m, ok := v.(map[string]any); ok {
				piiWalk(fd.Children(), m, fn)
			}
			continue
		case fd.Type() == "array" && len(fd.Children()) > 0:
			if rows, ok := v.([]any); ok {
				for _, row := range rows {
					if m, ok := row.(map[string]any); ok {
						piiWalk(fd.Children(), m, fn)
					}
				}
			}
			continue
		}
		if fd.PII() != "" {
			if _, isString := v.(string); isString {
				fn(fd.PII(), answers, fd.Key())
			}
		}
	}
}

// cloneAnswers deep-copies decoded JSON answers.
func cloneAnswers(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneAnswers(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	}
	return v
}

// SealAnswers returns a copy of answers with every personal value
// encrypted, and the dedup key: the keyed hash, within the campaign, of
// the record's identifying number (DedupField). Without a vault, a form
// with personal fields is refused rather than stored in plain text.
func (e *Engine) SealAnswers(form *forms.Form, campaignID string, answers map[string]any) (map[string]any, string, error) {
	out := cloneAnswers(answers)
	var dedup string
	if fd := DedupField(form, answers); fd != nil && e.vault != nil {
		v, _ := fd.Value(answers)
		dedup = e.vault.Lookup(campaignID, PIIIDNumber, v.(string))
	}
	var err error
	piiWalk(form.Fields(), out, func(kind string, m map[string]any, key string) {
		if err != nil {
			return
		}
		if e.vault == nil {
			err = Errorf(EUNAVAILABLE, "personal data cannot be stored: no encryption key is configured")
			return
		}
		m[key], err = e.vault.Encrypt(kind, m[key].(string))
	})
	return out, dedup, err
}

// OpenAnswers returns a copy of stored answers with personal values either
// decrypted (reveal) or masked. A value that does not decrypt is masked.
func (e *Engine) OpenAnswers(form *forms.Form, answers map[string]any, reveal bool) map[string]any {
	out := cloneAnswers(answers)
	piiWalk(form.Fields(), out, func(kind string, m map[string]any, key string) {
		s := m[key].(string)
		if IsEncrypted(s) && e.vault != nil {
			if plain, err := e.vault.Decrypt(kind, s); err == nil {
				s = plain
			}
		}
		if !reveal || IsEncrypted(s) {
			s = Mask(kind, s)
		}
		m[key] = s
	})
	return out
}

// ContentHash is RecordContentHash keyed with the vault's lookup key, over
// the plain answers: encryption is randomized, so the same retry must be
// recognised before it, and a keyed hash of answers that hold ID numbers
// must not be guessable from the database alone.
func (e *Engine) ContentHash(r *Record, plain map[string]any) string {
	b, err := json.Marshal(struct {
		C, F string
		O    string
		A    map[string]any
		By   string
		S    string
	}{r.CampaignID, r.FormID, r.OrgUnit, plain, r.CreatedBy, r.State})
	if err != nil {
		panic("engine: answers do not marshal: " + err.Error())
	}
	if e.vault == nil {
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:])
	}
	m := hmac.New(sha256.New, e.vault.macKey)
	m.Write(b)
	return hex.EncodeToString(m.Sum(nil))
}

// keepMaskedPII returns a copy of sent answers in which every personal
// value that equals the mask of the stored value at the same place is
// replaced by the stored value: a client that posts back the masked
// answers it was shown keeps the data instead of storing "周**".
func keepMaskedPII(fields []*forms.Field, sent, stored map[string]any) map[string]any {
	out := cloneAnswers(sent)
	restoreMasked(fields, out, stored)
	return out
}

func restoreMasked(fields []*forms.Field, sent, stored map[string]any) {
	for _, fd := range fields {
		v, ok := sent[fd.Key()]
		if !ok {
			continue
		}
		old := stored[fd.Key()]
		switch {
		case fd.Type() == "object":
			m, ok1 := v.(map[string]any)
			om, ok2 := old.(map[string]any)
			if ok1 && ok2 {
				restoreMasked(fd.Children(), m, om)
			}
		case fd.Type() == "array" && len(fd.Children()) > 0:
			rows, ok1 := v.([]any)
			oldRows, ok2 := old.([]any)
			for i := 0; ok1 && ok2 && i < len(rows) && i < len(oldRows); i++ {
				m, ok1 := rows[i].(map[string]any)
				om, ok2 := oldRows[i].(map[string]any)
				if ok1 && ok2 {
					restoreMasked(fd.Children(), m, om)
				}
			}
		case fd.PII() != "":
			s, ok1 := v.(string)
			os, ok2 := old.(string)
			if ok1 && ok2 && s != os && s == Mask(fd.PII(), os) {
				sent[fd.Key()] = os
			}
		}
	}
}

// DedupField returns the field whose answer identifies the record for
// duplicate detection: the first ID-number field (x-pii id-number) in
// display order, at the top or in any section, that answers hold as text.
// Fields of repeat groups (a child's ID) identify a row, not the record,
// and are passed over. Nil when there is none: the record is never a
// duplicate.
func DedupField(form *forms.Form, answers map[string]any) *forms.Field {
	for _, fd := range form.PIIFields() {
		if fd.PII() != PIIIDNumber || fd.Group() != nil {
			continue
		}
		if v, ok := fd.Value(answers); ok {
			if _, isText := v.(string); isText {
				return fd
			}
		}
	}
	return nil
}
