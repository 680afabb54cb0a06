package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// rentScope is the rent policy a page shows and changes: a site's, or the
// estate-wide one when Site is nil.
type rentScope struct {
	Site    *models.Site
	Saved   *models.PolicyVersion // the newest version of this policy
	Estate  *models.PolicyVersion // the estate-wide policy
	CanEdit bool                  // whether the visitor may change it
}

// own reports whether the policy has rules of its own; a site without
// them uses the estate-wide rules.
func (sc *rentScope) own() bool { return sc.Site == nil || sc.Saved.OwnRules }

// rules are the rules in force under this policy.
func (sc *rentScope) rules() []booking.RentRule {
	if sc.own() {
		return sc.Saved.Rules
	}
	return sc.Estate.Rules
}

// base is the URL of the policy's page; its actions live under it.
func (sc *rentScope) base() string {
	if sc.Site == nil {
		return "/manage/rent-policy"
	}
	return "/manage/sites/" + itoa(sc.Site.ID) + "/rent-policy"
}

// current reports whether a posted form was made from the version of the
// policy saved now: rules are changed by their place in the list, which
// means something else once someone else has changed the policy.
func (sc *rentScope) current(form url.Values) bool {
	return form.Get("version") == strconv.Itoa(sc.Saved.Version)
}

// staleMessage is the answer to a form made from an older version.
const staleMessage = "Someone else changed this rent policy while you were looking at it. Check it as it is now, then make your change again."

// rentScopeOf loads the policy in the URL: a site's, for its estates
// managers, or the estate-wide one, which only platform admins change.
func (s *Server) rentScopeOf(c *gin.Context) (*rentScope, error) {
	ctx := c.Request.Context()
	who := currentPrincipal(c)
	sc := &rentScope{CanEdit: who.isAdmin()}
	if c.Param("id") != "" {
		id, err := pathID(c, "id")
		if err != nil {
			return nil, err
		}
		if sc.Site, err = s.store.SiteByID(ctx, id); err != nil {
			return nil, err
		}
		if !who.managesSite(id) {
			return nil, newForbidden("Only this site's estates managers can see and change its rent policy.")
		}
		sc.CanEdit = true
		if sc.Saved, err = s.store.RentPolicy(ctx, id); err != nil {
			return nil, err
		}
	}
	var err error
	if sc.Estate, err = s.store.RentPolicy(ctx, 0); err != nil {
		return nil, err
	}
	if sc.Site == nil {
		sc.Saved = sc.Estate
	}
	return sc, nil
}

// editableRules loads the policy in the URL for a change to its rules:
// the visitor must be allowed to, and a site must have rules of its own.
func (s *Server) editableRules(c *gin.Context) (*rentScope, error) {
	sc, err := s.rentScopeOf(c)
	if err != nil {
		return nil, err
	}
	if !sc.CanEdit {
		return nil, newForbidden("Only platform admins can change the estate-wide rent policy.")
	}
	if !sc.own() {
		return nil, booking.Conflict("This site uses the estate-wide rules. To change its rules, first give it rules of its own on its rent policy page.")
	}
	return sc, nil
}

// ruleInputs are rules as the API writes them, to save them through the
// API's own checks.
func ruleInputs(rules []booking.RentRule) []rentRuleInput {
	out := make([]rentRuleInput, len(rules))
	for i, r := range toRentRulesJSON(rules) {
		out[i] = r.rentRuleInput
	}
	return out
}

// saveRules saves a new version of the policy with these rules, keeping
// a site's VAT rate and cancellation terms, with the API's functions.
func (s *Server) saveRules(ctx context.Context, who *principal, sc *rentScope, rules []rentRuleInput) error {
	if sc.Site == nil {
		_, err := s.saveEstateRentPolicy(ctx, who, estateRentPolicyInput{Rules: rules})
		return err
	}
	return s.saveSiteRentPolicy(ctx, who, sc.Site.ID, siteRentPolicyInput{OwnRules: true, Rules: rules,
		VATPercent: sc.Saved.VATPercent, CancellationNoticeHours: sc.Saved.CancellationNoticeHours})
}

