package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/common-room/commonroom/booking"
)

func TestOrganisationPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		org := "/organisations/" + itoa(e.orgA.ID)
		e.step(t, "members see their organisations", func(t *testing.T) {
			e.getPage("/organisations", asBooker).wantStatus(http.StatusOK).wantBody(e.orgA.Name, "Your role: Booker").wantNoBody(e.orgB.Name)
			e.getPage("/organisations", asLinkWorker).wantStatus(http.StatusOK).wantBody("You do not belong to an organisation yet")
		})
		e.step(t, "org admins see the member form and remove buttons, bookers only their own", func(t *testing.T) {
			e.getPage(org, asOrgAdmin).wantStatus(http.StatusOK).wantBody(
				"Not yet verified", "awaiting verification", `action="`+org+`/members"`,
				`action="`+org+`/members/`+itoa(e.users[asBooker].ID)+`/remove"`, "Leave<span",
			)
			e.getPage(org, asBooker).wantStatus(http.StatusOK).wantNoBody(`action="`+org+`/members"`,
				`action="`+org+`/members/`+itoa(e.users[asOrgAdmin].ID)+`/remove"`).
				wantBody(`action="` + org + `/members/` + itoa(e.users[asBooker].ID) + `/remove"`)
			e.getPage(org, asManager).wantStatus(http.StatusOK).wantBody("Verification details and history")
		})
		e.step(t, "adding someone without an account names the field", func(t *testing.T) {
			e.postForm(org+"/members", asOrgAdmin, url.Values{"member_email": {"nobody@example.org"}, "member_role": {"booker"}}).
				wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#member_email">No account uses this email address`, `value="nobody@example.org"`)
			e.postForm(org+"/members", asOrgAdmin, url.Values{"member_email": {e.users[asLinkWorker].Email}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#member_role">`)
		})
		e.step(t, "an org admin adds and removes a booker", func(t *testing.T) {
			r := e.postForm(org+"/members", asOrgAdmin, url.Values{"member_email": {e.users[asLinkWorker].Email}, "member_role": {"booker"}}).
				wantRedirect(org)
			if r.flash() != "link worker is now a booker." {
				t.Fatalf("flash %q", r.flash())
			}
			e.getPage(org, asLinkWorker).wantStatus(http.StatusOK)
			r = e.postForm(org+"/members/"+itoa(e.users[asLinkWorker].ID)+"/remove", asOrgAdmin, nil).wantRedirect(org)
			if r.flash() != "link worker has been removed from this organisation." {
				t.Fatalf("flash %q", r.flash())
			}
			e.getPage(org, asLinkWorker).wantStatus(http.StatusNotFound)
		})
		e.step(t, "the last org admin cannot leave", func(t *testing.T) {
			e.postForm(org+"/members/"+itoa(e.users[asOrgAdmin].ID)+"/remove", asOrgAdmin, nil).
				wantStatus(http.StatusConflict).wantBody("nhsuk-error-summary", "at least one organisation admin")
		})
		e.step(t, "a booker leaves", func(t *testing.T) {
			r := e.postForm(org+"/members/"+itoa(e.users[asBooker].ID)+"/remove", asBooker, nil).wantRedirect("/organisations")
			if r.flash() != "You have left "+e.orgA.Name+"." {
				t.Fatalf("flash %q", r.flash())
			}
		})
		e.step(t, "outsiders cannot tell the organisation exists", func(t *testing.T) {
			e.getPage(org, asOtherMember).wantStatus(http.StatusNotFound)
			e.postForm(org+"/members", asOtherMember, url.Values{"member_email": {e.users[asOtherMember].Email}, "member_role": {"org_admin"}}).
				wantStatus(http.StatusNotFound)
		})
	})
}

func TestVerificationPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		manage := "/manage/organisations/" + itoa(e.orgA.ID)
		e.step(t, "the list shows organisations awaiting verification first", func(t *testing.T) {
			_, err := e.store.SetVerification(context.Background(), e.orgB.ID, booking.Verified, "ok", e.users[asAdmin].ID, testClock)
			must(t, err)
			e.getPage("/manage/organisations", asManager).wantStatus(http.StatusOK).
				wantBody("Awaiting verification (1)", "Verified (1)", "All (2)", e.orgA.Name).wantNoBody(e.orgB.Name + "</a>")
			e.getPage("/manage/organisations?verification=verified", asManager).wantBody(e.orgB.Name + "</a>")
			e.getPage("/manage/organisations?verification=nonsense", asManager).wantStatus(http.StatusOK).wantBody(e.orgA.Name)
		})
		e.step(t, "suspending needs a note", func(t *testing.T) {
			e.postForm(manage+"/verification", asManager, url.Values{"state": {booking.Suspended}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#note">`, `id="state-2" name="state" type="radio" value="suspended" checked`)
			e.postForm(manage+"/verification", asManager, url.Values{"state": {"approved"}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#state">`)
		})
		e.step(t, "verifying records who, when and why", func(t *testing.T) {
			r := e.postForm(manage+"/verification", asManager, url.Values{"state": {booking.Verified}, "note": {"Charity register checked"}}).
				wantRedirect(manage)
			if r.flash() != e.orgA.Name+" is now verified." {
				t.Fatalf("flash %q", r.flash())
			}
			e.getPage(manage, asAdmin).wantStatus(http.StatusOK).wantBody("Charity register checked", "</span>estates manager</td>")
			e.getPage("/organisations/"+itoa(e.orgA.ID), asOrgAdmin).wantBody(">Verified<").wantNoBody("awaiting verification")
		})
		e.step(t, "the page says what verification changes in price", func(t *testing.T) {
			e.getPage(manage, asManager).wantBody("No rent rule gives " + e.orgA.Name + " a discount for being verified.")
			e.send(http.MethodPut, "/api/v1/rent-policy", asAdmin, wellbeingPolicy(40)).wantStatus(http.StatusOK)
			own := map[string]any{"own_rules": true, "vat_percent": 0, "cancellation_notice_hours": 0, "rules": []map[string]any{
				{"name": "Verified groups half price", "verified_only": true, "discount_percent": 50},
				{"name": "Charities only", "organisation_types": []string{"registered_charity"}, "verified_only": true, "discount_percent": 90},
			}}
			e.send(http.MethodPut, fmt.Sprintf("/api/v1/sites/%d/rent-policy", e.siteA.ID), asManager, own).wantStatus(http.StatusOK)
			// orgA is a community group: the charities-only rule is not for it,
			// and siteB's manager does not see siteA's rules.
			e.getPage(manage, asManager).wantBody("<strong>VCS wellbeing</strong> (Estate-wide policy): Free",
				"<strong>Verified groups half price</strong> ("+e.siteA.Name+"): 50% off").wantNoBody("Charities only")
			e.getPage(manage, asOtherMgr).wantBody("<strong>VCS wellbeing</strong>").wantNoBody("Verified groups half price")
		})
		e.step(t, "members and link workers may not verify", func(t *testing.T) {
			e.postForm(manage+"/verification", asOrgAdmin, url.Values{"state": {booking.Verified}}).wantStatus(http.StatusForbidden)
			e.getPage(manage, asLinkWorker).wantStatus(http.StatusForbidden)
		})
	})
}
