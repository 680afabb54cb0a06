package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// Rules the rent policy page tests start from.
var (
	wellbeingRule = booking.RentRule{Name: "VCS wellbeing", OrganisationTypes: []string{"registered_charity", "community_group"},
		VerifiedOnly: true, Purposes: []string{"health_wellbeing", "social_prescribing"}, MonthlyCapHours: 40, DiscountPercent: 100}
	communityRule = booking.RentRule{Name: "Community half price", OrganisationTypes: []string{"community_group"}, DiscountPercent: 50}
	eveningRule   = booking.RentRule{Name: "Evenings", Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		From: 18 * 60, To: 22 * 60, DiscountPercent: 25}
)

// saveRentRules gives a site (0: the estate) a policy with rules of its
// own, as an admin would.
func (e *env) saveRentRules(siteID int64, rules ...booking.RentRule) *models.PolicyVersion {
	e.t.Helper()
	if rules == nil {
		rules = []booking.RentRule{}
	}
	v, err := e.store.SaveRentPolicy(context.Background(), siteID, models.PolicySettings{OwnRules: true, Rules: rules,
		CancellationNoticeHours: models.DefaultCancellationNoticeHours}, e.users[asAdmin].ID, testClock)
	must(e.t, err)
	return v
}

// rentPolicy is the policy saved now for a site, or the estate's for 0.
func (e *env) rentPolicy(siteID int64) *models.PolicyVersion {
	e.t.Helper()
	v, err := e.store.RentPolicy(context.Background(), siteID)
	must(e.t, err)
	return v
}

// rentVersion is the version a form made now carries.
func (e *env) rentVersion(siteID int64) string { return strconv.Itoa(e.rentPolicy(siteID).Version) }

