package server

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// groupsPerPage is how many sessions a page of the directory lists.
const groupsPerPage = 10

// groupDistances are the distances from a postcode the directory offers
// to search within, in kilometres.
var groupDistances = []booking.Option{
	{Value: "", Label: "Any distance"}, {Value: "1", Label: "1 km (about half a mile)"},
	{Value: "2", Label: "2 km (about 1 mile)"}, {Value: "5", Label: "5 km (about 3 miles)"},
	{Value: "10", Label: "10 km (about 6 miles)"}, {Value: "20", Label: "20 km (about 12 miles)"},
}

// groupDays are the days of the week in the order people read a week,
// with the names the search takes.
var groupDays = []booking.Option{
	{Value: "monday", Label: "Monday"}, {Value: "tuesday", Label: "Tuesday"}, {Value: "wednesday", Label: "Wednesday"},
	{Value: "thursday", Label: "Thursday"}, {Value: "friday", Label: "Friday"}, {Value: "saturday", Label: "Saturday"},
	{Value: "sunday", Label: "Sunday"},
}

// groupsOrder is the order of the directory form's inputs, for the error
// summary.
var groupsOrder = []string{"q", "category", "day", "time_of_day", "near", "within_km", "site", "access", "cost", "join"}

// groupsWords are the form's own words for a value of an input that is
// not one of its options, which only an edited address can send.
var groupsWords = map[string]string{
	"category":    "Select a category from the list",
	"day":         "Select days of the week from the list",
	"time_of_day": "Select times of day from the list",
	"site":        "Select a building from the list",
	"within_km":   "Select a distance from the list",
	"access":      "Select access needs from the list",
	"cost":        "Select free sessions only, or leave it unticked",
	"join":        "Select how people join from the list",
}

// groupsForm is the directory's search as typed.
type groupsForm struct {
	Q, Category, Site, Near, WithinKm, Join, From string
	Days, Parts, Access                           []string
	Free                                          bool
}

// groupsPageData is the directory: its search form and a page of the
// sessions found.
type groupsPageData struct {
	Form groupsForm
	// Action is where the form is sent: the directory, or the link
	// workers' view of sessions that need a referral.
	Action string
	// Referrals is the link workers' view, which shows referral contacts.
	Referrals bool
	// ReferralsLink offers the link workers' view to those who may see it.
	ReferralsLink bool
	// Postcodes says whether postcode search is on.
	Postcodes                          bool
	Categories, Sites, Distances, Join []booking.Option
	Days, Parts, Access, Free          []checkItem
	Results                            []sessionCard
	Total                              int64
	From                               string // the first day searched, when not today
	Prev, Next                         string
}

// sessionCard is a session as a result of a search.
type sessionCard struct {
	ID      int64
	Title   string
	Href    string
	Pattern string // when it meets, like "Tuesdays, 10am to 11am"; empty if irregular
	Dates   []sessionDateLine
	Place   string
	// Distance is how far it is from the place searched near, in words;
	// empty without one.
	Distance string
	Cost     string
	Join     string
	Access   []string
	// Referral is the link workers' view of the session: how to refer
	// someone, and the group's public contact.
	Referral                 bool
	ReferralContact, Contact string
}

// sessionDateLine is one date of a session, in words.
type sessionDateLine struct {
	Day, Times string
	Cancelled  bool
}

// groupsPage is the directory of where groups meet: anyone searches the
// published sessions by words, category, day, time of day, building,
// distance from a postcode, access, cost and how to join.
func (s *Server) groupsPage() gin.HandlerFunc {
	return func(c *gin.Context) { s.renderGroups(c, false) }
}

// groupReferralsPage is the link workers' view of the directory: the
// sessions that need a referral, with how to refer someone.
func (s *Server) groupReferralsPage() gin.HandlerFunc {
	return func(c *gin.Context) { s.renderGroups(c, true) }
}

