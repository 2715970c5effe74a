/*
 * http_queries.c - the SQL texts of http_queries.h.
 *
 * Optional filters are written `(CAST($n AS TEXT) IS NULL OR ...)` so that
 * one text serves every combination and PostgreSQL can type the parameter.
 */
#include "db/http_queries.h"

/* ---- accounts (users.c) --------------------------------------------------- */

#define USER_COLUMNS                                                                    \
	"id, username, agency, role, password_hash, totp_secret_enc, totp_last_step, "  \
	"disabled, created_at, changed_at, terms_version, terms_accepted_at FROM users "

const char Q_USER_INSERT[] =
	"INSERT INTO users (username, agency, role, password_hash, totp_secret_enc, "
	"totp_last_step, disabled, created_at, changed_at) "
	"VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $6) RETURNING id";
const char Q_USER_BY_NAME[] = "SELECT " USER_COLUMNS "WHERE username = $1";
const char Q_USER_LIST[] = "SELECT " USER_COLUMNS "ORDER BY username";
const char Q_USER_SET_DISABLED[] =
	"UPDATE users SET disabled = $2, changed_at = $3 WHERE username = $1 RETURNING id";
const char Q_USER_SET_PASSWORD[] =
	"UPDATE users SET password_hash = $2, changed_at = $3 WHERE username = $1 RETURNING id";
/* A rehash at sign-in is not a change of password: sessions stay. */
const char Q_USER_REHASH[] = "UPDATE users SET password_hash = $2 WHERE id = $1";
const char Q_USER_SET_TOTP[] =
	"UPDATE users SET totp_secret_enc = $2, totp_last_step = 0, changed_at = $3 "
	"WHERE username = $1 RETURNING id";
const char Q_USER_SET_ROLE[] =
	"UPDATE users SET role = $2, agency = $3, changed_at = $4 WHERE username = $1 "
	"RETURNING id";
/* Uses a reset code: the new hash replaces exactly the reset that was
 * checked ($2), so of two requests with one code only one gets the row. */
const char Q_USER_RESET_TAKE[] =
	"UPDATE users SET password_hash = $3, changed_at = $4 WHERE id = $1 AND "
	"password_hash = $2 RETURNING id";
/* Takes a one-time code's step only if no later or equal step was used: of
 * two requests racing with one code, one gets the row and the other none. */
const char Q_USER_USE_STEP[] =
	"UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2 RETURNING id";

/* Terms acceptance is no change to access: sessions stay, changed_at too. */
const char Q_USER_ACCEPT_TERMS[] =
	"UPDATE users SET terms_version = $2, terms_accepted_at = $3 WHERE username = $1 "
	"RETURNING id";

/* ---- sessions (session.c) ------------------------------------------------- */

const char Q_SESSION_INSERT[] =
	"INSERT INTO sessions (token_hash, user_id, created_at, last_seen, csrf_hash) "
	"VALUES ($1, $2, $3, $3, $4)";
const char Q_SESSION_GET[] =
	"SELECT s.created_at, s.last_seen, s.csrf_hash, u.id, u.username, u.agency, g.kind, "
	"u.role, u.disabled, u.terms_version FROM sessions s JOIN users u ON u.id = s.user_id "
	"JOIN agencies g ON g.code = u.agency WHERE s.token_hash = $1";
const char Q_SESSION_TOUCH[] = "UPDATE sessions SET last_seen = $2 WHERE token_hash = $1";
const char Q_SESSION_DELETE[] = "DELETE FROM sessions WHERE token_hash = $1";
const char Q_SESSION_DELETE_USER[] = "DELETE FROM sessions WHERE user_id = $1";
const char Q_SESSION_PURGE[] =
	"DELETE FROM sessions WHERE last_seen <= $1 OR created_at <= $2";

/* ---- sign-in throttling (users.c) ---------------------------------------- */

const char Q_THROTTLE_GET[] =
	"SELECT failures, last_failure, blocked_until FROM signin_throttle WHERE subject = $1";
const char Q_THROTTLE_PUT[] =
	"INSERT INTO signin_throttle (subject, failures, last_failure, blocked_until) "
	"VALUES ($1, $2, $3, $4) ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures, "
	"last_failure = excluded.last_failure, blocked_until = excluded.blocked_until";
const char Q_THROTTLE_CLEAR[] = "DELETE FROM signin_throttle WHERE subject = $1";

/* ---- erasure requests (erasure.c) ------------------------------------------ */

