package storetest

import (
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// userPersonalScenarios: a user's encrypted ID number and mobile
// (engine.User.SealedIDNumber, SealedMobile) are stored as given by
// CreateUser and UpdateUser, read back by GetUser, GetUserByUsername and
// ListUsers, and "" when none was given. The store never looks inside.
func userPersonalScenarios() []scenario {
	const sealedID, sealedMobile = "enc:v1:k1:aWQtbnVtYmVy", "enc:v1:k1:bW9iaWxl"
	return []scenario{
		{"none_reads_empty", func(t *testing.T, s app.Store) {
			want := mustCreateUser(t, s, newUser("u1", "zhangsan", "/370000/"))
			checkUser(t, s, want)
			got, err := s.GetUserByUsername(t.Context(), "zhangsan")
			must(t, err, "GetUserByUsername")
			if got.SealedIDNumber != "" || got.SealedMobile != "" {
				t.Errorf("a user created without personal data reads %q, %q; want both empty", got.SealedIDNumber, got.SealedMobile)
			}
		}},
		{"created_with_values", func(t *testing.T, s app.Store) {
			u := newUser("u1", "zhangsan", "/370000/")
			u.SealedIDNumber, u.SealedMobile = sealedID, sealedMobile
			want := mustCreateUser(t, s, u)
			checkUser(t, s, want)
			got, err := s.GetUserByUsername(t.Context(), "zhangsan")
			must(t, err, "GetUserByUsername")
			diffUser(got, want).report(t, "GetUserByUsername")
			list, err := s.ListUsers(t.Context(), engine.UserFilter{})
			must(t, err, "ListUsers")
			if len(list) != 1 {
				t.Fatalf("ListUsers gave %d users, want 1", len(list))
			}
			diffUser(list[0], want).report(t, "ListUsers")
		}},
		{"updated_set_and_cleared_with_version", func(t *testing.T, s app.Store) {
			u := mustCreateUser(t, s, newUser("u1", "zhangsan", "/370000/"))
			set := *u
			set.SealedIDNumber, set.SealedMobile = sealedID, sealedMobile
			set.UpdatedAt = Epoch.Add(time.Hour)
			got, err := s.UpdateUser(t.Context(), &set)
			must(t, err, "UpdateUser setting personal data")
			want := set
			want.Version = 2
			diffUser(got, &want).report(t, "UpdateUser result")
			checkUser(t, s, &want)

			stale := set // still at version 1: a second admin's page
			stale.SealedIDNumber = "enc:v1:k1:c3RhbGU"
			_, err = s.UpdateUser(t.Context(), &stale)
			wantCode(t, err, engine.ECONFLICT, "UpdateUser of personal data at a stale version")
			checkUser(t, s, &want)

			clear := want
			clear.SealedMobile = ""
			_, err = s.UpdateUser(t.Context(), &clear)
			must(t, err, "UpdateUser clearing the mobile")
			want = clear
			want.Version = 3
			checkUser(t, s, &want)
		}},
	}
}
