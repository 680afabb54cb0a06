package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// answer is one finished HTTP request of a race.
type answer struct {
	status int
	body   []byte
	err    error
}

// race sends every request at once, each to its server, and returns the
// answers in order.
func race(t *testing.T, reqs []func() (*http.Request, error)) []answer {
	t.Helper()
	out := make([]answer, len(reqs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	client := &http.Client{Timeout: time.Minute}
	for i, mk := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := mk()
			if err != nil {
				out[i].err = err
				return
			}
			<-start
			resp, err := client.Do(req)
			if err != nil {
				out[i].err = err
				return
			}
			defer resp.Body.Close()
			out[i].status = resp.StatusCode
			out[i].body, out[i].err = io.ReadAll(resp.Body)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// post builds a JSON POST to a test server as a role.
func (e *env) post(base, path, role string, body any, header http.Header) func() (*http.Request, error) {
	j, err := json.Marshal(body)
	must(e.t, err)
	tok := e.tokens[role]
	return func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(j))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		for k, vs := range header {
			req.Header[k] = vs
		}
		return req, nil
	}
}

// secondServer is another server process on the same database: its own
// connection pool and its own handler.
func (e *env) secondServer() *Server {
	e.t.Helper()
	srv, err := newServer(Deps{
		Store: modelstest.Open(e.t, e.db), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: strings.Repeat("s", 32), Clock: func() time.Time { return testClock },
	})
	must(e.t, err)
	return srv
}

// wantOneWinner checks that exactly one answer is a 201 and every other a
// 409 problem naming the interval taken.
func wantOneWinner(t *testing.T, answers []answer) {
	t.Helper()
	created, clashes := 0, 0
	for i, a := range answers {
		switch {
		case a.err != nil:
			t.Errorf("request %d: %v", i, a.err)
		case a.status == http.StatusCreated:
			created++
		case a.status == http.StatusConflict:
			var p Problem
			if err := json.Unmarshal(a.body, &p); err != nil || p.Status != http.StatusConflict || p.Conflict == nil {
				t.Errorf("request %d: a 409 without the clashing interval: %s", i, a.body)
			}
			clashes++
		default:
			t.Errorf("request %d: status %d: %s", i, a.status, a.body)
		}
	}
	if created != 1 || clashes != len(answers)-1 {
		t.Fatalf("%d created, %d clashes of %d requests", created, clashes, len(answers))
	}
}

// wantNoOverlap checks the database itself: no two bookings of the space
// that block time overlap, with their buffers.
func (e *env) wantNoOverlap(spaceID int64) int {
	e.t.Helper()
	bs, err := e.store.BlockingBookings(context.Background(), spaceID, testClock)
	must(e.t, err)
	for i := range bs {
		for j := i + 1; j < len(bs); j++ {
			a := booking.Interval{Start: bs[i].StartsAt, End: bs[i].BlockEnd}
			b := booking.Interval{Start: bs[j].StartsAt, End: bs[j].BlockEnd}
			if a.Overlaps(b) {
				e.t.Errorf("bookings %d %v and %d %v overlap", bs[i].ID, a, bs[j].ID, b)
			}
		}
	}
	return len(bs)
}

// racers are the accounts that may book spaceA for orgA.
var racers = []string{asBooker, asOrgAdmin, asManager, asAdmin}

func TestFiftyRacersForOneSlotHaveOneWinner(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		ts := httptest.NewServer(e.srv)
		defer ts.Close()
		var reqs []func() (*http.Request, error)
		for i := range 50 {
			// Every request overlaps 10:30–11:00; a third start half an
			// hour later.
			body := e.bookingBody("2026-12-01T10:00:00Z")
			if i%3 == 1 {
				body = e.bookingBody("2026-12-01T10:30:00Z")
			}
			reqs = append(reqs, e.post(ts.URL, "/api/v1/bookings", racers[i%len(racers)], body, nil))
		}
		wantOneWinner(t, race(t, reqs))
		if n := e.wantNoOverlap(e.spaceA.ID); n != 1 || e.countBookings() != 1 {
			t.Fatalf("%d blocking bookings, %d stored", n, e.countBookings())
		}
	})
}

