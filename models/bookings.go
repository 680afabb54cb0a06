package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// blockingStates are written out for SQL; they match booking.BlockingStates.
var blockingStates = booking.BlockingStates

// InSpace runs fn in a transaction that holds the space. On PostgreSQL the
// space row is locked with SELECT … FOR UPDATE, so bookings of one space
// queue behind each other while other spaces book in parallel; the
// exclusion constraint stays as the backstop. On SQLite the immediate
// transaction already holds the database's write lock.
func (s *Store) InSpace(ctx context.Context, spaceID int64, fn func(booking.SpaceTx) error) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := openSpace(tx, spaceID, s.Dialect, s.Dialect == Postgres)
		if err != nil {
			return err
		}
		return fn(st)
	})
}

// openSpaceSQL reads, in one query, everything a booking needs to know of
// its space before it looks at other bookings: the space's row; the
// opening windows that apply to it (its own, or else its site's) as one
// list, "weekday:opens-closes,…" in order; its site's name; and the newest
// version of the site's rent policy and of the estate's. Each side of the
// windows' OR is an equality their indexes answer.
var openSpaceSQL = sync.OnceValue(func() string {
	return `SELECT spaces.*, (
		SELECT string_agg(CAST(weekday AS TEXT) || ':' || CAST(opens AS TEXT) || '-' || CAST(closes AS TEXT), ','
			ORDER BY weekday, opens)
		FROM opening_windows
		WHERE opening_windows.space_id = CASE WHEN spaces.own_opening_hours THEN spaces.id END
			OR opening_windows.site_id = CASE WHEN NOT spaces.own_opening_hours THEN spaces.site_id END
	) AS windows, sites.name AS site_name,
	` + columnsAs(&RentPolicy{}, "site_policy", "site_policy_") + `,
	` + columnsAs(&RentPolicy{}, "estate_policy", "estate_policy_") + `
	FROM spaces
	JOIN sites ON sites.id = spaces.site_id
	LEFT JOIN rent_policies AS site_policy
		ON site_policy.id = (SELECT MAX(id) FROM rent_policies WHERE site_id = spaces.site_id)
	LEFT JOIN rent_policies AS estate_policy
		ON estate_policy.id = (SELECT MAX(id) FROM rent_policies WHERE site_id IS NULL)
	WHERE spaces.id = ?`
})

// openSpace reads a space with its opening windows and its prices; with
// lock (on PostgreSQL) it locks the space's row until the transaction
// ends.
func openSpace(tx *gorm.DB, spaceID int64, dialect string, lock bool) (*spaceTx, error) {
	q := openSpaceSQL()
	if lock {
		q += " FOR UPDATE OF spaces"
	}
	var row struct {
		Space
		Windows      *string
		SiteName     string
		SitePolicy   RentPolicy `gorm:"embedded;embeddedPrefix:site_policy_"`
		EstatePolicy RentPolicy `gorm:"embedded;embeddedPrefix:estate_policy_"`
	}
	if err := find(tx, &row, q, spaceID); err != nil {
		return nil, err
	}
	if row.ID == 0 {
		return nil, booking.ErrNotFound
	}
	windows, err := parseWindows(row.Windows)
	if err != nil {
		return nil, err
	}
	var site, estate *RentPolicy
	if row.SitePolicy.ID != 0 {
		site = &row.SitePolicy
	}
	if row.EstatePolicy.ID != 0 {
		estate = &row.EstatePolicy
	}
	prices, err := pricesFrom(&row.Space, row.SiteName, site, estate)
	if err != nil {
		return nil, err
	}
	return &spaceTx{tx: tx, space: row.Space, windows: windows, prices: prices, dialect: dialect}, nil
}

// parseWindows reads the list of windows openSpaceSQL makes.
func parseWindows(list *string) ([]booking.Window, error) {
	if list == nil {
		return nil, nil
	}
	parts := strings.Split(*list, ",")
	out := make([]booking.Window, len(parts))
	for i, p := range parts {
		day, hours, _ := strings.Cut(p, ":")
		opens, closes, _ := strings.Cut(hours, "-")
		d, err1 := strconv.Atoi(day)
		o, err2 := strconv.Atoi(opens)
		c, err3 := strconv.Atoi(closes)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("opening window %q: %w", p, err)
		}
		out[i] = booking.Window{Weekday: time.Weekday(d), Opens: booking.Clock(o), Closes: booking.Clock(c)}
	}
	return out, nil
}

