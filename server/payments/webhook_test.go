package payments_test

import (
	"bytes"
	"errors"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/server/payments"
)

const secret = "whsec_test_5f2d8c"

var signedAt = time.Date(2026, 11, 3, 18, 4, 5, 0, time.UTC)

var session = payments.CheckoutSession{
	ID:        "cs_test_a1b2c3",
	URL:       "https://checkout.stripe.com/c/pay/cs_test_a1b2c3",
	ExpiresAt: signedAt.Add(time.Hour),
}

func TestParseWebhook(t *testing.T) {
	t.Run("reads every field of a signed checkout event", func(t *testing.T) {
		meta := map[string]string{"booking": "42", "organisation": "12"}
		payload := payments.CheckoutEventPayload("evt_1", "checkout.session.completed", session, "pi_9", 3600, meta, signedAt.Add(-2*time.Second))

		got, err := payments.ParseWebhook(payload, payments.SignForTest(payload, secret, signedAt), secret, signedAt.Add(time.Minute))
		if err != nil {
			t.Fatalf("ParseWebhook: %v", err)
		}
		want := payments.Event{
			ID:              "evt_1",
			Type:            "checkout.session.completed",
			Created:         signedAt.Add(-2 * time.Second),
			SessionID:       session.ID,
			PaymentIntentID: "pi_9",
			PaymentStatus:   "paid",
			AmountTotal:     3600,
			Metadata:        meta,
		}
		if !equalEvents(got, want) {
			t.Errorf("event = %+v\nwant    %+v", got, want)
		}
	})

	t.Run("reads an expired session without a payment intent", func(t *testing.T) {
		payload := payments.CheckoutEventPayload("evt_2", "checkout.session.expired", session, "", 3600, nil, signedAt)

		got, err := payments.ParseWebhook(payload, payments.SignForTest(payload, secret, signedAt), secret, signedAt)
		if err != nil {
			t.Fatalf("ParseWebhook: %v", err)
		}
		if got.Type != "checkout.session.expired" || got.PaymentIntentID != "" || got.PaymentStatus != "unpaid" || got.SessionID != session.ID {
			t.Errorf("event = %+v, want an unpaid expired session without a payment intent", got)
		}
	})

	t.Run("reads an event of another API version", func(t *testing.T) {
		// Events before 2017-05-25 carry "request" as a string, which
		// stripe-go's own Event type cannot decode; an expanded
		// payment_intent is read for its id.
		payload := []byte(`{"id":"evt_3","object":"event","api_version":"2017-01-27","created":1793729045,
			"request":"req_old","type":"checkout.session.completed","data":{"object":{"id":"cs_old","object":"checkout.session",
			"payment_intent":{"id":"pi_old","object":"payment_intent"},"payment_status":"paid","amount_total":500,
			"metadata":{"booking":"7"},"some_future_field":{"nested":[1,2]}}}}`)

		got, err := payments.ParseWebhook(payload, payments.SignForTest(payload, secret, signedAt), secret, signedAt)
		if err != nil {
			t.Fatalf("ParseWebhook: %v", err)
		}
		if got.ID != "evt_3" || got.SessionID != "cs_old" || got.PaymentIntentID != "pi_old" || got.AmountTotal != 500 || got.Metadata["booking"] != "7" {
			t.Errorf("event = %+v", got)
		}
		if want := time.Unix(1793729045, 0).UTC(); !got.Created.Equal(want) {
			t.Errorf("Created = %v, want %v", got.Created, want)
		}
	})

	t.Run("reads only the envelope of other event types", func(t *testing.T) {
		payload := []byte(`{"id":"evt_4","type":"charge.refunded","created":1793729045,"api_version":"2023-10-16","data":{"object":{"id":"ch_1","object":"charge","amount_refunded":100}}}`)

		got, err := payments.ParseWebhook(payload, payments.SignForTest(payload, secret, signedAt), secret, signedAt)
		if err != nil {
			t.Fatalf("ParseWebhook: %v", err)
		}
		if got.ID != "evt_4" || got.Type != "charge.refunded" || got.SessionID != "" || got.AmountTotal != 0 {
			t.Errorf("event = %+v, want only ID, Type and Created", got)
		}
	})

	t.Run("accepts a signature at the edge of the tolerance", func(t *testing.T) {
		payload := payments.CheckoutEventPayload("evt_5", "checkout.session.completed", session, "pi_9", 3600, nil, signedAt)
		if _, err := payments.ParseWebhook(payload, payments.SignForTest(payload, secret, signedAt), secret, signedAt.Add(payments.WebhookTolerance)); err != nil {
			t.Errorf("ParseWebhook %s after signing: %v", payments.WebhookTolerance, err)
		}
	})
}

