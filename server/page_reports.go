package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// rentReportForm is the rent report's filter as typed: the first and last
// days of the period (both included) and a site, or none for every site
// the account may see.
type rentReportForm struct {
	From, To dateParts
	Site     string
}

// rentReportRow is one line of the rent report's table, written for people.
type rentReportRow struct {
	Label, Bookings, Hours, Standard, Charged, Foregone string
}

// barChart is a bar chart drawn on the server as SVG, with a title and a
// description that say what it shows in words; the table beside it gives
// every number.
type barChart struct {
	ID, Title, Desc string
	Width, Height   int
	Top, Base       int    // the y of the top gridline and of the baseline
	TopLabel        string // the value at the top gridline
	Bars            []chartBar
}

// chartBar is one bar with its label under it.
type chartBar struct {
	X, Y, W, H     int
	LabelX         int
	Label, SubText string
}

// rentReportPageData is the rent report page: the filter and, when it is
// valid, what the confirmed bookings in the period were worth.
type rentReportPageData struct {
	Form            rentReportForm
	Sites           []booking.Option
	Shown           bool
	Period, Where   string
	Total           rentReportRow
	Months          []rentReportRow
	Foregone, Hours barChart
	Downloads       []link
	// Invoices downloads the bookings of the period paid by invoice.
	Invoices link
}

// rentReportOrder is the order of the filter's inputs.
var rentReportOrder = []string{"from-day", "to-day", "site"}

// rentReportPage shows estates managers and admins the rent foregone at
// their sites month by month, as charts and a table, with the same counts
// as GET /api/v1/reports/rent and links to download them as CSV.
func (s *Server) rentReportPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		who := currentPrincipal(c)
		query := c.Request.URL.Query()
		get := func(k string) string {
			return strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(query.Get(k), "\x00", ""), ""))
		}
		f := rentReportForm{From: datePartsFrom(get, "from"), To: datePartsFrom(get, "to"), Site: get("site")}
		filter := models.SiteFilter{}
		all := "All sites"
		if !who.isAdmin() {
			filter.ManagedBy, all = who.User.ID, "All your sites"
		}
		sites, _, err := s.store.Sites(ctx, filter, models.Page{})
		if err != nil {
			s.fail(c, err)
			return
		}
		d := &rentReportPageData{Sites: []booking.Option{{Value: "", Label: all}}}
		for _, site := range sites {
			d.Sites = append(d.Sites, booking.Option{Value: itoa(site.ID), Label: site.Name})
		}
		v := &view{Title: "Rent foregone", Data: d}
		q, first, last := s.readRentReportForm(&v.Errors, &f, d.Sites)
		d.Form = f
		if v.Errors.any() {
			v.Errors.inOrder(rentReportOrder...)
			s.render(c, http.StatusUnprocessableEntity, "rent-report", v)
			return
		}
		r, err := s.rentReport(ctx, who, q)
		if err != nil {
			s.fail(c, err)
			return
		}
		d.Shown = true
		d.Period = civil(first).Format("2 January 2006") + " to " + civil(last).Format("2 January 2006")
		d.Where = strings.ToLower(all[:1]) + all[1:]
		if q.SiteID != 0 {
			d.Where = optionLabel(d.Sites, f.Site)
		}
		d.Total = rentRow("Total", r.Total)
		months := monthsOf(q.From, q.To, r.Groups)
		for _, m := range months {
			d.Months = append(d.Months, rentRow(m.Label, m.RentFigures))
		}
		d.Foregone = rentChart("foregone", "Rent foregone by month", months, d.Period,
			func(f models.RentFigures) int64 { return f.ForegonePence }, reportPounds, "rent foregone")
		d.Hours = rentChart("hours", "Hours booked by month", months, d.Period,
			func(f models.RentFigures) int64 { return f.Minutes }, hoursPhrase, "hours booked")
		for _, g := range models.RentGroupings {
			u := url.Values{"from": {first.String()}, "to": {last.AddDays(1).String()}, "group_by": {g.Value}}
			if q.SiteID != 0 {
				u.Set("site", itoa(q.SiteID))
			}
			d.Downloads = append(d.Downloads, link{Href: "/api/v1/reports/rent.csv?" + u.Encode(), Text: "By " + strings.ToLower(g.Label)})
		}
		u := url.Values{"from": {first.String()}, "to": {last.AddDays(1).String()}}
		if q.SiteID != 0 {
			u.Set("site", itoa(q.SiteID))
		}
		d.Invoices = link{Href: "/api/v1/reports/invoices.csv?" + u.Encode(), Text: "Invoices due and paid"}
		s.render(c, http.StatusOK, "rent-report", v)
	}
}

