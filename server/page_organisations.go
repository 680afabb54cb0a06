package server

import (
	"net/http"

	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// organisationsPage lists the organisations the account belongs to.
func (s *Server) organisationsPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		who := currentPrincipal(c)
		ms, err := s.store.MembershipsOf(c.Request.Context(), who.User.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		title := "Your organisations"
		if len(ms) == 1 {
			title = "Your organisation"
		}
		s.render(c, http.StatusOK, "organisations", &view{Title: title, Data: struct {
			Memberships []models.Membership
			Staff       bool
		}{ms, who.isStaff()}})
	}
}
