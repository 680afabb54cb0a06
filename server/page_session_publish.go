package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// sessionForm is a session listing as typed into its form: the cost in
// pounds and the languages in one line, separated by commas.
type sessionForm struct {
	Title, Description string
	Categories         []string
	WhoFor, Cost       string
	CostNote, Join     string
	Contact            string
	ReferralContact    string
	Languages          string
	AccessNotes        string
}

// sessionOrder is the order of the session form's inputs.
var sessionOrder = []string{"title", "description", "categories", "who_for", "cost", "cost_note", "join",
	"contact", "referral_contact", "languages", "access_notes"}

// sessionWords are the session form's names for its text fields, to put
// before the domain's "Must be at most …" messages.
var sessionWords = map[string]string{
	"title": "The title", "description": "The description", "who_for": "Who it is for",
	"cost_note": "The note about the cost", "contact": "The contact", "referral_contact": "The contact for link workers",
	"access_notes": "The access notes",
}

func sessionFormFrom(vs url.Values) sessionForm {
	return sessionForm{
		Title: cleanValue(vs.Get("title")), Description: cleanValue(vs.Get("description")),
		Categories: cleanValues(vs["categories"]), WhoFor: cleanValue(vs.Get("who_for")),
		Cost: cleanValue(vs.Get("cost")), CostNote: cleanValue(vs.Get("cost_note")), Join: cleanValue(vs.Get("join")),
		Contact: cleanValue(vs.Get("contact")), ReferralContact: cleanValue(vs.Get("referral_contact")),
		Languages: cleanValue(vs.Get("languages")), AccessNotes: cleanValue(vs.Get("access_notes")),
	}
}

// sessionFormOf is a published listing as its form shows it for changing.
func sessionFormOf(l booking.Listing) sessionForm {
	f := sessionForm{Title: l.Title, Description: l.Description, Categories: l.Categories, WhoFor: l.WhoFor,
		CostNote: l.CostNote, Join: l.Join, Contact: l.Contact, ReferralContact: l.ReferralContact,
		Languages: strings.Join(l.Languages, ", "), AccessNotes: l.AccessNotes}
	if l.CostPence > 0 {
		f.Cost = poundsValue(l.CostPence)
	}
	return f
}

// input reads the form into the API's listing, every field given, and
// records under the cost a cost that is not an amount in pounds. An empty
// cost is free.
func (f sessionForm) input(errs *formErrors) sessionInput {
	var pence int64
	if f.Cost != "" {
		p, ok := parsePounds(f.Cost)
		if !ok {
			errs.add("cost", "Enter the cost in pounds, like 2.50, or leave it empty if the session is free")
		}
		pence = p
	}
	langs := splitList(f.Languages)
	cats := f.Categories
	if cats == nil {
		cats = []string{}
	}
	if langs == nil {
		langs = []string{}
	}
	return sessionInput{
		Title: &f.Title, Description: &f.Description, Categories: &cats, WhoFor: &f.WhoFor, CostPence: &pence,
		CostNote: &f.CostNote, Join: &f.Join, Contact: &f.Contact, ReferralContact: &f.ReferralContact,
		Languages: &langs, AccessNotes: &f.AccessNotes,
	}
}

// sessionFieldID is the input of the session form a domain field is
// typed into; a booking or series has none.
func sessionFieldID(field string) string {
	switch f := subfield(field); f {
	case "cost_pence":
		return "cost"
	case "booking_id", "series_id":
		return ""
	default:
		return f
	}
}

// sessionMessage puts the domain's message about a field in the form's
// words: the domain names the API's values, the form shows their labels.
func sessionMessage(id, msg string) string {
	switch {
	case id == "categories" && strings.HasPrefix(msg, "Choose at least"):
		return "Select at least one kind of session"
	case id == "categories" && strings.HasPrefix(msg, "Choose at most"):
		return strings.Replace(msg, "Choose at most", "Select up to", 1)
	case id == "categories" && strings.Contains(msg, "twice"):
		return "Select each kind of session once"
	case id == "categories":
		return "Select kinds of session from the list"
	case id == "join":
		return "Select how people join the session"
	case id == "cost":
		return "The cost must be £100.00 or less, or leave it empty if the session is free"
	case sessionWords[id] != "":
		return sentence(sessionWords[id], msg)
	}
	return msg
}

