package models

import (
	"context"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
)

// InvoiceFilter chooses the bookings an invoice report lists.
type InvoiceFilter struct {
	// From and To keep the bookings that start in [From, To).
	From, To time.Time
	// Unless All is set, only bookings at the sites in SiteIDs are listed;
	// with neither, none are.
	All     bool
	SiteIDs []int64
}

// InvoiceLine is one booking paid by invoice: what it was, who owes for
// it, the amounts of its quote, and whether and when the invoice was paid.
type InvoiceLine struct {
	BookingID        int64
	StartsAt, EndsAt time.Time
	SiteID           int64
	SiteName         string
	SpaceID          int64
	SpaceName        string
	OrganisationID   int64
	OrganisationName string
	Identifiers      []OrganisationIdentifier
	Purpose          string
	NetPence         int64 // the standard amount less the discount, before VAT
	VATPence         int64
	TotalPence       int64
	Payment          string // booking.PaymentInvoiceDue or booking.PaymentInvoicePaid
	// PaidAt and Reference are when the invoice was marked paid and the
	// reference it was marked with; nil and empty while it is due.
	PaidAt    *time.Time
	Reference string
}

// InvoiceFigures are the sums of some invoices.
type InvoiceFigures struct {
	Bookings   int64
	NetPence   int64
	VATPence   int64
	TotalPence int64
}

func (f *InvoiceFigures) add(l InvoiceLine) {
	f.Bookings++
	f.NetPence += l.NetPence
	f.VATPence += l.VATPence
	f.TotalPence += l.TotalPence
}

// InvoiceReport lists the invoices of a period in the order of their
// bookings' starts, with the sums of those still due, those paid, and all.
type InvoiceReport struct {
	Lines            []InvoiceLine
	Due, Paid, Total InvoiceFigures
}

// invoiceReportSQL reads the confirmed bookings paid by invoice that start
// in a period, with the event that marked each one's invoice paid, if any.
const invoiceReportSQL = `SELECT bookings.id, bookings.starts_at, bookings.ends_at, bookings.purpose,
		bookings.standard_pence, bookings.discount_pence, bookings.vat_pence, bookings.total_pence, bookings.payment,
		spaces.site_id, sites.name, bookings.space_id, spaces.name,
		bookings.organisation_id, organisations.name, paid.at, paid.reason
	FROM bookings
	JOIN spaces ON spaces.id = bookings.space_id
	JOIN sites ON sites.id = spaces.site_id
	JOIN organisations ON organisations.id = bookings.organisation_id
	LEFT JOIN booking_events paid ON paid.id = (
		SELECT MAX(id) FROM booking_events WHERE booking_id = bookings.id AND action = ?)
	WHERE bookings.state = ? AND bookings.payment IN ? AND bookings.starts_at >= ? AND bookings.starts_at < ?`

// InvoiceReport lists the confirmed bookings that start in the filter's
// period and are paid by invoice, due or paid. Bookings in any other state
// are left out: a request may yet be declined, and a cancelled booking is
// not invoiced.
func (s *Store) InvoiceReport(ctx context.Context, f InvoiceFilter) (*InvoiceReport, error) {
	out := &InvoiceReport{Lines: []InvoiceLine{}}
	if !f.All && len(f.SiteIDs) == 0 {
		return out, nil
	}
	query := invoiceReportSQL
	args := []any{booking.ActionInvoicePaid, booking.Confirmed,
		[]string{booking.PaymentInvoiceDue, booking.PaymentInvoicePaid}, Instant(f.From), Instant(f.To)}
	if !f.All {
		query += " AND spaces.site_id IN ?"
		args = append(args, f.SiteIDs)
	}
	db := s.DB.WithContext(ctx)
	rows, err := db.Raw(query+" ORDER BY bookings.starts_at, bookings.id", args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var orgIDs []int64
	seen := map[int64]bool{}
	for rows.Next() {
		var (
			l                  InvoiceLine
			standard, discount int64
			reference          *string
		)
		if err := rows.Scan(&l.BookingID, &l.StartsAt, &l.EndsAt, &l.Purpose, &standard, &discount,
			&l.VATPence, &l.TotalPence, &l.Payment, &l.SiteID, &l.SiteName, &l.SpaceID, &l.SpaceName,
			&l.OrganisationID, &l.OrganisationName, &l.PaidAt, &reference); err != nil {
			return nil, err
		}
		l.StartsAt, l.EndsAt, l.NetPence = l.StartsAt.UTC(), l.EndsAt.UTC(), standard-discount
		if l.PaidAt != nil {
			at := l.PaidAt.UTC()
			l.PaidAt = &at
		}
		if reference != nil {
			l.Reference = *reference
		}
		if !seen[l.OrganisationID] {
			seen[l.OrganisationID] = true
			orgIDs = append(orgIDs, l.OrganisationID)
		}
		out.Lines = append(out.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(orgIDs) > 0 {
		var ids []OrganisationIdentifier
		if err := db.Where("organisation_id IN ?", orgIDs).Order("organisation_id, id").Find(&ids).Error; err != nil {
			return nil, err
		}
		byOrg := map[int64][]OrganisationIdentifier{}
		for _, id := range ids {
			byOrg[id.OrganisationID] = append(byOrg[id.OrganisationID], id)
		}
		for i := range out.Lines {
			out.Lines[i].Identifiers = byOrg[out.Lines[i].OrganisationID]
		}
	}
	for _, l := range out.Lines {
		if l.Payment == booking.PaymentInvoicePaid {
			out.Paid.add(l)
		} else {
			out.Due.add(l)
		}
		out.Total.add(l)
	}
	return out, nil
}

// MarkInvoicePaid records a booking's invoice paid in full: its payment
// becomes invoice_paid and its paid amount its total, its sequence moves on
// (so calendars see the change), and its history gains the payment with its
// amount and reference. Only a confirmed booking with an invoice due can
// be; of two marks at once, the second finds the invoice paid.
func (s *Store) MarkInvoicePaid(ctx context.Context, id int64, reference string, by int64, now time.Time) (*Booking, error) {
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var b Booking
		if err := tx.First(&b, id).Error; err != nil {
			return translate(err, "booking")
		}
		if err := booking.InvoicePayable(b.State, b.Payment); err != nil {
			return err
		}
		// The conditional update is what makes one of two marks at once win:
		// on PostgreSQL the second waits for the first's row lock and then
		// matches nothing.
		res := tx.Model(&Booking{}).Where("id = ? AND state = ? AND payment = ?", id, booking.Confirmed, booking.PaymentInvoiceDue).
			Updates(map[string]any{"payment": booking.PaymentInvoicePaid, "paid_pence": gorm.Expr("total_pence"),
				"sequence": gorm.Expr("sequence + 1"), "updated_at": Instant(now)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return booking.Conflict("The invoice for this booking was marked paid meanwhile")
		}
		byID := &by
		if by == 0 {
			byID = nil
		}
		return tx.Create(&BookingEvent{BookingID: id, Action: booking.ActionInvoicePaid, FromState: b.State, ToState: b.State,
			Reason: reference, AmountPence: b.TotalPence, ByUserID: byID, At: Instant(now)}).Error
	})
	if err != nil {
		return nil, err
	}
	return s.BookingByID(ctx, id)
}
