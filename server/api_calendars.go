package server

import (
	"context"
	"net/http"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// calendarLinkJSON is a new private feed link. It is shown once: the
// service keeps only its hash.
type calendarLinkJSON struct {
	URL       string    `json:"url"`
	WebcalURL string    `json:"webcal_url"`
	CreatedAt time.Time `json:"created_at"`
}

// calendarLinkStatusJSON says whether a private feed link is on, without
// the link.
type calendarLinkStatusJSON struct {
	Active    bool       `json:"active"`
	CreatedAt *time.Time `json:"created_at"`
}

// orgCalendarOwner checks that the caller is an admin of the organisation
// in the path: members of other organisations get a 404, its other members
// and the estate's staff a 403.
func orgCalendarOwner(c *gin.Context) (models.CalendarOwner, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return models.CalendarOwner{}, err
	}
	who := currentPrincipal(c)
	if !who.seesOrganisation(id) {
		return models.CalendarOwner{}, booking.ErrNotFound
	}
	if !who.isOrgAdmin(id) {
		return models.CalendarOwner{}, newForbidden("Only the organisation's admins can manage its private calendar link.")
	}
	return models.CalendarOwner{OrganisationID: id}, nil
}

// ownCalendarOwner is the signed-in estates manager or admin, whose feed
// lists the bookings at their sites.
func ownCalendarOwner(c *gin.Context) (models.CalendarOwner, error) {
	return models.CalendarOwner{UserID: currentPrincipal(c).User.ID}, nil
}

func (s *Server) apiCalendarLinkStatus(owner func(*gin.Context) (models.CalendarOwner, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		o, err := owner(c)
		var created *time.Time
		if err == nil {
			created, err = s.calendarLinkCreated(c.Request.Context(), o)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, calendarLinkStatusJSON{Active: created != nil, CreatedAt: created})
	}
}

func (s *Server) calendarLinkCreated(ctx context.Context, o models.CalendarOwner) (*time.Time, error) {
	if o.OrganisationID != 0 {
		if _, err := s.store.OrganisationByID(ctx, o.OrganisationID); err != nil {
			return nil, err
		}
	}
	return s.store.CalendarTokenCreated(ctx, o)
}

// apiNewCalendarLink makes a new private feed link; the old one, if any,
// stops working at once.
func (s *Server) apiNewCalendarLink(owner func(*gin.Context) (models.CalendarOwner, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		o, err := owner(c)
		var path string
		if err == nil {
			path, err = s.rotateCalendarLink(c.Request.Context(), o, currentPrincipal(c).User.ID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		links := s.subscribeLinks(path)
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusCreated, calendarLinkJSON{URL: links.HTTPS, WebcalURL: links.Webcal, CreatedAt: s.now().UTC().Truncate(time.Second)})
	}
}

func (s *Server) rotateCalendarLink(ctx context.Context, o models.CalendarOwner, by int64) (string, error) {
	if o.OrganisationID != 0 {
		if _, err := s.store.OrganisationByID(ctx, o.OrganisationID); err != nil {
			return "", err
		}
	}
	return s.newCalendarToken(ctx, o, by)
}

// apiRevokeCalendarLink turns a private feed link off.
func (s *Server) apiRevokeCalendarLink(owner func(*gin.Context) (models.CalendarOwner, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		o, err := owner(c)
		if err == nil {
			_, err = s.store.RevokeCalendarToken(c.Request.Context(), o)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}
