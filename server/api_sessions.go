package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/server/geocode"
	"github.com/gin-gonic/gin"
)

// sessionDateJSON is one date of a session.
type sessionDateJSON struct {
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Cancelled bool      `json:"cancelled"`
}

// sessionPlaceJSON is where a session meets: the public facts of its space
// and site.
type sessionPlaceJSON struct {
	SiteID          int64    `json:"site_id"`
	SiteName        string   `json:"site_name"`
	SpaceID         int64    `json:"space_id"`
	SpaceName       string   `json:"space_name"`
	AddressLine1    string   `json:"address_line1"`
	AddressLine2    string   `json:"address_line2"`
	Town            string   `json:"town"`
	Postcode        string   `json:"postcode"`
	Latitude        *float64 `json:"latitude"`
	Longitude       *float64 `json:"longitude"`
	AccessNotes     string   `json:"access_notes"`
	ParkingNotes    string   `json:"parking_notes"`
	PublicTransport string   `json:"public_transport"`
}

// sessionCalendarJSON are the ways to subscribe to a session's dates.
type sessionCalendarJSON struct {
	HTTPS  string `json:"https"`
	Webcal string `json:"webcal"`
}

// sessionJSON is a published session as anyone may see it. Its referral
// contact is there only for link workers, the estate's staff and the
// group's own members.
type sessionJSON struct {
	ID              int64               `json:"id"`
	Title           string              `json:"title"`
	Description     string              `json:"description"`
	Categories      []string            `json:"categories"`
	WhoFor          string              `json:"who_for"`
	CostPence       int64               `json:"cost_pence"`
	CostNote        string              `json:"cost_note"`
	Join            string              `json:"join"`
	Contact         string              `json:"contact"`
	ReferralContact *string             `json:"referral_contact,omitempty"`
	Languages       []string            `json:"languages"`
	AccessNotes     string              `json:"access_notes"`
	Access          []string            `json:"access"`
	Place           sessionPlaceJSON    `json:"place"`
	NextDates       []sessionDateJSON   `json:"next_dates"`
	DistanceKm      *float64            `json:"distance_km"`
	URL             string              `json:"url"`
	ShareURL        string              `json:"share_url"`
	Calendar        sessionCalendarJSON `json:"calendar"`
	UpdatedAt       time.Time           `json:"updated_at"`
}

// Sessions' paths: the page, its short form to share, and its feed.
func sessionPagePath(id int64) string  { return "/groups/" + itoa(id) }
func sessionShortPath(id int64) string { return "/g/" + itoa(id) }
func sessionFeedPath(id int64) string  { return "/calendars/sessions/" + itoa(id) + ".ics" }

// seesReferralContact reports whether the caller may see how to refer
// someone to a session: link workers, the estate's staff and the group.
func (who *principal) seesReferralContact(orgID int64) bool {
	return who != nil && (who.User.Role == booking.RoleLinkWorker || who.isStaff() || who.orgRole(orgID) != "")
}

func (s *Server) toSessionJSON(v *models.ListingView, who *principal) sessionJSON {
	pub := v.Published()
	links := s.subscribeLinks(sessionFeedPath(v.ID))
	out := sessionJSON{
		ID: v.ID, Title: v.Title, Description: v.Description, Categories: v.Categories, WhoFor: v.WhoFor,
		CostPence: v.CostPence, CostNote: v.CostNote, Join: v.JoinMode, Contact: v.Contact,
		Languages: pub.Languages, AccessNotes: v.AccessNotes, Access: v.Access(),
		Place: sessionPlaceJSON{
			SiteID: v.SiteID, SiteName: v.SiteName, SpaceID: v.SpaceID, SpaceName: v.SpaceName,
			AddressLine1: v.AddressLine1, AddressLine2: v.AddressLine2, Town: v.Town, Postcode: v.Postcode,
			Latitude: v.Latitude, Longitude: v.Longitude, AccessNotes: v.SpaceAccessNotes,
			ParkingNotes: v.ParkingNotes, PublicTransport: v.PublicTransport,
		},
		NextDates:  []sessionDateJSON{},
		DistanceKm: v.DistanceKm,
		URL:        s.absURL(sessionPagePath(v.ID)),
		ShareURL:   s.absURL(sessionShortPath(v.ID)),
		Calendar:   sessionCalendarJSON{HTTPS: links.HTTPS, Webcal: links.Webcal},
		UpdatedAt:  v.UpdatedAt.UTC(),
	}
	if out.Categories == nil {
		out.Categories = []string{}
	}
	if out.Languages == nil {
		out.Languages = []string{}
	}
	if out.Access == nil {
		out.Access = []string{}
	}
	if out.DistanceKm != nil {
		d := math.Round(*out.DistanceKm*10) / 10
		out.DistanceKm = &d
	}
	if who.seesReferralContact(v.OrganisationID) {
		rc := v.ReferralContact
		out.ReferralContact = &rc
	}
	for _, d := range v.Dates {
		out.NextDates = append(out.NextDates, sessionDateJSON{StartsAt: d.StartsAt, EndsAt: d.EndsAt, Cancelled: d.Cancelled})
	}
	return out
}

