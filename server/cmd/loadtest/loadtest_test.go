package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/models/modelstest"
)

// A small run of the load command on each database: every phase does its
// work, the booking clients never meet each other's bookings, and on
// PostgreSQL pgbench accepts the booking transaction's SQL.
func TestLoadCommandMeasuresEachDatabase(t *testing.T) {
	modelstest.EachDialect(t, func(t *testing.T, dialect string) {
		o := options{dialects: []string{dialect}, pgURL: os.Getenv("TEST_DATABASE_URL"),
			spaces: 4, bookings: 40, clients: 2, seconds: 1}
		r, err := measure(context.Background(), o, dialect)
		if err != nil {
			t.Fatal(err)
		}
		if r.created == 0 || r.conflicts != 0 || r.failures != 0 {
			t.Errorf("booking phase: %d created, %d conflicts, %d failures; want some created and nothing else",
				r.created, r.conflicts, r.failures)
		}
		if len(r.bookLatency) != r.created {
			t.Errorf("%d booking latencies for %d bookings", len(r.bookLatency), r.created)
		}
		if len(r.availLatency) == 0 || len(r.sessionLatency) == 0 {
			t.Errorf("%d availability and %d session searches timed; want some of each", len(r.availLatency), len(r.sessionLatency))
		}
		if _, err := exec.LookPath("pgbench"); err == nil && dialect == models.Postgres && r.pgbenchTPS <= 0 {
			t.Errorf("pgbench ran no booking transaction (see its error above)")
		}
		var out bytes.Buffer
		printTable(&out, o, []result{r})
		if !strings.Contains(out.String(), "\n"+dialect+" ") {
			t.Errorf("the table has no row for %s:\n%s", dialect, out.String())
		}
	})
}
