/*
 * test_http_access.c - who sees and does what, through the real server
 * (shared/spec/access.md): the access matrix over route x role x own/other
 * agency, records of other agencies answering exactly like missing ones
 * (IDOR), field filtering by agency kind, notes kept to their writers, the
 * access block, mass assignment refused, the caseworker's and the
 * referral's whole path and its consent (HUM-03), lists with cursors, and
 * the audit trail of reads.
 *
 * TU_BOTH_ENGINES: also on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include <sodium.h>

#include "core/audit.h"
#include "http_client.h"
#include "http/routes.h"
#include "util/date.h"

/* ---- the data set ------------------------------------------------------------ */

static void put_person(registry *r, const char *ref, const char *status, const char *parent,
		       const char *given, const char *family)
{
	enum put_outcome out;
	int dep = strcmp(status, "dependant") == 0;
	struct person p = {
		.ref = ref, .status = status, .parent_ref = parent, .given_name = given,
		.family_name = family, .sex = "female", .birth_date = dep ? "2015-03-01" : "1990",
		.citizenship = "AZE", .phone = "+994501234567", .address = "Baku",
		.identified_on = dep ? DATE_NONE : tu_day("2024-01-10"),
		.identification_source = dep ? NULL : "police",
		.recognized_on = strcmp(status, "victim") == 0 ? tu_day("2024-02-01") : DATE_NONE,
		.decided_on = DATE_NONE, .exploitation = dep ? NULL : "sexual",
		.country_of_exploitation = dep ? NULL : "TUR"};
	assert_int_equal(registry_put_person(r, &p, 0, &out), ERR_OK);
}

static void put_service(registry *r, const char *ref, const char *person, const char *service,
			const char *provider, const char *note)
{
	enum put_outcome out;
	int money = strcmp(service, "one_time_allowance") == 0;
	struct service s = {.ref = ref, .person_ref = person, .service = service,
			    .provider = provider, .date = tu_day("2024-03-01"), .end_date = DATE_NONE,
			    .has_amount = money, .amount = money ? 70000 : 0,
			    .phase = strcmp(service, "legal_aid") == 0 ? "court" : NULL, .note = note};
	assert_int_equal(registry_put_service(r, &s, 0, &out), ERR_OK);
}

static void put_referral(registry *r, const char *ref, const char *person, const char *from,
			 const char *to, const char *purpose, const char *status)
{
	enum put_outcome out;
	struct referral f = {.ref = ref, .person_ref = person, .from = from, .to = to,
			     .purpose = purpose, .date = tu_day("2024-03-05"), .status = status,
			     .closed_on = DATE_NONE};
	assert_int_equal(registry_put_referral(r, &f, 0, &out), ERR_OK);
}

static void seed(struct hf *f, registry *r)
{
	hf_add(f, r, "rashad", "mia_ctd", "officer");
	hf_add(f, r, "shelter1", "mia_shelter", "caseworker");
	hf_add(f, r, "ngo1", "ngo", "caseworker");
	hf_add(f, r, "job1", "state_employment_agency", "caseworker");
	hf_add(f, r, "bar1", "bar_association", "caseworker");
	hf_add(f, r, "fund1", "mia_support_fund", "caseworker");
	hf_add(f, r, "school1", "education", "caseworker");
	hf_add(f, r, "coord", "national_coordinator", "coordinator");
	hf_add(f, r, "ana", "ngo", "analyst");
	hf_add(f, r, "aud", "ngo", "auditor");
	hf_add(f, r, "adm", "ngo", "admin");
	hf_add(f, r, "kamala", "mia_ctd", "officer");

	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	put_person(r, "P1", "victim", NULL, "Aysel", "Quliyeva");
	put_person(r, "P2", "potential_victim", NULL, "Nigar", "Hasanova");
	put_person(r, "P3", "dependant", "P1", "Leyla", "Quliyeva");
	put_person(r, "P4", "victim", NULL, "Gunel", "Mammadova");
	put_service(r, "S1", "P1", "shelter", "mia_shelter", "note-of-the-shelter");
	put_service(r, "S2", "P1", "legal_aid", "bar_association", NULL);
	put_service(r, "S3", "P1", "one_time_allowance", "mia_support_fund", NULL);
	put_service(r, "S4", "P1", "employment", "state_employment_agency", NULL);
	put_service(r, "S5", "P2", "case_management", "ngo", "note-of-the-ngo");
	put_service(r, "S6", "P4", "shelter", "mia_shelter", NULL);
	put_referral(r, "R1", "P1", "mia_shelter", "state_employment_agency", "employment", "sent");
	put_referral(r, "R2", "P1", "mia_ctd", "bar_association", "legal_aid", "accepted");
	put_referral(r, "R4", "P3", "mia_shelter", "education", "boarding_school", "sent");
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
}

struct world {
	struct hf *f;
	struct hc officer, shelter, ngo, job, bar, fund, school, coord, ana, aud, adm;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	w->f = hf_start(seed, 0);
	struct {
		struct hc *c;
		const char *name;
	} who[] = {{&w->officer, "rashad"}, {&w->shelter, "shelter1"}, {&w->ngo, "ngo1"},
		   {&w->job, "job1"},       {&w->bar, "bar1"},          {&w->fund, "fund1"},
		   {&w->school, "school1"}, {&w->coord, "coord"},       {&w->ana, "ana"},
		   {&w->aud, "aud"},        {&w->adm, "adm"}};
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		hc_init(who[i].c, w->f);
		assert_int_equal(hc_sign_in(who[i].c, hf_account(w->f, who[i].name)), 200);
	}
	/* a prosecutor's order: P4 is for officers only from now on */
	assert_int_equal(hc_status(&w->officer, "PATCH", "/api/v1/persons/P4",
				   "{\"access_block\":true}"),
			 200);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	hf_stop(w->f);
	free(w);
	return 0;
}

/* ---- helpers ------------------------------------------------------------------- */

/* 1 when the JSON text of `j` contains `needle`. */
static int mentions(json_t *j, const char *needle)
{
	char *text = json_dumps(j, 0);
	int found = text && strstr(text, needle) != NULL;
	free(text);
	return found;
}

static int has_key(json_t *o, const char *key)
{
	return json_object_get(o, key) != NULL;
}

/* The ids of the objects of array `a`, joined with spaces, into buf. */
static const char *ids(json_t *a, char *buf, size_t len)
{
	size_t i, used = 0;
	json_t *item;
	buf[0] = '\0';
	json_array_foreach(a, i, item)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "",
					 json_string_value(json_object_get(item, "id")));
	return buf;
}

/* ---- the access matrix ------------------------------------------------------------ */

/* Copies `tmpl` into out with the first "@" replaced by `value`. */
static void subst(const char *tmpl, const char *value, char *out, size_t len)
{
	const char *at = strchr(tmpl, '@');
	if (!at)
		snprintf(out, len, "%s", tmpl);
	else
		snprintf(out, len, "%.*s%s%s", (int)(at - tmpl), tmpl, value, at + 1);
}

/* One line per route and role: the status with a record of the caller's own
 * agency ("own": related to it) and of another ("other"), as access.md has
 * it.  Coordinators state a reason where they read one record. */
