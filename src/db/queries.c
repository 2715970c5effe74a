/*
 * queries.c - the SQL texts of queries.h.  Column lists here and the column
 * numbers read in core/registry.c go together: change both or neither.
 */
#include "db/queries.h"

const char Q_META_GET[] = "SELECT value FROM meta WHERE key = $1";
const char Q_META_PUT[] =
	"INSERT INTO meta (key, value) VALUES ($1, $2) "
	"ON CONFLICT (key) DO UPDATE SET value = excluded.value";

const char Q_IMPORT_BEGIN[] =
	"INSERT INTO imports (started_at, finished_at, files, rows_read, added, updated, unchanged) "
	"VALUES ($1, $1, $2, 0, 0, 0, 0) RETURNING id";
const char Q_IMPORT_FINISH[] =
	"UPDATE imports SET finished_at = $2, rows_read = $3, added = $4, updated = $5, "
	"unchanged = $6 WHERE id = $1";

const char Q_PERSON_FIND[] = "SELECT id, digest, status FROM persons WHERE ref = $1";

#define PERSON_VALUES                                                                  \
	"status = $2, parent_id = $3, sex = $4, is_child = $5, citizenship = $6, "     \
	"is_foreign = $7, identified_on = $8, identification_source = $9, "           \
	"recognized_on = $10, decided_on = $11, country_of_exploitation = $12, "      \
	"given_name_enc = $13, family_name_enc = $14, patronymic_enc = $15, "         \
	"birth_date_enc = $16, document_number_enc = $17, phone_enc = $18, "          \
	"address_enc = $19, digest = $20, updated_import = $21, updated_at = $22"

const char Q_PERSON_INSERT[] =
	"INSERT INTO persons (ref, status, parent_id, sex, is_child, citizenship, is_foreign, "
	"identified_on, identification_source, recognized_on, decided_on, "
	"country_of_exploitation, given_name_enc, family_name_enc, patronymic_enc, "
	"birth_date_enc, document_number_enc, phone_enc, address_enc, digest, "
	"created_import, updated_import, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
	"$18, $19, $20, $21, $21, $22, $22) RETURNING id";
const char Q_PERSON_UPDATE[] = "UPDATE persons SET " PERSON_VALUES " WHERE ref = $1 RETURNING id";

const char Q_PERSON_EXPLOITATION_CLEAR[] = "DELETE FROM person_exploitation WHERE person_id = $1";
const char Q_PERSON_EXPLOITATION_ADD[] =
	"INSERT INTO person_exploitation (person_id, form) VALUES ($1, $2)";
const char Q_PERSON_EXPLOITATION_LIST[] =
	"SELECT form FROM person_exploitation WHERE person_id = $1 ORDER BY form";

#define PERSON_COLUMNS                                                                  \
	"p.id, p.ref, p.status, parent.ref, p.sex, p.citizenship, p.identified_on, "    \
	"p.identification_source, p.recognized_on, p.decided_on, "                     \
	"p.country_of_exploitation, p.given_name_enc, p.family_name_enc, "             \
	"p.patronymic_enc, p.birth_date_enc, p.document_number_enc, p.phone_enc, "     \
	"p.address_enc "                                                                \
	"FROM persons p LEFT JOIN persons parent ON parent.id = p.parent_id "

const char Q_PERSON_SELECT_ALL[] = "SELECT " PERSON_COLUMNS "ORDER BY p.id";
const char Q_PERSON_SELECT_ONE[] = "SELECT " PERSON_COLUMNS "WHERE p.ref = $1";
const char Q_PERSON_PROVENANCE[] =
	"SELECT created_import, updated_import, created_at, updated_at FROM persons WHERE ref = $1";


/* One statement per row on the hot path of an import: the person is looked
 * up inside it, an unchanged row (same digest) is left alone and returns
 * nothing, a new or changed one returns 1 when it was added.  A row is
 * "added" when it has never been changed since it was created. */
#define ADDED_FLAG                                                                      \
	"RETURNING CASE WHEN created_at = updated_at AND "                              \
	"created_import IS NOT DISTINCT FROM updated_import THEN 1 ELSE 0 END"

