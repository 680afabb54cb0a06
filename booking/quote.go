package booking

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Prices is what a quote needs to know about a space, its site and the
// rent policy in force there.
type Prices struct {
	SiteName   string
	SpaceKind  string
	Unit       string // hour, day or season
	RatePence  int64  // the standard rate per unit
	VATPercent int
	Policy     RentPolicy
	PolicyID   int64 // the stored version of the policy, 0 when none is saved
}

// Booker is who a quote is for.
type Booker struct {
	OrganisationType string
	Verified         bool
}

// UsedHours says how many minutes each rule (by name) has already given the
// organisation at the site in the calendar month that starts at month.
type UsedHours func(month time.Time) (map[string]int, error)

// QuotePart is a stretch of one occurrence priced under one rule (or, when
// Rule is empty, at the standard rate).
type QuotePart struct {
	Interval        Interval
	Minutes         int
	Rule            string
	DiscountPercent int
	StandardPence   int64
	DiscountPence   int64
	Explanation     string
}

// QuoteLine is the price of one occurrence. Most lines have one part; a
// line splits where a rule's time of day or monthly cap ends inside it.
type QuoteLine struct {
	Interval      Interval
	StandardPence int64
	DiscountPence int64
	NetPence      int64 // standard less discount
	VATPercent    int
	VATPence      int64
	TotalPence    int64
	Parts         []QuotePart
	Explanation   string
}

// Quote is the price of a booking or a series, line by line.
type Quote struct {
	Lines         []QuoteLine
	StandardPence int64
	DiscountPence int64
	NetPence      int64
	VATPence      int64
	TotalPence    int64
}

// Add appends a line and adds it to the totals.
func (q *Quote) Add(l QuoteLine) {
	q.Lines = append(q.Lines, l)
	q.StandardPence += l.StandardPence
	q.DiscountPence += l.DiscountPence
	q.NetPence += l.NetPence
	q.VATPence += l.VATPence
	q.TotalPence += l.TotalPence
}

// Quoter prices the occurrences of one booking or series in order, keeping
// count of the capped hours each line uses so that later lines of a series
// see them.
type Quoter struct {
	Prices  Prices
	Booker  Booker
	Purpose string
	Used    UsedHours
	used    map[time.Time]map[string]int
}

// Pence rounds a/b to the nearest penny, halves up. Every amount in a quote
// is rounded here and only here; a and b are never negative.
func Pence(a, b int64) int64 { return (a + b/2) / b }

// Line prices one occurrence.
func (q *Quoter) Line(iv Interval) (QuoteLine, error) {
	iv = iv.UTC()
	var parts []QuotePart
	for _, seg := range q.segments(iv) {
		for !seg.Empty() {
			part, rest, err := q.match(seg)
			if err != nil {
				return QuoteLine{}, err
			}
			if n := len(parts); n > 0 && parts[n-1].Rule == part.Rule && parts[n-1].Interval.End.Equal(part.Interval.Start) {
				parts[n-1].Interval.End = part.Interval.End
				parts[n-1].Minutes += part.Minutes
			} else {
				parts = append(parts, part)
			}
			seg = rest
		}
	}
	line := QuoteLine{Interval: iv, VATPercent: q.Prices.VATPercent, Parts: parts}
	units := q.units(parts)
	for i := range parts {
		p := &parts[i]
		p.StandardPence = q.standard(p.Minutes, units[i])
		p.DiscountPence = Pence(p.StandardPence*int64(p.DiscountPercent), 100)
		p.Explanation = q.explain(*p, len(parts) > 1)
		line.StandardPence += p.StandardPence
		line.DiscountPence += p.DiscountPence
	}
	line.NetPence = line.StandardPence - line.DiscountPence
	line.VATPence = Pence(line.NetPence*int64(q.Prices.VATPercent), 100)
	line.TotalPence = line.NetPence + line.VATPence
	line.Explanation = q.explainLine(line)
	return line, nil
}

// segments cuts an occurrence where a rule's conditions can change: at
// local midnight (weekday, month) and, for hourly spaces, at the start and
// end of each rule's time of day. Spaces booked by the day are priced day
// by day; a season is priced whole.
func (q *Quoter) segments(iv Interval) []Interval {
	if q.Prices.Unit == "season" {
		return []Interval{iv}
	}
	var clocks []Clock
	if q.Prices.Unit == "hour" {
		for _, r := range q.Prices.Policy.Rules {
			if from, to := r.window(); from != 0 || to != 24*60 {
				clocks = append(clocks, from, to)
			}
		}
		slices.Sort(clocks)
		clocks = slices.Compact(clocks)
	}
	var cuts []time.Time
	for d := DateOf(iv.Start, London); ; d = d.AddDays(1) {
		day := newLocalDay(d, London)
		if day.midnight.After(iv.Start) {
			if !day.midnight.Before(iv.End) {
				break
			}
			cuts = append(cuts, day.midnight)
		}
		for _, c := range clocks {
			if t := day.at(c); t.After(iv.Start) && t.Before(iv.End) {
				cuts = append(cuts, t)
			}
		}
	}
	slices.SortFunc(cuts, time.Time.Compare)
	cuts = slices.CompactFunc(cuts, time.Time.Equal)
	out := make([]Interval, 0, len(cuts)+1)
	start := iv.Start
	for _, c := range cuts {
		out = append(out, Interval{Start: start, End: c})
		start = c
	}
	return append(out, Interval{Start: start, End: iv.End})
}

