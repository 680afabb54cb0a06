package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// hoursSlots is how many windows a day of the opening hours form offers
// at least: a day in one piece or split around a break.
const hoursSlots = 2

// hoursDay is one weekday of the opening hours form, each of its windows
// as typed.
type hoursDay struct {
	Key, Label string // monday, Monday
	Slots      []hoursSlot
}

// hoursSlot is one window of a day as typed; N counts from 1.
type hoursSlot struct {
	N                int
	Day              string
	Opens, Closes    string
	OpensID, CloseID string
}

// hoursForm is the opening hours form: the week, Monday first, and for a
// space whether it follows its site's hours.
type hoursForm struct {
	Days   []hoursDay
	Source string // site or space, for a space
}

// hoursPage is what the opening hours template shows.
type hoursPage struct {
	Heading, Caption, Action, Cancel string
	Form                             hoursForm
	Space                            *models.Space // nil for a site
	SiteHours                        []string      // the site's, for a space
}

// weekOrder are the weekdays as a week reads in the UK.
var weekOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// hoursFormOf fills the form with windows.
func hoursFormOf(ws []booking.Window) hoursForm {
	var f hoursForm
	for _, d := range weekOrder {
		day := hoursDay{Key: weekdayNames[d], Label: d.String()}
		for _, w := range ws {
			if w.Weekday == d {
				day.Slots = append(day.Slots, hoursSlot{Opens: w.Opens.String(), Closes: w.Closes.String()})
			}
		}
		f.Days = append(f.Days, day.numbered(len(day.Slots)))
	}
	return f
}

// numbered gives the day at least hoursSlots slots, and at least n, each
// with its number and input ids.
func (d hoursDay) numbered(n int) hoursDay {
	for len(d.Slots) < max(n, hoursSlots) {
		d.Slots = append(d.Slots, hoursSlot{})
	}
	for i := range d.Slots {
		n := strconv.Itoa(i + 1)
		d.Slots[i].N, d.Slots[i].Day = i+1, d.Label
		d.Slots[i].OpensID, d.Slots[i].CloseID = d.Key+"-opens-"+n, d.Key+"-closes-"+n
	}
	return d
}

// hoursFormFrom reads the posted form: up to maxWindowsADay windows a day.
func hoursFormFrom(form url.Values) hoursForm {
	f := hoursForm{Source: form.Get("source")}
	for _, d := range weekOrder {
		day := hoursDay{Key: weekdayNames[d], Label: d.String()}
		last := 0
		for n := 1; n <= maxWindowsADay; n++ {
			s := hoursSlot{
				Opens:  strings.TrimSpace(form.Get(day.Key + "-opens-" + strconv.Itoa(n))),
				Closes: strings.TrimSpace(form.Get(day.Key + "-closes-" + strconv.Itoa(n))),
			}
			day.Slots = append(day.Slots, s)
			if s.Opens != "" || s.Closes != "" {
				last = n
			}
		}
		day.Slots = day.Slots[:max(last, hoursSlots)]
		f.Days = append(f.Days, day.numbered(0))
	}
	return f
}

// windows reads the form into the API's windows, naming problems it finds
// on its own under the inputs, and returns the input of each window so the
// API's problems can be named too.
func (f hoursForm) windows(errs *formErrors) ([]openingWindowJSON, []hoursSlot) {
	out := []openingWindowJSON{}
	var slots []hoursSlot
	for _, d := range f.Days {
		for _, s := range d.Slots {
			if s.Opens == "" && s.Closes == "" {
				continue
			}
			session := ""
			if s.N > 1 {
				session = " (session " + strconv.Itoa(s.N) + ")"
			}
			opens, ok1 := formClock(errs, s.OpensID, s.Opens, d.Label+"’s opening time"+session, true)
			closes, ok2 := formClock(errs, s.CloseID, s.Closes, d.Label+"’s closing time"+session, true)
			if !ok1 || !ok2 {
				continue
			}
			if closes == 0 {
				closes = 24 * 60 // closing at midnight is the end of the day
			}
			out = append(out, openingWindowJSON{Weekday: d.Key, Opens: opens.String(), Closes: closes.String()})
			slots = append(slots, s)
		}
	}
	return out, slots
}

// windowField is a field the API names in a list of windows.
var windowField = regexp.MustCompile(`^windows\[(\d+)\](?:\.(\w+))?$`)

// addHoursError records the API's problems with the windows under the
// inputs they came from; false when err is not a validation error.
func addHoursError(errs *formErrors, err error, slots []hoursSlot, first string) bool {
	var v *booking.ValidationError
	if !errors.As(err, &v) {
		return false
	}
	for _, fe := range v.Fields {
		m := windowField.FindStringSubmatch(fe.Field)
		if m == nil {
			errs.add(first, fe.Message)
			continue
		}
		i, _ := strconv.Atoi(m[1])
		if i >= len(slots) {
			errs.add(first, fe.Message)
			continue
		}
		s := slots[i]
		switch {
		case m[2] == "closes" && strings.HasPrefix(fe.Message, "Must be after the opening time"):
			errs.add(s.CloseID, s.Day+"’s closing time must be after its opening time")
		case m[2] == "closes":
			errs.add(s.CloseID, fe.Message)
		case strings.HasPrefix(fe.Message, "Overlaps"):
			errs.add(s.OpensID, s.Day+"’s sessions must not overlap")
		default:
			errs.add(s.OpensID, fe.Message)
		}
	}
	return true
}

