package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

const organisationsPerPage = 50

// manageOrganisationsData is one page of organisations in one verification
// state, with links to the other states.
type manageOrganisationsData struct {
	State      string
	StateLabel string
	Filters    []stateFilter
	Orgs       []models.Organisation
	Total      int64
	Prev, Next string
}

// stateFilter is a link to the organisations in one verification state.
type stateFilter struct {
	Href, Text string
	Count      int64
	Current    bool
}

// manageOrganisationsPage lists organisations for the estate's staff,
// those awaiting verification first.
func (s *Server) manageOrganisationsPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		state := c.DefaultQuery("verification", booking.Unverified)
		if state != "all" && !booking.ValidVerificationState(state) {
			state = booking.Unverified
		}
		d := manageOrganisationsData{State: state}
		states := []booking.Option{
			{Value: booking.Unverified, Label: "Awaiting verification"},
			{Value: booking.Suspended, Label: "Suspended"},
			{Value: booking.Verified, Label: "Verified"},
			{Value: "all", Label: "All"},
		}
		for _, st := range states {
			f := models.OrganisationFilter{Verification: st.Value}
			if st.Value == "all" {
				f.Verification = ""
			}
			_, n, err := s.store.Organisations(ctx, f, models.Page{Number: 1, PerPage: 1})
			if err != nil {
				s.fail(c, err)
				return
			}
			d.Filters = append(d.Filters, stateFilter{
				Href: "/manage/organisations?verification=" + st.Value, Text: st.Label, Count: n, Current: st.Value == state,
			})
			if st.Value == state {
				d.StateLabel = st.Label
			}
		}
		page := pageNumber(c)
		f := models.OrganisationFilter{Verification: state}
		if state == "all" {
			f.Verification = ""
		}
		orgs, total, err := s.store.Organisations(ctx, f, models.Page{Number: page, PerPage: organisationsPerPage})
		if err != nil {
			s.fail(c, err)
			return
		}
		d.Orgs, d.Total = orgs, total
		pageURL := func(n int) string {
			return "/manage/organisations?" + url.Values{"verification": {state}, "page": {strconv.Itoa(n)}}.Encode()
		}
		if page > 1 {
			d.Prev = pageURL(page - 1)
		}
		if int64(page*organisationsPerPage) < total {
			d.Next = pageURL(page + 1)
		}
		s.render(c, http.StatusOK, "manage-organisations", &view{Title: "Organisations", Data: d})
	}
}
