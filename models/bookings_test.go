package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// bookingFixture is a site open every day, all day, with one space and one
// verified organisation.
type bookingFixture struct {
	store   *models.Store
	space   *models.Space
	orgID   int64
	service *booking.Service
}

var fixedNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func newBookingFixture(t *testing.T, db modelstest.Database, buffer int) *bookingFixture {
	t.Helper()
	ctx := context.Background()
	s := modelstest.Open(t, db)
	site := &models.Site{Name: "Hunter Street Health Centre", AddressLine1: "1 Hunter Street", Town: "Stockport", Postcode: "SK1 1AA"}
	if err := s.CreateSite(ctx, site, nil); err != nil {
		t.Fatal(err)
	}
	var all []booking.Window
	for d := time.Sunday; d <= time.Saturday; d++ {
		all = append(all, booking.Window{Weekday: d, Opens: 0, Closes: 24 * 60})
	}
	if err := s.SetOpeningWindows(ctx, site.ID, 0, all); err != nil {
		t.Fatal(err)
	}
	sp := &models.Space{SiteID: site.ID, Name: "Room 1", Kind: "meeting_room", Capacity: 10, BookingUnit: "hour",
		GranularityMinutes: 30, MinMinutes: 30, MaxMinutes: 600, NoticeHours: 1, HorizonDays: 365,
		BufferMinutes: buffer, ApprovalMode: "auto", Visibility: "public"}
	if err := s.CreateSpace(ctx, sp); err != nil {
		t.Fatal(err)
	}
	u := &models.User{Email: "booker@example.org", Name: "B", PasswordHash: "x", Role: booking.RoleMember}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	o := &models.Organisation{Name: "Knit and Natter", Type: "community_group"}
	if err := s.CreateOrganisation(ctx, o, u.ID); err != nil {
		t.Fatal(err)
	}
	return &bookingFixture{store: s, space: sp, orgID: o.ID,
		service: &booking.Service{Store: s, Now: func() time.Time { return fixedNow }}}
}

