-- The availability search reads, for every space, the start and block end
-- of its bookings that are still held. With those columns in the index
-- SQLite answers from the index alone instead of looking up each booking's
-- row; the index it replaces is a prefix of this one.
CREATE INDEX idx_bookings_space_id_starts_at_held ON bookings (space_id, starts_at, block_end, state, hold_expires_at);
DROP INDEX idx_bookings_space_id_starts_at;
