package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// listingEstate adds to the feed estate: a weekly knitting series on
// Tuesday mornings in Room 1 at Hunter Street (its second date cancelled),
// a Saturday afternoon walk in the Garden room at Station Road (no
// coordinates), and a Thursday evening series in the hidden store room
// that is only requested.
type listingEstate struct {
	*feedEstate
	now                    time.Time
	knitSeries, eveSeries  int64
	knitDates              []int64
	walkBooking            int64
	knitListing, walkListg *models.Listing
}

var listingNow = mustTime("2026-11-21T10:00:00Z")

func (e *feedEstate) series(sp *models.Space, org *models.Organisation, first string, weeks int, state string) (int64, []int64) {
	e.t.Helper()
	start := mustTime(first)
	sr := models.Series{SpaceID: sp.ID, OrganisationID: org.ID, Frequency: booking.Weekly, FirstDate: start.Format("2006-01-02"),
		Count: weeks, StartClock: 600, EndClock: 720, IntervalWeeks: 1, Purpose: "community"}
	mustOK(e.t, e.store.DB.Omit("Space", "Organisation", "Bookings").Create(&sr).Error)
	var ids []int64
	for i := range weeks {
		at := start.AddDate(0, 0, 7*i)
		id := e.book(sp, org, at.Format(time.RFC3339), at.Add(2*time.Hour).Format(time.RFC3339), state,
			func(b *models.Booking) { b.SeriesID = &sr.ID })
		ids = append(ids, id)
	}
	return sr.ID, ids
}

func newListingEstate(t *testing.T, db modelstest.Database) *listingEstate {
	e := &listingEstate{feedEstate: newFeedEstate(t, db), now: listingNow}
	e.knitSeries, e.knitDates = e.series(e.roomA, e.knit, "2026-12-01T10:00:00Z", 8, booking.Confirmed)
	mustOK(t, e.store.DB.Model(&models.Booking{}).Where("id = ?", e.knitDates[1]).Update("state", booking.Cancelled).Error)
	e.eveSeries, _ = e.series(e.storeA, e.walk, "2026-12-03T18:00:00Z", 4, booking.Requested)
	e.walkBooking = e.book(e.roomB, e.walk, "2026-12-05T14:00:00Z", "2026-12-05T16:00:00Z", booking.Confirmed)
	e.knitListing = e.publish(&models.Listing{SeriesID: &e.knitSeries}, booking.Listing{
		Title: "Knit and natter", Description: "Bring a project or learn from scratch; tea and biscuits.",
		Categories: []string{"peer_support", "arts_creativity"}, Join: "drop_in", Languages: []string{"English", "Urdu"}})
	e.walkListg = e.publish(&models.Listing{BookingID: &e.walkBooking}, booking.Listing{
		Title: "Saturday health walk", Description: "A gentle walk round the park; knitting optional.",
		Categories: []string{"physical_activity", "nature_gardening"}, Join: "referral", ReferralContact: "walks@example.org",
		CostPence: 200})
	return e
}

func (e *listingEstate) publish(l *models.Listing, p booking.Listing) *models.Listing {
	e.t.Helper()
	mustOK(e.t, p.Check())
	l.Publish(p)
	mustOK(e.t, e.store.PublishListing(context.Background(), l, e.now))
	return l
}

func (e *listingEstate) search(q models.ListingQuery) ([]string, int64) {
	e.t.Helper()
	if q.From.IsZero() {
		q.From = e.now
	}
	views, total, err := e.store.SearchListings(context.Background(), q)
	mustOK(e.t, err)
	titles := []string{}
	for _, v := range views {
		titles = append(titles, v.Title)
	}
	return titles, total
}