// sessionInput is a new session listing, or a change to one (PATCH: nil
// fields stay as they are; booking_id and series_id only when publishing).
type sessionInput struct {
	BookingID       *int64    `json:"booking_id"`
	SeriesID        *int64    `json:"series_id"`
	Title           *string   `json:"title"`
	Description     *string   `json:"description"`
	Categories      *[]string `json:"categories"`
	WhoFor          *string   `json:"who_for"`
	CostPence       *int64    `json:"cost_pence"`
	CostNote        *string   `json:"cost_note"`
	Join            *string   `json:"join"`
	Contact         *string   `json:"contact"`
	ReferralContact *string   `json:"referral_contact"`
	Languages       *[]string `json:"languages"`
	AccessNotes     *string   `json:"access_notes"`
}

// apply changes a listing's published words by the input.
func (in sessionInput) apply(l booking.Listing) booking.Listing {
	setString(&l.Title, in.Title)
	setString(&l.Description, in.Description)
	setString(&l.WhoFor, in.WhoFor)
	setString(&l.CostNote, in.CostNote)
	setString(&l.Join, in.Join)
	setString(&l.Contact, in.Contact)
	setString(&l.ReferralContact, in.ReferralContact)
	setString(&l.AccessNotes, in.AccessNotes)
	if in.Categories != nil {
		l.Categories = *in.Categories
	}
	if in.Languages != nil {
		l.Languages = *in.Languages
	}
	if in.CostPence != nil {
		l.CostPence = *in.CostPence
	}
	return l
}

// publishSession publishes a booking or a series of the caller's
// organisation as a session.
func (s *Server) publishSession(ctx context.Context, who *principal, in sessionInput) (*models.ListingView, error) {
	var p booking.Problems
	switch {
	case (in.BookingID == nil) == (in.SeriesID == nil):
		p.Add("booking_id", "Give the booking_id of a booking or the series_id of a series, one of them")
	case in.BookingID != nil && *in.BookingID <= 0:
		p.Add("booking_id", "Must be a booking's id")
	case in.SeriesID != nil && *in.SeriesID <= 0:
		p.Add("series_id", "Must be a series' id")
	}
	pub := in.apply(booking.Listing{})
	if err := pub.Check(); err != nil {
		var v *booking.ValidationError
		if errors.As(err, &v) {
			for _, f := range v.Fields {
				p.Add(f.Field, "%s", f.Message)
			}
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var orgID, siteID int64
	if in.SeriesID != nil {
		sr, err := s.store.SeriesByID(ctx, *in.SeriesID)
		if err != nil {
			return nil, err
		}
		orgID, siteID = sr.OrganisationID, sr.Space.SiteID
	} else {
		b, err := s.store.BookingByID(ctx, *in.BookingID)
		if err != nil {
			return nil, err
		}
		orgID, siteID = b.OrganisationID, b.Space.SiteID
	}
	switch {
	case who.orgRole(orgID) != "":
	case who.seesBooking(orgID, siteID):
		return nil, newForbidden("Only the group's own members can publish its bookings as sessions.")
	default:
		return nil, booking.ErrNotFound
	}
	l := &models.Listing{BookingID: in.BookingID, SeriesID: in.SeriesID, CreatedByID: &who.User.ID}
	l.Publish(pub)
	now := s.now()
	if err := s.store.PublishListing(ctx, l, now); err != nil {
		return nil, err
	}
	return s.sessionView(ctx, l.ID, now, maxSessionDates)
}

// sessionView reads a session with its next dates.
func (s *Server) sessionView(ctx context.Context, id int64, now time.Time, dates int) (*models.ListingView, error) {
	v, err := s.store.ListingByID(ctx, id, now)
	if err != nil {
		return nil, err
	}
	views := []models.ListingView{*v}
	if err := s.store.ListingDates(ctx, views, now, dates); err != nil {
		return nil, err
	}
	return &views[0], nil
}

// How many dates a session shows: on its own, and in a list.
const (
	maxSessionDates  = 10
	listSessionDates = 3
)

// visibleSession reads a session the caller may see: anyone, while it has
// a date to come; its group and the site's staff always.
func (s *Server) visibleSession(ctx context.Context, who *principal, id int64, dates int) (*models.ListingView, error) {
	v, err := s.sessionView(ctx, id, s.now(), dates)
	if err != nil {
		return nil, err
	}
	if v.Next == nil && !who.managesSession(v) {
		return nil, booking.ErrNotFound
	}
	return v, nil
}

// managesSession reports whether the caller may see a session that is no
// longer listed and take it down: its group's members and the site's
// estates managers.
func (who *principal) managesSession(v *models.ListingView) bool {
	return who.orgRole(v.OrganisationID) != "" || who.managesSite(v.SiteID)
}

func (s *Server) apiCreateSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		var in sessionInput
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
		who := currentPrincipal(c)
		v, err := s.publishSession(c.Request.Context(), who, in)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Location", "/api/v1/sessions/"+itoa(v.ID))
		c.JSON(http.StatusCreated, s.toSessionJSON(v, who))
	}
}

