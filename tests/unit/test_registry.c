/*
 * test_registry.c - the registry on a real SQLite file: creation, key checks,
 * durability settings, upserts, and personal data never stored in clear.
 * TU_BOTH_ENGINES: also run on PostgreSQL, where the settings checked are the
 * server's and the bytes searched are the whole cluster's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/audit.h"
#include "core/registry.h"
#include "testutil.h"
#include "util/date.h"

struct fixture {
	char *dir, *dbpath, *keypath, *wal;
	struct registry_paths paths;
	registry *r;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char errbuf[ERRBUF_MAX];
	f->dir = tu_tempdir();
	f->dbpath = tu_new_database(f->dir);
	f->keypath = tu_path(f->dir, "h.key");
	f->wal = malloc(strlen(f->dbpath) + 5);
	snprintf(f->wal, strlen(f->dbpath) + 5, "%s-wal", f->dbpath);
	f->paths = (struct registry_paths){f->dbpath, f->keypath};
	assert_int_equal(registry_init(&f->paths, "AZE", errbuf), ERR_OK);
	assert_int_equal(registry_open(&f->paths, &f->r, errbuf), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	registry_close(f->r);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->dbpath);
	free(f->keypath);
	free(f->wal);
	free(f);
	return 0;
}

static int64_t d(const char *s)
{
	int64_t t;
	assert_int_equal(date_parse(s, &t), ERR_OK);
	return t;
}

static struct person victim(const char *ref)
{
	return (struct person){
		.ref = ref, .status = "victim", .given_name = "Gülşən", .family_name = "Məmmədova",
		.sex = "female", .birth_date = "1990-04-02", .citizenship = "AZE",
		.identified_on = d("2024-01-10"), .identification_source = "police",
		.recognized_on = d("2024-02-01"), .decided_on = DATE_NONE,
		.exploitation = "sexual;labour", .country_of_exploitation = "TUR"};
}

static void put_person(registry *r, const struct person *p, enum put_outcome want)
{
	enum put_outcome got;
	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	assert_int_equal(registry_put_person(r, p, 0, &got), ERR_OK);
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
	assert_int_equal(got, want);
}

static void test_init_refuses_existing(void **state)
{
	struct fixture *f = *state;
	char errbuf[ERRBUF_MAX];
	assert_int_not_equal(registry_init(&f->paths, "AZE", errbuf), ERR_OK);
	struct registry_paths other = {f->dbpath, "/nonexistent/dir/k.key"};
	assert_int_equal(registry_init(&other, "AZE", errbuf), ERR_CONFLICT);
}

static void test_open_refusals(void **state)
{
	struct fixture *f = *state;
	char errbuf[ERRBUF_MAX];
	registry *r = NULL;
	char *missing = tu_new_database(f->dir);
	if (!tu_engine_is_postgres()) {
		free(missing);
		missing = tu_path(f->dir, "none.db");
	}
	struct registry_paths p = {missing, f->keypath};
	assert_int_equal(registry_open(&p, &r, errbuf), ERR_NOT_FOUND);
	assert_non_null(strstr(errbuf, "haven init"));
	/* a key from another deployment does not open this database (FLE-13) */
	char *db2 = tu_new_database(f->dir), *key2 = tu_path(f->dir, "other.key");
	if (!tu_engine_is_postgres()) {
		free(db2);
		db2 = tu_path(f->dir, "other.db");
	}
	struct registry_paths p2 = {db2, key2}, mixed = {f->dbpath, key2};
	assert_int_equal(registry_init(&p2, "AZE", errbuf), ERR_OK);
	assert_int_equal(registry_open(&mixed, &r, errbuf), ERR_CRYPTO);
	assert_non_null(strstr(errbuf, "does not open"));
	assert_null(r);
	free(missing);
	free(db2);
	free(key2);
}

static void test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	char errbuf[ERRBUF_MAX];
	registry *r = NULL;
	db *d = NULL;
	db_stmt *st = NULL;
	registry_close(f->r);
	f->r = NULL;
	/* as if a newer haven had migrated it */
	assert_int_equal(db_open(f->dbpath, DB_OPEN_EXISTING, &d, errbuf), ERR_OK);
	assert_int_equal(db_prepare(d, "INSERT INTO schema_migrations VALUES (999, 0)", &st), ERR_OK);
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
	db_close(d);
	assert_int_equal(registry_open(&f->paths, &r, errbuf), ERR_VERSION);
	assert_non_null(strstr(errbuf, "newer haven"));
}

