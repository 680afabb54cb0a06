package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

var wellbeing = []booking.RentRule{
	{Name: "Groups free", OrganisationTypes: []string{"community_group"}, VerifiedOnly: true, MonthlyCapHours: 3, DiscountPercent: 100},
	{Name: "Groups half", OrganisationTypes: []string{"community_group"}, DiscountPercent: 50},
}

func TestRentPolicyVersionsAndInheritance(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		f := newBookingFixture(t, db, 0)
		s := f.store

		// Never saved: the estate has no rules, the site inherits them and
		// keeps the default terms.
		p, err := s.RentPolicy(ctx, f.space.SiteID)
		mustOK(t, err)
		if p.Version != 0 || p.OwnRules || p.CancellationNoticeHours != models.DefaultCancellationNoticeHours {
			t.Fatalf("unsaved site policy = %+v", p)
		}
		if _, err := s.RentPolicy(ctx, 999); !errors.Is(err, booking.ErrNotFound) {
			t.Fatalf("policy of an unknown site: %v", err)
		}

		_, err = s.SaveRentPolicy(ctx, 0, models.PolicySettings{Rules: wellbeing}, 0, fixedNow)
		mustOK(t, err)
		_, err = s.SaveRentPolicy(ctx, f.space.SiteID, models.PolicySettings{VATPercent: 20, CancellationNoticeHours: 24}, 0, fixedNow)
		mustOK(t, err)
		var prices booking.Prices
		mustOK(t, s.ViewSpace(ctx, f.space.ID, func(tx booking.SpaceTx) (err error) { prices, err = tx.Prices(); return }))
		if prices.SiteName != "Hunter Street Health Centre" || prices.VATPercent != 20 || len(prices.Policy.Rules) != 2 ||
			prices.Policy.Rules[0].MonthlyCapHours != 3 || prices.PolicyID == 0 {
			t.Fatalf("inherited prices = %+v", prices)
		}
		estateID := prices.PolicyID

		// The site's own rules override the estate's.
		own := []booking.RentRule{{Name: "Everyone free", Weekdays: []time.Weekday{time.Monday}, From: 9 * 60, To: 12 * 60, DiscountPercent: 100}}
		v, err := s.SaveRentPolicy(ctx, f.space.SiteID, models.PolicySettings{OwnRules: true, Rules: own, VATPercent: 20}, 0, fixedNow.Add(time.Hour))
		mustOK(t, err)
		if v.Version != 2 || !v.OwnRules || v.Rules[0].Weekdays[0] != time.Monday || v.Rules[0].To != 12*60 {
			t.Fatalf("saved site policy = %+v", v)
		}
		mustOK(t, s.ViewSpace(ctx, f.space.ID, func(tx booking.SpaceTx) (err error) { prices, err = tx.Prices(); return }))
		if len(prices.Policy.Rules) != 1 || prices.Policy.Rules[0].Name != "Everyone free" || prices.PolicyID == estateID {
			t.Fatalf("own prices = %+v", prices)
		}
		history, err := s.RentPolicyHistory(ctx, f.space.SiteID)
		mustOK(t, err)
		if len(history) != 2 || history[0].Version != 2 || history[1].Version != 1 || history[1].OwnRules {
			t.Fatalf("history = %+v", history)
		}
	})
}

