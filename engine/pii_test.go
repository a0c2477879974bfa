package engine_test

import (
	"bytes"
	"strings"
	"testing"

	"canvass/engine"
)

func mustVault(t *testing.T) *engine.Vault {
	t.Helper()
	v, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVaultRoundTripAndRotation(t *testing.T) {
	old := engine.NewVaultKeyFile()
	v1, err := engine.ParseVault(old)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := v1.Encrypt(engine.PIIIDNumber, "37010219900101123X")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(enc, "37010219900101123X") || !engine.IsEncrypted(enc) {
		t.Fatalf("ciphertext %q leaks or lacks its prefix", enc)
	}
	// Rotation: a new key goes first, the old one stays to decrypt.
	lines := strings.Split(string(old), "\n")
	var oldKey, hmacLine string
	for _, l := range lines {
		if strings.HasPrefix(l, "k1 ") {
			oldKey = l
		}
		if strings.HasPrefix(l, "hmac ") {
			hmacLine = l
		}
	}
	fresh := strings.Split(string(engine.NewVaultKeyFile()), "\n")
	var newKey string
	for _, l := range fresh {
		if strings.HasPrefix(l, "k1 ") {
			newKey = "k2 " + strings.TrimPrefix(l, "k1 ")
		}
	}
	v2, err := engine.ParseVault([]byte(newKey + "\n" + oldKey + "\n" + hmacLine + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := v2.Decrypt(engine.PIIIDNumber, enc)
	if err != nil || got != "37010219900101123X" {
		t.Fatalf("after rotation Decrypt = %q, %v", got, err)
	}
	enc2, _ := v2.Encrypt(engine.PIIIDNumber, "x")
	if !strings.HasPrefix(enc2, "enc:v1:k2:") {
		t.Fatalf("new ciphertext %q not made with the first key", enc2)
	}
	if v1.Lookup("c1", engine.PIIIDNumber, "37010219900101123x") != v2.Lookup("c1", engine.PIIIDNumber, " 37010219900101123X") {
		t.Fatal("lookup changed across rotation or normalization")
	}
	if v1.Lookup("c1", engine.PIIIDNumber, "a") == v1.Lookup("c2", engine.PIIIDNumber, "a") {
		t.Fatal("lookup does not separate scopes")
	}
}

func TestVaultRejects(t *testing.T) {
	v := mustVault(t)
	enc, _ := v.Encrypt(engine.PIIPhone, "13800000000")
	tests := []struct{ name, kind, text string }{
		{"plain text", engine.PIIPhone, "13800000000"},
		{"other kind", engine.PIIIDNumber, enc},
		{"tampered", engine.PIIPhone, enc[:len(enc)-2] + "AA"},
		{"unknown key", engine.PIIPhone, strings.Replace(enc, ":k1:", ":k9:", 1)},
		{"bad base64", engine.PIIPhone, "enc:v1:k1:***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := v.Decrypt(tt.kind, tt.text); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
	bad := []struct{ name, text string }{
		{"empty", ""},
		{"no hmac", "k1 " + strings.Repeat("A", 43) + "=\n"},
		{"short key", "k1 QUFB\nhmac QUFB\n"},
		{"duplicate id", "k1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nk1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nhmac AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"},
	}
	for _, tt := range bad {
		t.Run("key file "+tt.name, func(t *testing.T) {
			if _, err := engine.ParseVault([]byte(tt.text)); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
}

// SealBytes/OpenBytes keep blobs (upload chunks) as Encrypt keeps values:
// no plain bytes, bound to their place, readable after rotation.
func TestVaultSealsBlobs(t *testing.T) {
	plain := []byte("姓名,公民身份号码\n周建华,37010219900101123X\n")
	old := engine.NewVaultKeyFile()
	v1, err := engine.ParseVault(old)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := v1.SealBytes("J1/0", plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("周建华")) || bytes.Contains(sealed, []byte("37010219900101123X")) || !bytes.HasPrefix(sealed, []byte("enc:v1:k1:")) {
		t.Fatalf("sealed blob leaks or lacks its prefix: %q", sealed)
	}
	if got, err := v1.OpenBytes("J1/0", sealed); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("OpenBytes = %q, %v", got, err)
	}
	// Rotation: a new first key seals, the old one still opens.
	newKey := strings.Fields(strings.SplitN(string(engine.NewVaultKeyFile()), "k1 ", 2)[1])[0]
	v2, err := engine.ParseVault([]byte("k2 " + newKey + "\n" + string(old)))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v2.OpenBytes("J1/0", sealed); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("after rotation OpenBytes = %q, %v", got, err)
	}
	if again, _ := v2.SealBytes("J1/0", plain); !bytes.HasPrefix(again, []byte("enc:v1:k2:")) {
		t.Fatalf("new blob %q not sealed with the first key", again[:12])
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name, aad string
		blob      []byte
	}{
		{"plain bytes", "J1/0", plain},
		{"other place", "J1/1", sealed},
		{"tampered", "J1/0", tampered},
		{"unknown key", "J1/0", bytes.Replace(sealed, []byte(":k1:"), []byte(":k9:"), 1)},
		{"truncated", "J1/0", sealed[:20]},
		{"empty", "J1/0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := v1.OpenBytes(tt.aad, tt.blob); engine.ErrorCode(err) != engine.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ kind, in, want string }{
		{engine.PIIIDNumber, "370102199001011234", "3701**********1234"},
		{engine.PIIPhone, "13800000000", "138****0000"},
		{engine.PIIName, "王小明", "王**"},
		{engine.PIIName, "李", "*"},
		{engine.PIIIDNumber, "1234567", "*******"},
		{engine.PIIPhone, "enc:v1:k1:abc", "****"},
		{"other", "abc", "***"},
	}
	for _, tt := range tests {
		if got := engine.Mask(tt.kind, tt.in); got != tt.want {
			t.Errorf("Mask(%s, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
		}
	}
}

func TestPassword(t *testing.T) {
	h, err := engine.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !engine.VerifyPassword(h, "correct horse") {
		t.Fatal("right password rejected")
	}
	for _, tt := range []struct{ name, hash, pw string }{
		{"wrong password", h, "correct hors"},
		{"empty hash", "", "x"},
		{"other algorithm", strings.Replace(h, "argon2id", "argon2i", 1), "correct horse"},
		{"absurd memory", strings.Replace(h, "m=19456", "m=99999999", 1), "correct horse"},
		{"truncated", h[:len(h)-10], "correct horse"},
	} {
		if engine.VerifyPassword(tt.hash, tt.pw) {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	for _, pw := range []string{"short", strings.Repeat("长", 129), "bad\xff\xfepassword"} {
		if engine.ErrorCode(engine.CheckPasswordPolicy(pw)) != engine.EINVALID {
			t.Errorf("policy accepted %q", pw)
		}
	}
}
