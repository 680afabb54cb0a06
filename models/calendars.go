package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
)

// FeedKind says whose bookings a calendar feed lists.
type FeedKind int

// Kinds of calendar feed.
const (
	FeedSpace        FeedKind = iota + 1 // one space's bookings (public feed)
	FeedSite                             // a site's bookings in its public spaces (public feed)
	FeedOrganisation                     // an organisation's bookings, every space (private feed)
	FeedManager                          // every booking at the sites a user manages; an admin: every site (private feed)
	FeedListing                          // one session listing's dates (public feed)
	FeedCategory                         // the dates of every session listed in a category (public feed)
	FeedSiteListings                     // the dates of every session listed at a site (public feed)
)

// FeedScope is the one space, site, organisation, manager, listing or
// category a feed is for.
type FeedScope struct {
	Kind FeedKind
	ID   int64 // the space, site, organisation, user or listing id
	All  bool  // FeedManager for a platform admin: every site
	// Category is FeedCategory's category, one of booking.SessionCategories.
	Category string
}

// FeedWindow chooses the bookings a feed lists: those overlapping
// [From, To) (a zero From or To leaves that side open). A booking that is
// cancelled, declined or expired is listed only if it changed (updated_at)
// at or after CancelledSince, so subscribers see it go instead of losing it
// silently. Now decides whether a pending_payment hold has lapsed
// (hold_expires_at <= Now). The session feeds (FeedListing, FeedCategory,
// FeedSiteListings) list only the confirmed dates of published listings
// and those cancelled since CancelledSince: never a date still requested,
// held for its payment, declined or expired.
//
// A lapsed hold reads as if it had been marked expired at its deadline,
// which is what happens to it the next time anything touches it: state
// "expired", its sequence one more, updated_at its deadline when that is
// later. So it is listed while its deadline (or a later change) is at or
// after CancelledSince, and the feed's stamp changes the moment it lapses.
type FeedWindow struct {
	From, To, CancelledSince, Now time.Time
	// Expect is how many entries CalendarFeed makes room for at once, such
	// as the count a CalendarStamp has just given; it changes nothing else.
	Expect int64
}

// FeedEntry is one booking as a feed shows it.
type FeedEntry struct {
	BookingID        int64
	SeriesID         *int64
	State            string // as it reads at Now: a lapsed pending_payment reads "expired"
	Purpose          string
	Attendees        int
	Notes            string
	StartsAt, EndsAt time.Time // UTC
	Sequence         int       // as it reads at Now: a lapsed hold counts one more, as its expiry will
	UpdatedAt        time.Time // UTC, as it reads at Now: a lapsed hold's deadline when later
	TotalPence       int64
	OrganisationID   int64
	OrganisationName string
	SpaceID          int64
	SpaceName        string
	SiteID           int64
	SiteName         string

	AddressLine1, AddressLine2, Town, Postcode string
	Latitude, Longitude                        *float64

	// ListingID and ListingTitle are the session listing the booking is
	// published in, as itself or as a date of its series; nil and empty
	// when it is not published.
	ListingID    *int64
	ListingTitle string
}

// FeedStamp fingerprints what a feed would list, from one aggregate query,
// so a conditional request can be answered without reading every row.
// Every change to a listed booking bumps its sequence; an edit of a listed
// booking's space, site, organisation or listing moves LastModified; a
// listing published or unpublished changes ListingIDSum.
type FeedStamp struct {
	Count       int64
	SequenceSum int64
	IDSum       int64
	// ListingIDSum adds up the listing id of each listed booking that is
	// published (ListingID), once per booking.
	ListingIDSum int64
	// LastModified is the latest updated_at among the listed bookings and
	// their spaces, sites, organisations and listings (zero when nothing
	// is listed).
	LastModified time.Time
}

// publicVisibility is the visibility of the spaces public feeds show.
const publicVisibility = "public"

