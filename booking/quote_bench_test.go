package booking

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkQuoteSeries prices a weekly two-hour booking for 52 weeks under
// a ten-rule policy with times of day and a monthly cap that runs out
// every month, reading the stored usage once a month.
func BenchmarkQuoteSeries(b *testing.B) {
	policy := RentPolicy{Rules: append([]RentRule{}, demoPolicy.Rules...)}
	for i := len(policy.Rules); i < 10; i++ {
		policy.Rules = append(policy.Rules, RentRule{
			Name: fmt.Sprintf("Window %d", i), Weekdays: []time.Weekday{time.Weekday(i % 7)},
			From: Clock(6*60 + i*30), To: Clock(14*60 + i*30), SpaceKinds: []string{"hall"}, DiscountPercent: 5 * i,
		})
	}
	// Groups that book the wellbeing rule's 40 hours early in the month.
	policy.Rules[0].MonthlyCapHours = 4
	prices := Prices{SiteName: "Hunter Street Health Centre", SpaceKind: "hall", Unit: "hour", RatePence: 2500, VATPercent: 20, Policy: policy}
	first := liv("2026-12-01", "17:00", "19:00")
	occurrences := make([]Interval, 52)
	for i := range occurrences {
		d := DateOf(first.Start, London).AddDays(7 * i)
		occurrences[i] = Interval{Start: AtOrAfter(d, 17*60, London), End: AtOrAfter(d, 19*60, London)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		q := Quoter{Prices: prices, Booker: Booker{OrganisationType: "registered_charity", Verified: true}, Purpose: "social_prescribing",
			Used: func(time.Time) (map[string]int, error) { return map[string]int{"VCS wellbeing": 60}, nil }}
		var quote Quote
		for _, iv := range occurrences {
			line, err := q.Line(iv)
			if err != nil {
				b.Fatal(err)
			}
			quote.Add(line)
		}
		if len(quote.Lines) != 52 || quote.TotalPence == 0 {
			b.Fatalf("quote has %d lines and total %d", len(quote.Lines), quote.TotalPence)
		}
	}
}
