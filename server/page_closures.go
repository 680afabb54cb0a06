package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// closureForm is the form that closes a site or one of its spaces, as
// typed. Times are optional: without them a closure runs from the start of
// its first day to the end of its last.
type closureForm struct {
	Space            string // "" for the whole site
	From, To         dateParts
	FromTime, ToTime string
	Reason           string
}

// closuresPage is the closures of a site still to come and the form that
// adds one.
type closuresPage struct {
	Site     *models.Site
	Closures []models.ClosureView
	Form     closureForm
	Spaces   []booking.Option
}

// closureOrder is the order of the closure form's inputs.
var closureOrder = []string{"space", "from-day", "from-time", "to-day", "to-time", "reason"}

// closureFields say how the closure form names the API's fields.
var closureFields = formFields{
	id: func(field string) string {
		switch field {
		case "site_id", "space_id":
			return "space"
		case "starts_at":
			return "from-day"
		case "ends_at":
			return "to-day"
		}
		return field
	},
	words: map[string]string{"reason": "Enter the reason, like Bank holiday or Boiler repair"},
}

// siteClosuresPage lists a site's closures still to come, with the form
// that adds one.
func (s *Server) siteClosuresPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		site, err := s.managedSite(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderClosures(c, http.StatusOK, site, &view{}, closureForm{})
	}
}

func (s *Server) renderClosures(c *gin.Context, status int, site *models.Site, v *view, f closureForm) {
	ctx := c.Request.Context()
	p, err := s.closuresOf(ctx, site)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Form = f
	v.Title, v.Data = "Closures, "+site.Name, p
	v.Back = &link{Href: "/sites/" + itoa(site.ID), Text: site.Name}
	s.render(c, status, "closures", v)
}

// closuresOf gathers a site's closures still to come and its spaces.
func (s *Server) closuresOf(ctx context.Context, site *models.Site) (*closuresPage, error) {
	closures, _, err := s.store.Closures(ctx, models.ClosureFilter{SiteID: site.ID, From: models.Instant(s.now()), AllHidden: true}, models.Page{})
	if err != nil {
		return nil, err
	}
	spaces, _, err := s.store.Spaces(ctx, models.SpaceFilter{SiteID: site.ID, AllHidden: true}, models.Page{})
	if err != nil {
		return nil, err
	}
	p := &closuresPage{Site: site, Closures: closures, Spaces: []booking.Option{{Value: "", Label: "The whole building"}}}
	for _, sp := range spaces {
		p.Spaces = append(p.Spaces, booking.Option{Value: itoa(sp.ID), Label: sp.Name})
	}
	return p, nil
}

// closureSubmit closes a site or one of its spaces with the same function
// as the API, then shows the bookings it falls on.
func (s *Server) closureSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		site, err := s.managedSite(c)
		var form url.Values
		if err == nil {
			form, err = readForm(c)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
		f := closureForm{Space: get("space"), From: datePartsFrom(get, "from"), To: datePartsFrom(get, "to"),
			FromTime: get("from-time"), ToTime: get("to-time"), Reason: get("reason")}
		v := &view{}
		p, err := s.closuresOf(ctx, site)
		if err != nil {
			s.fail(c, err)
			return
		}
		if optionLabel(p.Spaces, f.Space) == f.Space && f.Space != "" {
			v.Errors.add("space", "Select what is closed: the whole building or one of its spaces")
		}
		in := f.input(&v.Errors, site.ID)
		status := http.StatusUnprocessableEntity
		if !v.Errors.any() {
			var cl *models.Closure
			cl, err = s.newClosure(ctx, currentPrincipal(c), in)
			var affected []models.AffectedBooking
			if err == nil {
				affected, err = s.store.CreateClosure(ctx, cl, s.now())
			}
			if err == nil {
				msg := "Closure added."
				if n := len(affected); n > 0 {
					msg += " It falls on " + plural(n, "booking") + ": contact the " + map[bool]string{true: "group.", false: "groups."}[n == 1]
				}
				s.redirect(c, "/manage/closures/"+itoa(cl.ID), msg)
				return
			}
			var ok bool
			if status, ok = v.Errors.addDomain(err, closureFields); !ok {
				s.fail(c, err)
				return
			}
		}
		v.Errors.inOrder(closureOrder...)
		s.renderClosures(c, status, site, v, f)
	}
}

// input reads the form into the API's input for a closure of the site or
// one of its spaces.
func (f closureForm) input(errs *formErrors, siteID int64) closureInput {
	in := closureInput{Reason: f.Reason}
	if f.Reason == "" {
		errs.add("reason", closureFields.words["reason"])
	}
	if f.Space == "" {
		in.SiteID = &siteID
	} else if id, err := strconv.ParseInt(f.Space, 10, 64); err == nil {
		in.SpaceID = &id
	}
	from, hasFrom := formDate(errs, "from", f.From, "the first day", true)
	to, hasTo := formDate(errs, "to", f.To, "the last day", false)
	if !hasTo && f.To.empty() {
		to, hasTo = from, hasFrom
	}
	start, end := booking.Clock(0), booking.Clock(24*60)
	if f.FromTime != "" {
		start, _ = formClock(errs, "from-time", f.FromTime, "the time it closes", false)
	}
	if f.ToTime != "" {
		var ok bool
		if end, ok = formClock(errs, "to-time", f.ToTime, "the time it opens again", false); ok && end == 0 {
			end = 24 * 60
		}
	}
	if !hasFrom || !hasTo || errs.any() {
		return in
	}
	startsAt, err1 := booking.At(from, start, booking.London)
	endsAt, err2 := booking.At(to, end, booking.London)
	if err1 != nil {
		errs.add("from-time", "That time does not exist on that day: the clocks go forward")
	}
	if err2 != nil {
		errs.add("to-time", "That time does not exist on that day: the clocks go forward")
	}
	in.StartsAt, in.EndsAt = startsAt.UTC().Format(time.RFC3339), endsAt.UTC().Format(time.RFC3339)
	return in
}

// closurePageData is a closure with the bookings it falls on, so the
// estates team can contact the groups.
type closurePageData struct {
	Closure  *models.ClosureView
	Affected []models.AffectedBooking
}

// managedClosure loads the closure in the URL for one of its site's
// managers; closures of hidden spaces do not exist for anyone else.
func (s *Server) managedClosure(c *gin.Context) (*models.ClosureView, error) {
	cl, err := s.visibleClosure(c)
	if err != nil {
		return nil, err
	}
	if !currentPrincipal(c).managesSite(cl.InSiteID) {
		return nil, newForbidden("Only this site's estates managers can see the bookings its closures fall on.")
	}
	return cl, nil
}

// closurePage shows a closure and the active bookings it falls on.
func (s *Server) closurePage() gin.HandlerFunc {
	return func(c *gin.Context) {
		cl, err := s.managedClosure(c)
		var affected []models.AffectedBooking
		if err == nil {
			affected, err = s.store.ClosureBookings(c.Request.Context(), &cl.Closure, s.now())
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.render(c, http.StatusOK, "closure", &view{
			Title: "Closure: " + cl.Reason, Back: &link{Href: "/manage/sites/" + itoa(cl.InSiteID) + "/closures", Text: "Closures"},
			Data: closurePageData{Closure: cl, Affected: affected},
		})
	}
}

// closureDeleteSubmit removes a closure with the same function as the API.
func (s *Server) closureDeleteSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		cl, err := s.deleteClosure(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.redirect(c, "/manage/sites/"+itoa(cl.InSiteID)+"/closures", "Closure removed: "+cl.Reason+".")
	}
}
