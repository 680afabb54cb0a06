package models

import (
	"context"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
)

// OrganisationFilter narrows a list of organisations.
type OrganisationFilter struct {
	Verification string
	Query        string
	MemberID     int64 // only organisations this user belongs to, when not zero
}

// Organisations lists organisations by name with the total before paging.
func (s *Store) Organisations(ctx context.Context, f OrganisationFilter, p Page) ([]Organisation, int64, error) {
	q := s.DB.WithContext(ctx).Model(&Organisation{})
	if f.Verification != "" {
		q = q.Where("verification = ?", f.Verification)
	}
	if f.Query != "" {
		q = q.Where("LOWER(name) LIKE LOWER(?) ESCAPE '\\'", "%"+escapeLike(f.Query)+"%")
	}
	if f.MemberID != 0 {
		q = q.Where("id IN (?)", s.DB.Model(&Membership{}).Select("organisation_id").Where("user_id = ?", f.MemberID))
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var orgs []Organisation
	err := p.apply(q).Preload("Identifiers").Order("name, id").Find(&orgs).Error
	return orgs, total, err
}

// OrganisationByID returns an organisation with its identifiers and members.
func (s *Store) OrganisationByID(ctx context.Context, id int64) (*Organisation, error) {
	var o Organisation
	err := s.DB.WithContext(ctx).Preload("Identifiers").Preload("VerifiedBy").Preload("Members", func(db *gorm.DB) *gorm.DB {
		return db.Order("created_at, user_id")
	}).Preload("Members.User").First(&o, id).Error
	return &o, translate(err, "organisation")
}

// CreateOrganisation stores a new, unverified organisation and makes its
// creator the organisation admin, in one transaction.
func (s *Store) CreateOrganisation(ctx context.Context, o *Organisation, creatorID int64) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		o.Verification = booking.Unverified
		ids := o.Identifiers
		if err := tx.Omit("Identifiers", "Members", "VerifiedBy").Create(o).Error; err != nil {
			return translate(err, "organisation")
		}
		for i := range ids {
			ids[i].OrganisationID = o.ID
		}
		if len(ids) > 0 {
			if err := tx.Create(&ids).Error; err != nil {
				return translate(err, "identifier")
			}
		}
		o.Identifiers = ids
		m := Membership{OrganisationID: o.ID, UserID: creatorID, Role: booking.OrgAdmin}
		if err := tx.Omit("User", "Organisation").Create(&m).Error; err != nil {
			return translate(err, "membership")
		}
		o.Members = []Membership{m}
		return nil
	})
}

// SetVerification changes an organisation's verification state and records
// who did it, when and why.
func (s *Store) SetVerification(ctx context.Context, orgID int64, state, note string, byUserID int64, at time.Time) (*Organisation, error) {
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := Instant(at)
		updates := map[string]any{
			"verification":      state,
			"verification_note": note,
			"verified_by_id":    byUserID,
			"verified_at":       now,
			"updated_at":        now,
		}
		res := tx.Model(&Organisation{}).Where("id = ?", orgID).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return booking.ErrNotFound
		}
		ev := VerificationEvent{OrganisationID: orgID, State: state, Note: note, ByUserID: byUserID, At: now}
		return tx.Omit("By").Create(&ev).Error
	})
	if err != nil {
		return nil, err
	}
	return s.OrganisationByID(ctx, orgID)
}

// VerificationHistory lists an organisation's verification events, newest first.
func (s *Store) VerificationHistory(ctx context.Context, orgID int64) ([]VerificationEvent, error) {
	var evs []VerificationEvent
	err := s.DB.WithContext(ctx).Preload("By").Where("organisation_id = ?", orgID).
		Order("at DESC, id DESC").Find(&evs).Error
	return evs, err
}

// AddMember gives an existing account a role in an organisation. Adding
// someone who is already a member changes their role.
func (s *Store) AddMember(ctx context.Context, orgID int64, email, role string) (*Membership, error) {
	var m Membership
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		if err := tx.Where("email = ?", NormaliseEmail(email)).First(&u).Error; err != nil {
			if translate(err, "") == booking.ErrNotFound {
				var p booking.Problems
				p.Add("email", "No account uses this email address: ask them to register first")
				return p.Err()
			}
			return err
		}
		if err := tx.Where("organisation_id = ? AND user_id = ?", orgID, u.ID).First(&m).Error; err == nil {
			if m.Role == booking.OrgAdmin && role != booking.OrgAdmin {
				if err := keepAnAdmin(tx, orgID, u.ID); err != nil {
					return err
				}
			}
			m.Role = role
			if err := tx.Model(&Membership{}).Where("organisation_id = ? AND user_id = ?", orgID, u.ID).
				Update("role", role).Error; err != nil {
				return err
			}
		} else {
			m = Membership{OrganisationID: orgID, UserID: u.ID, Role: role, CreatedAt: Now()}
			if err := tx.Omit("User", "Organisation").Create(&m).Error; err != nil {
				return translate(err, "membership")
			}
		}
		m.User = &u
		return tx.Model(&Organisation{}).Where("id = ?", orgID).Update("updated_at", Now()).Error
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// RemoveMember takes a user out of an organisation. The last organisation
// admin cannot be removed.
func (s *Store) RemoveMember(ctx context.Context, orgID, userID int64) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var m Membership
		if err := tx.Where("organisation_id = ? AND user_id = ?", orgID, userID).First(&m).Error; err != nil {
			return translate(err, "membership")
		}
		if m.Role == booking.OrgAdmin {
			if err := keepAnAdmin(tx, orgID, userID); err != nil {
				return err
			}
		}
		return tx.Where("organisation_id = ? AND user_id = ?", orgID, userID).Delete(&Membership{}).Error
	})
}

func keepAnAdmin(tx *gorm.DB, orgID, leavingUserID int64) error {
	var others int64
	if err := tx.Model(&Membership{}).
		Where("organisation_id = ? AND role = ? AND user_id <> ?", orgID, booking.OrgAdmin, leavingUserID).
		Count(&others).Error; err != nil {
		return err
	}
	if others == 0 {
		return booking.Conflict("An organisation needs at least one organisation admin: make someone else an admin first")
	}
	return nil
}

// Members lists an organisation's members with their accounts.
func (s *Store) Members(ctx context.Context, orgID int64) ([]Membership, error) {
	var ms []Membership
	err := s.DB.WithContext(ctx).Preload("User").Where("organisation_id = ?", orgID).
		Order("created_at, user_id").Find(&ms).Error
	return ms, err
}

// UpdateOrganisation saves an organisation's own fields and replaces its
// identifiers.
func (s *Store) UpdateOrganisation(ctx context.Context, o *Organisation) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ids := o.Identifiers
		if err := tx.Omit("Identifiers", "Members", "VerifiedBy", "CreatedAt").Save(o).Error; err != nil {
			return translate(err, "organisation")
		}
		if err := tx.Where("organisation_id = ?", o.ID).Delete(&OrganisationIdentifier{}).Error; err != nil {
			return err
		}
		for i := range ids {
			ids[i].ID = 0
			ids[i].OrganisationID = o.ID
		}
		if len(ids) > 0 {
			if err := tx.Create(&ids).Error; err != nil {
				return err
			}
		}
		o.Identifiers = ids
		return nil
	})
}
