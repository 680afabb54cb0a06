package seeds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// demoBooking is a booking, or a series when Count is set, made on a
// weekday at least MinDays after the demo data is loaded, so it is always
// in the future.
type demoBooking struct {
	Organisation string
	Site, Space  string
	By           string // the demo account that booked it, if any
	Weekday      time.Weekday
	MinDays      int
	Start, End   string
	// Count is how many dates a series has; without it the booking is a
	// single date.
	Count int
	// Every is the weeks between the dates of a weekly series; 0 is every
	// week, 2 every other week.
	Every int
	// Nth makes the series monthly, on the Nth Weekday of each month.
	Nth       int
	Purpose   string
	Attendees int
	Notes     string
	// ApprovedBy is the estates manager who approved a booking of a space
	// that needs approval, so that it is confirmed.
	ApprovedBy string
}

// demoClosure closes a site on the day of a weekly demo series' Nth session,
// so it falls on that booking.
type demoClosure struct {
	Site       string
	Reason     string
	Series     int // index into demoBookings
	Session    int // counting from 0
	Start, End string
}

// demoBookings show each state the pages show: a confirmed weekly series
// and a confirmed single booking of a verified charity, a requested series
// at a space that needs approval, and a single request.
var demoBookings = []demoBooking{
	{
		Organisation: tameValley, Site: hunterStreet, Space: "Counselling Room 1", By: "booker@example.org",
		Weekday: time.Tuesday, MinDays: 3, Start: "10:00", End: "12:00", Count: 12,
		Purpose: "health_wellbeing", Attendees: 3, Notes: "Peer support drop-in; we bring our own tea and tissues.",
	},
	{
		Organisation: tameValley, Site: hunterStreet, Space: "Seminar Room", By: "orgadmin@example.org",
		Weekday: time.Thursday, MinDays: 4, Start: "18:00", End: "20:00",
		Purpose: "community", Attendees: 18, Notes: "Volunteer training evening.",
	},
	{
		Organisation: "Reddish Community Kitchen CIC", Site: reddishVale, Space: "Day Unit Teaching Kitchen",
		Weekday: time.Wednesday, MinDays: 5, Start: "10:00", End: "13:00", Count: 6,
		Purpose: "health_wellbeing", Attendees: 8, Notes: "Cooking on a budget course, six weeks.",
	},
	{
		Organisation: "Sensory Connections", Site: cherryTree, Space: "Sensory Room",
		Weekday: time.Friday, MinDays: 4, Start: "10:00", End: "12:00",
		Purpose: "social_prescribing", Attendees: 4, Notes: "Family session for children referred by their GP.",
	},
	// One of each price the rent policies give: free for an NHS service,
	// 75% off a community evening at Heaton Moor, the standard rate plus
	// VAT for the council at Station Road, and private hire waiting for
	// approval there.
	{
		Organisation: "Stockport NHS Talking Therapies", Site: heatonMoor, Space: "Group Room",
		Weekday: time.Monday, MinDays: 3, Start: "13:00", End: "15:00", Count: 8,
		Purpose: "health_wellbeing", Attendees: 10, Notes: "Sleep well: an eight-week group course.",
	},
	{
		Organisation: tameValley, Site: heatonMoor, Space: "Group Room", By: "booker@example.org",
		Weekday: time.Wednesday, MinDays: 3, Start: "18:00", End: "20:00", Count: 6,
		Purpose: "community", Attendees: 8, Notes: "Peer-support evening for carers.",
	},
	{
		Organisation: "Stockport Council Adult Social Care", Site: stationRoad, Space: "Practice Meeting Room",
		Weekday: time.Tuesday, MinDays: 3, Start: "18:30", End: "20:30",
		Purpose: "community", Attendees: 10, Notes: "Carers' forum with the adult social care team.",
	},
	{
		Organisation: "Peak Physio Ltd", Site: stationRoad, Space: "Consulting Room 3",
		Weekday: time.Thursday, MinDays: 4, Start: "18:30", End: "20:30",
		Purpose: "private_commercial", Attendees: 2, Notes: "Evening physiotherapy clinic.",
	},
}

// demoClosures fall on a demo booking, so the closure page has a group to
// contact.
var demoClosures = []demoClosure{
	{Site: hunterStreet, Reason: "Fire alarm and sprinkler servicing", Series: 0, Session: 2, Start: "08:00", End: "13:00"},
}

// demoDate is the first date on the weekday at least minDays after now,
// in London.
func demoDate(now time.Time, wd time.Weekday, minDays int) booking.Date {
	d := booking.DateOf(now, booking.London).AddDays(minDays)
	for d.Weekday() != wd {
		d = d.AddDays(1)
	}
	return d
}

// firstDate is the first date of a demo booking: its first weekday at
// least MinDays after now or, for a monthly series, the first Nth such
// weekday of a month that is.
func (d demoBooking) firstDate(now time.Time) booking.Date {
	earliest := demoDate(now, d.Weekday, d.MinDays)
	if d.Nth == 0 {
		return earliest
	}
	for months := 0; ; months++ {
		month := time.Date(earliest.Year, earliest.Month+time.Month(months), 1, 12, 0, 0, 0, time.UTC)
		if first := booking.NthWeekday(month.Year(), month.Month(), d.Weekday, d.Nth); !first.Before(earliest) {
			return first
		}
	}
}

