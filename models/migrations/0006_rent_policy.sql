-- Rent policies and the prices bookings were made with.
--
-- Every save of a policy is a new row with the next version: the estate-wide
-- default has no site, a site's own policy names its site. The newest
-- version of each is in force; the older ones are its history.
CREATE TABLE rent_policies (
    id {{pk}},
    site_id {{id}} REFERENCES sites (id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version > 0),
    own_rules BOOLEAN NOT NULL,
    rules TEXT NOT NULL,
    vat_percent INTEGER NOT NULL CHECK (vat_percent IN (0, 20)),
    cancellation_notice_hours INTEGER NOT NULL CHECK (cancellation_notice_hours >= 0),
    changed_by_id {{id}} REFERENCES users (id) ON DELETE SET NULL,
    changed_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX idx_rent_policies_site_version ON rent_policies (site_id, version);
CREATE UNIQUE INDEX idx_rent_policies_estate_version ON rent_policies (version) WHERE site_id IS NULL;

-- A booking keeps its quote: the totals here, and its parts (one per rule
-- that priced a stretch of it) in booking_charges. policy_id is the
-- version of the policy that priced it.
ALTER TABLE bookings ADD COLUMN standard_pence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN discount_pence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN vat_percent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN vat_pence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN total_pence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN price_explanation TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN policy_id {{id}} REFERENCES rent_policies (id);

CREATE TABLE booking_charges (
    id {{pk}},
    booking_id {{id}} NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    starts_at {{ts}} NOT NULL,
    ends_at {{ts}} NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    rule_name TEXT NOT NULL,
    discount_percent INTEGER NOT NULL CHECK (discount_percent BETWEEN 0 AND 100),
    standard_pence BIGINT NOT NULL CHECK (standard_pence >= 0),
    discount_pence BIGINT NOT NULL CHECK (discount_pence >= 0),
    explanation TEXT NOT NULL
);
CREATE INDEX idx_booking_charges_booking_id ON booking_charges (booking_id);
