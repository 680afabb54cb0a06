package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
	"github.com/common-room/commonroom/seeds"
	"github.com/common-room/commonroom/server"
)

// wcagTags are the axe-core rule sets for WCAG 2.2 AA.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// TestJourneys drives the real pages in headless Chromium with the demo
// data: someone finding a space, an estates manager changing a site, adding
// a space, verifying an organisation and reading the rent foregone, an
// organisation admin adding and removing a member, and a new group
// registering. Every page visited is checked with axe-core, and for Content
// Security Policy violations and script errors.
//
// Set SCREENSHOTS to a folder to keep a screenshot of some pages.
func TestJourneys(t *testing.T) {
	browser := findBrowser(t)
	axeSource, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		skipOrFail(t, "axe-core is not installed (run make assets): %v", err)
	}
	if _, err := os.Stat(filepath.Join("static", "nhsuk", "nhsuk-frontend.min.css")); err != nil {
		skipOrFail(t, "the NHS.UK frontend is not copied into static/ (run make assets): %v", err)
	}
	base := startServer(t)
	b := newBrowser(t, browser, base, string(axeSource))

	t.Run("anyone finds a space", func(t *testing.T) {
		b.t = t
		b.visit("/", "home")
		b.wantText("h1", "Common Room")
		b.follow(`a.nhsuk-card__link[href="/sites"]`, "sites")
		b.wantText("table", "Hunter Street Health Centre")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "site")
		b.wantText("h1", "Hunter Street Health Centre")
		b.wantText("main", "53.4021, -2.1705")
		b.follow(`//a[text()="Counselling Room 1"]`, "space")
		b.wantText("h1", "Counselling Room 1")
		b.wantText("main", "£15.00 per hour")
	})

	t.Run("estates manager changes a site", func(t *testing.T) {
		b.t = t
		b.signIn("estates@example.org")
		b.visit("/sites", "")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "")
		b.follow(`a[href$="/edit"]`, "site-edit")
		b.wantChecked("#hearing_loop", true)
		b.wantChecked("#changing_places", false)
		b.click("#hearing_loop")
		b.click("#changing_places")
		b.setValue("#opening_hours", "Monday to Friday 8am to 9pm")
		b.submit(`form button[type="submit"]`, 200, "site-saved")
		b.wantText(".nhsuk-notification-banner--success", "Site details saved")
		b.wantText("main", "Monday to Friday 8am to 9pm")
		b.wantRow("#accessibility", "Hearing loop", "No")
		b.wantRow("#accessibility", "Changing Places toilet", "Yes")
	})

	t.Run("estates manager adds a space, correcting a mistake", func(t *testing.T) {
		b.t = t
		b.follow(`a[href$="/spaces/new"]`, "space-new")
		b.setValue("#name", "Quiet Room")
		b.setValue("#capacity", "lots")
		b.setValue("#features", "armchairs, sink")
		b.setValue("#rate", "12.50")
		b.submit(`form button[type="submit"]`, 422, "space-errors")
		b.wantText(".nhsuk-error-summary", "Capacity must be a whole number")
		if got := b.eval(`document.activeElement.closest(".nhsuk-error-summary") !== null`); got != "true" {
			t.Errorf("the error summary has no focus (active element check gave %s)", got)
		}
		b.wantAttr(`.nhsuk-error-summary a`, "href", "#capacity")
		b.click(`.nhsuk-error-summary a[href="#capacity"]`)
		if got := b.eval(`document.activeElement.id`); got != `"capacity"` {
			t.Errorf("the error summary link moved focus to %s, want the capacity input", got)
		}
		b.wantText(".nhsuk-form-group--error", "Capacity must be a whole number")
		b.setValue("#capacity", "8")
		b.submit(`form button[type="submit"]`, 200, "space-added")
		b.wantText(".nhsuk-notification-banner--success", "Quiet Room has been added")
		b.wantText("h1", "Quiet Room")
		b.wantText("main", "£12.50 per hour")
		b.wantText("main", "Up to 8 people")
	})

	t.Run("estates manager verifies an organisation", func(t *testing.T) {
		b.t = t
		b.follow(`a.nhsuk-header__navigation-link[href="/manage/organisations"]`, "organisations")
		b.wantText("table", "Growing Together Stockport")
		b.follow(`//a[text()="Growing Together Stockport"]`, "organisation-manage")
		b.click("#state")
		b.setValue("#note", "Companies House entry checked: active, accounts filed.")
		b.submit(`form[action$="/verification"] button`, 200, "")
		b.wantText(".nhsuk-notification-banner--success", "Growing Together Stockport is now verified")
		b.wantText("#history + table", "Companies House entry checked")
		b.signOut()
	})

	t.Run("estates manager reads the rent foregone, correcting a mistake", func(t *testing.T) {
		b.t = t
		b.signIn("estates@example.org")
		// The card sits at the bottom edge of the window, where chromedp's
		// click misses it unless it is scrolled in first.
		b.eval(`document.querySelector('a.nhsuk-card__link[href="/manage/reports/rent"]').scrollIntoView({block: "center"})`)
		b.follow(`a.nhsuk-card__link[href="/manage/reports/rent"]`, "rent-report")
		b.wantText("h1", "Rent foregone")
		b.wantText("#summary", "all your sites")
		// The demo bookings are in the weeks ahead: this month and the next
		// three hold them.
		london, err := time.LoadLocation("Europe/London")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().In(london)
		last := time.Date(now.Year(), now.Month()+4, 0, 12, 0, 0, 0, london)
		b.setValue("#from-day", "1")
		b.setValue("#from-month", fmt.Sprint(int(now.Month())))
		b.setValue("#from-year", fmt.Sprint(now.Year()))
		b.setValue("#to-day", fmt.Sprint(last.Day()))
		b.setValue("#to-month", "13")
		b.setValue("#to-year", fmt.Sprint(last.Year()))
		b.submit(`form[action="/manage/reports/rent"] button[type="submit"]`, 422, "rent-report-errors")
		b.wantText(".nhsuk-error-summary", "End date must be a real date")
		b.wantAttr(".nhsuk-error-summary a", "href", "#to-day")
		b.setValue("#to-month", fmt.Sprint(int(last.Month())))
		b.submit(`form[action="/manage/reports/rent"] button[type="submit"]`, 200, "rent-report-months")
		b.wantAttr("svg.app-chart", "role", "img")
		b.wantAttr("svg.app-chart", "aria-labelledby", "foregone-title foregone-desc")
		var desc string
		if err := json.Unmarshal([]byte(b.eval(`document.querySelector("#foregone-desc").textContent`)), &desc); err != nil ||
			!strings.Contains(desc, "the most was £") {
			t.Errorf("the chart of rent foregone is described as %q (%v)", desc, err)
		}
		b.wantText("#months", "Total")
		csv, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
			`fetch(document.querySelector('a[href*="/api/v1/reports/rent.csv"]').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("download the CSV: %v", err)
		}
		if !strings.HasPrefix(csv, "site,label,bookings,hours,minutes,") || !strings.Contains(csv, "Hunter Street Health Centre") {
			t.Errorf("the CSV link gave %q", csv)
		}
		b.signOut()
	})

	t.Run("organisation admin adds and removes a booker", func(t *testing.T) {
		b.t = t
		b.signIn("orgadmin@example.org")
		b.follow(`a.nhsuk-header__navigation-link[href="/organisations"]`, "my-organisations")
		b.follow(`main a[href^="/organisations/"]`, "organisation")
		b.wantText("h1", "Tame Valley Talking Space")
		b.setValue("#member_email", "linkworker@example.org")
		b.click("#member_role-2")
		if got := b.eval(`document.querySelector('input[name="member_role"]:checked').value`); got != `"booker"` {
			t.Fatalf("the booker radio is not checked: %s", got)
		}
		b.submit(`form[action$="/members"] button`, 200, "member-added")
		b.wantText(".nhsuk-notification-banner--success", "Tom Whitworth is now a booker")
		b.wantText("table", "linkworker@example.org")
		b.submit(`//button[normalize-space()="Remove Tom Whitworth"]`, 200, "")
		b.wantText(".nhsuk-notification-banner--success", "Tom Whitworth has been removed")
		if text := b.text("table"); strings.Contains(text, "linkworker@example.org") {
			t.Errorf("the removed member is still listed: %q", text)
		}
		b.signOut()
	})

	t.Run("a new group registers", func(t *testing.T) {
		b.t = t
		b.visit("/register", "register")
		b.setValue("#account_name", "Jo Marsh")
		b.setValue("#account_email", "jo@edgeleywalkers.example")
		b.setValue("#password", "walking on sunshine")
		b.setValue("#org_name", "Edgeley Walkers")
		b.click("#org_type-3")
		b.setValue("#description", "Weekly health walks from Edgeley Park.")
		b.submit(`form[action="/register"] button[type="submit"]`, 200, "registered")
		b.wantText("h1", "Edgeley Walkers")
		b.wantText("main", "awaiting verification")
		b.wantText(".nhsuk-tag", "Not yet verified")
		b.wantText(".nhsuk-header__account", "Jo Marsh")
	})

	t.Run("the other pages and the error pages pass too", func(t *testing.T) {
		b.t = t
		b.signOut()
		b.visit("/register", "")
		b.submit(`form[action="/register"] button[type="submit"]`, 422, "register-errors")
		b.wantText(".nhsuk-error-summary", "Enter the name of the organisation")
		b.wantText(".nhsuk-error-summary", "Select what kind of organisation it is")
		b.visitStatus("/no-such-page", 404, "not-found")
		b.signIn("admin@example.org")
		b.visit("/manage/sites/new", "site-new")
		b.visit("/manage/organisations?verification=all", "")
		b.visit("/sites", "")
		b.follow(`//a[text()="Strines Road Clinic and Therapy Garden"]`, "")
		b.follow(`//a[contains(text(), "Plot")]`, "")
		b.follow(`a[href$="/edit"]`, "space-edit")
		b.visitStatus("/manage/sites/999999/edit", 404, "")
	})

	t.Run("forms work without JavaScript on a small screen", func(t *testing.T) {
		b.t = t
		b.signOut()
		b.withoutScripts(true)
		defer b.withoutScripts(false)
		b.visit("/sign-in", "")
		b.setValue("#email", "booker@example.org")
		b.setValue("#password", "not the password")
		b.submit(`form[action="/sign-in"] button[type="submit"]`, 401, "phone-sign-in-error")
		b.wantText(".nhsuk-error-summary", "The email address or password is not right")
		b.setValue("#password", seeds.DemoPassword)
		b.submit(`form[action="/sign-in"] button[type="submit"]`, 200, "")
		b.wantText(".nhsuk-header__account", "Dan Kowalski")
		b.visit("/sites", "phone-sites")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "phone-site")
		b.submit(".nhsuk-header__account-button", 200, "")
		b.wantText(".nhsuk-notification-banner--success", "You have signed out")
	})

	t.Logf("checked %d pages with axe-core: %d serious or critical violations", b.pages, b.serious)
}

