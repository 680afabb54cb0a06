package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// syncBuffer collects a program's output while its goroutines write it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runTimeout bounds every run of the program in these tests.
const runTimeout = 60 * time.Second

// programEnv is an Env with the variables vars and nothing else.
func programEnv(vars map[string]string, stdin string, args ...string) (Env, *syncBuffer, *syncBuffer) {
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	return Env{
		Args:   args,
		Getenv: func(k string) string { return vars[k] },
		Stdin:  strings.NewReader(stdin),
		Stdout: stdout,
		Stderr: stderr,
	}, stdout, stderr
}

// runCommand runs a command of the program to its end.
func runCommand(t *testing.T, vars map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	env, out, errOut := programEnv(vars, stdin, args...)
	env.Ready = func(addr string) { t.Errorf("%v started a server on %s", args, addr) }
	done := make(chan error, 1)
	go func() { done <- Run(ctx, env) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		t.Fatalf("%v did not finish in %s", args, runTimeout)
	}
	return out.String(), errOut.String(), err
}

// program is the server started by Run on a loopback port.
type program struct {
	t      *testing.T
	addr   string
	stdout *syncBuffer
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
	client *http.Client
	once   sync.Once
	err    error
}

// serveProgram starts the server with vars (ADDR defaults to a free loopback port)
// and waits until it accepts connections. It is stopped when the test ends.
func serveProgram(t *testing.T, vars map[string]string) *program {
	t.Helper()
	all := map[string]string{"ADDR": "127.0.0.1:0", "SHUTDOWN_TIMEOUT": "20s"}
	for k, v := range vars {
		all[k] = v
	}
	env, stdout, stderr := programEnv(all, "")
	ready := make(chan string, 1)
	env.Ready = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	p := &program{t: t, stdout: stdout, stderr: stderr, cancel: cancel, done: make(chan error, 1),
		client: &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{}}}
	go func() { p.done <- Run(ctx, env) }()
	select {
	case p.addr = <-ready:
	case err := <-p.done:
		cancel()
		t.Fatalf("Run returned before serving: %v\n%s", err, stderr)
	case <-time.After(runTimeout):
		cancel()
		t.Fatalf("the server did not start in %s\n%s", runTimeout, stderr)
	}
	t.Cleanup(func() { p.stop() })
	return p
}

// stop cancels the program's context and returns what Run returned.
func (p *program) stop() error {
	p.once.Do(func() {
		p.cancel()
		select {
		case p.err = <-p.done:
		case <-time.After(runTimeout):
			p.err = fmt.Errorf("Run did not return in %s after its context was cancelled", runTimeout)
		}
		p.client.CloseIdleConnections()
	})
	return p.err
}

func (p *program) url(path string) string { return "http://" + p.addr + path }

// request sends a request to the program and reads the whole answer.
func (p *program) request(method, path string, body string, header http.Header) (*http.Response, []byte) {
	p.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, p.url(path), rd)
	must(p.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := p.client.Do(req)
	must(p.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(p.t, err)
	return resp, b
}

// wantHTTPStatus fails the test unless the answer has the status.
func wantHTTPStatus(t *testing.T, resp *http.Response, body []byte, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body %.500s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, body)
	}
}

// logLines parses the program's log; every line must be a JSON object.
func logLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Errorf("log line is not JSON: %q", sc.Text())
			continue
		}
		out = append(out, line)
	}
	return out
}

