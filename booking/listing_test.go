package booking

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func validListing() Listing {
	return Listing{
		Title: "Knit and natter", Description: "Bring a project or learn from scratch; tea provided.",
		Categories: []string{"arts_creativity", "peer_support"}, WhoFor: "Adults", Join: "drop_in",
		Languages: []string{"English", "Polish"},
	}
}

func TestListingCheck(t *testing.T) {
	if err := validListing().Check(); err != nil {
		t.Fatalf("a valid listing: %v", err)
	}
	for _, c := range []struct {
		name   string
		change func(*Listing)
		field  string
	}{
		{"no title", func(l *Listing) { l.Title = "  " }, "title"},
		{"long title", func(l *Listing) { l.Title = strings.Repeat("é", 121) }, "title"},
		{"no description", func(l *Listing) { l.Description = "" }, "description"},
		{"no category", func(l *Listing) { l.Categories = nil }, "categories"},
		{"unknown category", func(l *Listing) { l.Categories = []string{"knitting"} }, "categories"},
		{"category twice", func(l *Listing) { l.Categories = []string{"carers", "carers"} }, "categories"},
		{"five categories", func(l *Listing) {
			l.Categories = []string{"carers", "families", "bereavement", "young_people", "older_people"}
		}, "categories"},
		{"negative cost", func(l *Listing) { l.CostPence = -1 }, "cost_pence"},
		{"unknown way to join", func(l *Listing) { l.Join = "walk_in" }, "join"},
		{"referral without contact", func(l *Listing) { l.Join = "referral" }, "contact"},
		{"empty language", func(l *Listing) { l.Languages = []string{""} }, "languages"},
		{"long referral contact", func(l *Listing) { l.ReferralContact = strings.Repeat("a", 301) }, "referral_contact"},
		{"long access notes", func(l *Listing) { l.AccessNotes = strings.Repeat("a", 301) }, "access_notes"},
	} {
		l := validListing()
		c.change(&l)
		err := l.Check()
		var v *ValidationError
		if !errors.As(err, &v) || len(v.Fields) == 0 || v.Fields[0].Field != c.field {
			t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
		}
	}
	l := validListing()
	l.Join, l.Contact = "referral", "Ask your link worker, or call 0161 000 0000"
	if err := l.Check(); err != nil {
		t.Errorf("a referral listing with a contact: %v", err)
	}
	l.Contact, l.ReferralContact = "", "referrals@example.org"
	if err := l.Check(); err != nil {
		t.Errorf("a referral listing with a contact for link workers only: %v", err)
	}
	for _, c := range SessionCategories {
		if strings.ContainsAny(c.Value, " /.-") || c.Label == "" {
			t.Errorf("category %+v is not a plain slug with a label", c)
		}
	}
}

func TestDayParts(t *testing.T) {
	for _, c := range []struct {
		at   string
		want string
	}{
		{"2026-12-01T11:59:00Z", "morning"}, // GMT: London is UTC
		{"2026-12-01T12:00:00Z", "afternoon"},
		{"2026-12-01T16:59:00Z", "afternoon"},
		{"2026-12-01T17:00:00Z", "evening"},
		{"2027-06-01T10:59:00Z", "morning"}, // BST: 11:59 in London
		{"2027-06-01T11:00:00Z", "afternoon"},
		{"2027-06-01T16:00:00Z", "evening"},
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		if got, want := DayPartOf(at), DayPartBit(c.want); got != want || want == 0 {
			t.Errorf("DayPartOf(%s) = %b, want %s (%b)", c.at, got, c.want, want)
		}
	}
	if DayPartBit("night") != 0 {
		t.Error("an unknown part of the day has a bit")
	}
}