static void access_matrix(void **state)
{
	struct world *w = *state;
	struct {
		struct hc *c;
		const char *own, *other;
		const char *provider;
	} role[] = {
		{&w->officer, "P1", "P2", "mia_ctd"}, {&w->shelter, "P1", "P2", "mia_shelter"},
		{&w->coord, "P1", "P2", "national_coordinator"}, {&w->ana, "P1", "P2", "ngo"},
		{&w->aud, "P1", "P2", "ngo"},         {&w->adm, "P1", "P2", "ngo"},
	};
	enum { OFFICER, CASEWORKER, COORDINATOR, ANALYST, AUDITOR, ADMIN, ROLES };
	static const struct {
		const char *method, *path, *body;
		long own[ROLES], other[ROLES];
	} matrix[] = {
		{"GET", "/api/v1/persons/@", NULL,
		 {200, 200, 200, 403, 403, 403}, {200, 404, 200, 403, 403, 403}},
		{"POST", "/api/v1/persons/@/reveal", NULL,
		 {200, 200, 200, 403, 403, 403}, {200, 404, 200, 403, 403, 403}},
		{"GET", "/api/v1/persons/@/subject-access", NULL,
		 {200, 403, 403, 403, 403, 403}, {200, 403, 403, 403, 403, 403}},
		{"POST", "/api/v1/persons/@/legal-hold", "{\"reason\":\"court_order\"}",
		 {200, 403, 403, 403, 403, 403}, {200, 403, 403, 403, 403, 403}},
		{"DELETE", "/api/v1/persons/@/legal-hold", NULL,
		 {200, 403, 403, 403, 403, 403}, {200, 403, 403, 403, 403, 403}},
		{"PATCH", "/api/v1/persons/@", "{\"address\":\"Sumqayit\"}",
		 {200, 400, 403, 403, 403, 403}, {200, 404, 403, 403, 403, 403}},
		{"POST", "/api/v1/persons/@/services",
		 "{\"service\":\"case_management\",\"provider\":\"@\",\"date\":\"2024-04-01\"}",
		 {201, 201, 403, 403, 403, 403}, {201, 404, 403, 403, 403, 403}},
		{"GET", "/api/v1/persons", NULL,
		 {200, 200, 403, 403, 403, 403}, {200, 200, 403, 403, 403, 403}},
		{"GET", "/api/v1/referrals", NULL,
		 {200, 200, 403, 403, 403, 403}, {200, 200, 403, 403, 403, 403}},
		{"GET", "/api/v1/users", NULL,
		 {403, 403, 403, 403, 403, 200}, {403, 403, 403, 403, 403, 200}},
		{"GET", "/api/v1/session", NULL,
		 {200, 200, 200, 200, 200, 200}, {200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/session/activity", NULL,
		 {200, 200, 200, 200, 200, 200}, {200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/terms", NULL,
		 {200, 200, 200, 200, 200, 200}, {200, 200, 200, 200, 200, 200}},
		{"POST", "/api/v1/session/terms", "{}",
		 {400, 400, 400, 400, 400, 400}, {400, 400, 400, 400, 400, 400}},
		{"GET", "/healthz", NULL,
		 {200, 200, 200, 200, 200, 200}, {200, 200, 200, 200, 200, 200}},
		{"GET", "/metrics", NULL,
		 {200, 200, 200, 200, 200, 200}, {200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/openapi.json", NULL,
		 {200, 200, 200, 200, 200, 200}, {200, 200, 200, 200, 200, 200}},
		{"GET", "/", NULL,
		 {200, 200, 200, 200, 200, 200}, {200, 200, 200, 200, 200, 200}},
		{"GET", "/assets/@", NULL,
		 {404, 404, 404, 404, 404, 404}, {404, 404, 404, 404, 404, 404}},
		{"POST", "/api/v1/session", "{}",
		 {400, 400, 400, 400, 400, 400}, {400, 400, 400, 400, 400, 400}},
		{"POST", "/api/v1/persons/@/erasure", "{\"reason\":\"court order 7\"}",
		 {202, 403, 403, 403, 403, 403}, {202, 403, 403, 403, 403, 403}},
		{"GET", "/api/v1/erasure-requests", NULL,
		 {200, 403, 403, 403, 403, 403}, {200, 403, 403, 403, 403, 403}},
		{"POST", "/api/v1/erasure-requests/@/approve", NULL,
		 {404, 403, 403, 403, 403, 403}, {404, 403, 403, 403, 403, 403}},
		{"POST", "/api/v1/session/reauth", "{}",
		 {400, 400, 400, 400, 400, 400}, {400, 400, 400, 400, 400, 400}},
		{"POST", "/api/v1/password-reset", "{}",
		 {400, 400, 400, 400, 400, 400}, {400, 400, 400, 400, 400, 400}},
		{"POST", "/api/v1/persons/search", "{\"name\":\"zz\"}",
		 {200, 200, 403, 403, 403, 403}, {200, 200, 403, 403, 403, 403}},
		{"POST", "/api/v1/persons",
		 "{\"status\":\"potential_victim\",\"given_name\":\"A\",\"family_name\":\"B\","
		 "\"sex\":\"male\",\"identified_on\":\"2024-05-01\","
		 "\"identification_source\":\"ngo_referral\"}",
		 {201, 201, 403, 403, 403, 403}, {201, 201, 403, 403, 403, 403}},
		{"POST", "/api/v1/referrals",
		 "{\"person_id\":\"@\",\"to\":\"other\",\"purpose\":\"case_management\","
		 "\"date\":\"2024-05-01\",\"consent\":true}",
		 {201, 201, 403, 403, 403, 403}, {201, 404, 403, 403, 403, 403}},
		{"PATCH", "/api/v1/referrals/R2", "{\"status\":\"bogus\"}",
		 {400, 400, 403, 403, 403, 403}, {400, 400, 403, 403, 403, 403}},
		{"GET", "/api/v1/reports/annual?year=2024", NULL,
		 {403, 403, 200, 200, 403, 403}, {403, 403, 200, 200, 403, 403}},
		/* counts for the coordinator and analysts, record ids for officers */
		{"GET", "/api/v1/duplicates?year=2024", NULL,
		 {200, 403, 200, 200, 403, 403}, {200, 403, 200, 200, 403, 403}},
		/* the second approval of a year is refused: approved once */
		{"POST", "/api/v1/reports/annual/freeze", "{\"year\":2019}",
		 {403, 403, 200, 403, 403, 403}, {403, 403, 409, 403, 403, 403}},
		{"GET", "/api/v1/persons/@/children", NULL,
		 {200, 200, 200, 403, 403, 403}, {200, 404, 200, 403, 403, 403}},
		{"GET", "/api/v1/codes", NULL,
		 {200, 200, 200, 200, 200, 200}, {200, 200, 200, 200, 200, 200}},
		/* the second time the same code exists already */
		{"POST", "/api/v1/codes",
		 "{\"list\":\"service\",\"code\":\"matrix_help\",\"en\":\"Matrix help\","
		 "\"az\":\"Matris yardımı\"}",
		 {403, 403, 403, 403, 403, 201}, {403, 403, 403, 403, 403, 409}},
		{"POST", "/api/v1/agencies",
		 "{\"code\":\"matrix_ngo\",\"kind\":\"ngo\",\"en\":\"Matrix NGO\","
		 "\"az\":\"Matris QHT\"}",
		 {403, 403, 403, 403, 403, 201}, {403, 403, 403, 403, 403, 409}},
		{"GET", "/api/v1/audit", NULL,
		 {403, 403, 403, 403, 200, 403}, {403, 403, 403, 403, 200, 403}},
		{"GET", "/api/v1/audit/verify", NULL,
		 {403, 403, 403, 403, 200, 403}, {403, 403, 403, 403, 200, 403}},
		/* a name is taken the second time */
		{"POST", "/api/v1/users", "{\"username\":\"matrix.user\",\"role\":\"analyst\","
		 "\"agency\":\"ngo\"}",
		 {403, 403, 403, 403, 403, 201}, {403, 403, 403, 403, 403, 400}},
		/* P1 and P2 are no account names: past the gate, not found */
		{"PATCH", "/api/v1/users/@", "{\"disabled\":false}",
		 {403, 403, 403, 403, 403, 404}, {403, 403, 403, 403, 403, 404}},
		{"POST", "/api/v1/users/@/reset", NULL,
		 {403, 403, 403, 403, 403, 404}, {403, 403, 403, 403, 403, 404}},
	};
	const char *reason[] = {"X-Access-Reason: report_verification", NULL};
	/* the officer signed in first, eleven sign-ins (30 s each) ago: erasure
	 * needs an authentication of the last five minutes */
	assert_int_equal(hc_reauth(&w->officer, hf_account(w->f, "rashad"), HC_PASSWORD), 200);
	for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++)
		for (int r = 0; r < ROLES; r++)
			for (int other = 0; other < 2; other++) {
				char path[128], body[256];
				struct hc_response resp;
				subst(matrix[i].path, other ? role[r].other : role[r].own, path,
				      sizeof path);
				if (matrix[i].body)
					subst(matrix[i].body,
					      strstr(matrix[i].path, "referrals")
						      ? (other ? role[r].other : role[r].own)
						      : role[r].provider,
					      body, sizeof body);
				hc_send(role[r].c, matrix[i].method, path,
					matrix[i].body ? body : NULL, r == COORDINATOR ? reason : NULL,
					&resp);
				long want = other ? matrix[i].other[r] : matrix[i].own[r];
				if (resp.status != want)
					fail_msg("%s %s as role %d (%s): %ld, expected %ld (%s)",
						 matrix[i].method, path, r, other ? "other" : "own",
						 resp.status, want, resp.body ? resp.body : "");
				hc_free(&resp);
			}
	/* every route of the table is in this matrix (DELETE /api/v1/session,
	 * which would end the callers' sessions, is walked in test_http_session) */
	for (size_t k = 0; k < routes_count; k++) {
		int covered = strcmp(routes[k].method, "DELETE") == 0;
		for (size_t i = 0; !covered && i < sizeof matrix / sizeof matrix[0]; i++) {
			char pattern[128];
			subst(matrix[i].path, "{id}", pattern, sizeof pattern);
			pattern[strcspn(pattern, "?")] = '\0';
			if (strcmp(pattern, "/api/v1/referrals/R2") == 0)
				snprintf(pattern, sizeof pattern, "/api/v1/referrals/{id}");
			covered = strcmp(matrix[i].method, routes[k].method) == 0 &&
				  strcmp(pattern, routes[k].pattern) == 0;
		}
		if (!covered)
			fail_msg("route %s %s is not in the access matrix", routes[k].method,
				 routes[k].pattern);
	}
	/* a coordinator reads one record only with a stated reason */
	struct hc_response resp;
	hc_send(&w->coord, "GET", "/api/v1/persons/P1", NULL, NULL, &resp);
	assert_int_equal(resp.status, 403);
	assert_non_null(strstr(resp.body, "reason-required"));
	hc_free(&resp);
	/* HUM-12: the reason is one of the purpose codes, never free text, which
	 * the audit entry would keep (it could name the person) */
	const char *prose[] = {"X-Access-Reason: Aysel Quliyeva called us", NULL};
	hc_send(&w->coord, "GET", "/api/v1/persons/P1", NULL, prose, &resp);
	assert_int_equal(resp.status, 400);
	assert_non_null(strstr(resp.body, "X-Access-Reason"));
	assert_non_null(strstr(resp.body, "report_verification"));
	assert_null(strstr(resp.body, "Quliyeva"));
	hc_free(&resp);
	hc_send(&w->coord, "GET", "/api/v1/persons/P1/children", NULL, prose, &resp);
	assert_int_equal(resp.status, 400);
	hc_free(&resp);
}

/* Another agency's record answers exactly like a missing one, and is absent
 * from lists and searches. */
static void idor(void **state)
{
	struct world *w = *state;
	struct hc_response a, b;
	char buf[256];
	hc_send(&w->shelter, "GET", "/api/v1/persons/P2", NULL, NULL, &a);
	hc_send(&w->shelter, "GET", "/api/v1/persons/P-does-not-exist", NULL, NULL, &b);
	assert_int_equal(a.status, 404);
	assert_int_equal(b.status, 404);
	assert_string_equal(a.body, b.body);
	hc_free(&a);
	hc_free(&b);
	hc_send(&w->shelter, "PATCH", "/api/v1/persons/P2", "{\"phone\":\"1\"}", NULL, &a);
	hc_send(&w->shelter, "PATCH", "/api/v1/persons/P-none", "{\"phone\":\"1\"}", NULL, &b);
	assert_int_equal(a.status, 404);
	assert_string_equal(a.body, b.body);
	hc_free(&a);
	hc_free(&b);
	assert_int_equal(hc_status(&w->ngo, "PATCH", "/api/v1/referrals/R1",
				   "{\"status\":\"accepted\"}"),
			 404);

	/* the shelter registered persons of its own in the matrix: those, and the
	 * ones it served or referred, are all it lists */
	json_t *list = hc_get_json(&w->shelter, "/api/v1/persons", 200);
	ids(json_object_get(list, "persons"), buf, sizeof buf);
	assert_memory_equal(buf, "P1 P3 p-", 8);
	assert_null(strstr(buf, "P2"));
	assert_null(strstr(buf, "P4"));
	json_decref(list);
	list = hc_get_json(&w->officer, "/api/v1/persons", 200);
	assert_memory_equal(ids(json_object_get(list, "persons"), buf, sizeof buf), "P1 P2 P3 P4",
			    11);
	json_decref(list);
	list = hc_get_json(&w->job, "/api/v1/persons", 200);
	assert_string_equal(ids(json_object_get(list, "persons"), buf, sizeof buf), "P1");
	json_decref(list);
	list = hc_get_json(&w->school, "/api/v1/persons", 200);
	assert_string_equal(ids(json_object_get(list, "persons"), buf, sizeof buf), "P3");
	json_decref(list);

	hc_send(&w->ngo, "POST", "/api/v1/persons/search", "{\"name\":\"quli\"}", NULL, &a);
	assert_int_equal(a.status, 200);
	assert_int_equal(json_array_size(json_object_get(a.json, "persons")), 0);
	hc_free(&a);
	hc_send(&w->shelter, "POST", "/api/v1/persons/search", "{\"name\":\"QULI\"}", NULL, &a);
	assert_int_equal(a.status, 200);
	assert_string_equal(ids(json_object_get(a.json, "persons"), buf, sizeof buf), "P1 P3");
	hc_free(&a);
}

static void fields_by_agency_kind(void **state)
{
	struct world *w = *state;
	char buf[256];

	/* the State Employment Agency never learns that P1 was trafficked */
	json_t *j = hc_get_json(&w->job, "/api/v1/persons/P1", 200);
	json_t *p = json_object_get(j, "person");
	assert_string_equal(json_string_value(json_object_get(p, "given_name")), "Aysel");
	assert_true(has_key(p, "phone"));
	assert_false(has_key(p, "status"));
	assert_false(has_key(p, "recognized_on"));
	assert_false(has_key(p, "exploitation"));
	assert_false(has_key(p, "identification_source"));
	assert_string_equal(ids(json_object_get(j, "services"), buf, sizeof buf), "S4");
	assert_string_equal(ids(json_object_get(j, "referrals"), buf, sizeof buf), "R1");
	assert_false(mentions(j, "victim"));
	json_decref(j);

	j = hc_get_json(&w->bar, "/api/v1/persons/P1", 200);
	p = json_object_get(j, "person");
	assert_string_equal(json_string_value(json_object_get(p, "status")), "victim");
	assert_false(has_key(p, "phone"));
	assert_false(has_key(p, "exploitation"));
	assert_string_equal(ids(json_object_get(j, "services"), buf, sizeof buf), "S2");
	assert_string_equal(ids(json_object_get(j, "referrals"), buf, sizeof buf), "R2");
	json_decref(j);

	j = hc_get_json(&w->fund, "/api/v1/persons/P1", 200);
	assert_true(has_key(json_object_get(j, "person"), "status"));
	assert_string_equal(ids(json_object_get(j, "services"), buf, sizeof buf), "S3");
	json_t *s3 = json_array_get(json_object_get(j, "services"), 0);
	assert_string_equal(json_string_value(json_object_get(s3, "amount")), "700.00");
	json_decref(j);

	/* education: the dependant child and the parent's name, nothing more */
	j = hc_get_json(&w->school, "/api/v1/persons/P3", 200);
	p = json_object_get(j, "person");
	assert_false(has_key(p, "status"));
	json_t *parent = json_object_get(p, "parent");
	assert_string_equal(json_string_value(json_object_get(parent, "given_name")), "Aysel");
	assert_false(has_key(parent, "phone"));
	json_decref(j);
	json_decref(hc_get_json(&w->school, "/api/v1/persons/P1", 404));

	/* the officer sees everything, the block flag too */
	j = hc_get_json(&w->officer, "/api/v1/persons/P1", 200);
	p = json_object_get(j, "person");
	assert_true(json_is_array(json_object_get(p, "exploitation")));
	assert_true(json_is_false(json_object_get(p, "access_block")));
	assert_memory_equal(ids(json_object_get(j, "services"), buf, sizeof buf), "S1 S2 S3 S4", 11);
	json_decref(j);
}

static void notes_for_their_writers(void **state)
{
	struct world *w = *state;
	const char *reason[] = {"X-Access-Reason: oversight", NULL};
	struct hc_response r;
	json_t *j = hc_get_json(&w->shelter, "/api/v1/persons/P1", 200);
	json_t *s1 = json_array_get(json_object_get(j, "services"), 0);
	assert_string_equal(json_string_value(json_object_get(s1, "note")), "note-of-the-shelter");
	json_decref(j);
	j = hc_get_json(&w->officer, "/api/v1/persons/P1", 200);
	assert_true(mentions(j, "note-of-the-shelter"));
	json_decref(j);
	hc_send(&w->coord, "GET", "/api/v1/persons/P1", NULL, reason, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "note-of-the-shelter"));
	assert_non_null(strstr(r.body, "\"S1\""));
	hc_free(&r);
	j = hc_get_json(&w->ngo, "/api/v1/persons/P2", 200);
	assert_true(mentions(j, "note-of-the-ngo"));
	json_decref(j);
}

static void access_block(void **state)
{
	struct world *w = *state;
	struct hc_response a, b;
	const char *reason[] = {"X-Access-Reason: court_request", NULL};
	/* P4 was served by the shelter; blocked, it does not exist for it */
	hc_send(&w->shelter, "GET", "/api/v1/persons/P4", NULL, NULL, &a);
	hc_send(&w->shelter, "GET", "/api/v1/persons/P5", NULL, NULL, &b);
	assert_int_equal(a.status, 404);
	assert_string_equal(a.body, b.body);
	hc_free(&a);
	hc_free(&b);
	hc_send(&w->coord, "GET", "/api/v1/persons/P4", NULL, reason, &a);
	assert_int_equal(a.status, 404);
	hc_free(&a);
	json_t *j = hc_get_json(&w->officer, "/api/v1/persons/P4", 200);
	assert_true(json_is_true(json_object_get(json_object_get(j, "person"), "access_block")));
	json_decref(j);
	/* only an officer sets or lifts it */
	assert_int_equal(hc_status(&w->shelter, "PATCH", "/api/v1/persons/P1",
				   "{\"access_block\":false}"),
			 400);
}

static void mass_assignment(void **state)
{
	struct world *w = *state;
	struct hc_response r;
	const char *bodies[] = {
		"{\"status\":\"victim\"}",          "{\"owner_agency\":\"ngo\"}",
		"{\"created_by\":\"rashad\"}",      "{\"id\":\"P9\"}",
		"{\"role\":\"officer\"}",           "{\"consent_override\":true}",
		"{\"access_block\":true}",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		hc_send(&w->ngo, "PATCH", "/api/v1/persons/P2", bodies[i], NULL, &r);
		if (r.status != 400)
			fail_msg("PATCH %s: %ld", bodies[i], r.status);
		assert_true(json_array_size(json_object_get(r.json, "errors")) >= 1);
		hc_free(&r);
	}
	hc_send(&w->ngo, "POST", "/api/v1/persons",
		"{\"status\":\"potential_victim\",\"given_name\":\"A\",\"family_name\":\"B\","
		"\"sex\":\"male\",\"identified_on\":\"2024-05-01\","
		"\"identification_source\":\"ngo_referral\",\"access_block\":true}",
		NULL, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "access_block"));
	hc_free(&r);
	/* the record did not change */
	json_t *j = hc_get_json(&w->officer, "/api/v1/persons/P2", 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "person"), "status")),
			    "potential_victim");
	json_decref(j);
}

