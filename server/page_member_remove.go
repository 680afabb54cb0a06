package server

import (
	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// memberRemoveSubmit takes someone out of the organisation; members may
// also leave it themselves.
func (s *Server) memberRemoveSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		o, err := s.organisationFor(c)
		var userID int64
		if err == nil {
			userID, err = pathID(c, "user_id")
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		who := currentPrincipal(c)
		name := "They"
		for _, m := range o.Members {
			if m.UserID == userID && m.User != nil {
				name = m.User.Name
			}
		}
		if err := s.removeMember(c.Request.Context(), who, o.ID, userID); err != nil {
			v := &view{}
			status, ok := v.Errors.addDomain(err, formFields{id: memberFields.id})
			if !ok {
				s.fail(c, err)
				return
			}
			s.renderOrganisation(c, status, o, v, addMemberRequest{Role: booking.OrgBooker})
			return
		}
		if userID == who.User.ID {
			s.redirect(c, "/organisations", "You have left "+o.Name+".")
			return
		}
		s.redirect(c, "/organisations/"+itoa(o.ID), name+" has been removed from this organisation.")
	}
}
