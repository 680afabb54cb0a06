package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
	"gorm.io/gorm"
)

// feedEstate is two sites, one of them with a hidden space, two
// organisations and estates managers of neither, one or both sites. Its
// store stamps rows with a clock the test moves, so that updated_at is
// known.
type feedEstate struct {
	t                           *testing.T
	store                       *models.Store
	clock                       time.Time
	siteA, siteB                *models.Site
	roomA, hallA, storeA, roomB *models.Space // storeA is hidden
	knit, walk                  *models.Organisation
	managerA, managerBoth, none *models.User
}

var feedStart = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func newFeedEstate(t *testing.T, db modelstest.Database) *feedEstate {
	t.Helper()
	ctx := context.Background()
	e := &feedEstate{t: t, clock: feedStart}
	s := modelstest.Open(t, db)
	s.DB = s.DB.Session(&gorm.Session{NowFunc: func() time.Time { return e.clock }})
	e.store = s
	user := func(email, role string) *models.User {
		u := &models.User{Email: email, Name: email, PasswordHash: "x", Role: role}
		mustOK(t, s.CreateUser(ctx, u))
		return u
	}
	e.managerA = user("a@example.org", booking.RoleEstatesManager)
	e.managerBoth = user("both@example.org", booking.RoleEstatesManager)
	e.none = user("none@example.org", booking.RoleEstatesManager)
	member := user("member@example.org", booking.RoleMember)
	lat, long := 53.4106, -2.1575
	e.siteA = &models.Site{Name: "Hunter Street Health Centre", AddressLine1: "1 Hunter Street", AddressLine2: "Heaton Norris",
		Town: "Stockport", Postcode: "SK4 1AA", Latitude: &lat, Longitude: &long}
	mustOK(t, s.CreateSite(ctx, e.siteA, []int64{e.managerA.ID, e.managerBoth.ID}))
	e.siteB = &models.Site{Name: "Station Road Surgery", AddressLine1: "2 Station Road", Town: "Hyde", Postcode: "SK14 2BB"}
	mustOK(t, s.CreateSite(ctx, e.siteB, []int64{e.managerBoth.ID}))
	space := func(site *models.Site, name, visibility string) *models.Space {
		sp := &models.Space{SiteID: site.ID, Name: name, Kind: "meeting_room", Capacity: 10, BookingUnit: "hour",
			GranularityMinutes: 30, MinMinutes: 30, MaxMinutes: 600, HorizonDays: 365, ApprovalMode: "auto", Visibility: visibility}
		mustOK(t, s.CreateSpace(ctx, sp))
		return sp
	}
	e.roomA = space(e.siteA, "Room 1", "public")
	e.hallA = space(e.siteA, "Hall", "public")
	e.storeA = space(e.siteA, "Store room", "hidden")
	e.roomB = space(e.siteB, "Garden room", "public")
	e.knit = &models.Organisation{Name: "Knit and Natter", Type: "community_group"}
	mustOK(t, s.CreateOrganisation(ctx, e.knit, member.ID))
	e.walk = &models.Organisation{Name: "Walking Group", Type: "community_group"}
	mustOK(t, s.CreateOrganisation(ctx, e.walk, member.ID))
	return e
}

// tick moves the estate's clock on a minute, so the next change is later
// than every one before it.
func (e *feedEstate) tick() time.Time {
	e.clock = e.clock.Add(time.Minute)
	return e.clock
}

// bookingOption changes a booking row before it is stored.
type bookingOption func(*models.Booking)

func changedAt(s string) bookingOption {
	return func(b *models.Booking) { b.UpdatedAt = mustTime(s) }
}

func holdUntil(t time.Time) bookingOption {
	return func(b *models.Booking) { b.HoldExpiresAt = &t }
}

// book stores a booking row directly, in any state, changed now by the
// estate's clock unless an option says otherwise.
func (e *feedEstate) book(sp *models.Space, org *models.Organisation, start, end, state string, opts ...bookingOption) int64 {
	e.t.Helper()
	b := models.Booking{SpaceID: sp.ID, OrganisationID: org.ID, StartsAt: mustTime(start), EndsAt: mustTime(end),
		BlockEnd: mustTime(end), State: state, Purpose: "community", Attendees: 6, Notes: "Bring needles",
		CreatedAt: e.clock, UpdatedAt: e.clock}
	for _, o := range opts {
		o(&b)
	}
	mustOK(e.t, e.store.DB.Omit("Space", "Organisation", "Events").Create(&b).Error)
	return b.ID
}

