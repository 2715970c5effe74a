/*
 * test_audit.c - the audit log's hash chain and signed checkpoints (AUD-05,
 * AUD-06, AUD-11).  TU_BOTH_ENGINES: run on SQLite and on PostgreSQL.
 * Tampering is done as an attacker with write access to the database would:
 * drop the append-only triggers, then edit rows with plain SQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/auditlog.h"
#include "core/clock.h"
#include "core/registry.h"
#include "db/queries.h"
#include "testutil.h"
#include "util/date.h"

#define ENTRIES 8

struct fixture {
	struct tu_store st;
};

static db *D(void **state)
{
	return registry_db(((struct fixture *)*state)->st.r);
}

static void append(db *d, int i)
{
	assert_int_equal(tu_audit_read(d, i), ERR_OK);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	tu_store_open(&f->st);
	*state = f;
	for (int i = 1; i <= ENTRIES; i++)
		append(registry_db(f->st.r), i);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tu_store_close(&f->st);
	free(f);
	return 0;
}

static int64_t first_bad(db *d)
{
	struct audit_verdict v;
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	return v.first_bad;
}

static void test_intact_chain_verifies(void **state)
{
	struct audit_verdict v;
	assert_int_equal(audit_verify(D(state), &v), ERR_OK);
	assert_int_equal(v.entries, ENTRIES);
	assert_int_equal(v.first_bad, 0);
}

static void test_append_only_triggers(void **state)
{
	assert_int_not_equal(db_exec_simple(D(state), "UPDATE audit_log SET actor = 'x' WHERE seq = 2"),
			     ERR_OK);
	assert_int_not_equal(db_exec_simple(D(state), "DELETE FROM audit_log WHERE seq = 2"), ERR_OK);
	assert_int_equal(first_bad(D(state)), 0);
}

static void test_edit_found(void **state)
{
	tu_drop_audit_triggers(D(state));
	tu_sql(D(state), "UPDATE audit_log SET object_ref = 'P-99' WHERE seq = 3");
	assert_int_equal(first_bad(D(state)), 3);
}

/* An entry numbered 0 (an INSERT needs no trigger dropped) is found, and
 * walking past it copies nothing (it leaked nine strings, found by the
 * power-loss test under ASan). */
static void test_entry_zero_found(void **state)
{
	struct audit_verdict v;
	char *cp = (char *)1;
	tu_sql(D(state), "INSERT INTO audit_log SELECT 0, at, actor, agency, role, action, object_type, "
			 "object_ref, request_id, outcome, detail, prev_hash, hash FROM audit_log "
			 "WHERE seq = 2");
	assert_int_equal(first_bad(D(state)), 1);
	assert_int_equal(audit_checkpoint(D(state), registry_keyring(((struct fixture *)*state)->st.r),
					  &v, &cp),
			 ERR_OK);
	assert_null(cp);
	assert_int_equal(v.first_bad, 1);
}

static void test_delete_found(void **state)
{
	tu_drop_audit_triggers(D(state));
	tu_sql(D(state), "DELETE FROM audit_log WHERE seq = 5");
	assert_int_equal(first_bad(D(state)), 5);
}

static void test_reorder_found(void **state)
{
	tu_drop_audit_triggers(D(state));
	/* swap entries 4 and 6 */
	tu_sql(D(state), "UPDATE audit_log SET seq = 1000 WHERE seq = 4");
	tu_sql(D(state), "UPDATE audit_log SET seq = 4 WHERE seq = 6");
	tu_sql(D(state), "UPDATE audit_log SET seq = 6 WHERE seq = 1000");
	assert_int_equal(first_bad(D(state)), 4);
}

static void test_insert_found(void **state)
{
	tu_drop_audit_triggers(D(state));
	/* a forged entry 3, the rest moved up by one */
	for (int seq = ENTRIES; seq >= 3; seq--) {
		char q[128];
		snprintf(q, sizeof q, "UPDATE audit_log SET seq = %d WHERE seq = %d", seq + 1, seq);
		tu_sql(D(state), q);
	}
	tu_sql(D(state), "INSERT INTO audit_log SELECT 3, at, actor, agency, role, action, object_type, "
		      "'P-forged', request_id, outcome, detail, prev_hash, hash FROM audit_log "
		      "WHERE seq = 2");
	assert_int_equal(first_bad(D(state)), 3);
}

/* A tail cut and re-hashed consistently fools the chain, not the checkpoint. */
static void test_checkpoint_catches_rewritten_tail(void **state)
{
	struct audit_verdict cv;
	struct fixture *f = *state;
	struct audit_verdict v;
	char *cp = NULL;
	assert_int_equal(audit_checkpoint(D(state), registry_keyring(f->st.r), &cv, &cp), ERR_OK);
	assert_non_null(strstr(cp, "size 8\n"));
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	/* rewrite: drop entries 6..8 and append three forged ones through the
	 * real code path, so the chain itself is consistent */
	tu_drop_audit_triggers(D(state));
	tu_sql(D(state), "DELETE FROM audit_log WHERE seq >= 6");
	for (int i = 0; i < 3; i++)
		append(D(state), 100 + i);
	assert_int_equal(first_bad(D(state)), 0);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_OK);
	assert_int_equal(v.first_bad, 8);
	/* a log cut below the checkpoint's size */
	tu_sql(D(state), "DELETE FROM audit_log WHERE seq >= 4");
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_OK);
	assert_int_equal(v.first_bad, 4);
	free(cp);
}

