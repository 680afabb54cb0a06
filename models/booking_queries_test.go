package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

func TestBookingPartiesReadsSpaceAndOrganisationTogether(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		f := newBookingFixture(t, db, 0)
		ctx := context.Background()
		tests := []struct {
			name             string
			spaceID, orgID   int64
			wantSpace, wantO bool
		}{
			{"both", f.space.ID, f.orgID, true, true},
			{"no such space", f.space.ID + 100, f.orgID, false, true},
			{"no such organisation", f.space.ID, f.orgID + 100, true, false},
			{"neither", 0, 0, false, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				sp, o, err := f.store.BookingParties(ctx, tt.spaceID, tt.orgID)
				if err != nil {
					t.Fatal(err)
				}
				if (sp != nil) != tt.wantSpace || (o != nil) != tt.wantO {
					t.Fatalf("space %v, organisation %v; want space %v, organisation %v", sp != nil, o != nil, tt.wantSpace, tt.wantO)
				}
				if sp != nil && (sp.ID != f.space.ID || sp.Name != f.space.Name || sp.SiteID != f.space.SiteID ||
					sp.Visibility != "public" || sp.MaxMinutes != f.space.MaxMinutes) {
					t.Errorf("space %+v, want %+v", sp, f.space)
				}
				if o != nil && (o.ID != f.orgID || o.Name != "Knit and Natter" || o.Type != "community_group" || o.Verification == "") {
					t.Errorf("organisation %+v", o)
				}
			})
		}
	})
}

func TestBookingByIDReadsHistoryAndChargesInOrder(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		f := newBookingFixture(t, db, 0)
		ctx := context.Background()
		req := f.request("2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z")
		req.Verified = false // requested, so that it can be approved and then cancelled
		id, _, err := f.service.Book(ctx, req)
		mustOK(t, err)
		var booker models.User
		mustOK(t, f.store.DB.Where("email = ?", "booker@example.org").First(&booker).Error)
		mustOK(t, f.store.DB.Where("booking_id = ?", id).Delete(&models.BookingCharge{}).Error)
		// Stored out of order, as a quote split by a monthly cap may be.
		for _, c := range []models.BookingCharge{
			{BookingID: id, StartsAt: mustTime("2026-12-01T11:00:00Z"), EndsAt: mustTime("2026-12-01T12:00:00Z"), Minutes: 60, Explanation: "second hour"},
			{BookingID: id, StartsAt: mustTime("2026-12-01T10:00:00Z"), EndsAt: mustTime("2026-12-01T11:00:00Z"), Minutes: 60, RuleName: "Free hours", Explanation: "first hour"},
		} {
			mustOK(t, f.store.DB.Create(&c).Error)
		}
		_, err = f.store.ChangeBooking(ctx, id, booking.ActionApprove, "Welcome", booker.ID, fixedNow.Add(time.Hour))
		mustOK(t, err)
		b, err := f.store.ChangeBooking(ctx, id, booking.ActionCancel, "Group paused", 0, fixedNow.Add(2*time.Hour))
		mustOK(t, err)

		var actions []string
		for _, ev := range b.Events {
			actions = append(actions, ev.Action)
		}
		if want := []string{"create", "approve", "cancel"}; !slices.Equal(actions, want) {
			t.Errorf("history %v, want %v", actions, want)
		}
		if ev := b.Events[1]; ev.By == nil || ev.By.Name != booker.Name || ev.Reason != "Welcome" || ev.FromState != booking.Requested {
			t.Errorf("approval %+v", ev)
		}
		if ev := b.Events[2]; ev.By != nil || ev.ByUserID != nil || ev.ToState != booking.Cancelled {
			t.Errorf("cancellation %+v", ev)
		}
		if len(b.Charges) != 2 || b.Charges[0].Explanation != "first hour" || b.Charges[0].RuleName != "Free hours" ||
			b.Charges[1].Explanation != "second hour" || b.Charges[1].Minutes != 60 {
			t.Errorf("charges %+v", b.Charges)
		}
		if b.State != booking.Cancelled || b.Space.Name != f.space.Name || b.Space.Site == nil || b.Organisation.Name != "Knit and Natter" {
			t.Errorf("booking %+v", b)
		}

		t.Run("without charges", func(t *testing.T) {
			mustOK(t, f.store.DB.Where("booking_id = ?", id).Delete(&models.BookingCharge{}).Error)
			b, err := f.store.BookingByID(ctx, id)
			mustOK(t, err)
			if len(b.Events) != 3 || b.Charges == nil || len(b.Charges) != 0 {
				t.Errorf("events %d, charges %#v", len(b.Events), b.Charges)
			}
		})
		t.Run("unknown booking", func(t *testing.T) {
			if _, err := f.store.BookingByID(ctx, id+100); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("got %v, want ErrNotFound", err)
			}
		})
	})
}
