-- Checklist HUM-15: the data-protection terms (src/core/terms.h) an account
-- accepted last, and when; NULL until its first acceptance.  The server
-- refuses every record to an account whose terms_version is not the current
-- one; the audit log keeps every acceptance ("user.terms_accept").
ALTER TABLE users ADD COLUMN terms_version TEXT;
ALTER TABLE users ADD COLUMN terms_accepted_at BIGINT;
