/*
 * copy_queries.c - the SQL texts `haven copy` moves a deployment with: for
 * each table, in an order that satisfies the foreign keys, the SELECT that
 * reads every column in a stable order and the INSERT that writes them.
 * Generated once from the migrations and kept by hand since; the test
 * test_copy checks that every table of the schema is here or skipped on
 * purpose, with every column.
 */
#include "db/copy_queries.h"

const struct copy_query copy_queries[] = {
	{"meta",
	 "SELECT key, value FROM meta ORDER BY key",
	 "INSERT INTO meta (key, value) VALUES ($1, $2)"},
	{"codes",
	 "SELECT list, code, money, label_en, label_az FROM codes ORDER BY list, code",
	 "INSERT INTO codes (list, code, money, label_en, label_az) VALUES ($1, $2, $3, $4, $5)"},
	{"agencies",
	 "SELECT code, kind, name_en, name_az FROM agencies ORDER BY code",
	 "INSERT INTO agencies (code, kind, name_en, name_az) VALUES ($1, $2, $3, $4)"},
	{"imports",
	 "SELECT id, started_at, finished_at, files, rows_read, added, updated, unchanged FROM imports ORDER BY id",
	 "INSERT INTO imports (id, started_at, finished_at, files, rows_read, added, updated, unchanged) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
	{"persons",
	 "SELECT id, ref, status, parent_id, sex, is_child, citizenship, is_foreign, identified_on, identification_source, recognized_on, decided_on, country_of_exploitation, given_name_enc, family_name_enc, patronymic_enc, birth_date_enc, document_number_enc, phone_enc, address_enc, digest, created_import, updated_import, created_at, updated_at FROM persons ORDER BY id",
	 "INSERT INTO persons (id, ref, status, parent_id, sex, is_child, citizenship, is_foreign, identified_on, identification_source, recognized_on, decided_on, country_of_exploitation, given_name_enc, family_name_enc, patronymic_enc, birth_date_enc, document_number_enc, phone_enc, address_enc, digest, created_import, updated_import, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)"},
	{"person_exploitation",
	 "SELECT person_id, form FROM person_exploitation ORDER BY person_id, form",
	 "INSERT INTO person_exploitation (person_id, form) VALUES ($1, $2)"},
	{"services",
	 "SELECT id, ref, person_id, service, provider, date, end_date, amount, currency, phase, note_enc, digest, created_import, updated_import, created_at, updated_at FROM services ORDER BY id",
	 "INSERT INTO services (id, ref, person_id, service, provider, date, end_date, amount, currency, phase, note_enc, digest, created_import, updated_import, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"},
	{"referrals",
	 "SELECT id, ref, person_id, from_agency, to_agency, purpose, date, status, closed_on, digest, created_import, updated_import, created_at, updated_at, consent, override_reason FROM referrals ORDER BY id",
	 "INSERT INTO referrals (id, ref, person_id, from_agency, to_agency, purpose, date, status, closed_on, digest, created_import, updated_import, created_at, updated_at, consent, override_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"},
	{"report_freezes",
	 "SELECT report, year, definitions_version, definitions_digest, frozen_at, figures, hash FROM report_freezes ORDER BY report, year",
	 "INSERT INTO report_freezes (report, year, definitions_version, definitions_digest, frozen_at, figures, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)"},
	{"users",
	 "SELECT id, username, agency, role, password_hash, totp_secret_enc, totp_last_step, disabled, created_at, changed_at, terms_version, terms_accepted_at FROM users ORDER BY id",
	 "INSERT INTO users (id, username, agency, role, password_hash, totp_secret_enc, totp_last_step, disabled, created_at, changed_at, terms_version, terms_accepted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"},
	{"person_access",
	 "SELECT person_id, registered_by, blocked, changed_at FROM person_access ORDER BY person_id",
	 "INSERT INTO person_access (person_id, registered_by, blocked, changed_at) VALUES ($1, $2, $3, $4)"},
	{"service_authors",
	 "SELECT service_id, agency FROM service_authors ORDER BY service_id",
	 "INSERT INTO service_authors (service_id, agency) VALUES ($1, $2)"},
	{"audit_log",
	 "SELECT seq, at, actor, agency, role, action, object_type, object_ref, request_id, outcome, detail, prev_hash, hash FROM audit_log ORDER BY seq",
	 "INSERT INTO audit_log (seq, at, actor, agency, role, action, object_type, object_ref, request_id, outcome, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"},
	{"erasures",
	 "SELECT ref, erased_at, reason FROM erasures ORDER BY ref",
	 "INSERT INTO erasures (ref, erased_at, reason) VALUES ($1, $2, $3)"},
	{"retention_periods",
	 "SELECT status, years FROM retention_periods ORDER BY status",
	 "INSERT INTO retention_periods (status, years) VALUES ($1, $2)"},
	{"legal_holds",
	 "SELECT person_id, reason, set_by, set_at FROM legal_holds ORDER BY person_id",
	 "INSERT INTO legal_holds (person_id, reason, set_by, set_at) VALUES ($1, $2, $3, $4)"},
	{"person_index",
	 "SELECT person_id, field, value FROM person_index ORDER BY person_id, field, value",
	 "INSERT INTO person_index (person_id, field, value) VALUES ($1, $2, $3)"},
	{0, 0, 0},
};

/* Tables not copied: the schema's bookkeeping, and what only makes sense on
 * the server it was made on (sessions end; sign-in throttling starts afresh;
 * erasure requests still pending are asked again, and the decided ones are
 * in the audit log, which is copied). */
const char *const copy_skipped[] = {"schema_migrations", "sessions", "signin_throttle",
				    "erasure_requests", 0};

/* PostgreSQL identity columns continue after the copied ids. */
const char *const copy_pg_sequences[] = {
	"SELECT setval(pg_get_serial_sequence('imports', 'id'), coalesce(max(id), 0) + 1, false) FROM imports",
	"SELECT setval(pg_get_serial_sequence('persons', 'id'), coalesce(max(id), 0) + 1, false) FROM persons",
	"SELECT setval(pg_get_serial_sequence('services', 'id'), coalesce(max(id), 0) + 1, false) FROM services",
	"SELECT setval(pg_get_serial_sequence('referrals', 'id'), coalesce(max(id), 0) + 1, false) FROM referrals",
	"SELECT setval(pg_get_serial_sequence('users', 'id'), coalesce(max(id), 0) + 1, false) FROM users",
	0,
};
