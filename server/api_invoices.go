package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// maxReferenceLength is the longest payment reference, such as a purchase
// order number, an invoice is marked paid with.
const maxReferenceLength = 200

// invoiceOrganisationJSON is the organisation an invoice is for, with its
// registration numbers.
type invoiceOrganisationJSON struct {
	ID          int64            `json:"id"`
	Name        string           `json:"name"`
	Identifiers []identifierJSON `json:"identifiers"`
}

// invoiceJSON is one booking paid by invoice, as the finance team reads it.
type invoiceJSON struct {
	BookingID    int64                   `json:"booking_id"`
	StartsAt     time.Time               `json:"starts_at"`
	EndsAt       time.Time               `json:"ends_at"`
	SiteID       int64                   `json:"site_id"`
	SiteName     string                  `json:"site_name"`
	SpaceID      int64                   `json:"space_id"`
	SpaceName    string                  `json:"space_name"`
	Organisation invoiceOrganisationJSON `json:"organisation"`
	Purpose      string                  `json:"purpose"`
	NetPence     int64                   `json:"net_pence"`
	VATPence     int64                   `json:"vat_pence"`
	TotalPence   int64                   `json:"total_pence"`
	Payment      string                  `json:"payment"`
	PaidAt       *time.Time              `json:"paid_at"`
	Reference    string                  `json:"reference"`
}

// invoiceFiguresJSON are the sums of some invoices, in pence.
type invoiceFiguresJSON struct {
	Bookings   int64 `json:"bookings"`
	NetPence   int64 `json:"net_pence"`
	VATPence   int64 `json:"vat_pence"`
	TotalPence int64 `json:"total_pence"`
}

// invoiceReportJSON is the invoices of a period with their sums: those
// still due, those paid, and all of them.
type invoiceReportJSON struct {
	From     time.Time          `json:"from"`
	To       time.Time          `json:"to"`
	SiteID   *int64             `json:"site_id"`
	Currency string             `json:"currency"`
	Invoices []invoiceJSON      `json:"invoices"`
	Due      invoiceFiguresJSON `json:"due"`
	Paid     invoiceFiguresJSON `json:"paid"`
	Total    invoiceFiguresJSON `json:"total"`
}

func toInvoiceFiguresJSON(f models.InvoiceFigures) invoiceFiguresJSON {
	return invoiceFiguresJSON{Bookings: f.Bookings, NetPence: f.NetPence, VATPence: f.VATPence, TotalPence: f.TotalPence}
}

func toInvoiceJSON(l models.InvoiceLine) invoiceJSON {
	out := invoiceJSON{BookingID: l.BookingID, StartsAt: l.StartsAt.UTC(), EndsAt: l.EndsAt.UTC(),
		SiteID: l.SiteID, SiteName: l.SiteName, SpaceID: l.SpaceID, SpaceName: l.SpaceName,
		Organisation: invoiceOrganisationJSON{ID: l.OrganisationID, Name: l.OrganisationName, Identifiers: []identifierJSON{}},
		Purpose:      l.Purpose, NetPence: l.NetPence, VATPence: l.VATPence, TotalPence: l.TotalPence,
		Payment: l.Payment, Reference: l.Reference}
	for _, id := range l.Identifiers {
		out.Organisation.Identifiers = append(out.Organisation.Identifiers, identifierJSON{Scheme: id.Scheme, Value: id.Value})
	}
	if l.PaidAt != nil {
		at := l.PaidAt.UTC()
		out.PaidAt = &at
	}
	return out
}

// invoiceReportQuery is an invoice report as asked for: the bookings that
// start in [From, To), at one site or every site the caller may see.
type invoiceReportQuery struct {
	From, To time.Time
	SiteID   int64
}

// readInvoiceReportQuery reads an invoice report's query string: from, to
// and site, with the rent report's defaults and limits.
func (s *Server) readInvoiceReportQuery(c *gin.Context) (invoiceReportQuery, error) {
	var p booking.Problems
	q := invoiceReportQuery{SiteID: queryInt(c, &p, "site", 1, 1<<53)}
	q.From, q.To = readRentPeriod(&p, queryInstant(c, &p, "from"), queryInstant(c, &p, "to"), s.now())
	return q, p.Err()
}

// invoiceReport lists the invoices of a period for the caller: admins see
// every site, estates managers their own, as with the rent report.
func (s *Server) invoiceReport(ctx context.Context, who *principal, q invoiceReportQuery) (*models.InvoiceReport, error) {
	f := models.InvoiceFilter{From: q.From, To: q.To}
	var err error
	if f.All, f.SiteIDs, err = s.reportSites(ctx, who, q.SiteID, "invoice report"); err != nil {
		return nil, err
	}
	return s.store.InvoiceReport(ctx, f)
}

