package models

import (
	"errors"

	"github.com/common-room/commonroom/booking"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// ErrDuplicate is a unique-constraint violation, translated by GORM for both
// dialects.
var ErrDuplicate = gorm.ErrDuplicatedKey

// pgExclusionViolation is SQLSTATE 23P01, which GORM does not translate.
const pgExclusionViolation = "23P01"

// translate turns driver errors into domain errors. It is the only place
// that knows what the drivers' errors look like.
func translate(err error, what string) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return booking.ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return booking.Conflict("%s already exists", what)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return booking.Conflict("%s refers to something that does not exist, or is still in use", what)
	case errors.As(err, &pgErr) && pgErr.Code == pgExclusionViolation:
		return booking.Conflict("%s overlaps another", what)
	}
	return err
}
