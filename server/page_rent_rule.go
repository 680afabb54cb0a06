package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// ruleForm is one rule of a rent policy as typed. Empty lists set no
// condition; the times of day are given together or not at all.
type ruleForm struct {
	Name                                    string
	OrganisationTypes, Purposes, SpaceKinds []string
	Weekdays                                []string
	VerifiedOnly                            bool
	From, To, Cap, Discount                 string
	Version                                 string // of the policy the form was made from
}

// ruleOrder is the order of the rule form's inputs.
var ruleOrder = []string{"name", "organisation_types", "verified_only", "purposes", "space_kinds", "weekdays",
	"time_from", "time_to", "monthly_cap_hours", "discount_percent"}

// ruleWords are the rule form's names for its fields, to put before the
// API's messages.
var ruleWords = map[string]string{
	"name": "The name", "time_from": "The start of the time of day", "time_to": "The end of the time of day",
	"monthly_cap_hours": "The monthly cap", "discount_percent": "The discount",
}

// ruleChoices are the rule form's checkbox groups: what each offers and how
// to say a value is not one of them.
var ruleChoices = map[string]struct {
	opts func() []booking.Option
	what string
}{
	"organisation_types": {func() []booking.Option { return booking.OrganisationTypes }, "kinds of organisation"},
	"purposes":           {func() []booking.Option { return booking.Purposes }, "purposes"},
	"space_kinds":        {func() []booking.Option { return booking.SpaceKinds }, "kinds of space"},
	"weekdays":           {weekdayOptions, "days"},
}

// weekdayOptions are the days of the week, Monday first.
func weekdayOptions() []booking.Option {
	out := make([]booking.Option, len(weekOrder))
	for i, d := range weekOrder {
		out[i] = booking.Option{Value: weekdayNames[d], Label: d.String()}
	}
	return out
}

// cleanValue is a value from a query or form with what no browser sends
// taken out.
func cleanValue(v string) string {
	return strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", ""), ""))
}

