package server

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
	"github.com/common-room/commonroom/seeds"
)

// reportRouteCases are the rows of the route × role table for the rent
// report: the estate's staff, for a site they manage.
var reportRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/api/v1/reports/rent",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/reports/rent?site=%d", e.siteA.ID), role)
		},
		want: staffStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/reports/rent.csv",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/reports/rent.csv?site=%d", e.siteA.ID), role)
		},
		want: staffStatuses(http.StatusOK, nil),
	},
}

// rentReportFixture prices spaceA at £20 an hour and spaceB at £30, gives
// verified community groups half off for community use, and books:
// orgA at siteA on 24 November for two hours (half off), orgB at siteB on
// 25 November for an hour of private hire (full rate), orgA at siteA on
// 2 December for an hour (half off), and a booking held for payment on
// 26 November that the report leaves out.
func (e *env) rentReportFixture() {
	e.t.Helper()
	ctx := context.Background()
	e.openAllDay()
	e.verify(e.orgA)
	e.verify(e.orgB)
	must(e.t, e.store.DB.Model(&models.Space{}).Where("id = ?", e.spaceA.ID).Update("rate_pence", 2000).Error)
	must(e.t, e.store.DB.Model(&models.Space{}).Where("id = ?", e.spaceB.ID).Update("rate_pence", 3000).Error)
	_, err := e.store.SaveRentPolicy(ctx, 0, models.PolicySettings{OwnRules: true, Rules: []booking.RentRule{{
		Name: "Community use", OrganisationTypes: []string{"community_group"}, VerifiedOnly: true,
		Purposes: []string{"community"}, DiscountPercent: 50,
	}}}, e.users[asAdmin].ID, testClock)
	must(e.t, err)
	book := func(sp *models.Space, org *models.Organisation, start string, hours int, purpose string, hold time.Duration) {
		e.t.Helper()
		s := mustParse(start)
		_, _, err := e.srv.bookings.Book(ctx, booking.Request{SpaceID: sp.ID, OrganisationID: org.ID,
			ByUserID: e.users[asAdmin].ID, Interval: booking.Interval{Start: s, End: s.Add(time.Duration(hours) * time.Hour)},
			Purpose: purpose, Attendees: 3, Verified: true, OrganisationType: org.Type, Hold: hold})
		must(e.t, err)
	}
	book(e.spaceA, e.orgA, "2026-11-24T10:00:00Z", 2, "community", 0)
	book(e.spaceB, e.orgB, "2026-11-25T18:00:00Z", 1, "private_commercial", 0)
	book(e.spaceA, e.orgA, "2026-12-02T10:00:00Z", 1, "community", 0)
	book(e.spaceA, e.orgA, "2026-11-26T10:00:00Z", 1, "community", time.Hour)
}

