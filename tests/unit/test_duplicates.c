/*
 * test_duplicates.c - probable duplicates across agencies (core/duplicates.h):
 * one person registered by two agencies under other spellings is counted
 * once; two persons who only sound alike are not merged; a document number
 * joins records whatever their names; the command prints counts and no
 * identity; over the API a caseworker gets nothing, an analyst and the
 * coordinator counts only, an officer the record ids.
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

#include "core/duplicates.h"
#include "http_client.h"
#include "util/date.h"

struct fx {
	struct tu_store st;
};

struct who {
	const char *ref, *given, *family, *sex, *birth, *doc, *identified, *agency;
};

/* A person and, when `agency` is set, a referral from that agency (the
 * agency the record is counted under). */
static void put(registry *r, const struct who *w)
{
	enum put_outcome o;
	char fref[80];
	struct person p = {.ref = w->ref, .status = "potential_victim", .given_name = w->given,
			   .family_name = w->family, .sex = w->sex, .birth_date = w->birth,
			   .document_number = w->doc,
			   .identified_on = tu_day(w->identified ? w->identified : "2024-03-01"),
			   .identification_source = "police", .recognized_on = DATE_NONE,
			   .decided_on = DATE_NONE};
	assert_int_equal(registry_put_person(r, &p, 0, &o), ERR_OK);
	if (!w->agency)
		return;
	snprintf(fref, sizeof fref, "R-%s", w->ref);
	struct referral f = {.ref = fref, .person_ref = w->ref, .from = w->agency,
			     .to = "mia_shelter", .purpose = "shelter",
			     .date = tu_day("2024-03-02"), .closed_on = DATE_NONE};
	assert_int_equal(registry_put_referral(r, &f, 0, &o), ERR_OK);
}

static void put_all(registry *r, const struct who *w, size_t n)
{
	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	for (size_t i = 0; i < n; i++)
		put(r, &w[i]);
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	tu_store_open(&f->st);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tu_store_close(&f->st);
	free(f);
	return 0;
}

static struct dup_result *find(registry *r, int year, unsigned flags)
{
	struct dup_result *d = NULL;
	assert_int_equal(duplicates_find(r, year, flags, &d), ERR_OK);
	assert_non_null(d);
	return d;
}

static int64_t agency_pairs(const struct dup_result *d, const char *a, const char *b)
{
	for (size_t i = 0; i < d->n_agencies; i++)
		if (strcmp(d->agencies[i].a, a) == 0 && strcmp(d->agencies[i].b, b) == 0)
			return d->agencies[i].pairs;
	return 0;
}

/* The police, an NGO and the shelter each registered Gülşən Məmmədova, in
 * Azerbaijani, in an English passport's spelling and in Russian. */
static const struct who gulshan[] = {
	{"P-1", "Gülşən", "Məmmədova", "female", "1990-04-02", NULL, NULL, "mia_ctd"},
	{"P-2", "Gulshan", "Mammadova", "female", "1990-04-02", NULL, NULL, "ngo"},
	{"P-3", "Гульшен", "Мамедова", "female", "1990-04-02", NULL, NULL, "mia_shelter"},
};

static void transliterations_counted_once(void **state)
{
	struct fx *f = *state;
	put_all(f->st.r, gulshan, 3);
	struct dup_result *d = find(f->st.r, 0, 0);
	assert_int_equal(d->records, 3);
	assert_int_equal(d->persons, 1);
	assert_int_equal(d->pairs, 3);
	assert_int_equal(d->clusters, 1);
	assert_int_equal(agency_pairs(d, "mia_ctd", "ngo"), 1);
	assert_int_equal(agency_pairs(d, "mia_ctd", "mia_shelter"), 1);
	assert_int_equal(agency_pairs(d, "mia_shelter", "ngo"), 1);
	assert_int_equal(d->n_agencies, 3);
	assert_null(d->list); /* no record id unless asked */
	duplicates_free(d);
}

/* Nothing registered, or nobody sharing a bucket: nothing to compare. */
static void empty_registry(void **state)
{
	struct fx *f = *state;
	struct dup_result *d = find(f->st.r, 0, DUP_WITH_REFS);
	assert_int_equal(d->records, 0);
	assert_int_equal(d->persons, 0);
	assert_int_equal(d->n_agencies, 0);
	assert_int_equal(d->n_list, 0);
	duplicates_free(d);
	put_all(f->st.r, gulshan, 1);
	d = find(f->st.r, 0, 0);
	assert_int_equal(d->records, 1);
	assert_int_equal(d->persons, 1);
	assert_int_equal(d->candidates, 0);
	duplicates_free(d);
}

/* Same name skeleton, but another birth date, another sex, no birth date to
 * compare, or another given name: other persons.  (The skeleton takes
 * Məmmədov and Məmmədova for one name: the sex tells them apart.) */
