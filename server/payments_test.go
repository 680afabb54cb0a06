package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/server/payments"
	"github.com/common-room/commonroom/server/payments/paymentstest"
)

// withConfig is the env with a server of its own whose configuration fn
// changes, over the same database and accounts.
func (e *env) withConfig(fn func(*Config)) *env {
	e.t.Helper()
	return e.withServer(func(d *Deps) { fn(&d.Config) })
}

// cardPayments turns card payments on in a configuration.
func cardPayments(c *Config) {
	c.StripeSecretKey, c.StripeWebhookSecret = "sk_test_commonroom", "whsec_commonroom"
}

// chargeFor gives a space a standard rate, so its bookings cost something.
func (e *env) chargeFor(sp *models.Space, pence int64) {
	e.t.Helper()
	must(e.t, e.store.DB.Model(&models.Space{}).Where("id = ?", sp.ID).Update("rate_pence", pence).Error)
}

func TestHowBookingsArePaid(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		e.chargeFor(e.spaceA, 2000)
		e.chargeFor(e.spaceB, 0)
		cards := e.withConfig(cardPayments)
		at := func(day int) string { return fmt.Sprintf("2026-12-%02dT10:00:00Z", day) }

		t.Run("with card payments off, a paid booking is confirmed with an invoice due", func(t *testing.T) {
			e.withT(t, func() {
				b := e.book(asBooker, e.bookingBody(at(1)))
				if b.State != booking.Confirmed || b.Payment.State != booking.PaymentInvoiceDue || b.Price.TotalPence != 2000 || b.HoldExpiresAt != nil {
					t.Errorf("booking %+v", b)
				}
			})
		})
		t.Run("with card payments on, it waits for its payment, held for 30 minutes", func(t *testing.T) {
			e.withT(t, func() {
				b := cards.withTAt(t).book(asBooker, e.bookingBody(at(2)))
				if b.State != booking.PendingPayment || b.Payment.State != booking.PaymentPending || b.HoldExpiresAt == nil ||
					!b.HoldExpiresAt.Equal(testClock.Add(30*time.Minute)) {
					t.Errorf("booking %+v", b)
				}
			})
		})
		t.Run("nothing to pay never waits for a payment", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody(at(3))
				body["space_id"] = e.spaceB.ID
				b := cards.withTAt(t).book(asBooker, body)
				if b.State != booking.Confirmed || b.Payment.State != booking.PaymentNotRequired || b.HoldExpiresAt != nil {
					t.Errorf("booking %+v", b)
				}
			})
		})
		t.Run("an organisation that pays by invoice is confirmed with an invoice due", func(t *testing.T) {
			e.withT(t, func() {
				must(t, e.store.DB.Model(&models.Organisation{}).Where("id = ?", e.orgA.ID).Update("pays_by_invoice", true).Error)
				defer func() {
					must(t, e.store.DB.Model(&models.Organisation{}).Where("id = ?", e.orgA.ID).Update("pays_by_invoice", false).Error)
				}()
				b := cards.withTAt(t).book(asBooker, e.bookingBody(at(4)))
				if b.State != booking.Confirmed || b.Payment.State != booking.PaymentInvoiceDue {
					t.Errorf("booking %+v", b)
				}
			})
		})
		t.Run("a request is paid for once approved: approval holds it for its payment", func(t *testing.T) {
			e.withT(t, func() {
				c := cards.withTAt(t)
				body := e.bookingBody(at(5))
				body["organisation_id"] = e.orgB.ID
				b := c.book(asOtherMember, body)
				if b.State != booking.Requested || b.Payment.State != booking.PaymentPending || b.HoldExpiresAt != nil {
					t.Fatalf("request %+v", b)
				}
				var got bookingJSON
				c.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/approve", b.ID), asManager, map[string]any{}).
					wantStatus(http.StatusOK).decode(&got)
				if got.State != booking.PendingPayment || got.HoldExpiresAt == nil || !got.HoldExpiresAt.Equal(testClock.Add(30*time.Minute)) {
					t.Errorf("approved %+v", got)
				}
			})
		})
		t.Run("a series for a card payer waits for one payment for all its dates", func(t *testing.T) {
			e.withT(t, func() {
				sr := cards.withTAt(t).createSeries(asBooker, e.seriesBody("2026-12-07", "10:00", "11:00", map[string]any{"frequency": "weekly", "count": 3}))
				if len(sr.Occurrences) != 3 {
					t.Fatalf("series %+v", sr)
				}
				for _, o := range sr.Occurrences {
					if o.State != booking.PendingPayment {
						t.Errorf("occurrence %+v", o)
					}
				}
			})
		})
	})
}