// addSessionProblems records a domain error under the form's inputs. It
// returns the status to re-render the form with, or false when err is not
// a problem with what was typed.
func addSessionProblems(errs *formErrors, err error) (int, bool) {
	var v *booking.ValidationError
	if errors.As(err, &v) {
		for _, fe := range v.Fields {
			id := sessionFieldID(fe.Field)
			errs.add(id, sessionMessage(id, fe.Message))
		}
		return http.StatusUnprocessableEntity, true
	}
	var ce *booking.ConflictError
	if errors.As(err, &ce) {
		errs.add("", ce.Detail)
		return http.StatusConflict, true
	}
	return 0, false
}

// checkSessionForm records every problem with the form: those it finds
// reading it and those the domain finds in what it read. It reports
// whether there were none.
func checkSessionForm(errs *formErrors, f sessionForm) (sessionInput, bool) {
	in := f.input(errs)
	if err := in.apply(booking.Listing{}).Check(); err != nil {
		addSessionProblems(errs, err)
	}
	errs.inOrder(sessionOrder...)
	return in, !errs.any()
}

// sessionFormPage is what the session form template shows.
type sessionFormPage struct {
	Heading, Caption, Action, Submit string
	Cancel                           link
	// When is the date, or the pattern of dates, of what is published.
	When       string
	Form       sessionForm
	Categories []checkItem
	Joins      []booking.Option
	// SessionID is the session being changed; 0 when publishing.
	SessionID int64
}

func newSessionFormPage(f sessionForm) *sessionFormPage {
	return &sessionFormPage{Form: f, Categories: ruleChecks("categories", booking.SessionCategories, f.Categories),
		Joins: booking.JoinModes}
}

// sessionSource is a booking, or a series, that its group may publish as
// a session.
type sessionSource struct {
	BookingID, SeriesID *int64
	// Path is its own page; Publish its publish form.
	Path, Publish string
	Where, When   string
	// Live says it has a confirmed date still to come.
	Live bool
}

// loadSessionSource reads the booking or series in the URL for a member
// of its group: others get what the API gives them, 404 when they may not
// see it and 403 when they may. A date of a series is published with its
// series: redirect, when set, is the series' publish form.
func (s *Server) loadSessionSource(c *gin.Context, series bool) (*sessionSource, string, error) {
	who, now := currentPrincipal(c), s.now()
	var orgID int64
	src := &sessionSource{}
	if series {
		sr, err := s.loadSeries(c)
		if err != nil {
			return nil, "", err
		}
		orgID, src.SeriesID = sr.OrganisationID, &sr.ID
		src.Path, src.Publish = "/series/"+itoa(sr.ID), "/series/"+itoa(sr.ID)+"/publish"
		src.Where, src.When = sr.Space.Name+", "+sr.Space.Site.Name, seriesPattern(sr)
		for i := range sr.Bookings {
			src.Live = src.Live || upcomingConfirmed(&sr.Bookings[i], now)
		}
	} else {
		b, err := s.loadBooking(c)
		if err != nil {
			return nil, "", err
		}
		orgID, src.BookingID = b.OrganisationID, &b.ID
		src.Path, src.Publish = "/bookings/"+itoa(b.ID), "/bookings/"+itoa(b.ID)+"/publish"
		src.Where, src.When = b.Space.Name+", "+b.Space.Site.Name, formatDay(b.StartsAt)+", "+formatTimes(b.StartsAt, b.EndsAt)
		src.Live = upcomingConfirmed(b, now)
		if b.SeriesID != nil && who.orgRole(orgID) != "" {
			return nil, "/series/" + itoa(*b.SeriesID) + "/publish", nil
		}
	}
	if who.orgRole(orgID) == "" {
		return nil, "", newForbidden("Only the group's own members can publish its bookings as sessions.")
	}
	return src, "", nil
}

// upcomingConfirmed reports whether a booking is confirmed and still to
// start: a date a session can be published for.
func upcomingConfirmed(b *models.Booking, now time.Time) bool {
	return stateAt(b, now) == booking.Confirmed && b.StartsAt.After(now)
}

