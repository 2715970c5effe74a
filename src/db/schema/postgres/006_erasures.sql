-- See the SQLite migration of the same number.
CREATE TABLE erasures (
	ref       TEXT PRIMARY KEY,
	erased_at BIGINT NOT NULL,
	reason    TEXT NOT NULL
);
