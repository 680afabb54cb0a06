package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// openAllDay opens both fixture sites every day, all day.
func (e *env) openAllDay() {
	e.t.Helper()
	var all []booking.Window
	for d := time.Sunday; d <= time.Saturday; d++ {
		all = append(all, booking.Window{Weekday: d, Opens: 0, Closes: 24 * 60})
	}
	for _, site := range []*models.Site{e.siteA, e.siteB} {
		must(e.t, e.store.SetOpeningWindows(context.Background(), site.ID, 0, all))
	}
}

// verify marks an organisation verified, so its bookings are confirmed.
func (e *env) verify(o *models.Organisation) {
	e.t.Helper()
	_, err := e.store.SetVerification(context.Background(), o.ID, booking.Verified, "Checked", e.users[asAdmin].ID, testClock)
	must(e.t, err)
}

// bookingBody is a valid booking of spaceA for orgA from start (RFC 3339)
// for an hour.
func (e *env) bookingBody(start string) map[string]any {
	e.t.Helper()
	t, err := time.Parse(time.RFC3339, start)
	must(e.t, err)
	return map[string]any{
		"space_id": e.spaceA.ID, "organisation_id": e.orgA.ID,
		"starts_at": start, "ends_at": t.Add(time.Hour).Format(time.RFC3339),
		"purpose": "health_wellbeing", "attendees": 4, "notes": "Peer support group",
	}
}

// book makes a booking through the API and returns it.
func (e *env) book(as string, body map[string]any) bookingJSON {
	e.t.Helper()
	var b bookingJSON
	e.send(http.MethodPost, "/api/v1/bookings", as, body).wantStatus(http.StatusCreated).decode(&b)
	return b
}

// countBookings is how many bookings are stored, in any state.
func (e *env) countBookings() int64 {
	e.t.Helper()
	var n int64
	must(e.t, e.store.DB.Model(&models.Booking{}).Count(&n).Error)
	return n
}

// atClock is the env with a server of its own that runs at another time,
// over the same database and accounts.
func (e *env) atClock(now time.Time) *env {
	e.t.Helper()
	return e.withServer(func(d *Deps) { d.Clock = func() time.Time { return now } })
}

func TestBookingsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		t.Run("an unverified organisation's booking waits for approval", func(t *testing.T) {
			e.withT(t, func() {
				r := e.send(http.MethodPost, "/api/v1/bookings", asBooker, e.bookingBody("2026-12-01T10:00:00Z")).wantStatus(http.StatusCreated)
				var b bookingJSON
				r.decode(&b)
				if b.State != booking.Requested || b.SpaceName != e.spaceA.Name || b.SiteName != e.siteA.Name ||
					b.OrganisationName != e.orgA.Name || b.SeriesID != nil || b.HoldExpiresAt != nil {
					t.Fatalf("got %+v", b)
				}
				if loc := r.Header().Get("Location"); loc != fmt.Sprintf("/api/v1/bookings/%d", b.ID) {
					t.Errorf("Location %q", loc)
				}
				if len(b.History) != 1 || b.History[0].Action != "create" || b.History[0].FromState != nil ||
					b.History[0].By == nil || b.History[0].By.Name != e.users[asBooker].Name {
					t.Errorf("history %+v", b.History)
				}
			})
		})
		e.verify(e.orgA)
		t.Run("a verified organisation's booking is confirmed", func(t *testing.T) {
			e.withT(t, func() {
				b := e.book(asOrgAdmin, e.bookingBody("2026-12-02T10:00:00Z"))
				if b.State != booking.Confirmed || !b.StartsAt.Equal(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)) {
					t.Fatalf("got %+v", b)
				}
			})
		})
		t.Run("times with an offset are stored in UTC", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody("2026-12-03T10:00:00Z")
				body["starts_at"], body["ends_at"] = "2026-12-03T11:00:00+01:00", "2026-12-03T12:00:00+01:00"
				b := e.book(asBooker, body)
				if !b.StartsAt.Equal(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)) || b.StartsAt.Location() != time.UTC {
					t.Fatalf("starts %v", b.StartsAt)
				}
			})
		})
		t.Run("a clash is a 409 naming the interval taken", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody("2026-12-02T10:30:00Z")
				p := e.send(http.MethodPost, "/api/v1/bookings", asBooker, body).wantProblem(http.StatusConflict, nil)
				if p.Conflict == nil || p.Conflict.StartsAt != "2026-12-02T10:00:00Z" || p.Conflict.EndsAt != "2026-12-02T11:00:00Z" {
					t.Fatalf("problem %+v", p)
				}
				if strings.Contains(p.Detail, e.orgA.Name) {
					t.Errorf("the problem names the other organisation: %q", p.Detail)
				}
			})
		})
		t.Run("back to back bookings are allowed", func(t *testing.T) {
			e.withT(t, func() { e.book(asBooker, e.bookingBody("2026-12-02T11:00:00Z")) })
		})
		t.Run("a hold is pending payment until its deadline", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody("2026-12-04T10:00:00Z")
				body["hold_minutes"] = 30
				b := e.book(asBooker, body)
				if b.State != booking.PendingPayment || b.HoldExpiresAt == nil || !b.HoldExpiresAt.Equal(testClock.Add(30*time.Minute)) {
					t.Fatalf("got %+v", b)
				}
				e.send(http.MethodPost, "/api/v1/bookings", asBooker, e.bookingBody("2026-12-04T10:00:00Z")).wantStatus(http.StatusConflict)
				later := e.atClock(testClock.Add(31 * time.Minute))
				var got bookingJSON
				later.get(fmt.Sprintf("/api/v1/bookings/%d", b.ID), asBooker).wantStatus(http.StatusOK).decode(&got)
				if got.State != booking.Expired {
					t.Fatalf("after the deadline the hold reads %s", got.State)
				}
				var list listJSON[bookingJSON]
				later.get("/api/v1/bookings?state=expired", asBooker).wantStatus(http.StatusOK).decode(&list)
				if list.Total != 1 || list.Items[0].ID != b.ID {
					t.Fatalf("expired list %+v", list)
				}
				again := later.book(asBooker, e.bookingBody("2026-12-04T10:00:00Z"))
				if again.State != booking.Confirmed {
					t.Fatalf("rebooking the expired hold: %+v", again)
				}
			})
		})
		t.Run("an estates manager books on a group's behalf at their own site only", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody("2026-12-05T10:00:00Z")
				body["organisation_id"] = e.orgB.ID
				b := e.book(asManager, body)
				if b.OrganisationID != e.orgB.ID || b.State != booking.Requested {
					t.Fatalf("got %+v", b)
				}
				body = e.bookingBody("2026-12-06T10:00:00Z")
				e.send(http.MethodPost, "/api/v1/bookings", asOtherMgr, body).wantProblem(http.StatusForbidden, nil)
				body["space_id"] = e.spaceB.ID
				e.book(asOtherMgr, body)
			})
		})
		t.Run("nobody books for an organisation they do not belong to", func(t *testing.T) {
			e.withT(t, func() {
				for _, role := range []string{asLinkWorker, asOtherMember} {
					e.send(http.MethodPost, "/api/v1/bookings", role, e.bookingBody("2026-12-07T10:00:00Z")).wantProblem(http.StatusForbidden, nil)
				}
			})
		})
		t.Run("an unknown organisation is named for those who may book for any", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody("2026-12-07T10:00:00Z")
				body["organisation_id"] = 999999
				e.send(http.MethodPost, "/api/v1/bookings", asManager, body).wantProblem(http.StatusUnprocessableEntity, []string{"organisation_id"})
				e.send(http.MethodPost, "/api/v1/bookings", asBooker, body).wantProblem(http.StatusForbidden, nil)
			})
		})
		t.Run("hidden spaces are booked by their managers only", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody("2026-12-08T10:00:00Z")
				body["space_id"] = e.hiddenA.ID
				e.send(http.MethodPost, "/api/v1/bookings", asBooker, body).wantProblem(http.StatusUnprocessableEntity, []string{"space_id"})
				e.book(asManager, body)
			})
		})
		t.Run("a suspended organisation cannot book", func(t *testing.T) {
			e.withT(t, func() {
				_, err := e.store.SetVerification(context.Background(), e.orgB.ID, booking.Suspended, "Unpaid invoices", e.users[asAdmin].ID, testClock)
				must(t, err)
				body := e.bookingBody("2026-12-09T10:00:00Z")
				body["organisation_id"] = e.orgB.ID
				before := e.countBookings()
				p := e.send(http.MethodPost, "/api/v1/bookings", asOtherMember, body).wantProblem(http.StatusForbidden, nil)
				if !strings.Contains(p.Detail, "suspended") {
					t.Errorf("detail %q", p.Detail)
				}
				e.send(http.MethodPost, "/api/v1/bookings", asManager, body).wantProblem(http.StatusForbidden, nil)
				if e.countBookings() != before {
					t.Error("a suspended organisation's booking was stored")
				}
			})
		})
		t.Run("a space that needs approval makes requests", func(t *testing.T) {
			e.withT(t, func() {
				e.spaceA.ApprovalMode = "manual"
				must(t, e.store.UpdateSpace(context.Background(), e.spaceA))
				defer func() {
					e.spaceA.ApprovalMode = "auto"
					must(t, e.store.UpdateSpace(context.Background(), e.spaceA))
				}()
				body := e.bookingBody("2026-12-10T10:00:00Z")
				body["hold_minutes"] = 15
				if b := e.book(asBooker, body); b.State != booking.Requested || b.HoldExpiresAt != nil {
					t.Fatalf("got %+v", b)
				}
			})
		})
	})
}