static void test_checkpoint_signature(void **state)
{
	struct audit_verdict cv;
	struct fixture *f = *state;
	struct audit_verdict v;
	char *cp = NULL;
	assert_int_equal(audit_checkpoint(D(state), registry_keyring(f->st.r), &cv, &cp), ERR_OK);
	/* a forged size, a wrong pinned signer, garbage */
	char *size = strstr(cp, "size 8");
	size[5] = '7';
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_CRYPTO);
	size[5] = '8';
	assert_int_equal(audit_verify_checkpoint(D(state), cp, "00", &v), ERR_CRYPTO);
	assert_int_equal(audit_verify_checkpoint(D(state), "hello", NULL, &v), ERR_INVALID);
	/* appending after a checkpoint is fine */
	append(D(state), 42);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.entries, ENTRIES + 1);
	free(cp);
}

/* Rows as a version of haven wrote them, with hashes worked out apart from
 * haven (Python's hashlib over the format of audit.c's header): the chain's
 * format has not moved, and a field longer than the hash's buffer (which
 * append cuts, but a row may hold) is hashed whole. */
static void put_row(db *d, int64_t seq, int64_t at, const char *request_id, const char *detail,
		    const unsigned char *prev, const char *hash_hex)
{
	unsigned char hash[AUDIT_HASH_BYTES];
	const char *text[] = {"analyst.az", "coordinator", "analyst", "report.read", "report",
			      "2024", request_id, "ok", detail};
	db_stmt *st = NULL;
	assert_int_equal(sodium_hex2bin(hash, sizeof hash, hash_hex, strlen(hash_hex), NULL, NULL,
					NULL), 0);
	assert_int_equal(db_prepare(d, Q_AUDIT_APPEND, &st), ERR_OK);
	assert_int_equal(db_bind_int(st, 1, seq), ERR_OK);
	assert_int_equal(db_bind_int(st, 2, at), ERR_OK);
	for (int i = 0; i < 9; i++)
		assert_int_equal(db_bind_text(st, 3 + i, text[i]), ERR_OK);
	assert_int_equal(db_bind_blob(st, 12, prev, AUDIT_HASH_BYTES), ERR_OK);
	assert_int_equal(db_bind_blob(st, 13, hash, sizeof hash), ERR_OK);
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
}

static void test_known_hashes_verify(void **state)
{
	(void)state;
	static const char h1[] = "121e66dd961e694698cc07a738f89d3b36f20928bb83e3ba28a182120115de38";
	static const char h2[] = "ff4eda7fab5d1ec167213c51fbcb643cb383c1c0c3e83e532613746294d36ed6";
	unsigned char zero[AUDIT_HASH_BYTES] = {0}, prev[AUDIT_HASH_BYTES];
	char detail[3001];
	struct tu_store st;
	struct audit_verdict v;
	memset(detail, 'x', 3000);
	detail[3000] = '\0';
	tu_store_open(&st);
	db *d = registry_db(st.r);
	put_row(d, 1, 1732780800, "r-1", "", zero, h1);
	sodium_hex2bin(prev, sizeof prev, h1, strlen(h1), NULL, NULL, NULL);
	put_row(d, 2, 1732780801, "r-2", detail, prev, h2);
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.entries, 2);
	/* and the next entry appended links to them */
	append(d, 3);
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.entries, 3);
	tu_store_close(&st);
}

/* Asserts that the chain is reported broken first at `seq`, for a reason
 * that contains `why`. */
static void assert_bad(db *d, int64_t seq, const char *why)
{
	struct audit_verdict v;
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	if (v.first_bad != seq || !strstr(v.reason, why))
		fail_msg("first bad %lld (%s), expected %lld (%s)", (long long)v.first_bad,
			 v.reason, (long long)seq, why);
}

/* Runs one UPDATE of `column` at `seq` with a value bound as a blob or text
 * (text when len is (size_t)-1), as an attacker's client would. */
static void set_column(db *d, const char *column, int64_t seq, const void *v, size_t len)
{
	char q[128];
	db_stmt *st = NULL;
	snprintf(q, sizeof q, "UPDATE audit_log SET %s = $1 WHERE seq = $2", column);
	assert_int_equal(db_prepare(d, q, &st), ERR_OK);
	if (len == (size_t)-1)
		assert_int_equal(db_bind_text(st, 1, v), ERR_OK);
	else
		assert_int_equal(db_bind_blob(st, 1, v, len), ERR_OK);
	assert_int_equal(db_bind_int(st, 2, seq), ERR_OK);
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
}

