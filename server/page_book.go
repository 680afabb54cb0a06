package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// unbookedCookie carries the dates a new series could not book, and why,
// to the series page once, as the flash message carries its news.
const unbookedCookie = "commonroom_unbooked"

// bookingSpace loads the space in the URL, for an account that may book
// it for some organisation, with the organisations it may choose from.
func (s *Server) bookingSpace(c *gin.Context) (*bookPage, []booking.Window, error) {
	ctx := c.Request.Context()
	sp, err := s.visibleSpace(c)
	if err != nil {
		return nil, nil, err
	}
	who := currentPrincipal(c)
	orgs, onBehalf, err := s.bookingOrganisations(ctx, who, sp)
	if err != nil {
		return nil, nil, err
	}
	if len(orgs) == 0 {
		return nil, nil, newForbidden("You can book only for an organisation you belong to, or on a group's behalf at a site you manage. Register your organisation, or ask its admin to add you.")
	}
	windows, _, err := s.store.SpaceOpeningWindows(ctx, sp)
	if err != nil {
		return nil, nil, err
	}
	p := &bookPage{
		Space: sp, Hourly: sp.BookingUnit == "hour", Orgs: orgs, OnBehalf: onBehalf,
		Purposes: booking.Purposes, Policies: booking.Policies, Hours: hoursLines(windows),
		Action: "/spaces/" + itoa(sp.ID) + "/book",
	}
	if len(orgs) == 1 {
		p.OrgName = orgs[0].Label
	}
	return p, windows, nil
}

func (s *Server) bookView(p *bookPage) *view {
	return &view{Title: "Book " + p.Space.Name, Back: &link{Href: "/spaces/" + itoa(p.Space.ID), Text: "Back to " + p.Space.Name}, Data: p}
}

// bookSpacePage is the booking form, filled in from the free time a link
// came from: ?date=2026-12-08&start=10:00&end=11:00.
func (s *Server) bookSpacePage() gin.HandlerFunc {
	return func(c *gin.Context) {
		p, _, err := s.bookingSpace(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		get := func(k string) string { return strings.TrimSpace(strings.ToValidUTF8(c.Query(k), "")) }
		p.Form = bookForm{Date: datePartsFrom(get, "date"), Start: get("start"), End: get("end"),
			Repeat: repeatOnce, Policy: booking.AllOrNothing}
		if len(p.Orgs) == 1 {
			p.Form.OrganisationID = p.Orgs[0].Value
		}
		s.render(c, http.StatusOK, "book", s.bookView(p))
	}
}

// bookSpaceSubmit first shows what the form asks for with its price and
// why (the check page); confirmed there, it books once or weekly with the
// same functions as the API and shows what was booked. Either way a form
// with something wrong comes back with what is wrong.
func (s *Server) bookSpaceSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		p, windows, err := s.bookingSpace(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		form, err := readForm(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		p.Form = bookFormFrom(form)
		v := s.bookView(p)
		req := p.Form.request(&v.Errors, p.Space)
		status := http.StatusUnprocessableEntity
		who := currentPrincipal(c)
		switch {
		case v.Errors.any():
		case form.Get("change") != "":
			// Back from the check page to the form, as it was filled in.
			s.render(c, http.StatusOK, "book", v)
			return
		case form.Get("confirm") != "yes":
			ch, err := s.checkBooking(ctx, who, p, req, form)
			if err == nil {
				v.Title, v.Data = "Check your booking of "+p.Space.Name, ch
				v.Back = nil
				s.render(c, http.StatusOK, "book-check", v)
				return
			}
			var ok bool
			if status, ok = p.addBookingError(&v.Errors, err, models.RulesOf(p.Space), windows); !ok {
				s.fail(c, err)
				return
			}
		case req.single != nil:
			b, err := s.createBooking(ctx, who, *req.single)
			if err == nil {
				msg := "Booking confirmed."
				switch b.State {
				case booking.Requested:
					msg = "Booking requested. The estates team will approve or decline it, usually within 2 working days."
				case booking.PendingPayment:
					msg = "Booking made and held for you. Pay by card to confirm it."
				}
				s.redirect(c, "/bookings/"+itoa(b.ID), msg)
				return
			}
			var ok bool
			if status, ok = p.addBookingError(&v.Errors, err, models.RulesOf(p.Space), windows); !ok {
				s.fail(c, err)
				return
			}
		default:
			sr, unbooked, err := s.createSeries(ctx, who, *req.series)
			if err == nil {
				s.keepUnbooked(c, sr.ID, unbooked, models.RulesOf(p.Space))
				s.redirect(c, "/series/"+itoa(sr.ID), seriesNews(sr, len(unbooked)))
				return
			}
			var ok bool
			if status, ok = p.addBookingError(&v.Errors, err, models.RulesOf(p.Space), windows); !ok {
				s.fail(c, err)
				return
			}
		}
		v.Errors.inOrder(bookOrder...)
		s.render(c, status, "book", v)
	}
}

// seriesNews says what booking a series did.
func seriesNews(sr *models.Series, unbooked int) string {
	n, requested := len(sr.Bookings), 0
	for _, b := range sr.Bookings {
		if b.State == booking.Requested {
			requested++
		}
	}
	msg := plural(n, "weekly session") + " booked"
	switch {
	case requested == n:
		msg = plural(n, "weekly session") + " requested. The estates team will approve or decline them"
	case requested > 0:
		msg += "; " + plural(requested, "is", "are") + " waiting for approval"
	}
	if unbooked > 0 {
		msg += ". " + plural(unbooked, "date") + " could not be booked: see below"
	}
	return msg + "."
}

// plural puts a count before a noun, or with two words chooses the one
// for the count: plural(2, "date") is "2 dates"; plural(1, "is", "are")
// is "1 is".
func plural(n int, word string, many ...string) string {
	switch {
	case len(many) > 0 && n != 1:
		word = many[0]
	case len(many) == 0 && n != 1:
		word += "s"
	}
	return itoa(int64(n)) + " " + word
}

// keepUnbooked leaves the dates a new series could not book for its page
// to show once; a long list is cut short to fit in a cookie.
func (s *Server) keepUnbooked(c *gin.Context, seriesID int64, unbooked []booking.Unbooked, rules booking.Rules) {
	if len(unbooked) == 0 {
		return
	}
	v := url.Values{}
	for _, u := range unbooked {
		next := url.Values{"d": append(v["d"], u.Date.String()), "r": append(v["r"], unbookedReason(u, rules.Buffer))}
		if len(next.Encode()) > 3000 {
			break
		}
		v = next
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: unbookedCookie, Value: v.Encode(), Path: "/series/" + itoa(seriesID), MaxAge: 60,
		HttpOnly: true, Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode,
	})
}

// takeUnbooked reads and clears the reasons keepUnbooked left for a
// series, by date.
func (s *Server) takeUnbooked(c *gin.Context, seriesID int64) map[booking.Date]string {
	ck, err := c.Cookie(unbookedCookie)
	if err != nil || ck == "" {
		return nil
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: unbookedCookie, Value: "", Path: "/series/" + itoa(seriesID), MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode,
	})
	v, err := url.ParseQuery(ck)
	if err != nil {
		return nil
	}
	out := map[booking.Date]string{}
	for i, d := range v["d"] {
		date, err := booking.ParseDate(d)
		if err == nil && i < len(v["r"]) && len(v["r"][i]) <= maxShortTextLength {
			out[date] = v["r"][i]
		}
	}
	return out
}
