package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestRentReportPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.rentReportFixture()

		t.Run("shows the last twelve months at the manager's sites as charts and a table", func(t *testing.T) {
			r := e.getPage("/manage/reports/rent", asManager).wantStatus(http.StatusOK)
			r.wantBody(
				`<h2 class="nhsuk-heading-m" id="summary">From 1 December 2025 to 30 November 2026, all your sites</h2>`,
				`id="from-day" name="from-day" type="text" inputmode="numeric" value="1"`,
				`id="to-day" name="to-day" type="text" inputmode="numeric" value="30"`,
				// The charts are images named and described in words.
				`role="img" aria-labelledby="foregone-title foregone-desc"`,
				`<title id="foregone-title">Rent foregone by month</title>`,
				`<desc id="foregone-desc">Rent foregone in each month from 1 December 2025 to 30 November 2026: the most was £20.00, in November 2026, and the total £20.00.`,
				`role="img" aria-labelledby="hours-title hours-desc"`,
				`the most was 2 hours, in November 2026`,
				// Site A's one confirmed booking: two hours at £20, half off.
				`<th class="nhsuk-table__header" scope="row">November 2026</th>
        <td class="nhsuk-table__cell nhsuk-table__cell--numeric">1</td>
        <td class="nhsuk-table__cell nhsuk-table__cell--numeric">2</td>
        <td class="nhsuk-table__cell nhsuk-table__cell--numeric">£40.00</td>
        <td class="nhsuk-table__cell nhsuk-table__cell--numeric">£20.00</td>
        <td class="nhsuk-table__cell nhsuk-table__cell--numeric">£20.00</td>`,
				`<th class="nhsuk-table__header" scope="row">December 2025</th>`,
				`/api/v1/reports/rent.csv?from=2025-12-01&amp;group_by=month&amp;to=2026-12-01`,
				`/api/v1/reports/rent.csv?from=2025-12-01&amp;group_by=organisation_type&amp;to=2026-12-01`,
			).wantNoBody("Station Road Surgery</option>", "There is a problem")
			if n := strings.Count(r.Body.String(), `scope="row"`); n != 13 {
				t.Errorf("%d table rows, want 12 months and the total", n)
			}
		})

		t.Run("admins see every site, and may choose one", func(t *testing.T) {
			e.getPage("/manage/reports/rent?from=2026-11-01&to=2026-12-31", asAdmin).wantStatus(http.StatusOK).
				wantBody("From 1 November 2026 to 31 December 2026, all sites", "£90.00", "Station Road Surgery</option>")
			e.getPage(fmt.Sprintf("/manage/reports/rent?from-day=1&from-month=11&from-year=2026&to-day=31&to-month=12&to-year=2026&site=%d", e.siteB.ID), asAdmin).
				wantStatus(http.StatusOK).
				wantBody("From 1 November 2026 to 31 December 2026, Station Road Surgery", "£30.00",
					fmt.Sprintf("group_by=site&amp;site=%d&amp;to=2027-01-01", e.siteB.ID))
		})

		t.Run("the home page leads the estate's staff to it", func(t *testing.T) {
			e.getPage("/", asManager).wantBody(`href="/manage/reports/rent"`)
			e.getPage("/", asBooker).wantNoBody(`href="/manage/reports/rent"`)
			e.getPage(fmt.Sprintf("/sites/%d", e.siteA.ID), asManager).wantBody(fmt.Sprintf(`href="/manage/reports/rent?site=%d"`, e.siteA.ID))
		})

		t.Run("a period with no bookings says so", func(t *testing.T) {
			e.getPage("/manage/reports/rent?from=2024-01-01&to=2024-12-31", asManager).wantStatus(http.StatusOK).
				wantBody("No confirmed booking starts in this period").wantNoBody(`role="img"`)
		})

		t.Run("problems with the filter are listed in the error summary", func(t *testing.T) {
			for _, c := range []struct{ query, id, message string }{
				{"from-day=31&from-month=2&from-year=2026", "from-day", "Start date must be a real date"},
				{"from-day=1&from-month=2", "from-day", "Start date must include a year"},
				{"to-day=1&to-month=1&to-year=1999", "to-day", "End date must be a real date"},
				{"from=2026-06-01&to=2026-05-31", "to-day", "The end date must be the same as or after the start date"},
				{"from=2001-01-01&to=2026-01-01", "to-day", "The report can cover at most 10 years"},
				{"from=2200-06-01&to=2200-12-31", "to-day", "End date must be between 2000 and 2200"},
				{"site=abc", "site", "Select a site from the list"},
				{fmt.Sprintf("site=%d", e.siteB.ID), "site", "Select a site from the list"},
				{"site=1.5", "site", "Select a site from the list"},
			} {
				r := e.getPage("/manage/reports/rent?"+c.query, asManager)
				if r.Code != http.StatusUnprocessableEntity {
					t.Fatalf("%s: status %d, want 422", c.query, r.Code)
				}
				r.wantBody("There is a problem", `<a href="#`+c.id+`">`+c.message).wantNoBody(`role="img"`)
			}
		})
	})
}
