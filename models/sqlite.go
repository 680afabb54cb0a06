package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync"

	"github.com/ncruces/go-sqlite3"
	sqlitedriver "github.com/ncruces/go-sqlite3/driver"
)

// stmtCacheSize is how many prepared statements each SQLite connection
// keeps.
const stmtCacheSize = 256

// openSQLite opens a pool of SQLite connections that each keep the
// statements they have prepared. SQLite parses and plans a statement
// afresh every time one is prepared, which for most of our queries costs
// more than running them, and database/sql prepares every query that has
// arguments. The cache lives in the connection, so it needs no lock shared
// between connections and nothing a transaction could wait on.
func openSQLite(dsn string) (*sql.DB, error) {
	c, err := (&sqlitedriver.SQLite{}).OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(cachingConnector{c}), nil
}

type cachingConnector struct{ driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := dc.(sqlitedriver.Conn)
	exec, ok2 := dc.(driver.ExecerContext)
	check, ok3 := dc.(driver.NamedValueChecker)
	if !ok || !ok2 || !ok3 {
		return dc, nil
	}
	return &cachingConn{Conn: inner, exec: exec, check: check, stmts: map[string]*cachedStmt{}}, nil
}

// cachingConn is a SQLite connection with its prepared statements.
// database/sql uses a connection from one goroutine at a time; the mutex
// only keeps that promise checkable.
type cachingConn struct {
	sqlitedriver.Conn
	exec  driver.ExecerContext
	check driver.NamedValueChecker
	mu    sync.Mutex
	stmts map[string]*cachedStmt
}

var (
	_ sqlitedriver.Conn        = (*cachingConn)(nil)
	_ driver.ExecerContext     = (*cachingConn)(nil)
	_ driver.NamedValueChecker = (*cachingConn)(nil)
)

// resettable is what the driver's statements can do besides driver.Stmt.
type resettable interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
	driver.NamedValueChecker
	Reset() error
	ClearBindings() error
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext returns the connection's statement for query when it has
// one not in use, and otherwise prepares one, keeping it while there is
// room.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.mu.Lock()
	if s, ok := c.stmts[query]; ok && !s.inUse {
		s.inUse = true
		c.mu.Unlock()
		return s, nil
	}
	_, taken := c.stmts[query]
	c.mu.Unlock()
	ds, err := c.Conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	rs, ok := ds.(resettable)
	if !ok || taken {
		return ds, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.stmts) >= stmtCacheSize {
		c.evictLocked()
	}
	if len(c.stmts) >= stmtCacheSize {
		return ds, nil
	}
	s := &cachedStmt{resettable: rs, conn: c, query: query, inUse: true}
	c.stmts[query] = s
	return s, nil
}

// evictLocked closes one statement not in use, to make room.
func (c *cachingConn) evictLocked() {
	for q, s := range c.stmts {
		if !s.inUse {
			delete(c.stmts, q)
			_ = s.resettable.Close()
			return
		}
	}
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.exec.ExecContext(ctx, query, args)
}

func (c *cachingConn) CheckNamedValue(v *driver.NamedValue) error { return c.check.CheckNamedValue(v) }

// Close finalises the kept statements, then closes the connection.
func (c *cachingConn) Close() error {
	c.mu.Lock()
	var errs []error
	for q, s := range c.stmts {
		delete(c.stmts, q)
		s.closed = true
		errs = append(errs, s.resettable.Close())
	}
	c.mu.Unlock()
	return errors.Join(append(errs, c.Conn.Close())...)
}

// Raw is the connection's SQLite handle.
func (c *cachingConn) Raw() *sqlite3.Conn { return c.Conn.Raw() }

// cachedStmt is a kept statement; closing it resets it for its next use.
type cachedStmt struct {
	resettable
	conn   *cachingConn
	query  string
	inUse  bool
	closed bool // finalised with its connection
}

func (s *cachedStmt) Close() error {
	s.conn.mu.Lock()
	defer s.conn.mu.Unlock()
	if s.closed {
		return nil
	}
	s.inUse = false
	// Reset answers with the last step's error, which its caller has had.
	_ = s.Reset()
	if err := s.ClearBindings(); err != nil {
		delete(s.conn.stmts, s.query)
		s.closed = true
		return errors.Join(err, s.resettable.Close())
	}
	return nil
}
