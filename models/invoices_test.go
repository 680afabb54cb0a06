package models_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// invoiceEstate is two sites with a room each, a community group, and an
// NHS service with two identifiers that pays by invoice.
type invoiceEstate struct {
	*estate
	roomA, roomB *models.Space
	nhs          int64
	byUser       int64
}

func newInvoiceEstate(t *testing.T, db modelstest.Database) *invoiceEstate {
	t.Helper()
	e := &invoiceEstate{estate: newEstate(t, db)}
	e.roomA, e.roomB = e.spaces[0], e.spaces[3]
	u := &models.User{Email: "finance@example.org", Name: "Finance", PasswordHash: "x", Role: booking.RoleEstatesManager}
	mustOK(t, e.store.CreateUser(context.Background(), u))
	e.byUser = u.ID
	o := &models.Organisation{Name: "Stockport Talking Therapies", Type: "nhs_service", PaysByInvoice: true,
		Identifiers: []models.OrganisationIdentifier{{Scheme: "GB-CHC", Value: "1123456"}, {Scheme: "GB-COH", Value: "01234567"}}}
	mustOK(t, e.store.CreateOrganisation(context.Background(), o, u.ID))
	e.nhs = o.ID
	return e
}

// invoiced stores a booking of a space by an organisation for an hour from
// start, with a quote of standard less discount plus 20% VAT, in a state
// and a payment state, and returns its id.
func (e *invoiceEstate) invoiced(sp *models.Space, orgID int64, start, state, payment string, standard, discount int64) int64 {
	e.t.Helper()
	s := mustTime(start)
	net := standard - discount
	b := models.Booking{SpaceID: sp.ID, OrganisationID: orgID, StartsAt: s, EndsAt: s.Add(time.Hour), BlockEnd: s.Add(time.Hour),
		State: state, Purpose: "health_wellbeing", Attendees: 4, StandardPence: standard, DiscountPence: discount,
		VATPercent: 20, VATPence: net / 5, TotalPence: net + net/5, Payment: payment,
		CreatedAt: models.Now(), UpdatedAt: models.Now()}
	mustOK(e.t, e.store.DB.Omit("Space", "Organisation", "Events", "Charges").Create(&b).Error)
	return b.ID
}