/* The stored blob `column` (prev_hash or hash) of entry `seq`. */
static void get_hash(db *d, const char *column, int64_t seq, unsigned char out[AUDIT_HASH_BYTES])
{
	char q[128];
	db_stmt *st = NULL;
	size_t len = 0;
	snprintf(q, sizeof q, "SELECT %s FROM audit_log WHERE seq = $1", column);
	assert_int_equal(db_prepare(d, q, &st), ERR_OK);
	assert_int_equal(db_bind_int(st, 1, seq), ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	const void *h = db_col_blob(st, 0, &len);
	assert_int_equal(len, AUDIT_HASH_BYTES);
	memcpy(out, h, AUDIT_HASH_BYTES);
	db_finalize(st);
}

/* One character added to any one field, or one second to the time, of one
 * entry: that entry is named, as edited; taking the change back mends it. */
/* Text after a NUL inside a field: SQLite stores it, C strings end before
 * it, so the hash never saw it; the verifier counted such an entry whole
 * ("detail || char(0) || 'forged...'" passed `haven audit verify`).
 * PostgreSQL's text cannot hold a NUL at all. */
static void test_text_after_nul_found(void **state)
{
	db *d = D(state);
	if (db_dialect_of(d) == DB_POSTGRES)
		skip();
	tu_drop_audit_triggers(d);
	tu_sql(d, "UPDATE audit_log SET detail = detail || char(0) || 'forged: erased person P-7' "
	       "WHERE seq = 3");
	assert_bad(d, 3, "edited");
}

static void test_any_field_edit_found(void **state)
{
	static const char *const columns[] = {"actor",      "agency",     "role",
					      "action",     "object_type", "object_ref",
					      "request_id", "outcome",    "detail"};
	db *d = D(state);
	char q[160];
	tu_drop_audit_triggers(d);
	for (size_t i = 0; i < sizeof columns / sizeof *columns; i++) {
		snprintf(q, sizeof q, "UPDATE audit_log SET %s = %s || '.' WHERE seq = 3",
			 columns[i], columns[i]);
		tu_sql(d, q);
		assert_bad(d, 3, "edited");
		snprintf(q, sizeof q,
			 "UPDATE audit_log SET %s = substr(%s, 1, length(%s) - 1) WHERE seq = 3",
			 columns[i], columns[i], columns[i]);
		tu_sql(d, q);
		assert_int_equal(first_bad(d), 0);
	}
	tu_sql(d, "UPDATE audit_log SET at = at + 1 WHERE seq = 3");
	assert_bad(d, 3, "edited");
	tu_sql(d, "UPDATE audit_log SET at = at - 1 WHERE seq = 3");
	/* the last entry has no successor to break: it is still found */
	tu_sql(d, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 8");
	assert_bad(d, 8, "edited");
}

/* Entry 5's stored `column` (hash or prev_hash) with one bit flipped, cut
 * one byte short, or empty, is named at entry 5 as `why`; put back, the
 * chain holds again. */
static void damage_found(db *d, const char *column, const char *why)
{
	unsigned char v[AUDIT_HASH_BYTES];
	get_hash(d, column, 5, v);
	v[31] ^= 0x80;
	set_column(d, column, 5, v, sizeof v);
	assert_bad(d, 5, why);
	v[31] ^= 0x80;
	set_column(d, column, 5, v, sizeof v - 1);
	assert_bad(d, 5, why);
	set_column(d, column, 5, v, 0);
	assert_bad(d, 5, why);
	set_column(d, column, 5, v, sizeof v);
	assert_int_equal(first_bad(d), 0);
}

/* A stored hash or back-link damaged is named at its own entry, and only
 * the first damage is reported. */
static void test_hash_and_link_damage_found(void **state)
{
	db *d = D(state);
	unsigned char hash[AUDIT_HASH_BYTES], zero[AUDIT_HASH_BYTES] = {0};
	tu_drop_audit_triggers(d);
	damage_found(d, "hash", "edited");
	damage_found(d, "prev_hash", "link to the previous entry is broken");
	/* the first entry must link to zeros; damage at 2 and 6 names 2 */
	get_hash(d, "hash", 5, hash);
	set_column(d, "prev_hash", 1, hash, sizeof hash);
	assert_bad(d, 1, "link to the previous entry is broken");
	set_column(d, "prev_hash", 1, zero, sizeof zero);
	tu_sql(d, "UPDATE audit_log SET detail = 'x' WHERE seq = 6");
	tu_sql(d, "UPDATE audit_log SET detail = 'x' WHERE seq = 2");
	assert_bad(d, 2, "edited");
}

/* A head whose stored hash is not a hash is neither extended nor signed in
 * a checkpoint, and verification names it. */
static void test_damaged_head_not_extended(void **state)
{
	struct audit_verdict cv;
	struct fixture *f = *state;
	db *d = D(state);
	unsigned char hash[AUDIT_HASH_BYTES];
	struct audit_entry e = {.actor = "tester", .action = "person.read", .outcome = "ok"};
	char *cp = NULL;
	tu_drop_audit_triggers(d);
	get_hash(d, "hash", ENTRIES, hash);
	set_column(d, "hash", ENTRIES, hash, sizeof hash - 1);
	assert_int_equal(audit_record(d, &e), ERR_DB);
	assert_int_equal(audit_checkpoint(d, registry_keyring(f->st.r), &cv, &cp), ERR_OK);
	assert_int_equal(cv.first_bad, ENTRIES);
	assert_null(cp);
	assert_bad(d, ENTRIES, "edited");
}

/* Sequence numbers: a gap at the start or the end, or an entry numbered
 * before the first, is named with what is wrong. */
static void test_sequence_damage_found(void **state)
{
	db *d = D(state);
	struct audit_verdict v;
	tu_drop_audit_triggers(d);
	/* an entry 0 slipped in before entry 1 (a copy of it) */
	tu_sql(d, "INSERT INTO audit_log SELECT 0, at, actor, agency, role, action, object_type, "
	       "object_ref, request_id, outcome, detail, prev_hash, hash FROM audit_log "
	       "WHERE seq = 1");
	assert_bad(d, 1, "out of order");
	tu_sql(d, "DELETE FROM audit_log WHERE seq = 0");
	assert_int_equal(first_bad(d), 0);
	/* the last entry renumbered from 8 to 10: entry 8 is missing */
	tu_sql(d, "UPDATE audit_log SET seq = 10 WHERE seq = 8");
	assert_bad(d, ENTRIES, "missing");
	tu_sql(d, "UPDATE audit_log SET seq = 8 WHERE seq = 10");
	assert_int_equal(first_bad(d), 0);
	/* the first entry deleted: every later one still counted */
	tu_sql(d, "DELETE FROM audit_log WHERE seq = 1");
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	assert_int_equal(v.first_bad, 1);
	assert_non_null(strstr(v.reason, "missing"));
	assert_int_equal(v.entries, ENTRIES - 1);
}

/* A second connection to the store's database, with no statement cached
 * (the first one's may outlive a change of schema). */
static db *reopen(const struct tu_store *st)
{
	char errbuf[ERRBUF_MAX];
	db *d = NULL;
	assert_int_equal(db_open(st->db, DB_OPEN_EXISTING, &d, errbuf), ERR_OK);
	return d;
}

/* A log that cannot be read is an error, never a verdict that it holds. */
static void test_missing_log_is_an_error(void **state)
{
	struct audit_verdict cv;
	struct fixture *f = *state;
	const keyring *kr = registry_keyring(f->st.r);
	struct audit_verdict v;
	char *cp = NULL, *none = NULL;
	int64_t seq = -7;
	struct audit_entry e = {.actor = "tester", .action = "person.read", .outcome = "ok"};
	assert_int_equal(audit_checkpoint(D(state), kr, &cv, &cp), ERR_OK);
	tu_sql(D(state), "DROP TABLE audit_log");
	assert_int_equal(audit_verify(D(state), &v), ERR_DB);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_DB);
	assert_int_equal(audit_checkpoint(D(state), kr, &cv, &none), ERR_DB);
	assert_null(none);
	assert_int_equal(audit_record(D(state), &e), ERR_DB);
	assert_int_equal(db_begin(D(state)), ERR_OK);
	assert_int_not_equal(audit_append(D(state), &e, &seq), ERR_OK);
	assert_int_equal(seq, -7);
	db_rollback(D(state));
	/* the same through a connection that has prepared nothing yet */
	db *other = reopen(&f->st);
	assert_int_equal(audit_record(other, &e), ERR_DB);
	assert_int_equal(audit_checkpoint(other, kr, &cv, &none), ERR_DB);
	assert_null(none);
	db_close(other);
	free(cp);
}

/* Replaces audit_log with a view of the same rows whose hash column raises
 * an error when entry `seq` is read: a read that fails half way. */
static void fail_reading(db *d, int seq)
{
	char q[512], boom[128];
	if (db_dialect_of(d) == DB_POSTGRES) /* 'z' is no hex digit */
		snprintf(boom, sizeof boom, "decode(repeat('z', seq::int), 'hex')");
	else /* abs() of the smallest 64-bit integer overflows */
		snprintf(boom, sizeof boom, "abs(seq - %d - 9223372036854775807 - 1)", seq);
	tu_sql(d, "DROP VIEW IF EXISTS audit_log");
	snprintf(q, sizeof q,
		 "CREATE VIEW audit_log AS SELECT seq, at, actor, agency, role, action, "
		 "object_type, object_ref, request_id, outcome, detail, prev_hash, "
		 "CASE WHEN seq = %d THEN %s ELSE hash END AS hash FROM audit_kept",
		 seq, boom);
	tu_sql(d, q);
}

static void test_read_error_is_an_error(void **state)
{
	struct audit_verdict cv;
	struct fixture *f = *state;
	const keyring *kr = registry_keyring(f->st.r);
	struct audit_verdict v;
	struct audit_entry e = {.actor = "tester", .action = "person.read", .outcome = "ok"};
	char *cp = NULL, *none = NULL;
	assert_int_equal(audit_checkpoint(D(state), kr, &cv, &cp), ERR_OK);
	tu_sql(D(state), "ALTER TABLE audit_log RENAME TO audit_kept");
	/* a failure at entry 5: neither verification answers with a verdict,
	 * and an entry has nowhere to go */
	fail_reading(D(state), 5);
	assert_int_equal(audit_verify(D(state), &v), ERR_DB);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_DB);
	assert_int_not_equal(audit_record(D(state), &e), ERR_OK);
	db *other = reopen(&f->st);
	assert_int_not_equal(audit_record(other, &e), ERR_OK);
	db_close(other);
	/* a failure at the head: nothing is appended or checkpointed */
	fail_reading(D(state), ENTRIES);
	assert_int_equal(audit_checkpoint(D(state), kr, &cv, &none), ERR_DB);
	assert_null(none);
	assert_int_equal(audit_record(D(state), &e), ERR_DB);
	free(cp);
}

