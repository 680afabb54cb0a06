package models

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
)

// Listing is a session listing: what an organisation publishes about a
// confirmed booking or a series. Its dates are its bookings', as they are
// now, so a cancelled date reads as cancelled and a series cancelled in
// full has nothing left to list.
type Listing struct {
	ID              int64 `gorm:"primaryKey"`
	OrganisationID  int64 `gorm:"not null"`
	BookingID       *int64
	SeriesID        *int64
	SpaceID         int64  `gorm:"not null"`
	SiteID          int64  `gorm:"not null"`
	Title           string `gorm:"not null"`
	Description     string `gorm:"not null"`
	WhoFor          string `gorm:"not null"`
	CostPence       int64  `gorm:"not null"`
	CostNote        string `gorm:"not null"`
	JoinMode        string `gorm:"not null"`
	Contact         string `gorm:"not null"`
	ReferralContact string `gorm:"not null"`
	Languages       string `gorm:"not null"` // one a line
	AccessNotes     string `gorm:"not null"`
	SearchText      string `gorm:"not null"`
	Weekdays        int    `gorm:"not null"` // bit 1 << time.Weekday, London
	DayParts        int    `gorm:"not null"` // booking.DayPartOf bits
	CreatedByID     *int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Categories      []string `gorm:"-"` // in the taxonomy's order
}

// ListingCategory files a listing under one category.
type ListingCategory struct {
	ListingID int64  `gorm:"primaryKey"`
	Category  string `gorm:"primaryKey"`
}

// Published is what the listing says, as the domain checks it.
func (l *Listing) Published() booking.Listing {
	var langs []string
	if l.Languages != "" {
		langs = strings.Split(l.Languages, "\n")
	}
	return booking.Listing{
		Title: l.Title, Description: l.Description, Categories: l.Categories, WhoFor: l.WhoFor,
		CostPence: l.CostPence, CostNote: l.CostNote, Join: l.JoinMode, Contact: l.Contact,
		ReferralContact: l.ReferralContact, Languages: langs, AccessNotes: l.AccessNotes,
	}
}

// Publish sets what the listing says, tidied: text trimmed, categories in
// the taxonomy's order, and the words text search looks in.
func (l *Listing) Publish(p booking.Listing) {
	trim := strings.TrimSpace
	l.Title, l.Description, l.WhoFor = trim(p.Title), trim(p.Description), trim(p.WhoFor)
	l.CostPence, l.CostNote, l.JoinMode = p.CostPence, trim(p.CostNote), p.Join
	l.Contact, l.ReferralContact, l.AccessNotes = trim(p.Contact), trim(p.ReferralContact), trim(p.AccessNotes)
	langs := make([]string, 0, len(p.Languages))
	for _, lang := range p.Languages {
		langs = append(langs, trim(lang))
	}
	l.Languages = strings.Join(langs, "\n")
	l.Categories = l.Categories[:0]
	for _, c := range booking.SessionCategories {
		if slices.Contains(p.Categories, c.Value) {
			l.Categories = append(l.Categories, c.Value)
		}
	}
	words := []string{l.Title, l.Description, l.WhoFor, l.CostNote, l.AccessNotes, l.Languages,
		booking.JoinModeLabel(l.JoinMode)}
	for _, c := range l.Categories {
		words = append(words, booking.SessionCategoryLabel(c))
	}
	l.SearchText = strings.ToLower(strings.Join(words, "\n"))
}

// ListingDate is one date of a listing: a confirmed booking, or one
// cancelled since.
type ListingDate struct {
	BookingID        int64
	SeriesID         *int64
	StartsAt, EndsAt time.Time // UTC
	Cancelled        bool
}

// ListingView is a listing with the public facts of its space and site:
// everything a public page, search result or feed may show of it.
type ListingView struct {
	Listing
	SpaceName             string
	SpaceKind             string
	SpaceStepFree         bool
	SpaceHearingLoop      bool
	SpaceAccessibleToilet bool
	SpaceAccessNotes      string
	SiteName              string
	AddressLine1          string
	AddressLine2          string
	Town                  string
	Postcode              string
	Latitude, Longitude   *float64
	SiteStepFree          bool
	SiteAccessibleToilet  bool
	ChangingPlaces        bool
	SiteHearingLoop       bool
	Parking               bool
	ParkingNotes          string
	PublicTransport       string
	// Next is the start of its first confirmed date from the time asked
	// about; nil when it has none, and is then not listed.
	Next *time.Time `gorm:"-"`
	// DistanceKm is how far its site is from the place searched near; nil
	// without one, or when the site has no coordinates.
	DistanceKm *float64 `gorm:"-"`
	// Dates are its next dates, when asked for.
	Dates []ListingDate `gorm:"-"`
}