// feedFrom joins what a feed shows of a booking, and the listing it is
// published in: its own (own_listing) or its series' (series_listing),
// each found through its partial unique index. The scope's condition
// decides which index leads: bookings (space_id, starts_at…) for a space,
// bookings (organisation_id, starts_at) for an organisation, spaces
// (site_id, …) then bookings (space_id, starts_at…) for sites, and for
// the session feeds the listings chosen (by id, listing_categories
// (category, …) or listings (site_id)), then their bookings by id and by
// bookings (series_id, starts_at…).
const feedFrom = `
	FROM bookings
	JOIN spaces ON spaces.id = bookings.space_id
	JOIN sites ON sites.id = spaces.site_id
	JOIN organisations ON organisations.id = bookings.organisation_id
	LEFT JOIN listings own_listing ON own_listing.booking_id = bookings.id
	LEFT JOIN listings series_listing ON series_listing.series_id = bookings.series_id
	WHERE `

// feedLapsed is true for a hold whose deadline has passed; its one
// argument is the window's Now.
const feedLapsed = `(bookings.state = '` + booking.PendingPayment + `' AND bookings.hold_expires_at <= ?)`

// listedBookingsSQL are the ids of the bookings of the listings that
// match a condition, given twice (with its arguments): the bookings
// published on their own, and the dates of the series published.
const listedBookingsSQL = `bookings.id IN (
		SELECT listings.booking_id FROM listings WHERE listings.booking_id IS NOT NULL AND %[1]s
		UNION ALL
		SELECT dates.id FROM listings JOIN bookings dates ON dates.series_id = listings.series_id WHERE %[1]s)`

// feedWhere is the condition that chooses a feed's bookings, with its
// arguments.
func feedWhere(scope FeedScope, w FeedWindow) (string, []any, error) {
	var b strings.Builder
	var args []any
	listings := ""
	switch scope.Kind {
	case FeedListing:
		listings = "listings.id = ?"
		args = append(args, scope.ID, scope.ID)
	case FeedCategory:
		listings = "listings.id IN (SELECT listing_id FROM listing_categories WHERE category = ?)"
		args = append(args, scope.Category, scope.Category)
	case FeedSiteListings:
		listings = "listings.site_id = ?"
		args = append(args, scope.ID, scope.ID)
	case FeedSpace:
		b.WriteString("bookings.space_id = ? AND spaces.visibility = ?")
		args = append(args, scope.ID, publicVisibility)
	case FeedSite:
		b.WriteString("spaces.site_id = ? AND spaces.visibility = ?")
		args = append(args, scope.ID, publicVisibility)
	case FeedOrganisation:
		b.WriteString("bookings.organisation_id = ?")
		args = append(args, scope.ID)
	case FeedManager:
		if scope.All {
			b.WriteString("1 = 1")
		} else {
			b.WriteString("spaces.site_id IN (SELECT site_id FROM site_managers WHERE user_id = ?)")
			args = append(args, scope.ID)
		}
	default:
		return "", nil, fmt.Errorf("calendar feed: no feed kind %d", scope.Kind)
	}
	if listings != "" {
		fmt.Fprintf(&b, listedBookingsSQL, listings)
	}
	if !w.To.IsZero() {
		b.WriteString(" AND bookings.starts_at < ?")
		args = append(args, Instant(w.To))
	}
	if !w.From.IsZero() {
		b.WriteString(" AND bookings.ends_at > ?")
		args = append(args, Instant(w.From))
	}
	now, since := Instant(w.Now), Instant(w.CancelledSince)
	if listings != "" {
		// A session's dates: confirmed ones, and the recently cancelled.
		b.WriteString(" AND (bookings.state = ? OR (bookings.state = ? AND bookings.updated_at >= ?))")
		args = append(args, booking.Confirmed, booking.Cancelled, since)
		return b.String(), args, nil
	}
	// Live bookings always; ended ones (a lapsed hold among them, by the
	// later of its last change and its deadline) only when recent.
	b.WriteString(` AND (bookings.state IN ?
		OR (bookings.state = ? AND (bookings.hold_expires_at IS NULL OR bookings.hold_expires_at > ?))
		OR (bookings.state IN ? AND bookings.updated_at >= ?)
		OR (` + feedLapsed + ` AND (bookings.updated_at >= ? OR bookings.hold_expires_at >= ?)))`)
	args = append(args,
		[]string{booking.Requested, booking.Confirmed},
		booking.PendingPayment, now,
		[]string{booking.Cancelled, booking.Declined, booking.Expired}, since,
		now, since, since)
	return b.String(), args, nil
}

