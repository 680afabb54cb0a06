package models

import (
	"errors"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3"
	"gorm.io/gorm"
)

// ErrDuplicate is a unique-constraint violation, translated by GORM for both
// dialects.
var ErrDuplicate = gorm.ErrDuplicatedKey

// IsBusy reports whether SQLite gave up waiting (busy_timeout) for another
// connection's long write to finish: the work may be tried again.
func IsBusy(err error) bool {
	return errors.Is(err, sqlite3.BUSY)
}

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

// exclusionClash reads the booking already there from a violation of the
// no-overlap constraint, so the backstop's 409 names the interval taken
// like the check in Go does. PostgreSQL gives it only in the error's
// detail: "… conflicts with existing key (space_id, tstzrange(…))=(1,
// ["2026-12-01 10:00:00+00","2026-12-01 11:15:00+00"))". The interval is
// the booking's blocked time, its turnaround buffer included.
func exclusionClash(err error) (booking.Interval, bool) {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != pgExclusionViolation {
		return booking.Interval{}, false
	}
	_, existing, ok := strings.Cut(pgErr.Detail, "conflicts with existing key")
	if !ok {
		return booking.Interval{}, false
	}
	parts := strings.Split(existing, `"`)
	if len(parts) < 5 {
		return booking.Interval{}, false
	}
	start, err1 := parsePgTime(parts[1])
	end, err2 := parsePgTime(parts[3])
	if err1 != nil || err2 != nil {
		return booking.Interval{}, false
	}
	return booking.Interval{Start: start, End: end}, true
}

// parsePgTime reads a timestamptz as PostgreSQL prints it: offsets of whole
// hours as "+00", others as "+05:30".
func parsePgTime(s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02 15:04:05-07", s)
	if err != nil {
		t, err = time.Parse("2006-01-02 15:04:05-07:00", s)
	}
	return t.UTC(), err
}
