// Package modelstest gives each test its own migrated database: a temporary
// SQLite file always, and a fresh PostgreSQL database when TEST_DATABASE_URL
// is set. With REQUIRE_POSTGRES=1 a missing or unreachable PostgreSQL fails
// the test instead of skipping it.
package modelstest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/common-room/commonroom/models"
)

// Database names a database a test runs against.
type Database struct {
	Dialect string
	URL     string
}

// Each runs fn as a subtest once per dialect, each with its own freshly
// migrated database. The dialects run side by side: nothing is shared
// between them.
func Each(t *testing.T, fn func(t *testing.T, db Database)) {
	t.Helper()
	for _, dialect := range []string{models.SQLite, models.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, dialect))
		})
	}
}

// New creates a migrated database of the dialect for this test and drops it
// when the test ends.
func New(t testing.TB, dialect string) Database {
	t.Helper()
	if dialect == models.SQLite {
		u := "sqlite:" + filepath.Join(t.TempDir(), "test.db")
		s := open(t, u)
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("migrate SQLite: %v", err)
		}
		_ = s.Close()
		return Database{Dialect: models.SQLite, URL: u}
	}
	return Database{Dialect: models.Postgres, URL: newPostgres(t)}
}

// Open connects to db; the connection closes when the test ends.
func Open(t testing.TB, db Database) *models.Store {
	t.Helper()
	s := open(t, db.URL)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Store is New followed by Open.
func Store(t testing.TB, dialect string) *models.Store {
	t.Helper()
	return Open(t, New(t, dialect))
}

func open(t testing.TB, u string) *models.Store {
	t.Helper()
	s, err := models.Open(context.Background(), u, nil)
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	return s
}

// Main runs the tests of a package and then drops the PostgreSQL template
// database it made, if any. Use it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	pg.dropTemplate()
	return code
}

// pgState holds the per-process PostgreSQL template: migrating once and
// cloning with CREATE DATABASE … TEMPLATE takes tens of milliseconds a test.
type pgState struct {
	once     sync.Once
	admin    *models.Store
	base     *url.URL
	template string
	err      error
	seq      atomic.Int64
}

var pg pgState

const namePrefix = "cr_test_"

func newPostgres(t testing.TB) string {
	t.Helper()
	raw := os.Getenv("TEST_DATABASE_URL")
	if raw == "" {
		if os.Getenv("REQUIRE_POSTGRES") == "1" {
			t.Fatal("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
		}
		t.Skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
	}
	pg.once.Do(func() { pg.err = pg.init(raw) })
	if pg.err != nil {
		t.Fatalf("PostgreSQL test database: %v", pg.err)
	}
	name := fmt.Sprintf("%s%d_%d_%d", namePrefix, time.Now().Unix(), os.Getpid(), pg.seq.Add(1))
	if err := pg.admin.DB.Exec(`CREATE DATABASE "` + name + `" TEMPLATE "` + pg.template + `"`).Error; err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_ = pg.admin.DB.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`).Error
	})
	return pg.urlFor(name)
}

func (p *pgState) init(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	p.base = u
	p.admin, err = models.Open(context.Background(), raw, nil)
	if err != nil {
		return err
	}
	p.sweep()
	p.template = fmt.Sprintf("%s%d_%d_template", namePrefix, time.Now().Unix(), os.Getpid())
	if err := p.admin.DB.Exec(`CREATE DATABASE "` + p.template + `"`).Error; err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	s, err := models.Open(context.Background(), p.urlFor(p.template), nil)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Migrate(context.Background())
}

// sweep drops test databases more than an hour old, left behind by test
// processes that were killed before they could clean up.
func (p *pgState) sweep() {
	var names []string
	p.admin.DB.Raw(`SELECT datname FROM pg_database WHERE datname LIKE 'cr\_test\_%'`).Scan(&names)
	cutoff := time.Now().Add(-time.Hour).Unix()
	for _, n := range names {
		parts := strings.Split(strings.TrimPrefix(n, namePrefix), "_")
		if created, err := strconv.ParseInt(parts[0], 10, 64); err == nil && created < cutoff {
			p.admin.DB.Exec(`DROP DATABASE IF EXISTS "` + n + `" WITH (FORCE)`)
		}
	}
}

func (p *pgState) dropTemplate() {
	if p.admin == nil || p.template == "" {
		return
	}
	p.admin.DB.Exec(`DROP DATABASE IF EXISTS "` + p.template + `" WITH (FORCE)`)
	_ = p.admin.Close()
}

func (p *pgState) urlFor(name string) string {
	u := *p.base
	u.Path = "/" + name
	return u.String()
}
