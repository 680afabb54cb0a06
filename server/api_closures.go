package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// closureJSON is a time a site or one space is shut.
type closureJSON struct {
	ID        int64       `json:"id"`
	SiteID    int64       `json:"site_id"`
	SiteName  string      `json:"site_name"`
	SpaceID   *int64      `json:"space_id"`
	SpaceName *string     `json:"space_name"`
	StartsAt  time.Time   `json:"starts_at"`
	EndsAt    time.Time   `json:"ends_at"`
	Reason    string      `json:"reason"`
	CreatedBy *personJSON `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
}

func toClosureJSON(c *models.ClosureView) closureJSON {
	out := closureJSON{
		ID: c.ID, SiteID: c.InSiteID, SiteName: c.SiteName, SpaceID: c.SpaceID, SpaceName: c.SpaceName,
		StartsAt: c.StartsAt.UTC(), EndsAt: c.EndsAt.UTC(), Reason: c.Reason, CreatedAt: c.CreatedAt.UTC(),
	}
	if c.CreatedByID != nil && c.CreatedByName != nil {
		out.CreatedBy = &personJSON{ID: *c.CreatedByID, Name: *c.CreatedByName}
	}
	return out
}

// closureInput is a new closure of a whole site or of one space.
type closureInput struct {
	SiteID   *int64 `json:"site_id"`
	SpaceID  *int64 `json:"space_id"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Reason   string `json:"reason"`
}

// affectedBookingJSON is an active booking a new closure falls on: the
// estates team contacts the group; the booking itself is not changed.
type affectedBookingJSON struct {
	ID               int64     `json:"id"`
	SpaceID          int64     `json:"space_id"`
	SpaceName        string    `json:"space_name"`
	OrganisationID   int64     `json:"organisation_id"`
	OrganisationName string    `json:"organisation_name"`
	StartsAt         time.Time `json:"starts_at"`
	EndsAt           time.Time `json:"ends_at"`
	State            string    `json:"state"`
}

// closureCreatedJSON is a new closure and the bookings it falls on.
type closureCreatedJSON struct {
	Closure          closureJSON           `json:"closure"`
	AffectedBookings []affectedBookingJSON `json:"affected_bookings"`
}

// maxClosureDays bounds one closure; a longer shutdown is several.
const maxClosureDays = 731

// closureVisible reports whether the caller may know of a closure: those
// of hidden spaces are for their site's managers only.
func closureVisible(who *principal, c *models.ClosureView) bool {
	return c.SpaceVisibility == nil || *c.SpaceVisibility == "public" || who.managesSite(c.InSiteID)
}

func (s *Server) apiListClosures() gin.HandlerFunc {
	return func(c *gin.Context) {
		var p booking.Problems
		page := listQuery(c, &p)
		f := models.ClosureFilter{
			SiteID:  queryInt(c, &p, "site", 1, 1<<53),
			SpaceID: queryInt(c, &p, "space", 1, 1<<53),
			From:    availabilityInstant(c, &p, "from"),
			To:      availabilityInstant(c, &p, "to"),
		}
		if c.Query("from") == "" {
			f.From = models.Instant(s.now())
		}
		if !f.To.IsZero() && !p.Has("from") && !f.To.After(f.From) {
			p.Add("to", "Must be after from (%s)", f.From.Format(time.RFC3339))
		}
		if who := currentPrincipal(c); who.isAdmin() {
			f.AllHidden = true
		} else {
			f.VisibleSites = who.managedSiteIDs()
		}
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		closures, total, err := s.store.Closures(c.Request.Context(), f, page)
		if err != nil {
			s.fail(c, err)
			return
		}
		out := make([]closureJSON, len(closures))
		for i := range closures {
			out[i] = toClosureJSON(&closures[i])
		}
		c.JSON(http.StatusOK, newList(out, page, total))
	}
}

