package booking

import (
	"errors"
	"testing"
)

func TestInvoicePayable(t *testing.T) {
	for _, c := range []struct {
		state, payment string
		ok             bool
	}{
		{Confirmed, PaymentInvoiceDue, true},
		{Confirmed, PaymentInvoicePaid, false},
		{Confirmed, PaymentNotRequired, false},
		{Confirmed, PaymentPaid, false},
		{PendingPayment, PaymentPending, false},
		{Requested, PaymentInvoiceDue, false},
		{Cancelled, PaymentInvoiceDue, false},
	} {
		err := InvoicePayable(c.state, c.payment)
		if c.ok != (err == nil) {
			t.Errorf("%s, %s: %v", c.state, c.payment, err)
		}
		if err != nil && !errors.Is(err, ErrConflict) {
			t.Errorf("%s, %s: %v is not a conflict", c.state, c.payment, err)
		}
	}
}
