// Package seeds loads demo data: six NHS buildings in Stockport with about
// thirty spaces, some twenty-five organisations that book them, one account
// for each role, rent policies for the estate and two of its sites, a few
// bookings priced under them and a closure in the weeks ahead, and two
// dozen sessions the groups publish, so that a fresh install can be tried
// at once.
package seeds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"gorm.io/gorm"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "common-room-demo"

// SignIn is one demo account to print at start-up.
type SignIn struct {
	Email       string
	Role        string
	Description string
}

// The marker is a setting that records which version of the demo data a
// database holds. Once it is there, loading does nothing, so rows people
// have since renamed or deleted are not brought back. Change demoVersion
// when the demo data gains rows that older demo databases should receive.
const (
	markerKey   = "demo_data_version"
	demoVersion = "5"
)

// LoadDemo loads the demo data if it is not already there and returns the
// demo sign-ins. hashPassword turns a plain password into the stored hash
// (argon2id, supplied by the caller). Rows are found by their natural keys
// (a user's email, a site's name, a space's name within its site, an
// organisation's name) and created only when missing; existing rows are
// never changed.
func LoadDemo(ctx context.Context, s *models.Store, hashPassword func(string) (string, error)) ([]SignIn, error) {
	load := func() error {
		return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			l := loader{tx: tx, hash: hashPassword, now: models.Now(), dialect: s.Dialect}
			return l.run()
		})
	}
	err := load()
	// Another server process loading the demo data at the same moment
	// claimed the marker first. On PostgreSQL this one's claim fails as a
	// duplicate once the other commits; on SQLite it may tire of waiting
	// for the other's write lock. Either way a later pass finds the rows
	// and creates nothing.
	for tries := 1; tries < 5 && (errors.Is(err, models.ErrDuplicate) || models.IsBusy(err)); tries++ {
		err = load()
	}
	if err != nil {
		return nil, fmt.Errorf("load demo data: %w", err)
	}
	return signIns(), nil
}

// signIns describes the demo accounts, in the order of demoUsers.
func signIns() []SignIn {
	out := make([]SignIn, 0, len(demoUsers))
	for _, u := range demoUsers {
		out = append(out, SignIn{Email: u.Email, Role: roleLabel(u), Description: u.Description})
	}
	return out
}

func roleLabel(u demoUser) string {
	switch {
	case len(u.Manages) > 0:
		return "Estates manager (" + strings.Join(u.Manages, ", ") + ")"
	case u.Organisation != "":
		return booking.MemberRoleLabel(u.OrgRole) + " (" + u.Organisation + ")"
	}
	for _, o := range booking.AccountRoles {
		if o.Value == u.Role {
			return o.Label
		}
	}
	return u.Role
}

// row is a row the loader found or made; New says it made it in this run.
type row struct {
	ID  int64
	New bool
}

// loader does one load inside one transaction. Links between rows (site
// managers, memberships) and the parts of a row (space features,
// identifiers, verification history) are made only together with a new row,
// so a link someone removed stays removed.
type loader struct {
	tx      *gorm.DB
	dialect string
	hash    func(string) (string, error)
	now     time.Time
	users   map[string]row
	sites   map[string]row
	orgs    map[string]row
}

