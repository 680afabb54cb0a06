package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/server/calendar"
	"github.com/gin-gonic/gin"
)

// Calendar feeds: public ones for a space or a site, which show bookings as
// "Booked" (or as the session a group published) and never who booked;
// public ones of published sessions, for one listing, a category or a
// site, which show what the group published; private ones behind a token
// for an organisation's bookings and for an estates manager's sites.
const (
	// feedDaysBack and feedMonthsAhead bound the occurrences a feed lists.
	feedDaysBack    = 30
	feedMonthsAhead = 13
	// feedMaxAge lets clients and caches keep a feed for a few minutes.
	feedMaxAge = 5 * time.Minute
	// feedFormat changes whenever what a feed shows for the same rows
	// changes, so that no client keeps an old rendering by its ETag.
	feedFormat = "2"
	// calendarTokenBytes is the size of a private feed's secret: 256 bits.
	calendarTokenBytes = 32
)

// calendarTokenPattern is what a private feed's token looks like; anything
// else is a 404 without reading the database.
var calendarTokenPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// privateFeedPaths are the prefixes of URLs that carry a secret: they are
// logged without it.
var privateFeedPaths = []string{"/calendars/organisations/", "/calendars/managers/"}

// redactedPath is a request's path as the log shows it.
func redactedPath(path string) string {
	for _, prefix := range privateFeedPaths {
		if strings.HasPrefix(path, prefix) {
			return prefix + ":token"
		}
	}
	return path
}

// feedSource is one feed: whose bookings, its name and page, and how a
// booking reads in it.
type feedSource struct {
	scope models.FeedScope
	// key and modified identify the feed and the last change of what it is
	// named after; both go into the ETag.
	key      string
	modified time.Time
	name     string
	desc     string
	page     string
	private  bool
	event    func(e *models.FeedEntry) calendar.Event
	// sessions shows each booking as the session it is published as, with
	// what its listing says (sessionEvent) instead of event.
	sessions bool
}

// feedWindow is what a feed lists at now: from the start of the London day
// 30 days back to 13 months ahead. It moves once a day, so a feed's bytes
// change only when its rows do or the day turns.
func feedWindow(now time.Time) (models.FeedWindow, time.Time) {
	today := booking.DateOf(now, booking.London)
	from := dayStart(today.AddDays(-feedDaysBack))
	ahead := dayStart(today).In(booking.London).AddDate(0, feedMonthsAhead, 0)
	to := dayStart(booking.DateOf(ahead, booking.London))
	return models.FeedWindow{From: from, To: to, CancelledSince: from, Now: now}, dayStart(today)
}

// serveFeed answers with a feed, or 304 when the client's copy is current.
// The ETag comes from one aggregate query, so a 304 reads no rows.
func (s *Server) serveFeed(c *gin.Context, src *feedSource) {
	ctx := c.Request.Context()
	w, dayBegan := feedWindow(s.now())
	stamp, err := s.store.CalendarStamp(ctx, src.scope, w)
	if err != nil {
		s.fail(c, err)
		return
	}
	if etag, modified := feedValidators(src, stamp, dayBegan); notModified(c, etag, modified) {
		feedHeaders(c, src, etag, modified)
		c.Status(http.StatusNotModified)
		c.Writer.WriteHeaderNow()
		return
	}
	w.Expect = stamp.Count
	stamp, entries, err := s.store.CalendarFeed(ctx, src.scope, w)
	if err != nil {
		s.fail(c, err)
		return
	}
	feed := &calendar.Feed{Name: src.name, Description: src.desc, URL: s.absURL(src.page), Events: make([]calendar.Event, len(entries))}
	if src.sessions {
		listings, err := s.store.FeedListings(ctx, entries)
		if err != nil {
			s.fail(c, err)
			return
		}
		for i := range entries {
			e := &entries[i]
			feed.Events[i] = s.sessionEvent(e, listings[*e.ListingID])
		}
	} else {
		for i := range entries {
			feed.Events[i] = src.event(&entries[i])
		}
	}
	etag, modified := feedValidators(src, stamp, dayBegan)
	feedHeaders(c, src, etag, modified)
	c.Header("Content-Type", calendar.ContentType)
	c.Header("Content-Disposition", `inline; filename="`+src.key+`.ics"`)
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return
	}
	// The feed streams to the client: every event is checked before the
	// first byte, so writing can fail only when the client goes away.
	if err := calendar.Write(c.Writer, feed); err != nil {
		logger(c).Warn("calendar feed cut short", "feed", src.key, "err", err)
	}
}

// notModified reports whether the request's validators match the feed's.
// If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
func notModified(c *gin.Context, etag string, modified time.Time) bool {
	if inm := c.GetHeader("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			if tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/"); tag == etag || tag == "*" {
				return true
			}
		}
		return false
	}
	ims, err := http.ParseTime(c.GetHeader("If-Modified-Since"))
	return err == nil && !modified.After(ims)
}

