package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/common-room/commonroom/models"
)

// wellbeingPolicy is the shape of the demo estate policy: free for verified
// community groups running wellbeing activities up to a cap, half price for
// other community use, full rate otherwise.
func wellbeingPolicy(capHours int) map[string]any {
	return map[string]any{"rules": []map[string]any{
		{"name": "VCS wellbeing", "organisation_types": []string{"community_group", "registered_charity"}, "verified_only": true,
			"purposes": []string{"social_prescribing", "health_wellbeing"}, "monthly_cap_hours": capHours, "discount_percent": 100},
		{"name": "Community use", "organisation_types": []string{"community_group", "registered_charity"}, "discount_percent": 50},
	}}
}

// priceSpaceA gives spaceA a standard rate of £20 an hour.
func (e *env) priceSpaceA() {
	e.t.Helper()
	must(e.t, e.store.DB.Model(&models.Space{}).Where("id = ?", e.spaceA.ID).Update("rate_pence", 2000).Error)
}

func TestRentPolicyAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var v estateRentPolicyJSON
		e.get("/api/v1/rent-policy", asBooker).wantStatus(http.StatusOK).decode(&v)
		if v.Version != 0 || len(v.Rules) != 0 || v.ChangedAt != nil {
			t.Fatalf("unsaved estate policy %+v", v)
		}

		e.send(http.MethodPut, "/api/v1/rent-policy", asAdmin, wellbeingPolicy(40)).wantStatus(http.StatusOK).decode(&v)
		if v.Version != 1 || len(v.Rules) != 2 || v.ChangedBy == nil || v.ChangedBy.Name != e.users[asAdmin].Name || len(v.Warnings) != 0 {
			t.Fatalf("saved estate policy %+v", v)
		}
		want := "Free — organisation: community group or registered charity, verified only; " +
			"purpose: social prescribing activity or health and wellbeing; up to 40 hours per organisation a month at each site"
		if v.Rules[0].Summary != want {
			t.Errorf("summary\n got %q\nwant %q", v.Rules[0].Summary, want)
		}

		// A rule after a catch-all can never apply: saved, with a warning.
		shadowed := wellbeingPolicy(40)
		shadowed["rules"] = append(shadowed["rules"].([]map[string]any),
			map[string]any{"name": "Charity evenings", "organisation_types": []string{"registered_charity"},
				"weekdays": []string{"monday", "tuesday"}, "time_from": "18:00", "time_to": "22:00", "discount_percent": 75})
		e.send(http.MethodPut, "/api/v1/rent-policy", asAdmin, shadowed).wantStatus(http.StatusOK).decode(&v)
		if v.Version != 2 || len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "Rule 3 ‘Charity evenings’ can never apply") {
			t.Fatalf("warnings %q", v.Warnings)
		}
		if r := v.Rules[2]; r.TimeFrom == nil || *r.TimeFrom != "18:00" || *r.TimeTo != "22:00" || fmt.Sprint(r.Weekdays) != "[monday tuesday]" {
			t.Errorf("rule round trip %+v", r)
		}

		var history rentPolicyHistoryJSON[estateRentPolicyJSON]
		e.get("/api/v1/rent-policy/history", asManager).wantStatus(http.StatusOK).decode(&history)
		if len(history.Versions) != 2 || history.Versions[0].Version != 2 || len(history.Versions[1].Rules) != 2 {
			t.Fatalf("history %+v", history)
		}

		// A site without rules of its own shows the estate's, and keeps its
		// own VAT rate and terms.
		var sp siteRentPolicyJSON
		e.get(fmt.Sprintf("/api/v1/sites/%d/rent-policy", e.siteA.ID), asBooker).wantStatus(http.StatusOK).decode(&sp)
		if sp.OwnRules || len(sp.Rules) != 3 || sp.CancellationNoticeHours != models.DefaultCancellationNoticeHours || sp.Version != 0 {
			t.Fatalf("inherited site policy %+v", sp)
		}
		e.send(http.MethodPut, fmt.Sprintf("/api/v1/sites/%d/rent-policy", e.siteA.ID), asManager, map[string]any{
			"own_rules": false, "vat_percent": 20, "cancellation_notice_hours": 72,
		}).wantStatus(http.StatusOK).decode(&sp)
		if sp.OwnRules || len(sp.Rules) != 3 || sp.VATPercent != 20 || sp.CancellationNoticeHours != 72 || sp.Version != 1 {
			t.Fatalf("site terms %+v", sp)
		}
		own := wellbeingPolicy(10)
		own["own_rules"], own["vat_percent"], own["cancellation_notice_hours"] = true, 0, 24
		e.send(http.MethodPut, fmt.Sprintf("/api/v1/sites/%d/rent-policy", e.siteA.ID), asManager, own).wantStatus(http.StatusOK).decode(&sp)
		if !sp.OwnRules || len(sp.Rules) != 2 || sp.Rules[0].MonthlyCapHours != 10 || sp.Version != 2 {
			t.Fatalf("own site policy %+v", sp)
		}
		var siteHistory rentPolicyHistoryJSON[siteRentPolicyJSON]
		e.get(fmt.Sprintf("/api/v1/sites/%d/rent-policy/history", e.siteA.ID), asManager).wantStatus(http.StatusOK).decode(&siteHistory)
		if len(siteHistory.Versions) != 2 || siteHistory.Versions[1].VATPercent != 20 || len(siteHistory.Versions[1].Rules) != 0 {
			t.Fatalf("site history %+v", siteHistory)
		}
	})
}

func TestRentPolicyRefusesBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		sitePath := fmt.Sprintf("/api/v1/sites/%d/rent-policy", e.siteA.ID)
		rule := func(over map[string]any) map[string]any {
			r := map[string]any{"name": "Rule", "discount_percent": 50}
			for k, v := range over {
				r[k] = v
			}
			return r
		}
		tests := []struct {
			name  string
			path  string
			body  map[string]any
			field string
		}{
			{"no rules", "/api/v1/rent-policy", map[string]any{}, "rules"},
			{"a rule without a name", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"name": " "})}}, "rules[0].name"},
			{"two rules of one name", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(nil), rule(map[string]any{"name": "rule"})}}, "rules[1].name"},
			{"an unknown organisation type", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"organisation_types": []string{"pirates"}})}}, "rules[0].organisation_types[0]"},
			{"an unknown purpose", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"purposes": []string{"parties"}})}}, "rules[0].purposes[0]"},
			{"an unknown space kind", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"space_kinds": []string{"moon"}})}}, "rules[0].space_kinds[0]"},
			{"an unknown weekday", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"weekdays": []string{"funday"}})}}, "rules[0].weekdays[0]"},
			{"a start of day without an end", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"time_from": "18:00"})}}, "rules[0].time_to"},
			{"an end before the start", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"time_from": "18:00", "time_to": "09:00"})}}, "rules[0].time_to"},
			{"a time that is not one", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"time_from": "25:00", "time_to": "26:00"})}}, "rules[0].time_from"},
			{"a discount over 100%", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"discount_percent": 101})}}, "rules[0].discount_percent"},
			{"a negative cap", "/api/v1/rent-policy", map[string]any{"rules": []any{rule(map[string]any{"monthly_cap_hours": -1})}}, "rules[0].monthly_cap_hours"},
			{"a VAT rate the UK does not charge", sitePath, map[string]any{"own_rules": false, "vat_percent": 15, "cancellation_notice_hours": 0}, "vat_percent"},
			{"rules without own_rules", sitePath, map[string]any{"own_rules": false, "rules": []any{rule(nil)}, "vat_percent": 0, "cancellation_notice_hours": 0}, "rules"},
			{"own_rules without rules", sitePath, map[string]any{"own_rules": true, "vat_percent": 0, "cancellation_notice_hours": 0}, "rules"},
			{"negative cancellation notice", sitePath, map[string]any{"own_rules": false, "vat_percent": 0, "cancellation_notice_hours": -1}, "cancellation_notice_hours"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e.withT(t, func() {
					p := e.send(http.MethodPut, tt.path, asAdmin, tt.body).wantStatus(http.StatusUnprocessableEntity).problem()
					found := false
					for _, f := range p.Errors {
						found = found || f.Field == tt.field
					}
					if !found {
						t.Errorf("no error for %s in %+v", tt.field, p.Errors)
					}
				})
			})
		}
		var n int64
		must(t, e.store.DB.Model(&models.RentPolicy{}).Count(&n).Error)
		if n != 0 {
			t.Errorf("%d policies were saved from bad input", n)
		}
	})
}

