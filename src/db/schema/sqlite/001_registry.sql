-- Haven registry, SQLite dialect, migration 1.
-- Dates are Unix seconds at 00:00 UTC of the day; money is an integer count of
-- qəpik (the smallest unit of the currency); flags are 0/1 integers.
-- Columns named *_enc hold personal data as encrypted envelopes (see
-- docs/internals/crypto.md); nothing else in this file is personal.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;

-- Code lists: statuses, sexes, sources, exploitation forms, services, phases,
-- referral statuses.  Data, so a deployment can add its own without a rebuild.
CREATE TABLE codes (
	list  TEXT NOT NULL,
	code  TEXT NOT NULL,
	money INTEGER NOT NULL DEFAULT 0 CHECK (money IN (0, 1)),
	label_en TEXT NOT NULL DEFAULT '',
	label_az TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (list, code)
) STRICT;

CREATE TABLE agencies (
	code TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	name_az TEXT NOT NULL DEFAULT ''
) STRICT;

-- One row per `haven import` run that wrote something.
CREATE TABLE imports (
	id          INTEGER PRIMARY KEY,
	started_at  INTEGER NOT NULL,
	finished_at INTEGER NOT NULL,
	files       TEXT NOT NULL,
	rows_read   INTEGER NOT NULL,
	added       INTEGER NOT NULL,
	updated     INTEGER NOT NULL,
	unchanged   INTEGER NOT NULL
) STRICT;

CREATE TABLE persons (
	id         INTEGER PRIMARY KEY,
	ref        TEXT NOT NULL UNIQUE,
	status     TEXT NOT NULL,
	parent_id  INTEGER REFERENCES persons (id),
	sex        TEXT NOT NULL,
	is_child   INTEGER CHECK (is_child IN (0, 1)),  -- NULL: birth date unknown
	citizenship TEXT,
	is_foreign INTEGER NOT NULL CHECK (is_foreign IN (0, 1)),
	identified_on INTEGER,
	identification_source TEXT,
	recognized_on INTEGER,
	decided_on INTEGER,
	country_of_exploitation TEXT,
	given_name_enc      BLOB NOT NULL,
	family_name_enc     BLOB NOT NULL,
	patronymic_enc      BLOB,
	birth_date_enc      BLOB,
	document_number_enc BLOB,
	phone_enc           BLOB,
	address_enc         BLOB,
	digest      BLOB NOT NULL,          -- keyed hash of the interchange row
	created_import INTEGER REFERENCES imports (id),
	updated_import INTEGER REFERENCES imports (id),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX persons_parent ON persons (parent_id);
CREATE INDEX persons_recognized ON persons (recognized_on);
CREATE INDEX persons_identified ON persons (identified_on);

CREATE TABLE person_exploitation (
	person_id INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
	form      TEXT NOT NULL,
	PRIMARY KEY (person_id, form)
) STRICT;

CREATE TABLE services (
	id         INTEGER PRIMARY KEY,
	ref        TEXT NOT NULL UNIQUE,
	person_id  INTEGER NOT NULL REFERENCES persons (id),
	service    TEXT NOT NULL,
	provider   TEXT NOT NULL REFERENCES agencies (code),
	date       INTEGER NOT NULL,
	end_date   INTEGER,
	amount     INTEGER,                 -- qəpik
	currency   TEXT,
	phase      TEXT,
	note_enc   BLOB,
	digest     BLOB NOT NULL,
	created_import INTEGER REFERENCES imports (id),
	updated_import INTEGER REFERENCES imports (id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX services_kind_date ON services (service, date, person_id);
CREATE INDEX services_person ON services (person_id, date);

CREATE TABLE referrals (
	id          INTEGER PRIMARY KEY,
	ref         TEXT NOT NULL UNIQUE,
	person_id   INTEGER NOT NULL REFERENCES persons (id),
	from_agency TEXT NOT NULL REFERENCES agencies (code),
	to_agency   TEXT NOT NULL REFERENCES agencies (code),
	purpose     TEXT NOT NULL,
	date        INTEGER NOT NULL,
	status      TEXT NOT NULL,
	closed_on   INTEGER,
	digest      BLOB NOT NULL,
	created_import INTEGER REFERENCES imports (id),
	updated_import INTEGER REFERENCES imports (id),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX referrals_to_date ON referrals (to_agency, date, person_id);
CREATE INDEX referrals_person ON referrals (person_id, date);
