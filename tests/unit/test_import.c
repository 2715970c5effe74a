/* test_import.c - `haven import` against a real database: every rule of
 * shared/spec/interchange.md, the message format, atomicity, idempotence,
 * references across files, dry runs, the round trip through export, and the
 * real binary's output and exit status.  TU_BOTH_ENGINES: SQLite, then
 * PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/export.h"
#include "core/import.h"
#include "core/registry.h"
#include "testutil.h"

#define PERSON_HEADER                                                                              \
	"id,status,parent_id,given_name,family_name,patronymic,sex,birth_date,citizenship,"        \
	"document_number,phone,address,identified_on,identification_source,recognized_on,"         \
	"decided_on,exploitation,country_of_exploitation\n"
#define SERVICE_HEADER  "id,person_id,service,provider,date,end_date,amount,currency,phase,note\n"
#define HAS(path, s)    tu_file_contains((path), (s), strlen(s))
#define REFERRAL_HEADER "id,person_id,from,to,purpose,date,status,closed_on\n"

/* A victim, a potential victim, a dependant (before its parent) and a person
 * not confirmed; values with commas, quotes, a leading + and partial birth
 * dates. */
#define PERSONS                                                                                    \
	PERSON_HEADER                                                                              \
	"P3,dependant,P1,Leyla,Mammadova,,female,2015-07,AZE,,,,,,,,,\n"                           \
	"P1,victim,,Aysel,Mammadova,Ali qizi,female,1990-05-12,AZE,AA123,+994501234567,"           \
	"\"Baku, Nizami \"\"1\"\"\",2024-01-10,police,2024-02-01,,sexual;labour,TUR\n"             \
	"P2,potential_victim,,Ivan,Petrov,,male,1985,RUS,,,,2024-03-01,hotline,,,labour,RUS\n"     \
	"P4,not_confirmed,,Karim,Aliyev,,male,,XXA,,,,2024-04-01,ngo_referral,,2024-05-01,,\n"
#define SERVICES                                                                                   \
	SERVICE_HEADER                                                                             \
	"S1,P1,shelter,mia_shelter,2024-02-01,2024-03-01,,,,\n"                                    \
	"S2,P1,one_time_allowance,mia_support_fund,2024-02-05,,700,,,\n"                           \
	"S3,P1,legal_aid,bar_association,2024-02-10,,,,court,\"line one\nline \"\"two\"\"\"\n"     \
	"S4,P2,financial_assistance,ngo,2024-03-05,,5050.5,USD,,\n"
#define REFERRALS                                                                                  \
	REFERRAL_HEADER                                                                            \
	"R1,P1,mia_ctd,mia_shelter,shelter,2024-01-11,completed,2024-02-01\n"                      \
	"R2,P2,ngo,ssa_assistance_center,case_management,2024-03-02,,\n"

struct fx {
	char *dir;
	char *db, *key;
	registry *r;
	char *errors; /* what the last import printed */
	struct import_summary sum;
};


static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = tu_tempdir();
	f->db = tu_new_database(f->dir);
	f->key = tu_path(f->dir, "haven.key");
	f->r = tu_registry_new(f->db, f->key);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	registry_close(f->r);
	tu_rmtree(f->dir);
	free(f->db);
	free(f->key);
	free(f->dir);
	free(f->errors);
	free(f);
	return 0;
}

static void put(struct fx *f, const char *name, const char *text)
{
	char *p = tu_path(f->dir, name);
	tu_write_file(p, text);
	free(p);
}

