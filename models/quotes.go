package models

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
)

func (t *spaceTx) Prices() (booking.Prices, error) {
	return t.prices, nil
}

func (t *spaceTx) UsedHours(orgID int64) booking.UsedHours {
	return usedHours(t.tx, orgID, t.space.SiteID, t.dialect == Postgres)
}

// usedHours reads the minutes each rule has given an organisation at a site
// in a month, counting the bookings that hold their time. With lock, the
// first read takes a transaction-scoped advisory lock on the organisation
// at the site (PostgreSQL; SQLite's write lock already serialises
// bookings), so two bookings of different spaces there cannot both spend
// the last of a cap.
func usedHours(db *gorm.DB, orgID, siteID int64, lock bool) booking.UsedHours {
	return func(month time.Time) (map[string]int, error) {
		if lock {
			if err := db.Exec("SELECT pg_advisory_xact_lock(?)", capLockKey(siteID, orgID)).Error; err != nil {
				return nil, err
			}
			lock = false
		}
		m := booking.MonthOf(month)
		var rows []struct {
			RuleName string
			Minutes  int
		}
		err := db.Raw(`SELECT booking_charges.rule_name, SUM(booking_charges.minutes) AS minutes
			FROM bookings
			JOIN spaces ON spaces.id = bookings.space_id
			JOIN booking_charges ON booking_charges.booking_id = bookings.id
			WHERE bookings.organisation_id = ? AND spaces.site_id = ?
				AND bookings.starts_at < ? AND bookings.ends_at > ?
				AND booking_charges.starts_at >= ? AND booking_charges.starts_at < ?
				AND booking_charges.rule_name <> ''
				AND (bookings.state IN ? OR (bookings.state = ? AND bookings.hold_expires_at > ?))
			GROUP BY booking_charges.rule_name`,
			orgID, siteID, Instant(m.End), Instant(m.Start), Instant(m.Start), Instant(m.End),
			[]string{booking.Requested, booking.Confirmed}, booking.PendingPayment, Now()).Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		out := make(map[string]int, len(rows))
		for _, r := range rows {
			out[r.RuleName] = r.Minutes
		}
		return out, nil
	}
}

// capLockKey is the advisory lock key of an organisation at a site. Keys
// that collide only make two bookings wait for each other.
func capLockKey(siteID, orgID int64) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "commonroom rent cap %d %d", siteID, orgID)
	return int64(h.Sum64())
}

// priced copies a booking's quote onto its row.
func priced(b *Booking, nb *booking.NewBooking) {
	q := nb.Quote
	b.StandardPence, b.DiscountPence, b.VATPercent, b.VATPence, b.TotalPence = q.StandardPence, q.DiscountPence, q.VATPercent, q.VATPence, q.TotalPence
	b.PriceExplanation = q.Explanation
	if nb.PolicyID != 0 {
		id := nb.PolicyID
		b.PolicyID = &id
	}
}

// viewTx is a space seen outside any transaction, for quotes: it neither
// locks nor keeps anything.
type viewTx struct {
	*spaceTx
}

func (v viewTx) UsedHours(orgID int64) booking.UsedHours {
	return usedHours(v.tx, orgID, v.space.SiteID, false)
}

func (v viewTx) Insert(*booking.NewBooking) (int64, error) {
	return 0, errors.New("a quote keeps no booking")
}

// ViewSpace runs fn over a space without a transaction or a lock.
func (s *Store) ViewSpace(ctx context.Context, spaceID int64, fn func(booking.SpaceTx) error) error {
	db := s.DB.WithContext(ctx)
	st, err := openSpace(db, spaceID, s.Dialect, false)
	if err != nil {
		return err
	}
	return fn(viewTx{st})
}

// PricesOf is a space's price list under the rent policy in force.
func (s *Store) PricesOf(ctx context.Context, spaceID int64) (booking.Prices, error) {
	st, err := openSpace(s.DB.WithContext(ctx), spaceID, s.Dialect, false)
	if err != nil {
		return booking.Prices{}, err
	}
	return st.prices, nil
}

// UsedHoursOf reads the hours each rule has given an organisation at a site
// in a month, without locking anything: for quotes.
func (s *Store) UsedHoursOf(ctx context.Context, orgID, siteID int64) booking.UsedHours {
	return usedHours(s.DB.WithContext(ctx), orgID, siteID, false)
}
