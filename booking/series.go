package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// NewSeries is a recurring booking the service asks the store to keep.
type NewSeries struct {
	SpaceID        int64
	OrganisationID int64
	ByUserID       int64
	Recurrence     Recurrence
	First          Date
	StartClock     Clock
	EndClock       Clock
	Purpose        string
}

// SeriesTx adds series to a SpaceTx.
type SeriesTx interface {
	SpaceTx
	// InsertSeries stores a series and returns its id.
	InsertSeries(s *NewSeries) (int64, error)
}

// SeriesRequest asks for the same local times on every date of a
// recurrence.
type SeriesRequest struct {
	Request               // Interval is not used
	First      Date       // the first date
	StartClock Clock      // local start time on each date
	EndClock   Clock      // local end time on each date (24:00 for midnight)
	Recurrence Recurrence //
	// Policy is AllOrNothing (the default) or BookAvailable.
	Policy string
}

// Conflict policies of a series: dates that clash with other bookings stop
// the whole series, or are left out and reported. Dates on which the space
// is closed are always left out and reported.
const (
	AllOrNothing  = "all_or_nothing"
	BookAvailable = "book_available"
)

// Policies lists the conflict policies with their labels.
var Policies = []Option{
	{AllOrNothing, "Book every date or none of them"},
	{BookAvailable, "Book the dates that are free and tell me about the others"},
}

// Occurrence is one date of a series and its booking.
type Occurrence struct {
	Date      Date
	Interval  Interval
	BookingID int64
	State     string
}

// Unbooked is a date of a series that could not be booked, and why.
type Unbooked struct {
	Date   Date
	Reason string
	Closed bool      // the space is closed that day, so the date is skipped
	With   *Interval // the booking it clashes with, when it does
}

// SeriesResult is what booking a series did, with the price of the dates
// booked (line by line, in date order).
type SeriesResult struct {
	SeriesID int64
	Booked   []Occurrence
	Unbooked []Unbooked
	Quote    Quote
}

// SeriesConflictError lists the dates that stop an all-or-none series.
type SeriesConflictError struct {
	Dates []Unbooked
}

func (e *SeriesConflictError) Error() string {
	parts := make([]string, len(e.Dates))
	for i, d := range e.Dates {
		parts[i] = d.Date.String() + ": " + d.Reason
	}
	return fmt.Sprintf("%d of the dates cannot be booked (%s)", len(e.Dates), strings.Join(parts, "; "))
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *SeriesConflictError) Unwrap() error { return ErrConflict }