// ruleNames are the names of a policy's rules in order.
func ruleNames(v *models.PolicyVersion) string {
	names := make([]string, len(v.Rules))
	for i, r := range v.Rules {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

// ruleFormValues is the rule form filled in for a rule of community
// groups on weekday evenings.
func ruleFormValues(version, name string, discount int) url.Values {
	return url.Values{
		"version": {version}, "name": {name}, "organisation_types": {"community_group", "registered_charity"},
		"verified_only": {"yes"}, "purposes": {"community"}, "space_kinds": {"counselling_room"},
		"weekdays": {"monday", "wednesday"}, "time_from": {"18:00"}, "time_to": {"22:00"},
		"monthly_cap_hours": {"10"}, "discount_percent": {strconv.Itoa(discount)},
	}
}

// tryQuery asks the try-it panel for a sample booking of spaceA.
func (e *env) tryQuery(orgType, purpose string, d booking.Date, start, end string) url.Values {
	return url.Values{
		"try": {"yes"}, "try-space": {itoa(e.spaceA.ID)}, "try-organisation_type": {orgType}, "try-verified": {"yes"},
		"try-purpose": {purpose}, "try-date-day": {strconv.Itoa(d.Day)}, "try-date-month": {strconv.Itoa(int(d.Month))},
		"try-date-year": {strconv.Itoa(d.Year)}, "try-start": {start}, "try-end": {end},
	}
}

// rateOf sets a space's standard rate.
func (e *env) rateOf(sp *models.Space, pence int64) {
	e.t.Helper()
	must(e.t, e.store.DB.Model(&models.Space{}).Where("id = ?", sp.ID).Update("rate_pence", pence).Error)
}

// wantErrorLink fails unless the error summary links to the input.
func (r *response) wantErrorLink(id, message string) *response {
	r.t.Helper()
	return r.wantBody("nhsuk-error-summary", `<a href="#`+id+`">`+message)
}

func TestSiteRentPolicyPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		site := e.siteA.ID
		base := "/manage/sites/" + itoa(site) + "/rent-policy"
		e.saveRentRules(0, wellbeingRule, communityRule)

		e.step(t, "the site page links its managers to the policy", func(t *testing.T) {
			e.getPage("/sites/"+itoa(site), asManager).wantStatus(http.StatusOK).wantBody(`href="` + base + `"`)
			e.getPage("/sites/"+itoa(e.siteB.ID), asManager).wantStatus(http.StatusOK).wantNoBody("/rent-policy")
		})

		e.step(t, "a site without rules of its own shows the estate-wide rules, read only", func(t *testing.T) {
			e.getPage(base, asManager).wantStatus(http.StatusOK).
				wantBody("The estate-wide rules it uses", "VCS wellbeing", "Community half price",
					"Organisation: registered charity or community group, verified only; purpose: health and wellbeing or social prescribing",
					"Give this site rules of its own", "Never changed: the defaults apply", "48 hours", "Try a booking").
				wantNoBody("Add a rule", "/rules/1")
		})

		e.step(t, "rule pages are refused until the site has rules of its own", func(t *testing.T) {
			e.getPage(base+"/rules/new", asManager).wantStatus(http.StatusConflict).wantBody("give it rules of its own")
			e.postForm(base+"/rules/1/delete", asManager, url.Values{"version": {"0"}}).wantStatus(http.StatusConflict)
			if v := e.rentPolicy(site); v.Version != 0 {
				t.Fatalf("policy saved as version %d", v.Version)
			}
		})

		e.step(t, "rules of its own start as a copy of the estate-wide rules", func(t *testing.T) {
			r := e.postForm(base+"/source", asManager, url.Values{"version": {"0"}, "rules": {"own"}}).wantRedirect(base)
			if got := r.flash(); !strings.Contains(got, "now has rules of its own") {
				t.Errorf("flash %q", got)
			}
			v := e.rentPolicy(site)
			if !v.OwnRules || ruleNames(v) != "VCS wellbeing, Community half price" || v.Version != 1 {
				t.Fatalf("policy v%d own %v rules %q", v.Version, v.OwnRules, ruleNames(v))
			}
			e.getPage(base, asManager).wantStatus(http.StatusOK).
				wantBody("Its own rules", "Version 1, saved 21 November 2026 at 10:00am by estates manager", "Add a rule",
					base+"/rules/2", "Delete its own rules and use the estate-wide rules")
		})

		e.step(t, "a manager adds a rule at the end", func(t *testing.T) {
			e.getPage(base+"/rules/new", asManager).wantStatus(http.StatusOK).wantBody("Add a rule", `name="version" value="1"`)
			r := e.postForm(base+"/rules/new", asManager, ruleFormValues("1", "Evening groups", 30)).wantRedirect(base + "#rules")
			if got := r.flash(); got != "Rule ‘Evening groups’ added as rule 3." {
				t.Errorf("flash %q", got)
			}
			v := e.rentPolicy(site)
			if ruleNames(v) != "VCS wellbeing, Community half price, Evening groups" {
				t.Fatalf("rules %q", ruleNames(v))
			}
			got := v.Rules[2]
			if !got.VerifiedOnly || got.From != 18*60 || got.To != 22*60 || got.MonthlyCapHours != 10 || got.DiscountPercent != 30 ||
				fmt.Sprint(got.Weekdays) != "[Monday Wednesday]" || fmt.Sprint(got.SpaceKinds) != "[counselling_room]" {
				t.Errorf("saved %+v", got)
			}
			e.getPage(base, asManager).wantStatus(http.StatusOK).
				wantBody("Evening groups", "30% off", "when: Monday and Wednesday, 18:00 to 22:00")
		})

		e.step(t, "a rule with problems is shown again with them and nothing is saved", func(t *testing.T) {
			form := ruleFormValues("2", "", 150)
			form.Set("time_from", "25:00")
			form.Set("monthly_cap_hours", "lots")
			form["purposes"] = []string{"community", "bingo"}
			e.postForm(base+"/rules/new", asManager, form).wantStatus(http.StatusUnprocessableEntity).
				wantErrorLink("name", "Enter a name for the rule").
				wantErrorLink("purposes", "Select only purposes from the list").
				wantErrorLink("time_from", "Start of the time of day must be a time of day").
				wantErrorLink("monthly_cap_hours", "Monthly cap must be a whole number").
				wantErrorLink("discount_percent", "The discount must be from 0 to 100").
				wantBody(`value="lots"`, `value="25:00"`)
			form = ruleFormValues("2", "community HALF price", 10)
			form.Set("time_to", "17:00")
			e.postForm(base+"/rules/new", asManager, form).wantStatus(http.StatusUnprocessableEntity).
				wantErrorLink("name", "Rule 2 already has this name: give this rule a name of its own").
				wantErrorLink("time_to", "The end of the time of day must be after")
			if v := e.rentPolicy(site); v.Version != 2 {
				t.Fatalf("policy saved as version %d", v.Version)
			}
		})

		e.step(t, "a manager makes a rule free", func(t *testing.T) {
			e.getPage(base+"/rules/2", asManager).wantStatus(http.StatusOK).
				wantBody("Change rule 2", `value="Community half price"`, `value="community_group" checked`, `value="50"`)
			form := url.Values{"version": {"2"}, "name": {"Community groups free"}, "organisation_types": {"community_group"}, "discount_percent": {"100%"}}
			r := e.postForm(base+"/rules/2", asManager, form).wantRedirect(base + "#rules")
			if got := r.flash(); got != "Rule ‘Community groups free’ saved." {
				t.Errorf("flash %q", got)
			}
			v := e.rentPolicy(site)
			if ruleNames(v) != "VCS wellbeing, Community groups free, Evening groups" || v.Rules[1].DiscountPercent != 100 {
				t.Fatalf("rules %q, %+v", ruleNames(v), v.Rules[1])
			}
			e.getPage(base, asManager).wantStatus(http.StatusOK).wantBody("Community groups free", "Free", "Organisation: community group")
		})

		e.step(t, "a form made from an older version changes nothing", func(t *testing.T) {
			e.postForm(base+"/rules/1", asManager, ruleFormValues("2", "Stale", 0)).wantStatus(http.StatusConflict).
				wantBody("Someone else changed this rent policy", `value="Stale"`, `name="version" value="3"`)
			e.postForm(base+"/rules/1/move", asManager, url.Values{"version": {"1"}, "direction": {"down"}}).wantStatus(http.StatusConflict)
			if v := e.rentPolicy(site); v.Version != 3 {
				t.Fatalf("policy saved as version %d", v.Version)
			}
		})

		e.step(t, "rules move up and down", func(t *testing.T) {
			e.postForm(base+"/rules/1/move", asManager, url.Values{"version": {"3"}, "direction": {"down"}}).wantRedirect(base + "#rules")
			if v := e.rentPolicy(site); ruleNames(v) != "Community groups free, VCS wellbeing, Evening groups" {
				t.Fatalf("rules %q", ruleNames(v))
			}
			r := e.postForm(base+"/rules/3/move", asManager, url.Values{"version": {"4"}, "direction": {"up"}}).wantRedirect(base + "#rules")
			if got := r.flash(); got != "Rule ‘Evening groups’ is now rule 2." {
				t.Errorf("flash %q", got)
			}
			if v := e.rentPolicy(site); ruleNames(v) != "Community groups free, Evening groups, VCS wellbeing" {
				t.Fatalf("rules %q", ruleNames(v))
			}
			e.postForm(base+"/rules/1/move", asManager, url.Values{"version": {"5"}, "direction": {"up"}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody("Rule 1 cannot move up: it is already first")
			e.postForm(base+"/rules/9/move", asManager, url.Values{"version": {"5"}, "direction": {"up"}}).wantStatus(http.StatusNotFound)
		})

		e.step(t, "a rule is deleted after a question", func(t *testing.T) {
			e.getPage(base+"/rules/2/delete", asManager).wantStatus(http.StatusOK).
				wantBody("Delete rule 2, ‘Evening groups’?", "Monday and Wednesday", "No, keep it")
			if v := e.rentPolicy(site); v.Version != 5 {
				t.Fatalf("asking deleted something: version %d", v.Version)
			}
			r := e.postForm(base+"/rules/2/delete", asManager, url.Values{"version": {"5"}}).wantRedirect(base + "#rules")
			if got := r.flash(); got != "Rule ‘Evening groups’ deleted." {
				t.Errorf("flash %q", got)
			}
			if v := e.rentPolicy(site); ruleNames(v) != "Community groups free, VCS wellbeing" {
				t.Fatalf("rules %q", ruleNames(v))
			}
		})

		e.step(t, "warnings say when a rule hides another", func(t *testing.T) {
			form := url.Values{"version": {"6"}, "name": {"Everyone"}, "discount_percent": {"10"}}
			e.postForm(base+"/rules/new", asManager, form).wantRedirect(base + "#rules")
			e.postForm(base+"/rules/3/move", asManager, url.Values{"version": {"7"}, "direction": {"up"}}).wantRedirect(base + "#rules")
			e.getPage(base, asManager).wantStatus(http.StatusOK).
				wantBody("nhsuk-card--warning", "Check the order of the rules", "Rule 3 ‘VCS wellbeing’ can never apply")
		})

		e.step(t, "VAT and cancellation terms are saved", func(t *testing.T) {
			e.postForm(base+"/terms", asManager, url.Values{"version": {"8"}, "vat_percent": {"15"}, "cancellation_notice_hours": {"two days"}}).
				wantStatus(http.StatusUnprocessableEntity).
				wantErrorLink("vat_percent", "Select the VAT rate").
				wantErrorLink("cancellation_notice_hours", "Cancellation notice must be a whole number").
				wantBody(`value="two days"`)
			e.postForm(base+"/terms", asManager, url.Values{"version": {"8"}, "vat_percent": {"20"}, "cancellation_notice_hours": {"99999"}}).
				wantStatus(http.StatusUnprocessableEntity).
				wantErrorLink("cancellation_notice_hours", "The cancellation notice must be between 0 and 8760")
			if v := e.rentPolicy(site); v.Version != 8 {
				t.Fatalf("policy saved as version %d", v.Version)
			}
			r := e.postForm(base+"/terms", asManager, url.Values{"version": {"8"}, "vat_percent": {"20"}, "cancellation_notice_hours": {"24"}}).
				wantRedirect(base)
			if got := r.flash(); got != "VAT and cancellation terms saved." {
				t.Errorf("flash %q", got)
			}
			v := e.rentPolicy(site)
			if v.VATPercent != 20 || v.CancellationNoticeHours != 24 || ruleNames(v) != "Community groups free, Everyone, VCS wellbeing" {
				t.Fatalf("policy %+v", v.PolicySettings)
			}
			e.getPage(base, asManager).wantStatus(http.StatusOK).wantBody("20%", "at least 24 hours before")
		})

		e.step(t, "the try-it panel prices a sample booking under the saved rules", func(t *testing.T) {
			e.rateOf(e.spaceA, 1500)
			d := booking.Date{Year: 2026, Month: time.December, Day: 2}
			q := e.tryQuery("community_group", "community", d, "10:00", "12:00")
			e.getPage(base+"?"+q.Encode(), asManager).wantStatus(http.StatusOK).
				wantBody("Price: Free", "Free — community group (rule ‘Community groups free’ at Hunter Street Health Centre).",
					"£30.00", "Priced before any hours this month", "Wednesday 2 December 2026, 10am to midday")
			q.Set("try-organisation_type", "commercial")
			e.getPage(base+"?"+q.Encode(), asManager).wantStatus(http.StatusOK).
				wantBody("Price: £32.40", "10% off the standard rate — every booking (rule ‘Everyone’", "Plus VAT at 20%", "£5.40")
		})

		e.step(t, "the try-it panel on the rule form prices under the rule as typed", func(t *testing.T) {
			d := booking.Date{Year: 2026, Month: time.December, Day: 2}
			q := e.tryQuery("commercial", "community", d, "17:00", "19:00")
			for k, vs := range (url.Values{"version": {"9"}, "name": {"Everyone"}, "weekdays": {"wednesday"}, "time_from": {"18:00"},
				"time_to": {"20:00"}, "discount_percent": {"50"}}) {
				q[k] = vs
			}
			e.getPage(base+"/rules/2?"+q.Encode(), asManager).wantStatus(http.StatusOK).
				wantBody(`value="20:00"`, "1 hour at the standard rate — no rule of the rent policy at Hunter Street Health Centre applies; 1 hour at 50% off",
					"Priced in parts", "Price: £27.00")
			if v := e.rentPolicy(site); v.Version != 9 || v.Rules[1].DiscountPercent != 10 {
				t.Fatalf("trying saved something: version %d", v.Version)
			}
			q.Set("discount_percent", "120")
			e.getPage(base+"/rules/2?"+q.Encode(), asManager).wantStatus(http.StatusUnprocessableEntity).
				wantErrorLink("discount_percent", "The discount must be from 0 to 100").
				wantBody("Correct the rule to see the price under it.")
		})

		e.step(t, "a sample booking with problems shows them", func(t *testing.T) {
			q := url.Values{"try": {"yes"}, "try-space": {itoa(e.spaceB.ID)}, "try-organisation_type": {"pirates"},
				"try-date-day": {"31"}, "try-date-month": {"2"}, "try-date-year": {"2027"}, "try-start": {"11:00"}, "try-end": {"10:00"}}
			e.getPage(base+"?"+q.Encode(), asManager).wantStatus(http.StatusUnprocessableEntity).
				wantErrorLink("try-space", "Select a space").
				wantErrorLink("try-organisation_type", "Select the kind of organisation").
				wantErrorLink("try-purpose", "Select what the booking is for").
				wantErrorLink("try-date-day", "Date must be a real date").
				wantErrorLink("try-end", "The end time must be after the start time")
		})

		e.step(t, "the site goes back to the estate-wide rules", func(t *testing.T) {
			e.postForm(base+"/source", asManager, url.Values{"version": {"9"}, "rules": {"sideways"}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody("Choose whether the site uses")
			r := e.postForm(base+"/source", asManager, url.Values{"version": {"9"}, "rules": {"estate"}}).wantRedirect(base)
			if got := r.flash(); got != "Hunter Street Health Centre now uses the estate-wide rules." {
				t.Errorf("flash %q", got)
			}
			v := e.rentPolicy(site)
			if v.OwnRules || len(v.Rules) != 0 || v.VATPercent != 20 || v.CancellationNoticeHours != 24 {
				t.Fatalf("policy %+v", v.PolicySettings)
			}
		})

		e.step(t, "another site's manager and other accounts are refused", func(t *testing.T) {
			e.getPage(base, asOtherMgr).wantStatus(http.StatusForbidden)
			e.postForm(base+"/source", asOtherMgr, url.Values{"version": {"10"}, "rules": {"own"}}).wantStatus(http.StatusForbidden)
			e.getPage(base, asBooker).wantStatus(http.StatusForbidden)
			e.getPage("/manage/sites/999999/rent-policy", asAdmin).wantStatus(http.StatusNotFound)
			if v := e.rentPolicy(site); v.Version != 10 {
				t.Fatalf("policy saved as version %d", v.Version)
			}
		})
	})
}

func TestEstateRentPolicyPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		const base = "/manage/rent-policy"
		e.saveRentRules(0, wellbeingRule)
		e.saveRentRules(e.siteB.ID, communityRule)
		e.rateOf(e.spaceB, 2000)

		e.step(t, "admins find the estate-wide policy from the sites page", func(t *testing.T) {
			e.getPage("/sites", asAdmin).wantStatus(http.StatusOK).wantBody(`href="/manage/rent-policy"`)
			e.getPage("/sites", asManager).wantStatus(http.StatusOK).wantNoBody(`href="/manage/rent-policy"`)
		})

		e.step(t, "an estates manager reads it without changing it", func(t *testing.T) {
			e.getPage(base, asManager).wantStatus(http.StatusOK).
				wantBody("Estate-wide rent policy", "VCS wellbeing", "Only platform admins change the estate-wide rules").
				wantNoBody("Add a rule", "/rules/1", "VAT and cancellation terms")
			e.getPage(base+"/rules/1", asManager).wantStatus(http.StatusForbidden)
			e.postForm(base+"/rules/new", asManager, ruleFormValues("1", "Mine", 100)).wantStatus(http.StatusForbidden)
		})

		e.step(t, "an admin adds, changes, moves and deletes estate-wide rules", func(t *testing.T) {
			e.getPage(base, asAdmin).wantStatus(http.StatusOK).wantBody("Add a rule", base+"/rules/1").wantNoBody("VAT and cancellation terms")
			e.postForm(base+"/rules/new", asAdmin, url.Values{"version": {"1"}, "name": {"Evenings"}, "weekdays": {"monday"},
				"time_from": {"6pm"}, "time_to": {"midnight"}, "discount_percent": {"25"}}).wantRedirect(base + "#rules")
			v := e.rentPolicy(0)
			if ruleNames(v) != "VCS wellbeing, Evenings" || v.Rules[1].From != 18*60 || v.Rules[1].To != 24*60 {
				t.Fatalf("rules %q %+v", ruleNames(v), v.Rules)
			}
			e.postForm(base+"/rules/2", asAdmin, url.Values{"version": {"2"}, "name": {"Evenings"}, "discount_percent": {"0"}}).
				wantRedirect(base + "#rules")
			e.postForm(base+"/rules/2/move", asAdmin, url.Values{"version": {"3"}, "direction": {"up"}}).wantRedirect(base + "#rules")
			e.postForm(base+"/rules/1/delete", asAdmin, url.Values{"version": {"4"}}).wantRedirect(base + "#rules")
			v = e.rentPolicy(0)
			if ruleNames(v) != "VCS wellbeing" || v.Version != 5 {
				t.Fatalf("v%d rules %q", v.Version, ruleNames(v))
			}
			if site := e.rentPolicy(e.siteB.ID); ruleNames(site) != "Community half price" {
				t.Errorf("a site's own rules changed: %q", ruleNames(site))
			}
		})

		e.step(t, "trying a space of a site with its own rules says so", func(t *testing.T) {
			d := booking.Date{Year: 2026, Month: time.December, Day: 2}
			q := e.tryQuery("community_group", "health_wellbeing", d, "10:00", "11:00")
			q.Set("try-space", itoa(e.spaceB.ID))
			e.getPage(base+"?"+q.Encode(), asAdmin).wantStatus(http.StatusOK).
				wantBody("Price: Free", "Station Road Surgery: Meeting room", "(rule ‘VCS wellbeing’ at Station Road Surgery)",
					"Station Road Surgery has rules of its own")
			q.Set("try-space", itoa(e.hiddenA.ID))
			e.getPage(base+"?"+q.Encode(), asOtherMgr).wantStatus(http.StatusUnprocessableEntity).wantErrorLink("try-space", "Select a space")
		})

		e.step(t, "without rules every booking pays the standard rate", func(t *testing.T) {
			e.postForm(base+"/rules/1/delete", asAdmin, url.Values{"version": {"5"}}).wantRedirect(base + "#rules")
			d := booking.Date{Year: 2026, Month: time.December, Day: 2}
			q := e.tryQuery("community_group", "health_wellbeing", d, "10:00", "11:00")
			q.Set("try-space", itoa(e.spaceB.ID))
			e.getPage(base+"?"+q.Encode(), asAdmin).wantStatus(http.StatusOK).
				wantBody("There are no rules", "Price: £20.00", "Standard rate — no rule of the rent policy at Station Road Surgery applies")
		})
	})
}

