package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// BenchmarkSearchAvailability is GET /api/v1/availability over 200 public
// spaces in 10 sites for a 7-day window, with 500 bookings a space (two a
// day) and a closure in every site, through the whole handler. It runs on
// SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
func BenchmarkSearchAvailability(b *testing.B) {
	for _, dialect := range benchDialects() {
		b.Run(dialect, func(b *testing.B) {
			srv, store := benchServer(b, dialect)
			seedEstate(b, store, 10, 200, 500)
			from := testClock.AddDate(0, 0, 7)
			path := fmt.Sprintf("/api/v1/availability?from=%s&to=%s&duration=60&per_page=100",
				from.Format(time.RFC3339), from.AddDate(0, 0, 7).Format(time.RFC3339))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"total":200`) {
					b.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
				}
			}
		})
	}
}

// benchDialects are the databases the benchmarks run on: SQLite, and
// PostgreSQL too when TEST_DATABASE_URL is set.
func benchDialects() []string {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return []string{models.SQLite, models.Postgres}
	}
	return []string{models.SQLite}
}

// benchServer is a server at testClock on a fresh database of the dialect.
func benchServer(b *testing.B, dialect string) (*Server, *models.Store) {
	b.Helper()
	store := modelstest.Store(b, dialect)
	srv, err := newServer(Deps{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: strings.Repeat("s", 32), Clock: func() time.Time { return testClock }})
	must(b, err)
	return srv, store
}

// seedEstate stores sites open all day every day, each with a day's
// closure, and spaces with bookings at 09:00 and 13:00 UTC day after day
// from the test clock.
func seedEstate(tb testing.TB, s *models.Store, sites, spaces, bookingsPerSpace int) {
	tb.Helper()
	ctx := context.Background()
	u := &models.User{Email: "bench@example.org", Name: "Bench", PasswordHash: "x", Role: booking.RoleMember}
	must(tb, s.CreateUser(ctx, u))
	org := &models.Organisation{Name: "Bench Group", Type: "community_group"}
	must(tb, s.CreateOrganisation(ctx, org, u.ID))
	var allDay []booking.Window
	for d := time.Sunday; d <= time.Saturday; d++ {
		allDay = append(allDay, booking.Window{Weekday: d, Opens: 0, Closes: 24 * 60})
	}
	var ids []int64
	for i := range sites {
		site := &models.Site{Name: fmt.Sprintf("Site %02d", i), AddressLine1: "1 Test Street", Town: "Stockport", Postcode: "SK1 1AA"}
		must(tb, s.CreateSite(ctx, site, nil))
		must(tb, s.SetOpeningWindows(ctx, site.ID, 0, allDay))
		day := testClock.AddDate(0, 0, 9+i%5).Truncate(24 * time.Hour)
		_, err := s.CreateClosure(ctx, &models.Closure{SiteID: &site.ID, StartsAt: day, EndsAt: day.Add(24 * time.Hour), Reason: "Training"}, testClock)
		must(tb, err)
		for j := i; j < spaces; j += sites {
			sp := &models.Space{SiteID: site.ID, Name: fmt.Sprintf("Room %03d", j), Kind: "meeting_room", Capacity: 20,
				BookingUnit: "hour", GranularityMinutes: 30, MinMinutes: 30, MaxMinutes: 600, HorizonDays: 730,
				BufferMinutes: 15, ApprovalMode: "auto", Visibility: "public"}
			must(tb, s.CreateSpace(ctx, sp))
			ids = append(ids, sp.ID)
		}
	}
	start := testClock.Truncate(24 * time.Hour)
	batch := make([]models.Booking, 0, 1000)
	for n := range len(ids) * bookingsPerSpace {
		slot := n / len(ids)
		at := start.AddDate(0, 0, slot/2).Add(time.Duration(9+4*(slot%2)) * time.Hour)
		batch = append(batch, models.Booking{SpaceID: ids[n%len(ids)], OrganisationID: org.ID, StartsAt: at,
			EndsAt: at.Add(time.Hour), BlockEnd: at.Add(75 * time.Minute), State: booking.Confirmed,
			Purpose: "community", Attendees: 8, CreatedAt: testClock, UpdatedAt: testClock})
		if len(batch) == cap(batch) {
			must(tb, s.DB.Omit("Space", "Organisation", "Events").Create(&batch).Error)
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		must(tb, s.DB.Omit("Space", "Organisation", "Events").Create(&batch).Error)
	}
}
