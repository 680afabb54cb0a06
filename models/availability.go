package models

import (
	"context"
	"maps"
	"runtime"
	"time"

	"github.com/common-room/commonroom/booking"
	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"
)

// SiteOpeningWindows returns a site's weekly opening windows, or
// booking.ErrNotFound for an unknown site.
func (s *Store) SiteOpeningWindows(ctx context.Context, siteID int64) ([]booking.Window, error) {
	db := s.DB.WithContext(ctx)
	var n int64
	if err := db.Model(&Site{}).Where("id = ?", siteID).Count(&n).Error; err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, booking.ErrNotFound
	}
	return windowsFor(db, &Space{SiteID: siteID})
}

// SpaceOpeningWindows returns the windows that apply to a space, and
// whether they are its own (true) or its site's (false).
func (s *Store) SpaceOpeningWindows(ctx context.Context, sp *Space) ([]booking.Window, bool, error) {
	ws, err := windowsFor(s.DB.WithContext(ctx), sp)
	return ws, sp.OwnOpeningHours, err
}

// UseSiteOpeningHours makes a space follow its site's opening hours again,
// dropping its own windows.
func (s *Store) UseSiteOpeningHours(ctx context.Context, spaceID int64) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Space{}).Where("id = ?", spaceID).
			Updates(map[string]any{"own_opening_hours": false, "updated_at": Now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return booking.ErrNotFound
		}
		return tx.Where("space_id = ?", spaceID).Delete(&OpeningWindow{}).Error
	})
}

// ClosureView is a closure with the names a person reads it by.
type ClosureView struct {
	Closure
	InSiteID        int64   // the site closed, or the site of the space closed
	SiteName        string  //
	SpaceName       *string // nil when the whole site is closed
	SpaceVisibility *string //
	CreatedByName   *string
}

// ClosureFilter narrows a list of closures.
type ClosureFilter struct {
	SiteID  int64     // closures of the site and of its spaces
	SpaceID int64     // closures of the space and of its site
	From    time.Time // only closures ending after this, when not zero
	To      time.Time // only closures starting before this, when not zero
	// Closures of hidden spaces are listed only for the sites in
	// VisibleSites, or for every site when AllHidden is set.
	VisibleSites []int64
	AllHidden    bool
}

// closureViews selects closures with their site, space and author.
func closureViews(db *gorm.DB) *gorm.DB {
	return db.Table("closures").
		Joins("LEFT JOIN spaces ON spaces.id = closures.space_id").
		Joins("JOIN sites ON sites.id = COALESCE(closures.site_id, spaces.site_id)").
		Joins("LEFT JOIN users ON users.id = closures.created_by_id")
}

const closureViewColumns = "closures.*, sites.id AS in_site_id, sites.name AS site_name, spaces.name AS space_name, " +
	"spaces.visibility AS space_visibility, users.name AS created_by_name"

// Closures lists closures in order of start, with the total before paging.
func (s *Store) Closures(ctx context.Context, f ClosureFilter, p Page) ([]ClosureView, int64, error) {
	q := closureViews(s.DB.WithContext(ctx))
	if f.SiteID != 0 {
		q = q.Where("sites.id = ?", f.SiteID)
	}
	if f.SpaceID != 0 {
		q = q.Where("(closures.space_id = ? OR closures.site_id IN (?))", f.SpaceID,
			s.DB.Model(&Space{}).Select("site_id").Where("id = ?", f.SpaceID))
	}
	if !f.From.IsZero() {
		q = q.Where("closures.ends_at > ?", Instant(f.From))
	}
	if !f.To.IsZero() {
		q = q.Where("closures.starts_at < ?", Instant(f.To))
	}
	switch {
	case f.AllHidden:
	case len(f.VisibleSites) > 0:
		q = q.Where("(closures.space_id IS NULL OR spaces.visibility = ? OR spaces.site_id IN ?)", "public", f.VisibleSites)
	default:
		q = q.Where("(closures.space_id IS NULL OR spaces.visibility = ?)", "public")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var out []ClosureView
	err := p.apply(q).Select(closureViewColumns).Order("closures.starts_at, closures.id").Scan(&out).Error
	return out, total, err
}

// ClosureByID returns one closure with its names.
func (s *Store) ClosureByID(ctx context.Context, id int64) (*ClosureView, error) {
	var out []ClosureView
	if err := closureViews(s.DB.WithContext(ctx)).Select(closureViewColumns).Where("closures.id = ?", id).Scan(&out).Error; err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, booking.ErrNotFound
	}
	return &out[0], nil
}