// skipOrFail skips the test, or fails it when REQUIRE_BROWSER=1 says the
// browser tests must run.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("REQUIRE_BROWSER") == "1" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// findBrowser returns the Chromium to drive: $CHROMIUM_PATH, or Debian's.
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM_PATH"), "/usr/bin/chromium", "chromium"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	skipOrFail(t, "no Chromium found: set CHROMIUM_PATH")
	return ""
}

// lockedBuffer collects the server's log lines from its goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs the whole program on a free port with the demo data and
// returns its address. It stops when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	base, _ := startServerWith(t, nil)
	return base
}

// startServerWith is startServer with more environment variables, and
// the database it runs on.
func startServerWith(t *testing.T, extra map[string]string) (string, modelstest.Database) {
	t.Helper()
	db := modelstest.New(t, models.SQLite)
	vars := map[string]string{
		"ADDR": "127.0.0.1:0", "DATABASE_URL": db.URL, "DEMO_DATA": "1",
		"BASE_URL": "http://127.0.0.1", "LOG_LEVEL": "warn",
	}
	maps.Copy(vars, extra)
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.Run(ctx, server.Env{
			Args:   []string{"serve"},
			Getenv: func(k string) string { return vars[k] },
			Stdin:  strings.NewReader(""),
			Stdout: io.Discard,
			Stderr: logs,
			Ready:  func(addr string) { ready <- addr },
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr, db
	case err := <-done:
		t.Fatalf("server stopped before it was ready: %v\n%s", err, logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("server not ready after a minute\n%s", logs.String())
	}
	return "", db
}

// browserTest is one browser tab on the server, with the checks every
// page gets.
type browserTest struct {
	t       *testing.T
	ctx     context.Context
	base    string
	axe     string
	shots   string
	pages   int
	serious int
	// noScripts says the page's JavaScript is off, so the NHS.UK frontend
	// does not start.
	noScripts bool

	mu       sync.Mutex
	problems []string // CSP violations and script errors since the last page
}

func newBrowser(t *testing.T, path, base, axe string) *browserTest {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b := &browserTest{t: t, ctx: ctx, base: base, axe: axe, shots: os.Getenv("SCREENSHOTS")}

	// The NHS.UK CSS loads its fonts from assets.nhs.uk: block them, so the
	// test never depends on the internet (the pages fall back to Arial).
	if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
		URLPatterns: []*network.BlockPattern{{URLPattern: "https://assets.nhs.uk/*", Block: true}},
	}); err != nil {
		t.Fatalf("start the browser: %v", err)
	}
	go collect(b, chromedp.Events(ctx, cdplog.EntryAdded), func(ev cdplog.EventEntryAdded) string {
		// A page's own 4xx status is logged too; checkPage checks those.
		if ev.Entry == nil || ev.Entry.Level != cdplog.EntryLevelError || strings.Contains(ev.Entry.Text, "assets.nhs.uk") ||
			(ev.Entry.Source == cdplog.EntrySourceNetwork && strings.Contains(ev.Entry.Text, "the server responded with a status of 4")) {
			return ""
		}
		return "console: " + ev.Entry.Text
	})
	go collect(b, chromedp.Events(ctx, runtime.ExceptionThrown), func(ev runtime.EventExceptionThrown) string {
		if ev.ExceptionDetails == nil {
			return ""
		}
		msg := ev.ExceptionDetails.Text
		if ex := ev.ExceptionDetails.Exception; ex != nil && ex.Description != "" {
			msg += " " + ex.Description
		}
		return "script error: " + msg
	})
	return b
}

