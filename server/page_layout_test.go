package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

func TestPageLayout(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.step(t, "the body starts with the js-enabled script the CSP allows", func(t *testing.T) {
			r := e.getPage("/sites", anonymous).wantStatus(http.StatusOK).wantBody(
				`<html lang="en-GB">`, "<title>Buildings – Common Room</title>",
				"<body>\n<script>"+jsEnabledScript+"</script>\n<a class=\"nhsuk-skip-link\"",
				`<main class="nhsuk-main-wrapper" id="maincontent">`, `class="nhsuk-footer"`,
				`href="`+e.srv.pages.assetURL("nhsuk/nhsuk-frontend.min.css")+`"`,
				`<script type="module" src="`+e.srv.pages.assetURL("app.js")+`"></script>`,
			)
			if csp := r.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "'"+jsEnabledHash+"'") {
				t.Fatalf("CSP %q does not allow the script", csp)
			}
			if ct := r.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Fatalf("content type %q", ct)
			}
		})
		e.step(t, "the header depends on who is signed in", func(t *testing.T) {
			nav := `<a class="nhsuk-header__navigation-link" href="/register">`
			e.getPage("/", anonymous).wantBody(`href="/sign-in">Sign in</a>`, nav).
				wantNoBody("Sign out", "Organisations to verify", "Your organisation")
			e.getPage("/", asManager).wantBody("estates manager", `action="/sign-out"`, "Organisations to verify",
				`<a class="nhsuk-header__navigation-link" href="/manage/requests">Requests</a>`).
				wantNoBody(`href="/organisations"`, nav, "Your bookings")
			e.getPage("/", asBooker).wantBody(`href="/organisations">Your organisation</a>`, "Register another organisation", nav,
				`href="/organisations/`+itoa(e.orgA.ID)+`/bookings">Your bookings</a>`).
				wantNoBody("Organisations to verify", "/manage/requests")
		})
		e.step(t, "the current section is marked in the navigation", func(t *testing.T) {
			e.getPage("/sites/"+itoa(e.siteA.ID), anonymous).wantBody(`href="/find-a-space" aria-current="page"`)
			e.getPage("/find-a-space", anonymous).wantBody(`href="/find-a-space" aria-current="page"`)
			r := e.getPage("/organisations/"+itoa(e.orgA.ID)+"/bookings", asBooker).
				wantBody(`href="/organisations/` + itoa(e.orgA.ID) + `/bookings" aria-current="page"`)
			if n := strings.Count(r.Body.String(), "nhsuk-header__navigation-item--current"); n != 1 {
				t.Errorf("%d navigation items are current", n)
			}
		})
		e.step(t, "unknown pages and methods get NHS.UK error pages", func(t *testing.T) {
			e.getPage("/no/such/page", anonymous).wantStatus(http.StatusNotFound).
				wantBody("<title>Page not found – Common Room</title>", `class="nhsuk-header`, "check it is correct")
			e.page(http.MethodDelete, "/sites", asAdmin, nil).wantStatus(http.StatusMethodNotAllowed).
				wantBody("This page cannot be used like that", `class="nhsuk-footer"`)
		})
		e.step(t, "a form posted from another site is refused and changes nothing", func(t *testing.T) {
			form := siteFormValues(e.siteA)
			form.Set("name", "Taken over")
			e.do(request{method: http.MethodPost, path: "/manage/sites/" + itoa(e.siteA.ID) + "/edit", as: asManager, cookie: true,
				body: form.Encode(), header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"cross-site"}}}).
				wantStatus(http.StatusForbidden).wantBody(`class="nhsuk-header`, "must come from this site")
			e.getPage("/sites/"+itoa(e.siteA.ID), anonymous).wantNoBody("Taken over")
		})
		e.step(t, "the success message is shown once", func(t *testing.T) {
			r := e.do(request{method: http.MethodGet, path: "/", header: http.Header{"Cookie": {flashCookie + "=" + url.QueryEscape("Saved <b>it</b>")}}})
			r.wantBody("nhsuk-notification-banner--success", "Saved &lt;b&gt;it&lt;/b&gt;")
			if c := r.Header().Get("Set-Cookie"); !strings.Contains(c, flashCookie+"=;") || !strings.Contains(c, "Max-Age=0") {
				t.Fatalf("flash not cleared: %q", c)
			}
		})
	})
}

func TestStaticFiles(t *testing.T) {
	e := newEnv(t, models.SQLite)
	e.step(t, "files under the build hash are cached for a year", func(t *testing.T) {
		r := e.getPage(e.srv.pages.assetURL("app.css"), anonymous).wantStatus(http.StatusOK).wantBody(".app-search")
		if cc := r.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Fatalf("cache control %q", cc)
		}
		if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
			t.Fatalf("content type %q", ct)
		}
		r = e.getPage(e.srv.pages.assetURL("app.js"), anonymous).wantStatus(http.StatusOK).wantBody("initAll()")
		if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Fatalf("content type %q", ct)
		}
	})
	e.step(t, "other hashes, folders and escapes are not found", func(t *testing.T) {
		for _, path := range []string{
			"/static/0123456789ab/app.css", e.srv.pages.assetURL(""), e.srv.pages.assetURL("nhsuk/"),
			e.srv.pages.assetURL("../frontend.go"), e.srv.pages.assetURL("nope.css"), "/assets/../app.css", "/assets/",
		} {
			e.getPage(path, anonymous).wantStatus(http.StatusNotFound)
		}
	})
	e.step(t, "the hash changes with any file", func(t *testing.T) {
		a, err := hashFiles(fstest.MapFS{"app.css": {Data: []byte("a")}, "x/y.js": {Data: []byte("b")}})
		must(t, err)
		b, err := hashFiles(fstest.MapFS{"app.css": {Data: []byte("a")}, "x/y.js": {Data: []byte("c")}})
		must(t, err)
		if a == b || len(a) != 12 {
			t.Fatalf("hashes %q and %q", a, b)
		}
	})
}

func TestConfiguredNames(t *testing.T) {
	db := modelstest.New(t, models.SQLite)
	store := modelstest.Open(t, db)
	base, _ := url.Parse("https://rooms.example.nhs.uk")
	srv, err := newServer(Deps{
		Config: Config{BaseURL: base, ServiceName: "Book a Room", OrganisationName: "Tameside and Glossop Integrated Care"},
		Store:  store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Secret: strings.Repeat("s", 32),
		Clock: func() time.Time { return testClock },
	})
	must(t, err)
	e := &env{t: t, srv: srv}
	e.getPage("/", anonymous).wantStatus(http.StatusOK).wantBody(
		"<title>Book a Room</title>", `nhsuk-header--organisation`,
		`<span class="nhsuk-header__organisation-name">Tameside and Glossop Integrated Care</span>`,
		`<span class="nhsuk-header__service-name">Book a Room</span>`, `aria-label="Book a Room homepage"`,
	).wantNoBody("Common Room")
}
