package models_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// rentEstate is two sites with a room each and two organisations, with
// bookings stored as rows carrying the quote they were made with.
type rentEstate struct {
	*estate
	roomA, roomB *models.Space
	charity      int64 // a registered charity; e.orgID is a community group
}

func newRentEstate(t *testing.T, db modelstest.Database) *rentEstate {
	t.Helper()
	e := &rentEstate{estate: newEstate(t, db)}
	e.roomA, e.roomB = e.spaces[0], e.spaces[3]
	u := &models.User{Email: "charity@example.org", Name: "Charity", PasswordHash: "x", Role: booking.RoleMember}
	mustOK(t, e.store.CreateUser(context.Background(), u))
	o := &models.Organisation{Name: "Sensory Connections", Type: "registered_charity"}
	mustOK(t, e.store.CreateOrganisation(context.Background(), o, u.ID))
	e.charity = o.ID
	return e
}

// priced stores a booking of a space by an organisation with the standard
// amount and discount of its quote.
func (e *rentEstate) priced(sp *models.Space, orgID int64, start, end, state, purpose string, standard, discount int64) {
	e.t.Helper()
	s, en := mustTime(start), mustTime(end)
	b := models.Booking{SpaceID: sp.ID, OrganisationID: orgID, StartsAt: s, EndsAt: en, BlockEnd: en, State: state,
		Purpose: purpose, Attendees: 4, StandardPence: standard, DiscountPence: discount,
		TotalPence: standard - discount, CreatedAt: models.Now(), UpdatedAt: models.Now()}
	mustOK(e.t, e.store.DB.Omit("Space", "Organisation", "Events", "Charges").Create(&b).Error)
}