func cleanValues(vs []string) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if v = cleanValue(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// ruleFormFrom reads the rule form from a posted form or, for the try-it
// panel, from the query.
func ruleFormFrom(vs url.Values) ruleForm {
	return ruleForm{
		Name: cleanValue(vs.Get("name")), OrganisationTypes: cleanValues(vs["organisation_types"]),
		VerifiedOnly: vs.Get("verified_only") != "", Purposes: cleanValues(vs["purposes"]),
		SpaceKinds: cleanValues(vs["space_kinds"]), Weekdays: cleanValues(vs["weekdays"]),
		From: cleanValue(vs.Get("time_from")), To: cleanValue(vs.Get("time_to")),
		Cap: cleanValue(vs.Get("monthly_cap_hours")), Discount: cleanValue(vs.Get("discount_percent")),
		Version: cleanValue(vs.Get("version")),
	}
}

// ruleFormOf is a saved rule as the form shows it.
func ruleFormOf(r booking.RentRule) ruleForm {
	in := toRentRulesJSON([]booking.RentRule{r})[0]
	f := ruleForm{Name: in.Name, OrganisationTypes: in.OrganisationTypes, VerifiedOnly: in.VerifiedOnly,
		Purposes: in.Purposes, SpaceKinds: in.SpaceKinds, Weekdays: in.Weekdays, Discount: strconv.Itoa(in.DiscountPercent)}
	if in.TimeFrom != nil && in.TimeTo != nil {
		f.From, f.To = *in.TimeFrom, *in.TimeTo
	}
	if in.MonthlyCapHours > 0 {
		f.Cap = strconv.Itoa(in.MonthlyCapHours)
	}
	return f
}

// input reads the form into the API's rule, recording under the inputs
// the problems it finds on its own.
func (f ruleForm) input(errs *formErrors) rentRuleInput {
	in := rentRuleInput{Name: f.Name, OrganisationTypes: f.OrganisationTypes, VerifiedOnly: f.VerifiedOnly,
		Purposes: f.Purposes, SpaceKinds: f.SpaceKinds, Weekdays: f.Weekdays}
	switch {
	case f.Name == "":
		errs.add("name", "Enter a name for the rule, like VCS wellbeing")
	case utf8.RuneCountInString(f.Name) > booking.MaxRuleNameLength:
		errs.add("name", fmt.Sprintf("The name must be at most %d characters", booking.MaxRuleNameLength))
	}
	switch {
	case f.From == "" && f.To == "":
	case f.From == "":
		errs.add("time_from", "Enter the start of the time of day, or leave both times empty")
	case f.To == "":
		errs.add("time_to", "Enter the end of the time of day, or leave both times empty")
	default:
		from, ok1 := formClock(errs, "time_from", f.From, "the start of the time of day", true)
		to, ok2 := formClock(errs, "time_to", f.To, "the end of the time of day", true)
		if ok1 && from == 24*60 {
			errs.add("time_from", "The start of the time of day must be before midnight")
			ok1 = false
		}
		if ok2 && to == 0 {
			to = 24 * 60 // a time of day that ends at midnight runs to the end of the day
		}
		if ok1 && ok2 {
			in.TimeFrom, in.TimeTo = ptr(from.String()), ptr(to.String())
		}
	}
	if f.Cap != "" {
		if n := formInt(errs, "monthly_cap_hours", f.Cap, "the monthly cap"); n != nil {
			in.MonthlyCapHours = *n
		}
	}
	if n := formInt(errs, "discount_percent", strings.TrimSpace(strings.TrimSuffix(f.Discount, "%")), "the discount, from 0 to 100"); n != nil {
		in.DiscountPercent = *n
	}
	return in
}

// addRuleProblems records the API's problems with a policy under the
// inputs of rule n (from 1), the rule on the form; problems with other
// rules are listed without an input.
func addRuleProblems(errs *formErrors, problems []ruleProblem, n int) {
	for _, p := range problems {
		dup := p.Field == "name" && strings.Contains(p.Message, "already has this name")
		switch {
		case p.Rule == 0:
			errs.add("", p.Message)
		case p.Rule != n && dup:
			// A later rule has the name the form gives this one.
			errs.add("name", fmt.Sprintf("Rule %d already has this name: give this rule a name of its own", p.Rule))
		case p.Rule != n:
			errs.add("", fmt.Sprintf("Rule %d: %s", p.Rule, p.Message))
		case dup:
			errs.add("name", strings.Replace(p.Message, "; names must differ", ": give this rule a name of its own", 1))
		case ruleChoices[p.Field].what != "":
			what := ruleChoices[p.Field].what
			if strings.Contains(p.Message, "twice") {
				errs.add(p.Field, "Select each of the "+what+" once")
			} else {
				errs.add(p.Field, "Select only "+what+" from the list")
			}
		case ruleWords[p.Field] != "":
			errs.add(p.Field, sentence(ruleWords[p.Field], p.Message))
		default:
			errs.add(p.Field, p.Message)
		}
	}
}

// rulePlace is where the rule on the form is in the draft rules: rule n,
// or the last for a new one.
func rulePlace(n int, ins []rentRuleInput) int {
	if n == 0 {
		return len(ins)
	}
	return n
}

// draftRules are the policy's rules with rule n (from 1) replaced by in,
// or in added at the end when n is 0.
func draftRules(saved []booking.RentRule, n int, in rentRuleInput) []rentRuleInput {
	ins := ruleInputs(saved)
	if n == 0 {
		return append(ins, in)
	}
	ins[n-1] = in
	return ins
}

// checkDraft checks draft rules as saving them would, recording problems
// under rule n's inputs; it returns the rules when they are sound.
func checkDraft(errs *formErrors, ins []rentRuleInput, n int) ([]booking.RentRule, bool) {
	var p booking.Problems
	rules := parseRentRules(&p, ins)
	checkRentPolicy(&p, rules)
	problems, bad := ruleProblems(p.Err())
	addRuleProblems(errs, problems, rulePlace(n, ins))
	return rules, !bad
}

// rentRulePage is what the rule form template shows.
type rentRulePage struct {
	Heading, Caption, Action, Cancel, Submit string
	Form                                     ruleForm
	OrganisationTypes, Purposes, SpaceKinds  []checkItem
	Weekdays, Verified                       []checkItem
	Warnings                                 []string // of the policy with the rule as typed, once tried
	Try                                      *tryPanel
}

// ruleChecks are the checkboxes of one group, the first with the group's
// id so the error summary can link to it.
func ruleChecks(name string, opts []booking.Option, checked []string) []checkItem {
	out := make([]checkItem, len(opts))
	for i, o := range opts {
		id := name
		if i > 0 {
			id += "-" + strconv.Itoa(i+1)
		}
		out[i] = checkItem{ID: id, Name: name, Value: o.Value, Label: o.Label, Checked: slices.Contains(checked, o.Value)}
	}
	return out
}

// ruleNumber reads the rule in the URL: 0 for a new one, else its place
// in the list from 1.
func ruleNumber(c *gin.Context, rules []booking.RentRule) (int, error) {
	raw := c.Param("n")
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > len(rules) || strconv.Itoa(n) != raw {
		return 0, booking.ErrNotFound
	}
	return n, nil
}

// editableRule loads the policy in the URL, which must have rules of its
// own, and the rule in the URL (0 for a new one).
func (s *Server) editableRule(c *gin.Context) (*rentScope, int, error) {
	sc, err := s.editableRules(c)
	if err != nil {
		return nil, 0, err
	}
	n, err := ruleNumber(c, sc.rules())
	return sc, n, err
}

// ruleFormPosted is editableRule for a form posted about a rule, with the
// form.
func (s *Server) ruleFormPosted(c *gin.Context) (*rentScope, url.Values, int, error) {
	sc, form, err := s.rentPolicyForm(c, true)
	if err != nil {
		return nil, nil, 0, err
	}
	n, err := ruleNumber(c, sc.rules())
	return sc, form, n, err
}

func newRulePage(sc *rentScope, n int, f ruleForm) *rentRulePage {
	p := &rentRulePage{Heading: "Add a rule", Submit: "Add rule", Action: sc.base() + "/rules/new", Cancel: sc.base(), Form: f,
		Caption: "Estate-wide rent policy"}
	if sc.Site != nil {
		p.Caption = "Rent policy, " + sc.Site.Name
	}
	if n > 0 {
		p.Heading, p.Submit = fmt.Sprintf("Change rule %d", n), "Save rule"
		p.Action = sc.base() + "/rules/" + strconv.Itoa(n)
	}
	p.OrganisationTypes = ruleChecks("organisation_types", booking.OrganisationTypes, f.OrganisationTypes)
	p.Purposes = ruleChecks("purposes", booking.Purposes, f.Purposes)
	p.SpaceKinds = ruleChecks("space_kinds", booking.SpaceKinds, f.SpaceKinds)
	p.Weekdays = ruleChecks("weekdays", weekdayOptions(), f.Weekdays)
	p.Verified = []checkItem{{ID: "verified_only", Name: "verified_only", Value: "yes", Label: "Only organisations the estates team has verified",
		Checked: f.VerifiedOnly}}
	return p
}

// renderRule shows the rule form with the try-it panel, which prices a
// sample booking under the policy as it would be with the rule as typed.
func (s *Server) renderRule(c *gin.Context, status int, sc *rentScope, n int, f ruleForm, v *view, tried bool) {
	p := newRulePage(sc, n, f)
	draft := &booking.RentPolicy{Rules: sc.rules()}
	if tried {
		// The rule's own problems come first; a sample booking is priced
		// only under a policy that could be saved.
		in := f.input(&v.Errors)
		rules, ok := checkDraft(&v.Errors, draftRules(sc.rules(), n, in), n)
		draft = nil
		if ok && !v.Errors.any() {
			draft = &booking.RentPolicy{Rules: rules}
			p.Warnings = draft.Warnings()
		}
	}
	var err error
	if p.Try, err = s.tryPanelFor(c, sc, &v.Errors, draft, p.Action, true); err != nil {
		s.fail(c, err)
		return
	}
	if status == http.StatusOK && v.Errors.any() {
		status = http.StatusUnprocessableEntity
	}
	v.Errors.inOrder(append(slices.Clone(ruleOrder), tryOrder...)...)
	v.Title, v.Data = p.Heading+", "+p.Caption, p
	v.Back = &link{Href: sc.base(), Text: "Back to the rent policy"}
	s.render(c, status, "rent-policy-rule", v)
}

// rentRuleForm is the form that adds a rule to a policy or changes one.
// Its try-it button sends the form back here by GET with the rule as typed.
func (s *Server) rentRuleForm() gin.HandlerFunc {
	return func(c *gin.Context) {
		sc, n, err := s.editableRule(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		q := c.Request.URL.Query()
		tried := q.Has(tryMarker)
		var f ruleForm
		switch {
		case tried:
			f = ruleFormFrom(q)
		case n > 0:
			f = ruleFormOf(sc.rules()[n-1])
		default:
			f = ruleForm{Discount: "100"}
		}
		if !tried || f.Version == "" {
			f.Version = strconv.Itoa(sc.Saved.Version)
		}
		s.renderRule(c, http.StatusOK, sc, n, f, &view{}, tried)
	}
}

// rentRuleSubmit saves a new version of the policy with the rule added or
// changed, through the API's checks.
func (s *Server) rentRuleSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		sc, form, n, err := s.ruleFormPosted(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		f := ruleFormFrom(form)
		v := &view{}
		if !sc.current(form) {
			v.Errors.add("", staleMessage)
			f.Version = strconv.Itoa(sc.Saved.Version)
			s.renderRule(c, http.StatusConflict, sc, n, f, v, false)
			return
		}
		in := f.input(&v.Errors)
		ins := draftRules(sc.rules(), n, in)
		if v.Errors.any() {
			checkDraft(&v.Errors, ins, n)
			s.renderRule(c, http.StatusUnprocessableEntity, sc, n, f, v, false)
			return
		}
		if err := s.saveRules(c.Request.Context(), currentPrincipal(c), sc, ins); err != nil {
			problems, ok := ruleProblems(err)
			if !ok {
				s.fail(c, err)
				return
			}
			addRuleProblems(&v.Errors, problems, rulePlace(n, ins))
			s.renderRule(c, http.StatusUnprocessableEntity, sc, n, f, v, false)
			return
		}
		msg := fmt.Sprintf("Rule ‘%s’ saved.", strings.TrimSpace(in.Name))
		if n == 0 {
			msg = fmt.Sprintf("Rule ‘%s’ added as rule %d.", strings.TrimSpace(in.Name), len(ins))
		}
		s.redirect(c, sc.base()+"#rules", msg)
	}
}

// Directions a rule moves in.
const (
	moveUp   = "up"
	moveDown = "down"
)

// rentRuleMoveSubmit moves a rule one place up or down the list.
func (s *Server) rentRuleMoveSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		sc, form, n, err := s.ruleFormPosted(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		v := &view{}
		to := n - 1
		if form.Get("direction") == moveDown {
			to = n + 1
		}
		switch {
		case !sc.current(form):
			v.Errors.add("", staleMessage)
			s.renderRentPolicy(c, http.StatusConflict, sc, v, nil)
			return
		case form.Get("direction") != moveUp && form.Get("direction") != moveDown:
			v.Errors.add("", "Choose to move the rule up or down")
		case to < 1 || to > len(sc.rules()):
			v.Errors.add("", fmt.Sprintf("Rule %d cannot move %s: it is already %s", n, form.Get("direction"),
				map[bool]string{true: "first", false: "last"}[to < 1]))
		}
		if v.Errors.any() {
			s.renderRentPolicy(c, http.StatusUnprocessableEntity, sc, v, nil)
			return
		}
		rules := slices.Clone(sc.rules())
		rules[n-1], rules[to-1] = rules[to-1], rules[n-1]
		if err := s.saveRules(c.Request.Context(), currentPrincipal(c), sc, ruleInputs(rules)); err != nil {
			s.rentPolicyFailed(c, sc, v, err, nil)
			return
		}
		s.redirect(c, sc.base()+"#rules", fmt.Sprintf("Rule ‘%s’ is now rule %d.", rules[to-1].Name, to))
	}
}

