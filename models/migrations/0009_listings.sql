-- Session listings: what a group publishes about a confirmed booking or a
-- series, for link workers to search and anyone to subscribe to. A listing
-- follows its bookings: its dates are the booking's, or the series'
-- occurrences, as they are now.
CREATE TABLE listings (
    id {{pk}},
    organisation_id {{id}} NOT NULL REFERENCES organisations (id),
    booking_id {{id}} REFERENCES bookings (id),
    series_id {{id}} REFERENCES series (id),
    space_id {{id}} NOT NULL REFERENCES spaces (id),
    site_id {{id}} NOT NULL REFERENCES sites (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    who_for TEXT NOT NULL,
    cost_pence BIGINT NOT NULL,
    cost_note TEXT NOT NULL,
    join_mode TEXT NOT NULL,
    contact TEXT NOT NULL,
    referral_contact TEXT NOT NULL,
    languages TEXT NOT NULL,
    access_notes TEXT NOT NULL,
    -- The published words in lower case, for text search.
    search_text TEXT NOT NULL,
    -- Which London weekdays (bit 1 << Sunday=0 … Saturday=6) and parts of
    -- the day (1 morning, 2 afternoon, 4 evening) its dates fall on.
    weekdays INTEGER NOT NULL,
    day_parts INTEGER NOT NULL,
    created_by_id {{id}} REFERENCES users (id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    CHECK ((booking_id IS NULL) <> (series_id IS NULL))
);
-- A booking or a series is published once.
CREATE UNIQUE INDEX idx_listings_booking_id ON listings (booking_id) WHERE booking_id IS NOT NULL;
CREATE UNIQUE INDEX idx_listings_series_id ON listings (series_id) WHERE series_id IS NOT NULL;
CREATE INDEX idx_listings_site_id ON listings (site_id);
CREATE INDEX idx_listings_organisation_id ON listings (organisation_id);

CREATE TABLE listing_categories (
    listing_id {{id}} NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (listing_id, category)
);
CREATE INDEX idx_listing_categories_category ON listing_categories (category, listing_id);

-- A listing's next dates are read from its series' occurrences in order.
CREATE INDEX idx_bookings_series_id_starts_at ON bookings (series_id, starts_at, state);
DROP INDEX idx_bookings_series_id;