// feedStampSQL sums what a feed lists. A lapsed hold counts as it reads
// (see FeedWindow); a booking's listing is its own before its series'
// (see CalendarFeed); the six latest changes are taken apart because
// SQLite and PostgreSQL spell "the greatest of these" differently. Sums
// are cast because PostgreSQL sums bigints as numeric.
const feedStampSQL = `SELECT COUNT(*),
	CAST(COALESCE(SUM(bookings.sequence + CASE WHEN ` + feedLapsed + ` THEN 1 ELSE 0 END), 0) AS BIGINT),
	CAST(COALESCE(SUM(bookings.id), 0) AS BIGINT),
	CAST(COALESCE(SUM(COALESCE(own_listing.id, series_listing.id)), 0) AS BIGINT),
	MAX(CASE WHEN ` + feedLapsed + ` AND bookings.hold_expires_at > bookings.updated_at
		THEN bookings.hold_expires_at ELSE bookings.updated_at END),
	MAX(spaces.updated_at), MAX(sites.updated_at), MAX(organisations.updated_at),
	MAX(own_listing.updated_at), MAX(series_listing.updated_at)` + feedFrom

// CalendarStamp fingerprints what CalendarFeed would list for the scope and
// window, in one aggregate query.
func (s *Store) CalendarStamp(ctx context.Context, scope FeedScope, w FeedWindow) (FeedStamp, error) {
	where, args, err := feedWhere(scope, w)
	if err != nil {
		return FeedStamp{}, err
	}
	now := Instant(w.Now)
	args = append([]any{now, now}, args...)
	var st FeedStamp
	var latest [6]any
	err = s.DB.WithContext(ctx).Raw(feedStampSQL+where, args...).Row().
		Scan(&st.Count, &st.SequenceSum, &st.IDSum, &st.ListingIDSum,
			&latest[0], &latest[1], &latest[2], &latest[3], &latest[4], &latest[5])
	if err != nil {
		return FeedStamp{}, err
	}
	for _, v := range latest {
		t, err := aggregateTime(v)
		if err != nil {
			return FeedStamp{}, err
		}
		if t.After(st.LastModified) {
			st.LastModified = t
		}
	}
	return st, nil
}

// aggregateTime reads MAX() of a timestamp column. PostgreSQL gives a
// time; SQLite gives the stored text, because an aggregate has no declared
// column type for its driver to decode by. NULL (no rows) is zero.
func aggregateTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v.UTC(), nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		return t.UTC(), err
	case []byte:
		t, err := time.Parse(time.RFC3339Nano, string(v))
		return t.UTC(), err
	}
	return time.Time{}, fmt.Errorf("calendar stamp: a time read as %T", v)
}

// feedRowsSQL reads the feed's bookings flat, with the changes of the rows
// they show so that the stamp can be summed from them.
const feedRowsSQL = `SELECT bookings.id, bookings.series_id, bookings.state, bookings.purpose,
	bookings.attendees, bookings.notes, bookings.starts_at, bookings.ends_at, bookings.sequence,
	bookings.updated_at, bookings.hold_expires_at, bookings.total_pence,
	bookings.organisation_id, organisations.name, organisations.updated_at,
	bookings.space_id, spaces.name, spaces.updated_at,
	spaces.site_id, sites.name, sites.address_line1, sites.address_line2, sites.town, sites.postcode,
	sites.latitude, sites.longitude, sites.updated_at,
	own_listing.id, own_listing.title, own_listing.updated_at,
	series_listing.id, series_listing.title, series_listing.updated_at` + feedFrom

// readAt makes a hold that has lapsed by now read as expired at its
// deadline, one change later, as setState would record it.
func (e *FeedEntry) readAt(hold *time.Time, now time.Time) {
	if e.State != booking.PendingPayment || hold == nil || hold.After(now) {
		return
	}
	e.State = booking.Expired
	e.Sequence++
	if hold.After(e.UpdatedAt) {
		e.UpdatedAt = hold.UTC()
	}
}

