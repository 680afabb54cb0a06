package geocode

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// upstream is a fake postcodes.io that counts the lookups it is asked for,
// by postcode.
type upstream struct {
	*httptest.Server
	mu    sync.Mutex
	asked map[string]int
}

func newUpstream(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) *upstream {
	t.Helper()
	u := &upstream{asked: map[string]int{}}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.asked[strings.TrimPrefix(r.URL.Path, "/postcodes/")]++
		u.mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

// calls returns how many lookups were asked for, of postcode or (with "")
// of any.
func (u *upstream) calls(postcode string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	if postcode != "" {
		return u.asked[postcode]
	}
	n := 0
	for _, c := range u.asked {
		n += c
	}
	return n
}

// found answers as postcodes.io does for a postcode it knows.
func found(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"status":200,"result":{"postcode":%q,"latitude":53.39,"longitude":-2.12}}`,
		strings.TrimPrefix(r.URL.Path, "/postcodes/"))
}

func notFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, `{"status":404,"error":"Postcode not found"}`)
}

// clock is a settable time source for the cache.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestPostcodeFound(t *testing.T) {
	var path, rawURI, agent string
	u := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		path, rawURI, agent = r.URL.Path, r.RequestURI, r.Header.Get("User-Agent")
		found(w, r)
	})
	g := NewHTTP(u.URL+"/", time.Second, 10)
	p, err := g.Postcode(context.Background(), " sk25ab ")
	if err != nil {
		t.Fatal(err)
	}
	if p != (Point{Latitude: 53.39, Longitude: -2.12}) {
		t.Errorf("point %+v", p)
	}
	if path != "/postcodes/SK2 5AB" || rawURI != "/postcodes/SK2%205AB" {
		t.Errorf("asked for %q (%q), want the normalised postcode", path, rawURI)
	}
	if agent != "CommonRoom" {
		t.Errorf("User-Agent %q", agent)
	}
}

func TestPostcodeNotFound(t *testing.T) {
	tests := map[string]func(http.ResponseWriter, *http.Request){
		"404": notFound,
		"null coordinates": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"status":200,"result":{"postcode":"GY1 1AA","latitude":null,"longitude":null}}`)
		},
		"null longitude": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"status":200,"result":{"postcode":"GY1 1AA","latitude":49.4}}`)
		},
	}
	for name, answer := range tests {
		t.Run(name, func(t *testing.T) {
			u := newUpstream(t, answer)
			_, err := NewHTTP(u.URL, time.Second, 10).Postcode(context.Background(), "GY1 1AA")
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("error %v, want ErrNotFound", err)
			}
			if u.calls("GY1 1AA") != 1 {
				t.Errorf("%d calls", u.calls(""))
			}
		})
	}
}

func TestPostcodeInvalidMakesNoCall(t *testing.T) {
	u := newUpstream(t, found)
	g := NewHTTP(u.URL, time.Second, 10)
	for _, s := range []string{"", "   ", "not a postcode", "SK2", "12345", "SK2 5AB1", "SK2/5AB", "../admin"} {
		if _, err := g.Postcode(context.Background(), s); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: error %v, want ErrInvalid", s, err)
		}
	}
	if n := u.calls(""); n != 0 {
		t.Errorf("%d calls for invalid postcodes", n)
	}
}

func TestPostcodeUnavailable(t *testing.T) {
	tests := []struct {
		name   string
		answer func(http.ResponseWriter, *http.Request)
		cause  error // also reported through the error, if set
	}{
		{"when the service is slower than the timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(2 * time.Second):
				found(w, r)
			case <-r.Context().Done():
			}
		}, context.DeadlineExceeded},
		{"on a 500", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "oops", http.StatusInternalServerError)
		}, nil},
		{"on a 429", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}, nil},
		{"on bad JSON", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"status":200,"result":{"latitude":53.`)
		}, nil},
		{"on HTML", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<html>Service Unavailable</html>`)
		}, nil},
		{"on an answer without a result", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"status":200}`)
		}, nil},
		{"on coordinates out of range", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"status":200,"result":{"latitude":253.39,"longitude":-2.12}}`)
		}, nil},
		{"on an answer too long to read", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"status":200,"result":{"admin":%q,"latitude":53.39,"longitude":-2.12}}`, strings.Repeat("x", 70<<10))
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUpstream(t, tt.answer)
			g := NewHTTP(u.URL, 50*time.Millisecond, 10)
			start := time.Now()
			_, err := g.Postcode(context.Background(), "SK2 5AB")
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("error %v, want ErrUnavailable", err)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("error %v does not report %v", err, tt.cause)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v with a 50ms timeout", d)
			}
			// Failures are not cached: the next lookup asks again.
			g.Postcode(context.Background(), "SK2 5AB")
			if n := u.calls("SK2 5AB"); n != 2 {
				t.Errorf("%d calls after two failed lookups, want 2", n)
			}
		})
	}
}

func TestPostcodeUnreachableKeepsTheURLOutOfTheError(t *testing.T) {
	u := httptest.NewServer(http.NotFoundHandler())
	base := strings.Replace(u.URL, "http://", "http://user:hunter2@", 1) + "/v1?key=topsecret"
	u.Close()
	_, err := NewHTTP(base, time.Second, 10).Postcode(context.Background(), "SK2 5AB")
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("error %v, want ErrUnavailable", err)
	}
	for _, secret := range []string{"hunter2", "topsecret", "/postcodes/"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains %q", err, secret)
		}
	}
}