// withTAt is the env reporting to t.
func (e *env) withTAt(t *testing.T) *env {
	other := *e
	other.t = t
	return &other
}

// countingProvider counts the calls made to the payment provider.
type countingProvider struct {
	inner     payments.Provider
	checkouts atomic.Int64
	refunds   atomic.Int64
}

func (p *countingProvider) Checkout(ctx context.Context, req payments.CheckoutRequest) (payments.CheckoutSession, error) {
	p.checkouts.Add(1)
	return p.inner.Checkout(ctx, req)
}

func (p *countingProvider) Refund(ctx context.Context, req payments.RefundRequest) (payments.Refund, error) {
	p.refunds.Add(1)
	return p.inner.Refund(ctx, req)
}

const webhookSecret = "whsec_commonroom"

// stripeEnv is the env with card payments through stripe-mock, at now,
// counting the calls to Stripe.
func (e *env) stripeEnv(t *testing.T, now time.Time) (*env, *countingProvider) {
	t.Helper()
	url := paymentstest.URL(t)
	stripe := payments.NewStripe(paymentstest.SecretKey, url, nil)
	stripe.Now = func() time.Time { return now }
	counter := &countingProvider{inner: stripe}
	return e.withTAt(t).withServer(func(d *Deps) {
		d.Config.StripeSecretKey, d.Config.StripeWebhookSecret, d.Config.StripeAPIURL = paymentstest.SecretKey, webhookSecret, url
		d.Clock, d.Payments = func() time.Time { return now }, counter
	}), counter
}

// sessionOf is the Checkout Session a booking is being paid through.
func (e *env) sessionOf(id int64) string {
	e.t.Helper()
	var b models.Booking
	must(e.t, e.store.DB.First(&b, id).Error)
	if b.CheckoutSessionID == nil {
		e.t.Fatalf("booking %d has no checkout session", id)
	}
	return *b.CheckoutSessionID
}

// webhook posts a signed checkout event, as Stripe would at the server's
// time.
func (e *env) webhook(eventID, eventType, sessionID string, amount int64, at time.Time) *response {
	e.t.Helper()
	body := payments.CheckoutEventPayload(eventID, eventType, payments.CheckoutSession{ID: sessionID}, "pi_"+sessionID, amount, nil, at)
	return e.do(request{method: http.MethodPost, path: "/webhooks/stripe", body: body,
		header: http.Header{"Stripe-Signature": {payments.SignForTest(body, webhookSecret, at)}}})
}

// checkout starts paying for a booking (or with series, a series).
func (e *env) checkout(path, as string) checkoutJSON {
	e.t.Helper()
	var out checkoutJSON
	e.send(http.MethodPost, path, as, nil).wantStatus(http.StatusCreated).decode(&out)
	return out
}

func (e *env) bookingNow(id int64) bookingJSON {
	e.t.Helper()
	var b bookingJSON
	e.get(fmt.Sprintf("/api/v1/bookings/%d", id), asAdmin).wantStatus(http.StatusOK).decode(&b)
	return b
}

func actions(b bookingJSON) string {
	var out []string
	for _, h := range b.History {
		a := h.Action
		if h.AmountPence != 0 {
			a += fmt.Sprintf("(%d)", h.AmountPence)
		}
		out = append(out, a)
	}
	return strings.Join(out, " ")
}