// windowsFor returns the space's own opening windows, or its site's.
func windowsFor(db *gorm.DB, sp *Space) ([]booking.Window, error) {
	var rows []OpeningWindow
	q := db.Where("site_id = ?", sp.SiteID)
	if sp.OwnOpeningHours {
		q = db.Where("space_id = ?", sp.ID)
	}
	if err := q.Order("weekday, opens").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]booking.Window, len(rows))
	for i, r := range rows {
		out[i] = booking.Window{Weekday: time.Weekday(r.Weekday), Opens: booking.Clock(r.Opens), Closes: booking.Clock(r.Closes)}
	}
	return out, nil
}

// RulesOf turns a space row into the booking rules it sets.
func RulesOf(sp *Space) booking.Rules {
	return booking.Rules{
		Unit:        sp.BookingUnit,
		Granularity: time.Duration(sp.GranularityMinutes) * time.Minute,
		MinDuration: time.Duration(sp.MinMinutes) * time.Minute,
		MaxDuration: time.Duration(sp.MaxMinutes) * time.Minute,
		Notice:      time.Duration(sp.NoticeHours) * time.Hour,
		Horizon:     time.Duration(sp.HorizonDays) * 24 * time.Hour,
		Buffer:      time.Duration(sp.BufferMinutes) * time.Minute,
		Capacity:    sp.Capacity,
	}
}

type spaceTx struct {
	tx      *gorm.DB
	space   Space
	windows []booking.Window
	prices  booking.Prices
	dialect string
}

func (t *spaceTx) Space() booking.Space {
	return booking.Space{
		ID: t.space.ID, SiteID: t.space.SiteID, Rules: RulesOf(&t.space),
		ManualApproval: t.space.ApprovalMode == "manual", Windows: t.windows,
	}
}

func (t *spaceTx) Closures(iv booking.Interval) ([]booking.Interval, error) {
	rows, err := queryRows(t.tx, `SELECT starts_at, ends_at FROM closures
		WHERE (space_id = ? OR site_id = ?) AND starts_at < ? AND ends_at > ?`,
		t.space.ID, t.space.SiteID, Instant(iv.End), Instant(iv.Start))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []booking.Interval
	for rows.Next() {
		var c booking.Interval
		if err := rows.Scan(&c.Start, &c.End); err != nil {
			return nil, err
		}
		out = append(out, c.UTC())
	}
	return out, rows.Err()
}

// clashesSQL finds the blocking bookings of a space that overlap an
// interval: the space, then the interval's end and start.
var clashesSQL = `SELECT id, state, starts_at, ends_at, hold_expires_at FROM bookings
	WHERE space_id = ? AND state IN ` + quotedList(blockingStates) + ` AND starts_at < ? AND block_end > ?
	ORDER BY starts_at`

// clashesPostgresSQL is clashesSQL with the overlap written as the
// exclusion constraint's own expression, so that its GiST index finds the
// overlaps directly (separate comparisons of starts_at and block_end make
// PostgreSQL scan most of that index); the interval's start comes before
// its end.
var clashesPostgresSQL = `SELECT id, state, starts_at, ends_at, hold_expires_at FROM bookings
	WHERE space_id = ? AND state IN ` + quotedList(blockingStates) + `
		AND tstzrange(starts_at, block_end, '[)') && tstzrange(?, ?, '[)')
	ORDER BY starts_at`

// quotedList writes fixed words as an SQL list: ('a', 'b').
func quotedList(words []string) string {
	return "('" + strings.Join(words, "', '") + "')"
}