func mustParse(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func (r *response) rentReport() rentReportJSON {
	r.t.Helper()
	r.wantStatus(http.StatusOK)
	var out rentReportJSON
	r.decode(&out)
	return out
}

func TestRentReportAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.rentReportFixture()
		figures := func(bookings, minutes, standard, charged int64) rentFiguresJSON {
			return rentFiguresJSON{Bookings: bookings, Minutes: minutes, StandardPence: standard, ChargedPence: charged, ForegonePence: standard - charged}
		}

		t.Run("defaults to the twelve months that end with this one, by month", func(t *testing.T) {
			r := e.get("/api/v1/reports/rent", asAdmin).rentReport()
			if !r.From.Equal(mustParse("2025-12-01T00:00:00Z")) || !r.To.Equal(mustParse("2026-12-01T00:00:00Z")) {
				t.Errorf("period %s to %s, want December 2025 to November 2026", r.From, r.To)
			}
			if r.GroupBy != "month" || r.SiteID != nil || r.Currency != "GBP" {
				t.Errorf("group_by %q, site %v, currency %q", r.GroupBy, r.SiteID, r.Currency)
			}
			want := figures(2, 180, 7000, 5000)
			if r.Total != want {
				t.Errorf("total %+v, want %+v (the booking held for payment and December's are not counted)", r.Total, want)
			}
			if len(r.Groups) != 1 || r.Groups[0].Key != "2026-11" || r.Groups[0].Label != "November 2026" || r.Groups[0].rentFiguresJSON != want {
				t.Errorf("groups %+v", r.Groups)
			}
		})

		t.Run("groups by site, organisation type and purpose", func(t *testing.T) {
			for _, c := range []struct {
				groupBy string
				want    []rentGroupJSON
			}{
				{"site", []rentGroupJSON{
					{Key: itoa(e.siteA.ID), Label: "Hunter Street Health Centre", rentFiguresJSON: figures(2, 180, 6000, 3000)},
					{Key: itoa(e.siteB.ID), Label: "Station Road Surgery", rentFiguresJSON: figures(1, 60, 3000, 3000)},
				}},
				{"organisation_type", []rentGroupJSON{
					{Key: "community_group", Label: "Unincorporated community group", rentFiguresJSON: figures(3, 240, 9000, 6000)},
				}},
				{"purpose", []rentGroupJSON{
					{Key: "community", Label: "Community activity", rentFiguresJSON: figures(2, 180, 6000, 3000)},
					{Key: "private_commercial", Label: "Private or commercial", rentFiguresJSON: figures(1, 60, 3000, 3000)},
				}},
			} {
				r := e.get("/api/v1/reports/rent?from=2026-11-01&to=2027-01-01&group_by="+c.groupBy, asAdmin).rentReport()
				if !slices.Equal(r.Groups, c.want) {
					t.Errorf("by %s: %+v, want %+v", c.groupBy, r.Groups, c.want)
				}
				if r.Total != figures(3, 240, 9000, 6000) {
					t.Errorf("by %s: total %+v", c.groupBy, r.Total)
				}
			}
		})

		t.Run("estates managers see only their sites", func(t *testing.T) {
			r := e.get("/api/v1/reports/rent?from=2026-11-01&to=2027-01-01&group_by=site", asManager).rentReport()
			if len(r.Groups) != 1 || r.Groups[0].Key != itoa(e.siteA.ID) || r.Total != figures(2, 180, 6000, 3000) {
				t.Errorf("manager of site A: %+v", r)
			}
			r = e.get("/api/v1/reports/rent?from=2026-11-01&to=2027-01-01", asOtherMgr).rentReport()
			if r.Total != figures(1, 60, 3000, 3000) {
				t.Errorf("manager of site B: %+v", r.Total)
			}
			r = e.get(fmt.Sprintf("/api/v1/reports/rent?from=2026-11-01&to=2027-01-01&site=%d", e.siteA.ID), asManager).rentReport()
			if r.SiteID == nil || *r.SiteID != e.siteA.ID || r.Total.Bookings != 2 {
				t.Errorf("site A asked for: %+v", r)
			}
			e.get(fmt.Sprintf("/api/v1/reports/rent?site=%d", e.siteB.ID), asManager).wantStatus(http.StatusForbidden)
			e.get(fmt.Sprintf("/api/v1/reports/rent.csv?site=%d", e.siteB.ID), asManager).wantStatus(http.StatusForbidden)
			e.get("/api/v1/reports/rent?site=999999", asManager).wantStatus(http.StatusNotFound)
			e.get("/api/v1/reports/rent?site=999999", asAdmin).wantStatus(http.StatusNotFound)
		})

		t.Run("fills in the other end of the period from one", func(t *testing.T) {
			r := e.get("/api/v1/reports/rent?from=2026-03-01", asAdmin).rentReport()
			if !r.To.Equal(mustParse("2027-03-01T00:00:00Z")) {
				t.Errorf("to %s, want 1 March 2027", r.To)
			}
			r = e.get("/api/v1/reports/rent?to=2026-07-01T12:00:00%2B01:00", asAdmin).rentReport()
			if !r.From.Equal(mustParse("2025-07-01T11:00:00Z")) || !r.To.Equal(mustParse("2026-07-01T11:00:00Z")) {
				t.Errorf("period %s to %s, want the year to 1 July 2026 at noon", r.From, r.To)
			}
		})

		t.Run("as CSV when asked for text/csv or the .csv path", func(t *testing.T) {
			for _, r := range []*response{
				e.do(request{method: http.MethodGet, path: "/api/v1/reports/rent?from=2026-11-01&to=2027-01-01&group_by=site", as: asAdmin,
					header: http.Header{"Accept": {"text/csv"}}}),
				e.get("/api/v1/reports/rent.csv?from=2026-11-01&to=2027-01-01&group_by=site", asAdmin),
			} {
				r.wantStatus(http.StatusOK)
				if ct := r.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
					t.Errorf("content type %q", ct)
				}
				if cd := r.Header().Get("Content-Disposition"); cd != `attachment; filename="rent-report-by-site-2026-11-01-to-2027-01-01.csv"` {
					t.Errorf("content disposition %q", cd)
				}
				rows, err := csv.NewReader(strings.NewReader(r.Body.String())).ReadAll()
				must(t, err)
				want := [][]string{
					{"site", "label", "bookings", "hours", "minutes", "standard_gbp", "charged_gbp", "foregone_gbp", "standard_pence", "charged_pence", "foregone_pence"},
					{itoa(e.siteA.ID), "Hunter Street Health Centre", "2", "3.00", "180", "60.00", "30.00", "30.00", "6000", "3000", "3000"},
					{itoa(e.siteB.ID), "Station Road Surgery", "1", "1.00", "60", "30.00", "30.00", "0.00", "3000", "3000", "0"},
					{"total", "Total", "3", "4.00", "240", "90.00", "60.00", "30.00", "9000", "6000", "3000"},
				}
				if !slices.EqualFunc(rows, want, slices.Equal) {
					t.Errorf("CSV\n%q\nwant\n%q", rows, want)
				}
			}
			if r := e.get("/api/v1/reports/rent", asAdmin); !strings.HasPrefix(r.Header().Get("Content-Type"), "application/json") || r.Header().Get("Vary") != "Accept" {
				t.Errorf("JSON by default: content type %q, vary %q", r.Header().Get("Content-Type"), r.Header().Get("Vary"))
			}
		})

		t.Run("a site whose name looks like a formula is not run as one", func(t *testing.T) {
			const name = `=HYPERLINK("http://example.org")`
			must(t, e.store.DB.Model(&models.Site{}).Where("id = ?", e.siteB.ID).Update("name", name).Error)
			r := e.get("/api/v1/reports/rent.csv?group_by=site", asAdmin).wantStatus(http.StatusOK)
			rows, err := csv.NewReader(strings.NewReader(r.Body.String())).ReadAll()
			must(t, err)
			if i := slices.IndexFunc(rows, func(row []string) bool { return row[0] == itoa(e.siteB.ID) }); i < 0 || rows[i][1] != "'"+name {
				t.Errorf("rows %q, want site B labelled '%s", rows, name)
			}
		})

		t.Run("bad queries name the parameter", func(t *testing.T) {
			for _, c := range []struct{ query, field string }{
				{"from=yesterday", "from"},
				{"to=2026-13-01", "to"},
				{"from=2026-06-01&to=2026-06-01", "to"},
				{"from=2026-06-01&to=2026-05-01", "to"},
				{"from=2001-01-01&to=2026-01-01", "to"},
				{"from=1999-12-31", "from"},
				{"to=2201-01-01", "to"},
				{"group_by=space", "group_by"},
				{"group_by=", "group_by"},
				{"site=abc", "site"},
				{"site=0", "site"},
				{"from=%00", "from"},
			} {
				for _, path := range []string{"/api/v1/reports/rent?", "/api/v1/reports/rent.csv?"} {
					r := e.get(path+c.query, asAdmin).wantStatus(http.StatusUnprocessableEntity)
					p := r.problem()
					if len(p.Errors) == 0 || p.Errors[0].Field != c.field {
						t.Errorf("%s%s: errors %+v, want one naming %s", path, c.query, p.Errors, c.field)
					}
				}
			}
		})
	})
}

