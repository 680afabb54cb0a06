package server

import (
	"net/http"

	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// managedSite loads the site in the URL for someone who may change it.
func (s *Server) managedSite(c *gin.Context) (*models.Site, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	site, err := s.store.SiteByID(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if !currentPrincipal(c).managesSite(site.ID) {
		return nil, newForbidden("Only this site's estates managers can change it.")
	}
	return site, nil
}

func editSitePage(site *models.Site) func(siteForm) siteFormPage {
	return func(f siteForm) siteFormPage {
		return siteFormPage{
			Heading: "Edit site details", Caption: site.Name, Action: "/manage/sites/" + itoa(site.ID) + "/edit",
			Submit: "Save site details", Cancel: "/sites/" + itoa(site.ID), Form: f,
		}
	}
}

// siteEditPage is the form a site's estates managers change it with.
func (s *Server) siteEditPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		site, err := s.managedSite(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		p, err := s.siteFormPageFor(c.Request.Context(), currentPrincipal(c), editSitePage(site)(siteFormOf(site)))
		if err != nil {
			s.fail(c, err)
			return
		}
		s.render(c, http.StatusOK, "site-form", &view{Title: p.Heading, Back: &link{Href: p.Cancel, Text: "Back"}, Data: p})
	}
}

func (s *Server) siteEditSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		site, err := s.managedSite(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.saveSiteForm(c, site, editSitePage(site))
	}
}