func TestPublishListing(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newListingEstate(t, db)
		ctx := context.Background()
		k := e.knitListing
		if k.OrganisationID != e.knit.ID || k.SpaceID != e.roomA.ID || k.SiteID != e.siteA.ID {
			t.Errorf("listing took organisation %d, space %d, site %d", k.OrganisationID, k.SpaceID, k.SiteID)
		}
		if k.Weekdays != 1<<time.Tuesday || k.DayParts != booking.DayPartBit("morning") {
			t.Errorf("weekdays %b, parts %b; want Tuesday mornings", k.Weekdays, k.DayParts)
		}
		if w := e.walkListg; w.Weekdays != 1<<time.Saturday || w.DayParts != booking.DayPartBit("afternoon") {
			t.Errorf("walk: weekdays %b, parts %b; want Saturday afternoons", w.Weekdays, w.DayParts)
		}

		v, err := e.store.ListingByID(ctx, k.ID, e.now)
		mustOK(t, err)
		if !slices.Equal(v.Categories, []string{"arts_creativity", "peer_support"}) {
			t.Errorf("categories %v, want the taxonomy's order", v.Categories)
		}
		if v.Next == nil || !v.Next.Equal(mustTime("2026-12-01T10:00:00Z")) || v.SiteName != e.siteA.Name || v.SpaceName != "Room 1" {
			t.Errorf("view: next %v, site %q, space %q", v.Next, v.SiteName, v.SpaceName)
		}
		if v.Published().Languages[1] != "Urdu" {
			t.Errorf("languages %q", v.Languages)
		}

		views := []models.ListingView{*v}
		mustOK(t, e.store.ListingDates(ctx, views, e.now, 3))
		var got []string
		for _, d := range views[0].Dates {
			got = append(got, fmt.Sprintf("%s %v", d.StartsAt.Format("01-02"), d.Cancelled))
		}
		if want := []string{"12-01 false", "12-08 true", "12-15 false"}; !slices.Equal(got, want) {
			t.Errorf("next dates %v, want %v (the cancelled one marked)", got, want)
		}

		again := &models.Listing{SeriesID: &e.knitSeries}
		again.Publish(k.Published())
		if err := e.store.PublishListing(ctx, again, e.now); !errors.Is(err, booking.ErrConflict) {
			t.Errorf("publishing a series twice: %v, want a conflict", err)
		}
		one := &models.Listing{BookingID: &e.knitDates[2]}
		one.Publish(k.Published())
		if err := e.store.PublishListing(ctx, one, e.now); !errors.Is(err, booking.ErrConflict) {
			t.Errorf("publishing one date of a series: %v, want a conflict", err)
		}
		requested := &models.Listing{SeriesID: &e.eveSeries}
		requested.Publish(k.Published())
		if err := e.store.PublishListing(ctx, requested, e.now); !errors.Is(err, booking.ErrConflict) {
			t.Errorf("publishing a requested series: %v, want a conflict", err)
		}
		past := &models.Listing{BookingID: &e.walkBooking}
		if err := e.store.PublishListing(ctx, past, mustTime("2026-12-06T00:00:00Z")); !errors.Is(err, booking.ErrConflict) {
			t.Errorf("publishing a booking that has ended: %v, want a conflict", err)
		}
		missing := int64(999999)
		if err := e.store.PublishListing(ctx, &models.Listing{SeriesID: &missing}, e.now); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("publishing a series that does not exist: %v", err)
		}

		changed := k.Published()
		changed.Title, changed.Categories = "Knit, natter and crochet", []string{"older_people"}
		k.Publish(changed)
		mustOK(t, e.store.UpdateListing(ctx, k, e.now.Add(time.Hour)))
		v, err = e.store.ListingByID(ctx, k.ID, e.now)
		mustOK(t, err)
		if v.Title != "Knit, natter and crochet" || !slices.Equal(v.Categories, []string{"older_people"}) || !v.UpdatedAt.Equal(e.now.Add(time.Hour)) {
			t.Errorf("after the change: %q %v %v", v.Title, v.Categories, v.UpdatedAt)
		}
		if titles, _ := e.search(models.ListingQuery{Words: []string{"crochet"}}); !slices.Equal(titles, []string{v.Title}) {
			t.Errorf("search for the new word: %v", titles)
		}

		mustOK(t, e.store.DeleteListing(ctx, k.ID))
		if _, err := e.store.ListingByID(ctx, k.ID, e.now); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("an unpublished listing reads %v", err)
		}
		if err := e.store.DeleteListing(ctx, k.ID); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("unpublishing twice: %v", err)
		}
		if titles, total := e.search(models.ListingQuery{}); total != 1 || !slices.Equal(titles, []string{"Saturday health walk"}) {
			t.Errorf("after unpublishing: %v (%d)", titles, total)
		}
		// Published again, it is a new listing.
		again = &models.Listing{SeriesID: &e.knitSeries}
		again.Publish(changed)
		mustOK(t, e.store.PublishListing(ctx, again, e.now))
		if again.ID == k.ID {
			t.Error("a listing published again kept its old id")
		}
	})
}

