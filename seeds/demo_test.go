package seeds_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
	"github.com/common-room/commonroom/seeds"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

func fakeHash(p string) (string, error) { return "hash:" + p, nil }

// tables are every table the demo data writes to.
var tables = []string{
	"users", "sites", "site_managers", "spaces", "space_features", "organisations",
	"organisation_identifiers", "memberships", "verification_events", "settings",
	"opening_windows", "series", "bookings", "booking_events", "closures",
	"rent_policies", "booking_charges", "listings", "listing_categories",
}

func counts(t *testing.T, s *models.Store) map[string]int64 {
	t.Helper()
	out := make(map[string]int64, len(tables))
	for _, name := range tables {
		var n int64
		if err := s.DB.Table(name).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", name, err)
		}
		out[name] = n
	}
	return out
}

func load(t *testing.T, s *models.Store) []seeds.SignIn {
	t.Helper()
	signIns, err := seeds.LoadDemo(context.Background(), s, fakeHash)
	if err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	return signIns
}

func TestLoadDemo(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		signIns := load(t, s)

		t.Run("sites have valid postcodes and coordinates", func(t *testing.T) {
			var sites []models.Site
			if err := s.DB.Find(&sites).Error; err != nil {
				t.Fatal(err)
			}
			if len(sites) < 6 {
				t.Errorf("%d sites, want at least 6", len(sites))
			}
			for _, site := range sites {
				if pc, ok := booking.NormalisePostcode(site.Postcode); !ok || pc != site.Postcode {
					t.Errorf("%s: postcode %q is not a normalised valid postcode", site.Name, site.Postcode)
				}
				if site.Latitude == nil || site.Longitude == nil {
					t.Errorf("%s: no coordinates", site.Name)
					continue
				}
				if *site.Latitude < 49.8 || *site.Latitude > 60.9 || *site.Longitude < -8.7 || *site.Longitude > 1.8 {
					t.Errorf("%s: %v, %v is not in the UK", site.Name, *site.Latitude, *site.Longitude)
				}
				if site.Description == "" || site.OpeningHours == "" || site.PublicTransport == "" {
					t.Errorf("%s: description, opening hours or public transport missing", site.Name)
				}
			}
		})

		t.Run("spaces cover every kind with valid settings", func(t *testing.T) {
			var spaces []models.Space
			if err := s.DB.Preload("Features").Find(&spaces).Error; err != nil {
				t.Fatal(err)
			}
			if len(spaces) < 28 {
				t.Errorf("%d spaces, want at least 28", len(spaces))
			}
			kinds := map[string]bool{}
			for _, sp := range spaces {
				kinds[sp.Kind] = true
				if !booking.ValidSpaceKind(sp.Kind) || !booking.ValidBookingUnit(sp.BookingUnit) ||
					!booking.ValidApprovalMode(sp.ApprovalMode) || !booking.ValidVisibility(sp.Visibility) {
					t.Errorf("%s: kind %q, unit %q, approval %q or visibility %q is not valid",
						sp.Name, sp.Kind, sp.BookingUnit, sp.ApprovalMode, sp.Visibility)
				}
				if sp.Capacity < 1 || sp.RatePence < 0 || sp.HorizonDays < 1 || sp.NoticeHours < 0 || sp.BufferMinutes < 0 {
					t.Errorf("%s: capacity %d, rate %d, horizon %d, notice %d or buffer %d out of range",
						sp.Name, sp.Capacity, sp.RatePence, sp.HorizonDays, sp.NoticeHours, sp.BufferMinutes)
				}
				switch sp.BookingUnit {
				case "hour":
					if (sp.GranularityMinutes != 30 && sp.GranularityMinutes != 60) ||
						sp.MinMinutes < sp.GranularityMinutes || sp.MaxMinutes < sp.MinMinutes ||
						sp.MinMinutes%sp.GranularityMinutes != 0 || sp.MaxMinutes%sp.GranularityMinutes != 0 {
						t.Errorf("%s: hourly granularity %d, min %d, max %d do not fit together",
							sp.Name, sp.GranularityMinutes, sp.MinMinutes, sp.MaxMinutes)
					}
				case "day":
					if sp.GranularityMinutes != 1440 || sp.MinMinutes < 1440 || sp.MaxMinutes < sp.MinMinutes || sp.MaxMinutes%1440 != 0 {
						t.Errorf("%s: daily granularity %d, min %d, max %d are not whole days",
							sp.Name, sp.GranularityMinutes, sp.MinMinutes, sp.MaxMinutes)
					}
				case "season":
					if sp.Kind != "allotment_plot" {
						t.Errorf("%s: a %s let by the season", sp.Name, sp.Kind)
					}
				}
				if len(sp.Features) == 0 {
					t.Errorf("%s: no features", sp.Name)
				}
				for _, f := range sp.Features {
					if f.Feature != strings.ToLower(strings.TrimSpace(f.Feature)) || f.Feature == "" {
						t.Errorf("%s: feature %q is not trimmed lower case", sp.Name, f.Feature)
					}
				}
			}
			for _, k := range booking.Values(booking.SpaceKinds) {
				if !kinds[k] {
					t.Errorf("no space of kind %s", k)
				}
			}
		})

		t.Run("organisations are varied, verified or not, with valid identifiers", func(t *testing.T) {
			var orgs []models.Organisation
			if err := s.DB.Preload("Identifiers").Find(&orgs).Error; err != nil {
				t.Fatal(err)
			}
			if len(orgs) != 26 {
				t.Errorf("%d organisations, want 26", len(orgs))
			}
			states := map[string]int{}
			types := map[string]bool{}
			for _, o := range orgs {
				states[o.Verification]++
				types[o.Type] = true
				if !booking.ValidOrganisationType(o.Type) || !booking.ValidVerificationState(o.Verification) {
					t.Errorf("%s: type %q or state %q is not valid", o.Name, o.Type, o.Verification)
				}
				for _, id := range o.Identifiers {
					if v, problem := booking.NormaliseIdentifier(id.Scheme, id.Value); problem != "" || v != id.Value {
						t.Errorf("%s: identifier %s %q: %q (normalised %q)", o.Name, id.Scheme, id.Value, problem, v)
					}
				}
				decided := o.Verification != booking.Unverified
				if decided != (o.VerifiedByID != nil && o.VerifiedAt != nil) {
					t.Errorf("%s: %s but verified by %v at %v", o.Name, o.Verification, o.VerifiedByID, o.VerifiedAt)
				}
				var events int64
				s.DB.Model(&models.VerificationEvent{}).Where("organisation_id = ?", o.ID).Count(&events)
				if decided && events == 0 {
					t.Errorf("%s: %s with no verification event", o.Name, o.Verification)
				}
				if o.Verification == booking.Suspended && o.VerificationNote == "" {
					t.Errorf("%s: suspended without a note", o.Name)
				}
				invoiced := o.Type == "nhs_service" || o.Type == "local_authority"
				if o.PaysByInvoice != invoiced {
					t.Errorf("%s (%s): pays by invoice %v", o.Name, o.Type, o.PaysByInvoice)
				}
			}
			if states[booking.Verified] < 3 || states[booking.Suspended] != 1 || states[booking.Unverified] == 0 {
				t.Errorf("verification states %v, want at least 3 verified, exactly 1 suspended and some unverified", states)
			}
			if len(types) < 8 {
				t.Errorf("only %d organisation types", len(types))
			}
		})

		t.Run("there is an account for each role", func(t *testing.T) {
			var users []models.User
			if err := s.DB.Find(&users).Error; err != nil {
				t.Fatal(err)
			}
			byRole := map[string][]models.User{}
			for _, u := range users {
				byRole[u.Role] = append(byRole[u.Role], u)
				if u.PasswordHash != "hash:"+seeds.DemoPassword {
					t.Errorf("%s: password hash %q, want the demo password hashed", u.Email, u.PasswordHash)
				}
				if !strings.HasSuffix(u.Email, "@example.org") {
					t.Errorf("%s is not on a reserved domain", u.Email)
				}
			}
			for _, role := range []string{booking.RoleAdmin, booking.RoleEstatesManager, booking.RoleLinkWorker} {
				if len(byRole[role]) == 0 {
					t.Errorf("no %s", role)
				}
			}
			for _, m := range byRole[booking.RoleEstatesManager] {
				var n int64
				s.DB.Model(&models.SiteManager{}).Where("user_id = ?", m.ID).Count(&n)
				if n == 0 {
					t.Errorf("estates manager %s manages no site", m.Email)
				}
			}
			var unmanaged int64
			s.DB.Model(&models.Site{}).Where("id NOT IN (SELECT site_id FROM site_managers)").Count(&unmanaged)
			if unmanaged != 0 {
				t.Errorf("%d sites have no manager", unmanaged)
			}
			var members []models.Membership
			if err := s.DB.Preload("User").Preload("Organisation").Find(&members).Error; err != nil {
				t.Fatal(err)
			}
			memberRoles := map[string]bool{}
			for _, m := range members {
				memberRoles[m.Role] = true
				if m.User.Role != booking.RoleMember || m.Organisation.Verification != booking.Verified {
					t.Errorf("%s in %s: account role %s, organisation %s", m.User.Email, m.Organisation.Name, m.User.Role, m.Organisation.Verification)
				}
			}
			if !memberRoles[booking.OrgAdmin] || !memberRoles[booking.OrgBooker] {
				t.Errorf("member roles %v, want an org admin and a booker", memberRoles)
			}
		})

		t.Run("sign-ins name existing accounts", func(t *testing.T) {
			if len(signIns) < 6 {
				t.Fatalf("%d sign-ins, want one for each role", len(signIns))
			}
			for _, in := range signIns {
				var n int64
				s.DB.Model(&models.User{}).Where("email = ?", in.Email).Count(&n)
				if n != 1 || in.Role == "" || in.Description == "" {
					t.Errorf("sign-in %+v: %d accounts", in, n)
				}
			}
			i := slices.IndexFunc(signIns, func(in seeds.SignIn) bool { return in.Email == "estates@example.org" })
			if i < 0 || !strings.Contains(signIns[i].Role, "Hunter Street Health Centre") {
				t.Errorf("no estates manager sign-in that names the sites in %v", signIns)
			}
		})
	})
}

