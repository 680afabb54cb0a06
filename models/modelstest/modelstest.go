// Package modelstest gives each test its own migrated database: a temporary
// SQLite file always, and a fresh PostgreSQL database when TEST_DATABASE_URL
// is set. With REQUIRE_POSTGRES=1 a missing or unreachable PostgreSQL fails
// the test instead of skipping it.
//
// Each test process migrates one database per dialect and copies it for
// every test, as copying is far quicker than migrating. A package can do
// the same with fixtures of its own: fill a Shared database once and Copy
// it for each test.
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

// Dialects are the dialects the tests run on, SQLite first.
var Dialects = []string{models.SQLite, models.Postgres}

// Each runs fn as a subtest once per dialect, each with its own freshly
// migrated database. The dialects run side by side: nothing is shared
// between them.
func Each(t *testing.T, fn func(t *testing.T, db Database)) {
	t.Helper()
	EachDialect(t, func(t *testing.T, dialect string) {
		fn(t, New(t, dialect))
	})
}

// EachDialect runs fn as a subtest once per dialect, side by side, and
// leaves making databases to fn. On PostgreSQL it first checks that
// TEST_DATABASE_URL is set, skipping the subtest (or failing it, with
// REQUIRE_POSTGRES=1) when it is not.
func EachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	for _, dialect := range Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			if dialect == models.Postgres {
				postgresURL(t)
			}
			fn(t, dialect)
		})
	}
}

// New creates a migrated database of the dialect for this test and drops it
// when the test ends.
func New(t testing.TB, dialect string) Database {
	t.Helper()
	return Copy(t, migrated(t, dialect))
}

// Shared creates a migrated database of the dialect that lasts as long as
// the test process, for fixtures made once and copied for each test. Close
// every connection to it before copying it.
func Shared(t testing.TB, dialect string) Database {
	t.Helper()
	return copyOf(t, migrated(t, dialect), true)
}

// Copy makes a database for this test that starts as a copy of db, and
// drops it when the test ends. Nothing may be connected to db.
func Copy(t testing.TB, db Database) Database {
	t.Helper()
	return copyOf(t, db, false)
}

// copyOf makes a database that starts as a copy of db: for this test, or,
// when shared, until the test process ends.
func copyOf(t testing.TB, db Database, shared bool) Database {
	t.Helper()
	if db.Dialect == models.SQLite {
		path := filepath.Join(t.TempDir(), "test.db")
		if shared {
			path = filepath.Join(lite.dir, fmt.Sprintf("shared_%d.db", lite.seq.Add(1)))
		}
		if err := copyFile(db, path); err != nil {
			t.Fatalf("SQLite test database: %v", err)
		}
		return Database{Dialect: models.SQLite, URL: "sqlite:" + path}
	}
	kind := ""
	if shared {
		kind = "shared"
	}
	name := pg.newName(kind)
	if err := pg.create(name, db); err != nil {
		t.Fatalf("PostgreSQL test database: %v", err)
	}
	if shared {
		pg.mu.Lock()
		pg.shared = append(pg.shared, name)
		pg.mu.Unlock()
	} else {
		t.Cleanup(func() { pg.dropLater(name) })
	}
	return Database{Dialect: models.Postgres, URL: pg.urlFor(name)}
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

// Checkpoint makes a SQLite database's file the whole database, writing
// its write-ahead log into it, so that the file can be copied once every
// connection is closed. On PostgreSQL it does nothing.
func Checkpoint(s *models.Store) error {
	if s.Dialect != models.SQLite {
		return nil
	}
	return s.DB.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
}

func open(t testing.TB, u string) *models.Store {
	t.Helper()
	s, err := models.Open(context.Background(), u, nil)
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	return s
}

// Main runs the tests of a package and then drops the databases it made
// to copy from. Use it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	pg.drop()
	lite.remove()
	return code
}

