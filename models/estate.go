package models

import (
	"context"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
)

// Page selects one page of a list.
type Page struct {
	Number  int // from 1
	PerPage int
}

func (p Page) apply(db *gorm.DB) *gorm.DB {
	if p.PerPage <= 0 {
		return db
	}
	n := p.Number
	if n < 1 {
		n = 1
	}
	return db.Limit(p.PerPage).Offset((n - 1) * p.PerPage)
}

// SiteFilter narrows a list of sites.
type SiteFilter struct {
	Query     string // part of the name or town
	ManagedBy int64  // only sites this user manages, when not zero
}

// Sites lists sites by name with the total count before paging.
func (s *Store) Sites(ctx context.Context, f SiteFilter, p Page) ([]Site, int64, error) {
	q := s.DB.WithContext(ctx).Model(&Site{})
	if f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		q = q.Where("LOWER(name) LIKE LOWER(?) ESCAPE '\\' OR LOWER(town) LIKE LOWER(?) ESCAPE '\\'", like, like)
	}
	if f.ManagedBy != 0 {
		q = q.Where("id IN (?)", s.DB.Model(&SiteManager{}).Select("site_id").Where("user_id = ?", f.ManagedBy))
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var sites []Site
	err := p.apply(q).Preload("Managers").Order("name, id").Find(&sites).Error
	return sites, total, err
}

// SiteByID returns a site with its managers.
func (s *Store) SiteByID(ctx context.Context, id int64) (*Site, error) {
	var site Site
	err := s.DB.WithContext(ctx).Preload("Managers").First(&site, id).Error
	return &site, translate(err, "site")
}

// CreateSite stores a new site and assigns its managers.
func (s *Store) CreateSite(ctx context.Context, site *Site, managerIDs []int64) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		managers := site.Managers
		site.Managers = nil
		if err := tx.Omit("Managers", "Spaces").Create(site).Error; err != nil {
			return translate(err, "site")
		}
		site.Managers = managers
		if managerIDs == nil {
			return nil
		}
		return setManagers(tx, site, managerIDs)
	})
}

// UpdateSite saves a site's fields and, when managerIDs is not nil, replaces
// its managers.
func (s *Store) UpdateSite(ctx context.Context, site *Site, managerIDs []int64) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Omit("Managers", "Spaces", "CreatedAt").Save(site).Error; err != nil {
			return translate(err, "site")
		}
		if managerIDs == nil {
			return nil
		}
		return setManagers(tx, site, managerIDs)
	})
}