// AffectedBooking is an active booking that a closure falls on, so the
// estates team can tell the group.
type AffectedBooking struct {
	ID               int64
	SpaceID          int64
	SpaceName        string
	OrganisationID   int64
	OrganisationName string
	// How to reach the group, for the estates team.
	OrganisationEmail string
	OrganisationPhone string
	StartsAt          time.Time
	EndsAt            time.Time
	State             string
}

// CreateClosure stores a closure and returns the active bookings it
// overlaps, as ClosureBookings lists them. It does not cancel them.
func (s *Store) CreateClosure(ctx context.Context, c *Closure, now time.Time) ([]AffectedBooking, error) {
	c.StartsAt, c.EndsAt = Instant(c.StartsAt), Instant(c.EndsAt)
	if c.CreatedAt.IsZero() {
		c.CreatedAt = Instant(now)
	}
	var affected []AffectedBooking
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(c).Error; err != nil {
			return translate(err, "closure")
		}
		var err error
		affected, err = closureBookings(tx, c, now)
		return err
	})
	return affected, err
}

// ClosureBookings lists the active bookings a closure falls on
// (requested, confirmed, and pending payment before the deadline), in
// order of start.
func (s *Store) ClosureBookings(ctx context.Context, c *Closure, now time.Time) ([]AffectedBooking, error) {
	return closureBookings(s.DB.WithContext(ctx), c, now)
}

func closureBookings(db *gorm.DB, c *Closure, now time.Time) ([]AffectedBooking, error) {
	q := db.Table("bookings").
		Select("bookings.id, bookings.space_id, spaces.name AS space_name, bookings.organisation_id, "+
			"organisations.name AS organisation_name, organisations.email AS organisation_email, "+
			"organisations.phone AS organisation_phone, bookings.starts_at, bookings.ends_at, bookings.state").
		Joins("JOIN spaces ON spaces.id = bookings.space_id").
		Joins("JOIN organisations ON organisations.id = bookings.organisation_id").
		Where("bookings.starts_at < ? AND bookings.ends_at > ?", Instant(c.EndsAt), Instant(c.StartsAt)).
		Where("(bookings.state IN ? OR (bookings.state = ? AND bookings.hold_expires_at > ?))",
			[]string{booking.Requested, booking.Confirmed}, booking.PendingPayment, Instant(now))
	if c.SpaceID != nil {
		q = q.Where("bookings.space_id = ?", *c.SpaceID)
	} else {
		q = q.Where("spaces.site_id = ?", *c.SiteID)
	}
	var out []AffectedBooking
	err := q.Order("bookings.starts_at, bookings.id").Scan(&out).Error
	return out, err
}

// DeleteClosure removes a closure.
func (s *Store) DeleteClosure(ctx context.Context, id int64) error {
	res := s.DB.WithContext(ctx).Delete(&Closure{}, id)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return booking.ErrNotFound
	}
	return nil
}

// maxInList keeps IN lists well under SQLite's limit on bound parameters.
const maxInList = 500

// maxParallelReads is how many connections one availability search reads
// bookings on at once; minSpacesPerRead is the fewest spaces worth a
// connection of their own.
const (
	maxParallelReads = 2
	minSpacesPerRead = 50
)

