-- The audit log: who did what to which record, when; never a personal value.
-- Each entry's hash covers its content and the previous entry's hash (a hash
-- chain, src/core/audit.c); the triggers refuse edits as defence in depth
-- (whoever can write the file can drop them: the chain and the signed
-- checkpoints kept outside the server are the real protection).
CREATE TABLE audit_log (
	seq         INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	actor       TEXT NOT NULL,
	agency      TEXT NOT NULL,
	role        TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_ref  TEXT NOT NULL,
	request_id  TEXT NOT NULL,
	outcome     TEXT NOT NULL,
	detail      TEXT NOT NULL,
	prev_hash   BLOB NOT NULL,
	hash        BLOB NOT NULL
) STRICT;
CREATE INDEX audit_log_object ON audit_log (object_type, object_ref);
CREATE INDEX audit_log_actor ON audit_log (actor, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
