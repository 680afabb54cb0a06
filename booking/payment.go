package booking

import "time"

// Payment states of a booking: how its price is (or need not be) paid.
const (
	PaymentNotRequired       = "not_required"
	PaymentPending           = "pending"
	PaymentPaid              = "paid"
	PaymentRefunded          = "refunded"
	PaymentPartiallyRefunded = "partially_refunded"
	PaymentInvoiceDue        = "invoice_due"
	PaymentInvoicePaid       = "invoice_paid"
)

// PaymentStates lists every payment state with its label.
var PaymentStates = []Option{
	{PaymentNotRequired, "Nothing to pay"},
	{PaymentPending, "Waiting for payment"},
	{PaymentPaid, "Paid"},
	{PaymentRefunded, "Refunded"},
	{PaymentPartiallyRefunded, "Partly refunded"},
	{PaymentInvoiceDue, "Invoice due"},
	{PaymentInvoicePaid, "Invoice paid"},
}

// PaymentLabel is the label people see for a payment state.
func PaymentLabel(s string) string { return labelOf(PaymentStates, s) }

// Payer says how an organisation pays for bookings that cost something.
type Payer struct {
	// ByInvoice is set for bodies that pay by invoice or purchase order.
	ByInvoice bool
	// CardPayments is whether the estate takes card payments online.
	CardPayments bool
}

// PaymentFor is how a booking whose total is total gets paid: nothing to
// pay, by card online (the booking waits for the payment), or by invoice.
func (p Payer) PaymentFor(total int64) string {
	switch {
	case total <= 0:
		return PaymentNotRequired
	case p.ByInvoice || !p.CardPayments:
		return PaymentInvoiceDue
	default:
		return PaymentPending
	}
}

// RefundFor is how much of paid goes back when a booking that starts at
// start is cancelled at at: all of it when the estate cancels, or when the
// organisation cancels at least notice before the start; otherwise none.
func RefundFor(paid int64, start, at time.Time, notice time.Duration, byEstate bool) int64 {
	if paid <= 0 {
		return 0
	}
	if byEstate || !at.Add(notice).After(start) {
		return paid
	}
	return 0
}
