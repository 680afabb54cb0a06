package booking

import (
	"testing"
	"time"
)

func TestPaymentFor(t *testing.T) {
	for _, c := range []struct {
		payer Payer
		total int64
		want  string
	}{
		{Payer{CardPayments: true}, 0, PaymentNotRequired},
		{Payer{ByInvoice: true, CardPayments: true}, 0, PaymentNotRequired},
		{Payer{CardPayments: true}, 1, PaymentPending},
		{Payer{CardPayments: false}, 2500, PaymentInvoiceDue},
		{Payer{ByInvoice: true, CardPayments: true}, 2500, PaymentInvoiceDue},
	} {
		if got := c.payer.PaymentFor(c.total); got != c.want {
			t.Errorf("%+v pays %d by %q, want %q", c.payer, c.total, got, c.want)
		}
	}
}

func TestRefundFor(t *testing.T) {
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	notice := 48 * time.Hour
	for _, c := range []struct {
		name     string
		at       time.Time
		byEstate bool
		want     int64
	}{
		{"well before the notice", start.Add(-72 * time.Hour), false, 3000},
		{"exactly the notice before", start.Add(-48 * time.Hour), false, 3000},
		{"a second inside the notice", start.Add(-48*time.Hour + time.Second), false, 0},
		{"after the start", start.Add(time.Hour), false, 0},
		{"the estate cancels late", start.Add(-time.Hour), true, 3000},
	} {
		if got := RefundFor(3000, start, c.at, notice, c.byEstate); got != c.want {
			t.Errorf("%s: refund %d, want %d", c.name, got, c.want)
		}
	}
	if got := RefundFor(0, start, start.Add(-72*time.Hour), notice, true); got != 0 {
		t.Errorf("refund of nothing paid: %d", got)
	}
	if got := RefundFor(3000, start, start.Add(-time.Hour), 0, false); got != 3000 {
		t.Errorf("with no notice needed, a cancellation before the start is refunded: %d", got)
	}
}