// ruleRow is one rule as the policy page lists it.
type ruleRow struct {
	N                     int
	Name, Effect, Matches string
	First, Last           bool
	Change, Move, Delete  string // URLs of its actions
}

// termsForm is a site's VAT rate and cancellation notice, as typed.
type termsForm struct {
	VAT, Notice string
}

// rentPolicyPage is what the rent policy template shows.
type rentPolicyPage struct {
	Heading, Caption, Base string
	IsSite, OwnRules       bool
	CanEdit                bool // may change the policy at all
	CanChangeRules         bool // may change its rules here
	Version                int
	Changed                string
	EstateVersion          string
	VAT, Cancellation      string
	Rules                  []ruleRow
	Warnings               []string
	Terms                  termsForm
	VATRates               []booking.Option
	Try                    *tryPanel
}

// vatOptions are the VAT rates a site may charge, as the form offers them.
var vatOptions = []booking.Option{{Value: "0", Label: "No VAT (0%): room hire is exempt"}, {Value: "20", Label: "Standard rate VAT (20%)"}}

// ruleRows lists rules with what they do in words and, when they may be
// changed, links to change them.
func ruleRows(rules []booking.RentRule, base string, actions bool) []ruleRow {
	out := make([]ruleRow, len(rules))
	for i, r := range rules {
		effect, matches, _ := strings.Cut(ruleSummary(r), " — ")
		row := ruleRow{N: i + 1, Name: r.Name, Effect: effect, Matches: upperFirst(matches), First: i == 0, Last: i == len(rules)-1}
		if actions {
			at := base + "/rules/" + strconv.Itoa(i+1)
			row.Change, row.Move, row.Delete = at, at+"/move", at+"/delete"
		}
		out[i] = row
	}
	return out
}

// changedLine says which version a policy is at, and who saved it when.
func changedLine(v *models.PolicyVersion) string {
	if v.Version == 0 {
		return "Never changed: the defaults apply"
	}
	out := fmt.Sprintf("Version %d, saved %s", v.Version, formatDateTime(v.ChangedAt))
	if v.ChangedBy != nil {
		out += " by " + v.ChangedBy.Name
	}
	return out
}

// cancellationTerms says what a site's cancellation notice means.
func cancellationTerms(hours int) string {
	if hours == 0 {
		return "Full refund if cancelled before the booking starts"
	}
	return "Full refund if cancelled at least " + plural(hours, "hour") + " before the booking starts"
}

// newRentPolicyPage fills in the policy page; terms, when not nil, is the
// VAT and cancellation form as typed.
func newRentPolicyPage(sc *rentScope, terms *termsForm) *rentPolicyPage {
	p := &rentPolicyPage{Heading: "Estate-wide rent policy", Base: sc.base(), IsSite: sc.Site != nil, OwnRules: sc.own(),
		CanEdit: sc.CanEdit, CanChangeRules: sc.CanEdit && sc.own(), Version: sc.Saved.Version, Changed: changedLine(sc.Saved),
		Warnings: booking.RentPolicy{Rules: sc.rules()}.Warnings(), VATRates: vatOptions}
	p.Rules = ruleRows(sc.rules(), p.Base, p.CanChangeRules)
	if sc.Site != nil {
		p.Heading, p.Caption = "Rent policy", sc.Site.Name
		p.VAT = strconv.Itoa(sc.Saved.VATPercent) + "%"
		p.Cancellation = cancellationTerms(sc.Saved.CancellationNoticeHours)
		p.EstateVersion = changedLine(sc.Estate)
		p.Terms = termsForm{VAT: strconv.Itoa(sc.Saved.VATPercent), Notice: strconv.Itoa(sc.Saved.CancellationNoticeHours)}
		if terms != nil {
			p.Terms = *terms
		}
	}
	return p
}

