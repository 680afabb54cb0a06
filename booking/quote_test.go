package booking

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// local is the instant the London wall clock shows "2026-12-01 10:00".
func local(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, London)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func liv(date, from, to string) Interval {
	return Interval{Start: local(date + " " + from), End: local(date + " " + to)}
}

var vcs = []string{"registered_charity", "community_group", "community_interest_company", "social_enterprise", "faith_or_tenants_group"}

// demoPolicy has each kind of condition: types with verification and
// purposes under a cap, types alone, a time of day with weekdays and kinds.
var demoPolicy = RentPolicy{Rules: []RentRule{
	{Name: "VCS wellbeing", OrganisationTypes: vcs, VerifiedOnly: true,
		Purposes: []string{"social_prescribing", "health_wellbeing"}, MonthlyCapHours: 40, DiscountPercent: 100},
	{Name: "Charitable use", OrganisationTypes: vcs, DiscountPercent: 50},
	{Name: "NHS services", OrganisationTypes: []string{"nhs_service"}, DiscountPercent: 100},
	{Name: "Evening off-peak", Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		From: 18 * 60, To: 22 * 60, SpaceKinds: []string{"meeting_room", "hall"}, DiscountPercent: 25},
}}

func hourly(rate int64) Prices {
	return Prices{SiteName: "Hunter Street Health Centre", SpaceKind: "meeting_room", Unit: "hour", RatePence: rate, Policy: demoPolicy}
}

type partWant struct {
	rule    string
	minutes int
}

