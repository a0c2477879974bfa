package demo_test

import (
	"testing"
	"time"

	"canvass/demo"
	"canvass/rules"
)

// TestUserPersonal: every demo user has a distinct, valid resident ID
// number in the fictional district (women's with an even sex digit) and a
// mainland mobile; an unknown name has none.
func TestUserPersonal(t *testing.T) {
	women := map[string]bool{"worker": true, "finance": true, "village-reviewer": true}
	seen := map[string]string{}
	for _, u := range demo.Users() {
		p := demo.UserPersonal(u.Username)
		id, err := rules.ParseResidentID(p.IDNumber, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || id.Region != "341299" {
			t.Errorf("%s: ID number %q: %v (region %q)", u.Username, p.IDNumber, err, id.Region)
		}
		if women[u.Username] && id.Sex != "female" {
			t.Errorf("%s (%s): sex %s", u.Username, u.DisplayName, id.Sex)
		}
		if !rules.ValidMobile(p.Mobile) {
			t.Errorf("%s: mobile %q", u.Username, p.Mobile)
		}
		if other, dup := seen[p.IDNumber]; dup {
			t.Errorf("%s and %s share %s", u.Username, other, p.IDNumber)
		}
		seen[p.IDNumber] = u.Username
	}
	if p := demo.UserPersonal("nobody"); p.IDNumber != "" || p.Mobile != "" {
		t.Errorf("an unknown user has %+v", p)
	}
}
