package server

import (
	"net/http"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

func newSitePage(f siteForm) siteFormPage {
	return siteFormPage{Heading: "Add a site", Action: "/manage/sites/new", Submit: "Add site", Cancel: "/sites", Form: f}
}

// siteNewPage is the form a platform admin adds a site with.
func (s *Server) siteNewPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := s.siteFormPageFor(c.Request.Context(), currentPrincipal(c), newSitePage(siteFormOf(&models.Site{})))
		if err != nil {
			s.fail(c, err)
			return
		}
		s.render(c, http.StatusOK, "site-form", &view{Title: p.Heading, Back: &link{Href: "/sites", Text: "Back"}, Data: p})
	}
}

func (s *Server) siteNewSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		s.saveSiteForm(c, &models.Site{}, newSitePage)
	}
}

// saveSiteForm saves the posted site form over base (a new site when its
// id is 0) with the same function as the API, then shows the site, or the
// form again with what is wrong.
func (s *Server) saveSiteForm(c *gin.Context, base *models.Site, page func(siteForm) siteFormPage) {
	id := base.ID
	form, err := readForm(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	who := currentPrincipal(c)
	f := siteFormFrom(form)
	v := &view{}
	in := f.input(&v.Errors, who.isAdmin())
	var site *models.Site
	if v.Errors.any() {
		// Add the domain's own checks of the fields that could be read, so
		// one answer lists everything to fix.
		var p booking.Problems
		copied := *base
		applySite(&copied, in, &p)
		v.Errors.addDomain(p.Err(), siteFields)
	} else {
		site, err = s.saveSite(c.Request.Context(), who, id, in)
		if err == nil {
			msg := "Site details saved."
			if id == 0 {
				msg = site.Name + " has been added."
			}
			s.redirect(c, "/sites/"+itoa(site.ID), msg)
			return
		}
	}
	status := http.StatusUnprocessableEntity
	if err != nil {
		var ok bool
		if status, ok = v.Errors.addDomain(err, siteFields); !ok {
			s.fail(c, err)
			return
		}
	}
	v.Errors.inOrder(siteOrder...)
	p, err := s.siteFormPageFor(c.Request.Context(), who, page(f))
	if err != nil {
		s.fail(c, err)
		return
	}
	v.Title, v.Data = p.Heading, p
	v.Back = &link{Href: p.Cancel, Text: "Back"}
	s.render(c, status, "site-form", v)
}