static struct audit_entry entry(const char *ref)
{
	return (struct audit_entry){.actor = "tester", .agency = "mia_ctd", .role = "officer",
				    .action = "person.read", .object_type = "person",
				    .object_ref = ref, .request_id = "req", .outcome = "ok"};
}

/* A writer holding a stale head (another writer appended since) cannot fork
 * the chain: its entry is refused and its head does not move. */
static void test_stale_head_cannot_fork(void **state)
{
	db *d = D(state);
	struct audit_head h = {.known = 1, .seq = 3};
	struct audit_entry e = entry("P-stale");
	int64_t seq = 0;
	struct audit_verdict v;
	get_hash(d, "hash", 3, h.hash);
	assert_int_equal(db_begin(d), ERR_OK);
	assert_int_equal(audit_append_next(d, &h, &e), ERR_DB);
	assert_int_equal(h.seq, 3);
	db_rollback(d);
	/* audit_append inside the caller's transaction, with and without the
	 * sequence number wanted */
	assert_int_equal(db_begin(d), ERR_OK);
	assert_int_equal(audit_append(d, &e, &seq), ERR_OK);
	assert_int_equal(seq, ENTRIES + 1);
	assert_int_equal(audit_append(d, &e, NULL), ERR_OK);
	assert_int_equal(db_commit(d), ERR_OK);
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.entries, ENTRIES + 2);
}

/* audit_record_all writes all its entries or none. */
static void test_record_all_is_atomic(void **state)
{
	db *d = D(state);
	struct audit_entry three[] = {entry("P-100"), entry("P-101"), entry("P-102")};
	struct audit_entry clash[] = {entry("P-200"), entry("P-3"), entry("P-201")};
	struct audit_verdict v;
	int64_t seq = -7;
	assert_int_equal(audit_record_all(d, three, 3), ERR_OK);
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.entries, ENTRIES + 3);
	/* the second of three fails (a constraint the test adds): the first is
	 * rolled back with it */
	tu_sql(d, "CREATE UNIQUE INDEX audit_log_one_ref ON audit_log (object_ref)");
	assert_int_equal(audit_record_all(d, clash, 3), ERR_DB);
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.entries, ENTRIES + 3);
	/* and audit_append leaves the sequence number alone on failure */
	assert_int_equal(db_begin(d), ERR_OK);
	assert_int_equal(audit_append(d, &clash[1], &seq), ERR_DB);
	assert_int_equal(seq, -7);
	db_rollback(d);
}