func TestBookingsKeepTheirQuoteAndCountTheCap(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		f := newBookingFixture(t, db, 0)
		s := f.store
		f.space.RatePence = 2000
		mustOK(t, s.DB.Model(f.space).Update("rate_pence", 2000).Error)
		_, err := s.SaveRentPolicy(ctx, 0, models.PolicySettings{Rules: wellbeing}, 0, fixedNow)
		mustOK(t, err)

		req := f.request("2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z")
		req.OrganisationType = "community_group"
		first, _, err := f.service.Book(ctx, req)
		mustOK(t, err)
		// Two of the three free hours are used: the next two hours split.
		req.Interval = booking.Interval{Start: mustTime("2026-12-02T10:00:00Z"), End: mustTime("2026-12-02T12:00:00Z")}
		second, _, err := f.service.Book(ctx, req)
		mustOK(t, err)
		b, err := s.BookingByID(ctx, second)
		mustOK(t, err)
		if b.StandardPence != 4000 || b.DiscountPence != 3000 || b.TotalPence != 1000 || b.PolicyID == nil {
			t.Fatalf("second booking price: standard %d discount %d total %d", b.StandardPence, b.DiscountPence, b.TotalPence)
		}
		if len(b.Charges) != 2 || b.Charges[0].RuleName != "Groups free" || b.Charges[0].Minutes != 60 ||
			b.Charges[1].RuleName != "Groups half" || b.Charges[1].Minutes != 60 {
			t.Fatalf("charges = %+v", b.Charges)
		}

		// Cancelling the first gives its hours back to the month.
		_, err = s.ChangeBooking(ctx, first, "cancel", "Not needed", 0, fixedNow)
		mustOK(t, err)
		quote, err := f.service.Quote(ctx, func() booking.Request {
			r := req
			r.Interval = booking.Interval{Start: mustTime("2026-12-03T10:00:00Z"), End: mustTime("2026-12-03T12:00:00Z")}
			return r
		}())
		mustOK(t, err)
		if quote.TotalPence != 0 {
			t.Fatalf("after a cancellation the quote is %d, want free", quote.TotalPence)
		}

		// A new policy does not change what earlier bookings cost.
		_, err = s.SaveRentPolicy(ctx, 0, models.PolicySettings{}, 0, fixedNow)
		mustOK(t, err)
		again, err := s.BookingByID(ctx, second)
		mustOK(t, err)
		if again.TotalPence != 1000 || again.PriceExplanation != b.PriceExplanation || len(again.Charges) != 2 {
			t.Fatalf("the stored quote changed with the policy: %+v", again)
		}
	})
}

// TestCapHoldsAcrossSpacesUnderConcurrency books one hour in another space
// of the same site for the same organisation, from a second pool, while a
// booking that spends the last free hour is still uncommitted: the second
// must wait for it and pay.
func TestCapHoldsAcrossSpacesUnderConcurrency(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		ctx := context.Background()
		f := newBookingFixture(t, db, 0)
		s := f.store
		rules := []booking.RentRule{{Name: "One free hour", MonthlyCapHours: 1, DiscountPercent: 100}}
		_, err := s.SaveRentPolicy(ctx, 0, models.PolicySettings{Rules: rules}, 0, fixedNow)
		mustOK(t, err)
		second := *f.space
		second.ID, second.Name = 0, "Room 2"
		mustOK(t, s.CreateSpace(ctx, &second))
		mustOK(t, s.DB.Model(&models.Space{}).Where("site_id = ?", f.space.SiteID).Update("rate_pence", 1000).Error)
		other := &booking.Service{Store: modelstest.Open(t, db), Now: f.service.Now}

		req := f.request("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z")
		done := make(chan error, 1)
		err = s.InSpace(ctx, f.space.ID, func(tx booking.SpaceTx) error {
			used, err := tx.UsedHours(f.orgID)(req.Interval.Start)
			if err != nil || used["One free hour"] != 0 {
				t.Fatalf("used %v, %v", used, err)
			}
			part := booking.QuotePart{Interval: req.Interval, Minutes: 60, Rule: "One free hour", DiscountPercent: 100, StandardPence: 1000, DiscountPence: 1000}
			nb := &booking.NewBooking{SpaceID: f.space.ID, OrganisationID: f.orgID, Interval: req.Interval, BlockEnd: req.Interval.End,
				State: booking.Confirmed, Purpose: "community", Attendees: 5, At: fixedNow,
				Quote: booking.QuoteLine{Interval: req.Interval, StandardPence: 1000, DiscountPence: 1000, Parts: []booking.QuotePart{part}}}
			if _, err := tx.Insert(nb); err != nil {
				return err
			}
			go func() {
				r := req
				r.SpaceID = second.ID
				_, _, err := other.Book(ctx, r)
				done <- err
			}()
			select {
			case err := <-done:
				t.Errorf("the second booking finished (%v) while the first still held the organisation's free hour", err)
				done <- err
			case <-time.After(300 * time.Millisecond):
			}
			return nil
		})
		mustOK(t, err)
		mustOK(t, <-done)
		var free, paid int64
		mustOK(t, s.DB.Model(&models.Booking{}).Where("total_pence = 0").Count(&free).Error)
		mustOK(t, s.DB.Model(&models.Booking{}).Where("total_pence = 1000").Count(&paid).Error)
		if free != 1 || paid != 1 {
			t.Fatalf("%d free and %d paid bookings, want one of each", free, paid)
		}
	})
}