// match finds the first rule for the start of seg. It returns the part the
// rule prices and what is left of seg: the rest when a monthly cap runs
// out inside an hourly segment.
func (q *Quoter) match(seg Interval) (QuotePart, Interval, error) {
	minutes := int(seg.Duration() / time.Minute)
	month := monthOf(seg.Start)
	for _, r := range q.Prices.Policy.Rules {
		if !q.holds(r, seg) {
			continue
		}
		take := minutes
		if r.MonthlyCapHours > 0 {
			used, err := q.usedIn(month)
			if err != nil {
				return QuotePart{}, Interval{}, err
			}
			left := r.MonthlyCapHours*60 - used[r.Name]
			if left <= 0 || (left < minutes && q.Prices.Unit != "hour") {
				continue
			}
			take = min(minutes, left)
			used[r.Name] += take
		}
		end := seg.Start.Add(time.Duration(take) * time.Minute)
		part := QuotePart{Interval: Interval{Start: seg.Start, End: end}, Minutes: take, Rule: r.Name, DiscountPercent: r.DiscountPercent}
		return part, Interval{Start: end, End: seg.End}, nil
	}
	return QuotePart{Interval: seg, Minutes: minutes}, Interval{Start: seg.End, End: seg.End}, nil
}

// holds reports whether every condition of r except its cap holds for seg.
func (q *Quoter) holds(r RentRule, seg Interval) bool {
	ok := (len(r.OrganisationTypes) == 0 || slices.Contains(r.OrganisationTypes, q.Booker.OrganisationType)) &&
		(!r.VerifiedOnly || q.Booker.Verified) &&
		(len(r.Purposes) == 0 || slices.Contains(r.Purposes, q.Purpose)) &&
		(len(r.SpaceKinds) == 0 || slices.Contains(r.SpaceKinds, q.Prices.SpaceKind))
	if !ok || !r.timed() {
		return ok
	}
	// Every local day the segment touches must be one of the rule's
	// weekdays, with the segment's part of that day inside its time of day.
	from, to := r.window()
	for d := DateOf(seg.Start, London); ; d = d.AddDays(1) {
		day := newLocalDay(d, London)
		if !day.midnight.Before(seg.End) {
			return true
		}
		part := seg.Clip(Interval{Start: day.midnight, End: day.at(24 * 60)})
		if part.Empty() {
			continue
		}
		if !r.onDay(d.Weekday()) || !(Interval{Start: day.at(from), End: day.at(to)}).Contains(part) {
			return false
		}
	}
}

func (q *Quoter) usedIn(month time.Time) (map[string]int, error) {
	if q.used == nil {
		q.used = map[time.Time]map[string]int{}
	}
	if u, ok := q.used[month]; ok {
		return u, nil
	}
	u := map[string]int{}
	if q.Used != nil {
		stored, err := q.Used(month)
		if err != nil {
			return nil, err
		}
		for k, v := range stored {
			u[k] = v
		}
	}
	q.used[month] = u
	return u, nil
}

// monthOf is local midnight on the first of t's month.
func monthOf(t time.Time) time.Time {
	d := DateOf(t, London)
	return AtOrAfter(Date{d.Year, d.Month, 1}, 0, London)
}

// MonthOf is the calendar month (local time) that contains t.
func MonthOf(t time.Time) Interval {
	start := monthOf(t)
	d := DateOf(start, London)
	next := Date{d.Year, d.Month + 1, 1}
	if next.Month > time.December {
		next = Date{d.Year + 1, time.January, 1}
	}
	return Interval{Start: start, End: AtOrAfter(next, 0, London)}
}

// units is how many days each part of a daily booking covers; hourly parts
// are priced by the minute and a season is one unit.
func (q *Quoter) units(parts []QuotePart) []int {
	out := make([]int, len(parts))
	for i, p := range parts {
		out[i] = 1
		if q.Prices.Unit == "day" {
			out[i] = DateOf(p.Interval.Start, London).DaysUntil(DateOf(p.Interval.End.Add(-time.Nanosecond), London)) + 1
		}
	}
	return out
}

func (q *Quoter) standard(minutes, units int) int64 {
	if q.Prices.Unit == "hour" {
		return Pence(q.Prices.RatePence*int64(minutes), 60)
	}
	return q.Prices.RatePence * int64(units)
}