func TestQuoteRules(t *testing.T) {
	charity := Booker{OrganisationType: "registered_charity", Verified: true}
	unverified := Booker{OrganisationType: "registered_charity"}
	nhs := Booker{OrganisationType: "nhs_service", Verified: true}
	firm := Booker{OrganisationType: "commercial", Verified: true}
	kitchen := hourly(2000)
	kitchen.SpaceKind = "kitchen"
	withVAT := hourly(1999)
	withVAT.VATPercent = 20

	tests := []struct {
		name     string
		prices   Prices
		booker   Booker
		purpose  string
		iv       Interval
		used     map[string]int // minutes used this month, by rule
		parts    []partWant
		standard int64
		discount int64
		vat      int64
		total    int64
		explain  string
	}{
		{name: "verified charity, social prescribing: free", prices: hourly(2000), booker: charity, purpose: "social_prescribing",
			iv: liv("2026-12-01", "10:00", "12:00"), parts: []partWant{{"VCS wellbeing", 120}}, standard: 4000, discount: 4000, total: 0,
			explain: "Free — verified registered charity running a social prescribing activity within 40 hours a month (rule ‘VCS wellbeing’ at Hunter Street Health Centre)."},
		{name: "verified only: an unverified charity falls to the next rule", prices: hourly(2000), booker: unverified, purpose: "social_prescribing",
			iv: liv("2026-12-01", "10:00", "12:00"), parts: []partWant{{"Charitable use", 120}}, standard: 4000, discount: 2000, total: 2000,
			explain: "50% off the standard rate — registered charity (rule ‘Charitable use’ at Hunter Street Health Centre)."},
		{name: "purpose: community use is not the wellbeing rule", prices: hourly(2000), booker: charity, purpose: "community",
			iv: liv("2026-12-01", "10:00", "11:00"), parts: []partWant{{"Charitable use", 60}}, standard: 2000, discount: 1000, total: 1000},
		{name: "organisation type: NHS service", prices: hourly(2000), booker: nhs, purpose: "health_wellbeing",
			iv: liv("2026-12-01", "10:00", "11:00"), parts: []partWant{{"NHS services", 60}}, standard: 2000, discount: 2000, total: 0},
		{name: "no rule: standard rate", prices: hourly(2000), booker: firm, purpose: "private_commercial",
			iv: liv("2026-12-01", "10:00", "11:30"), parts: []partWant{{"", 90}}, standard: 3000, total: 3000,
			explain: "Standard rate — no rule of the rent policy at Hunter Street Health Centre applies."},
		{name: "time of day: an evening booking is off-peak", prices: hourly(2000), booker: firm, purpose: "private_commercial",
			iv: liv("2026-12-01", "18:00", "20:00"), parts: []partWant{{"Evening off-peak", 120}}, standard: 4000, discount: 1000, total: 3000,
			explain: "25% off the standard rate — booked in a meeting room, at Monday to Friday, 18:00 to 22:00 (rule ‘Evening off-peak’ at Hunter Street Health Centre)."},
		{name: "time of day: a booking across its start is split", prices: hourly(2000), booker: firm, purpose: "private_commercial",
			iv: liv("2026-12-01", "17:00", "19:00"), parts: []partWant{{"", 60}, {"Evening off-peak", 60}}, standard: 4000, discount: 500, total: 3500},
		{name: "weekdays: Saturday evening is not off-peak", prices: hourly(2000), booker: firm, purpose: "private_commercial",
			iv: liv("2026-12-05", "18:00", "20:00"), parts: []partWant{{"", 120}}, standard: 4000, total: 4000},
		{name: "space kinds: a kitchen is not off-peak", prices: kitchen, booker: firm, purpose: "private_commercial",
			iv: liv("2026-12-01", "18:00", "20:00"), parts: []partWant{{"", 120}}, standard: 4000, total: 4000},
		{name: "first match wins: the wellbeing rule before off-peak", prices: hourly(2000), booker: charity, purpose: "health_wellbeing",
			iv: liv("2026-12-01", "18:00", "20:00"), parts: []partWant{{"VCS wellbeing", 120}}, standard: 4000, discount: 4000, total: 0},
		{name: "cap: a booking that crosses it is split across rules", prices: hourly(2000), booker: charity, purpose: "social_prescribing",
			iv: liv("2026-12-01", "10:00", "12:00"), used: map[string]int{"VCS wellbeing": 39 * 60},
			parts: []partWant{{"VCS wellbeing", 60}, {"Charitable use", 60}}, standard: 4000, discount: 3000, total: 1000,
			explain: "1 hour free — verified registered charity running a social prescribing activity within 40 hours a month (rule ‘VCS wellbeing’ at Hunter Street Health Centre); " +
				"1 hour at 50% off the standard rate — registered charity (rule ‘Charitable use’ at Hunter Street Health Centre)."},
		{name: "cap: used up, the next rule applies", prices: hourly(2000), booker: charity, purpose: "social_prescribing",
			iv: liv("2026-12-01", "10:00", "12:00"), used: map[string]int{"VCS wellbeing": 40 * 60},
			parts: []partWant{{"Charitable use", 120}}, standard: 4000, discount: 2000, total: 2000},
		{name: "cap: another rule's hours do not count", prices: hourly(2000), booker: charity, purpose: "social_prescribing",
			iv: liv("2026-12-01", "10:00", "12:00"), used: map[string]int{"Charitable use": 100 * 60},
			parts: []partWant{{"VCS wellbeing", 120}}, standard: 4000, discount: 4000, total: 0},
		{name: "hourly: pro rata to the minute", prices: hourly(2000), booker: firm, purpose: "private_commercial",
			iv: liv("2026-12-01", "10:00", "10:45"), parts: []partWant{{"", 45}}, standard: 1500, total: 1500},
		{name: "rounding: half a penny rounds up, and VAT on the net", prices: withVAT, booker: firm, purpose: "private_commercial",
			iv: liv("2026-12-01", "18:00", "19:30"), parts: []partWant{{"Evening off-peak", 90}},
			// 1999 × 1.5 = 2998.5 → 2999; 25% = 749.75 → 750; net 2249; VAT 20% = 449.8 → 450.
			standard: 2999, discount: 750, vat: 450, total: 2699},
		{name: "VAT is not charged on a free booking", prices: withVAT, booker: nhs, purpose: "community",
			iv: liv("2026-12-01", "10:00", "11:00"), parts: []partWant{{"NHS services", 60}}, standard: 1999, discount: 1999, total: 0},
		{name: "VAT on the standard rate", prices: withVAT, booker: firm, purpose: "private_commercial",
			iv: liv("2026-12-01", "10:00", "11:00"), parts: []partWant{{"", 60}}, standard: 1999, vat: 400, total: 2399,
			explain: "Standard rate — no rule of the rent policy at Hunter Street Health Centre applies. Plus VAT at 20%."},
		{name: "clock change: off-peak stays 18:00 to 22:00 local on the day the clocks go back", prices: hourly(2000), booker: firm, purpose: "private_commercial",
			iv: liv("2026-10-26", "17:00", "19:00"), parts: []partWant{{"", 60}, {"Evening off-peak", 60}}, standard: 4000, discount: 500, total: 3500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Quoter{Prices: tt.prices, Booker: tt.booker, Purpose: tt.purpose,
				Used: func(time.Time) (map[string]int, error) { return tt.used, nil }}
			line, err := q.Line(tt.iv)
			if err != nil {
				t.Fatal(err)
			}
			var got []partWant
			for _, p := range line.Parts {
				got = append(got, partWant{p.Rule, p.Minutes})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.parts) {
				t.Errorf("parts = %v, want %v", got, tt.parts)
			}
			if line.StandardPence != tt.standard || line.DiscountPence != tt.discount || line.VATPence != tt.vat || line.TotalPence != tt.total {
				t.Errorf("standard %d discount %d VAT %d total %d, want %d %d %d %d",
					line.StandardPence, line.DiscountPence, line.VATPence, line.TotalPence, tt.standard, tt.discount, tt.vat, tt.total)
			}
			if line.NetPence != line.StandardPence-line.DiscountPence || line.TotalPence != line.NetPence+line.VATPence {
				t.Errorf("net %d and total %d do not add up", line.NetPence, line.TotalPence)
			}
			if tt.explain != "" && line.Explanation != tt.explain {
				t.Errorf("explanation\n got %q\nwant %q", line.Explanation, tt.explain)
			}
		})
	}
}

