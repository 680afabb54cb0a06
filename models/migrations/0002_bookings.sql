-- Opening hours, closures, series, bookings and their history.
ALTER TABLE spaces ADD COLUMN own_opening_hours BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE opening_windows (
    id {{pk}},
    site_id {{id}} REFERENCES sites (id) ON DELETE CASCADE,
    space_id {{id}} REFERENCES spaces (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens INTEGER NOT NULL,
    closes INTEGER NOT NULL,
    CHECK ((site_id IS NULL) <> (space_id IS NULL)),
    CHECK (opens >= 0 AND closes <= 1440 AND opens < closes)
);
CREATE INDEX idx_opening_windows_site_id ON opening_windows (site_id);
CREATE INDEX idx_opening_windows_space_id ON opening_windows (space_id);

CREATE TABLE closures (
    id {{pk}},
    site_id {{id}} REFERENCES sites (id) ON DELETE CASCADE,
    space_id {{id}} REFERENCES spaces (id) ON DELETE CASCADE,
    starts_at {{ts}} NOT NULL,
    ends_at {{ts}} NOT NULL,
    reason TEXT NOT NULL,
    created_by_id {{id}} REFERENCES users (id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    CHECK ((site_id IS NULL) <> (space_id IS NULL)),
    CHECK (starts_at < ends_at)
);
CREATE INDEX idx_closures_site_id ON closures (site_id, starts_at);
CREATE INDEX idx_closures_space_id ON closures (space_id, starts_at);

CREATE TABLE series (
    id {{pk}},
    space_id {{id}} NOT NULL REFERENCES spaces (id),
    organisation_id {{id}} NOT NULL REFERENCES organisations (id),
    frequency TEXT NOT NULL,
    first_date TEXT NOT NULL,
    until_date TEXT NOT NULL,
    count INTEGER NOT NULL,
    start_clock INTEGER NOT NULL,
    end_clock INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    created_by_id {{id}} REFERENCES users (id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX idx_series_organisation_id ON series (organisation_id);

-- block_end is ends_at plus the space's turnaround buffer at booking time:
-- two bookings of a space conflict when [starts_at, block_end) overlap.
CREATE TABLE bookings (
    id {{pk}},
    space_id {{id}} NOT NULL REFERENCES spaces (id),
    organisation_id {{id}} NOT NULL REFERENCES organisations (id),
    series_id {{id}} REFERENCES series (id),
    starts_at {{ts}} NOT NULL,
    ends_at {{ts}} NOT NULL,
    block_end {{ts}} NOT NULL,
    state TEXT NOT NULL,
    purpose TEXT NOT NULL,
    attendees INTEGER NOT NULL,
    notes TEXT NOT NULL,
    hold_expires_at {{ts}},
    sequence INTEGER NOT NULL,
    created_by_id {{id}} REFERENCES users (id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    CHECK (starts_at < ends_at AND ends_at <= block_end)
);
CREATE INDEX idx_bookings_space_id_starts_at ON bookings (space_id, starts_at);
CREATE INDEX idx_bookings_organisation_id_starts_at ON bookings (organisation_id, starts_at);
CREATE INDEX idx_bookings_series_id ON bookings (series_id);

CREATE TABLE booking_events (
    id {{pk}},
    booking_id {{id}} NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    by_user_id {{id}} REFERENCES users (id) ON DELETE SET NULL,
    at {{ts}} NOT NULL
);
CREATE INDEX idx_booking_events_booking_id ON booking_events (booking_id);

CREATE TABLE idempotency_keys (
    user_id {{id}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    PRIMARY KEY (user_id, key)
);