func TestRunServes(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		p := serveProgram(t, map[string]string{"DATABASE_URL": db.URL})

		t.Run("says where it listens", func(t *testing.T) {
			if !strings.Contains(p.stdout.String(), "listening on "+p.addr) {
				t.Errorf("stdout %q does not name %s", p.stdout.String(), p.addr)
			}
		})
		t.Run("is alive and ready", func(t *testing.T) {
			resp, body := p.request(http.MethodGet, "/healthz", "", nil)
			wantHTTPStatus(t, resp, body, http.StatusOK)
			resp, body = p.request(http.MethodGet, "/readyz", "", nil)
			wantHTTPStatus(t, resp, body, http.StatusOK)
			if !strings.Contains(string(body), `"ready"`) {
				t.Errorf("readyz body %s", body)
			}
		})
		t.Run("serves the API with the caller's request id", func(t *testing.T) {
			resp, body := p.request(http.MethodGet, "/api/v1/sites", "", http.Header{"X-Request-Id": {"run-test.42"}})
			wantHTTPStatus(t, resp, body, http.StatusOK)
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			var list listJSON[siteJSON]
			if err := json.Unmarshal(body, &list); err != nil || list.Items == nil || list.PerPage != defaultPageSize {
				t.Errorf("list %s: %v", body, err)
			}
			if got := resp.Header.Get("X-Request-Id"); got != "run-test.42" {
				t.Errorf("X-Request-Id %q, want the caller's", got)
			}
		})
		t.Run("replaces an unsafe request id", func(t *testing.T) {
			resp, body := p.request(http.MethodGet, "/api/v1/sites", "", http.Header{"X-Request-Id": {"two words\",\"admin\":true"}})
			wantHTTPStatus(t, resp, body, http.StatusOK)
			if got := resp.Header.Get("X-Request-Id"); !validRequestID.MatchString(got) || strings.Contains(got, "words") {
				t.Errorf("X-Request-Id %q", got)
			}
		})
		t.Run("answers unknown paths with a problem", func(t *testing.T) {
			resp, body := p.request(http.MethodGet, "/api/v1/no-such-thing/123", "", nil)
			wantHTTPStatus(t, resp, body, http.StatusNotFound)
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("content type %q", ct)
			}
		})
		t.Run("exports metrics by route pattern and the database pool", func(t *testing.T) {
			for range 3 {
				resp, body := p.request(http.MethodGet, "/api/v1/spaces", "", nil)
				wantHTTPStatus(t, resp, body, http.StatusOK)
			}
			resp, body := p.request(http.MethodDelete, "/no/such/page/42", "", nil)
			wantHTTPStatus(t, resp, body, http.StatusNotFound)
			resp, body = p.request(http.MethodGet, "/metrics", "", nil)
			wantHTTPStatus(t, resp, body, http.StatusOK)
			maxOpen := map[string]int{models.SQLite: 4, models.Postgres: 20}[db.Dialect]
			for _, want := range []string{
				`commonroom_http_requests_total{method="GET",route="/api/v1/spaces",status="200"} 3`,
				`commonroom_http_requests_total{method="DELETE",route="unmatched",status="404"} 1`,
				`commonroom_http_request_duration_seconds_bucket{method="GET",route="/api/v1/spaces",status="200",le="+Inf"} 3`,
				fmt.Sprintf(`go_sql_max_open_connections{db_name="commonroom"} %d`, maxOpen),
				`go_sql_open_connections{db_name="commonroom"}`,
				`go_sql_wait_count_total{db_name="commonroom"}`,
				`go_goroutines `,
			} {
				if !strings.Contains(string(body), want) {
					t.Errorf("metrics lack %s", want)
				}
			}
			if strings.Contains(string(body), "/no/such/page") {
				t.Error("metrics carry a raw path")
			}
		})
		t.Run("logs JSON lines that carry the request id", func(t *testing.T) {
			resp, body := p.request(http.MethodGet, "/api/v1/sites?q=health", "", http.Header{"X-Request-Id": {"log-test.7"}})
			wantHTTPStatus(t, resp, body, http.StatusOK)
			found := false
			for _, line := range logLines(t, p.stderr.String()) {
				if line["msg"] == "request" {
					if id, _ := line["request_id"].(string); id == "" {
						t.Errorf("request logged without an id: %v", line)
					}
					if line["request_id"] == "log-test.7" && line["path"] == "/api/v1/sites" &&
						line["route"] == "/api/v1/sites" && line["status"] == float64(200) && line["method"] == "GET" {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("no log line for request log-test.7 in\n%s", p.stderr.String())
			}
		})
		t.Run("finishes a request in flight when stopped", func(t *testing.T) {
			finishesInFlightRequest(t, p)
		})
	})
}

