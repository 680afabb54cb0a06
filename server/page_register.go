package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// registerForm is the registration form as typed: an account (when signed
// out) and an organisation with one registration number.
type registerForm struct {
	NeedsAccount                      bool
	AccountName, AccountEmail         string
	OrgName, OrgType, Description     string
	OrgEmail, OrgPhone, OrgWebsite    string
	IdentifierScheme, IdentifierValue string
}

// registerPageData is what the registration template shows.
type registerPageData struct {
	Form    registerForm
	Types   []booking.Option
	Schemes []booking.Option
}

// registerOrder is the order of the registration form's inputs.
var registerOrder = []string{
	"account_name", "account_email", "password", "org_name", "org_type",
	"identifier_scheme", "identifier_value", "description", "org_email", "org_phone", "org_website",
}

func newRegisterPage(f registerForm) *view {
	schemes := append([]booking.Option{{Value: "", Label: "None"}}, booking.IdentifierSchemes...)
	return &view{
		Title: "Register your organisation",
		Back:  &link{Href: "/", Text: "Back"},
		Data:  registerPageData{Form: f, Types: booking.OrganisationTypes, Schemes: schemes},
	}
}

func (s *Server) registerPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		s.render(c, http.StatusOK, "register", newRegisterPage(registerForm{NeedsAccount: currentPrincipal(c) == nil}))
	}
}

func registerFormFrom(form url.Values, needsAccount bool) registerForm {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	return registerForm{
		NeedsAccount: needsAccount,
		AccountName:  get("account_name"), AccountEmail: get("account_email"),
		OrgName: get("org_name"), OrgType: get("org_type"), Description: get("description"),
		OrgEmail: get("org_email"), OrgPhone: get("org_phone"), OrgWebsite: get("org_website"),
		IdentifierScheme: get("identifier_scheme"), IdentifierValue: get("identifier_value"),
	}
}

// organisationInput turns the form into the API's input; a number without
// a scheme is a problem of the form's own.
func (f registerForm) organisationInput(errs *formErrors) organisationInput {
	in := organisationInput{
		Name: f.OrgName, Type: f.OrgType, Description: f.Description,
		Email: f.OrgEmail, Phone: f.OrgPhone, Website: f.OrgWebsite,
	}
	switch {
	case f.IdentifierValue == "":
	case f.IdentifierScheme == "":
		errs.add("identifier_scheme", "Select which register the number is from, or leave the number empty")
	default:
		in.Identifiers = []identifierJSON{{Scheme: f.IdentifierScheme, Value: f.IdentifierValue}}
	}
	return in
}

// organisationFields are the organisation half of the registration form.
var organisationFields = formFields{id: organisationFieldID, conflict: "org_name", words: map[string]string{
	"org_name": "Enter the name of the organisation",
	"org_type": "Select what kind of organisation it is",
}}

// accountFields are the account half of the registration form.
var accountFields = formFields{id: accountFieldID, conflict: "account_email", words: map[string]string{
	"account_name":  "Enter your full name",
	"account_email": "Enter your email address",
}}

// organisationFieldID names the input of an organisation's field.
func organisationFieldID(field string) string {
	switch {
	case strings.HasPrefix(field, "identifiers") && strings.HasSuffix(field, ".scheme"):
		return "identifier_scheme"
	case strings.HasPrefix(field, "identifiers"):
		return "identifier_value"
	case field == "name", field == "type", field == "email", field == "phone", field == "website":
		return "org_" + field
	}
	return field
}

// accountFieldID names the input of an account's field.
func accountFieldID(field string) string {
	if field == "password" {
		return field
	}
	return "account_" + field
}

// registerSubmit creates the account (when signed out) and the
// organisation, with the same functions as the API, and shows the new
// organisation's page.
func (s *Server) registerSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		form, err := readForm(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		who := currentPrincipal(c)
		f := registerFormFrom(form, who == nil)
		v := newRegisterPage(f)
		in := f.organisationInput(&v.Errors)
		acct := registerRequest{Email: f.AccountEmail, Name: f.AccountName, Password: form.Get("password")}
		// Both halves are checked before either is saved, so a mistake in
		// the organisation does not leave an account behind.
		if who == nil {
			var p booking.Problems
			validateEmail(&p, "email", acct.Email)
			checkText(&p, "name", acct.Name, true, maxNameLength)
			validatePassword(&p, "password", acct.Password)
			v.Errors.addDomain(p.Err(), accountFields)
		}
		var p booking.Problems
		organisationFrom(in, &p)
		v.Errors.addDomain(p.Err(), organisationFields)
		if v.Errors.any() {
			v.Errors.inOrder(registerOrder...)
			s.render(c, http.StatusUnprocessableEntity, "register", v)
			return
		}
		if who == nil {
			u, err := s.register(acct, c)
			if err != nil {
				s.reRender(c, err, v, "register", accountFields)
				return
			}
			who = &principal{User: u}
		}
		o, err := s.registerOrganisation(c.Request.Context(), who, in)
		if err != nil {
			s.reRender(c, err, v, "register", organisationFields)
			return
		}
		s.redirect(c, "/organisations/"+itoa(o.ID),
			o.Name+" is registered. An estates manager will check its details and verify it.")
	}
}

// reRender shows a form again with a domain function's validation error or
// conflict; any other error gets the error page.
func (s *Server) reRender(c *gin.Context, err error, v *view, page string, ff formFields) {
	status, ok := v.Errors.addDomain(err, ff)
	if !ok {
		s.fail(c, err)
		return
	}
	s.render(c, status, page, v)
}
