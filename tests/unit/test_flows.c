/*
 * test_flows.c - checklist HUM-16: the data-flow inventory of
 * docs/internals/flows.md against the policy.
 *
 * Every row of the inventory names a role, the agency kinds it holds for
 * and what that role sees; for each kind the test builds the principal,
 * asks policy.c the same questions and compares, cell by cell.  Then it
 * checks that every role that may belong to every agency kind of a fresh
 * database (and a kind a deployment adds) has exactly one row: a flow the
 * policy grants and the inventory lacks fails here.  The inventory is
 * written by hand on purpose (it is what the agencies reviewed): nothing
 * regenerates it from the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "core/registry.h"
#include "db/db.h"
#include "testutil.h"

#define DOC_PATH HAVEN_SOURCE_DIR "/docs/internals/flows.md"
#define DOC_BEGIN "<!-- BEGIN the inventory"
#define DOC_END "<!-- END the inventory -->"
#define NEW_KIND "any other kind"
#define NEW_KIND_CODE "kind_added_later" /* what the policy is asked for it */
#define COLUMNS 14
#define KINDS_MAX 32
#define ROWS_MAX 32
#define OWN "own_agency"
#define OTHER "other_agency"

static const char *const column_names[COLUMNS] = {
	"role", "agency kinds", "persons", "identity", "contact", "status", "case",
	"parent name", "block", "services", "notes", "referrals", "reports", "clause"};

struct row {
	int line;
	char *cell[COLUMNS]; /* pointers into the document's text */
};

/* ---- what the policy grants, in the inventory's words -------------------- */

static const char *persons(const struct principal *p)
{
	struct person_scope without, with;
	policy_person_scope(p, 0, &without);
	policy_person_scope(p, 1, &with);
	if (without.none && with.all && !with.with_blocked)
		return "all, one at a time, with a reason";
	if (without.none)
		return "none";
	if (without.all)
		return without.with_blocked ? "all" : "all, not blocked";
	return without.dependants_only ? "its agency's dependants" : "its agency's";
}

static const char *yes_no(unsigned fields, unsigned group)
{
	return fields & group ? "yes" : "no";
}

static const char *services(const struct principal *p)
{
	if (policy_service_visible(p, OTHER, "case_management", 0))
		return "all";
	if (policy_service_visible(p, OWN, "case_management", 0))
		return "its own";
	if (policy_service_visible(p, OWN, "legal_aid", 0))
		return "its own legal aid";
	if (policy_service_visible(p, OWN, "allowance", 1))
		return "its own payments";
	return "none";
}

static const char *notes(const struct principal *p)
{
	if (policy_note_visible(p, OTHER))
		return "all";
	return policy_note_visible(p, OWN) ? "its own" : "none";
}

static const char *referrals(const struct principal *p)
{
	if (policy_referral_visible(p, OTHER, "third_agency"))
		return "all";
	return policy_referral_visible(p, OWN, OTHER) ? "to or from it" : "none";
}

static const char *reports(const struct principal *p)
{
	if (!policy_allows(p, ACT_REPORT_READ))
		return "none";
	return policy_report_suppressed(p) ? "small cells hidden" : "full";
}

/* The cells 2.. of a row as the policy would write them for `p`. */
static void granted(const struct principal *p, const char *out[COLUMNS])
{
	unsigned f = policy_person_fields(p);
	out[2] = persons(p);
	out[3] = yes_no(f, FG_IDENTITY), out[4] = yes_no(f, FG_CONTACT);
	out[5] = yes_no(f, FG_STATUS), out[6] = yes_no(f, FG_CASE);
	out[7] = yes_no(f, FG_PARENT_NAME), out[8] = yes_no(f, FG_BLOCK);
	out[9] = services(p), out[10] = notes(p), out[11] = referrals(p), out[12] = reports(p);
}

/* ---- the inventory --------------------------------------------------------- */

static char *trim(char *s)
{
	char *end = s + strlen(s);
	while (*s == ' ')
		s++;
	while (end > s && end[-1] == ' ')
		*--end = '\0';
	return s;
}

/* Splits the table between the markers of `doc` (changed in place) into
 * rows; returns their number. */
static size_t read_rows(char *doc, struct row *rows)
{
	char *begin = strstr(doc, DOC_BEGIN), *end = strstr(doc, DOC_END), *line, *next;
	size_t n = 0;
	int number = 1;
	assert_non_null(begin);
	assert_non_null(end);
	end[0] = '\0';
	for (char *c = doc; c < begin; c++)
		number += *c == '\n';
	for (line = begin; line; line = next, number++) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (strncmp(line, "| ", 2) != 0 || strncmp(line, "| role |", 8) == 0)
			continue;
		struct row *r = &rows[n++];
		assert_true(n <= ROWS_MAX);
		r->line = number;
		char *cell = line + 1;
		for (int c = 0; c < COLUMNS; c++) {
			char *bar = strchr(cell, '|');
			if (!bar)
				fail_msg("%s:%d: %d columns, not %d", DOC_PATH, number, c, COLUMNS);
			*bar = '\0';
			r->cell[c] = trim(cell);
			cell = bar + 1;
		}
	}
	return n;
}