// finishesInFlightRequest starts a registration whose body arrives slowly,
// stops the program while the handler is reading it, then sends the rest
// and expects a whole answer and a clean exit.
func finishesInFlightRequest(t *testing.T, p *program) {
	body := `{"email":"late@example.org","name":"Late Person","password":"a long enough password"}`
	pr, pw := io.Pipe()
	reading := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{Got100Continue: func() { close(reading) }})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url("/api/v1/auth/register"), pr)
	must(t, err)
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Expect", "100-continue")
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: runTimeout}}
	defer client.CloseIdleConnections()
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answers := make(chan answer, 1)
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			answers <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answers <- answer{status: resp.StatusCode, body: b, err: err}
	}()

	// The server asks for the body once the handler reads it.
	select {
	case <-reading:
	case a := <-answers:
		t.Fatalf("answered before reading the body: %+v", a)
	case <-ctx.Done():
		t.Fatal("the handler never read the body")
	}
	half := len(body) / 2
	_, err = io.WriteString(pw, body[:half])
	must(t, err)

	stopped := make(chan error, 1)
	go func() { stopped <- p.stop() }()
	// Shutdown has begun once the listener refuses new connections.
	for {
		conn, err := net.DialTimeout("tcp", p.addr, time.Second)
		if err != nil {
			break
		}
		conn.Close()
		select {
		case <-ctx.Done():
			t.Fatal("the server kept accepting connections after it was stopped")
		case <-time.After(10 * time.Millisecond):
		}
	}
	select {
	case err := <-stopped:
		t.Fatalf("Run returned (%v) while a request was in flight", err)
	default:
	}

	_, err = io.WriteString(pw, body[half:])
	must(t, err)
	must(t, pw.Close())
	a := <-answers
	if a.err != nil || a.status != http.StatusCreated || !strings.Contains(string(a.body), "late@example.org") {
		t.Fatalf("in-flight request: status %d, body %s, err %v", a.status, a.body, a.err)
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("Run returned %v after a graceful shutdown", err)
		}
	case <-ctx.Done():
		t.Fatal("Run did not return after the last request")
	}
	var order []string
	for _, line := range logLines(t, p.stderr.String()) {
		switch {
		case line["msg"] == "shutting down", line["msg"] == "stopped":
			order = append(order, line["msg"].(string))
		case line["msg"] == "request" && line["path"] == "/api/v1/auth/register":
			order = append(order, "register")
		}
	}
	if fmt.Sprint(order) != "[shutting down register stopped]" {
		t.Errorf("log order %v, want the registration answered between shutting down and stopped", order)
	}
}

func TestReadyzWhenTheDatabaseIsDown(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		store, err := models.Open(context.Background(), db.URL, nil)
		must(t, err)
		srv, err := newServer(Deps{Store: store, Secret: strings.Repeat("s", 32),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		must(t, err)
		must(t, store.Close())

		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		r := &response{ResponseRecorder: rec, t: t}
		p := r.wantProblem(http.StatusServiceUnavailable, nil)
		if p.Detail == "" || p.RequestID == "" {
			t.Errorf("problem %+v", p)
		}
		rec = httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		if rec.Code != http.StatusOK {
			t.Errorf("healthz %d while the database is down: alive is not ready", rec.Code)
		}
	})
}

func TestRunReadyzWhenPostgresDatabaseIsDropped(t *testing.T) {
	db := modelstest.New(t, models.Postgres)
	p := serveProgram(t, map[string]string{"DATABASE_URL": db.URL})
	resp, body := p.request(http.MethodGet, "/readyz", "", nil)
	wantHTTPStatus(t, resp, body, http.StatusOK)

	admin, err := models.Open(context.Background(), os.Getenv("TEST_DATABASE_URL"), nil)
	must(t, err)
	defer admin.Close()
	name := db.URL[strings.LastIndex(db.URL, "/")+1:]
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	must(t, admin.DB.Exec(`DROP DATABASE "`+name+`" WITH (FORCE)`).Error)

	resp, body = p.request(http.MethodGet, "/readyz", "", nil)
	wantHTTPStatus(t, resp, body, http.StatusServiceUnavailable)
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("content type %q", ct)
	}
	resp, body = p.request(http.MethodGet, "/healthz", "", nil)
	wantHTTPStatus(t, resp, body, http.StatusOK)
}