// Clashes finds the overlapping blocking bookings in one query. Lapsed holds
// among them are marked expired here, inside the space's lock, so that the
// exclusion constraint lets the new booking in; lapsed holds elsewhere read
// as expired wherever they are shown, and need no writing.
func (t *spaceTx) Clashes(iv booking.Interval, blockEnd, now time.Time) ([]booking.Interval, error) {
	q, args := clashesSQL, []any{t.space.ID, Instant(blockEnd), Instant(iv.Start)}
	if t.dialect == Postgres {
		q, args[1], args[2] = clashesPostgresSQL, Instant(iv.Start), Instant(blockEnd)
	}
	rows, err := queryRows(t.tx, q, args...)
	if err != nil {
		return nil, err
	}
	var found []Booking
	for rows.Next() {
		var b Booking
		if err := rows.Scan(&b.ID, &b.State, &b.StartsAt, &b.EndsAt, &b.HoldExpiresAt); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]booking.Interval, 0, len(found))
	for _, r := range found {
		if r.State == booking.PendingPayment && r.HoldExpiresAt != nil && !r.HoldExpiresAt.After(now) {
			if err := setState(t.tx, &r, booking.Expired, "expire", "The payment deadline passed", nil, now); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, booking.Interval{Start: r.StartsAt.UTC(), End: r.EndsAt.UTC()})
	}
	return out, nil
}

func (t *spaceTx) Insert(nb *booking.NewBooking) (int64, error) {
	now := Now()
	if !nb.At.IsZero() {
		now = Instant(nb.At)
	}
	b := Booking{
		SpaceID: nb.SpaceID, OrganisationID: nb.OrganisationID, SeriesID: nb.SeriesID,
		StartsAt: Instant(nb.Interval.Start), EndsAt: Instant(nb.Interval.End), BlockEnd: Instant(nb.BlockEnd),
		State: nb.State, Purpose: nb.Purpose, Attendees: nb.Attendees, Notes: nb.Notes,
		CreatedAt: now, UpdatedAt: now,
	}
	if nb.ByUserID != 0 {
		b.CreatedByID = &nb.ByUserID
	}
	if nb.HoldUntil != nil {
		h := Instant(*nb.HoldUntil)
		b.HoldExpiresAt = &h
	}
	priced(&b, nb)
	b.Payment = nb.Payment
	if b.Payment == "" {
		b.Payment = booking.PaymentNotRequired
	}
	id, err := insertBooking(t.tx, t.dialect, &b, nb.Quote.Parts)
	if err != nil {
		if iv, ok := exclusionClash(err); ok {
			return 0, &booking.ClashError{With: iv}
		}
		return 0, translate(driverError(t.tx, err), "A booking at this time")
	}
	return id, nil
}

// insertBooking stores a new booking with its charges and the event that
// created it, and returns its id. Every booking made goes through here, so
// it skips GORM's reflection and, on PostgreSQL, sends the three inserts
// as one statement: a single round trip while the space is locked.
func insertBooking(tx *gorm.DB, dialect string, b *Booking, parts []booking.QuotePart) (int64, error) {
	pg := dialect == Postgres
	var id int64
	w := &sqlWriter{numbered: pg}
	// The new booking's id: on PostgreSQL read from the first insert
	// within the statement, on SQLite a parameter.
	bookingID := func() {
		if pg {
			w.WriteString("(SELECT id FROM b)")
		} else {
			w.arg(id)
		}
	}
	if pg {
		w.WriteString("WITH b AS (")
	}
	w.WriteString(`INSERT INTO bookings (space_id, organisation_id, series_id, starts_at, ends_at, block_end,
		state, purpose, attendees, notes, hold_expires_at, sequence, created_by_id, created_at, updated_at,
		standard_pence, discount_pence, vat_percent, vat_pence, total_pence, price_explanation, policy_id,
		payment, checkout_session_id, payment_intent_id, paid_pence, refunded_pence) VALUES (`)
	w.list(b.SpaceID, b.OrganisationID, b.SeriesID, b.StartsAt, b.EndsAt, b.BlockEnd,
		b.State, b.Purpose, b.Attendees, b.Notes, b.HoldExpiresAt, b.Sequence, b.CreatedByID, b.CreatedAt, b.UpdatedAt,
		b.StandardPence, b.DiscountPence, b.VATPercent, b.VATPence, b.TotalPence, b.PriceExplanation, b.PolicyID,
		b.Payment, b.CheckoutSessionID, b.PaymentIntentID, b.PaidPence, b.RefundedPence)
	w.WriteString(") RETURNING id")
	if pg {
		w.WriteString(")")
	} else {
		if err := w.queryRow(tx).Scan(&id); err != nil {
			return 0, err
		}
		w = &sqlWriter{}
	}
	if len(parts) > 0 {
		if pg {
			w.WriteString(", c AS (")
		}
		w.WriteString(`INSERT INTO booking_charges (booking_id, starts_at, ends_at, minutes, rule_name,
			discount_percent, standard_pence, discount_pence, explanation) VALUES `)
		for i, p := range parts {
			if i > 0 {
				w.WriteString(", ")
			}
			w.WriteString("(")
			bookingID()
			w.WriteString(", ")
			w.list(Instant(p.Interval.Start), Instant(p.Interval.End), p.Minutes, p.Rule,
				p.DiscountPercent, p.StandardPence, p.DiscountPence, p.Explanation)
			w.WriteString(")")
		}
		if pg {
			w.WriteString(")")
		} else {
			if err := w.exec(tx); err != nil {
				return 0, err
			}
			w = &sqlWriter{}
		}
	}
	w.WriteString(` INSERT INTO booking_events (booking_id, action, from_state, to_state, reason, amount_pence,
		by_user_id, at) VALUES (`)
	bookingID()
	w.WriteString(", 'create', '', ")
	w.list(b.State, "", 0, b.CreatedByID, b.CreatedAt)
	w.WriteString(")")
	if !pg {
		return id, w.exec(tx)
	}
	w.WriteString(" RETURNING booking_id")
	err := w.queryRow(tx).Scan(&id)
	return id, err
}

