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

// estate is two sites with spaces that keep their own hours or their
// site's, and one organisation, for availability tests.
type estate struct {
	t      *testing.T
	store  *models.Store
	siteA  *models.Site
	siteB  *models.Site
	orgID  int64
	spaces []*models.Space
}

func newEstate(t *testing.T, db modelstest.Database) *estate {
	t.Helper()
	ctx := context.Background()
	e := &estate{t: t, store: modelstest.Open(t, db)}
	e.siteA = e.site("Hunter Street Health Centre")
	e.siteB = e.site("Station Road Surgery")
	weekdays := func(opens, closes booking.Clock) []booking.Window {
		var ws []booking.Window
		for d := time.Monday; d <= time.Friday; d++ {
			ws = append(ws, booking.Window{Weekday: d, Opens: opens, Closes: closes})
		}
		return ws
	}
	mustOK(t, e.store.SetOpeningWindows(ctx, e.siteA.ID, 0, weekdays(8*60, 20*60)))
	mustOK(t, e.store.SetOpeningWindows(ctx, e.siteB.ID, 0, append(weekdays(9*60, 17*60),
		booking.Window{Weekday: time.Saturday, Opens: 10 * 60, Closes: 13 * 60})))
	e.space(e.siteA, "Room 1", "hour", 0, 24, "public")
	e.space(e.siteA, "Hall", "hour", 15, 2, "public")
	e.space(e.siteA, "Store room", "hour", 30, 72, "hidden")
	e.space(e.siteB, "Garden", "day", 0, 24, "public")
	e.space(e.siteB, "Kitchen", "hour", 10, 48, "public")
	// Room 2 shares Room 1's hours, notice and horizon, but not its bookings.
	e.space(e.siteA, "Room 2", "hour", 0, 24, "public")
	// The hall keeps its own hours: Tuesday and Thursday evenings.
	mustOK(t, e.store.SetOpeningWindows(ctx, e.siteA.ID, e.spaces[1].ID, []booking.Window{
		{Weekday: time.Tuesday, Opens: 17 * 60, Closes: 22 * 60}, {Weekday: time.Thursday, Opens: 17 * 60, Closes: 24 * 60}}))
	e.spaces[1].OwnOpeningHours = true
	u := &models.User{Email: "org@example.org", Name: "Org", PasswordHash: "x", Role: booking.RoleMember}
	mustOK(t, e.store.CreateUser(ctx, u))
	o := &models.Organisation{Name: "Tame Valley Talking Space", Type: "community_group"}
	mustOK(t, e.store.CreateOrganisation(ctx, o, u.ID))
	e.orgID = o.ID
	return e
}

func mustOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *estate) site(name string) *models.Site {
	s := &models.Site{Name: name, AddressLine1: "1 High Street", Town: "Stockport", Postcode: "SK1 1AA"}
	mustOK(e.t, e.store.CreateSite(context.Background(), s, nil))
	return s
}

func (e *estate) space(site *models.Site, name, unit string, buffer, noticeHours int, visibility string) *models.Space {
	sp := &models.Space{SiteID: site.ID, Name: name, Kind: "meeting_room", Capacity: 10, BookingUnit: unit,
		GranularityMinutes: 30, MinMinutes: 30, MaxMinutes: 600, NoticeHours: noticeHours, HorizonDays: 60,
		BufferMinutes: buffer, ApprovalMode: "auto", Visibility: visibility}
	mustOK(e.t, e.store.CreateSpace(context.Background(), sp))
	e.spaces = append(e.spaces, sp)
	return sp
}

// book stores a booking row directly, in any state.
func (e *estate) book(sp *models.Space, start, end, state string, hold *time.Time) int64 {
	e.t.Helper()
	s, en := mustTime(start), mustTime(end)
	b := models.Booking{SpaceID: sp.ID, OrganisationID: e.orgID, StartsAt: s, EndsAt: en,
		BlockEnd: en.Add(time.Duration(sp.BufferMinutes) * time.Minute), State: state, Purpose: "community",
		Attendees: 4, HoldExpiresAt: hold, CreatedAt: models.Now(), UpdatedAt: models.Now()}
	mustOK(e.t, e.store.DB.Omit("Space", "Organisation", "Events").Create(&b).Error)
	return b.ID
}

func (e *estate) close(siteID, spaceID *int64, start, end, reason string) *models.Closure {
	e.t.Helper()
	c := &models.Closure{SiteID: siteID, SpaceID: spaceID, StartsAt: mustTime(start), EndsAt: mustTime(end), Reason: reason}
	_, err := e.store.CreateClosure(context.Background(), c, fixedNow)
	mustOK(e.t, err)
	return c
}

