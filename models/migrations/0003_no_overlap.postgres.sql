-- The database itself refuses two blocking bookings of one space whose
-- [starts_at, block_end) overlap, whatever the application does. SQLite has
-- no such constraint; there the immediate transaction is the guard.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
    EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, block_end, '[)') WITH &&)
    WHERE (state IN ('requested', 'pending_payment', 'confirmed'));