func TestBookingLifecycle(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		req := e.book(asBooker, e.bookingBody("2026-12-01T10:00:00Z"))
		path := fmt.Sprintf("/api/v1/bookings/%d", req.ID)
		t.Run("members may not approve their own request", func(t *testing.T) {
			e.withT(t, func() {
				e.send(http.MethodPost, path+"/approve", asOrgAdmin, nil).wantProblem(http.StatusForbidden, nil)
				e.send(http.MethodPost, path+"/approve", asOtherMgr, nil).wantProblem(http.StatusNotFound, nil)
			})
		})
		t.Run("declining needs a reason", func(t *testing.T) {
			e.withT(t, func() {
				e.send(http.MethodPost, path+"/decline", asManager, nil).wantProblem(http.StatusUnprocessableEntity, []string{"reason"})
				e.send(http.MethodPost, path+"/decline", asManager, map[string]any{"reason": "  "}).wantProblem(http.StatusUnprocessableEntity, []string{"reason"})
			})
		})
		t.Run("the site's manager approves, and the history says who and when", func(t *testing.T) {
			e.withT(t, func() {
				var b bookingJSON
				e.send(http.MethodPost, path+"/approve", asManager, map[string]any{"reason": "Welcome"}).wantStatus(http.StatusOK).decode(&b)
				if b.State != booking.Confirmed || len(b.History) != 2 {
					t.Fatalf("got %+v", b)
				}
				ev := b.History[1]
				if ev.Action != "approve" || ev.FromState == nil || *ev.FromState != booking.Requested || ev.ToState != booking.Confirmed ||
					ev.Reason != "Welcome" || ev.By == nil || ev.By.Name != e.users[asManager].Name || !ev.At.Equal(testClock) {
					t.Fatalf("event %+v", ev)
				}
			})
		})
		t.Run("a confirmed booking cannot be approved or declined", func(t *testing.T) {
			e.withT(t, func() {
				e.send(http.MethodPost, path+"/approve", asManager, nil).wantProblem(http.StatusConflict, nil)
				e.send(http.MethodPost, path+"/decline", asAdmin, map[string]any{"reason": "No"}).wantProblem(http.StatusConflict, nil)
			})
		})
		t.Run("the group cancels, and its time is free again", func(t *testing.T) {
			e.withT(t, func() {
				var b bookingJSON
				e.send(http.MethodPost, path+"/cancel", asBooker, map[string]any{"reason": "Group paused"}).wantStatus(http.StatusOK).decode(&b)
				if b.State != booking.Cancelled || b.History[2].Reason != "Group paused" || b.History[2].By.Name != e.users[asBooker].Name {
					t.Fatalf("got %+v", b)
				}
				e.send(http.MethodPost, path+"/cancel", asBooker, nil).wantProblem(http.StatusConflict, nil)
				e.book(asBooker, e.bookingBody("2026-12-01T10:00:00Z"))
			})
		})
		t.Run("a declined request frees its time", func(t *testing.T) {
			e.withT(t, func() {
				b := e.book(asBooker, e.bookingBody("2026-12-02T10:00:00Z"))
				var got bookingJSON
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/decline", b.ID), asAdmin,
					map[string]any{"reason": "The room is being repainted"}).wantStatus(http.StatusOK).decode(&got)
				if got.State != booking.Declined || got.History[1].Reason != "The room is being repainted" {
					t.Fatalf("got %+v", got)
				}
				e.book(asOrgAdmin, e.bookingBody("2026-12-02T10:00:00Z"))
			})
		})
		t.Run("an estates manager cancels a booking at their site", func(t *testing.T) {
			e.withT(t, func() {
				b := e.book(asBooker, e.bookingBody("2026-12-03T10:00:00Z"))
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", b.ID), asOtherMgr, nil).wantProblem(http.StatusNotFound, nil)
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", b.ID), asManager, nil).wantStatus(http.StatusOK)
			})
		})
	})
}

