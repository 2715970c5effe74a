/*
 * test_audit_proofs.c - the audit log's Merkle tree (AUD-07) and the
 * consistency of checkpoints (AUD-08): the root of known entries, the root
 * in signed checkpoints, and proofs that a later checkpoint extends an
 * earlier one, checked without the database, failing once entries below
 * the earlier one are rewritten.  TU_BOTH_ENGINES: SQLite and PostgreSQL.
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
#include "core/auditproof.h"
#include "core/registry.h"
#include "db/queries.h"
#include "testutil.h"

#define ENTRIES 8

static db *D(void **state)
{
	return registry_db(((struct tu_store *)*state)->r);
}

static const keyring *K(void **state)
{
	return registry_keyring(((struct tu_store *)*state)->r);
}

static void append(db *d, int i)
{
	assert_int_equal(tu_audit_read(d, i), ERR_OK);
}

static int setup(void **state)
{
	struct tu_store *st = calloc(1, sizeof *st);
	tu_store_open(st);
	*state = st;
	for (int i = 1; i <= ENTRIES; i++)
		append(registry_db(st->r), i);
	return 0;
}

static int teardown(void **state)
{
	tu_store_close(*state);
	free(*state);
	return 0;
}

static char *checkpoint(void **state)
{
	struct audit_verdict v;
	char *cp = NULL;
	assert_int_equal(audit_checkpoint(D(state), K(state), &v, &cp), ERR_OK);
	assert_non_null(cp);
	return cp;
}

/* An entry stored as given, at a fixed time (its chain hashes are not what
 * this test is about: zeros). */
static void put_raw(db *d, int seq)
{
	unsigned char zero[AUDIT_HASH_BYTES] = {0};
	char ref[16];
	const char *text[9] = {"tester", "mia_ctd", "officer", "person.read", "person",
			       ref,      "req",     "ok",      ""};
	db_stmt *st = NULL;
	snprintf(ref, sizeof ref, "P-%d", seq);
	assert_int_equal(db_prepare(d, Q_AUDIT_APPEND, &st), ERR_OK);
	assert_int_equal(db_bind_int(st, 1, seq), ERR_OK);
	assert_int_equal(db_bind_int(st, 2, 1732780799 + seq), ERR_OK);
	for (int i = 0; i < 9; i++)
		assert_int_equal(db_bind_text(st, 3 + i, text[i]), ERR_OK);
	assert_int_equal(db_bind_blob(st, 12, zero, sizeof zero), ERR_OK);
	assert_int_equal(db_bind_blob(st, 13, zero, sizeof zero), ERR_OK);
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
}

static void assert_root(db *d, const char *hex)
{
	struct audit_verdict v;
	char got[2 * AUDIT_HASH_BYTES + 1];
	assert_int_equal(audit_verify(d, &v), ERR_OK);
	sodium_bin2hex(got, sizeof got, v.root, sizeof v.root);
	assert_string_equal(got, hex);
}

/* The leaves are SHA-256(0x00 || content), content framed as the chain's
 * (audit.c's header): the roots here were computed apart from Haven, with
 * Python's hashlib. */
