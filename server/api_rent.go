package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// rentRuleInput is one rule of a rent policy. Empty lists set no
// condition; time_from and time_to (local wall-clock time) are given
// together or not at all.
type rentRuleInput struct {
	Name              string   `json:"name"`
	OrganisationTypes []string `json:"organisation_types"`
	VerifiedOnly      bool     `json:"verified_only"`
	Purposes          []string `json:"purposes"`
	SpaceKinds        []string `json:"space_kinds"`
	Weekdays          []string `json:"weekdays"`
	TimeFrom          *string  `json:"time_from"`
	TimeTo            *string  `json:"time_to"`
	MonthlyCapHours   int      `json:"monthly_cap_hours"`
	DiscountPercent   int      `json:"discount_percent"`
}

// rentRuleJSON is a rule as the API shows it, with what it does in words.
type rentRuleJSON struct {
	rentRuleInput
	Summary string `json:"summary"`
}

// estateRentPolicyJSON is the estate-wide rent policy.
type estateRentPolicyJSON struct {
	Version   int            `json:"version"`
	Rules     []rentRuleJSON `json:"rules"`
	ChangedAt *time.Time     `json:"changed_at"`
	ChangedBy *personJSON    `json:"changed_by"`
	Warnings  []string       `json:"warnings"`
}

// siteRentPolicyJSON is a site's rent policy. Without rules of its own,
// rules are the estate-wide rules in force.
type siteRentPolicyJSON struct {
	SiteID                  int64          `json:"site_id"`
	Version                 int            `json:"version"`
	OwnRules                bool           `json:"own_rules"`
	Rules                   []rentRuleJSON `json:"rules"`
	VATPercent              int            `json:"vat_percent"`
	CancellationNoticeHours int            `json:"cancellation_notice_hours"`
	ChangedAt               *time.Time     `json:"changed_at"`
	ChangedBy               *personJSON    `json:"changed_by"`
	Warnings                []string       `json:"warnings"`
}

// estateRentPolicyInput replaces the estate-wide rules.
type estateRentPolicyInput struct {
	Rules []rentRuleInput `json:"rules"`
}

// siteRentPolicyInput sets a site's policy: its own rules, or (own_rules
// false) the estate-wide ones, and its VAT rate and cancellation terms.
type siteRentPolicyInput struct {
	OwnRules                bool            `json:"own_rules"`
	Rules                   []rentRuleInput `json:"rules"`
	VATPercent              int             `json:"vat_percent"`
	CancellationNoticeHours int             `json:"cancellation_notice_hours"`
}

// rentPolicyHistoryJSON lists the saved versions of a policy, newest
// first; each version's predecessor is the one after it.
type rentPolicyHistoryJSON[T any] struct {
	Versions []T `json:"versions"`
}

