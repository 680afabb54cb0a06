package server

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/common-room/commonroom/models"
)

// siteForm is the site form as typed.
type siteForm struct {
	Name, AddressLine1, AddressLine2, Town, Postcode                 string
	Latitude, Longitude                                              string
	Description, OpeningHours                                        string
	StepFree, AccessibleToilet, ChangingPlaces, HearingLoop, Parking bool
	ParkingNotes, PublicTransport                                    string
	Managers                                                         map[int64]bool
	// ManagersShown says the form had the managers' checkboxes, so no box
	// checked means no managers rather than no change.
	ManagersShown bool
}

// siteFormPage is what the site form template shows.
type siteFormPage struct {
	Heading, Caption, Action, Submit string
	Cancel                           string
	Form                             siteForm
	Facts                            []checkItem
	Managers                         []checkItem // only for platform admins
}

// siteOrder is the order of the site form's inputs.
var siteOrder = []string{
	"name", "address_line1", "address_line2", "town", "postcode", "latitude", "longitude",
	"description", "opening_hours", "step_free", "parking_notes", "public_transport", "managers",
}

func siteFormOf(site *models.Site) siteForm {
	f := siteForm{
		Name: site.Name, AddressLine1: site.AddressLine1, AddressLine2: site.AddressLine2,
		Town: site.Town, Postcode: site.Postcode, Description: site.Description,
		OpeningHours: site.OpeningHours, StepFree: site.StepFree, AccessibleToilet: site.AccessibleToilet,
		ChangingPlaces: site.ChangingPlaces, HearingLoop: site.HearingLoop, Parking: site.Parking,
		ParkingNotes: site.ParkingNotes, PublicTransport: site.PublicTransport,
		Managers: map[int64]bool{},
	}
	if site.Latitude != nil && site.Longitude != nil {
		f.Latitude = strconv.FormatFloat(*site.Latitude, 'f', -1, 64)
		f.Longitude = strconv.FormatFloat(*site.Longitude, 'f', -1, 64)
	}
	for _, m := range site.Managers {
		f.Managers[m.ID] = true
	}
	return f
}

func siteFormFrom(form url.Values) siteForm {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	f := siteForm{
		Name: get("name"), AddressLine1: get("address_line1"), AddressLine2: get("address_line2"),
		Town: get("town"), Postcode: get("postcode"), Latitude: get("latitude"), Longitude: get("longitude"),
		Description: get("description"), OpeningHours: get("opening_hours"),
		StepFree: form.Has("step_free"), AccessibleToilet: form.Has("accessible_toilet"),
		ChangingPlaces: form.Has("changing_places"), HearingLoop: form.Has("hearing_loop"),
		Parking: form.Has("parking"), ParkingNotes: get("parking_notes"), PublicTransport: get("public_transport"),
		Managers: map[int64]bool{}, ManagersShown: form.Has("managers_shown"),
	}
	for _, v := range form["manager_ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			f.Managers[id] = true
		}
	}
	return f
}

// input is the API's input for the form. Every field is set, so an
// unchecked box sets its fact to false; managers are set only when the
// form offered them to a platform admin.
func (f siteForm) input(errs *formErrors, withManagers bool) siteInput {
	in := siteInput{
		Name: ptr(f.Name), AddressLine1: ptr(f.AddressLine1), AddressLine2: ptr(f.AddressLine2),
		Town: ptr(f.Town), Postcode: ptr(f.Postcode), Description: ptr(f.Description),
		OpeningHours: ptr(f.OpeningHours),
		Accessibility: &siteAccessInput{
			StepFree: ptr(f.StepFree), AccessibleToilet: ptr(f.AccessibleToilet),
			ChangingPlaces: ptr(f.ChangingPlaces), HearingLoop: ptr(f.HearingLoop), Parking: ptr(f.Parking),
			ParkingNotes: ptr(f.ParkingNotes), PublicTransport: ptr(f.PublicTransport),
		},
	}
	if f.Latitude == "" && f.Longitude == "" {
		in.ClearLocation = true
	} else {
		in.Latitude = formFloat(errs, "latitude", f.Latitude, "Enter the latitude as a decimal number, like 53.4021")
		in.Longitude = formFloat(errs, "longitude", f.Longitude, "Enter the longitude as a decimal number, like -2.1705")
	}
	if withManagers && f.ManagersShown {
		in.ManagerIDs = []int64{}
		for id := range f.Managers {
			in.ManagerIDs = append(in.ManagerIDs, id)
		}
		sortIDs(in.ManagerIDs)
	}
	return in
}

// siteFields are the site form's inputs.
var siteFields = formFields{id: siteFieldID, conflict: "name", words: map[string]string{
	"name":          "Enter the name of the building",
	"address_line1": "Enter the first line of the address",
	"town":          "Enter the town or city",
}}

// siteFieldID names the input of a site's field.
func siteFieldID(field string) string {
	if field == "manager_ids" {
		return "managers"
	}
	return subfield(field)
}

// siteFormPageFor fills in the checkboxes of the form, and the list of
// estates managers for a platform admin.
func (s *Server) siteFormPageFor(ctx context.Context, who *principal, p siteFormPage) (siteFormPage, error) {
	f := p.Form
	p.Facts = []checkItem{
		{ID: "step_free", Name: "step_free", Label: "Step-free access", Hint: "Level or ramped entrance, and a lift to any floor with spaces", Checked: f.StepFree},
		{ID: "accessible_toilet", Name: "accessible_toilet", Label: "Accessible toilet", Checked: f.AccessibleToilet},
		{ID: "changing_places", Name: "changing_places", Label: "Changing Places toilet", Hint: "With a hoist and an adult-sized changing bench", Checked: f.ChangingPlaces},
		{ID: "hearing_loop", Name: "hearing_loop", Label: "Hearing loop", Checked: f.HearingLoop},
		{ID: "parking", Name: "parking", Label: "Parking on site", Checked: f.Parking},
	}
	if !who.isAdmin() {
		return p, nil
	}
	managers, err := s.store.EstatesManagers(ctx)
	if err != nil {
		return p, err
	}
	for i, m := range managers {
		id := "managers"
		if i > 0 {
			id += "-" + strconv.Itoa(i+1)
		}
		p.Managers = append(p.Managers, checkItem{
			ID: id, Name: "manager_ids", Value: itoa(m.ID), Label: m.Name, Hint: m.Email, Checked: f.Managers[m.ID],
		})
	}
	return p, nil
}
