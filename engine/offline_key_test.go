package engine_test

import (
	"testing"

	"canvass/engine"
)

func TestOfflineDeviceKey(t *testing.T) {
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	withVault := engine.New(engine.Config{Vault: vault})
	without := engine.New(engine.Config{})
	worker := &engine.Actor{User: &engine.User{ID: "u1", Roles: []string{engine.RoleFieldWorker}}}
	finance := &engine.Actor{User: &engine.User{ID: "u2", Roles: []string{engine.RoleFinance}}}
	const phone = "0b7e3c1a-5d2f-4a8e-9c61-2f4d8b7a1e90"
	tests := []struct {
		name     string
		eng      *engine.Engine
		actor    *engine.Actor
		device   string
		wantCode string
	}{
		{"a field worker's phone", withVault, worker, phone, ""},
		{"finance keeps nothing offline", withVault, finance, phone, engine.EFORBIDDEN},
		{"upper-case UUID", withVault, worker, "0B7E3C1A-5D2F-4A8E-9C61-2F4D8B7A1E90", engine.EINVALID},
		{"not a UUID", withVault, worker, "../../etc", engine.EINVALID},
		{"no key ring", without, worker, phone, engine.EUNAVAILABLE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, err := tc.eng.OfflineDeviceKey(tc.actor, tc.device)
			if got := engine.ErrorCode(err); err != nil && got != tc.wantCode || err == nil && tc.wantCode != "" {
				t.Fatalf("code %q (%v), want %q", got, err, tc.wantCode)
			}
			if tc.wantCode == "" && len(key) != 32 {
				t.Errorf("key of %d bytes, want 32", len(key))
			}
		})
	}
}
