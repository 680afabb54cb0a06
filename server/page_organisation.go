package server

import (
	"net/http"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// organisationPageData is an organisation as its members and the estate's
// staff see it.
type organisationPageData struct {
	Org       *models.Organisation
	Members   []memberRow
	CanManage bool // may add and remove members
	Staff     bool
	Form      addMemberRequest
	Roles     []booking.Option
	Calendar  *orgCalendarView // for its members only
}

// memberRow is a member with whether the viewer may take them out.
type memberRow struct {
	models.Membership
	CanRemove, IsMe bool
}

// memberOrder is the order of the add-member form's inputs.
var memberOrder = []string{"member_email", "member_role"}

// memberFields are the add-member form's inputs.
var memberFields = formFields{
	id:       func(field string) string { return "member_" + field },
	conflict: "member_email",
	words: map[string]string{
		"member_email": "Enter their email address",
		"member_role":  "Select their role",
	},
}

func (s *Server) organisationPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		o, err := s.organisationFor(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderOrganisation(c, http.StatusOK, o, &view{}, addMemberRequest{Role: booking.OrgBooker})
	}
}

// renderOrganisation shows an organisation's page, with the add-member
// form as typed and v's problems, if any.
func (s *Server) renderOrganisation(c *gin.Context, status int, o *models.Organisation, v *view, form addMemberRequest) {
	who := currentPrincipal(c)
	d := organisationPageData{
		Org: o, CanManage: who.isOrgAdmin(o.ID) || who.isAdmin(), Staff: who.isStaff(),
		Form: form, Roles: booking.MemberRoles,
	}
	for _, m := range o.Members {
		me := m.UserID == who.User.ID
		d.Members = append(d.Members, memberRow{Membership: m, IsMe: me, CanRemove: d.CanManage || me})
	}
	var err error
	if d.Calendar, err = s.orgCalendar(c, o.ID); err != nil {
		s.fail(c, err)
		return
	}
	v.Title, v.Data = o.Name, d
	switch {
	case who.orgRole(o.ID) != "" && len(who.Access.OrgRoles) == 1:
		v.Back = &link{Href: "/organisations", Text: "Your organisation"}
	case who.orgRole(o.ID) != "":
		v.Back = &link{Href: "/organisations", Text: "Your organisations"}
	default:
		v.Back = &link{Href: "/manage/organisations", Text: "Organisations"}
	}
	s.render(c, status, "organisation", v)
}