func TestSearchListingsFilters(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newListingEstate(t, db)
		knit, walk := "Knit and natter", "Saturday health walk"
		hyde := models.Point{Latitude: 53.4509, Longitude: -2.0787}
		near := &models.Point{Latitude: 53.4106, Longitude: -2.1575} // Hunter Street itself
		for _, c := range []struct {
			name string
			q    models.ListingQuery
			want []string
		}{
			{"everything, soonest first", models.ListingQuery{}, []string{knit, walk}},
			{"a word in the title", models.ListingQuery{Words: []string{"natter"}}, []string{knit}},
			{"a word in a description", models.ListingQuery{Words: []string{"park"}}, []string{walk}},
			{"a category's label", models.ListingQuery{Words: []string{"gardening"}}, []string{walk}},
			{"a language", models.ListingQuery{Words: []string{"urdu"}}, []string{knit}},
			{"the site's town", models.ListingQuery{Words: []string{"hyde"}}, []string{walk}},
			{"every word must match", models.ListingQuery{Words: []string{"knit", "hyde"}}, []string{walk}},
			{"no match", models.ListingQuery{Words: []string{"swimming"}}, []string{}},
			{"wildcards are plain text", models.ListingQuery{Words: []string{"%"}}, []string{}},
			{"underscore is plain text", models.ListingQuery{Words: []string{"_"}}, []string{}},
			{"category", models.ListingQuery{Category: "peer_support"}, []string{knit}},
			{"empty category", models.ListingQuery{Category: "carers"}, []string{}},
			{"Tuesday", models.ListingQuery{Weekdays: 1 << time.Tuesday}, []string{knit}},
			{"Tuesday or Saturday", models.ListingQuery{Weekdays: 1<<time.Tuesday | 1<<time.Saturday}, []string{knit, walk}},
			{"Monday", models.ListingQuery{Weekdays: 1 << time.Monday}, []string{}},
			{"afternoon", models.ListingQuery{DayParts: booking.DayPartBit("afternoon")}, []string{walk}},
			{"evening", models.ListingQuery{DayParts: booking.DayPartBit("evening")}, []string{}},
			{"site", models.ListingQuery{SiteID: e.siteB.ID}, []string{walk}},
			{"organisation", models.ListingQuery{OrganisationID: e.knit.ID}, []string{knit}},
			{"free", models.ListingQuery{Free: true}, []string{knit}},
			{"join by referral", models.ListingQuery{Join: "referral"}, []string{walk}},
			{"drop in", models.ListingQuery{Join: "drop_in"}, []string{knit}},
			{"after the walk", models.ListingQuery{From: mustTime("2026-12-06T00:00:00Z")}, []string{knit}},
			{"before the knitting", models.ListingQuery{To: mustTime("2026-12-01T00:00:00Z")}, []string{}},
			{"the walk's week", models.ListingQuery{From: mustTime("2026-12-02T00:00:00Z"), To: mustTime("2026-12-07T00:00:00Z")}, []string{walk}},
			{"near, sites without coordinates last", models.ListingQuery{Near: &hyde}, []string{knit, walk}},
			{"within 1 km", models.ListingQuery{Near: near, WithinKm: 1}, []string{knit}},
			{"within 1 km of Hyde", models.ListingQuery{Near: &hyde, WithinKm: 1}, []string{}},
			{"combined", models.ListingQuery{Words: []string{"tea"}, Category: "arts_creativity", Weekdays: 1 << time.Tuesday,
				DayParts: booking.DayPartBit("morning"), SiteID: e.siteA.ID, Free: true, Join: "drop_in", Near: near, WithinKm: 5},
				[]string{knit}},
			{"combined, one filter off", models.ListingQuery{Words: []string{"tea"}, Category: "arts_creativity", Weekdays: 1 << time.Tuesday,
				DayParts: booking.DayPartBit("morning"), SiteID: e.siteA.ID, Free: true, Join: "referral", Near: near, WithinKm: 5},
				[]string{}},
		} {
			if got, total := e.search(c.q); !slices.Equal(got, c.want) || total != int64(len(c.want)) {
				t.Errorf("%s: %v (total %d), want %v", c.name, got, total, c.want)
			}
		}
	})
}