// feedHeaders are the headers of a feed and of its 304.
func feedHeaders(c *gin.Context, src *feedSource, etag string, modified time.Time) {
	c.Header("ETag", etag)
	c.Header("Last-Modified", modified.UTC().Format(http.TimeFormat))
	scope := "public"
	if src.private {
		scope = "private"
	}
	c.Header("Cache-Control", fmt.Sprintf("%s, max-age=%d", scope, int(feedMaxAge.Seconds())))
	if src.private {
		c.Header("X-Robots-Tag", "noindex")
		c.Header("Referrer-Policy", "no-referrer")
	}
}

// feedValidators are a feed's ETag and Last-Modified. The feed changes when
// its rows change, when what it is named after changes, and when the day
// turns (the window moves), so each of those is in both.
func feedValidators(src *feedSource, stamp models.FeedStamp, dayBegan time.Time) (string, time.Time) {
	modified := latest(dayBegan, stamp.LastModified, src.modified)
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d|%d|%d|%d|%d|%d|%d", feedFormat, src.key, dayBegan.Unix(), src.modified.Unix(),
		stamp.Count, stamp.SequenceSum, stamp.IDSum, stamp.ListingIDSum, stamp.LastModified.Unix())
	return `"` + hex.EncodeToString(h.Sum(nil))[:32] + `"`, modified.Truncate(time.Second)
}

// absURL is a path of this service as a full URL.
func (s *Server) absURL(path string) string {
	if path == "" {
		return ""
	}
	return strings.TrimSuffix(s.cfg.BaseURL.String(), "/") + path
}

// feedLinks are the two ways to subscribe to a feed.
type feedLinks struct {
	HTTPS  string
	Webcal string
}

// subscribeLinks gives a feed path's https:// (or http://) and webcal://
// URLs.
func (s *Server) subscribeLinks(path string) feedLinks {
	full := s.absURL(path)
	webcal := "webcal://" + strings.TrimPrefix(strings.TrimPrefix(full, "https://"), "http://")
	return feedLinks{HTTPS: full, Webcal: webcal}
}

// icsID reads a feed's "{id}.ics" path segment.
func icsID(c *gin.Context, name string) (int64, error) {
	v, ok := strings.CutSuffix(c.Param(name), ".ics")
	id, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil || id <= 0 || v != strconv.FormatInt(id, 10) {
		return 0, booking.ErrNotFound
	}
	return id, nil
}

// feedUID is a booking's UID: stable for as long as the row and the
// service's host name live.
func (s *Server) feedUID(bookingID int64) string {
	host := s.cfg.BaseURL.Hostname()
	if host == "" {
		host = "commonroom"
	}
	return "booking-" + strconv.FormatInt(bookingID, 10) + "@" + host
}

// feedStatus is how a booking's state reads in a calendar.
func feedStatus(state string) calendar.Status {
	switch state {
	case booking.Confirmed:
		return calendar.Confirmed
	case booking.Requested, booking.PendingPayment:
		return calendar.Tentative
	default:
		return calendar.Cancelled
	}
}

// placeOf is a booking's space and site as a calendar LOCATION.
func placeOf(e *models.FeedEntry) string {
	parts := []string{e.SpaceName, e.SiteName, e.AddressLine1, e.AddressLine2, e.Town, e.Postcode}
	kept := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ", ")
}

// publicEvent shows a booking as booked time only, never who booked or
// why; a published one by its session's title, with a link to its page.
func (s *Server) publicEvent(withSpace bool) func(e *models.FeedEntry) calendar.Event {
	return func(e *models.FeedEntry) calendar.Event {
		title, page := "Booked", "/spaces/"+itoa(e.SpaceID)
		switch {
		case e.ListingID != nil:
			title, page = e.ListingTitle, sessionPagePath(*e.ListingID)
		case withSpace:
			title = "Booked: " + e.SpaceName
		}
		return calendar.Event{
			UID: s.feedUID(e.BookingID), Sequence: e.Sequence, Start: e.StartsAt, End: e.EndsAt, Modified: e.UpdatedAt,
			Status: feedStatus(e.State), Summary: title, Location: placeOf(e),
			Latitude: e.Latitude, Longitude: e.Longitude, URL: s.absURL(page),
		}
	}
}

// sessionEvent shows a date of a published session: what its group
// published (l, nil if it has just been unpublished) and where. Nothing of
// the booking behind it shows but its time, place and state.
func (s *Server) sessionEvent(e *models.FeedEntry, l *models.ListingView) calendar.Event {
	ev := calendar.Event{
		UID: s.feedUID(e.BookingID), Sequence: e.Sequence, Start: e.StartsAt, End: e.EndsAt, Modified: e.UpdatedAt,
		Status: feedStatus(e.State), Summary: e.ListingTitle, Location: placeOf(e),
		Latitude: e.Latitude, Longitude: e.Longitude, URL: s.absURL(sessionPagePath(*e.ListingID)),
	}
	if l != nil {
		ev.Modified = latest(e.UpdatedAt, l.UpdatedAt)
		ev.Description = s.sessionDescription(l)
	}
	return ev
}

