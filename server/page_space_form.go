package server

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// spaceForm is the space form as typed.
type spaceForm struct {
	Name, Kind, Description, Capacity, Features      string
	StepFree, HearingLoop, AccessibleToilet          bool
	AccessNotes                                      string
	BookingUnit, Granularity, MinMinutes, MaxMinutes string
	NoticeHours, HorizonDays, BufferMinutes          string
	ApprovalMode, Rate, Visibility                   string
}

// spaceFormPage is what the space form template shows.
type spaceFormPage struct {
	Heading, Caption, Action, Submit, Cancel string
	Form                                     spaceForm
	Kinds, Units, Granularities              []booking.Option
	Approvals, Visibilities                  []booking.Option
	Access                                   []checkItem
}

// spaceOrder is the order of the space form's inputs.
var spaceOrder = []string{
	"name", "kind", "description", "capacity", "features", "step_free", "access_notes",
	"booking_unit", "granularity_minutes", "min_minutes", "max_minutes", "notice_hours",
	"horizon_days", "buffer_minutes", "approval_mode", "rate", "visibility",
}

func newSpaceFormPage(f spaceForm) spaceFormPage {
	p := spaceFormPage{
		Form: f, Kinds: booking.SpaceKinds, Units: booking.BookingUnits,
		Approvals: booking.ApprovalModes, Visibilities: booking.Visibilities,
		Access: []checkItem{
			{ID: "step_free", Name: "step_free", Label: "Step-free access", Checked: f.StepFree},
			{ID: "hearing_loop", Name: "hearing_loop", Label: "Hearing loop", Checked: f.HearingLoop},
			{ID: "accessible_toilet", Name: "accessible_toilet", Label: "Accessible toilet nearby", Checked: f.AccessibleToilet},
		},
	}
	for _, g := range granularities {
		p.Granularities = append(p.Granularities, booking.Option{Value: strconv.Itoa(g), Label: formatMinutes(g)})
	}
	return p
}

func spaceFormOf(sp *models.Space) spaceForm {
	features := toSpaceJSON(sp).Features
	f := spaceForm{
		Name: sp.Name, Kind: sp.Kind, Description: sp.Description, Features: strings.Join(features, ", "),
		StepFree: sp.StepFree, HearingLoop: sp.HearingLoop, AccessibleToilet: sp.AccessibleToilet,
		AccessNotes: sp.AccessNotes, BookingUnit: sp.BookingUnit,
		Granularity: strconv.Itoa(sp.GranularityMinutes), MinMinutes: strconv.Itoa(sp.MinMinutes),
		MaxMinutes: strconv.Itoa(sp.MaxMinutes), NoticeHours: strconv.Itoa(sp.NoticeHours),
		HorizonDays: strconv.Itoa(sp.HorizonDays), BufferMinutes: strconv.Itoa(sp.BufferMinutes),
		ApprovalMode: sp.ApprovalMode, Rate: poundsValue(sp.RatePence), Visibility: sp.Visibility,
	}
	if sp.ID != 0 {
		f.Capacity = strconv.Itoa(sp.Capacity)
	}
	return f
}

func spaceFormFrom(form url.Values) spaceForm {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	return spaceForm{
		Name: get("name"), Kind: get("kind"), Description: get("description"), Capacity: get("capacity"),
		Features: get("features"), StepFree: form.Has("step_free"), HearingLoop: form.Has("hearing_loop"),
		AccessibleToilet: form.Has("accessible_toilet"), AccessNotes: get("access_notes"),
		BookingUnit: get("booking_unit"), Granularity: get("granularity_minutes"),
		MinMinutes: get("min_minutes"), MaxMinutes: get("max_minutes"), NoticeHours: get("notice_hours"),
		HorizonDays: get("horizon_days"), BufferMinutes: get("buffer_minutes"),
		ApprovalMode: get("approval_mode"), Rate: get("rate"), Visibility: get("visibility"),
	}
}

// input is the API's input for the form, with every field set. Numbers
// that cannot be read are problems of the form's own and stay nil.
func (f spaceForm) input(errs *formErrors) spaceInput {
	in := spaceInput{
		Name: ptr(f.Name), Kind: ptr(f.Kind), Description: ptr(f.Description),
		Features: []string{},
		Accessibility: &spaceAccessInput{
			StepFree: ptr(f.StepFree), HearingLoop: ptr(f.HearingLoop),
			AccessibleToilet: ptr(f.AccessibleToilet), Notes: ptr(f.AccessNotes),
		},
		BookingUnit: ptr(f.BookingUnit), ApprovalMode: ptr(f.ApprovalMode), Visibility: ptr(f.Visibility),
	}
	for _, feat := range strings.Split(f.Features, ",") {
		if feat = strings.TrimSpace(feat); feat != "" {
			in.Features = append(in.Features, feat)
		}
	}
	in.Capacity = formInt(errs, "capacity", f.Capacity, "the capacity")
	// Slot sizes and lengths matter only for spaces booked by the hour.
	hourly := func(id, value, what string) *int {
		if f.BookingUnit != "hour" && value == "" {
			return nil
		}
		return formInt(errs, id, value, what)
	}
	in.GranularityMinutes = hourly("granularity_minutes", f.Granularity, "the slot size")
	in.MinMinutes = hourly("min_minutes", f.MinMinutes, "the shortest booking in minutes")
	in.MaxMinutes = hourly("max_minutes", f.MaxMinutes, "the longest booking in minutes")
	in.NoticeHours = formInt(errs, "notice_hours", f.NoticeHours, "the notice in hours")
	in.HorizonDays = formInt(errs, "horizon_days", f.HorizonDays, "the number of days ahead")
	in.BufferMinutes = formInt(errs, "buffer_minutes", f.BufferMinutes, "the time between bookings in minutes")
	switch pence, ok := parsePounds(f.Rate); {
	case f.Rate == "":
		errs.add("rate", "Enter the standard rate in pounds, or 0 if it is free")
	case !ok:
		errs.add("rate", "Enter the rate in pounds and pence, like 12.50")
	case pence > maxRatePence:
		errs.add("rate", "The rate must be "+formatMoney(maxRatePence)+" or less")
	default:
		in.RatePence = &pence
	}
	return in
}

// spaceFields are the space form's inputs.
var spaceFields = formFields{id: spaceFieldID, conflict: "name", words: map[string]string{
	"name":          "Enter the name of the space",
	"kind":          "Select the kind of space",
	"booking_unit":  "Select how it is booked",
	"approval_mode": "Select whether bookings are confirmed straight away",
	"visibility":    "Select who can see it",
}}

// spaceFieldID names the input of a space's field.
func spaceFieldID(field string) string {
	switch field {
	case "accessibility.notes":
		return "access_notes"
	case "rate_pence":
		return "rate"
	}
	return subfield(field)
}

// checkSpaceForm adds the domain's own checks of the fields that could be
// read to the form's problems, so one answer lists everything to fix.
func checkSpaceForm(errs *formErrors, base models.Space, in spaceInput) {
	var p booking.Problems
	applySpace(&base, in, &p)
	errs.addDomain(p.Err(), spaceFields)
}
