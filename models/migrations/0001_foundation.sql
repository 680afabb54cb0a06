-- Accounts, sites, spaces and organisations.
CREATE TABLE users (
    id {{pk}},
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX idx_users_email ON users (email);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id {{id}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL
);
CREATE INDEX idx_sessions_user_id ON sessions (user_id);
CREATE INDEX idx_sessions_expires_at ON sessions (expires_at);

CREATE TABLE api_tokens (
    id {{pk}},
    user_id {{id}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    hash TEXT NOT NULL,
    prefix TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    last_used_at {{ts}}
);
CREATE UNIQUE INDEX idx_api_tokens_hash ON api_tokens (hash);
CREATE INDEX idx_api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE login_attempts (
    id {{pk}},
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at {{ts}} NOT NULL,
    succeeded BOOLEAN NOT NULL
);
CREATE INDEX idx_login_attempts_email_at ON login_attempts (email, at);
CREATE INDEX idx_login_attempts_address_at ON login_attempts (address, at);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sites (
    id {{pk}},
    name TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT NOT NULL,
    town TEXT NOT NULL,
    postcode TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    description TEXT NOT NULL,
    opening_hours TEXT NOT NULL,
    step_free BOOLEAN NOT NULL,
    accessible_toilet BOOLEAN NOT NULL,
    changing_places BOOLEAN NOT NULL,
    hearing_loop BOOLEAN NOT NULL,
    parking BOOLEAN NOT NULL,
    parking_notes TEXT NOT NULL,
    public_transport TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX idx_sites_name ON sites (name);

CREATE TABLE site_managers (
    site_id {{id}} NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    user_id {{id}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (site_id, user_id)
);
CREATE INDEX idx_site_managers_user_id ON site_managers (user_id);

CREATE TABLE spaces (
    id {{pk}},
    site_id {{id}} NOT NULL REFERENCES sites (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    step_free BOOLEAN NOT NULL,
    hearing_loop BOOLEAN NOT NULL,
    accessible_toilet BOOLEAN NOT NULL,
    access_notes TEXT NOT NULL,
    booking_unit TEXT NOT NULL,
    granularity_minutes INTEGER NOT NULL,
    min_minutes INTEGER NOT NULL,
    max_minutes INTEGER NOT NULL,
    notice_hours INTEGER NOT NULL,
    horizon_days INTEGER NOT NULL,
    buffer_minutes INTEGER NOT NULL,
    approval_mode TEXT NOT NULL,
    rate_pence BIGINT NOT NULL,
    visibility TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX idx_spaces_site_id_name ON spaces (site_id, name);
CREATE INDEX idx_spaces_kind ON spaces (kind);

CREATE TABLE space_features (
    space_id {{id}} NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    feature TEXT NOT NULL,
    PRIMARY KEY (space_id, feature)
);
CREATE INDEX idx_space_features_feature ON space_features (feature);

CREATE TABLE organisations (
    id {{pk}},
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    description TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    website TEXT NOT NULL,
    verification TEXT NOT NULL,
    verification_note TEXT NOT NULL,
    verified_by_id {{id}} REFERENCES users (id) ON DELETE SET NULL,
    verified_at {{ts}},
    pays_by_invoice BOOLEAN NOT NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX idx_organisations_verification ON organisations (verification);

CREATE TABLE organisation_identifiers (
    id {{pk}},
    organisation_id {{id}} NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    scheme TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX idx_organisation_identifiers_organisation_id ON organisation_identifiers (organisation_id);
CREATE INDEX idx_organisation_identifiers_value ON organisation_identifiers (scheme, value);

CREATE TABLE memberships (
    organisation_id {{id}} NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id {{id}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX idx_memberships_user_id ON memberships (user_id);

CREATE TABLE verification_events (
    id {{pk}},
    organisation_id {{id}} NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    note TEXT NOT NULL,
    by_user_id {{id}} NOT NULL REFERENCES users (id),
    at {{ts}} NOT NULL
);
CREATE INDEX idx_verification_events_organisation_id ON verification_events (organisation_id);