// explain is the sentence for one part: what it costs and why.
func (q *Quoter) explain(p QuotePart, split bool) string {
	var b strings.Builder
	if split {
		b.WriteString(DurationPhrase(time.Duration(p.Minutes)*time.Minute) + " ")
	}
	var rule *RentRule
	for i := range q.Prices.Policy.Rules {
		if q.Prices.Policy.Rules[i].Name == p.Rule {
			rule = &q.Prices.Policy.Rules[i]
			break
		}
	}
	if rule == nil {
		if split {
			b.WriteString("at the standard rate")
		} else {
			b.WriteString("Standard rate")
		}
		fmt.Fprintf(&b, " — no rule of the rent policy at %s applies", q.Prices.SiteName)
		return b.String()
	}
	switch {
	case p.DiscountPercent == 100 && split:
		b.WriteString("free")
	case p.DiscountPercent == 100:
		b.WriteString("Free")
	case p.DiscountPercent == 0 && split:
		b.WriteString("at the standard rate")
	case p.DiscountPercent == 0:
		b.WriteString("Standard rate")
	case split:
		fmt.Fprintf(&b, "at %d%% off the standard rate", p.DiscountPercent)
	default:
		fmt.Fprintf(&b, "%d%% off the standard rate", p.DiscountPercent)
	}
	fmt.Fprintf(&b, " — %s (rule %s at %s)", q.reason(*rule), quoted(rule.Name), q.Prices.SiteName)
	return b.String()
}

// reason says in words which of the rule's conditions the booking meets.
func (q *Quoter) reason(r RentRule) string {
	var who string
	if len(r.OrganisationTypes) > 0 {
		who = OrganisationNoun(q.Booker.OrganisationType)
	}
	if r.VerifiedOnly {
		if who == "" {
			who = "organisation"
		}
		who = "verified " + who
	}
	var what []string
	if len(r.Purposes) > 0 {
		what = append(what, "running "+purposePhrase(q.Purpose))
	}
	if len(r.SpaceKinds) > 0 {
		what = append(what, "in a "+strings.ToLower(SpaceKindLabel(q.Prices.SpaceKind)))
	}
	if r.timed() {
		what = append(what, "at "+WhenPhrase(r))
	}
	if r.MonthlyCapHours > 0 {
		what = append(what, fmt.Sprintf("within %s a month", plural(r.MonthlyCapHours, "hour")))
	}
	switch {
	case who == "" && len(what) == 0:
		return "every booking"
	case who == "":
		return "booked " + strings.Join(what, ", ")
	}
	return strings.Join(append([]string{who}, what...), " ")
}

// WhenPhrase describes a rule's days and time of day ("Monday to Friday,
// 18:00 to 22:00").
func WhenPhrase(r RentRule) string {
	days := "any day"
	if len(r.Weekdays) > 0 {
		days = DaysPhrase(r.Weekdays)
	}
	from, to := r.window()
	if from == 0 && to == 24*60 {
		return days
	}
	return fmt.Sprintf("%s, %s to %s", days, from, to)
}

// DaysPhrase names days of the week in the order people read a week,
// joining a run of three or more ("Monday to Friday").
func DaysPhrase(days []time.Weekday) string {
	order := func(d time.Weekday) int { return (int(d) + 6) % 7 }
	ds := slices.Clone(days)
	slices.SortFunc(ds, func(a, b time.Weekday) int { return order(a) - order(b) })
	var out []string
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && order(ds[j+1]) == order(ds[j])+1 {
			j++
		}
		switch {
		case j-i >= 2:
			out = append(out, ds[i].String()+" to "+ds[j].String())
		default:
			for k := i; k <= j; k++ {
				out = append(out, ds[k].String())
			}
		}
		i = j + 1
	}
	if len(out) == 1 {
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

func (q *Quoter) explainLine(l QuoteLine) string {
	sentences := make([]string, len(l.Parts))
	for i, p := range l.Parts {
		sentences[i] = p.Explanation
	}
	s := strings.Join(sentences, "; ")
	if len(l.Parts) > 1 {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if l.VATPence > 0 {
		s += fmt.Sprintf(". Plus VAT at %d%%", l.VATPercent)
	}
	return s + "."
}

// DurationPhrase writes a duration as hours and minutes ("2 hours 30
// minutes").
func DurationPhrase(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return plural(m, "minute")
	case m == 0:
		return plural(h, "hour")
	}
	return plural(h, "hour") + " " + plural(m, "minute")
}

// OrganisationNoun names an organisation type as a noun in a sentence
// ("registered charity", "NHS service").
func OrganisationNoun(t string) string {
	switch t {
	case "registered_charity":
		return "registered charity"
	case "community_interest_company":
		return "community interest company"
	case "community_group":
		return "community group"
	case "social_enterprise":
		return "social enterprise"
	case "faith_or_tenants_group":
		return "faith or tenants' group"
	case "nhs_service":
		return "NHS service"
	case "local_authority":
		return "local authority"
	case "commercial":
		return "commercial organisation"
	}
	return "individual"
}

func purposePhrase(p string) string {
	switch p {
	case "social_prescribing":
		return "a social prescribing activity"
	case "health_wellbeing":
		return "a health and wellbeing activity"
	case "community":
		return "a community activity"
	}
	return "a private or commercial activity"
}
