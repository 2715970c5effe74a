/*
 * test_retention.c - checklist HUM-11: with the clock past each status's
 * period after a family's last activity, the purge erases (as HUM-09) every
 * record due and nothing else, once, with one audit entry each; a legal hold
 * on anyone of a family keeps the family until it is lifted; a dry run
 * erases nothing; and `haven retention` does the same through the binary,
 * where `haven person subject-access` (HUM-08) tells the person why and how
 * long their record is kept.
 *
 * TU_BOTH_ENGINES: also on PostgreSQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/clock.h"
#include "core/retention.h"
#include "core/totp.h"
#include "testutil.h"
#include "util/date.h"

struct fx {
	char *dir, *db, *key;
	registry *r;
};

static void person(registry *r, const char *ref, const char *status, const char *parent,
		   const char *identified, const char *decided)
{
	enum put_outcome o;
	int dep = strcmp(status, "dependant") == 0;
	struct person p = {.ref = ref, .status = status, .parent_ref = parent,
			   .given_name = "ZZCANARY-given", .family_name = "Family", .sex = "female",
			   .birth_date = dep ? "2015" : "1990",
			   .identified_on = identified ? tu_day(identified) : DATE_NONE,
			   .identification_source = dep ? NULL : "police",
			   .recognized_on = strcmp(status, "victim") == 0 ? tu_day(identified) : DATE_NONE,
			   .decided_on = decided ? tu_day(decided) : DATE_NONE};
	assert_int_equal(registry_put_person(r, &p, 0, &o), ERR_OK);
}

static void service(registry *r, const char *ref, const char *who, const char *on,
		    const char *ended)
{
	enum put_outcome o;
	struct service s = {.ref = ref, .person_ref = who, .service = "shelter",
			    .provider = "mia_shelter", .date = tu_day(on),
			    .end_date = ended ? tu_day(ended) : DATE_NONE, .note = "ZZCANARY-note"};
	assert_int_equal(registry_put_service(r, &s, 0, &o), ERR_OK);
}

static void referral(registry *r, const char *ref, const char *who, const char *on,
		     const char *closed)
{
	enum put_outcome o;
	struct referral f = {.ref = ref, .person_ref = who, .from = "ngo", .to = "mia_shelter",
			     .purpose = "shelter", .date = tu_day(on), .status = "completed",
			     .closed_on = tu_day(closed)};
	assert_int_equal(registry_put_referral(r, &f, 0, &o), ERR_OK);
}

/*
 *   V1 victim, service ended 2013-06-30; D1 its child, served 2014-03-01:
 *      the family's last day 2014-03-01, kept until 2024-03-01
 *   P1 potential victim, referral closed 2018-02-02: until 2023-02-02
 *   N1 not confirmed, decided 2019-06-01: until 2022-06-01
 *   H1 victim of 2005, held (court order): kept
 *   V3 victim of 2005 whose child D3 is held: kept with it
 *   V2 victim of 2024: until 2034-01-01
 *   O1 a dependant without a parent: no period
 */
static void seed(registry *r)
{
	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	person(r, "V1", "victim", NULL, "2010-01-10", NULL);
	person(r, "D1", "dependant", "V1", NULL, NULL);
	person(r, "P1", "potential_victim", NULL, "2016-04-04", NULL);
	person(r, "N1", "not_confirmed", NULL, "2019-01-01", "2019-06-01");
	person(r, "H1", "victim", NULL, "2005-01-01", NULL);
	person(r, "V3", "victim", NULL, "2005-01-01", NULL);
	person(r, "D3", "dependant", "V3", NULL, NULL);
	person(r, "V2", "victim", NULL, "2024-01-01", NULL);
	person(r, "O1", "dependant", NULL, NULL, NULL);
	service(r, "S1", "V1", "2012-05-01", "2013-06-30");
	service(r, "S2", "D1", "2014-03-01", NULL);
	referral(r, "R1", "P1", "2017-01-01", "2018-02-02");
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
	assert_int_equal(retention_hold(r, "H1", "court_order", "officer.one", tu_day("2020-01-01")),
			 ERR_OK);
	assert_int_equal(retention_hold(r, "D3", "investigation", "officer.one", tu_day("2020-01-01")),
			 ERR_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = tu_tempdir();
	f->db = tu_new_database(f->dir);
	f->key = tu_path(f->dir, "haven.key");
	f->r = tu_registry_new(f->db, f->key);
	seed(f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	registry_close(f->r);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->key);
	free(f);
	return 0;
}

static int64_t count(registry *r, const char *sql, const char *arg)
{
	db_stmt *st = NULL;
	int64_t n = -1;
	assert_int_equal(db_prepare(registry_db(r), sql, &st), ERR_OK);
	if (arg)
		assert_int_equal(db_bind_text(st, 1, arg), ERR_OK);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_finalize(st);
	return n;
}

static int64_t purges(registry *r)
{
	return count(r, "SELECT count(*) FROM audit_log WHERE action = 'person.erase' AND "
			"detail = 'retention period ended'", NULL);
}

/* The refs erased so far, in id order, as "A B C". */
static void erased(registry *r, char *buf, size_t len)
{
	static const char *const all[] = {"V1", "D1", "P1", "N1", "H1", "V3", "D3", "V2", "O1"};
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (registry_is_erased(r, all[i]))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? " " : "",
				 all[i]);
}

