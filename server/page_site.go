package server

import (
	"net/http"

	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// sitePageData is one site with the spaces the visitor can see.
type sitePageData struct {
	Site    *models.Site
	Spaces  []models.Space
	Manages bool
	Hours   []string // when its spaces can be booked, a line a day
	// Subscribe offers the public calendar of the site's public spaces.
	Subscribe *subscribeView
}

func (s *Server) sitePage() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id, err := pathID(c, "id")
		var site *models.Site
		if err == nil {
			site, err = s.store.SiteByID(ctx, id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		who := currentPrincipal(c)
		f := visibleSpaces(who)
		f.SiteID = site.ID
		spaces, _, err := s.store.Spaces(ctx, f, models.Page{})
		if err != nil {
			s.fail(c, err)
			return
		}
		windows, err := s.store.SiteOpeningWindows(ctx, site.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.render(c, http.StatusOK, "site", &view{
			Title: site.Name,
			Back:  &link{Href: "/sites", Text: "All buildings"},
			Data: sitePageData{Site: site, Spaces: spaces, Manages: who.managesSite(site.ID), Hours: hoursLines(windows),
				Subscribe: s.subscribeTo("/calendars/sites/"+itoa(site.ID)+".ics", "Subscribe to this calendar",
					"See when the spaces at "+site.Name+" are booked in your calendar app.", true)},
		})
	}
}