static void same_skeleton_not_merged(void **state)
{
	struct fx *f = *state;
	static const struct who w[] = {
		{"P-1", "Gülşən", "Məmmədova", "female", "1990-04-02", NULL, NULL, "mia_ctd"},
		{"P-2", "Gulshan", "Mammadova", "female", "1985-07-01", NULL, NULL, "ngo"},
		{"P-3", "Gülşən", "Məmmədov", "male", "1990-04-02", NULL, NULL, "ngo"},
		{"P-4", "Gülşən", "Məmmədova", "female", NULL, NULL, NULL, "ngo"},
		{"P-5", "Gülnar", "Məmmədova", "female", "1990-04-02", NULL, NULL, "ngo"},
	};
	put_all(f->st.r, w, sizeof w / sizeof w[0]);
	struct dup_result *d = find(f->st.r, 0, 0);
	assert_int_equal(d->records, 5);
	assert_int_equal(d->persons, 5);
	assert_int_equal(d->pairs, 0);
	assert_int_equal(d->n_agencies, 0);
	duplicates_free(d);
}

/* A partial birth date agrees with the days it allows. */
static void partial_birth_date_agrees(void **state)
{
	struct fx *f = *state;
	static const struct who w[] = {
		{"P-1", "Aysel", "Quliyeva", "female", "1994", NULL, NULL, "mia_ctd"},
		{"P-2", "Aysel", "Guliyeva", "female", "1994-11-20", NULL, NULL, "ngo"},
		{"P-3", "Aysel", "Quliyeva", "female", "1995-01-01", NULL, NULL, "ngo"},
	};
	put_all(f->st.r, w, sizeof w / sizeof w[0]);
	struct dup_result *d = find(f->st.r, 0, 0);
	assert_int_equal(d->persons, 2);
	assert_int_equal(d->pairs, 1);
	assert_int_equal(agency_pairs(d, "mia_ctd", "ngo"), 1);
	duplicates_free(d);
}

/* The document number, however written, joins records with other names;
 * other numbers do not. */
static void document_number_joins(void **state)
{
	struct fx *f = *state;
	static const struct who w[] = {
		{"P-1", "Nərmin", "Həsənova", "female", "1992-01-01", "AZE 1234-567", NULL, "mia_ctd"},
		{"P-2", "Narmin", "Gasanova-Ali", "female", NULL, "aze1234567", NULL, NULL},
		{"P-3", "Nərmin", "Həsənova", "female", "1992-01-01", "AZE 7654321", NULL, "ngo"},
		{"P-4", "Leyla", "Əliyeva", "female", "2001-02-03", "AZE 1234568", NULL, "ngo"},
	};
	put_all(f->st.r, w, sizeof w / sizeof w[0]);
	struct dup_result *d = find(f->st.r, 0, DUP_WITH_REFS);
	/* P-1 = P-2 by the number, P-1 = P-3 by name and birth date */
	assert_int_equal(d->persons, 2);
	assert_int_equal(d->pairs, 3);
	assert_int_equal(agency_pairs(d, "", "mia_ctd"), 1); /* P-2: imported, never referred */
	assert_int_equal(agency_pairs(d, "", "ngo"), 1);
	assert_int_equal(agency_pairs(d, "mia_ctd", "ngo"), 1);
	assert_int_equal(d->n_list, 1);
	assert_int_equal(d->list[0].n, 3);
	assert_string_equal(d->list[0].refs[0], "P-1");
	assert_string_equal(d->list[0].refs[1], "P-2");
	assert_string_equal(d->list[0].refs[2], "P-3");
	duplicates_free(d);
}

/* --year counts the records of persons identified in that year. */
static void year_scope(void **state)
{
	struct fx *f = *state;
	static const struct who w[] = {
		{"P-1", "Gülşən", "Məmmədova", "female", "1990-04-02", NULL, "2023-05-01", "mia_ctd"},
		{"P-2", "Gulshan", "Mammadova", "female", "1990-04-02", NULL, "2024-02-01", "ngo"},
		{"P-3", "Гульшен", "Мамедова", "female", "1990-04-02", NULL, "2024-06-01", "mia_shelter"},
	};
	put_all(f->st.r, w, sizeof w / sizeof w[0]);
	struct dup_result *d = find(f->st.r, 2024, 0);
	assert_int_equal(d->records, 2);
	assert_int_equal(d->persons, 1);
	assert_int_equal(agency_pairs(d, "mia_shelter", "ngo"), 1);
	assert_int_equal(agency_pairs(d, "mia_ctd", "ngo"), 0);
	duplicates_free(d);
	d = find(f->st.r, 2022, 0);
	assert_int_equal(d->records, 0);
	assert_int_equal(d->persons, 0);
	duplicates_free(d);
}

/* `haven duplicates` prints counts, never a name or a record id, and the run
 * is on the audit log. */