/* An NGO registers a potential victim, records its service, refers the
 * person to the employment agency, which accepts and completes. */
static void caseworker_and_referral_path(void **state)
{
	struct world *w = *state;
	struct hc_response r;
	char id[RECORD_REF_MAX + 1], path[128], body[512], ref[RECORD_REF_MAX + 1];

	hc_send(&w->ngo, "POST", "/api/v1/persons",
		"{\"status\":\"victim\",\"given_name\":\"Samir\",\"family_name\":\"Aliyev\","
		"\"sex\":\"male\",\"identified_on\":\"2024-05-01\",\"recognized_on\":\"2024-05-02\","
		"\"identification_source\":\"ngo_referral\"}",
		NULL, &r);
	assert_int_equal(r.status, 400); /* only officers decide victim status */
	hc_free(&r);
	hc_send(&w->ngo, "POST", "/api/v1/persons",
		"{\"status\":\"potential_victim\",\"given_name\":\"Samir\",\"family_name\":\"Aliyev\","
		"\"sex\":\"male\",\"birth_date\":\"2090-01-01\",\"identified_on\":\"2024-05-01\","
		"\"identification_source\":\"ngo_referral\",\"citizenship\":\"aze\"}",
		NULL, &r);
	assert_int_equal(r.status, 400); /* born in the future, lower-case country */
	assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 2);
	assert_null(strstr(r.body, "2090"));
	hc_free(&r);
	hc_send(&w->ngo, "POST", "/api/v1/persons",
		"{\"status\":\"potential_victim\",\"given_name\":\"Samir\",\"family_name\":\"Aliyev\","
		"\"sex\":\"male\",\"identified_on\":\"2024-05-01\","
		"\"identification_source\":\"ngo_referral\",\"exploitation\":[\"labour\"]}",
		NULL, &r);
	assert_int_equal(r.status, 201);
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "id")));
	hc_free(&r);

	snprintf(path, sizeof path, "/api/v1/persons/%s", id);
	json_decref(hc_get_json(&w->ngo, path, 200));
	json_decref(hc_get_json(&w->shelter, path, 404));
	assert_int_equal(hc_status(&w->ngo, "PATCH", path, "{\"phone\":\"+994 55 000 00 00\"}"), 200);
	assert_int_equal(hc_status(&w->ngo, "PATCH", path, "{\"status\":\"victim\"}"), 400);
	assert_int_equal(hc_status(&w->officer, "PATCH", path,
				   "{\"status\":\"victim\",\"recognized_on\":\"2024-06-01\"}"),
			 200);

	snprintf(path, sizeof path, "/api/v1/persons/%s/services", id);
	assert_int_equal(hc_status(&w->ngo, "POST", path,
				   "{\"service\":\"shelter\",\"provider\":\"mia_shelter\","
				   "\"date\":\"2024-05-03\"}"),
			 400);
	assert_int_equal(hc_status(&w->ngo, "POST", path,
				   "{\"service\":\"one_time_allowance\",\"provider\":\"ngo\","
				   "\"date\":\"2024-05-03\"}"),
			 400); /* a money service needs its amount */
	assert_int_equal(hc_status(&w->ngo, "POST", path,
				   "{\"service\":\"psychological_support\",\"provider\":\"ngo\","
				   "\"date\":\"2024-05-03\",\"note\":\"first session\"}"),
			 201);

	snprintf(body, sizeof body,
		 "{\"person_id\":\"%s\",\"to\":\"state_employment_agency\","
		 "\"purpose\":\"employment\",\"date\":\"2024-05-04\",\"consent\":true}", id);
	hc_send(&w->ngo, "POST", "/api/v1/referrals", body, NULL, &r);
	assert_int_equal(r.status, 201);
	snprintf(ref, sizeof ref, "%s", json_string_value(json_object_get(r.json, "id")));
	hc_free(&r);

	json_t *inbox = hc_get_json(&w->job, "/api/v1/referrals?to=mine&status=sent", 200);
	assert_true(mentions(inbox, ref));
	json_decref(inbox);
	snprintf(path, sizeof path, "/api/v1/persons/%s", id);
	json_t *j = hc_get_json(&w->job, path, 200);
	assert_false(has_key(json_object_get(j, "person"), "status"));
	assert_false(mentions(j, "first session")); /* the NGO's note */
	json_decref(j);

	snprintf(path, sizeof path, "/api/v1/referrals/%s", ref);
	assert_int_equal(hc_status(&w->ngo, "PATCH", path, "{\"status\":\"accepted\"}"), 403);
	assert_int_equal(hc_status(&w->job, "PATCH", path, "{\"status\":\"completed\"}"), 409);
	assert_int_equal(hc_status(&w->job, "PATCH", path, "{\"status\":\"accepted\"}"), 200);
	assert_int_equal(hc_status(&w->job, "PATCH", path, "{\"status\":\"accepted\"}"), 409);
	assert_int_equal(hc_status(&w->job, "PATCH", path, "{\"status\":\"completed\"}"), 200);
	inbox = hc_get_json(&w->job, "/api/v1/referrals?to=mine&status=sent", 200);
	assert_false(mentions(inbox, ref));
	json_decref(inbox);
}

