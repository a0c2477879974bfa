package engine

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kinds of personal data a form field can be marked with (x-pii).
const (
	PIIIDNumber = "id-number"
	PIIPhone    = "phone"
	PIIName     = "name"
)

// piiPrefix marks an encrypted value inside answers, so code that meets a
// string can tell ciphertext from plain text.
const piiPrefix = "enc:v1:"

// Vault encrypts personal data at rest (AES-256-GCM) and makes keyed
// HMAC-SHA256 lookups for search and dedup without decrypting.
//
// Keys come from a key file (or the same text in an environment variable),
// one key a line: "<key-id> <base64 of 32 bytes>". The first key encrypts;
// every key decrypts, so rotation is: put a new key on the first line,
// restart, then re-encrypt at leisure; drop an old key only once nothing is
// encrypted with it. The line "hmac <base64 of 32 bytes>" holds the lookup
// key. It cannot rotate without recomputing every lookup value, so it is
// kept apart from the encryption keys. Lines starting with # are comments.
type Vault struct {
	current string
	aeads   map[string]cipher.AEAD
	macKey  []byte
}

// ParseVault reads a key file's text. Returns EINVALID naming the line of a
// malformed key, or when no encryption key or no hmac key is present.
func ParseVault(text []byte) (*Vault, error) {
	v := &Vault{aeads: map[string]cipher.AEAD{}}
	sc := bufio.NewScanner(bytes.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, b64, ok := strings.Cut(line, " ")
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if !ok || err != nil || len(key) != 32 || strings.ContainsAny(id, ": ") {
			return nil, Errorf(EINVALID, "key file line %d: want \"<key-id> <base64 of 32 bytes>\"", n)
		}
		if id == "hmac" {
			v.macKey = key
			continue
		}
		if _, dup := v.aeads[id]; dup {
			return nil, Errorf(EINVALID, "key file line %d: key id %q appears twice", n, id)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, WrapError(EINVALID, fmt.Sprintf("key file line %d: bad key", n), err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, WrapError(EINVALID, fmt.Sprintf("key file line %d: bad key", n), err)
		}
		v.aeads[id] = aead
		if v.current == "" {
			v.current = id
		}
	}
	if v.current == "" {
		return nil, Errorf(EINVALID, "key file has no encryption key")
	}
	if v.macKey == nil {
		return nil, Errorf(EINVALID, "key file has no \"hmac\" lookup key")
	}
	return v, nil
}

// NewVaultKeyFile returns the text of a fresh key file with one encryption
// key (id "k1") and a lookup key.
func NewVaultKeyFile() []byte {
	k := func() string {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic("engine: no randomness: " + err.Error())
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	return fmt.Appendf(nil, "# Canvass personal-data keys. Keep this file secret and backed up.\nk1 %s\nhmac %s\n", k(), k())
}

// Encrypt returns the ciphertext form of a personal value of the given
// kind. The kind is bound into the ciphertext, so a value cannot be moved
// to a field of another kind.
func (v *Vault) Encrypt(kind, plain string) (string, error) {
	aead := v.aeads[v.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", WrapError(EINTERNAL, "cannot encrypt", err)
	}
	sealed := aead.Seal(nonce, nonce, []byte(plain), []byte(kind))
	return piiPrefix + v.current + ":" + base64.RawStdEncoding.EncodeToString(sealed), nil
}

// Decrypt returns the plain value of a ciphertext made by Encrypt with any
// key of the vault. Returns EINVALID for text that is not such a
// ciphertext or fails authentication.
func (v *Vault) Decrypt(kind, enc string) (string, error) {
	rest, ok := strings.CutPrefix(enc, piiPrefix)
	id, b64, ok2 := strings.Cut(rest, ":")
	aead := v.aeads[id]
	if !ok || !ok2 || aead == nil {
		return "", Errorf(EINVALID, "not an encrypted value of this vault")
	}
	sealed, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(sealed) < aead.NonceSize() {
		return "", Errorf(EINVALID, "not an encrypted value of this vault")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(kind))
	if err != nil {
		return "", Errorf(EINVALID, "encrypted value fails authentication")
	}
	return string(plain), nil
}

// SealBytes encrypts a blob of personal data (a chunk of an uploaded list)
// with the current key. aad names the blob's place (a job and chunk
// number): the same aad must open it, so a blob cannot be swapped for
// another. The result is binary: the prefix and key ID of Encrypt's text
// form, then the nonce and the sealed bytes, 40 bytes or so longer than
// plain, so that half-megabyte chunks do not grow by a third in base64.
func (v *Vault) SealBytes(aad string, plain []byte) ([]byte, error) {
	aead := v.aeads[v.current]
	head := piiPrefix + v.current + ":"
	out := make([]byte, len(head)+aead.NonceSize(), len(head)+aead.NonceSize()+len(plain)+aead.Overhead())
	copy(out, head)
	nonce := out[len(head):]
	if _, err := rand.Read(nonce); err != nil {
		return nil, WrapError(EINTERNAL, "cannot encrypt", err)
	}
	return aead.Seal(out, nonce, plain, []byte(aad)), nil
}

// OpenBytes returns the plain bytes of a blob sealed by SealBytes with any
// key of the vault and the same aad. Returns EINVALID for bytes that are
// not such a blob (plain bytes among them) or fail authentication.
func (v *Vault) OpenBytes(aad string, sealed []byte) ([]byte, error) {
	rest, ok := bytes.CutPrefix(sealed, []byte(piiPrefix))
	id, body, ok2 := bytes.Cut(rest, []byte(":"))
	aead := v.aeads[string(id)]
	if !ok || !ok2 || aead == nil || len(body) < aead.NonceSize()+aead.Overhead() {
		return nil, Errorf(EINVALID, "not an encrypted blob of this vault")
	}
	plain, err := aead.Open(nil, body[:aead.NonceSize()], body[aead.NonceSize():], []byte(aad))
	if err != nil {
		return nil, Errorf(EINVALID, "encrypted blob fails authentication")
	}
	return plain, nil
}

// Lookup returns the keyed hash used to find or deduplicate a personal
// value without decrypting. scope separates namespaces (a campaign ID for
// dedup within a campaign).
func (v *Vault) Lookup(scope, kind, plain string) string {
	m := hmac.New(sha256.New, v.macKey)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(strings.ToUpper(strings.TrimSpace(plain))))
	return hex.EncodeToString(m.Sum(nil))
}

// IsEncrypted reports whether s is a vault ciphertext.
func IsEncrypted(s string) bool { return strings.HasPrefix(s, piiPrefix) }

// Mask hides most of a personal value of the given kind:
// ID numbers keep the first 4 and last 4 characters (3701**********1234),
// phones the first 3 and last 4 (138****0000), names the first character
// (张**). Other or short values are fully starred. Ciphertext masks to
// stars: it must never be shown, even scrambled.
func Mask(kind, plain string) string {
	if IsEncrypted(plain) {
		return "****"
	}
	n := utf8.RuneCountInString(plain)
	r := []rune(plain)
	keep := func(head, tail int) string {
		if n <= head+tail {
			return strings.Repeat("*", n)
		}
		return string(r[:head]) + strings.Repeat("*", n-head-tail) + string(r[n-tail:])
	}
	switch kind {
	case PIIIDNumber:
		return keep(4, 4)
	case PIIPhone:
		return keep(3, 4)
	case PIIName:
		if n <= 1 {
			return strings.Repeat("*", n)
		}
		return string(r[:1]) + strings.Repeat("*", n-1)
	}
	return strings.Repeat("*", n)
}
