-- Blind indexes (src/core/blindidx.c): for each person, keyed and truncated
-- hashes of the skeletons of the words of their names and of their document
-- number, so that a search finds candidates without decrypting everyone,
-- and no value can be read back from the index.
CREATE TABLE person_index (
	person_id INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
	field     INTEGER NOT NULL, -- 1 name word, 2 document number
	value     INTEGER NOT NULL,
	PRIMARY KEY (person_id, field, value)
) STRICT;
CREATE INDEX person_index_lookup ON person_index (field, value, person_id);
