package server

import (
	"net/http"

	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// spacePageData is one space with its site.
type spacePageData struct {
	Space    *models.Space
	Features []string
	Manages  bool
}

// spacePage shows a space; hidden spaces exist only for their site's
// managers, as in the API.
func (s *Server) spacePage() gin.HandlerFunc {
	return func(c *gin.Context) {
		sp, err := s.visibleSpace(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		d := spacePageData{Space: sp, Features: toSpaceJSON(sp).Features, Manages: currentPrincipal(c).managesSite(sp.SiteID)}
		siteName := ""
		if sp.Site != nil {
			siteName = sp.Site.Name
		}
		s.render(c, http.StatusOK, "space", &view{
			Title: sp.Name + ", " + siteName,
			Back:  &link{Href: "/sites/" + itoa(sp.SiteID), Text: "Back to " + siteName},
			Data:  d,
		})
	}
}
