package server

import (
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// memberAddSubmit gives an existing account a role in the organisation,
// with the same function as the API.
func (s *Server) memberAddSubmit() gin.HandlerFunc {
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
		req := addMemberRequest{Email: strings.TrimSpace(form.Get("member_email")), Role: form.Get("member_role")}
		m, err := s.addMember(c.Request.Context(), currentPrincipal(c), id, req)
		if err == nil {
			name := req.Email
			if m.User != nil {
				name = m.User.Name
			}
			s.redirect(c, "/organisations/"+itoa(id),
				name+" is now "+withArticle(strings.ToLower(booking.MemberRoleLabel(m.Role)))+".")
			return
		}
		v := &view{}
		status, ok := v.Errors.addDomain(err, memberFields)
		if !ok {
			s.fail(c, err)
			return
		}
		v.Errors.inOrder(memberOrder...)
		o, err := s.organisationFor(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderOrganisation(c, status, o, v, req)
	}
}

// withArticle puts "a" or "an" before a noun.
func withArticle(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}
