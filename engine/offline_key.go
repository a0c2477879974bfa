package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"regexp"
)

// offlineDeviceID is the shape of a phone's device ID: a UUID the phone
// made itself (crypto.randomUUID).
var offlineDeviceID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// offlineKeyLabel separates the device keys from every other use of the
// vault's lookup key.
const offlineKeyLabel = "canvass offline device key v1"

// OfflineDeviceKey returns the 32-byte key that unlocks the records a
// field worker's phone keeps offline (package offline's doc and
// docs/offline.md): HMAC-SHA256 under a key derived from the vault's
// lookup key, over the user's ID and the phone's device ID. The phone
// keeps its record key only wrapped by this key, so what it stores is
// unreadable without asking the server again as the same user; the same
// user and device always get the same key, so records queued before a
// session expired open after signing in again. No clock, no session
// enters it: revoking a user (disabling the account) is what stops it.
//
// Returns EFORBIDDEN for roles that do not collect, EINVALID for a device
// ID that is not a lower-case UUID, EUNAVAILABLE when the engine has no
// vault (then nothing personal may be kept on a phone).
func (e *Engine) OfflineDeviceKey(a *Actor, device string) ([]byte, error) {
	if err := a.Require(RoleFieldWorker, RoleAdmin); err != nil {
		return nil, err
	}
	if !offlineDeviceID.MatchString(device) {
		return nil, &Error{Code: EINVALID, Message: "device must be a lower-case UUID",
			Fields: []FieldError{{Pointer: "/device", Code: "bad_device", Message: "device must be a lower-case UUID"}}}
	}
	if e.vault == nil {
		return nil, Errorf(EUNAVAILABLE, "no personal-data key ring: records cannot be kept on phones")
	}
	k := hmac.New(sha256.New, e.vault.macKey)
	k.Write([]byte(offlineKeyLabel))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(a.ID()))
	m.Write([]byte{0})
	m.Write([]byte(device))
	return m.Sum(nil), nil
}
