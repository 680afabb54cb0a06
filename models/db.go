// Package models is the persistence layer of Common Room: GORM entities,
// queries, transactions and migrations. It is the one place that knows which
// SQL dialect is in use.
package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialects the store runs on.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DefaultSQLitePath is where the embedded database lives when DATABASE_URL
// is empty.
const DefaultSQLitePath = "commonroom.db"

// Store wraps the database handle and knows its dialect.
type Store struct {
	DB      *gorm.DB
	Dialect string
	// PaymentHold is how long an approved booking paid by card waits for
	// its payment (booking.DefaultPaymentHold when zero).
	PaymentHold time.Duration
}

// Location is a parsed DATABASE_URL.
type Location struct {
	Dialect string
	DSN     string // driver data source name
	Path    string // SQLite file, when Dialect is SQLite
}

// ParseURL decides the dialect from a DATABASE_URL: empty means the embedded
// SQLite file, "sqlite:PATH" or "file:PATH" a SQLite file elsewhere, and
// "postgres://" or "postgresql://" a PostgreSQL server.
func ParseURL(raw string) (Location, error) {
	switch {
	case raw == "":
		return sqliteLocation(DefaultSQLitePath), nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return Location{}, fmt.Errorf("not a PostgreSQL URL (want postgres://user@host:5432/dbname)")
		}
		return Location{Dialect: Postgres, DSN: raw}, nil
	case strings.HasPrefix(raw, "sqlite:"), strings.HasPrefix(raw, "file:"):
		p := raw[strings.Index(raw, ":")+1:]
		p = strings.TrimPrefix(p, "//")
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		if p == "" {
			return Location{}, fmt.Errorf("a SQLite URL needs a file path, like sqlite:/var/lib/commonroom/commonroom.db")
		}
		return sqliteLocation(p), nil
	}
	return Location{}, fmt.Errorf("use postgres://… for PostgreSQL, sqlite:PATH for a SQLite file, or leave it empty")
}

// sqliteLocation builds the DSN that stays correct under concurrent writes:
//   - busy_timeout waits for the write lock instead of failing at once;
//   - WAL lets readers go on while one writer writes;
//   - foreign_keys is off by default in SQLite;
//   - synchronous(normal) is safe with WAL and much faster than full;
//   - _txlock=immediate takes the write lock when a transaction begins, so
//     the losers of a race wait and then see the winner's row instead of
//     failing with "database is locked" on upgrade.
func sqliteLocation(path string) Location {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	dsn := "file:" + abs + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(normal)&_txlock=immediate"
	return Location{Dialect: SQLite, DSN: dsn, Path: abs}
}

// Now is the store's clock for timestamps: UTC and whole seconds. SQLite
// stores times as text and compares them as text; its driver drops trailing
// zeros of fractions, so "10:00:00.5Z" would sort before "10:00:00Z". Whole
// seconds in UTC sort and compare correctly on both dialects.
func Now() time.Time { return Instant(time.Now()) }

// Instant normalises a time for storing or querying: UTC, whole seconds.
func Instant(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// Open connects to the database named by rawURL. It does not migrate.
func Open(ctx context.Context, rawURL string, log *slog.Logger) (*Store, error) {
	loc, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg := &gorm.Config{
		TranslateError: true,
		NowFunc:        Now,
		Logger:         newLogger(log),
	}
	var dialector gorm.Dialector
	switch loc.Dialect {
	case SQLite:
		sqlDB, err := openSQLite(loc.DSN)
		if err != nil {
			return nil, err
		}
		dialector = gormlite.OpenDB(sqlDB)
	case Postgres:
		dialector = postgres.Open(loc.DSN)
	}
	db, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", loc.Dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	switch loc.Dialect {
	case SQLite:
		// One writer at a time is SQLite's rule; a small pool keeps readers
		// going in WAL mode without piling up goroutines on the write lock.
		sqlDB.SetMaxOpenConns(4)
		sqlDB.SetMaxIdleConns(4)
	case Postgres:
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	s := &Store{DB: db, Dialect: loc.Dialect}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Ping(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", loc.Dialect, err)
	}
	return s, nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func newLogger(log *slog.Logger) logger.Interface {
	if log == nil {
		return logger.Discard
	}
	return &gormLogger{log: log}
}

// gormLogger sends slow queries and real errors to slog; "record not found"
// is an ordinary answer, not an error worth logging.
type gormLogger struct{ log *slog.Logger }

func (l *gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }
func (l *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
}
func (l *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}
func (l *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}
func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(err, context.Canceled):
		sql, _ := fc()
		l.log.DebugContext(ctx, "query failed", "sql", sql, "err", err, "ms", elapsed.Milliseconds())
	case elapsed > 200*time.Millisecond:
		sql, rows := fc()
		l.log.WarnContext(ctx, "slow query", "sql", sql, "rows", rows, "ms", elapsed.Milliseconds())
	}
}
