package server

import (
	"context"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

type usersJSON struct {
	Users []userJSON `json:"users"`
}

// newUserRequest is the body of POST /api/v1/users.
type newUserRequest struct {
	Username    string   `json:"username"`
	DisplayName string   `json:"displayName"`
	Password    string   `json:"password"`
	Roles       []string `json:"roles"`
	OrgUnit     string   `json:"orgUnit"`
	Locale      string   `json:"locale"`
	IDNumber    string   `json:"idNumber"` // optional, stored encrypted
	Mobile      string   `json:"mobile"`   // optional, stored encrypted
}

// listUsers returns the users of the actor's subtree, or of the subtree
// under orgCode, optionally only those with role. Admins only. Returns
// ENOTFOUND when orgCode is unknown or outside the actor's subtree.
func (s *Server) listUsers(ctx context.Context, a *engine.Actor, orgCode, role string) ([]*engine.User, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	f := engine.UserFilter{Role: role}
	if orgCode != "" {
		unit, err := s.engine.OrgUnit(ctx, a, orgCode)
		if err != nil {
			return nil, err
		}
		f.OrgPaths = []string{unit.Path}
	}
	return s.engine.Users(ctx, a, f)
}

// apiUsers answers GET /api/v1/users[?org=CODE][&role=ROLE].
func (s *Server) apiUsers(c fiber.Ctx) error {
	users, err := s.listUsers(c.Context(), actorOf(c), c.Query("org"), c.Query("role"))
	if err != nil {
		return err
	}
	out := usersJSON{Users: make([]userJSON, 0, len(users))}
	for _, u := range users {
		out.Users = append(out.Users, toUserJSON(u))
	}
	return c.JSON(out)
}

// apiCreateUser answers POST /api/v1/users with the new user, 201.
func (s *Server) apiCreateUser(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireAdmin(a); err != nil {
		return err
	}
	var req newUserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.engine.CreateUser(c.Context(), a, engine.NewUser{
		Username: req.Username, DisplayName: req.DisplayName, Password: req.Password,
		Roles: req.Roles, OrgUnit: req.OrgUnit, Locale: req.Locale,
		Personal: engine.UserPersonal{IDNumber: req.IDNumber, Mobile: req.Mobile},
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toUserJSON(u))
}