/* A field longer than AUDIT_FIELD_MAX is cut before it is hashed and
 * stored, so the chain holds; a long field written in afterwards is caught. */
static void test_long_field_cut_then_edit_found(void **state)
{
	db *d = D(state);
	char detail[1001];
	struct audit_entry e = entry("P-long");
	db_stmt *st = NULL;
	memset(detail, 'x', sizeof detail - 1);
	detail[sizeof detail - 1] = '\0';
	e.detail = detail;
	assert_int_equal(audit_record(d, &e), ERR_OK);
	assert_int_equal(first_bad(d), 0);
	assert_int_equal(db_prepare(d, "SELECT length(detail) FROM audit_log WHERE seq = 9", &st),
			 ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), AUDIT_FIELD_MAX - 1);
	db_finalize(st);
	/* the limit exactly: one byte over too */
	detail[AUDIT_FIELD_MAX] = '\0';
	assert_int_equal(audit_record(d, &e), ERR_OK);
	assert_int_equal(db_prepare(d, "SELECT length(detail) FROM audit_log WHERE seq = 10", &st),
			 ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), AUDIT_FIELD_MAX - 1);
	db_finalize(st);
	memset(detail, 'x', sizeof detail - 1);
	tu_drop_audit_triggers(d);
	set_column(d, "detail", 9, detail, (size_t)-1);
	assert_bad(d, 9, "edited");
}

/* A field cut to its limit, or handed over already cut by a caller, keeps
 * whole UTF-8 characters: PostgreSQL refused the half of "ə" that a cut at
 * 255 bytes left, and the audited action failed with it. */
static void test_cut_keeps_whole_characters(void **state)
{
	db *d = D(state);
	char detail[401] = "", *stored = NULL;
	struct audit_entry e = entry("P-utf8");
	db_stmt *st = NULL;
	for (int i = 0; i < 200; i++)
		strcat(detail, "\xc9\x99"); /* "ə", two bytes */
	e.detail = detail;
	assert_int_equal(audit_record(d, &e), ERR_OK);
	const char *given[] = {"abc\xe2\x82", /* "abc" and two of the three bytes of "€" */
			       "ok\xf0\x9f\x98",  /* three of the four of an emoji */
			       "ok\xf0\x9f\x98\x80",
			       "ok\xe0\xa4",       /* two of the three of "ऀ" (lead byte 0xe0) */
			       "\xe2\x82"};        /* nothing but part of a character */
	for (size_t i = 0; i < sizeof given / sizeof given[0]; i++) {
		e.detail = given[i];
		assert_int_equal(audit_record(d, &e), ERR_OK);
	}
	assert_int_equal(first_bad(d), 0);
	assert_int_equal(db_prepare(d, "SELECT detail FROM audit_log WHERE seq >= 9 ORDER BY seq", &st),
			 ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	stored = strdup(db_col_text(st, 0));
	assert_int_equal(strlen(stored), AUDIT_FIELD_MAX - 2); /* 127 whole characters */
	assert_memory_equal(stored, detail, AUDIT_FIELD_MAX - 2);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "abc");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "ok");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "ok\xf0\x9f\x98\x80");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "ok");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "");
	db_finalize(st);
	free(stored);
}

/* Appends to `body` the signature line of `sk` over it. */
static void sign_with(const unsigned char *sk, const char *body, char *out, size_t len)
{
	unsigned char sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1];
	crypto_sign_detached(sig, NULL, (const unsigned char *)body, strlen(body), sk);
	sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
	snprintf(out, len, "%ssignature %s\n", body, hex);
}

/* Signs `body` as a checkpoint with the deployment's checkpoint key (the
 * KEY_SIGN subkey, audit.c's header). */
static void sign_checkpoint(const keyring *kr, const char *body, char *out, size_t len)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	const unsigned char *seed = keyring_subkey(kr, keyring_current_id(kr), KEY_SIGN);
	assert_non_null(seed);
	assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed), 0);
	sign_with(sk, body, out, len);
	sodium_memzero(sk, sizeof sk);
}

#define CHECKPOINT_V1 "haven-audit-checkpoint 1"

/* The body of a checkpoint: header, size, head, time and signer lines. */
static void checkpoint_body(char *out, size_t len, const char *header, const char *size,
			    const char *head, const char *signer)
{
	snprintf(out, len, "%s\nsize %s\nhead %s\ntime 2026-11-28T12:00:00Z\nsigner %s\n", header,
		 size, head, signer);
}

/* audit_verify_checkpoint's answer, pinned to `signer`, for a checkpoint of
 * these lines signed with the deployment's own key. */
static err_t own_signed(void **state, const char *header, const char *size, const char *head,
			const char *signer, struct audit_verdict *v)
{
	struct fixture *f = *state;
	char body[512], cp[1024];
	checkpoint_body(body, sizeof body, header, size, head, signer);
	sign_checkpoint(registry_keyring(f->st.r), body, cp, sizeof cp);
	return audit_verify_checkpoint(D(state), cp, signer, v);
}

/* Checkpoints that do not parse are refused as not checkpoints, even when
 * validly signed by the deployment's own key; one signed by another key is
 * refused when the signer is pinned. */