static void test_root_known_answer(void **state)
{
	(void)state;
	struct tu_store st;
	tu_store_open(&st);
	db *d = registry_db(st.r);
	assert_root(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	put_raw(d, 1);
	put_raw(d, 2);
	assert_root(d, "8b7fc087da1fff16d06f5a084134166da738d2dcf69d944a1aaa46cbc2a8ad6b");
	put_raw(d, 3);
	assert_root(d, "2d3456e81d099306f20680667674d1ad0647bf22c83176e4c5d92c58eeb6df05");
	tu_store_close(&st);
}

/* A checkpoint names the root of what it covers, and verifies. */
static void test_checkpoint_carries_root(void **state)
{
	struct audit_verdict v;
	char want[2 * AUDIT_HASH_BYTES + 8], *cp = checkpoint(state);
	assert_int_equal(audit_verify(D(state), &v), ERR_OK);
	strcpy(want, "\nroot ");
	sodium_bin2hex(want + 6, sizeof want - 6, v.root, sizeof v.root);
	assert_non_null(strstr(cp, "haven-audit-checkpoint 2\nsize 8\n"));
	assert_non_null(strstr(cp, want));
	assert_int_equal(audit_verify_checkpoint(D(state), cp, NULL, &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	free(cp);
}

/* Replaces the first `old` in *text with `new` (a fresh string). */
static void swap_text(char **text, const char *old, const char *new)
{
	char *at = strstr(*text, old), *out;
	assert_non_null(at);
	out = malloc(strlen(*text) + strlen(new) + 1);
	sprintf(out, "%.*s%s%s", (int)(at - *text), *text, new, at + strlen(old));
	free(*text);
	*text = out;
}

/* Proofs between checkpoints of a log that only grew hold, away from the
 * database; any change to the proof or the checkpoints is caught. */
static void test_consistency_holds(void **state)
{
	char *a = checkpoint(state), *b, *p = NULL, *same = NULL;
	for (int i = 0; i < 5; i++)
		append(D(state), 100 + i);
	b = checkpoint(state);
	assert_int_equal(audit_prove_consistency(D(state), a, b, &p), ERR_OK);
	assert_non_null(strstr(p, "haven-audit-consistency 1\nfrom 8\nto 13\nhash "));
	assert_int_equal(audit_check_consistency(a, b, p, NULL), ERR_OK);
	/* the same checkpoint: an empty proof */
	assert_int_equal(audit_prove_consistency(D(state), b, b, &same), ERR_OK);
	assert_string_equal(same, "haven-audit-consistency 1\nfrom 13\nto 13\n");
	assert_int_equal(audit_check_consistency(b, b, same, NULL), ERR_OK);
	/* backwards: no proof, and the other way round fails */
	char *none = (char *)1;
	assert_int_equal(audit_prove_consistency(D(state), b, a, &none), ERR_INVALID);
	assert_null(none);
	assert_int_equal(audit_check_consistency(b, a, p, NULL), ERR_INVALID);
	/* a digit of a hash changed: the proof fails */
	char *h = strstr(p, "hash ") + 5, was = *h;
	*h = was == '0' ? '1' : '0';
	assert_int_equal(audit_check_consistency(a, b, p, NULL), ERR_CONFLICT);
	*h = was;
	assert_int_equal(audit_check_consistency(a, b, p, NULL), ERR_OK);
	/* a hash left out, or one more */
	char *shorter = strdup(p), *longer = malloc(strlen(p) + 80);
	shorter[strlen(shorter) - strlen("hash \n") - 2 * AUDIT_HASH_BYTES] = '\0';
	assert_int_equal(audit_check_consistency(a, b, shorter, NULL), ERR_CONFLICT);
	sprintf(longer, "%shash %064d\n", p, 0);
	assert_int_equal(audit_check_consistency(a, b, longer, NULL), ERR_CONFLICT);
	/* sizes that are not the checkpoints', text that is not a proof */
	char *sizes = strdup(p);
	strstr(sizes, "to 13")[4] = '2';
	assert_int_equal(audit_check_consistency(a, b, sizes, NULL), ERR_INVALID);
	sprintf(longer, "%shash %063d\n", p, 0);
	assert_int_equal(audit_check_consistency(a, b, longer, NULL), ERR_INVALID);
	sprintf(longer, "%sjunk\n", p);
	assert_int_equal(audit_check_consistency(a, b, longer, NULL), ERR_INVALID);
	char *huge = strdup(p);
	swap_text(&huge, "to 13", "to 99999999999999999999");
	assert_int_equal(audit_check_consistency(a, b, huge, NULL), ERR_INVALID);
	free(huge);
	/* line ends of another system are fine: the proof is not signed */
	char *crlf = strdup(p);
	swap_text(&crlf, "\nfrom 8\nto 13\n", "\nfrom 8\r\nto 13\r\n");
	assert_int_equal(audit_check_consistency(a, b, crlf, NULL), ERR_OK);
	free(crlf);
	/* a later checkpoint edited, or signed by a key other than the one
	 * pinned: refused before the proof is looked at */
	char *size = strstr(b, "size 13");
	size[6] = '4';
	assert_int_equal(audit_check_consistency(a, b, p, NULL), ERR_CRYPTO);
	size[6] = '3';
	assert_int_equal(audit_check_consistency(a, b, p, "00"), ERR_CRYPTO);
	free(shorter);
	free(longer);
	free(sizes);
	free(same);
	free(p);
	free(a);
	free(b);
}

/* AUD-08: entries below the earlier checkpoint rewritten, the chain re-made
 * consistently after them and a new checkpoint signed: the proof fails. */
static void test_rewrite_below_checkpoint_caught(void **state)
{
	char *a = checkpoint(state), *b, *p = NULL;
	struct audit_verdict v;
	tu_drop_audit_triggers(D(state));
	tu_sql(D(state), "DELETE FROM audit_log WHERE seq >= 5");
	for (int i = 0; i < 9; i++)
		append(D(state), 200 + i);
	assert_int_equal(audit_verify(D(state), &v), ERR_OK);
	assert_int_equal(v.first_bad, 0); /* the chain alone cannot tell */
	assert_int_equal(v.entries, 13);
	b = checkpoint(state);
	assert_int_equal(audit_prove_consistency(D(state), a, b, &p), ERR_OK);
	assert_int_equal(audit_check_consistency(a, b, p, NULL), ERR_CONFLICT);
	free(p);
	free(a);
	free(b);
}

/* What a proof cannot be made from: a log shorter than the later
 * checkpoint, a broken chain, a checkpoint of version 1 (no root). */
static void test_prove_refusals(void **state)
{
	char *a = checkpoint(state), *b, *p = (char *)1;
	append(D(state), 9);
	append(D(state), 10);
	b = checkpoint(state);
	tu_drop_audit_triggers(D(state));
	tu_sql(D(state), "DELETE FROM audit_log WHERE seq = 10");
	assert_int_equal(audit_prove_consistency(D(state), a, b, &p), ERR_NOT_FOUND);
	assert_null(p);
	tu_sql(D(state), "UPDATE audit_log SET detail = 'edited' WHERE seq = 3");
	assert_int_equal(audit_prove_consistency(D(state), a, b, &p), ERR_CONFLICT);
	char *v1 = strdup(a);
	memcpy(strstr(v1, "checkpoint 2"), "checkpoint 1", 12);
	assert_int_equal(audit_prove_consistency(D(state), v1, b, &p), ERR_INVALID);
	free(v1);
	free(a);
	free(b);
}

/* The empty log's checkpoint: every later one extends it. */
static void test_from_empty_log(void **state)
{
	(void)state;
	struct tu_store st;
	struct audit_verdict v;
	char *a = NULL, *b = NULL, *p = NULL;
	tu_store_open(&st);
	db *d = registry_db(st.r);
	assert_int_equal(audit_checkpoint(d, registry_keyring(st.r), &v, &a), ERR_OK);
	append(d, 1);
	assert_int_equal(audit_checkpoint(d, registry_keyring(st.r), &v, &b), ERR_OK);
	assert_int_equal(audit_prove_consistency(d, a, b, &p), ERR_OK);
	assert_string_equal(p, "haven-audit-consistency 1\nfrom 0\nto 1\n");
	assert_int_equal(audit_check_consistency(a, b, p, NULL), ERR_OK);
	free(a);
	free(b);
	free(p);
	tu_store_close(&st);
}

/* Every entry's proof holds against the checkpoint; the entry it carries,
 * its number, its time, a hash of the proof or the size changed: refused. */
static void test_inclusion_holds(void **state)
{
	char *b = checkpoint(state), *p = NULL;
	int64_t seq = 0;
	for (int n = 1; n <= ENTRIES; n++) {
		assert_int_equal(audit_prove_inclusion(D(state), n, b, &p), ERR_OK);
		assert_int_equal(audit_check_inclusion(b, p, NULL, &seq), ERR_OK);
		assert_int_equal(seq, n);
		free(p);
	}
	assert_int_equal(audit_prove_inclusion(D(state), 3, b, &p), ERR_OK);
	assert_non_null(strstr(p, "\"object_ref\": \"P-3\""));
	assert_null(strstr(p, "P-4")); /* the entry itself, nothing of the others */
	const char *changes[][2] = {
		{"\"object_ref\": \"P-3\"", "\"object_ref\": \"P-4\""},
		{"\"seq\": 3", "\"seq\": 4"},
		{"\"outcome\": \"ok\"", "\"outcome\": \"denied\""},
		{"\"actor\": \"tester\"", "\"actor\": \"tester \""},
	};
	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		char *q = strdup(p);
		swap_text(&q, changes[i][0], changes[i][1]);
		assert_int_equal(audit_check_inclusion(b, q, NULL, NULL), ERR_CONFLICT);
		free(q);
	}
	char *q = strdup(p);
	char *hex = strstr(q, "\"proof\": [") + strlen("\"proof\": [");
	hex = strchr(hex, '"') + 1;
	*hex = *hex == '0' ? '1' : '0';
	assert_int_equal(audit_check_inclusion(b, q, NULL, NULL), ERR_CONFLICT);
	free(q);
	/* not what a proof is: another size, a key more, a key twice, one missing */
	const char *malformed[][2] = {
		{"\"size\": 8", "\"size\": 9"},
		{"\"size\": 8", "\"size\": 8, \"note\": 1"},
		{"\"size\": 8", "\"size\": 8, \"size\": 8"},
		{"\"request_id\": \"req\",", ""},
		{"\"haven_audit_inclusion\": 1", "\"haven_audit_inclusion\": 2"},
	};
	for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
		q = strdup(p);
		swap_text(&q, malformed[i][0], malformed[i][1]);
		assert_int_equal(audit_check_inclusion(b, q, NULL, NULL), ERR_INVALID);
		free(q);
	}
	/* a checkpoint edited, or pinned to another key */
	char *size = strstr(b, "size 8");
	size[5] = '9';
	assert_int_equal(audit_check_inclusion(b, p, NULL, NULL), ERR_CRYPTO);
	size[5] = '8';
	assert_int_equal(audit_check_inclusion(b, p, "00", NULL), ERR_CRYPTO);
	/* entries the checkpoint does not cover */
	char *none = (char *)1;
	assert_int_equal(audit_prove_inclusion(D(state), 0, b, &none), ERR_INVALID);
	assert_null(none);
	assert_int_equal(audit_prove_inclusion(D(state), ENTRIES + 1, b, &none), ERR_INVALID);
	free(p);
	free(b);
}

/* An entry rewritten (and the chain after it re-made): its old proof fails
 * against the new checkpoint, and the new entry's against the old one. */
static void test_inclusion_after_rewrite(void **state)
{
	char *a = checkpoint(state), *b, *old = NULL, *now = NULL;
	assert_int_equal(audit_prove_inclusion(D(state), 3, a, &old), ERR_OK);
	tu_drop_audit_triggers(D(state));
	tu_sql(D(state), "DELETE FROM audit_log WHERE seq >= 3");
	for (int i = 3; i <= ENTRIES; i++)
		append(D(state), i == 3 ? 99 : i);
	b = checkpoint(state);
	assert_int_equal(audit_check_inclusion(b, old, NULL, NULL), ERR_CONFLICT);
	assert_int_equal(audit_prove_inclusion(D(state), 3, b, &now), ERR_OK);
	assert_int_equal(audit_check_inclusion(b, now, NULL, NULL), ERR_OK);
	assert_int_equal(audit_check_inclusion(a, now, NULL, NULL), ERR_CONFLICT);
	free(old);
	free(now);
	free(a);
	free(b);
}

/* `haven audit prove` on the server and `haven audit check` away from it,
 * as the coordinator's office would run them. */
static void test_cli_prove_and_check(void **state)
{
	struct tu_store *st = *state;
	char cmd[3072], a[1024], b[1024], p[1024], *out = NULL, *err = NULL;
	snprintf(a, sizeof a, "%s/a.txt", st->dir);
	snprintf(b, sizeof b, "%s/b.txt", st->dir);
	snprintf(p, sizeof p, "%s/p.txt", st->dir);
	snprintf(cmd, sizeof cmd, "'%s' audit checkpoint --db '%s' --key '%s' > '%s'", HAVEN_BIN,
		 st->db, st->key, a);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	append(D(state), 9);
	snprintf(cmd, sizeof cmd, "'%s' audit checkpoint --db '%s' --key '%s' > '%s'", HAVEN_BIN,
		 st->db, st->key, b);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' audit prove --db '%s' --key '%s' --from '%s' --to '%s' > '%s'",
		 HAVEN_BIN, st->db, st->key, a, b, p);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	/* no database and no key needed to check */
	snprintf(cmd, sizeof cmd, "'%s' audit check --from '%s' --to '%s' --proof '%s'", HAVEN_BIN, a,
		 b, p);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "OK: "));
	free(out);
	/* the checkpoints swapped: not a proof for them */
	snprintf(cmd, sizeof cmd, "'%s' audit check --from '%s' --to '%s' --proof '%s'", HAVEN_BIN, b,
		 a, p);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "consistency proof"));
	free(err);
	/* a proof whose hash was changed: BROKEN, exit 1 */
	snprintf(cmd, sizeof cmd, "sed -i 's/^hash 0/hash 1/; t; s/^hash ./hash 0/' '%s'", p);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' audit check --from '%s' --to '%s' --proof '%s'", HAVEN_BIN, a,
		 b, p);
	assert_int_equal(tu_run(cmd, &out, NULL), 1);
	assert_non_null(strstr(out, "BROKEN: "));
	free(out);
	/* an entry's proof */
	snprintf(cmd, sizeof cmd, "'%s' audit prove --db '%s' --key '%s' --entry 4 --to '%s' > '%s'",
		 HAVEN_BIN, st->db, st->key, b, p);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' audit check --to '%s' --proof '%s'", HAVEN_BIN, b, p);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "number 4, is in the log"));
	free(out);
	snprintf(cmd, sizeof cmd, "sed -i 's/\"P-4\"/\"P-5\"/' '%s'", p);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' audit check --to '%s' --proof '%s'", HAVEN_BIN, b, p);
	assert_int_equal(tu_run(cmd, &out, NULL), 1);
	assert_non_null(strstr(out, "BROKEN: "));
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' audit prove --db '%s' --key '%s' --entry four --to '%s'",
		 HAVEN_BIN, st->db, st->key, b);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "--entry takes an entry's number"));
	free(err);
	/* a file missing: named */
	snprintf(cmd, sizeof cmd, "'%s' audit check --from '%s' --to '%s'", HAVEN_BIN, a, b);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "--proof"));
	free(err);
}

