package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/seeds"
	"github.com/common-room/commonroom/server"
)

// result is what one dialect measured.
type result struct {
	dialect      string
	seedTime     time.Duration
	created      int
	conflicts    int
	failures     int
	bookPerSec   float64
	bookLatency  []time.Duration
	availLatency []time.Duration
	// sessionLatency is a link worker's search of the sessions directory.
	sessionLatency []time.Duration
	pgbenchTPS     float64
}

// base is the first day of the seeded bookings: far enough ahead that no
// notice period matters, and clear of the clock changes.
var base = time.Date(2027, 5, 3, 0, 0, 0, 0, time.UTC)

func measure(ctx context.Context, o options, dialect string) (result, error) {
	r := result{dialect: dialect}
	dbURL, cleanup, err := freshDatabase(ctx, o, dialect)
	if err != nil {
		return r, err
	}
	if o.keep {
		fmt.Fprintf(os.Stderr, "%s database kept: %s\n", dialect, dbURL)
	} else {
		defer cleanup()
	}
	store, err := models.Open(ctx, dbURL, nil)
	if err != nil {
		return r, err
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return r, err
	}
	start := time.Now()
	fx, err := seed(ctx, store, o)
	if err != nil {
		return r, fmt.Errorf("seed: %w", err)
	}
	r.seedTime = time.Since(start)
	if dialect == models.Postgres {
		// Autovacuum would get round to the freshly seeded tables in the
		// middle of the measured phase, at a different moment each run;
		// start from the state a running database settles in.
		if err := store.DB.WithContext(ctx).Exec("VACUUM ANALYZE").Error; err != nil {
			return r, err
		}
	}

	handler, err := server.NewServer(server.Deps{Store: store, Secret: string(bytes.Repeat([]byte("k"), 32)),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return r, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return r, err
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	defer srv.Close()
	api := "http://" + ln.Addr().String() + "/api/v1"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.clients * 2}, Timeout: 30 * time.Second}

	token, err := fx.signIn(ctx, client, api, store)
	if err != nil {
		return r, err
	}
	if o.profile != "" {
		f, err := os.Create(o.profile + "." + dialect)
		if err != nil {
			return r, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return r, err
		}
	}
	err = bookPhase(ctx, o, client, api, token, fx, &r)
	if o.profile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return r, err
	}
	if err := availabilityPhase(ctx, o, client, api, &r); err != nil {
		return r, err
	}
	if dialect == models.Postgres {
		tps, err := pgbench(ctx, o, dbURL, fx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgbench:", err)
		}
		r.pgbenchTPS = tps
	}
	if err := sessionsPhase(ctx, o, store, client, api, &r); err != nil {
		return r, err
	}
	return r, nil
}

