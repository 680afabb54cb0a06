package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

const sitesPerPage = 20

// sitesPageData is the list of sites, one page of it.
type sitesPageData struct {
	Query      string
	Rows       []siteRow
	Total      int64
	Page       int
	Prev, Next string
	CanAdd     bool
}

// siteRow is a site in the list with how many spaces the visitor can see.
type siteRow struct {
	Site   models.Site
	Spaces int
}

// visibleSpaces is the filter that shows hidden spaces only to their
// sites' managers, the same rule as the API's.
func visibleSpaces(who *principal) models.SpaceFilter {
	if who.isAdmin() {
		return models.SpaceFilter{AllHidden: true}
	}
	return models.SpaceFilter{VisibleSites: who.managedSiteIDs()}
}

// pageNumber reads the page query parameter; anything odd is page 1.
func pageNumber(c *gin.Context) int {
	n, err := strconv.Atoi(c.Query("page"))
	if err != nil || n < 1 || n > 1_000_000 {
		return 1
	}
	return n
}

func (s *Server) sitesPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		who := currentPrincipal(c)
		q := strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(c.Query("q"), ""), "\x00", ""))
		if len([]rune(q)) > maxShortTextLength {
			q = string([]rune(q)[:maxShortTextLength])
		}
		d := sitesPageData{Query: q, Page: pageNumber(c), CanAdd: who.isAdmin()}
		sites, total, err := s.store.Sites(ctx, models.SiteFilter{Query: q}, models.Page{Number: d.Page, PerPage: sitesPerPage})
		if err != nil {
			s.fail(c, err)
			return
		}
		spaces, _, err := s.store.Spaces(ctx, visibleSpaces(who), models.Page{})
		if err != nil {
			s.fail(c, err)
			return
		}
		count := map[int64]int{}
		for _, sp := range spaces {
			count[sp.SiteID]++
		}
		d.Total = total
		for _, site := range sites {
			d.Rows = append(d.Rows, siteRow{Site: site, Spaces: count[site.ID]})
		}
		pageURL := func(n int) string {
			v := url.Values{}
			if q != "" {
				v.Set("q", q)
			}
			v.Set("page", strconv.Itoa(n))
			return "/sites?" + v.Encode()
		}
		if d.Page > 1 {
			d.Prev = pageURL(d.Page - 1)
		}
		if int64(d.Page*sitesPerPage) < total {
			d.Next = pageURL(d.Page + 1)
		}
		s.render(c, http.StatusOK, "sites", &view{Title: "Buildings", Data: d})
	}
}
