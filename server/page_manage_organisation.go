package server

import (
	"net/http"
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// manageOrganisationData is an organisation as the estate's staff check
// it: its details, members, and who verified or suspended it, when and why.
type manageOrganisationData struct {
	Org     *models.Organisation
	History []models.VerificationEvent
	Form    verificationRequest
	States  []booking.Option
	// Pricing lists the rent rules the organisation gets only once
	// verified, so the decision's effect on price is in view.
	Pricing []verifiedRule
}

// verificationFields are the verification form's inputs.
var verificationFields = formFields{id: func(field string) string { return field }, words: map[string]string{
	"state": "Select the status",
	"note":  "Enter a note saying why you are suspending it",
}}

// verificationOrder is the order of the verification form's inputs.
var verificationOrder = []string{"state", "note"}

func (s *Server) manageOrganisationPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		s.renderManageOrganisation(c, http.StatusOK, &view{}, nil)
	}
}

// renderManageOrganisation shows the organisation in the URL with the
// verification form as typed, or as it stands when form is nil.
func (s *Server) renderManageOrganisation(c *gin.Context, status int, v *view, form *verificationRequest) {
	o, err := s.organisationFor(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	history, err := s.store.VerificationHistory(c.Request.Context(), o.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	pricing, err := s.verificationPricing(c.Request.Context(), currentPrincipal(c), o.Type)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := manageOrganisationData{Org: o, History: history, Pricing: pricing, States: []booking.Option{
		{Value: booking.Verified, Label: "Verified"},
		{Value: booking.Suspended, Label: "Suspended"},
		{Value: booking.Unverified, Label: "Not yet verified"},
	}}
	if form != nil {
		d.Form = *form
	} else {
		d.Form.State = o.Verification
	}
	v.Title, v.Data = o.Name, d
	v.Back = &link{Href: "/manage/organisations?verification=" + o.Verification, Text: "Organisations"}
	s.render(c, status, "manage-organisation", v)
}

// verificationSubmit verifies, suspends or unverifies an organisation with
// the same function as the API.
func (s *Server) verificationSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err != nil {
			s.fail(c, err)
			return
		}
		form, err := readForm(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		req := verificationRequest{State: form.Get("state"), Note: strings.TrimSpace(form.Get("note"))}
		o, err := s.verifyOrganisation(c.Request.Context(), currentPrincipal(c), id, req)
		if err == nil {
			s.redirect(c, "/manage/organisations/"+itoa(o.ID), o.Name+verificationNews[o.Verification])
			return
		}
		v := &view{}
		status, ok := v.Errors.addDomain(err, verificationFields)
		if !ok {
			s.fail(c, err)
			return
		}
		v.Errors.inOrder(verificationOrder...)
		s.renderManageOrganisation(c, status, v, &req)
	}
}

// verificationNews ends the sentence that confirms a verification decision.
var verificationNews = map[string]string{
	booking.Verified:   " is now verified.",
	booking.Suspended:  " has been suspended.",
	booking.Unverified: " is awaiting verification again.",
}