// sessionDescription is what a session's group published, as an event's
// text: the description, the cost, how to join and the public contact,
// and the session's page. The contact for referrals is for link workers
// only and never shows here.
func (s *Server) sessionDescription(l *models.ListingView) string {
	var b strings.Builder
	b.WriteString(l.Description)
	b.WriteString("\n\nCost: ")
	b.WriteString(formatMoney(l.CostPence))
	if l.CostNote != "" {
		b.WriteString(" (" + l.CostNote + ")")
	}
	b.WriteString("\nHow to join: " + booking.JoinModeLabel(l.JoinMode))
	if l.Contact != "" {
		b.WriteString("\nContact: " + l.Contact)
	}
	b.WriteString("\n" + s.absURL(sessionPagePath(l.ID)))
	return b.String()
}

// privateEvent shows a booking in full, for its organisation or its site's
// managers; withOrganisation names who booked in the title.
func (s *Server) privateEvent(withOrganisation bool) func(e *models.FeedEntry) calendar.Event {
	return func(e *models.FeedEntry) calendar.Event {
		return calendar.Event{
			UID: s.feedUID(e.BookingID), Sequence: e.Sequence, Start: e.StartsAt, End: e.EndsAt, Modified: e.UpdatedAt,
			Status: feedStatus(e.State), Summary: privateTitle(e, withOrganisation), Description: s.bookingDescription(e),
			Location: placeOf(e), Latitude: e.Latitude, Longitude: e.Longitude, URL: s.absURL("/bookings/" + itoa(e.BookingID)),
		}
	}
}

func privateTitle(e *models.FeedEntry, withOrganisation bool) string {
	if withOrganisation {
		return e.OrganisationName + ": " + e.SpaceName
	}
	return e.SpaceName + ", " + e.SiteName
}

// bookingDescription is the text of a booking in a private feed or a
// downloaded event.
func (s *Server) bookingDescription(e *models.FeedEntry) string {
	var b strings.Builder
	b.Grow(256 + len(e.Notes))
	line := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteByte('\n')
	}
	id := itoa(e.BookingID)
	line("Booking ", id, ": ", booking.StateLabel(e.State))
	line("Organisation: ", e.OrganisationName)
	line("Purpose: ", booking.PurposeLabel(e.Purpose))
	line("Attendees: ", strconv.Itoa(e.Attendees))
	line("Price: ", pounds(e.TotalPence))
	if e.Notes != "" {
		line("Notes: ", e.Notes)
	}
	b.WriteString(s.absURL("/bookings/" + id))
	return b.String()
}

// spaceCalendar is a public space's feed.
func (s *Server) spaceCalendar() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := icsID(c, "id")
		var sp *models.Space
		if err == nil {
			sp, err = s.store.SpaceByID(c.Request.Context(), id)
		}
		if err == nil && sp.Visibility != "public" {
			err = booking.ErrNotFound
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		site := sp.Site
		s.serveFeed(c, &feedSource{
			scope: models.FeedScope{Kind: models.FeedSpace, ID: sp.ID},
			key:   "space-" + itoa(sp.ID), modified: latest(sp.UpdatedAt, site.UpdatedAt),
			name: sp.Name + ", " + site.Name,
			desc: "When " + sp.Name + " at " + site.Name + " is booked. Private bookings show as “Booked”.",
			page: "/spaces/" + itoa(sp.ID), event: s.publicEvent(false),
		})
	}
}

// siteCalendar is the feed of a site's public spaces.
func (s *Server) siteCalendar() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := icsID(c, "id")
		var site *models.Site
		if err == nil {
			site, err = s.store.SiteByID(c.Request.Context(), id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.serveFeed(c, &feedSource{
			scope: models.FeedScope{Kind: models.FeedSite, ID: site.ID},
			key:   "site-" + itoa(site.ID), modified: site.UpdatedAt,
			name: site.Name,
			desc: "When the spaces at " + site.Name + " are booked. Private bookings show as “Booked”.",
			page: "/sites/" + itoa(site.ID), event: s.publicEvent(true),
		})
	}
}

// sessionCalendar is the feed of one published session's dates.
func (s *Server) sessionCalendar() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := icsID(c, "id")
		var l *models.ListingView
		if err == nil {
			l, err = s.store.ListingByID(c.Request.Context(), id, s.now())
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.serveFeed(c, &feedSource{
			scope: models.FeedScope{Kind: models.FeedListing, ID: l.ID},
			key:   "session-" + itoa(l.ID), modified: l.UpdatedAt,
			name: l.Title,
			desc: "The dates of " + l.Title + ", as the group publishes them on " + s.cfg.ServiceName + ".",
			page: sessionPagePath(l.ID), sessions: true,
		})
	}
}