static void test_checkpoint_malformed_refused(void **state)
{
	struct audit_verdict cv;
	struct fixture *f = *state;
	const keyring *kr = registry_keyring(f->st.r);
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char head[2 * AUDIT_HASH_BYTES + 1], signer[2 * sizeof pk + 1], other[2 * sizeof pk + 1];
	char body[512], cp[1024], *real = NULL, *line;
	struct audit_verdict v;
	assert_int_equal(audit_verify(D(state), &v), ERR_OK);
	sodium_bin2hex(head, sizeof head, v.head, sizeof v.head);
	assert_int_equal(audit_checkpoint(D(state), kr, &cv, &real), ERR_OK);
	line = strstr(real, "\nsigner ");
	assert_non_null(line);
	snprintf(signer, sizeof signer, "%s", line + strlen("\nsigner "));
	signer[strcspn(signer, "\n")] = '\0';
	char own[AUDIT_SIGNER_HEX];
	assert_int_equal(audit_signer(kr, own), ERR_OK);
	assert_string_equal(own, signer); /* what `haven audit verify` pins */
	/* the real checkpoint, pinned to its own signer: holds */
	assert_int_equal(audit_verify_checkpoint(D(state), real, signer, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	/* the test's own checkpoints are in the same format: this one holds */
	assert_int_equal(own_signed(state, CHECKPOINT_V1, "8", head, signer, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	/* signed, but a negative size, another version, a head of 63 digits or
	 * of non-hex digits: not checkpoints */
	assert_int_equal(own_signed(state, CHECKPOINT_V1, "-1", head, signer, &v), ERR_INVALID);
	assert_int_equal(own_signed(state, CHECKPOINT_V1, "+8", head, signer, &v), ERR_INVALID);
	assert_int_equal(own_signed(state, CHECKPOINT_V1, " 8", head, signer, &v), ERR_INVALID);
	assert_int_equal(own_signed(state, CHECKPOINT_V1, "99999999999999999999", head, signer, &v),
			 ERR_INVALID); /* past a long long: not taken as its largest */
	assert_int_equal(own_signed(state, "haven-audit-checkpoint 3", "8", head, signer, &v),
			 ERR_INVALID);
	assert_int_equal(own_signed(state, CHECKPOINT_V1, "8", head + 1, signer, &v), ERR_INVALID);
	char zs[2 * AUDIT_HASH_BYTES + 1];
	memset(zs, 'z', sizeof zs - 1);
	zs[sizeof zs - 1] = '\0';
	assert_int_equal(own_signed(state, CHECKPOINT_V1, "8", zs, signer, &v), ERR_INVALID);
	/* a line missing (time), a signer or a signature that is no key or
	 * signature, an empty signature */
	snprintf(body, sizeof body, "haven-audit-checkpoint 1\nsize 8\nhead %s\nsigner %s\n", head,
		 signer);
	sign_checkpoint(kr, body, cp, sizeof cp);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, signer, &v), ERR_INVALID);
	checkpoint_body(body, sizeof body, CHECKPOINT_V1, "8", head, "abcd");
	sign_checkpoint(kr, body, cp, sizeof cp);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_INVALID);
	checkpoint_body(body, sizeof body, CHECKPOINT_V1, "8", head, signer);
	snprintf(cp, sizeof cp, "%ssignature abcd\n", body);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, signer, &v), ERR_INVALID);
	snprintf(cp, sizeof cp, "%ssignature \n", body);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, signer, &v), ERR_INVALID);
	/* the real one with anything after its signature, or a digit more in
	 * it: not a checkpoint; mailed with CRLF line ends: still one */
	char longer[1024];
	snprintf(longer, sizeof longer, "%sforged: 1 more line\n", real);
	assert_int_equal(audit_verify_checkpoint(D(state), longer, signer, &v), ERR_INVALID);
	snprintf(longer, sizeof longer, "%.*s0\n", (int)strlen(real) - 1, real);
	assert_int_equal(audit_verify_checkpoint(D(state), longer, signer, &v), ERR_INVALID);
	snprintf(longer, sizeof longer, "%.*s\r\n", (int)strlen(real) - 1, real);
	assert_int_equal(audit_verify_checkpoint(D(state), longer, signer, &v), ERR_OK);
	/* an empty log's checkpoint whose head is not zeros: Haven signs none */
	assert_int_equal(own_signed(state, CHECKPOINT_V1, "0", head, signer, &v), ERR_INVALID);
	/* a well-formed checkpoint made with another key: refused when the
	 * deployment's signer is pinned; and one that names the deployment's
	 * signer but was signed by another key: refused even unpinned */
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(other, sizeof other, pk, sizeof pk);
	checkpoint_body(body, sizeof body, CHECKPOINT_V1, "8", head, other);
	sign_with(sk, body, cp, sizeof cp);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, signer, &v), ERR_CRYPTO);
	checkpoint_body(body, sizeof body, CHECKPOINT_V1, "8", head, signer);
	sign_with(sk, body, cp, sizeof cp);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_CRYPTO);
	free(real);
}

/* `haven audit` as an operator runs it: a checkpoint verifies pinned to the
 * deployment's own key; after a key rotation only with --signer naming the
 * old one; and no checkpoint is signed for a broken log. */