// tableCounts counts the rows of every table.
func tableCounts(t *testing.T, store *models.Store) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, name := range schemaTables {
		var n int64
		must(t, store.DB.Table(name).Count(&n).Error)
		out[name] = n
	}
	return out
}

func TestRunCommands(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		vars := map[string]string{"DATABASE_URL": db.URL}

		t.Run("migrate", func(t *testing.T) {
			url := db.URL
			if db.Dialect == models.SQLite {
				url = "sqlite:" + filepath.Join(t.TempDir(), "new.db")
			}
			stdout, _, err := runCommand(t, map[string]string{"DATABASE_URL": url}, "", "migrate")
			must(t, err)
			if !strings.Contains(stdout, "The database schema is up to date.") {
				t.Errorf("stdout %q", stdout)
			}
			store := modelstest.Open(t, modelstest.Database{Dialect: db.Dialect, URL: url})
			if n := tableCounts(t, store)["users"]; n != 0 {
				t.Errorf("a new database has %d users", n)
			}
		})

		t.Run("seed --demo loads once and prints the sign-ins", func(t *testing.T) {
			seedDB := modelstest.New(t, db.Dialect)
			seedVars := map[string]string{"DATABASE_URL": seedDB.URL, "BASE_URL": "https://rooms.example.nhs.uk"}
			stdout, _, err := runCommand(t, seedVars, "", "seed", "--demo")
			must(t, err)
			if !strings.Contains(stdout, "Sign in at https://rooms.example.nhs.uk/sign-in") ||
				!strings.Contains(stdout, "admin@example.org") || !strings.Contains(stdout, "booker@example.org") {
				t.Errorf("stdout %q", stdout)
			}
			store := modelstest.Open(t, seedDB)
			first := tableCounts(t, store)
			if first["sites"] == 0 || first["spaces"] == 0 || first["organisations"] == 0 || first["users"] == 0 {
				t.Fatalf("demo data missing: %v", first)
			}
			signIns := strings.Count(stdout, "@example.org")
			if int64(signIns) != first["users"] {
				t.Errorf("%d sign-ins printed for %d accounts", signIns, first["users"])
			}
			stdout2, _, err := runCommand(t, seedVars, "", "seed", "--demo")
			must(t, err)
			if stdout2 != stdout {
				t.Errorf("second load printed %q, first %q", stdout2, stdout)
			}
			if second := tableCounts(t, store); fmt.Sprint(second) != fmt.Sprint(first) {
				t.Errorf("second load changed the rows: %v, then %v", first, second)
			}
		})

		t.Run("seed without --demo", func(t *testing.T) {
			_, stderr, err := runCommand(t, vars, "", "seed")
			if err == nil || !strings.Contains(err.Error(), "--demo") || !strings.Contains(stderr, "Usage: commonroom seed") {
				t.Errorf("err %v, stderr %q", err, stderr)
			}
		})

		t.Run("user create admin signs in through the API", func(t *testing.T) {
			userDB := modelstest.New(t, db.Dialect)
			userVars := map[string]string{"DATABASE_URL": userDB.URL}
			stdout, _, err := runCommand(t, userVars, "an admin password\n",
				"user", "create", "--email", "Ops@Example.org", "--role", "admin")
			must(t, err)
			if !strings.HasPrefix(stdout, "Created ops@example.org (admin), account ") {
				t.Errorf("stdout %q", stdout)
			}
			p := serveProgram(t, userVars)
			resp, body := p.request(http.MethodPost, "/api/v1/auth/login",
				`{"email":"ops@example.org","password":"an admin password"}`, nil)
			wantHTTPStatus(t, resp, body, http.StatusOK)
			var me meJSON
			must(t, json.Unmarshal(body, &me))
			if me.Role != booking.RoleAdmin || me.Name != "Ops" {
				t.Errorf("me %+v", me)
			}
			resp, body = p.request(http.MethodPost, "/api/v1/auth/login",
				`{"email":"ops@example.org","password":"an admin password\n"}`, nil)
			wantHTTPStatus(t, resp, body, http.StatusUnauthorized)
		})

		t.Run("user create estates manager of sites", func(t *testing.T) {
			store := modelstest.Open(t, db)
			ctx := context.Background()
			existing := &models.User{Email: "first.manager@example.org", Name: "First", PasswordHash: testPasswordHash, Role: booking.RoleEstatesManager}
			must(t, store.CreateUser(ctx, existing))
			site1 := &models.Site{Name: "Hunter Street Health Centre", AddressLine1: "1 High Street", Town: "Stockport", Postcode: "SK1 1AA"}
			must(t, store.CreateSite(ctx, site1, []int64{existing.ID}))
			site2 := &models.Site{Name: "Station Road Surgery", AddressLine1: "2 Station Road", Town: "Stockport", Postcode: "SK2 2BB"}
			must(t, store.CreateSite(ctx, site2, nil))

			_, _, err := runCommand(t, vars, "an estates password\r\n", "user", "create", "--email", "em@example.org",
				"--name", "Estates Person", "--role", "estates-manager", "--site", itoa(site1.ID), "--site", itoa(site2.ID))
			must(t, err)
			u, err := store.UserByEmail(ctx, "em@example.org")
			must(t, err)
			if u.Role != booking.RoleEstatesManager || u.Name != "Estates Person" || !checkPassword("an estates password", u.PasswordHash) {
				t.Errorf("user %+v", u)
			}
			access, err := store.AccessOf(ctx, u.ID)
			must(t, err)
			if !access.ManagedSites[site1.ID] || !access.ManagedSites[site2.ID] {
				t.Errorf("manages %v", access.ManagedSites)
			}
			before, err := store.AccessOf(ctx, existing.ID)
			must(t, err)
			if !before.ManagedSites[site1.ID] {
				t.Error("the site's earlier manager was removed")
			}
		})

		t.Run("user create for a site that does not exist creates nothing", func(t *testing.T) {
			store := modelstest.Open(t, db)
			_, _, err := runCommand(t, vars, "an estates password\n", "user", "create", "--email", "nosite@example.org",
				"--role", "estates-manager", "--site", "999999")
			if err == nil || !strings.Contains(err.Error(), "999999") {
				t.Errorf("err %v", err)
			}
			if _, err := store.UserByEmail(context.Background(), "nosite@example.org"); !errors.Is(err, booking.ErrNotFound) {
				t.Errorf("the account was created: %v", err)
			}
		})

		t.Run("user create refuses bad input", func(t *testing.T) {
			store := modelstest.Open(t, db)
			before := tableCounts(t, store)
			tests := []struct {
				name, stdin, names string
				args               []string
			}{
				{"bad role", "a long enough password\n", "--role", []string{"--email", "a@example.org", "--role", "superuser"}},
				{"member role", "a long enough password\n", "--role", []string{"--email", "a@example.org", "--role", "member"}},
				{"no role", "a long enough password\n", "--role", []string{"--email", "a@example.org"}},
				{"short password", "short\n", "password", []string{"--email", "a@example.org", "--role", "admin"}},
				{"no password", "", "password", []string{"--email", "a@example.org", "--role", "admin"}},
				{"bad email", "a long enough password\n", "--email", []string{"--email", "not-an-email", "--role", "admin"}},
				{"no email", "a long enough password\n", "--email", []string{"--role", "admin"}},
				{"site for an admin", "a long enough password\n", "--site", []string{"--email", "a@example.org", "--role", "admin", "--site", "1"}},
				{"bad site id", "a long enough password\n", "site id", []string{"--email", "a@example.org", "--role", "estates-manager", "--site", "abc"}},
				{"unknown flag", "a long enough password\n", "-colour", []string{"--email", "a@example.org", "--role", "admin", "--colour", "blue"}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, _, err := runCommand(t, vars, tt.stdin, append([]string{"user", "create"}, tt.args...)...)
					if err == nil || !strings.Contains(err.Error(), tt.names) {
						t.Errorf("err %v, want one naming %s", err, tt.names)
					}
				})
			}
			if after := tableCounts(t, store); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("rows changed: %v, then %v", before, after)
			}
			_, _, err := runCommand(t, vars, "a long enough password\n", "user", "create", "--email", "again@example.org", "--role", "link-worker")
			must(t, err)
			_, _, err = runCommand(t, vars, "a long enough password\n", "user", "create", "--email", "again@example.org", "--role", "link-worker")
			if !errors.Is(err, booking.ErrConflict) {
				t.Errorf("second account with one email: %v", err)
			}
		})
	})
}