const char Q_SERVICE_UPSERT[] =
	"INSERT INTO services (ref, person_id, service, provider, date, end_date, amount, "
	"currency, phase, note_enc, digest, created_import, updated_import, created_at, "
	"updated_at) VALUES ($1, (SELECT id FROM persons WHERE ref = $2), $3, $4, $5, $6, $7, $8, "
	"$9, $10, $11, $12, $12, $13, $13) "
	"ON CONFLICT (ref) DO UPDATE SET person_id = excluded.person_id, "
	"service = excluded.service, provider = excluded.provider, date = excluded.date, "
	"end_date = excluded.end_date, amount = excluded.amount, currency = excluded.currency, "
	"phase = excluded.phase, note_enc = excluded.note_enc, digest = excluded.digest, "
	"updated_import = excluded.updated_import, updated_at = excluded.updated_at "
	"WHERE services.digest <> excluded.digest " ADDED_FLAG;

#define SERVICE_COLUMNS                                                                 \
	"s.ref, p.ref, s.service, s.provider, s.date, s.end_date, s.amount, s.currency, " \
	"s.phase, s.note_enc FROM services s JOIN persons p ON p.id = s.person_id "

const char Q_SERVICE_SELECT_ALL[] = "SELECT " SERVICE_COLUMNS "ORDER BY s.id";
const char Q_SERVICE_SELECT_ONE[] = "SELECT " SERVICE_COLUMNS "WHERE s.ref = $1";
const char Q_SERVICE_SELECT_PERSON[] =
	"SELECT " SERVICE_COLUMNS "WHERE p.ref = $1 ORDER BY s.date, s.id";

const char Q_REFERRAL_UPSERT[] =
	"INSERT INTO referrals (ref, person_id, from_agency, to_agency, purpose, date, status, "
	"closed_on, digest, created_import, updated_import, created_at, updated_at, consent, "
	"override_reason) "
	"VALUES ($1, (SELECT id FROM persons WHERE ref = $2), $3, $4, $5, $6, $7, $8, $9, $10, "
	"$10, $11, $11, $12, $13) "
	"ON CONFLICT (ref) DO UPDATE SET person_id = excluded.person_id, "
	"from_agency = excluded.from_agency, to_agency = excluded.to_agency, "
	"purpose = excluded.purpose, date = excluded.date, status = excluded.status, "
	"closed_on = excluded.closed_on, digest = excluded.digest, "
	"updated_import = excluded.updated_import, updated_at = excluded.updated_at "
	"WHERE referrals.digest <> excluded.digest " ADDED_FLAG;
/* (The consent is set when the referral is made and never changed: an
 * answer or an import of the same referral keeps it.) */

#define REFERRAL_COLUMNS                                                                \
	"f.ref, p.ref, f.from_agency, f.to_agency, f.purpose, f.date, f.status, "       \
	"f.closed_on, f.consent, f.override_reason FROM referrals f "                   \
	"JOIN persons p ON p.id = f.person_id "

const char Q_REFERRAL_SELECT_ALL[] = "SELECT " REFERRAL_COLUMNS "ORDER BY f.id";
const char Q_REFERRAL_SELECT_ONE[] = "SELECT " REFERRAL_COLUMNS "WHERE f.ref = $1";
const char Q_REFERRAL_SELECT_PERSON[] =
	"SELECT " REFERRAL_COLUMNS "WHERE p.ref = $1 ORDER BY f.date, f.id";

const char Q_AUDIT_HEAD[] = "SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1";
const char Q_AUDIT_APPEND[] =
	"INSERT INTO audit_log (seq, at, actor, agency, role, action, object_type, object_ref, "
	"request_id, outcome, detail, prev_hash, hash) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
const char Q_AUDIT_ALL[] =
	"SELECT seq, at, actor, agency, role, action, object_type, object_ref, request_id, "
	"outcome, detail, prev_hash, hash FROM audit_log ORDER BY seq";

