package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

type identifierJSON struct {
	Scheme string `json:"scheme"`
	Value  string `json:"value"`
}

type verificationJSON struct {
	State      string      `json:"state"`
	Note       string      `json:"note"`
	VerifiedBy *personJSON `json:"changed_by"`
	VerifiedAt *time.Time  `json:"changed_at"`
}

type memberJSON struct {
	UserID   int64     `json:"user_id"`
	Name     string    `json:"name"`
	Email    string    `json:"email"`
	Role     string    `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
}

// organisationJSON is an organisation as the API shows it. Members are
// listed only to the organisation's own members and the estate's staff.
type organisationJSON struct {
	ID            int64            `json:"id"`
	Name          string           `json:"name"`
	Type          string           `json:"type"`
	Description   string           `json:"description"`
	Email         string           `json:"email"`
	Phone         string           `json:"phone"`
	Website       string           `json:"website"`
	Identifiers   []identifierJSON `json:"identifiers"`
	Verification  verificationJSON `json:"verification"`
	PaysByInvoice bool             `json:"pays_by_invoice"`
	Members       []memberJSON     `json:"members,omitempty"`
	CreatedAt     time.Time        `json:"created_at"`
	UpdatedAt     time.Time        `json:"updated_at"`
}

func toOrganisationJSON(o *models.Organisation, withMembers bool) organisationJSON {
	out := organisationJSON{
		ID: o.ID, Name: o.Name, Type: o.Type, Description: o.Description, Email: o.Email,
		Phone: o.Phone, Website: o.Website, Identifiers: []identifierJSON{},
		Verification:  verificationJSON{State: o.Verification, Note: o.VerificationNote},
		PaysByInvoice: o.PaysByInvoice,
		CreatedAt:     o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
	if o.VerifiedAt != nil {
		at := o.VerifiedAt.UTC()
		out.Verification.VerifiedAt = &at
	}
	if o.VerifiedByID != nil {
		out.Verification.VerifiedBy = &personJSON{ID: *o.VerifiedByID}
		if o.VerifiedBy != nil {
			out.Verification.VerifiedBy.Name = o.VerifiedBy.Name
		}
	}
	for _, id := range o.Identifiers {
		out.Identifiers = append(out.Identifiers, identifierJSON{Scheme: id.Scheme, Value: id.Value})
	}
	if withMembers {
		out.Members = toMembersJSON(o.Members)
	}
	return out
}

func toMembersJSON(ms []models.Membership) []memberJSON {
	out := make([]memberJSON, 0, len(ms))
	for _, m := range ms {
		mj := memberJSON{UserID: m.UserID, Role: m.Role, JoinedAt: m.CreatedAt.UTC()}
		if m.User != nil {
			mj.Name, mj.Email = m.User.Name, m.User.Email
		}
		out = append(out, mj)
	}
	return out
}

// organisationInput registers an organisation.
type organisationInput struct {
	Name        string           `json:"name"`
	Type        string           `json:"type"`
	Description string           `json:"description"`
	Email       string           `json:"email"`
	Phone       string           `json:"phone"`
	Website     string           `json:"website"`
	Identifiers []identifierJSON `json:"identifiers"`
}

// charitySchemes are the identifier schemes that prove a registered charity.
var charitySchemes = map[string]bool{booking.SchemeCharityEW: true, booking.SchemeCharitySC: true, booking.SchemeCharityNI: true}

// organisationFrom checks an organisation's details and builds its row.
func organisationFrom(in organisationInput, p *booking.Problems) *models.Organisation {
	o := &models.Organisation{
		Name: strings.TrimSpace(in.Name), Type: strings.TrimSpace(in.Type),
		Description: strings.TrimSpace(in.Description), Email: strings.TrimSpace(in.Email),
		Phone: strings.TrimSpace(in.Phone), Website: strings.TrimSpace(in.Website),
	}
	checkText(p, "name", o.Name, true, maxShortTextLength)
	checkOption(p, "type", o.Type, booking.OrganisationTypes)
	checkText(p, "description", o.Description, false, maxFreeTextLength)
	if o.Email != "" {
		validateEmail(p, "email", o.Email)
	}
	checkText(p, "phone", o.Phone, false, 40)
	checkText(p, "website", o.Website, false, maxShortTextLength)
	if o.Website != "" && !strings.HasPrefix(o.Website, "https://") && !strings.HasPrefix(o.Website, "http://") {
		p.Add("website", "Enter a web address starting with https://")
	}
	if len(in.Identifiers) > maxIdentifiers {
		p.Add("identifiers", "At most %d identifiers", maxIdentifiers)
	}
	hasCharity, hasCompany := false, false
	for i, id := range in.Identifiers {
		field := "identifiers[" + strconv.Itoa(i) + "]"
		value, msg := booking.NormaliseIdentifier(id.Scheme, id.Value)
		if msg != "" {
			if id.Scheme != booking.SchemeCharityEW && id.Scheme != booking.SchemeCharitySC &&
				id.Scheme != booking.SchemeCharityNI && id.Scheme != booking.SchemeCompany {
				field += ".scheme"
			} else {
				field += ".value"
			}
			p.Add(field, "%s", msg)
			continue
		}
		hasCharity = hasCharity || charitySchemes[id.Scheme]
		hasCompany = hasCompany || id.Scheme == booking.SchemeCompany
		o.Identifiers = append(o.Identifiers, models.OrganisationIdentifier{Scheme: id.Scheme, Value: value})
	}
	switch {
	case p.Has("identifiers") || p.Has("type"):
	case o.Type == "registered_charity" && !hasCharity:
		p.Add("identifiers", "A registered charity needs its charity number (GB-CHC, GB-SC or GB-NIC)")
	case o.Type == "community_interest_company" && !hasCompany:
		p.Add("identifiers", "A community interest company needs its Companies House number (GB-COH)")
	}
	o.PaysByInvoice = o.Type == "nhs_service" || o.Type == "local_authority"
	return o
}

// registerOrganisation creates an unverified organisation with the caller
// as its organisation admin, for the API and the pages.
func (s *Server) registerOrganisation(ctx context.Context, who *principal, in organisationInput) (*models.Organisation, error) {
	var p booking.Problems
	o := organisationFrom(in, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := s.store.CreateOrganisation(ctx, o, who.User.ID); err != nil {
		return nil, err
	}
	return s.store.OrganisationByID(ctx, o.ID)
}

// seesOrganisation reports whether the caller may see an organisation's
// details and members: its members and the estate's staff.
func (who *principal) seesOrganisation(orgID int64) bool {
	return who.isStaff() || who.orgRole(orgID) != ""
}

// organisationFor loads an organisation the caller may see. Others get a
// 404, so the API does not reveal which organisations exist.
func (s *Server) organisationFor(c *gin.Context) (*models.Organisation, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	if !currentPrincipal(c).seesOrganisation(id) {
		return nil, booking.ErrNotFound
	}
	return s.store.OrganisationByID(c.Request.Context(), id)
}

func (s *Server) apiListOrganisations() gin.HandlerFunc {
	return func(c *gin.Context) {
		var p booking.Problems
		page := listQuery(c, &p)
		f := models.OrganisationFilter{Verification: c.Query("verification"), Query: strings.TrimSpace(c.Query("q"))}
		if f.Verification != "" {
			checkOption(&p, "verification", f.Verification, booking.VerificationStates)
		}
		checkText(&p, "q", f.Query, false, maxShortTextLength)
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		who := currentPrincipal(c)
		if !who.isStaff() {
			f.MemberID = who.User.ID
		}
		orgs, total, err := s.store.Organisations(c.Request.Context(), f, page)
		if err != nil {
			s.fail(c, err)
			return
		}
		out := make([]organisationJSON, len(orgs))
		for i := range orgs {
			out[i] = toOrganisationJSON(&orgs[i], false)
		}
		c.JSON(http.StatusOK, newList(out, page, total))
	}
}

func (s *Server) apiCreateOrganisation() gin.HandlerFunc {
	return func(c *gin.Context) {
		var in organisationInput
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
		o, err := s.registerOrganisation(c.Request.Context(), currentPrincipal(c), in)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Location", "/api/v1/organisations/"+itoa(o.ID))
		c.JSON(http.StatusCreated, toOrganisationJSON(o, true))
	}
}

func (s *Server) apiGetOrganisation() gin.HandlerFunc {
	return func(c *gin.Context) {
		o, err := s.organisationFor(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toOrganisationJSON(o, true))
	}
}

type verificationRequest struct {
	State string `json:"state"`
	Note  string `json:"note"`
}

// verifyOrganisation sets an organisation's verification state, for the API
// and the pages. Only the estate's staff may.
func (s *Server) verifyOrganisation(ctx context.Context, who *principal, orgID int64, req verificationRequest) (*models.Organisation, error) {
	if !who.isStaff() {
		return nil, newForbidden("Only estates managers and admins can verify organisations.")
	}
	var p booking.Problems
	req.Note = strings.TrimSpace(req.Note)
	checkOption(&p, "state", req.State, booking.VerificationStates)
	checkText(&p, "note", req.Note, req.State == booking.Suspended, maxNoteLength)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s.store.SetVerification(ctx, orgID, req.State, req.Note, who.User.ID, s.now())
}

func (s *Server) apiVerifyOrganisation() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, req, err := pathAndBody[verificationRequest](c, "id")
		var o *models.Organisation
		if err == nil {
			o, err = s.verifyOrganisation(c.Request.Context(), currentPrincipal(c), id, req)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toOrganisationJSON(o, true))
	}
}

func (s *Server) apiListMembers() gin.HandlerFunc {
	return func(c *gin.Context) {
		o, err := s.organisationFor(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"items": toMembersJSON(o.Members)})
	}
}

type addMemberRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// addMember gives an existing account a role in an organisation, for the
// API and the pages. Only the organisation's admins and platform admins may.
func (s *Server) addMember(ctx context.Context, who *principal, orgID int64, req addMemberRequest) (*models.Membership, error) {
	if !who.seesOrganisation(orgID) {
		return nil, booking.ErrNotFound
	}
	if !who.isOrgAdmin(orgID) && !who.isAdmin() {
		return nil, newForbidden("Only the organisation's admins can change its members.")
	}
	var p booking.Problems
	validateEmail(&p, "email", req.Email)
	checkOption(&p, "role", req.Role, booking.MemberRoles)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if _, err := s.store.OrganisationByID(ctx, orgID); err != nil {
		return nil, err
	}
	return s.store.AddMember(ctx, orgID, req.Email, req.Role)
}

// removeMember takes someone out of an organisation; members may also leave.
func (s *Server) removeMember(ctx context.Context, who *principal, orgID, userID int64) error {
	if !who.seesOrganisation(orgID) {
		return booking.ErrNotFound
	}
	if !who.isOrgAdmin(orgID) && !who.isAdmin() && who.User.ID != userID {
		return newForbidden("Only the organisation's admins can change its members.")
	}
	return s.store.RemoveMember(ctx, orgID, userID)
}

func (s *Server) apiAddMember() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, req, err := pathAndBody[addMemberRequest](c, "id")
		var m *models.Membership
		if err == nil {
			m, err = s.addMember(c.Request.Context(), currentPrincipal(c), id, req)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusCreated, toMembersJSON([]models.Membership{*m})[0])
	}
}

func (s *Server) apiRemoveMember() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err != nil {
			s.fail(c, err)
			return
		}
		userID, err := pathID(c, "user_id")
		if err == nil {
			err = s.removeMember(c.Request.Context(), currentPrincipal(c), id, userID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}