static void check_settings(registry *r, const char *const (*checks)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		db_stmt *st;
		assert_int_equal(db_prepare(registry_db(r), checks[i][0], &st), ERR_OK);
		assert_int_equal(db_step(st), DB_ROW);
		assert_string_equal(db_col_text(st, 0), checks[i][1]);
		db_finalize(st);
	}
}

/* REL-02: a committed write survives a crash or power loss. */
static void test_durability_settings(void **state)
{
	struct fixture *f = *state;
	static const char *const lite[][2] = {
		{"PRAGMA journal_mode", "wal"}, {"PRAGMA synchronous", "2"},
		{"PRAGMA foreign_keys", "1"},   {"PRAGMA secure_delete", "1"},
	};
	static const char *const pg[][2] = {
		{"SELECT current_setting('fsync')", "on"},
		{"SELECT current_setting('synchronous_commit')", "on"},
		{"SELECT current_setting('full_page_writes')", "on"},
		{"SELECT current_setting('data_checksums')", "on"},
	};
	if (tu_engine_is_postgres())
		check_settings(f->r, pg, sizeof pg / sizeof pg[0]);
	else
		check_settings(f->r, lite, sizeof lite / sizeof lite[0]);
}

static void test_upsert_is_idempotent(void **state)
{
	struct fixture *f = *state;
	struct person p = victim("P-1");
	put_person(f->r, &p, PUT_ADDED);
	put_person(f->r, &p, PUT_UNCHANGED);
	p.exploitation = "labour;sexual"; /* the same set in another order */
	put_person(f->r, &p, PUT_UNCHANGED);
	p.phone = "+994 00 000 0000";
	put_person(f->r, &p, PUT_UPDATED);
	put_person(f->r, &p, PUT_UNCHANGED);
}

static err_t keep_person(const struct person *p, void *ctx)
{
	char *out = ctx;
	snprintf(out, 256, "%s|%s|%s|%s|%s", p->given_name, p->family_name, p->birth_date,
		 p->exploitation, p->parent_ref ? p->parent_ref : "-");
	return ERR_OK;
}

static void test_read_back_decrypted(void **state)
{
	struct fixture *f = *state;
	struct person p = victim("P-1");
	char got[256] = "";
	put_person(f->r, &p, PUT_ADDED);
	assert_int_equal(registry_each_person(f->r, "P-1", keep_person, got), ERR_OK);
	assert_string_equal(got, "Gülşən|Məmmədova|1990-04-02|labour;sexual|-");
	assert_int_equal(registry_each_person(f->r, "P-404", keep_person, got), ERR_NOT_FOUND);
}

static void test_references_must_exist(void **state)
{
	struct fixture *f = *state;
	enum put_outcome out;
	struct person child = {.ref = "C-1", .status = "dependant", .parent_ref = "P-9",
			       .given_name = "Aysel", .family_name = "Əliyeva", .sex = "female",
			       .identified_on = DATE_NONE, .recognized_on = DATE_NONE,
			       .decided_on = DATE_NONE};
	struct service s = {.ref = "S-1", .person_ref = "P-9", .service = "shelter",
			    .provider = "mia_shelter", .date = d("2024-03-01"), .end_date = DATE_NONE};
	assert_int_equal(registry_put_person(f->r, &child, 0, &out), ERR_NOT_FOUND);
	assert_int_equal(registry_put_service(f->r, &s, 0, &out), ERR_NOT_FOUND);
	/* a parent must be a victim or potential victim */
	struct person nc = victim("P-9");
	nc.status = "not_confirmed";
	nc.recognized_on = DATE_NONE;
	nc.decided_on = d("2024-03-01");
	put_person(f->r, &nc, PUT_ADDED);
	assert_int_equal(registry_put_person(f->r, &child, 0, &out), ERR_INVALID);
}