func (t *spaceTx) InsertSeries(ns *booking.NewSeries) (int64, error) {
	now := Now()
	row := Series{
		SpaceID: ns.SpaceID, OrganisationID: ns.OrganisationID, Frequency: ns.Recurrence.Frequency,
		FirstDate: ns.First.String(), Count: ns.Recurrence.Count,
		StartClock: int(ns.StartClock), EndClock: int(ns.EndClock), Purpose: ns.Purpose,
		IntervalWeeks: max(ns.Recurrence.Interval, 1), SkipDates: joinDates(ns.Recurrence.Skip),
		CreatedAt: now, UpdatedAt: now,
	}
	if ns.Recurrence.Until != nil {
		row.UntilDate = ns.Recurrence.Until.String()
	}
	if ns.ByUserID != 0 {
		row.CreatedByID = &ns.ByUserID
	}
	if err := t.tx.Omit(clause.Associations).Create(&row).Error; err != nil {
		return 0, err
	}
	return row.ID, nil
}

// setState moves a booking to a new state, bumps its sequence and records
// the event.
func setState(tx *gorm.DB, b *Booking, to, action, reason string, by *int64, now time.Time) error {
	return record(tx, b, BookingEvent{Action: action, ToState: to, Reason: reason, ByUserID: by, At: Instant(now)})
}

// record applies an event to a booking: its state becomes the event's (it
// may stay as it is), its sequence rises, and the event joins its history.
// A booking whose state changed meanwhile is a conflict.
func record(tx *gorm.DB, b *Booking, ev BookingEvent) error {
	ev.BookingID, ev.FromState = b.ID, b.State
	to, now := ev.ToState, ev.At
	res := tx.Model(&Booking{}).Where("id = ? AND state = ?", b.ID, b.State).
		Updates(map[string]any{"state": to, "sequence": gorm.Expr("sequence + 1"), "updated_at": Instant(now)})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return booking.Conflict("The booking changed meanwhile; reload and try again")
	}
	b.State = to
	return tx.Create(&ev).Error
}

// bookingByIDSQL is BookingByID's query.
var bookingByIDSQL = sync.OnceValue(func() string {
	return `SELECT bookings.*, spaces.name AS space_name, spaces.site_id AS site_id,
			sites.name AS site_name, organisations.name AS organisation_name, users.name AS event_by_name,
			` + columnsAs(&BookingEvent{}, "booking_events", "event_") + `,
			` + columnsAs(&BookingCharge{}, "booking_charges", "charge_") + `
		FROM bookings
		JOIN spaces ON spaces.id = bookings.space_id
		JOIN sites ON sites.id = spaces.site_id
		JOIN organisations ON organisations.id = bookings.organisation_id
		LEFT JOIN booking_events ON booking_events.booking_id = bookings.id
		LEFT JOIN users ON users.id = booking_events.by_user_id
		LEFT JOIN booking_charges ON booking_charges.booking_id = bookings.id
		WHERE bookings.id = ?
		ORDER BY booking_events.at, booking_events.id, booking_charges.starts_at, booking_charges.id`
})