func toRentRulesJSON(rules []booking.RentRule) []rentRuleJSON {
	out := make([]rentRuleJSON, len(rules))
	for i, r := range rules {
		days := make([]string, len(r.Weekdays))
		for k, d := range r.Weekdays {
			days[k] = weekdayNames[d]
		}
		j := rentRuleJSON{rentRuleInput: rentRuleInput{Name: r.Name, OrganisationTypes: nonNil(r.OrganisationTypes),
			VerifiedOnly: r.VerifiedOnly, Purposes: nonNil(r.Purposes), SpaceKinds: nonNil(r.SpaceKinds), Weekdays: days,
			MonthlyCapHours: r.MonthlyCapHours, DiscountPercent: r.DiscountPercent}, Summary: ruleSummary(r)}
		if r.From != 0 || r.To != 0 {
			from, to := r.From.String(), r.To.String()
			j.TimeFrom, j.TimeTo = &from, &to
		}
		out[i] = j
	}
	return out
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// ruleSummary says in words what a rule matches and gives: "Free —
// organisation: community group or registered charity, verified only;
// purpose: health and wellbeing; up to 40 hours a month".
func ruleSummary(r booking.RentRule) string {
	effect := fmt.Sprintf("%d%% off", r.DiscountPercent)
	switch r.DiscountPercent {
	case 100:
		effect = "Free"
	case 0:
		effect = "Standard rate"
	}
	var when []string
	if len(r.OrganisationTypes) > 0 || r.VerifiedOnly {
		who := "any"
		if len(r.OrganisationTypes) > 0 {
			who = orList(r.OrganisationTypes, booking.OrganisationNoun)
		}
		if r.VerifiedOnly {
			who += ", verified only"
		}
		when = append(when, "organisation: "+who)
	}
	if len(r.Purposes) > 0 {
		when = append(when, "purpose: "+orList(r.Purposes, func(p string) string { return strings.ToLower(booking.PurposeLabel(p)) }))
	}
	if len(r.SpaceKinds) > 0 {
		when = append(when, "space: "+orList(r.SpaceKinds, func(k string) string { return strings.ToLower(booking.SpaceKindLabel(k)) }))
	}
	if len(r.Weekdays) > 0 || r.From != 0 || r.To != 0 {
		when = append(when, "when: "+booking.WhenPhrase(r))
	}
	if r.MonthlyCapHours > 0 {
		when = append(when, fmt.Sprintf("up to %d hours per organisation a month at each site", r.MonthlyCapHours))
	}
	if len(when) == 0 {
		return effect + " — every booking"
	}
	return effect + " — " + strings.Join(when, "; ")
}

// orList joins values, named by name, with commas and a final "or".
func orList(vs []string, name func(string) string) string {
	words := make([]string, len(vs))
	for i, v := range vs {
		words[i] = name(v)
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// parseRentRules checks rules as the API writes them and turns them into
// the rule engine's.
func parseRentRules(p *booking.Problems, in []rentRuleInput) []booking.RentRule {
	out := make([]booking.RentRule, len(in))
	for i, r := range in {
		f := func(name string) string { return fmt.Sprintf("rules[%d].%s", i, name) }
		checkText(p, f("name"), r.Name, false, 200)
		rule := booking.RentRule{Name: strings.TrimSpace(r.Name), OrganisationTypes: r.OrganisationTypes, VerifiedOnly: r.VerifiedOnly,
			Purposes: r.Purposes, SpaceKinds: r.SpaceKinds, MonthlyCapHours: r.MonthlyCapHours, DiscountPercent: r.DiscountPercent}
		for k, d := range r.Weekdays {
			day := slices.Index(weekdayNames, d)
			if day < 0 {
				p.Add(fmt.Sprintf("rules[%d].weekdays[%d]", i, k), "Must be one of: %s", weekdayList)
				continue
			}
			rule.Weekdays = append(rule.Weekdays, time.Weekday(day))
		}
		switch {
		case r.TimeFrom == nil && r.TimeTo == nil:
		case r.TimeFrom == nil:
			p.Add(f("time_from"), "Give the start of the time of day too, or neither")
		case r.TimeTo == nil:
			p.Add(f("time_to"), "Give the end of the time of day too, or neither")
		default:
			from, err := booking.ParseClock(*r.TimeFrom)
			if err != nil || !wallClock.MatchString(*r.TimeFrom) {
				p.Add(f("time_from"), "Must be a time from 00:00 to 23:59, like 18:00")
			}
			to, err := booking.ParseClock(*r.TimeTo)
			if err != nil || (!wallClock.MatchString(*r.TimeTo) && *r.TimeTo != "24:00") {
				p.Add(f("time_to"), "Must be a time from 00:01 to 24:00, like 22:00")
			}
			if !p.Has(f("time_from")) && !p.Has(f("time_to")) {
				if to <= from {
					p.Add(f("time_to"), "Must be after the start of the time of day (%s)", from)
				}
				rule.From, rule.To = from, to
			}
		}
		out[i] = rule
	}
	return out
}

// checkRentPolicy checks parsed rules with the engine's own rules, adding
// what it finds to p, so one answer names every problem.
func checkRentPolicy(p *booking.Problems, rules []booking.RentRule) {
	if v := asValidation(booking.RentPolicy{Rules: rules}.Check()); v != nil {
		for _, f := range v.Fields {
			if !p.Has(f.Field) {
				p.Add(f.Field, "%s", f.Message)
			}
		}
	}
}

func toEstateRentPolicyJSON(v *models.PolicyVersion) estateRentPolicyJSON {
	out := estateRentPolicyJSON{Version: v.Version, Rules: toRentRulesJSON(v.Rules),
		Warnings: nonNil(booking.RentPolicy{Rules: v.Rules}.Warnings())}
	if v.Version > 0 {
		at := v.ChangedAt.UTC()
		out.ChangedAt = &at
	}
	if v.ChangedBy != nil {
		out.ChangedBy = &personJSON{ID: v.ChangedBy.ID, Name: v.ChangedBy.Name}
	}
	return out
}

// toSiteRentPolicyJSON shows a site's policy; estate is the estate-wide
// policy, whose rules a site without its own uses.
func toSiteRentPolicyJSON(v *models.PolicyVersion, estate *models.PolicyVersion) siteRentPolicyJSON {
	rules := v.Rules
	if !v.OwnRules {
		rules = estate.Rules
	}
	out := siteRentPolicyJSON{SiteID: v.SiteID, Version: v.Version, OwnRules: v.OwnRules, Rules: toRentRulesJSON(rules),
		VATPercent: v.VATPercent, CancellationNoticeHours: v.CancellationNoticeHours,
		Warnings: nonNil(booking.RentPolicy{Rules: rules}.Warnings())}
	if v.Version > 0 {
		at := v.ChangedAt.UTC()
		out.ChangedAt = &at
	}
	if v.ChangedBy != nil {
		out.ChangedBy = &personJSON{ID: v.ChangedBy.ID, Name: v.ChangedBy.Name}
	}
	return out
}

// sitePolicy reads a site's policy with the estate-wide one.
func (s *Server) sitePolicy(ctx context.Context, siteID int64) (siteRentPolicyJSON, error) {
	v, err := s.store.RentPolicy(ctx, siteID)
	if err != nil {
		return siteRentPolicyJSON{}, err
	}
	estate, err := s.store.RentPolicy(ctx, 0)
	if err != nil {
		return siteRentPolicyJSON{}, err
	}
	return toSiteRentPolicyJSON(v, estate), nil
}

// saveEstateRentPolicy replaces the estate-wide rules, for the API and the
// pages. Only admins may.
func (s *Server) saveEstateRentPolicy(ctx context.Context, who *principal, in estateRentPolicyInput) (*models.PolicyVersion, error) {
	if !who.isAdmin() {
		return nil, newForbidden("Only platform admins can change the estate-wide rent policy.")
	}
	var p booking.Problems
	if in.Rules == nil {
		p.Add("rules", "Give the policy's rules in order; an empty list charges everyone the standard rate")
	}
	rules := parseRentRules(&p, in.Rules)
	checkRentPolicy(&p, rules)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s.store.SaveRentPolicy(ctx, 0, models.PolicySettings{OwnRules: true, Rules: rules}, who.User.ID, s.now())
}

// saveSiteRentPolicy sets a site's policy, for the API and the pages. Only
// the site's estates managers (and admins) may.
func (s *Server) saveSiteRentPolicy(ctx context.Context, who *principal, siteID int64, in siteRentPolicyInput) error {
	if _, err := s.store.SiteByID(ctx, siteID); err != nil {
		return err
	}
	if !who.managesSite(siteID) {
		return newForbidden("Only this site's estates managers can change its rent policy.")
	}
	var p booking.Problems
	var rules []booking.RentRule
	switch {
	case in.OwnRules && in.Rules == nil:
		p.Add("rules", "Give the site's rules in order, or set own_rules to false to use the estate-wide rules")
	case !in.OwnRules && len(in.Rules) > 0:
		p.Add("rules", "Rules are kept only when own_rules is true; without them the site uses the estate-wide rules")
	case in.OwnRules:
		rules = parseRentRules(&p, in.Rules)
		checkRentPolicy(&p, rules)
	}
	if !slices.Contains(booking.VATRates, in.VATPercent) {
		p.Add("vat_percent", "Must be 0 or 20")
	}
	checkRange(&p, "cancellation_notice_hours", int64(in.CancellationNoticeHours), 0, booking.MaxCancellationDays*24)
	if err := p.Err(); err != nil {
		return err
	}
	_, err := s.store.SaveRentPolicy(ctx, siteID, models.PolicySettings{OwnRules: in.OwnRules, Rules: rules,
		VATPercent: in.VATPercent, CancellationNoticeHours: in.CancellationNoticeHours}, who.User.ID, s.now())
	return err
}

func (s *Server) apiGetEstateRentPolicy() gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := s.store.RentPolicy(c.Request.Context(), 0)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toEstateRentPolicyJSON(v))
	}
}