func (s *Server) renderGroups(c *gin.Context, referrals bool) {
	ctx := c.Request.Context()
	who := currentPrincipal(c)
	query := c.Request.URL.Query()
	// Checkbox groups send a value each; the search reads them as a list.
	get := func(k string) string {
		vs := make([]string, 0, len(query[k]))
		for _, v := range query[k] {
			vs = append(vs, strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", ""), "")))
		}
		return strings.Join(vs, ",")
	}
	f := groupsForm{Q: get("q"), Category: get("category"), Site: get("site"), Near: get("near"),
		WithinKm: get("within_km"), Join: get("join"), From: get("from"),
		Days: splitList(get("day")), Parts: splitList(get("time_of_day")), Access: splitList(get("access")),
		Free: get("cost") == "free"}
	d := &groupsPageData{Form: f, Action: "/groups", Referrals: referrals, Postcodes: s.geocoder != nil,
		ReferralsLink: !referrals && seesReferrals(who),
		Categories:    prependOption("", "Any category", booking.SessionCategories),
		Distances:     groupDistances,
		Join:          prependOption("", "Any way", booking.JoinModes),
	}
	title := "Where groups meet"
	if referrals {
		d.Action, title = "/groups/referrals", "Sessions that need a referral"
	}
	for i, o := range groupDays {
		d.Days = append(d.Days, checkItem{ID: itemID("day", i), Name: "day", Value: o.Value, Label: o.Label,
			Checked: slices.Contains(f.Days, o.Value)})
	}
	for i, o := range booking.DayParts {
		d.Parts = append(d.Parts, checkItem{ID: itemID("time_of_day", i), Name: "time_of_day", Value: o.Value, Label: o.Label,
			Checked: slices.Contains(f.Parts, o.Value)})
	}
	for i, o := range booking.SessionAccess {
		d.Access = append(d.Access, checkItem{ID: itemID("access", i), Name: "access", Value: o.Value, Label: o.Label,
			Checked: slices.Contains(f.Access, o.Value)})
	}
	d.Free = []checkItem{{ID: "cost", Name: "cost", Value: "free", Label: "Free sessions only", Checked: f.Free}}
	sites, _, err := s.store.Sites(ctx, models.SiteFilter{}, models.Page{})
	if err != nil {
		s.fail(c, err)
		return
	}
	d.Sites = []booking.Option{{Value: "", Label: "Any building"}}
	for _, site := range sites {
		d.Sites = append(d.Sites, booking.Option{Value: itoa(site.ID), Label: site.Name + ", " + site.Town})
	}
	v := &view{Title: title, Data: d}

	var p booking.Problems
	now := s.now()
	from := now
	if t := queryInstant(c, &p, "from"); t != nil && t.After(now) {
		from = *t
		d.From = formatDay(from)
	}
	// The building and the distance must be among the form's options,
	// which the search itself does not know.
	offered := map[string]bool{
		"site":      f.Site == "" || optionLabel(d.Sites, f.Site) != f.Site,
		"within_km": f.WithinKm == "" || optionLabel(groupDistances, f.WithinKm) != f.WithinKm,
	}
	for _, field := range []string{"site", "within_km"} {
		if !offered[field] {
			v.Errors.add(s.groupsInput(field), groupsWords[field])
		}
	}
	search, err := s.readSessionSearch(ctx, get, &p)
	status := http.StatusUnprocessableEntity
	if errors.Is(err, errPostcodeLookup) {
		v.Errors.add(s.groupsInput("near"), "Postcode search is not working just now. Try again later, or choose a building instead.")
		status = http.StatusServiceUnavailable
	} else if err != nil {
		s.fail(c, err)
		return
	}
	var invalid *booking.ValidationError
	if errors.As(p.Err(), &invalid) {
		for _, fe := range invalid.Fields {
			if ok, known := offered[fe.Field]; !known || ok {
				v.Errors.add(s.groupsInput(fe.Field), s.groupsMessage(fe, f))
			}
		}
	}
	if v.Errors.any() {
		v.Errors.inOrder(groupsOrder...)
		s.render(c, status, "groups", v)
		return
	}

	q := search.Query
	page := pageNumber(c)
	q.From, q.Page = from, models.Page{Number: page, PerPage: groupsPerPage}
	if referrals {
		q.Join = "referral"
	}
	views, total, err := s.store.SearchListings(ctx, q)
	if err == nil {
		err = s.store.ListingDates(ctx, views, from, listSessionDates)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	d.Total = total
	for i := range views {
		d.Results = append(d.Results, s.sessionCard(&views[i], now, referrals && who.seesReferralContact(views[i].OrganisationID)))
	}
	pageURL := func(n int) string {
		u := url.Values{}
		for k, vs := range query {
			if k != "page" {
				u[k] = vs
			}
		}
		u.Set("page", strconv.Itoa(n))
		return d.Action + "?" + u.Encode()
	}
	if page > 1 {
		d.Prev = pageURL(page - 1)
	}
	if int64(page*groupsPerPage) < total {
		d.Next = pageURL(page + 1)
	}
	s.render(c, http.StatusOK, "groups", v)
}

// seesReferrals reports whether the account may use the link workers'
// view of the directory.
func seesReferrals(who *principal) bool {
	return who != nil && (who.User.Role == booking.RoleLinkWorker || who.isStaff())
}

// itemID is the id of the i-th checkbox or radio of a group, as the
// NHS.UK macros number them: the first has the group's id.
func itemID(group string, i int) string {
	if i == 0 {
		return group
	}
	return group + "-" + strconv.Itoa(i+1)
}

// groupsInput is the id of the input a search problem is about: none for
// the first date, which has no input, nor for the postcode and distance
// when postcode search is off and the form has neither.
func (s *Server) groupsInput(field string) string {
	switch field {
	case "near", "within_km":
		if s.geocoder == nil {
			return ""
		}
	case "from":
		return ""
	}
	return field
}

// groupsMessage puts a search problem in the form's words.
func (s *Server) groupsMessage(fe booking.FieldError, f groupsForm) string {
	switch {
	case fe.Field == "near" && f.Near == "" && s.geocoder == nil:
		return "Search by distance needs a postcode, and search by postcode is not available here: choose a building instead"
	case fe.Field == "near" && f.Near == "":
		return "Enter a postcode to search within a distance of it"
	case fe.Field == "from":
		return "The first date to search from must be a date like 2026-12-01"
	}
	if w, ok := groupsWords[fe.Field]; ok {
		return w
	}
	return fe.Message
}

// sessionCard is how a search result shows a session: referral says to
// include its referral contact.
func (s *Server) sessionCard(v *models.ListingView, now time.Time, referral bool) sessionCard {
	card := sessionCard{ID: v.ID, Title: v.Title, Href: sessionPagePath(v.ID), Pattern: sessionPattern(v.Dates),
		Place: v.SiteName + ", " + v.Town, Cost: sessionCost(v.CostPence, v.CostNote), Join: booking.JoinModeLabel(v.JoinMode),
		Access: accessLabels(v.Access())}
	for _, dt := range v.Dates {
		card.Dates = append(card.Dates, sessionDate(dt, now))
	}
	if v.DistanceKm != nil {
		card.Distance = formatDistance(*v.DistanceKm)
	}
	if referral {
		card.Referral, card.ReferralContact, card.Contact = true, v.ReferralContact, v.Contact
	}
	return card
}

// sessionDate shows a date of a session, like "Tuesday 1 December" and
// "10am to 11am"; the year is given when it is not this year.
func sessionDate(dt models.ListingDate, now time.Time) sessionDateLine {
	layout := "Monday 2 January"
	if dt.StartsAt.In(booking.London).Year() != now.In(booking.London).Year() {
		layout += " 2006"
	}
	return sessionDateLine{Day: dt.StartsAt.In(booking.London).Format(layout), Times: formatTimes(dt.StartsAt, dt.EndsAt),
		Cancelled: dt.Cancelled}
}

// sessionPattern says when a session meets, like "Tuesdays, 10am to
// 11am" or "Every other Thursday, 6pm to 8pm", when its dates keep to a
// weekly or fortnightly pattern; otherwise it is empty.
func sessionPattern(dates []models.ListingDate) string {
	if len(dates) < 2 {
		return ""
	}
	first := dates[0]
	day := booking.DateOf(first.StartsAt, booking.London)
	times := formatTimes(first.StartsAt, first.EndsAt)
	gap := 0
	for i, dt := range dates[1:] {
		next := booking.DateOf(dt.StartsAt, booking.London)
		prev := booking.DateOf(dates[i].StartsAt, booking.London)
		g := int(civil(next).Sub(civil(prev)).Hours() / 24)
		if next.Weekday() != day.Weekday() || formatTimes(dt.StartsAt, dt.EndsAt) != times || (gap != 0 && g != gap) {
			return ""
		}
		gap = g
	}
	weekday := day.Weekday().String()
	switch gap {
	case 7:
		return weekday + "s, " + times
	case 14:
		return "Every other " + weekday + ", " + times
	}
	return ""
}

// sessionCost shows what attending costs, like "Free" or "£1.50, pay what
// you can".
func sessionCost(pence int64, note string) string {
	if note == "" {
		return formatMoney(pence)
	}
	return formatMoney(pence) + ", " + lowerFirst(note)
}

// lowerFirst lowers the first letter of a note that follows a comma,
// unless it starts a word in capitals, like "NHS".
func lowerFirst(s string) string {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' || (s[1] >= 'A' && s[1] <= 'Z') {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// formatDistance shows how far away a place is, like "1.2 km (0.7 miles)
// away".
func formatDistance(km float64) string {
	km = math.Round(km*10) / 10
	miles := math.Round(km/1.609344*10) / 10
	return fmt.Sprintf("%.1f km (%.1f miles) away", km, miles)
}

// accessLabels are the labels of booking.SessionAccess facts.
func accessLabels(values []string) []string {
	out := make([]string, len(values))
	for i, a := range values {
		out[i] = booking.SessionAccessLabel(a)
	}
	return out
}

// groupPageData is one session's page.
type groupPageData struct {
	Session    *models.ListingView
	Paragraphs []string
	Categories []string
	Cost, Join string
	Languages  string
	// ReferralContact is shown only to link workers, the estate's staff
	// and the group.
	SeesReferral bool
	Pattern      string
	Dates        []sessionDateLine
	Listed       bool // it has a date to come, so it is in the directory
	Manages      bool
	Address      []string
	Access       []accessFact
	Coords       string
	// Directions is a link to directions to the site's coordinates, or
	// MapSearch one to find its postcode on a map when it has none.
	Directions, MapSearch string
	Subscribe             *subscribeView
	// Href is the page's own path, ShareURL its short address to share.
	Href, ShareURL string
	Print          bool
	PrintHref      string
}

// accessFact is one access fact and whether the session has it.
type accessFact struct {
	Label string
	Has   bool
}

// groupPage shows a published session to anyone: what it is, who it is
// for, how to join, its next dates, where it meets, how to get there and
// how to subscribe to its dates. With ?print=1 it is the version to print.
func (s *Server) groupPage() gin.HandlerFunc {
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
		now := s.now()
		d := groupPageData{Session: v, Cost: sessionCost(v.CostPence, v.CostNote), Join: booking.JoinModeLabel(v.JoinMode),
			Languages: strings.Join(v.Published().Languages, ", "), SeesReferral: who.seesReferralContact(v.OrganisationID),
			Pattern: sessionPattern(v.Dates), Listed: v.Next != nil, Manages: who.managesSession(v),
			Coords: formatCoords(v.Latitude, v.Longitude), Href: sessionPagePath(v.ID),
			ShareURL: s.absURL(sessionShortPath(v.ID)), Print: c.Query("print") == "1",
			PrintHref: sessionPagePath(v.ID) + "?print=1",
			Subscribe: s.subscribeTo(sessionFeedPath(v.ID), "Subscribe to this group's calendar",
				"Get this group's dates in your calendar app, without signing up. If a date is cancelled or a new one added, your calendar changes too.", false),
		}
		for _, line := range strings.Split(v.Description, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				d.Paragraphs = append(d.Paragraphs, line)
			}
		}
		for _, cat := range v.Categories {
			d.Categories = append(d.Categories, booking.SessionCategoryLabel(cat))
		}
		for _, dt := range v.Dates {
			d.Dates = append(d.Dates, sessionDate(dt, now))
		}
		for _, line := range []string{v.AddressLine1, v.AddressLine2, v.Town, v.Postcode} {
			if line != "" {
				d.Address = append(d.Address, line)
			}
		}
		has := v.Access()
		for _, a := range booking.SessionAccess {
			// Parking is told with its notes where the page says where it meets.
			if a.Value != "parking" {
				d.Access = append(d.Access, accessFact{Label: a.Label, Has: slices.Contains(has, a.Value)})
			}
		}
		if v.Latitude != nil && v.Longitude != nil {
			d.Directions = "https://www.openstreetmap.org/directions?route=" +
				url.QueryEscape(";"+strconv.FormatFloat(*v.Latitude, 'f', -1, 64)+","+strconv.FormatFloat(*v.Longitude, 'f', -1, 64))
		} else if v.Postcode != "" {
			d.MapSearch = "https://www.openstreetmap.org/search?query=" + url.QueryEscape(v.Postcode)
		}
		s.render(c, http.StatusOK, "group", &view{Title: v.Title, Back: &link{Href: "/groups", Text: "Where groups meet"},
			Data: d, Print: d.Print})
	}
}

// groupShortLink sends a session's short share address, /g/{id}, on to
// its page for good.
func (s *Server) groupShortLink() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Redirect(http.StatusMovedPermanently, sessionPagePath(id))
	}
}