// freshDatabase makes an empty database for the run and a function that
// removes it.
func freshDatabase(ctx context.Context, o options, dialect string) (string, func(), error) {
	if dialect == models.SQLite {
		dir, err := os.MkdirTemp("", "commonroom-load-")
		if err != nil {
			return "", nil, err
		}
		return "sqlite:" + filepath.Join(dir, "load.db"), func() { os.RemoveAll(dir) }, nil
	}
	admin, err := models.Open(ctx, o.pgURL, nil)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("commonroom_load_%d", time.Now().Unix())
	if err := admin.DB.Exec(`CREATE DATABASE "` + name + `"`).Error; err != nil {
		admin.Close()
		return "", nil, err
	}
	u, _ := url.Parse(o.pgURL)
	u.Path = "/" + name
	return u.String(), func() {
		admin.DB.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`)
		admin.Close()
	}, nil
}

// fixture is what the seed made.
type fixture struct {
	spaceIDs []int64
	siteIDs  []int64 // space j is at site j mod len(siteIDs)
	orgID    int64
	userID   int64
	email    string
}

const loadPassword = "load test password"

// seed makes sites open all day every day, spaces with no notice and a long
// horizon, one verified organisation, and bookings spread over the spaces.
func seed(ctx context.Context, s *models.Store, o options) (*fixture, error) {
	fx := &fixture{email: "loadtest@example.org"}
	hash, err := server.HashPassword(loadPassword)
	if err != nil {
		return nil, err
	}
	u := models.User{Email: fx.email, Name: "Load test", PasswordHash: hash, Role: booking.RoleMember}
	if err := s.CreateUser(ctx, &u); err != nil {
		return nil, err
	}
	org := models.Organisation{Name: "Load Test Community Group", Type: "community_group"}
	if err := s.CreateOrganisation(ctx, &org, u.ID); err != nil {
		return nil, err
	}
	if _, err := s.SetVerification(ctx, org.ID, booking.Verified, "load test", u.ID, time.Now()); err != nil {
		return nil, err
	}
	fx.orgID, fx.userID = org.ID, u.ID
	var allDay []booking.Window
	for d := time.Sunday; d <= time.Saturday; d++ {
		allDay = append(allDay, booking.Window{Weekday: d, Opens: 0, Closes: 24 * 60})
	}
	const sitesCount = 10
	for i := 0; i < sitesCount; i++ {
		site := models.Site{Name: fmt.Sprintf("Load Site %02d", i), AddressLine1: "1 Test Street", Town: "Stockport", Postcode: "SK1 1AA"}
		if err := s.CreateSite(ctx, &site, nil); err != nil {
			return nil, err
		}
		if err := s.SetOpeningWindows(ctx, site.ID, 0, allDay); err != nil {
			return nil, err
		}
		fx.siteIDs = append(fx.siteIDs, site.ID)
	}
	for j := 0; j < o.spaces; j++ {
		sp := models.Space{SiteID: fx.siteIDs[j%sitesCount], Name: fmt.Sprintf("Room %03d", j), Kind: "meeting_room", Capacity: 20,
			BookingUnit: "hour", GranularityMinutes: 30, MinMinutes: 30, MaxMinutes: 600, NoticeHours: 0,
			HorizonDays: 730, ApprovalMode: "auto", Visibility: "public"}
		if err := s.CreateSpace(ctx, &sp); err != nil {
			return nil, err
		}
		fx.spaceIDs = append(fx.spaceIDs, sp.ID)
	}
	// Seeded bookings take 09:00–10:00 and 13:00–14:00 UTC, day after day,
	// round the spaces; the load phase books 18:00–19:00, which stays free.
	now := models.Now()
	batch := make([]models.Booking, 0, 1000)
	for n := 0; n < o.bookings; n++ {
		space := fx.spaceIDs[n%len(fx.spaceIDs)]
		slot := n / len(fx.spaceIDs)
		start := base.AddDate(0, 0, slot/2).Add(time.Duration(9+4*(slot%2)) * time.Hour)
		batch = append(batch, models.Booking{SpaceID: space, OrganisationID: org.ID, StartsAt: start,
			EndsAt: start.Add(time.Hour), BlockEnd: start.Add(time.Hour), State: booking.Confirmed,
			Purpose: "community", Attendees: 8, CreatedAt: now, UpdatedAt: now})
		if len(batch) == cap(batch) || n == o.bookings-1 {
			if err := s.DB.WithContext(ctx).Omit("Space", "Organisation", "Events").Create(&batch).Error; err != nil {
				return nil, err
			}
			batch = batch[:0]
		}
	}
	return fx, nil
}

// signIn gets an API token for the load test account.
func (fx *fixture) signIn(ctx context.Context, c *http.Client, api string, _ *models.Store) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": fx.email, "password": loadPassword})
	resp, err := c.Post(api+"/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sign in: %s", resp.Status)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, api+"/tokens", bytes.NewReader([]byte(`{"name":"load test"}`)))
	req.Header.Set("Content-Type", "application/json")
	for _, ck := range resp.Cookies() {
		req.AddCookie(ck)
	}
	resp, err = c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.Token == "" {
		return "", fmt.Errorf("create token: %s %v", resp.Status, err)
	}
	return tok.Token, nil
}

// bookPhase has each client book free slots for the measured time.
func bookPhase(ctx context.Context, o options, c *http.Client, api, token string, fx *fixture, r *result) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(o.seconds)*time.Second)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	began := time.Now()
	for i := 0; i < o.clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			created, conflicts, failures := 0, 0, 0
			for ctx.Err() == nil {
				n := int(next.Add(1) - 1)
				space := fx.spaceIDs[n%len(fx.spaceIDs)]
				start := base.AddDate(0, 0, n/len(fx.spaceIDs)).Add(18 * time.Hour)
				body, _ := json.Marshal(map[string]any{"space_id": space, "organisation_id": fx.orgID,
					"starts_at": start, "ends_at": start.Add(time.Hour), "purpose": "community", "attendees": 8})
				req, _ := http.NewRequest(http.MethodPost, api+"/bookings", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					failures++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				switch resp.StatusCode {
				case http.StatusCreated:
					created++
				case http.StatusConflict:
					conflicts++
				default:
					failures++
				}
			}
			mu.Lock()
			r.bookLatency = append(r.bookLatency, lat...)
			r.created += created
			r.conflicts += conflicts
			r.failures += failures
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.bookPerSec = float64(r.created) / time.Since(began).Seconds()
	if r.created == 0 {
		return fmt.Errorf("no booking was created (%d failures): is POST /api/v1/bookings there?", r.failures)
	}
	return nil
}

// availabilityPhase asks which spaces have an hour free in a 7-day window,
// one request after another for the measured time: the latency of one
// search, not of searches queued behind each other.
func availabilityPhase(ctx context.Context, o options, c *http.Client, api string, r *result) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(o.seconds)*time.Second)
	defer cancel()
	from := base.AddDate(0, 0, 7)
	q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {from.AddDate(0, 0, 7).Format(time.RFC3339)},
		"duration": {"60"}, "per_page": {"100"}}
	var err error
	r.availLatency, err = timeGets(ctx, c, api+"/availability?"+q.Encode())
	return err
}

// timeGets asks for target one request after another until ctx ends, and
// returns how long each answer took.
func timeGets(ctx context.Context, c *http.Client, target string) ([]time.Duration, error) {
	var took []time.Duration
	for ctx.Err() == nil {
		t0 := time.Now()
		resp, err := c.Get(target)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return took, fmt.Errorf("GET %s: %s", target, resp.Status)
		}
		took = append(took, time.Since(t0))
	}
	return took, nil
}

// sessionsPhase publishes 5,000 sessions at 200 more buildings, then
// searches them for a word within 5 km of Stockport, one request after
// another for the measured time.
func sessionsPhase(ctx context.Context, o options, store *models.Store, c *http.Client, api string, r *result) error {
	err := seeds.LoadSessions(ctx, store, seeds.SessionLoad{Sites: 200, Listings: 5000, Dates: 12, First: time.Now().AddDate(0, 0, 1)})
	if err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	if store.Dialect == models.Postgres {
		if err := store.DB.WithContext(ctx).Exec("ANALYZE").Error; err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(o.seconds)*time.Second)
	defer cancel()
	target := api + "/sessions?" + url.Values{"q": {"walk"}, "near": {"53.4106,-2.1575"}, "within_km": {"5"}}.Encode()
	r.sessionLatency, err = timeGets(ctx, c, target)
	return err
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(float64(len(s)-1)*p)]
}

func printTable(w io.Writer, o options, rs []result) {
	fmt.Fprintf(w, "\n%d spaces, %d seeded bookings, %d clients, %ds a phase\n\n", o.spaces, o.bookings, o.clients, o.seconds)
	fmt.Fprintf(w, "%-9s %8s %10s %8s %8s %8s %8s %9s %9s %9s %9s %9s %9s\n",
		"database", "seed", "bookings/s", "created", "409s", "errors", "p50", "p95", "avail p50", "avail p95",
		"sess p50", "sess p95", "pgbench")
	for _, r := range rs {
		bench := "-"
		if r.pgbenchTPS > 0 {
			bench = fmt.Sprintf("%.0f tps (%.2f)", r.pgbenchTPS, r.bookPerSec/r.pgbenchTPS)
		}
		fmt.Fprintf(w, "%-9s %8s %10.0f %8d %8d %8d %8s %9s %9s %9s %9s %9s %s\n", r.dialect,
			r.seedTime.Round(100*time.Millisecond), r.bookPerSec, r.created, r.conflicts, r.failures,
			percentile(r.bookLatency, .5).Round(100*time.Microsecond), percentile(r.bookLatency, .95).Round(100*time.Microsecond),
			percentile(r.availLatency, .5).Round(100*time.Microsecond), percentile(r.availLatency, .95).Round(100*time.Microsecond),
			percentile(r.sessionLatency, .5).Round(100*time.Microsecond), percentile(r.sessionLatency, .95).Round(100*time.Microsecond), bench)
	}
	fmt.Fprintln(w, "\nsess: searching 5,000 sessions at 200 buildings for a word within 5 km.")
	fmt.Fprintln(w, "pgbench: raw SQL of the booking transaction on the same database; in brackets, the server's bookings/s over it.")
}
