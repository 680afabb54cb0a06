package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Idempotency keys go through three steps: a request claims its key (a row
// with status 0), does its work, then stores its answer in the row. The
// primary key (user, key) makes the claim atomic on both dialects: of two
// requests with one key, exactly one inserts the row and the other finds
// it. A claim whose request died before answering is taken over once it is
// staleAfter old.

// ClaimIdempotencyKey claims a user's key for a request with the given
// hash. It returns nil when the caller now holds the claim, or the row
// already there: finished (Status > 0), or still being worked on.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, userID int64, key, hash string, now time.Time, staleAfter time.Duration) (*IdempotencyKey, error) {
	db := s.DB.WithContext(ctx)
	row := IdempotencyKey{UserID: userID, Key: key, RequestHash: hash, CreatedAt: Instant(now)}
	err := db.Create(&row).Error
	if err == nil {
		return nil, nil
	}
	if !errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, err
	}
	var got IdempotencyKey
	if err := db.Where(&IdempotencyKey{UserID: userID, Key: key}).First(&got).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			// Released between our insert and this read: the caller
			// tries again.
			return &IdempotencyKey{UserID: userID, Key: key, RequestHash: hash}, nil
		}
		return nil, err
	}
	if got.Status == 0 && got.RequestHash == hash && !got.CreatedAt.After(Instant(now).Add(-staleAfter)) {
		res := db.Model(&IdempotencyKey{}).
			Where("user_id = ? AND "+keyColumn+" = ? AND status = 0 AND created_at = ?", userID, key, got.CreatedAt).
			Update("created_at", Instant(now))
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected == 1 {
			return nil, nil
		}
	}
	return &got, nil
}

// FinishIdempotencyKey stores the answer to a claimed key's request.
func (s *Store) FinishIdempotencyKey(ctx context.Context, userID int64, key string, status int, response string) error {
	return s.DB.WithContext(ctx).Model(&IdempotencyKey{}).
		Where("user_id = ? AND "+keyColumn+" = ? AND status = 0", userID, key).
		Updates(map[string]any{"status": status, "response": response}).Error
}

// ReleaseIdempotencyKey gives up a claim whose request failed on the
// server's side, so a retry runs again.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, userID int64, key string) error {
	return s.DB.WithContext(ctx).
		Where("user_id = ? AND "+keyColumn+" = ? AND status = 0", userID, key).
		Delete(&IdempotencyKey{}).Error
}

// PruneIdempotencyKeys forgets keys claimed before a time.
func (s *Store) PruneIdempotencyKeys(ctx context.Context, before time.Time) error {
	return s.DB.WithContext(ctx).Where("created_at < ?", Instant(before)).Delete(&IdempotencyKey{}).Error
}

// keyColumn is quoted because KEY is a keyword in SQLite.
const keyColumn = `"key"`