// Access lists the booking.SessionAccess facts the session has.
func (v *ListingView) Access() []string {
	has := map[string]bool{
		"step_free":         v.SiteStepFree && v.SpaceStepFree,
		"accessible_toilet": v.SiteAccessibleToilet || v.SpaceAccessibleToilet,
		"changing_places":   v.ChangingPlaces,
		"hearing_loop":      v.SpaceHearingLoop,
		"parking":           v.Parking,
	}
	var out []string
	for _, a := range booking.SessionAccess {
		if has[a.Value] {
			out = append(out, a.Value)
		}
	}
	return out
}

// accessSQL is each booking.SessionAccess fact as a condition on a
// listing's space and site, as ListingView.Access reads them.
var accessSQL = map[string]string{
	"step_free":         "(sites.step_free AND spaces.step_free)",
	"accessible_toilet": "(sites.accessible_toilet OR spaces.accessible_toilet)",
	"changing_places":   "sites.changing_places",
	"hearing_loop":      "spaces.hearing_loop",
	"parking":           "sites.parking",
}

// PublishListing publishes a booking (l.BookingID) or a series
// (l.SeriesID) as a session. It must have a confirmed date still to come;
// a date of a series is published with its series. The listing takes its
// organisation, space and site from the bookings, and the weekdays and
// parts of the day its dates fall on. Each booking or series is published
// once.
func (s *Store) PublishListing(ctx context.Context, l *Listing, now time.Time) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Model(&Booking{}).Order("starts_at")
		switch {
		case l.BookingID != nil && l.SeriesID == nil:
			q = q.Where("id = ?", *l.BookingID)
		case l.SeriesID != nil && l.BookingID == nil:
			q = q.Where("series_id = ?", *l.SeriesID)
		default:
			return booking.Invalid("booking_id", "Give a booking or a series to publish, not both")
		}
		var bs []Booking
		if err := q.Find(&bs).Error; err != nil {
			return err
		}
		if len(bs) == 0 {
			return booking.ErrNotFound
		}
		if l.BookingID != nil && bs[0].SeriesID != nil {
			return booking.Conflict("This date is one of a series: publish the series (%d) instead", *bs[0].SeriesID)
		}
		live := false
		l.Weekdays, l.DayParts = 0, 0
		for _, b := range bs {
			if b.State == booking.Confirmed && b.EndsAt.After(now) {
				live = true
			}
			if b.State == booking.Confirmed || b.State == booking.Requested || b.State == booking.PendingPayment {
				l.Weekdays |= 1 << b.StartsAt.In(booking.London).Weekday()
				l.DayParts |= booking.DayPartOf(b.StartsAt)
			}
		}
		if !live {
			return booking.Conflict("Only a confirmed booking with a date still to come can be published")
		}
		var sp Space
		if err := tx.Select("id", "site_id").First(&sp, bs[0].SpaceID).Error; err != nil {
			return err
		}
		l.OrganisationID, l.SpaceID, l.SiteID = bs[0].OrganisationID, sp.ID, sp.SiteID
		l.CreatedAt, l.UpdatedAt = Instant(now), Instant(now)
		if err := tx.Omit("Categories").Create(l).Error; err != nil {
			return translate(err, "A session for this booking")
		}
		return setListingCategories(tx, l)
	})
}

func setListingCategories(tx *gorm.DB, l *Listing) error {
	if err := tx.Where("listing_id = ?", l.ID).Delete(&ListingCategory{}).Error; err != nil {
		return err
	}
	rows := make([]ListingCategory, len(l.Categories))
	for i, c := range l.Categories {
		rows[i] = ListingCategory{ListingID: l.ID, Category: c}
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.Create(&rows).Error
}

// UpdateListing saves what a listing says.
func (s *Store) UpdateListing(ctx context.Context, l *Listing, now time.Time) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		l.UpdatedAt = Instant(now)
		res := tx.Model(&Listing{}).Where("id = ?", l.ID).Updates(map[string]any{
			"title": l.Title, "description": l.Description, "who_for": l.WhoFor,
			"cost_pence": l.CostPence, "cost_note": l.CostNote, "join_mode": l.JoinMode,
			"contact": l.Contact, "referral_contact": l.ReferralContact, "languages": l.Languages,
			"access_notes": l.AccessNotes, "search_text": l.SearchText, "updated_at": l.UpdatedAt,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return booking.ErrNotFound
		}
		return setListingCategories(tx, l)
	})
}

