package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// roleStatuses is the want column of a row: def for every role, except those
// named in the overrides.
func roleStatuses(def int, overrides map[string]int) map[string]int {
	out := make(map[string]int, len(allRoles))
	for _, r := range allRoles {
		out[r] = def
	}
	for r, s := range overrides {
		out[r] = s
	}
	return out
}

// signedInStatuses is def for every account and 401 for anonymous callers.
func signedInStatuses(def int, overrides map[string]int) map[string]int {
	out := roleStatuses(def, overrides)
	out[anonymous] = http.StatusUnauthorized
	return out
}

// staffStatuses is def for admins and the estates manager of siteA, 401 for
// anonymous callers and 403 for everyone else.
func staffStatuses(def int, overrides map[string]int) map[string]int {
	out := signedInStatuses(http.StatusForbidden, nil)
	out[asAdmin], out[asManager] = def, def
	for r, s := range overrides {
		out[r] = s
	}
	return out
}

// userFor makes an extra account for a row that needs someone to act on,
// named after the role that acts so each role gets its own.
func (e *env) userFor(prefix, role string) *models.User {
	e.t.Helper()
	u := &models.User{Email: prefix + "-" + role + "@example.org", Name: prefix + " " + role,
		PasswordHash: testPasswordHash, Role: booking.RoleMember}
	must(e.t, e.store.CreateUser(context.Background(), u))
	return u
}

// ownTokenID stores a new API token for the role (for anonymous callers, one
// of the booker's) and returns its id.
func (e *env) ownTokenID(role string) int64 {
	e.t.Helper()
	owner := role
	if role == anonymous {
		owner = asBooker
	}
	secret := tokenPrefix + randomToken(24)
	tok := &models.APIToken{UserID: e.users[owner].ID, Name: "to revoke", Hash: hashAPIToken(secret), Prefix: secret[:9]}
	must(e.t, e.store.CreateToken(context.Background(), tok))
	return tok.ID
}

// apiRouteCases are the rows of the route × role table for /api/v1.
var apiRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/api/v1/openapi.json",
		call: func(e *env, role string) *response { return e.get("/api/v1/openapi.json", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/sites",
		call: func(e *env, role string) *response { return e.get("/api/v1/sites", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/sites/:id",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/sites/%d", e.siteA.ID), role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/spaces",
		call: func(e *env, role string) *response { return e.get("/api/v1/spaces", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		// A hidden space exists only for its site's managers.
		method: http.MethodGet, pattern: "/api/v1/spaces/:id",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/spaces/%d", e.hiddenA.ID), role)
		},
		want: roleStatuses(http.StatusNotFound, map[string]int{asAdmin: http.StatusOK, asManager: http.StatusOK}),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/auth/register",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, "/api/v1/auth/register", role, map[string]any{
				"email": "new-" + role + "@example.org", "name": "New " + role, "password": "a long enough password",
			})
		},
		want: roleStatuses(http.StatusCreated, nil),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/auth/login",
		call: func(e *env, role string) *response {
			email := e.users[asBooker].Email
			if u := e.users[role]; u != nil {
				email = u.Email
			}
			return e.send(http.MethodPost, "/api/v1/auth/login", role, map[string]any{"email": email, "password": testPassword})
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/auth/logout",
		call: func(e *env, role string) *response {
			return e.do(request{method: http.MethodPost, path: "/api/v1/auth/logout", as: role, cookie: true})
		},
		want: roleStatuses(http.StatusNoContent, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/me",
		call: func(e *env, role string) *response { return e.get("/api/v1/me", role) },
		want: signedInStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/tokens",
		call: func(e *env, role string) *response { return e.get("/api/v1/tokens", role) },
		want: signedInStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/tokens",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, "/api/v1/tokens", role, map[string]any{"name": "laptop"})
		},
		want: signedInStatuses(http.StatusCreated, nil),
	},
	{
		// Each role revokes a token of its own.
		method: http.MethodDelete, pattern: "/api/v1/tokens/:id",
		call: func(e *env, role string) *response {
			return e.send(http.MethodDelete, fmt.Sprintf("/api/v1/tokens/%d", e.ownTokenID(role)), role, nil)
		},
		want: signedInStatuses(http.StatusNoContent, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/organisations",
		call: func(e *env, role string) *response { return e.get("/api/v1/organisations", role) },
		want: signedInStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/organisations",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, "/api/v1/organisations", role, map[string]any{
				"name": "Group of " + role, "type": "registered_charity",
				"identifiers": []map[string]string{{"scheme": "GB-CHC", "value": "1123456"}},
			})
		},
		want: signedInStatuses(http.StatusCreated, nil),
	},
	{
		// orgA: its members and the estate's staff see it; others may not
		// know it exists.
		method: http.MethodGet, pattern: "/api/v1/organisations/:id",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/organisations/%d", e.orgA.ID), role)
		},
		want: signedInStatuses(http.StatusOK, map[string]int{asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound}),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/organisations/:id/members",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/organisations/%d/members", e.orgA.ID), role)
		},
		want: signedInStatuses(http.StatusOK, map[string]int{asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound}),
	},
	{
		// Each role adds an account of its own to orgA.
		method: http.MethodPost, pattern: "/api/v1/organisations/:id/members",
		call: func(e *env, role string) *response {
			u := e.userFor("joiner", role)
			return e.send(http.MethodPost, fmt.Sprintf("/api/v1/organisations/%d/members", e.orgA.ID), role,
				map[string]any{"email": u.Email, "role": booking.OrgBooker})
		},
		want: signedInStatuses(http.StatusForbidden, map[string]int{
			asAdmin: http.StatusCreated, asOrgAdmin: http.StatusCreated,
			asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		// Each role removes a booker of its own from orgA.
		method: http.MethodDelete, pattern: "/api/v1/organisations/:id/members/:user_id",
		call: func(e *env, role string) *response {
			u := e.userFor("leaver", role)
			_, err := e.store.AddMember(context.Background(), e.orgA.ID, u.Email, booking.OrgBooker)
			must(e.t, err)
			return e.send(http.MethodDelete, fmt.Sprintf("/api/v1/organisations/%d/members/%d", e.orgA.ID, u.ID), role, nil)
		},
		want: signedInStatuses(http.StatusForbidden, map[string]int{
			asAdmin: http.StatusNoContent, asOrgAdmin: http.StatusNoContent,
			asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		method: http.MethodPatch, pattern: "/api/v1/sites/:id",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPatch, fmt.Sprintf("/api/v1/sites/%d", e.siteA.ID), role,
				map[string]any{"description": "Changed by " + role})
		},
		want: staffStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/sites/:id/spaces",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, fmt.Sprintf("/api/v1/sites/%d/spaces", e.siteA.ID), role,
				map[string]any{"name": "Room for " + role, "kind": "meeting_room", "capacity": 10})
		},
		want: staffStatuses(http.StatusCreated, nil),
	},
	{
		method: http.MethodPatch, pattern: "/api/v1/spaces/:id",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPatch, fmt.Sprintf("/api/v1/spaces/%d", e.spaceA.ID), role,
				map[string]any{"description": "Changed by " + role})
		},
		want: staffStatuses(http.StatusOK, nil),
	},
	{
		// Any estates manager verifies any organisation.
		method: http.MethodPost, pattern: "/api/v1/organisations/:id/verification",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, fmt.Sprintf("/api/v1/organisations/%d/verification", e.orgA.ID), role,
				map[string]any{"state": booking.Verified, "note": "Checked by " + role})
		},
		want: staffStatuses(http.StatusOK, map[string]int{asOtherMgr: http.StatusOK}),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/sites",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, "/api/v1/sites", role, map[string]any{
				"name": "Site of " + role, "address_line1": "1 Mill Lane", "town": "Stockport", "postcode": "SK5 7HS",
			})
		},
		want: signedInStatuses(http.StatusForbidden, map[string]int{asAdmin: http.StatusCreated}),
	},
}

