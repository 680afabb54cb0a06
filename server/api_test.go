package server

import (
	"fmt"
	"net/http"
	"testing"
)

func TestSitesAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		t.Run("lists sites publicly by name", func(t *testing.T) {
			var list listJSON[siteJSON]
			e.get("/api/v1/sites", anonymous).wantStatus(http.StatusOK).decode(&list)
			if list.Total != 2 || len(list.Items) != 2 || list.Items[0].Name != "Hunter Street Health Centre" {
				t.Fatalf("got %+v", list)
			}
		})
		t.Run("admin creates a site with a normalised postcode", func(t *testing.T) {
			var got siteJSON
			e.send(http.MethodPost, "/api/v1/sites", asAdmin, map[string]any{
				"name": "Reddish Vale Community Hospital", "address_line1": "Reddish Vale Road",
				"town": "Stockport", "postcode": "sk5 7hs", "latitude": 53.43, "longitude": -2.15,
				"accessibility": map[string]any{"step_free": true}, "manager_ids": []int64{e.users[asManager].ID},
			}).wantStatus(http.StatusCreated).decode(&got)
			if got.Postcode != "SK5 7HS" || !got.Accessibility.StepFree || len(got.Managers) != 1 {
				t.Fatalf("got %+v", got)
			}
		})
		t.Run("estates manager edits their own site only", func(t *testing.T) {
			var got siteJSON
			e.send(http.MethodPatch, fmt.Sprintf("/api/v1/sites/%d", e.siteA.ID), asManager,
				map[string]any{"accessibility": map[string]any{"hearing_loop": true}}).wantStatus(http.StatusOK).decode(&got)
			if !got.Accessibility.HearingLoop || got.Name != e.siteA.Name {
				t.Fatalf("got %+v", got)
			}
			e.send(http.MethodPatch, fmt.Sprintf("/api/v1/sites/%d", e.siteB.ID), asManager,
				map[string]any{"name": "Mine now"}).wantStatus(http.StatusForbidden)
		})
		t.Run("estates manager may not reassign managers", func(t *testing.T) {
			p := e.send(http.MethodPatch, fmt.Sprintf("/api/v1/sites/%d", e.siteA.ID), asManager,
				map[string]any{"manager_ids": []int64{}}).wantStatus(http.StatusUnprocessableEntity).problem()
			if len(p.Errors) != 1 || p.Errors[0].Field != "manager_ids" {
				t.Fatalf("got %+v", p)
			}
		})
		t.Run("bad postcode names the field and changes nothing", func(t *testing.T) {
			p := e.send(http.MethodPatch, fmt.Sprintf("/api/v1/sites/%d", e.siteA.ID), asManager,
				map[string]any{"postcode": "NOT A CODE", "name": "Renamed"}).wantStatus(http.StatusUnprocessableEntity).problem()
			if len(p.Errors) != 1 || p.Errors[0].Field != "postcode" {
				t.Fatalf("got %+v", p)
			}
			var got siteJSON
			e.get(fmt.Sprintf("/api/v1/sites/%d", e.siteA.ID), anonymous).wantStatus(http.StatusOK).decode(&got)
			if got.Name != e.siteA.Name {
				t.Fatalf("name changed to %q", got.Name)
			}
		})
	})
}

func TestSpacesAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		t.Run("hidden spaces are listed for their managers only", func(t *testing.T) {
			var anon, mgr listJSON[spaceJSON]
			e.get("/api/v1/spaces", anonymous).wantStatus(http.StatusOK).decode(&anon)
			e.get("/api/v1/spaces", asManager).wantStatus(http.StatusOK).decode(&mgr)
			if anon.Total != 2 || mgr.Total != 3 {
				t.Fatalf("anonymous saw %d, manager %d", anon.Total, mgr.Total)
			}
			e.get(fmt.Sprintf("/api/v1/spaces/%d", e.hiddenA.ID), anonymous).wantStatus(http.StatusNotFound)
			e.get(fmt.Sprintf("/api/v1/spaces/%d", e.hiddenA.ID), asOtherMgr).wantStatus(http.StatusNotFound)
			e.get(fmt.Sprintf("/api/v1/spaces/%d", e.hiddenA.ID), asManager).wantStatus(http.StatusOK)
		})
		t.Run("filters by site, kind, capacity and feature", func(t *testing.T) {
			var list listJSON[spaceJSON]
			e.get(fmt.Sprintf("/api/v1/spaces?site=%d&kind=counselling_room&min_capacity=6&feature=sink", e.siteA.ID), anonymous).
				wantStatus(http.StatusOK).decode(&list)
			if list.Total != 1 || list.Items[0].ID != e.spaceA.ID {
				t.Fatalf("got %+v", list)
			}
			e.get("/api/v1/spaces?min_capacity=7", anonymous).wantStatus(http.StatusOK).decode(&list)
			if list.Total != 0 {
				t.Fatalf("capacity filter let through %+v", list.Items)
			}
			e.get("/api/v1/spaces?kind=ballroom", anonymous).wantStatus(http.StatusUnprocessableEntity)
		})
		t.Run("manager adds a space to their site", func(t *testing.T) {
			var got spaceJSON
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/sites/%d/spaces", e.siteA.ID), asManager, map[string]any{
				"name": "Community kitchen", "kind": "kitchen", "capacity": 12, "features": []string{"Oven", "oven ", "Sink"},
				"booking_unit": "hour", "granularity_minutes": 30, "min_minutes": 60, "max_minutes": 240,
				"approval_mode": "manual", "rate_pence": 1500, "buffer_minutes": 15,
			}).wantStatus(http.StatusCreated).decode(&got)
			if got.SiteID != e.siteA.ID || len(got.Features) != 2 || got.Features[0] != "oven" || got.ApprovalMode != "manual" {
				t.Fatalf("got %+v", got)
			}
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/sites/%d/spaces", e.siteB.ID), asManager,
				map[string]any{"name": "Not mine", "kind": "hall", "capacity": 10}).wantStatus(http.StatusForbidden)
		})
		t.Run("rejects a minimum longer than the maximum", func(t *testing.T) {
			p := e.send(http.MethodPatch, fmt.Sprintf("/api/v1/spaces/%d", e.spaceA.ID), asManager,
				map[string]any{"min_minutes": 300, "max_minutes": 120}).wantStatus(http.StatusUnprocessableEntity).problem()
			if p.Errors[0].Field != "max_minutes" {
				t.Fatalf("got %+v", p)
			}
		})
	})
}

func TestOrganisationsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		t.Run("registering makes the caller org admin of an unverified organisation", func(t *testing.T) {
			var got organisationJSON
			e.send(http.MethodPost, "/api/v1/organisations", asLinkWorker, map[string]any{
				"name": "Stockport Walking for Health", "type": "registered_charity",
				"identifiers": []map[string]string{{"scheme": "GB-CHC", "value": " 1123456 "}},
			}).wantStatus(http.StatusCreated).decode(&got)
			if got.Verification.State != "unverified" || got.Identifiers[0].Value != "1123456" ||
				len(got.Members) != 1 || got.Members[0].Role != "org_admin" {
				t.Fatalf("got %+v", got)
			}
		})
		t.Run("a charity without a charity number is refused", func(t *testing.T) {
			p := e.send(http.MethodPost, "/api/v1/organisations", asBooker, map[string]any{
				"name": "No number", "type": "registered_charity",
			}).wantStatus(http.StatusUnprocessableEntity).problem()
			if p.Errors[0].Field != "identifiers" {
				t.Fatalf("got %+v", p)
			}
		})
		t.Run("other organisations are invisible", func(t *testing.T) {
			e.get(fmt.Sprintf("/api/v1/organisations/%d", e.orgA.ID), asOtherMember).wantStatus(http.StatusNotFound)
			e.get(fmt.Sprintf("/api/v1/organisations/%d", e.orgA.ID), asBooker).wantStatus(http.StatusOK)
			e.get(fmt.Sprintf("/api/v1/organisations/%d", e.orgA.ID), asManager).wantStatus(http.StatusOK)
		})
		t.Run("estates manager verifies and suspends with a note", func(t *testing.T) {
			var got organisationJSON
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/organisations/%d/verification", e.orgA.ID), asManager,
				map[string]any{"state": "verified", "note": "Checked the register"}).wantStatus(http.StatusOK).decode(&got)
			if got.Verification.State != "verified" || got.Verification.VerifiedBy.ID != e.users[asManager].ID {
				t.Fatalf("got %+v", got)
			}
			p := e.send(http.MethodPost, fmt.Sprintf("/api/v1/organisations/%d/verification", e.orgA.ID), asManager,
				map[string]any{"state": "suspended"}).wantStatus(http.StatusUnprocessableEntity).problem()
			if p.Errors[0].Field != "note" {
				t.Fatalf("got %+v", p)
			}
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/organisations/%d/verification", e.orgA.ID), asOrgAdmin,
				map[string]any{"state": "verified", "note": "self"}).wantStatus(http.StatusForbidden)
		})
		t.Run("org admin adds and removes members; the last admin stays", func(t *testing.T) {
			path := fmt.Sprintf("/api/v1/organisations/%d/members", e.orgA.ID)
			e.send(http.MethodPost, path, asOrgAdmin, map[string]any{"email": "link_worker@example.org", "role": "booker"}).
				wantStatus(http.StatusCreated)
			p := e.send(http.MethodPost, path, asOrgAdmin, map[string]any{"email": "nobody@example.org", "role": "booker"}).
				wantStatus(http.StatusUnprocessableEntity).problem()
			if p.Errors[0].Field != "email" {
				t.Fatalf("got %+v", p)
			}
			e.send(http.MethodPost, path, asBooker, map[string]any{"email": "admin@example.org", "role": "org_admin"}).
				wantStatus(http.StatusForbidden)
			e.send(http.MethodDelete, fmt.Sprintf("%s/%d", path, e.users[asLinkWorker].ID), asOrgAdmin, nil).
				wantStatus(http.StatusNoContent)
			e.send(http.MethodDelete, fmt.Sprintf("%s/%d", path, e.users[asOrgAdmin].ID), asOrgAdmin, nil).
				wantStatus(http.StatusConflict)
			var members struct{ Items []memberJSON }
			e.get(path, asBooker).wantStatus(http.StatusOK).decode(&members)
			if len(members.Items) != 2 {
				t.Fatalf("members %+v", members.Items)
			}
		})
	})
}

func TestAccountsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		t.Run("register signs in with a secure session cookie", func(t *testing.T) {
			r := e.send(http.MethodPost, "/api/v1/auth/register", anonymous, map[string]any{
				"email": "New.Person@Example.org", "name": "New Person", "password": "a long enough password",
			}).wantStatus(http.StatusCreated)
			var me meJSON
			r.decode(&me)
			if me.Email != "new.person@example.org" || me.Role != "member" {
				t.Fatalf("got %+v", me)
			}
			ck := r.Result().Cookies()
			if len(ck) != 1 || ck[0].Name != sessionCookie || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteLaxMode {
				t.Fatalf("cookies %+v", ck)
			}
			e.send(http.MethodPost, "/api/v1/auth/register", anonymous, map[string]any{
				"email": "new.person@example.org", "name": "Again", "password": "a long enough password",
			}).wantStatus(http.StatusConflict)
		})
		t.Run("login rate limit per account", func(t *testing.T) {
			for i := 0; i < maxFailuresAccount; i++ {
				e.send(http.MethodPost, "/api/v1/auth/login", anonymous, map[string]any{"email": "booker@example.org", "password": "wrong password"}).
					wantStatus(http.StatusUnauthorized)
			}
			r := e.send(http.MethodPost, "/api/v1/auth/login", anonymous, map[string]any{"email": "booker@example.org", "password": testPassword}).
				wantStatus(http.StatusTooManyRequests)
			if r.Header().Get("Retry-After") == "" {
				t.Fatal("no Retry-After")
			}
			e.send(http.MethodPost, "/api/v1/auth/login", anonymous, map[string]any{"email": "org_admin@example.org", "password": testPassword}).
				wantStatus(http.StatusOK)
		})
		t.Run("tokens are shown once and can be revoked", func(t *testing.T) {
			var tok tokenJSON
			e.send(http.MethodPost, "/api/v1/tokens", asBooker, map[string]any{"name": "laptop"}).wantStatus(http.StatusCreated).decode(&tok)
			if len(tok.Token) < 40 {
				t.Fatalf("token %q", tok.Token)
			}
			r := e.do(request{method: http.MethodGet, path: "/api/v1/me", header: http.Header{"Authorization": {"Bearer " + tok.Token}}})
			r.wantStatus(http.StatusOK)
			var list struct{ Items []tokenJSON }
			e.get("/api/v1/tokens", asBooker).wantStatus(http.StatusOK).decode(&list)
			for _, it := range list.Items {
				if it.Token != "" {
					t.Fatal("token listed again")
				}
			}
			e.send(http.MethodDelete, fmt.Sprintf("/api/v1/tokens/%d", tok.ID), asOrgAdmin, nil).wantStatus(http.StatusNotFound)
			e.send(http.MethodDelete, fmt.Sprintf("/api/v1/tokens/%d", tok.ID), asBooker, nil).wantStatus(http.StatusNoContent)
			e.do(request{method: http.MethodGet, path: "/api/v1/me", header: http.Header{"Authorization": {"Bearer " + tok.Token}}}).
				wantStatus(http.StatusUnauthorized)
		})
		t.Run("logout ends the session", func(t *testing.T) {
			e.do(request{method: http.MethodGet, path: "/api/v1/me", as: asBooker, cookie: true}).wantStatus(http.StatusOK)
			e.do(request{method: http.MethodPost, path: "/api/v1/auth/logout", as: asBooker, cookie: true}).wantStatus(http.StatusNoContent)
			e.do(request{method: http.MethodGet, path: "/api/v1/me", as: asBooker, cookie: true}).wantStatus(http.StatusUnauthorized)
		})
		t.Run("cross-origin writes are refused", func(t *testing.T) {
			r := e.do(request{method: http.MethodPost, path: "/api/v1/organisations", as: asBooker, cookie: true,
				body:   map[string]any{"name": "X", "type": "community_group"},
				header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}})
			if p := r.wantStatus(http.StatusForbidden).problem(); p.RequestID == "" || p.Detail == "" {
				t.Fatalf("refusal without request id or detail: %+v", p)
			}
			var list listJSON[organisationJSON]
			e.get("/api/v1/organisations", asBooker).wantStatus(http.StatusOK).decode(&list)
			for _, o := range list.Items {
				if o.Name == "X" {
					t.Fatal("the cross-origin request created an organisation")
				}
			}
		})
	})
}