/* Audit entries of `action`, on the record `ref` (NULL: on any). */
static int64_t audited(struct world *w, const char *action, const char *ref)
{
	registry *r = hf_registry(w->f);
	db_stmt *st = NULL;
	int64_t n = -1;
	assert_int_equal(db_prepare(registry_db(r),
				    "SELECT count(*) FROM audit_log WHERE action = $1 AND "
				    "(CAST($2 AS TEXT) IS NULL OR object_ref = $2)",
				    &st),
			 ERR_OK);
	assert_int_equal(db_bind_text(st, 1, action), ERR_OK);
	assert_int_equal(db_bind_text(st, 2, ref), ERR_OK);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_finalize(st);
	registry_close(r);
	return n;
}

/* The one field error a refused body got: its field, and its message
 * mentions `words`. */
static void refused_on(struct hc *c, const char *body, const char *field, const char *words)
{
	struct hc_response r;
	hc_send(c, "POST", "/api/v1/referrals", body, NULL, &r);
	if (r.status != 400)
		fail_msg("%s: %ld, expected 400: %s", body, r.status, r.body ? r.body : "");
	json_t *errors = json_object_get(r.json, "errors");
	assert_int_equal(json_array_size(errors), 1);
	json_t *e = json_array_get(errors, 0);
	assert_string_equal(json_string_value(json_object_get(e, "field")), field);
	assert_non_null(strstr(json_string_value(json_object_get(e, "message")), words));
	hc_free(&r);
}

/* P2's referral `ref` as `c` sees it in the person's record. */
static json_t *referral_of_p2(struct hc *c, const char *ref)
{
	json_t *j = hc_get_json(c, "/api/v1/persons/P2", 200), *f, *found = NULL;
	size_t i;
	json_array_foreach(json_object_get(j, "referrals"), i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "id")), ref) == 0)
			found = json_incref(f);
	}
	json_decref(j);
	if (!found)
		fail_msg("referral %s is not in P2's record", ref);
	return found;
}

static size_t referrals_of_p2(struct hc *c)
{
	json_t *j = hc_get_json(c, "/api/v1/persons/P2", 200);
	size_t n = json_array_size(json_object_get(j, "referrals"));
	json_decref(j);
	return n;
}

static char *audit_detail(struct world *w, const char *ref)
{
	registry *r = hf_registry(w->f);
	db_stmt *st = NULL;
	char *detail = NULL;
	assert_int_equal(db_prepare(registry_db(r),
				    "SELECT detail FROM audit_log WHERE action = 'referral.create' "
				    "AND object_ref = $1",
				    &st),
			 ERR_OK);
	assert_int_equal(db_bind_text(st, 1, ref), ERR_OK);
	if (db_step(st) == DB_ROW)
		detail = strdup(db_col_text(st, 0));
	db_finalize(st);
	registry_close(r);
	assert_non_null(detail);
	return detail;
}

/* Checklist HUM-03: a referral shares the person's record with another
 * agency, so it is made with their consent, or without it only by an
 * explicit override with a reason from the list, which both agencies see and
 * the audit log keeps.  A refused referral stores nothing. */
static void consent_gated_referrals(void **state)
{
	struct world *w = *state;
	struct hc_response r;
	char ref[64], path[128];
#define REFER "{\"person_id\":\"P2\",\"to\":\"bar_association\",\"purpose\":\"legal_aid\"," \
	      "\"date\":\"2024-05-10\""
	size_t before = referrals_of_p2(&w->ngo);

	refused_on(&w->ngo, REFER "}", "consent", "true when the person agreed");
	refused_on(&w->ngo, REFER ",\"consent\":false}", "consent", "needs their consent");
	refused_on(&w->ngo, REFER ",\"consent\":false,\"consent_override\":false}", "consent",
		   "consent_override true with an override_reason");
	refused_on(&w->ngo, REFER ",\"consent\":false,\"consent_override\":true}",
		   "override_reason", "vital_interests");
	refused_on(&w->ngo,
		   REFER ",\"consent\":false,\"consent_override\":true,\"override_reason\":\"busy\"}",
		   "override_reason", "is not a known code");
	refused_on(&w->ngo, REFER ",\"consent\":true,\"consent_override\":true}",
		   "consent_override", "only when consent is false");
	refused_on(&w->ngo, REFER ",\"consent\":true,\"override_reason\":\"vital_interests\"}",
		   "override_reason", "only with consent_override");
	refused_on(&w->ngo, REFER ",\"consent\":\"yes\"}", "consent", "true or false");
	assert_int_equal(referrals_of_p2(&w->ngo), before);

	/* with a reason: made, and the override is in sight of both agencies */
	hc_send(&w->ngo, "POST", "/api/v1/referrals",
		REFER ",\"consent\":false,\"consent_override\":true,"
		      "\"override_reason\":\"vital_interests\"}",
		NULL, &r);
	assert_int_equal(r.status, 201);
	snprintf(ref, sizeof ref, "%s", json_string_value(json_object_get(r.json, "id")));
	hc_free(&r);
	json_t *f = referral_of_p2(&w->ngo, ref);
	assert_true(json_is_false(json_object_get(f, "consent")));
	assert_true(json_is_true(json_object_get(f, "consent_override")));
	assert_string_equal(json_string_value(json_object_get(f, "override_reason")),
			    "vital_interests");
	json_decref(f);
	json_t *inbox = hc_get_json(&w->bar, "/api/v1/referrals?to=mine&status=sent", 200), *item;
	size_t i;
	int seen = 0;
	json_array_foreach(json_object_get(inbox, "referrals"), i, item)
	{
		if (strcmp(json_string_value(json_object_get(item, "id")), ref) != 0)
			continue;
		seen = 1;
		assert_true(json_is_true(json_object_get(item, "consent_override")));
		assert_string_equal(json_string_value(json_object_get(item, "override_reason")),
				    "vital_interests");
	}
	assert_true(seen);
	json_decref(inbox);
	char *detail = audit_detail(w, ref);
	assert_non_null(strstr(detail, "consent=overridden:vital_interests"));
	assert_null(strstr(detail, "legal_aid")); /* the purpose is not for the log */
	free(detail);

	/* the receiver's answer and a later import of the same referral keep
	 * what was recorded when it was made */
	snprintf(path, sizeof path, "/api/v1/referrals/%s", ref);
	assert_int_equal(hc_status(&w->bar, "PATCH", path, "{\"status\":\"accepted\"}"), 200);
	registry *reg = hf_registry(w->f);
	put_referral(reg, ref, "P2", "ngo", "bar_association", "legal_aid", "completed");
	registry_close(reg);
	f = referral_of_p2(&w->ngo, ref);
	assert_string_equal(json_string_value(json_object_get(f, "status")), "completed");
	assert_true(json_is_false(json_object_get(f, "consent")));
	assert_string_equal(json_string_value(json_object_get(f, "override_reason")),
			    "vital_interests");
	json_decref(f);

	/* with consent: nothing to override */
	hc_send(&w->ngo, "POST", "/api/v1/referrals", REFER ",\"consent\":true}", NULL, &r);
	assert_int_equal(r.status, 201);
	snprintf(ref, sizeof ref, "%s", json_string_value(json_object_get(r.json, "id")));
	hc_free(&r);
	f = referral_of_p2(&w->ngo, ref);
	assert_true(json_is_true(json_object_get(f, "consent")));
	assert_true(json_is_false(json_object_get(f, "consent_override")));
	assert_true(json_is_null(json_object_get(f, "override_reason")));
	json_decref(f);
	detail = audit_detail(w, ref);
	assert_non_null(strstr(detail, "consent=given"));
	free(detail);
#undef REFER

	/* imported before Haven asked: not recorded, and said so */
	json_t *j = hc_get_json(&w->officer, "/api/v1/persons/P1", 200);
	seen = 0;
	json_array_foreach(json_object_get(j, "referrals"), i, item)
	{
		const char *id = json_string_value(json_object_get(item, "id"));
		if (strcmp(id, "R1") != 0 && strcmp(id, "R2") != 0)
			continue; /* made over the API by the tests before */
		assert_true(json_is_null(json_object_get(item, "consent")));
		assert_true(json_is_false(json_object_get(item, "consent_override")));
		seen++;
	}
	assert_int_equal(seen, 2);
	json_decref(j);
	j = hc_get_json(&w->ngo, "/api/v1/codes", 200);
	assert_true(mentions(j, "child_protection"));
	json_decref(j);
}