func TestFreeIntervalsForSpacesAgreesWithOneSpaceAtATime(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		e := newEstate(t, db)
		room, hall, store, garden, kitchen := e.spaces[0], e.spaces[1], e.spaces[2], e.spaces[3], e.spaces[4]
		live, lapsed := fixedNow.Add(time.Hour), fixedNow.Add(-time.Hour)
		e.book(room, "2026-11-23T09:00:00Z", "2026-11-23T10:30:00Z", booking.Confirmed, nil)
		e.book(room, "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z", booking.Requested, nil)
		e.book(room, "2026-11-24T09:00:00Z", "2026-11-24T12:00:00Z", booking.Cancelled, nil)
		e.book(room, "2026-11-25T09:00:00Z", "2026-11-25T10:00:00Z", booking.PendingPayment, &live)
		e.book(room, "2026-11-26T09:00:00Z", "2026-11-26T10:00:00Z", booking.PendingPayment, &lapsed)
		e.book(hall, "2026-11-24T18:00:00Z", "2026-11-24T19:00:00Z", booking.Confirmed, nil)
		e.book(store, "2026-11-25T08:00:00Z", "2026-11-25T20:00:00Z", booking.Confirmed, nil)
		e.book(garden, "2026-11-28T00:00:00Z", "2026-11-29T00:00:00Z", booking.Confirmed, nil)
		e.book(kitchen, "2026-11-27T11:00:00Z", "2026-11-27T12:00:00Z", booking.Confirmed, nil)
		e.book(e.spaces[5], "2026-11-23T12:00:00Z", "2026-11-23T15:00:00Z", booking.Confirmed, nil)
		e.close(&e.siteA.ID, nil, "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", "Staff training")
		e.close(nil, &kitchen.ID, "2026-11-30T12:00:00Z", "2026-11-30T15:00:00Z", "New oven")
		e.close(&e.siteB.ID, nil, "2026-12-05T00:00:00Z", "2026-12-06T00:00:00Z", "Christmas fair")

		var spaces []models.Space
		for _, sp := range e.spaces {
			spaces = append(spaces, *sp)
		}
		from, to := mustTime("2026-11-21T00:00:00Z"), mustTime("2026-12-12T00:00:00Z")
		all, err := e.store.FreeIntervalsForSpaces(ctx, spaces, from, to, fixedNow)
		mustOK(t, err)
		for _, sp := range e.spaces {
			one, err := e.store.FreeIntervals(ctx, sp.ID, from, to, fixedNow)
			mustOK(t, err)
			if !slices.Equal(all[sp.ID], one) {
				t.Errorf("%s: together %v\nalone %v", sp.Name, all[sp.ID], one)
			}
			if len(one) == 0 {
				t.Errorf("%s has no free time at all; the test shows nothing", sp.Name)
			}
		}
		t.Run("many spaces, read in parts side by side, agree too", func(t *testing.T) {
			many := slices.Clone(spaces)
			for i := range 120 {
				site := e.siteA
				if i%3 == 0 {
					site = e.siteB
				}
				sp := e.space(site, fmt.Sprintf("Extra room %d", i), "hour", i%4*10, 0, "public")
				// Each room booked on its own day and hour, a few of them twice.
				day := fmt.Sprintf("2026-11-%02d", 23+i%5)
				e.book(sp, fmt.Sprintf("%sT%02d:00:00Z", day, 9+i%8), fmt.Sprintf("%sT%02d:30:00Z", day, 10+i%8), booking.Confirmed, nil)
				if i%7 == 0 {
					e.book(sp, "2026-12-01T14:00:00Z", "2026-12-01T16:00:00Z", booking.Requested, nil)
				}
				many = append(many, *sp)
			}
			all, err := e.store.FreeIntervalsForSpaces(ctx, many, from, to, fixedNow)
			mustOK(t, err)
			for _, sp := range many {
				one, err := e.store.FreeIntervals(ctx, sp.ID, from, to, fixedNow)
				mustOK(t, err)
				if !slices.Equal(all[sp.ID], one) {
					t.Fatalf("%s: together %v\nalone %v", sp.Name, all[sp.ID], one)
				}
			}
		})
		t.Run("a space outside its horizon has no entry", func(t *testing.T) {
			got, err := e.store.FreeIntervalsForSpaces(ctx, spaces, fixedNow.AddDate(1, 0, 0), fixedNow.AddDate(1, 0, 7), fixedNow)
			mustOK(t, err)
			if len(got) != 0 {
				t.Errorf("got %v", got)
			}
		})
	})
}

