package server

import (
	"net/http"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// maxRequestsShown bounds the sessions the requests page reads at once;
// the oldest requests come first, and deciding them brings up the rest.
const maxRequestsShown = 500

// requestItem is a booking waiting for approval, or the sessions of a
// series waiting together, with the forms that decide them.
type requestItem struct {
	Key      string // names the decline reason's input: b12, or s3 for a series
	Bookings []models.Booking
	SeriesID int64
	Approve  string // where the forms post
	Decline  string
	Reason   string // as typed, when the form comes back with a problem
}

// First is the earliest session of the request.
func (r requestItem) First() *models.Booking { return &r.Bookings[0] }

// Last is the latest session of the request.
func (r requestItem) Last() *models.Booking { return &r.Bookings[len(r.Bookings)-1] }

// requestsPageData is the requests waiting at the account's sites.
type requestsPageData struct {
	Items []requestItem
	Total int64
	More  bool
}

// requestsPage lists the bookings waiting for approval at the sites the
// account manages (every site, for admins), the soonest first, a series'
// sessions together.
func (s *Server) requestsPage() gin.HandlerFunc {
	return func(c *gin.Context) { s.renderRequests(c, http.StatusOK, &view{}, nil) }
}

// renderRequests shows the requests page with v's problems and decline
// reasons as typed, by the key of their request.
func (s *Server) renderRequests(c *gin.Context, status int, v *view, typed map[string]string) {
	who, now := currentPrincipal(c), s.now()
	f := models.BookingFilter{State: booking.Requested, From: &now, Now: now, SiteIDs: who.managedSiteIDs(), All: who.isAdmin()}
	sortIDs(f.SiteIDs)
	bs, total, err := s.store.Bookings(c.Request.Context(), f, models.Page{Number: 1, PerPage: maxRequestsShown})
	if err != nil {
		s.fail(c, err)
		return
	}
	d := requestsPageData{Total: total, More: total > int64(len(bs))}
	series := map[int64]int{}
	for _, b := range bs {
		if b.SeriesID != nil {
			if i, ok := series[*b.SeriesID]; ok {
				d.Items[i].Bookings = append(d.Items[i].Bookings, b)
				continue
			}
			series[*b.SeriesID] = len(d.Items)
			id := itoa(*b.SeriesID)
			d.Items = append(d.Items, requestItem{Key: "s" + id, SeriesID: *b.SeriesID, Bookings: []models.Booking{b},
				Approve: "/manage/series/" + id + "/approve", Decline: "/manage/series/" + id + "/decline"})
			continue
		}
		id := itoa(b.ID)
		d.Items = append(d.Items, requestItem{Key: "b" + id, Bookings: []models.Booking{b},
			Approve: "/manage/bookings/" + id + "/approve", Decline: "/manage/bookings/" + id + "/decline"})
	}
	for i := range d.Items {
		d.Items[i].Reason = typed[d.Items[i].Key]
	}
	v.Title, v.Data = "Requests waiting for approval", d
	s.render(c, status, "manage-requests", v)
}