// publishable loads what the URL asks to publish and checks that it can
// be, answering the request itself when it cannot: an error page, or a
// redirect to the series, or to the session already published. It
// returns nil then.
func (s *Server) publishable(c *gin.Context, series bool) *sessionSource {
	src, to, err := s.loadSessionSource(c, series)
	switch {
	case err != nil:
		s.fail(c, err)
		return nil
	case to != "":
		s.redirect(c, to, "")
		return nil
	}
	l, err := s.store.ListingOf(c.Request.Context(), ptrValue(src.BookingID), ptrValue(src.SeriesID))
	switch {
	case err != nil:
		s.fail(c, err)
		return nil
	case l != nil:
		s.redirect(c, sessionPagePath(l.ID)+"/edit", "This is already published as a session: you can change it here.")
		return nil
	case !src.Live:
		s.fail(c, booking.Conflict("Only a confirmed booking with a date still to come can be published as a session."))
		return nil
	}
	return src
}

func ptrValue(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (s *Server) renderSessionPublish(c *gin.Context, status int, src *sessionSource, f sessionForm, v *view) {
	p := newSessionFormPage(f)
	p.Heading, p.Caption, p.Submit = "Publish as a session", src.Where, "Publish session"
	p.Action, p.Cancel = src.Publish, link{Href: src.Path, Text: "Cancel"}
	p.When = src.When
	v.Title, v.Data = p.Heading, p
	v.Back = &link{Href: src.Path, Text: "Back"}
	s.render(c, status, "session-form", v)
}

// sessionPublishPage is the form that publishes a confirmed booking
// (series false) or series as a session.
func (s *Server) sessionPublishPage(series bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if src := s.publishable(c, series); src != nil {
			s.renderSessionPublish(c, http.StatusOK, src, sessionForm{}, &view{})
		}
	}
}

// sessionPublishSubmit publishes a booking or series with the same
// function as the API, and shows the session's page.
func (s *Server) sessionPublishSubmit(series bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		src := s.publishable(c, series)
		if src == nil {
			return
		}
		form, err := readForm(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		f := sessionFormFrom(form)
		v := &view{}
		in, ok := checkSessionForm(&v.Errors, f)
		if !ok {
			s.renderSessionPublish(c, http.StatusUnprocessableEntity, src, f, v)
			return
		}
		in.BookingID, in.SeriesID = src.BookingID, src.SeriesID
		sv, err := s.publishSession(c.Request.Context(), currentPrincipal(c), in)
		if err != nil {
			status, ok := addSessionProblems(&v.Errors, err)
			if !ok {
				s.fail(c, err)
				return
			}
			v.Errors.inOrder(sessionOrder...)
			s.renderSessionPublish(c, status, src, f, v)
			return
		}
		s.redirect(c, sessionPagePath(sv.ID), "Your session is published: anyone can now find it and subscribe to its dates.")
	}
}

// loadSessionToChange reads the session in the URL for a member of its
// group: 404 when there is none, 403 for anyone else.
func (s *Server) loadSessionToChange(c *gin.Context) (*models.ListingView, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	v, err := s.store.ListingByID(c.Request.Context(), id, s.now())
	if err != nil {
		return nil, err
	}
	if currentPrincipal(c).orgRole(v.OrganisationID) == "" {
		return nil, newForbidden("Only the group's own members can change its session.")
	}
	return v, nil
}

func (s *Server) renderSessionEdit(c *gin.Context, status int, sv *models.ListingView, f sessionForm, v *view) {
	p := newSessionFormPage(f)
	path := sessionPagePath(sv.ID)
	p.Heading, p.Caption, p.Submit = "Change your session", sv.SpaceName+", "+sv.SiteName, "Save changes"
	p.Action, p.Cancel, p.SessionID = path+"/edit", link{Href: path, Text: "Cancel"}, sv.ID
	v.Title, v.Data = p.Heading+": "+sv.Title, p
	v.Back = &link{Href: path, Text: "Back to the session"}
	s.render(c, status, "session-form", v)
}

// sessionEditPage is the form that changes what a session says, filled in
// with what it says now.
func (s *Server) sessionEditPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		sv, err := s.loadSessionToChange(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderSessionEdit(c, http.StatusOK, sv, sessionFormOf(sv.Published()), &view{})
	}
}