func TestBookingVisibility(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		a := e.book(asBooker, e.bookingBody("2026-12-01T10:00:00Z"))
		bodyB := e.bookingBody("2026-12-01T10:00:00Z")
		bodyB["space_id"], bodyB["organisation_id"] = e.spaceB.ID, e.orgB.ID
		b := e.book(asOtherMember, bodyB)
		bodyA2 := e.bookingBody("2026-12-02T10:00:00Z")
		bodyA2["organisation_id"] = e.orgB.ID
		a2 := e.book(asOtherMember, bodyA2) // orgB at siteA
		ids := func(as, query string) []int64 {
			t.Helper()
			var list listJSON[bookingJSON]
			e.get("/api/v1/bookings"+query, as).wantStatus(http.StatusOK).decode(&list)
			out := []int64{}
			for _, it := range list.Items {
				out = append(out, it.ID)
			}
			if int(list.Total) != len(out) && query == "" {
				t.Errorf("%s: total %d for %d items", as, list.Total, len(out))
			}
			return out
		}
		for _, c := range []struct {
			as, query string
			want      []int64
		}{
			{asAdmin, "", []int64{a.ID, b.ID, a2.ID}},
			{asManager, "", []int64{a.ID, a2.ID}},
			{asOtherMgr, "", []int64{b.ID}},
			{asOrgAdmin, "", []int64{a.ID}},
			{asBooker, "", []int64{a.ID}},
			{asOtherMember, "", []int64{b.ID, a2.ID}},
			{asLinkWorker, "", []int64{}},
			{asAdmin, fmt.Sprintf("?organisation=%d", e.orgB.ID), []int64{b.ID, a2.ID}},
			{asAdmin, fmt.Sprintf("?site=%d", e.siteA.ID), []int64{a.ID, a2.ID}},
			{asAdmin, fmt.Sprintf("?space=%d", e.spaceB.ID), []int64{b.ID}},
			{asAdmin, "?state=requested", []int64{a.ID, b.ID, a2.ID}},
			{asAdmin, "?state=confirmed", []int64{}},
			{asAdmin, "?from=2026-12-02", []int64{a2.ID}},
			{asAdmin, "?to=2026-12-01T10:30:00Z", []int64{a.ID, b.ID}},
			{asAdmin, "?from=2026-12-01T11:00:00Z&to=2026-12-02T10:00:00Z", []int64{}},
			{asManager, fmt.Sprintf("?organisation=%d", e.orgB.ID), []int64{a2.ID}},
			{asBooker, fmt.Sprintf("?organisation=%d", e.orgB.ID), []int64{}},
			{asAdmin, "?per_page=2&page=2", []int64{a2.ID}},
		} {
			t.Run(c.as+c.query, func(t *testing.T) {
				e.withT(t, func() {
					if got := ids(c.as, c.query); fmt.Sprint(got) != fmt.Sprint(c.want) {
						t.Errorf("got %v, want %v", got, c.want)
					}
				})
			})
		}
		t.Run("lists leave out the history", func(t *testing.T) {
			e.withT(t, func() {
				var list listJSON[bookingJSON]
				e.get("/api/v1/bookings", asAdmin).wantStatus(http.StatusOK).decode(&list)
				if len(list.Items) == 0 || list.Items[0].History != nil {
					t.Fatalf("got %+v", list.Items)
				}
			})
		})
		t.Run("others' bookings do not exist for them", func(t *testing.T) {
			e.withT(t, func() {
				path := fmt.Sprintf("/api/v1/bookings/%d", a.ID)
				for _, role := range []string{asOtherMgr, asOtherMember, asLinkWorker} {
					e.get(path, role).wantProblem(http.StatusNotFound, nil)
				}
				e.get("/api/v1/bookings/999999", asAdmin).wantProblem(http.StatusNotFound, nil)
			})
		})
	})
}

