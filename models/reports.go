package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/common-room/commonroom/booking"
)

// Ways a rent report groups bookings.
const (
	GroupBySite             = "site"
	GroupByOrganisationType = "organisation_type"
	GroupByMonth            = "month"
	GroupByPurpose          = "purpose"
)

// RentGroupings are the ways a rent report can group bookings, with what
// each group is.
var RentGroupings = []booking.Option{
	{Value: GroupBySite, Label: "Site"},
	{Value: GroupByOrganisationType, Label: "Kind of organisation"},
	{Value: GroupByMonth, Label: "Month"},
	{Value: GroupByPurpose, Label: "Purpose"},
}

// RentFilter chooses the bookings a rent report counts and how it groups
// them.
type RentFilter struct {
	// From and To keep the bookings that start in [From, To).
	From, To time.Time
	// Unless All is set, only bookings at the sites in SiteIDs count; with
	// neither, none do.
	All     bool
	SiteIDs []int64
	GroupBy string // one of RentGroupings; month when empty
}

// RentFigures are the sums of a rent report over some bookings: the
// standard value of the bookings, what was charged for them (net of the
// rent policy's discount, before VAT), the rent foregone (standard less
// charged), their length and their number.
type RentFigures struct {
	StandardPence int64
	ChargedPence  int64
	ForegonePence int64
	Minutes       int64
	Bookings      int64
}

// add counts one booking.
func (f *RentFigures) add(standard, discount, minutes int64) {
	f.StandardPence += standard
	f.ChargedPence += standard - discount
	f.ForegonePence += discount
	f.Minutes += minutes
	f.Bookings++
}

// RentGroup is one group of a rent report. Key is the site's id, the
// organisation type, the month (YYYY-MM, London) or the purpose; Label is
// what people read.
type RentGroup struct {
	Key   string
	Label string
	RentFigures
}

// RentReport is the rent foregone over a period, group by group, with the
// totals.
type RentReport struct {
	Groups []RentGroup
	Total  RentFigures
}

// rentReportSQL reads every confirmed booking that starts in a period, with
// the quote it keeps and what the report groups by. Grouping happens in Go:
// the London month of a start and a booking's length in minutes are not
// written the same way in SQLite and PostgreSQL.
const rentReportSQL = `SELECT bookings.starts_at, bookings.ends_at, bookings.purpose,
		bookings.standard_pence, bookings.discount_pence,
		spaces.site_id, sites.name, organisations.type
	FROM bookings
	JOIN spaces ON spaces.id = bookings.space_id
	JOIN sites ON sites.id = spaces.site_id
	JOIN organisations ON organisations.id = bookings.organisation_id
	WHERE bookings.state = ? AND bookings.starts_at >= ? AND bookings.starts_at < ?`

// RentReport sums the quotes kept by the confirmed bookings that start in
// the filter's period, by group. Requested, pending, declined, expired and
// cancelled bookings are left out: only a confirmed booking uses the space
// at the price it was quoted. A booking counts wholly in the group of its
// start, and its minutes are its length (a day booked by the day counts 24
// hours, as monthly caps count it).
func (s *Store) RentReport(ctx context.Context, f RentFilter) (*RentReport, error) {
	if f.GroupBy == "" {
		f.GroupBy = GroupByMonth
	}
	if !slices.ContainsFunc(RentGroupings, func(o booking.Option) bool { return o.Value == f.GroupBy }) {
		return nil, fmt.Errorf("rent report: no grouping %q", f.GroupBy)
	}
	out := &RentReport{Groups: []RentGroup{}}
	if !f.All && len(f.SiteIDs) == 0 {
		return out, nil
	}
	query := rentReportSQL
	args := []any{booking.Confirmed, Instant(f.From), Instant(f.To)}
	if !f.All {
		query += " AND spaces.site_id IN ?"
		args = append(args, f.SiteIDs)
	}
	rows, err := s.DB.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	groups := map[string]*RentGroup{}
	for rows.Next() {
		var (
			start, end                 time.Time
			purpose, siteName, orgType string
			standard, discount         int64
			siteID                     int64
		)
		if err := rows.Scan(&start, &end, &purpose, &standard, &discount, &siteID, &siteName, &orgType); err != nil {
			return nil, err
		}
		key, label := rentGroupOf(f.GroupBy, start, purpose, siteID, siteName, orgType)
		g, ok := groups[key]
		if !ok {
			g = &RentGroup{Key: key, Label: label}
			groups[key] = g
		}
		minutes := int64(end.Sub(start) / time.Minute)
		g.add(standard, discount, minutes)
		out.Total.add(standard, discount, minutes)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, g := range groups {
		out.Groups = append(out.Groups, *g)
	}
	slices.SortFunc(out.Groups, rentGroupOrder(f.GroupBy))
	return out, nil
}

// rentGroupOf is the key and label of a booking's group.
func rentGroupOf(groupBy string, start time.Time, purpose string, siteID int64, siteName, orgType string) (string, string) {
	switch groupBy {
	case GroupBySite:
		return strconv.FormatInt(siteID, 10), siteName
	case GroupByOrganisationType:
		return orgType, booking.OrganisationTypeLabel(orgType)
	case GroupByPurpose:
		return purpose, booking.PurposeLabel(purpose)
	}
	d := booking.DateOf(booking.MonthOf(start).Start, booking.London)
	return MonthKey(d), MonthLabel(d)
}

// MonthKey is the report key of the month that contains d, like 2026-11.
func MonthKey(d booking.Date) string { return fmt.Sprintf("%04d-%02d", d.Year, d.Month) }

// MonthLabel names the month that contains d, like "November 2026".
func MonthLabel(d booking.Date) string { return fmt.Sprintf("%s %d", d.Month, d.Year) }

// rentGroupOrder orders groups the way people look for them: months in
// time order, sites by name, organisation types and purposes in the order
// the forms list them.
func rentGroupOrder(groupBy string) func(a, b RentGroup) int {
	in := func(opts []booking.Option) func(a, b RentGroup) int {
		pos := func(v string) int {
			if i := slices.IndexFunc(opts, func(o booking.Option) bool { return o.Value == v }); i >= 0 {
				return i
			}
			return len(opts)
		}
		return func(a, b RentGroup) int {
			return cmp.Or(cmp.Compare(pos(a.Key), pos(b.Key)), cmp.Compare(a.Key, b.Key))
		}
	}
	switch groupBy {
	case GroupBySite:
		return func(a, b RentGroup) int {
			ai, _ := strconv.ParseInt(a.Key, 10, 64)
			bi, _ := strconv.ParseInt(b.Key, 10, 64)
			return cmp.Or(cmp.Compare(a.Label, b.Label), cmp.Compare(ai, bi))
		}
	case GroupByOrganisationType:
		return in(booking.OrganisationTypes)
	case GroupByPurpose:
		return in(booking.Purposes)
	}
	return func(a, b RentGroup) int { return cmp.Compare(a.Key, b.Key) }
}
