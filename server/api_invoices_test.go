package server

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// invoiceRouteCases are the rows of the route × role table for invoices:
// the report for the estate's staff, and marking an invoice paid for the
// site's estates managers.
var invoiceRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/api/v1/reports/invoices",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/reports/invoices?site=%d", e.siteA.ID), role)
		},
		want: staffStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/reports/invoices.csv",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/reports/invoices.csv?site=%d", e.siteA.ID), role)
		},
		want: staffStatuses(http.StatusOK, nil),
	},
	{
		// orgA's invoice at siteA: its managers mark it paid; orgA's members
		// see the booking but may not; for others it does not exist.
		method: http.MethodPost, pattern: "/api/v1/bookings/:id/invoice-paid",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/invoice-paid", e.seedInvoice(role)), role,
				map[string]any{"reference": "PO " + role})
		},
		want: signedInStatuses(http.StatusNotFound, map[string]int{
			asAdmin: http.StatusOK, asManager: http.StatusOK, asOrgAdmin: http.StatusForbidden, asBooker: http.StatusForbidden,
		}),
	},
	{
		method: http.MethodPost, pattern: "/manage/bookings/:id/invoice-paid",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/bookings/"+itoa(e.seedInvoice(role))+"/invoice-paid", role, url.Values{"reference": {"PO 1"}})
		},
		want: pageDecideStatuses(),
	},
}

// seedInvoice stores a confirmed booking of spaceA, at £20 an hour, for
// orgA in the role's own slot with its invoice due, and returns its id.
func (e *env) seedInvoice(role string) int64 {
	e.t.Helper()
	e.openAllDay()
	e.chargeFor(e.spaceA, 2000)
	return e.bookInvoiced(e.spaceA, e.orgA, roleSlot(role).Start.Format(time.RFC3339), 1)
}

// bookInvoiced books a space for a verified organisation for some hours
// from start, as the admin, with card payments off, and returns its id.
func (e *env) bookInvoiced(sp *models.Space, org *models.Organisation, start string, hours int) int64 {
	e.t.Helper()
	s := mustParse(start)
	id, _, err := e.srv.bookings.Book(context.Background(), booking.Request{SpaceID: sp.ID, OrganisationID: org.ID,
		ByUserID: e.users[asAdmin].ID, Interval: booking.Interval{Start: s, End: s.Add(time.Duration(hours) * time.Hour)},
		Purpose: "health_wellbeing", Attendees: 3, Verified: true, OrganisationType: org.Type, Payer: e.srv.payerOf(org)})
	must(e.t, err)
	return id
}

// invoiceFixture are the bookings of TestInvoicesAPI.
type invoiceFixture struct {
	a1, a2, b1              int64 // invoices due: two at siteA, one at siteB
	card, free, gone, later int64 // paid by card, nothing to pay, cancelled, in December
}

// invoiceFixture prices spaceA at £20 an hour with 20% VAT at siteA and
// spaceB at £30, gives orgA a charity number, and books November's
// invoices, with bookings the report leaves out beside them.
func (e *env) invoiceFixture() invoiceFixture {
	e.t.Helper()
	ctx := context.Background()
	e.openAllDay()
	e.verify(e.orgA)
	e.verify(e.orgB)
	e.chargeFor(e.spaceA, 2000)
	e.chargeFor(e.spaceB, 3000)
	e.chargeFor(e.hiddenA, 0)
	_, err := e.store.SaveRentPolicy(ctx, e.siteA.ID, models.PolicySettings{VATPercent: 20}, e.users[asAdmin].ID, testClock)
	must(e.t, err)
	must(e.t, e.store.DB.Create(&models.OrganisationIdentifier{OrganisationID: e.orgA.ID, Scheme: "GB-CHC", Value: "1123456"}).Error)
	f := invoiceFixture{
		a2:    e.bookInvoiced(e.spaceA, e.orgA, "2026-11-25T10:00:00Z", 2),
		a1:    e.bookInvoiced(e.spaceA, e.orgA, "2026-11-24T10:00:00Z", 1),
		b1:    e.bookInvoiced(e.spaceB, e.orgB, "2026-11-26T18:00:00Z", 1),
		card:  e.bookInvoiced(e.spaceA, e.orgA, "2026-11-27T10:00:00Z", 1),
		free:  e.bookInvoiced(e.hiddenA, e.orgA, "2026-11-24T12:00:00Z", 1),
		gone:  e.bookInvoiced(e.spaceA, e.orgA, "2026-11-28T10:00:00Z", 1),
		later: e.bookInvoiced(e.spaceA, e.orgA, "2026-12-02T10:00:00Z", 1),
	}
	// Paid by card: the checkout's webhook would have recorded this.
	must(e.t, e.store.DB.Model(&models.Booking{}).Where("id = ?", f.card).
		Updates(map[string]any{"payment": booking.PaymentPaid, "paid_pence": 2400}).Error)
	_, err = e.store.ChangeBooking(ctx, f.gone, booking.ActionCancel, "No longer needed", e.users[asBooker].ID, testClock)
	must(e.t, err)
	return f
}

