package server

import (
	"context"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// siteAccessJSON is a site's accessibility facts.
type siteAccessJSON struct {
	StepFree         bool   `json:"step_free"`
	AccessibleToilet bool   `json:"accessible_toilet"`
	ChangingPlaces   bool   `json:"changing_places"`
	HearingLoop      bool   `json:"hearing_loop"`
	Parking          bool   `json:"parking"`
	ParkingNotes     string `json:"parking_notes"`
	PublicTransport  string `json:"public_transport"`
}

// siteJSON is a site as the API shows it.
type siteJSON struct {
	ID            int64          `json:"id"`
	Name          string         `json:"name"`
	AddressLine1  string         `json:"address_line1"`
	AddressLine2  string         `json:"address_line2"`
	Town          string         `json:"town"`
	Postcode      string         `json:"postcode"`
	Latitude      *float64       `json:"latitude"`
	Longitude     *float64       `json:"longitude"`
	Description   string         `json:"description"`
	OpeningHours  string         `json:"opening_hours"`
	Accessibility siteAccessJSON `json:"accessibility"`
	Managers      []personJSON   `json:"managers"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}

// personJSON names a person without their contact details.
type personJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func toSiteJSON(s *models.Site) siteJSON {
	out := siteJSON{
		ID: s.ID, Name: s.Name, AddressLine1: s.AddressLine1, AddressLine2: s.AddressLine2,
		Town: s.Town, Postcode: s.Postcode, Latitude: s.Latitude, Longitude: s.Longitude,
		Description: s.Description, OpeningHours: s.OpeningHours,
		Accessibility: siteAccessJSON{
			StepFree: s.StepFree, AccessibleToilet: s.AccessibleToilet, ChangingPlaces: s.ChangingPlaces,
			HearingLoop: s.HearingLoop, Parking: s.Parking, ParkingNotes: s.ParkingNotes,
			PublicTransport: s.PublicTransport,
		},
		Managers:  []personJSON{},
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(),
	}
	for _, m := range s.Managers {
		out.Managers = append(out.Managers, personJSON{ID: m.ID, Name: m.Name})
	}
	return out
}

// siteAccessInput carries the accessibility facts to change; nil leaves a
// fact as it is.
type siteAccessInput struct {
	StepFree         *bool   `json:"step_free"`
	AccessibleToilet *bool   `json:"accessible_toilet"`
	ChangingPlaces   *bool   `json:"changing_places"`
	HearingLoop      *bool   `json:"hearing_loop"`
	Parking          *bool   `json:"parking"`
	ParkingNotes     *string `json:"parking_notes"`
	PublicTransport  *string `json:"public_transport"`
}

// siteInput is a new site or a change to one; nil fields stay as they are.
type siteInput struct {
	Name          *string          `json:"name"`
	AddressLine1  *string          `json:"address_line1"`
	AddressLine2  *string          `json:"address_line2"`
	Town          *string          `json:"town"`
	Postcode      *string          `json:"postcode"`
	Latitude      *float64         `json:"latitude"`
	Longitude     *float64         `json:"longitude"`
	ClearLocation bool             `json:"clear_location"`
	Description   *string          `json:"description"`
	OpeningHours  *string          `json:"opening_hours"`
	Accessibility *siteAccessInput `json:"accessibility"`
	ManagerIDs    []int64          `json:"manager_ids"`
}

func setString(dst *string, src *string) {
	if src != nil {
		*dst = strings.TrimSpace(*src)
	}
}

func setBool(dst *bool, src *bool) {
	if src != nil {
		*dst = *src
	}
}

// applySite changes site by in and checks the result.
func applySite(site *models.Site, in siteInput, p *booking.Problems) {
	setString(&site.Name, in.Name)
	setString(&site.AddressLine1, in.AddressLine1)
	setString(&site.AddressLine2, in.AddressLine2)
	setString(&site.Town, in.Town)
	setString(&site.Postcode, in.Postcode)
	setString(&site.Description, in.Description)
	setString(&site.OpeningHours, in.OpeningHours)
	if a := in.Accessibility; a != nil {
		setBool(&site.StepFree, a.StepFree)
		setBool(&site.AccessibleToilet, a.AccessibleToilet)
		setBool(&site.ChangingPlaces, a.ChangingPlaces)
		setBool(&site.HearingLoop, a.HearingLoop)
		setBool(&site.Parking, a.Parking)
		setString(&site.ParkingNotes, a.ParkingNotes)
		setString(&site.PublicTransport, a.PublicTransport)
	}
	if in.ClearLocation {
		site.Latitude, site.Longitude = nil, nil
	}
	if in.Latitude != nil || in.Longitude != nil {
		if in.Latitude == nil || in.Longitude == nil {
			p.Add("latitude", "Give both latitude and longitude, or neither")
		} else {
			site.Latitude, site.Longitude = in.Latitude, in.Longitude
		}
	}
	checkText(p, "name", site.Name, true, maxShortTextLength)
	checkText(p, "address_line1", site.AddressLine1, true, maxShortTextLength)
	checkText(p, "address_line2", site.AddressLine2, false, maxShortTextLength)
	checkText(p, "town", site.Town, true, maxShortTextLength)
	checkText(p, "description", site.Description, false, maxFreeTextLength)
	checkText(p, "opening_hours", site.OpeningHours, false, maxShortTextLength*2)
	checkText(p, "accessibility.parking_notes", site.ParkingNotes, false, maxFreeTextLength)
	checkText(p, "accessibility.public_transport", site.PublicTransport, false, maxFreeTextLength)
	if pc, ok := booking.NormalisePostcode(site.Postcode); ok {
		site.Postcode = pc
	} else if site.Postcode == "" {
		p.Add("postcode", "Enter a postcode")
	} else {
		p.Add("postcode", "Enter a full UK postcode, like SK2 5JA")
	}
	if site.Latitude != nil && (math.IsNaN(*site.Latitude) || *site.Latitude < -90 || *site.Latitude > 90) {
		p.Add("latitude", "Latitude must be between -90 and 90")
	}
	if site.Longitude != nil && (math.IsNaN(*site.Longitude) || *site.Longitude < -180 || *site.Longitude > 180) {
		p.Add("longitude", "Longitude must be between -180 and 180")
	}
	if len(in.ManagerIDs) > maxIDsInOneRequest {
		p.Add("manager_ids", "At most %d managers", maxIDsInOneRequest)
	}
}

// saveSite creates a site (id 0) or changes one, for the API and the pages.
func (s *Server) saveSite(ctx context.Context, who *principal, id int64, in siteInput) (*models.Site, error) {
	var p booking.Problems
	if in.ManagerIDs != nil && !who.isAdmin() {
		p.Add("manager_ids", "Only a platform admin can change who manages a site")
	}
	site := &models.Site{}
	if id != 0 {
		var err error
		if site, err = s.store.SiteByID(ctx, id); err != nil {
			return nil, err
		}
		if !who.managesSite(id) {
			return nil, newForbidden("Only this site's estates managers can change it.")
		}
	}
	applySite(site, in, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var err error
	if id == 0 {
		err = s.store.CreateSite(ctx, site, in.ManagerIDs)
	} else {
		err = s.store.UpdateSite(ctx, site, in.ManagerIDs)
	}
	if err != nil {
		return nil, err
	}
	return s.store.SiteByID(ctx, site.ID)
}

func (s *Server) apiListSites() gin.HandlerFunc {
	return func(c *gin.Context) {
		var p booking.Problems
		page := listQuery(c, &p)
		f := models.SiteFilter{Query: strings.TrimSpace(c.Query("q"))}
		if c.Query("managed") == "true" {
			who := currentPrincipal(c)
			if who == nil {
				s.fail(c, booking.ErrUnauthenticated)
				return
			}
			f.ManagedBy = who.User.ID
		}
		checkText(&p, "q", f.Query, false, maxShortTextLength)
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		sites, total, err := s.store.Sites(c.Request.Context(), f, page)
		if err != nil {
			s.fail(c, err)
			return
		}
		out := make([]siteJSON, len(sites))
		for i := range sites {
			out[i] = toSiteJSON(&sites[i])
		}
		c.JSON(http.StatusOK, newList(out, page, total))
	}
}

func (s *Server) apiGetSite() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		var site *models.Site
		if err == nil {
			site, err = s.store.SiteByID(c.Request.Context(), id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toSiteJSON(site))
	}
}

func (s *Server) apiCreateSite() gin.HandlerFunc {
	return func(c *gin.Context) {
		var in siteInput
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
		site, err := s.saveSite(c.Request.Context(), currentPrincipal(c), 0, in)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Location", "/api/v1/sites/"+itoa(site.ID))
		c.JSON(http.StatusCreated, toSiteJSON(site))
	}
}

func (s *Server) apiUpdateSite() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, in, err := pathAndBody[siteInput](c, "id")
		var site *models.Site
		if err == nil {
			site, err = s.saveSite(c.Request.Context(), currentPrincipal(c), id, in)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toSiteJSON(site))
	}
}
