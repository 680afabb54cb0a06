package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NormaliseEmail is the form emails are stored and looked up in.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser stores a new account. A taken email is an ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	u.Email = NormaliseEmail(u.Email)
	return translate(s.DB.WithContext(ctx).Create(u).Error, "An account with this email address")
}

// UserByID returns an account.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := s.DB.WithContext(ctx).First(&u, id).Error
	return &u, translate(err, "account")
}

// UserByEmail returns the account with this email address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.DB.WithContext(ctx).Where("email = ?", NormaliseEmail(email)).First(&u).Error
	return &u, translate(err, "account")
}

// SetUserPassword replaces an account's password hash.
func (s *Store) SetUserPassword(ctx context.Context, id int64, hash string) error {
	res := s.DB.WithContext(ctx).Model(&User{}).Where("id = ?", id).
		Updates(map[string]any{"password_hash": hash, "updated_at": Now()})
	if res.Error == nil && res.RowsAffected == 0 {
		return booking.ErrNotFound
	}
	return res.Error
}

// Access is what an account may act on beyond its own role: the sites it
// manages and its role in each organisation it belongs to.
type Access struct {
	ManagedSites map[int64]bool
	OrgRoles     map[int64]string
}

// AccessOf loads the sites a user manages and the organisations they belong to.
func (s *Store) AccessOf(ctx context.Context, userID int64) (Access, error) {
	a := Access{ManagedSites: map[int64]bool{}, OrgRoles: map[int64]string{}}
	var rows []struct {
		Kind string
		ID   int64
		Role string
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT 'site' AS kind, site_id AS id, '' AS role FROM site_managers WHERE user_id = ?
		UNION ALL SELECT 'organisation', organisation_id, role FROM memberships WHERE user_id = ?`, userID, userID).
		Scan(&rows).Error
	for _, r := range rows {
		if r.Kind == "site" {
			a.ManagedSites[r.ID] = true
		} else {
			a.OrgRoles[r.ID] = r.Role
		}
	}
	return a, err
}

// principalColumns are a user's columns with the sites they manage and
// their roles in organisations as comma-separated lists ("3,7" and
// "12:org_admin,15:member"), so that every request of a signed-in user
// loads its account and access in one round trip.
const principalColumns = `users.*,
	(SELECT string_agg(CAST(site_id AS TEXT), ',') FROM site_managers
		WHERE site_managers.user_id = users.id) AS managed_sites,
	(SELECT string_agg(CAST(organisation_id AS TEXT) || ':' || role, ',') FROM memberships
		WHERE memberships.user_id = users.id) AS org_roles`

// principalRow is a row of principalColumns, and of the token read with
// them when the account signed in with one.
type principalRow struct {
	User
	ManagedSites *string
	OrgRoles     *string
	TokenID      int64
	LastUsedAt   *time.Time
}

func (r *principalRow) access() Access {
	a := Access{ManagedSites: map[int64]bool{}, OrgRoles: map[int64]string{}}
	if r.ManagedSites != nil {
		for _, v := range strings.Split(*r.ManagedSites, ",") {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				a.ManagedSites[id] = true
			}
		}
	}
	if r.OrgRoles != nil {
		for _, v := range strings.Split(*r.OrgRoles, ",") {
			idText, role, _ := strings.Cut(v, ":")
			if id, err := strconv.ParseInt(idText, 10, 64); err == nil {
				a.OrgRoles[id] = role
			}
		}
	}
	return a
}

// MembershipsOf lists a user's organisations with their roles.
func (s *Store) MembershipsOf(ctx context.Context, userID int64) ([]Membership, error) {
	var ms []Membership
	err := s.DB.WithContext(ctx).Preload("Organisation").Where("user_id = ?", userID).
		Order("organisation_id").Find(&ms).Error
	return ms, err
}

// CreateSession stores a signed-in session under the hash of its token.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	return s.DB.WithContext(ctx).Create(sess).Error
}

// SessionPrincipal returns the account behind a live session with its
// access, in one query.
func (s *Store) SessionPrincipal(ctx context.Context, tokenHash string, now time.Time) (*User, Access, error) {
	var row principalRow
	err := find(s.DB.WithContext(ctx), &row, `SELECT `+principalColumns+` FROM users
		JOIN sessions ON sessions.user_id = users.id
		WHERE sessions.token_hash = ? AND sessions.expires_at > ?`, tokenHash, Instant(now))
	if err == nil && row.ID == 0 {
		err = booking.ErrNotFound
	}
	if err != nil {
		return nil, Access{}, translate(err, "session")
	}
	return &row.User, row.access(), nil
}

// DeleteSession signs a session out.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.DB.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&Session{}).Error
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return s.DB.WithContext(ctx).Where("expires_at <= ?", Instant(now)).Delete(&Session{}).Error
}

// CreateToken stores an API token's hash.
func (s *Store) CreateToken(ctx context.Context, t *APIToken) error {
	return s.DB.WithContext(ctx).Create(t).Error
}

// TokensOf lists a user's API tokens, newest first.
func (s *Store) TokensOf(ctx context.Context, userID int64) ([]APIToken, error) {
	var ts []APIToken
	err := s.DB.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Find(&ts).Error
	return ts, err
}

// DeleteToken revokes one of a user's tokens.
func (s *Store) DeleteToken(ctx context.Context, userID, id int64) error {
	res := s.DB.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&APIToken{})
	if res.Error == nil && res.RowsAffected == 0 {
		return booking.ErrNotFound
	}
	return res.Error
}

// TokenPrincipal returns the account behind an API token hash with its
// access, in one query, and notes the token's use.
func (s *Store) TokenPrincipal(ctx context.Context, hash string, now time.Time) (*User, Access, error) {
	var row principalRow
	err := find(s.DB.WithContext(ctx), &row, `SELECT `+principalColumns+`, api_tokens.id AS token_id, api_tokens.last_used_at
		FROM users JOIN api_tokens ON api_tokens.user_id = users.id
		WHERE api_tokens.hash = ?`, hash)
	if err == nil && row.ID == 0 {
		err = booking.ErrNotFound
	}
	if err != nil {
		return nil, Access{}, translate(err, "token")
	}
	// Recording the last use is informative only, and at most once a minute;
	// a busy database must not turn a valid token away.
	if row.LastUsedAt == nil || now.Sub(*row.LastUsedAt) > time.Minute {
		s.DB.WithContext(ctx).Model(&APIToken{}).Where("id = ?", row.TokenID).Update("last_used_at", Instant(now))
	}
	return &row.User, row.access(), nil
}

// RecordLoginAttempt notes a sign-in attempt.
func (s *Store) RecordLoginAttempt(ctx context.Context, a *LoginAttempt) error {
	a.Email = NormaliseEmail(a.Email)
	return s.DB.WithContext(ctx).Create(a).Error
}

// FailedLogins counts failed attempts since a time, for an email address and
// for a network address.
func (s *Store) FailedLogins(ctx context.Context, email, address string, since time.Time) (byEmail, byAddress int64, err error) {
	db := s.DB.WithContext(ctx).Model(&LoginAttempt{})
	if err = db.Where("email = ? AND at > ? AND NOT succeeded", NormaliseEmail(email), Instant(since)).Count(&byEmail).Error; err != nil {
		return
	}
	err = s.DB.WithContext(ctx).Model(&LoginAttempt{}).
		Where("address = ? AND at > ? AND NOT succeeded", address, Instant(since)).Count(&byAddress).Error
	return
}

// PruneLoginAttempts forgets attempts older than a time.
func (s *Store) PruneLoginAttempts(ctx context.Context, before time.Time) error {
	return s.DB.WithContext(ctx).Where("at < ?", Instant(before)).Delete(&LoginAttempt{}).Error
}

// SettingOrCreate returns a stored setting, first storing the value from
// create if there is none. Replicas starting together agree on one value.
func (s *Store) SettingOrCreate(ctx context.Context, key string, create func() (string, error)) (string, error) {
	var st Setting
	err := s.DB.WithContext(ctx).Where("key = ?", key).First(&st).Error
	if err == nil {
		return st.Value, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", err
	}
	v, err := create()
	if err != nil {
		return "", err
	}
	if err := s.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&Setting{Key: key, Value: v}).Error; err != nil {
		return "", err
	}
	if err := s.DB.WithContext(ctx).Where("key = ?", key).First(&st).Error; err != nil {
		return "", err
	}
	return st.Value, nil
}
