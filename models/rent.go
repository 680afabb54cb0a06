package models

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
)

// DefaultCancellationNoticeHours is a site's cancellation terms until its
// managers set their own: a full refund if cancelled 48 hours before.
const DefaultCancellationNoticeHours = 48

// storedRule is how a rent rule is kept in rent_policies.rules.
type storedRule struct {
	Name              string   `json:"name"`
	OrganisationTypes []string `json:"organisation_types,omitempty"`
	VerifiedOnly      bool     `json:"verified_only,omitempty"`
	Purposes          []string `json:"purposes,omitempty"`
	SpaceKinds        []string `json:"space_kinds,omitempty"`
	Weekdays          []int    `json:"weekdays,omitempty"`
	From              int      `json:"from,omitempty"`
	To                int      `json:"to,omitempty"`
	MonthlyCapHours   int      `json:"monthly_cap_hours,omitempty"`
	DiscountPercent   int      `json:"discount_percent"`
}

func encodeRules(rules []booking.RentRule) (string, error) {
	out := make([]storedRule, len(rules))
	for i, r := range rules {
		days := make([]int, len(r.Weekdays))
		for k, d := range r.Weekdays {
			days[k] = int(d)
		}
		out[i] = storedRule{Name: r.Name, OrganisationTypes: r.OrganisationTypes, VerifiedOnly: r.VerifiedOnly,
			Purposes: r.Purposes, SpaceKinds: r.SpaceKinds, Weekdays: days, From: int(r.From), To: int(r.To),
			MonthlyCapHours: r.MonthlyCapHours, DiscountPercent: r.DiscountPercent}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func decodeRules(s string) ([]booking.RentRule, error) {
	var in []storedRule
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, err
	}
	out := make([]booking.RentRule, len(in))
	for i, r := range in {
		days := make([]time.Weekday, len(r.Weekdays))
		for k, d := range r.Weekdays {
			days[k] = time.Weekday(d)
		}
		out[i] = booking.RentRule{Name: r.Name, OrganisationTypes: r.OrganisationTypes, VerifiedOnly: r.VerifiedOnly,
			Purposes: r.Purposes, SpaceKinds: r.SpaceKinds, Weekdays: days, From: booking.Clock(r.From), To: booking.Clock(r.To),
			MonthlyCapHours: r.MonthlyCapHours, DiscountPercent: r.DiscountPercent}
	}
	return out, nil
}

// PolicySettings is what one save of a rent policy sets.
type PolicySettings struct {
	// OwnRules is whether a site sets its own rules; a site without them
	// uses the estate-wide rules. The estate-wide policy always has its own.
	OwnRules                bool
	Rules                   []booking.RentRule
	VATPercent              int
	CancellationNoticeHours int
}

// PolicyVersion is one saved version of a rent policy. Version 0 means the
// policy has never been saved and holds the defaults.
type PolicyVersion struct {
	ID      int64
	SiteID  int64 // 0 for the estate-wide policy
	Version int
	PolicySettings
	ChangedAt time.Time
	ChangedBy *User
}

func policyVersion(row *RentPolicy) (*PolicyVersion, error) {
	rules, err := decodeRules(row.Rules)
	if err != nil {
		return nil, err
	}
	v := &PolicyVersion{ID: row.ID, Version: row.Version, ChangedAt: row.ChangedAt, ChangedBy: row.ChangedBy,
		PolicySettings: PolicySettings{OwnRules: row.OwnRules, Rules: rules, VATPercent: row.VATPercent,
			CancellationNoticeHours: row.CancellationNoticeHours}}
	if row.SiteID != nil {
		v.SiteID = *row.SiteID
	}
	return v, nil
}

func scoped(db *gorm.DB, siteID int64) *gorm.DB {
	if siteID == 0 {
		return db.Where("site_id IS NULL")
	}
	return db.Where("site_id = ?", siteID)
}

// RentPolicy is the rent policy in force: the estate-wide one (siteID 0)
// or a site's.
func (s *Store) RentPolicy(ctx context.Context, siteID int64) (*PolicyVersion, error) {
	db := s.DB.WithContext(ctx)
	if siteID != 0 {
		if err := db.Select("id").First(&Site{}, siteID).Error; err != nil {
			return nil, translate(err, "site")
		}
	}
	var row RentPolicy
	err := scoped(db.Preload("ChangedBy"), siteID).Order("version DESC").First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &PolicyVersion{SiteID: siteID, PolicySettings: PolicySettings{
			OwnRules: siteID == 0, CancellationNoticeHours: DefaultCancellationNoticeHours}}, nil
	}
	if err != nil {
		return nil, err
	}
	return policyVersion(&row)
}

// RentPolicyHistory lists every saved version of a policy, newest first.
func (s *Store) RentPolicyHistory(ctx context.Context, siteID int64) ([]PolicyVersion, error) {
	db := s.DB.WithContext(ctx)
	if siteID != 0 {
		if err := db.Select("id").First(&Site{}, siteID).Error; err != nil {
			return nil, translate(err, "site")
		}
	}
	var rows []RentPolicy
	if err := scoped(db.Preload("ChangedBy"), siteID).Order("version DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]PolicyVersion, len(rows))
	for i := range rows {
		v, err := policyVersion(&rows[i])
		if err != nil {
			return nil, err
		}
		out[i] = *v
	}
	return out, nil
}

// SaveRentPolicy stores a new version of a policy. Two saves racing for the
// same version get a conflict, so no change is lost unseen.
func (s *Store) SaveRentPolicy(ctx context.Context, siteID int64, set PolicySettings, by int64, now time.Time) (*PolicyVersion, error) {
	rules, err := encodeRules(set.Rules)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if siteID != 0 {
			if err := tx.Select("id").First(&Site{}, siteID).Error; err != nil {
				return translate(err, "site")
			}
		}
		var last int
		if err := scoped(tx.Model(&RentPolicy{}), siteID).Select("COALESCE(MAX(version), 0)").Scan(&last).Error; err != nil {
			return err
		}
		row := RentPolicy{Version: last + 1, OwnRules: set.OwnRules || siteID == 0, Rules: rules,
			VATPercent: set.VATPercent, CancellationNoticeHours: set.CancellationNoticeHours, ChangedAt: Instant(now)}
		if siteID != 0 {
			row.SiteID = &siteID
		}
		if by != 0 {
			row.ChangedByID = &by
		}
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, ErrDuplicate) {
				return booking.Conflict("The policy was changed meanwhile; reload it and try again")
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.RentPolicy(ctx, siteID)
}

// pricesFrom makes a space's price list: its rate and unit, and the rent
// policy in force at its site (the site's own rules, or else the
// estate-wide ones) with the site's VAT rate, from the newest versions of
// the site's policy and of the estate's, either of which may be missing.
func pricesFrom(sp *Space, siteName string, site, estate *RentPolicy) (booking.Prices, error) {
	p := booking.Prices{SpaceKind: sp.Kind, Unit: sp.BookingUnit, RatePence: sp.RatePence, SiteName: siteName}
	rulesFrom := estate
	if site != nil {
		p.VATPercent = site.VATPercent
		if site.OwnRules {
			rulesFrom = site
		}
	}
	if rulesFrom != nil {
		rules, err := decodeRules(rulesFrom.Rules)
		if err != nil {
			return booking.Prices{}, err
		}
		p.Policy = booking.RentPolicy{Rules: rules}
		p.PolicyID = rulesFrom.ID
	}
	return p, nil
}
