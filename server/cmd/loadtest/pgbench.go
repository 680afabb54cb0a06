package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// bookingSQL is the statements the booking transaction issues on
// PostgreSQL (models.Store.InSpace and the booking service, pricing
// included; with no capped rule in force no cap is read), for pgbench.
// Each transaction books the next free hour from a sequence on a random
// space, so its bookings lie close together in time as real ones do.
const bookingSQL = `\set sid random(%d, %d)
SELECT nextval('loadtest_slot') AS hour \gset
BEGIN;
SELECT * FROM spaces WHERE id = :sid LIMIT 1 FOR UPDATE;
SELECT * FROM opening_windows WHERE site_id = (SELECT site_id FROM spaces WHERE id = :sid) ORDER BY weekday, opens;
SELECT * FROM closures WHERE (space_id = :sid OR site_id = (SELECT site_id FROM spaces WHERE id = :sid)) AND starts_at < timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '49 hours' AND ends_at > timestamptz '2031-01-01' + :hour * interval '1 hour' - interval '48 hours';
SELECT * FROM bookings WHERE space_id = :sid AND state IN ('requested','pending_payment','confirmed') AND tstzrange(starts_at, block_end, '[)') && tstzrange(timestamptz '2031-01-01' + :hour * interval '1 hour', timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '1 hour', '[)') ORDER BY starts_at;
SELECT rent_policies.*, sites.name AS site_name FROM sites LEFT JOIN rent_policies ON rent_policies.id IN ((SELECT MAX(id) FROM rent_policies WHERE site_id = sites.id), (SELECT MAX(id) FROM rent_policies WHERE site_id IS NULL)) WHERE sites.id = (SELECT site_id FROM spaces WHERE id = :sid);
INSERT INTO bookings (space_id, organisation_id, starts_at, ends_at, block_end, state, purpose, attendees, notes, sequence, created_at, updated_at, standard_pence, discount_pence, vat_percent, vat_pence, total_pence, price_explanation) VALUES (:sid, %d, timestamptz '2031-01-01' + :hour * interval '1 hour', timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '1 hour', timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '1 hour', 'confirmed', 'community', 8, '', 0, now(), now(), 1500, 0, 0, 0, 1500, 'Standard rate — no rule of the rent policy at the site applies.') RETURNING id;
INSERT INTO booking_charges (booking_id, starts_at, ends_at, minutes, rule_name, discount_percent, standard_pence, discount_pence, explanation) VALUES (currval(pg_get_serial_sequence('bookings', 'id')), timestamptz '2031-01-01' + :hour * interval '1 hour', timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '1 hour', 60, '', 0, 1500, 0, 'Standard rate — no rule of the rent policy at the site applies');
INSERT INTO booking_events (booking_id, action, from_state, to_state, reason, at) VALUES (currval(pg_get_serial_sequence('bookings', 'id')), 'create', '', 'confirmed', '', now());
COMMIT;
`

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench runs the booking transaction's SQL with as many clients as the
// load phase, and returns its transactions per second.
func pgbench(ctx context.Context, o options, dbURL string, fx *fixture) (float64, error) {
	path, err := exec.LookPath("pgbench")
	if err != nil {
		return 0, fmt.Errorf("pgbench is not installed (Debian package postgresql-client)")
	}
	dir, err := os.MkdirTemp("", "commonroom-pgbench-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "booking.sql")
	sql := fmt.Sprintf(bookingSQL, fx.spaceIDs[0], fx.spaceIDs[len(fx.spaceIDs)-1], fx.orgID)
	if err := os.WriteFile(script, []byte(sql), 0o600); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(o.seconds+30)*time.Second)
	defer cancel()
	if err := exec.CommandContext(ctx, "psql", "-q", "-c", "CREATE SEQUENCE IF NOT EXISTS loadtest_slot", dbURL).Run(); err != nil {
		return 0, fmt.Errorf("create the slot sequence with psql: %w", err)
	}
	cmd := exec.CommandContext(ctx, path, "-n", "-c", strconv.Itoa(o.clients), "-j", "2",
		"-T", strconv.Itoa(o.seconds), "-f", script, dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no tps in pgbench output: %s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
