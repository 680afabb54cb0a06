package payments_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/common-room/commonroom/server/payments"
	"github.com/common-room/commonroom/server/payments/paymentstest"
)

func TestMain(m *testing.M) {
	os.Exit(paymentstest.Main(m))
}

// sent is one request as it left the client.
type sent struct {
	Method, Path string
	Header       http.Header
	Form         url.Values
}

// recorder is an http.RoundTripper that keeps a copy of every request.
type recorder struct {
	mu   sync.Mutex
	reqs []sent
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		out.Body = io.NopCloser(bytes.NewReader(body))
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, sent{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), Form: form})
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(out)
}

func (r *recorder) sent() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.reqs...)
}

// onlyRequest returns the one request made, failing the test otherwise.
func (r *recorder) onlyRequest(t *testing.T) sent {
	t.Helper()
	reqs := r.sent()
	if len(reqs) != 1 {
		t.Fatalf("made %d requests, want 1", len(reqs))
	}
	return reqs[0]
}

func newMockStripe(t *testing.T) (*payments.Stripe, *recorder) {
	t.Helper()
	rec := &recorder{}
	return payments.NewStripe(paymentstest.SecretKey, paymentstest.URL(t), &http.Client{Transport: rec}), rec
}

func checkoutRequest() payments.CheckoutRequest {
	return payments.CheckoutRequest{
		Lines: []payments.CheckoutLine{
			{Name: "Seminar room 2, Tue 3 Nov 2026", Description: "18:00–20:00, St Mary's Health Centre", Pence: 3600},
			{Name: "Seminar room 2, Tue 10 Nov 2026", Pence: 3600},
		},
		Reference:      "series-7",
		Metadata:       map[string]string{"series": "7", "organisation": "12"},
		CustomerEmail:  "treasurer@example.org",
		ExpiresAt:      time.Now().Add(2 * time.Hour).Truncate(time.Second),
		SuccessURL:     "https://rooms.example.nhs.uk/pay/done?session={CHECKOUT_SESSION_ID}",
		CancelURL:      "https://rooms.example.nhs.uk/series/7",
		IdempotencyKey: "checkout-series-7-1",
	}
}

func wantForm(t *testing.T, form url.Values, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := form.Get(k); got != v || !form.Has(k) {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
}

func TestCheckout(t *testing.T) {
	t.Run("creates a session through stripe-mock", func(t *testing.T) {
		p, rec := newMockStripe(t)
		req := checkoutRequest()

		got, err := p.Checkout(context.Background(), req)
		if err != nil {
			t.Fatalf("Checkout: %v", err)
		}
		if !strings.HasPrefix(got.ID, "cs_") {
			t.Errorf("ID = %q, want a cs_ ID", got.ID)
		}
		if !strings.HasPrefix(got.URL, "https://") {
			t.Errorf("URL = %q, want an https URL", got.URL)
		}
		// stripe-mock reflects top-level scalar parameters such as expires_at.
		if !got.ExpiresAt.Equal(req.ExpiresAt) {
			t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, req.ExpiresAt)
		}

		r := rec.onlyRequest(t)
		if r.Method != http.MethodPost || r.Path != "/v1/checkout/sessions" {
			t.Errorf("request = %s %s, want POST /v1/checkout/sessions", r.Method, r.Path)
		}
		if got := r.Header.Get("Idempotency-Key"); got != req.IdempotencyKey {
			t.Errorf("Idempotency-Key = %q, want %q", got, req.IdempotencyKey)
		}
		if got := r.Header.Get("Stripe-Version"); got != "2023-10-16" {
			t.Errorf("Stripe-Version = %q, want 2023-10-16", got)
		}
		wantForm(t, r.Form, map[string]string{
			"mode":                                                 "payment",
			"line_items[0][price_data][currency]":                  "gbp",
			"line_items[0][price_data][unit_amount]":               "3600",
			"line_items[0][price_data][product_data][name]":        req.Lines[0].Name,
			"line_items[0][price_data][product_data][description]": req.Lines[0].Description,
			"line_items[0][quantity]":                              "1",
			"line_items[1][price_data][currency]":                  "gbp",
			"line_items[1][price_data][unit_amount]":               "3600",
			"line_items[1][price_data][product_data][name]":        req.Lines[1].Name,
			"line_items[1][quantity]":                              "1",
			"client_reference_id":                                  "series-7",
			"customer_email":                                       "treasurer@example.org",
			"metadata[series]":                                     "7",
			"metadata[organisation]":                               "12",
			"payment_intent_data[metadata][series]":                "7",
			"payment_intent_data[metadata][organisation]":          "12",
			"expires_at":                                           strconv.FormatInt(req.ExpiresAt.Unix(), 10),
			"success_url":                                          req.SuccessURL,
			"cancel_url":                                           req.CancelURL,
		})
		if r.Form.Has("line_items[1][price_data][product_data][description]") {
			t.Error("sent an empty description, which Stripe refuses")
		}
	})

	t.Run("leaves out optional fields that are empty", func(t *testing.T) {
		p, rec := newMockStripe(t)
		req := checkoutRequest()
		req.Reference, req.CustomerEmail, req.Metadata = "", "", nil

		if _, err := p.Checkout(context.Background(), req); err != nil {
			t.Fatalf("Checkout: %v", err)
		}
		for k := range rec.onlyRequest(t).Form {
			if k == "client_reference_id" || k == "customer_email" || strings.HasPrefix(k, "metadata") || strings.HasPrefix(k, "payment_intent_data") {
				t.Errorf("sent %s for an empty field", k)
			}
		}
	})

	t.Run("accepts expiry at the edges of Stripe's window", func(t *testing.T) {
		for _, ahead := range []time.Duration{31 * time.Minute, 24*time.Hour - time.Minute} {
			p, _ := newMockStripe(t)
			req := checkoutRequest()
			req.ExpiresAt = time.Now().Add(ahead)
			if _, err := p.Checkout(context.Background(), req); err != nil {
				t.Errorf("expiry %s ahead: %v", ahead, err)
			}
		}
	})
}