// visibleClosure loads the closure named in the path, if the caller may
// know of it.
func (s *Server) visibleClosure(c *gin.Context) (*models.ClosureView, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	cl, err := s.store.ClosureByID(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if !closureVisible(currentPrincipal(c), cl) {
		return nil, booking.ErrNotFound
	}
	return cl, nil
}

func (s *Server) apiGetClosure() gin.HandlerFunc {
	return func(c *gin.Context) {
		cl, err := s.visibleClosure(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toClosureJSON(cl))
	}
}

// newClosure checks a closure request and finds the site it closes.
func (s *Server) newClosure(ctx context.Context, who *principal, in closureInput) (*models.Closure, error) {
	var p booking.Problems
	var siteID int64
	switch {
	case in.SiteID != nil && in.SpaceID != nil:
		p.Add("space_id", "Give site_id to close a whole site, or space_id to close one space; not both")
	case in.SiteID != nil:
		if _, err := s.store.SiteByID(ctx, *in.SiteID); errors.Is(err, booking.ErrNotFound) {
			p.Add("site_id", "There is no site %d", *in.SiteID)
		} else if err != nil {
			return nil, err
		}
		siteID = *in.SiteID
	case in.SpaceID != nil:
		sp, err := s.store.SpaceByID(ctx, *in.SpaceID)
		switch {
		case errors.Is(err, booking.ErrNotFound) || (err == nil && sp.Visibility != "public" && !who.managesSite(sp.SiteID)):
			p.Add("space_id", "There is no space %d", *in.SpaceID)
		case err != nil:
			return nil, err
		default:
			siteID = sp.SiteID
		}
	default:
		p.Add("site_id", "Give site_id to close a whole site, or space_id to close one space")
	}
	iv := booking.Interval{Start: bodyInstant(&p, "starts_at", in.StartsAt), End: bodyInstant(&p, "ends_at", in.EndsAt)}
	if !p.Has("starts_at") && !p.Has("ends_at") {
		switch {
		case !iv.End.After(iv.Start):
			p.Add("ends_at", "The end must be after the start")
		case iv.Duration() > maxClosureDays*24*time.Hour:
			p.Add("ends_at", "A closure lasts at most %d days; add another for longer", maxClosureDays)
		case !iv.End.After(s.now()):
			p.Add("ends_at", "The closure would already be over")
		}
	}
	checkText(&p, "reason", in.Reason, true, maxShortTextLength)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if !who.managesSite(siteID) {
		return nil, newForbidden("Only this site's estates managers can close it or its spaces.")
	}
	cl := &models.Closure{SiteID: in.SiteID, SpaceID: in.SpaceID, StartsAt: iv.Start, EndsAt: iv.End, Reason: in.Reason}
	if who != nil {
		cl.CreatedByID = &who.User.ID
	}
	return cl, nil
}

// bodyInstant reads an RFC 3339 time from a request body field, in whole
// minutes.
func bodyInstant(p *booking.Problems, field, v string) time.Time {
	t, err := time.Parse(time.RFC3339, v)
	switch {
	case v == "":
		p.Add(field, "Enter a time like 2026-12-25T00:00:00Z")
	case err != nil:
		p.Add(field, "Must be an RFC 3339 time like 2026-12-25T00:00:00Z")
	case t.Year() < minYear || t.Year() > maxYear:
		p.Add(field, "Must be between %d and %d", minYear, maxYear)
	case t.Second() != 0 || t.Nanosecond() != 0:
		p.Add(field, "Times must be whole minutes")
	default:
		return t.UTC()
	}
	return time.Time{}
}

func (s *Server) apiCreateClosure() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		who := currentPrincipal(c)
		var in closureInput
		err := decodeJSON(c, &in)
		var cl *models.Closure
		if err == nil {
			cl, err = s.newClosure(ctx, who, in)
		}
		var affected []models.AffectedBooking
		if err == nil {
			affected, err = s.store.CreateClosure(ctx, cl, s.now())
		}
		var view *models.ClosureView
		if err == nil {
			view, err = s.store.ClosureByID(ctx, cl.ID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		out := closureCreatedJSON{Closure: toClosureJSON(view), AffectedBookings: make([]affectedBookingJSON, len(affected))}
		for i, a := range affected {
			out.AffectedBookings[i] = affectedBookingJSON{
				ID: a.ID, SpaceID: a.SpaceID, SpaceName: a.SpaceName, OrganisationID: a.OrganisationID,
				OrganisationName: a.OrganisationName, StartsAt: a.StartsAt.UTC(), EndsAt: a.EndsAt.UTC(), State: a.State,
			}
		}
		c.Header("Location", fmt.Sprintf("/api/v1/closures/%d", cl.ID))
		c.JSON(http.StatusCreated, out)
	}
}

// deleteClosure removes the closure named in the path, for the API and the
// pages. Only its site's estates managers may.
func (s *Server) deleteClosure(c *gin.Context) (*models.ClosureView, error) {
	cl, err := s.visibleClosure(c)
	if err == nil && !currentPrincipal(c).managesSite(cl.InSiteID) {
		err = newForbidden("Only this site's estates managers can remove its closures.")
	}
	if err == nil {
		err = s.store.DeleteClosure(c.Request.Context(), cl.ID)
	}
	return cl, err
}

func (s *Server) apiDeleteClosure() gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, err := s.deleteClosure(c); err != nil {
			s.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}
