package server

import (
	"net/http"

	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

func newSpacePage(site *models.Site, f spaceForm) spaceFormPage {
	p := newSpaceFormPage(f)
	p.Heading, p.Caption, p.Submit = "Add a space", site.Name, "Add space"
	p.Action = "/manage/sites/" + itoa(site.ID) + "/spaces/new"
	p.Cancel = "/sites/" + itoa(site.ID)
	return p
}

// spaceNewPage is the form a site's estates managers add a space with.
func (s *Server) spaceNewPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		site, err := s.managedSite(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		p := newSpacePage(site, spaceFormOf(newSpaceDefaults(site.ID)))
		s.render(c, http.StatusOK, "space-form", &view{Title: p.Heading, Back: &link{Href: p.Cancel, Text: "Back"}, Data: p})
	}
}

func (s *Server) spaceNewSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		site, err := s.managedSite(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.saveSpaceForm(c, site.ID, 0, *newSpaceDefaults(site.ID), func(f spaceForm) spaceFormPage { return newSpacePage(site, f) })
	}
}

// saveSpaceForm saves the posted space form with the same function as the
// API, then shows the space, or the form again with what is wrong.
func (s *Server) saveSpaceForm(c *gin.Context, siteID, id int64, base models.Space, page func(spaceForm) spaceFormPage) {
	form, err := readForm(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := spaceFormFrom(form)
	p := page(f)
	v := &view{Title: p.Heading, Back: &link{Href: p.Cancel, Text: "Back"}, Data: p}
	in := f.input(&v.Errors)
	status := http.StatusUnprocessableEntity
	if v.Errors.any() {
		checkSpaceForm(&v.Errors, base, in)
	} else {
		sp, err := s.saveSpace(c.Request.Context(), currentPrincipal(c), siteID, id, in)
		if err == nil {
			msg := "Space details saved."
			if id == 0 {
				msg = sp.Name + " has been added."
			}
			s.redirect(c, "/spaces/"+itoa(sp.ID), msg)
			return
		}
		var ok bool
		if status, ok = v.Errors.addDomain(err, spaceFields); !ok {
			s.fail(c, err)
			return
		}
	}
	v.Errors.inOrder(spaceOrder...)
	s.render(c, status, "space-form", v)
}