func TestRunHelp(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--help"}, {"serve", "-h"}, {"--help"}, {"-h"}, {"help"}, {"migrate", "--help"},
		{"seed", "--help"}, {"user", "--help"}, {"user", "create", "--help"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dbPath := filepath.Join(t.TempDir(), "untouched.db")
			vars := map[string]string{"DATABASE_URL": "sqlite:" + dbPath, "ADDR": "127.0.0.1:0"}
			stdout, stderr, err := runCommand(t, vars, "", args...)
			switch {
			case len(args) == 1:
				if err != nil || !strings.Contains(stdout, "Usage:") || !strings.Contains(stdout, "commonroom migrate") {
					t.Errorf("err %v, stdout %q", err, stdout)
				}
			default:
				if !errors.Is(err, flag.ErrHelp) {
					t.Errorf("err %v, want flag.ErrHelp", err)
				}
				if !strings.Contains(stderr, "Usage: commonroom "+args[0]) {
					t.Errorf("stderr %q has no usage", stderr)
				}
			}
			if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("--help opened the database: %v", err)
			}
		})
	}
	t.Run("unknown command", func(t *testing.T) {
		_, stderr, err := runCommand(t, nil, "", "frobnicate")
		if err == nil || !strings.Contains(err.Error(), "frobnicate") || !strings.Contains(stderr, "Usage:") {
			t.Errorf("err %v, stderr %q", err, stderr)
		}
	})
	t.Run("unexpected argument", func(t *testing.T) {
		vars := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "x.db")}
		_, _, err := runCommand(t, vars, "", "migrate", "now")
		if err == nil || !strings.Contains(err.Error(), `"now"`) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("user without create", func(t *testing.T) {
		_, stderr, err := runCommand(t, nil, "", "user", "delete")
		if err == nil || !strings.Contains(err.Error(), "create") || !strings.Contains(stderr, "Usage:") {
			t.Errorf("err %v, stderr %q", err, stderr)
		}
	})
}

