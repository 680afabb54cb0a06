package models_test

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

func TestPrincipalIsTheAccountWithItsAccess(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		s := modelstest.Open(t, db)
		now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
		newUser := func(email, role string) *models.User {
			u := &models.User{Email: email, Name: email, PasswordHash: "x", Role: role}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			return u
		}
		manager := newUser("estates@example.org", booking.RoleEstatesManager)
		member := newUser("member@example.org", booking.RoleMember)
		newcomer := newUser("newcomer@example.org", booking.RoleMember)
		for _, name := range []string{"Hunter Street", "Vale Road"} {
			site := &models.Site{Name: name, AddressLine1: "1 Street", Town: "Stockport", Postcode: "SK1 1AA"}
			if err := s.CreateSite(ctx, site, []int64{manager.ID}); err != nil {
				t.Fatal(err)
			}
		}
		knit := &models.Organisation{Name: "Knit and Natter", Type: "community_group"}
		if err := s.CreateOrganisation(ctx, knit, manager.ID); err != nil {
			t.Fatal(err)
		}
		walk := &models.Organisation{Name: "Walking Group", Type: "community_group"}
		if err := s.CreateOrganisation(ctx, walk, member.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMember(ctx, walk.ID, manager.Email, booking.OrgBooker); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*models.User{manager, member, newcomer} {
			if err := s.CreateToken(ctx, &models.APIToken{UserID: u.ID, Name: "cli", Hash: "hash-" + u.Email, Prefix: "cr_"}); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateSession(ctx, &models.Session{TokenHash: "session-" + u.Email, UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}

		for _, u := range []*models.User{manager, member, newcomer} {
			want, err := s.AccessOf(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]func() (*models.User, models.Access, error){
				"token":   func() (*models.User, models.Access, error) { return s.TokenPrincipal(ctx, "hash-"+u.Email, now) },
				"session": func() (*models.User, models.Access, error) { return s.SessionPrincipal(ctx, "session-"+u.Email, now) },
			}
			for via, load := range got {
				t.Run(via+" of "+u.Email, func(t *testing.T) {
					user, access, err := load()
					if err != nil {
						t.Fatal(err)
					}
					if user.ID != u.ID || user.Email != u.Email || user.Role != u.Role {
						t.Errorf("user %+v, want %+v", user, u)
					}
					if !maps.Equal(access.ManagedSites, want.ManagedSites) || !maps.Equal(access.OrgRoles, want.OrgRoles) {
						t.Errorf("access %+v, want %+v", access, want)
					}
				})
			}
		}
		if n := len(mustAccess(t, s, manager.ID).ManagedSites); n != 2 {
			t.Errorf("the manager manages %d sites, want 2", n)
		}
		if roles := mustAccess(t, s, manager.ID).OrgRoles; roles[knit.ID] != booking.OrgAdmin || roles[walk.ID] != booking.OrgBooker {
			t.Errorf("the manager's roles are %v", roles)
		}
		if a := mustAccess(t, s, newcomer.ID); len(a.ManagedSites)+len(a.OrgRoles) != 0 {
			t.Errorf("the newcomer has access %+v", a)
		}

		t.Run("unknown token, expired or unknown session", func(t *testing.T) {
			if _, _, err := s.TokenPrincipal(ctx, "hash-nobody", now); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("unknown token: %v, want ErrNotFound", err)
			}
			if _, _, err := s.SessionPrincipal(ctx, "session-"+member.Email, now.Add(2*time.Hour)); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("expired session: %v, want ErrNotFound", err)
			}
			if _, _, err := s.SessionPrincipal(ctx, "session-nobody", now); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("unknown session: %v, want ErrNotFound", err)
			}
		})
	})
}

func mustAccess(t *testing.T, s *models.Store, userID int64) models.Access {
	t.Helper()
	a, err := s.AccessOf(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
