package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
	"github.com/common-room/commonroom/server/payments/paymentstest"
)

func TestMain(m *testing.M) {
	code := modelstest.Main(m)
	paymentstest.Stop()
	os.Exit(code)
}

// Roles the fixtures provide. anonymous sends no credentials.
const (
	anonymous     = "anonymous"
	asAdmin       = "admin"
	asManager     = "estates_manager"       // manages siteA
	asOtherMgr    = "other_estates_manager" // manages siteB only
	asLinkWorker  = "link_worker"
	asOrgAdmin    = "org_admin" // of orgA
	asBooker      = "booker"    // of orgA
	asOtherMember = "member"    // org admin of orgB only
)

// allRoles lists every role the route table covers.
var allRoles = []string{anonymous, asAdmin, asManager, asOtherMgr, asLinkWorker, asOrgAdmin, asBooker, asOtherMember}

// testClock is the fixed time every fixture server runs at.
var testClock = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// env is one server on its own database with a user for every role.
type env struct {
	t       *testing.T
	db      modelstest.Database
	store   *models.Store
	srv     *Server
	users   map[string]*models.User
	tokens  map[string]string // role → bearer token
	cookies map[string]string // role → session cookie value
	siteA   *models.Site
	siteB   *models.Site
	spaceA  *models.Space // public, in siteA
	hiddenA *models.Space // hidden, in siteA
	spaceB  *models.Space // public, in siteB
	orgA    *models.Organisation
	orgB    *models.Organisation
}

// newEnv is the fixtures on a database of the dialect of the test's own,
// with a server at testClock. The fixtures are made once per dialect and
// copied for each test.
func newEnv(t *testing.T, dialect string) *env {
	t.Helper()
	tp := envTemplateOf(t, dialect)
	db := modelstest.Copy(t, tp.db)
	e := &env{t: t, db: db, store: modelstest.Open(t, db),
		users: map[string]*models.User{}, tokens: maps.Clone(tp.tokens), cookies: maps.Clone(tp.cookies),
		siteA: clonePtr(tp.siteA), siteB: clonePtr(tp.siteB), spaceA: clonePtr(tp.spaceA), hiddenA: clonePtr(tp.hiddenA),
		spaceB: clonePtr(tp.spaceB), orgA: clonePtr(tp.orgA), orgB: clonePtr(tp.orgB)}
	for role, u := range tp.users {
		e.users[role] = clonePtr(u)
	}
	e.srv = testServer(t, e.store)
	return e
}

// clonePtr is a pointer to a copy of *p, so that a test changing its
// fixtures changes no other test's.
func clonePtr[T any](p *T) *T {
	c := *p
	return &c
}

// testServer is a server over store at testClock, logging nowhere.
func testServer(t *testing.T, store *models.Store) *Server {
	t.Helper()
	srv, err := newServer(Deps{
		Store:  store,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: strings.Repeat("s", 32),
		Clock:  func() time.Time { return testClock },
	})
	must(t, err)
	return srv
}

// envTemplate is a database with the fixtures, made once per dialect,
// with what the fixtures are; tp.db has no connection open.
type envTemplate struct {
	once sync.Once
	ok   bool
	env
}

var envTemplates = map[string]*envTemplate{models.SQLite: {}, models.Postgres: {}}

// envTemplateOf makes the dialect's fixtures on first use.
func envTemplateOf(t *testing.T, dialect string) *envTemplate {
	t.Helper()
	tp := envTemplates[dialect]
	tp.once.Do(func() {
		tp.env = *buildFixtures(t, modelstest.Shared(t, dialect))
		tp.ok = true
	})
	if !tp.ok {
		t.Fatalf("the %s fixtures could not be made", dialect)
	}
	return tp
}

// buildFixtures makes a user, token and session for every role, two sites
// with their managers, three spaces and two organisations on db, and
// closes its connection to db.
func buildFixtures(t *testing.T, db modelstest.Database) *env {
	t.Helper()
	store, err := models.Open(context.Background(), db.URL, nil)
	must(t, err)
	defer store.Close()
	e := &env{t: t, db: db, store: store,
		users: map[string]*models.User{}, tokens: map[string]string{}, cookies: map[string]string{}}
	srv := testServer(t, store)
	ctx := context.Background()
	roles := map[string]string{
		asAdmin: booking.RoleAdmin, asManager: booking.RoleEstatesManager, asOtherMgr: booking.RoleEstatesManager,
		asLinkWorker: booking.RoleLinkWorker, asOrgAdmin: booking.RoleMember, asBooker: booking.RoleMember,
		asOtherMember: booking.RoleMember,
	}
	for _, key := range allRoles[1:] {
		u := &models.User{Email: key + "@example.org", Name: strings.ReplaceAll(key, "_", " "), PasswordHash: testPasswordHash, Role: roles[key]}
		must(t, e.store.CreateUser(ctx, u))
		e.users[key] = u
		tok := tokenPrefix + "test" + key
		must(t, e.store.CreateToken(ctx, &models.APIToken{UserID: u.ID, Name: "test", Hash: hashAPIToken(tok), Prefix: tok[:9]}))
		e.tokens[key] = tok
		ck := "cookie-" + key
		must(t, e.store.CreateSession(ctx, &models.Session{TokenHash: srv.hashSession(ck), UserID: u.ID,
			CreatedAt: testClock, ExpiresAt: testClock.Add(time.Hour)}))
		e.cookies[key] = ck
	}
	e.siteA = e.site("Hunter Street Health Centre", e.users[asManager].ID)
	e.siteB = e.site("Station Road Surgery", e.users[asOtherMgr].ID)
	e.spaceA = e.space(e.siteA, "Counselling room 1", "public")
	e.hiddenA = e.space(e.siteA, "Store room", "hidden")
	e.spaceB = e.space(e.siteB, "Meeting room", "public")
	e.orgA = e.organisation("Tame Valley Talking Space", e.users[asOrgAdmin].ID)
	_, err = e.store.AddMember(ctx, e.orgA.ID, e.users[asBooker].Email, booking.OrgBooker)
	must(t, err)
	e.orgB = e.organisation("Offerton Knit and Natter", e.users[asOtherMember].ID)
	must(t, modelstest.Checkpoint(store))
	e.t, e.store = nil, nil
	return e
}