/* The child and foreign flags the report counts with. */
static void test_derived_flags(void **state)
{
	struct fixture *f = *state;
	struct person a = victim("A"), b = victim("B"), c = victim("C"), e = victim("E");
	a.birth_date = "2006-01-10"; /* 18 on the day of identification: adult */
	b.birth_date = "2006";       /* as young as possible: born 2006-12-31, a child */
	c.birth_date = NULL;         /* unknown */
	c.citizenship = "XXA";       /* stateless: foreign */
	e.citizenship = NULL;        /* absent: not foreign */
	put_person(f->r, &a, PUT_ADDED);
	put_person(f->r, &b, PUT_ADDED);
	put_person(f->r, &c, PUT_ADDED);
	put_person(f->r, &e, PUT_ADDED);
	db_stmt *st;
	assert_int_equal(db_prepare(registry_db(f->r),
				    "SELECT ref, coalesce(is_child, -1), is_foreign FROM persons ORDER BY ref",
				    &st),
			 ERR_OK);
	static const char *const want[] = {"A 0 0", "B 1 0", "C -1 1", "E 0 0"};
	for (int i = 0; i < 4; i++) {
		char row[32];
		assert_int_equal(db_step(st), DB_ROW);
		snprintf(row, sizeof row, "%s %lld %lld", db_col_text(st, 0), (long long)db_col_int(st, 1),
			 (long long)db_col_int(st, 2));
		assert_string_equal(row, want[i]);
	}
	db_finalize(st);
}

/* Every personal field carries a unique marker; none may reach the file. */
static void test_no_plaintext_at_rest(void **state)
{
	struct fixture *f = *state;
	enum put_outcome out;
	struct person p = {
		.ref = "P-CANARY", .status = "victim", .given_name = "ZZCANARY-given",
		.family_name = "ZZCANARY-family", .patronymic = "ZZCANARY-patronymic",
		.sex = "female", .birth_date = "1991-07-13", .document_number = "ZZCANARY-doc",
		.phone = "ZZCANARY-phone", .address = "ZZCANARY-address",
		.identified_on = d("2024-01-10"), .identification_source = "police",
		.recognized_on = d("2024-01-11"), .decided_on = DATE_NONE};
	struct service s = {.ref = "S-CANARY", .person_ref = "P-CANARY", .service = "shelter",
			    .provider = "mia_shelter", .date = d("2024-03-01"),
			    .end_date = DATE_NONE, .note = "ZZCANARY-note"};
	static const char *const markers[] = {"ZZCANARY", "1991-07-13", "Məmmədova"};
	assert_int_equal(db_begin(registry_db(f->r)), ERR_OK);
	assert_int_equal(registry_put_person(f->r, &p, 0, &out), ERR_OK);
	assert_int_equal(registry_put_service(f->r, &s, 0, &out), ERR_OK);
	assert_int_equal(db_commit(registry_db(f->r)), ERR_OK);
	if (tu_engine_is_postgres()) {
		/* every byte the cluster holds: tables, indexes, WAL */
		assert_int_equal(db_exec_simple(registry_db(f->r), "CHECKPOINT"), ERR_OK);
		assert_true(tu_tree_contains(getenv("HAVEN_TEST_PG"), "P-CANARY", 8));
		for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
			assert_false(tu_tree_contains(getenv("HAVEN_TEST_PG"), markers[i],
						      strlen(markers[i])));
		return;
	}
	/* the search looks at real pages: the WAL holds the new rows */
	assert_true(tu_file_contains(f->wal, "P-CANARY", 8));
	for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
		assert_false(tu_file_contains(f->dbpath, markers[i], strlen(markers[i])));
		assert_false(tu_file_contains(f->wal, markers[i], strlen(markers[i])));
	}
	registry_close(f->r); /* checkpoints the WAL into the database file */
	f->r = NULL;
	assert_false(tu_file_contains(f->dbpath, "ZZCANARY", 8));
}

/* The server opens registries on several threads at once (its pool, its
 * checkpointer, its audit queue), and each open names the process's user for
 * the audit log.  getpwuid's answer is shared by all threads: under
 * ThreadSanitizer (this test is labelled threads) two threads asking at once
 * were a data race, caught once in CI opening registries. */
static void *name_the_user(void *arg)
{
	char actor[128];
	(void)arg;
	for (int i = 0; i < 200; i++)
		audit_cli_actor(actor, sizeof actor);
	return strncmp(actor, "cli:", 4) == 0 ? NULL : (void *)1;
}

static void test_user_named_on_two_threads(void **state)
{
	pthread_t th[2];
	void *failed[2];
	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, name_the_user, NULL), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], &failed[i]);
		assert_null(failed[i]);
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_init_refuses_existing), T(test_open_refusals),
		T(test_newer_schema_refused),  T(test_durability_settings),
		T(test_upsert_is_idempotent),  T(test_read_back_decrypted),
		T(test_references_must_exist), T(test_derived_flags),
		T(test_no_plaintext_at_rest),  T(test_user_named_on_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
