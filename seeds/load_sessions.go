package seeds

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// SessionLoad is a directory of sessions to measure search by.
type SessionLoad struct {
	Sites    int       // buildings, spread over about 30 km round Stockport
	Listings int       // sessions, shared out over the buildings' rooms
	Dates    int       // weekly dates of each session's series
	First    time.Time // the week of the first dates
}

// sessionTitles are the kinds of session a load directory holds, with
// their categories: one word in ten finds about a tenth of them.
var sessionTitles = []struct {
	title      string
	categories []string
}{
	{"Health walk", []string{"physical_activity", "nature_gardening"}},
	{"Knit and natter", []string{"arts_creativity", "peer_support"}},
	{"Lunch club", []string{"food_cooking", "older_people"}},
	{"Bereavement café", []string{"bereavement", "peer_support"}},
	{"Allotment volunteers", []string{"nature_gardening"}},
	{"Carers' coffee morning", []string{"carers"}},
	{"Chair-based exercise", []string{"physical_activity", "older_people"}},
	{"Young people's art group", []string{"arts_creativity", "young_people"}},
	{"Money advice drop-in", []string{"money_advice"}},
	{"Stay and play", []string{"families"}},
}

// stockport is the middle of the load directory's buildings.
var stockport = models.Point{Latitude: 53.4106, Longitude: -2.1575}

// LoadSessions stores a load directory: buildings with one room each, and
// sessions published from weekly series in them, each on its own weekday
// and time so that no two overlap. It writes rows in batches, not through
// the booking service, so a large directory loads in seconds.
func LoadSessions(ctx context.Context, s *models.Store, l SessionLoad) error {
	db := s.DB.WithContext(ctx)
	u := &models.User{Email: "sessions-load@example.org", Name: "Sessions load", PasswordHash: "x", Role: booking.RoleMember}
	if err := s.CreateUser(ctx, u); err != nil {
		return err
	}
	org := &models.Organisation{Name: "Sessions Load Group", Type: "community_group"}
	if err := s.CreateOrganisation(ctx, org, u.ID); err != nil {
		return err
	}
	side := int(math.Ceil(math.Sqrt(float64(l.Sites))))
	spaces := make([]models.Space, 0, l.Sites)
	for i := range l.Sites {
		// A grid of about 30 km a side: 0.27° of latitude, 0.45° of longitude.
		lat := stockport.Latitude - 0.135 + 0.27*float64(i/side)/float64(side)
		lon := stockport.Longitude - 0.225 + 0.45*float64(i%side)/float64(side)
		site := &models.Site{Name: fmt.Sprintf("Health Centre %03d", i), AddressLine1: fmt.Sprintf("%d High Street", i+1),
			Town: "Stockport", Postcode: "SK1 1AA", Latitude: &lat, Longitude: &lon, StepFree: i%2 == 0}
		if err := s.CreateSite(ctx, site, nil); err != nil {
			return err
		}
		sp := models.Space{SiteID: site.ID, Name: "Community room", Kind: "meeting_room", Capacity: 30,
			BookingUnit: "hour", GranularityMinutes: 30, MinMinutes: 30, MaxMinutes: 600, HorizonDays: 730,
			ApprovalMode: "auto", Visibility: "public", StepFree: i%4 == 0}
		if err := s.CreateSpace(ctx, &sp); err != nil {
			return err
		}
		spaces = append(spaces, sp)
	}
	const batch = 500
	for start := 0; start < l.Listings; start += batch {
		n := min(batch, l.Listings-start)
		series := make([]models.Series, n)
		for k := range n {
			i := start + k
			sp := spaces[i%len(spaces)]
			slot := i / len(spaces) // 7 days × 6 times: 42 sessions a room
			first := l.First.AddDate(0, 0, slot%7)
			clock := 9*60 + 120*((slot/7)%6)
			series[k] = models.Series{SpaceID: sp.ID, OrganisationID: org.ID, Frequency: booking.Weekly,
				FirstDate: first.Format("2006-01-02"), Count: l.Dates, StartClock: clock, EndClock: clock + 90,
				IntervalWeeks: 1, Purpose: "community", CreatedAt: l.First, UpdatedAt: l.First}
		}
		if err := db.Omit("Space", "Organisation", "Bookings").Create(&series).Error; err != nil {
			return err
		}
		bookings := make([]models.Booking, 0, n*l.Dates)
		listings := make([]models.Listing, n)
		for k, sr := range series {
			sp := spaces[(start+k)%len(spaces)]
			first, err := booking.ParseDate(sr.FirstDate)
			if err != nil {
				return err
			}
			for w := range l.Dates {
				at := booking.AtOrAfter(first.AddDays(7*w), booking.Clock(sr.StartClock), booking.London)
				bookings = append(bookings, models.Booking{SpaceID: sp.ID, OrganisationID: org.ID, SeriesID: &series[k].ID,
					StartsAt: at, EndsAt: at.Add(90 * time.Minute), BlockEnd: at.Add(90 * time.Minute),
					State: booking.Confirmed, Purpose: "community", Attendees: 10, Payment: booking.PaymentNotRequired,
					CreatedAt: l.First, UpdatedAt: l.First})
			}
			// Each building has every kind of session, round its weekly slots.
			i := start + k
			kind := sessionTitles[(i+i/len(spaces))%len(sessionTitles)]
			ls := &listings[k]
			ls.OrganisationID, ls.SeriesID, ls.SpaceID, ls.SiteID = org.ID, &series[k].ID, sp.ID, sp.SiteID
			ls.Publish(booking.Listing{Title: fmt.Sprintf("%s %d", kind.title, i),
				Description: "A friendly group that meets every week; everyone welcome.",
				Categories:  kind.categories, Join: "drop_in", CostPence: int64(100 * (i % 3))})
			at := booking.AtOrAfter(first, booking.Clock(sr.StartClock), booking.London)
			ls.Weekdays, ls.DayParts = 1<<at.In(booking.London).Weekday(), booking.DayPartOf(at)
			ls.CreatedAt, ls.UpdatedAt = l.First, l.First
		}
		if err := db.Omit("Space", "Organisation", "Events", "Charges").CreateInBatches(&bookings, 1000).Error; err != nil {
			return err
		}
		if err := db.Omit("Categories").Create(&listings).Error; err != nil {
			return err
		}
		var cats []models.ListingCategory
		for _, ls := range listings {
			for _, c := range ls.Categories {
				cats = append(cats, models.ListingCategory{ListingID: ls.ID, Category: c})
			}
		}
		if err := db.Create(&cats).Error; err != nil {
			return err
		}
	}
	return nil
}
