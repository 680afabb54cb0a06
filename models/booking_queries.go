package models

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// BookingFilter narrows a list of bookings. Zero fields do not filter.
type BookingFilter struct {
	OrganisationID int64
	SpaceID        int64
	SiteID         int64
	// State is the state as it reads at Now: a pending-payment booking past
	// its deadline reads as expired even before anything marks it so.
	State string
	// From and To keep the bookings that overlap [From, To).
	From, To *time.Time
	Now      time.Time
	// EndedBy keeps the bookings that ended at or before it.
	EndedBy *time.Time
	// Latest lists the latest first.
	Latest bool
	// Unless All is set, only bookings of OrganisationIDs or at the sites
	// in SiteIDs are listed; with neither, none are.
	All             bool
	OrganisationIDs []int64
	SiteIDs         []int64
}

// Bookings lists bookings by start time, with their space, site and
// organisation, and the total before paging.
func (s *Store) Bookings(ctx context.Context, f BookingFilter, p Page) ([]Booking, int64, error) {
	db := s.DB.WithContext(ctx)
	q := db.Model(&Booking{})
	spacesAt := func(siteIDs ...int64) *gorm.DB {
		return s.DB.Model(&Space{}).Select("id").Where("site_id IN ?", siteIDs)
	}
	if !f.All {
		switch {
		case len(f.OrganisationIDs) > 0 && len(f.SiteIDs) > 0:
			q = q.Where("organisation_id IN ? OR space_id IN (?)", f.OrganisationIDs, spacesAt(f.SiteIDs...))
		case len(f.OrganisationIDs) > 0:
			q = q.Where("organisation_id IN ?", f.OrganisationIDs)
		case len(f.SiteIDs) > 0:
			q = q.Where("space_id IN (?)", spacesAt(f.SiteIDs...))
		default:
			return []Booking{}, 0, nil
		}
	}
	if f.OrganisationID != 0 {
		q = q.Where("organisation_id = ?", f.OrganisationID)
	}
	if f.SpaceID != 0 {
		q = q.Where("space_id = ?", f.SpaceID)
	}
	if f.SiteID != 0 {
		q = q.Where("space_id IN (?)", spacesAt(f.SiteID))
	}
	now := Instant(f.Now)
	switch f.State {
	case "":
	case booking.PendingPayment:
		q = q.Where("state = ? AND (hold_expires_at IS NULL OR hold_expires_at > ?)", booking.PendingPayment, now)
	case booking.Expired:
		q = q.Where("state = ? OR (state = ? AND hold_expires_at <= ?)", booking.Expired, booking.PendingPayment, now)
	default:
		q = q.Where("state = ?", f.State)
	}
	if f.From != nil {
		q = q.Where("ends_at > ?", Instant(*f.From))
	}
	if f.To != nil {
		q = q.Where("starts_at < ?", Instant(*f.To))
	}
	if f.EndedBy != nil {
		q = q.Where("ends_at <= ?", Instant(*f.EndedBy))
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	order := "starts_at, id"
	if f.Latest {
		order = "starts_at DESC, id DESC"
	}
	var out []Booking
	err := p.apply(q).Preload("Space.Site").Preload("Organisation").Order(order).Find(&out).Error
	return out, total, err
}

// BlockingBookings lists a space's bookings that hold their time at now,
// by start: what must never overlap.
func (s *Store) BlockingBookings(ctx context.Context, spaceID int64, now time.Time) ([]Booking, error) {
	var out []Booking
	err := s.DB.WithContext(ctx).Where("space_id = ? AND (state IN ? OR (state = ? AND hold_expires_at > ?))",
		spaceID, []string{booking.Requested, booking.Confirmed}, booking.PendingPayment, Instant(now)).
		Order("starts_at, id").Find(&out).Error
	return out, err
}

// SeriesByID returns a series with its space, site, organisation and
// occurrences in date order.
func (s *Store) SeriesByID(ctx context.Context, id int64) (*Series, error) {
	var sr Series
	err := s.DB.WithContext(ctx).Preload("Space.Site").Preload("Organisation").
		Preload("Bookings", func(db *gorm.DB) *gorm.DB { return db.Order("starts_at, id") }).First(&sr, id).Error
	return &sr, translate(err, "series")
}

// SkippedDates are the dates the series was asked to leave out.
func (sr *Series) SkippedDates() []string {
	if sr.SkipDates == "" {
		return []string{}
	}
	return strings.Split(sr.SkipDates, ",")
}

func joinDates(ds []booking.Date) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}

