-- Haven, SQLite dialect, migration 9: erasures asked over the API wait for a
-- second officer (four eyes, ASVS 2.3.5).  One officer asks, with a reason
-- (a non-personal code or case number); another approves, and only then is
-- the person erased (registry_erase_person).  The one who asked can never
-- approve.  `state`: pending, then approved.  docs/internals/access.md.
CREATE TABLE erasure_requests (
	id           INTEGER PRIMARY KEY,
	person_ref   TEXT NOT NULL,
	reason       TEXT NOT NULL,
	requested_by TEXT NOT NULL,
	requested_at INTEGER NOT NULL,
	decided_by   TEXT,
	decided_at   INTEGER,
	state        TEXT NOT NULL CHECK (state IN ('pending', 'approved'))
) STRICT;
CREATE INDEX erasure_requests_person ON erasure_requests (person_ref, state);