const char Q_ERASURE_PERSON[] = "SELECT 1 FROM persons WHERE ref = $1";
const char Q_ERASURE_PENDING_FOR[] =
	"SELECT id FROM erasure_requests WHERE person_ref = $1 AND state = 'pending'";
const char Q_ERASURE_INSERT[] =
	"INSERT INTO erasure_requests (person_ref, reason, requested_by, requested_at, state) "
	"VALUES ($1, $2, $3, $4, 'pending') RETURNING id";
#define ERASURE_COLUMNS \
	"id, person_ref, reason, requested_by, requested_at, state FROM erasure_requests "
const char Q_ERASURE_GET[] = "SELECT " ERASURE_COLUMNS "WHERE id = $1";
const char Q_ERASURE_PENDING[] = "SELECT " ERASURE_COLUMNS "WHERE state = 'pending' ORDER BY id";
/* Only a pending request is decided, once: of two approvals one gets the row. */
const char Q_ERASURE_DECIDE[] =
	"UPDATE erasure_requests SET state = 'approved', decided_by = $2, decided_at = $3 "
	"WHERE id = $1 AND state = 'pending' RETURNING id";

/* ---- access-scoped records (caseview.c) ------------------------------------
 * The scope of policy.h as parameters: $all (every person), $blocked (persons
 * under an access block too), $dependants (dependants only), $agency (the
 * relation every other person needs: registered by, served by, referred from
 * or to that agency). */

#define RELATED(agency)                                                                   \
	"(a.registered_by = " agency " OR EXISTS (SELECT 1 FROM services rs WHERE "       \
	"rs.person_id = p.id AND rs.provider = " agency ") OR EXISTS (SELECT 1 FROM "    \
	"referrals rf WHERE rf.person_id = p.id AND (rf.from_agency = " agency            \
	" OR rf.to_agency = " agency ")))"

#define SCOPE(all, blocked, dependants, agency)                                           \
	"(" all " = 1 OR " RELATED(agency) ") AND (" blocked " = 1 OR "                   \
	"COALESCE(a.blocked, 0) = 0) AND (" dependants " = 0 OR p.status = 'dependant')"

/* Persons in scope after id $1, filtered by status $6, identification year
 * [$7, $8) and relation to agency $9, at most $10. */
const char Q_CASE_PERSON_IDS[] =
	"SELECT p.id, p.ref, COALESCE(a.blocked, 0) FROM persons p "
	"LEFT JOIN person_access a ON a.person_id = p.id "
	"WHERE p.id > $1 AND " SCOPE("$2", "$3", "$4", "$5")
	" AND (CAST($6 AS TEXT) IS NULL OR p.status = $6)"
	" AND (CAST($7 AS BIGINT) IS NULL OR (p.identified_on >= $7 AND p.identified_on < $8))"
	" AND (CAST($9 AS TEXT) IS NULL OR " RELATED("$9") ")"
	" ORDER BY p.id LIMIT $10";

/* One person by ref, with how it relates to agency $2. */
const char Q_CASE_PERSON_ONE[] =
	"SELECT p.id, p.status, COALESCE(a.blocked, 0), "
	"CASE WHEN a.registered_by = $2 THEN 1 ELSE 0 END, "
	"CASE WHEN EXISTS (SELECT 1 FROM services s WHERE s.person_id = p.id AND "
	"s.provider = $2) THEN 1 ELSE 0 END, "
	"CASE WHEN EXISTS (SELECT 1 FROM referrals f WHERE f.person_id = p.id AND "
	"(f.from_agency = $2 OR f.to_agency = $2)) THEN 1 ELSE 0 END, h.reason, h.set_at, "
	/* a hold on another of the family (the parent and the dependants,
	 * retention.h) keeps this record too */
	"CASE WHEN EXISTS (SELECT 1 FROM legal_holds k JOIN persons q ON q.id = k.person_id "
	"WHERE q.id <> p.id AND (q.id = COALESCE(p.parent_id, p.id) OR "
	"q.parent_id = COALESCE(p.parent_id, p.id))) THEN 1 ELSE 0 END "
	"FROM persons p LEFT JOIN person_access a ON a.person_id = p.id "
	"LEFT JOIN legal_holds h ON h.person_id = p.id WHERE p.ref = $1";