func TestCardPayments(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		e.verify(e.orgB)
		e.chargeFor(e.spaceA, 2000)
		e.chargeFor(e.spaceB, 0)
		at := func(day, hour int) string { return fmt.Sprintf("2026-12-%02dT%02d:00:00Z", day, hour) }

		t.Run("a checkout pays for a booking and the signed event confirms it, once", func(t *testing.T) {
			s, counter := e.stripeEnv(t, testClock)
			b := s.book(asBooker, e.bookingBody(at(1, 10)))
			co := s.checkout(fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker)
			if co.URL == "" || co.Pence != 2000 || fmt.Sprint(co.Bookings) != fmt.Sprint([]int64{b.ID}) ||
				!co.ExpiresAt.Equal(testClock.Add(31*time.Minute)) || counter.checkouts.Load() != 1 {
				t.Fatalf("checkout %+v after %d calls", co, counter.checkouts.Load())
			}
			if held := s.bookingNow(b.ID); held.HoldExpiresAt == nil || !held.HoldExpiresAt.Equal(co.ExpiresAt) {
				t.Errorf("the hold %v does not end with the checkout %v", held.HoldExpiresAt, co.ExpiresAt)
			}
			session := s.sessionOf(b.ID)
			r := s.webhook("evt_paid_1", "checkout.session.completed", session, 2000, testClock).wantStatus(http.StatusOK)
			r.wantBody(`"outcome":"confirmed"`)
			paid := s.bookingNow(b.ID)
			if paid.State != booking.Confirmed || paid.Payment.State != booking.PaymentPaid || paid.Payment.PaidPence != 2000 ||
				actions(paid) != "create pay(2000)" {
				t.Errorf("after the payment: %+v, history %s", paid, actions(paid))
			}
			s.webhook("evt_paid_1", "checkout.session.completed", session, 2000, testClock).wantStatus(http.StatusOK).
				wantBody(`"outcome":"duplicate"`)
			if again := s.bookingNow(b.ID); actions(again) != actions(paid) || !again.UpdatedAt.Equal(paid.UpdatedAt) {
				t.Errorf("a replay changed the booking: %s", actions(again))
			}
			// An expiry arriving after the payment changes nothing.
			s.webhook("evt_late_expiry_1", "checkout.session.expired", session, 0, testClock).wantStatus(http.StatusOK)
			if again := s.bookingNow(b.ID); again.State != booking.Confirmed || again.Payment.State != booking.PaymentPaid {
				t.Errorf("an out-of-order expiry changed the booking: %+v", again)
			}
		})
		t.Run("two identical deliveries at once are processed once", func(t *testing.T) {
			s, _ := e.stripeEnv(t, testClock)
			b := s.book(asBooker, e.bookingBody(at(2, 10)))
			s.checkout(fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker)
			session := s.sessionOf(b.ID)
			body := payments.CheckoutEventPayload("evt_twice", "checkout.session.completed", payments.CheckoutSession{ID: session}, "pi_twice", 2000, nil, testClock)
			sig := payments.SignForTest(body, webhookSecret, testClock)
			var wg sync.WaitGroup
			codes := make([]int, 2)
			for i := range codes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rec := httptest.NewRecorder()
					req := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", bytes.NewReader(body))
					req.Header.Set("Stripe-Signature", sig)
					s.srv.ServeHTTP(rec, req)
					codes[i] = rec.Code
				}()
			}
			wg.Wait()
			if codes[0] != http.StatusOK || codes[1] != http.StatusOK {
				t.Errorf("statuses %v", codes)
			}
			if got := actions(s.bookingNow(b.ID)); got != "create pay(2000)" {
				t.Errorf("history %s", got)
			}
		})
		t.Run("a webhook with a bad signature is refused and changes nothing", func(t *testing.T) {
			s, _ := e.stripeEnv(t, testClock)
			b := s.book(asBooker, e.bookingBody(at(3, 10)))
			s.checkout(fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker)
			body := payments.CheckoutEventPayload("evt_forged", "checkout.session.completed", payments.CheckoutSession{ID: s.sessionOf(b.ID)}, "pi_x", 2000, nil, testClock)
			for _, sig := range []string{"", "t=1,v1=00", payments.SignForTest(body, "whsec_wrong", testClock)} {
				r := s.do(request{method: http.MethodPost, path: "/webhooks/stripe", body: body, header: http.Header{"Stripe-Signature": {sig}}})
				r.wantStatus(http.StatusBadRequest)
				r.problem()
			}
			if got := s.bookingNow(b.ID); got.State != booking.PendingPayment || got.Payment.State != booking.PaymentPending {
				t.Errorf("a forged event changed the booking: %+v", got)
			}
		})
		t.Run("an expired checkout expires the booking and frees its time", func(t *testing.T) {
			s, _ := e.stripeEnv(t, testClock)
			b := s.book(asBooker, e.bookingBody(at(4, 10)))
			s.checkout(fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker)
			s.webhook("evt_expired", "checkout.session.expired", s.sessionOf(b.ID), 0, testClock).wantStatus(http.StatusOK)
			if got := s.bookingNow(b.ID); got.State != booking.Expired || actions(got) != "create expire" {
				t.Errorf("after the expiry: %+v, %s", got, actions(got))
			}
			body := e.bookingBody(at(4, 10))
			body["organisation_id"] = e.orgB.ID
			s.book(asOtherMember, body)
		})
		t.Run("a payment after the hold lapsed confirms the booking if its time is still free", func(t *testing.T) {
			s, _ := e.stripeEnv(t, testClock)
			b := s.book(asBooker, e.bookingBody(at(5, 10)))
			co := s.checkout(fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker)
			later, _ := e.stripeEnv(t, co.ExpiresAt.Add(time.Minute))
			later.webhook("evt_late_free", "checkout.session.completed", s.sessionOf(b.ID), 2000, co.ExpiresAt.Add(time.Minute)).
				wantStatus(http.StatusOK).wantBody(`"outcome":"confirmed"`)
			got := later.bookingNow(b.ID)
			if got.State != booking.Confirmed || got.Payment.State != booking.PaymentPaid || !strings.Contains(fmt.Sprint(got.History), "still free") {
				t.Errorf("late payment, time free: %+v", got)
			}
		})
		t.Run("a payment after the hold lapsed and the time was taken is refunded in full", func(t *testing.T) {
			s, counter := e.stripeEnv(t, testClock)
			b := s.book(asBooker, e.bookingBody(at(6, 10)))
			co := s.checkout(fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker)
			after := co.ExpiresAt.Add(time.Minute)
			later, laterCounter := e.stripeEnv(t, after)
			must(t, e.store.DB.Model(&models.Organisation{}).Where("id = ?", e.orgB.ID).Update("pays_by_invoice", true).Error)
			body := e.bookingBody(at(6, 10))
			body["organisation_id"] = e.orgB.ID
			taken := later.book(asOtherMember, body)
			must(t, e.store.DB.Model(&models.Organisation{}).Where("id = ?", e.orgB.ID).Update("pays_by_invoice", false).Error)
			later.webhook("evt_late_taken", "checkout.session.completed", s.sessionOf(b.ID), 2000, after).
				wantStatus(http.StatusOK).wantBody(`"outcome":"refunded"`)
			got := later.bookingNow(b.ID)
			if got.State != booking.Expired || got.Payment.State != booking.PaymentRefunded || got.Payment.RefundedPence != 2000 ||
				actions(got) != "create expire pay(2000) refund(2000)" || laterCounter.refunds.Load() != 1 || counter.refunds.Load() != 0 {
				t.Errorf("late payment, time taken: %+v, %s, %d refunds", got, actions(got), laterCounter.refunds.Load())
			}
			if other := later.bookingNow(taken.ID); other.State != booking.Confirmed {
				t.Errorf("the booking that took the time: %+v", other)
			}
		})
		t.Run("cancelling refunds by the site's terms, and in full when the estate cancels", func(t *testing.T) {
			s, counter := e.stripeEnv(t, testClock)
			pay := func(start string, evt string) bookingJSON {
				b := s.book(asBooker, e.bookingBody(start))
				s.checkout(fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker)
				s.webhook(evt, "checkout.session.completed", s.sessionOf(b.ID), 2000, testClock).wantStatus(http.StatusOK)
				return b
			}
			cancel := func(b bookingJSON, as string) bookingJSON {
				var got bookingJSON
				s.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", b.ID), as, map[string]any{"reason": "Plans changed"}).
					wantStatus(http.StatusOK).decode(&got)
				return got
			}
			early := cancel(pay(at(7, 10), "evt_pay_early"), asBooker)
			if early.Payment.State != booking.PaymentRefunded || early.Payment.RefundedPence != 2000 || counter.refunds.Load() != 1 {
				t.Errorf("cancelled a week ahead: %+v", early.Payment)
			}
			// Tomorrow at noon is inside the default 48 hours' notice.
			late := cancel(pay("2026-11-22T12:00:00Z", "evt_pay_late"), asBooker)
			if late.State != booking.Cancelled || late.Payment.State != booking.PaymentPaid || late.Payment.RefundedPence != 0 || counter.refunds.Load() != 1 {
				t.Errorf("cancelled inside the notice: %+v", late.Payment)
			}
			byEstate := cancel(pay("2026-11-22T15:00:00Z", "evt_pay_estate"), asManager)
			if byEstate.Payment.State != booking.PaymentRefunded || byEstate.Payment.RefundedPence != 2000 || counter.refunds.Load() != 2 {
				t.Errorf("cancelled by the estate: %+v", byEstate.Payment)
			}
			if got := s.bookingNow(byEstate.ID); !strings.HasSuffix(actions(got), "cancel refund(2000)") {
				t.Errorf("history %s", actions(got))
			}
		})
		t.Run("a series is paid in one checkout, and cancelling part of it refunds that part", func(t *testing.T) {
			s, _ := e.stripeEnv(t, testClock)
			sr := s.createSeries(asBooker, e.seriesBody("2026-12-14", "10:00", "11:00", map[string]any{"frequency": "weekly", "count": 3}))
			co := s.checkout(fmt.Sprintf("/api/v1/series/%d/checkout", sr.ID), asBooker)
			if len(co.Bookings) != 3 || co.Pence != 6000 {
				t.Fatalf("series checkout %+v", co)
			}
			s.webhook("evt_series", "checkout.session.completed", s.sessionOf(co.Bookings[0]), 6000, testClock).wantStatus(http.StatusOK)
			for _, id := range co.Bookings {
				if got := s.bookingNow(id); got.State != booking.Confirmed || got.Payment.State != booking.PaymentPaid {
					t.Errorf("occurrence %+v", got)
				}
			}
			s.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", sr.ID), asBooker,
				map[string]any{"scope": "from", "from": "2026-12-21", "reason": "Term ends early"}).wantStatus(http.StatusOK)
			want := []string{booking.PaymentPaid, booking.PaymentRefunded, booking.PaymentRefunded}
			for i, id := range co.Bookings {
				if got := s.bookingNow(id); got.Payment.State != want[i] {
					t.Errorf("occurrence %d: payment %+v, want %s", i, got.Payment, want[i])
				}
			}
		})
		t.Run("nothing to pay never reaches Stripe", func(t *testing.T) {
			s, counter := e.stripeEnv(t, testClock)
			body := e.bookingBody(at(8, 10))
			body["space_id"] = e.spaceB.ID
			b := s.book(asBooker, body)
			s.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker, nil).wantStatus(http.StatusConflict)
			s.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", b.ID), asBooker, map[string]any{}).wantStatus(http.StatusOK)
			if n := counter.checkouts.Load() + counter.refunds.Load(); n != 0 {
				t.Errorf("%d calls to Stripe for a free booking", n)
			}
		})
		t.Run("with card payments off there is no checkout and no webhook", func(t *testing.T) {
			e.withT(t, func() {
				b := e.book(asBooker, e.bookingBody(at(9, 10)))
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker, nil).wantStatus(http.StatusConflict)
				e.do(request{method: http.MethodPost, path: "/webhooks/stripe", body: "{}"}).wantStatus(http.StatusNotFound)
			})
		})
	})
}

