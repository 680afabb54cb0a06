package server

import (
	"bytes"
	"context"
	"encoding/json"
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

// newEnv builds the fixtures on a fresh database of the dialect.
func newEnv(t *testing.T, db modelstest.Database) *env {
	t.Helper()
	e := &env{t: t, db: db, store: modelstest.Open(t, db),
		users: map[string]*models.User{}, tokens: map[string]string{}, cookies: map[string]string{}}
	srv, err := newServer(Deps{
		Store:  e.store,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: strings.Repeat("s", 32),
		Clock:  func() time.Time { return testClock },
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
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
	modelstest.Each(t, func(t *testing.T, db modelstest.Database) {
		fn(t, newEnv(t, db))
	})
}
