package engine

import (
	"context"
	"errors"
	"strings"
	"time"

	"canvass/rules"
)

// userRevealRoles may see a user's ID number and mobile in full: finance
// pays people against their ID number (the 劳务报酬发放表), admins keep
// the directory. Everyone else sees them masked. Every reveal is audited.
var userRevealRoles = []string{RoleFinance, RoleAdmin}

// MayRevealUserPersonal reports whether the actor's role may see users'
// ID numbers and mobiles in full (each reveal audited).
func MayRevealUserPersonal(a *Actor) bool { return a != nil && a.Has(userRevealRoles...) }

// UserPersonal is a user's personal data as a reader sees it: plain when
// revealed, masked otherwise; "" when none is stored.
type UserPersonal struct {
	IDNumber string
	Mobile   string
}

// idNumberCodes names each way an ID number can be wrong, as the field
// error code of /idNumber (the pages say it in Chinese).
var idNumberCodes = []struct {
	err  error
	code string
}{
	{rules.ErrIDLength, "length"},
	{rules.ErrIDChars, "chars"},
	{rules.ErrIDLowerX, "chars"},
	{rules.ErrIDCheckDigit, "check_digit"},
	{rules.ErrIDBirthDate, "birth_date"},
	{rules.ErrIDFutureBirth, "future_birth"},
}

// normalizeUserPersonal trims the values and upper-cases the ID number's
// check character, then checks them: an ID number must be a valid
// resident ID (GB 11643 check digit, a real birth date not after now), a
// mobile a mainland mobile number. Empty values are fine (none stored).
func normalizeUserPersonal(p UserPersonal, now time.Time) (UserPersonal, []FieldError) {
	p.IDNumber = strings.ToUpper(strings.TrimSpace(p.IDNumber))
	p.Mobile = strings.TrimSpace(p.Mobile)
	var fields []FieldError
	if p.IDNumber != "" {
		if _, err := rules.ParseResidentID(p.IDNumber, now); err != nil {
			code := "invalid"
			for _, c := range idNumberCodes {
				if errors.Is(err, c.err) {
					code = c.code
				}
			}
			fields = append(fields, FieldError{Pointer: "/idNumber", Code: code, Message: err.Error()})
		}
	}
	if p.Mobile != "" && !rules.ValidMobile(p.Mobile) {
		fields = append(fields, FieldError{Pointer: "/mobile", Code: "pattern", Message: "an 11-digit mainland mobile number starting 13–19"})
	}
	return p, fields
}

// sealUserPersonal stores p in u encrypted (an empty value clears it).
// Without a vault, personal data is refused rather than stored in plain
// text.
func (e *Engine) sealUserPersonal(u *User, p UserPersonal) error {
	seal := func(kind, plain string) (string, error) {
		if plain == "" {
			return "", nil
		}
		if e.vault == nil {
			return "", Errorf(EUNAVAILABLE, "personal data cannot be stored: no encryption key is configured")
		}
		return e.vault.Encrypt(kind, plain)
	}
	var err error
	if u.SealedIDNumber, err = seal(PIIIDNumber, p.IDNumber); err != nil {
		return err
	}
	u.SealedMobile, err = seal(PIIPhone, p.Mobile)
	return err
}

// openUserPersonal returns u's personal data in full or masked. A value
// that does not decrypt (no vault, a lost key) is masked to stars.
func (e *Engine) openUserPersonal(u *User, reveal bool) UserPersonal {
	open := func(kind, sealed string) string {
		if sealed == "" {
			return ""
		}
		s := sealed
		if e.vault != nil {
			if plain, err := e.vault.Decrypt(kind, sealed); err == nil {
				s = plain
			}
		}
		if !reveal || IsEncrypted(s) {
			return Mask(kind, s)
		}
		return s
	}
	return UserPersonal{IDNumber: open(PIIIDNumber, u.SealedIDNumber), Mobile: open(PIIPhone, u.SealedMobile)}
}

// MaskedUserPersonal returns u's personal data masked, for lists and
// forms; reading it needs no role and is not audited.
func (e *Engine) MaskedUserPersonal(u *User) UserPersonal { return e.openUserPersonal(u, false) }

// UserForAdmin returns a user for an admin's page: admins whose scope
// covers the user. Returns EFORBIDDEN for other roles, ENOTFOUND for a
// user outside the scope.
func (e *Engine) UserForAdmin(ctx context.Context, a *Actor, userID string) (*User, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	return e.scopedUser(ctx, a, userID)
}

// scopedUser returns the user if it lies in the actor's scope, else
// ENOTFOUND.
func (e *Engine) scopedUser(ctx context.Context, a *Actor, userID string) (*User, error) {
	u, err := e.store.GetUser(ctx, userID)
	if err != nil || !a.Sees(u.OrgPath) {
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		return nil, Errorf(ENOTFOUND, "user not found")
	}
	return u, nil
}

// RevealUserPersonal returns a user's ID number and mobile in full and
// audits the reveal (pii.reveal of the user). Finance and admins whose
// scope covers the user. Returns EFORBIDDEN for other roles, ENOTFOUND for
// a user outside the scope.
func (e *Engine) RevealUserPersonal(ctx context.Context, a *Actor, userID string) (*User, UserPersonal, error) {
	if err := a.Require(userRevealRoles...); err != nil {
		return nil, UserPersonal{}, err
	}
	u, err := e.scopedUser(ctx, a, userID)
	if err != nil {
		return nil, UserPersonal{}, err
	}
	p := e.openUserPersonal(u, true)
	if p == (UserPersonal{}) {
		return u, p, nil // nothing stored, nothing revealed
	}
	return u, p, e.Audit(ctx, a, "pii.reveal", "user", u.ID, u.OrgPath, map[string]any{"purpose": "directory"})
}