// feed reads a feed, checks that its stamp is what CalendarStamp says and
// that it sums the entries, and returns both.
func (e *feedEstate) feed(scope models.FeedScope, w models.FeedWindow) (models.FeedStamp, []models.FeedEntry) {
	e.t.Helper()
	ctx := context.Background()
	st, entries, err := e.store.CalendarFeed(ctx, scope, w)
	mustOK(e.t, err)
	alone, err := e.store.CalendarStamp(ctx, scope, w)
	mustOK(e.t, err)
	if st != alone {
		e.t.Fatalf("CalendarFeed's stamp %+v, CalendarStamp's %+v", st, alone)
	}
	var ids, seqs, listings int64
	for _, en := range entries {
		ids += en.BookingID
		seqs += int64(en.Sequence)
		if en.ListingID != nil {
			listings += *en.ListingID
		}
	}
	if st.Count != int64(len(entries)) || st.IDSum != ids || st.SequenceSum != seqs || st.ListingIDSum != listings {
		e.t.Fatalf("stamp %+v does not sum %d entries (ids %d, sequences %d, listings %d)", st, len(entries), ids, seqs, listings)
	}
	return st, entries
}

func entryIDs(entries []models.FeedEntry) []int64 {
	ids := make([]int64, len(entries))
	for i, en := range entries {
		ids[i] = en.BookingID
	}
	return ids
}

// december is the first week of December, seen on 30 November, with
// recently ended bookings since 25 November.
var december = models.FeedWindow{
	From:           mustTime("2026-12-01T00:00:00Z"),
	To:             mustTime("2026-12-08T00:00:00Z"),
	CancelledSince: mustTime("2026-11-25T00:00:00Z"),
	Now:            mustTime("2026-11-30T12:00:00Z"),
}

func TestCalendarFeedScopes(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newFeedEstate(t, db)
		a1 := e.book(e.roomA, e.knit, "2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z", booking.Confirmed, func(b *models.Booking) {
			b.TotalPence = 1250
		})
		a2 := e.book(e.hallA, e.walk, "2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z", booking.Requested)
		hidden := e.book(e.storeA, e.knit, "2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z", booking.Confirmed)
		b1 := e.book(e.roomB, e.knit, "2026-12-04T10:00:00Z", "2026-12-04T11:00:00Z", booking.Confirmed)
		b2 := e.book(e.roomB, e.walk, "2026-12-05T10:00:00Z", "2026-12-05T11:00:00Z", booking.PendingPayment,
			holdUntil(mustTime("2026-12-01T00:00:00Z")))
		e.book(e.roomA, e.knit, "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z", booking.Confirmed) // before the window
		e.book(e.roomA, e.knit, "2026-12-09T10:00:00Z", "2026-12-09T11:00:00Z", booking.Confirmed) // after it

		tests := []struct {
			name  string
			scope models.FeedScope
			want  []int64
		}{
			{"a space lists its own bookings only", models.FeedScope{Kind: models.FeedSpace, ID: e.roomA.ID}, []int64{a1}},
			{"a hidden space lists nothing", models.FeedScope{Kind: models.FeedSpace, ID: e.storeA.ID}, []int64{}},
			{"a site lists its public spaces' bookings", models.FeedScope{Kind: models.FeedSite, ID: e.siteA.ID}, []int64{a1, a2}},
			{"another site lists its own", models.FeedScope{Kind: models.FeedSite, ID: e.siteB.ID}, []int64{b1, b2}},
			{"an organisation lists its bookings in every space, hidden ones too",
				models.FeedScope{Kind: models.FeedOrganisation, ID: e.knit.ID}, []int64{a1, hidden, b1}},
			{"another organisation lists its own", models.FeedScope{Kind: models.FeedOrganisation, ID: e.walk.ID}, []int64{a2, b2}},
			{"a manager lists every booking at their site", models.FeedScope{Kind: models.FeedManager, ID: e.managerA.ID}, []int64{a1, a2, hidden}},
			{"a manager of two sites lists both", models.FeedScope{Kind: models.FeedManager, ID: e.managerBoth.ID}, []int64{a1, a2, hidden, b1, b2}},
			{"a manager of no site lists nothing", models.FeedScope{Kind: models.FeedManager, ID: e.none.ID}, []int64{}},
			{"an admin lists every site", models.FeedScope{Kind: models.FeedManager, All: true}, []int64{a1, a2, hidden, b1, b2}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st, entries := e.feed(tt.scope, december)
				if got := entryIDs(entries); !slices.Equal(got, tt.want) {
					t.Fatalf("listed %v, want %v", got, tt.want)
				}
				if len(tt.want) == 0 && st != (models.FeedStamp{}) {
					t.Fatalf("an empty feed's stamp is %+v", st)
				}
			})
		}

		t.Run("an entry carries what the feed shows", func(t *testing.T) {
			_, entries := e.feed(models.FeedScope{Kind: models.FeedSpace, ID: e.roomA.ID}, december)
			got := entries[0]
			if got.BookingID != a1 || got.SeriesID != nil || got.State != booking.Confirmed || got.Purpose != "community" ||
				got.Attendees != 6 || got.Notes != "Bring needles" || got.Sequence != 0 || got.TotalPence != 1250 ||
				got.OrganisationID != e.knit.ID || got.OrganisationName != "Knit and Natter" ||
				got.SpaceID != e.roomA.ID || got.SpaceName != "Room 1" || got.SiteID != e.siteA.ID ||
				got.SiteName != "Hunter Street Health Centre" || got.AddressLine1 != "1 Hunter Street" ||
				got.AddressLine2 != "Heaton Norris" || got.Town != "Stockport" || got.Postcode != "SK4 1AA" ||
				got.Latitude == nil || *got.Latitude != 53.4106 || got.Longitude == nil || *got.Longitude != -2.1575 {
				t.Fatalf("entry %+v", got)
			}
			if !got.StartsAt.Equal(mustTime("2026-12-02T10:00:00Z")) || got.StartsAt.Location() != time.UTC ||
				!got.EndsAt.Equal(mustTime("2026-12-02T11:00:00Z")) || got.EndsAt.Location() != time.UTC ||
				!got.UpdatedAt.Equal(feedStart) || got.UpdatedAt.Location() != time.UTC {
				t.Fatalf("entry times %v–%v, changed %v", got.StartsAt, got.EndsAt, got.UpdatedAt)
			}
			_, entries = e.feed(models.FeedScope{Kind: models.FeedSite, ID: e.siteB.ID}, december)
			if entries[0].Latitude != nil || entries[0].Longitude != nil || entries[0].AddressLine2 != "" {
				t.Fatalf("a site without coordinates: %+v", entries[0])
			}
		})

		t.Run("refuses a kind of feed it does not know", func(t *testing.T) {
			if _, _, err := e.store.CalendarFeed(context.Background(), models.FeedScope{Kind: 0, ID: 1}, december); err == nil {
				t.Fatal("feed kind 0 was accepted")
			}
			if _, err := e.store.CalendarStamp(context.Background(), models.FeedScope{Kind: 99, ID: 1}, december); err == nil {
				t.Fatal("feed kind 99 was accepted")
			}
		})
	})
}

