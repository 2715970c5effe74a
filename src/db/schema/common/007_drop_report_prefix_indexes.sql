-- Migration 3's covering indexes for the report begin with the columns of
-- these three, which are therefore never needed; each index costs every
-- imported row an insert.
DROP INDEX IF EXISTS services_kind_date;
DROP INDEX IF EXISTS persons_recognized;
DROP INDEX IF EXISTS persons_identified;
