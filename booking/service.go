package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Space is what the booking service needs to know about a space.
type Space struct {
	ID             int64
	SiteID         int64
	Rules          Rules
	ManualApproval bool
	Windows        []Window // the space's own, or else its site's
}

// NewBooking is a booking the service asks the store to keep.
type NewBooking struct {
	SpaceID        int64
	OrganisationID int64
	ByUserID       int64
	SeriesID       *int64
	Interval       Interval
	BlockEnd       time.Time // Interval.End plus the turnaround buffer
	State          string
	Purpose        string
	Attendees      int
	Notes          string
	HoldUntil      *time.Time
	At             time.Time // when it is made, by the service's clock
	Quote          QuoteLine // its price, under the policy in PolicyID
	PolicyID       int64
	Payment        string // how the price is paid: Payment*
}

// SpaceTx is one space seen from inside a transaction that holds its lock:
// no other booking of the space can be made until the transaction ends.
type SpaceTx interface {
	Space() Space
	// Closures lists the closures of the space or its site that overlap iv.
	Closures(iv Interval) ([]Interval, error)
	// Clashes lists the blocking bookings whose [start, block end)
	// overlaps [iv.Start, blockEnd). A pending-payment booking past its
	// deadline at now does not block: it is marked expired instead.
	Clashes(iv Interval, blockEnd, now time.Time) ([]Interval, error)
	// Insert stores a booking with its quote and returns its id.
	Insert(b *NewBooking) (int64, error)
	// Prices is the space's price list under the rent policy in force.
	Prices() (Prices, error)
	// UsedHours reads the hours each rule has given the organisation at
	// the space's site in a month. Inside a booking it also holds the
	// organisation's place at the site until the transaction ends, so two
	// bookings by one organisation at one site count their capped hours
	// one after the other.
	UsedHours(organisationID int64) UsedHours
}

// Store is what the booking service needs from persistence.
type Store interface {
	// InSpace runs fn in one transaction holding the space's lock. It
	// returns ErrNotFound for an unknown space.
	InSpace(ctx context.Context, spaceID int64, fn func(SpaceTx) error) error
	// ViewSpace runs fn over the space without locking it or keeping
	// anything fn inserts, for quotes. It returns ErrNotFound for an
	// unknown space.
	ViewSpace(ctx context.Context, spaceID int64, fn func(SpaceTx) error) error
}

// Request asks for one interval of a space for an organisation.
type Request struct {
	SpaceID        int64
	OrganisationID int64
	ByUserID       int64
	Interval       Interval
	Purpose        string
	Attendees      int
	Notes          string
	// Verified is whether the organisation is verified; unverified ones
	// always need approval.
	Verified bool
	// OrganisationType is the organisation's type, for the rent policy.
	OrganisationType string
	// Hold, when positive, creates the booking as pending payment until
	// now plus Hold.
	Hold time.Duration
	// Payer says how the organisation pays for a booking that costs
	// something. One that pays by card online gets a booking that waits
	// for its payment, holding its time for PaymentHold (30 minutes when
	// zero); one that needs approval first waits for it from then on.
	Payer       Payer
	PaymentHold time.Duration
}

// DefaultPaymentHold is how long a booking waits for its payment unless
// the deployment says otherwise.
const DefaultPaymentHold = 30 * time.Minute

// Service makes bookings without ever letting two blocking bookings of one
// space overlap.
type Service struct {
	Store Store
	Now   func() time.Time
}

// ClashError is an ErrConflict that names the interval already taken.
type ClashError struct {
	With Interval
}

func (e *ClashError) Error() string {
	return fmt.Sprintf("the space is already booked from %s to %s",
		e.With.Start.In(London).Format("Mon 2 Jan 2006 15:04"), e.With.End.In(London).Format("15:04"))
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ClashError) Unwrap() error { return ErrConflict }

// Book checks the request against the space's rules, opening hours,
// closures and other bookings, and stores it, all under the space's lock.
func (s *Service) Book(ctx context.Context, req Request) (int64, string, error) {
	if err := req.check(); err != nil {
		return 0, "", err
	}
	now := s.Now().UTC()
	var id int64
	var state string
	err := s.Store.InSpace(ctx, req.SpaceID, func(tx SpaceTx) error {
		nb, err := s.prepare(tx, req, req.Interval, now)
		if err != nil {
			return err
		}
		if err := place(tx, nb, now); err != nil {
			return err
		}
		if err := price(tx, req, []*NewBooking{nb}); err != nil {
			return err
		}
		id, err = tx.Insert(nb)
		state = nb.State
		return err
	})
	return id, state, err
}

