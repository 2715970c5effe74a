-- Haven registry, SQLite dialect, migration 3: approved annual reports, and the
-- indexes the report's counts read.
--
-- `haven report freeze` stores a report as approved: its figures (canonical
-- JSON), the definitions they were computed with (version and BLAKE2b-256 of
-- the file), the time, and a BLAKE2b-256 hash over all of these that
-- `haven report` checks before printing them.  An approved report is a record
-- of what was published: it is never changed or removed, and a year is
-- approved once (the primary key).  docs/internals/report.md describes it.

CREATE TABLE report_freezes (
	report              TEXT NOT NULL,    -- the definition's id ("annual")
	year                INTEGER NOT NULL,
	definitions_version TEXT NOT NULL,
	definitions_digest  BLOB NOT NULL,    -- BLAKE2b-256 of the definition file
	frozen_at           INTEGER NOT NULL, -- Unix seconds
	figures             TEXT NOT NULL,    -- canonical JSON (sorted keys, compact)
	hash                BLOB NOT NULL,    -- BLAKE2b-256, see src/report/freeze.c
	PRIMARY KEY (report, year)
) STRICT;

CREATE TRIGGER report_freezes_no_update BEFORE UPDATE ON report_freezes
BEGIN
	SELECT RAISE(ABORT, 'an approved report is never changed');
END;

CREATE TRIGGER report_freezes_no_delete BEFORE DELETE ON report_freezes
BEGIN
	SELECT RAISE(ABORT, 'an approved report is never removed');
END;

-- Referral counts filter by date first and by from/to/purpose only when the
-- definition asks; this index answers both without reading the table.
CREATE INDEX referrals_date ON referrals (date, to_agency, from_agency, purpose, person_id);

-- The report's counts read only these covering indexes, never the tables
-- (src/report/queries.c): services by kind and date with every column a count
-- filters or sums on; persons by the date they are counted on, with the
-- population filters and the breakdown dimensions.
CREATE INDEX services_report ON services
	(service, date, person_id, provider, phase, amount, currency);
CREATE INDEX persons_report_recognized ON persons
	(recognized_on, status, is_child, is_foreign, sex, citizenship, country_of_exploitation,
	 identification_source, identified_on);
CREATE INDEX persons_report_identified ON persons
	(identified_on, status, is_child, is_foreign, sex, citizenship, country_of_exploitation,
	 identification_source, recognized_on);
