-- Persons whose personal data was erased for good (a court order, the end of
-- the retention period): the reference stays, so a later import of the same
-- person's old rows is refused instead of bringing the data back.
CREATE TABLE erasures (
	ref       TEXT PRIMARY KEY,
	erased_at INTEGER NOT NULL,
	reason    TEXT NOT NULL
) STRICT;