static void command_prints_counts_only(void **state)
{
	struct fx *f = *state;
	char cmd[8192], *out = NULL, *err = NULL;
	put_all(f->st.r, gulshan, 3);
	snprintf(cmd, sizeof cmd, "'%s' duplicates --db '%s' --key '%s' --year 2024", HAVEN_BIN,
		 f->st.db, f->st.key);
	if (tu_run(cmd, &out, &err) != 0)
		fail_msg("%s: %s", cmd, err ? err : "");
	assert_non_null(strstr(out, "Person records identified in 2024: 3"));
	assert_non_null(strstr(out, "Persons, unduplicated across agencies: 1"));
	assert_non_null(strstr(out, "mia_ctd"));
	assert_null(strstr(out, "P-1"));
	assert_null(strstr(out, "Mammadova"));
	assert_null(strstr(out, "1990"));
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s' --key '%s'", HAVEN_BIN, f->st.db, f->st.key);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	db_stmt *st = NULL;
	assert_int_equal(db_prepare(registry_db(f->st.r),
				    "SELECT count(*) FROM audit_log WHERE action = 'report' AND "
				    "object_ref = 'duplicates/2024'",
				    &st),
			 ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 1);
	db_finalize(st);
	snprintf(cmd, sizeof cmd, "'%s' duplicates --year 24 --db '%s'", HAVEN_BIN, f->st.db);
	assert_int_equal(tu_run(cmd, NULL, NULL), 2);
}

/* ---- over the API ------------------------------------------------------------ */

static void seed_api(struct hf *f, registry *r)
{
	hf_add(f, r, "rashad", "mia_ctd", "officer");
	hf_add(f, r, "shelter1", "mia_shelter", "caseworker");
	hf_add(f, r, "coord", "national_coordinator", "coordinator");
	hf_add(f, r, "ana", "ngo", "analyst");
	put_all(r, gulshan, 3);
}

static json_t *get(struct hf *f, const char *user, const char *path, long want)
{
	struct hc c;
	struct hc_response r;
	hc_init(&c, f);
	assert_int_equal(hc_sign_in(&c, hf_account(f, user)), 200);
	hc_send(&c, "GET", path, NULL, NULL, &r);
	if (r.status != want)
		fail_msg("%s GET %s: %ld, expected %ld: %s", user, path, r.status, want,
			 r.body ? r.body : "");
	if (r.body) {
		/* never a name, whoever asks */
		assert_null(strstr(r.body, "Mammadova"));
		assert_null(strstr(r.body, "Məmmədova"));
		assert_null(strstr(r.body, "1990"));
	}
	json_t *j = json_incref(r.json);
	hc_free(&r);
	return j;
}

static void api_by_role(void **state)
{
	(void)state;
	struct hf *f = hf_start(seed_api, 0);
	/* the shelter's caseworker sees P-3 as a case, but not that the police
	 * and an NGO hold the same woman: not for caseworkers at all */
	json_t *j = get(f, "shelter1", "/api/v1/duplicates", 403);
	json_decref(j);

	j = get(f, "coord", "/api/v1/duplicates?year=2024", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "records")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "persons")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "pairs")), 3);
	assert_int_equal(json_array_size(json_object_get(j, "by_agency")), 3);
	json_t *row = json_array_get(json_object_get(j, "by_agency"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "agency_a")), "mia_ctd");
	assert_string_equal(json_string_value(json_object_get(row, "agency_b")), "mia_shelter");
	assert_int_equal(json_integer_value(json_object_get(row, "pairs")), 1);
	assert_null(json_object_get(j, "groups_list"));
	char *text = json_dumps(j, 0);
	assert_null(strstr(text, "P-"));
	free(text);
	json_decref(j);

	/* an analyst: counts from 1 to 4 withheld, as published */
	j = get(f, "ana", "/api/v1/duplicates", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "persons")), 1);
	row = json_array_get(json_object_get(j, "by_agency"), 0);
	assert_true(json_is_null(json_object_get(row, "pairs")));
	assert_true(json_is_true(json_object_get(row, "suppressed")));
	text = json_dumps(j, 0);
	assert_null(strstr(text, "P-"));
	free(text);
	json_decref(j);

	/* an officer sees every record: the group's ids, to merge them */
	j = get(f, "rashad", "/api/v1/duplicates", 200);
	json_t *g = json_array_get(json_object_get(j, "groups_list"), 0);
	assert_int_equal(json_integer_value(json_object_get(g, "size")), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(g, "person_ids"), 0)),
			    "P-1");
	json_decref(j);

	json_decref(get(f, "coord", "/api/v1/duplicates?year=20x4", 400));
	hf_stop(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(transliterations_counted_once, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(same_skeleton_not_merged, setup, teardown),
		cmocka_unit_test_setup_teardown(partial_birth_date_agrees, setup, teardown),
		cmocka_unit_test_setup_teardown(document_number_joins, setup, teardown),
		cmocka_unit_test_setup_teardown(year_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(command_prints_counts_only, setup, teardown),
		cmocka_unit_test(api_by_role),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