/* AUD-14: `haven audit checkpoint --dir` from cron: a checkpoint only once
 * enough entries came, never of one new entry, and none once the log no
 * longer holds what the last one kept signed. */
static void test_cli_checkpoint_dir(void **state)
{
	struct tu_store *st = *state;
	char cmd[3072], *out = NULL, *err = NULL;
	char *dir = tu_path(st->dir, "kept");
	snprintf(cmd, sizeof cmd, "mkdir '%s'", dir);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' audit checkpoint --db '%s' --key '%s' --dir '%s' --min-new 3",
		 HAVEN_BIN, st->db, st->key, dir);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "checkpoint-000000000008.txt (8 entries)"));
	free(out);
	append(D(state), 9); /* with the run's own entry: 2 new, fewer than 3 */
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "Nothing written: 2 new entries"));
	free(out);
	append(D(state), 10);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "checkpoint-000000000011.txt (11 entries)"));
	free(out);
	/* the checkpoint kept verifies against the log */
	snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s' --key '%s' --checkpoint '%s/checkpoint-000000000011.txt'",
		 HAVEN_BIN, st->db, st->key, dir);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	/* entries below it rewritten and the chain re-made: refused */
	tu_drop_audit_triggers(D(state));
	tu_sql(D(state), "DELETE FROM audit_log WHERE seq >= 6");
	for (int i = 0; i < 12; i++)
		append(D(state), 300 + i);
	snprintf(cmd, sizeof cmd, "'%s' audit checkpoint --db '%s' --key '%s' --dir '%s' --min-new 3",
		 HAVEN_BIN, st->db, st->key, dir);
	assert_int_equal(tu_run(cmd, &out, &err), 1);
	assert_non_null(strstr(err, "BROKEN: the log no longer holds what"));
	assert_string_equal(out, "");
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' audit checkpoint --db '%s' --key '%s' --dir '%s' --min-new 1",
		 HAVEN_BIN, st->db, st->key, dir);
	assert_int_equal(tu_run(cmd, NULL, &err), 2);
	assert_non_null(strstr(err, "--min-new takes a whole number from 2"));
	free(err);
	free(dir);
}

