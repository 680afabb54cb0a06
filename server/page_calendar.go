package server

import (
	"bytes"
	"html/template"
	"net/http"
	"time"

	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/server/calendar"
	"github.com/gin-gonic/gin"
)

// subscribeView is what the calendar-subscribe partial shows of a feed.
type subscribeView struct {
	ID      string // the heading's id, and the prefix of the section's other ids
	Heading string
	Intro   string
	HTTPS   string
	// Webcal is marked safe because html/template writes "#ZgotmplZ" for
	// any scheme but http, https and mailto.
	Webcal template.URL
	Public bool // the feed shows bookings as booked time only
}

// subscribeTo is the subscribe section of the feed at path.
func (s *Server) subscribeTo(path, heading, intro string, public bool) *subscribeView {
	links := s.subscribeLinks(path)
	return &subscribeView{ID: "calendar", Heading: heading, Intro: intro, HTTPS: links.HTTPS,
		Webcal: template.URL(links.Webcal), Public: public}
}

// calendarControls are the forms that make, replace and turn off a private
// calendar link.
type calendarControls struct {
	Action string     // where the forms post
	Since  *time.Time // when the link on now was made; nil when none is on
	Shown  bool       // the page shows the link on now, just made
}

// orgCalendarView is an organisation's calendar section: the link's forms
// for its admins, a pointer to them for its other members.
type orgCalendarView struct {
	CanManage bool
	Controls  calendarControls
}

// orgCalendarAction is where an organisation's calendar link forms post.
func orgCalendarAction(orgID int64) string {
	return "/organisations/" + itoa(orgID) + "/calendar-link"
}

// orgCalendar is the calendar section of an organisation's page for the
// viewer: nil for the estate's staff who are not members.
func (s *Server) orgCalendar(c *gin.Context, orgID int64) (*orgCalendarView, error) {
	who := currentPrincipal(c)
	if who.orgRole(orgID) == "" {
		return nil, nil
	}
	v := &orgCalendarView{CanManage: who.isOrgAdmin(orgID), Controls: calendarControls{Action: orgCalendarAction(orgID)}}
	if v.CanManage {
		since, err := s.store.CalendarTokenCreated(c.Request.Context(), models.CalendarOwner{OrganisationID: orgID})
		if err != nil {
			return nil, err
		}
		v.Controls.Since = since
	}
	return v, nil
}

// calendarLinkPage shows a new private calendar link, the only time it is
// shown.
type calendarLinkPage struct {
	Caption   string
	Subscribe *subscribeView
	Controls  calendarControls
}

// renderCalendarLink answers a form that made a private calendar link with
// the link itself. It is a page, not a redirect, as only the link's hash is
// kept; no cache may keep the page either.
func (s *Server) renderCalendarLink(c *gin.Context, path string, d calendarLinkPage, back *link) {
	d.Subscribe = s.subscribeTo(path, "Subscribe to your calendar", "", false)
	now := s.now()
	d.Controls.Since, d.Controls.Shown = &now, true
	s.render(c, http.StatusOK, "calendar-link", &view{Title: "Your private calendar link", Back: back, Data: d, NoStore: true})
}

// orgCalendarLinkSubmit makes a new private calendar link for the
// organisation, retiring the old one, and shows it once. Only the
// organisation's admins may.
func (s *Server) orgCalendarLinkSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		owner, err := orgCalendarOwner(c)
		var org *models.Organisation
		if err == nil {
			org, err = s.store.OrganisationByID(ctx, owner.OrganisationID)
		}
		var path string
		if err == nil {
			path, err = s.newCalendarToken(ctx, owner, currentPrincipal(c).User.ID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderCalendarLink(c, path, calendarLinkPage{Caption: org.Name, Controls: calendarControls{Action: orgCalendarAction(org.ID)}},
			&link{Href: "/organisations/" + itoa(org.ID), Text: "Back to " + org.Name})
	}
}

// orgCalendarLinkDeleteSubmit turns the organisation's private calendar
// link off.
func (s *Server) orgCalendarLinkDeleteSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		owner, err := orgCalendarOwner(c)
		had := false
		if err == nil {
			had, err = s.store.RevokeCalendarToken(c.Request.Context(), owner)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.redirect(c, "/organisations/"+itoa(owner.OrganisationID), linkOffMessage(had))
	}
}

func linkOffMessage(had bool) string {
	if had {
		return "The private calendar link has been turned off. Calendars that use it will stop updating."
	}
	return "There was no private calendar link to turn off."
}

// managerCalendarData is the estates manager's calendar page.
type managerCalendarData struct {
	AllSites bool // an admin's calendar lists every site
	Controls calendarControls
}

// managerCalendarPage tells an estates manager or admin about their
// private calendar of the bookings at their sites, and makes, replaces or
// turns off its link.
func (s *Server) managerCalendarPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		who := currentPrincipal(c)
		since, err := s.store.CalendarTokenCreated(c.Request.Context(), models.CalendarOwner{UserID: who.User.ID})
		if err != nil {
			s.fail(c, err)
			return
		}
		s.render(c, http.StatusOK, "manage-calendar", &view{
			Title: "Your calendar of bookings",
			Data:  managerCalendarData{AllSites: who.isAdmin(), Controls: calendarControls{Action: "/manage/calendar", Since: since}},
		})
	}
}

// managerCalendarLinkSubmit makes the account a new private calendar link,
// retiring the old one, and shows it once.
func (s *Server) managerCalendarLinkSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		owner, err := ownCalendarOwner(c)
		var path string
		if err == nil {
			path, err = s.newCalendarToken(c.Request.Context(), owner, owner.UserID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderCalendarLink(c, path, calendarLinkPage{Controls: calendarControls{Action: "/manage/calendar"}},
			&link{Href: "/manage/calendar", Text: "Back to your calendar of bookings"})
	}
}

// managerCalendarLinkDeleteSubmit turns the account's private calendar
// link off.
func (s *Server) managerCalendarLinkDeleteSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		owner, err := ownCalendarOwner(c)
		had := false
		if err == nil {
			had, err = s.store.RevokeCalendarToken(c.Request.Context(), owner)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.redirect(c, "/manage/calendar", linkOffMessage(had))
	}
}

// bookingCalendarFile downloads a booking as a one-event calendar file, in
// full as the private feeds show it, for whoever may see the booking. Its
// UID is the feeds' so a calendar that has both keeps one event.
func (s *Server) bookingCalendarFile() gin.HandlerFunc {
	return func(c *gin.Context) {
		b, err := s.loadBooking(c)
		var site *models.Site
		if err == nil {
			// The booking is read with its site's name only; the event's
			// location has the address too, as in the feeds.
			site, err = s.store.SiteByID(c.Request.Context(), b.Space.SiteID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		e := models.BookingFeedEntry(b, site, s.now())
		// The organisation knows who booked; a site's manager reads it in
		// the title, as in their feed.
		ev := s.privateEvent(currentPrincipal(c).orgRole(b.OrganisationID) == "")(&e)
		var body bytes.Buffer
		err = calendar.Write(&body, &calendar.Feed{
			Name: e.SpaceName + ", " + e.SiteName, URL: s.absURL("/bookings/" + itoa(b.ID)), Events: []calendar.Event{ev},
		})
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="booking-`+itoa(b.ID)+`.ics"`)
		c.Header("Cache-Control", "private, no-store")
		c.Data(http.StatusOK, calendar.ContentType, body.Bytes())
	}
}