// collect records the problems events report until the browser closes.
func collect[E any](b *browserTest, events iter.Seq2[E, error], describe func(E) string) {
	for ev, err := range events {
		if err != nil {
			return
		}
		if msg := describe(ev); msg != "" {
			b.mu.Lock()
			b.problems = append(b.problems, msg)
			b.mu.Unlock()
		}
	}
}

// withoutScripts turns the page's JavaScript off or back on, and with it
// a phone-sized screen, to check the pages work without either.
func (b *browserTest) withoutScripts(off bool) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off}); err != nil {
		b.t.Fatalf("turn scripts off: %v", err)
	}
	metrics := emulation.SetDeviceMetricsOverrideParams{}
	if off {
		metrics = emulation.SetDeviceMetricsOverrideParams{Width: 375, Height: 812, DeviceScaleFactor: 1, Mobile: true}
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, metrics); err != nil {
		b.t.Fatalf("emulate a phone: %v", err)
	}
	b.noScripts = off
}

// do runs browser actions, failing the test on an error.
func (b *browserTest) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// click clicks the first element the selector finds: XPath when it starts
// with a slash, else CSS.
func (b *browserTest) click(sel string) {
	b.t.Helper()
	b.do(clickOn(sel))
}

func clickOn(sel string) chromedp.Action[chromedp.Void] {
	if strings.HasPrefix(sel, "/") {
		return chromedp.Click(sel)
	}
	return chromedp.Click(chromedp.CSS(sel))
}