/* The agency kinds of a fresh database, and the one a deployment adds. */
static size_t known_kinds(char kinds[KINDS_MAX][64])
{
	struct tu_store s;
	db_stmt *st = NULL;
	size_t n = 0;
	tu_store_open(&s);
	assert_int_equal(db_prepare(registry_db(s.r), "SELECT DISTINCT kind FROM agencies ORDER BY kind",
				    &st),
			 ERR_OK);
	while (db_step(st) == DB_ROW) {
		assert_true(n < KINDS_MAX - 1);
		snprintf(kinds[n++], 64, "%s", db_col_text(st, 0));
	}
	db_finalize(st);
	tu_store_close(&s);
	assert_true(n >= 5);
	snprintf(kinds[n++], 64, "%s", NEW_KIND);
	return n;
}

/* Calls check for each kind a row names. */
static void each_kind(const struct row *r, void (*check)(const struct row *, const char *, void *),
		      void *ctx)
{
	char kinds[512];
	snprintf(kinds, sizeof kinds, "%s", r->cell[1]);
	for (char *k = strtok(kinds, ","); k; k = strtok(NULL, ","))
		check(r, trim(k), ctx);
}

static void compare(const struct row *r, const char *kind, void *ctx)
{
	struct principal p;
	const char *want[COLUMNS] = {0};
	const char *code = strcmp(kind, NEW_KIND) == 0 ? NEW_KIND_CODE : kind;
	enum role role = policy_role_parse(r->cell[0]);
	(void)ctx;
	if (role == ROLE_NONE)
		fail_msg("%s:%d: no role %s", DOC_PATH, r->line, r->cell[0]);
	if (!policy_role_fits_kind(role, code))
		fail_msg("%s:%d: a %s cannot belong to an agency of kind %s", DOC_PATH, r->line,
			 r->cell[0], kind);
	assert_int_equal(policy_principal(&p, 1, "someone", OWN, code, r->cell[0]), ERR_OK);
	granted(&p, want);
	for (int c = 2; c < COLUMNS - 1; c++)
		if (strcmp(want[c], r->cell[c]) != 0)
			fail_msg("%s:%d: a %s of kind %s: %s is \"%s\" in the inventory, \"%s\" in "
				 "policy.c: change the agreement, the inventory and the policy together",
				 DOC_PATH, r->line, r->cell[0], kind, column_names[c], r->cell[c],
				 want[c]);
	if (!*r->cell[COLUMNS - 1])
		fail_msg("%s:%d: no clause of access.md allows this flow", DOC_PATH, r->line);
}

static void inventory_is_the_policy(void **state)
{
	struct row rows[ROWS_MAX];
	char *doc = tu_read_file(DOC_PATH, NULL);
	size_t n = read_rows(doc, rows);
	(void)state;
	assert_true(n >= ROLE_COUNT - 1);
	for (size_t i = 0; i < n; i++)
		each_kind(&rows[i], compare, NULL);
	free(doc);
}

struct coverage {
	enum role role;
	const char *kind;
	int rows;
};

static void count_row(const struct row *r, const char *kind, void *ctx)
{
	struct coverage *c = ctx;
	if (policy_role_parse(r->cell[0]) == c->role && strcmp(kind, c->kind) == 0)
		c->rows++;
}

static void every_flow_is_listed(void **state)
{
	struct row rows[ROWS_MAX];
	char kinds[KINDS_MAX][64], *doc = tu_read_file(DOC_PATH, NULL);
	size_t n = read_rows(doc, rows), nk = known_kinds(kinds);
	(void)state;
	for (int role = 0; role < ROLE_COUNT; role++) {
		if (role == ROLE_NONE)
			continue;
		for (size_t k = 0; k < nk; k++) {
			const char *code = strcmp(kinds[k], NEW_KIND) == 0 ? NEW_KIND_CODE : kinds[k];
			struct coverage c = {role, kinds[k], 0};
			if (!policy_role_fits_kind(role, code))
				continue;
			for (size_t i = 0; i < n; i++)
				each_kind(&rows[i], count_row, &c);
			if (c.rows != 1)
				fail_msg("%s: a %s at an agency of kind %s is in %d rows of the "
					 "inventory, not 1",
					 DOC_PATH, policy_role_name(role), kinds[k], c.rows);
		}
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inventory_is_the_policy),
		cmocka_unit_test(every_flow_is_listed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