func TestLoadDemoIsIdempotent(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		first := load(t, s)
		before := counts(t, s)

		t.Run("loading again creates nothing", func(t *testing.T) {
			second := load(t, s)
			if after := counts(t, s); !maps.Equal(before, after) {
				t.Errorf("counts changed from %v to %v", before, after)
			}
			if !slices.Equal(first, second) {
				t.Errorf("sign-ins changed from %v to %v", first, second)
			}
		})

		t.Run("data already there is found by its natural keys and not overwritten", func(t *testing.T) {
			const edited = "Edited by the estates team."
			if err := s.DB.Model(&models.Site{}).Where("name = ?", "Hunter Street Health Centre").
				Update("description", edited).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.DB.Exec("DELETE FROM settings").Error; err != nil {
				t.Fatal(err)
			}
			load(t, s)
			if after := counts(t, s); !maps.Equal(before, after) {
				t.Errorf("counts changed from %v to %v", before, after)
			}
			var site models.Site
			if err := s.DB.Where("name = ?", "Hunter Street Health Centre").First(&site).Error; err != nil {
				t.Fatal(err)
			}
			if site.Description != edited {
				t.Errorf("description overwritten with %q", site.Description)
			}
		})

		t.Run("a missing space is added without duplicating its site", func(t *testing.T) {
			var space models.Space
			if err := s.DB.Where("name = ?", "Boardroom").First(&space).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.DB.Delete(&space).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.DB.Exec("DELETE FROM settings").Error; err != nil {
				t.Fatal(err)
			}
			load(t, s)
			if after := counts(t, s); !maps.Equal(before, after) {
				t.Errorf("counts changed from %v to %v", before, after)
			}
		})
	})
}

