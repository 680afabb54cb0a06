package models

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// sqliteConn is one connection of a fresh SQLite store, with a table t of
// unique values.
func sqliteConn(t *testing.T) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "cache.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	db, err := s.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := conn.ExecContext(ctx, "CREATE TABLE t (v INTEGER UNIQUE)"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// kept is how many statements the connection keeps, and how many of them
// are in use.
func kept(t *testing.T, conn *sql.Conn) (n, inUse int) {
	t.Helper()
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*cachingConn)
		if !ok {
			return fmt.Errorf("the connection is a %T, not a caching one", dc)
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, s := range c.stmts {
			n++
			if s.inUse {
				inUse++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, inUse
}

func TestSQLiteConnectionReusesItsStatements(t *testing.T) {
	conn := sqliteConn(t)
	ctx := context.Background()
	for i, want := range []int{2, 11, 101} {
		var got int
		if err := conn.QueryRowContext(ctx, "SELECT ? + 1", want-1).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("query %d: got %d, want %d", i, got, want)
		}
	}
	// A statement with no argument is run without preparing one to keep.
	if n, inUse := kept(t, conn); n != 1 || inUse != 0 {
		t.Errorf("kept %d statements, %d in use; want 1, none in use", n, inUse)
	}
}

func TestSQLiteStatementInUseIsNotHandedOutTwice(t *testing.T) {
	conn := sqliteConn(t)
	ctx := context.Background()
	for v := 1; v <= 3; v++ {
		if _, err := conn.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", v); err != nil {
			t.Fatal(err)
		}
	}
	const q = "SELECT v FROM t WHERE v >= ? ORDER BY v"
	outer, err := conn.QueryContext(ctx, q, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Rows left open would keep the connection from closing after a failure.
	defer outer.Close()
	var pairs []string
	for rounds := 0; outer.Next(); rounds++ {
		if rounds == 3 {
			t.Fatal("the first read started again from the beginning")
		}
		var a int
		if err := outer.Scan(&a); err != nil {
			t.Fatal(err)
		}
		// The same query again while the first is still being read.
		inner, err := conn.QueryContext(ctx, q, a+1)
		if err != nil {
			t.Fatal(err)
		}
		defer inner.Close()
		for inner.Next() {
			var b int
			if err := inner.Scan(&b); err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, fmt.Sprint(a, b))
		}
		if err := inner.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(pairs); got != "[2 3]" {
		t.Errorf("nested reads gave %s, want [2 3]", got)
	}
	if _, inUse := kept(t, conn); inUse != 0 {
		t.Errorf("%d statements still in use after every read closed", inUse)
	}
}

func TestSQLiteStatementWorksAgainAfterAnError(t *testing.T) {
	conn := sqliteConn(t)
	ctx := context.Background()
	const q = "INSERT INTO t (v) VALUES (?)"
	if _, err := conn.ExecContext(ctx, q, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, q, 1); err == nil {
		t.Fatal("a duplicate value was inserted")
	}
	if _, err := conn.ExecContext(ctx, q, 2); err != nil {
		t.Fatalf("the statement failed after its error: %v", err)
	}
	var count int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM t WHERE v > ?", 0).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 2 {
		t.Errorf("%d rows, want 2", count)
	}
}

func TestSQLiteConnectionKeepsAtMostItsShareOfStatements(t *testing.T) {
	conn := sqliteConn(t)
	ctx := context.Background()
	for i := range stmtCacheSize + 50 {
		var got int
		if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT ? + %d", i), 1).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != i+1 {
			t.Fatalf("query %d: got %d", i, got)
		}
	}
	if n, _ := kept(t, conn); n != stmtCacheSize {
		t.Errorf("kept %d statements, want %d", n, stmtCacheSize)
	}
}