func TestQuotesAndTheBookingsThatKeepThem(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.priceSpaceA()
		e.verify(e.orgA)
		e.send(http.MethodPut, "/api/v1/rent-policy", asAdmin, wellbeingPolicy(3)).wantStatus(http.StatusOK)

		var q quoteJSON
		e.send(http.MethodPost, "/api/v1/quotes", asBooker, e.bookingBody("2026-12-01T10:00:00Z")).wantStatus(http.StatusOK).decode(&q)
		if q.TotalPence != 0 || q.StandardPence != 2000 || len(q.Lines) != 1 || len(q.Unbooked) != 0 {
			t.Fatalf("quote %+v", q)
		}
		wantWhy := "Free — verified community group running a health and wellbeing activity within 3 hours a month (rule ‘VCS wellbeing’ at " + e.siteA.Name + ")."
		if q.Lines[0].Explanation != wantWhy {
			t.Errorf("explanation\n got %q\nwant %q", q.Lines[0].Explanation, wantWhy)
		}
		if e.countBookings() != 0 {
			t.Fatal("a quote booked something")
		}

		// A weekly series of two hours crosses the three free hours in its
		// second week: that date is split, the third is half price.
		body := e.bookingBody("2026-12-01T10:00:00Z")
		body["ends_at"] = "2026-12-01T12:00:00Z"
		body["recurrence"] = map[string]any{"frequency": "weekly", "count": 3}
		e.send(http.MethodPost, "/api/v1/quotes", asBooker, body).wantStatus(http.StatusOK).decode(&q)
		if len(q.Lines) != 3 || q.Lines[0].TotalPence != 0 || q.Lines[1].TotalPence != 1000 || q.Lines[2].TotalPence != 2000 ||
			len(q.Lines[1].Parts) != 2 || q.TotalPence != 3000 || q.StandardPence != 12000 {
			t.Fatalf("series quote %+v", q)
		}

		// Booking the series stores those prices; a later policy change
		// does not touch them.
		var sr seriesJSON
		e.send(http.MethodPost, "/api/v1/bookings", asBooker, body).wantStatus(http.StatusCreated).decode(&sr)
		if len(sr.Occurrences) != 3 || sr.Occurrences[1].Price.TotalPence != 1000 || sr.Occurrences[2].Price.TotalPence != 2000 {
			t.Fatalf("series prices %+v", sr.Occurrences)
		}
		e.send(http.MethodPut, "/api/v1/rent-policy", asAdmin, map[string]any{"rules": []any{}}).wantStatus(http.StatusOK)
		var b bookingJSON
		e.get(fmt.Sprintf("/api/v1/bookings/%d", sr.Occurrences[1].BookingID), asBooker).wantStatus(http.StatusOK).decode(&b)
		if b.Price.TotalPence != 1000 || b.Price.StandardPence != 4000 || len(b.Price.Parts) != 2 ||
			b.Price.Parts[0].Rule == nil || *b.Price.Parts[0].Rule != "VCS wellbeing" || b.Price.Parts[1].Minutes != 60 {
			t.Fatalf("stored price %+v", b.Price)
		}
		// The new policy prices new bookings at the standard rate.
		nb := e.book(asBooker, e.bookingBody("2026-12-02T10:00:00Z"))
		if nb.Price.TotalPence != 2000 || !strings.HasPrefix(nb.Price.Explanation, "Standard rate") {
			t.Errorf("new booking price %+v", nb.Price)
		}
	})
}

func TestQuoteRefusesBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		tests := []struct {
			name   string
			change map[string]any
			status int
			field  string
		}{
			{"end before start", map[string]any{"ends_at": "2026-12-01T09:00:00Z"}, http.StatusUnprocessableEntity, "ends_at"},
			{"unknown space", map[string]any{"space_id": 999999}, http.StatusUnprocessableEntity, "space_id"},
			{"unknown purpose", map[string]any{"purpose": "party"}, http.StatusUnprocessableEntity, "purpose"},
			{"a hold", map[string]any{"hold_minutes": 10}, http.StatusUnprocessableEntity, "hold_minutes"},
			{"in the past", map[string]any{"starts_at": "2026-11-01T10:00:00Z", "ends_at": "2026-11-01T11:00:00Z"}, http.StatusUnprocessableEntity, "starts_at"},
			{"a recurrence of two years", map[string]any{"recurrence": map[string]any{"frequency": "weekly", "until": "2028-12-01"}}, http.StatusUnprocessableEntity, "recurrence.until"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e.withT(t, func() {
					body := e.bookingBody("2026-12-01T10:00:00Z")
					for k, v := range tt.change {
						body[k] = v
					}
					p := e.send(http.MethodPost, "/api/v1/quotes", asBooker, body).wantStatus(tt.status).problem()
					found := false
					for _, f := range p.Errors {
						found = found || f.Field == tt.field
					}
					if !found {
						t.Errorf("no error for %s in %+v", tt.field, p.Errors)
					}
				})
			})
		}
		if e.countBookings() != 0 {
			t.Error("a refused quote booked something")
		}
	})
}