func TestCalendarFeedWindowIsHalfOpen(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newFeedEstate(t, db)
		e.book(e.roomA, e.knit, "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", booking.Confirmed) // ends as the window opens
		inside := e.book(e.roomA, e.knit, "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", booking.Confirmed)
		after := e.book(e.roomA, e.knit, "2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z", booking.Confirmed) // starts as it closes
		spans := e.book(e.hallA, e.knit, "2026-12-01T08:00:00Z", "2026-12-01T13:00:00Z", booking.Confirmed)
		head := e.book(e.roomB, e.walk, "2026-12-01T09:30:00Z", "2026-12-01T10:30:00Z", booking.Confirmed)
		tail := e.book(e.roomB, e.walk, "2026-12-01T10:30:00Z", "2026-12-01T11:30:00Z", booking.Confirmed)
		sameStart := e.book(e.storeA, e.walk, "2026-12-01T10:00:00Z", "2026-12-01T10:30:00Z", booking.Confirmed)
		all := models.FeedScope{Kind: models.FeedManager, All: true}
		w := models.FeedWindow{From: mustTime("2026-12-01T10:00:00Z"), To: mustTime("2026-12-01T11:00:00Z"),
			CancelledSince: december.CancelledSince, Now: december.Now}

		t.Run("lists what overlaps, by start and then id", func(t *testing.T) {
			_, entries := e.feed(all, w)
			want := []int64{spans, head, inside, sameStart, tail}
			if got := entryIDs(entries); !slices.Equal(got, want) {
				t.Fatalf("listed %v, want %v", got, want)
			}
		})
		t.Run("a zero end leaves the window open", func(t *testing.T) {
			open := w
			open.To = time.Time{}
			_, entries := e.feed(all, open)
			if got := entryIDs(entries); !slices.Contains(got, after) || len(got) != 6 {
				t.Fatalf("listed %v, want the six that end after 10:00", got)
			}
		})
		t.Run("times in another zone mean the same instants", func(t *testing.T) {
			nyc, err := time.LoadLocation("America/New_York")
			mustOK(t, err)
			local := w
			local.From, local.To = w.From.In(nyc), w.To.In(nyc)
			_, entries := e.feed(all, local)
			if len(entries) != 5 {
				t.Fatalf("listed %v", entryIDs(entries))
			}
		})
	})
}