func TestOpeningHoursOfSitesAndSpaces(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		e := newEstate(t, db)
		room, hall := e.spaces[0], e.spaces[1]
		site, err := e.store.SiteOpeningWindows(ctx, e.siteA.ID)
		mustOK(t, err)
		if len(site) != 5 || site[0].Opens != 8*60 {
			t.Fatalf("site windows %v", site)
		}
		if _, err := e.store.SiteOpeningWindows(ctx, 999999); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("unknown site: %v", err)
		}
		ws, own, err := e.store.SpaceOpeningWindows(ctx, room)
		if err != nil || own || !slices.Equal(ws, site) {
			t.Errorf("a space without hours of its own follows its site: %v %v %v", ws, own, err)
		}
		ws, own, err = e.store.SpaceOpeningWindows(ctx, hall)
		if err != nil || !own || len(ws) != 2 {
			t.Errorf("the hall keeps its own: %v %v %v", ws, own, err)
		}
		t.Run("going back to the site's hours drops the space's own", func(t *testing.T) {
			mustOK(t, e.store.UseSiteOpeningHours(ctx, hall.ID))
			sp, err := e.store.SpaceByID(ctx, hall.ID)
			mustOK(t, err)
			ws, own, err := e.store.SpaceOpeningWindows(ctx, sp)
			if err != nil || own || !slices.Equal(ws, site) {
				t.Errorf("got %v %v %v", ws, own, err)
			}
			var n int64
			mustOK(t, e.store.DB.Model(&models.OpeningWindow{}).Where("space_id = ?", hall.ID).Count(&n).Error)
			if n != 0 {
				t.Errorf("%d windows of the hall left", n)
			}
			if err := e.store.UseSiteOpeningHours(ctx, 999999); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("unknown space: %v", err)
			}
		})
	})
}

func TestClosures(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		e := newEstate(t, db)
		room, hall, store, kitchen := e.spaces[0], e.spaces[1], e.spaces[2], e.spaces[4]
		live, lapsed := fixedNow.Add(time.Hour), fixedNow.Add(-time.Hour)
		confirmed := e.book(room, "2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z", booking.Confirmed, nil)
		held := e.book(hall, "2026-12-08T18:00:00Z", "2026-12-08T19:00:00Z", booking.PendingPayment, &live)
		e.book(hall, "2026-12-08T20:00:00Z", "2026-12-08T21:00:00Z", booking.PendingPayment, &lapsed)
		e.book(room, "2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z", booking.Cancelled, nil)
		e.book(kitchen, "2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z", booking.Confirmed, nil)
		e.book(room, "2026-12-10T09:00:00Z", "2026-12-10T10:00:00Z", booking.Confirmed, nil)

		t.Run("a site closure lists the active bookings in all its spaces", func(t *testing.T) {
			c := &models.Closure{SiteID: &e.siteA.ID, StartsAt: mustTime("2026-12-07T00:00:00Z"), EndsAt: mustTime("2026-12-09T00:00:00Z"), Reason: "Boiler"}
			affected, err := e.store.CreateClosure(ctx, c, fixedNow)
			mustOK(t, err)
			var ids []int64
			for _, a := range affected {
				ids = append(ids, a.ID)
			}
			if !slices.Equal(ids, []int64{confirmed, held}) {
				t.Fatalf("affected %+v", affected)
			}
			if affected[1].SpaceName != "Hall" || affected[1].OrganisationName != "Tame Valley Talking Space" ||
				!affected[1].StartsAt.Equal(mustTime("2026-12-08T18:00:00Z")) || affected[1].State != booking.PendingPayment {
				t.Errorf("affected %+v", affected[1])
			}
			var n int64
			mustOK(t, e.store.DB.Model(&models.Booking{}).Where("state = ?", booking.Cancelled).Count(&n).Error)
			if n != 1 {
				t.Errorf("a closure cancelled bookings: %d cancelled", n)
			}
		})
		t.Run("a space closure lists that space's bookings only", func(t *testing.T) {
			c := &models.Closure{SpaceID: &kitchen.ID, StartsAt: mustTime("2026-12-08T00:00:00Z"), EndsAt: mustTime("2026-12-09T00:00:00Z"), Reason: "New oven"}
			affected, err := e.store.CreateClosure(ctx, c, fixedNow)
			if err != nil || len(affected) != 1 || affected[0].SpaceID != kitchen.ID {
				t.Fatalf("affected %+v, %v", affected, err)
			}
		})
		hidden := e.close(nil, &store.ID, "2026-12-20T00:00:00Z", "2026-12-21T00:00:00Z", "Stocktake")
		past := e.close(&e.siteB.ID, nil, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "Half term")

		list := func(f models.ClosureFilter) []string {
			t.Helper()
			cs, total, err := e.store.Closures(ctx, f, models.Page{Number: 1, PerPage: 50})
			mustOK(t, err)
			if int(total) != len(cs) {
				t.Errorf("total %d, listed %d", total, len(cs))
			}
			var reasons []string
			for _, c := range cs {
				reasons = append(reasons, c.Reason)
			}
			return reasons
		}
		for _, tt := range []struct {
			name string
			f    models.ClosureFilter
			want []string
		}{
			{"everything public, in order of start", models.ClosureFilter{}, []string{"Half term", "Boiler", "New oven"}},
			{"a hidden space's closures for its managers", models.ClosureFilter{VisibleSites: []int64{e.siteA.ID}},
				[]string{"Half term", "Boiler", "New oven", "Stocktake"}},
			{"and for admins", models.ClosureFilter{AllHidden: true}, []string{"Half term", "Boiler", "New oven", "Stocktake"}},
			{"a site's own closures and its spaces'", models.ClosureFilter{SiteID: e.siteB.ID}, []string{"Half term", "New oven"}},
			{"a space's own closures and its site's", models.ClosureFilter{SpaceID: hall.ID}, []string{"Boiler"}},
			{"ending after from", models.ClosureFilter{From: mustTime("2026-12-08T12:00:00Z")}, []string{"Boiler", "New oven"}},
			{"starting before to", models.ClosureFilter{To: mustTime("2026-12-07T00:00:00Z")}, []string{"Half term"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if got := list(tt.f); !slices.Equal(got, tt.want) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			})
		}
		t.Run("one closure with its names", func(t *testing.T) {
			c, err := e.store.ClosureByID(ctx, hidden.ID)
			mustOK(t, err)
			if c.InSiteID != e.siteA.ID || c.SiteName != e.siteA.Name || c.SpaceName == nil || *c.SpaceName != "Store room" ||
				c.SpaceVisibility == nil || *c.SpaceVisibility != "hidden" || !c.StartsAt.Equal(mustTime("2026-12-20T00:00:00Z")) {
				t.Errorf("got %+v", c)
			}
			c, err = e.store.ClosureByID(ctx, past.ID)
			if err != nil || c.InSiteID != e.siteB.ID || c.SpaceName != nil {
				t.Errorf("got %+v, %v", c, err)
			}
		})
		t.Run("deleting", func(t *testing.T) {
			mustOK(t, e.store.DeleteClosure(ctx, past.ID))
			if _, err := e.store.ClosureByID(ctx, past.ID); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("after delete: %v", err)
			}
			if err := e.store.DeleteClosure(ctx, past.ID); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("second delete: %v", err)
			}
		})
	})
}