// splitEvenly cuts ids into n parts of nearly equal length (one part when n
// is less than 2).
func splitEvenly(ids []int64, n int) [][]int64 {
	if n < 2 {
		return [][]int64{ids}
	}
	parts := make([][]int64, 0, n)
	for i := range n {
		parts = append(parts, ids[i*len(ids)/n:(i+1)*len(ids)/n])
	}
	return parts
}

// inChunks calls fn with ids a slice of at most maxInList at a time.
func inChunks(ids []int64, fn func([]int64) error) error {
	for len(ids) > 0 {
		n := min(len(ids), maxInList)
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// FreeIntervalsForSpaces is FreeIntervals for many spaces at once: their
// windows, closures and bookings are loaded in a few queries for all of
// them, not a few queries each, and free time is worked out in Go. Spaces
// with no free time in the window have no entry.
func (s *Store) FreeIntervalsForSpaces(ctx context.Context, spaces []Space, from, to, now time.Time) (map[int64][]booking.Interval, error) {
	db := s.DB.WithContext(ctx)
	spans := make(map[int64]booking.Interval, len(spaces))
	var all booking.Interval
	var maxBuffer time.Duration
	var siteIDs, spaceIDs, ownIDs []int64
	seenSite := map[int64]bool{}
	for i := range spaces {
		sp := &spaces[i]
		rules := RulesOf(sp)
		span := booking.Interval{Start: from, End: to}.Clip(booking.Interval{Start: now.Add(rules.Notice), End: now.Add(rules.Horizon)})
		if span.Empty() {
			continue
		}
		spans[sp.ID] = span
		if all.Start.IsZero() || span.Start.Before(all.Start) {
			all.Start = span.Start
		}
		if span.End.After(all.End) {
			all.End = span.End
		}
		maxBuffer = max(maxBuffer, rules.Buffer)
		spaceIDs = append(spaceIDs, sp.ID)
		if sp.OwnOpeningHours {
			ownIDs = append(ownIDs, sp.ID)
		}
		if !seenSite[sp.SiteID] {
			seenSite[sp.SiteID] = true
			siteIDs = append(siteIDs, sp.SiteID)
		}
	}
	if len(spans) == 0 {
		return map[int64][]booking.Interval{}, nil
	}

	siteWindows := map[int64][]booking.Window{}
	spaceWindows := map[int64][]booking.Window{}
	if err := inChunks(siteIDs, func(ids []int64) error {
		var rows []OpeningWindow
		err := db.Where("site_id IN ?", ids).Order("weekday, opens").Find(&rows).Error
		for _, r := range rows {
			siteWindows[*r.SiteID] = append(siteWindows[*r.SiteID], windowOf(r))
		}
		return err
	}); err != nil {
		return nil, err
	}
	if err := inChunks(ownIDs, func(ids []int64) error {
		var rows []OpeningWindow
		err := db.Where("space_id IN ?", ids).Order("weekday, opens").Find(&rows).Error
		for _, r := range rows {
			spaceWindows[*r.SpaceID] = append(spaceWindows[*r.SpaceID], windowOf(r))
		}
		return err
	}); err != nil {
		return nil, err
	}

	siteClosed := map[int64][]booking.Interval{}
	spaceClosed := map[int64][]booking.Interval{}
	var closures []Closure
	during := func(q *gorm.DB) *gorm.DB {
		return q.Where("starts_at < ? AND ends_at > ?", Instant(all.End), Instant(all.Start)).Order("starts_at")
	}
	if err := inChunks(siteIDs, func(ids []int64) error {
		var chunk []Closure
		err := during(db.Where("site_id IN ?", ids)).Find(&chunk).Error
		closures = append(closures, chunk...)
		return err
	}); err != nil {
		return nil, err
	}
	if err := inChunks(spaceIDs, func(ids []int64) error {
		var chunk []Closure
		err := during(db.Where("space_id IN ?", ids)).Find(&chunk).Error
		closures = append(closures, chunk...)
		return err
	}); err != nil {
		return nil, err
	}
	for _, c := range closures {
		iv := booking.Interval{Start: c.StartsAt.UTC(), End: c.EndsAt.UTC()}
		if c.SiteID != nil {
			siteClosed[*c.SiteID] = append(siteClosed[*c.SiteID], iv)
		} else {
			spaceClosed[*c.SpaceID] = append(spaceClosed[*c.SpaceID], iv)
		}
	}

	// Bookings are the most rows by far: read them without reflection, and
	// for many spaces in parts side by side, each on a connection of its
	// own.
	type busyRow struct{ start, blockEnd time.Time }
	parts := splitEvenly(spaceIDs, min(runtime.GOMAXPROCS(0), maxParallelReads, len(spaceIDs)/minSpacesPerRead))
	found := make([]map[int64][]busyRow, len(parts))
	var g errgroup.Group
	for i, part := range parts {
		g.Go(func() error {
			busy := map[int64][]busyRow{}
			found[i] = busy
			return inChunks(part, func(ids []int64) error {
				q := db.Model(&Booking{}).Select("space_id, starts_at, block_end").Where("space_id IN ?", ids)
				until, after := Instant(all.End.Add(maxBuffer)), Instant(all.Start.Add(-maxBuffer))
				if s.Dialect == Postgres {
					// The same overlap, written so the exclusion constraint's
					// GiST index finds it: a B-tree on the start alone has to
					// walk every earlier booking of each space.
					q = q.Where("state IN ? AND tstzrange(starts_at, block_end, '[)') && tstzrange(?, ?, '[)')", blockingStates, after, until)
				} else {
					q = q.Where("starts_at < ? AND block_end > ?", until, after)
				}
				rows, err := q.Where("(state IN ? OR (state = ? AND hold_expires_at > ?))",
					[]string{booking.Requested, booking.Confirmed}, booking.PendingPayment, Instant(now)).
					Order("space_id, starts_at").Rows()
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var id int64
					var b busyRow
					if err := rows.Scan(&id, &b.start, &b.blockEnd); err != nil {
						return err
					}
					busy[id] = append(busy[id], b)
				}
				return rows.Err()
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	busy := map[int64][]busyRow{}
	for _, part := range found {
		maps.Copy(busy, part)
	}

	// Spaces that follow their site's hours with the same notice and
	// horizon share their opening time: work it out once.
	type openKey struct {
		siteID, spaceID int64
		unit            string
		span            booking.Interval
	}
	opened := map[openKey][]booking.Interval{}
	out := make(map[int64][]booking.Interval, len(spans))
	for i := range spaces {
		sp := &spaces[i]
		span, ok := spans[sp.ID]
		if !ok {
			continue
		}
		rules := RulesOf(sp)
		key := openKey{siteID: sp.SiteID, unit: rules.Unit, span: span}
		windows := siteWindows[sp.SiteID]
		if sp.OwnOpeningHours {
			key.spaceID, windows = sp.ID, spaceWindows[sp.ID]
		}
		open, ok := opened[key]
		if !ok {
			open = rules.Bookable(windows, span.Start, span.End)
			opened[key] = open
		}
		closed := append(append([]booking.Interval(nil), siteClosed[sp.SiteID]...), spaceClosed[sp.ID]...)
		// As in FreeIntervals: a booking blocks [start, block_end), and
		// growing its start by the buffer keeps the turnaround before it
		// free too.
		var taken []booking.Interval
		for _, b := range busy[sp.ID] {
			iv := booking.Interval{Start: b.start.UTC().Add(-rules.Buffer), End: b.blockEnd.UTC()}
			if iv.Overlaps(span) {
				taken = append(taken, iv)
			}
		}
		if free := booking.FreeTime(open, closed, taken, 0); len(free) > 0 {
			out[sp.ID] = free
		}
	}
	return out, nil
}

func windowOf(r OpeningWindow) booking.Window {
	return booking.Window{Weekday: time.Weekday(r.Weekday), Opens: booking.Clock(r.Opens), Closes: booking.Clock(r.Closes)}
}