// BookingByID returns a booking with its space, organisation, history and
// charges.
func (s *Store) BookingByID(ctx context.Context, id int64) (*Booking, error) {
	// One flat query: a row for each event of the booking's history and
	// each of its charges, with the names they are shown with. Every
	// booking made is read back this way, so it avoids nested preloads,
	// their reflection and their round trips.
	type bookingRow struct {
		Booking
		SpaceName        string
		SiteID           int64
		SiteName         string
		OrganisationName string
		Event            BookingEvent `gorm:"embedded;embeddedPrefix:event_"`
		EventByName      *string
		Charge           BookingCharge `gorm:"embedded;embeddedPrefix:charge_"`
	}
	rows := make([]bookingRow, 0, 2) // a new booking has one event and a charge or two
	err := find(s.DB.WithContext(ctx), &rows, bookingByIDSQL(), id)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, booking.ErrNotFound
	}
	row := rows[0]
	b := row.Booking
	b.Space = &Space{ID: b.SpaceID, SiteID: row.SiteID, Name: row.SpaceName, Site: &Site{ID: row.SiteID, Name: row.SiteName}}
	b.Organisation = &Organisation{ID: b.OrganisationID, Name: row.OrganisationName}
	// Each event comes with every charge: the events in order, a run of
	// rows each, and the charges in order within every run.
	b.Events = make([]BookingEvent, 0, len(rows))
	b.Charges = make([]BookingCharge, 0, len(rows))
	for _, r := range rows {
		if ev := r.Event; ev.ID != 0 && (len(b.Events) == 0 || b.Events[len(b.Events)-1].ID != ev.ID) {
			if r.EventByName != nil && ev.ByUserID != nil {
				ev.By = &User{ID: *ev.ByUserID, Name: *r.EventByName}
			}
			b.Events = append(b.Events, ev)
		}
		if r.Charge.ID != 0 && r.Event.ID == row.Event.ID {
			b.Charges = append(b.Charges, r.Charge)
		}
	}
	return &b, nil
}

// SetOpeningWindows replaces a site's windows (spaceID 0) or gives a space
// its own windows.
func (s *Store) SetOpeningWindows(ctx context.Context, siteID, spaceID int64, ws []booking.Window) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		owner := "site_id = ?"
		id := siteID
		if spaceID != 0 {
			owner, id = "space_id = ?", spaceID
			if err := tx.Model(&Space{}).Where("id = ?", spaceID).
				Updates(map[string]any{"own_opening_hours": true, "updated_at": Now()}).Error; err != nil {
				return err
			}
		}
		if err := tx.Where(owner, id).Delete(&OpeningWindow{}).Error; err != nil {
			return err
		}
		for _, w := range ws {
			row := OpeningWindow{Weekday: int(w.Weekday), Opens: int(w.Opens), Closes: int(w.Closes)}
			if spaceID != 0 {
				row.SpaceID = &spaceID
			} else {
				row.SiteID = &siteID
			}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// ChangeBooking applies an action (approve, decline, cancel) to a booking,
// records who did it and why, and returns the booking as it now is.
func (s *Store) ChangeBooking(ctx context.Context, id int64, action, reason string, by int64, now time.Time) (*Booking, error) {
	return s.CancelOrChange(ctx, id, action, reason, by, now, nil)
}

// CancelOrChange is ChangeBooking that, when it cancels a booking paid by
// card, gives back what cr's terms say, in the same transaction.
func (s *Store) CancelOrChange(ctx context.Context, id int64, action, reason string, by int64, now time.Time, cr *CancelRefund) (*Booking, error) {
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return changeBooking(tx, id, action, reason, by, now, s.paymentHold(), cr)
	})
	if err != nil {
		return nil, err
	}
	return s.BookingByID(ctx, id)
}

