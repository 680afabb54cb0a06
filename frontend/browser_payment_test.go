package frontend_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
	"github.com/common-room/commonroom/server/payments"
	"github.com/common-room/commonroom/server/payments/paymentstest"
)

func TestMain(m *testing.M) { os.Exit(paymentstest.Main(m)) }

// TestCardPaymentJourney: a charity books a private hire slot, which costs
// the full rate; the booking page holds it for payment, its Pay button
// sends the browser to Stripe Checkout (stripe-mock's page, which the
// browser is stopped from loading), Stripe's signed event arrives, and the
// booking page shows it confirmed and paid.
func TestCardPaymentJourney(t *testing.T) {
	browser := findBrowser(t)
	axeSource, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		skipOrFail(t, "axe-core is not installed (run make assets): %v", err)
	}
	const secret = "whsec_browser"
	base, db := startServerWith(t, map[string]string{
		"STRIPE_SECRET_KEY": paymentstest.SecretKey, "STRIPE_WEBHOOK_SECRET": secret, "STRIPE_API_URL": paymentstest.URL(t),
	})
	b := newBrowser(t, browser, base, string(axeSource))
	wed := nextWeekday(time.Wednesday, 3)

	b.signIn("booker@example.org")
	b.visit(fmt.Sprintf("/find-a-space?date-day=%d&date-month=%d&date-year=%d&start=10am&kind=counselling_room",
		wed.Day, int(wed.Month), wed.Year), "find-results")
	b.follow(`//li[contains(@class,"nhsuk-card")][.//a[text()="Counselling Room 3"]]//ul[contains(@class,"app-slots")]//a`, "book")
	b.click(`input[name="purpose"][value="private_commercial"]`)
	b.setValue("#attendees", "2")
	b.submit(`form[action$="/book"] button[type="submit"]`, 200, "book-check")
	b.wantText("main", "Private or commercial")
	b.wantText("main", "£20.00")
	b.submit(`//form[.//input[@name="confirm"]]//button`, 200, "booking-to-pay")
	b.wantText(".nhsuk-notification-banner--success", "Pay by card to confirm it")
	b.wantText("main", "Waiting for payment")
	b.wantText("#pay", "Pay to confirm the booking")
	bookingURL := b.eval(`location.pathname`)

	// The Pay button answers with a redirect to Stripe Checkout. The
	// browser may not leave for the internet: the request is blocked, and
	// seen.
	var mu sync.Mutex
	var checkout string
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request != nil && strings.HasPrefix(e.Request.URL, "https://checkout.stripe.com/") {
			mu.Lock()
			checkout = e.Request.URL
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
		{URLPattern: "https://assets.nhs.uk/*", Block: true}, {URLPattern: "https://checkout.stripe.com/*", Block: true},
	}}); err != nil {
		t.Fatal(err)
	}
	b.click(`#pay + p + form button`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := checkout
		mu.Unlock()
		if got != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Pay button did not send the browser to Stripe Checkout; the browser is at %s", b.eval(`location.href + " " + document.body.innerText.slice(0, 300)`))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The blocked page load is reported as an error; it is the point.
	b.mu.Lock()
	b.problems = nil
	b.mu.Unlock()

	// Stripe tells the service the session was paid.
	store := modelstest.Open(t, db)
	var bk models.Booking
	if err := store.DB.Where("checkout_session_id IS NOT NULL").Order("id DESC").First(&bk).Error; err != nil {
		t.Fatal(err)
	}
	if bookingURL != fmt.Sprintf("%q", fmt.Sprintf("/bookings/%d", bk.ID)) {
		t.Fatalf("the checkout is for booking %d, the page was %s", bk.ID, bookingURL)
	}
	now := time.Now()
	body := payments.CheckoutEventPayload("evt_browser", "checkout.session.completed",
		payments.CheckoutSession{ID: *bk.CheckoutSessionID}, "pi_browser", bk.TotalPence, nil, now)
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, base+"/webhooks/stripe", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Stripe-Signature", payments.SignForTest(body, secret, now))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook answered %d", resp.StatusCode)
	}

	// Back from Stripe, the booking is confirmed and paid.
	b.visit(fmt.Sprintf("/bookings/%d?paid=1", bk.ID), "booking-paid")
	b.wantText("main", "Confirmed")
	b.wantRow("main", "Payment", "Paid: "+fmt.Sprintf("£%d.%02d", bk.TotalPence/100, bk.TotalPence%100))
	if strings.Contains(b.text("main"), "Pay to confirm") {
		t.Error("a paid booking still offers to pay")
	}
}