// seedPayable stores a booking of spaceA for orgA, which pays by card, in
// the role's own slot, waiting for its payment; and with series, a series
// of three such dates. It returns the booking's or the series' id.
func (s *env) seedPayable(role string, series bool) int64 {
	s.t.Helper()
	s.openAllDay()
	s.verify(s.orgA)
	s.chargeFor(s.spaceA, 2000)
	req := booking.Request{SpaceID: s.spaceA.ID, OrganisationID: s.orgA.ID, ByUserID: s.users[asBooker].ID,
		Interval: roleSlot(role), Purpose: "community", Attendees: 3, Verified: true,
		Payer: booking.Payer{CardPayments: true}}
	if series {
		hour := booking.Clock((8 + slices.Index(allRoles, role)) * 60)
		res, err := s.srv.bookings.BookSeries(context.Background(), booking.SeriesRequest{Request: req,
			First: roleDay(role).AddDays(14), StartClock: hour, EndClock: hour + 60,
			Recurrence: booking.Recurrence{Frequency: booking.Weekly, Count: 3}})
		must(s.t, err)
		return res.SeriesID
	}
	id, state, err := s.srv.bookings.Book(context.Background(), req)
	must(s.t, err)
	if state != booking.PendingPayment {
		s.t.Fatalf("seeded booking is %s", state)
	}
	return id
}