func TestCheckoutRefusesBeforeCallingStripe(t *testing.T) {
	tests := []struct {
		name   string
		change func(*payments.CheckoutRequest)
		want   string
	}{
		{"expiry under 30 minutes ahead", func(r *payments.CheckoutRequest) { r.ExpiresAt = time.Now().Add(29 * time.Minute) }, "expiry"},
		{"expiry over 24 hours ahead", func(r *payments.CheckoutRequest) { r.ExpiresAt = time.Now().Add(25 * time.Hour) }, "expiry"},
		{"expiry in the past", func(r *payments.CheckoutRequest) { r.ExpiresAt = time.Now().Add(-time.Hour) }, "expiry"},
		{"no expiry", func(r *payments.CheckoutRequest) { r.ExpiresAt = time.Time{} }, "expiry"},
		{"no lines", func(r *payments.CheckoutRequest) { r.Lines = nil }, "no lines"},
		{"a free line", func(r *payments.CheckoutRequest) { r.Lines[1].Pence = 0 }, "line 2"},
		{"a line without a name", func(r *payments.CheckoutRequest) { r.Lines[0].Name = " " }, "line 1"},
		{"a relative success URL", func(r *payments.CheckoutRequest) { r.SuccessURL = "/pay/done" }, "success URL"},
		{"no cancel URL", func(r *payments.CheckoutRequest) { r.CancelURL = "" }, "cancel URL"},
		{"no idempotency key", func(r *payments.CheckoutRequest) { r.IdempotencyKey = "" }, "idempotency key"},
		{"a metadata key Stripe cannot store", func(r *payments.CheckoutRequest) { r.Metadata["a[b]"] = "x" }, "metadata key"},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			rec := &recorder{}
			// No stripe-mock needed: nothing may be sent.
			p := payments.NewStripe(paymentstest.SecretKey, "http://127.0.0.1:9", &http.Client{Transport: rec})
			req := checkoutRequest()
			tt.change(&req)

			_, err := p.Checkout(context.Background(), req)
			if !errors.Is(err, payments.ErrInvalidRequest) {
				t.Fatalf("err = %v, want ErrInvalidRequest", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to mention %q", err, tt.want)
			}
			if n := len(rec.sent()); n != 0 {
				t.Errorf("made %d requests, want none", n)
			}
		})
	}
}

func TestRefund(t *testing.T) {
	t.Run("refunds through stripe-mock", func(t *testing.T) {
		p, rec := newMockStripe(t)
		req := payments.RefundRequest{
			PaymentIntentID: "pi_3OxYz2AbCdEf",
			Pence:           1800,
			Reason:          "booking 42 cancelled 10 days ahead",
			IdempotencyKey:  "refund-booking-42",
		}

		got, err := p.Refund(context.Background(), req)
		if err != nil {
			t.Fatalf("Refund: %v", err)
		}
		if !strings.HasPrefix(got.ID, "re_") {
			t.Errorf("ID = %q, want a re_ ID", got.ID)
		}
		if got.Pence != 1800 || got.Status == "" {
			t.Errorf("refund = %+v, want 1800 pence with a status", got)
		}

		r := rec.onlyRequest(t)
		if r.Method != http.MethodPost || r.Path != "/v1/refunds" {
			t.Errorf("request = %s %s, want POST /v1/refunds", r.Method, r.Path)
		}
		if got := r.Header.Get("Idempotency-Key"); got != req.IdempotencyKey {
			t.Errorf("Idempotency-Key = %q, want %q", got, req.IdempotencyKey)
		}
		wantForm(t, r.Form, map[string]string{
			"payment_intent":   req.PaymentIntentID,
			"amount":           "1800",
			"metadata[reason]": req.Reason,
		})
		if r.Form.Has("reason") {
			t.Error("sent the free-text reason as Stripe's enumerated reason")
		}
	})

	valid := payments.RefundRequest{PaymentIntentID: "pi_1", Pence: 100, IdempotencyKey: "refund-1"}
	tests := []struct {
		name   string
		change func(*payments.RefundRequest)
	}{
		{"no payment intent", func(r *payments.RefundRequest) { r.PaymentIntentID = "" }},
		{"no money", func(r *payments.RefundRequest) { r.Pence = 0 }},
		{"negative money", func(r *payments.RefundRequest) { r.Pence = -5 }},
		{"no idempotency key", func(r *payments.RefundRequest) { r.IdempotencyKey = "" }},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			rec := &recorder{}
			p := payments.NewStripe(paymentstest.SecretKey, "http://127.0.0.1:9", &http.Client{Transport: rec})
			req := valid
			tt.change(&req)
			if _, err := p.Refund(context.Background(), req); !errors.Is(err, payments.ErrInvalidRequest) {
				t.Fatalf("err = %v, want ErrInvalidRequest", err)
			}
			if n := len(rec.sent()); n != 0 {
				t.Errorf("made %d requests, want none", n)
			}
		})
	}
}