func TestIdempotencyKeys(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		post := func(as, key string, body any) *response {
			t.Helper()
			return e.do(request{method: http.MethodPost, path: "/api/v1/bookings", as: as, body: body,
				header: http.Header{"Idempotency-Key": {key}}})
		}
		t.Run("a retry gets the first answer and books nothing twice", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody("2026-12-01T10:00:00Z")
				first := post(asBooker, "retry-1", body).wantStatus(http.StatusCreated)
				before := e.countBookings()
				again := post(asBooker, "retry-1", body).wantStatus(http.StatusCreated)
				if again.Body.String() != first.Body.String() {
					t.Errorf("first %s\nretry %s", first.Body, again.Body)
				}
				if again.Header().Get("Location") != first.Header().Get("Location") || again.Header().Get("Idempotent-Replayed") != "true" {
					t.Errorf("retry headers %v", again.Header())
				}
				if first.Header().Get("Idempotent-Replayed") != "" {
					t.Error("the first answer says it is replayed")
				}
				if e.countBookings() != before {
					t.Error("the retry booked again")
				}
			})
		})
		t.Run("the same key with another body is refused", func(t *testing.T) {
			e.withT(t, func() {
				before := e.countBookings()
				post(asBooker, "retry-1", e.bookingBody("2026-12-02T10:00:00Z")).wantProblem(http.StatusUnprocessableEntity, []string{"Idempotency-Key"})
				if e.countBookings() != before {
					t.Error("booked under a used key")
				}
			})
		})
		t.Run("keys belong to the account that sends them", func(t *testing.T) {
			e.withT(t, func() {
				post(asOrgAdmin, "retry-1", e.bookingBody("2026-12-03T10:00:00Z")).wantStatus(http.StatusCreated)
			})
		})
		t.Run("a refusal is kept too", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody("2026-12-01T10:00:00Z")
				first := post(asOrgAdmin, "clash-1", body)
				first.wantProblem(http.StatusConflict, nil)
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", e.firstBookingID()), asAdmin, nil).wantStatus(http.StatusOK)
				again := post(asOrgAdmin, "clash-1", body)
				again.wantProblem(http.StatusConflict, nil)
				if again.Body.String() != first.Body.String() {
					t.Errorf("first %s\nretry %s", first.Body, again.Body)
				}
				post(asOrgAdmin, "clash-2", body).wantStatus(http.StatusCreated)
			})
		})
		t.Run("bad keys are refused", func(t *testing.T) {
			e.withT(t, func() {
				for _, key := range []string{strings.Repeat("k", 256), "two words", "caf\u00e9"} {
					post(asBooker, key, e.bookingBody("2026-12-04T10:00:00Z")).wantProblem(http.StatusUnprocessableEntity, []string{"Idempotency-Key"})
				}
			})
		})
		t.Run("series take keys too", func(t *testing.T) {
			e.withT(t, func() {
				body := e.seriesBody("2026-12-07", "10:00", "11:00", map[string]any{"frequency": "weekly", "count": 3})
				send := func() *response {
					return e.do(request{method: http.MethodPost, path: "/api/v1/series", as: asBooker, body: body,
						header: http.Header{"Idempotency-Key": {"series-1"}}})
				}
				first := send().wantStatus(http.StatusCreated)
				before := e.countBookings()
				if again := send().wantStatus(http.StatusCreated); again.Body.String() != first.Body.String() {
					t.Errorf("first %s\nretry %s", first.Body, again.Body)
				}
				if e.countBookings() != before {
					t.Error("the retry booked again")
				}
				e.do(request{method: http.MethodPost, path: "/api/v1/bookings", as: asBooker, body: body,
					header: http.Header{"Idempotency-Key": {"series-1"}}}).wantProblem(http.StatusUnprocessableEntity, []string{"Idempotency-Key"})
			})
		})
	})
}

// firstBookingID is the id of the first booking stored.
func (e *env) firstBookingID() int64 {
	e.t.Helper()
	var b models.Booking
	must(e.t, e.store.DB.Order("id").First(&b).Error)
	return b.ID
}