// paymentRouteCases are the rows of the route × role table for paying by
// card, with card payments on through stripe-mock.
var paymentRouteCases = []routeCase{
	{
		method: http.MethodPost, pattern: "/api/v1/bookings/:id/checkout",
		call: func(e *env, role string) *response {
			s, _ := e.stripeEnv(e.t, testClock)
			return s.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/checkout", s.seedPayable(role, false)), role, nil)
		},
		want: signedInStatuses(http.StatusNotFound, map[string]int{
			asAdmin: http.StatusCreated, asManager: http.StatusCreated, asOrgAdmin: http.StatusCreated, asBooker: http.StatusCreated,
		}),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/series/:id/checkout",
		call: func(e *env, role string) *response {
			s, _ := e.stripeEnv(e.t, testClock)
			return s.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/checkout", s.seedPayable(role, true)), role, nil)
		},
		want: signedInStatuses(http.StatusNotFound, map[string]int{
			asAdmin: http.StatusCreated, asManager: http.StatusCreated, asOrgAdmin: http.StatusCreated, asBooker: http.StatusCreated,
		}),
	},
	{
		// The booking page's "Pay by card" sends the payer to Stripe.
		method: http.MethodPost, pattern: "/bookings/:id/pay",
		call: func(e *env, role string) *response {
			s, _ := e.stripeEnv(e.t, testClock)
			return s.postForm("/bookings/"+itoa(s.seedPayable(role, false))+"/pay", role, url.Values{})
		},
		want: pageBookingStatuses(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodPost, pattern: "/series/:id/pay",
		call: func(e *env, role string) *response {
			s, _ := e.stripeEnv(e.t, testClock)
			return s.postForm("/series/"+itoa(s.seedPayable(role, true))+"/pay", role, url.Values{})
		},
		want: pageBookingStatuses(pageSaved, http.StatusUnauthorized),
	},
	{
		// Stripe sends no credentials: its signature is the check, and a
		// signed-in caller gains nothing.
		method: http.MethodPost, pattern: "/webhooks/stripe",
		call: func(e *env, role string) *response {
			s, _ := e.stripeEnv(e.t, testClock)
			body := []byte(`{"id":"evt_role_` + role + `","object":"event","type":"customer.created","created":` +
				strconv.FormatInt(testClock.Unix(), 10) + `,"data":{"object":{"id":"cus_1","object":"customer"}}}`)
			return s.do(request{method: http.MethodPost, path: "/webhooks/stripe", as: role, body: body,
				header: http.Header{"Stripe-Signature": {payments.SignForTest(body, webhookSecret, testClock)}}})
		},
		want: roleStatuses(http.StatusOK, nil),
	},
}

func TestPayingThroughTheBookingPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		e.chargeFor(e.spaceA, 2000)
		s, counter := e.stripeEnv(t, testClock)
		b := s.book(asBooker, e.bookingBody("2026-12-01T10:00:00Z"))
		page := "/bookings/" + itoa(b.ID)
		s.getPage(page, asBooker).wantStatus(http.StatusOK).
			wantBody("Pay to confirm the booking", "Pay £20.00 by card", "held for you until 10:30", "Waiting for payment")
		if csp := s.getPage(page, asBooker).Header().Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://checkout.stripe.com;") {
			t.Errorf("the page may not send its form on to Stripe Checkout: %s", csp)
		}
		if csp := e.getPage(page, asBooker).Header().Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self';") {
			t.Errorf("with card payments off, forms lead elsewhere: %s", csp)
		}
		r := s.postForm(page+"/pay", asBooker, url.Values{}).wantStatus(http.StatusSeeOther)
		if loc := r.Header().Get("Location"); !strings.HasPrefix(loc, "https://checkout.stripe.com/") || counter.checkouts.Load() != 1 {
			t.Fatalf("sent to %q after %d checkouts", loc, counter.checkouts.Load())
		}
		s.getPage(page+"?checkout=cancelled", asBooker).wantStatus(http.StatusOK).wantBody("You left the payment page without paying")
		s.getPage(page+"?paid=1", asBooker).wantStatus(http.StatusOK).wantBody("Your payment is being confirmed")
		s.webhook("evt_page_paid", "checkout.session.completed", s.sessionOf(b.ID), 2000, testClock).wantStatus(http.StatusOK)
		s.getPage(page+"?paid=1", asBooker).wantStatus(http.StatusOK).wantBody("Confirmed", "Paid: £20.00").
			wantNoBody("Pay to confirm", "being confirmed")
		// Paying again finds nothing to pay and says so, without Stripe.
		s.postForm(page+"/pay", asBooker, url.Values{}).wantStatus(http.StatusConflict).wantBody("Nothing here waits for a payment")
		if counter.checkouts.Load() != 1 {
			t.Errorf("%d checkouts", counter.checkouts.Load())
		}
		// Another organisation's member cannot see it, let alone pay.
		s.postForm(page+"/pay", asOtherMember, url.Values{}).wantStatus(http.StatusNotFound)

		// The check page says how the price will be paid, before booking.
		check := bookFormValues(e.orgA.ID, booking.Date{Year: 2026, Month: time.December, Day: 2}, "10:00", "11:00")
		check.Del("confirm")
		s.postForm(fmt.Sprintf("/spaces/%d/book", e.spaceA.ID), asBooker, check).wantStatus(http.StatusOK).
			wantBody("You pay by card when you confirm: the time is held for you for 30 minutes")
		e.postForm(fmt.Sprintf("/spaces/%d/book", e.spaceA.ID), asBooker, check).wantStatus(http.StatusOK).
			wantBody("Card payments are not set up here, so your organisation is invoiced")

		// A series is paid for in one go from its page.
		sr := s.createSeries(asBooker, e.seriesBody("2026-12-07", "10:00", "11:00", map[string]any{"frequency": "weekly", "count": 3}))
		s.getPage(fmt.Sprintf("/series/%d", sr.ID), asBooker).wantStatus(http.StatusOK).wantBody("Pay £60.00 by card")
		r = s.postForm(fmt.Sprintf("/series/%d/pay", sr.ID), asBooker, url.Values{}).wantStatus(http.StatusSeeOther)
		if loc := r.Header().Get("Location"); !strings.HasPrefix(loc, "https://checkout.stripe.com/") {
			t.Errorf("the series' payment goes to %q", loc)
		}
		e.getPage(fmt.Sprintf("/series/%d", sr.ID), asBooker).wantStatus(http.StatusOK).wantNoBody("by card")
	})
}