// CancelSeries cancels, in one transaction, every occurrence of a series
// that still blocks time and starts at or after from and after now,
// recording who did it and why. Occurrences that have already started are
// history and stay as they are. It returns how many were cancelled; none is
// a conflict.
func (s *Store) CancelSeries(ctx context.Context, id int64, from time.Time, reason string, by int64, now time.Time, cr *CancelRefund) (int, error) {
	n := 0
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sr Series
		if err := tx.First(&sr, id).Error; err != nil {
			return translate(err, "series")
		}
		after := Instant(now)
		if from.After(after) {
			after = Instant(from)
		}
		q := tx
		if s.Dialect == Postgres {
			// Lock the rows so a single cancel or approval racing this one
			// waits, and the states read here are the ones changed.
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var bs []Booking
		if err := q.Where("series_id = ? AND state IN ? AND starts_at >= ? AND starts_at > ?",
			id, blockingStates, after, Instant(now)).Order("starts_at").Find(&bs).Error; err != nil {
			return err
		}
		var byID *int64
		if by != 0 {
			byID = &by
		}
		for i := range bs {
			b := &bs[i]
			if b.State == booking.PendingPayment && b.HoldExpiresAt != nil && !b.HoldExpiresAt.After(now) {
				if err := setState(tx, b, booking.Expired, "expire", "The payment deadline passed", nil, now); err != nil {
					return err
				}
				continue
			}
			if err := setState(tx, b, booking.Cancelled, booking.ActionCancel, reason, byID, now); err != nil {
				return err
			}
			if err := cr.refund(tx, b, now); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return booking.Conflict("No sessions of this series from %s are still to come: nothing was cancelled",
				after.In(booking.London).Format("2 January 2006"))
		}
		return tx.Model(&Series{}).Where("id = ?", id).Update("updated_at", Instant(now)).Error
	})
	return n, err
}

// columnsAs lists every column of a model's table under a prefix
// ("organisations.name AS org_name, …"), for reading its rows beside
// another table's in one query into a field tagged
// gorm:"embedded;embeddedPrefix:…". Statements built with it are built
// once.
func columnsAs(model any, table, prefix string) string {
	sch, err := schema.Parse(model, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		panic(err) // the models are fixed: only a programming error gets here
	}
	cols := make([]string, len(sch.DBNames))
	for i, name := range sch.DBNames {
		cols[i] = table + "." + name + " AS " + prefix + name
	}
	return strings.Join(cols, ", ")
}

// bookingPartiesSQL is BookingParties' query.
var bookingPartiesSQL = sync.OnceValue(func() string {
	return `SELECT spaces.*, ` + columnsAs(&Organisation{}, "organisations", "org_") + `
		FROM (SELECT 1 AS one) AS parties
		LEFT JOIN spaces ON spaces.id = ?
		LEFT JOIN organisations ON organisations.id = ?`
})

// BookingParties returns the own rows of the space and the organisation a
// new booking names, in one query: every booking asks for both. Either is
// nil when there is no such row.
func (s *Store) BookingParties(ctx context.Context, spaceID, orgID int64) (*Space, *Organisation, error) {
	var row struct {
		Space
		Org Organisation `gorm:"embedded;embeddedPrefix:org_"`
	}
	err := find(s.DB.WithContext(ctx), &row, bookingPartiesSQL(), spaceID, orgID)
	if err != nil {
		return nil, nil, err
	}
	var sp *Space
	var o *Organisation
	if row.Space.ID != 0 {
		sp = &row.Space
	}
	if row.Org.ID != 0 {
		o = &row.Org
	}
	return sp, o, nil
}