/* Key rotation rewrites only the sealed values and the digest: provenance
 * (who imported the record, when it last changed) stays as it was. */
const char Q_PERSON_REKEY[] =
	"UPDATE persons SET given_name_enc = $2, family_name_enc = $3, patronymic_enc = $4, "
	"birth_date_enc = $5, document_number_enc = $6, phone_enc = $7, address_enc = $8, "
	"digest = $9 WHERE ref = $1";
const char Q_SERVICE_REKEY[] = "UPDATE services SET note_enc = $2, digest = $3 WHERE ref = $1";
const char Q_REFERRAL_REKEY[] = "UPDATE referrals SET digest = $2 WHERE ref = $1";

/* Pages of (id, ref, digest, sealed columns...) for key rotation: $1 the last
 * id seen, $2 the page size. */
const char Q_REKEY_SCAN_PERSONS[] =
	"SELECT id, ref, digest, given_name_enc, family_name_enc, patronymic_enc, birth_date_enc, "
	"document_number_enc, phone_enc, address_enc FROM persons WHERE id > $1 ORDER BY id "
	"LIMIT $2";
const char Q_REKEY_SCAN_SERVICES[] =
	"SELECT id, ref, digest, note_enc FROM services WHERE id > $1 ORDER BY id LIMIT $2";
const char Q_REKEY_SCAN_REFERRALS[] =
	"SELECT id, ref, digest FROM referrals WHERE id > $1 ORDER BY id LIMIT $2";
const char Q_REKEY_SCAN_USERS[] =
	"SELECT id, username, NULL, totp_secret_enc FROM users WHERE id > $1 ORDER BY id LIMIT $2";
const char Q_REKEY_USER_GET[] = "SELECT totp_secret_enc FROM users WHERE username = $1";
const char Q_REKEY_USER_PUT[] = "UPDATE users SET totp_secret_enc = $2 WHERE username = $1";

/* SQLite only: a consistent copy of the database into the file named by $1. */
const char Q_BACKUP_INTO[] = "VACUUM INTO $1";
const char Q_SQLITE_INTEGRITY_CHECK[] = "PRAGMA integrity_check";
const char Q_SQLITE_QUICK_CHECK[] = "PRAGMA quick_check(1)";

/* Erasure: the personal columns go (names become a sealed "(erased)", since a
 * person keeps a name in the interchange format), notes go, the digest is
 * re-made; what the statistics count stays. */
const char Q_ERASURE_ANY[] = "SELECT 1 FROM erasures LIMIT 1";
const char Q_ERASURE_FIND[] = "SELECT erased_at FROM erasures WHERE ref = $1";

/* Retention (core/retention.c): the periods, and every person with the last
 * day anything happened in their own case (identified, recognised, decided,
 * a service given or ended, a referral sent or closed: the case's own dates,
 * not the day a row was imported), whether a legal hold keeps them and
 * whether they are erased. */
const char Q_RETENTION_PERIODS[] = "SELECT status, years FROM retention_periods ORDER BY status";
const char Q_RETENTION_PERSONS[] =
	"SELECT p.id, p.ref, p.status, p.parent_id, (SELECT max(d) FROM ("
	"SELECT p.identified_on AS d UNION ALL "
	"SELECT p.recognized_on UNION ALL SELECT p.decided_on "
	"UNION ALL SELECT s.date FROM services s WHERE s.person_id = p.id "
	"UNION ALL SELECT s.end_date FROM services s WHERE s.person_id = p.id "
	"UNION ALL SELECT f.date FROM referrals f WHERE f.person_id = p.id "
	"UNION ALL SELECT f.closed_on FROM referrals f WHERE f.person_id = p.id) AS a), "
	"CASE WHEN EXISTS (SELECT 1 FROM legal_holds h WHERE h.person_id = p.id) THEN 1 ELSE 0 END, "
	"CASE WHEN EXISTS (SELECT 1 FROM erasures e WHERE e.ref = p.ref) THEN 1 ELSE 0 END "
	"FROM persons p ORDER BY p.id";