// TestPaymentSecretsStayOutOfLogs: Stripe refuses a key and quotes it back;
// neither the answer nor the log shows the key, and a forged webhook's
// answer does not show the webhook secret.
func TestPaymentSecretsStayOutOfLogs(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		e.chargeFor(e.spaceA, 2000)
		const key, secret = "sk_test_leaky_secretvalue", "whsec_leakysecret"
		var logs bytes.Buffer
		s := e.withTAt(t).withServer(func(d *Deps) {
			d.Config.StripeSecretKey, d.Config.StripeWebhookSecret, d.Config.StripeAPIURL = key, secret, paymentstest.URL(t)
			d.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
		})
		b := s.book(asBooker, e.bookingBody("2026-12-01T10:00:00Z"))
		r := s.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/checkout", b.ID), asBooker, nil)
		r.wantStatus(http.StatusBadGateway)
		if p := r.problem(); p.Title != "The card payment service could not be reached" {
			t.Errorf("problem %+v", p)
		}
		body := []byte(`{"id":"evt_x","object":"event","type":"checkout.session.completed"}`)
		forged := s.do(request{method: http.MethodPost, path: "/webhooks/stripe", body: body,
			header: http.Header{"Stripe-Signature": {payments.SignForTest(body, "whsec_other", testClock)}}}).wantStatus(http.StatusBadRequest)
		for _, text := range []string{r.Body.String(), forged.Body.String(), logs.String()} {
			if strings.Contains(text, "secretvalue") || strings.Contains(text, "leakysecret") {
				t.Errorf("a secret shows:\n%s", text)
			}
		}
		if !strings.Contains(logs.String(), "[secret key]") {
			t.Errorf("the refusal is not logged:\n%s", logs.String())
		}
	})
}