// BookingFeedEntry is one booking, read with its space and organisation,
// as a feed shows it at now; site is its space's site.
func BookingFeedEntry(b *Booking, site *Site, now time.Time) FeedEntry {
	e := FeedEntry{
		BookingID: b.ID, SeriesID: b.SeriesID, State: b.State, Purpose: b.Purpose, Attendees: b.Attendees,
		Notes: b.Notes, StartsAt: b.StartsAt.UTC(), EndsAt: b.EndsAt.UTC(), Sequence: b.Sequence, UpdatedAt: b.UpdatedAt.UTC(),
		TotalPence: b.TotalPence, OrganisationID: b.OrganisationID, SpaceID: b.SpaceID, SiteID: site.ID, SiteName: site.Name,
		AddressLine1: site.AddressLine1, AddressLine2: site.AddressLine2, Town: site.Town, Postcode: site.Postcode,
		Latitude: site.Latitude, Longitude: site.Longitude,
	}
	if b.Organisation != nil {
		e.OrganisationName = b.Organisation.Name
	}
	if b.Space != nil {
		e.SpaceName = b.Space.Name
	}
	e.readAt(b.HoldExpiresAt, Instant(now))
	return e
}

// feedListing is a listing a feed's row joins, all nil when there is none.
type feedListing struct {
	id      *int64
	title   *string
	changed *time.Time
}

// maxExpect bounds the room CalendarFeed makes in advance.
const maxExpect = 100_000

// CalendarFeed lists a feed's bookings by start, with its stamp. Both come
// from one query, a single snapshot on either database, so they always
// agree; the stamp is summed in Go the way CalendarStamp sums it in SQL.
func (s *Store) CalendarFeed(ctx context.Context, scope FeedScope, w FeedWindow) (FeedStamp, []FeedEntry, error) {
	where, args, err := feedWhere(scope, w)
	if err != nil {
		return FeedStamp{}, nil, err
	}
	rows, err := s.DB.WithContext(ctx).Raw(feedRowsSQL+where+" ORDER BY bookings.starts_at, bookings.id", args...).Rows()
	if err != nil {
		return FeedStamp{}, nil, err
	}
	defer rows.Close()
	now := Instant(w.Now)
	var st FeedStamp
	out := make([]FeedEntry, 0, min(max(w.Expect, 0), maxExpect))
	// Rows scan straight into the slice, and the columns only the stamp
	// needs into one set of variables, so a row allocates only its text
	// and its listing's.
	var hold *time.Time
	var orgChanged, spaceChanged, siteChanged time.Time
	var own, ofSeries feedListing
	for rows.Next() {
		out = append(out, FeedEntry{})
		e := &out[len(out)-1]
		hold = nil
		own, ofSeries = feedListing{}, feedListing{}
		if err := rows.Scan(&e.BookingID, &e.SeriesID, &e.State, &e.Purpose,
			&e.Attendees, &e.Notes, &e.StartsAt, &e.EndsAt, &e.Sequence,
			&e.UpdatedAt, &hold, &e.TotalPence,
			&e.OrganisationID, &e.OrganisationName, &orgChanged,
			&e.SpaceID, &e.SpaceName, &spaceChanged,
			&e.SiteID, &e.SiteName, &e.AddressLine1, &e.AddressLine2, &e.Town, &e.Postcode,
			&e.Latitude, &e.Longitude, &siteChanged,
			&own.id, &own.title, &own.changed, &ofSeries.id, &ofSeries.title, &ofSeries.changed); err != nil {
			return FeedStamp{}, nil, err
		}
		e.StartsAt, e.EndsAt, e.UpdatedAt = e.StartsAt.UTC(), e.EndsAt.UTC(), e.UpdatedAt.UTC()
		e.readAt(hold, now)
		for _, l := range [...]*feedListing{&own, &ofSeries} {
			if l.id == nil {
				continue
			}
			if e.ListingID == nil {
				e.ListingID, e.ListingTitle = l.id, *l.title
				st.ListingIDSum += *l.id
			}
			if l.changed.After(st.LastModified) {
				st.LastModified = l.changed.UTC()
			}
		}
		st.Count++
		st.SequenceSum += int64(e.Sequence)
		st.IDSum += e.BookingID
		for _, t := range [...]time.Time{e.UpdatedAt, orgChanged, spaceChanged, siteChanged} {
			if t.After(st.LastModified) {
				st.LastModified = t.UTC()
			}
		}
	}
	if err := rows.Err(); err != nil {
		return FeedStamp{}, nil, err
	}
	return st, out, nil
}