// SetUserPersonal stores a user's ID number and mobile, encrypted. version
// is the user's version the admin's page showed: a user changed since
// answers ECONFLICT, unless the values sent are those stored now (a double
// click). A value equal to the stored one, or to its mask (the
// page shows the mask and posts it back), keeps the stored value; an
// empty value clears it. It is audited (user.personal) naming what
// changed, never the values. Admins whose scope covers the user. Returns
// EINVALID with /idNumber or /mobile field errors, ENOTFOUND for a user
// outside the scope, EUNAVAILABLE without an encryption key.
func (e *Engine) SetUserPersonal(ctx context.Context, a *Actor, userID string, version int64, p UserPersonal) (*User, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	u, err := e.scopedUser(ctx, a, userID)
	if err != nil {
		return nil, err
	}
	next, changed, err := e.planUserPersonal(u, p)
	if err != nil {
		return nil, err
	}
	if len(changed) == 0 {
		// Nothing to save, whatever the version: a second click of the
		// same form, or a colleague who saved the same numbers first.
		return u, nil
	}
	if version != u.Version {
		return nil, Errorf(ECONFLICT, "the user was changed by someone else (version %d, not %d)", u.Version, version)
	}
	next.UpdatedAt = e.Now()
	saved, err := e.store.UpdateUser(ctx, next)
	if ErrorCode(err) == ECONFLICT {
		// Someone saved between our read and our write: the clicks of a
		// double click race each other. If what is stored now is what we
		// were sent, ours is done; otherwise it is a true conflict.
		now, gerr := e.scopedUser(ctx, a, userID)
		if gerr != nil {
			return nil, gerr
		}
		if _, still, perr := e.planUserPersonal(now, p); perr == nil && len(still) == 0 {
			return now, nil
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	return saved, e.Audit(ctx, a, "user.personal", "user", u.ID, u.OrgPath, changed)
}

// planUserPersonal returns u with the personal data p sealed in, and what
// that changes (for the audit: which values, and whether each is now set);
// nothing when p holds what u has. A value equal to the stored one, or to
// its mask (the page shows the mask and posts it back), keeps the stored
// ciphertext: encryption is randomized, so sealing it again would look
// like a change. Returns EINVALID with field errors.
func (e *Engine) planUserPersonal(u *User, p UserPersonal) (*User, map[string]any, error) {
	masked, plain := e.openUserPersonal(u, false), e.openUserPersonal(u, true)
	keep := func(sent, masked, plain string, normalize func(string) string) bool {
		sent = strings.TrimSpace(sent)
		return plain != "" && (sent == masked || normalize(sent) == plain)
	}
	keepID := keep(p.IDNumber, masked.IDNumber, plain.IDNumber, strings.ToUpper)
	keepMobile := keep(p.Mobile, masked.Mobile, plain.Mobile, func(s string) string { return s })
	if keepID {
		p.IDNumber = ""
	}
	if keepMobile {
		p.Mobile = ""
	}
	p, fields := normalizeUserPersonal(p, e.Now())
	if len(fields) > 0 {
		return nil, nil, &Error{Code: EINVALID, Message: "the personal data cannot be saved", Fields: fields}
	}
	next := *u
	if err := e.sealUserPersonal(&next, p); err != nil {
		return nil, nil, err
	}
	if keepID {
		next.SealedIDNumber = u.SealedIDNumber
	}
	if keepMobile {
		next.SealedMobile = u.SealedMobile
	}
	changed := map[string]any{}
	if next.SealedIDNumber != u.SealedIDNumber {
		changed["idNumber"] = next.SealedIDNumber != ""
	}
	if next.SealedMobile != u.SealedMobile {
		changed["mobile"] = next.SealedMobile != ""
	}
	return &next, changed, nil
}

// PayrollIDNumbers returns the ID numbers of the paid users (by user ID)
// for the 劳务报酬发放表 of campaignID: in full when the actor may reveal
// (finance, admin) and the user lies in the actor's scope, masked
// otherwise; users without an ID number are absent. A sheet with any full
// number is audited as one pii.reveal of the campaign naming how many
// people it shows (people) and detail (period, format …); revealed
// reports whether it was.
func (e *Engine) PayrollIDNumbers(ctx context.Context, a *Actor, campaignID string, userIDs []string, detail map[string]any) (ids map[string]string, revealed bool, err error) {
	reveal := MayRevealUserPersonal(a)
	ids = map[string]string{}
	people := 0
	for _, id := range userIDs {
		if _, seen := ids[id]; seen {
			continue
		}
		u, err := e.store.GetUser(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		full := reveal && a.Sees(u.OrgPath)
		if p := e.openUserPersonal(u, full); p.IDNumber != "" {
			ids[id] = p.IDNumber
			if full && !IsMasked(p.IDNumber) {
				people++
			}
		}
	}
	if people == 0 {
		return ids, false, nil
	}
	d := map[string]any{"purpose": "payroll", "people": people}
	for k, v := range detail {
		d[k] = v
	}
	return ids, true, e.Audit(ctx, a, "pii.reveal", "campaign", campaignID, a.User.OrgPath, d)
}

// IsMasked reports whether a shown value is a mask (holds a star): an ID
// number or mobile never does.
func IsMasked(s string) bool { return strings.Contains(s, "*") }