// Quote prices one interval for an organisation without booking it. It
// checks the interval as booking it would, except for other bookings.
func (s *Service) Quote(ctx context.Context, req Request) (*Quote, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var q *Quote
	err := s.Store.ViewSpace(ctx, req.SpaceID, func(tx SpaceTx) error {
		nb, err := s.prepare(tx, req, req.Interval, now)
		if err != nil {
			return err
		}
		if err := price(tx, req, []*NewBooking{nb}); err != nil {
			return err
		}
		q = &Quote{}
		q.Add(nb.Quote)
		return nil
	})
	return q, err
}

// price quotes each booking in order under the space's rent policy, so
// that a monthly cap used up by an earlier date of a series is seen by the
// later ones.
func price(tx SpaceTx, req Request, nbs []*NewBooking) error {
	prices, err := tx.Prices()
	if err != nil {
		return err
	}
	q := Quoter{Prices: prices, Booker: Booker{OrganisationType: req.OrganisationType, Verified: req.Verified},
		Purpose: req.Purpose, Used: tx.UsedHours(req.OrganisationID)}
	for _, nb := range nbs {
		line, err := q.Line(nb.Interval)
		if err != nil {
			return err
		}
		nb.Quote, nb.PolicyID = line, prices.PolicyID
		settle(req, nb)
	}
	return nil
}

// settle decides how a priced booking is paid. One paid by card online
// that would be confirmed waits for its payment instead, holding its time
// until a deadline.
func settle(req Request, nb *NewBooking) {
	nb.Payment = req.Payer.PaymentFor(nb.Quote.TotalPence)
	if nb.Payment != PaymentPending || nb.State != Confirmed {
		return
	}
	hold := req.PaymentHold
	if hold <= 0 {
		hold = DefaultPaymentHold
	}
	until := nb.At.Add(hold).Truncate(time.Second)
	nb.State, nb.HoldUntil = PendingPayment, &until
}

func (req Request) check() error {
	var p Problems
	if !ValidPurpose(req.Purpose) {
		p.Add("purpose", "Choose what the booking is for: %s", strings.Join(Values(Purposes), ", "))
	}
	if req.Attendees < 1 {
		p.Add("attendees", "Say how many people you expect, at least 1")
	}
	if len([]rune(req.Notes)) > 2000 {
		p.Add("notes", "Must be at most 2000 characters")
	}
	return p.Err()
}

// prepare checks one interval against the space and builds the row.
func (s *Service) prepare(tx SpaceTx, req Request, iv Interval, now time.Time) (*NewBooking, error) {
	sp := tx.Space()
	iv = iv.UTC()
	if err := sp.Rules.CheckInterval(iv, now); err != nil {
		return nil, err
	}
	if sp.Rules.Capacity > 0 && req.Attendees > sp.Rules.Capacity {
		var p Problems
		p.Add("attendees", "This space holds at most %d people", sp.Rules.Capacity)
		return nil, p.Err()
	}
	day := Interval{Start: iv.Start.Add(-48 * time.Hour), End: iv.End.Add(48 * time.Hour)}
	closures, err := tx.Closures(day)
	if err != nil {
		return nil, err
	}
	open := FreeTime(sp.Rules.Bookable(sp.Windows, day.Start, day.End), closures, nil, 0)
	if err := CheckOpen(iv, open); err != nil {
		return nil, err
	}
	state := Confirmed
	switch {
	case sp.ManualApproval || !req.Verified:
		state = Requested
	case req.Hold > 0:
		state = PendingPayment
	}
	nb := &NewBooking{
		SpaceID: sp.ID, OrganisationID: req.OrganisationID, ByUserID: req.ByUserID,
		Interval: iv, BlockEnd: iv.End.Add(sp.Rules.Buffer), State: state,
		Purpose: req.Purpose, Attendees: req.Attendees, Notes: strings.TrimSpace(req.Notes), At: now,
	}
	if state == PendingPayment {
		until := now.Add(req.Hold).Truncate(time.Second)
		nb.HoldUntil = &until
	}
	return nb, nil
}

// place refuses the booking if it clashes with another.
func place(tx SpaceTx, nb *NewBooking, now time.Time) error {
	clashes, err := tx.Clashes(nb.Interval, nb.BlockEnd, now)
	if err != nil {
		return err
	}
	if len(clashes) > 0 {
		return &ClashError{With: clashes[0]}
	}
	return nil
}

// IsClash reports whether err is a clash with another booking.
func IsClash(err error) bool {
	var c *ClashError
	return errors.As(err, &c)
}