// siteRules gives siteA rules of its own when it has none, so a route row
// can change them, and returns the version a form carries.
func (e *env) siteRules() string {
	e.t.Helper()
	if v := e.rentPolicy(e.siteA.ID); !v.OwnRules || len(v.Rules) < 2 {
		e.saveRentRules(e.siteA.ID, wellbeingRule, communityRule)
	}
	return e.rentVersion(e.siteA.ID)
}

// estateRules gives the estate at least two rules, for the same.
func (e *env) estateRules() string {
	e.t.Helper()
	if v := e.rentPolicy(0); len(v.Rules) < 2 {
		e.saveRentRules(0, wellbeingRule, communityRule)
	}
	return e.rentVersion(0)
}

// pageAdminsOnly is def for platform admins, 403 for every other account
// and anon for anonymous visitors.
func pageAdminsOnly(def, anon int) map[string]int {
	return roleStatuses(pageForbidden, map[string]int{anonymous: anon, asAdmin: def})
}

// rentPageRouteCases are the rows of the route × role table for the rent
// policy pages. Each role's change is its own (a rule named after it).
var rentPageRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/manage/sites/:id/rent-policy",
		call: func(e *env, role string) *response {
			return e.getPage("/manage/sites/"+itoa(e.siteA.ID)+"/rent-policy", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/rent-policy/source",
		call: func(e *env, role string) *response {
			v := e.rentPolicy(e.siteA.ID)
			to := map[bool]string{true: rulesEstate, false: rulesOwn}[v.OwnRules]
			return e.postForm("/manage/sites/"+itoa(e.siteA.ID)+"/rent-policy/source", role,
				url.Values{"version": {strconv.Itoa(v.Version)}, "rules": {to}})
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/rent-policy/terms",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/sites/"+itoa(e.siteA.ID)+"/rent-policy/terms", role,
				url.Values{"version": {e.rentVersion(e.siteA.ID)}, "vat_percent": {"20"}, "cancellation_notice_hours": {"24"}})
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/:id/rent-policy/rules/new",
		call: func(e *env, role string) *response {
			e.siteRules()
			return e.getPage("/manage/sites/"+itoa(e.siteA.ID)+"/rent-policy/rules/new", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/rent-policy/rules/new",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/sites/"+itoa(e.siteA.ID)+"/rent-policy/rules/new", role,
				ruleFormValues(e.siteRules(), "Added by "+role, 100))
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/:id/rent-policy/rules/:n",
		call: func(e *env, role string) *response {
			e.siteRules()
			return e.getPage("/manage/sites/"+itoa(e.siteA.ID)+"/rent-policy/rules/1", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/rent-policy/rules/:n",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/sites/"+itoa(e.siteA.ID)+"/rent-policy/rules/1", role,
				ruleFormValues(e.siteRules(), "Changed by "+role, 100))
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/rent-policy/rules/:n/move",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/sites/"+itoa(e.siteA.ID)+"/rent-policy/rules/2/move", role,
				url.Values{"version": {e.siteRules()}, "direction": {moveUp}})
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/:id/rent-policy/rules/:n/delete",
		call: func(e *env, role string) *response {
			e.siteRules()
			return e.getPage("/manage/sites/"+itoa(e.siteA.ID)+"/rent-policy/rules/1/delete", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/rent-policy/rules/:n/delete",
		call: func(e *env, role string) *response {
			e.siteRules()
			rules := append(e.rentPolicy(e.siteA.ID).Rules, booking.RentRule{Name: "Doomed for " + role, DiscountPercent: 10})
			v := e.saveRentRules(e.siteA.ID, rules...)
			return e.postForm(fmt.Sprintf("/manage/sites/%d/rent-policy/rules/%d/delete", e.siteA.ID, len(rules)), role,
				url.Values{"version": {strconv.Itoa(v.Version)}})
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/rent-policy",
		call: func(e *env, role string) *response { return e.getPage("/manage/rent-policy", role) },
		want: pageStaffOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodGet, pattern: "/manage/rent-policy/rules/new",
		call: func(e *env, role string) *response {
			return e.getPage("/manage/rent-policy/rules/new", role)
		},
		want: pageAdminsOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/rent-policy/rules/new",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/rent-policy/rules/new", role, ruleFormValues(e.estateRules(), "Added by "+role, 100))
		},
		want: pageAdminsOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/rent-policy/rules/:n",
		call: func(e *env, role string) *response {
			e.estateRules()
			return e.getPage("/manage/rent-policy/rules/1", role)
		},
		want: pageAdminsOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/rent-policy/rules/:n",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/rent-policy/rules/1", role, ruleFormValues(e.estateRules(), "Changed by "+role, 100))
		},
		want: pageAdminsOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodPost, pattern: "/manage/rent-policy/rules/:n/move",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/rent-policy/rules/2/move", role, url.Values{"version": {e.estateRules()}, "direction": {moveUp}})
		},
		want: pageAdminsOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/rent-policy/rules/:n/delete",
		call: func(e *env, role string) *response {
			e.estateRules()
			return e.getPage("/manage/rent-policy/rules/1/delete", role)
		},
		want: pageAdminsOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/rent-policy/rules/:n/delete",
		call: func(e *env, role string) *response {
			e.estateRules()
			rules := append(e.rentPolicy(0).Rules, booking.RentRule{Name: "Doomed for " + role, DiscountPercent: 10})
			v := e.saveRentRules(0, rules...)
			return e.postForm(fmt.Sprintf("/manage/rent-policy/rules/%d/delete", len(rules)), role,
				url.Values{"version": {strconv.Itoa(v.Version)}})
		},
		want: pageAdminsOnly(pageSaved, http.StatusUnauthorized),
	},
}