func TestTwoServerProcessesOnOneDatabaseHaveOneWinner(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		one := httptest.NewServer(e.srv)
		defer one.Close()
		two := httptest.NewServer(e.secondServer())
		defer two.Close()
		for round, start := range []string{"2026-12-01T10:00:00Z", "2026-12-02T10:00:00Z", "2026-12-03T10:00:00Z"} {
			t.Run(fmt.Sprint("round ", round), func(t *testing.T) {
				e.withT(t, func() {
					var reqs []func() (*http.Request, error)
					for i := range 50 {
						base := one.URL
						if i%2 == 1 {
							base = two.URL
						}
						reqs = append(reqs, e.post(base, "/api/v1/bookings", racers[i%len(racers)], e.bookingBody(start), nil))
					}
					wantOneWinner(t, race(t, reqs))
				})
			})
		}
		if n := e.wantNoOverlap(e.spaceA.ID); n != 3 {
			t.Fatalf("%d blocking bookings, want 3", n)
		}
	})
}

func TestOneIdempotencyKeyRacingBooksOnce(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		one := httptest.NewServer(e.srv)
		defer one.Close()
		two := httptest.NewServer(e.secondServer())
		defer two.Close()
		var reqs []func() (*http.Request, error)
		for i := range 20 {
			base := one.URL
			if i%2 == 1 {
				base = two.URL
			}
			reqs = append(reqs, e.post(base, "/api/v1/bookings", asBooker, e.bookingBody("2026-12-01T10:00:00Z"),
				http.Header{"Idempotency-Key": {"same-key"}}))
		}
		answers := race(t, reqs)
		for i, a := range answers {
			if a.err != nil || a.status != http.StatusCreated || !bytes.Equal(a.body, answers[0].body) {
				t.Errorf("request %d: %d %s (%v), first answered %s", i, a.status, a.body, a.err, answers[0].body)
			}
		}
		if n := e.countBookings(); n != 1 {
			t.Fatalf("%d bookings stored", n)
		}
	})
}

// TestSeriesRacingSingleBookings races weekly series, all or nothing and
// book available, against single bookings over the same weeks, with a
// turnaround buffer: whatever wins, no two bookings that block time
// overlap.
func TestSeriesRacingSingleBookings(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		e.spaceA.BufferMinutes = 15
		must(t, e.store.UpdateSpace(context.Background(), e.spaceA))
		one := httptest.NewServer(e.srv)
		defer one.Close()
		two := httptest.NewServer(e.secondServer())
		defer two.Close()
		rnd := rand.New(rand.NewPCG(2026, 11))
		var reqs []func() (*http.Request, error)
		for i := range 40 {
			base := one.URL
			if i%2 == 1 {
				base = two.URL
			}
			as := racers[i%len(racers)]
			day := 1 + rnd.IntN(7)
			startMin := 9*60 + 30*rnd.IntN(8)
			length := 60 + 30*rnd.IntN(3)
			if i%4 == 0 {
				body := e.seriesBody(fmt.Sprintf("2026-12-%02d", day), booking.Clock(startMin).String(),
					booking.Clock(startMin+length).String(), map[string]any{"frequency": "weekly", "count": 4})
				if i%8 == 0 {
					body["policy"] = "book_available"
				}
				reqs = append(reqs, e.post(base, "/api/v1/series", as, body, nil))
				continue
			}
			start := time.Date(2026, 12, day+7*rnd.IntN(4), 0, 0, 0, 0, time.UTC).Add(time.Duration(startMin) * time.Minute)
			body := e.bookingBody(start.Format(time.RFC3339))
			body["ends_at"] = start.Add(time.Duration(length) * time.Minute).Format(time.RFC3339)
			reqs = append(reqs, e.post(base, "/api/v1/bookings", as, body, nil))
		}
		created := 0
		for i, a := range race(t, reqs) {
			switch {
			case a.err != nil:
				t.Errorf("request %d: %v", i, a.err)
			case a.status == http.StatusCreated:
				created++
			case a.status != http.StatusConflict:
				t.Errorf("request %d: status %d: %s", i, a.status, a.body)
			}
		}
		n := e.wantNoOverlap(e.spaceA.ID)
		if created == 0 || n < created {
			t.Fatalf("%d requests succeeded, %d bookings block time", created, n)
		}
		var stored int64
		must(t, e.store.DB.Model(&models.Booking{}).Where("space_id = ?", e.spaceA.ID).Count(&stored).Error)
		if stored != int64(n) {
			t.Errorf("%d bookings stored, %d of them blocking: a refused series left some behind", stored, n)
		}
		t.Logf("%d of %d requests won, %d bookings", created, len(reqs), n)
	})
}
