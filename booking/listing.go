package booking

import (
	"strings"
	"time"
	"unicode/utf8"
)

// SessionCategories are the kinds of session a listing can be found by: a
// fixed taxonomy suited to social prescribing. Each value is also the slug
// of its category's calendar feed.
var SessionCategories = []Option{
	{"physical_activity", "Physical activity"},
	{"arts_creativity", "Arts and creativity"},
	{"nature_gardening", "Nature and gardening"},
	{"food_cooking", "Food and cooking"},
	{"peer_support", "Peer support"},
	{"mental_wellbeing", "Mental wellbeing"},
	{"learning_skills", "Learning and skills"},
	{"money_advice", "Money and advice"},
	{"carers", "Carers"},
	{"bereavement", "Bereavement"},
	{"older_people", "Older people"},
	{"young_people", "Young people"},
	{"families", "Families"},
}

// SessionCategoryLabel is the label people see for a category.
func SessionCategoryLabel(c string) string { return labelOf(SessionCategories, c) }

// JoinModes say how someone joins a session.
var JoinModes = []Option{
	{"drop_in", "Drop in"},
	{"self_refer", "Get in touch first"},
	{"referral", "Referral needed"},
}

// JoinModeLabel is the label people see for a way of joining.
func JoinModeLabel(m string) string { return labelOf(JoinModes, m) }

// SessionAccess are the access facts a session can be searched by. A
// session has one when its space and site together give it: step-free
// access needs both to be step-free; an accessible toilet may be in either;
// a hearing loop must be in the space itself; a Changing Places toilet and
// parking are the site's.
var SessionAccess = []Option{
	{"step_free", "Step-free access"},
	{"accessible_toilet", "Accessible toilet"},
	{"changing_places", "Changing Places toilet"},
	{"hearing_loop", "Hearing loop"},
	{"parking", "Parking"},
}

// SessionAccessLabel is the label people see for an access fact.
func SessionAccessLabel(a string) string { return labelOf(SessionAccess, a) }

// ValidSessionAccess reports whether a is one of SessionAccess.
func ValidSessionAccess(a string) bool { return validOption(SessionAccess, a) }

// ValidSessionCategory reports whether c is one of SessionCategories.
func ValidSessionCategory(c string) bool { return validOption(SessionCategories, c) }

// ValidJoinMode reports whether m is one of JoinModes.
func ValidJoinMode(m string) bool { return validOption(JoinModes, m) }

// DayParts are the parts of the day a session can start in, London time,
// each a bit of a mask.
var DayParts = []Option{
	{"morning", "Morning (before 12pm)"},
	{"afternoon", "Afternoon (12pm to 5pm)"},
	{"evening", "Evening (from 5pm)"},
}

// DayPartBit is the mask bit of a part of the day, or 0 for none.
func DayPartBit(part string) int {
	for i, o := range DayParts {
		if o.Value == part {
			return 1 << i
		}
	}
	return 0
}

// DayPartOf is the mask bit of the part of the day a session starting at t
// (any zone) starts in, London time.
func DayPartOf(t time.Time) int {
	switch h := t.In(London).Hour(); {
	case h < 12:
		return 1
	case h < 17:
		return 2
	}
	return 4
}

// Limits of a listing's text, in characters.
const (
	maxListingTitle       = 120
	maxListingDescription = 4000
	maxListingShort       = 300 // who it is for, cost, contact, access notes
	maxListingCategories  = 4
	maxListingLanguages   = 10
)

// Listing is what a group publishes about its sessions: only this, and the
// site's and space's public facts, ever show in public.
type Listing struct {
	Title       string
	Description string
	Categories  []string
	// WhoFor says who the session is for, such as ages or any restriction.
	WhoFor string
	// CostPence is what attending costs each time; 0 is free.
	CostPence int64
	// CostNote adds to the cost, such as "pay what you can".
	CostNote string
	Join     string
	Contact  string // a public contact, optional
	// ReferralContact is how link workers refer someone: shown to them
	// only, never in public.
	ReferralContact string
	Languages       []string
	AccessNotes     string
}

// Check reports every problem with a listing, field by field.
func (l Listing) Check() error {
	var p Problems
	text := func(field, value string, max int, required bool, what string) {
		switch n := utf8.RuneCountInString(strings.TrimSpace(value)); {
		case n == 0 && required:
			p.Add(field, "Enter %s", what)
		case n > max:
			p.Add(field, "Must be at most %d characters", max)
		}
	}
	text("title", l.Title, maxListingTitle, true, "a title")
	text("description", l.Description, maxListingDescription, true, "a description")
	text("who_for", l.WhoFor, maxListingShort, false, "")
	text("cost_note", l.CostNote, maxListingShort, false, "")
	text("contact", l.Contact, maxListingShort, false, "")
	text("referral_contact", l.ReferralContact, maxListingShort, false, "")
	text("access_notes", l.AccessNotes, maxListingShort, false, "")
	switch {
	case len(l.Categories) == 0:
		p.Add("categories", "Choose at least one category: %s", strings.Join(Values(SessionCategories), ", "))
	case len(l.Categories) > maxListingCategories:
		p.Add("categories", "Choose at most %d categories", maxListingCategories)
	}
	seen := map[string]bool{}
	for _, c := range l.Categories {
		if !validOption(SessionCategories, c) {
			p.Add("categories", "%q is not a category: choose from %s", c, strings.Join(Values(SessionCategories), ", "))
		} else if seen[c] {
			p.Add("categories", "%q is there twice", c)
		}
		seen[c] = true
	}
	if l.CostPence < 0 || l.CostPence > 100_00 {
		p.Add("cost_pence", "Must be from 0 (free) to 10000 pence")
	}
	if !validOption(JoinModes, l.Join) {
		p.Add("join", "Choose how to join: %s", strings.Join(Values(JoinModes), ", "))
	}
	if l.Join == "referral" && strings.TrimSpace(l.Contact) == "" && strings.TrimSpace(l.ReferralContact) == "" {
		p.Add("contact", "Give a contact for referrals, in public or for link workers only")
	}
	if len(l.Languages) > maxListingLanguages {
		p.Add("languages", "List at most %d languages", maxListingLanguages)
	}
	for _, lang := range l.Languages {
		if n := utf8.RuneCountInString(strings.TrimSpace(lang)); n == 0 || n > 40 {
			p.Add("languages", "Each language is a name of 1 to 40 characters")
			break
		}
	}
	return p.Err()
}