// opsRouteCases are the rows for the operations endpoints, open to anyone.
var opsRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/healthz",
		call: func(e *env, role string) *response { return e.get("/healthz", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/readyz",
		call: func(e *env, role string) *response { return e.get("/readyz", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/metrics",
		call: func(e *env, role string) *response { return e.get("/metrics", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
}

func TestEveryRouteForEveryRole(t *testing.T) {
	cases := slices.Concat(apiRouteCases, opsRouteCases, pageRouteCases, bookingRouteCases, availabilityRouteCases, rentRouteCases, reportRouteCases, invoiceRouteCases, rentPageRouteCases, calendarRouteCases, calendarPageRouteCases, paymentRouteCases, sessionRouteCases, sessionPageRouteCases, groupPageRouteCases)
	modelstest.EachDialect(t, func(t *testing.T, dialect string) {
		t.Run("every route has exactly one row", func(t *testing.T) {
			e := newEnv(t, dialect)
			registered := map[string]bool{}
			for _, r := range e.srv.engine.Routes() {
				registered[r.Method+" "+r.Path] = true
			}
			rows := map[string]int{}
			for _, rc := range cases {
				rows[rc.method+" "+rc.pattern]++
			}
			for route := range registered {
				if rows[route] == 0 {
					t.Errorf("route %s has no row in the route × role table", route)
				}
			}
			for route, n := range rows {
				if !registered[route] {
					t.Errorf("row %s is not a registered route", route)
				}
				if n > 1 {
					t.Errorf("route %s has %d rows", route, n)
				}
			}
		})
		for _, rc := range cases {
			t.Run(rc.method+" "+rc.pattern, func(t *testing.T) {
				// Each row has a database of its own, so rows run side by side.
				t.Parallel()
				for _, role := range allRoles {
					if _, ok := rc.want[role]; !ok {
						t.Fatalf("no status for role %s", role)
					}
				}
				if len(rc.want) != len(allRoles) {
					t.Fatalf("want has %d roles, allRoles %d", len(rc.want), len(allRoles))
				}
				e := newEnv(t, dialect)
				for _, role := range allRoles {
					t.Run(role, func(t *testing.T) {
						parent := e.t
						e.t = t
						defer func() { e.t = parent }()
						r := rc.call(e, role)
						if r.Code != rc.want[role] {
							t.Fatalf("%s %s as %s: status %d, want %d; body %.300s",
								rc.method, rc.pattern, role, r.Code, rc.want[role], r.Body.String())
						}
						if strings.HasPrefix(rc.pattern, "/api/") && r.Code >= 400 {
							r.problem()
							if r.Code == http.StatusUnauthorized && r.Header().Get("WWW-Authenticate") == "" {
								t.Error("a 401 without WWW-Authenticate")
							}
						}
					})
				}
			})
		}
	})
}