static void put_bytes(struct fx *f, const char *name, const char *bytes, size_t len)
{
	char *p = tu_path(f->dir, name);
	FILE *fp = fopen(p, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(p);
}

/* Imports the named files of the fixture's directory (NULL-terminated). */
static err_t import_opt(struct fx *f, registry *r, int dry_run, ...)
{
	const char *names[16];
	char *paths[16];
	size_t n = 0, len = 0;
	struct import_options opt = {.dry_run = dry_run};
	FILE *mem;
	va_list ap;
	err_t e;

	va_start(ap, dry_run);
	while (n < 16 && (names[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	for (size_t i = 0; i < n; i++)
		paths[i] = tu_path(f->dir, names[i]);
	free(f->errors);
	f->errors = NULL;
	mem = open_memstream(&f->errors, &len);
	assert_non_null(mem);
	memset(&f->sum, 0, sizeof f->sum);
	e = import_files(r, (const char *const *)paths, n, &opt, &f->sum, mem);
	fclose(mem);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return e;
}

#define IMPORT(f, ...)  import_opt((f), (f)->r, 0, __VA_ARGS__, (const char *)NULL)
#define DRY_RUN(f, ...) import_opt((f), (f)->r, 1, __VA_ARGS__, (const char *)NULL)

static void expect_ok(struct fx *f, err_t e)
{
	if (e != ERR_OK)
		fprintf(stderr, "unexpected problems:\n%s", f->errors ? f->errors : "");
	assert_int_equal(e, ERR_OK);
	assert_string_equal(f->errors, "");
}

/* The import failed and printed `want` (a substring of one line). */
static void expect_problem(struct fx *f, err_t e, const char *want)
{
	if (e != ERR_INVALID || !strstr(f->errors, want))
		fprintf(stderr, "wanted: %s\ngot (%d):\n%s", want, e, f->errors ? f->errors : "");
	assert_int_equal(e, ERR_INVALID);
	assert_non_null(strstr(f->errors, want));
}

static void load_base(struct fx *f)
{
	put(f, "persons.csv", PERSONS);
	put(f, "services.csv", SERVICES);
	put(f, "referrals.csv", REFERRALS);
	expect_ok(f, IMPORT(f, "referrals.csv", "services.csv", "persons.csv"));
}

/* Exports `r` into dir/name/ and returns the three files concatenated. */
static char *dump(struct fx *f, registry *r, const char *name)
{
	struct export_summary s;
	char errbuf[ERRBUF_MAX], *out = tu_path(f->dir, name), *all = NULL;
	const char *files[] = {"persons.csv", "services.csv", "referrals.csv"};
	size_t total = 0;
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", out);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(export_dir(r, out, &s, errbuf), ERR_OK);
	for (int i = 0; i < 3; i++) {
		char *p = tu_path(out, files[i]);
		size_t n;
		char *text = tu_read_file(p, &n);
		assert_non_null(text);
		all = realloc(all, total + n + 1);
		assert_non_null(all);
		memcpy(all + total, text, n + 1);
		total += n;
		free(text);
		free(p);
	}
	free(out);
	return all;
}

/* ---- what goes in comes out ------------------------------------------------ */

static void test_import_three_kinds_any_order(void **state)
{
	struct fx *f = *state;
	struct provenance pv;
	const char *status;
	load_base(f);
	assert_int_equal(f->sum.files, 3);
	assert_int_equal(f->sum.rows, 10);
	assert_int_equal(f->sum.persons.added, 4);
	assert_int_equal(f->sum.services.added, 4);
	assert_int_equal(f->sum.referrals.added, 2);
	assert_true(f->sum.import_id > 0);
	assert_int_equal(registry_person_status(f->r, "P3", &status), ERR_OK);
	assert_string_equal(status, "dependant");
	assert_int_equal(registry_person_provenance(f->r, "P1", &pv), ERR_OK);
	assert_int_equal(pv.created_import, f->sum.import_id);
}

struct seen {
	char note[256];
	int64_t amount[8];
	char currency[8][8];
	char status[8][16];
	int n;
};

static err_t see_service(const struct service *s, void *ctx)
{
	struct seen *x = ctx;
	if (strcmp(s->ref, "S3") == 0)
		snprintf(x->note, sizeof x->note, "%s", s->note);
	x->amount[x->n] = s->has_amount ? s->amount : -1;
	snprintf(x->currency[x->n], 8, "%s", s->currency ? s->currency : "-");
	x->n++;
	return ERR_OK;
}

static err_t see_referral(const struct referral *r, void *ctx)
{
	struct seen *x = ctx;
	snprintf(x->status[x->n++], 16, "%s", r->status);
	return ERR_OK;
}

static void test_values_stored_exactly(void **state)
{
	struct fx *f = *state;
	struct seen s = {0}, r = {0};
	load_base(f);
	assert_int_equal(registry_each_service(f->r, NULL, see_service, &s), ERR_OK);
	assert_string_equal(s.note, "line one\nline \"two\"");
	assert_int_equal(s.amount[0], -1);
	assert_int_equal(s.amount[1], 70000);
	assert_string_equal(s.currency[1], "AZN"); /* the default, made explicit */
	assert_int_equal(s.amount[3], 505050);
	assert_string_equal(s.currency[3], "USD");
	assert_string_equal(s.currency[0], "-");
	assert_int_equal(registry_each_referral(f->r, NULL, see_referral, &r), ERR_OK);
	assert_string_equal(r.status[0], "completed");
	assert_string_equal(r.status[1], "sent"); /* default */
}

static void test_idempotent(void **state)
{
	struct fx *f = *state;
	struct provenance before, after;
	char *a, *b;
	load_base(f);
	a = dump(f, f->r, "a");
	assert_int_equal(registry_person_provenance(f->r, "P1", &before), ERR_OK);
	expect_ok(f, IMPORT(f, "persons.csv", "services.csv", "referrals.csv"));
	assert_int_equal(f->sum.persons.unchanged, 4);
	assert_int_equal(f->sum.services.unchanged, 4);
	assert_int_equal(f->sum.referrals.unchanged, 2);
	assert_int_equal(f->sum.persons.added + f->sum.persons.updated, 0);
	assert_int_equal(f->sum.import_id, 0); /* nothing written, not even an import */
	assert_int_equal(registry_person_provenance(f->r, "P1", &after), ERR_OK);
	assert_memory_equal(&before, &after, sizeof before);
	b = dump(f, f->r, "b");
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_changed_row_updates(void **state)
{
	struct fx *f = *state;
	struct provenance pv;
	int64_t first;
	load_base(f);
	first = f->sum.import_id;
	put(f, "p2.csv",
	    PERSON_HEADER
	    "P2,victim,,Ivan,Petrov,,male,1985,RUS,,,,2024-03-01,hotline,2024-06-01,,labour,RUS\n"
	    "P4,not_confirmed,,Karim,Aliyev,,male,,XXA,,,,2024-04-01,ngo_referral,,2024-05-01,,\n");
	expect_ok(f, IMPORT(f, "p2.csv"));
	assert_int_equal(f->sum.persons.updated, 1);
	assert_int_equal(f->sum.persons.unchanged, 1);
	assert_int_equal(registry_person_provenance(f->r, "P2", &pv), ERR_OK);
	assert_int_equal(pv.created_import, first);
	assert_int_equal(pv.updated_import, f->sum.import_id);
}

static void test_reference_to_stored_person(void **state)
{
	struct fx *f = *state;
	load_base(f);
	put(f, "more.csv", SERVICE_HEADER "S9,P2,medical_assistance,ngo,2024-07-01,,,,,\n");
	put(f, "kids.csv", PERSON_HEADER "P9,dependant,P2,Ali,Petrov,,male,2020,,,,,,,,,,\n");
	expect_ok(f, IMPORT(f, "more.csv", "kids.csv"));
	assert_int_equal(f->sum.services.added, 1);
	assert_int_equal(f->sum.persons.added, 1);
}

static void test_dangling_references(void **state)
{
	struct fx *f = *state;
	put(f, "s.csv", SERVICE_HEADER "S1,NOBODY,shelter,mia_shelter,2024-02-01,,,,,\n");
	put(f, "r.csv", REFERRAL_HEADER "R1,GHOST,ngo,mia_ctd,shelter,2024-01-01,,\n");
	put(f, "p.csv", PERSON_HEADER "C1,dependant,NOPARENT,A,B,,male,,,,,,,,,,,\n");
	err_t e = IMPORT(f, "s.csv", "r.csv", "p.csv");
	expect_problem(f, e,
	               "s.csv:2: person_id: no person with id 'NOBODY' in this import or in "
	               "the database");
	expect_problem(f, e, "r.csv:2: person_id: no person with id 'GHOST'");
	expect_problem(f, e, "p.csv:2: parent_id: no person with id 'NOPARENT'");
}

static void test_parent_must_be_victim(void **state)
{
	struct fx *f = *state;
	load_base(f);
	put(f, "p.csv",
	    PERSON_HEADER "C1,dependant,P4,A,B,,male,,,,,,,,,,,\n" /* stored, not_confirmed */
	                  "C2,dependant,P3,A,B,,male,,,,,,,,,,,\n" /* stored dependant */
	                  "C3,dependant,N1,A,B,,male,,,,,,,,,,,\n" /* in this import */
	                  "N1,not_confirmed,,A,B,,male,,,,,,2024-01-01,police,,2024-02-01,,\n");
	err_t e = IMPORT(f, "p.csv");
	expect_problem(f, e,
	               "p.csv:2: parent_id: 'P4' is a person with status not_confirmed (the "
	               "parent of a dependant must be a victim or potential_victim)");
	expect_problem(f, e, "p.csv:3: parent_id: 'P3' is a person with status dependant");
	expect_problem(f, e, "p.csv:4: parent_id: 'N1' is a person with status not_confirmed");
}

static void test_erased_person_not_imported_again(void **state)
{
	struct fx *f = *state;
	char *before, *after;
	load_base(f);
	assert_int_equal(db_begin(registry_db(f->r)), ERR_OK);
	assert_int_equal(registry_erase_person(f->r, "P2", "case 7/2026"), ERR_OK);
	assert_int_equal(db_commit(registry_db(f->r)), ERR_OK);
	before = dump(f, f->r, "before");
	err_t e = IMPORT(f, "persons.csv", "services.csv", "referrals.csv");
	expect_problem(f, e,
	               "persons.csv:4: id: 'P2' is a person whose personal data was erased (an "
	               "erased person's records cannot be imported again)");
	expect_problem(f, e,
	               "services.csv:6: person_id: 'P2' is a person whose personal data was "
	               "erased");
	expect_problem(f, e,
	               "referrals.csv:3: person_id: 'P2' is a person whose personal data was "
	               "erased");
	after = dump(f, f->r, "after");
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* ---- headers and encodings ------------------------------------------------- */

static void test_header_problems(void **state)
{
	struct fx *f = *state;
	err_t e;
	put(f, "a.csv", "id,status,given_name,family_nmae,sex,id\nP1,victim,A,B,male,P1\n");
	e = IMPORT(f, "a.csv");
	expect_problem(f, e,
	               "a.csv:1: family_nmae: unknown column (allowed in a persons file: id, "
	               "status, parent_id, given_name, family_name, patronymic, sex,");
	expect_problem(f, e, "a.csv:1: id: duplicate column (columns 1 and 6; each column once)");
	expect_problem(f, e,
	               "a.csv:1: family_name: required column is missing (a persons file "
	               "needs id, status, given_name, family_name, sex)");
	put(f, "b.csv", "foo,bar\n1,2\n");
	expect_problem(f, IMPORT(f, "b.csv"),
	               "b.csv:1: (header): the header matches no kind of file");
	put(f, "c.csv", "");
	expect_problem(f, IMPORT(f, "c.csv"), "c.csv:1: (header): the file is empty (a header row");
	put(f, "d.csv", "id,person_id,date\n");
	expect_problem(f, IMPORT(f, "d.csv"), "d.csv:1: (header): the header matches no kind");
	put(f, "e.csv", "id,status,given_name,family_name,sex,\n");
	expect_problem(f, IMPORT(f, "e.csv"), "e.csv:1: (column 6): unknown column");
	expect_problem(f, IMPORT(f, "absent.csv"), "absent.csv:0: (file): cannot open");
}

/* Every required column, left out of an otherwise complete header. */
static void test_every_required_column(void **state)
{
	static const char *const headers[] = {PERSON_HEADER, SERVICE_HEADER, REFERRAL_HEADER};
	static const char *const required[3][7] = {
	    {"id", "status", "given_name", "family_name", "sex", NULL},
	    {"id", "person_id", "service", "provider", "date", NULL},
	    {"id", "person_id", "from", "to", "purpose", "date", NULL}};
	struct fx *f = *state;
	for (int k = 0; k < 3; k++)
		for (int i = 0; required[k][i]; i++) {
			char header[512] = "", want[128], *copy = strdup(headers[k]);
			size_t used = 0;
			assert_non_null(copy);
			copy[strlen(copy) - 1] = '\0';
			/* the header without column i, and no rows */
			for (char *p = copy, *next; p; p = next) {
				next = strchr(p, ',');
				if (next)
					*next++ = '\0';
				if (strcmp(p, required[k][i]) != 0)
					used +=
					    (size_t)snprintf(header + used, sizeof header - used,
					                     "%s%s", used ? "," : "", p);
			}
			free(copy);
			put(f, "h.csv", header);
			snprintf(want, sizeof want, "h.csv:1: %s: required column is missing (a ",
			         required[k][i]);
			expect_problem(f, IMPORT(f, "h.csv"), want);
		}
}

static void count_progress(const struct import_progress *p, void *ctx)
{
	int *seen = ctx;
	seen[p->stage]++;
	assert_true(p->done <= p->total);
}

static void test_progress_reported(void **state)
{
	struct fx *f = *state;
	size_t cap = 20000 * 70, used = 0;
	char *text = malloc(cap), *path = tu_path(f->dir, "many.csv");
	const char *paths[] = {path};
	int seen[2] = {0, 0};
	struct import_options opt = {.progress = count_progress, .progress_ctx = seen};
	FILE *mem = fopen("/dev/null", "w");
	assert_non_null(text);
	assert_non_null(mem);
	used += (size_t)snprintf(text, cap,
	                         "id,status,given_name,family_name,sex,identified_on,"
	                         "identification_source\n");
	for (int i = 0; i < 20000; i++)
		used += (size_t)snprintf(text + used, cap - used,
		                         "M%d,potential_victim,A,B,male,2024-01-01,police\n", i);
	tu_write_file(path, text);
	assert_int_equal(import_files(f->r, paths, 1, &opt, &f->sum, mem), ERR_OK);
	assert_int_equal(f->sum.persons.added, 20000);
	assert_true(seen[IMPORT_CHECKING] >= 4);
	assert_true(seen[IMPORT_WRITING] >= 4);
	fclose(mem);
	free(text);
	free(path);
}

static void test_encodings(void **state)
{
	struct fx *f = *state;
	static const char nul[] = "id,status,given_name,family_name,sex\nP1,victim,A\0B,C,male\n";
	err_t e;
	/* BOM, ';' and CRLF together */
	put(f, "bom.csv",
	    "\xEF\xBB\xBFid;status;given_name;family_name;sex;identified_on;"
	    "identification_source;exploitation\r\n"
	    "P1;potential_victim;Ay\xC5\x9F\x65;B;female;2024-01-01;police;\"sexual; labour\"\r\n");
	expect_ok(f, IMPORT(f, "bom.csv"));
	assert_int_equal(f->sum.persons.added, 1);
	put(f, "bad.csv", "id,status,given_name,family_name,sex\nP2,victim,A\xC3(x,B,male\n");
	e = IMPORT(f, "bad.csv");
	expect_problem(f, e,
	               "bad.csv:2: given_name: not valid UTF-8 at byte 2 of the cell (save "
	               "the file as UTF-8)");
	put(f, "over.csv", "id,status,given_name,family_name,sex\nP2,victim,\xC0\xAF,B,male\n");
	expect_problem(f, IMPORT(f, "over.csv"),
	               "over.csv:2: given_name: not valid UTF-8 at byte 1");
	put_bytes(f, "nul.csv", nul, sizeof nul - 1);
	expect_problem(f, IMPORT(f, "nul.csv"), "nul.csv:2: given_name: contains a NUL byte");
}

static void test_quoting_problems_and_cell_counts(void **state)
{
	struct fx *f = *state;
	err_t e;
	put(f, "q.csv",
	    SERVICE_HEADER "S1,P1,shelter,mia_shelter,2024-02-01,,,,,\"a\nb\nc\"\n"
	                   "S2,P1,shel\"ter,mia_shelter,2024-02-01,,,,,\n"
	                   "S3,P1,shelter,mia_shelter,2024-02-01,,,,\n"
	                   "S4,P1,shelter,mia_shelter,2024-02-01,,,,,,x\n"
	                   "S5,P1,shelter,mia_shelter,2024-02-01,,,,,\"open\n");
	e = IMPORT(f, "q.csv");
	expect_problem(f, e,
	               "q.csv:5: service: a quote inside a cell that does not start with one");
	expect_problem(f, e, "q.csv:6: (row): the row has 9 cells but the header has 10");
	expect_problem(f, e, "q.csv:7: (row): the row has 11 cells but the header has 10");
	expect_problem(f, e,
	               "q.csv:8: note: a quoted cell is not closed before the end of the file");
	/* the multi-line cell on lines 2-4 is fine: its row is checked (person P1 missing) */
	assert_null(strstr(f->errors, "q.csv:2: note"));
}

static void test_blank_and_empty_rows_skipped(void **state)
{
	struct fx *f = *state;
	load_base(f);
	put(f, "s.csv",
	    SERVICE_HEADER "\n,,,,,,,,,\r\nS7,P1,shelter,mia_shelter,2024-02-01,,,,,\n\n");
	expect_ok(f, IMPORT(f, "s.csv"));
	assert_int_equal(f->sum.rows, 1);
	assert_int_equal(f->sum.services.added, 1);
}

/* ---- ids -------------------------------------------------------------------- */

static void test_ids(void **state)
{
	struct fx *f = *state;
	char text[1024];
	err_t e;
	snprintf(text, sizeof text,
	         PERSON_HEADER
	         "%s,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,,\n"
	         "P 1,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,,\n"
	         "%s,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,,\n"
	         "Ok.id_1:-x,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,,\n"
	         "Ok.id_1:-x,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,,\n",
	         "A234567890123456789012345678901234567890123456789012345678901234",
	         "A2345678901234567890123456789012345678901234567890123456789012345");
	put(f, "p.csv", text);
	put(f, "p2.csv",
	    PERSON_HEADER "Ok.id_1:-x,potential_victim,,A,B,,male,,,,,,2024-01-01,"
	                  "police,,,,\n");
	e = IMPORT(f, "p.csv", "p2.csv");
	expect_problem(f, e,
	               "p.csv:3: id: 'P 1' is not a valid id (1-64 characters of A-Z a-z 0-9 "
	               ". _ : -)");
	expect_problem(f, e,
	               "p.csv:4: id: 'A2345678901234567890123456789012345678901...' is not a "
	               "valid id");
	expect_problem(f, e, "p.csv:6: id: 'Ok.id_1:-x' appears twice (also at ");
	expect_problem(f, e, "p.csv:5; each id once)");
	expect_problem(f, e, "p2.csv:2: id: 'Ok.id_1:-x' appears twice");
	assert_null(strstr(f->errors, "p.csv:2:")); /* 64 characters are fine */
	assert_null(strstr(f->errors, "p.csv:5:"));
}

static void test_ids_unique_per_kind_across_files(void **state)
{
	struct fx *f = *state;
	put(f, "p.csv", PERSONS);
	put(f, "s1.csv", SERVICE_HEADER "S1,P1,shelter,mia_shelter,2024-02-01,,,,,\n");
	put(f, "s2.csv",
	    SERVICE_HEADER "X,P1,shelter,mia_shelter,2024-02-01,,,,,\n"
	                   "S1,P1,shelter,mia_shelter,2024-02-01,,,,,\n");
	expect_problem(f, IMPORT(f, "p.csv", "s1.csv", "s2.csv"),
	               "s2.csv:3: id: 'S1' appears twice (also at ");
	/* a service may have the id of a person: ids are unique per kind */
	put(f, "s3.csv", SERVICE_HEADER "P1,P1,shelter,mia_shelter,2024-02-01,,,,,\n");
	expect_ok(f, IMPORT(f, "p.csv", "s3.csv"));
}

/* ---- code lists ------------------------------------------------------------- */

static void test_every_code_list(void **state)
{
	struct fx *f = *state;
	err_t e;
	put(f, "p.csv",
	    PERSON_HEADER
	    "P1,victimm,,A,B,,male,,,,,,2024-01-01,police,,,,\n"
	    "P2,victim,,A,B,,mal,,,,,,2024-01-01,police,2024-02-01,,,\n"
	    "P3,victim,,A,B,,male,,,,,,2024-01-01,polis,2024-02-01,,,\n"
	    "P4,victim,,A,B,,male,,,,,,2024-01-01,police,2024-02-01,,sexual;slavery,\n"
	    "P5,victim,,A,B,,male,,,,,,2024-01-01,police,2024-02-01,,,\n");
	put(f, "s.csv",
	    SERVICE_HEADER "S1,P5,massage,ngo,2024-02-01,,,,,\n"
	                   "S2,P5,shelter,hotel,2024-02-01,,,,,\n"
	                   "S3,P5,legal_aid,bar_association,2024-02-01,,,,appeal,\n");
	put(f, "r.csv",
	    REFERRAL_HEADER "R1,P5,ngo,mia_ctd,shelter,2024-01-01,lost,\n"
	                    "R2,P5,nobody,mia_ctd,shelter,2024-01-01,,\n"
	                    "R3,P5,ngo,nowhere,shelter,2024-01-01,,\n"
	                    "R4,P5,ngo,mia_ctd,holiday,2024-01-01,,\n");
	e = IMPORT(f, "p.csv", "s.csv", "r.csv");
	expect_problem(f, e,
	               "p.csv:2: status: 'victimm' is not a known code (allowed: dependant, "
	               "not_confirmed, potential_victim, victim)");
	expect_problem(f, e,
	               "p.csv:3: sex: 'mal' is not a known code (allowed: female, male, other)");
	expect_problem(f, e,
	               "p.csv:4: identification_source: 'polis' is not a known code (allowed: "
	               "citizen_appeal, foreign_authority, hotline, labour_inspection, "
	               "ngo_referral, other, police, self_referral)");
	expect_problem(f, e,
	               "p.csv:5: exploitation: 'slavery' is not a known code (allowed: begging, "
	               "domestic_servitude, forced_criminality, forced_marriage, labour, "
	               "organ_removal, other, sexual, separated by ;)");
	expect_problem(f, e, "s.csv:2: service: 'massage' is not a known code (allowed: alimony, ");
	expect_problem(f, e,
	               "s.csv:3: provider: 'hotel' is not a known agency (allowed: "
	               "bar_association, civil_registry, education, mia_ctd,");
	expect_problem(f, e,
	               "s.csv:4: phase: 'appeal' is not a known code (allowed: court, "
	               "investigation)");
	expect_problem(f, e,
	               "r.csv:2: status: 'lost' is not a known code (allowed: accepted, "
	               "completed, declined, sent)");
	expect_problem(f, e, "r.csv:3: from: 'nobody' is not a known agency");
	expect_problem(f, e, "r.csv:4: to: 'nowhere' is not a known agency");
	expect_problem(f, e, "r.csv:5: purpose: 'holiday' is not a known code");
}

/* ---- dates and money -------------------------------------------------------- */

static void test_dates(void **state)
{
	struct fx *f = *state;
	err_t e;
	put(f, "p.csv",
	    PERSON_HEADER "P1,potential_victim,,A,B,,male,,,,,,2023-02-29,police,,,,\n"
	                  "P2,potential_victim,,A,B,,male,,,,,,2024-13-01,police,,,,\n"
	                  "P3,potential_victim,,A,B,,male,,,,,,2024-02-29,police,,,,\n"
	                  "P4,potential_victim,,A,B,,male,,,,,,1.2.2024,police,,,,\n"
	                  "P5,potential_victim,,A,B,,male,1990-13,,,,,2024-01-01,police,,,,\n"
	                  "P6,potential_victim,,A,B,,male,2000-02-29,,,,,2024-01-01,police,,,,\n"
	                  "P7,potential_victim,,A,B,,male,1990,,,,,2024-01-01,police,,,,\n"
	                  "P8,potential_victim,,A,B,,male,1990-05,,,,,2024-01-01,police,,,,\n"
	                  "P9,potential_victim,,A,B,,male,1899,,,,,2024-04-31,police,,,,\n");
	e = IMPORT(f, "p.csv");
	expect_problem(f, e,
	               "p.csv:2: identified_on: '2023-02-29' is not a day in the calendar (a "
	               "day that exists, written YYYY-MM-DD, years 1900-2200)");
	expect_problem(f, e, "p.csv:3: identified_on: '2024-13-01' is not a day in the calendar");
	expect_problem(f, e, "p.csv:5: identified_on: '1.2.2024' is not a date (a day that exists");
	expect_problem(f, e,
	               "p.csv:6: birth_date: not a valid birth date (YYYY-MM-DD, YYYY-MM or "
	               "YYYY");
	expect_problem(f, e, "p.csv:10: birth_date: not a valid birth date");
	expect_problem(f, e, "p.csv:10: identified_on: '2024-04-31' is not a day in the calendar");
	assert_null(strstr(f->errors, "p.csv:4:")); /* 2024-02-29 exists */
	assert_null(strstr(f->errors, "p.csv:7:")); /* so does 2000-02-29 */
	assert_null(strstr(f->errors, "p.csv:8:"));
	assert_null(strstr(f->errors, "p.csv:9:"));
	assert_null(strstr(f->errors, "1990-13")); /* a birth date is personal: never shown */
}

static err_t amounts(const struct service *s, void *ctx)
{
	int64_t *v = ctx;
	v[s->ref[1] - '0'] = s->amount;
	return ERR_OK;
}

static void test_money(void **state)
{
	struct fx *f = *state;
	int64_t v[10] = {0};
	err_t e;
	load_base(f);
	put(f, "ok.csv",
	    SERVICE_HEADER "M1,P1,one_time_allowance,mia_support_fund,2024-02-05,,700,,,\n"
	                   "M2,P1,one_time_allowance,mia_support_fund,2024-02-05,,700.5,AZN,,\n"
	                   "M3,P1,one_time_allowance,mia_support_fund,2024-02-05,,5050.00,,,\n"
	                   "M4,P1,financial_assistance,mia_support_fund,2024-02-05,,0,,,\n");
	expect_ok(f, IMPORT(f, "ok.csv"));
	assert_int_equal(registry_each_service(f->r, NULL, amounts, v), ERR_OK);
	assert_int_equal(v[1], 70000);
	assert_int_equal(v[2], 70050);
	assert_int_equal(v[3], 505000);
	assert_int_equal(v[4], 0);
	put(f, "bad.csv",
	    SERVICE_HEADER
	    "B1,P1,one_time_allowance,mia_support_fund,2024-02-05,,1.234,,,\n"
	    "B2,P1,one_time_allowance,mia_support_fund,2024-02-05,,-5,,,\n"
	    "B3,P1,one_time_allowance,mia_support_fund,2024-02-05,,\"1,5\",,,\n"
	    "B4,P1,one_time_allowance,mia_support_fund,2024-02-05,,,,,\n"
	    "B5,P1,shelter,mia_shelter,2024-02-05,,10,,,\n"
	    "B6,P1,one_time_allowance,mia_support_fund,2024-02-05,,10,azn,,\n"
	    "B7,P1,shelter,mia_shelter,2024-02-05,,,AZN,,\n"
	    "B8,P1,one_time_allowance,mia_support_fund,2024-02-05,,99999999999999,,,\n"
	    "B9,P1,one_time_allowance,mia_support_fund,2024-02-05,,12.,,,\n");
	e = IMPORT(f, "bad.csv");
	expect_problem(f, e,
	               "bad.csv:2: amount: amount has more than two decimals (a decimal amount "
	               "of at least 0 with at most two decimals and a point, like 700 or "
	               "700.50)");
	expect_problem(f, e, "bad.csv:3: amount: amount is negative");
	expect_problem(f, e, "bad.csv:4: amount: not a decimal amount");
	expect_problem(f, e,
	               "bad.csv:5: amount: required for the money service one_time_allowance");
	expect_problem(f, e,
	               "bad.csv:6: amount: only allowed for the money services "
	               "financial_assistance, one_time_allowance (leave it empty)");
	expect_problem(f, e,
	               "bad.csv:7: currency: 'azn' is not an ISO 4217 currency code (three "
	               "capital letters, like AZN)");
	expect_problem(f, e, "bad.csv:8: currency: only allowed with an amount (leave it empty)");
	expect_problem(f, e, "bad.csv:9: amount: amount is too large");
	expect_problem(f, e, "bad.csv:10: amount: not a decimal amount");
	assert_null(strstr(f->errors, "1.234")); /* amounts are not shown */
}

/* ---- conditional requirements ----------------------------------------------- */

static void test_person_conditions(void **state)
{
	struct fx *f = *state;
	err_t e;
	put(f, "p.csv",
	    PERSON_HEADER
	    "V1,victim,,A,B,,male,,,,,,2024-01-10,police,,,,\n"
	    "V2,victim,,A,B,,male,,,,,,2024-01-10,police,2024-01-09,,,\n"
	    "V3,victim,,A,B,,male,,,,,,2024-01-10,police,2024-01-10,,,\n"
	    "N1,not_confirmed,,A,B,,male,,,,,,2024-01-10,police,,,,\n"
	    "N2,not_confirmed,,A,B,,male,,,,,,2024-01-10,police,,2024-01-01,,\n"
	    "D1,dependant,,A,B,,male,,,,,,,,,,,\n"
	    "D2,dependant,V3,A,B,,male,2019,,,,,,,,,,\n"
	    "Q1,potential_victim,,A,B,,male,,,,,,,,,,,\n"
	    "Q2,potential_victim,V3,A,B,,male,,,,,,2024-01-10,police,2024-02-01,2024-02-01,,\n"
	    "Q3,potential_victim,,,,,,,,,,,2024-01-10,police,,,,\n");
	e = IMPORT(f, "p.csv");
	expect_problem(f, e,
	               "p.csv:2: recognized_on: required for status victim (a day that exists");
	expect_problem(f, e,
	               "p.csv:3: recognized_on: 2024-01-09 is before identified_on 2024-01-10 "
	               "(not before identified_on)");
	expect_problem(f, e, "p.csv:5: decided_on: required for status not_confirmed");
	expect_problem(f, e, "p.csv:6: decided_on: 2024-01-01 is before identified_on 2024-01-10");
	expect_problem(f, e,
	               "p.csv:7: parent_id: required for status dependant: the id of the parent "
	               "(an id: 1-64 characters");
	expect_problem(f, e, "p.csv:9: identified_on: required unless status is dependant");
	expect_problem(f, e,
	               "p.csv:9: identification_source: required unless status is dependant "
	               "(allowed: citizen_appeal,");
	expect_problem(f, e,
	               "p.csv:10: parent_id: only allowed for status dependant (leave it empty)");
	expect_problem(f, e, "p.csv:10: recognized_on: only allowed for status victim");
	expect_problem(f, e, "p.csv:10: decided_on: only allowed for status not_confirmed");
	expect_problem(f, e,
	               "p.csv:11: given_name: required value is missing (text of at most 1000 "
	               "characters)");
	expect_problem(f, e, "p.csv:11: family_name: required value is missing");
	expect_problem(f, e,
	               "p.csv:11: sex: required value is missing (allowed: female, male, other)");
	assert_null(strstr(f->errors, "p.csv:4:")); /* recognised the day of identification */
	assert_null(strstr(f->errors, "p.csv:8:")); /* a dependant needs no identification */
}

static void test_service_and_referral_conditions(void **state)
{
	struct fx *f = *state;
	err_t e;
	load_base(f);
	put(f, "s.csv",
	    SERVICE_HEADER "S10,P1,legal_aid,bar_association,2024-02-10,,,,,\n"
	                   "S11,P1,shelter,mia_shelter,2024-02-10,,,,court,\n"
	                   "S12,P1,shelter,mia_shelter,2024-02-10,2024-02-09,,,,\n"
	                   "S13,P1,shelter,mia_shelter,2024-02-10,2024-02-10,,,,\n"
	                   "S14,P1,legal_aid,bar_association,2024-02-10,,,,investigation,\n");
	put(f, "r.csv",
	    REFERRAL_HEADER "R10,P1,ngo,mia_ctd,shelter,2024-01-10,declined,2024-01-09\n"
	                    "R11,P1,ngo,mia_ctd,shelter,2024-01-10,,2024-01-11\n"
	                    "R12,P1,ngo,mia_ctd,shelter,2024-01-10,accepted,2024-01-11\n"
	                    "R13,P1,ngo,mia_ctd,shelter,2024-01-10,declined,2024-01-10\n"
	                    "R14,P1,ngo,ngo,case_management,2024-01-10,accepted,\n");
	e = IMPORT(f, "s.csv", "r.csv");
	expect_problem(f, e,
	               "s.csv:2: phase: required for service legal_aid (allowed: court, "
	               "investigation)");
	expect_problem(f, e, "s.csv:3: phase: only allowed for service legal_aid (leave it empty)");
	expect_problem(f, e,
	               "s.csv:4: end_date: 2024-02-09 is before date 2024-02-10 (not before "
	               "date)");
	expect_problem(f, e, "r.csv:2: closed_on: 2024-01-09 is before date 2024-01-10");
	expect_problem(f, e, "r.csv:3: closed_on: only allowed for status declined or completed");
	expect_problem(f, e, "r.csv:4: closed_on: only allowed for status declined or completed");
	assert_null(strstr(f->errors, "s.csv:5:"));
	assert_null(strstr(f->errors, "s.csv:6:"));
	assert_null(strstr(f->errors, "r.csv:5:"));
	assert_null(strstr(f->errors, "r.csv:6:"));
}

/* A required column missing from the header is reported once, with the
 * header; its rows add no problem of their own, and the other files are still
 * read (it used to stop the import: "cannot be checked: out of memory"). */
static void test_missing_column_with_rows(void **state)
{
	struct fx *f = *state;
	err_t e;
	put(f, "p.csv",
	    "id,status,family_name,sex,identified_on,identification_source\n"
	    "P1,potential_victim,B,male,2024-01-01,police\n");
	put(f, "s.csv", "id,person_id,provider,date\nS1,P1,ngo,2024-01-01\n");
	put(f, "r.csv", "id,person_id,from,to,date\nR1,P1,ngo,mia_ctd,2024-01-01\n");
	e = IMPORT(f, "p.csv", "s.csv", "r.csv");
	expect_problem(f, e, "p.csv:1: given_name: required column is missing");
	expect_problem(f, e, "s.csv:1: service: required column is missing");
	expect_problem(f, e, "r.csv:1: purpose: required column is missing");
	assert_int_equal(f->sum.problems, 3);
	assert_null(strstr(f->errors, "out of memory"));
}

/* Rules validate.c had and the importer did not: the exact upper limit of an
 * amount (10^12; 1000000000000.50 used to pass), and a currency next to a
 * money service's missing amount. */
static void test_amount_limit_and_currency_without_amount(void **state)
{
	struct fx *f = *state;
	err_t e;
	load_base(f);
	put(f, "s.csv",
	    SERVICE_HEADER
	    "B1,P1,one_time_allowance,mia_support_fund,2024-02-05,,1000000000000.50,,,\n"
	    "B2,P1,one_time_allowance,mia_support_fund,2024-02-05,,1000000000000,,,\n"
	    "B3,P1,one_time_allowance,mia_support_fund,2024-02-05,,,USD,,\n");
	e = IMPORT(f, "s.csv");
	expect_problem(f, e, "s.csv:2: amount: amount is too large (at most 1000000000000.00)");
	expect_problem(f, e, "s.csv:4: amount: required for the money service one_time_allowance");
	expect_problem(f, e, "s.csv:4: currency: only allowed with an amount (leave it empty)");
	assert_null(strstr(f->errors, "s.csv:3:"));
	assert_int_equal(f->sum.problems, 3);
}

/* One problem per cell, and a cell that cannot be read brings no problem on
 * another column: neither "required" nor "only allowed" nor dates in order. */
static void test_one_problem_per_cell(void **state)
{
	struct fx *f = *state;
	err_t e;
	load_base(f);
	put(f, "p.csv",
	    PERSON_HEADER "U1,potential_victim,P 1,A,B,,male,,,,,,2024-01-01,police,,,,\n"
	                  "U2,victim,,A,B,,male,,,,,,2024-13-01,police,2024-01-01,,,\n"
	                  "U3,vict\xC3(,,A,B,,male,,,,,,,,2024-01-01,2024-01-01,,\n"
	                  "U4,victim,,A,B,,male,,,,,,2024-01-10,police,2024-01-09,,,AZ\n");
	put(f, "s.csv",
	    SERVICE_HEADER "U5,P1,one_time_allowance,mia_support_fund,2024-02-05,,abc,USD,,\n"
	                   "U6,P1,shelter,mia_shelter,2024-02-05,,abc,,,\n"
	                   "U7,P1,shelter,mia_shelter,2024-02-05,,,az,,\n"
	                   "U8,P1,sh\xC3(,mia_shelter,2024-02-05,,10,,court,\n");
	put(f, "r.csv",
	    REFERRAL_HEADER "U9,P1,ngo,mia_ctd,shelter,2024-01-10,sent\xC3(,2024-01-01\n");
	e = IMPORT(f, "p.csv", "s.csv", "r.csv");
	expect_problem(f, e, "p.csv:2: parent_id: 'P 1' is not a valid id");
	expect_problem(f, e, "p.csv:3: identified_on: '2024-13-01' is not a day in the calendar");
	expect_problem(f, e, "p.csv:4: status: not valid UTF-8 at byte 5");
	expect_problem(f, e, "p.csv:5: recognized_on: 2024-01-09 is before identified_on");
	expect_problem(f, e, "p.csv:5: country_of_exploitation: 'AZ' is not an ISO 3166-1");
	expect_problem(f, e, "s.csv:2: amount: not a decimal amount");
	expect_problem(f, e, "s.csv:3: amount: not a decimal amount");
	expect_problem(f, e, "s.csv:4: currency: 'az' is not an ISO 4217 currency code");
	expect_problem(f, e, "s.csv:5: service: not valid UTF-8 at byte 3");
	expect_problem(f, e, "r.csv:2: status: not valid UTF-8 at byte 5");
	expect_problem(f, e, "r.csv:2: closed_on: 2024-01-01 is before date 2024-01-10");
	assert_int_equal(f->sum.problems, 11);
	assert_null(strstr(f->errors, "only allowed"));
	assert_null(strstr(f->errors, "required"));
}

/* The importer takes any date the spec allows (years 1900-2200), in the
 * future too: the API's "not after today" is not an interchange rule. */
static void test_future_dates_accepted(void **state)
{
	struct fx *f = *state;
	put(f, "p.csv",
	    PERSON_HEADER "F1,victim,,A,B,,male,2199,,,,,2199-01-01,police,2200-12-31,,,\n");
	put(f, "s.csv", SERVICE_HEADER "F2,F1,shelter,mia_shelter,2200-01-01,2200-12-31,,,,\n");
	put(f, "r.csv",
	    REFERRAL_HEADER "F3,F1,ngo,mia_ctd,shelter,2200-01-01,completed,2200-01-02\n");
	expect_ok(f, IMPORT(f, "p.csv", "s.csv", "r.csv"));
	assert_int_equal(f->sum.persons.added, 1);
}

/* At most 16 exploitation forms; spaces around them dropped. */
static void test_exploitation_list(void **state)
{
	struct fx *f = *state;
	char text[4096], sixteen[256] = "", seventeen[256], *longer = malloc(1100);
	err_t e;
	assert_non_null(longer);
	for (int i = 0; i < 16; i++) {
		size_t used = strlen(sixteen);
		snprintf(sixteen + used, sizeof sixteen - used, "%slabour", i ? " ; " : "");
	}
	snprintf(seventeen, sizeof seventeen, "%s;sexual", sixteen);
	memset(longer, ';', 1001);
	longer[1001] = '\0';
	snprintf(text, sizeof text,
	         PERSON_HEADER "E1,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,%s,\n"
	                       "E2,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,%s,\n"
	                       "E3,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,%s,\n",
	         sixteen, seventeen, longer);
	put(f, "p.csv", text);
	e = IMPORT(f, "p.csv");
	expect_problem(f, e,
	               "p.csv:3: exploitation: more than 16 values (at most 16, separated by ;)");
	expect_problem(f, e, "p.csv:4: exploitation: list is too long (at most 1000 characters)");
	assert_null(strstr(f->errors, "p.csv:2:"));
	put(f, "p.csv",
	    PERSON_HEADER "E1,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,\" ; ;\",\n");
	expect_ok(f, IMPORT(f, "p.csv")); /* nothing but separators: no value */
	free(longer);
}

static void test_required_values_and_countries(void **state)
{
	struct fx *f = *state;
	err_t e;
	put(f, "s.csv", SERVICE_HEADER ",,,,,,,,,x\n");
	e = IMPORT(f, "s.csv");
	expect_problem(f, e, "s.csv:2: id: required value is missing (an id: 1-64 characters");
	expect_problem(f, e, "s.csv:2: person_id: required value is missing");
	expect_problem(f, e, "s.csv:2: service: required value is missing (allowed: alimony,");
	expect_problem(f, e,
	               "s.csv:2: provider: required value is missing (allowed: bar_association");
	expect_problem(f, e, "s.csv:2: date: required value is missing (a day that exists");
	put(f, "p.csv",
	    PERSON_HEADER "P1,potential_victim,,A,B,,male,,Aze,,,,2024-01-01,police,,,,AZ\n"
	                  "P2,potential_victim,,A,B,,male,,XXA,,,,2024-01-01,police,,,,UZB\n");
	e = IMPORT(f, "p.csv");
	expect_problem(f, e,
	               "p.csv:2: citizenship: 'Aze' is not an ISO 3166-1 alpha-3 country code "
	               "(three capital letters, like AZE; XXA for stateless)");
	expect_problem(f, e, "p.csv:2: country_of_exploitation: 'AZ' is not an ISO 3166-1 alpha-3");
	assert_null(strstr(f->errors, "p.csv:3:"));
}

/* ---- personal text ---------------------------------------------------------- */

static void test_personal_text(void **state)
{
	struct fx *f = *state;
	char *text = malloc(64 * 1024), *long_name = malloc(1100), *long_note = malloc(10100);
	err_t e;
	assert_non_null(text);
	assert_non_null(long_name);
	assert_non_null(long_note);
	load_base(f);
	memset(long_name, 'N', 1001);
	memcpy(long_name, "CANARY", 6);
	long_name[1001] = '\0';
	memset(long_note, 'z', 10001);
	memcpy(long_note, "CANARY", 6);
	long_note[10001] = '\0';
	snprintf(text, 64 * 1024,
	         PERSON_HEADER
	         "T1,potential_victim,,%s,B,,male,,,,,,2024-01-01,police,,,,\n"
	         "T2,potential_victim,,%.1000s,B,,male,,,,,,2024-01-01,police,,,,\n"
	         "T3,potential_victim,,CANARY\tx,B,,male,,,,,,2024-01-01,police,,,,\n"
	         "T4,potential_victim,,A,\"CANARY\nB\",,male,,,,,,2024-01-01,police,,,,\n"
	         "T5,potential_victim,,\xC3\xBC\xC5\x9F,B,,male,,,,,CANARY\xC2\x85,2024-01-01,"
	         "police,,,,\n",
	         long_name, long_name);
	put(f, "p.csv", text);
	snprintf(text, 64 * 1024,
	         SERVICE_HEADER
	         "N1,P1,shelter,mia_shelter,2024-02-01,,,,,\"tab\there\r\nnew line\"\n"
	         "N2,P1,shelter,mia_shelter,2024-02-01,,,,,%s\n"
	         "N3,P1,shelter,mia_shelter,2024-02-01,,,,,%.10000s\n"
	         "N4,P1,shelter,mia_shelter,2024-02-01,,,,,CANARY\x01\n",
	         long_note, long_note);
	put(f, "s.csv", text);
	e = IMPORT(f, "p.csv", "s.csv");
	expect_problem(f, e, "p.csv:2: given_name: text is 1001 characters long (at most 1000)");
	expect_problem(f, e,
	               "p.csv:4: given_name: text contains a control character (no tabs or "
	               "line breaks)");
	expect_problem(f, e, "p.csv:5: family_name: text contains a control character");
	expect_problem(f, e, "p.csv:7: address: text contains a control character");
	expect_problem(f, e, "s.csv:4: note: text is 10001 characters long (at most 10000)");
	expect_problem(f, e,
	               "s.csv:6: note: text contains a control character (only tab and line "
	               "breaks are allowed)");
	assert_null(strstr(f->errors, "p.csv:3:"));
	assert_null(strstr(f->errors, "s.csv:2:"));
	assert_null(strstr(f->errors, "s.csv:5:"));
	assert_null(strstr(f->errors, "CANARY")); /* personal values never reach a message */
	free(text);
	free(long_name);
	free(long_note);
}

/* ---- many problems ---------------------------------------------------------- */

static void test_problems_sorted_and_capped(void **state)
{
	struct fx *f = *state;
	size_t cap = 1500 * 80 + 256, used = 0, lines = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	used += (size_t)snprintf(text, cap,
	                         "id,status,given_name,family_name,sex,identified_on,"
	                         "identification_source\n");
	for (int i = 0; i < 1500; i++)
		used += (size_t)snprintf(text + used, cap - used,
		                         "X%d,potential_victim,A,B,unknown,2024-01-01,police\n", i);
	put(f, "z.csv", text);
	put(f, "a.csv",
	    "id,status,given_name,family_name,sex,identified_on,identification_source\n"
	    "A1,potential_victim,A,B,nope,2024-01-01,police\n");
	expect_problem(f, IMPORT(f, "z.csv", "a.csv"),
	               "... and 501 more problems (only the first "
	               "1000 are shown)");
	assert_int_equal(f->sum.problems, 1501);
	/* sorted by file, then line */
	assert_true(strstr(f->errors, "z.csv:2: sex") < strstr(f->errors, "z.csv:3: sex"));
	assert_true(strstr(f->errors, "z.csv:999: sex") < strstr(f->errors, "z.csv:1000: sex"));
	for (const char *p = f->errors; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, 1001);
	free(text);
}

/* ---- atomicity, dry run ----------------------------------------------------- */

static void test_bad_row_in_last_file_writes_nothing(void **state)
{
	struct fx *f = *state;
	char *before, *after;
	load_base(f);
	before = dump(f, f->r, "before");
	put(f, "p.csv",
	    PERSON_HEADER "P5,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,,\n"
	                  "P1,victim,,Changed,Name,,female,,,,,,2024-01-10,police,"
	                  "2024-02-01,,,\n");
	put(f, "s.csv", SERVICE_HEADER "S20,P5,shelter,mia_shelter,2024-02-01,,,,,\n");
	put(f, "r.csv",
	    REFERRAL_HEADER "R20,P5,ngo,mia_ctd,shelter,2024-01-01,,\n"
	                    "R21,P5,ngo,mia_ctd,shelter,2024-01-01,,2024-13-40\n");
	expect_problem(f, IMPORT(f, "p.csv", "s.csv", "r.csv"), "r.csv:3: closed_on: '2024-13-40'");
	after = dump(f, f->r, "after");
	assert_string_equal(before, after);
	assert_int_equal(registry_person_status(f->r, "P5", NULL), ERR_NOT_FOUND);
	free(before);
	free(after);
}

static void test_dry_run(void **state)
{
	struct fx *f = *state;
	char *before, *after;
	put(f, "p.csv", PERSONS);
	put(f, "s.csv", SERVICES);
	before = dump(f, f->r, "before");
	expect_ok(f, DRY_RUN(f, "s.csv", "p.csv"));
	assert_int_equal(f->sum.persons.added, 4);
	assert_int_equal(f->sum.services.added, 4);
	assert_int_equal(f->sum.import_id, 0);
	after = dump(f, f->r, "after");
	assert_string_equal(before, after);
	assert_int_equal(registry_person_status(f->r, "P1", NULL), ERR_NOT_FOUND);
	/* a dry run checks references to stored persons too */
	expect_problem(f, DRY_RUN(f, "s.csv"), "s.csv:2: person_id: no person with id 'P1'");
	free(before);
	free(after);
}

/* ---- round trips ------------------------------------------------------------ */

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	char *db2 = tu_new_database(f->dir), *key2 = tu_path(f->dir, "two.key");
	char *first, *second, *out;
	registry *r2;
	load_base(f);
	first = dump(f, f->r, "one");
	r2 = tu_registry_new(db2, key2);
	expect_ok(f, import_opt(f, r2, 0, "one/referrals.csv", "one/services.csv",
	                        "one/persons.csv", (const char *)NULL));
	assert_int_equal(f->sum.persons.added, 4);
	second = dump(f, r2, "two");
	assert_string_equal(first, second);
	/* and the export re-imports unchanged into the database it came from */
	expect_ok(f, IMPORT(f, "two/persons.csv", "two/services.csv", "two/referrals.csv"));
	assert_int_equal(
	    f->sum.persons.unchanged + f->sum.services.unchanged + f->sum.referrals.unchanged, 10);
	/* money with two decimals, dates as written, partial birth dates as written */
	out = tu_path(f->dir, "two/services.csv");
	assert_true(
	    HAS(out, "S2,P1,one_time_allowance,mia_support_fund,2024-02-05,,700.00,AZN,,\n"));
	free(out);
	out = tu_path(f->dir, "two/persons.csv");
	assert_true(HAS(out, ",female,2015-07,AZE,"));
	assert_true(HAS(out, ",\"'+994501234567\","));
	free(out);
	registry_close(r2);
	free(first);
	free(second);
	free(db2);
	free(key2);
}

struct names {
	char given[8][64];
	char note[8][64];
	int np, ns;
};

static err_t get_name(const struct person *p, void *ctx)
{
	struct names *n = ctx;
	snprintf(n->given[n->np++], 64, "%s", p->given_name);
	return ERR_OK;
}

static err_t get_note(const struct service *s, void *ctx)
{
	struct names *n = ctx;
	snprintf(n->note[n->ns++], 64, "%s", s->note ? s->note : "");
	return ERR_OK;
}

/* Values a spreadsheet would run as formulas survive export and import. */
static void test_formula_cells_round_trip(void **state)
{
	struct fx *f = *state;
	static const char *const given[] = {"=1+1", "+994", "-x",    "@SUM(A1)",
	                                    "'=x",  "''-y", "'plain"};
	static const char *const notes[] = {"\tTAB", "\rCR", "=cmd|' /C calc'!A0", "-"};
	char *db2 = tu_new_database(f->dir), *key2 = tu_path(f->dir, "two.key");
	struct names got = {0};
	registry *r2;
	put(f, "p.csv",
	    PERSON_HEADER "-1,potential_victim,,=1+1,B,,male,,,,,,2024-01-01,police,,,,\n"
	                  "-2,potential_victim,,+994,B,,male,,,,,,2024-01-01,police,,,,\n"
	                  "-3,potential_victim,,-x,B,,male,,,,,,2024-01-01,police,,,,\n"
	                  "-4,potential_victim,,@SUM(A1),B,,male,,,,,,2024-01-01,police,,,,\n"
	                  "-5,potential_victim,,\"''=x\",B,,male,,,,,,2024-01-01,police,,,,\n"
	                  "-6,potential_victim,,'''-y,B,,male,,,,,,2024-01-01,police,,,,\n"
	                  "-7,potential_victim,,'plain,B,,male,,,,,,2024-01-01,police,,,,\n");
	put(f, "s.csv",
	    SERVICE_HEADER "N1,-1,shelter,mia_shelter,2024-02-01,,,,,\"'\tTAB\"\n"
	                   "N2,-1,shelter,mia_shelter,2024-02-01,,,,,\"\rCR\"\n"
	                   "N3,-1,shelter,mia_shelter,2024-02-01,,,,,\"=cmd|' /C calc'!A0\"\n"
	                   "N4,-1,shelter,mia_shelter,2024-02-01,,,,,-\n");
	expect_ok(f, IMPORT(f, "p.csv", "s.csv"));
	/* as imported: one leading quote before a formula character is dropped */
	assert_int_equal(registry_each_person(f->r, NULL, get_name, &got), ERR_OK);
	assert_int_equal(registry_each_service(f->r, NULL, get_note, &got), ERR_OK);
	for (int i = 0; i < 7; i++)
		assert_string_equal(got.given[i], given[i]);
	for (int i = 0; i < 4; i++)
		assert_string_equal(got.note[i], notes[i]);
	char *first = dump(f, f->r, "one"), *p = tu_path(f->dir, "one/persons.csv");
	assert_true(HAS(p, "\"'-1\",potential_victim,,\"'=1+1\""));
	assert_true(HAS(p, "\"''=x\""));
	free(p);
	r2 = tu_registry_new(db2, key2);
	expect_ok(f,
	          import_opt(f, r2, 0, "one/persons.csv", "one/services.csv", (const char *)NULL));
	memset(&got, 0, sizeof got);
	assert_int_equal(registry_each_person(r2, NULL, get_name, &got), ERR_OK);
	assert_int_equal(registry_each_service(r2, NULL, get_note, &got), ERR_OK);
	for (int i = 0; i < 7; i++)
		assert_string_equal(got.given[i], given[i]);
	for (int i = 0; i < 4; i++)
		assert_string_equal(got.note[i], notes[i]);
	char *second = dump(f, r2, "two");
	assert_string_equal(first, second);
	registry_close(r2);
	free(first);
	free(second);
	free(db2);
	free(key2);
}

/* ---- the real binary -------------------------------------------------------- */

static void test_binary_reports_and_exits_1(void **state)
{
	struct fx *f = *state;
	char cmd[8192], *out = NULL, *err = NULL;
	char *bad = tu_path(f->dir, "bad.csv"), *good = tu_path(f->dir, "good.csv");
	char *clidb = tu_path(f->dir, "cli.db"), *want = malloc(8192);
	assert_non_null(want);
	put(f, "bad.csv",
	    PERSON_HEADER "P1,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,,\n"
	                  "P2,potential_victim,,A,B,,x,,,,,,2024-01-01,police,,,,\n");
	put(f, "good.csv",
	    PERSON_HEADER "P1,potential_victim,,A,B,,male,,,,,,2024-01-01,police,,,,\n");
	snprintf(cmd, sizeof cmd, "'%s' init --db '%s'", HAVEN_BIN, clidb);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' import --db '%s' '%s'", HAVEN_BIN, clidb, bad);
	assert_int_equal(tu_run(cmd, &out, &err), 1);
	snprintf(want, 8192,
	         "%s:3: sex: 'x' is not a known code (allowed: female, male, other)\n"
	         "haven import: 1 problem found; nothing was stored\n",
	         bad);
	assert_string_equal(err, want);
	assert_string_equal(out, "");
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' import --db '%s' --dry-run '%s'", HAVEN_BIN, clidb, good);
	assert_int_equal(tu_run(cmd, &out, &err), 0);
	assert_non_null(strstr(out, "Dry run, nothing was stored: 1 file, 1 row would give "
	                            "persons 1 added, 0 updated, 0 unchanged;"));
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' import --db '%s' '%s' && '%s' import --db '%s' '%s'",
	         HAVEN_BIN, clidb, good, HAVEN_BIN, clidb, good);
	assert_int_equal(tu_run(cmd, &out, &err), 0);
	assert_non_null(strstr(out, "Imported 1 file, 1 row: persons 1 added, 0 updated, 0 "
	                            "unchanged; services 0 added"));
	assert_non_null(strstr(out, "persons 0 added, 0 updated, 1 unchanged"));
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' import --help", HAVEN_BIN);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "--dry-run"));
	assert_non_null(strstr(out, "single quote"));
	free(out);
	free(bad);
	free(good);
	free(clidb);
	free(want);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_import_three_kinds_any_order),
	    T(test_values_stored_exactly),
	    T(test_idempotent),
	    T(test_changed_row_updates),
	    T(test_reference_to_stored_person),
	    T(test_dangling_references),
	    T(test_parent_must_be_victim),
	    T(test_erased_person_not_imported_again),
	    T(test_header_problems),
	    T(test_every_required_column),
	    T(test_progress_reported),
	    T(test_encodings),
	    T(test_quoting_problems_and_cell_counts),
	    T(test_blank_and_empty_rows_skipped),
	    T(test_ids),
	    T(test_ids_unique_per_kind_across_files),
	    T(test_every_code_list),
	    T(test_dates),
	    T(test_money),
	    T(test_person_conditions),
	    T(test_service_and_referral_conditions),
	    T(test_missing_column_with_rows),
	    T(test_amount_limit_and_currency_without_amount),
	    T(test_one_problem_per_cell),
	    T(test_future_dates_accepted),
	    T(test_exploitation_list),
	    T(test_required_values_and_countries),
	    T(test_personal_text),
	    T(test_problems_sorted_and_capped),
	    T(test_bad_row_in_last_file_writes_nothing),
	    T(test_dry_run),
	    T(test_round_trip),
	    T(test_formula_cells_round_trip),
	    T(test_binary_reports_and_exits_1),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