// DeleteListing unpublishes a listing: it is gone from search, pages and
// feeds. Its bookings stay as they are.
func (s *Store) DeleteListing(ctx context.Context, id int64) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("listing_id = ?", id).Delete(&ListingCategory{}).Error; err != nil {
			return err
		}
		res := tx.Delete(&Listing{}, id)
		if res.Error == nil && res.RowsAffected == 0 {
			return booking.ErrNotFound
		}
		return res.Error
	})
}

// ListingOf is the listing of a booking or of a series, if it has one.
func (s *Store) ListingOf(ctx context.Context, bookingID, seriesID int64) (*Listing, error) {
	var ls []Listing
	q := s.DB.WithContext(ctx).Limit(1)
	if seriesID != 0 {
		q = q.Where("series_id = ?", seriesID)
	} else {
		q = q.Where("booking_id = ?", bookingID)
	}
	if err := q.Find(&ls).Error; err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, nil
	}
	return &ls[0], nil
}

// listingViewSQL reads listings with their space's and site's public facts.
const listingViewSQL = `SELECT listings.*,
		spaces.name AS space_name, spaces.kind AS space_kind, spaces.step_free AS space_step_free,
		spaces.hearing_loop AS space_hearing_loop, spaces.accessible_toilet AS space_accessible_toilet,
		spaces.access_notes AS space_access_notes,
		sites.name AS site_name, sites.address_line1, sites.address_line2, sites.town, sites.postcode,
		sites.latitude, sites.longitude, sites.step_free AS site_step_free,
		sites.accessible_toilet AS site_accessible_toilet, sites.changing_places,
		sites.hearing_loop AS site_hearing_loop, sites.parking, sites.parking_notes, sites.public_transport
	FROM listings
	JOIN spaces ON spaces.id = listings.space_id
	JOIN sites ON sites.id = listings.site_id
	WHERE listings.id IN ?`