// renderRentPolicy shows the policy page, with the try-it panel filled in
// from the query. A panel with problems answers 422 unless status says
// otherwise already.
func (s *Server) renderRentPolicy(c *gin.Context, status int, sc *rentScope, v *view, terms *termsForm) {
	p := newRentPolicyPage(sc, terms)
	var err error
	if p.Try, err = s.tryPanelFor(c, sc, &v.Errors, &booking.RentPolicy{Rules: sc.rules()}, p.Base, false); err != nil {
		s.fail(c, err)
		return
	}
	if status == http.StatusOK && v.Errors.any() {
		status = http.StatusUnprocessableEntity
	}
	v.Title, v.Data = p.Heading, p
	v.Back = &link{Href: "/sites", Text: "All buildings"}
	if sc.Site != nil {
		v.Title += ", " + sc.Site.Name
		v.Back = &link{Href: "/sites/" + itoa(sc.Site.ID), Text: sc.Site.Name}
	}
	s.render(c, status, "rent-policy", v)
}

// rentPolicyPage shows a site's rent policy to its estates managers, or
// the estate-wide one to the estate's staff, with the panel that prices a
// sample booking under it.
func (s *Server) rentPolicyPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		sc, err := s.rentScopeOf(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderRentPolicy(c, http.StatusOK, sc, &view{}, nil)
	}
}

// rentPolicyForm loads the policy in the URL and the posted form, for the
// page actions that change it.
func (s *Server) rentPolicyForm(c *gin.Context, rulesToo bool) (*rentScope, url.Values, error) {
	var sc *rentScope
	var err error
	if rulesToo {
		sc, err = s.editableRules(c)
	} else {
		sc, err = s.rentScopeOf(c)
	}
	if err != nil {
		return nil, nil, err
	}
	form, err := readForm(c)
	if err != nil {
		return nil, nil, err
	}
	return sc, form, nil
}

// Values of the form that switches a site between the estate-wide rules
// and rules of its own.
const (
	rulesOwn    = "own"
	rulesEstate = "estate"
)

// rentSourceSubmit gives a site rules of its own, starting from a copy of
// the estate-wide rules, or sends it back to the estate-wide rules.
func (s *Server) rentSourceSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		sc, form, err := s.rentPolicyForm(c, false)
		if err != nil {
			s.fail(c, err)
			return
		}
		v := &view{}
		want := form.Get("rules")
		switch {
		case !sc.current(form):
			v.Errors.add("", staleMessage)
			s.renderRentPolicy(c, http.StatusConflict, sc, v, nil)
			return
		case want != rulesOwn && want != rulesEstate:
			v.Errors.add("", "Choose whether the site uses the estate-wide rules or rules of its own")
			s.renderRentPolicy(c, http.StatusUnprocessableEntity, sc, v, nil)
			return
		case (want == rulesOwn) == sc.own():
			s.redirect(c, sc.base(), "")
			return
		}
		in := siteRentPolicyInput{OwnRules: want == rulesOwn, VATPercent: sc.Saved.VATPercent,
			CancellationNoticeHours: sc.Saved.CancellationNoticeHours}
		msg := sc.Site.Name + " now uses the estate-wide rules."
		if in.OwnRules {
			in.Rules = ruleInputs(sc.Estate.Rules)
			msg = sc.Site.Name + " now has rules of its own, copied from the estate-wide rules."
		}
		if err := s.saveSiteRentPolicy(ctx, currentPrincipal(c), sc.Site.ID, in); err != nil {
			s.rentPolicyFailed(c, sc, v, err, nil)
			return
		}
		s.redirect(c, sc.base(), msg)
	}
}