// setValue replaces the text of an input.
func (b *browserTest) setValue(sel, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

// visit loads a path and checks the page.
func (b *browserTest) visit(path, shot string) {
	b.t.Helper()
	b.visitStatus(path, 200, shot)
}

// visitStatus loads a path, checks its status and checks the page.
func (b *browserTest) visitStatus(path string, status int64, shot string) {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("visit %s: %v", path, err)
	}
	b.checkPage(resp, status, shot)
}

// follow clicks a link and checks the page it leads to.
func (b *browserTest) follow(sel, shot string) {
	b.t.Helper()
	b.submit(sel, 200, shot)
}

// submit clicks a button or link that loads a page, and checks that page
// and its status.
func (b *browserTest) submit(sel string, status int64, shot string) {
	b.t.Helper()
	b.openHeaderMenuFor(sel)
	resp, err := chromedp.RunResponse(b.ctx, clickOn(sel))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	b.checkPage(resp, status, shot)
}

// openHeaderMenuFor opens the header's "More" menu when the header link sel
// names is one the header's script moved there for want of room.
func (b *browserTest) openHeaderMenuFor(sel string) {
	b.t.Helper()
	if strings.HasPrefix(sel, "/") || !strings.Contains(sel, "nhsuk-header__navigation-link") {
		return
	}
	hidden, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
		`(() => { const a = document.querySelector(`+strconv.Quote(sel)+`); return !!a && a.getClientRects().length === 0 })()`))
	if err != nil {
		b.t.Fatalf("find %s: %v", sel, err)
	}
	if hidden {
		b.do(clickOn("#toggle-menu"))
	}
}