// rentHostileValues add values that mean something to the rent policy
// forms to the values no page may answer with a 5xx.
var rentHostileValues = append([]string{"100%", "101", "-0", "744", "745", "own", "estate", moveUp, moveDown, "2", "18:00",
	"6pm", "registered_charity", "monday", "hall", "yes", strings.Repeat("x", 81)}, hostileValues...)

// rentForm is one rent policy form filled in validly, for a role, on a
// policy reset before each request.
type rentForm struct {
	name   string
	method string
	path   func(e *env) string
	as     string
	siteID int64 // whose policy the form changes; -1 for a GET
	reset  func(e *env)
	valid  func(e *env) url.Values
}

func rentForms(e *env) []rentForm {
	site := "/manage/sites/" + itoa(e.siteA.ID) + "/rent-policy"
	own := func(e *env) { e.saveRentRules(e.siteA.ID, wellbeingRule, communityRule, eveningRule) }
	estate := func(e *env) { e.saveRentRules(0, wellbeingRule, communityRule) }
	fixed := func(p string) func(*env) string { return func(*env) string { return p } }
	d := booking.Date{Year: 2026, Month: time.December, Day: 2}
	return []rentForm{
		{"add a rule", http.MethodPost, fixed(site + "/rules/new"), asManager, e.siteA.ID, own,
			func(e *env) url.Values { return ruleFormValues(e.rentVersion(e.siteA.ID), "Hostile", 50) }},
		{"change a rule", http.MethodPost, fixed(site + "/rules/3"), asManager, e.siteA.ID, own,
			func(e *env) url.Values { return ruleFormValues(e.rentVersion(e.siteA.ID), "Evenings", 50) }},
		{"move a rule", http.MethodPost, fixed(site + "/rules/2/move"), asManager, e.siteA.ID, own,
			func(e *env) url.Values {
				return url.Values{"version": {e.rentVersion(e.siteA.ID)}, "direction": {moveUp}}
			}},
		{"delete a rule", http.MethodPost, fixed(site + "/rules/2/delete"), asManager, e.siteA.ID, own,
			func(e *env) url.Values { return url.Values{"version": {e.rentVersion(e.siteA.ID)}} }},
		{"switch rules", http.MethodPost, fixed(site + "/source"), asManager, e.siteA.ID, own,
			func(e *env) url.Values {
				return url.Values{"version": {e.rentVersion(e.siteA.ID)}, "rules": {rulesEstate}}
			}},
		{"set terms", http.MethodPost, fixed(site + "/terms"), asManager, e.siteA.ID, own,
			func(e *env) url.Values {
				return url.Values{"version": {e.rentVersion(e.siteA.ID)}, "vat_percent": {"20"}, "cancellation_notice_hours": {"72"}}
			}},
		{"change an estate-wide rule", http.MethodPost, fixed("/manage/rent-policy/rules/1"), asAdmin, 0, estate,
			func(e *env) url.Values { return ruleFormValues(e.rentVersion(0), "Wellbeing", 100) }},
		{"try a booking", http.MethodGet, fixed(site), asManager, -1, own,
			func(e *env) url.Values { return e.tryQuery("community_group", "community", d, "10:00", "12:00") }},
		{"try a rule", http.MethodGet, fixed(site + "/rules/1"), asManager, -1, own,
			func(e *env) url.Values {
				q := e.tryQuery("registered_charity", "health_wellbeing", d, "18:00", "21:00")
				for k, vs := range ruleFormValues(e.rentVersion(e.siteA.ID), "VCS wellbeing", 100) {
					q[k] = vs
				}
				return q
			}},
	}
}