func TestSearchListingsAccess(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newListingEstate(t, db)
		set := func(table string, id int64, col string, v bool) {
			mustOK(t, e.store.DB.Table(table).Where("id = ?", id).Update(col, v).Error)
		}
		access := func(a ...string) []string {
			got, _ := e.search(models.ListingQuery{Access: a})
			return got
		}
		if got := access("step_free"); len(got) != 0 {
			t.Errorf("step-free with nothing step-free: %v", got)
		}
		set("sites", e.siteA.ID, "step_free", true)
		if got := access("step_free"); len(got) != 0 {
			t.Errorf("step-free needs the space too: %v", got)
		}
		set("spaces", e.roomA.ID, "step_free", true)
		set("spaces", e.roomB.ID, "accessible_toilet", true)
		set("sites", e.siteB.ID, "parking", true)
		set("sites", e.siteA.ID, "hearing_loop", true)
		for _, c := range []struct {
			access []string
			want   []string
		}{
			{[]string{"step_free"}, []string{"Knit and natter"}},
			{[]string{"accessible_toilet"}, []string{"Saturday health walk"}},
			{[]string{"parking", "accessible_toilet"}, []string{"Saturday health walk"}},
			{[]string{"parking", "step_free"}, []string{}},
			{[]string{"hearing_loop"}, []string{}}, // the site's loop is not the room's
			{[]string{"changing_places"}, []string{}},
		} {
			if got := access(c.access...); !slices.Equal(got, c.want) {
				t.Errorf("access %v: %v, want %v", c.access, got, c.want)
			}
		}
		v, err := e.store.ListingByID(context.Background(), e.knitListing.ID, e.now)
		mustOK(t, err)
		if got := v.Access(); !slices.Equal(got, []string{"step_free"}) {
			t.Errorf("the knitting's access facts %v, want step-free only", got)
		}
		if _, _, err := e.store.SearchListings(context.Background(), models.ListingQuery{Access: []string{"lift"}}); !errors.As(err, new(*booking.ValidationError)) {
			t.Errorf("an unknown access fact: %v", err)
		}
	})
}

