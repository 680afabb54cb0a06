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
// PostgreSQL (models.Store.InSpace and the booking service), for pgbench,
// with the values the server binds as parameters written in. Ids are cast
// to bigint as the server's parameters are typed: an integer literal would
// keep PostgreSQL from using the exclusion constraint's index for the
// space. Each transaction books the next free hour from a sequence on a
// random space, so its bookings lie close together in time as real ones do.
// Space j is at site j mod the number of sites, as the seed lays them out.
// No rent policy is in force, so each booking has one charge at the
// standard rate.
const bookingSQL = `\set n random(0, {{spaces}} - 1)
\set sid {{first_space}} + :n
\set site {{first_site}} + :n % {{sites}}
SELECT nextval('loadtest_slot') AS hour \gset
BEGIN;
SELECT spaces.*, (SELECT string_agg(CAST(weekday AS TEXT) || ':' || CAST(opens AS TEXT) || '-' || CAST(closes AS TEXT), ',' ORDER BY weekday, opens) FROM opening_windows WHERE opening_windows.space_id = CASE WHEN spaces.own_opening_hours THEN spaces.id END OR opening_windows.site_id = CASE WHEN NOT spaces.own_opening_hours THEN spaces.site_id END) AS windows, sites.name AS site_name, site_policy.id AS site_policy_id, site_policy.site_id AS site_policy_site_id, site_policy.version AS site_policy_version, site_policy.own_rules AS site_policy_own_rules, site_policy.rules AS site_policy_rules, site_policy.vat_percent AS site_policy_vat_percent, site_policy.cancellation_notice_hours AS site_policy_cancellation_notice_hours, site_policy.changed_by_id AS site_policy_changed_by_id, site_policy.changed_at AS site_policy_changed_at, estate_policy.id AS estate_policy_id, estate_policy.site_id AS estate_policy_site_id, estate_policy.version AS estate_policy_version, estate_policy.own_rules AS estate_policy_own_rules, estate_policy.rules AS estate_policy_rules, estate_policy.vat_percent AS estate_policy_vat_percent, estate_policy.cancellation_notice_hours AS estate_policy_cancellation_notice_hours, estate_policy.changed_by_id AS estate_policy_changed_by_id, estate_policy.changed_at AS estate_policy_changed_at FROM spaces JOIN sites ON sites.id = spaces.site_id LEFT JOIN rent_policies AS site_policy ON site_policy.id = (SELECT MAX(id) FROM rent_policies WHERE site_id = spaces.site_id) LEFT JOIN rent_policies AS estate_policy ON estate_policy.id = (SELECT MAX(id) FROM rent_policies WHERE site_id IS NULL) WHERE spaces.id = :sid::bigint FOR UPDATE OF spaces;
SELECT starts_at, ends_at FROM closures WHERE (space_id = :sid::bigint OR site_id = :site::bigint) AND starts_at < timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '49 hours' AND ends_at > timestamptz '2031-01-01' + :hour * interval '1 hour' - interval '48 hours';
SELECT id, state, starts_at, ends_at, hold_expires_at FROM bookings WHERE space_id = :sid::bigint AND state IN ('requested', 'pending_payment', 'confirmed') AND tstzrange(starts_at, block_end, '[)') && tstzrange(timestamptz '2031-01-01' + :hour * interval '1 hour', timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '1 hour', '[)') ORDER BY starts_at;
WITH b AS (INSERT INTO bookings (space_id, organisation_id, series_id, starts_at, ends_at, block_end, state, purpose, attendees, notes, hold_expires_at, sequence, created_by_id, created_at, updated_at, standard_pence, discount_pence, vat_percent, vat_pence, total_pence, price_explanation, policy_id, payment, checkout_session_id, payment_intent_id, paid_pence, refunded_pence) VALUES (:sid::bigint, {{org}}::bigint, NULL, timestamptz '2031-01-01' + :hour * interval '1 hour', timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '1 hour', timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '1 hour', 'confirmed', 'community', 8, '', NULL, 0, {{user}}::bigint, now(), now(), 0, 0, 0, 0, 0, 'Standard rate — no rule of the rent policy at Load Site 00 applies.', NULL, 'not_required', NULL, NULL, 0, 0) RETURNING id), c AS (INSERT INTO booking_charges (booking_id, starts_at, ends_at, minutes, rule_name, discount_percent, standard_pence, discount_pence, explanation) VALUES ((SELECT id FROM b), timestamptz '2031-01-01' + :hour * interval '1 hour', timestamptz '2031-01-01' + :hour * interval '1 hour' + interval '1 hour', 60, '', 0, 0, 0, 'Standard rate — no rule of the rent policy at Load Site 00 applies')) INSERT INTO booking_events (booking_id, action, from_state, to_state, reason, amount_pence, by_user_id, at) VALUES ((SELECT id FROM b), 'create', '', 'confirmed', '', 0, {{user}}::bigint, now()) RETURNING booking_id;
COMMIT;
`

// script writes bookingSQL out for the seeded fixture. It needs the ids
// the seed made to run one after another, as they do in a fresh database.
func (fx *fixture) script() (string, error) {
	for j, id := range fx.spaceIDs {
		if id != fx.spaceIDs[0]+int64(j) {
			return "", fmt.Errorf("space ids are not consecutive")
		}
	}
	for i, id := range fx.siteIDs {
		if id != fx.siteIDs[0]+int64(i) {
			return "", fmt.Errorf("site ids are not consecutive")
		}
	}
	return strings.NewReplacer(
		"{{spaces}}", strconv.Itoa(len(fx.spaceIDs)), "{{first_space}}", strconv.FormatInt(fx.spaceIDs[0], 10),
		"{{sites}}", strconv.Itoa(len(fx.siteIDs)), "{{first_site}}", strconv.FormatInt(fx.siteIDs[0], 10),
		"{{org}}", strconv.FormatInt(fx.orgID, 10), "{{user}}", strconv.FormatInt(fx.userID, 10),
	).Replace(bookingSQL), nil
}

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
	sql, err := fx.script()
	if err != nil {
		return 0, err
	}
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