func TestCalendarFeedEndedBookingsAndLapsedHolds(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newFeedEstate(t, db)
		now := december.Now
		day := func(d int) (string, string) {
			return fmt.Sprintf("2026-12-%02dT10:00:00Z", d), fmt.Sprintf("2026-12-%02dT11:00:00Z", d)
		}
		at := func(d int, state string, opts ...bookingOption) int64 {
			s, en := day(d)
			return e.book(e.roomA, e.knit, s, en, state, opts...)
		}
		cancelledRecently := at(1, booking.Cancelled, changedAt("2026-11-26T08:00:00Z"))
		at(1, booking.Cancelled, changedAt("2026-11-20T08:00:00Z"))
		declinedAtSince := at(2, booking.Declined, changedAt("2026-11-25T00:00:00Z"))
		at(2, booking.Expired, changedAt("2026-11-24T23:59:59Z"))
		live := at(3, booking.PendingPayment, holdUntil(now.Add(time.Second)), changedAt("2026-11-20T08:00:00Z"))
		noDeadline := at(4, booking.PendingPayment, changedAt("2026-11-20T08:00:00Z"))
		lapsedNow := at(5, booking.PendingPayment, holdUntil(now), changedAt("2026-11-20T08:00:00Z"))
		at(6, booking.PendingPayment, holdUntil(mustTime("2026-11-21T08:00:00Z")), changedAt("2026-11-20T08:00:00Z"))
		lapsedAtCutOff := e.book(e.roomA, e.knit, "2026-12-06T12:00:00Z", "2026-12-06T13:00:00Z", booking.PendingPayment,
			holdUntil(december.CancelledSince), changedAt("2026-11-20T08:00:00Z"))
		lapsedEdited := at(7, booking.PendingPayment, holdUntil(mustTime("2026-11-21T08:00:00Z")), changedAt("2026-11-26T08:00:00Z"))
		confirmedLongAgo := e.book(e.roomA, e.knit, "2026-12-07T12:00:00Z", "2026-12-07T13:00:00Z", booking.Confirmed,
			changedAt("2026-10-01T08:00:00Z"))

		_, entries := e.feed(models.FeedScope{Kind: models.FeedSpace, ID: e.roomA.ID}, december)
		want := map[int64]string{
			cancelledRecently: booking.Cancelled,
			declinedAtSince:   booking.Declined,
			live:              booking.PendingPayment,
			noDeadline:        booking.PendingPayment,
			lapsedNow:         booking.Expired,
			lapsedAtCutOff:    booking.Expired,
			lapsedEdited:      booking.Expired,
			confirmedLongAgo:  booking.Confirmed,
		}
		got := map[int64]models.FeedEntry{}
		for _, en := range entries {
			got[en.BookingID] = en
		}
		if len(got) != len(want) {
			t.Fatalf("listed %v, want %v", entryIDs(entries), want)
		}
		for id, state := range want {
			if got[id].State != state {
				t.Errorf("booking %d reads %q, want %q", id, got[id].State, state)
			}
		}
		t.Run("a lapsed hold reads as if expired at its deadline", func(t *testing.T) {
			if en := got[lapsedNow]; en.Sequence != 1 || !en.UpdatedAt.Equal(now) {
				t.Fatalf("hold lapsing now: sequence %d, changed %v", en.Sequence, en.UpdatedAt)
			}
			if en := got[lapsedEdited]; en.Sequence != 1 || !en.UpdatedAt.Equal(mustTime("2026-11-26T08:00:00Z")) {
				t.Fatalf("hold edited after its deadline: sequence %d, changed %v", en.Sequence, en.UpdatedAt)
			}
			if en := got[live]; en.Sequence != 0 || !en.UpdatedAt.Equal(mustTime("2026-11-20T08:00:00Z")) {
				t.Fatalf("live hold: sequence %d, changed %v", en.Sequence, en.UpdatedAt)
			}
		})
		t.Run("a hold that lapsed before the cut-off is left out", func(t *testing.T) {
			later := december
			later.CancelledSince = now.Add(time.Second)
			_, entries := e.feed(models.FeedScope{Kind: models.FeedSpace, ID: e.roomA.ID}, later)
			want := []int64{live, noDeadline, confirmedLongAgo}
			if got := entryIDs(entries); !slices.Equal(got, want) {
				t.Fatalf("listed %v, want %v", got, want)
			}
		})
	})
}