const char Q_HOLD_GET[] = "SELECT h.reason, h.set_at FROM legal_holds h JOIN persons p "
			  "ON p.id = h.person_id WHERE p.ref = $1";

/* Subject access (core/subject.c): every audit entry on a person, their
 * services and their referrals, in order. */
const char Q_SUBJECT_ACCESSES[] =
	"SELECT at, agency, role, action, object_ref, outcome FROM audit_log "
	"WHERE (object_type = 'person' AND object_ref = $1) "
	"OR (object_type = 'service' AND object_ref IN (SELECT s.ref FROM services s "
	"JOIN persons p ON p.id = s.person_id WHERE p.ref = $1)) "
	"OR (object_type = 'referral' AND object_ref IN (SELECT f.ref FROM referrals f "
	"JOIN persons p ON p.id = f.person_id WHERE p.ref = $1)) ORDER BY seq";
const char Q_HOLD_PUT[] =
	"INSERT INTO legal_holds (person_id, reason, set_by, set_at) "
	"SELECT id, $2, $3, $4 FROM persons WHERE ref = $1 "
	"ON CONFLICT (person_id) DO UPDATE SET reason = excluded.reason, set_by = excluded.set_by, "
	"set_at = excluded.set_at";
const char Q_HOLD_DROP[] =
	"DELETE FROM legal_holds WHERE person_id = (SELECT id FROM persons WHERE ref = $1)";
const char Q_ERASURE_ADD[] = "INSERT INTO erasures (ref, erased_at, reason) VALUES ($1, $2, $3)";
const char Q_PERSON_ERASE[] =
	"UPDATE persons SET given_name_enc = $2, family_name_enc = $3, patronymic_enc = NULL, "
	"birth_date_enc = NULL, document_number_enc = NULL, phone_enc = NULL, address_enc = NULL, "
	"digest = $4, updated_at = $5 WHERE ref = $1";
const char Q_SERVICE_ERASE_NOTES[] =
	"UPDATE services SET note_enc = NULL WHERE person_id = (SELECT id FROM persons WHERE ref = $1)";
/* SQLite only: moves the WAL into the database and empties it. */
const char Q_SQLITE_WAL_TRUNCATE[] = "PRAGMA wal_checkpoint(TRUNCATE)";
const char Q_PG_VACUUM_ERASED[] = "VACUUM FULL persons, services";
const char Q_PG_CHECKPOINT[] = "CHECKPOINT";

/* Blind indexes (core/blindidx.h). */
const char Q_INDEX_CLEAR[] = "DELETE FROM person_index WHERE person_id = $1";
const char Q_INDEX_ADD[] =
	"INSERT INTO person_index (person_id, field, value) VALUES ($1, $2, $3) "
	"ON CONFLICT DO NOTHING";
const char Q_INDEX_LOOKUP[] =
	"SELECT i.person_id, p.ref FROM person_index i JOIN persons p ON p.id = i.person_id "
	"WHERE i.field = $1 AND i.value = $2 ORDER BY i.person_id";

/* Probable duplicates (core/duplicates.h): every blind index row, and the
 * persons identified in [$2, $3) (all when $1 = 0) with the agency a record
 * is counted under: the one that registered it through the API, else the
 * sender of its first referral, else '' (imported, never referred). */
const char Q_DUP_INDEX[] = "SELECT person_id, field, value FROM person_index ORDER BY person_id";
const char Q_DUP_PERSONS[] =
	"SELECT p.id, p.ref, p.sex, COALESCE(a.registered_by, (SELECT f.from_agency FROM "
	"referrals f WHERE f.person_id = p.id ORDER BY f.date, f.id LIMIT 1), ''), "
	"p.given_name_enc, p.family_name_enc, p.birth_date_enc, p.document_number_enc "
	"FROM persons p LEFT JOIN person_access a ON a.person_id = p.id "
	"WHERE $1 = 0 OR (p.identified_on >= $2 AND p.identified_on < $3) ORDER BY p.id";
const char Q_COPY_YEARS[] = "SELECT min(date), max(date) FROM services";
