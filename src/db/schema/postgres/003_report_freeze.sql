-- Haven registry, PostgreSQL dialect, migration 3: approved annual reports, and an
-- index for the report's referral counts.
--
-- `haven report freeze` stores a report as approved: its figures (canonical
-- JSON), the definitions they were computed with (version and BLAKE2b-256 of
-- the file), the time, and a BLAKE2b-256 hash over all of these that
-- `haven report` checks before printing them.  An approved report is a record
-- of what was published: it is never changed or removed, and a year is
-- approved once (the primary key).  docs/internals/report.md describes it.

CREATE TABLE report_freezes (
	report              TEXT NOT NULL,    -- the definition's id ("annual")
	year                BIGINT NOT NULL,
	definitions_version TEXT NOT NULL,
	definitions_digest  BYTEA NOT NULL,    -- BLAKE2b-256 of the definition file
	frozen_at           BIGINT NOT NULL, -- Unix seconds
	figures             TEXT NOT NULL,    -- canonical JSON (sorted keys, compact)
	hash                BYTEA NOT NULL,    -- BLAKE2b-256, see src/report/freeze.c
	PRIMARY KEY (report, year)
);

CREATE FUNCTION report_freezes_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'an approved report is never changed or removed';
END $$;
CREATE TRIGGER report_freezes_no_change BEFORE UPDATE OR DELETE ON report_freezes
FOR EACH ROW EXECUTE FUNCTION report_freezes_immutable();

-- Referral counts filter by date first and by from/to/purpose only when the
-- definition asks; this index answers both without reading the table.
CREATE INDEX referrals_date ON referrals (date, to_agency, from_agency, purpose, person_id);

-- The report's counts read only these covering indexes (see the SQLite
-- migration of the same number).
CREATE INDEX services_report ON services
	(service, date, person_id, provider, phase, amount, currency);
CREATE INDEX persons_report_recognized ON persons
	(recognized_on, status, is_child, is_foreign, sex, citizenship, country_of_exploitation,
	 identification_source, identified_on);
CREATE INDEX persons_report_identified ON persons
	(identified_on, status, is_child, is_foreign, sex, citizenship, country_of_exploitation,
	 identification_source, recognized_on);