func TestCalendarStampChangesWithWhatTheFeedShows(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		e := newFeedEstate(t, db)
		site := models.FeedScope{Kind: models.FeedSite, ID: e.siteA.ID}
		w := func() models.FeedWindow {
			return models.FeedWindow{From: december.From, To: december.To, CancelledSince: feedStart.Add(-7 * 24 * time.Hour), Now: e.clock}
		}
		e.book(e.roomA, e.knit, "2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z", booking.Confirmed)
		last, _ := e.feed(site, w())
		if again, _ := e.feed(site, w()); again != last {
			t.Fatalf("nothing changed, yet the stamp went from %+v to %+v", last, again)
		}
		step := func(name string, change func()) {
			t.Helper()
			change()
			st, _ := e.feed(site, w())
			if st == last {
				t.Fatalf("%s: the stamp stayed %+v", name, st)
			}
			last = st
		}

		var walkID int64
		step("a new booking", func() {
			e.tick()
			walkID = e.book(e.hallA, e.walk, "2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z", booking.Confirmed)
		})
		count := last.Count
		step("a cancellation", func() {
			_, err := e.store.ChangeBooking(ctx, walkID, booking.ActionCancel, "", 0, e.tick())
			mustOK(t, err)
		})
		if last.Count != count {
			t.Fatalf("a recent cancellation stays listed, yet the count went from %d to %d", count, last.Count)
		}
		step("a site renamed", func() {
			e.tick()
			e.siteA.Name = "Hunter Street Wellbeing Hub"
			mustOK(t, e.store.UpdateSite(ctx, e.siteA, nil))
		})
		if !last.LastModified.Equal(e.clock) {
			t.Fatalf("last modified %v, want the rename at %v", last.LastModified, e.clock)
		}
		step("a space renamed", func() {
			e.tick()
			e.roomA.Name = "Room One"
			mustOK(t, e.store.UpdateSpace(ctx, e.roomA))
		})
		step("an organisation renamed", func() {
			e.tick()
			o, err := e.store.OrganisationByID(ctx, e.walk.ID)
			mustOK(t, err)
			o.Name = "Tuesday Walkers"
			mustOK(t, e.store.UpdateOrganisation(ctx, o))
		})

		t.Run("a change elsewhere leaves it alone", func(t *testing.T) {
			e.tick()
			e.siteB.Name = "Station Road Health Centre"
			mustOK(t, e.store.UpdateSite(ctx, e.siteB, nil))
			e.book(e.roomB, e.knit, "2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z", booking.Confirmed)
			e.book(e.storeA, e.knit, "2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z", booking.Confirmed) // hidden
			if st, _ := e.feed(site, w()); st != last {
				t.Fatalf("the stamp went from %+v to %+v", last, st)
			}
		})

		t.Run("a hold lapsing", func(t *testing.T) {
			deadline := e.tick().Add(30 * time.Minute)
			e.book(e.roomA, e.walk, "2026-12-04T10:00:00Z", "2026-12-04T11:00:00Z", booking.PendingPayment, holdUntil(deadline))
			held, entries := e.feed(site, w())
			if entries[len(entries)-1].State != booking.PendingPayment {
				t.Fatalf("the hold reads %q", entries[len(entries)-1].State)
			}
			e.clock = deadline.Add(-time.Second)
			if st, _ := e.feed(site, w()); st != held {
				t.Fatalf("time passed before the deadline, yet the stamp went from %+v to %+v", held, st)
			}
			e.clock = deadline
			lapsed, entries := e.feed(site, w())
			if lapsed == held || entries[len(entries)-1].State != booking.Expired {
				t.Fatalf("at the deadline the stamp stayed %+v and the hold reads %q", lapsed, entries[len(entries)-1].State)
			}
			if lapsed.SequenceSum != held.SequenceSum+1 || !lapsed.LastModified.Equal(deadline) {
				t.Fatalf("lapsed stamp %+v, held %+v", lapsed, held)
			}
		})
	})
}

