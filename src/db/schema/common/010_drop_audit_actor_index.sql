-- No query reads the audit log by actor (the auditor pages it by sequence,
-- or one account's entries through audit_log_object), and every audit entry,
-- one per read of a record, paid an insert into this index.
DROP INDEX IF EXISTS audit_log_actor;