// checkHoursForm adds the API's own checks of the windows that could be
// read to the form's problems, so one answer lists everything to fix.
func checkHoursForm(errs *formErrors, windows []openingWindowJSON, slots []hoursSlot, f hoursForm) {
	var p booking.Problems
	parseOpeningWindows(&p, windows)
	addHoursError(errs, p.Err(), slots, f.Days[0].Slots[0].OpensID)
}

// hoursOrder is the order of the opening hours form's inputs.
func (f hoursForm) order() []string {
	ids := []string{"source"}
	for _, d := range f.Days {
		for _, s := range d.Slots {
			ids = append(ids, s.OpensID, s.CloseID)
		}
	}
	return ids
}

func siteHoursPage(site *models.Site, f hoursForm) *hoursPage {
	return &hoursPage{Heading: "Opening hours", Caption: site.Name, Form: f,
		Action: "/manage/sites/" + itoa(site.ID) + "/opening-hours", Cancel: "/sites/" + itoa(site.ID)}
}

func hoursView(p *hoursPage) *view {
	return &view{Title: p.Heading + ", " + p.Caption, Back: &link{Href: p.Cancel, Text: "Back"}, Data: p}
}

// siteHoursForm is the form a site's estates managers set its weekly
// opening hours with.
func (s *Server) siteHoursForm() gin.HandlerFunc {
	return func(c *gin.Context) {
		site, err := s.managedSite(c)
		var ws []booking.Window
		if err == nil {
			ws, err = s.store.SiteOpeningWindows(c.Request.Context(), site.ID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.render(c, http.StatusOK, "opening-hours", hoursView(siteHoursPage(site, hoursFormOf(ws))))
	}
}

// siteHoursSubmit saves a site's opening hours with the same function as
// the API.
func (s *Server) siteHoursSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		site, err := s.managedSite(c)
		var form url.Values
		if err == nil {
			form, err = readForm(c)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		f := hoursFormFrom(form)
		v := hoursView(siteHoursPage(site, f))
		windows, slots := f.windows(&v.Errors)
		if v.Errors.any() {
			checkHoursForm(&v.Errors, windows, slots, f)
		} else {
			err := s.setSiteOpeningHours(c.Request.Context(), currentPrincipal(c), site.ID, siteOpeningHoursInput{Windows: windows})
			if err == nil {
				s.redirect(c, "/sites/"+itoa(site.ID), "Opening hours saved.")
				return
			}
			if !addHoursError(&v.Errors, err, slots, f.Days[0].Slots[0].OpensID) {
				s.fail(c, err)
				return
			}
		}
		v.Errors.inOrder(f.order()...)
		s.render(c, http.StatusUnprocessableEntity, "opening-hours", v)
	}
}

// spaceHoursForm is the form a site's estates managers give a space hours
// of its own with, or send it back to its site's.
func (s *Server) spaceHoursForm() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		sp, err := s.managedSpace(c)
		var ws []booking.Window
		if err == nil {
			ws, _, err = s.store.SpaceOpeningWindows(ctx, sp)
		}
		var p *hoursPage
		if err == nil {
			f := hoursFormOf(ws)
			f.Source = hoursOfSite
			if sp.OwnOpeningHours {
				f.Source = hoursOfSpace
			}
			p, err = s.spaceHoursPage(ctx, sp, f)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.render(c, http.StatusOK, "opening-hours", hoursView(p))
	}
}

// spaceHoursPage is the opening hours page of a space, with its site's
// hours to compare.
func (s *Server) spaceHoursPage(ctx context.Context, sp *models.Space, f hoursForm) (*hoursPage, error) {
	site, err := s.store.SiteOpeningWindows(ctx, sp.SiteID)
	if err != nil {
		return nil, err
	}
	return &hoursPage{Heading: "Opening hours of " + sp.Name, Caption: sp.Site.Name, Form: f, Space: sp, SiteHours: hoursLines(site),
		Action: "/manage/spaces/" + itoa(sp.ID) + "/opening-hours", Cancel: "/spaces/" + itoa(sp.ID)}, nil
}

// spaceHoursSubmit saves a space's opening hours with the same function as
// the API.
func (s *Server) spaceHoursSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		sp, err := s.managedSpace(c)
		var form url.Values
		if err == nil {
			form, err = readForm(c)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		f := hoursFormFrom(form)
		p, err := s.spaceHoursPage(ctx, sp, f)
		if err != nil {
			s.fail(c, err)
			return
		}
		v := hoursView(p)
		var in spaceOpeningHoursInput
		var slots []hoursSlot
		switch f.Source {
		case hoursOfSite:
			in.UseSiteHours = true
		case hoursOfSpace:
			in.Windows, slots = f.windows(&v.Errors)
		default:
			v.Errors.add("source", "Select whose opening hours the space follows")
		}
		if v.Errors.any() {
			checkHoursForm(&v.Errors, in.Windows, slots, f)
		} else {
			_, err := s.setSpaceOpeningHours(ctx, currentPrincipal(c), sp.ID, in)
			if err == nil {
				s.redirect(c, "/spaces/"+itoa(sp.ID), "Opening hours saved.")
				return
			}
			if !addHoursError(&v.Errors, err, slots, f.Days[0].Slots[0].OpensID) {
				s.fail(c, err)
				return
			}
		}
		v.Errors.inOrder(f.order()...)
		s.render(c, http.StatusUnprocessableEntity, "opening-hours", v)
	}
}