func (r *response) invoiceReport() invoiceReportJSON {
	r.t.Helper()
	r.wantStatus(http.StatusOK)
	var out invoiceReportJSON
	r.decode(&out)
	return out
}

// invoiceIDs are the booking ids of a report's invoices, in order.
func invoiceIDs(r invoiceReportJSON) []int64 {
	var ids []int64
	for _, inv := range r.Invoices {
		ids = append(ids, inv.BookingID)
	}
	return ids
}

// bookingRow reads a booking's row, for what the API does not show.
func (e *env) bookingRow(id int64) models.Booking {
	e.t.Helper()
	var b models.Booking
	must(e.t, e.store.DB.First(&b, id).Error)
	return b
}

// paymentSnapshot is what marking an invoice paid changes in a booking.
func (e *env) paymentSnapshot(id int64) string {
	e.t.Helper()
	b := e.bookingRow(id)
	var events int64
	must(e.t, e.store.DB.Model(&models.BookingEvent{}).Where("booking_id = ?", id).Count(&events).Error)
	return fmt.Sprintf("state %s, payment %s, paid %d, sequence %d, updated %s, %d events",
		b.State, b.Payment, b.PaidPence, b.Sequence, b.UpdatedAt.UTC().Format(time.RFC3339Nano), events)
}

func TestInvoicesAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.invoiceFixture()
		const november = "from=2026-11-01&to=2026-12-01"
		markedAt := testClock.Add(90 * time.Minute)
		figures := func(bookings, net, vat int64) invoiceFiguresJSON {
			return invoiceFiguresJSON{Bookings: bookings, NetPence: net, VATPence: vat, TotalPence: net + vat}
		}

		t.Run("the booking knows its invoice is due", func(t *testing.T) {
			var b bookingJSON
			e.get(fmt.Sprintf("/api/v1/bookings/%d", f.a2), asManager).wantStatus(http.StatusOK).decode(&b)
			if b.Payment != (paymentJSON{State: booking.PaymentInvoiceDue}) || b.Price.TotalPence != 4800 {
				t.Fatalf("payment %+v, total %d", b.Payment, b.Price.TotalPence)
			}
		})

		t.Run("lists the confirmed bookings paid by invoice in the period, at every site for admins", func(t *testing.T) {
			r := e.get("/api/v1/reports/invoices?"+november, asAdmin).invoiceReport()
			if want := []int64{f.a1, f.a2, f.b1}; !slices.Equal(invoiceIDs(r), want) {
				t.Fatalf("invoices %v, want %v (not paid by card, free, cancelled or in December)", invoiceIDs(r), want)
			}
			if !r.From.Equal(mustParse("2026-11-01T00:00:00Z")) || !r.To.Equal(mustParse("2026-12-01T00:00:00Z")) ||
				r.SiteID != nil || r.Currency != "GBP" {
				t.Errorf("report %+v", r)
			}
			want := invoiceJSON{BookingID: f.a1, StartsAt: mustParse("2026-11-24T10:00:00Z"), EndsAt: mustParse("2026-11-24T11:00:00Z"),
				SiteID: e.siteA.ID, SiteName: e.siteA.Name, SpaceID: e.spaceA.ID, SpaceName: e.spaceA.Name,
				Organisation: invoiceOrganisationJSON{ID: e.orgA.ID, Name: e.orgA.Name, Identifiers: []identifierJSON{{Scheme: "GB-CHC", Value: "1123456"}}},
				Purpose:      "health_wellbeing", NetPence: 2000, VATPence: 400, TotalPence: 2400, Payment: booking.PaymentInvoiceDue}
			if got := r.Invoices[0]; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("invoice\n%+v, want\n%+v", got, want)
			}
			if b := r.Invoices[2]; b.SiteID != e.siteB.ID || b.TotalPence != 3000 || b.VATPence != 0 || len(b.Organisation.Identifiers) != 0 {
				t.Errorf("site B's invoice %+v", b)
			}
			if r.Due != figures(3, 9000, 1200) || r.Paid != figures(0, 0, 0) || r.Total != r.Due {
				t.Errorf("due %+v, paid %+v, total %+v", r.Due, r.Paid, r.Total)
			}
		})

		t.Run("estates managers see only their sites", func(t *testing.T) {
			if r := e.get("/api/v1/reports/invoices?"+november, asManager).invoiceReport(); !slices.Equal(invoiceIDs(r), []int64{f.a1, f.a2}) ||
				r.Total != figures(2, 6000, 1200) {
				t.Errorf("manager of site A: %v, %+v", invoiceIDs(r), r.Total)
			}
			if r := e.get("/api/v1/reports/invoices?"+november, asOtherMgr).invoiceReport(); !slices.Equal(invoiceIDs(r), []int64{f.b1}) {
				t.Errorf("manager of site B: %v", invoiceIDs(r))
			}
			r := e.get(fmt.Sprintf("/api/v1/reports/invoices?%s&site=%d", november, e.siteA.ID), asManager).invoiceReport()
			if r.SiteID == nil || *r.SiteID != e.siteA.ID || len(r.Invoices) != 2 {
				t.Errorf("site A asked for: %+v", r)
			}
			e.get(fmt.Sprintf("/api/v1/reports/invoices?site=%d", e.siteB.ID), asManager).wantStatus(http.StatusForbidden)
			e.get(fmt.Sprintf("/api/v1/reports/invoices.csv?site=%d", e.siteB.ID), asManager).wantStatus(http.StatusForbidden)
			e.get("/api/v1/reports/invoices?site=999999", asAdmin).wantStatus(http.StatusNotFound)
		})

		t.Run("defaults to the twelve months that end with this one", func(t *testing.T) {
			r := e.get("/api/v1/reports/invoices", asAdmin).invoiceReport()
			if !r.From.Equal(mustParse("2025-12-01T00:00:00Z")) || !r.To.Equal(mustParse("2026-12-01T00:00:00Z")) {
				t.Errorf("period %s to %s", r.From, r.To)
			}
			if !slices.Equal(invoiceIDs(r), []int64{f.a1, f.a2, f.b1}) {
				t.Errorf("invoices %v", invoiceIDs(r))
			}
		})

		t.Run("bad queries name the parameter", func(t *testing.T) {
			for _, c := range []struct{ query, field string }{
				{"from=yesterday", "from"},
				{"from=2026-06-01&to=2026-05-01", "to"},
				{"site=abc", "site"},
			} {
				for _, path := range []string{"/api/v1/reports/invoices?", "/api/v1/reports/invoices.csv?"} {
					p := e.get(path+c.query, asAdmin).wantStatus(http.StatusUnprocessableEntity).problem()
					if len(p.Errors) == 0 || p.Errors[0].Field != c.field {
						t.Errorf("%s%s: errors %+v, want one naming %s", path, c.query, p.Errors, c.field)
					}
				}
			}
		})

		t.Run("a member cannot mark an invoice paid, and nothing changes", func(t *testing.T) {
			before := e.paymentSnapshot(f.a2)
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/invoice-paid", f.a2), asBooker, map[string]any{"reference": "PO 1"}).
				wantStatus(http.StatusForbidden)
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/invoice-paid", f.a2), asOtherMgr, nil).
				wantStatus(http.StatusNotFound)
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/invoice-paid", f.a2), asManager,
				map[string]any{"reference": strings.Repeat("x", maxReferenceLength+1)}).wantStatus(http.StatusUnprocessableEntity)
			if after := e.paymentSnapshot(f.a2); after != before {
				t.Errorf("booking changed: %s, was %s", after, before)
			}
		})

		t.Run("nothing to pay, paid by card or cancelled: no invoice to mark", func(t *testing.T) {
			for name, id := range map[string]int64{"free": f.free, "card": f.card, "cancelled": f.gone} {
				before := e.paymentSnapshot(id)
				p := e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/invoice-paid", id), asManager, nil).
					wantStatus(http.StatusConflict).problem()
				if p.Detail == "" {
					t.Errorf("%s: a conflict without a detail", name)
				}
				if after := e.paymentSnapshot(id); after != before {
					t.Errorf("%s: booking changed: %s, was %s", name, after, before)
				}
			}
		})

		t.Run("marking an invoice paid", func(t *testing.T) {
			before := e.bookingRow(f.a2)
			var b bookingJSON
			e.atClock(markedAt).send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/invoice-paid", f.a2), asManager, map[string]any{"reference": " PO 1234 "}).
				wantStatus(http.StatusOK).decode(&b)
			if b.Payment != (paymentJSON{State: booking.PaymentInvoicePaid, PaidPence: 4800}) || b.State != booking.Confirmed {
				t.Errorf("booking %+v, payment %+v", b.State, b.Payment)
			}
			last := b.History[len(b.History)-1]
			if last.Action != booking.ActionInvoicePaid || last.AmountPence != 4800 || last.Reason != "PO 1234" ||
				last.By == nil || last.By.ID != e.users[asManager].ID || !last.At.Equal(markedAt) {
				t.Errorf("history %+v", b.History)
			}
			if after := e.bookingRow(f.a2); after.Sequence != before.Sequence+1 || !after.UpdatedAt.Equal(markedAt) {
				t.Errorf("sequence %d (was %d), updated %s", after.Sequence, before.Sequence, after.UpdatedAt)
			}

			r := e.get("/api/v1/reports/invoices?"+november, asAdmin).invoiceReport()
			paid := r.Invoices[1]
			if paid.BookingID != f.a2 || paid.Payment != booking.PaymentInvoicePaid || paid.PaidAt == nil ||
				!paid.PaidAt.Equal(markedAt) || paid.Reference != "PO 1234" {
				t.Errorf("report row %+v", paid)
			}
			if r.Due != figures(2, 5000, 400) || r.Paid != figures(1, 4000, 800) || r.Total != figures(3, 9000, 1200) {
				t.Errorf("due %+v, paid %+v, total %+v", r.Due, r.Paid, r.Total)
			}
		})

		t.Run("a second mark is a conflict and changes nothing", func(t *testing.T) {
			before := e.paymentSnapshot(f.a2)
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/invoice-paid", f.a2), asAdmin, nil).wantStatus(http.StatusConflict)
			if after := e.paymentSnapshot(f.a2); after != before {
				t.Errorf("booking changed: %s, was %s", after, before)
			}
		})

		t.Run("the CSV has the JSON's rows and totals", func(t *testing.T) {
			r := e.get("/api/v1/reports/invoices?"+november, asAdmin).invoiceReport()
			pounds := func(p int64) string { return fmt.Sprintf("%d.%02d", p/100, p%100) }
			want := [][]string{invoiceCSVColumns}
			for _, inv := range r.Invoices {
				ids := []string{}
				for _, id := range inv.Organisation.Identifiers {
					ids = append(ids, id.Scheme+" "+id.Value)
				}
				paidAt := ""
				if inv.PaidAt != nil {
					paidAt = inv.PaidAt.Format(time.RFC3339)
				}
				want = append(want, []string{itoa(inv.BookingID), inv.StartsAt.Format(time.RFC3339), inv.EndsAt.Format(time.RFC3339),
					itoa(inv.SiteID), inv.SiteName, itoa(inv.SpaceID), inv.SpaceName, itoa(inv.Organisation.ID), inv.Organisation.Name,
					strings.Join(ids, "; "), inv.Purpose, pounds(inv.NetPence), pounds(inv.VATPence), pounds(inv.TotalPence),
					itoa(inv.NetPence), itoa(inv.VATPence), itoa(inv.TotalPence), inv.Payment, paidAt, inv.Reference})
			}
			for _, sum := range []struct {
				key, payment string
				f            invoiceFiguresJSON
			}{{"due", "invoice_due", r.Due}, {"paid", "invoice_paid", r.Paid}, {"total", "", r.Total}} {
				row := append([]string{sum.key}, make([]string, 10)...)
				want = append(want, append(row, pounds(sum.f.NetPence), pounds(sum.f.VATPence), pounds(sum.f.TotalPence),
					itoa(sum.f.NetPence), itoa(sum.f.VATPence), itoa(sum.f.TotalPence), sum.payment, "", ""))
			}
			if want[1][13] != "24.00" || want[2][18] != markedAt.Format(time.RFC3339) || want[len(want)-1][16] != "10200" {
				t.Fatalf("the expected rows are not what the fixture made: %q", want)
			}
			for _, resp := range []*response{
				e.do(request{method: http.MethodGet, path: "/api/v1/reports/invoices?" + november, as: asAdmin,
					header: http.Header{"Accept": {"text/csv"}}}),
				e.get("/api/v1/reports/invoices.csv?"+november, asAdmin),
			} {
				resp.wantStatus(http.StatusOK)
				if ct := resp.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
					t.Errorf("content type %q", ct)
				}
				if cd := resp.Header().Get("Content-Disposition"); cd != `attachment; filename="invoices-2026-11-01-to-2026-12-01.csv"` {
					t.Errorf("content disposition %q", cd)
				}
				rows, err := csv.NewReader(strings.NewReader(resp.Body.String())).ReadAll()
				must(t, err)
				if !slices.EqualFunc(rows, want, slices.Equal) {
					t.Errorf("CSV\n%q\nwant\n%q", rows, want)
				}
			}
			if resp := e.get("/api/v1/reports/invoices", asAdmin); !strings.HasPrefix(resp.Header().Get("Content-Type"), "application/json") ||
				resp.Header().Get("Vary") != "Accept" {
				t.Errorf("JSON by default: content type %q, vary %q", resp.Header().Get("Content-Type"), resp.Header().Get("Vary"))
			}
		})

		t.Run("a reference that looks like a formula is not run as one", func(t *testing.T) {
			const ref = `=HYPERLINK("http://example.org")`
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/invoice-paid", f.b1), asOtherMgr, map[string]any{"reference": ref}).
				wantStatus(http.StatusOK)
			rows, err := csv.NewReader(strings.NewReader(e.get("/api/v1/reports/invoices.csv?"+november, asAdmin).
				wantStatus(http.StatusOK).Body.String())).ReadAll()
			must(t, err)
			i := slices.IndexFunc(rows, func(row []string) bool { return row[0] == itoa(f.b1) })
			if i < 0 || rows[i][19] != "'"+ref {
				t.Errorf("rows %q, want booking %d's reference as '%s", rows, f.b1, ref)
			}
		})
	})
}