/* Checklist HUM-08: everything held on P1, and who saw it, for P1; nothing
 * of another person beyond the link; only officers, and it is audited. */
static void subject_access(void **state)
{
	struct world *w = *state;
	static const char *const held[] = {
		"\"given_name\":\"Aysel\"", "\"family_name\":\"Quliyeva\"", "\"phone\":\"+994501234567\"",
		"\"address\":\"Sumqayit\"", "\"birth_date\":\"1990\"", "\"exploitation\":[\"sexual\"]",
		"\"country_of_exploitation\":\"TUR\"", "note-of-the-shelter", "\"id\":\"R2\"",
		"\"dependants\":[\"P3\"]", "\"legal_hold\":null", "\"erased\":false"};
	(void)w;
	json_decref(hc_get_json(&w->bar, "/api/v1/persons/P1", 200)); /* on the record from now */
	json_t *j = hc_get_json(&w->officer, "/api/v1/persons/P1/subject-access", 200);
	char *text = json_dumps(j, JSON_COMPACT);
	for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
		if (!strstr(text, held[i]))
			fail_msg("the subject access report lacks %s", held[i]);
	assert_null(strstr(text, "Leyla")); /* P3's own data is P3's */
	assert_null(strstr(text, "rashad")); /* agencies and roles, not staff names */
	/* who saw it: the bar association's read, just now, among others */
	json_t *a, *accesses = json_object_get(j, "accesses");
	size_t i;
	int bar = 0;
	json_array_foreach(accesses, i, a)
	{
		bar |= strcmp(json_string_value(json_object_get(a, "agency")), "bar_association") == 0 &&
		       strcmp(json_string_value(json_object_get(a, "action")), "person.read") == 0;
	}
	assert_true(bar);
	assert_true(json_is_string(json_object_get(json_object_get(j, "retention"), "kept_until")));
	free(text);
	json_decref(j);
	json_decref(hc_get_json(&w->officer, "/api/v1/persons/NOBODY/subject-access", 404));
	json_decref(hc_get_json(&w->shelter, "/api/v1/persons/P1/subject-access", 403));
	assert_true(audited(w, "person.subject_access", "P1") >= 2); /* the matrix's and this one */
}

/* The hold an officer's read of P2 shows: null, or its reason and since
 * (one of the days in `days`: the clock may pass midnight meanwhile). */
static void officer_sees_hold(struct world *w, const char *reason, const char *const days[2])
{
	json_t *j = hc_get_json(&w->officer, "/api/v1/persons/P2", 200);
	json_t *hold = json_object_get(j, "legal_hold");
	assert_non_null(hold); /* the member is there, null or not */
	if (!reason) {
		assert_true(json_is_null(hold));
	} else {
		const char *since = json_string_value(json_object_get(hold, "since"));
		assert_string_equal(json_string_value(json_object_get(hold, "reason")), reason);
		assert_non_null(since);
		if (strcmp(since, days[0]) != 0)
			assert_string_equal(since, days[1]);
		assert_int_equal(json_object_size(hold), 2);
	}
	json_decref(j);
}

/* Today (UTC, the server's clock) as YYYY-MM-DD. */
static void today_text(char buf[DATE_TEXT_MAX])
{
	date_format(clock_now(), buf);
}

/* Checklist HUM-11 over the API: an officer puts and lifts a legal hold,
 * with a reason of the list; both are audited; the person's report and the
 * officer's read of the person show it, and nobody else's read mentions
 * holds at all. */
static void legal_hold(void **state)
{
	struct world *w = *state;
	struct hc_response r;
	char days[2][DATE_TEXT_MAX] = {"", ""};
	const char *const day[2] = {days[0], days[1]};
	const char *const reason[] = {"X-Access-Reason: report_verification", NULL};
	assert_int_equal(hc_reauth(&w->officer, hf_account(w->f, "rashad"), HC_PASSWORD), 200);
	today_text(days[0]);
	officer_sees_hold(w, NULL, day);
	hc_send(&w->officer, "POST", "/api/v1/persons/P2/legal-hold", "{\"reason\":\"whim\"}", NULL,
		&r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "court_order")); /* what is allowed */
	hc_free(&r);
	assert_int_equal(hc_status(&w->officer, "POST", "/api/v1/persons/P2/legal-hold", "{}"), 400);
	assert_int_equal(hc_status(&w->officer, "POST", "/api/v1/persons/NOBODY/legal-hold",
				   "{\"reason\":\"investigation\"}"),
			 404);
	hc_send(&w->officer, "POST", "/api/v1/persons/P2/legal-hold",
		"{\"reason\":\"investigation\"}", NULL, &r);
	assert_int_equal(r.status, 200);
	/* the answer: the hold as it now is, as the read shows it */
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "legal_hold"),
							      "reason")),
			    "investigation");
	hc_free(&r);
	json_t *j = hc_get_json(&w->officer, "/api/v1/persons/P2/subject-access", 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "legal_hold"),
							      "reason")),
			    "investigation");
	assert_true(json_is_true(json_object_get(json_object_get(j, "retention"), "held")));
	json_t *reported = json_incref(json_object_get(j, "legal_hold"));
	json_decref(j);
	today_text(days[1]);
	officer_sees_hold(w, "investigation", day);
	j = hc_get_json(&w->officer, "/api/v1/persons/P2", 200); /* the report's hold, the same */
	assert_true(json_equal(json_object_get(j, "legal_hold"), reported));
	json_decref(j);
	json_decref(reported);
	/* held, and still no word of it for a caseworker who sees P2, nor for
	 * the coordinator */
	j = hc_get_json(&w->ngo, "/api/v1/persons/P2", 200);
	assert_false(has_key(j, "legal_hold"));
	assert_false(mentions(j, "investigation"));
	json_decref(j);
	assert_int_equal(hc_reauth(&w->coord, hf_account(w->f, "coord"), HC_PASSWORD), 200);
	hc_send(&w->coord, "GET", "/api/v1/persons/P2", NULL, reason, &r);
	assert_int_equal(r.status, 200);
	assert_false(has_key(r.json, "legal_hold"));
	hc_free(&r);
	hc_send(&w->officer, "DELETE", "/api/v1/persons/P2/legal-hold", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_null(json_object_get(r.json, "legal_hold")));
	assert_true(has_key(r.json, "legal_hold"));
	hc_free(&r);
	officer_sees_hold(w, NULL, day);
	j = hc_get_json(&w->ngo, "/api/v1/persons/P2", 200);
	assert_false(has_key(j, "legal_hold"));
	json_decref(j);
	assert_int_equal(hc_status(&w->officer, "DELETE", "/api/v1/persons/P2/legal-hold", NULL),
			 409);
	registry *reg = hf_registry(w->f);
	db_stmt *st = NULL;
	assert_int_equal(db_prepare(registry_db(reg), "SELECT action, outcome, detail FROM audit_log "
						      "WHERE object_ref = 'P2' AND action IN "
						      "('person.hold', 'person.release') AND actor = "
						      "'rashad' ORDER BY seq DESC LIMIT 3",
				    &st),
			 ERR_OK);
	static const char *const want[][3] = {{"person.release", "denied", ""},
					      {"person.release", "ok", ""},
					      {"person.hold", "ok", "investigation"}};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(db_step(st), DB_ROW);
		assert_string_equal(db_col_text(st, 0), want[i][0]);
		assert_string_equal(db_col_text(st, 1), want[i][1]);
		if (want[i][2][0])
			assert_string_equal(db_col_text(st, 2), want[i][2]);
	}
	db_finalize(st);
	registry_close(reg);

	/* a hold on the mother keeps her daughter's record too: the officer
	 * reading P3 is told so, though P3 has no hold of her own */
	assert_int_equal(hc_status(&w->officer, "POST", "/api/v1/persons/P1/legal-hold",
				   "{\"reason\":\"court_order\"}"),
			 200);
	const char *const family[][2] = {{"P3", "true"}, {"P1", "false"}, {"P2", "false"}};
	for (size_t i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof path, "/api/v1/persons/%s", family[i][0]);
		j = hc_get_json(&w->officer, path, 200);
		assert_int_equal(json_is_true(json_object_get(j, "family_hold")),
				 strcmp(family[i][1], "true") == 0);
		assert_int_equal(json_is_null(json_object_get(j, "legal_hold")),
				 strcmp(family[i][0], "P1") != 0);
		json_decref(j);
	}
	j = hc_get_json(&w->ngo, "/api/v1/persons/P2", 200);
	assert_false(has_key(j, "family_hold"));
	json_decref(j);
	assert_int_equal(hc_status(&w->officer, "DELETE", "/api/v1/persons/P1/legal-hold", NULL),
			 200);
	j = hc_get_json(&w->officer, "/api/v1/persons/P3", 200);
	assert_true(json_is_false(json_object_get(j, "family_hold")));
	json_decref(j);
}

static void lists_and_cursors(void **state)
{
	struct world *w = *state;
	char path[256], seen[512] = "";
	size_t used = 0;
	const char *cursor = NULL;
	json_t *page = NULL;
	for (int n = 0; n < 10; n++) {
		if (cursor)
			snprintf(path, sizeof path, "/api/v1/persons?limit=2&cursor=%s", cursor);
		else
			snprintf(path, sizeof path, "/api/v1/persons?limit=2");
		json_t *next = hc_get_json(&w->officer, path, 200);
		json_decref(page);
		page = next;
		json_t *items = json_object_get(page, "persons");
		assert_true(json_array_size(items) <= 2);
		size_t i;
		json_t *item;
		json_array_foreach(items, i, item) used += (size_t)snprintf(
			seen + used, sizeof seen - used, "%s ",
			json_string_value(json_object_get(item, "id")));
		cursor = json_string_value(json_object_get(page, "next"));
		if (!cursor)
			break;
		assert_true(strlen(cursor) > 40); /* opaque: no position in sight */
	}
	json_decref(page);
	assert_memory_equal(seen, "P1 P2 P3 P4 ", 12);
	json_decref(hc_get_json(&w->officer, "/api/v1/persons?cursor=AAAA", 400));
	json_decref(hc_get_json(&w->officer, "/api/v1/persons?limit=101", 400));
	json_decref(hc_get_json(&w->officer, "/api/v1/persons?name=Aysel", 400)); /* names only by POST */
	json_decref(hc_get_json(&w->officer, "/api/v1/persons?status=victim&year=2024", 200));
	json_decref(hc_get_json(&w->job, "/api/v1/persons?status=victim", 403));
	json_decref(hc_get_json(&w->shelter, "/api/v1/persons?agency=ngo", 403));
	json_t *j = hc_get_json(&w->shelter, "/api/v1/persons?agency=mia_shelter", 200);
	json_decref(j);
	j = hc_get_json(&w->officer, "/api/v1/persons?status=dependant", 200);
	char buf[64];
	assert_string_equal(ids(json_object_get(j, "persons"), buf, sizeof buf), "P3");
	json_decref(j);
}