// withServer is the env with a server of its own over the same database
// and accounts: at testClock, logging nowhere and with the default
// configuration, except as change says.
func (e *env) withServer(change func(*Deps)) *env {
	e.t.Helper()
	cfg, err := LoadConfig(func(string) string { return "" })
	must(e.t, err)
	d := Deps{Config: cfg, Store: e.store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: strings.Repeat("s", 32), Clock: func() time.Time { return testClock }}
	change(&d)
	srv, err := newServer(d)
	must(e.t, err)
	other := *e
	other.srv = srv
	return &other
}

// testPasswordHash is the argon2id hash of testPassword, made once.
const testPassword = "correct horse battery"

var testPasswordHash = func() string {
	h, err := HashPassword(testPassword)
	if err != nil {
		panic(err)
	}
	return h
}()

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) site(name string, managerID int64) *models.Site {
	s := &models.Site{Name: name, AddressLine1: "1 High Street", Town: "Stockport", Postcode: "SK1 1AA"}
	must(e.t, e.store.CreateSite(context.Background(), s, []int64{managerID}))
	return s
}

func (e *env) space(site *models.Site, name, visibility string) *models.Space {
	sp := newSpaceDefaults(site.ID)
	sp.Name, sp.Kind, sp.Capacity, sp.Visibility = name, "counselling_room", 6, visibility
	sp.Features = []models.SpaceFeature{{Feature: "sink"}}
	must(e.t, e.store.CreateSpace(context.Background(), sp))
	return sp
}

func (e *env) organisation(name string, adminID int64) *models.Organisation {
	o := &models.Organisation{Name: name, Type: "community_group"}
	must(e.t, e.store.CreateOrganisation(context.Background(), o, adminID))
	return o
}

// response is a finished request with helpers for assertions.
type response struct {
	*httptest.ResponseRecorder
	t *testing.T
}

// decode reads the JSON body into v.
func (r *response) decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body.Bytes(), v); err != nil {
		r.t.Fatalf("decode %s: %v", r.Body.String(), err)
	}
}

// problem reads a problem+json body.
func (r *response) problem() Problem {
	r.t.Helper()
	if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Body.String())
	}
	var p Problem
	r.decode(&p)
	return p
}

// wantStatus fails the test unless the status is want.
func (r *response) wantStatus(want int) *response {
	r.t.Helper()
	if r.Code != want {
		r.t.Fatalf("status %d, want %d; body %s", r.Code, want, r.Body.String())
	}
	return r
}

// request is one API call; body may be nil, a string (sent as is) or a
// value (sent as JSON).
type request struct {
	method, path string
	body         any
	as           string // role; "" or anonymous for none
	cookie       bool   // authenticate with the session cookie instead of the token
	header       http.Header
}

// do sends the request through the whole handler and checks the response
// against the OpenAPI document.
func (e *env) do(rq request) *response {
	e.t.Helper()
	var body io.Reader
	switch b := rq.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		must(e.t, err)
		body = bytes.NewReader(j)
	}
	req := httptest.NewRequest(rq.method, rq.path, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range rq.header {
		req.Header[k] = vs
	}
	if rq.as != "" && rq.as != anonymous {
		if rq.cookie {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: e.cookies[rq.as]})
		} else {
			req.Header.Set("Authorization", "Bearer "+e.tokens[rq.as])
		}
	}
	rec := httptest.NewRecorder()
	var reqBody []byte
	if body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	e.srv.ServeHTTP(rec, req)
	if strings.HasPrefix(rq.path, "/api/") {
		checkOpenAPI(e.t, req, reqBody, rec)
	}
	return &response{ResponseRecorder: rec, t: e.t}
}

// get is a GET as a role.
func (e *env) get(path, as string) *response {
	e.t.Helper()
	return e.do(request{method: http.MethodGet, path: path, as: as})
}

// send is a request with a JSON body as a role.
func (e *env) send(method, path, as string, body any) *response {
	e.t.Helper()
	return e.do(request{method: method, path: path, as: as, body: body})
}

// eachEnv runs fn on fixtures over each dialect.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	modelstest.EachDialect(t, func(t *testing.T, dialect string) {
		fn(t, newEnv(t, dialect))
	})
}