func TestCalendarTokens(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		e := newFeedEstate(t, db)
		s := e.store
		org := models.CalendarOwner{OrganisationID: e.knit.ID}
		manager := models.CalendarOwner{UserID: e.managerA.ID}
		owner := func(hash string) (models.CalendarOwner, error) { return s.CalendarTokenOwner(ctx, hash) }

		t.Run("set", func(t *testing.T) {
			mustOK(t, s.SetCalendarToken(ctx, org, "hash-1", e.managerA.ID, feedStart))
			mustOK(t, s.SetCalendarToken(ctx, manager, "hash-m", e.managerA.ID, feedStart))
			if got, err := owner("hash-1"); err != nil || got != org {
				t.Fatalf("hash-1 opens %+v, %v", got, err)
			}
			if got, err := owner("hash-m"); err != nil || got != manager {
				t.Fatalf("hash-m opens %+v, %v", got, err)
			}
			created, err := s.CalendarTokenCreated(ctx, org)
			if err != nil || created == nil || !created.Equal(feedStart) {
				t.Fatalf("created %v, %v", created, err)
			}
		})
		t.Run("replace", func(t *testing.T) {
			later := feedStart.Add(time.Hour)
			mustOK(t, s.SetCalendarToken(ctx, org, "hash-2", 0, later))
			if _, err := owner("hash-1"); !errors.Is(err, booking.ErrNotFound) {
				t.Fatalf("the old token still opens: %v", err)
			}
			if got, err := owner("hash-2"); err != nil || got != org {
				t.Fatalf("hash-2 opens %+v, %v", got, err)
			}
			created, err := s.CalendarTokenCreated(ctx, org)
			if err != nil || created == nil || !created.Equal(later) {
				t.Fatalf("created %v, %v", created, err)
			}
			var n int64
			mustOK(t, s.DB.Model(&models.CalendarToken{}).Where("organisation_id = ?", e.knit.ID).Count(&n).Error)
			if n != 1 {
				t.Fatalf("%d tokens for one organisation", n)
			}
		})
		t.Run("a hash in use by another owner is a conflict", func(t *testing.T) {
			err := s.SetCalendarToken(ctx, models.CalendarOwner{OrganisationID: e.walk.ID}, "hash-2", 0, feedStart)
			if !errors.Is(err, booking.ErrConflict) {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("revoke", func(t *testing.T) {
			removed, err := s.RevokeCalendarToken(ctx, org)
			if err != nil || !removed {
				t.Fatalf("revoke: %v, %v", removed, err)
			}
			if _, err := owner("hash-2"); !errors.Is(err, booking.ErrNotFound) {
				t.Fatalf("a revoked token still opens: %v", err)
			}
			if created, err := s.CalendarTokenCreated(ctx, org); err != nil || created != nil {
				t.Fatalf("created %v, %v after revoking", created, err)
			}
			if removed, err := s.RevokeCalendarToken(ctx, org); err != nil || removed {
				t.Fatalf("revoke again: %v, %v", removed, err)
			}
			if got, err := owner("hash-m"); err != nil || got != manager {
				t.Fatalf("the manager's token went too: %+v, %v", got, err)
			}
		})
		t.Run("an unknown hash is not found", func(t *testing.T) {
			if _, err := owner("no-such-hash"); !errors.Is(err, booking.ErrNotFound) {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("an owner is an organisation or a user", func(t *testing.T) {
			for _, o := range []models.CalendarOwner{{}, {OrganisationID: e.knit.ID, UserID: e.managerA.ID}} {
				if err := s.SetCalendarToken(ctx, o, "hash-x", 0, feedStart); err == nil {
					t.Fatalf("owner %+v accepted", o)
				}
				if _, err := s.RevokeCalendarToken(ctx, o); err == nil {
					t.Fatalf("owner %+v revoked", o)
				}
				if _, err := s.CalendarTokenCreated(ctx, o); err == nil {
					t.Fatalf("owner %+v read", o)
				}
			}
		})
	})
}

func TestSetCalendarTokenRacesLeaveOneToken(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		e := newFeedEstate(t, db)
		// A second pool stands in for a second server process.
		stores := []*models.Store{e.store, modelstest.Open(t, db)}
		var owners []models.CalendarOwner
		for i := range 6 {
			o := &models.Organisation{Name: fmt.Sprintf("Group %d", i), Type: "community_group"}
			mustOK(t, e.store.CreateOrganisation(ctx, o, e.none.ID))
			owners = append(owners, models.CalendarOwner{OrganisationID: o.ID})
		}
		owners = append(owners, models.CalendarOwner{UserID: e.managerA.ID}, models.CalendarOwner{UserID: e.managerBoth.ID})
		for i, owner := range owners {
			if i%2 == 1 { // half of them replace a token they have
				mustOK(t, e.store.SetCalendarToken(ctx, owner, fmt.Sprintf("old-%d", i), 0, feedStart))
			}
			hashes := []string{fmt.Sprintf("a-%d", i), fmt.Sprintf("b-%d", i)}
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for j := range 2 {
				wg.Go(func() {
					<-start
					errs[j] = stores[j].SetCalendarToken(ctx, owner, hashes[j], 0, feedStart)
				})
			}
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatalf("owner %+v: %v", owner, err)
			}
			var rows []models.CalendarToken
			q := e.store.DB.Where("organisation_id = ?", owner.OrganisationID)
			if owner.UserID != 0 {
				q = e.store.DB.Where("user_id = ?", owner.UserID)
			}
			mustOK(t, q.Find(&rows).Error)
			if len(rows) != 1 || !slices.Contains(hashes, rows[0].TokenHash) {
				t.Fatalf("owner %+v keeps %+v, want one of %v", owner, rows, hashes)
			}
		}
	})
}

// sessionFeedEstate adds to the listing estate, in and around the feed
// window sessionWindow: the knitting series' other dates in every state (a
// date cancelled since the cut-off and one cancelled before it, see
// newListingEstate), the knitting group's unpublished booking in Room 1,
// and the walking group's tai chi in the Hall, published.
type sessionFeedEstate struct {
	*listingEstate
	private, taiChi int64
	taiChiListing   *models.Listing
}

// sessionWindow is December and January, seen on 30 November, with dates
// cancelled since 25 November.
var sessionWindow = models.FeedWindow{
	From:           mustTime("2026-12-01T00:00:00Z"),
	To:             mustTime("2027-02-01T00:00:00Z"),
	CancelledSince: mustTime("2026-11-25T00:00:00Z"),
	Now:            mustTime("2026-11-30T12:00:00Z"),
}

func newSessionFeedEstate(t *testing.T, db modelstest.Database) *sessionFeedEstate {
	t.Helper()
	e := &sessionFeedEstate{listingEstate: newListingEstate(t, db)}
	recently := mustTime("2026-11-26T08:00:00Z")
	for i, change := range []map[string]any{
		2: {"state": booking.Requested},
		3: {"state": booking.PendingPayment, "hold_expires_at": mustTime("2026-12-10T00:00:00Z")},
		4: {"state": booking.Declined, "updated_at": recently},
		5: {"state": booking.Expired, "updated_at": recently},
		6: {"state": booking.Cancelled, "updated_at": recently, "sequence": 1},
	} {
		if change != nil {
			mustOK(t, e.store.DB.Model(&models.Booking{}).Where("id = ?", e.knitDates[i]).UpdateColumns(change).Error)
		}
	}
	e.private = e.book(e.roomA, e.knit, "2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z", booking.Confirmed)
	e.taiChi = e.book(e.hallA, e.walk, "2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z", booking.Confirmed)
	e.taiChiListing = e.publish(&models.Listing{BookingID: &e.taiChi}, booking.Listing{
		Title: "Tai chi for beginners", Description: "Slow movement for balance.",
		Categories: []string{"physical_activity", "older_people"}, Join: "drop_in"})
	return e
}

func TestCalendarSessionFeeds(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newSessionFeedEstate(t, db)
		k := e.knitDates
		tests := []struct {
			name  string
			scope models.FeedScope
			want  []int64
		}{
			{"a listing lists its series' confirmed dates and the recently cancelled",
				models.FeedScope{Kind: models.FeedListing, ID: e.knitListing.ID}, []int64{k[0], k[6], k[7]}},
			{"a listing of one booking lists it", models.FeedScope{Kind: models.FeedListing, ID: e.walkListg.ID}, []int64{e.walkBooking}},
			{"an unknown listing lists nothing", models.FeedScope{Kind: models.FeedListing, ID: 999999}, []int64{}},
			{"a category lists its listings' dates", models.FeedScope{Kind: models.FeedCategory, Category: "peer_support"},
				[]int64{k[0], k[6], k[7]}},
			{"a category lists every group's listings in it",
				models.FeedScope{Kind: models.FeedCategory, Category: "physical_activity"}, []int64{e.taiChi, e.walkBooking}},
			{"a category with no listing lists nothing", models.FeedScope{Kind: models.FeedCategory, Category: "families"}, []int64{}},
			{"a site lists its listings' dates and no unpublished booking",
				models.FeedScope{Kind: models.FeedSiteListings, ID: e.siteA.ID}, []int64{k[0], e.taiChi, k[6], k[7]}},
			{"another site lists its own", models.FeedScope{Kind: models.FeedSiteListings, ID: e.siteB.ID}, []int64{e.walkBooking}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st, entries := e.feed(tt.scope, sessionWindow)
				if got := entryIDs(entries); !slices.Equal(got, tt.want) {
					t.Fatalf("listed %v, want %v", got, tt.want)
				}
				for _, en := range entries {
					if en.State != booking.Confirmed && en.State != booking.Cancelled {
						t.Errorf("booking %d is listed %s", en.BookingID, en.State)
					}
					if en.ListingID == nil || en.ListingTitle == "" {
						t.Errorf("booking %d is listed without its listing", en.BookingID)
					}
				}
				if len(tt.want) == 0 && st != (models.FeedStamp{}) {
					t.Fatalf("an empty feed's stamp is %+v", st)
				}
			})
		}

		t.Run("a date cancelled before the cut-off is left out, one cancelled since stays", func(t *testing.T) {
			later := sessionWindow
			later.CancelledSince = mustTime("2026-11-27T00:00:00Z")
			_, entries := e.feed(models.FeedScope{Kind: models.FeedListing, ID: e.knitListing.ID}, later)
			if got, want := entryIDs(entries), []int64{k[0], k[7]}; !slices.Equal(got, want) {
				t.Fatalf("listed %v, want %v", got, want)
			}
		})
		t.Run("every feed names the listing a booking is published in", func(t *testing.T) {
			knit := e.knitListing.ID
			want := map[int64]*int64{k[0]: &knit, e.private: nil, k[2]: &knit, k[3]: &knit, k[4]: &knit, k[5]: &knit, k[6]: &knit, k[7]: &knit}
			for _, scope := range []models.FeedScope{
				{Kind: models.FeedSpace, ID: e.roomA.ID},
				{Kind: models.FeedOrganisation, ID: e.knit.ID},
				{Kind: models.FeedManager, ID: e.managerA.ID},
			} {
				_, entries := e.feed(scope, sessionWindow)
				seen := 0
				for _, en := range entries {
					l, ok := want[en.BookingID]
					if !ok {
						continue
					}
					seen++
					switch {
					case l == nil && (en.ListingID != nil || en.ListingTitle != ""):
						t.Errorf("feed %d: the unpublished booking reads listing %q", scope.Kind, en.ListingTitle)
					case l != nil && (en.ListingID == nil || *en.ListingID != *l || en.ListingTitle != "Knit and natter"):
						t.Errorf("feed %d: booking %d reads listing %v %q", scope.Kind, en.BookingID, en.ListingID, en.ListingTitle)
					}
				}
				if seen != len(want) {
					t.Errorf("feed %d lists %d of the %d bookings in Room 1", scope.Kind, seen, len(want))
				}
			}
			_, entries := e.feed(models.FeedScope{Kind: models.FeedSite, ID: e.siteA.ID}, sessionWindow)
			if i := slices.Index(entryIDs(entries), e.taiChi); i < 0 || entries[i].ListingTitle != "Tai chi for beginners" ||
				entries[i].ListingID == nil || *entries[i].ListingID != e.taiChiListing.ID {
				t.Errorf("the site feed does not name the tai chi: %v", entryIDs(entries))
			}
		})
		t.Run("the listings of a feed's entries are read with their public facts", func(t *testing.T) {
			_, entries := e.feed(models.FeedScope{Kind: models.FeedSiteListings, ID: e.siteA.ID}, sessionWindow)
			views, err := e.store.FeedListings(context.Background(), entries)
			mustOK(t, err)
			if len(views) != 2 || views[e.knitListing.ID].Description != e.knitListing.Description ||
				views[e.taiChiListing.ID].SiteName != e.siteA.Name || views[e.taiChiListing.ID].SpaceName != "Hall" {
				t.Fatalf("views %v", views)
			}
			none, err := e.store.FeedListings(context.Background(), nil)
			if err != nil || len(none) != 0 {
				t.Fatalf("no entries: %v, %v", none, err)
			}
		})
	})
}

