package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

const (
	// rentReportMonths is the length of the default period of a rent
	// report: twelve calendar months, ending with this one.
	rentReportMonths = 12
	// maxRentReportYears is the longest period a rent report covers.
	maxRentReportYears = 10
	csvContentType     = "text/csv; charset=utf-8"
)

// rentFiguresJSON are the sums of a rent report over some confirmed
// bookings: money in pence, time in minutes.
type rentFiguresJSON struct {
	Bookings      int64 `json:"bookings"`
	Minutes       int64 `json:"minutes"`
	StandardPence int64 `json:"standard_pence"`
	ChargedPence  int64 `json:"charged_pence"`
	ForegonePence int64 `json:"foregone_pence"`
}

// rentGroupJSON is one group of a rent report.
type rentGroupJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	rentFiguresJSON
}

// rentReportJSON is the rent foregone over a period, group by group.
type rentReportJSON struct {
	From     time.Time       `json:"from"`
	To       time.Time       `json:"to"`
	SiteID   *int64          `json:"site_id"`
	GroupBy  string          `json:"group_by"`
	Currency string          `json:"currency"`
	Groups   []rentGroupJSON `json:"groups"`
	Total    rentFiguresJSON `json:"total"`
}

func toRentFiguresJSON(f models.RentFigures) rentFiguresJSON {
	return rentFiguresJSON{Bookings: f.Bookings, Minutes: f.Minutes, StandardPence: f.StandardPence,
		ChargedPence: f.ChargedPence, ForegonePence: f.ForegonePence}
}

// rentReportQuery is a rent report as asked for: the bookings that start
// in [From, To), at one site or every site the caller may see, grouped.
type rentReportQuery struct {
	From, To time.Time
	SiteID   int64
	GroupBy  string
}

// lastTwelveMonths is the default period of a rent report: the twelve
// calendar months in London that end with the month of now.
func lastTwelveMonths(now time.Time) (time.Time, time.Time) {
	month := booking.MonthOf(now)
	first := booking.DateOf(month.Start, booking.London)
	start := time.Date(first.Year, first.Month-(rentReportMonths-1), 1, 12, 0, 0, 0, time.UTC)
	return booking.AtOrAfter(booking.Date{Year: start.Year(), Month: start.Month(), Day: 1}, 0, booking.London), month.End
}

// readRentPeriod checks a period and fills in what is missing: both ends
// default to the last twelve months, one end to twelve months from the
// other. p names "from" and "to" for what is wrong.
func readRentPeriod(p *booking.Problems, from, to *time.Time, now time.Time) (time.Time, time.Time) {
	for _, end := range []struct {
		name string
		t    *time.Time
	}{{"from", from}, {"to", to}} {
		if end.t != nil && (end.t.Year() < minYear || end.t.Year() > maxYear) {
			p.Add(end.name, "Must be between %d and %d", minYear, maxYear)
		}
	}
	if p.Has("from") || p.Has("to") {
		return time.Time{}, time.Time{}
	}
	var f, t time.Time
	switch {
	case from == nil && to == nil:
		f, t = lastTwelveMonths(now)
	case to == nil:
		f, t = *from, from.In(booking.London).AddDate(0, rentReportMonths, 0)
	case from == nil:
		f, t = to.In(booking.London).AddDate(0, -rentReportMonths, 0), *to
	default:
		f, t = *from, *to
	}
	f, t = models.Instant(f), models.Instant(t)
	switch {
	case !t.After(f):
		p.Add("to", "Must be after from (%s)", f.Format(time.RFC3339))
	case t.After(f.In(booking.London).AddDate(maxRentReportYears, 0, 0)):
		p.Add("to", "Must be at most %d years after from", maxRentReportYears)
	}
	return f, t
}

// readRentReportQuery reads a rent report's query string: from, to, site
// and group_by.
func (s *Server) readRentReportQuery(c *gin.Context) (rentReportQuery, error) {
	var p booking.Problems
	q := rentReportQuery{SiteID: queryInt(c, &p, "site", 1, 1<<53), GroupBy: c.DefaultQuery("group_by", models.GroupByMonth)}
	q.From, q.To = readRentPeriod(&p, queryInstant(c, &p, "from"), queryInstant(c, &p, "to"), s.now())
	checkOption(&p, "group_by", q.GroupBy, models.RentGroupings)
	return q, p.Err()
}

// reportSites are the sites a report covers for the caller: the one asked
// for (siteID), or else every site for admins (all) and their own for
// estates managers. A site that does not exist is not found; one the
// caller does not manage is forbidden, as is every report to anyone but
// the estate's staff. what names the report, like "rent report".
func (s *Server) reportSites(ctx context.Context, who *principal, siteID int64, what string) (all bool, ids []int64, err error) {
	switch {
	case siteID != 0:
		if _, err := s.store.SiteByID(ctx, siteID); err != nil {
			return false, nil, err
		}
		if !who.managesSite(siteID) {
			return false, nil, newForbidden("Only this site's estates managers can see its " + what + ".")
		}
		return false, []int64{siteID}, nil
	case who.isAdmin():
		return true, nil, nil
	case who.isStaff():
		ids = who.managedSiteIDs()
		sortIDs(ids)
		return false, ids, nil
	}
	return false, nil, newForbidden("Only estates managers and platform admins can see " + what + "s.")
}