func TestParseWebhookRefuses(t *testing.T) {
	payload := payments.CheckoutEventPayload("evt_1", "checkout.session.completed", session, "pi_9", 3600, map[string]string{"booking": "42"}, signedAt)
	header := payments.SignForTest(payload, secret, signedAt)
	now := signedAt.Add(time.Minute)
	signed := func(p string) ([]byte, string) { return []byte(p), payments.SignForTest([]byte(p), secret, signedAt) }

	tests := []struct {
		name    string
		payload []byte
		header  string
		secret  string
		now     time.Time
		want    error
	}{
		{"a wrong secret", payload, header, "whsec_other", now, payments.ErrBadSignature},
		{"a tampered payload", bytes.Replace(payload, []byte(`"amount_total":3600`), []byte(`"amount_total":1`), 1), header, secret, now, payments.ErrBadSignature},
		{"a missing header", payload, "", secret, now, payments.ErrBadSignature},
		{"a header without a signature", payload, "t=1793729045", secret, now, payments.ErrBadSignature},
		{"a garbled header", payload, "t=abc,v1=zz,,==", secret, now, payments.ErrBadSignature},
		{"a signature too old", payload, header, secret, signedAt.Add(payments.WebhookTolerance + time.Second), payments.ErrBadSignature},
		{"an empty secret", payload, payments.SignForTest(payload, "", signedAt), "", now, payments.ErrBadSignature},
		{"a signed body that is not JSON", nil, "", secret, now, payments.ErrBadPayload},
		{"a signed event without id or type", nil, "", secret, now, payments.ErrBadPayload},
		{"a signed checkout event without a session", nil, "", secret, now, payments.ErrBadPayload},
		{"a signed checkout event with a numeric payment intent", nil, "", secret, now, payments.ErrBadPayload},
	}
	tests[7].payload, tests[7].header = signed(`<html>not json</html>`)
	tests[8].payload, tests[8].header = signed(`{"data":{}}`)
	tests[9].payload, tests[9].header = signed(`{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"ch_1","object":"charge"}}}`)
	tests[10].payload, tests[10].header = signed(`{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1","object":"checkout.session","payment_intent":7}}}`)

	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := payments.ParseWebhook(tt.payload, tt.header, tt.secret, tt.now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			other := payments.ErrBadPayload
			if tt.want == payments.ErrBadPayload {
				other = payments.ErrBadSignature
			}
			if errors.Is(err, other) {
				t.Errorf("err = %v is both kinds", err)
			}
		})
	}
}

func TestSignForTest(t *testing.T) {
	header := payments.SignForTest([]byte(`{}`), secret, signedAt)
	if !regexp.MustCompile(`^t=1793729045,v1=[0-9a-f]{64}$`).MatchString(header) {
		t.Errorf("header = %q, want Stripe's t=…,v1=… form", header)
	}
}

func TestCheckoutEventPayload(t *testing.T) {
	payload := string(payments.CheckoutEventPayload("evt_1", "checkout.session.completed", session, "pi_9", 3600, map[string]string{"booking": "42"}, signedAt))
	for _, want := range []string{
		`"api_version":"2023-10-16"`, `"object":"checkout.session"`, `"currency":"gbp"`,
		`"client_reference_id":null`, `"payment_intent":"pi_9"`, `"metadata":{"booking":"42"}`,
		`"created":1793729045`, `"id":"cs_test_a1b2c3"`, `"amount_total":3600`, `"payment_status":"paid"`,
	} {
		if !strings.Contains(payload, want) {
			t.Errorf("payload lacks %s:\n%s", want, payload)
		}
	}
}

func FuzzParseWebhook(f *testing.F) {
	valid := payments.CheckoutEventPayload("evt_1", "checkout.session.completed", session, "pi_9", 3600, map[string]string{"booking": "42"}, signedAt)
	f.Add(valid, payments.SignForTest(valid, secret, signedAt), false)
	f.Add(valid, "", true)
	f.Add([]byte(`{"id":"e","type":"checkout.session.x","data":{"object":{"object":"checkout.session","id":"c","payment_intent":{"id":1}}}}`), "", true)
	f.Add([]byte(`{"id":"e","type":"checkout.session.x","data":null}`), "", true)
	f.Add([]byte("null"), "t=1,v1=00", false)
	f.Add([]byte{}, "t=99999999999999999999,v1=", false)

	f.Fuzz(func(t *testing.T, payload []byte, header string, sign bool) {
		if sign {
			header = payments.SignForTest(payload, secret, signedAt)
		}
		ev, err := payments.ParseWebhook(payload, header, secret, signedAt)
		switch {
		case err != nil && !errors.Is(err, payments.ErrBadSignature) && !errors.Is(err, payments.ErrBadPayload):
			t.Fatalf("err = %v, want ErrBadSignature or ErrBadPayload", err)
		case err == nil && (ev.ID == "" || ev.Type == ""):
			t.Fatalf("accepted an event without id or type: %+v", ev)
		case sign && errors.Is(err, payments.ErrBadSignature):
			t.Fatalf("refused a good signature: %v", err)
		}
	})
}

func equalEvents(a, b payments.Event) bool {
	return a.ID == b.ID && a.Type == b.Type && a.Created.Equal(b.Created) &&
		a.SessionID == b.SessionID && a.PaymentIntentID == b.PaymentIntentID &&
		a.PaymentStatus == b.PaymentStatus && a.AmountTotal == b.AmountTotal && maps.Equal(a.Metadata, b.Metadata)
}