// updateSession changes what a session says; only its group's members may.
func (s *Server) updateSession(ctx context.Context, who *principal, id int64, in sessionInput) (*models.ListingView, error) {
	v, err := s.store.ListingByID(ctx, id, s.now())
	if err != nil {
		return nil, err
	}
	if who.orgRole(v.OrganisationID) == "" {
		return nil, newForbidden("Only the group's own members can change its session.")
	}
	if in.BookingID != nil || in.SeriesID != nil {
		return nil, booking.Invalid("booking_id", "A session stays with its booking or series: unpublish it and publish another")
	}
	pub := in.apply(v.Published())
	if err := pub.Check(); err != nil {
		return nil, err
	}
	l := v.Listing
	l.Publish(pub)
	if err := s.store.UpdateListing(ctx, &l, s.now()); err != nil {
		return nil, err
	}
	return s.sessionView(ctx, id, s.now(), maxSessionDates)
}

func (s *Server) apiUpdateSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, in, err := pathAndBody[sessionInput](c, "id")
		who := currentPrincipal(c)
		var v *models.ListingView
		if err == nil {
			v, err = s.updateSession(c.Request.Context(), who, id, in)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, s.toSessionJSON(v, who))
	}
}

// unpublishSession takes a session down: its group's members, the site's
// estates managers and admins may.
func (s *Server) unpublishSession(ctx context.Context, who *principal, id int64) error {
	v, err := s.store.ListingByID(ctx, id, s.now())
	if err != nil {
		return err
	}
	if !who.managesSession(v) {
		return newForbidden("Only the group's own members and the site's estates managers can take a session down.")
	}
	return s.store.DeleteListing(ctx, id)
}

func (s *Server) apiDeleteSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err == nil {
			err = s.unpublishSession(c.Request.Context(), currentPrincipal(c), id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

func (s *Server) apiGetSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		who := currentPrincipal(c)
		var v *models.ListingView
		if err == nil {
			v, err = s.visibleSession(c.Request.Context(), who, id, maxSessionDates)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, s.toSessionJSON(v, who))
	}
}

// errPostcodeLookup is a postcode search while the lookup service is down.
var errPostcodeLookup = newBadRequestStatus(http.StatusServiceUnavailable,
	"Postcode search is not available just now: search by place or coordinates")

// Bounds of a session search.
const (
	maxSearchWords = 10
	maxWithinKm    = 200
)

// sessionSearch is a search for sessions as the query asks for it: the
// query for the store, and the place searched near, if any, in words.
type sessionSearch struct {
	Query    models.ListingQuery
	NearText string // the postcode or coordinates given
}