func TestQuoteSeriesCrossesTheCapMidway(t *testing.T) {
	stored := map[time.Time]map[string]int{
		monthOf(local("2026-12-01 00:00")): {"VCS wellbeing": 35 * 60},
	}
	var asked []time.Time
	q := Quoter{Prices: hourly(2000), Booker: Booker{OrganisationType: "community_group", Verified: true}, Purpose: "health_wellbeing",
		Used: func(month time.Time) (map[string]int, error) {
			asked = append(asked, month)
			return stored[month], nil
		}}
	// Five Tuesdays of 2 hours in December (35 h used before), then one
	// in January: 2 + 2 free, then 1 free and 1 at half rate, then half
	// rate, and January starts afresh.
	dates := []string{"2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22", "2026-12-29", "2027-01-05"}
	want := []string{
		"[{VCS wellbeing 120}]", "[{VCS wellbeing 120}]",
		"[{VCS wellbeing 60} {Charitable use 60}]",
		"[{Charitable use 120}]", "[{Charitable use 120}]",
		"[{VCS wellbeing 120}]",
	}
	var quote Quote
	for i, d := range dates {
		line, err := q.Line(liv(d, "10:00", "12:00"))
		if err != nil {
			t.Fatal(err)
		}
		var got []partWant
		for _, p := range line.Parts {
			got = append(got, partWant{p.Rule, p.Minutes})
		}
		if fmt.Sprint(got) != want[i] {
			t.Errorf("%s: parts %v, want %s", d, got, want[i])
		}
		quote.Add(line)
	}
	if len(asked) != 2 {
		t.Errorf("usage was read %d times, want once per month (2)", len(asked))
	}
	// Standard 6 × 4000; discounts 4000, 4000, 2000+1000, 2000, 2000, 4000.
	if quote.StandardPence != 24000 || quote.DiscountPence != 19000 || quote.TotalPence != 5000 {
		t.Errorf("totals: standard %d discount %d total %d", quote.StandardPence, quote.DiscountPence, quote.TotalPence)
	}
}