func TestStripeErrorsHideTheSecretKey(t *testing.T) {
	refund := payments.RefundRequest{PaymentIntentID: "pi_1", Pence: 100, IdempotencyKey: "refund-1"}

	t.Run("stripe-mock echoing a key it refuses", func(t *testing.T) {
		// stripe-mock wants keys shaped sk_test_X; it answers anything else
		// with a 401 that quotes the Authorization header.
		const key = "sk_test_shaped_wrongly_0123456789"
		p := payments.NewStripe(key, paymentstest.URL(t), nil)

		_, err := p.Checkout(context.Background(), checkoutRequest())
		se := stripeError(t, err, key)
		if se.Status != http.StatusUnauthorized || se.Type != "invalid_request_error" || se.Op != "checkout" {
			t.Errorf("error = %+v, want a 401 invalid_request_error from checkout", se)
		}
		if !strings.Contains(se.Message, "[secret key]") {
			t.Errorf("message %q does not show where the key was removed", se.Message)
		}

		_, err = p.Refund(context.Background(), refund)
		stripeError(t, err, key)
	})

	const key = "sk_live_51AbCdEfGhIjKlMnOpQrStUv"
	tests := []struct {
		name   string
		status int
		body   string
		check  func(t *testing.T, e *payments.Error)
	}{
		{
			name:   "a Stripe error object",
			status: http.StatusPaymentRequired,
			body:   `{"error":{"type":"card_error","code":"card_declined","param":"payment_method","message":"Declined for key ` + key + `"}}`,
			check: func(t *testing.T, e *payments.Error) {
				if e.Status != 402 || e.Type != "card_error" || e.Code != "card_declined" || e.Param != "payment_method" || e.RequestID != "req_abc" {
					t.Errorf("error = %+v, want the fields of Stripe's answer", e)
				}
			},
		},
		{
			name:   "an answer that is not JSON",
			status: http.StatusBadRequest,
			body:   "<html>Bad request from " + key + "</html>",
			check: func(t *testing.T, e *payments.Error) {
				if !strings.Contains(e.Message, "Bad request from [secret key]") {
					t.Errorf("message = %q, want the answer with the key removed", e.Message)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Request-Id", "req_abc")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			p := payments.NewStripe(key, srv.URL, nil)

			_, err := p.Refund(context.Background(), refund)
			tt.check(t, stripeError(t, err, key))
		})
	}

	t.Run("a cancelled context", func(t *testing.T) {
		p := payments.NewStripe(key, paymentstest.URL(t), nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		_, err := p.Refund(ctx, refund)
		stripeError(t, err, key)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want it to report context.Canceled", err)
		}
	})

	t.Run("nothing logged", func(t *testing.T) {
		// stripe-go logs failed requests to stderr unless told not to.
		logged := captureOutput(t, func() {
			p := payments.NewStripe("sk_test_shaped_wrongly", paymentstest.URL(t), nil)
			if _, err := p.Refund(context.Background(), refund); err == nil {
				t.Error("want an error from a refused key")
			}
		})
		if logged != "" {
			t.Errorf("logged %q, want nothing", logged)
		}
	})
}

// stripeError checks err is a *payments.Error whose text leaves out key.
func stripeError(t *testing.T, err error, key string) *payments.Error {
	t.Helper()
	var e *payments.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want a *payments.Error", err, err)
	}
	if strings.Contains(err.Error(), key) || strings.Contains(e.Message, key) {
		t.Errorf("error shows the secret key: %s", err)
	}
	if e.Message == "" {
		t.Error("error has no message")
	}
	return e
}

// captureOutput returns what fn writes to stdout and stderr.
func captureOutput(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	func() {
		defer func() { os.Stdout, os.Stderr = stdout, stderr }()
		fn()
	}()
	_ = w.Close()
	return <-done
}