func TestRunBadConfiguration(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer busy.Close()
	tests := []struct {
		name     string
		vars     map[string]string
		args     []string
		variable string
	}{
		{"loud log level", map[string]string{"LOG_LEVEL": "loud"}, nil, "LOG_LEVEL"},
		{"loud log level on migrate", map[string]string{"LOG_LEVEL": "loud"}, []string{"migrate"}, "LOG_LEVEL"},
		{"address without a port", map[string]string{"ADDR": "nope"}, nil, "ADDR"},
		{"port out of range", map[string]string{"ADDR": "127.0.0.1:70000"}, nil, "ADDR"},
		{"address in use", map[string]string{"ADDR": busy.Addr().String()}, nil, "ADDR"},
		{"MySQL", map[string]string{"DATABASE_URL": "mysql://localhost/x"}, nil, "DATABASE_URL"},
		{"short session secret", map[string]string{"SESSION_SECRET": "short"}, nil, "SESSION_SECRET"},
		{"base URL without a scheme", map[string]string{"BASE_URL": "rooms.example.nhs.uk"}, []string{"seed", "--demo"}, "BASE_URL"},
		{"bad shutdown timeout", map[string]string{"SHUTDOWN_TIMEOUT": "soon"}, nil, "SHUTDOWN_TIMEOUT"},
		{"bad trusted proxy", map[string]string{"TRUSTED_PROXIES": "10.0.0.0/99"}, nil, "TRUSTED_PROXIES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "db.db"), "ADDR": "127.0.0.1:0"}
			for k, v := range tt.vars {
				vars[k] = v
			}
			_, _, err := runCommand(t, vars, "", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.variable) {
				t.Errorf("err %v, want one naming %s", err, tt.variable)
			}
		})
	}
}