// send makes the form's request with the values.
func (f rentForm) send(e *env, values url.Values) *response {
	if f.method == http.MethodGet {
		return e.getPage(f.path(e)+"?"+values.Encode(), f.as)
	}
	return e.postForm(f.path(e), f.as, values)
}

func TestRentPolicyFormsRefuseBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.rateOf(e.spaceA, 1500)
		for _, f := range rentForms(e) {
			t.Run(f.name, func(t *testing.T) {
				e.withT(t, func() {
					f.reset(e)
					valid := f.valid(e)
					// Whether the policy may differ from the reset one: a
					// refused request leaves it as it was (which each case
					// checks), so the next case needs no reset.
					dirty := true
					t.Run("the valid form succeeds", func(t *testing.T) {
						e.withT(t, func() {
							want := http.StatusSeeOther
							if f.method == http.MethodGet {
								want = http.StatusOK
							}
							f.send(e, valid).wantStatus(want)
						})
					})
					for field := range valid {
						for i, v := range rentHostileValues {
							t.Run(fmt.Sprintf("%s/%d", field, i), func(t *testing.T) {
								e.withT(t, func() {
									if dirty {
										f.reset(e)
									}
									form := url.Values{}
									for k, vs := range f.valid(e) {
										form[k] = vs
									}
									form.Set(field, v)
									var before *models.PolicyVersion
									if f.siteID >= 0 {
										before = e.rentPolicy(f.siteID)
									}
									dirty = true
									r := f.send(e, form)
									switch {
									case r.Code >= 500:
										t.Fatalf("status %d; body %.500s", r.Code, r.Body.String())
									case r.Code == http.StatusSeeOther || r.Code == http.StatusOK:
										// The value is one the form takes.
									case r.Code == http.StatusUnprocessableEntity || r.Code == http.StatusConflict:
										r.wantBody("nhsuk-error-summary")
									default:
										t.Fatalf("status %d; body %.500s", r.Code, r.Body.String())
									}
									if before != nil && r.Code != http.StatusSeeOther {
										if after := e.rentPolicy(f.siteID); after.Version != before.Version {
											t.Errorf("refused with %d, yet saved version %d", r.Code, after.Version)
										}
									}
									dirty = r.Code == http.StatusSeeOther
								})
							})
						}
					}
				})
			})
		}
	})
}