// TestRentReportAddsUpTheDemoQuotes loads the demo data and checks that
// the report's totals, and the sums of its groups, are what the bookings
// table and the booking charges hold for the confirmed bookings.
func TestRentReportAddsUpTheDemoQuotes(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := demoEnv(t, db)
		// The demo bookings are made relative to the real clock.
		from, to := time.Now().AddDate(-1, 0, 0).UTC().Truncate(time.Second), time.Now().AddDate(2, 0, 0).UTC().Truncate(time.Second)
		period := "from=" + from.Format(time.RFC3339) + "&to=" + to.Format(time.RFC3339)

		type sums struct{ Bookings, Standard, Discount int64 }
		var bookings []models.Booking
		must(t, e.store.DB.Preload("Space").Preload("Organisation").
			Where("state = ? AND starts_at >= ? AND starts_at < ?", booking.Confirmed, from, to).Find(&bookings).Error)
		if len(bookings) == 0 {
			t.Fatal("the demo data has no confirmed bookings")
		}
		// Independent sums: SQL over the bookings, and over their charges.
		var total sums
		must(t, e.store.DB.Raw(`SELECT COUNT(*) AS bookings, COALESCE(SUM(standard_pence), 0) AS standard,
			COALESCE(SUM(discount_pence), 0) AS discount FROM bookings WHERE state = ? AND starts_at >= ? AND starts_at < ?`,
			booking.Confirmed, from, to).Scan(&total).Error)
		var charges sums
		must(t, e.store.DB.Raw(`SELECT COALESCE(SUM(booking_charges.standard_pence), 0) AS standard,
			COALESCE(SUM(booking_charges.discount_pence), 0) AS discount FROM booking_charges
			JOIN bookings ON bookings.id = booking_charges.booking_id
			WHERE bookings.state = ? AND bookings.starts_at >= ? AND bookings.starts_at < ?`,
			booking.Confirmed, from, to).Scan(&charges).Error)
		if charges.Standard != total.Standard || charges.Discount != total.Discount {
			t.Errorf("charges %+v differ from the bookings' quotes %+v", charges, total)
		}
		var minutes int64
		bySite, byType, byPurpose, byMonth := map[string]sums{}, map[string]sums{}, map[string]sums{}, map[string]sums{}
		for _, b := range bookings {
			minutes += int64(b.EndsAt.Sub(b.StartsAt).Minutes())
			local := b.StartsAt.In(booking.London)
			for _, g := range []struct {
				m   map[string]sums
				key string
			}{
				{bySite, itoa(b.Space.SiteID)}, {byType, b.Organisation.Type}, {byPurpose, b.Purpose},
				{byMonth, fmt.Sprintf("%04d-%02d", local.Year(), local.Month())},
			} {
				s := g.m[g.key]
				s.Bookings++
				s.Standard += b.StandardPence
				s.Discount += b.DiscountPence
				g.m[g.key] = s
			}
		}

		for groupBy, want := range map[string]map[string]sums{"site": bySite, "organisation_type": byType, "purpose": byPurpose, "month": byMonth} {
			t.Run("by "+groupBy, func(t *testing.T) {
				r := e.get("/api/v1/reports/rent?"+period+"&group_by="+groupBy, asAdmin).rentReport()
				wantTotal := rentFiguresJSON{Bookings: total.Bookings, Minutes: minutes, StandardPence: total.Standard,
					ChargedPence: total.Standard - total.Discount, ForegonePence: total.Discount}
				if r.Total != wantTotal {
					t.Errorf("total %+v, want %+v", r.Total, wantTotal)
				}
				if r.Total.ForegonePence == 0 || r.Total.ChargedPence == 0 {
					t.Errorf("total %+v: the demo should forgo some rent and charge some", r.Total)
				}
				var sum rentFiguresJSON
				got := map[string]sums{}
				for _, g := range r.Groups {
					got[g.Key] = sums{g.Bookings, g.StandardPence, g.ForegonePence}
					sum.Bookings += g.Bookings
					sum.Minutes += g.Minutes
					sum.StandardPence += g.StandardPence
					sum.ChargedPence += g.ChargedPence
					sum.ForegonePence += g.ForegonePence
				}
				if sum != r.Total {
					t.Errorf("groups add up to %+v, total %+v", sum, r.Total)
				}
				if len(got) != len(want) {
					t.Errorf("%d groups, want %d", len(got), len(want))
				}
				for k, w := range want {
					if got[k] != w {
						t.Errorf("group %s: %+v, want %+v", k, got[k], w)
					}
				}
				csvTotal := e.get("/api/v1/reports/rent.csv?"+period+"&group_by="+groupBy, asAdmin).wantStatus(http.StatusOK).Body.String()
				rows, err := csv.NewReader(strings.NewReader(csvTotal)).ReadAll()
				must(t, err)
				last := rows[len(rows)-1]
				if last[0] != "total" || last[2] != strconv.FormatInt(total.Bookings, 10) || last[8] != strconv.FormatInt(total.Standard, 10) ||
					last[10] != strconv.FormatInt(total.Discount, 10) {
					t.Errorf("CSV total row %q", last)
				}
			})
		}

		t.Run("an estates manager's report covers their sites", func(t *testing.T) {
			var manager models.User
			must(t, e.store.DB.Where("email = ?", "estates@example.org").First(&manager).Error)
			var siteIDs []int64
			must(t, e.store.DB.Model(&models.SiteManager{}).Where("user_id = ?", manager.ID).Pluck("site_id", &siteIDs).Error)
			var want sums
			for _, b := range bookings {
				if slices.Contains(siteIDs, b.Space.SiteID) {
					want.Bookings++
					want.Standard += b.StandardPence
					want.Discount += b.DiscountPence
				}
			}
			r := e.get("/api/v1/reports/rent?"+period, asManager).rentReport()
			if got := (sums{r.Total.Bookings, r.Total.StandardPence, r.Total.ForegonePence}); got != want {
				t.Errorf("manager's total %+v, want %+v", got, want)
			}
		})
	})
}

// demoEnv is a server over the demo data, with API tokens for the demo
// admin (as asAdmin) and the first demo estates manager (as asManager).
func demoEnv(t *testing.T, db modelstest.Database) *env {
	t.Helper()
	ctx := context.Background()
	store := modelstest.Open(t, db)
	if _, err := seeds.LoadDemo(ctx, store, func(p string) (string, error) { return "hash:" + p, nil }); err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(Deps{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: strings.Repeat("s", 32), Clock: func() time.Time { return testClock }})
	must(t, err)
	e := &env{t: t, db: db, store: store, srv: srv, users: map[string]*models.User{}, tokens: map[string]string{}, cookies: map[string]string{}}
	for role, email := range map[string]string{asAdmin: "admin@example.org", asManager: "estates@example.org"} {
		var u models.User
		must(t, store.DB.Where("email = ?", email).First(&u).Error)
		tok := tokenPrefix + "demo" + role
		must(t, store.CreateToken(ctx, &models.APIToken{UserID: u.ID, Name: "test", Hash: hashAPIToken(tok), Prefix: tok[:9]}))
		e.users[role], e.tokens[role] = &u, tok
	}
	return e
}