func TestInvoiceReportListsConfirmedInvoicedBookings(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newInvoiceEstate(t, db)
		ctx := context.Background()
		due := e.invoiced(e.roomA, e.nhs, "2026-11-03T10:00:00Z", booking.Confirmed, booking.PaymentInvoiceDue, 2000, 0)
		paid := e.invoiced(e.roomA, e.orgID, "2026-11-02T10:00:00Z", booking.Confirmed, booking.PaymentInvoicePaid, 3000, 1000)
		other := e.invoiced(e.roomB, e.nhs, "2026-11-04T10:00:00Z", booking.Confirmed, booking.PaymentInvoiceDue, 5000, 0)
		// Left out: paid by card, nothing to pay, not confirmed, or outside
		// the period.
		e.invoiced(e.roomA, e.orgID, "2026-11-05T10:00:00Z", booking.Confirmed, booking.PaymentPaid, 2000, 0)
		e.invoiced(e.roomA, e.orgID, "2026-11-05T12:00:00Z", booking.Confirmed, booking.PaymentNotRequired, 2000, 2000)
		for i, state := range []string{booking.Requested, booking.Cancelled, booking.Declined} {
			start := mustTime("2026-11-06T10:00:00Z").Add(time.Duration(i) * time.Hour).Format(time.RFC3339)
			e.invoiced(e.roomA, e.nhs, start, state, booking.PaymentInvoiceDue, 2000, 0)
		}
		e.invoiced(e.roomA, e.nhs, "2026-10-31T23:59:59Z", booking.Confirmed, booking.PaymentInvoiceDue, 2000, 0)
		e.invoiced(e.roomA, e.nhs, "2026-12-01T00:00:00Z", booking.Confirmed, booking.PaymentInvoiceDue, 2000, 0)
		period := models.InvoiceFilter{From: mustTime("2026-11-01T00:00:00Z"), To: mustTime("2026-12-01T00:00:00Z")}

		t.Run("every site, in the order of the starts", func(t *testing.T) {
			f := period
			f.All = true
			r, err := e.store.InvoiceReport(ctx, f)
			mustOK(t, err)
			var ids []int64
			for _, l := range r.Lines {
				ids = append(ids, l.BookingID)
			}
			if want := []int64{paid, due, other}; !slices.Equal(ids, want) {
				t.Fatalf("bookings %v, want %v", ids, want)
			}
			l := r.Lines[1]
			if l.SiteID != e.siteA.ID || l.SiteName != "Hunter Street Health Centre" || l.SpaceID != e.roomA.ID || l.SpaceName != "Room 1" ||
				l.OrganisationID != e.nhs || l.OrganisationName != "Stockport Talking Therapies" || l.Purpose != "health_wellbeing" ||
				l.NetPence != 2000 || l.VATPence != 400 || l.TotalPence != 2400 || l.Payment != booking.PaymentInvoiceDue ||
				!l.StartsAt.Equal(mustTime("2026-11-03T10:00:00Z")) || l.PaidAt != nil || l.Reference != "" {
				t.Errorf("line %+v", l)
			}
			if len(l.Identifiers) != 2 || l.Identifiers[0].Scheme != "GB-CHC" || l.Identifiers[1].Value != "01234567" {
				t.Errorf("identifiers %+v", l.Identifiers)
			}
			if len(r.Lines[0].Identifiers) != 0 || r.Lines[0].NetPence != 2000 || r.Lines[0].TotalPence != 2400 {
				t.Errorf("the community group's line %+v", r.Lines[0])
			}
			wantDue := models.InvoiceFigures{Bookings: 2, NetPence: 7000, VATPence: 1400, TotalPence: 8400}
			wantPaid := models.InvoiceFigures{Bookings: 1, NetPence: 2000, VATPence: 400, TotalPence: 2400}
			wantAll := models.InvoiceFigures{Bookings: 3, NetPence: 9000, VATPence: 1800, TotalPence: 10800}
			if r.Due != wantDue || r.Paid != wantPaid || r.Total != wantAll {
				t.Errorf("due %+v, paid %+v, total %+v", r.Due, r.Paid, r.Total)
			}
		})

		t.Run("only the sites asked for", func(t *testing.T) {
			f := period
			f.SiteIDs = []int64{e.siteB.ID}
			r, err := e.store.InvoiceReport(ctx, f)
			mustOK(t, err)
			if len(r.Lines) != 1 || r.Lines[0].BookingID != other || r.Total.TotalPence != 6000 {
				t.Errorf("site B: %+v", r)
			}
			r, err = e.store.InvoiceReport(ctx, period)
			mustOK(t, err)
			if len(r.Lines) != 0 || r.Total != (models.InvoiceFigures{}) {
				t.Errorf("no sites: %+v", r)
			}
		})

		t.Run("marking an invoice paid", func(t *testing.T) {
			before, err := e.store.BookingByID(ctx, due)
			mustOK(t, err)
			at := mustTime("2026-11-20T09:30:00Z")
			b, err := e.store.MarkInvoicePaid(ctx, due, "PO 1234", e.byUser, at)
			mustOK(t, err)
			if b.Payment != booking.PaymentInvoicePaid || b.PaidPence != 2400 || b.State != booking.Confirmed ||
				b.Sequence != before.Sequence+1 || !b.UpdatedAt.Equal(at) {
				t.Errorf("booking %+v", b)
			}
			last := b.Events[len(b.Events)-1]
			if len(b.Events) != len(before.Events)+1 || last.Action != booking.ActionInvoicePaid || last.AmountPence != 2400 ||
				last.Reason != "PO 1234" || last.ByUserID == nil || *last.ByUserID != e.byUser || !last.At.Equal(at) {
				t.Errorf("events %+v", b.Events)
			}
			r, err := e.store.InvoiceReport(ctx, models.InvoiceFilter{From: period.From, To: period.To, All: true})
			mustOK(t, err)
			i := slices.IndexFunc(r.Lines, func(l models.InvoiceLine) bool { return l.BookingID == due })
			if i < 0 || r.Lines[i].Payment != booking.PaymentInvoicePaid || r.Lines[i].PaidAt == nil ||
				!r.Lines[i].PaidAt.Equal(at) || r.Lines[i].Reference != "PO 1234" {
				t.Errorf("report line %+v", r.Lines)
			}
			if r.Due.TotalPence != 6000 || r.Paid.TotalPence != 4800 || r.Total.TotalPence != 10800 {
				t.Errorf("due %+v, paid %+v", r.Due, r.Paid)
			}

			_, err = e.store.MarkInvoicePaid(ctx, due, "again", e.byUser, at)
			if !errors.Is(err, booking.ErrConflict) {
				t.Errorf("a second mark: %v, want a conflict", err)
			}
			after, err := e.store.BookingByID(ctx, due)
			mustOK(t, err)
			if len(after.Events) != len(b.Events) || after.Sequence != b.Sequence {
				t.Errorf("the second mark changed the booking: %+v", after)
			}
		})

		t.Run("only an invoice due on a confirmed booking can be marked paid", func(t *testing.T) {
			for _, c := range []struct{ state, payment string }{
				{booking.Confirmed, booking.PaymentNotRequired},
				{booking.Confirmed, booking.PaymentPaid},
				{booking.Cancelled, booking.PaymentInvoiceDue},
				{booking.Requested, booking.PaymentInvoiceDue},
			} {
				id := e.invoiced(e.roomB, e.nhs, "2026-11-10T10:00:00Z", c.state, c.payment, 2000, 0)
				_, err := e.store.MarkInvoicePaid(ctx, id, "", e.byUser, fixedNow)
				if !errors.Is(err, booking.ErrConflict) {
					t.Errorf("%s, %s: %v, want a conflict", c.state, c.payment, err)
				}
				b, err := e.store.BookingByID(ctx, id)
				mustOK(t, err)
				if b.Payment != c.payment || b.PaidPence != 0 || len(b.Events) != 0 {
					t.Errorf("%s, %s: changed to %+v", c.state, c.payment, b)
				}
				mustOK(t, e.store.DB.Delete(&models.Booking{}, id).Error)
			}
			if _, err := e.store.MarkInvoicePaid(ctx, 999999, "", e.byUser, fixedNow); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("no such booking: %v", err)
			}
		})
	})
}