// rentRuleDeletePage asks whether to delete a rule, saying what it does.
type rentRuleDeletePage struct {
	Caption, Action, Cancel string
	Rule                    ruleRow
	Version                 int
}

func (s *Server) rentRuleDeletePage() gin.HandlerFunc {
	return func(c *gin.Context) {
		sc, n, err := s.editableRule(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		p := newRulePage(sc, n, ruleForm{})
		row := ruleRows(sc.rules(), sc.base(), true)[n-1]
		s.render(c, http.StatusOK, "rent-policy-delete", &view{
			Title: fmt.Sprintf("Delete rule %d, %s", n, p.Caption), Back: &link{Href: sc.base(), Text: "Back to the rent policy"},
			Data: rentRuleDeletePage{Caption: p.Caption, Action: row.Delete, Cancel: sc.base(), Rule: row, Version: sc.Saved.Version},
		})
	}
}

// rentRuleDeleteSubmit deletes a rule from the policy.
func (s *Server) rentRuleDeleteSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		sc, form, n, err := s.ruleFormPosted(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		v := &view{}
		if !sc.current(form) {
			v.Errors.add("", staleMessage)
			s.renderRentPolicy(c, http.StatusConflict, sc, v, nil)
			return
		}
		name := sc.rules()[n-1].Name
		rules := slices.Delete(slices.Clone(sc.rules()), n-1, n)
		if err := s.saveRules(c.Request.Context(), currentPrincipal(c), sc, ruleInputs(rules)); err != nil {
			s.rentPolicyFailed(c, sc, v, err, nil)
			return
		}
		s.redirect(c, sc.base()+"#rules", fmt.Sprintf("Rule ‘%s’ deleted.", name))
	}
}
