package seeds_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// demoSessions is how many sessions the demo data publishes.
const demoSessions = 24

// listed finds every listing with a date to come.
func listed(t *testing.T, s *models.Store, q models.ListingQuery) []models.ListingView {
	t.Helper()
	if q.From.IsZero() {
		q.From = time.Now()
	}
	views, total, err := s.SearchListings(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if total != int64(len(views)) {
		t.Fatalf("%d listings on the page of %d found", len(views), total)
	}
	return views
}

var (
	phoneNumber  = regexp.MustCompile(`\b0\d{3,4} ?\d{3} ?\d{3,4}\b`)
	emailAddress = regexp.MustCompile(`[\w.+-]+@[\w.-]*\w`)
)

func TestDemoSessions(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		load(t, s)
		now := time.Now()
		views := listed(t, s, models.ListingQuery{From: now})

		t.Run("every session is listed with a date to come", func(t *testing.T) {
			if len(views) != demoSessions {
				t.Errorf("%d sessions listed, want %d", len(views), demoSessions)
			}
			for _, v := range views {
				if v.Next == nil || !v.Next.After(now) {
					t.Errorf("%s: next date %v", v.Title, v.Next)
				}
			}
		})

		t.Run("each says what a listing must, with contacts from reserved ranges", func(t *testing.T) {
			for _, v := range views {
				if err := v.Published().Check(); err != nil {
					t.Errorf("%s: %v", v.Title, err)
				}
				contacts := v.Contact + "\n" + v.ReferralContact
				for _, phone := range phoneNumber.FindAllString(contacts, -1) {
					if !strings.HasPrefix(phone, "01632 960") {
						t.Errorf("%s: %q is not in the 01632 960xxx drama range", v.Title, phone)
					}
				}
				for _, email := range emailAddress.FindAllString(contacts, -1) {
					if !strings.HasSuffix(email, "@example.org") {
						t.Errorf("%s: %q is not an example.org address", v.Title, email)
					}
				}
				if strings.TrimSpace(contacts) == "" {
					t.Errorf("%s: no contact at all", v.Title)
				}
			}
		})

		t.Run("they repeat weekly, every other week and monthly, and some are one-off", func(t *testing.T) {
			kinds := map[string]int{}
			for _, v := range views {
				if v.SeriesID == nil {
					kinds["single"]++
					continue
				}
				var series models.Series
				if err := s.DB.First(&series, *v.SeriesID).Error; err != nil {
					t.Fatal(err)
				}
				switch {
				case series.Frequency == booking.Monthly:
					kinds["monthly"]++
				case series.Frequency == booking.Weekly && series.IntervalWeeks == 2:
					kinds["fortnightly"]++
				case series.Frequency == booking.Weekly && series.IntervalWeeks <= 1:
					kinds["weekly"]++
				default:
					t.Errorf("%s: series %+v", v.Title, series)
				}
			}
			if kinds["weekly"] < 10 || kinds["fortnightly"] < 2 || kinds["monthly"] != 1 || kinds["single"] < 2 {
				t.Errorf("%v: want weekly sessions, some fortnightly, exactly one monthly and a couple of one-off days", kinds)
			}
		})

		t.Run("every date of every session is a confirmed booking of its group", func(t *testing.T) {
			for _, v := range views {
				q := s.DB.Model(&models.Booking{}).Where("id = ?", v.BookingID)
				if v.SeriesID != nil {
					q = s.DB.Model(&models.Booking{}).Where("series_id = ?", *v.SeriesID)
				}
				var bookings []models.Booking
				if err := q.Find(&bookings).Error; err != nil {
					t.Fatal(err)
				}
				if len(bookings) == 0 {
					t.Errorf("%s: no bookings", v.Title)
				}
				for _, b := range bookings {
					if b.State != booking.Confirmed || b.OrganisationID != v.OrganisationID || b.SpaceID != v.SpaceID {
						t.Errorf("%s: booking %d is %s, of organisation %d at space %d", v.Title, b.ID, b.State, b.OrganisationID, b.SpaceID)
					}
				}
			}
		})

		t.Run("the directory's filters each have something to find", func(t *testing.T) {
			categories := map[string]bool{}
			joins := map[string]bool{}
			sites := map[int64]bool{}
			var weekdays, dayParts int
			var free, paid, otherLanguage, forLinkWorkers bool
			for _, v := range views {
				for _, c := range v.Categories {
					categories[c] = true
				}
				joins[v.JoinMode] = true
				sites[v.SiteID] = true
				weekdays |= v.Weekdays
				dayParts |= v.DayParts
				free = free || v.CostPence == 0
				paid = paid || (v.CostPence > 0 && v.CostNote != "")
				otherLanguage = otherLanguage || slices.ContainsFunc(v.Published().Languages, func(l string) bool { return l != "English" })
				forLinkWorkers = forLinkWorkers || (v.JoinMode == "referral" && v.ReferralContact != "")
			}
			for _, c := range booking.Values(booking.SessionCategories) {
				if !categories[c] {
					t.Errorf("no session in category %s", c)
				}
			}
			for _, j := range booking.Values(booking.JoinModes) {
				if !joins[j] {
					t.Errorf("no session to join by %s", j)
				}
			}
			if len(sites) != 6 {
				t.Errorf("sessions at %d sites, want all 6", len(sites))
			}
			if weekdays != 1<<7-1 || dayParts != 7 {
				t.Errorf("sessions on weekdays %07b in parts of the day %03b, want every day morning, afternoon and evening", weekdays, dayParts)
			}
			if !free || !paid || !otherLanguage || !forLinkWorkers {
				t.Errorf("free %v, paid with a note %v, in another language %v, referral contact for link workers %v", free, paid, otherLanguage, forLinkWorkers)
			}
		})

		t.Run("a search for gardening near a demo site finds a session", func(t *testing.T) {
			var site models.Site
			if err := s.DB.Where("name = ?", "Cherry Tree Resource Centre").First(&site).Error; err != nil {
				t.Fatal(err)
			}
			near := &models.Point{Latitude: *site.Latitude, Longitude: *site.Longitude}
			found := listed(t, s, models.ListingQuery{Words: []string{"gardening"}, Near: near, WithinKm: 10})
			if len(found) == 0 {
				t.Fatal("nothing found")
			}
			for _, v := range found {
				if v.DistanceKm == nil || *v.DistanceKm > 10 || !strings.Contains(strings.ToLower(v.SearchText+v.SiteName), "gardening") {
					t.Errorf("%s at %s, %v km away", v.Title, v.SiteName, v.DistanceKm)
				}
			}
			if !slices.ContainsFunc(found, func(v models.ListingView) bool { return v.Title == "Gardening for wellbeing" }) {
				t.Errorf("found %d sessions without Gardening for wellbeing", len(found))
			}
		})
	})
}

func TestDemoSessionsLoadOnce(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		load(t, s)
		first := listed(t, s, models.ListingQuery{})

		t.Run("loading twice publishes nothing more", func(t *testing.T) {
			load(t, s)
			if err := s.DB.Exec("DELETE FROM settings").Error; err != nil {
				t.Fatal(err)
			}
			load(t, s)
			if again := listed(t, s, models.ListingQuery{}); len(again) != len(first) || len(first) != demoSessions {
				t.Errorf("%d sessions after loading again, %d after the first load; want %d", len(again), len(first), demoSessions)
			}
		})

		t.Run("a session its group unpublished stays unpublished", func(t *testing.T) {
			if err := s.DeleteListing(context.Background(), first[0].ID); err != nil {
				t.Fatal(err)
			}
			if err := s.DB.Exec("DELETE FROM settings").Error; err != nil {
				t.Fatal(err)
			}
			load(t, s)
			again := listed(t, s, models.ListingQuery{})
			if len(again) != len(first)-1 || slices.ContainsFunc(again, func(v models.ListingView) bool { return v.Title == first[0].Title }) {
				t.Errorf("%d sessions after unpublishing %q and loading again, want %d", len(again), first[0].Title, len(first)-1)
			}
		})
	})
}