// recurrence is how a demo series repeats.
func (d demoBooking) recurrence() booking.Recurrence {
	if d.Nth > 0 {
		return booking.Recurrence{Frequency: booking.Monthly, Count: d.Count}
	}
	return booking.Recurrence{Frequency: booking.Weekly, Interval: d.Every, Count: d.Count}
}

// store is the models store over the loader's transaction.
func (l *loader) store() *models.Store { return &models.Store{DB: l.tx, Dialect: l.dialect} }

// bookingService books through the loader's transaction, at the time of
// the load.
func (l *loader) bookingService() *booking.Service {
	return &booking.Service{Store: l.store(), Now: func() time.Time { return l.now }}
}

// loadBookings makes the demo bookings through the booking service, so
// they obey the spaces' rules like any other, and the demo closures. A
// booking is made only when its organisation has none of that space yet,
// a closure only when its site has none with that reason; one the service
// refuses (someone has since booked that time, or changed the hours) is
// left out.
func (l *loader) loadBookings() error {
	service := l.bookingService()
	firsts := make([]booking.Date, len(demoBookings))
	for i, d := range demoBookings {
		firsts[i] = d.firstDate(l.now)
		if _, err := l.loadBooking(service, d, firsts[i]); err != nil {
			return fmt.Errorf("demo booking of %s: %w", d.Space, err)
		}
	}
	for _, d := range demoClosures {
		if err := l.loadClosure(d, firsts[d.Series].AddDays(7*d.Session)); err != nil {
			return fmt.Errorf("demo closure %s: %w", d.Reason, err)
		}
	}
	return nil
}

// booked is what loadBooking made: a single booking or a series, or
// neither when it made nothing.
type booked struct{ BookingID, SeriesID int64 }

// loadBooking books one demo booking or series from first, unless its
// organisation already has a booking of the space, and approves what it
// made when the demo booking says who approved it.
func (l *loader) loadBooking(service *booking.Service, d demoBooking, first booking.Date) (booked, error) {
	org, ok := l.orgs[d.Organisation]
	if !ok {
		return booked{}, fmt.Errorf("%s is not a demo organisation", d.Organisation)
	}
	var sp models.Space
	found, err := l.find(&sp, "site_id = ? AND name = ?", l.sites[d.Site].ID, d.Space)
	if err != nil || !found {
		return booked{}, err
	}
	var n int64
	if err := l.tx.Model(&models.Booking{}).Where("organisation_id = ? AND space_id = ?", org.ID, sp.ID).Count(&n).Error; err != nil || n > 0 {
		return booked{}, err
	}
	var o models.Organisation
	if err := l.tx.First(&o, org.ID).Error; err != nil {
		return booked{}, err
	}
	start, err1 := booking.ParseClock(d.Start)
	end, err2 := booking.ParseClock(d.End)
	if err := errors.Join(err1, err2); err != nil {
		return booked{}, err
	}
	req := booking.Request{
		SpaceID: sp.ID, OrganisationID: org.ID, ByUserID: l.users[d.By].ID, Purpose: d.Purpose,
		Attendees: d.Attendees, Notes: d.Notes, Verified: o.Verification == booking.Verified, OrganisationType: o.Type,
	}
	ctx := context.Background()
	var made booked
	var requested []int64
	if d.Count > 0 {
		var res *booking.SeriesResult
		res, err = service.BookSeries(ctx, booking.SeriesRequest{
			Request: req, First: first, StartClock: start, EndClock: end,
			Recurrence: d.recurrence(), Policy: booking.BookAvailable,
		})
		if err == nil {
			made.SeriesID = res.SeriesID
			for _, occ := range res.Booked {
				if occ.State == booking.Requested {
					requested = append(requested, occ.BookingID)
				}
			}
		}
	} else {
		from, _ := booking.At(first, start, booking.London)
		to, _ := booking.At(first, end, booking.London)
		req.Interval = booking.Interval{Start: from, End: to}
		var state string
		made.BookingID, state, err = service.Book(ctx, req)
		if state == booking.Requested {
			requested = append(requested, made.BookingID)
		}
	}
	var v *booking.ValidationError
	if errors.Is(err, booking.ErrConflict) || errors.Is(err, booking.ErrOutsideOpeningHours) || errors.As(err, &v) {
		return booked{}, nil
	}
	if err != nil || d.ApprovedBy == "" || len(requested) == 0 {
		return made, err
	}
	by, ok := l.users[d.ApprovedBy]
	if !ok {
		return booked{}, fmt.Errorf("approved by %s, who is not a demo user", d.ApprovedBy)
	}
	err = l.store().ChangeBookings(ctx, requested, booking.ActionApprove, "A regular session agreed with the group.", by.ID, l.now)
	return made, err
}

// loadClosure closes a demo site on a day, unless it already has a
// closure with the same reason.
func (l *loader) loadClosure(d demoClosure, day booking.Date) error {
	site := l.sites[d.Site].ID
	var n int64
	if err := l.tx.Model(&models.Closure{}).Where("site_id = ? AND reason = ?", site, d.Reason).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	start, err1 := booking.ParseClock(d.Start)
	end, err2 := booking.ParseClock(d.End)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	from, _ := booking.At(day, start, booking.London)
	to, _ := booking.At(day, end, booking.London)
	c := models.Closure{SiteID: &site, StartsAt: models.Instant(from), EndsAt: models.Instant(to), Reason: d.Reason, CreatedAt: l.now}
	if by, ok := l.users["estates@example.org"]; ok {
		c.CreatedByID = &by.ID
	}
	return l.tx.Create(&c).Error
}