/* Search by document number, however it is written, and by name in another
 * alphabet, through the blind indexes; only persons in sight are found. */
static void document_and_name_search(void **state)
{
	struct world *w = *state;
	struct hc_response a;
	char buf[256];
	enum put_outcome o;
	registry *r = hf_registry(w->f);
	struct person p = {.ref = "P5", .status = "victim", .given_name = "Səbinə",
			   .family_name = "Cəfərova", .sex = "female", .document_number = "AA 12-34567",
			   .identified_on = tu_day("2024-03-01"), .identification_source = "police",
			   .recognized_on = tu_day("2024-03-05"), .decided_on = DATE_NONE};
	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	assert_int_equal(registry_put_person(r, &p, 0, &o), ERR_OK);
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
	registry_close(r);
	hc_send(&w->officer, "POST", "/api/v1/persons/search", "{\"document_number\":\"aa1234567\"}",
		NULL, &a);
	assert_int_equal(a.status, 200);
	assert_string_equal(ids(json_object_get(a.json, "persons"), buf, sizeof buf), "P5");
	hc_free(&a);
	hc_send(&w->officer, "POST", "/api/v1/persons/search", "{\"name\":\"Джафарова\"}", NULL, &a);
	assert_int_equal(a.status, 200);
	assert_string_equal(ids(json_object_get(a.json, "persons"), buf, sizeof buf), "P5");
	hc_free(&a);
	hc_send(&w->officer, "POST", "/api/v1/persons/search",
		"{\"name\":\"Cafarova\",\"document_number\":\"ZZ999\"}", NULL, &a);
	assert_int_equal(a.status, 200);
	assert_int_equal(json_array_size(json_object_get(a.json, "persons")), 0);
	hc_free(&a);
	/* out of the NGO's sight: found by nobody there */
	hc_send(&w->ngo, "POST", "/api/v1/persons/search", "{\"document_number\":\"AA1234567\"}", NULL,
		&a);
	assert_int_equal(a.status, 200);
	assert_int_equal(json_array_size(json_object_get(a.json, "persons")), 0);
	hc_free(&a);
	assert_int_equal(hc_status(&w->officer, "POST", "/api/v1/persons/search", "{}"), 400);
	assert_int_equal(hc_status(&w->officer, "POST", "/api/v1/persons/search",
				   "{\"document_number\":\" - \"}"),
			 400);
}

/* The administrator adds a service and an agency (access.md: manages
 * agencies and codes); every worker thread takes the new lists, so the next
 * service recorded may use the code; lists with rules of their own, bad
 * codes and unknown agency kinds are refused at their field. */
static void codes_added_by_admin(void **state)
{
	struct world *w = *state;
	struct hc_response r;
	assert_int_equal(hc_reauth(&w->adm, hf_account(w->f, "adm"), HC_PASSWORD), 200);
	assert_int_equal(hc_status(&w->adm, "POST", "/api/v1/codes",
				   "{\"list\":\"service\",\"code\":\"art_therapy\",\"en\":\"Art therapy\","
				   "\"az\":\"İncəsənət terapiyası\"}"),
			 201);
	assert_int_equal(hc_status(&w->adm, "POST", "/api/v1/agencies",
				   "{\"code\":\"ngo_ganja\",\"kind\":\"ngo\",\"en\":\"Ganja NGO\","
				   "\"az\":\"Gəncə QHT\"}"),
			 201);
	/* several requests, so that several worker threads answer them */
	for (int i = 0; i < 8; i++) {
		json_t *j = hc_get_json(&w->ngo, "/api/v1/codes", 200);
		assert_true(mentions(j, "art_therapy"));
		assert_true(mentions(j, "ngo_ganja"));
		json_decref(j);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(hc_status(&w->officer, "POST", "/api/v1/persons/P1/services",
					   "{\"service\":\"art_therapy\",\"provider\":\"ngo_ganja\","
					   "\"date\":\"2024-04-02\"}"),
				 201);
	hc_send(&w->adm, "POST", "/api/v1/codes",
		"{\"list\":\"status\",\"code\":\"rescued\",\"en\":\"R\",\"az\":\"R\"}", NULL, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "service, source, exploitation"));
	hc_free(&r);
	hc_send(&w->adm, "POST", "/api/v1/codes",
		"{\"list\":\"service\",\"code\":\"Art Therapy\",\"en\":\"A\",\"az\":\"A\"}", NULL,
		&r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "a-z, 0-9 and _"));
	hc_free(&r);
	hc_send(&w->adm, "POST", "/api/v1/agencies",
		"{\"code\":\"mars_ngo\",\"kind\":\"martian\",\"en\":\"M\",\"az\":\"M\"}", NULL, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "kind"));
	hc_free(&r);
	assert_int_equal(hc_status(&w->adm, "POST", "/api/v1/codes",
				   "{\"list\":\"source\",\"code\":\"hotline2\",\"en\":\"A\","
				   "\"az\":\"A\",\"money\":true}"),
			 400);
	assert_int_equal(hc_status(&w->adm, "POST", "/api/v1/codes",
				   "{\"list\":\"service\",\"code\":\"art_therapy\",\"en\":\"A\","
				   "\"az\":\"A\"}"),
			 409);
}

/* ASVS-34: records and lists show a document number masked; the whole number
 * comes only from an audited reveal, for those who may see the identity. */
static void document_masked_until_revealed(void **state)
{
	struct world *w = *state;
	struct hc_response a;
	enum put_outcome o;
	registry *r = hf_registry(w->f);
	struct person p = {.ref = "P6", .status = "victim", .given_name = "Aynur",
			   .family_name = "Quliyeva", .sex = "female", .document_number = "AA7654321",
			   .identified_on = tu_day("2024-03-01"), .identification_source = "police",
			   .recognized_on = tu_day("2024-03-05"), .decided_on = DATE_NONE};
	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	assert_int_equal(registry_put_person(r, &p, 0, &o), ERR_OK);
	p.ref = "P7", p.document_number = "AB12"; /* too short to show any of it */
	assert_int_equal(registry_put_person(r, &p, 0, &o), ERR_OK);
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
	registry_close(r);
	json_t *j = hc_get_json(&w->officer, "/api/v1/persons/P6", 200);
	json_t *person = json_object_get(j, "person");
	assert_false(has_key(person, "document_number"));
	assert_string_equal(json_string_value(json_object_get(person, "document_number_masked")),
			    "\u2022\u2022\u2022" "321");
	assert_false(mentions(j, "A7654")); /* upper case: no random reference has it */
	json_decref(j);
	j = hc_get_json(&w->officer, "/api/v1/persons/P7", 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "person"),
							      "document_number_masked")),
			    "\u2022\u2022\u2022");
	json_decref(j);
	j = hc_get_json(&w->officer, "/api/v1/persons?limit=100", 200);
	assert_false(mentions(j, "A7654"));
	assert_true(mentions(j, "\u2022\u2022\u2022" "321"));
	json_decref(j);
	hc_send(&w->officer, "POST", "/api/v1/persons/P6/reveal", NULL, NULL, &a);
	assert_int_equal(a.status, 200);
	assert_string_equal(json_string_value(json_object_get(a.json, "document_number")),
			    "AA7654321");
	hc_free(&a);
	/* out of the caseworker's sight: as missing as an unknown id */
	hc_send(&w->ngo, "POST", "/api/v1/persons/P6/reveal", NULL, NULL, &a);
	assert_int_equal(a.status, 404);
	assert_false(a.body && strstr(a.body, "A7654"));
	hc_free(&a);
	/* the mask cannot be sent back as a number */
	assert_int_equal(hc_status(&w->officer, "PATCH", "/api/v1/persons/P6",
				   "{\"document_number_masked\":\"x\"}"),
			 400);
	char errbuf[ERRBUF_MAX];
	db *conn = NULL;
	db_stmt *st;
	int ok = 0, refused = 0;
	assert_int_equal(db_open(w->f->dbpath, DB_OPEN_EXISTING, &conn, errbuf), ERR_OK);
	assert_int_equal(db_prepare(conn,
				    "SELECT actor, outcome FROM audit_log WHERE action = "
				    "'person.reveal' AND object_ref = 'P6'",
				    &st),
			 ERR_OK);
	while (db_step(st) == DB_ROW) {
		ok += strcmp(db_col_text(st, 0), "rashad") == 0 &&
		      strcmp(db_col_text(st, 1), "ok") == 0;
		refused += strcmp(db_col_text(st, 1), "ok") != 0;
	}
	db_finalize(st);
	db_close(conn);
	assert_int_equal(ok, 1);
	assert_int_equal(refused, 1);
}

/* What the web interface needs besides records: the CSRF token again from
 * GET /api/v1/session, the vocabularies, a person's family within sight, the
 * auditor's log and its verification, accounts managed by the administrator
 * (sessions end with every change), and the coordinator's approval. */