func (l *loader) run() error {
	claimed, err := l.claim()
	if err != nil || !claimed {
		return err
	}
	steps := []func() error{l.loadUsers, l.loadSites, l.loadOrganisations, l.loadManagers, l.loadMemberships, l.loadRentPolicies, l.loadBookings, l.loadSessions}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// claim sets the marker to demoVersion and reports whether this load should
// go on. The write comes first so that of two processes loading at once the
// second waits for the first: on PostgreSQL its insert then fails as a
// duplicate (and LoadDemo tries again), or its update matches no row; on
// SQLite the immediate transaction already holds the write lock.
func (l *loader) claim() (bool, error) {
	var marker models.Setting
	res := l.tx.Where("key = ?", markerKey).Limit(1).Find(&marker)
	switch {
	case res.Error != nil:
		return false, res.Error
	case res.RowsAffected == 0:
		return true, l.tx.Create(&models.Setting{Key: markerKey, Value: demoVersion}).Error
	case marker.Value == demoVersion:
		return false, nil
	}
	res = l.tx.Model(&models.Setting{}).
		Where("key = ? AND value = ?", markerKey, marker.Value).
		Update("value", demoVersion)
	return res.RowsAffected == 1, res.Error
}

// find loads the first row matching the condition into dst and reports
// whether there was one.
func (l *loader) find(dst any, query string, args ...any) (bool, error) {
	res := l.tx.Where(query, args...).Order("id").Limit(1).Find(dst)
	return res.RowsAffected == 1, res.Error
}

func (l *loader) loadUsers() error {
	l.users = make(map[string]row, len(demoUsers))
	for _, d := range demoUsers {
		var u models.User
		found, err := l.find(&u, "email = ?", d.Email)
		if err != nil {
			return err
		}
		if found {
			l.users[d.Email] = row{ID: u.ID}
			continue
		}
		hash, err := l.hash(DemoPassword)
		if err != nil {
			return fmt.Errorf("hash the demo password: %w", err)
		}
		u = models.User{Email: d.Email, Name: d.Name, PasswordHash: hash, Role: d.Role}
		if err := l.tx.Create(&u).Error; err != nil {
			return fmt.Errorf("user %s: %w", d.Email, err)
		}
		l.users[d.Email] = row{ID: u.ID, New: true}
	}
	return nil
}

func (l *loader) loadSites() error {
	l.sites = make(map[string]row, len(demoSites))
	for _, d := range demoSites {
		var site models.Site
		found, err := l.find(&site, "name = ?", d.Site.Name)
		if err != nil {
			return err
		}
		if !found {
			site = d.Site
			postcode, ok := booking.NormalisePostcode(site.Postcode)
			if !ok {
				return fmt.Errorf("site %s: postcode %q is not valid", site.Name, site.Postcode)
			}
			site.Postcode = postcode
			if err := l.tx.Create(&site).Error; err != nil {
				return fmt.Errorf("site %s: %w", site.Name, err)
			}
		}
		l.sites[d.Site.Name] = row{ID: site.ID, New: !found}
		if err := l.loadOpeningHours(site); err != nil {
			return err
		}
		for _, sp := range d.Spaces {
			if err := l.loadSpace(site, sp); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadOpeningHours gives a site its demo opening hours if it has none.
func (l *loader) loadOpeningHours(site models.Site) error {
	var n int64
	if err := l.tx.Model(&models.OpeningWindow{}).Where("site_id = ?", site.ID).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	for _, w := range demoOpeningHours[site.Name] {
		row := models.OpeningWindow{SiteID: &site.ID, Weekday: int(w.Weekday), Opens: int(w.Opens), Closes: int(w.Closes)}
		if err := l.tx.Create(&row).Error; err != nil {
			return fmt.Errorf("opening hours of %s: %w", site.Name, err)
		}
	}
	return nil
}

func (l *loader) loadSpace(site models.Site, d demoSpace) error {
	var space models.Space
	found, err := l.find(&space, "site_id = ? AND name = ?", site.ID, d.Space.Name)
	if err != nil || found {
		return err
	}
	space = d.Space
	space.SiteID = site.ID
	if err := l.tx.Create(&space).Error; err != nil {
		return fmt.Errorf("space %s at %s: %w", space.Name, site.Name, err)
	}
	if len(d.Features) == 0 {
		return nil
	}
	features := make([]models.SpaceFeature, len(d.Features))
	for i, f := range d.Features {
		features[i] = models.SpaceFeature{SpaceID: space.ID, Feature: f}
	}
	if err := l.tx.Create(&features).Error; err != nil {
		return fmt.Errorf("features of %s at %s: %w", space.Name, site.Name, err)
	}
	return nil
}

func (l *loader) loadOrganisations() error {
	l.orgs = make(map[string]row, len(demoOrganisations))
	for _, d := range demoOrganisations {
		var org models.Organisation
		found, err := l.find(&org, "name = ?", d.Organisation.Name)
		if err != nil {
			return err
		}
		if found {
			l.orgs[d.Organisation.Name] = row{ID: org.ID}
			continue
		}
		if err := l.createOrganisation(d); err != nil {
			return fmt.Errorf("organisation %s: %w", d.Organisation.Name, err)
		}
	}
	return nil
}

// createOrganisation makes an organisation whose verification state is its
// last decision's, with its identifiers and the history of decisions.
func (l *loader) createOrganisation(d demoOrganisation) error {
	org := d.Organisation
	org.Verification = booking.Unverified
	events := make([]models.VerificationEvent, len(d.Decisions))
	for i, dec := range d.Decisions {
		by, ok := l.users[dec.By]
		if !ok {
			return fmt.Errorf("decided by %s, who is not a demo user", dec.By)
		}
		events[i] = models.VerificationEvent{
			State:    dec.State,
			Note:     dec.Note,
			ByUserID: by.ID,
			At:       l.now.AddDate(0, 0, -dec.DaysAgo),
		}
	}
	if n := len(events); n > 0 {
		last := events[n-1]
		org.Verification = last.State
		org.VerificationNote = last.Note
		org.VerifiedByID = &last.ByUserID
		org.VerifiedAt = &last.At
	}
	if err := l.tx.Create(&org).Error; err != nil {
		return err
	}
	l.orgs[org.Name] = row{ID: org.ID, New: true}
	for _, id := range d.Identifiers {
		value, problem := booking.NormaliseIdentifier(id.Scheme, id.Value)
		if problem != "" {
			return fmt.Errorf("identifier %s %s: %s", id.Scheme, id.Value, problem)
		}
		ident := models.OrganisationIdentifier{OrganisationID: org.ID, Scheme: id.Scheme, Value: value}
		if err := l.tx.Create(&ident).Error; err != nil {
			return err
		}
	}
	for i := range events {
		events[i].OrganisationID = org.ID
		if err := l.tx.Create(&events[i]).Error; err != nil {
			return err
		}
	}
	return nil
}

// loadManagers assigns the estates managers to their sites.
func (l *loader) loadManagers() error {
	for _, d := range demoUsers {
		user := l.users[d.Email]
		for _, name := range d.Manages {
			site, ok := l.sites[name]
			if !ok {
				return fmt.Errorf("%s manages %s, which is not a demo site", d.Email, name)
			}
			if !user.New && !site.New {
				continue
			}
			if err := l.tx.Create(&models.SiteManager{SiteID: site.ID, UserID: user.ID}).Error; err != nil {
				return fmt.Errorf("%s as manager of %s: %w", d.Email, name, err)
			}
		}
	}
	return nil
}

// loadMemberships makes the organisation members members.
func (l *loader) loadMemberships() error {
	for _, d := range demoUsers {
		if d.Organisation == "" {
			continue
		}
		user := l.users[d.Email]
		org, ok := l.orgs[d.Organisation]
		if !ok {
			return fmt.Errorf("%s belongs to %s, which is not a demo organisation", d.Email, d.Organisation)
		}
		if !user.New && !org.New {
			continue
		}
		m := models.Membership{OrganisationID: org.ID, UserID: user.ID, Role: d.OrgRole, CreatedAt: l.now}
		if err := l.tx.Create(&m).Error; err != nil {
			return fmt.Errorf("%s as member of %s: %w", d.Email, d.Organisation, err)
		}
	}
	return nil
}