func TestRentReportCountsConfirmedBookingsByGroup(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		e := newRentEstate(t, db)
		ctx := context.Background()
		// Site A (Hunter Street): a free two hours, a half-price hour and
		// an hour at the standard rate, in three London months.
		e.priced(e.roomA, e.charity, "2026-03-10T10:00:00Z", "2026-03-10T12:00:00Z", booking.Confirmed, "social_prescribing", 4000, 4000)
		// 00:30 on 1 April in London (summer time): April, not March.
		e.priced(e.roomA, e.orgID, "2026-03-31T23:30:00Z", "2026-04-01T00:30:00Z", booking.Confirmed, "community", 2000, 1000)
		e.priced(e.roomA, e.orgID, "2026-11-02T09:00:00Z", "2026-11-02T10:00:00Z", booking.Confirmed, "private_commercial", 2000, 0)
		// Site B (Station Road): a whole day at 75% off.
		e.priced(e.roomB, e.charity, "2026-04-04T23:00:00Z", "2026-04-05T23:00:00Z", booking.Confirmed, "community", 8000, 6000)
		// Not confirmed: never counted.
		for i, state := range []string{booking.Requested, booking.PendingPayment, booking.Declined, booking.Expired, booking.Cancelled} {
			start := mustTime("2026-05-05T10:00:00Z").Add(time.Duration(i) * time.Hour)
			e.priced(e.roomA, e.orgID, start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339), state, "community", 2000, 1000)
		}
		// Outside the period.
		e.priced(e.roomA, e.orgID, "2025-12-31T23:59:00Z", "2026-01-01T00:59:00Z", booking.Confirmed, "community", 2000, 0)
		e.priced(e.roomA, e.orgID, "2026-12-01T00:00:00Z", "2026-12-01T01:00:00Z", booking.Confirmed, "community", 2000, 0)

		all := models.RentFilter{From: mustTime("2026-01-01T00:00:00Z"), To: mustTime("2026-12-01T00:00:00Z"), All: true}
		wantTotal := models.RentFigures{StandardPence: 16000, ChargedPence: 5000, ForegonePence: 11000, Minutes: 120 + 60 + 60 + 1440, Bookings: 4}
		type group struct {
			key, label string
			standard   int64
			charged    int64
			minutes    int64
			bookings   int64
		}
		siteA, siteB := itoa64(e.siteA.ID), itoa64(e.siteB.ID)
		for _, c := range []struct {
			groupBy string
			want    []group
		}{
			{models.GroupByMonth, []group{
				{"2026-03", "March 2026", 4000, 0, 120, 1},
				{"2026-04", "April 2026", 10000, 3000, 1500, 2},
				{"2026-11", "November 2026", 2000, 2000, 60, 1},
			}},
			{models.GroupBySite, []group{
				{siteA, "Hunter Street Health Centre", 8000, 3000, 240, 3},
				{siteB, "Station Road Surgery", 8000, 2000, 1440, 1},
			}},
			{models.GroupByOrganisationType, []group{
				{"registered_charity", "Registered charity (including CIO)", 12000, 2000, 1560, 2},
				{"community_group", "Unincorporated community group", 4000, 3000, 120, 2},
			}},
			{models.GroupByPurpose, []group{
				{"social_prescribing", "Social prescribing activity", 4000, 0, 120, 1},
				{"community", "Community activity", 10000, 3000, 1500, 2},
				{"private_commercial", "Private or commercial", 2000, 2000, 60, 1},
			}},
		} {
			t.Run("grouped by "+c.groupBy, func(t *testing.T) {
				f := all
				if c.groupBy != models.GroupByMonth {
					f.GroupBy = c.groupBy // month is the default
				}
				r, err := e.store.RentReport(ctx, f)
				mustOK(t, err)
				if r.Total != wantTotal {
					t.Errorf("total %+v, want %+v", r.Total, wantTotal)
				}
				var got []group
				for _, g := range r.Groups {
					if g.ForegonePence != g.StandardPence-g.ChargedPence {
						t.Errorf("%s: foregone %d is not standard %d less charged %d", g.Key, g.ForegonePence, g.StandardPence, g.ChargedPence)
					}
					got = append(got, group{g.Key, g.Label, g.StandardPence, g.ChargedPence, g.Minutes, g.Bookings})
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("groups\n%+v, want\n%+v", got, c.want)
				}
			})
		}

		t.Run("counts a booking that starts at from, not one that starts at to", func(t *testing.T) {
			r, err := e.store.RentReport(ctx, models.RentFilter{From: mustTime("2026-03-10T10:00:00Z"), To: mustTime("2026-11-02T09:00:00Z"), All: true})
			mustOK(t, err)
			if r.Total.Bookings != 3 || r.Total.StandardPence != 14000 {
				t.Errorf("total %+v, want the 3 bookings from 10 March to before 2 November", r.Total)
			}
		})

		t.Run("counts only the sites asked for", func(t *testing.T) {
			f := all
			f.All, f.SiteIDs = false, []int64{e.siteB.ID}
			r, err := e.store.RentReport(ctx, f)
			mustOK(t, err)
			if r.Total.Bookings != 1 || r.Total.ForegonePence != 6000 || len(r.Groups) != 1 || r.Groups[0].Key != "2026-04" {
				t.Errorf("site B: %+v", r)
			}
			f.SiteIDs = nil
			r, err = e.store.RentReport(ctx, f)
			mustOK(t, err)
			if r.Total != (models.RentFigures{}) || r.Groups == nil || len(r.Groups) != 0 {
				t.Errorf("no sites: %+v, want nothing counted and an empty list", r)
			}
		})

		t.Run("an empty period has no groups", func(t *testing.T) {
			r, err := e.store.RentReport(ctx, models.RentFilter{From: mustTime("2030-01-01T00:00:00Z"), To: mustTime("2031-01-01T00:00:00Z"), All: true})
			mustOK(t, err)
			if len(r.Groups) != 0 || r.Total != (models.RentFigures{}) {
				t.Errorf("%+v, want nothing", r)
			}
		})

		t.Run("refuses an unknown grouping", func(t *testing.T) {
			f := all
			f.GroupBy = "space"
			if _, err := e.store.RentReport(ctx, f); err == nil {
				t.Error("no error")
			}
		})
	})
}

func TestRentReportMonthsFollowLondonClocks(t *testing.T) {
	// A booking at 23:30 UTC on the last day of a month is in the next
	// month in summer time and in the same month in winter.
	for _, c := range []struct{ start, month string }{
		{"2026-03-31T23:30:00Z", "2026-04"},
		{"2026-10-31T23:30:00Z", "2026-10"},
		{"2026-12-31T23:30:00Z", "2026-12"},
		{"2026-05-31T22:59:00Z", "2026-05"},
		{"2026-05-31T23:00:00Z", "2026-06"},
	} {
		d := booking.DateOf(booking.MonthOf(mustTime(c.start)).Start, booking.London)
		if got := models.MonthKey(d); got != c.month {
			t.Errorf("%s is in %s, want %s", c.start, got, c.month)
		}
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
