package booking

import (
	"strings"
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
	CostNote    string
	Join        string
	Contact     string // a public contact, optional
	Languages   []string
	AccessNotes string
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
	if l.Join == "referral" && strings.TrimSpace(l.Contact) == "" {
		p.Add("contact", "Give a contact for referrals")
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