func TestPostcodeCache(t *testing.T) {
	t.Run("a second lookup is answered from the cache", func(t *testing.T) {
		u := newUpstream(t, found)
		g := NewHTTP(u.URL, time.Second, 10)
		first, err1 := g.Postcode(context.Background(), "SK2 5AB")
		second, err2 := g.Postcode(context.Background(), "sk25ab")
		if err1 != nil || err2 != nil || first != second {
			t.Fatalf("%+v %v, then %+v %v", first, err1, second, err2)
		}
		if n := u.calls(""); n != 1 {
			t.Errorf("%d calls, want 1", n)
		}
	})
	t.Run("a size of 0 caches nothing", func(t *testing.T) {
		u := newUpstream(t, found)
		g := NewHTTP(u.URL, time.Second, 0)
		for range 3 {
			if _, err := g.Postcode(context.Background(), "SK2 5AB"); err != nil {
				t.Fatal(err)
			}
		}
		if n := u.calls(""); n != 3 {
			t.Errorf("%d calls, want 3", n)
		}
	})
	t.Run("not found is kept for an hour", func(t *testing.T) {
		u := newUpstream(t, notFound)
		g := NewHTTP(u.URL, time.Second, 10)
		c := &clock{time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
		g.now = c.now
		for _, step := range []struct {
			after time.Duration
			calls int
		}{{0, 1}, {59 * time.Minute, 1}, {61 * time.Minute, 2}, {62 * time.Minute, 2}} {
			c.t = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).Add(step.after)
			if _, err := g.Postcode(context.Background(), "ZZ9 9ZZ"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("after %v: error %v, want ErrNotFound", step.after, err)
			}
			if n := u.calls(""); n != step.calls {
				t.Errorf("after %v: %d calls, want %d", step.after, n, step.calls)
			}
		}
	})
	t.Run("a point is kept for 30 days", func(t *testing.T) {
		u := newUpstream(t, found)
		g := NewHTTP(u.URL, time.Second, 10)
		c := &clock{time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
		g.now = c.now
		for _, step := range []struct {
			after time.Duration
			calls int
		}{{0, 1}, {29 * 24 * time.Hour, 1}, {31 * 24 * time.Hour, 2}} {
			c.t = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).Add(step.after)
			if _, err := g.Postcode(context.Background(), "SK2 5AB"); err != nil {
				t.Fatal(err)
			}
			if n := u.calls(""); n != step.calls {
				t.Errorf("after %v: %d calls, want %d", step.after, n, step.calls)
			}
		}
	})
	t.Run("the least recently used goes first", func(t *testing.T) {
		u := newUpstream(t, found)
		g := NewHTTP(u.URL, time.Second, 2)
		for _, pc := range []string{"AA1 1AA", "BB1 1BB", "AA1 1AA", "CC1 1CC", "AA1 1AA", "BB1 1BB"} {
			if _, err := g.Postcode(context.Background(), pc); err != nil {
				t.Fatal(err)
			}
		}
		// C pushed out B, which had been used less recently than A.
		want := map[string]int{"AA1 1AA": 1, "BB1 1BB": 2, "CC1 1CC": 1}
		for pc, n := range want {
			if got := u.calls(pc); got != n {
				t.Errorf("%s asked %d times, want %d", pc, got, n)
			}
		}
		if g.lru.Len() != 2 || len(g.byKey) != 2 {
			t.Errorf("cache holds %d entries (%d keys), want 2", g.lru.Len(), len(g.byKey))
		}
	})
}

func TestPostcodeConcurrentLookupsShareOneCall(t *testing.T) {
	release := make(chan struct{})
	u := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
		found(w, r)
	})
	// No cache, so only sharing the call in flight can keep it to one.
	g := NewHTTP(u.URL, 5*time.Second, 0)
	const n = 50
	var started, done sync.WaitGroup
	var failed atomic.Int32
	started.Add(n)
	done.Add(n)
	for range n {
		go func() {
			defer done.Done()
			started.Done()
			p, err := g.Postcode(context.Background(), "sk2 5ab")
			if err != nil || p.Latitude != 53.39 {
				failed.Add(1)
			}
		}()
	}
	started.Wait()
	time.Sleep(100 * time.Millisecond) // let every goroutine join the call
	close(release)
	done.Wait()
	if f := failed.Load(); f != 0 {
		t.Errorf("%d of %d lookups failed", f, n)
	}
	if c := u.calls(""); c != 1 {
		t.Errorf("%d upstream calls for %d concurrent lookups, want 1", c, n)
	}
}

func TestPostcodeCallerCancels(t *testing.T) {
	t.Run("before asking", func(t *testing.T) {
		u := newUpstream(t, found)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := NewHTTP(u.URL, time.Second, 10).Postcode(ctx, "SK2 5AB")
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrUnavailable) {
			t.Errorf("error %v, want ErrUnavailable reporting context.Canceled", err)
		}
		if n := u.calls(""); n != 0 {
			t.Errorf("%d calls for a cancelled lookup", n)
		}
	})
	t.Run("while waiting", func(t *testing.T) {
		arrived, release := make(chan struct{}), make(chan struct{})
		u := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
			close(arrived)
			<-release
			found(w, r)
		})
		g := NewHTTP(u.URL, 5*time.Second, 10)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		_, err := g.Postcode(ctx, "SK2 5AB")
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrUnavailable) {
			t.Errorf("error %v, want ErrUnavailable reporting context.Canceled", err)
		}
		// The lookup carries on for others, and its answer is kept.
		close(release)
		p, err := g.Postcode(context.Background(), "SK2 5AB")
		if err != nil || p.Latitude != 53.39 {
			t.Errorf("next lookup: %+v %v", p, err)
		}
		if n := u.calls(""); n != 1 {
			t.Errorf("%d calls, want 1", n)
		}
	})
}