// ListingByID reads a listing with its public facts, its categories and
// its first confirmed date from now (Next; nil when it has none).
func (s *Store) ListingByID(ctx context.Context, id int64, now time.Time) (*ListingView, error) {
	views, err := s.listingViews(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(views) == 0 {
		return nil, booking.ErrNotFound
	}
	v := &views[0]
	var next any
	err = s.DB.WithContext(ctx).Raw("SELECT "+nextDateSQL+" FROM listings WHERE listings.id = ?",
		Instant(now), farFuture, Instant(now), farFuture, id).Row().Scan(&next)
	if err != nil {
		return nil, err
	}
	if t, err := aggregateTime(next); err != nil {
		return nil, err
	} else if !t.IsZero() {
		v.Next = &t
	}
	return v, nil
}

// listingViews reads listings by id, in no particular order.
func (s *Store) listingViews(ctx context.Context, ids []int64) ([]ListingView, error) {
	var views []ListingView
	if err := s.DB.WithContext(ctx).Raw(listingViewSQL, ids).Scan(&views).Error; err != nil {
		return nil, err
	}
	var cats []ListingCategory
	if err := s.DB.WithContext(ctx).Where("listing_id IN ?", ids).Find(&cats).Error; err != nil {
		return nil, err
	}
	byID := map[int64][]string{}
	for _, c := range cats {
		byID[c.ListingID] = append(byID[c.ListingID], c.Category)
	}
	for i := range views {
		v := &views[i]
		v.Categories = nil
		for _, c := range booking.SessionCategories {
			if slices.Contains(byID[v.ID], c.Value) {
				v.Categories = append(v.Categories, c.Value)
			}
		}
		v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	}
	return views, nil
}

// farFuture bounds "any date from now" for the dialects' comparisons.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// nextDateSQL is a listing's first confirmed date starting in [?, ?),
// given twice: a booking's own date, or the first of its series' (read in
// order from the series' index, stopping at the first confirmed).
const nextDateSQL = `CASE WHEN listings.series_id IS NULL THEN
		(SELECT b.starts_at FROM bookings b WHERE b.id = listings.booking_id
			AND b.state = '` + booking.Confirmed + `' AND b.starts_at >= ? AND b.starts_at < ?)
	ELSE
		(SELECT b.starts_at FROM bookings b WHERE b.series_id = listings.series_id
			AND b.starts_at >= ? AND b.starts_at < ? AND b.state = '` + booking.Confirmed + `'
			ORDER BY b.starts_at LIMIT 1)
	END`

// ListingDates adds each view's next dates from from (at most perListing
// each, cancelled ones among them), in order.
func (s *Store) ListingDates(ctx context.Context, views []ListingView, from time.Time, perListing int) error {
	var seriesIDs, bookingIDs []int64
	for _, v := range views {
		if v.SeriesID != nil {
			seriesIDs = append(seriesIDs, *v.SeriesID)
		} else if v.BookingID != nil {
			bookingIDs = append(bookingIDs, *v.BookingID)
		}
	}
	states := []string{booking.Confirmed, booking.Cancelled}
	type dateRow struct {
		ID               int64
		SeriesID         *int64
		StartsAt, EndsAt time.Time
		State            string
	}
	var dates, single []dateRow
	db := s.DB.WithContext(ctx)
	if len(seriesIDs) > 0 {
		err := db.Raw(`SELECT id, series_id, starts_at, ends_at, state FROM (
				SELECT id, series_id, starts_at, ends_at, state,
					ROW_NUMBER() OVER (PARTITION BY series_id ORDER BY starts_at) AS n
				FROM bookings WHERE series_id IN ? AND starts_at >= ? AND state IN ?) dates
			WHERE n <= ?`, seriesIDs, Instant(from), states, perListing).Scan(&dates).Error
		if err != nil {
			return err
		}
	}
	if len(bookingIDs) > 0 {
		err := db.Raw(`SELECT id, series_id, starts_at, ends_at, state FROM bookings
			WHERE id IN ? AND starts_at >= ? AND state IN ?`, bookingIDs, Instant(from), states).Scan(&single).Error
		if err != nil {
			return err
		}
		dates = append(dates, single...)
	}
	type key struct {
		series bool
		id     int64
	}
	byKey := map[key][]ListingDate{}
	for _, d := range dates {
		k := key{false, d.ID}
		if d.SeriesID != nil {
			k = key{true, *d.SeriesID}
		}
		byKey[k] = append(byKey[k], ListingDate{BookingID: d.ID, SeriesID: d.SeriesID,
			StartsAt: d.StartsAt.UTC(), EndsAt: d.EndsAt.UTC(), Cancelled: d.State == booking.Cancelled})
	}
	for i := range views {
		v := &views[i]
		k := key{false, 0}
		if v.SeriesID != nil {
			k = key{true, *v.SeriesID}
		} else if v.BookingID != nil {
			k = key{false, *v.BookingID}
		}
		v.Dates = byKey[k]
		slices.SortFunc(v.Dates, func(a, b ListingDate) int { return a.StartsAt.Compare(b.StartsAt) })
	}
	return nil
}

// Point is a place on the map, in degrees (WGS 84).
type Point struct{ Latitude, Longitude float64 }

// ListingQuery finds listings. Zero fields do not filter.
type ListingQuery struct {
	// Words must each be in what the listing says or its site's name or
	// town; lower case.
	Words    []string
	Category string
	// Weekdays and DayParts keep listings meeting on any of these London
	// weekdays (bit 1 << time.Weekday) and in any of these parts of the
	// day (booking.DayPartBit bits).
	Weekdays, DayParts int
	SiteID             int64
	OrganisationID     int64
	// Near orders by distance from a place; with WithinKm above zero, only
	// listings at sites that close are kept.
	Near     *Point
	WithinKm float64
	// Access keeps listings with every one of these booking.SessionAccess
	// facts.
	Access []string
	Free   bool
	Join   string
	// Only listings with a confirmed date starting in [From, To) are
	// found; To zero leaves it open.
	From, To time.Time
	Page     Page
}

// SearchListings finds listings with a confirmed date to come, ranked: the
// most query words in the title first, then the nearest, then the soonest.
// It gives the page asked for, with the total found.
func (s *Store) SearchListings(ctx context.Context, q ListingQuery) ([]ListingView, int64, error) {
	var where []string
	var args []any
	for _, w := range q.Words {
		like := "%" + likeEscaper.Replace(w) + "%"
		// The sites named so are found once, not joined row by row.
		where = append(where, `(listings.search_text LIKE ? ESCAPE '\'
			OR listings.site_id IN (SELECT id FROM sites WHERE LOWER(name) LIKE ? ESCAPE '\' OR LOWER(town) LIKE ? ESCAPE '\'))`)
		args = append(args, like, like, like)
	}
	if q.Category != "" {
		where = append(where, "listings.id IN (SELECT listing_id FROM listing_categories WHERE category = ?)")
		args = append(args, q.Category)
	}
	if q.Weekdays != 0 {
		where = append(where, "(listings.weekdays & ?) <> 0")
		args = append(args, q.Weekdays)
	}
	if q.DayParts != 0 {
		where = append(where, "(listings.day_parts & ?) <> 0")
		args = append(args, q.DayParts)
	}
	if q.SiteID != 0 {
		where = append(where, "listings.site_id = ?")
		args = append(args, q.SiteID)
	}
	if q.OrganisationID != 0 {
		where = append(where, "listings.organisation_id = ?")
		args = append(args, q.OrganisationID)
	}
	for _, a := range q.Access {
		cond, ok := accessSQL[a]
		if !ok {
			return nil, 0, booking.Invalid("access", "%q is not an access fact", a)
		}
		where = append(where, cond)
	}
	if q.Free {
		where = append(where, "listings.cost_pence = 0")
	}
	if q.Join != "" {
		where = append(where, "listings.join_mode = ?")
		args = append(args, q.Join)
	}
	if q.Near != nil && q.WithinKm > 0 {
		// A box around the circle, which the exact distance then trims.
		dLat := q.WithinKm / kmPerDegree
		dLon := dLat / max(math.Cos(q.Near.Latitude*math.Pi/180), 0.01)
		where = append(where, "sites.latitude BETWEEN ? AND ? AND sites.longitude BETWEEN ? AND ?")
		args = append(args, q.Near.Latitude-dLat, q.Near.Latitude+dLat, q.Near.Longitude-dLon, q.Near.Longitude+dLon)
	}
	to := q.To
	if to.IsZero() {
		to = farFuture
	}
	from := Instant(q.From)
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	// The next date is worked out only for the listings the filters keep,
	// once each; those without one are skipped as they are read.
	sql := `SELECT listings.id, listings.title, sites.latitude, sites.longitude, ` + nextDateSQL + ` AS next_start
		FROM listings
		JOIN spaces ON spaces.id = listings.space_id
		JOIN sites ON sites.id = listings.site_id
		WHERE ` + cond
	args = append([]any{from, Instant(to), from, Instant(to)}, args...)
	rows, err := s.DB.WithContext(ctx).Raw(sql, args...).Rows()
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	type hit struct {
		id       int64
		score    int
		distance *float64
		next     time.Time
	}
	var hits []hit
	var title string
	var lat, lon *float64
	var next any
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &title, &lat, &lon, &next); err != nil {
			return nil, 0, err
		}
		if h.next, err = aggregateTime(next); err != nil {
			return nil, 0, err
		} else if h.next.IsZero() {
			continue
		}
		if q.Near != nil && lat != nil && lon != nil {
			d := DistanceKm(*q.Near, Point{*lat, *lon})
			if q.WithinKm > 0 && d > q.WithinKm {
				continue
			}
			h.distance = &d
		} else if q.Near != nil && q.WithinKm > 0 {
			continue
		}
		if len(q.Words) > 0 {
			lower := strings.ToLower(title)
			for _, w := range q.Words {
				if strings.Contains(lower, w) {
					h.score++
				}
			}
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		switch {
		case a.distance != nil && b.distance != nil:
			if c := cmp.Compare(*a.distance, *b.distance); c != 0 {
				return c
			}
		case a.distance != nil:
			return -1
		case b.distance != nil:
			return 1
		}
		if c := a.next.Compare(b.next); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	total := int64(len(hits))
	if q.Page.PerPage > 0 {
		start := (max(q.Page.Number, 1) - 1) * q.Page.PerPage
		hits = hits[min(start, len(hits)):min(start+q.Page.PerPage, len(hits))]
	}
	if len(hits) == 0 {
		return []ListingView{}, total, nil
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	views, err := s.listingViews(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	byID := make(map[int64]*ListingView, len(views))
	for i := range views {
		byID[views[i].ID] = &views[i]
	}
	out := make([]ListingView, 0, len(hits))
	for _, h := range hits {
		v, ok := byID[h.id]
		if !ok {
			continue // unpublished between the two reads
		}
		v.Next, v.DistanceKm = &h.next, h.distance
		out = append(out, *v)
	}
	return out, total, nil
}

// likeEscaper escapes LIKE's wildcards with the backslash the queries name
// as their escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// kmPerDegree is the length of a degree of latitude.
const kmPerDegree = 111.195

// DistanceKm is the great-circle distance between two points.
func DistanceKm(a, b Point) float64 {
	const earthRadiusKm = 6371.0
	rad := math.Pi / 180
	dLat := (b.Latitude - a.Latitude) * rad
	dLon := (b.Longitude - a.Longitude) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Latitude*rad)*math.Cos(b.Latitude*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(min(h, 1)))
}