func TestQuoteUnits(t *testing.T) {
	charity := Booker{OrganisationType: "registered_charity", Verified: true}
	capped := RentPolicy{Rules: []RentRule{
		{Name: "Short free", OrganisationTypes: []string{"registered_charity"}, MonthlyCapHours: 30, DiscountPercent: 100},
		{Name: "Weekend half", Weekdays: []time.Weekday{time.Saturday, time.Sunday}, DiscountPercent: 50},
		{Name: "Evenings", From: 18 * 60, To: 22 * 60, DiscountPercent: 10},
	}}
	tests := []struct {
		name     string
		unit     string
		booker   Booker
		iv       Interval
		used     int
		parts    string
		standard int64
		total    int64
	}{
		{"day: priced per day", "day", Booker{OrganisationType: "commercial"},
			Interval{Start: local("2026-12-01 00:00"), End: local("2026-12-04 00:00")}, 0, "[{ 4320}]", 30000, 30000},
		{"day: a weekday rule matches whole days only", "day", Booker{OrganisationType: "commercial"},
			Interval{Start: local("2026-12-04 00:00"), End: local("2026-12-07 00:00")}, 0, "[{ 1440} {Weekend half 2880}]", 30000, 20000},
		{"day: a time of day never covers a whole day", "day", Booker{OrganisationType: "commercial"},
			Interval{Start: local("2026-12-01 00:00"), End: local("2026-12-02 00:00")}, 0, "[{ 1440}]", 10000, 10000},
		{"day: a capped rule takes a day only if all of it fits", "day", charity,
			Interval{Start: local("2026-12-01 00:00"), End: local("2026-12-03 00:00")}, 0, "[{Short free 1440} { 1440}]", 20000, 10000},
		{"day: the day the clocks go back is one day", "day", Booker{OrganisationType: "commercial"},
			Interval{Start: local("2026-10-26 00:00"), End: local("2026-10-27 00:00")}, 0, "[{ 1440}]", 10000, 10000},
		{"season: one price for the season", "season", Booker{OrganisationType: "commercial"},
			Interval{Start: local("2027-03-01 00:00"), End: local("2027-10-01 00:00")}, 0, "[{ 308100}]", 10000, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Quoter{Prices: Prices{SiteName: "Site", SpaceKind: "allotment_plot", Unit: tt.unit, RatePence: 10000, Policy: capped},
				Booker: tt.booker, Purpose: "community",
				Used: func(time.Time) (map[string]int, error) { return map[string]int{"Short free": tt.used}, nil }}
			line, err := q.Line(tt.iv)
			if err != nil {
				t.Fatal(err)
			}
			var got []partWant
			for _, p := range line.Parts {
				got = append(got, partWant{p.Rule, p.Minutes})
			}
			if fmt.Sprint(got) != tt.parts || line.StandardPence != tt.standard || line.TotalPence != tt.total {
				t.Errorf("parts %v standard %d total %d, want %s %d %d", got, line.StandardPence, line.TotalPence, tt.parts, tt.standard, tt.total)
			}
		})
	}
}

func TestQuoteUsageErrorStopsTheQuote(t *testing.T) {
	boom := errors.New("database gone")
	q := Quoter{Prices: hourly(2000), Booker: Booker{OrganisationType: "registered_charity", Verified: true}, Purpose: "social_prescribing",
		Used: func(time.Time) (map[string]int, error) { return nil, boom }}
	if _, err := q.Line(liv("2026-12-01", "10:00", "11:00")); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the usage error", err)
	}
}

