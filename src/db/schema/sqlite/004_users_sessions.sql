-- Haven, SQLite dialect, migration 4: accounts, sessions, sign-in throttling,
-- and what the access policy needs to know about each record (who registered a
-- person, whether it is under an access block, who wrote a service's note).
-- docs/internals/access.md and docs/internals/http.md describe the use.

-- One row per account.  Usernames are never renamed (the TOTP secret's
-- envelope is bound to the username).  password_hash is a libsodium
-- crypto_pwhash_str string ($argon2id$...).  totp_secret_enc is the account's
-- RFC 6238 secret in the registry's envelope (context users/USERNAME/totp);
-- NULL for roles that never see personal data.  totp_last_step is the last
-- 30-second step a code was accepted for: a code of that step or an older one
-- is refused (no replay).
CREATE TABLE users (
	id          INTEGER PRIMARY KEY,
	username    TEXT NOT NULL UNIQUE,
	agency      TEXT NOT NULL REFERENCES agencies (code),
	role        TEXT NOT NULL CHECK (role IN ('officer', 'caseworker', 'coordinator',
	                                          'analyst', 'auditor', 'admin')),
	password_hash TEXT NOT NULL,
	totp_secret_enc BLOB,
	totp_last_step INTEGER NOT NULL DEFAULT 0,
	disabled    INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at  INTEGER NOT NULL,
	changed_at  INTEGER NOT NULL
) STRICT;

-- Sessions are known by the BLAKE2b-256 hash of their token only; the token
-- itself exists in the client's cookie and nowhere else.  So does the CSRF
-- token.
CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	csrf_hash  BLOB NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins per account name and per client address.  `subject` is a
-- keyed digest of "user:NAME" or "addr:ADDRESS", so that names typed by
-- mistake (often a password in the wrong field) are never stored.
CREATE TABLE signin_throttle (
	subject       BLOB PRIMARY KEY,
	failures      INTEGER NOT NULL,
	last_failure  INTEGER NOT NULL,
	blocked_until INTEGER NOT NULL
) STRICT;

-- What the access policy knows of a person beyond the interchange record:
-- the agency that registered the person through the API (NULL for imported
-- records) and the access block ordered by a prosecutor or a court.
CREATE TABLE person_access (
	person_id     INTEGER PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
	registered_by TEXT REFERENCES agencies (code),
	blocked       INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
	changed_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX person_access_registered ON person_access (registered_by, person_id);

-- The agency whose user recorded a service through the API; a note is shown
-- only to that agency (and to officers).  Imported services have no row: their
-- note belongs to the provider.
CREATE TABLE service_authors (
	service_id INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
	agency     TEXT NOT NULL REFERENCES agencies (code)
) STRICT;

CREATE INDEX services_provider ON services (provider, person_id);
CREATE INDEX referrals_from ON referrals (from_agency, person_id);
