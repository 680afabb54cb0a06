package server

import (
	"net/http"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// managedSpace loads the space in the URL for someone who may change it.
// Hidden spaces do not exist for anyone else, as in the API.
func (s *Server) managedSpace(c *gin.Context) (*models.Space, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	sp, err := s.store.SpaceByID(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if who := currentPrincipal(c); !who.managesSite(sp.SiteID) {
		if sp.Visibility != "public" {
			return nil, booking.ErrNotFound
		}
		return nil, newForbidden("Only this site's estates managers can change its spaces.")
	}
	return sp, nil
}

func editSpacePage(sp *models.Space, f spaceForm) spaceFormPage {
	p := newSpaceFormPage(f)
	p.Heading, p.Submit = "Edit space details", "Save space details"
	if sp.Site != nil {
		p.Caption = sp.Site.Name
	}
	p.Action = "/manage/spaces/" + itoa(sp.ID) + "/edit"
	p.Cancel = "/spaces/" + itoa(sp.ID)
	return p
}

// spaceEditPage is the form a site's estates managers change a space with.
func (s *Server) spaceEditPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		sp, err := s.managedSpace(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		p := editSpacePage(sp, spaceFormOf(sp))
		s.render(c, http.StatusOK, "space-form", &view{Title: p.Heading, Back: &link{Href: p.Cancel, Text: "Back"}, Data: p})
	}
}

func (s *Server) spaceEditSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		sp, err := s.managedSpace(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.saveSpaceForm(c, sp.SiteID, sp.ID, *sp, func(f spaceForm) spaceFormPage { return editSpacePage(sp, f) })
	}
}