// rentReport counts a rent report for the caller, for the API and the
// pages: admins see every site, estates managers their own.
func (s *Server) rentReport(ctx context.Context, who *principal, q rentReportQuery) (*models.RentReport, error) {
	f := models.RentFilter{From: q.From, To: q.To, GroupBy: q.GroupBy}
	var err error
	if f.All, f.SiteIDs, err = s.reportSites(ctx, who, q.SiteID, "rent report"); err != nil {
		return nil, err
	}
	return s.store.RentReport(ctx, f)
}

// apiRentReport answers with a rent report as JSON, or as CSV when the
// caller prefers text/csv or asks for the .csv path (csvOnly).
func (s *Server) apiRentReport(csvOnly bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, err := s.readRentReportQuery(c)
		var r *models.RentReport
		if err == nil {
			r, err = s.rentReport(c.Request.Context(), currentPrincipal(c), q)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.answerReport(c, csvOnly, rentCSVName(q), func(buf *bytes.Buffer) error { return writeRentCSV(buf, q.GroupBy, r) }, func() any {
			out := rentReportJSON{From: q.From.UTC(), To: q.To.UTC(), GroupBy: q.GroupBy, Currency: "GBP",
				Groups: make([]rentGroupJSON, len(r.Groups)), Total: toRentFiguresJSON(r.Total)}
			if q.SiteID != 0 {
				out.SiteID = &q.SiteID
			}
			for i, g := range r.Groups {
				out.Groups[i] = rentGroupJSON{Key: g.Key, Label: g.Label, rentFiguresJSON: toRentFiguresJSON(g.RentFigures)}
			}
			return out
		})
	}
}

// answerReport answers with a report as CSV when the caller asks for the
// .csv path (csvOnly) or prefers text/csv, and otherwise as JSON.
func (s *Server) answerReport(c *gin.Context, csvOnly bool, csvName string, writeCSV func(*bytes.Buffer) error, asJSON func() any) {
	if !csvOnly {
		c.Header("Vary", "Accept")
	}
	if csvOnly || c.NegotiateFormat(gin.MIMEJSON, "text/csv") == "text/csv" {
		var buf bytes.Buffer
		if err := writeCSV(&buf); err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+csvName+`"`)
		c.Data(http.StatusOK, csvContentType, buf.Bytes())
		return
	}
	c.JSON(http.StatusOK, asJSON())
}

// rentCSVColumns are the columns of a rent report as CSV after the first,
// which is named for the grouping and holds each group's key.
var rentCSVColumns = []string{"label", "bookings", "hours", "minutes",
	"standard_gbp", "charged_gbp", "foregone_gbp", "standard_pence", "charged_pence", "foregone_pence"}

// writeRentCSV writes a rent report as CSV: a header row, a row per group
// and a total row whose key is "total". Pounds are written like 1234.50
// and hours to two places, both from whole numbers so nothing is lost to
// floating point; the pence and minutes columns are exact.
func writeRentCSV(buf *bytes.Buffer, groupBy string, r *models.RentReport) error {
	w := csv.NewWriter(buf)
	row := func(key, label string, f models.RentFigures) []string {
		return []string{key, csvText(label), strconv.FormatInt(f.Bookings, 10), decimalHours(f.Minutes),
			strconv.FormatInt(f.Minutes, 10), decimalPounds(f.StandardPence), decimalPounds(f.ChargedPence),
			decimalPounds(f.ForegonePence), strconv.FormatInt(f.StandardPence, 10),
			strconv.FormatInt(f.ChargedPence, 10), strconv.FormatInt(f.ForegonePence, 10)}
	}
	if err := w.Write(append([]string{groupBy}, rentCSVColumns...)); err != nil {
		return err
	}
	for _, g := range r.Groups {
		if err := w.Write(row(g.Key, g.Label, g.RentFigures)); err != nil {
			return err
		}
	}
	if err := w.Write(row("total", "Total", r.Total)); err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}

// csvText keeps a spreadsheet from reading a label (a site's name) as a
// formula: text that starts with = + - @ or a control character gets a
// leading apostrophe, as OWASP advises for CSV exports.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// decimalPounds writes pence as pounds with two places, like 1234.50.
func decimalPounds(pence int64) string {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	return fmt.Sprintf("%s%d.%02d", sign, pence/100, pence%100)
}

// decimalHours writes minutes as hours to two places, rounded half up,
// like 12.50.
func decimalHours(minutes int64) string {
	hundredths := (minutes*100 + 30) / 60
	return fmt.Sprintf("%d.%02d", hundredths/100, hundredths%100)
}

// rentCSVName is the file name a rent report downloads as.
func rentCSVName(q rentReportQuery) string {
	name := fmt.Sprintf("rent-report-by-%s-%s-to-%s", strings.ReplaceAll(q.GroupBy, "_", "-"),
		q.From.In(booking.London).Format(time.DateOnly), q.To.In(booking.London).Format(time.DateOnly))
	if q.SiteID != 0 {
		name += "-site-" + itoa(q.SiteID)
	}
	return name + ".csv"
}
