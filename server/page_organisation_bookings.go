package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

const bookingsPerPage = 50

// orgBookingsData is one page of an organisation's upcoming or past
// bookings.
type orgBookingsData struct {
	Org        *models.Organisation
	Past       bool
	Filters    []stateFilter
	Rows       []occurrenceRow
	Total      int64
	Prev, Next string
	Member     bool
}

// organisationBookingsPage lists an organisation's bookings, upcoming
// (the soonest first) or past (the latest first), each with its state and
// a way to cancel it. Members see all of them; estates managers see those
// at their sites, as in the API.
func (s *Server) organisationBookingsPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		o, err := s.organisationFor(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		who, now := currentPrincipal(c), s.now()
		past := c.Query("when") == "past"
		f := models.BookingFilter{OrganisationID: o.ID, Now: now, All: who.isAdmin()}
		if who.orgRole(o.ID) != "" {
			f.OrganisationIDs = []int64{o.ID}
		}
		f.SiteIDs = who.managedSiteIDs()
		sortIDs(f.SiteIDs)
		if past {
			f.EndedBy, f.Latest = &now, true
		} else {
			f.From = &now
		}
		page := pageNumber(c)
		bs, total, err := s.store.Bookings(c.Request.Context(), f, models.Page{Number: page, PerPage: bookingsPerPage})
		if err != nil {
			s.fail(c, err)
			return
		}
		path := "/organisations/" + itoa(o.ID) + "/bookings"
		d := orgBookingsData{Org: o, Past: past, Total: total, Member: who.orgRole(o.ID) != "", Filters: []stateFilter{
			{Href: path, Text: "Upcoming", Current: !past},
			{Href: path + "?when=past", Text: "Past", Current: past},
		}}
		for i := range bs {
			b := &bs[i]
			d.Rows = append(d.Rows, occurrenceRow{Booking: b, State: stateAt(b, now), CanCancel: active(b, now)})
		}
		pageURL := func(n int) string {
			v := url.Values{"page": {strconv.Itoa(n)}}
			if past {
				v.Set("when", "past")
			}
			return path + "?" + v.Encode()
		}
		if page > 1 {
			d.Prev = pageURL(page - 1)
		}
		if int64(page*bookingsPerPage) < total {
			d.Next = pageURL(page + 1)
		}
		s.render(c, http.StatusOK, "organisation-bookings", &view{
			Title: "Bookings of " + o.Name, Back: &link{Href: "/organisations/" + itoa(o.ID), Text: o.Name}, Data: d,
		})
	}
}