// rentTermsSubmit sets a site's VAT rate and cancellation notice.
func (s *Server) rentTermsSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		sc, form, err := s.rentPolicyForm(c, false)
		if err != nil {
			s.fail(c, err)
			return
		}
		v := &view{}
		f := termsForm{VAT: strings.TrimSpace(form.Get("vat_percent")), Notice: strings.TrimSpace(form.Get("cancellation_notice_hours"))}
		if !sc.current(form) {
			v.Errors.add("", staleMessage)
			s.renderRentPolicy(c, http.StatusConflict, sc, v, &f)
			return
		}
		in := siteRentPolicyInput{OwnRules: sc.Saved.OwnRules}
		if in.OwnRules {
			in.Rules = ruleInputs(sc.Saved.Rules)
		}
		if optionLabel(vatOptions, f.VAT) == f.VAT {
			v.Errors.add("vat_percent", "Select the VAT rate")
		} else {
			in.VATPercent, _ = strconv.Atoi(f.VAT)
		}
		if n := formInt(&v.Errors, "cancellation_notice_hours", f.Notice, "the cancellation notice"); n != nil {
			in.CancellationNoticeHours = *n
		}
		if !v.Errors.any() {
			err := s.saveSiteRentPolicy(c.Request.Context(), currentPrincipal(c), sc.Site.ID, in)
			if err == nil {
				s.redirect(c, sc.base(), "VAT and cancellation terms saved.")
				return
			}
			s.rentPolicyFailed(c, sc, v, err, &f)
			return
		}
		v.Errors.inOrder("vat_percent", "cancellation_notice_hours")
		s.renderRentPolicy(c, http.StatusUnprocessableEntity, sc, v, &f)
	}
}

// termsWords are the policy page's words for the API's problems with a
// site's terms.
var termsWords = map[string]string{
	"vat_percent":               "The VAT rate",
	"cancellation_notice_hours": "The cancellation notice",
}

// rentPolicyFailed shows the API's problems with a change on the policy
// page, or the error page for anything else.
func (s *Server) rentPolicyFailed(c *gin.Context, sc *rentScope, v *view, err error, terms *termsForm) {
	status, ok := v.Errors.addDomain(err, formFields{
		id: func(field string) string {
			if _, ok := termsWords[field]; ok {
				return field
			}
			return ""
		},
	})
	if !ok {
		s.fail(c, err)
		return
	}
	for i, fe := range v.Errors.List {
		if w, ok := termsWords[fe.ID]; ok {
			v.Errors.List[i].Message = sentence(w, fe.Message)
			v.Errors.ByID[fe.ID] = v.Errors.List[i].Message
		}
	}
	s.renderRentPolicy(c, status, sc, v, terms)
}

// sentence puts a field's name before a domain message that starts "Must
// be …": "The discount must be from 0 to 100".
func sentence(what, msg string) string {
	if rest, ok := strings.CutPrefix(msg, "Must "); ok {
		return what + " must " + rest
	}
	return msg
}

// ruleField is a field the API names in a policy's rules.
var ruleField = regexp.MustCompile(`^rules\[(\d+)\]\.(\w+)`)

// ruleProblem is one of the API's problems with a policy's rules, with the
// rule it is about (from 1; 0 for the whole policy).
type ruleProblem struct {
	Rule           int
	Field, Message string
}

// ruleProblems lists the API's problems with rules, or false when err is
// not a validation error.
func ruleProblems(err error) ([]ruleProblem, bool) {
	var v *booking.ValidationError
	if !errors.As(err, &v) {
		return nil, false
	}
	out := make([]ruleProblem, 0, len(v.Fields))
	for _, fe := range v.Fields {
		p := ruleProblem{Field: fe.Field, Message: fe.Message}
		if m := ruleField.FindStringSubmatch(fe.Field); m != nil {
			n, _ := strconv.Atoi(m[1])
			p.Rule, p.Field = n+1, m[2]
		}
		out = append(out, p)
	}
	return out, true
}