static void interface_routes(void **state)
{
	struct world *w = *state;
	const char *why[] = {"X-Access-Reason: complaint", NULL};
	struct hc_response r;
	char buf[256];
	json_t *j;

	/* a reload keeps the same CSRF token, and it works */
	j = hc_get_json(&w->shelter, "/api/v1/session", 200);
	assert_string_equal(json_string_value(json_object_get(j, "csrf_token")), w->shelter.csrf);
	json_decref(j);

	j = hc_get_json(&w->ana, "/api/v1/codes", 200);
	assert_true(mentions(json_object_get(json_object_get(j, "codes"), "status"), "qurban"));
	assert_true(mentions(json_object_get(j, "agencies"), "\"kind\": \"employment\""));
	/* and the lists the policy fixes, for the forms */
	json_t *policy = json_object_get(j, "policy");
	assert_true(mentions(json_object_get(policy, "access_reasons"), "court_request"));
	assert_true(mentions(json_object_get(policy, "agency_kinds"), "support_fund"));
	assert_int_equal(json_array_size(json_object_get(policy, "extensible")), 3);
	json_decref(j);

	/* P3 is P1's child: the shelter (which referred P3) sees both ways */
	j = hc_get_json(&w->shelter, "/api/v1/persons/P1/children", 200);
	assert_string_equal(ids(json_object_get(j, "children"), buf, sizeof buf), "P3");
	assert_null(json_object_get(j, "parent"));
	json_decref(j);
	j = hc_get_json(&w->shelter, "/api/v1/persons/P3/children", 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "parent"), "id")),
			    "P1");
	json_decref(j);
	/* the employment agency sees P1 but not her child: absent, not an error */
	j = hc_get_json(&w->job, "/api/v1/persons/P1/children", 200);
	assert_int_equal(json_array_size(json_object_get(j, "children")), 0);
	json_decref(j);
	/* the school sees the child and not its parent (only the parent's name) */
	j = hc_get_json(&w->school, "/api/v1/persons/P3/children", 200);
	assert_null(json_object_get(j, "parent"));
	json_decref(j);
	assert_int_equal(hc_status(&w->ngo, "GET", "/api/v1/persons/P1/children", NULL), 404);
	assert_int_equal(hc_reauth(&w->coord, hf_account(w->f, "coord"), HC_PASSWORD), 200);
	hc_send(&w->coord, "GET", "/api/v1/persons/P1/children", NULL, why, &r);
	assert_int_equal(r.status, 200);
	hc_free(&r);
	hc_send(&w->coord, "GET", "/api/v1/persons/P1/children", NULL, NULL, &r);
	assert_int_equal(r.status, 403);
	hc_free(&r);

	/* the audit log: who, what, when, which record; never the detail */
	j = hc_get_json(&w->aud, "/api/v1/audit?limit=5", 200);
	assert_int_equal(json_array_size(json_object_get(j, "entries")), 5);
	json_t *first = json_array_get(json_object_get(j, "entries"), 0);
	assert_non_null(json_object_get(first, "actor"));
	assert_null(json_object_get(first, "detail"));
	assert_false(mentions(j, "family check"));
	json_int_t next = json_integer_value(json_object_get(j, "next"));
	assert_true(next > 0);
	snprintf(buf, sizeof buf, "/api/v1/audit?limit=5&before=%lld", (long long)next);
	json_decref(j);
	j = hc_get_json(&w->aud, buf, 200);
	assert_true(json_integer_value(json_object_get(json_array_get(json_object_get(j, "entries"),
								       0),
						       "seq")) < next);
	json_decref(j);
	/* a breach inquiry (HUM-13): what the coordinator did today; what was
	 * done to P1; nothing tomorrow; the auditor's reading is on record */
	char today[DATE_TEXT_MAX], tomorrow[DATE_TEXT_MAX];
	date_format(date_today(), today);
	date_format(date_today() + 86400, tomorrow);
	snprintf(buf, sizeof buf, "/api/v1/audit?actor=coord&since=%s&until=%s&limit=100", today,
		 today);
	j = hc_get_json(&w->aud, buf, 200);
	json_t *found = json_object_get(j, "entries"), *x;
	size_t i;
	assert_true(json_array_size(found) > 0);
	json_array_foreach(found, i, x)
		assert_string_equal(json_string_value(json_object_get(x, "actor")), "coord");
	json_decref(j);
	j = hc_get_json(&w->aud, "/api/v1/audit?record=P1&action=person.read&limit=100", 200);
	found = json_object_get(j, "entries");
	assert_true(json_array_size(found) > 0);
	json_array_foreach(found, i, x) {
		assert_string_equal(json_string_value(json_object_get(x, "object_id")), "P1");
		assert_string_equal(json_string_value(json_object_get(x, "action")), "person.read");
	}
	json_decref(j);
	snprintf(buf, sizeof buf, "/api/v1/audit?since=%s", tomorrow);
	j = hc_get_json(&w->aud, buf, 200);
	assert_int_equal(json_array_size(json_object_get(j, "entries")), 0);
	json_decref(j);
	j = hc_get_json(&w->aud, "/api/v1/audit?since=yesterday&until=2026-02-30", 400);
	assert_true(mentions(j, "\"since\"") && mentions(j, "\"until\""));
	json_decref(j);
	j = hc_get_json(&w->aud, "/api/v1/audit?action=audit.read&limit=1", 200);
	x = json_array_get(json_object_get(j, "entries"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "actor")), "aud");
	json_decref(j);
	json_decref(hc_get_json(&w->aud, "/api/v1/audit?limit=0", 400));
	j = hc_get_json(&w->aud, "/api/v1/audit/verify", 200);
	assert_true(json_is_true(json_object_get(j, "intact")));
	assert_true(json_integer_value(json_object_get(j, "entries")) > 10);
	assert_int_equal(strlen(json_string_value(json_object_get(j, "root"))), 64); /* Merkle root */
	assert_int_equal(json_integer_value(json_object_get(j, "clock_regressions")), 0);
	json_decref(j);

	/* accounts: added with a URI and a reset code, never a password */
	assert_int_equal(hc_reauth(&w->adm, hf_account(w->f, "adm"), HC_PASSWORD), 200);
	hc_send(&w->adm, "POST", "/api/v1/users",
		"{\"username\":\"new.cw\",\"role\":\"caseworker\",\"agency\":\"ngo\"}", NULL, &r);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(json_string_value(json_object_get(r.json, "otpauth_uri")),
			       "otpauth://totp/"));
	assert_int_equal(strlen(json_string_value(json_object_get(r.json, "reset_code"))), 19);
	assert_false(mentions(r.json, "password"));
	/* the URI as a QR code: a square of modules, finder patterns in the corners */
	json_t *qr = json_object_get(r.json, "otpauth_qr");
	size_t side = json_array_size(qr);
	assert_true(side >= 21 && (side - 17) % 4 == 0);
	for (size_t y = 0; y < side; y++)
		assert_int_equal(strlen(json_string_value(json_array_get(qr, y))), side);
	assert_string_equal(json_string_value(json_array_get(qr, 0)) + side - 7, "1111111");
	assert_int_equal(strncmp(json_string_value(json_array_get(qr, 0)), "1111111", 7), 0);
	hc_free(&r);
	hc_send(&w->adm, "POST", "/api/v1/users",
		"{\"username\":\"x\",\"role\":\"officer\",\"agency\":\"ngo\"}", NULL, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"username\""));
	assert_non_null(strstr(r.body, "\"role\""));
	hc_free(&r);
	/* a change of agency ends the account's sessions */
	assert_int_equal(hc_status(&w->adm, "PATCH", "/api/v1/users/bar1",
				   "{\"agency\":\"mia_support_fund\"}"),
			 200);
	assert_int_equal(hc_status(&w->bar, "GET", "/api/v1/session", NULL), 401);
	assert_int_equal(hc_status(&w->adm, "PATCH", "/api/v1/users/bar1",
				   "{\"agency\":\"bar_association\",\"disabled\":true}"),
			 200);
	j = hc_get_json(&w->adm, "/api/v1/users", 200);
	assert_true(mentions(j, "\"username\": \"bar1\", \"role\": \"caseworker\", \"agency\": "
				"\"bar_association\", \"disabled\": true"));
	json_decref(j);
	assert_int_equal(hc_status(&w->adm, "PATCH", "/api/v1/users/bar1", "{\"disabled\":false}"),
			 200);
	assert_int_equal(hc_sign_in(&w->bar, hf_account(w->f, "bar1")), 200);
	assert_int_equal(hc_status(&w->adm, "PATCH", "/api/v1/users/adm", "{\"disabled\":true}"),
			 409);
	hc_send(&w->adm, "POST", "/api/v1/users/ana/reset", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(strlen(json_string_value(json_object_get(r.json, "reset_code"))), 19);
	hc_free(&r);
	assert_int_equal(hc_status(&w->ana, "GET", "/api/v1/session", NULL), 401);

	/* approval: once, audited; the report then carries it */
	hc_send(&w->coord, "POST", "/api/v1/reports/annual/freeze", "{\"year\":2024}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(strlen(json_string_value(json_object_get(r.json, "hash"))), 64);
	hc_free(&r);
	assert_int_equal(hc_status(&w->coord, "POST", "/api/v1/reports/annual/freeze",
				   "{\"year\":2024}"),
			 409);
	assert_int_equal(hc_status(&w->coord, "POST", "/api/v1/reports/annual/freeze",
				   "{\"year\":\"2024\"}"),
			 400);
	j = hc_get_json(&w->coord, "/api/v1/reports/annual?year=2024", 200);
	assert_non_null(json_object_get(json_object_get(j, "approved"), "restatements"));
	json_decref(j);
	j = hc_get_json(&w->aud, "/api/v1/audit?limit=3", 200);
	assert_true(mentions(j, "report.freeze"));
	json_decref(j);
}

/* Reads are audited by reference; no personal value reaches the log. */
static void reads_audited(void **state)
{
	struct world *w = *state;
	char errbuf[ERRBUF_MAX];
	db *conn = NULL;
	db_stmt *st;
	int reads = 0, denied = 0;
	json_decref(hc_get_json(&w->officer, "/api/v1/persons/P1", 200));
	json_decref(hc_get_json(&w->shelter, "/api/v1/persons/P2", 404));
	assert_int_equal(db_open(w->f->dbpath, DB_OPEN_EXISTING, &conn, errbuf), ERR_OK);
	assert_int_equal(db_prepare(conn,
				    "SELECT actor, object_ref, outcome, detail FROM "
				    "audit_log WHERE action = 'person.read'",
				    &st),
			 ERR_OK);
	while (db_step(st) == DB_ROW) {
		const char *actor = db_col_text(st, 0);
		const char *ref = db_col_text(st, 1);
		const char *outcome = db_col_text(st, 2);
		reads += strcmp(actor, "rashad") == 0 && strcmp(ref, "P1") == 0 &&
			 strcmp(outcome, "ok") == 0;
		denied += strcmp(actor, "shelter1") == 0 && strcmp(ref, "P2") == 0 &&
			  strcmp(outcome, "denied") == 0;
	}
	db_finalize(st);
	db_close(conn);
	assert_true(reads >= 1);
	assert_true(denied >= 1);
	if (tu_engine_is_postgres()) {
		assert_false(tu_tree_contains(getenv("HAVEN_TEST_PG"), "Quliyeva", 8));
		return;
	}
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", w->f->dbpath);
	assert_false(tu_file_contains(w->f->dbpath, "Quliyeva", 8));
	assert_false(tu_file_contains(wal, "Quliyeva", 8));
}

/* LeakSanitizer's hook: fontconfig (through pango, for the PDF) keeps a few
 * bytes of its configuration that no call gives back. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* The annual report: coordinators and analysts, aggregates only, audited. */
static void reports(void **state)
{
	struct world *w = *state;
	struct hc_response r;
	char v[256];
	json_decref(hc_get_json(&w->officer, "/api/v1/reports/annual?year=2024", 403));
	json_decref(hc_get_json(&w->shelter, "/api/v1/reports/annual?year=2024", 403));
	json_decref(hc_get_json(&w->adm, "/api/v1/reports/annual?year=2024", 403));
	json_decref(hc_get_json(&w->coord, "/api/v1/reports/annual", 400));
	json_decref(hc_get_json(&w->coord, "/api/v1/reports/annual?year=2024&format=doc", 400));
	json_decref(hc_get_json(&w->coord, "/api/v1/reports/annual?year=2024&lang=ru", 400));
	hc_send(&w->coord, "GET", "/api/v1/reports/annual?year=2024&lang=en", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(r.json);
	assert_null(strstr(r.body, "Quliyeva"));
	hc_free(&r);
	hc_send(&w->ana, "GET", "/api/v1/reports/annual?year=2024&format=csv", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(hc_header(&r, "Content-Type", v, sizeof v));
	assert_string_equal(v, "text/csv; charset=utf-8");
	hc_free(&r);
	hc_send(&w->ana, "GET", "/api/v1/reports/annual?year=2024&format=pdf", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.len > 4);
	assert_memory_equal(r.body, "%PDF", 4);
	hc_free(&r);
}

static int count_reads(const char *dbpath)
{
	char errbuf[ERRBUF_MAX];
	db *conn = NULL;
	db_stmt *st;
	int n = -1;
	assert_int_equal(db_open(dbpath, DB_OPEN_EXISTING, &conn, errbuf), ERR_OK);
	assert_int_equal(db_prepare(conn,
				    "SELECT count(*) FROM audit_log WHERE action = "
				    "'person.read' AND actor = 'rashad' AND object_ref = 'P1'",
				    &st),
			 ERR_OK);
	if (db_step(st) == DB_ROW)
		n = (int)db_col_int(st, 0);
	db_finalize(st);
	db_close(conn);
	return n;
}

#define READERS 8
#define READS_EACH 25

static void *reader(void *arg)
{
	struct hc c = *(struct hc *)arg;
	long bad = 0;
	for (int i = 0; i < READS_EACH; i++)
		bad += hc_status(&c, "GET", "/api/v1/persons/P1", NULL) != 200;
	return (void *)bad;
}

/* Reads in parallel go through the group commit: every one answered, every
 * one audited exactly once. */
static void concurrent_reads_audited(void **state)
{
	struct world *w = *state;
	pthread_t t[READERS];
	int before = count_reads(w->f->dbpath);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reader, &w->officer), 0);
	for (int i = 0; i < READERS; i++) {
		void *bad;
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
	assert_int_equal(count_reads(w->f->dbpath), before + READERS * READS_EACH);
	/* and the chain still holds */
	struct audit_verdict v;
	registry *r = hf_registry(w->f);
	assert_int_equal(audit_verify(registry_db(r), &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	registry_close(r);
}

/* ASVS-11 step-up: the coordinator's read of one record and the
 * administrator's user management need an authentication of the last five
 * minutes; POST /api/v1/session/reauth gives a new session that has one. */
static void step_up(void **state)
{
	struct world *w = *state;
	const char *why[] = {"X-Access-Reason: data_correction", NULL};
	struct hc_response r;
	struct hc old;
	clock_shift(POLICY_STEP_UP_SECONDS + 1);
	hc_send(&w->coord, "GET", "/api/v1/persons/P1", NULL, why, &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "reauth-required"));
	hc_free(&r);
	hc_send(&w->adm, "GET", "/api/v1/users", NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "reauth-required"));
	hc_free(&r);
	/* the rest of the session goes on: lists, the session itself */
	assert_int_equal(hc_status(&w->officer, "GET", "/api/v1/persons/P1", NULL), 200);
	assert_int_equal(hc_status(&w->adm, "GET", "/api/v1/session", NULL), 200);

	/* a wrong password is refused and changes nothing; a CSRF token is needed */
	assert_int_equal(hc_reauth(&w->coord, hf_account(w->f, "coord"), "wrong password here"),
			 403);
	old = w->coord;
	w->coord.csrf[0] = '\0';
	assert_int_equal(hc_reauth(&w->coord, hf_account(w->f, "coord"), HC_PASSWORD), 403);
	w->coord = old;
	assert_int_equal(hc_reauth(&w->coord, hf_account(w->f, "coord"), HC_PASSWORD), 200);
	hc_send(&w->coord, "GET", "/api/v1/persons/P1", NULL, why, &r);
	assert_int_equal(r.status, 200);
	hc_free(&r);
	/* the old session ended with the re-authentication */
	hc_send(&old, "GET", "/api/v1/session", NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	hc_free(&r);
	assert_int_equal(hc_reauth(&w->adm, hf_account(w->f, "adm"), HC_PASSWORD), 200);
	assert_int_equal(hc_status(&w->adm, "GET", "/api/v1/users", NULL), 200);
	clock_shift(POLICY_STEP_UP_SECONDS + 1);
	assert_int_equal(hc_status(&w->adm, "GET", "/api/v1/users", NULL), 401);
	assert_int_equal(hc_reauth(&w->adm, hf_account(w->f, "adm"), HC_PASSWORD), 200);
}

/* ASVS-11 four eyes: an erasure asked over the API is done only when another
 * officer approves it; the one who asked cannot. */
static void four_eyes_erasure(void **state)
{
	struct world *w = *state;
	struct hc second;
	struct hc_response r;
	char path[128];
	assert_int_equal(hc_reauth(&w->officer, hf_account(w->f, "rashad"), HC_PASSWORD), 200);
	hc_send(&w->officer, "POST", "/api/v1/persons",
		"{\"status\":\"potential_victim\",\"given_name\":\"Sevda\",\"family_name\":\"Aliyeva\","
		"\"sex\":\"female\",\"identified_on\":\"2024-05-01\","
		"\"identification_source\":\"ngo_referral\"}",
		NULL, &r);
	assert_int_equal(r.status, 201);
	char ref[RECORD_REF_MAX + 1];
	snprintf(ref, sizeof ref, "%s", json_string_value(json_object_get(r.json, "id")));
	hc_free(&r);
	int64_t before = audited(w, "person.erase.request", NULL);

	snprintf(path, sizeof path, "/api/v1/persons/%s/erasure", ref);
	assert_int_equal(hc_status(&w->officer, "POST", path, "{}"), 400); /* a reason is required */
	hc_send(&w->officer, "POST", path, "{\"reason\":\"court order 12/2025\"}", NULL, &r);
	assert_int_equal(r.status, 202);
	json_int_t id = json_integer_value(json_object_get(r.json, "id"));
	assert_true(id > 0);
	hc_free(&r);
	assert_int_equal(audited(w, "person.erase.request", NULL), before + 1);
	/* one pending request per person */
	assert_int_equal(hc_status(&w->officer, "POST", path, "{\"reason\":\"again\"}"), 409);
	assert_int_equal(hc_status(&w->officer, "POST", "/api/v1/persons/P-none/erasure",
				   "{\"reason\":\"x\"}"),
			 404);

	/* the officer who asked cannot approve */
	snprintf(path, sizeof path, "/api/v1/erasure-requests/%lld/approve", (long long)id);
	hc_send(&w->officer, "POST", path, NULL, NULL, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "four eyes"));
	hc_free(&r);
	snprintf(path, sizeof path, "/api/v1/persons/%s", ref);
	hc_send(&w->officer, "GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Sevda")); /* not erased yet */
	hc_free(&r);

	/* a second officer sees it waiting and approves: now it is erased */
	hc_init(&second, w->f);
	assert_int_equal(hc_sign_in(&second, hf_account(w->f, "kamala")), 200);
	hc_send(&second, "GET", "/api/v1/erasure-requests", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ref));
	hc_free(&r);
	snprintf(path, sizeof path, "/api/v1/erasure-requests/%lld/approve", (long long)id);
	hc_send(&second, "POST", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "state")), "approved");
	hc_free(&r);
	assert_int_equal(hc_status(&second, "POST", path, NULL), 409); /* once */
	assert_int_equal(audited(w, "person.erase", NULL), 1);
	snprintf(path, sizeof path, "/api/v1/persons/%s", ref);
	hc_send(&second, "GET", path, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "Sevda"));
	hc_free(&r);

	/* step-up holds here too */
	clock_shift(POLICY_STEP_UP_SECONDS + 1);
	hc_send(&second, "GET", "/api/v1/erasure-requests", NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "reauth-required"));
	hc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(access_matrix),
		cmocka_unit_test(idor),
		cmocka_unit_test(fields_by_agency_kind),
		cmocka_unit_test(notes_for_their_writers),
		cmocka_unit_test(access_block),
		cmocka_unit_test(mass_assignment),
		cmocka_unit_test(caseworker_and_referral_path),
		cmocka_unit_test(consent_gated_referrals),
		cmocka_unit_test(subject_access),
		cmocka_unit_test(legal_hold),
		cmocka_unit_test(lists_and_cursors),
		cmocka_unit_test(reads_audited),
		cmocka_unit_test(concurrent_reads_audited),
		cmocka_unit_test(reports),
		cmocka_unit_test(document_and_name_search),
		cmocka_unit_test(document_masked_until_revealed),
		cmocka_unit_test(codes_added_by_admin),
		cmocka_unit_test(step_up),
		cmocka_unit_test(four_eyes_erasure),
		cmocka_unit_test(interface_routes),
	};
	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