/* Proofs and checkpoints that are not what they should be: refused as such,
 * before any hash is computed. */
static void test_malformed_proofs(void **state)
{
	char *a = checkpoint(state), *b, *p = NULL, *q, *none = (char *)1;
	append(D(state), 9);
	append(D(state), 10);
	b = checkpoint(state);
	char *v1 = strdup(a);
	swap_text(&v1, "checkpoint 2", "checkpoint 1");
	assert_int_equal(audit_prove_consistency(D(state), "hello", b, &none), ERR_INVALID);
	assert_int_equal(audit_prove_inclusion(D(state), 3, v1, &none), ERR_INVALID);
	assert_null(none);
	/* a consistency proof: from a version-1 checkpoint, or of 129 hashes */
	assert_int_equal(audit_prove_consistency(D(state), a, b, &p), ERR_OK);
	assert_int_equal(audit_check_consistency(v1, b, p, NULL), ERR_INVALID); /* a root in version 1 */
	q = malloc(strlen(p) + 129 * 72);
	strcpy(q, p);
	for (int i = 0; i < 129; i++)
		sprintf(q + strlen(q), "hash %064d\n", i);
	assert_int_equal(audit_check_consistency(a, b, q, NULL), ERR_INVALID);
	free(q);
	free(p);
	/* an entry's proof: the proof not a list, a hash not text or not hex,
	 * an entry number outside the checkpoint */
	assert_int_equal(audit_prove_inclusion(D(state), 3, b, &p), ERR_OK);
	char *hashes = strstr(p, "\"proof\": [");
	assert_non_null(hashes);
	const char *bad[] = {"\"proof\": \"none\"", "\"proof\": [1]", "\"proof\": [\"zz\"]"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		q = malloc(strlen(p) + 32);
		sprintf(q, "%.*s%s}", (int)(hashes - p), p, bad[i]);
		assert_int_equal(audit_check_inclusion(b, q, NULL, NULL), ERR_INVALID);
		free(q);
	}
	const char *seqs[] = {"\"seq\": 0", "\"seq\": 11", "\"seq\": -3"};
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		q = strdup(p);
		swap_text(&q, "\"seq\": 3", seqs[i]);
		assert_int_equal(audit_check_inclusion(b, q, NULL, NULL), ERR_INVALID);
		free(q);
	}
	assert_int_equal(audit_check_inclusion(b, "[]", NULL, NULL), ERR_INVALID);
	assert_int_equal(audit_check_inclusion(b, "{", NULL, NULL), ERR_INVALID);
	free(p);
	/* a broken chain: no entry's proof either */
	tu_drop_audit_triggers(D(state));
	tu_sql(D(state), "UPDATE audit_log SET detail = 'edited' WHERE seq = 2");
	none = (char *)1;
	assert_int_equal(audit_prove_inclusion(D(state), 3, b, &none), ERR_CONFLICT);
	assert_null(none);
	free(v1);
	free(a);
	free(b);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_known_answer),
		T(test_checkpoint_carries_root),
		T(test_consistency_holds),
		T(test_rewrite_below_checkpoint_caught),
		T(test_prove_refusals),
		T(test_inclusion_holds),
		T(test_inclusion_after_rewrite),
		cmocka_unit_test(test_from_empty_log),
		T(test_cli_prove_and_check),
		T(test_cli_checkpoint_dir),
		T(test_malformed_proofs),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
