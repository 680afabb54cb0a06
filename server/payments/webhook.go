package payments

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// WebhookTolerance is how old a signature may be before ParseWebhook
// refuses it, so a captured request cannot be replayed later.
const WebhookTolerance = 5 * time.Minute

var (
	// ErrBadSignature is wrapped by ParseWebhook errors for a missing,
	// malformed, wrong or too old Stripe-Signature header.
	ErrBadSignature = errors.New("payments: bad webhook signature")
	// ErrBadPayload is wrapped by ParseWebhook errors for a correctly
	// signed body that is not a readable event.
	ErrBadPayload = errors.New("payments: unreadable webhook payload")
)

// Event is a webhook event reduced to the fields the product reads.
type Event struct {
	ID      string
	Type    string
	Created time.Time

	// Set for checkout.session.* events only.
	SessionID       string
	PaymentIntentID string
	PaymentStatus   string // paid, unpaid or no_payment_required
	AmountTotal     int64
	Metadata        map[string]string
}

// envelope holds the event fields that have kept their shape across Stripe
// API versions. The body is decoded here rather than into stripe.Event so
// that an endpoint still on an older or newer version than stripe-go's
// 2023-10-16 parses too: stripe.Event fails on, for one, the string
// "request" of events before 2017-05-25.
type envelope struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    struct {
		Object json.RawMessage `json:"object"`
	} `json:"data"`
}

type sessionObject struct {
	ID            string            `json:"id"`
	Object        string            `json:"object"`
	PaymentIntent json.RawMessage   `json:"payment_intent"` // an ID, null, or an expanded object
	PaymentStatus string            `json:"payment_status"`
	AmountTotal   *int64            `json:"amount_total"`
	Metadata      map[string]string `json:"metadata"`
}

// ParseWebhook verifies the Stripe-Signature header of a webhook request
// against the endpoint's signing secret, refuses signatures more than
// WebhookTolerance older than now, and reads the event.
func ParseWebhook(payload []byte, signatureHeader, secret string, now time.Time) (Event, error) {
	// An empty secret would accept anything signed with the empty key.
	if secret == "" {
		return Event{}, fmt.Errorf("%w: no signing secret configured", ErrBadSignature)
	}
	// Tolerance is checked below against now, not by stripe-go, which reads
	// the system clock.
	if err := webhook.ValidatePayloadIgnoringTolerance(payload, signatureHeader, secret); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	signed, ok := signedAt(signatureHeader)
	if !ok {
		return Event{}, fmt.Errorf("%w: no timestamp", ErrBadSignature)
	}
	if age := now.Sub(signed); age > WebhookTolerance {
		return Event{}, fmt.Errorf("%w: signed %s ago, more than %s", ErrBadSignature, age.Round(time.Second), WebhookTolerance)
	}

	var env envelope
	if err := json.Unmarshal(payload, &env); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrBadPayload, err)
	}
	if env.ID == "" || env.Type == "" {
		return Event{}, fmt.Errorf("%w: no event id or type", ErrBadPayload)
	}
	ev := Event{ID: env.ID, Type: env.Type, Created: time.Unix(env.Created, 0).UTC()}
	if !strings.HasPrefix(env.Type, "checkout.session.") {
		return ev, nil
	}

	var obj sessionObject
	if err := json.Unmarshal(env.Data.Object, &obj); err != nil {
		return Event{}, fmt.Errorf("%w: %s data.object: %v", ErrBadPayload, env.Type, err)
	}
	if obj.Object != "checkout.session" || obj.ID == "" {
		return Event{}, fmt.Errorf("%w: %s does not hold a checkout session", ErrBadPayload, env.Type)
	}
	pi, err := objectID(obj.PaymentIntent)
	if err != nil {
		return Event{}, fmt.Errorf("%w: payment_intent: %v", ErrBadPayload, err)
	}
	ev.SessionID = obj.ID
	ev.PaymentIntentID = pi
	ev.PaymentStatus = obj.PaymentStatus
	if obj.AmountTotal != nil {
		ev.AmountTotal = *obj.AmountTotal
	}
	ev.Metadata = obj.Metadata
	return ev, nil
}

// signedAt reads the t= timestamp of a header stripe-go has already
// accepted, taking the last one as stripe-go does.
func signedAt(header string) (time.Time, bool) {
	var at time.Time
	found := false
	for pair := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(pair, "=")
		if k != "t" {
			continue
		}
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		at, found = time.Unix(secs, 0), true
	}
	return at, found
}

// objectID reads an expandable field: null, an ID string, or an object with
// an id.
func objectID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	if raw[0] == '{' {
		var obj struct {
			ID string `json:"id"`
		}
		err := json.Unmarshal(raw, &obj)
		return obj.ID, err
	}
	var id string
	err := json.Unmarshal(raw, &id)
	return id, err
}

// SignForTest returns a Stripe-Signature header for payload as Stripe would
// sign it with secret at the given time, for tests that post webhooks.
func SignForTest(payload []byte, secret string, at time.Time) (header string) {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
		Payload:   payload,
		Secret:    secret,
		Timestamp: at,
	}).Header
}

// CheckoutEventPayload builds the JSON body Stripe would send for a
// checkout.session.completed, .expired, .async_payment_succeeded or
// .async_payment_failed event about session s, for tests. An empty
// paymentIntentID becomes null, as on a session that expired unpaid.
// client_reference_id is null: the product reads metadata instead.
func CheckoutEventPayload(eventID, eventType string, s CheckoutSession, paymentIntentID string, amount int64, metadata map[string]string, created time.Time) []byte {
	status, paymentStatus := "complete", "paid"
	switch eventType {
	case "checkout.session.expired":
		status, paymentStatus = "expired", "unpaid"
	case "checkout.session.async_payment_failed":
		paymentStatus = "unpaid"
	}
	var pi any
	if paymentIntentID != "" {
		pi = paymentIntentID
	}
	if metadata == nil {
		metadata = map[string]string{}
	}
	expires := s.ExpiresAt
	if expires.IsZero() {
		expires = created
	}
	body := map[string]any{
		"id":               eventID,
		"object":           "event",
		"api_version":      stripe.APIVersion,
		"created":          created.Unix(),
		"livemode":         false,
		"pending_webhooks": 1,
		"request":          map[string]any{"id": nil, "idempotency_key": nil},
		"type":             eventType,
		"data": map[string]any{
			"object": map[string]any{
				"id":                  s.ID,
				"object":              "checkout.session",
				"mode":                "payment",
				"status":              status,
				"payment_status":      paymentStatus,
				"payment_intent":      pi,
				"amount_subtotal":     amount,
				"amount_total":        amount,
				"currency":            "gbp",
				"metadata":            metadata,
				"client_reference_id": nil,
				"customer":            nil,
				"expires_at":          expires.Unix(),
				"livemode":            false,
				"url":                 nil, // Stripe clears it once the session is finished
			},
		},
	}
	out, err := json.Marshal(body)
	if err != nil {
		panic(err) // only strings, numbers and maps of them: cannot fail
	}
	return out
}