func TestPenceRoundsHalfUp(t *testing.T) {
	for _, tt := range []struct{ a, b, want int64 }{
		{0, 60, 0}, {29, 60, 0}, {30, 60, 1}, {89, 60, 1}, {90, 60, 2}, {74975, 100, 750}, {74949, 100, 749}, {5, 10, 1}, {4, 10, 0},
	} {
		if got := Pence(tt.a, tt.b); got != tt.want {
			t.Errorf("Pence(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestRentPolicyCheck(t *testing.T) {
	good := demoPolicy
	if err := good.Check(); err != nil {
		t.Fatalf("the demo policy is refused: %v", err)
	}
	bad := RentPolicy{Rules: []RentRule{
		{Name: " ", DiscountPercent: 101},
		{Name: "A", OrganisationTypes: []string{"pirates"}, Purposes: []string{"community", "community"}, DiscountPercent: -1},
		{Name: "a", SpaceKinds: []string{"moon"}, Weekdays: []time.Weekday{time.Monday, time.Monday, 9}, From: 600, To: 540, MonthlyCapHours: 745},
		{Name: strings.Repeat("x", 81)},
	}}
	var v *ValidationError
	if !errors.As(bad.Check(), &v) {
		t.Fatal("a bad policy passes")
	}
	got := map[string]bool{}
	for _, f := range v.Fields {
		got[f.Field] = true
	}
	for _, f := range []string{"rules[0].name", "rules[0].discount_percent", "rules[1].organisation_types[0]", "rules[1].purposes[1]",
		"rules[1].discount_percent", "rules[2].name", "rules[2].space_kinds[0]", "rules[2].weekdays[1]", "rules[2].weekdays[2]",
		"rules[2].time_to", "rules[2].monthly_cap_hours", "rules[3].name"} {
		if !got[f] {
			t.Errorf("no problem named %s (got %v)", f, got)
		}
	}
	if len(got) != 12 {
		t.Errorf("%d problems, want 12: %v", len(got), got)
	}
}

func TestRentPolicyWarnings(t *testing.T) {
	p := RentPolicy{Rules: []RentRule{
		{Name: "Charities", OrganisationTypes: []string{"registered_charity"}, DiscountPercent: 50},
		{Name: "Verified charities", OrganisationTypes: []string{"registered_charity"}, VerifiedOnly: true, DiscountPercent: 100},
		{Name: "Capped groups", OrganisationTypes: []string{"community_group"}, MonthlyCapHours: 10, DiscountPercent: 100},
		{Name: "Groups", OrganisationTypes: []string{"community_group"}, DiscountPercent: 50},
		{Name: "Evenings", Weekdays: []time.Weekday{time.Monday}, From: 18 * 60, To: 22 * 60, DiscountPercent: 20},
		{Name: "Late", Weekdays: []time.Weekday{time.Monday}, From: 19 * 60, To: 21 * 60, DiscountPercent: 30},
		{Name: "Mornings", To: 12 * 60, DiscountPercent: 20},
		{Name: "Sundays", Weekdays: []time.Weekday{time.Sunday}, DiscountPercent: 40},
	}}
	got := p.Warnings()
	want := []string{
		"Rule 2 ‘Verified charities’ can never apply: rule 1 ‘Charities’ comes first and matches every booking it would.",
		"Rule 6 ‘Late’ can never apply: rule 5 ‘Evenings’ comes first and matches every booking it would.",
		"Rules 7 ‘Mornings’ and 8 ‘Sundays’ both match some bookings: rule 7 wins for those, though rule 8 gives a larger discount.",
	}
	// A capped rule never hides the rule after it (4); a more generous
	// earlier rule is not reported (1 before 5); rules that share no
	// booking (evenings and mornings) are not either.
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n got %q\nwant %q", got, want)
	}
	if w := demoPolicy.Warnings(); len(w) != 0 {
		t.Errorf("the demo policy has warnings: %q", w)
	}
}

func TestDaysPhrase(t *testing.T) {
	for _, tt := range []struct {
		days []time.Weekday
		want string
	}{
		{[]time.Weekday{time.Friday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday}, "Monday to Friday"},
		{[]time.Weekday{time.Sunday, time.Saturday}, "Saturday and Sunday"},
		{[]time.Weekday{time.Monday, time.Wednesday, time.Thursday, time.Friday, time.Sunday}, "Monday, Wednesday to Friday and Sunday"},
		{[]time.Weekday{time.Tuesday}, "Tuesday"},
	} {
		if got := DaysPhrase(tt.days); got != tt.want {
			t.Errorf("DaysPhrase(%v) = %q, want %q", tt.days, got, tt.want)
		}
	}
}
