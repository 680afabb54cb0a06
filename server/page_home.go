package server

import (
	"net/http"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// homePageData says which next steps the home page offers.
type homePageData struct {
	Staff, Member bool
	// LinkWorker offers the sessions that need a referral.
	LinkWorker bool
}

// homePage says what the service is for and where to start.
func (s *Server) homePage() gin.HandlerFunc {
	return func(c *gin.Context) {
		who := currentPrincipal(c)
		d := homePageData{Staff: who.isStaff(), Member: who != nil && len(who.Access.OrgRoles) > 0,
			LinkWorker: who != nil && who.User.Role == booking.RoleLinkWorker}
		s.render(c, http.StatusOK, "home", &view{Data: d})
	}
}
