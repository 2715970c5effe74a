-- Checklist HUM-11: how long a person's record is kept after the last thing
-- that happened in their case, by status (dependants follow their parent),
-- and the legal holds that keep a record past that, whatever the period.
CREATE TABLE retention_periods (
	status TEXT PRIMARY KEY,
	years  INTEGER NOT NULL CHECK (years BETWEEN 1 AND 100)
);

INSERT INTO retention_periods (status, years) VALUES
 ('not_confirmed', 3), ('potential_victim', 5), ('victim', 10);

CREATE TABLE legal_holds (
	person_id BIGINT PRIMARY KEY REFERENCES persons (id),
	reason    TEXT NOT NULL,
	set_by    TEXT NOT NULL,
	set_at    BIGINT NOT NULL
);

INSERT INTO codes (list, code, label_en, label_az) VALUES
 ('legal_hold_reason', 'court_order', 'a court''s order', 'məhkəmə qərarı'),
 ('legal_hold_reason', 'investigation', 'a criminal investigation', 'cinayət istintaqı'),
 ('legal_hold_reason', 'litigation', 'proceedings under way', 'davam edən icraat'),
 ('legal_hold_reason', 'subject_request', 'the person asked to keep it', 'şəxsin xahişi');