func TestInSpaceSeesTheWindowsThatApply(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newEstate(t, db)
		ctx := context.Background()
		siteA, _ := e.store.SiteOpeningWindows(ctx, e.siteA.ID)
		siteB, _ := e.store.SiteOpeningWindows(ctx, e.siteB.ID)
		hall := []booking.Window{{Weekday: time.Tuesday, Opens: 17 * 60, Closes: 22 * 60}, {Weekday: time.Thursday, Opens: 17 * 60, Closes: 24 * 60}}
		bare := e.site("Empty Building")
		shed := e.space(bare, "Shed", "hour", 0, 0, "public")
		tests := []struct {
			name  string
			space *models.Space
			want  []booking.Window
		}{
			{"a space following its site", e.spaces[0], siteA},
			{"a space with its own hours", e.spaces[1], hall},
			{"a space at another site, weekend included", e.spaces[4], siteB},
			{"a space at a site with no hours", shed, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := e.store.InSpace(ctx, tt.space.ID, func(tx booking.SpaceTx) error {
					sp := tx.Space()
					if sp.ID != tt.space.ID || sp.SiteID != tt.space.SiteID || sp.Rules != models.RulesOf(tt.space) {
						t.Errorf("space %+v, want the row of %s", sp, tt.space.Name)
					}
					if len(sp.Windows) != len(tt.want) || (len(tt.want) > 0 && !slices.Equal(sp.Windows, tt.want)) {
						t.Errorf("windows %v, want %v", sp.Windows, tt.want)
					}
					return nil
				})
				mustOK(t, err)
			})
		}
		t.Run("an unknown space", func(t *testing.T) {
			err := e.store.InSpace(ctx, 999999, func(booking.SpaceTx) error { return nil })
			if !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("got %v, want ErrNotFound", err)
			}
		})
	})
}