static void test_cli_checkpoints(void **state)
{
	struct fixture *f = *state;
	char cmd[2048], *out = NULL, *err = NULL, path[1024], signer[80] = "";
	const char *target = f->st.db, *key = f->st.key;
	snprintf(path, sizeof path, "%s/checkpoint.txt", f->st.dir);
	snprintf(cmd, sizeof cmd, "'%s' audit checkpoint --db '%s' --key '%s' > '%s'", HAVEN_BIN, target,
		 key, path);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "sed -n 's/^signer //p' '%s'", path);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	snprintf(signer, sizeof signer, "%.64s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s' --key '%s' --checkpoint '%s'",
		 HAVEN_BIN, target, key, path);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "matches the checkpoint"));
	free(out);

	snprintf(cmd, sizeof cmd, "'%s' key rotate --db '%s' --key '%s'", HAVEN_BIN, target, key);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s' --key '%s' --checkpoint '%s'",
		 HAVEN_BIN, target, key, path);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "--signer"));
	free(err);
	snprintf(cmd, sizeof cmd,
		 "'%s' audit verify --db '%s' --key '%s' --checkpoint '%s' --signer %s", HAVEN_BIN,
		 target, key, path, signer);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);

	tu_drop_audit_triggers(D(state));
	tu_sql(D(state), "UPDATE audit_log SET detail = 'edited' WHERE seq = 2");
	snprintf(cmd, sizeof cmd, "'%s' audit checkpoint --db '%s' --key '%s'", HAVEN_BIN, target, key);
	assert_int_equal(tu_run(cmd, &out, &err), 1);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "broken at entry 2"));
	free(out);
	free(err);
}

/* A checkpoint of an empty log holds against any later log. */
static void test_checkpoint_of_empty_log(void **state)
{
	struct audit_verdict cv;
	struct tu_store st;
	struct audit_verdict v;
	char *cp = NULL;
	(void)state;
	tu_store_open(&st);
	db *d = registry_db(st.r);
	assert_int_equal(audit_checkpoint(d, registry_keyring(st.r), &cv, &cp), ERR_OK);
	assert_non_null(strstr(cp, "\nsize 0\n"));
	assert_int_equal(audit_verify_checkpoint(d, cp, NULL, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.entries, 0);
	append(d, 1);
	append(d, 2);
	assert_int_equal(audit_verify_checkpoint(d, cp, NULL, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.entries, 2);
	free(cp);
	tu_store_close(&st);
}

/* AUD-10: the clock jumps back an hour.  The entry keeps the clock's reading
 * and is marked; the chain holds, the order is the sequence; verify counts
 * it; once the clock is right again nothing more is marked. */
static void test_clock_regression_flagged(void **state)
{
	struct audit_verdict v;
	db *d = D(state);
	db_stmt *st = NULL;
	clock_shift(-3600);
	append(d, 9);
	clock_reset();
	append(d, 10);
	assert_int_equal(db_prepare(d, "SELECT seq, at, detail FROM audit_log WHERE seq >= 8 ORDER BY seq",
				    &st),
			 ERR_OK);
	int64_t at[3];
	const char *want[3] = {"", "clock_regression", ""};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(db_step(st), DB_ROW);
		at[i] = db_col_int(st, 1);
		assert_string_equal(db_col_text(st, 2), want[i]);
	}
	db_finalize(st);
	assert_true(at[1] <= at[0] - 3500);
	assert_true(at[2] >= at[0]);
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.clock_regressions, 1);
	assert_int_equal(v.first_regression, ENTRIES + 1);
	/* a long detail keeps the mark: it goes first, the detail's end is cut */
	char detail[400];
	memset(detail, 'd', sizeof detail - 1);
	detail[sizeof detail - 1] = '\0';
	struct audit_entry e = {.actor = "tester", .action = "person.read", .outcome = "ok",
				.detail = detail};
	clock_shift(-7200);
	assert_int_equal(audit_record(d, &e), ERR_OK);
	clock_reset();
	assert_int_equal(db_prepare(d, "SELECT detail FROM audit_log WHERE seq = 11", &st), ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(strncmp(db_col_text(st, 0), "clock_regression ddd", 20), 0);
	assert_int_equal(strlen(db_col_text(st, 0)), AUDIT_FIELD_MAX - 1);
	db_finalize(st);
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.clock_regressions, 2);
}

/* The times an auditor's filter takes: a whole day, or one second (UTC). */
static void test_filter_times(void **state)
{
	(void)state;
	int64_t start = 0, end = 0;
	assert_int_equal(auditlog_parse_time("2026-11-29", &start, &end), ERR_OK);
	assert_int_equal(start, 1795910400);
	assert_int_equal(end, 1795910400 + 86400);
	assert_int_equal(auditlog_parse_time("2026-11-29T10:20:30Z", &start, &end), ERR_OK);
	assert_int_equal(start, 1795910400 + 10 * 3600 + 20 * 60 + 30);
	assert_int_equal(end, start + 1);
	static const char *const bad[] = {"",
					  "2026-11-29T24:00:00Z",
					  "2026-11-29T10:60:00Z",
					  "2026-11-29T10:20Z",
					  "2026-11-29 10:20:30Z",
					  "2026-11-29T1a:20:30Z",
					  "2026-11-29T10:20:30Zx",
					  "2026-11-29T10:20:30",
					  "2026-02-30",
					  "yesterday"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (auditlog_parse_time(bad[i], &start, &end) != ERR_INVALID)
			fail_msg("took '%s'", bad[i]);
	assert_int_equal(auditlog_parse_time(NULL, &start, &end), ERR_INVALID);
}

/* `haven audit list` for a breach inquiry: the entries that match as CSV a
 * spreadsheet cannot run, newest first, and the listing itself on record. */
static void test_cli_list(void **state)
{
	struct fixture *f = *state;
	char cmd[2048], *out = NULL, *err = NULL, today[DATE_TEXT_MAX];
	struct audit_entry e = {.actor = "=HYPERLINK(\"http://x\")", .action = "person.read",
				.object_type = "person", .object_ref = "P-3", .outcome = "ok"};
	assert_int_equal(audit_record(D(state), &e), ERR_OK);
	date_format(date_today(), today);
	snprintf(cmd, sizeof cmd,
		 "'%s' audit list --db '%s' --key '%s' --action person.read --record P-3 --since %s "
		 "--until %s",
		 HAVEN_BIN, f->st.db, f->st.key, today, today);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "seq,time,actor,agency,role,action,object_type,record,outcome\n9,"));
	assert_non_null(strstr(out, ",\"'=HYPERLINK(\"\"http://x\"\")\",,,person.read,person,P-3,ok\n3,"));
	assert_non_null(strstr(out, ",tester,mia_ctd,officer,person.read,person,P-3,ok\n"));
	assert_null(strstr(out, "P-4"));
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' audit list --db '%s' --key '%s' --until 2026-13-01", HAVEN_BIN,
		 f->st.db, f->st.key);
	assert_int_equal(tu_run(cmd, &out, &err), 1);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "--until takes a date YYYY-MM-DD"));
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' audit list --db '%s' --key '%s' --action audit.read", HAVEN_BIN,
		 f->st.db, f->st.key);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, ",audit.read,audit,,ok\n10,")); /* this one, the first */
	free(out);
}

