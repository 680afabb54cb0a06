package booking

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Booking states. Requested, pending payment (until its deadline) and
// confirmed bookings block time; the others do not.
const (
	Requested      = "requested"
	Confirmed      = "confirmed"
	Declined       = "declined"
	PendingPayment = "pending_payment"
	Expired        = "expired"
	Cancelled      = "cancelled"
)

// BlockingStates are the states whose bookings hold their time.
var BlockingStates = []string{Requested, PendingPayment, Confirmed}

// States lists every booking state with its label.
var States = []Option{
	{Requested, "Waiting for approval"},
	{PendingPayment, "Waiting for payment"},
	{Confirmed, "Confirmed"},
	{Declined, "Declined"},
	{Expired, "Expired"},
	{Cancelled, "Cancelled"},
}

// StateLabel is the label people see for a booking state.
func StateLabel(s string) string { return labelOf(States, s) }

// Purposes are what a booking is for; rent policy rules match on them.
var Purposes = []Option{
	{"social_prescribing", "Social prescribing activity"},
	{"health_wellbeing", "Health and wellbeing"},
	{"community", "Community activity"},
	{"private_commercial", "Private or commercial"},
}

// ValidPurpose reports whether p is one of Purposes.
func ValidPurpose(p string) bool { return validOption(Purposes, p) }

// PurposeLabel is the label people see for a purpose.
func PurposeLabel(p string) string { return labelOf(Purposes, p) }

// ErrOutsideOpeningHours means the interval is not wholly inside the space's
// opening hours, or touches a closure.
var ErrOutsideOpeningHours = errors.New("outside opening hours")

// Rules are what a space allows, for checking a requested interval.
type Rules struct {
	Unit        string // hour, day or season
	Granularity time.Duration
	MinDuration time.Duration
	MaxDuration time.Duration
	Notice      time.Duration // how soon before its start a booking may be made
	Horizon     time.Duration // how far ahead a booking may start
	Buffer      time.Duration // turnaround time after each booking
	Capacity    int
}

// CheckInterval checks an interval against the space's unit, granularity,
// duration limits, notice and horizon at time now. It does not look at
// opening hours or other bookings.
func (r Rules) CheckInterval(iv Interval, now time.Time) error {
	var p Problems
	local := iv.Start.In(London)
	switch {
	case iv.Empty():
		p.Add("ends_at", "The end must be after the start")
	case iv.Start.Second() != 0 || iv.End.Second() != 0 || iv.Start.Nanosecond() != 0 || iv.End.Nanosecond() != 0:
		p.Add("starts_at", "Times must be whole minutes")
	case r.Unit == "hour":
		g := int(r.Granularity / time.Minute)
		if g > 0 && (local.Minute()%g != 0 || int(iv.Duration()/time.Minute)%g != 0) {
			p.Add("starts_at", "Bookings here start and last in %d-minute steps", g)
		}
		if r.MinDuration > 0 && iv.Duration() < r.MinDuration {
			p.Add("ends_at", "The shortest booking here is %s", humanDuration(r.MinDuration))
		}
		if r.MaxDuration > 0 && iv.Duration() > r.MaxDuration {
			p.Add("ends_at", "The longest booking here is %s", humanDuration(r.MaxDuration))
		}
	case r.Unit == "day", r.Unit == "season":
		endLocal := iv.End.In(London)
		if local.Hour() != 0 || local.Minute() != 0 || endLocal.Hour() != 0 || endLocal.Minute() != 0 {
			p.Add("starts_at", "This space is booked by the %s: start and end at midnight", r.Unit)
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if iv.Start.Before(now.Add(r.Notice)) {
		if iv.Start.Before(now) {
			p.Add("starts_at", "The start is in the past")
		} else {
			p.Add("starts_at", "This space needs %s notice", humanDuration(r.Notice))
		}
	}
	if r.Horizon > 0 && iv.Start.After(now.Add(r.Horizon)) {
		p.Add("starts_at", "This space can be booked at most %d days ahead", int(r.Horizon.Hours()/24))
	}
	return p.Err()
}

// CheckOpen reports ErrOutsideOpeningHours unless iv lies wholly inside one
// free interval of open (opening hours less closures).
func CheckOpen(iv Interval, open []Interval) error {
	for _, o := range open {
		if o.Contains(iv) {
			return nil
		}
	}
	return ErrOutsideOpeningHours
}

func humanDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0 && d >= 24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/time.Minute), "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// Actions that change a booking's state.
const (
	ActionApprove = "approve"
	ActionDecline = "decline"
	ActionCancel  = "cancel"
)

// Transition says which state an action moves a booking to from its
// current state, or why it cannot. A pending-payment booking past its
// deadline counts as expired.
func Transition(state, action string, holdExpired bool) (string, error) {
	if state == PendingPayment && holdExpired {
		state = Expired
	}
	switch {
	case action == ActionApprove && state == Requested:
		return Confirmed, nil
	case action == ActionDecline && state == Requested:
		return Declined, nil
	case action == ActionCancel && (state == Requested || state == PendingPayment || state == Confirmed):
		return Cancelled, nil
	}
	return "", Conflict("A booking that is %s cannot be %s", strings.ToLower(StateLabel(state)), pastTense(action))
}

func pastTense(action string) string {
	switch action {
	case ActionApprove:
		return "approved"
	case ActionDecline:
		return "declined"
	}
	return "cancelled"
}
