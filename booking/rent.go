package booking

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// RentRule is one rule of a rent policy. It matches a booking (or a part of
// one) when every condition it sets holds; an empty list sets no condition.
type RentRule struct {
	Name              string
	OrganisationTypes []string
	VerifiedOnly      bool
	Purposes          []string
	SpaceKinds        []string
	// Weekdays and the window From–To (local wall-clock time) say when the
	// rule applies; no weekdays means every day, From = To = 0 the whole day.
	Weekdays []time.Weekday
	From, To Clock
	// MonthlyCapHours, when above zero, is how many hours a month the rule
	// gives one organisation at one site. Once they are used up the rule no
	// longer matches and the next rule applies.
	MonthlyCapHours int
	DiscountPercent int
}

// RentPolicy is an ordered list of rules: the first whose conditions all
// hold wins, and when none holds the standard rate applies.
type RentPolicy struct {
	Rules []RentRule
}

// Limits of a rent policy.
const (
	MaxRentRules        = 50
	MaxRuleNameLength   = 80
	MaxCancellationDays = 365
)

// VATRates are the VAT rates a site may charge on room hire, in percent.
var VATRates = []int{0, 20}

// window is the rule's time of day, with the whole day written out.
func (r RentRule) window() (Clock, Clock) {
	if r.From == 0 && r.To == 0 {
		return 0, 24 * 60
	}
	return r.From, r.To
}

func (r RentRule) timed() bool {
	from, to := r.window()
	return len(r.Weekdays) > 0 || from != 0 || to != 24*60
}

func (r RentRule) onDay(wd time.Weekday) bool {
	return len(r.Weekdays) == 0 || slices.Contains(r.Weekdays, wd)
}

// Check validates a policy; field names follow the API's JSON.
func (p RentPolicy) Check() error {
	var pr Problems
	if len(p.Rules) > MaxRentRules {
		pr.Add("rules", "A policy has at most %d rules", MaxRentRules)
	}
	seen := map[string]int{}
	for i, r := range p.Rules {
		f := func(name string) string { return fmt.Sprintf("rules[%d].%s", i, name) }
		name := strings.TrimSpace(r.Name)
		switch {
		case name == "":
			pr.Add(f("name"), "Give the rule a name")
		case len([]rune(name)) > MaxRuleNameLength:
			pr.Add(f("name"), "Must be at most %d characters", MaxRuleNameLength)
		default:
			key := strings.ToLower(name)
			if j, dup := seen[key]; dup {
				pr.Add(f("name"), "Rule %d already has this name; names must differ", j+1)
			}
			seen[key] = i
		}
		checkEach(&pr, f("organisation_types"), r.OrganisationTypes, ValidOrganisationType, OrganisationTypes)
		checkEach(&pr, f("purposes"), r.Purposes, ValidPurpose, Purposes)
		checkEach(&pr, f("space_kinds"), r.SpaceKinds, ValidSpaceKind, SpaceKinds)
		for k, d := range r.Weekdays {
			if d < time.Sunday || d > time.Saturday {
				pr.Add(fmt.Sprintf("rules[%d].weekdays[%d]", i, k), "Not a day of the week")
			} else if slices.Index(r.Weekdays, d) != k {
				pr.Add(fmt.Sprintf("rules[%d].weekdays[%d]", i, k), "%s is listed twice", d)
			}
		}
		if !(r.From == 0 && r.To == 0) && !(0 <= r.From && r.From < r.To && r.To <= 24*60) {
			pr.Add(f("time_to"), "The end of the time of day must be after its start")
		}
		if r.MonthlyCapHours < 0 || r.MonthlyCapHours > 744 {
			pr.Add(f("monthly_cap_hours"), "Must be from 0 (no cap) to 744 hours")
		}
		if r.DiscountPercent < 0 || r.DiscountPercent > 100 {
			pr.Add(f("discount_percent"), "Must be from 0 to 100")
		}
	}
	return pr.Err()
}

func checkEach(pr *Problems, field string, vs []string, valid func(string) bool, opts []Option) {
	for k, v := range vs {
		switch {
		case !valid(v):
			pr.Add(fmt.Sprintf("%s[%d]", field, k), "Choose from: %s", strings.Join(Values(opts), ", "))
		case slices.Index(vs, v) != k:
			pr.Add(fmt.Sprintf("%s[%d]", field, k), "%s is listed twice", v)
		}
	}
}

// Warnings lists rules that can never apply because an earlier rule
// matches every booking they would, and rules that an earlier, less
// generous rule hides for some bookings. An earlier rule that is more
// generous is the usual shape of a policy and is not reported.
func (p RentPolicy) Warnings() []string {
	var out []string
	for j, b := range p.Rules {
		shadowed := false
		for i, a := range p.Rules[:j] {
			if a.covers(b) {
				out = append(out, fmt.Sprintf("Rule %d %s can never apply: rule %d %s comes first and matches every booking it would.",
					j+1, quoted(b.Name), i+1, quoted(a.Name)))
				shadowed = true
				break
			}
		}
		if shadowed {
			continue
		}
		for i, a := range p.Rules[:j] {
			if a.overlaps(b) && a.DiscountPercent < b.DiscountPercent {
				out = append(out, fmt.Sprintf("Rules %d %s and %d %s both match some bookings: rule %d wins for those, though rule %d gives a larger discount.",
					i+1, quoted(a.Name), j+1, quoted(b.Name), i+1, j+1))
			}
		}
	}
	return out
}

// covers reports whether a matches every booking b matches, whatever the
// hours already used: a capped rule stops matching, so it covers nothing.
func (a RentRule) covers(b RentRule) bool {
	if a.MonthlyCapHours > 0 {
		return false
	}
	af, at := a.window()
	bf, bt := b.window()
	return superset(a.OrganisationTypes, b.OrganisationTypes) &&
		(!a.VerifiedOnly || b.VerifiedOnly) &&
		superset(a.Purposes, b.Purposes) &&
		superset(a.SpaceKinds, b.SpaceKinds) &&
		superset(a.Weekdays, b.Weekdays) &&
		af <= bf && bt <= at
}

// overlaps reports whether some booking matches both rules.
func (a RentRule) overlaps(b RentRule) bool {
	af, at := a.window()
	bf, bt := b.window()
	return intersect(a.OrganisationTypes, b.OrganisationTypes) &&
		intersect(a.Purposes, b.Purposes) &&
		intersect(a.SpaceKinds, b.SpaceKinds) &&
		intersect(a.Weekdays, b.Weekdays) &&
		af < bt && bf < at
}

// superset reports whether the condition a allows everything b allows; an
// empty list allows everything.
func superset[T comparable](a, b []T) bool {
	if len(a) == 0 {
		return true
	}
	if len(b) == 0 {
		return false
	}
	for _, v := range b {
		if !slices.Contains(a, v) {
			return false
		}
	}
	return true
}

func intersect[T comparable](a, b []T) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, v := range b {
		if slices.Contains(a, v) {
			return true
		}
	}
	return false
}

func quoted(name string) string { return "‘" + name + "’" }