// sessionEditSubmit saves what a session says with the same function as
// the API.
func (s *Server) sessionEditSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		sv, err := s.loadSessionToChange(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		form, err := readForm(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		f := sessionFormFrom(form)
		v := &view{}
		in, ok := checkSessionForm(&v.Errors, f)
		if ok {
			_, err = s.updateSession(c.Request.Context(), currentPrincipal(c), sv.ID, in)
			if err == nil {
				s.redirect(c, sessionPagePath(sv.ID), "Your changes to the session are saved.")
				return
			}
		}
		status := http.StatusUnprocessableEntity
		if err != nil {
			if status, ok = addSessionProblems(&v.Errors, err); !ok {
				s.fail(c, err)
				return
			}
			v.Errors.inOrder(sessionOrder...)
		}
		s.renderSessionEdit(c, status, sv, f, v)
	}
}

// sessionUnpublishPage is what the unpublish page shows.
type sessionUnpublishPage struct {
	Session *models.ListingView
	// Own says the viewer is one of the group, whose bookings stay.
	Own bool
}

// loadSessionToTakeDown reads the session in the URL for someone who may
// take it down: its group's members, the site's estates managers and
// admins. It is 404 when there is none and 403 for anyone else.
func (s *Server) loadSessionToTakeDown(c *gin.Context) (*models.ListingView, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	v, err := s.store.ListingByID(c.Request.Context(), id, s.now())
	if err != nil {
		return nil, err
	}
	if !currentPrincipal(c).managesSession(v) {
		return nil, newForbidden("Only the group's own members and the site's estates managers can take a session down.")
	}
	return v, nil
}

// sessionUnpublishPage asks to confirm taking a session down.
func (s *Server) sessionUnpublishPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		sv, err := s.loadSessionToTakeDown(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		own := currentPrincipal(c).orgRole(sv.OrganisationID) != ""
		s.render(c, http.StatusOK, "session-unpublish", &view{
			Title: "Take this session down: " + sv.Title,
			Back:  &link{Href: sessionPagePath(sv.ID), Text: "Back to the session"},
			Data:  sessionUnpublishPage{Session: sv, Own: own},
		})
	}
}

// sessionUnpublishSubmit takes a session down with the same function as
// the API. The group goes back to its booking or series; the estate's
// staff to the directory.
func (s *Server) sessionUnpublishSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		sv, err := s.loadSessionToTakeDown(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		who := currentPrincipal(c)
		if err := s.unpublishSession(c.Request.Context(), who, sv.ID); err != nil {
			s.fail(c, err)
			return
		}
		to := "/groups"
		if who.orgRole(sv.OrganisationID) != "" {
			to = sessionSourcePath(sv.Listing)
		}
		s.redirect(c, to, "The session is taken down: it no longer shows in search or calendars. The bookings are unchanged.")
	}
}

// sessionSourcePath is the page of the booking or series a session lists.
func sessionSourcePath(l models.Listing) string {
	if l.SeriesID != nil {
		return "/series/" + itoa(*l.SeriesID)
	}
	return "/bookings/" + itoa(ptrValue(l.BookingID))
}

// sessionStatus is what a booking's or series' page tells its group about
// publishing it as a session: the session published, or where to publish
// one when it can be.
type sessionStatus struct {
	ID      int64
	Title   string
	Publish string
	// OfSeries says publishing a date publishes its whole series.
	OfSeries bool
}

// sessionStatusOf is the session status of a booking (seriesID 0) or a
// series for the viewer: nil unless they are one of its group and it is
// published or can be (live: it has a confirmed date still to come).
func (s *Server) sessionStatusOf(ctx context.Context, who *principal, orgID, bookingID, seriesID int64, live bool) (*sessionStatus, error) {
	if who.orgRole(orgID) == "" {
		return nil, nil
	}
	l, err := s.store.ListingOf(ctx, bookingID, seriesID)
	switch {
	case err != nil:
		return nil, err
	case l != nil:
		return &sessionStatus{ID: l.ID, Title: l.Title}, nil
	case !live:
		return nil, nil
	case seriesID != 0:
		return &sessionStatus{Publish: "/series/" + itoa(seriesID) + "/publish", OfSeries: bookingID != 0}, nil
	}
	return &sessionStatus{Publish: "/bookings/" + itoa(bookingID) + "/publish"}, nil
}