// readSessionSearch reads a session search from the query parameters the
// API and the directory page share. A postcode in near is looked up with
// the geocoder; without one, near takes coordinates only.
func (s *Server) readSessionSearch(ctx context.Context, get func(string) string, p *booking.Problems) (sessionSearch, error) {
	var out sessionSearch
	q := &out.Query
	text := strings.TrimSpace(get("q"))
	checkText(p, "q", text, false, maxShortTextLength)
	q.Words = strings.Fields(strings.ToLower(text))
	if len(q.Words) > maxSearchWords {
		p.Add("q", "Use at most %d words", maxSearchWords)
	}
	if v := get("category"); v != "" {
		if !booking.ValidSessionCategory(v) {
			p.Add("category", "Choose a category: %s", strings.Join(booking.Values(booking.SessionCategories), ", "))
		}
		q.Category = v
	}
	for _, d := range splitList(get("day")) {
		wd := slices.Index(weekdayNames, strings.ToLower(d))
		if wd < 0 {
			p.Add("day", "Choose days of the week from %s", weekdayList)
			break
		}
		q.Weekdays |= 1 << wd
	}
	for _, part := range splitList(get("time_of_day")) {
		bit := booking.DayPartBit(part)
		if bit == 0 {
			p.Add("time_of_day", "Choose morning, afternoon or evening")
			break
		}
		q.DayParts |= bit
	}
	if v := get("site"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			p.Add("site", "Must be a site's id")
		}
		q.SiteID = id
	}
	for _, a := range splitList(get("access")) {
		if !booking.ValidSessionAccess(a) {
			p.Add("access", "Choose from %s", strings.Join(booking.Values(booking.SessionAccess), ", "))
			break
		}
		q.Access = append(q.Access, a)
	}
	switch get("cost") {
	case "":
	case "free":
		q.Free = true
	default:
		p.Add("cost", "Leave it out, or give free")
	}
	if v := get("join"); v != "" {
		if !booking.ValidJoinMode(v) {
			p.Add("join", "Choose how to join: %s", strings.Join(booking.Values(booking.JoinModes), ", "))
		}
		q.Join = v
	}
	if v := strings.TrimSpace(get("within_km")); v != "" {
		km, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(km) || km < 0.1 || km > maxWithinKm {
			p.Add("within_km", "Must be a distance from 0.1 to %d kilometres", maxWithinKm)
		}
		q.WithinKm = km
	}
	out.NearText = strings.TrimSpace(get("near"))
	if out.NearText == "" && q.WithinKm > 0 {
		p.Add("near", "Give a place to search near as well as a distance")
	}
	if out.NearText != "" && p.Err() == nil {
		pt, err := s.nearPoint(ctx, out.NearText, p)
		if err != nil {
			return out, err
		}
		q.Near = pt
	}
	return out, nil
}

// nearPoint reads a place to search near: coordinates as LAT,LON, or a
// postcode when a geocoder is configured.
func (s *Server) nearPoint(ctx context.Context, v string, p *booking.Problems) (*models.Point, error) {
	if lat, lon, ok := strings.Cut(v, ","); ok {
		la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
		if err1 != nil || err2 != nil || math.IsNaN(la) || math.IsNaN(lo) || la < -90 || la > 90 || lo < -180 || lo > 180 {
			p.Add("near", "Give coordinates as latitude,longitude, like 53.41,-2.16")
			return nil, nil
		}
		return &models.Point{Latitude: la, Longitude: lo}, nil
	}
	if _, ok := booking.NormalisePostcode(v); !ok {
		p.Add("near", "Enter a full UK postcode, like SK2 5JA, or coordinates like 53.41,-2.16")
		return nil, nil
	}
	if s.geocoder == nil {
		p.Add("near", "Searching by postcode is not available here: choose a place, or give coordinates like 53.41,-2.16")
		return nil, nil
	}
	pt, err := s.geocoder.Postcode(ctx, v)
	switch {
	case errors.Is(err, geocode.ErrNotFound), errors.Is(err, geocode.ErrInvalid):
		p.Add("near", "We could not find that postcode: check it, or choose a place")
		return nil, nil
	case err != nil:
		s.log.WarnContext(ctx, "postcode lookup failed", "error", err)
		return nil, errPostcodeLookup
	}
	return &models.Point{Latitude: pt.Latitude, Longitude: pt.Longitude}, nil
}

// splitList reads a comma-separated query value, ignoring empty items.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (s *Server) apiSearchSessions() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		var p booking.Problems
		page := listQuery(c, &p)
		search, err := s.readSessionSearch(ctx, c.Query, &p)
		if err != nil {
			s.fail(c, err)
			return
		}
		now := s.now()
		q := search.Query
		q.From, q.Page = now, page
		if from := queryInstant(c, &p, "from"); from != nil && from.After(now) {
			q.From = *from
		}
		if to := queryInstant(c, &p, "to"); to != nil {
			q.To = *to
			if !q.To.After(q.From) {
				p.Add("to", "Must be after from, and after now")
			}
		}
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		views, total, err := s.store.SearchListings(ctx, q)
		if err == nil {
			err = s.store.ListingDates(ctx, views, now, listSessionDates)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		who := currentPrincipal(c)
		out := make([]sessionJSON, len(views))
		for i := range views {
			out[i] = s.toSessionJSON(&views[i], who)
		}
		c.JSON(http.StatusOK, newList(out, page, total))
	}
}
