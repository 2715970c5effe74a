-- See the SQLite migration of the same number.
CREATE TABLE person_index (
	person_id BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
	field     BIGINT NOT NULL,
	value     BIGINT NOT NULL,
	PRIMARY KEY (person_id, field, value)
);
CREATE INDEX person_index_lookup ON person_index (field, value, person_id);
