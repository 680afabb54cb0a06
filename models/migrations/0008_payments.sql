-- Payments: how each booking's price is paid, the Checkout Session and
-- payment that paid it, what was refunded, and the Stripe webhook events
-- already processed (each exactly once).
ALTER TABLE bookings ADD COLUMN payment TEXT NOT NULL DEFAULT 'not_required';
ALTER TABLE bookings ADD COLUMN checkout_session_id TEXT;
ALTER TABLE bookings ADD COLUMN payment_intent_id TEXT;
ALTER TABLE bookings ADD COLUMN paid_pence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN refunded_pence BIGINT NOT NULL DEFAULT 0;
CREATE INDEX idx_bookings_checkout_session_id ON bookings (checkout_session_id);

-- Bookings made before payments existed that cost something are owed by
-- invoice.
UPDATE bookings SET payment = 'invoice_due' WHERE total_pence > 0;

-- Every money movement is in the booking's history, with its amount.
ALTER TABLE booking_events ADD COLUMN amount_pence BIGINT NOT NULL DEFAULT 0;

CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    received_at {{ts}} NOT NULL,
    outcome TEXT NOT NULL
);