func TestCalendarStampFollowsListings(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		e := newSessionFeedEstate(t, db)
		scopes := []models.FeedScope{
			{Kind: models.FeedListing, ID: e.knitListing.ID},
			{Kind: models.FeedCategory, Category: "peer_support"},
			{Kind: models.FeedSiteListings, ID: e.siteA.ID},
			{Kind: models.FeedSpace, ID: e.roomA.ID},
			{Kind: models.FeedSite, ID: e.siteA.ID},
		}
		stamps := func() []models.FeedStamp {
			out := make([]models.FeedStamp, len(scopes))
			for i, sc := range scopes {
				out[i], _ = e.feed(sc, sessionWindow)
			}
			return out
		}
		last := stamps()
		changed := func(t *testing.T, what string, which ...int) {
			t.Helper()
			now := stamps()
			for _, i := range which {
				if now[i] == last[i] {
					t.Errorf("%s: feed kind %d kept its stamp %+v", what, scopes[i].Kind, now[i])
				}
			}
			last = now
		}

		t.Run("an edit of the listing", func(t *testing.T) {
			edited := mustTime("2026-11-29T09:00:00Z")
			p := e.knitListing.Published()
			p.Description = "Bring a project; tea, biscuits and a natter."
			e.knitListing.Publish(p)
			mustOK(t, e.store.UpdateListing(ctx, e.knitListing, edited))
			changed(t, "an edit", 0, 1, 2, 3, 4)
			for i := range scopes {
				if !last[i].LastModified.Equal(edited) {
					t.Errorf("feed kind %d last modified %v, want the edit at %v", scopes[i].Kind, last[i].LastModified, edited)
				}
			}
		})
		t.Run("another listing's edit leaves a listing's feed alone", func(t *testing.T) {
			mustOK(t, e.store.UpdateListing(ctx, e.walkListg, mustTime("2026-11-29T10:00:00Z")))
			before := last[0]
			changed(t, "the walk's edit")
			if last[0] != before {
				t.Errorf("the knitting feed's stamp went from %+v to %+v", before, last[0])
			}
		})
		t.Run("unpublishing", func(t *testing.T) {
			mustOK(t, e.store.DeleteListing(ctx, e.knitListing.ID))
			changed(t, "unpublishing", 0, 1, 2, 3, 4)
			if last[0] != (models.FeedStamp{}) || last[1] != (models.FeedStamp{}) {
				t.Errorf("an unpublished listing's feeds stamp %+v and %+v", last[0], last[1])
			}
			_, entries := e.feed(scopes[3], sessionWindow)
			for _, en := range entries {
				if en.ListingID != nil {
					t.Errorf("booking %d still reads listing %d", en.BookingID, *en.ListingID)
				}
			}
		})
		t.Run("publishing again", func(t *testing.T) {
			again := e.publish(&models.Listing{SeriesID: &e.knitSeries}, e.knitListing.Published())
			scopes[0].ID = again.ID
			changed(t, "publishing", 0, 1, 2, 3, 4)
			if last[3].ListingIDSum == 0 || last[3].ListingIDSum%again.ID != 0 {
				t.Errorf("the space's stamp sums listings to %d, want multiples of %d", last[3].ListingIDSum, again.ID)
			}
		})
	})
}