// FeedListings reads the listings that entries are published in, with
// their public facts, by id. One unpublished since the entries were read
// is missing.
func (s *Store) FeedListings(ctx context.Context, entries []FeedEntry) (map[int64]*ListingView, error) {
	out := map[int64]*ListingView{}
	var ids []int64
	for _, e := range entries {
		if e.ListingID == nil {
			continue
		}
		if _, ok := out[*e.ListingID]; !ok {
			out[*e.ListingID] = nil
			ids = append(ids, *e.ListingID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	views, err := s.listingViews(ctx, ids)
	if err != nil {
		return nil, err
	}
	clear(out)
	for i := range views {
		out[views[i].ID] = &views[i]
	}
	return out, nil
}

// CalendarToken opens one owner's private calendar feed. Only the hash of
// the token is kept.
type CalendarToken struct {
	ID             int64  `gorm:"primaryKey"`
	TokenHash      string `gorm:"not null;uniqueIndex"`
	OrganisationID *int64
	UserID         *int64
	CreatedByID    *int64
	CreatedAt      time.Time
}

// CalendarOwner is whose private feed a token opens: an organisation's, or
// an estates manager's (a user). Exactly one of the two is not zero.
type CalendarOwner struct{ OrganisationID, UserID int64 }

// column is the owner's column in calendar_tokens and its value.
func (o CalendarOwner) column() (string, int64, error) {
	switch {
	case o.OrganisationID != 0 && o.UserID == 0:
		return "organisation_id", o.OrganisationID, nil
	case o.UserID != 0 && o.OrganisationID == 0:
		return "user_id", o.UserID, nil
	}
	return "", 0, errors.New("calendar token: the owner is an organisation or a user, exactly one")
}

// SetCalendarToken gives the owner a token, replacing the one it had. It is
// one upsert on the owner's unique index: two replacements racing never
// fail, and the last one wins.
func (s *Store) SetCalendarToken(ctx context.Context, owner CalendarOwner, tokenHash string, by int64, now time.Time) error {
	col, id, err := owner.column()
	if err != nil {
		return err
	}
	var byID *int64
	if by != 0 {
		byID = &by
	}
	var orgID, userID *int64
	if col == "organisation_id" {
		orgID = &id
	} else {
		userID = &id
	}
	// The conflict target names the partial index: both databases match it
	// only when the WHERE is repeated.
	err = s.DB.WithContext(ctx).Exec(`INSERT INTO calendar_tokens
		(token_hash, organisation_id, user_id, created_by_id, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (`+col+`) WHERE `+col+` IS NOT NULL DO UPDATE SET
		token_hash = excluded.token_hash, created_by_id = excluded.created_by_id, created_at = excluded.created_at`,
		tokenHash, orgID, userID, byID, Instant(now)).Error
	return translate(err, "calendar token")
}

// RevokeCalendarToken removes the owner's token; it reports whether there
// was one.
func (s *Store) RevokeCalendarToken(ctx context.Context, owner CalendarOwner) (bool, error) {
	col, id, err := owner.column()
	if err != nil {
		return false, err
	}
	res := s.DB.WithContext(ctx).Where(col+" = ?", id).Delete(&CalendarToken{})
	return res.RowsAffected > 0, res.Error
}

// CalendarTokenOwner is whose feed the token with this hash opens, or
// booking.ErrNotFound.
func (s *Store) CalendarTokenOwner(ctx context.Context, tokenHash string) (CalendarOwner, error) {
	var t CalendarToken
	err := s.DB.WithContext(ctx).Select("organisation_id", "user_id").
		Where("token_hash = ?", tokenHash).Take(&t).Error
	if err != nil {
		return CalendarOwner{}, translate(err, "calendar token")
	}
	var o CalendarOwner
	if t.OrganisationID != nil {
		o.OrganisationID = *t.OrganisationID
	}
	if t.UserID != nil {
		o.UserID = *t.UserID
	}
	return o, nil
}

// CalendarTokenCreated is when the owner's token was made, or nil when it
// has none.
func (s *Store) CalendarTokenCreated(ctx context.Context, owner CalendarOwner) (*time.Time, error) {
	col, id, err := owner.column()
	if err != nil {
		return nil, err
	}
	var t CalendarToken
	err = s.DB.WithContext(ctx).Select("created_at").Where(col+" = ?", id).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	created := t.CreatedAt.UTC()
	return &created, nil
}