// migrated is the process's migrated database of the dialect, made on
// first use.
func migrated(t testing.TB, dialect string) Database {
	t.Helper()
	if dialect == models.SQLite {
		lite.once.Do(func() { lite.err = lite.init() })
		if lite.err != nil {
			t.Fatalf("SQLite test database: %v", lite.err)
		}
		return Database{Dialect: models.SQLite, URL: "sqlite:" + lite.template}
	}
	raw := postgresURL(t)
	pg.once.Do(func() { pg.err = pg.init(raw) })
	if pg.err != nil {
		t.Fatalf("PostgreSQL test database: %v", pg.err)
	}
	return Database{Dialect: models.Postgres, URL: pg.urlFor(pg.template)}
}

// postgresURL is TEST_DATABASE_URL; without it the test is skipped, or
// failed when REQUIRE_POSTGRES=1.
func postgresURL(t testing.TB) string {
	t.Helper()
	raw := os.Getenv("TEST_DATABASE_URL")
	if raw == "" {
		if os.Getenv("REQUIRE_POSTGRES") == "1" {
			t.Fatal("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
		}
		t.Skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
	}
	return raw
}

// liteState holds the process's migrated SQLite file and the folder its
// shared databases live in.
type liteState struct {
	once     sync.Once
	dir      string
	template string
	seq      atomic.Int64
	err      error
}

var lite liteState

func (l *liteState) init() error {
	dir, err := os.MkdirTemp("", "commonroom-test-")
	if err != nil {
		return err
	}
	l.dir = dir
	path := filepath.Join(dir, "template.db")
	s, err := models.Open(context.Background(), "sqlite:"+path, nil)
	if err != nil {
		return err
	}
	err = s.Migrate(context.Background())
	if err == nil {
		err = Checkpoint(s)
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("migrate the template: %w", err)
	}
	l.template = path
	return nil
}

func (l *liteState) remove() {
	if l.dir != "" {
		_ = os.RemoveAll(l.dir)
	}
}

// copyFile copies a SQLite database's file to path.
func copyFile(db Database, path string) error {
	data, err := os.ReadFile(strings.TrimPrefix(db.URL, "sqlite:"))
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
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
	mu       sync.Mutex
	shared   []string
	drops    sync.WaitGroup
	dropping chan struct{} // one drop at a time
}

var pg pgState

const namePrefix = "cr_test_"

// newName is a database name no other test process uses; old ones are
// swept by their time.
func (p *pgState) newName(kind string) string {
	if kind != "" {
		kind = "_" + kind
	}
	return fmt.Sprintf("%s%d_%d_%d%s", namePrefix, time.Now().Unix(), os.Getpid(), p.seq.Add(1), kind)
}

// create makes database name as a copy of from.
func (p *pgState) create(name string, from Database) error {
	u, err := url.Parse(from.URL)
	if err != nil {
		return err
	}
	template := strings.TrimPrefix(u.Path, "/")
	return p.admin.DB.Exec(`CREATE DATABASE "` + name + `" TEMPLATE "` + template + `" STRATEGY FILE_COPY`).Error
}

func (p *pgState) init(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	p.base = u
	p.dropping = make(chan struct{}, 1)
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

// dropLater drops a test's database in the background: PostgreSQL takes
// most of half a second over each drop, mostly waiting, which the test
// need not wait for. Drops run one at a time, as PostgreSQL runs them.
func (p *pgState) dropLater(name string) {
	p.drops.Add(1)
	go func() {
		defer p.drops.Done()
		p.dropping <- struct{}{}
		defer func() { <-p.dropping }()
		_ = p.admin.DB.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`).Error
	}()
}

// drop waits for the tests' databases to go, then removes the template
// and the shared databases.
func (p *pgState) drop() {
	if p.admin == nil {
		return
	}
	p.drops.Wait()
	for _, name := range append(p.shared, p.template) {
		if name != "" {
			p.admin.DB.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`)
		}
	}
	_ = p.admin.Close()
}

func (p *pgState) urlFor(name string) string {
	u := *p.base
	u.Path = "/" + name
	return u.String()
}