func TestSearchListingsRankingAndPages(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newListingEstate(t, db)
		ctx := context.Background()
		// Four more weekly series at sites spread east of Hunter Street.
		for i := range 4 {
			lat, lon := 53.4106, -2.1575+0.02*float64(i+1) // about 1.3 km apart
			site := &models.Site{Name: fmt.Sprintf("Clinic %d", i), AddressLine1: "1 Road", Town: "Stockport",
				Postcode: "SK1 1AA", Latitude: &lat, Longitude: &lon}
			mustOK(t, e.store.CreateSite(ctx, site, nil))
			sp := &models.Space{SiteID: site.ID, Name: "Room", Kind: "meeting_room", Capacity: 10, BookingUnit: "hour",
				GranularityMinutes: 30, MinMinutes: 30, MaxMinutes: 600, HorizonDays: 365, ApprovalMode: "auto", Visibility: "public"}
			mustOK(t, e.store.CreateSpace(ctx, sp))
			first := fmt.Sprintf("2026-12-0%dT10:00:00Z", 7-i) // the farthest meets first
			id, _ := e.series(sp, e.walk, first, 3, booking.Confirmed)
			name := fmt.Sprintf("Walk %d", i)
			desc := "A walk."
			if i == 3 {
				desc = "Knitting while walking."
			}
			e.publish(&models.Listing{SeriesID: &id}, booking.Listing{Title: name, Description: desc,
				Categories: []string{"physical_activity"}, Join: "drop_in"})
		}
		hunter := &models.Point{Latitude: 53.4106, Longitude: -2.1575}
		got, total := e.search(models.ListingQuery{Near: hunter})
		if want := []string{"Knit and natter", "Walk 0", "Walk 1", "Walk 2", "Walk 3", "Saturday health walk"}; !slices.Equal(got, want) || total != 6 {
			t.Errorf("by distance: %v (%d), want %v", got, total, want)
		}
		got, _ = e.search(models.ListingQuery{Category: "physical_activity"})
		if want := []string{"Walk 3", "Walk 2", "Saturday health walk", "Walk 1", "Walk 0"}; !slices.Equal(got, want) {
			t.Errorf("by date: %v, want %v", got, want)
		}
		// A title match outranks a nearer description match.
		got, _ = e.search(models.ListingQuery{Words: []string{"knit"}, Near: hunter})
		if want := []string{"Knit and natter", "Walk 3", "Saturday health walk"}; !slices.Equal(got, want) {
			t.Errorf("knit near Hunter Street: %v, want %v", got, want)
		}
		got, _ = e.search(models.ListingQuery{Words: []string{"walk"}, Near: hunter})
		if want := []string{"Walk 0", "Walk 1", "Walk 2", "Walk 3", "Saturday health walk"}; !slices.Equal(got, want) {
			t.Errorf("walk near Hunter Street: %v, want %v", got, want)
		}
		views, _, err := e.store.SearchListings(ctx, models.ListingQuery{From: e.now, Near: hunter})
		mustOK(t, err)
		if d := views[1].DistanceKm; d == nil || *d < 1.2 || *d > 1.4 {
			t.Errorf("Walk 0 is %v km away, want about 1.3", d)
		}
		if views[len(views)-1].DistanceKm != nil {
			t.Error("a site without coordinates has a distance")
		}

		var paged []string
		for n := 1; n <= 3; n++ {
			page, total := e.search(models.ListingQuery{Near: hunter, Page: models.Page{Number: n, PerPage: 4}})
			if total != 6 {
				t.Errorf("page %d: total %d, want 6", n, total)
			}
			paged = append(paged, page...)
		}
		if len(paged) != 6 || paged[4] != "Walk 3" {
			t.Errorf("paged through: %v", paged)
		}
	})
}

func TestListingFollowsItsBookings(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newListingEstate(t, db)
		ctx := context.Background()
		// The first date cancelled: the next is the third.
		mustOK(t, e.store.DB.Model(&models.Booking{}).Where("id = ?", e.knitDates[0]).Update("state", booking.Cancelled).Error)
		v, err := e.store.ListingByID(ctx, e.knitListing.ID, e.now)
		mustOK(t, err)
		if v.Next == nil || !v.Next.Equal(mustTime("2026-12-15T10:00:00Z")) {
			t.Errorf("next after two cancelled dates: %v", v.Next)
		}
		// A new occurrence of the series appears.
		e.book(e.roomA, e.knit, "2026-11-24T10:00:00Z", "2026-11-24T12:00:00Z", booking.Confirmed,
			func(b *models.Booking) { b.SeriesID = &e.knitSeries })
		v, err = e.store.ListingByID(ctx, e.knitListing.ID, e.now)
		mustOK(t, err)
		if v.Next == nil || !v.Next.Equal(mustTime("2026-11-24T10:00:00Z")) {
			t.Errorf("next after a date was added: %v", v.Next)
		}
		// The whole series cancelled: nothing left to list.
		mustOK(t, e.store.DB.Model(&models.Booking{}).Where("series_id = ?", e.knitSeries).Update("state", booking.Cancelled).Error)
		v, err = e.store.ListingByID(ctx, e.knitListing.ID, e.now)
		mustOK(t, err)
		if v.Next != nil {
			t.Errorf("a cancelled series still has a next date %v", v.Next)
		}
		if got, _ := e.search(models.ListingQuery{}); !slices.Equal(got, []string{"Saturday health walk"}) {
			t.Errorf("search after the series was cancelled: %v", got)
		}
	})
}