func (f *bookingFixture) request(start, end string) booking.Request {
	return booking.Request{SpaceID: f.space.ID, OrganisationID: f.orgID, Purpose: "community", Attendees: 5,
		Verified: true, Interval: booking.Interval{Start: mustTime(start), End: mustTime(end)}}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestConcurrentBookingsOfOneSlotHaveOneWinner(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		f := newBookingFixture(t, db, 0)
		// A second pool on the same database stands in for a second
		// server process.
		other := &booking.Service{Store: modelstest.Open(t, db), Now: f.service.Now}
		const racers = 24
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, clashes := 0, 0
		var unexpected []error
		start := make(chan struct{})
		for i := 0; i < racers; i++ {
			svc := f.service
			if i%2 == 1 {
				svc = other
			}
			// Each racer asks for an interval overlapping the same hour.
			req := f.request("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z")
			if i%3 == 1 {
				req.Interval = booking.Interval{Start: mustTime("2026-12-01T10:30:00Z"), End: mustTime("2026-12-01T11:30:00Z")}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, _, err := svc.Book(context.Background(), req)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, booking.ErrConflict):
					clashes++
				default:
					unexpected = append(unexpected, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if wins != 1 || clashes != racers-1 || len(unexpected) > 0 {
			t.Fatalf("wins %d, clashes %d, other errors %v", wins, clashes, unexpected)
		}
		var n int64
		f.store.DB.Model(&models.Booking{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d bookings stored", n)
		}
	})
}

func TestBookingRules(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		f := newBookingFixture(t, db, 15)
		book := func(start, end string) error {
			_, _, err := f.service.Book(ctx, f.request(start, end))
			return err
		}
		if err := book("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"); err != nil {
			t.Fatal(err)
		}
		t.Run("rejects overlap with the turnaround buffer", func(t *testing.T) {
			err := book("2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z")
			if !booking.IsClash(err) {
				t.Fatalf("got %v, want a clash", err)
			}
			err = book("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z")
			if !booking.IsClash(err) {
				t.Fatalf("before: got %v, want a clash", err)
			}
		})
		t.Run("allows a booking after the buffer", func(t *testing.T) {
			if err := book("2026-12-01T11:30:00Z", "2026-12-01T12:00:00Z"); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("refuses a closure", func(t *testing.T) {
			c := models.Closure{SpaceID: &f.space.ID, StartsAt: mustTime("2026-12-25T00:00:00Z"), EndsAt: mustTime("2026-12-26T00:00:00Z"), Reason: "Christmas Day", CreatedAt: models.Now()}
			if err := f.store.DB.Create(&c).Error; err != nil {
				t.Fatal(err)
			}
			if err := book("2026-12-25T10:00:00Z", "2026-12-25T11:00:00Z"); !errors.Is(err, booking.ErrOutsideOpeningHours) {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("refuses too little notice and bad granularity", func(t *testing.T) {
			var v *booking.ValidationError
			if err := book("2026-11-21T09:30:00Z", "2026-11-21T10:30:00Z"); !errors.As(err, &v) {
				t.Fatalf("notice: got %v", err)
			}
			if err := book("2026-12-02T10:10:00Z", "2026-12-02T11:10:00Z"); !errors.As(err, &v) {
				t.Fatalf("granularity: got %v", err)
			}
		})
		t.Run("an expired hold stops blocking without any job", func(t *testing.T) {
			req := f.request("2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z")
			req.Hold = 30 * time.Minute
			id, state, err := f.service.Book(ctx, req)
			if err != nil || state != booking.PendingPayment {
				t.Fatalf("hold: %v %s", err, state)
			}
			if err := book("2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z"); !booking.IsClash(err) {
				t.Fatalf("a live hold must block, got %v", err)
			}
			later := &booking.Service{Store: f.store, Now: func() time.Time { return fixedNow.Add(31 * time.Minute) }}
			if _, _, err := later.Book(ctx, f.request("2026-12-03T10:00:00Z", "2026-12-03T11:00:00Z")); err != nil {
				t.Fatalf("after the deadline: %v", err)
			}
			b, err := f.store.BookingByID(ctx, id)
			if err != nil || b.State != booking.Expired || len(b.Events) != 2 {
				t.Fatalf("held booking now %+v, %v", b, err)
			}
		})
	})
}

func TestExclusionConstraintIsTheBackstop(t *testing.T) {
	db := modelstest.New(t, models.Postgres)
	s := modelstest.Open(t, db)
	f := newBookingFixture(t, db, 0)
	mk := func() error {
		b := models.Booking{SpaceID: f.space.ID, OrganisationID: f.orgID, StartsAt: mustTime("2026-12-01T10:00:00Z"),
			EndsAt: mustTime("2026-12-01T11:00:00Z"), BlockEnd: mustTime("2026-12-01T11:00:00Z"), State: booking.Confirmed,
			Purpose: "community", Attendees: 1, CreatedAt: models.Now(), UpdatedAt: models.Now()}
		return s.DB.Omit("Space", "Organisation", "Events").Create(&b).Error
	}
	if err := mk(); err != nil {
		t.Fatal(err)
	}
	if err := mk(); err == nil {
		t.Fatal("a direct insert of an overlapping booking was accepted")
	}
}

func TestSeriesAcrossClockChanges(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		f := newBookingFixture(t, db, 0)
		f.space.HorizonDays = 700
		if err := f.store.UpdateSpace(ctx, f.space); err != nil {
			t.Fatal(err)
		}
		base := f.request("2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z")
		until := booking.Date{Year: 2027, Month: 11, Day: 30}
		req := booking.SeriesRequest{Request: base, First: booking.Date{Year: 2026, Month: 12, Day: 1},
			StartClock: 10 * 60, EndClock: 12 * 60,
			Recurrence: booking.Recurrence{Frequency: booking.Weekly, Until: &until, Skip: []booking.Date{{Year: 2026, Month: 12, Day: 29}}}}
		t.Run("weekly 10:00–12:00 stays local through both changes", func(t *testing.T) {
			res, err := f.service.BookSeries(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Booked) != 52 || len(res.Unbooked) != 0 {
				t.Fatalf("booked %d, unbooked %v", len(res.Booked), res.Unbooked)
			}
			for _, o := range res.Booked {
				l := o.Interval.Start.In(booking.London)
				if l.Hour() != 10 || o.Interval.Duration() != 2*time.Hour {
					t.Fatalf("%v starts %v local", o.Date, l)
				}
			}
		})
		t.Run("all or none refuses when one date clashes", func(t *testing.T) {
			r2 := req
			r2.First = booking.Date{Year: 2026, Month: 12, Day: 22}
			end := booking.Date{Year: 2027, Month: 1, Day: 12}
			r2.Recurrence = booking.Recurrence{Frequency: booking.Weekly, Until: &end}
			_, err := f.service.BookSeries(ctx, r2)
			var sc *booking.SeriesConflictError
			if !errors.As(err, &sc) || len(sc.Dates) != 3 {
				t.Fatalf("got %v", err)
			}
			r2.Policy = booking.BookAvailable
			res, err := f.service.BookSeries(ctx, r2)
			if err != nil || len(res.Booked) != 1 || res.Booked[0].Date != (booking.Date{Year: 2026, Month: 12, Day: 29}) {
				t.Fatalf("partial: %+v, %v", res, err)
			}
		})
	})
}

func TestChangeBookingAndFreeIntervals(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		f := newBookingFixture(t, db, 15)
		req := f.request("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z")
		req.Verified = false
		id, state, err := f.service.Book(ctx, req)
		if err != nil || state != booking.Requested {
			t.Fatalf("unverified organisation: %s, %v", state, err)
		}
		free, err := f.store.FreeIntervals(ctx, f.space.ID, mustTime("2026-12-01T00:00:00Z"), mustTime("2026-12-02T00:00:00Z"), fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		want := []booking.Interval{
			{Start: mustTime("2026-12-01T00:00:00Z"), End: mustTime("2026-12-01T09:45:00Z")},
			{Start: mustTime("2026-12-01T11:15:00Z"), End: mustTime("2026-12-02T00:00:00Z")},
		}
		if len(free) != 2 || free[0] != want[0] || free[1] != want[1] {
			t.Fatalf("free %v, want %v", free, want)
		}
		b, err := f.store.ChangeBooking(ctx, id, booking.ActionApprove, "", 0, fixedNow)
		if err != nil || b.State != booking.Confirmed || b.Sequence != 1 {
			t.Fatalf("approve: %+v %v", b, err)
		}
		if _, err := f.store.ChangeBooking(ctx, id, booking.ActionDecline, "too late", 0, fixedNow); !errors.Is(err, booking.ErrConflict) {
			t.Fatalf("decline after approve: %v", err)
		}
		b, err = f.store.ChangeBooking(ctx, id, booking.ActionCancel, "group paused", 0, fixedNow)
		if err != nil || b.State != booking.Cancelled || len(b.Events) != 3 || b.Events[2].Reason != "group paused" {
			t.Fatalf("cancel: %+v %v", b, err)
		}
		free, _ = f.store.FreeIntervals(ctx, f.space.ID, mustTime("2026-12-01T00:00:00Z"), mustTime("2026-12-02T00:00:00Z"), fixedNow)
		if len(free) != 1 {
			t.Fatalf("a cancelled booking still blocks: %v", free)
		}
	})
}

func TestSeriesSkipsClosuresEvenWhenAllOrNothing(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		f := newBookingFixture(t, db, 0)
		c := models.Closure{SiteID: &f.space.SiteID, StartsAt: mustTime("2026-12-08T00:00:00Z"), EndsAt: mustTime("2026-12-09T00:00:00Z"),
			Reason: "Staff training", CreatedAt: models.Now()}
		if err := f.store.DB.Create(&c).Error; err != nil {
			t.Fatal(err)
		}
		res, err := f.service.BookSeries(ctx, booking.SeriesRequest{Request: f.request("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"),
			First: booking.Date{Year: 2026, Month: 12, Day: 1}, StartClock: 10 * 60, EndClock: 11 * 60,
			Recurrence: booking.Recurrence{Frequency: booking.Weekly, Count: 3}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Booked) != 2 || len(res.Unbooked) != 1 || !res.Unbooked[0].Closed || res.Unbooked[0].Date.Day != 8 {
			t.Fatalf("got %+v", res)
		}
	})
}

func TestExclusionViolationNamesTheIntervalTaken(t *testing.T) {
	db := modelstest.New(t, models.Postgres)
	f := newBookingFixture(t, db, 15)
	ctx := context.Background()
	if _, _, err := f.service.Book(ctx, f.request("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z")); err != nil {
		t.Fatal(err)
	}
	// Insert without the check in Go, as a buggy caller would: only the
	// constraint stands in the way.
	err := f.store.InSpace(ctx, f.space.ID, func(tx booking.SpaceTx) error {
		_, err := tx.Insert(&booking.NewBooking{SpaceID: f.space.ID, OrganisationID: f.orgID, State: booking.Confirmed,
			Interval: booking.Interval{Start: mustTime("2026-12-01T10:30:00Z"), End: mustTime("2026-12-01T11:30:00Z")},
			BlockEnd: mustTime("2026-12-01T11:45:00Z"), Purpose: "community", Attendees: 1})
		return err
	})
	var clash *booking.ClashError
	if !errors.As(err, &clash) {
		t.Fatalf("got %v, want a clash", err)
	}
	want := booking.Interval{Start: mustTime("2026-12-01T10:00:00Z"), End: mustTime("2026-12-01T11:15:00Z")}
	if !clash.With.Start.Equal(want.Start) || !clash.With.End.Equal(want.End) {
		t.Fatalf("clash with %v, want %v", clash.With, want)
	}
}

func TestChangeBookingsIsAllOrNothing(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		f := newBookingFixture(t, db, 0)
		req := f.request("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z")
		req.Verified = false
		first, _, err := f.service.Book(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		req.Interval = booking.Interval{Start: mustTime("2026-12-02T10:00:00Z"), End: mustTime("2026-12-02T11:00:00Z")}
		second, _, err := f.service.Book(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.ChangeBooking(ctx, second, booking.ActionDecline, "full", 0, fixedNow); err != nil {
			t.Fatal(err)
		}
		err = f.store.ChangeBookings(ctx, []int64{first, second}, booking.ActionApprove, "", 0, fixedNow)
		if !errors.Is(err, booking.ErrConflict) {
			t.Fatalf("approving a declined booking: %v", err)
		}
		b, _ := f.store.BookingByID(ctx, first)
		if b.State != booking.Requested {
			t.Fatalf("the first booking was approved although the group failed: %s", b.State)
		}
	})
}