func TestConcurrentInvoiceMarksThroughTheAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.seedInvoice(asManager)
		one := httptest.NewServer(e.srv)
		defer one.Close()
		two := httptest.NewServer(e.secondServer())
		defer two.Close()
		var reqs []func() (*http.Request, error)
		for i := range 10 {
			base, role := one.URL, asManager
			if i%2 == 1 {
				base, role = two.URL, asAdmin
			}
			reqs = append(reqs, e.post(base, fmt.Sprintf("/api/v1/bookings/%d/invoice-paid", id), role,
				map[string]any{"reference": "PO " + strconv.Itoa(i)}, nil))
		}
		ok, conflicts := 0, 0
		for i, a := range race(t, reqs) {
			switch {
			case a.err != nil:
				t.Errorf("request %d: %v", i, a.err)
			case a.status == http.StatusOK:
				ok++
			case a.status == http.StatusConflict:
				conflicts++
			default:
				t.Errorf("request %d: status %d: %s", i, a.status, a.body)
			}
		}
		if ok != 1 || conflicts != len(reqs)-1 {
			t.Fatalf("%d marked, %d conflicts of %d requests", ok, conflicts, len(reqs))
		}
		var events int64
		must(t, e.store.DB.Model(&models.BookingEvent{}).Where("booking_id = ? AND action = ?", id, booking.ActionInvoicePaid).Count(&events).Error)
		if b := e.bookingRow(id); events != 1 || b.Sequence != 1 || b.PaidPence != 2000 || b.Payment != booking.PaymentInvoicePaid {
			t.Errorf("%d invoice_paid events; booking %+v", events, b)
		}
	})
}

func TestInvoicePaidPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.seedInvoice(asManager)
		path := "/bookings/" + itoa(id)
		action := "/manage/bookings/" + itoa(id) + "/invoice-paid"

		e.step(t, "the site's managers are offered to mark the invoice paid, the group is not", func(t *testing.T) {
			e.getPage(path, asManager).wantStatus(http.StatusOK).wantBody(`action="`+action+`"`, "Mark invoice paid", "£20.00")
			e.getPage(path, asBooker).wantStatus(http.StatusOK).wantNoBody(`action="` + action + `"`)
		})
		e.step(t, "a reference too long is shown in the error summary, and nothing changes", func(t *testing.T) {
			long := strings.Repeat("x", maxReferenceLength+1)
			e.postForm(action, asManager, url.Values{"reference": {long}}).wantStatus(http.StatusUnprocessableEntity).
				wantBody("nhsuk-error-summary", `<a href="#reference">`, `value="`+long+`"`)
			if b := e.bookingRow(id); b.Payment != booking.PaymentInvoiceDue {
				t.Errorf("payment %s", b.Payment)
			}
		})
		e.step(t, "marking it paid goes back to the booking with the news", func(t *testing.T) {
			r := e.postForm(action, asManager, url.Values{"reference": {"PO 77"}}).wantRedirect(path)
			if msg := r.flash(); !strings.Contains(msg, "Invoice marked paid: £20.00 from "+e.orgA.Name) {
				t.Errorf("flash %q", msg)
			}
			if b := e.bookingRow(id); b.Payment != booking.PaymentInvoicePaid || b.PaidPence != 2000 {
				t.Errorf("payment %s, paid %d", b.Payment, b.PaidPence)
			}
			e.getPage(path, asManager).wantStatus(http.StatusOK).wantBody("Invoice paid", "PO 77").wantNoBody(`action="` + action + `"`)
		})
		e.step(t, "marking it again shows why not", func(t *testing.T) {
			e.postForm(action, asManager, url.Values{"reference": {"PO 78"}}).wantStatus(http.StatusConflict).
				wantBody("nhsuk-error-summary", "already marked paid").wantNoBody(`action="` + action + `"`)
		})
		e.step(t, "the rent report links to the invoices", func(t *testing.T) {
			e.getPage("/manage/reports/rent?from-day=1&from-month=11&from-year=2026&to-day=30&to-month=11&to-year=2026", asManager).
				wantStatus(http.StatusOK).wantBody(`href="/api/v1/reports/invoices.csv?from=2026-11-01&amp;to=2026-12-01"`)
		})
	})
}
