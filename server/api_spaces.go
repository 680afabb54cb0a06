package server

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// spaceAccessJSON is a space's own accessibility facts.
type spaceAccessJSON struct {
	StepFree         bool   `json:"step_free"`
	HearingLoop      bool   `json:"hearing_loop"`
	AccessibleToilet bool   `json:"accessible_toilet"`
	Notes            string `json:"notes"`
}

// spaceJSON is a space as the API shows it.
type spaceJSON struct {
	ID                 int64           `json:"id"`
	SiteID             int64           `json:"site_id"`
	SiteName           string          `json:"site_name"`
	Name               string          `json:"name"`
	Kind               string          `json:"kind"`
	Description        string          `json:"description"`
	Capacity           int             `json:"capacity"`
	Features           []string        `json:"features"`
	Accessibility      spaceAccessJSON `json:"accessibility"`
	BookingUnit        string          `json:"booking_unit"`
	GranularityMinutes int             `json:"granularity_minutes"`
	MinMinutes         int             `json:"min_minutes"`
	MaxMinutes         int             `json:"max_minutes"`
	NoticeHours        int             `json:"notice_hours"`
	HorizonDays        int             `json:"horizon_days"`
	BufferMinutes      int             `json:"buffer_minutes"`
	ApprovalMode       string          `json:"approval_mode"`
	RatePence          int64           `json:"rate_pence"`
	Visibility         string          `json:"visibility"`
	CreatedAt          time.Time       `json:"created_at"`
	UpdatedAt          time.Time       `json:"updated_at"`
}

func toSpaceJSON(sp *models.Space) spaceJSON {
	out := spaceJSON{
		ID: sp.ID, SiteID: sp.SiteID, Name: sp.Name, Kind: sp.Kind, Description: sp.Description,
		Capacity: sp.Capacity, Features: []string{},
		Accessibility: spaceAccessJSON{StepFree: sp.StepFree, HearingLoop: sp.HearingLoop,
			AccessibleToilet: sp.AccessibleToilet, Notes: sp.AccessNotes},
		BookingUnit: sp.BookingUnit, GranularityMinutes: sp.GranularityMinutes,
		MinMinutes: sp.MinMinutes, MaxMinutes: sp.MaxMinutes, NoticeHours: sp.NoticeHours,
		HorizonDays: sp.HorizonDays, BufferMinutes: sp.BufferMinutes, ApprovalMode: sp.ApprovalMode,
		RatePence: sp.RatePence, Visibility: sp.Visibility,
		CreatedAt: sp.CreatedAt.UTC(), UpdatedAt: sp.UpdatedAt.UTC(),
	}
	if sp.Site != nil {
		out.SiteName = sp.Site.Name
	}
	for _, f := range sp.Features {
		out.Features = append(out.Features, f.Feature)
	}
	sort.Strings(out.Features)
	return out
}

// spaceAccessInput carries the accessibility facts to change.
type spaceAccessInput struct {
	StepFree         *bool   `json:"step_free"`
	HearingLoop      *bool   `json:"hearing_loop"`
	AccessibleToilet *bool   `json:"accessible_toilet"`
	Notes            *string `json:"notes"`
}

// spaceInput is a new space or a change to one; nil fields stay as they are.
type spaceInput struct {
	Name               *string           `json:"name"`
	Kind               *string           `json:"kind"`
	Description        *string           `json:"description"`
	Capacity           *int              `json:"capacity"`
	Features           []string          `json:"features"`
	Accessibility      *spaceAccessInput `json:"accessibility"`
	BookingUnit        *string           `json:"booking_unit"`
	GranularityMinutes *int              `json:"granularity_minutes"`
	MinMinutes         *int              `json:"min_minutes"`
	MaxMinutes         *int              `json:"max_minutes"`
	NoticeHours        *int              `json:"notice_hours"`
	HorizonDays        *int              `json:"horizon_days"`
	BufferMinutes      *int              `json:"buffer_minutes"`
	ApprovalMode       *string           `json:"approval_mode"`
	RatePence          *int64            `json:"rate_pence"`
	Visibility         *string           `json:"visibility"`
}

func setInt(dst *int, src *int) {
	if src != nil {
		*dst = *src
	}
}

// newSpaceDefaults is a space before anything is said about it.
func newSpaceDefaults(siteID int64) *models.Space {
	return &models.Space{
		SiteID: siteID, Kind: "meeting_room", Capacity: 1,
		BookingUnit: defaultBookingUnit, GranularityMinutes: defaultGranularity,
		MinMinutes: defaultMinMinutes, MaxMinutes: defaultMaxMinutes,
		NoticeHours: defaultNoticeHours, HorizonDays: defaultHorizonDays,
		ApprovalMode: defaultApprovalMode, Visibility: "public",
	}
}