// BookSeries books every date of a recurrence under the space's lock: all
// or none, or (Partial) the dates that are free, reporting the others.
func (s *Service) BookSeries(ctx context.Context, req SeriesRequest) (*SeriesResult, error) {
	dates, err := req.check()
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var result *SeriesResult
	err = s.Store.InSpace(ctx, req.SpaceID, func(tx SpaceTx) error {
		stx, ok := tx.(SeriesTx)
		if !ok {
			return errors.New("store cannot keep series")
		}
		var ready []*NewBooking
		var readyDates []Date
		result, ready, readyDates, err = s.plan(tx, req, dates, now)
		if err != nil {
			return err
		}
		id, err := stx.InsertSeries(&NewSeries{
			SpaceID: req.SpaceID, OrganisationID: req.OrganisationID, ByUserID: req.ByUserID,
			Recurrence: req.Recurrence, First: req.First, StartClock: req.StartClock, EndClock: req.EndClock,
			Purpose: req.Purpose,
		})
		if err != nil {
			return err
		}
		result.SeriesID = id
		for i, nb := range ready {
			nb.SeriesID = &id
			bid, err := tx.Insert(nb)
			if err != nil {
				return err
			}
			result.Booked = append(result.Booked, Occurrence{Date: readyDates[i], Interval: nb.Interval, BookingID: bid, State: nb.State})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return result, nil
}

// QuoteSeries prices the dates of a recurrence that could be booked now,
// without booking them, and lists the others as booking would.
func (s *Service) QuoteSeries(ctx context.Context, req SeriesRequest) (*SeriesResult, error) {
	dates, err := req.check()
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var result *SeriesResult
	err = s.Store.ViewSpace(ctx, req.SpaceID, func(tx SpaceTx) error {
		var ready []*NewBooking
		var readyDates []Date
		result, ready, readyDates, err = s.plan(tx, req, dates, now)
		for i, nb := range ready {
			result.Booked = append(result.Booked, Occurrence{Date: readyDates[i], Interval: nb.Interval, State: nb.State})
		}
		return err
	})
	return result, err
}

// check validates a series request and lists its dates.
func (req SeriesRequest) check() ([]Date, error) {
	if err := req.Request.check(); err != nil {
		return nil, err
	}
	var p Problems
	if !validOption(Policies, req.policy()) {
		p.Add("policy", "Choose all_or_nothing or book_available")
	}
	if req.EndClock <= req.StartClock {
		p.Add("end_time", "The end time must be after the start time")
	}
	dates, err := req.Recurrence.Dates(req.First)
	if err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if len(dates) == 0 {
		p.Add("recurrence.skip", "Every date is skipped: there is nothing to book")
		return nil, p.Err()
	}
	return dates, nil
}

func (req SeriesRequest) policy() string {
	if req.Policy == "" {
		return AllOrNothing
	}
	return req.Policy
}

// plan checks every date of a series and prices the ones that can be
// booked, in date order. Under all-or-nothing a date that clashes stops
// the series; dates on which the space is closed are always left out.
func (s *Service) plan(tx SpaceTx, req SeriesRequest, dates []Date, now time.Time) (*SeriesResult, []*NewBooking, []Date, error) {
	result := &SeriesResult{}
	var ready []*NewBooking
	var readyDates []Date
	for _, d := range dates {
		nb, u, err := s.occurrence(tx, req, d, now)
		if err != nil {
			return nil, nil, nil, err
		}
		if u != nil {
			result.Unbooked = append(result.Unbooked, *u)
			continue
		}
		ready = append(ready, nb)
		readyDates = append(readyDates, d)
	}
	if req.policy() == AllOrNothing {
		var clashing []Unbooked
		for _, u := range result.Unbooked {
			if !u.Closed {
				clashing = append(clashing, u)
			}
		}
		if len(clashing) > 0 {
			return nil, nil, nil, &SeriesConflictError{Dates: clashing}
		}
	}
	if len(ready) == 0 {
		return nil, nil, nil, &SeriesConflictError{Dates: result.Unbooked}
	}
	if err := price(tx, req.Request, ready); err != nil {
		return nil, nil, nil, err
	}
	for _, nb := range ready {
		result.Quote.Add(nb.Quote)
	}
	return result, ready, readyDates, nil
}

// occurrence checks one date of a series. A date that cannot be booked
// is returned as Unbooked, with the reason; only failures of the store
// itself are errors.
func (s *Service) occurrence(tx SpaceTx, req SeriesRequest, d Date, now time.Time) (*NewBooking, *Unbooked, error) {
	start, err := At(d, req.StartClock, London)
	if err != nil {
		return nil, &Unbooked{Date: d, Reason: "the start time does not exist that day (the clocks go forward)"}, nil
	}
	end, err := At(d, req.EndClock, London)
	if err != nil {
		return nil, &Unbooked{Date: d, Reason: "the end time does not exist that day (the clocks go forward)"}, nil
	}
	nb, err := s.prepare(tx, req.Request, Interval{Start: start, End: end}, now)
	if err == nil {
		err = place(tx, nb, now)
	}
	var v *ValidationError
	var clash *ClashError
	switch {
	case err == nil:
		return nb, nil, nil
	case errors.Is(err, ErrOutsideOpeningHours):
		return nil, &Unbooked{Date: d, Reason: "the space is closed then", Closed: true}, nil
	case errors.As(err, &clash):
		with := clash.With
		return nil, &Unbooked{Date: d, Reason: err.Error(), With: &with}, nil
	case errors.As(err, &v):
		return nil, &Unbooked{Date: d, Reason: v.Fields[0].Message}, nil
	}
	return nil, nil, err
}
