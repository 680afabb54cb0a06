package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// withConfig is the env with a server of its own whose configuration fn
// changes, over the same database and accounts.
func (e *env) withConfig(fn func(*Config)) *env {
	e.t.Helper()
	cfg, err := LoadConfig(func(string) string { return "" })
	must(e.t, err)
	fn(&cfg)
	srv, err := newServer(Deps{Config: cfg, Store: e.store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: strings.Repeat("s", 32), Clock: func() time.Time { return testClock }})
	must(e.t, err)
	other := *e
	other.srv = srv
	return &other
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