func TestConcurrentInvoiceMarksHaveOneWinner(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newInvoiceEstate(t, db)
		id := e.invoiced(e.roomA, e.nhs, "2026-11-03T10:00:00Z", booking.Confirmed, booking.PaymentInvoiceDue, 2000, 0)
		// A second pool on the same database stands in for a second server
		// process.
		stores := []*models.Store{e.store, modelstest.Open(t, db)}
		const racers = 8
		var (
			wg              sync.WaitGroup
			mu              sync.Mutex
			wins, conflicts int
			unexpected      []error
			start           = make(chan struct{})
		)
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := stores[i%2].MarkInvoicePaid(context.Background(), id, "PO", e.byUser, fixedNow)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, booking.ErrConflict):
					conflicts++
				default:
					unexpected = append(unexpected, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if wins != 1 || conflicts != racers-1 || len(unexpected) > 0 {
			t.Fatalf("wins %d, conflicts %d, other errors %v", wins, conflicts, unexpected)
		}
		var events int64
		mustOK(t, e.store.DB.Model(&models.BookingEvent{}).Where("booking_id = ? AND action = ?", id, booking.ActionInvoicePaid).Count(&events).Error)
		b, err := e.store.BookingByID(context.Background(), id)
		mustOK(t, err)
		if events != 1 || b.Sequence != 1 || b.PaidPence != 2400 {
			t.Errorf("%d invoice_paid events, sequence %d, paid %d", events, b.Sequence, b.PaidPence)
		}
	})
}
