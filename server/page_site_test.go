package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSitePages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		edit := "/manage/sites/" + itoa(e.siteA.ID) + "/edit"
		e.step(t, "a bad postcode re-renders the form with the error summary and changes nothing", func(t *testing.T) {
			form := siteFormValues(e.siteA)
			form.Set("postcode", "NOT A CODE")
			form.Set("name", "Renamed")
			form.Set("latitude", "north")
			form.Set("longitude", "-2.17")
			e.postForm(edit, asManager, form).wantStatus(http.StatusUnprocessableEntity).wantBody(
				`<title>Error: Edit site details – Common Room</title>`,
				`class="nhsuk-error-summary"`, `<a href="#latitude">`, `<a href="#postcode">Enter a full UK postcode, like SK2 5JA</a>`,
				`id="postcode-error"`, `aria-describedby="postcode-error"`, `value="Renamed"`,
			)
			site, err := e.store.SiteByID(context.Background(), e.siteA.ID)
			must(t, err)
			if site.Name != e.siteA.Name || site.OpeningHours != "" {
				t.Fatalf("the site changed: %+v", site)
			}
		})
		e.step(t, "the error summary follows the order of the form", func(t *testing.T) {
			form := siteFormValues(e.siteA)
			form.Set("postcode", "")
			form.Set("name", "")
			body := e.postForm(edit, asManager, form).wantStatus(http.StatusUnprocessableEntity).Body.String()
			if strings.Index(body, `href="#name"`) > strings.Index(body, `href="#postcode"`) {
				t.Fatalf("name is listed after postcode:\n%s", body)
			}
		})
		e.step(t, "saving redirects to the site with a success message", func(t *testing.T) {
			form := siteFormValues(e.siteA)
			form.Set("opening_hours", "Weekdays 8am to 8pm")
			r := e.postForm(edit, asManager, form).wantRedirect("/sites/" + itoa(e.siteA.ID))
			if r.flash() != "Site details saved." {
				t.Fatalf("flash %q", r.flash())
			}
			e.do(request{method: http.MethodGet, path: "/sites/" + itoa(e.siteA.ID), header: http.Header{
				"Cookie": {flashCookie + "=" + url.QueryEscape(r.flash())},
			}}).wantStatus(http.StatusOK).wantBody("nhsuk-notification-banner--success", "Site details saved.", "Weekdays 8am to 8pm")
		})
		e.step(t, "an unchecked box sets a fact to false", func(t *testing.T) {
			form := siteFormValues(e.siteA)
			form.Set("hearing_loop", "yes")
			e.postForm(edit, asManager, form).wantStatus(http.StatusSeeOther)
			form.Del("hearing_loop")
			e.postForm(edit, asManager, form).wantStatus(http.StatusSeeOther)
			site, err := e.store.SiteByID(context.Background(), e.siteA.ID)
			must(t, err)
			if site.HearingLoop || !site.StepFree {
				t.Fatalf("hearing loop %v, step-free %v", site.HearingLoop, site.StepFree)
			}
		})
		e.step(t, "empty coordinates clear the location", func(t *testing.T) {
			form := siteFormValues(e.siteA)
			form.Set("latitude", "53.4021")
			form.Set("longitude", "-2.1705")
			e.postForm(edit, asManager, form).wantStatus(http.StatusSeeOther)
			e.getPage("/sites/"+itoa(e.siteA.ID), anonymous).wantBody("53.4021, -2.1705")
			form.Del("latitude")
			form.Del("longitude")
			e.postForm(edit, asManager, form).wantStatus(http.StatusSeeOther)
			e.getPage("/sites/"+itoa(e.siteA.ID), anonymous).wantNoBody("Map coordinates")
		})
		e.step(t, "an admin who saves without the managers section keeps the managers", func(t *testing.T) {
			e.postForm(edit, asAdmin, siteFormValues(e.siteA)).wantStatus(http.StatusSeeOther)
			e.getPage(edit, asManager).wantStatus(http.StatusOK)
		})
		e.step(t, "an admin assigns managers with checkboxes", func(t *testing.T) {
			e.getPage(edit, asAdmin).wantBody(`name="managers_shown"`, `name="manager_ids" type="checkbox" value="`+itoa(e.users[asManager].ID)+`" checked`)
			form := siteFormValues(e.siteA)
			form.Set("managers_shown", "1")
			form["manager_ids"] = []string{itoa(e.users[asManager].ID), itoa(e.users[asOtherMgr].ID)}
			e.postForm(edit, asAdmin, form).wantStatus(http.StatusSeeOther)
			e.getPage(edit, asOtherMgr).wantStatus(http.StatusOK)
			form["manager_ids"] = []string{itoa(e.users[asManager].ID)}
			e.postForm(edit, asAdmin, form).wantStatus(http.StatusSeeOther)
			e.getPage(edit, asOtherMgr).wantStatus(http.StatusForbidden)
		})
		e.step(t, "a manager sees no managers section and cannot post one", func(t *testing.T) {
			e.getPage(edit, asManager).wantNoBody(`managers_shown`)
			form := siteFormValues(e.siteA)
			form.Set("managers_shown", "1")
			e.postForm(edit, asManager, form).wantStatus(http.StatusSeeOther)
			e.getPage(edit, asManager).wantStatus(http.StatusOK)
		})
		e.step(t, "an admin adds a site", func(t *testing.T) {
			form := siteFormValues(e.siteA)
			form.Set("name", "Reddish Vale Community Hospital")
			form.Set("postcode", "sk5 7hn")
			r := e.postForm("/manage/sites/new", asAdmin, form).wantStatus(http.StatusSeeOther)
			if !strings.HasPrefix(r.Header().Get("Location"), "/sites/") || r.flash() != "Reddish Vale Community Hospital has been added." {
				t.Fatalf("location %q, flash %q", r.Header().Get("Location"), r.flash())
			}
			e.getPage(r.Header().Get("Location"), anonymous).wantBody("SK5 7HN")
		})
		e.step(t, "anonymous visitors are sent to sign in and come back", func(t *testing.T) {
			e.getPage(edit, anonymous).wantRedirect("/sign-in?next=" + url.QueryEscape(edit))
			e.postForm(edit, anonymous, siteFormValues(e.siteA)).wantStatus(http.StatusUnauthorized).wantBody("You need to sign in")
		})
		e.step(t, "another site's manager gets a 403 page", func(t *testing.T) {
			e.getPage(edit, asOtherMgr).wantStatus(http.StatusForbidden).
				wantBody(`class="nhsuk-header`, "You cannot do this with your account", "Only this site&#39;s estates managers can change it.")
			e.getPage("/manage/sites/new", asManager).wantStatus(http.StatusForbidden)
		})
		e.step(t, "the site page shows hidden spaces to its managers only", func(t *testing.T) {
			e.getPage("/sites/"+itoa(e.siteA.ID), anonymous).wantStatus(http.StatusOK).
				wantBody(e.spaceA.Name, "Free").wantNoBody(e.hiddenA.Name, "Edit site details")
			e.getPage("/sites/"+itoa(e.siteA.ID), asManager).wantBody(e.hiddenA.Name, "Hidden", "Edit site details", "Add a space")
			e.getPage("/sites/"+itoa(e.siteA.ID), asOtherMgr).wantNoBody(e.hiddenA.Name, "Edit site details")
		})
		e.step(t, "the sites list searches and counts visible spaces", func(t *testing.T) {
			e.getPage("/sites?q=station", anonymous).wantStatus(http.StatusOK).
				wantBody("1 site matches ‘station’", e.siteB.Name).wantNoBody(e.siteA.Name)
			e.getPage("/sites?page=x", anonymous).wantStatus(http.StatusOK).wantBody(e.siteA.Name)
		})
	})
}