static void run_at(registry *r, const char *when, int dry, int64_t purged, int64_t held)
{
	struct retention_summary s = {0};
	assert_int_equal(retention_run(r, tu_day(when), dry, NULL, NULL, &s), ERR_OK);
	assert_int_equal(s.purged, purged);
	assert_int_equal(s.held, held);
}

static err_t check_given(const struct person *p, void *ctx)
{
	(void)ctx;
	assert_string_equal(p->given_name, REGISTRY_ERASED_NAME);
	assert_null(p->birth_date);
	return ERR_OK;
}

/* Each period, as the clock passes it; each purge once, audited once. */
static void test_purges_what_is_due(void **state)
{
	struct fx *f = *state;
	char was[128];
	run_at(f->r, "2022-05-31", 0, 0, 3); /* H1, V3, D3 are due but held */
	erased(f->r, was, sizeof was);
	assert_string_equal(was, "");
	run_at(f->r, "2022-06-01", 0, 1, 3);
	erased(f->r, was, sizeof was);
	assert_string_equal(was, "N1");
	run_at(f->r, "2023-02-02", 0, 1, 3);
	run_at(f->r, "2023-02-02", 0, 0, 3); /* nothing twice */
	erased(f->r, was, sizeof was);
	assert_string_equal(was, "P1 N1");
	/* V1's own last day was 2013-06-30, but its child was served in 2014 */
	run_at(f->r, "2024-02-29", 0, 0, 3);
	run_at(f->r, "2024-03-01", 0, 2, 3);
	erased(f->r, was, sizeof was);
	assert_string_equal(was, "V1 D1 P1 N1");
	run_at(f->r, "2090-01-01", 0, 1, 3); /* V2; O1 has no period */
	assert_int_equal(purges(f->r), 5);
	assert_int_equal(count(f->r, "SELECT count(*) FROM audit_log WHERE action = 'person.erase' "
				     "AND object_ref = $1",
			       "P1"),
			 1);
	/* the log says why, never the status (the years kept would tell it) */
	assert_int_equal(count(f->r, "SELECT count(*) FROM audit_log WHERE action = 'person.erase' "
				     "AND (detail LIKE '%victim%' OR detail LIKE '%years%')",
			       NULL),
			 0);
	assert_int_equal(registry_each_person(f->r, "V1", check_given, NULL), ERR_OK);
	assert_int_equal(count(f->r, "SELECT count(*) FROM services WHERE note_enc IS NOT NULL AND "
				     "person_id = (SELECT id FROM persons WHERE ref = $1)",
			       "D1"),
			 0);
	/* the statistics keep the erased: the persons are still counted */
	assert_int_equal(count(f->r, "SELECT count(*) FROM persons", NULL), 9);
}

/* A dry run says what would go and erases nothing. */
static void test_dry_run(void **state)
{
	struct fx *f = *state;
	char was[128];
	run_at(f->r, "2030-01-01", 1, 4, 3);
	erased(f->r, was, sizeof was);
	assert_string_equal(was, "");
	assert_int_equal(purges(f->r), 0);
}