// granularities are the slot sizes an hourly space can use.
var granularities = []int{5, 10, 15, 20, 30, 60}

// applySpace changes sp by in and checks the result.
func applySpace(sp *models.Space, in spaceInput, p *booking.Problems) {
	setString(&sp.Name, in.Name)
	setString(&sp.Kind, in.Kind)
	setString(&sp.Description, in.Description)
	setInt(&sp.Capacity, in.Capacity)
	setString(&sp.BookingUnit, in.BookingUnit)
	setInt(&sp.GranularityMinutes, in.GranularityMinutes)
	setInt(&sp.MinMinutes, in.MinMinutes)
	setInt(&sp.MaxMinutes, in.MaxMinutes)
	setInt(&sp.NoticeHours, in.NoticeHours)
	setInt(&sp.HorizonDays, in.HorizonDays)
	setInt(&sp.BufferMinutes, in.BufferMinutes)
	setString(&sp.ApprovalMode, in.ApprovalMode)
	setString(&sp.Visibility, in.Visibility)
	if in.RatePence != nil {
		sp.RatePence = *in.RatePence
	}
	if a := in.Accessibility; a != nil {
		setBool(&sp.StepFree, a.StepFree)
		setBool(&sp.HearingLoop, a.HearingLoop)
		setBool(&sp.AccessibleToilet, a.AccessibleToilet)
		setString(&sp.AccessNotes, a.Notes)
	}
	if in.Features != nil {
		sp.Features = nil
		seen := map[string]bool{}
		for i, f := range in.Features {
			f = strings.ToLower(strings.Join(strings.Fields(f), " "))
			if f == "" || len([]rune(f)) > maxFeatureLength {
				p.Add("features["+strconv.Itoa(i)+"]", "Each feature must be 1 to %d characters", maxFeatureLength)
				continue
			}
			if !seen[f] {
				seen[f] = true
				sp.Features = append(sp.Features, models.SpaceFeature{Feature: f})
			}
		}
		if len(sp.Features) > maxFeatures {
			p.Add("features", "At most %d features", maxFeatures)
		}
	}
	checkText(p, "name", sp.Name, true, maxShortTextLength)
	checkOption(p, "kind", sp.Kind, booking.SpaceKinds)
	checkText(p, "description", sp.Description, false, maxFreeTextLength)
	checkText(p, "accessibility.notes", sp.AccessNotes, false, maxFreeTextLength)
	checkRange(p, "capacity", int64(sp.Capacity), 1, maxCapacity)
	checkOption(p, "booking_unit", sp.BookingUnit, booking.BookingUnits)
	checkOption(p, "approval_mode", sp.ApprovalMode, booking.ApprovalModes)
	checkOption(p, "visibility", sp.Visibility, booking.Visibilities)
	checkRange(p, "rate_pence", sp.RatePence, 0, maxRatePence)
	checkRange(p, "notice_hours", int64(sp.NoticeHours), 0, maxNoticeHours)
	checkRange(p, "horizon_days", int64(sp.HorizonDays), 1, maxHorizonDays)
	checkRange(p, "buffer_minutes", int64(sp.BufferMinutes), 0, maxBufferMinutes)
	if sp.BookingUnit == "hour" {
		if !containsInt(granularities, sp.GranularityMinutes) {
			p.Add("granularity_minutes", "Must be one of 5, 10, 15, 20, 30 or 60 minutes")
		}
		checkRange(p, "min_minutes", int64(sp.MinMinutes), 1, maxDurationMinutes)
		checkRange(p, "max_minutes", int64(sp.MaxMinutes), 1, maxDurationMinutes)
		if !p.Has("granularity_minutes") && !p.Has("min_minutes") && sp.MinMinutes%sp.GranularityMinutes != 0 {
			p.Add("min_minutes", "Must be a whole number of %d-minute slots", sp.GranularityMinutes)
		}
		if !p.Has("granularity_minutes") && !p.Has("max_minutes") && sp.MaxMinutes%sp.GranularityMinutes != 0 {
			p.Add("max_minutes", "Must be a whole number of %d-minute slots", sp.GranularityMinutes)
		}
		if !p.Has("min_minutes") && !p.Has("max_minutes") && sp.MaxMinutes < sp.MinMinutes {
			p.Add("max_minutes", "Must be at least the shortest booking (%d minutes)", sp.MinMinutes)
		}
	}
	if sp.BufferMinutes%5 != 0 && !p.Has("buffer_minutes") {
		p.Add("buffer_minutes", "Must be a multiple of 5 minutes")
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// saveSpace creates a space in a site (id 0) or changes one, for the API
// and the pages.
func (s *Server) saveSpace(ctx context.Context, who *principal, siteID, id int64, in spaceInput) (*models.Space, error) {
	var sp *models.Space
	if id == 0 {
		if _, err := s.store.SiteByID(ctx, siteID); err != nil {
			return nil, err
		}
		sp = newSpaceDefaults(siteID)
	} else {
		var err error
		if sp, err = s.store.SpaceByID(ctx, id); err != nil {
			return nil, err
		}
		if !who.managesSite(sp.SiteID) && sp.Visibility != "public" {
			return nil, booking.ErrNotFound
		}
	}
	if !who.managesSite(sp.SiteID) {
		return nil, newForbidden("Only this site's estates managers can change its spaces.")
	}
	var p booking.Problems
	applySpace(sp, in, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var err error
	if id == 0 {
		err = s.store.CreateSpace(ctx, sp)
	} else {
		err = s.store.UpdateSpace(ctx, sp)
	}
	if err != nil {
		return nil, err
	}
	return s.store.SpaceByID(ctx, sp.ID)
}

// spaceFilter reads the filters of a space search from the query string.
func spaceFilter(c *gin.Context, p *booking.Problems) models.SpaceFilter {
	f := models.SpaceFilter{
		SiteID:      queryInt(c, p, "site", 1, 1<<53),
		Kind:        c.Query("kind"),
		MinCapacity: int(queryInt(c, p, "min_capacity", 1, maxCapacity)),
	}
	if f.Kind != "" {
		checkOption(p, "kind", f.Kind, booking.SpaceKinds)
	}
	for _, feat := range c.QueryArray("feature") {
		for _, one := range strings.Split(feat, ",") {
			if one = strings.ToLower(strings.TrimSpace(one)); one != "" {
				checkText(p, "feature", one, false, maxFeatureLength)
				f.Features = append(f.Features, one)
			}
		}
	}
	if len(f.Features) > maxFeatures {
		p.Add("feature", "At most %d features", maxFeatures)
	}
	who := currentPrincipal(c)
	if who.isAdmin() {
		f.AllHidden = true
	} else {
		f.VisibleSites = who.managedSiteIDs()
	}
	return f
}

func (s *Server) apiListSpaces() gin.HandlerFunc {
	return func(c *gin.Context) {
		var p booking.Problems
		page := listQuery(c, &p)
		f := spaceFilter(c, &p)
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		spaces, total, err := s.store.Spaces(c.Request.Context(), f, page)
		if err != nil {
			s.fail(c, err)
			return
		}
		out := make([]spaceJSON, len(spaces))
		for i := range spaces {
			out[i] = toSpaceJSON(&spaces[i])
		}
		c.JSON(http.StatusOK, newList(out, page, total))
	}
}

// visibleSpace loads a space the caller may see: hidden spaces exist only
// for their site's managers.
func (s *Server) visibleSpace(c *gin.Context) (*models.Space, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	sp, err := s.store.SpaceByID(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if sp.Visibility != "public" && !currentPrincipal(c).managesSite(sp.SiteID) {
		return nil, booking.ErrNotFound
	}
	return sp, nil
}

func (s *Server) apiGetSpace() gin.HandlerFunc {
	return func(c *gin.Context) {
		sp, err := s.visibleSpace(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toSpaceJSON(sp))
	}
}

func (s *Server) apiCreateSpace() gin.HandlerFunc {
	return func(c *gin.Context) {
		siteID, in, err := pathAndBody[spaceInput](c, "id")
		var sp *models.Space
		if err == nil {
			sp, err = s.saveSpace(c.Request.Context(), currentPrincipal(c), siteID, 0, in)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Location", "/api/v1/spaces/"+itoa(sp.ID))
		c.JSON(http.StatusCreated, toSpaceJSON(sp))
	}
}

func (s *Server) apiUpdateSpace() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, in, err := pathAndBody[spaceInput](c, "id")
		var sp *models.Space
		if err == nil {
			sp, err = s.saveSpace(c.Request.Context(), currentPrincipal(c), 0, id, in)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toSpaceJSON(sp))
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
