package server

import (
	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// routes lists every URL of the product, grouped by who may call it.
// Handlers check finer rules themselves (an estates manager acts only on
// their own sites; an organisation's data is for its members and staff).
func (s *Server) routes(r *gin.Engine) {
	r.Use(s.recoverPanics(), s.requestLog(), s.metrics.observe(), s.securityHeaders(), s.crossOrigin(), s.cleanInput(), s.authenticate())
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
	// Opening hours, closures and free time are public; hidden spaces
	// exist only for their site's managers.
	api.GET("/sites/:id/opening-hours", s.apiGetSiteOpeningHours())
	api.GET("/spaces/:id/opening-hours", s.apiGetSpaceOpeningHours())
	api.GET("/spaces/:id/availability", s.apiSpaceAvailability())
	api.GET("/availability", s.apiSearchAvailability())
	api.GET("/closures", s.apiListClosures())
	api.GET("/closures/:id", s.apiGetClosure())
	// Published sessions: where groups meet, for anyone to find.
	api.GET("/sessions", s.apiSearchSessions())
	api.GET("/sessions/:id", s.apiGetSession())
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

	// Bookings and series: an organisation's members book for it and see
	// its bookings; a site's estates managers book on a group's behalf,
	// see their sites' bookings and approve or decline them.
	user.GET("/bookings", s.apiListBookings())
	user.POST("/bookings", s.apiCreateBooking())
	user.GET("/bookings/:id", s.apiGetBooking())
	user.POST("/bookings/:id/approve", s.apiChangeBooking(booking.ActionApprove))
	user.POST("/bookings/:id/decline", s.apiChangeBooking(booking.ActionDecline))
	user.POST("/bookings/:id/cancel", s.apiChangeBooking(booking.ActionCancel))
	// The site's estates managers mark an invoice paid.
	user.POST("/bookings/:id/invoice-paid", s.apiMarkInvoicePaid())
	user.POST("/series", s.apiCreateSeries())
	user.GET("/series/:id", s.apiGetSeries())
	user.POST("/series/:id/cancel", s.apiCancelSeries())
	// Paying by card: a Checkout Session for a booking, or for every date
	// of a series, still waiting for its payment.
	user.POST("/bookings/:id/checkout", s.apiCheckout(false))
	user.POST("/series/:id/checkout", s.apiCheckout(true))
	user.POST("/quotes", s.apiCreateQuote())
	// A group's members publish its confirmed bookings and series as
	// sessions and change them; they and the site's estates managers take
	// them down.
	user.POST("/sessions", s.apiCreateSession())
	user.PATCH("/sessions/:id", s.apiUpdateSession())
	user.DELETE("/sessions/:id", s.apiDeleteSession())
	// An organisation's private calendar link: its admins see whether it is
	// on, make a new one (the old one stops working) or turn it off.
	user.GET("/organisations/:id/calendar-token", s.apiCalendarLinkStatus(orgCalendarOwner))
	user.POST("/organisations/:id/calendar-token", s.apiNewCalendarLink(orgCalendarOwner))
	user.DELETE("/organisations/:id/calendar-token", s.apiRevokeCalendarLink(orgCalendarOwner))
	user.GET("/rent-policy", s.apiGetEstateRentPolicy())
	user.GET("/sites/:id/rent-policy", s.apiGetSiteRentPolicy())

	// The estate's staff: admins and estates managers (their own sites only).
	staff := api.Group("", s.withRole(booking.RoleAdmin, booking.RoleEstatesManager))
	staff.PATCH("/sites/:id", s.apiUpdateSite())
	staff.POST("/sites/:id/spaces", s.apiCreateSpace())
	staff.PATCH("/spaces/:id", s.apiUpdateSpace())
	staff.POST("/organisations/:id/verification", s.apiVerifyOrganisation())
	staff.PUT("/sites/:id/opening-hours", s.apiSetSiteOpeningHours())
	staff.PUT("/spaces/:id/opening-hours", s.apiSetSpaceOpeningHours())
	staff.POST("/closures", s.apiCreateClosure())
	staff.DELETE("/closures/:id", s.apiDeleteClosure())
	staff.PUT("/sites/:id/rent-policy", s.apiSetSiteRentPolicy())
	staff.GET("/sites/:id/rent-policy/history", s.apiSiteRentPolicyHistory())
	staff.GET("/rent-policy/history", s.apiEstateRentPolicyHistory())
	// The rent foregone at the caller's sites, as JSON or CSV.
	staff.GET("/reports/rent", s.apiRentReport(false))
	staff.GET("/reports/rent.csv", s.apiRentReport(true))
	// The bookings paid by invoice at the caller's sites, due and paid.
	staff.GET("/reports/invoices", s.apiInvoiceReport(false))
	staff.GET("/reports/invoices.csv", s.apiInvoiceReport(true))
	// The caller's private calendar link to the bookings at their sites.
	staff.GET("/me/calendar-token", s.apiCalendarLinkStatus(ownCalendarOwner))
	staff.POST("/me/calendar-token", s.apiNewCalendarLink(ownCalendarOwner))
	staff.DELETE("/me/calendar-token", s.apiRevokeCalendarLink(ownCalendarOwner))

	// Platform admins.
	admin := api.Group("", s.withRole(booking.RoleAdmin))
	admin.POST("/sites", s.apiCreateSite())
	admin.PUT("/rent-policy", s.apiSetEstateRentPolicy())

	// Stripe's webhook, authenticated by its signature.
	r.POST("/webhooks/stripe", s.stripeWebhook())

	// Calendar feeds. Public ones are for anyone; a private one opens with
	// the secret in its URL alone, as calendar apps send no credentials.
	r.GET("/calendars/spaces/:id", s.spaceCalendar())
	r.GET("/calendars/sites/:id", s.siteCalendar())
	// Published sessions: one listing's dates, a category's, a site's.
	r.GET("/calendars/sessions/:id", s.sessionCalendar())
	r.GET("/calendars/categories/:slug", s.categoryCalendar())
	r.GET("/calendars/sites/:id/sessions.ics", s.siteSessionsCalendar())
	r.GET("/calendars/organisations/:token", s.organisationCalendar())
	r.GET("/calendars/managers/:token", s.managerCalendar())

	// Pages. Static files carry a hash of their contents in the URL; the
	// NHS.UK frontend's CSS refers to its images at /assets.
	r.GET("/static/:hash/*filepath", s.staticFile())
	r.GET("/assets/*filepath", s.assetFile())

	// Pages for anyone, signed in or not.
	r.GET("/", s.homePage())
	r.GET("/sign-in", s.signInPage())
	r.POST("/sign-in", s.signInSubmit())
	r.POST("/sign-out", s.signOutSubmit())
	r.GET("/register", s.registerPage())
	r.POST("/register", s.registerSubmit())
	r.GET("/find-a-space", s.findPage())
	r.GET("/sites", s.sitesPage())
	r.GET("/sites/:id", s.sitePage())
	r.GET("/spaces/:id", s.spacePage())
	// Where groups meet: the directory of published sessions, each
	// session's page and its short address to share.
	r.GET("/groups", s.groupsPage())
	r.GET("/groups/:id", s.groupPage())
	r.GET("/g/:id", s.groupShortLink())
	// The link workers' view: sessions that need a referral, with how to
	// refer someone; the estate's staff see it too.
	r.GET("/groups/referrals", s.withRole(booking.RoleLinkWorker, booking.RoleAdmin, booking.RoleEstatesManager), s.groupReferralsPage())

	// Pages for any signed-in account. An organisation's pages are for its
	// members and the estate's staff; only its admins change its members.
	pages := r.Group("", s.signedIn())
	pages.GET("/organisations", s.organisationsPage())
	pages.GET("/organisations/:id", s.organisationPage())
	pages.POST("/organisations/:id/members", s.memberAddSubmit())
	pages.POST("/organisations/:id/members/:user_id/remove", s.memberRemoveSubmit())
	// An organisation's private calendar link: its admins make a new one
	// (shown once; the old one stops working) or turn it off.
	pages.POST("/organisations/:id/calendar-link", s.orgCalendarLinkSubmit())
	pages.POST("/organisations/:id/calendar-link/delete", s.orgCalendarLinkDeleteSubmit())

	// Booking pages: members book for their organisations, a site's
	// estates managers on a group's behalf; bookings and series are seen
	// and cancelled by their organisation and the site's managers.
	pages.GET("/spaces/:id/book", s.bookSpacePage())
	pages.POST("/spaces/:id/book", s.bookSpaceSubmit())
	pages.GET("/organisations/:id/bookings", s.organisationBookingsPage())
	pages.GET("/bookings/:id", s.bookingPage())
	pages.GET("/bookings/:id/calendar.ics", s.bookingCalendarFile())
	pages.GET("/bookings/:id/cancel", s.bookingCancelPage())
	pages.POST("/bookings/:id/cancel", s.bookingCancelSubmit())
	pages.POST("/bookings/:id/pay", s.bookingPaySubmit())
	pages.POST("/series/:id/pay", s.seriesPaySubmit())
	pages.GET("/series/:id", s.seriesPage())
	pages.GET("/series/:id/cancel", s.seriesCancelPage())
	pages.POST("/series/:id/cancel", s.seriesCancelSubmit())

	// Sessions: a group's members publish its confirmed bookings and
	// series as sessions and change them; they, the site's estates
	// managers and admins take them down.
	pages.GET("/bookings/:id/publish", s.sessionPublishPage(false))
	pages.POST("/bookings/:id/publish", s.sessionPublishSubmit(false))
	pages.GET("/series/:id/publish", s.sessionPublishPage(true))
	pages.POST("/series/:id/publish", s.sessionPublishSubmit(true))
	pages.GET("/groups/:id/edit", s.sessionEditPage())
	pages.POST("/groups/:id/edit", s.sessionEditSubmit())
	pages.GET("/groups/:id/unpublish", s.sessionUnpublishPage())
	pages.POST("/groups/:id/unpublish", s.sessionUnpublishSubmit())

	// Pages for the estate's staff: estates managers change their own sites
	// only (details, spaces, opening hours, closures), see their weeks and
	// decide the requests at them, mark their invoices paid, and see the
	// rent foregone there; staff verify organisations.
	manage := r.Group("/manage", s.withRole(booking.RoleAdmin, booking.RoleEstatesManager))
	manage.GET("/sites/:id/edit", s.siteEditPage())
	manage.POST("/sites/:id/edit", s.siteEditSubmit())
	manage.GET("/sites/:id/spaces/new", s.spaceNewPage())
	manage.POST("/sites/:id/spaces/new", s.spaceNewSubmit())
	manage.GET("/spaces/:id/edit", s.spaceEditPage())
	manage.POST("/spaces/:id/edit", s.spaceEditSubmit())
	manage.GET("/organisations", s.manageOrganisationsPage())
	manage.GET("/organisations/:id", s.manageOrganisationPage())
	manage.POST("/organisations/:id/verification", s.verificationSubmit())
	manage.GET("/sites/:id/opening-hours", s.siteHoursForm())
	manage.POST("/sites/:id/opening-hours", s.siteHoursSubmit())
	manage.GET("/spaces/:id/opening-hours", s.spaceHoursForm())
	manage.POST("/spaces/:id/opening-hours", s.spaceHoursSubmit())
	manage.GET("/sites/:id/week", s.siteWeekPage())
	manage.GET("/sites/:id/closures", s.siteClosuresPage())
	manage.POST("/sites/:id/closures", s.closureSubmit())
	manage.GET("/closures/:id", s.closurePage())
	manage.POST("/closures/:id/delete", s.closureDeleteSubmit())
	manage.GET("/requests", s.requestsPage())
	// The account's private calendar of the bookings at their sites.
	manage.GET("/calendar", s.managerCalendarPage())
	manage.POST("/calendar", s.managerCalendarLinkSubmit())
	manage.POST("/calendar/delete", s.managerCalendarLinkDeleteSubmit())
	manage.GET("/reports/rent", s.rentReportPage())
	manage.POST("/bookings/:id/approve", s.decideBookingSubmit(booking.ActionApprove))
	manage.POST("/bookings/:id/decline", s.decideBookingSubmit(booking.ActionDecline))
	manage.POST("/bookings/:id/invoice-paid", s.invoicePaidSubmit())
	manage.POST("/series/:id/approve", s.decideSeriesSubmit(booking.ActionApprove))
	manage.POST("/series/:id/decline", s.decideSeriesSubmit(booking.ActionDecline))

	// Rent policies: a site's estates managers change its policy (its own
	// rules or the estate-wide ones, VAT, cancellation terms); the staff
	// read the estate-wide policy. Each page prices a sample booking.
	manage.GET("/sites/:id/rent-policy", s.rentPolicyPage())
	manage.POST("/sites/:id/rent-policy/source", s.rentSourceSubmit())
	manage.POST("/sites/:id/rent-policy/terms", s.rentTermsSubmit())
	manage.GET("/sites/:id/rent-policy/rules/new", s.rentRuleForm())
	manage.POST("/sites/:id/rent-policy/rules/new", s.rentRuleSubmit())
	manage.GET("/sites/:id/rent-policy/rules/:n", s.rentRuleForm())
	manage.POST("/sites/:id/rent-policy/rules/:n", s.rentRuleSubmit())
	manage.POST("/sites/:id/rent-policy/rules/:n/move", s.rentRuleMoveSubmit())
	manage.GET("/sites/:id/rent-policy/rules/:n/delete", s.rentRuleDeletePage())
	manage.POST("/sites/:id/rent-policy/rules/:n/delete", s.rentRuleDeleteSubmit())
	manage.GET("/rent-policy", s.rentPolicyPage())

	// Pages for platform admins.
	adminPages := r.Group("/manage", s.withRole(booking.RoleAdmin))
	adminPages.GET("/sites/new", s.siteNewPage())
	adminPages.POST("/sites/new", s.siteNewSubmit())
	// The estate-wide rent policy's rules.
	adminPages.GET("/rent-policy/rules/new", s.rentRuleForm())
	adminPages.POST("/rent-policy/rules/new", s.rentRuleSubmit())
	adminPages.GET("/rent-policy/rules/:n", s.rentRuleForm())
	adminPages.POST("/rent-policy/rules/:n", s.rentRuleSubmit())
	adminPages.POST("/rent-policy/rules/:n/move", s.rentRuleMoveSubmit())
	adminPages.GET("/rent-policy/rules/:n/delete", s.rentRuleDeletePage())
	adminPages.POST("/rent-policy/rules/:n/delete", s.rentRuleDeleteSubmit())
}