/* A hold keeps the family until it is lifted; bad holds are refused. */
static void test_holds(void **state)
{
	struct fx *f = *state;
	char was[128];
	assert_int_equal(retention_hold(f->r, "V1", "whim", "o", tu_day("2020-01-01")), ERR_INVALID);
	assert_int_equal(retention_hold(f->r, "NOBODY", "court_order", "o", tu_day("2020-01-01")),
			 ERR_NOT_FOUND);
	assert_int_equal(retention_hold(f->r, "V2", NULL, "o", tu_day("2020-01-01")), ERR_CONFLICT);
	assert_int_equal(count(f->r, "SELECT count(*) FROM audit_log WHERE action = 'person.hold'",
			       NULL),
			 2);
	/* D3's hold lifted: its family goes at the next run */
	assert_int_equal(retention_hold(f->r, "D3", NULL, "o", tu_day("2021-01-01")), ERR_OK);
	assert_int_equal(count(f->r, "SELECT count(*) FROM audit_log WHERE action = "
				     "'person.release' AND object_ref = $1",
			       "D3"),
			 1);
	run_at(f->r, "2021-01-02", 0, 2, 1);
	erased(f->r, was, sizeof was);
	assert_string_equal(was, "V3 D3");
	assert_false(registry_is_erased(f->r, "H1"));
	struct audit_verdict v;
	assert_int_equal(audit_verify(registry_db(f->r), &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
}

/* `haven retention` through the binary. */
static void test_binary(void **state)
{
	struct fx *f = *state;
	char cmd[8192], answers[512] = "", *out = NULL, *err = NULL;
	struct tu_account o, cw;
	tu_add_account(f->db, f->key, "officer.r", "mia_ctd", "officer", &o);
	tu_add_account(f->db, f->key, "ngo.r", "ngo", "caseworker", &cw);
#define HAVEN "'" HAVEN_BIN "' retention "
	snprintf(cmd, sizeof cmd, HAVEN "show --db '%s' --key '%s'", f->db, f->key);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "victim 10 years"));
	assert_non_null(strstr(out, "H1"));
	assert_null(strstr(out, "V2")); /* not due: only with --all */
	free(out);
	snprintf(cmd, sizeof cmd, HAVEN "run --dry-run --db '%s' --key '%s'", f->db, f->key);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "would erase N1 (not_confirmed, last activity 2019-06-01, "
				    "kept 3 years)"));
	assert_non_null(strstr(out, "Dry run: would erase 4 persons; 3 kept by a legal hold."));
	free(out);
	/* holds are an officer's, authenticated */
	tu_console_answers(&cw, answers, sizeof answers);
	snprintf(cmd, sizeof cmd, "printf '%%s\\n' %s | " HAVEN "hold --db '%s' --key '%s' --by ngo.r "
		 "--reason court_order V1", answers, f->db, f->key);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	free(err);
	/* nor of an officer who has not accepted the data-protection terms (HUM-15) */
	registry *r = tu_registry_open(f->db, f->key);
	tu_sql(registry_db(r), "UPDATE users SET terms_version = NULL WHERE username = 'officer.r'");
	registry_close(r);
	answers[0] = '\0';
	tu_console_answers(&o, answers, sizeof answers);
	snprintf(cmd, sizeof cmd, "printf '%%s\\n' %s | " HAVEN "hold --db '%s' --key '%s' "
		 "--by officer.r --reason litigation V1", answers, f->db, f->key);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "officer.r has not accepted the current data-protection terms"));
	free(err);
	r = tu_registry_open(f->db, f->key);
	tu_accept_terms(r, "officer.r");
	registry_close(r);
	/* the refused attempt used this step's code: the next step's (±1 is taken) */
	char code[TOTP_CODE_MAX];
	assert_int_equal(totp_code(o.secret, o.secret_len, clock_now() + 30, code), ERR_OK);
	snprintf(cmd, sizeof cmd, "printf '%%s\\n' '%s' '%s' | " HAVEN "hold --db '%s' --key '%s' "
		 "--by officer.r --reason litigation V1", TU_PASSWORD, code, f->db, f->key);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "V1 and their family are held (litigation)"));
	free(out);
	snprintf(cmd, sizeof cmd, HAVEN "run --db '%s' --key '%s'", f->db, f->key);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "Erased 2 persons; 5 kept by a legal hold."));
	free(out);
	registry *again = tu_registry_open(f->db, f->key); /* sees the binary's erasures */
	assert_true(registry_is_erased(again, "N1"));
	assert_false(registry_is_erased(again, "V1"));
	registry_close(again);
	snprintf(cmd, sizeof cmd, HAVEN "hold --db '%s' --key '%s' V1", f->db, f->key);
	assert_int_equal(tu_run(cmd, NULL, &err), 2);
	free(err);
	/* the person's own copy (HUM-08) says how long and why it is kept */
	snprintf(cmd, sizeof cmd, "'%s' person subject-access --db '%s' --key '%s' V1", HAVEN_BIN,
		 f->db, f->key);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	json_error_t jerr;
	json_t *doc = json_loads(out, 0, &jerr);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "legal_hold"),
							      "reason")),
			    "litigation");
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "retention"),
							      "kept_until")),
			    "2024-03-01");
	assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "dependants"), 0)),
			    "D1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "person"),
							      "given_name")),
			    "ZZCANARY-given");
	json_t *last = json_array_get(json_object_get(doc, "accesses"),
				      json_array_size(json_object_get(doc, "accesses")) - 1);
	assert_string_equal(json_string_value(json_object_get(last, "action")),
			    "person.subject_access");
	json_decref(doc);
	free(out);
#undef HAVEN
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_purges_what_is_due),
		T(test_dry_run),
		T(test_holds),
		T(test_binary),
	};
#undef T
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
