-- The audit log (see the SQLite migration of the same number).
CREATE TABLE audit_log (
	seq         BIGINT PRIMARY KEY,
	at          BIGINT NOT NULL,
	actor       TEXT NOT NULL,
	agency      TEXT NOT NULL,
	role        TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_ref  TEXT NOT NULL,
	request_id  TEXT NOT NULL,
	outcome     TEXT NOT NULL,
	detail      TEXT NOT NULL,
	prev_hash   BYTEA NOT NULL,
	hash        BYTEA NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_ref);
CREATE INDEX audit_log_actor ON audit_log (actor, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
