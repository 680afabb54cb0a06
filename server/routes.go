package server

import (
	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// routes lists every URL of the product, grouped by who may call it.
// Handlers check finer rules themselves (an estates manager acts only on
// their own sites; an organisation's data is for its members and staff).
func (s *Server) routes(r *gin.Engine) {
	r.Use(s.recoverPanics(), s.requestLog(), s.metrics.observe(), s.securityHeaders(), s.cleanInput(), s.authenticate())
	r.NoRoute(func(c *gin.Context) { s.fail(c, booking.ErrNotFound) })
	r.NoMethod(func(c *gin.Context) { s.fail(c, errMethodNotAllowed) })

	// Operations: anyone, including load balancers and Prometheus.
	r.GET("/healthz", s.healthz())
	r.GET("/readyz", s.readyz())
	r.GET("/metrics", s.metrics.handler())

	api := r.Group("/api/v1")

	// Anyone, signed in or not.
	api.GET("/openapi.json", s.openAPI())
	api.GET("/sites", s.apiListSites())
	api.GET("/sites/:id", s.apiGetSite())
	api.GET("/spaces", s.apiListSpaces())
	api.GET("/spaces/:id", s.apiGetSpace())
	api.POST("/auth/register", s.apiRegister())
	api.POST("/auth/login", s.apiLogin())
	api.POST("/auth/logout", s.apiLogout())

	// Any signed-in account. Organisation routes further check membership.
	user := api.Group("", s.signedIn())
	user.GET("/me", s.apiMe())
	user.GET("/tokens", s.apiListTokens())
	user.POST("/tokens", s.apiCreateToken())
	user.DELETE("/tokens/:id", s.apiDeleteToken())
	user.GET("/organisations", s.apiListOrganisations())
	user.POST("/organisations", s.apiCreateOrganisation())
	user.GET("/organisations/:id", s.apiGetOrganisation())
	user.GET("/organisations/:id/members", s.apiListMembers())
	user.POST("/organisations/:id/members", s.apiAddMember())
	user.DELETE("/organisations/:id/members/:user_id", s.apiRemoveMember())

	// The estate's staff: admins and estates managers (their own sites only).
	staff := api.Group("", s.withRole(booking.RoleAdmin, booking.RoleEstatesManager))
	staff.PATCH("/sites/:id", s.apiUpdateSite())
	staff.POST("/sites/:id/spaces", s.apiCreateSpace())
	staff.PATCH("/spaces/:id", s.apiUpdateSpace())
	staff.POST("/organisations/:id/verification", s.apiVerifyOrganisation())

	// Platform admins.
	admin := api.Group("", s.withRole(booking.RoleAdmin))
	admin.POST("/sites", s.apiCreateSite())

	s.pageRoutes(r)
}