// rentPagePatterns are the rent policy pages, for the hostile input table.
var rentPagePatterns = []string{
	"/manage/sites/:id/rent-policy", "/manage/sites/:id/rent-policy/source", "/manage/sites/:id/rent-policy/terms",
	"/manage/sites/:id/rent-policy/rules/new", "/manage/sites/:id/rent-policy/rules/1", "/manage/sites/:id/rent-policy/rules/1/move",
	"/manage/sites/:id/rent-policy/rules/1/delete", "/manage/rent-policy", "/manage/rent-policy/rules/new",
	"/manage/rent-policy/rules/1", "/manage/rent-policy/rules/1/move", "/manage/rent-policy/rules/1/delete",
}

// rentFormFields are the names of every input of the rent policy forms.
var rentFormFields = []string{
	"version", "rules", "vat_percent", "cancellation_notice_hours", "direction", "name", "organisation_types",
	"verified_only", "purposes", "space_kinds", "weekdays", "time_from", "time_to", "monthly_cap_hours", "discount_percent",
	"try", "try-space", "try-organisation_type", "try-verified", "try-purpose", "try-date-day", "try-date-month",
	"try-date-year", "try-start", "try-end",
}

func TestNoServerErrorOnRentPolicyPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, pattern := range rentPagePatterns {
			path := strings.Replace(pattern, ":id", itoa(e.siteA.ID), 1)
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				for _, role := range []string{asAdmin, asManager} {
					for i, v := range rentHostileValues {
						t.Run(fmt.Sprintf("%s %s/%s/%d", method, pattern, role, i), func(t *testing.T) {
							e.withT(t, func() {
								e.saveRentRules(e.siteA.ID, wellbeingRule, communityRule)
								e.saveRentRules(0, wellbeingRule, communityRule)
								values := url.Values{}
								for _, f := range rentFormFields {
									values.Set(f, v)
								}
								var r *response
								if method == http.MethodGet {
									r = e.getPage(path+"?"+values.Encode(), role)
								} else {
									r = e.postForm(path, role, values)
								}
								if r.Code >= 500 {
									t.Errorf("status %d; body %.500s", r.Code, r.Body.String())
								}
							})
						})
					}
				}
			}
		}
	})
}