// checkPage checks the status of the page just loaded, that its scripts
// ran without errors or CSP violations, and that axe-core finds no serious
// or critical violations of WCAG 2.2 AA.
func (b *browserTest) checkPage(resp *network.Response, status int64, shot string) {
	b.t.Helper()
	url := strings.TrimPrefix(resp.URL, b.base)
	if resp.Status != status {
		b.t.Fatalf("%s answered %d, want %d", url, resp.Status, status)
	}
	// With JavaScript off axe-core cannot run either; the same pages are
	// checked with it on.
	if b.noScripts {
		if got := b.eval(`document.body.className`); got != `""` {
			b.t.Errorf("%s: scripts ran with JavaScript off: body class %s", url, got)
		}
	} else {
		b.waitForScripts(url)
		b.runAxe(url)
	}
	b.mu.Lock()
	problems := b.problems
	b.problems = nil
	b.mu.Unlock()
	for _, p := range problems {
		b.t.Errorf("%s: %s", url, p)
	}
	if shot != "" && b.shots != "" {
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join(b.shots, shot+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}

// waitForScripts waits until the body script and our module have run, and
// checks the NHS.UK styles are applied (the header is NHS blue).
func (b *browserTest) waitForScripts(url string) {
	b.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := b.eval(`[document.body.classList.contains("js-enabled"),
			document.body.classList.contains("nhsuk-frontend-supported"),
			document.querySelector("[data-module=nhsuk-header]").hasAttribute("data-nhsuk-header-init"),
			getComputedStyle(document.querySelector(".nhsuk-header")).backgroundColor].join()`)
		if got == `"true,true,true,rgb(0, 94, 184)"` {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: the NHS.UK frontend did not start (js-enabled, supported, header initialised, header colour: %s)", url, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// axeViolation is what the test reports of an axe-core violation.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func (b *browserTest) runAxe(url string) {
	b.t.Helper()
	if got := b.eval(`typeof window.axe`); got != `"object"` {
		if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
			b.t.Fatalf("load axe-core: %v", err)
		}
	}
	tags, _ := json.Marshal(wcagTags)
	script := fmt.Sprintf(`axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
			nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "").split("\n").join(" "))})))`, tags)
	violations, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](script, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: run axe-core: %v", url, err)
	}
	b.pages++
	for _, v := range violations {
		msg := fmt.Sprintf("%s: axe %s (%s): %s\n  %s", url, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
		if v.Impact == "serious" || v.Impact == "critical" {
			b.serious++
			b.t.Error(msg)
		} else {
			b.t.Log(msg)
		}
	}
}

// eval runs a JavaScript expression and returns its JSON value.
func (b *browserTest) eval(expr string) string {
	b.t.Helper()
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]byte](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return string(raw)
}

// text returns the text of the first element the CSS selector finds.
func (b *browserTest) text(sel string) string {
	b.t.Helper()
	text, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(text), " ")
}

// wantText fails unless the element the selector finds contains want.
func (b *browserTest) wantText(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.t.Errorf("%s says %q, want it to contain %q", sel, got, want)
	}
}

// wantAttr fails unless the first element the selector finds has the
// attribute with the value.
func (b *browserTest) wantAttr(sel, name, want string) {
	b.t.Helper()
	got := b.eval(fmt.Sprintf(`document.querySelector(%q).getAttribute(%q)`, sel, name))
	if got != fmt.Sprintf("%q", want) {
		b.t.Errorf("%s has %s=%s, want %q", sel, name, got, want)
	}
}

// wantChecked fails unless the checkbox is checked or not as wanted.
func (b *browserTest) wantChecked(sel string, want bool) {
	b.t.Helper()
	if got := b.eval(fmt.Sprintf(`document.querySelector(%q).checked`, sel)); got != fmt.Sprint(want) {
		b.t.Errorf("%s checked is %s, want %v", sel, got, want)
	}
}

// wantRow fails unless the summary list has a row with the key and value.
func (b *browserTest) wantRow(list, key, want string) {
	b.t.Helper()
	got := b.eval(fmt.Sprintf(`[...document.querySelectorAll(%q)].find(r => r.querySelector("dt").textContent.trim() === %q)?.querySelector("dd").textContent.trim() ?? null`,
		list+" .nhsuk-summary-list__row", key))
	var text *string
	if err := json.Unmarshal([]byte(got), &text); err != nil || text == nil || *text != want {
		b.t.Errorf("%s row %q is %s, want %q", list, key, got, want)
	}
}

// signIn signs in with a demo account from the sign-in page.
func (b *browserTest) signIn(email string) {
	b.t.Helper()
	b.visit("/sign-in", "sign-in")
	b.setValue("#email", email)
	b.setValue("#password", seeds.DemoPassword)
	b.submit(`form[action="/sign-in"] button[type="submit"]`, 200, "")
	b.wantText(".nhsuk-header__account", "Sign out")
}

// signOut signs out with the header's button.
func (b *browserTest) signOut() {
	b.t.Helper()
	b.submit(".nhsuk-header__account-button", 200, "")
	b.wantText(".nhsuk-notification-banner--success", "You have signed out")
	b.wantText(".nhsuk-header__account", "Sign in")
}