func TestRunSessionSecret(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		vars := map[string]string{"DATABASE_URL": db.URL}
		store := modelstest.Open(t, db)
		stored := func() []models.Setting {
			var s []models.Setting
			must(t, store.DB.Where("key = ?", "session_secret").Find(&s).Error)
			return s
		}

		p := serveProgram(t, vars)
		resp, body := p.request(http.MethodPost, "/api/v1/auth/register",
			`{"email":"keeps@example.org","name":"Keeps Session","password":"a long enough password"}`, nil)
		wantHTTPStatus(t, resp, body, http.StatusCreated)
		var cookie string
		for _, c := range resp.Cookies() {
			if c.Name == sessionCookie {
				cookie = c.Name + "=" + c.Value
			}
		}
		if cookie == "" {
			t.Fatalf("no session cookie in %v", resp.Header)
		}
		secret := stored()
		if len(secret) != 1 || len(secret[0].Value) < 32 {
			t.Fatalf("stored secret %+v", secret)
		}
		me := func(p *program) int {
			resp, _ := p.request(http.MethodGet, "/api/v1/me", "", http.Header{"Cookie": {cookie}})
			return resp.StatusCode
		}
		if got := me(p); got != http.StatusOK {
			t.Fatalf("me %d with the new session", got)
		}
		must(t, p.stop())

		p = serveProgram(t, vars)
		if got := me(p); got != http.StatusOK {
			t.Errorf("me %d after a restart: the session did not survive", got)
		}
		if again := stored(); len(again) != 1 || again[0].Value != secret[0].Value {
			t.Errorf("the secret changed from %q to %+v", secret[0].Value, again)
		}
		must(t, p.stop())

		vars["SESSION_SECRET"] = strings.Repeat("another secret ", 3)
		p = serveProgram(t, vars)
		if got := me(p); got != http.StatusUnauthorized {
			t.Errorf("me %d under another SESSION_SECRET: sessions are not keyed by the secret", got)
		}
	})
}

// loginFrom signs in from a network address, with extra headers.
func loginFrom(e *env, address, email, password string, header http.Header) *response {
	e.t.Helper()
	body, err := json.Marshal(map[string]string{"email": email, "password": password})
	must(e.t, err)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", bytes.NewReader(body))
	req.RemoteAddr = address
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	checkOpenAPI(e.t, req, body, rec)
	return &response{ResponseRecorder: rec, t: e.t}
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		const attacker, neighbour = "192.0.2.10:5555", "198.51.100.7:4444"
		for i := range maxFailuresAddress {
			loginFrom(e, attacker, fmt.Sprintf("guess%d@example.org", i), "wrong password", nil).
				wantStatus(http.StatusUnauthorized)
		}
		t.Run("the address is refused even with a right password", func(t *testing.T) {
			e.withT(t, func() {
				r := loginFrom(e, attacker, "org_admin@example.org", testPassword, nil)
				r.wantProblem(http.StatusTooManyRequests, nil)
				if r.Header().Get("Retry-After") == "" {
					t.Error("no Retry-After")
				}
				if len(r.Result().Cookies()) != 0 {
					t.Error("a refused sign-in set a cookie")
				}
			})
		})
		t.Run("a forwarded-for header from an untrusted peer changes nothing", func(t *testing.T) {
			e.withT(t, func() {
				loginFrom(e, attacker, "org_admin@example.org", testPassword,
					http.Header{"X-Forwarded-For": {"203.0.113.9"}, "X-Real-Ip": {"203.0.113.9"}}).
					wantStatus(http.StatusTooManyRequests)
			})
		})
		t.Run("other addresses still sign in", func(t *testing.T) {
			e.withT(t, func() {
				loginFrom(e, neighbour, "org_admin@example.org", testPassword, nil).wantStatus(http.StatusOK)
			})
		})
		t.Run("the accounts guessed at are not locked", func(t *testing.T) {
			e.withT(t, func() {
				loginFrom(e, neighbour, "booker@example.org", testPassword, nil).wantStatus(http.StatusOK)
			})
		})
		t.Run("the window ends", func(t *testing.T) {
			e.withT(t, func() {
				later := testClock.Add(loginWindow + time.Second)
				e.srv.now = func() time.Time { return later }
				defer func() { e.srv.now = func() time.Time { return testClock } }()
				loginFrom(e, attacker, "org_admin@example.org", testPassword, nil).wantStatus(http.StatusOK)
			})
		})
	})
}
