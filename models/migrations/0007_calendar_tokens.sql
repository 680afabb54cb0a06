-- Private calendar feeds open with a token: one an organisation's members
-- share, or one an estates manager keeps for the sites they manage. The
-- database holds only the token's hash. Each owner has at most one token; a
-- new one replaces it, so an old link stops working.
CREATE TABLE calendar_tokens (
    id {{pk}},
    token_hash TEXT NOT NULL UNIQUE,
    organisation_id {{id}} REFERENCES organisations (id) ON DELETE CASCADE,
    user_id {{id}} REFERENCES users (id) ON DELETE CASCADE,
    created_by_id {{id}} REFERENCES users (id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    CHECK ((organisation_id IS NULL) <> (user_id IS NULL))
);
-- One token per owner. A new token replaces the old with an upsert on the
-- owner's index, so two replacements racing cannot both insert.
CREATE UNIQUE INDEX idx_calendar_tokens_organisation_id ON calendar_tokens (organisation_id) WHERE organisation_id IS NOT NULL;
CREATE UNIQUE INDEX idx_calendar_tokens_user_id ON calendar_tokens (user_id) WHERE user_id IS NOT NULL;