/* A version-2 body in its order, each line given whole ("" leaves it out). */
static void v2_body(char *out, size_t len, const char *const lines[6])
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < 6 && n < len; i++)
		if (*lines[i])
			n += (size_t)snprintf(out + n, len - n, "%s\n", lines[i]);
}

/* Version-2 checkpoints signed by the deployment's own key: the real lines
 * hold; a root that is not the log's is caught even when the head is;
 * a line missing, empty, too long or out of shape is not a checkpoint. */
static void test_checkpoint_v2_lines(void **state)
{
	struct fixture *f = *state;
	const keyring *kr = registry_keyring(f->st.r);
	struct audit_verdict v;
	char head[80], root[80], zero_root[80], signer[80], body[1024], cp[1200], own[AUDIT_SIGNER_HEX];
	char hex[2 * AUDIT_HASH_BYTES + 1], longer[100];
	assert_int_equal(audit_verify(D(state), &v), ERR_OK);
	sodium_bin2hex(hex, sizeof hex, v.head, sizeof v.head);
	snprintf(head, sizeof head, "head %s", hex);
	sodium_bin2hex(hex, sizeof hex, v.root, sizeof v.root);
	snprintf(root, sizeof root, "root %s", hex);
	snprintf(zero_root, sizeof zero_root, "root %064d", 0);
	assert_int_equal(audit_signer(kr, own), ERR_OK);
	snprintf(signer, sizeof signer, "signer %s", own);
	snprintf(longer, sizeof longer, "signer %s0", own);
	const char *when = "time 2026-11-29T12:00:00Z", *hdr = "haven-audit-checkpoint 2";
	struct {
		const char *lines[6];
		err_t want;
		int64_t bad;
	} cases[] = {
		{{hdr, "size 8", head, root, when, signer}, ERR_OK, 0},
		{{hdr, "size 8", head, zero_root, when, signer}, ERR_OK, 8},
		{{hdr, "size 8", head, "", when, signer}, ERR_INVALID, 0},
		{{hdr, "size 8", head, root, "", signer}, ERR_INVALID, 0},
		{{hdr, "size 8", head, root, "time ", signer}, ERR_INVALID, 0},
		{{hdr, "size 8", head, root, when, longer}, ERR_INVALID, 0},
		{{hdr, "size x8", head, root, when, signer}, ERR_INVALID, 0},
		{{hdr, "size8", head, root, when, signer}, ERR_INVALID, 0},
		{{"haven-audit-checkpoint 2x", "size 8", head, root, when, signer}, ERR_INVALID, 0},
		{{hdr, "size 0", "head 0000000000000000000000000000000000000000000000000000000000000000",
		  zero_root, when, signer},
		 ERR_INVALID, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v2_body(body, sizeof body, cases[i].lines);
		sign_checkpoint(kr, body, cp, sizeof cp);
		v.first_bad = -1;
		err_t e = audit_verify_checkpoint(D(state), cp, own, &v);
		if (e != cases[i].want || (e == ERR_OK && v.first_bad != cases[i].bad))
			fail_msg("case %zu: %d (first bad %lld), expected %d (%lld)", i, e,
				 (long long)v.first_bad, cases[i].want, (long long)cases[i].bad);
		if (cases[i].bad)
			assert_non_null(strstr(v.reason, "Merkle tree"));
	}
	/* no signature line at all; CRLF line ends, signed as they are: fine */
	const char *const real[6] = {hdr, "size 8", head, root, when, signer};
	v2_body(body, sizeof body, real);
	assert_int_equal(audit_verify_checkpoint(D(state), body, own, &v), ERR_INVALID);
	snprintf(longer, sizeof longer, "%s\r", head);
	const char *const crlf[6] = {hdr, "size 8", longer, root, when, signer};
	v2_body(body, sizeof body, crlf);
	sign_checkpoint(kr, body, cp, sizeof cp);
	assert_int_equal(audit_verify_checkpoint(D(state), cp, own, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_intact_chain_verifies), T(test_append_only_triggers),
		T(test_edit_found),            T(test_delete_found),
		T(test_reorder_found),         T(test_insert_found), T(test_entry_zero_found),
		T(test_checkpoint_catches_rewritten_tail), T(test_checkpoint_signature),
		T(test_any_field_edit_found),  T(test_text_after_nul_found),  T(test_hash_and_link_damage_found),
		T(test_sequence_damage_found), T(test_damaged_head_not_extended),
		T(test_missing_log_is_an_error),
		T(test_read_error_is_an_error), T(test_stale_head_cannot_fork),
		T(test_record_all_is_atomic),  T(test_long_field_cut_then_edit_found),
		T(test_checkpoint_malformed_refused), T(test_clock_regression_flagged), T(test_cli_list),
		T(test_checkpoint_v2_lines),   T(test_cli_checkpoints),   T(test_cut_keeps_whole_characters),
		cmocka_unit_test(test_known_hashes_verify),
		cmocka_unit_test(test_checkpoint_of_empty_log),
		cmocka_unit_test(test_filter_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