// ChangeBookings applies one action to several bookings in one
// transaction: all of them change, or none does.
func (s *Store) ChangeBookings(ctx context.Context, ids []int64, action, reason string, by int64, now time.Time) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, id := range ids {
			if err := changeBooking(tx, id, action, reason, by, now, s.paymentHold(), nil); err != nil {
				return err
			}
		}
		return nil
	})
}

func changeBooking(tx *gorm.DB, id int64, action, reason string, by int64, now time.Time, hold time.Duration, cr *CancelRefund) error {
	var b Booking
	if err := tx.First(&b, id).Error; err != nil {
		return translate(err, "booking")
	}
	expired := b.HoldExpiresAt != nil && !b.HoldExpiresAt.After(now)
	if b.State == booking.PendingPayment && expired {
		if err := setState(tx, &b, booking.Expired, "expire", "The payment deadline passed", nil, now); err != nil {
			return err
		}
	}
	to, err := booking.Transition(b.State, action, expired)
	if err != nil {
		return err
	}
	var byID *int64
	if by != 0 {
		byID = &by
	}
	if to == booking.Confirmed && b.Payment == booking.PaymentPending {
		// Approved, it now waits for its payment, holding its time.
		until := Instant(now.Add(hold))
		if err := tx.Model(&Booking{}).Where("id = ?", b.ID).Update("hold_expires_at", until).Error; err != nil {
			return err
		}
		to = booking.PendingPayment
	}
	if err := setState(tx, &b, to, action, reason, byID, now); err != nil {
		return err
	}
	if to == booking.Cancelled {
		return cr.refund(tx, &b, now)
	}
	return nil
}

// FreeIntervals is when a space can be booked between from and to: its
// opening hours less closures and blocking bookings (each grown by the
// buffer), and only from its notice to its horizon.
func (s *Store) FreeIntervals(ctx context.Context, spaceID int64, from, to, now time.Time) ([]booking.Interval, error) {
	db := s.DB.WithContext(ctx)
	var sp Space
	if err := db.First(&sp, spaceID).Error; err != nil {
		return nil, translate(err, "space")
	}
	return freeIntervals(db, &sp, from, to, now)
}

func freeIntervals(db *gorm.DB, sp *Space, from, to, now time.Time) ([]booking.Interval, error) {
	rules := RulesOf(sp)
	span := booking.Interval{Start: from, End: to}.Clip(booking.Interval{Start: now.Add(rules.Notice), End: now.Add(rules.Horizon)})
	if span.Empty() {
		return nil, nil
	}
	windows, err := windowsFor(db, sp)
	if err != nil {
		return nil, err
	}
	var closures []Closure
	if err := db.Where("(space_id = ? OR site_id = ?) AND starts_at < ? AND ends_at > ?",
		sp.ID, sp.SiteID, Instant(span.End), Instant(span.Start)).Find(&closures).Error; err != nil {
		return nil, err
	}
	var busy []Booking
	if err := db.Where("space_id = ? AND starts_at < ? AND block_end > ? AND (state IN ? OR (state = ? AND hold_expires_at > ?))",
		sp.ID, Instant(span.End.Add(rules.Buffer)), Instant(span.Start.Add(-rules.Buffer)),
		[]string{booking.Requested, booking.Confirmed}, booking.PendingPayment, Instant(now)).Find(&busy).Error; err != nil {
		return nil, err
	}
	closed := make([]booking.Interval, len(closures))
	for i, c := range closures {
		closed[i] = booking.Interval{Start: c.StartsAt.UTC(), End: c.EndsAt.UTC()}
	}
	// A booking blocks [start, block_end); growing its start by the buffer
	// keeps the turnaround before it free too.
	taken := make([]booking.Interval, len(busy))
	for i, b := range busy {
		taken[i] = booking.Interval{Start: b.StartsAt.UTC().Add(-rules.Buffer), End: b.BlockEnd.UTC()}
	}
	open := rules.Bookable(windows, span.Start, span.End)
	return booking.FreeTime(open, closed, taken, 0), nil
}

// paymentHold is how long an approved booking that is paid by card waits
// for its payment.
func (s *Store) paymentHold() time.Duration {
	if s.PaymentHold > 0 {
		return s.PaymentHold
	}
	return booking.DefaultPaymentHold
}