// categoryCalendar is the feed of every session published in a category.
func (s *Server) categoryCalendar() gin.HandlerFunc {
	return func(c *gin.Context) {
		slug, ok := strings.CutSuffix(c.Param("slug"), ".ics")
		if !ok || !booking.ValidSessionCategory(slug) {
			s.fail(c, booking.ErrNotFound)
			return
		}
		label := booking.SessionCategoryLabel(slug)
		s.serveFeed(c, &feedSource{
			scope: models.FeedScope{Kind: models.FeedCategory, Category: slug},
			key:   "category-" + slug,
			name:  label + " sessions",
			desc:  "Every session listed under " + label + " on " + s.cfg.ServiceName + ".",
			page:  "/groups?category=" + slug, sessions: true,
		})
	}
}

// siteSessionsCalendar is the feed of every session published at a site.
func (s *Server) siteSessionsCalendar() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		var site *models.Site
		if err == nil {
			site, err = s.store.SiteByID(c.Request.Context(), id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.serveFeed(c, &feedSource{
			scope: models.FeedScope{Kind: models.FeedSiteListings, ID: site.ID},
			key:   "site-" + itoa(site.ID) + "-sessions", modified: site.UpdatedAt,
			name: "Sessions at " + site.Name,
			desc: "Every session groups publish at " + site.Name + " on " + s.cfg.ServiceName + ".",
			page: "/groups?site=" + itoa(site.ID), sessions: true,
		})
	}
}

// calendarOwner finds whose private feed a token in the path opens. A
// wrong, revoked or malformed token is a plain 404.
func (s *Server) calendarOwner(c *gin.Context) (models.CalendarOwner, error) {
	token, ok := strings.CutSuffix(c.Param("token"), ".ics")
	if !ok || !calendarTokenPattern.MatchString(token) {
		return models.CalendarOwner{}, booking.ErrNotFound
	}
	return s.store.CalendarTokenOwner(c.Request.Context(), hashAPIToken(token))
}

// organisationCalendar is an organisation's private feed.
func (s *Server) organisationCalendar() gin.HandlerFunc {
	return func(c *gin.Context) {
		owner, err := s.calendarOwner(c)
		if err == nil && owner.OrganisationID == 0 {
			err = booking.ErrNotFound
		}
		var org *models.Organisation
		if err == nil {
			org, err = s.store.OrganisationByID(c.Request.Context(), owner.OrganisationID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.serveFeed(c, &feedSource{
			scope: models.FeedScope{Kind: models.FeedOrganisation, ID: org.ID},
			key:   "organisation-" + itoa(org.ID), modified: org.UpdatedAt,
			name: org.Name + " bookings",
			desc: "Every booking " + org.Name + " has made through " + s.cfg.ServiceName + ". Keep this link private.",
			page: "/organisations/" + itoa(org.ID) + "/bookings", private: true, event: s.privateEvent(false),
		})
	}
}

// managerCalendar is an estates manager's private feed of the bookings at
// their sites (an admin's: every site).
func (s *Server) managerCalendar() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		owner, err := s.calendarOwner(c)
		if err == nil && owner.UserID == 0 {
			err = booking.ErrNotFound
		}
		var u *models.User
		if err == nil {
			u, err = s.store.UserByID(ctx, owner.UserID)
		}
		if err == nil && u.Role != booking.RoleAdmin && u.Role != booking.RoleEstatesManager {
			err = booking.ErrNotFound
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.serveFeed(c, &feedSource{
			scope: models.FeedScope{Kind: models.FeedManager, ID: u.ID, All: u.Role == booking.RoleAdmin},
			key:   "manager-" + itoa(u.ID), modified: u.UpdatedAt,
			name: "Bookings at your sites",
			desc: "Every booking at the sites you manage in " + s.cfg.ServiceName + ". Keep this link private.",
			page: "/manage/requests", private: true, event: s.privateEvent(true),
		})
	}
}

func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

// newCalendarToken makes a private feed's secret and stores its hash for
// the owner, replacing any earlier one. It returns the feed's path.
func (s *Server) newCalendarToken(ctx context.Context, owner models.CalendarOwner, by int64) (string, error) {
	token := randomToken(calendarTokenBytes)
	if err := s.store.SetCalendarToken(ctx, owner, hashAPIToken(token), by, s.now()); err != nil {
		return "", err
	}
	if owner.OrganisationID != 0 {
		return "/calendars/organisations/" + token + ".ics", nil
	}
	return "/calendars/managers/" + token + ".ics", nil
}