func TestLoadDemoConcurrently(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		stores := []*models.Store{modelstest.Open(t, db), modelstest.Open(t, db), modelstest.Open(t, db)}
		var wg sync.WaitGroup
		errs := make([]error, len(stores))
		for i, s := range stores {
			wg.Go(func() {
				_, errs[i] = seeds.LoadDemo(context.Background(), s, fakeHash)
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("LoadDemo: %v", err)
			}
		}
		got := counts(t, stores[0])
		fresh := modelstest.Store(t, db.Dialect)
		load(t, fresh)
		if want := counts(t, fresh); !maps.Equal(got, want) {
			t.Errorf("concurrent loads left %v, one load leaves %v", got, want)
		}
	})
}

func TestLoadDemoPassesOnHashErrors(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		boom := errors.New("no entropy")
		_, err := seeds.LoadDemo(context.Background(), s, func(string) (string, error) { return "", boom })
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want the hasher's error", err)
		}
		for name, n := range counts(t, s) {
			if n != 0 {
				t.Errorf("%s has %d rows after a failed load", name, n)
			}
		}
	})
}

func TestEveryDemoSiteHasOpeningHours(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		if _, err := seeds.LoadDemo(context.Background(), s, func(p string) (string, error) { return "hash:" + p, nil }); err != nil {
			t.Fatal(err)
		}
		var sites []models.Site
		if err := s.DB.Find(&sites).Error; err != nil {
			t.Fatal(err)
		}
		for _, site := range sites {
			var n int64
			s.DB.Model(&models.OpeningWindow{}).Where("site_id = ?", site.ID).Count(&n)
			if n == 0 {
				t.Errorf("%s has no opening hours", site.Name)
			}
		}
	})
}