// readRentReportForm checks the filter and turns it into the report's
// query; the period's first and last days come back too. Empty dates take
// the API's defaults, and are filled in on the form.
func (s *Server) readRentReportForm(errs *formErrors, f *rentReportForm, sites []booking.Option) (rentReportQuery, booking.Date, booking.Date) {
	q := rentReportQuery{GroupBy: models.GroupByMonth}
	from, hasFrom := formDate(errs, "from", f.From, "the start date", false)
	to, hasTo := formDate(errs, "to", f.To, "the end date", false)
	if f.Site != "" {
		if optionLabel(sites, f.Site) == f.Site {
			errs.add("site", "Select a site from the list")
		} else {
			q.SiteID, _ = strconv.ParseInt(f.Site, 10, 64)
		}
	}
	if errs.any() {
		return q, from, to
	}
	var fromT, toT *time.Time
	if hasFrom {
		t := dayStart(from)
		fromT = &t
	}
	if hasTo {
		t := dayStart(to.AddDays(1))
		toT = &t
	}
	if hasFrom && hasTo && to.Before(from) {
		errs.add("to-day", "The end date must be the same as or after the start date")
		return q, from, to
	}
	var p booking.Problems
	q.From, q.To = readRentPeriod(&p, fromT, toT, s.now())
	if v := asValidation(p.Err()); v != nil {
		for _, fe := range v.Fields {
			switch what := map[string]string{"from": "Start", "to": "End"}[fe.Field]; {
			case fe.Field == "to" && strings.HasPrefix(fe.Message, "Must be at most"):
				errs.add("to-day", "The report can cover at most "+strconv.Itoa(maxRentReportYears)+" years")
			default:
				errs.add(fe.Field+"-day", fmt.Sprintf("%s date must be between %d and %d", what, minYear, maxYear))
			}
		}
		return q, from, to
	}
	from, to = booking.DateOf(q.From, booking.London), booking.DateOf(q.To, booking.London).AddDays(-1)
	f.From, f.To = datePartsOf(from), datePartsOf(to)
	return q, from, to
}

// monthsOf lists every London month of [from, to) with the report's
// figures for it, none for a month without bookings.
func monthsOf(from, to time.Time, groups []models.RentGroup) []models.RentGroup {
	byKey := make(map[string]models.RentGroup, len(groups))
	for _, g := range groups {
		byKey[g.Key] = g
	}
	var out []models.RentGroup
	for m := booking.MonthOf(from); m.Start.Before(to); m = booking.MonthOf(m.End) {
		d := booking.DateOf(m.Start, booking.London)
		g, ok := byKey[models.MonthKey(d)]
		if !ok {
			g = models.RentGroup{Key: models.MonthKey(d), Label: models.MonthLabel(d)}
		}
		out = append(out, g)
	}
	return out
}

func rentRow(label string, f models.RentFigures) rentReportRow {
	return rentReportRow{Label: label, Bookings: strconv.FormatInt(f.Bookings, 10), Hours: peopleHours(f.Minutes),
		Standard: reportPounds(f.StandardPence), Charged: reportPounds(f.ChargedPence), Foregone: reportPounds(f.ForegonePence)}
}

// Sizes of a bar chart, in the SVG's own units.
const (
	chartSlot  = 44 // the width each month takes
	chartBarW  = 28
	chartTop   = 28 // room above the top gridline for its label
	chartPlot  = 160
	chartLabel = 18 // each line of labels under the bars
	chartSide  = 8
)

// rentChart draws one measure of the months as bars. Months are labelled
// by their short name, with the year under the first month and each
// January; over two years only Januaries and the first month are labelled.
func rentChart(id, title string, months []models.RentGroup, period string,
	value func(models.RentFigures) int64, show func(int64) string, measure string) barChart {
	ch := barChart{ID: id, Title: title, Width: 2*chartSide + len(months)*chartSlot,
		Top: chartTop, Base: chartTop + chartPlot}
	ch.Height = ch.Base + 2*chartLabel + 8
	var most, total int64
	mostAt := ""
	for _, m := range months {
		v := value(m.RentFigures)
		total += v
		if v > most {
			most, mostAt = v, m.Label
		}
	}
	ch.TopLabel = show(most)
	for i, m := range months {
		v := value(m.RentFigures)
		bar := chartBar{X: chartSide + i*chartSlot + (chartSlot-chartBarW)/2, W: chartBarW, LabelX: chartSide + i*chartSlot + chartSlot/2}
		if most > 0 {
			bar.H = int(v * chartPlot / most)
			if v > 0 && bar.H < 2 {
				bar.H = 2
			}
		}
		bar.Y = ch.Base - bar.H
		name, year, _ := strings.Cut(m.Label, " ")
		if len(months) <= 24 || name == "January" || i == 0 {
			bar.Label = name[:3]
			if i == 0 || name == "January" {
				bar.SubText = year
			}
		}
		ch.Bars = append(ch.Bars, bar)
	}
	if most == 0 {
		ch.Desc = "No " + measure + " in any month from " + period + "."
	} else {
		ch.Desc = upperFirst(measure) + " in each month from " + period + ": the most was " + show(most) + ", in " + mostAt +
			", and the total " + show(total) + ". The table below gives every month’s figures."
	}
	return ch
}

// reportPounds shows pence as pounds for a report, like £1,234.56, and
// nothing as £0.00.
func reportPounds(pence int64) string {
	if pence == 0 {
		return "£0.00"
	}
	return formatMoney(pence)
}

// peopleHours shows minutes as hours for people, like 12, 12.5 or 12.25.
func peopleHours(minutes int64) string {
	h := decimalHours(minutes)
	if strings.HasSuffix(h, ".00") {
		return strings.TrimSuffix(h, ".00")
	}
	return strings.TrimSuffix(h, "0")
}

// hoursPhrase is minutes as hours with the unit, like "1 hour" or "2.5
// hours".
func hoursPhrase(minutes int64) string {
	if minutes == 60 {
		return "1 hour"
	}
	return peopleHours(minutes) + " hours"
}