// apiInvoiceReport answers with the invoices of a period as JSON, or as
// CSV when the caller prefers text/csv or asks for the .csv path (csvOnly).
func (s *Server) apiInvoiceReport(csvOnly bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, err := s.readInvoiceReportQuery(c)
		var r *models.InvoiceReport
		if err == nil {
			r, err = s.invoiceReport(c.Request.Context(), currentPrincipal(c), q)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.answerReport(c, csvOnly, invoiceCSVName(q), func(buf *bytes.Buffer) error { return writeInvoiceCSV(buf, r) }, func() any {
			out := invoiceReportJSON{From: q.From.UTC(), To: q.To.UTC(), Currency: "GBP",
				Invoices: make([]invoiceJSON, len(r.Lines)), Due: toInvoiceFiguresJSON(r.Due),
				Paid: toInvoiceFiguresJSON(r.Paid), Total: toInvoiceFiguresJSON(r.Total)}
			if q.SiteID != 0 {
				out.SiteID = &q.SiteID
			}
			for i, l := range r.Lines {
				out.Invoices[i] = toInvoiceJSON(l)
			}
			return out
		})
	}
}

// invoiceCSVColumns are the columns of an invoice report as CSV.
var invoiceCSVColumns = []string{"booking_id", "starts_at", "ends_at", "site_id", "site", "space_id", "space",
	"organisation_id", "organisation", "identifiers", "purpose", "net_gbp", "vat_gbp", "total_gbp",
	"net_pence", "vat_pence", "total_pence", "payment", "paid_at", "reference"}

// writeInvoiceCSV writes an invoice report as CSV: a header row, a row per
// invoice, then the sums of those due, those paid and all of them in rows
// whose booking_id is "due", "paid" and "total". Times are RFC 3339 in
// UTC, as in the JSON; identifiers are "SCHEME VALUE" joined by "; ".
// Text anyone typed (names, references) is kept from running as a formula.
func writeInvoiceCSV(buf *bytes.Buffer, r *models.InvoiceReport) error {
	w := csv.NewWriter(buf)
	money := func(net, vat, total int64) []string {
		return []string{decimalPounds(net), decimalPounds(vat), decimalPounds(total),
			strconv.FormatInt(net, 10), strconv.FormatInt(vat, 10), strconv.FormatInt(total, 10)}
	}
	rows := [][]string{invoiceCSVColumns}
	for _, l := range r.Lines {
		ids := make([]string, len(l.Identifiers))
		for i, id := range l.Identifiers {
			ids[i] = id.Scheme + " " + id.Value
		}
		paidAt := ""
		if l.PaidAt != nil {
			paidAt = l.PaidAt.UTC().Format(time.RFC3339)
		}
		row := []string{strconv.FormatInt(l.BookingID, 10), l.StartsAt.UTC().Format(time.RFC3339), l.EndsAt.UTC().Format(time.RFC3339),
			strconv.FormatInt(l.SiteID, 10), csvText(l.SiteName), strconv.FormatInt(l.SpaceID, 10), csvText(l.SpaceName),
			strconv.FormatInt(l.OrganisationID, 10), csvText(l.OrganisationName), csvText(strings.Join(ids, "; ")), l.Purpose}
		row = append(row, money(l.NetPence, l.VATPence, l.TotalPence)...)
		rows = append(rows, append(row, l.Payment, paidAt, csvText(l.Reference)))
	}
	for _, sum := range []struct {
		key, payment string
		f            models.InvoiceFigures
	}{{"due", booking.PaymentInvoiceDue, r.Due}, {"paid", booking.PaymentInvoicePaid, r.Paid}, {"total", "", r.Total}} {
		row := append([]string{sum.key}, make([]string, 10)...)
		row = append(row, money(sum.f.NetPence, sum.f.VATPence, sum.f.TotalPence)...)
		rows = append(rows, append(row, sum.payment, "", ""))
	}
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	return w.Error()
}

// invoiceCSVName is the file name an invoice report downloads as.
func invoiceCSVName(q invoiceReportQuery) string {
	name := "invoices-" + q.From.In(booking.London).Format(time.DateOnly) + "-to-" + q.To.In(booking.London).Format(time.DateOnly)
	if q.SiteID != 0 {
		name += "-site-" + itoa(q.SiteID)
	}
	return name + ".csv"
}

// invoicePaidInput is the optional reference an invoice is marked paid
// with, such as a purchase order number.
type invoicePaidInput struct {
	Reference string `json:"reference"`
}

// markInvoicePaid records a booking's invoice paid, for the API and the
// pages. The site's estates managers and admins may; the organisation's
// members are forbidden, and for anyone else the booking does not exist.
func (s *Server) markInvoicePaid(ctx context.Context, who *principal, id int64, reference string) (*models.Booking, error) {
	b, err := s.visibleBooking(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if !who.managesSite(b.Space.SiteID) {
		return nil, newForbidden("Only this site's estates managers can mark its invoices paid.")
	}
	var p booking.Problems
	reference = strings.TrimSpace(reference)
	checkText(&p, "reference", reference, false, maxReferenceLength)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s.store.MarkInvoicePaid(ctx, id, reference, who.User.ID, s.now())
}

func (s *Server) apiMarkInvoicePaid() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		var in invoicePaidInput
		if err == nil {
			err = decodeOptionalJSON(c, &in)
		}
		var b *models.Booking
		if err == nil {
			b, err = s.markInvoicePaid(c.Request.Context(), currentPrincipal(c), id, in.Reference)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toBookingJSON(b, s.now(), true))
	}
}