func TestDemoBookingsAreAheadAndShowEachState(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		load(t, s)
		var bookings []models.Booking
		if err := s.DB.Preload("Organisation").Order("starts_at").Find(&bookings).Error; err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		states := map[string]int{}
		inSeries := 0
		for _, b := range bookings {
			states[b.State]++
			if b.SeriesID != nil {
				inSeries++
			}
			if !b.StartsAt.After(now.Add(48 * time.Hour)) {
				t.Errorf("booking %d of %s starts at %v, too soon for the demo", b.ID, b.Organisation.Name, b.StartsAt)
			}
		}
		if states[booking.Confirmed] < 2 || states[booking.Requested] < 2 || inSeries < 10 {
			t.Errorf("states %v and %d in series: want confirmed and requested bookings and a weekly series", states, inSeries)
		}
		var series []models.Series
		if err := s.DB.Find(&series).Error; err != nil {
			t.Fatal(err)
		}
		if len(series) < 2 {
			t.Errorf("%d series, want a confirmed and a requested one", len(series))
		}
		var closures []models.Closure
		if err := s.DB.Find(&closures).Error; err != nil {
			t.Fatal(err)
		}
		if len(closures) == 0 {
			t.Fatal("no demo closure")
		}
		for _, c := range closures {
			affected, err := s.ClosureBookings(context.Background(), &c, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(affected) == 0 {
				t.Errorf("closure %q falls on no booking", c.Reason)
			}
		}
	})
}

func TestDemoBookingsReachOlderDemoDatabases(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		s := modelstest.Open(t, db)
		load(t, s)
		want := counts(t, s)
		// A database loaded before bookings were part of the demo.
		for _, table := range []string{"listing_categories", "listings", "booking_events", "bookings", "series", "closures"} {
			if err := s.DB.Exec("DELETE FROM " + table).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DB.Model(&models.Setting{}).Where("key = ?", "demo_data_version").Update("value", "2").Error; err != nil {
			t.Fatal(err)
		}
		load(t, s)
		if got := counts(t, s); !maps.Equal(got, want) {
			t.Errorf("counts %v after the upgrade, want %v", got, want)
		}
	})
}