func setManagers(tx *gorm.DB, site *Site, ids []int64) error {
	var users []User
	if len(ids) > 0 {
		if err := tx.Where("id IN ?", ids).Find(&users).Error; err != nil {
			return err
		}
	}
	var p booking.Problems
	found := map[int64]bool{}
	for _, u := range users {
		found[u.ID] = true
		if u.Role != booking.RoleEstatesManager && u.Role != booking.RoleAdmin {
			p.Add("manager_ids", "Account %d is not an estates manager", u.ID)
		}
	}
	for _, id := range ids {
		if !found[id] {
			p.Add("manager_ids", "There is no account %d", id)
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := tx.Where("site_id = ?", site.ID).Delete(&SiteManager{}).Error; err != nil {
		return err
	}
	for _, u := range users {
		if err := tx.Create(&SiteManager{SiteID: site.ID, UserID: u.ID}).Error; err != nil {
			return translate(err, "site manager")
		}
	}
	site.Managers = users
	return nil
}

// SpaceFilter narrows a list of spaces.
type SpaceFilter struct {
	SiteID      int64
	Kind        string
	MinCapacity int
	Features    []string // every one of them
	// Access needs: when set, only spaces that meet them.
	StepFree, HearingLoop, AccessibleToilet bool
	// Hidden spaces are listed only for the sites in VisibleSites, or for
	// every site when AllHidden is set.
	VisibleSites []int64
	AllHidden    bool
}

// Spaces lists spaces by site and name, with the total before paging.
func (s *Store) Spaces(ctx context.Context, f SpaceFilter, p Page) ([]Space, int64, error) {
	q := s.DB.WithContext(ctx).Model(&Space{})
	if f.SiteID != 0 {
		q = q.Where("site_id = ?", f.SiteID)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.MinCapacity > 0 {
		q = q.Where("capacity >= ?", f.MinCapacity)
	}
	for _, feat := range f.Features {
		q = q.Where("id IN (?)", s.DB.Model(&SpaceFeature{}).Select("space_id").Where("feature = ?", feat))
	}
	if f.StepFree {
		q = q.Where("step_free = ?", true)
	}
	if f.HearingLoop {
		q = q.Where("hearing_loop = ?", true)
	}
	if f.AccessibleToilet {
		q = q.Where("accessible_toilet = ?", true)
	}
	switch {
	case f.AllHidden:
	case len(f.VisibleSites) > 0:
		q = q.Where("visibility = ? OR site_id IN ?", "public", f.VisibleSites)
	default:
		q = q.Where("visibility = ?", "public")
	}
	var total int64
	// Without pages every space is on the one list, and is counted there.
	if p.PerPage > 0 {
		if err := q.Count(&total).Error; err != nil {
			return nil, 0, err
		}
	}
	var spaces []Space
	err := p.apply(q).Preload("Features").Preload("Site").Order("site_id, name, id").Find(&spaces).Error
	if p.PerPage <= 0 {
		total = int64(len(spaces))
	}
	return spaces, total, err
}

// SpaceByID returns a space with its site and features.
func (s *Store) SpaceByID(ctx context.Context, id int64) (*Space, error) {
	var sp Space
	err := s.DB.WithContext(ctx).Preload("Features").Preload("Site").First(&sp, id).Error
	return &sp, translate(err, "space")
}

// CreateSpace stores a new space with its features.
func (s *Store) CreateSpace(ctx context.Context, sp *Space) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		features := sp.Features
		if err := tx.Omit("Site", "Features").Create(sp).Error; err != nil {
			return translate(err, "A space with this name at this site")
		}
		return setFeatures(tx, sp, features)
	})
}

// UpdateSpace saves a space's fields and replaces its features.
func (s *Store) UpdateSpace(ctx context.Context, sp *Space) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		features := sp.Features
		if err := tx.Omit("Site", "Features", "CreatedAt").Save(sp).Error; err != nil {
			return translate(err, "A space with this name at this site")
		}
		if err := tx.Where("space_id = ?", sp.ID).Delete(&SpaceFeature{}).Error; err != nil {
			return err
		}
		return setFeatures(tx, sp, features)
	})
}

func setFeatures(tx *gorm.DB, sp *Space, features []SpaceFeature) error {
	for i := range features {
		features[i].SpaceID = sp.ID
	}
	sp.Features = features
	if len(features) == 0 {
		return nil
	}
	return translate(tx.Create(&features).Error, "feature")
}

// Features lists every feature any space offers, for filters.
func (s *Store) Features(ctx context.Context) ([]string, error) {
	var out []string
	err := s.DB.WithContext(ctx).Model(&SpaceFeature{}).Distinct("feature").Order("feature").Pluck("feature", &out).Error
	return out, err
}

// EstatesManagers lists accounts that may be assigned to sites.
func (s *Store) EstatesManagers(ctx context.Context) ([]User, error) {
	var us []User
	err := s.DB.WithContext(ctx).Where("role = ?", booking.RoleEstatesManager).Order("name").Find(&us).Error
	return us, err
}

func escapeLike(s string) string {
	r := make([]rune, 0, len(s))
	for _, c := range s {
		if c == '%' || c == '_' || c == '\\' {
			r = append(r, '\\')
		}
		r = append(r, c)
	}
	return string(r)
}
