package booking

import "strings"

// ActionInvoicePaid is the change in a booking's history that records its
// invoice paid, with the amount.
const ActionInvoicePaid = "invoice_paid"

// InvoicePayable says why a booking in state, paid as payment says, has no
// invoice to mark paid, or nil when it has one: a confirmed booking with an
// invoice due. A cancelled booking is not invoiced, nor is one still
// waiting for approval.
func InvoicePayable(state, payment string) error {
	switch {
	case payment == PaymentInvoicePaid:
		return Conflict("The invoice for this booking is already marked paid")
	case payment == PaymentNotRequired:
		return Conflict("There is nothing to pay for this booking")
	case payment != PaymentInvoiceDue:
		return Conflict("This booking is paid by card, not by invoice")
	case state != Confirmed:
		return Conflict("Only a confirmed booking is invoiced; this one is %s", strings.ToLower(StateLabel(state)))
	}
	return nil
}