const char Q_CASE_SERVICES[] =
	"SELECT s.ref, s.service, s.provider, s.date, s.end_date, s.amount, s.currency, s.phase, "
	"s.note_enc, COALESCE(w.agency, s.provider) FROM services s "
	"LEFT JOIN service_authors w ON w.service_id = s.id WHERE s.person_id = $1 "
	"ORDER BY s.date, s.id";

const char Q_CASE_REFERRALS[] =
	"SELECT ref, from_agency, to_agency, purpose, date, status, closed_on, consent, "
	"override_reason FROM referrals WHERE person_id = $1 ORDER BY date, id";

/* Referrals after id $1, to agency $2 (optional), in status $3 (optional),
 * of persons in scope $4..$6, involving agency $7 (optional), at most $8. */
const char Q_CASE_INBOX[] =
	"SELECT f.id, f.ref, p.ref, f.from_agency, f.to_agency, f.purpose, f.date, f.status, "
	"f.closed_on, f.consent, f.override_reason FROM referrals f "
	"JOIN persons p ON p.id = f.person_id LEFT JOIN person_access a ON a.person_id = p.id WHERE f.id > $1"
	" AND (CAST($2 AS TEXT) IS NULL OR f.to_agency = $2)"
	" AND (CAST($3 AS TEXT) IS NULL OR f.status = $3)"
	" AND ($4 = 1 OR COALESCE(a.blocked, 0) = 0) AND ($5 = 0 OR p.status = 'dependant')"
	" AND (CAST($6 AS TEXT) IS NULL OR f.from_agency = $6 OR f.to_agency = $6)"
	" ORDER BY f.id LIMIT $7";

const char Q_CASE_REFERRAL_ONE[] =
	"SELECT f.id, p.ref, f.from_agency, f.to_agency, f.status FROM referrals f "
	"JOIN persons p ON p.id = f.person_id WHERE f.ref = $1";

const char Q_CASE_ACCESS_PUT[] =
	"INSERT INTO person_access (person_id, registered_by, blocked, changed_at) "
	"SELECT id, $2, $3, $4 FROM persons WHERE ref = $1";
const char Q_CASE_ACCESS_BLOCK[] =
	"INSERT INTO person_access (person_id, registered_by, blocked, changed_at) "
	"SELECT id, NULL, $2, $3 FROM persons WHERE ref = $1 "
	"ON CONFLICT (person_id) DO UPDATE SET blocked = excluded.blocked, "
	"changed_at = excluded.changed_at";
const char Q_CASE_SERVICE_AUTHOR[] =
	"INSERT INTO service_authors (service_id, agency) SELECT id, $2 FROM services "
	"WHERE ref = $1";
/* Whether a reference is taken by any person, service or referral. */
const char Q_CASE_REF_EXISTS[] =
	"SELECT 1 FROM persons WHERE ref = $1 UNION ALL SELECT 1 FROM services WHERE ref = $1 "
	"UNION ALL SELECT 1 FROM referrals WHERE ref = $1";

/* ---- a family (family.c) ---------------------------------------------------- */

/* The references of a person's children, oldest first, at most $2. */
const char Q_FAMILY_CHILDREN[] =
	"SELECT c.ref FROM persons c JOIN persons p ON c.parent_id = p.id WHERE p.ref = $1 "
	"ORDER BY c.id LIMIT $2";

/* ---- the audit log as the auditor reads it (auditlog.c) ---------------------
 * Never the detail: a coordinator's stated reason is free text. */
/* The filters are empty texts and an open time range when not asked for:
 * one statement for every combination.  Only a record's filter has an index
 * (audit_log_object); the others read back from `before` until the page is
 * full, which a breach inquiry can wait for. */
const char Q_AUDITLOG_PAGE[] =
	"SELECT seq, at, actor, agency, role, action, object_type, object_ref, outcome "
	"FROM audit_log WHERE (CAST($1 AS BIGINT) = 0 OR seq < $1) "
	"AND (CAST($3 AS TEXT) = '' OR actor = $3) AND (CAST($4 AS TEXT) = '' OR action = $4) "
	"AND (CAST($5 AS TEXT) = '' OR object_ref = $5) "
	"AND at >= CAST($6 AS BIGINT) AND at < CAST($7 AS BIGINT) ORDER BY seq DESC LIMIT $2";
/* audit_log_object serves this: one account's entries are few */
const char Q_AUDITLOG_ACCOUNT[] =
	"SELECT seq, at, actor, agency, role, action, object_type, object_ref, outcome "
	"FROM audit_log WHERE object_type = 'user' AND object_ref = $1 ORDER BY seq DESC LIMIT $2";
