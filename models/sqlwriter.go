package models

import (
	"database/sql"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// sqlWriter builds a statement and its parameters for the database
// connection beneath GORM, for the few statements every booking runs.
type sqlWriter struct {
	strings.Builder
	args []any
	// numbered writes PostgreSQL's $1, $2, …; SQLite's are ?.
	numbered bool
}

// arg writes a parameter with value v.
func (w *sqlWriter) arg(v any) {
	w.args = append(w.args, v)
	if w.numbered {
		w.WriteByte('$')
		w.WriteString(strconv.Itoa(len(w.args)))
		return
	}
	w.WriteByte('?')
}

// list writes parameters separated by commas.
func (w *sqlWriter) list(vs ...any) {
	for i, v := range vs {
		if i > 0 {
			w.WriteString(", ")
		}
		w.arg(v)
	}
}

// queryRow runs the statement in db's transaction (or on its pool).
func (w *sqlWriter) queryRow(db *gorm.DB) *sql.Row {
	return db.Statement.ConnPool.QueryRowContext(db.Statement.Context, w.String(), w.args...)
}

// exec runs the statement in db's transaction (or on its pool).
func (w *sqlWriter) exec(db *gorm.DB) error {
	_, err := db.Statement.ConnPool.ExecContext(db.Statement.Context, w.String(), w.args...)
	return err
}

// driverError turns a driver's error into the error GORM would have
// returned for it, so that translate reads both alike.
func driverError(db *gorm.DB, err error) error {
	tr, ok := db.Dialector.(gorm.ErrorTranslator)
	if err == nil || !ok {
		return err
	}
	return tr.Translate(err)
}

// find runs query, written with ? parameters, in db's transaction (or on
// its pool) and scans its rows into dest, a struct (the first row; left
// as it is when there is none) or a slice (every row). It is Raw(…).Find
// for the queries every request runs, without GORM building the statement
// again each time. The query must have no ? other than its parameters.
func find(db *gorm.DB, dest any, query string, args ...any) error {
	rows, err := queryRows(db, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		if err := db.ScanRows(rows, dest); err != nil {
			return err
		}
	}
	return driverError(db, rows.Err())
}

// queryRows runs query, written with ? parameters, in db's transaction (or
// on its pool), for the caller to scan.
func queryRows(db *gorm.DB, query string, args ...any) (*sql.Rows, error) {
	rows, err := db.Statement.ConnPool.QueryContext(db.Statement.Context, bind(db, query), args...)
	return rows, driverError(db, err)
}

// numberedQueries holds the queries bind has written for PostgreSQL, each
// with its ? as $1, $2, ….
var numberedQueries sync.Map

// bind writes query's parameters as db's driver wants them.
func bind(db *gorm.DB, query string) string {
	if db.Dialector.Name() != Postgres {
		return query
	}
	if q, ok := numberedQueries.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] != '?' {
			b.WriteByte(query[i])
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	numberedQueries.Store(query, b.String())
	return b.String()
}
