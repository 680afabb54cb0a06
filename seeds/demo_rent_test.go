package seeds_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

func ruleNames(rules []booking.RentRule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.Name
	}
	return out
}

func siteID(t *testing.T, s *models.Store, name string) int64 {
	t.Helper()
	var site models.Site
	if err := s.DB.Where("name = ?", name).First(&site).Error; err != nil {
		t.Fatalf("site %s: %v", name, err)
	}
	return site.ID
}

func TestDemoRentPolicies(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		load(t, s)
		ctx := context.Background()
		estate, err := s.RentPolicy(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			site  string // "" for the estate
			own   bool
			rules []string
			vat   int
		}{
			{"", true, []string{"VCS wellbeing", "Charitable and community use", "NHS services"}, 0},
			{"Hunter Street Health Centre", false, nil, 0},
			{"Station Road Surgery", true, []string{"VCS wellbeing", "Charitable and community use", "NHS services", "Private or commercial hire"}, 20},
			{"Heaton Moor Medical Centre", true, []string{"VCS wellbeing", "Community evenings", "Community weekends", "Charitable and community use", "NHS services"}, 0},
		} {
			name := "the estate's policy"
			if c.site != "" {
				name = c.site + "'s policy"
			}
			t.Run(name, func(t *testing.T) {
				var id int64
				if c.site != "" {
					id = siteID(t, s, c.site)
				}
				p, err := s.RentPolicy(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if p.OwnRules != c.own || p.VATPercent != c.vat || (c.own && !slices.Equal(ruleNames(p.Rules), c.rules)) {
					t.Errorf("own rules %v, VAT %d%%, rules %v; want %v, %d%%, %v", p.OwnRules, p.VATPercent, ruleNames(p.Rules), c.own, c.vat, c.rules)
				}
				if c.own && (p.Version != 1 || p.ChangedBy == nil) {
					t.Errorf("version %d changed by %v, want version 1 by a demo account", p.Version, p.ChangedBy)
				}
				rules := p.Rules
				if !p.OwnRules {
					rules = estate.Rules
				}
				if err := (booking.RentPolicy{Rules: rules}).Check(); err != nil {
					t.Errorf("rules do not pass the policy's checks: %v", err)
				}
				if w := (booking.RentPolicy{Rules: rules}).Warnings(); len(w) > 0 {
					t.Errorf("warnings: %v", w)
				}
			})
		}
		t.Run("the first rule is free wellbeing for verified groups, capped at 40 hours a month", func(t *testing.T) {
			r := estate.Rules[0]
			if r.DiscountPercent != 100 || r.MonthlyCapHours != 40 || !r.VerifiedOnly || len(r.OrganisationTypes) != 5 ||
				!slices.Equal(r.Purposes, []string{"social_prescribing", "health_wellbeing"}) {
				t.Errorf("%+v", r)
			}
		})
	})
}

func TestDemoBookingsCarryTheirQuotes(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		load(t, s)
		var bookings []models.Booking
		if err := s.DB.Preload("Charges").Preload("Organisation").Preload("Space").Find(&bookings).Error; err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, b := range bookings {
			if b.PolicyID == nil || len(b.Charges) == 0 {
				t.Errorf("booking %d of %s has no quote (policy %v, %d charges)", b.ID, b.Space.Name, b.PolicyID, len(b.Charges))
				continue
			}
			var standard, discount int64
			for _, ch := range b.Charges {
				standard += ch.StandardPence
				discount += ch.DiscountPence
				seen[ch.RuleName] = true
			}
			if standard != b.StandardPence || discount != b.DiscountPence || b.StandardPence == 0 ||
				b.TotalPence != b.StandardPence-b.DiscountPence+b.VATPence {
				t.Errorf("booking %d of %s: standard %d, discount %d, VAT %d, total %d; charges %d and %d",
					b.ID, b.Space.Name, b.StandardPence, b.DiscountPence, b.VATPence, b.TotalPence, standard, discount)
			}
		}
		for _, rule := range []string{"VCS wellbeing", "Charitable and community use", "NHS services", "Community evenings", "Private or commercial hire", ""} {
			if !seen[rule] {
				t.Errorf("no demo booking is priced by rule %q (\"\" is the standard rate)", rule)
			}
		}
		vat := slices.IndexFunc(bookings, func(b models.Booking) bool {
			return b.State == booking.Confirmed && b.VATPence > 0 && strings.Contains(b.PriceExplanation, "VAT at 20%")
		})
		if vat < 0 {
			t.Error("no confirmed demo booking pays VAT")
		}
	})
}

func TestDemoRentPoliciesReachOlderDemoDatabasesAndAreNotOverwritten(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		load(t, s)
		want := counts(t, s)
		// A database loaded before rent policies were part of the demo.
		for _, table := range []string{"listing_categories", "listings", "booking_events", "booking_charges", "bookings", "series", "closures", "rent_policies"} {
			if err := s.DB.Exec("DELETE FROM " + table).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DB.Model(&models.Setting{}).Where("key = ?", "demo_data_version").Update("value", "3").Error; err != nil {
			t.Fatal(err)
		}
		load(t, s)
		if got := counts(t, s); !maps.Equal(got, want) {
			t.Errorf("counts %v after the upgrade, want %v", got, want)
		}

		// An estates team that has changed a policy keeps its change.
		ctx := context.Background()
		station := siteID(t, s, "Station Road Surgery")
		if _, err := s.SaveRentPolicy(ctx, station, models.PolicySettings{OwnRules: false, CancellationNoticeHours: 24}, 0, models.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.DB.Exec("DELETE FROM settings").Error; err != nil {
			t.Fatal(err)
		}
		load(t, s)
		p, err := s.RentPolicy(ctx, station)
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 2 || p.OwnRules || p.VATPercent != 0 {
			t.Errorf("Station Road's policy is version %d (own rules %v, VAT %d%%), want the team's version 2", p.Version, p.OwnRules, p.VATPercent)
		}
	})
}
