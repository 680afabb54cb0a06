-- A series keeps its whole recurrence, so it can be shown as it was asked
-- for: the weeks between dates of a weekly series, and the dates left out.
ALTER TABLE series ADD COLUMN interval_weeks INTEGER NOT NULL DEFAULT 1;
ALTER TABLE series ADD COLUMN skip_dates TEXT NOT NULL DEFAULT '';