func (s *Server) apiSetEstateRentPolicy() gin.HandlerFunc {
	return func(c *gin.Context) {
		var in estateRentPolicyInput
		err := decodeJSON(c, &in)
		var v *models.PolicyVersion
		if err == nil {
			v, err = s.saveEstateRentPolicy(c.Request.Context(), currentPrincipal(c), in)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toEstateRentPolicyJSON(v))
	}
}

func (s *Server) apiEstateRentPolicyHistory() gin.HandlerFunc {
	return func(c *gin.Context) {
		vs, err := s.store.RentPolicyHistory(c.Request.Context(), 0)
		if err != nil {
			s.fail(c, err)
			return
		}
		out := rentPolicyHistoryJSON[estateRentPolicyJSON]{Versions: []estateRentPolicyJSON{}}
		for i := range vs {
			out.Versions = append(out.Versions, toEstateRentPolicyJSON(&vs[i]))
		}
		c.JSON(http.StatusOK, out)
	}
}

func (s *Server) apiGetSiteRentPolicy() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		var out siteRentPolicyJSON
		if err == nil {
			out, err = s.sitePolicy(c.Request.Context(), id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

func (s *Server) apiSetSiteRentPolicy() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id, in, err := pathAndBody[siteRentPolicyInput](c, "id")
		if err == nil {
			err = s.saveSiteRentPolicy(ctx, currentPrincipal(c), id, in)
		}
		var out siteRentPolicyJSON
		if err == nil {
			out, err = s.sitePolicy(ctx, id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

func (s *Server) apiSiteRentPolicyHistory() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id, err := pathID(c, "id")
		if err == nil {
			_, err = s.store.SiteByID(ctx, id)
		}
		if err == nil && !currentPrincipal(c).managesSite(id) {
			err = newForbidden("Only this site's estates managers can see the history of its rent policy.")
		}
		var vs []models.PolicyVersion
		var estate *models.PolicyVersion
		if err == nil {
			vs, err = s.store.RentPolicyHistory(ctx, id)
		}
		if err == nil {
			estate, err = s.store.RentPolicy(ctx, 0)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		out := rentPolicyHistoryJSON[siteRentPolicyJSON]{Versions: []siteRentPolicyJSON{}}
		for i := range vs {
			// A version without rules of its own is shown with its own
			// (empty) rules: the estate's rules have a history of their own.
			v := toSiteRentPolicyJSON(&vs[i], estate)
			if !vs[i].OwnRules {
				v.Rules, v.Warnings = []rentRuleJSON{}, []string{}
			}
			out.Versions = append(out.Versions, v)
		}
		c.JSON(http.StatusOK, out)
	}
}

// asValidation is err's validation problems, or nil.
func asValidation(err error) *booking.ValidationError {
	var v *booking.ValidationError
	if errors.As(err, &v) {
		return v
	}
	return nil
}
