/* test_export.c - the CSV writer (RFC 4180 quoting, formula neutralisation and
 * its inverse) and `haven export` (exact file contents, modes, atomic
 * replacement; sealed to a key or with a passphrase, and imported again;
 * checklist HUM-04) against a real database.  TU_BOTH_ENGINES: SQLite, then
 * PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/export.h"
#include "core/registry.h"
#include "testutil.h"
#include "util/csv_writer.h"
#include "util/date.h"
#include "util/sealed.h"

/* ---- the writer -------------------------------------------------------------- */

/* Writes one row of cells (NULL-terminated list) and returns the text. */
static char *row(const char *first, ...)
{
	struct csv_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	va_list ap;
	assert_non_null(f);
	csv_writer_init(&w, f);
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		csv_writer_str(&w, strcmp(s, "<NULL>") == 0 ? NULL : s);
	va_end(ap);
	csv_writer_end_row(&w);
	assert_int_equal(csv_writer_status(&w), ERR_OK);
	fclose(f);
	return buf;
}

static void expect_row(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_writer_quoting(void **state)
{
	(void)state;
	expect_row(row("a", "", "<NULL>", "b", NULL), "a,,,b\n");
	expect_row(row("a,b", "a;b", "say \"hi\"", "\"", NULL),
	           "\"a,b\",\"a;b\",\"say \"\"hi\"\"\",\"\"\"\"\n");
	expect_row(row("two\nlines", "cr\rlf", NULL), "\"two\nlines\",\"cr\rlf\"\n");
	expect_row(row(" lead", "trail ", "in side", "x\ty", NULL),
	           "\" lead\",\"trail \",in side,x\ty\n");
	expect_row(row("Aysel Məmmədova", NULL), "Aysel Məmmədova\n");
}

static void test_writer_neutralises_formulas(void **state)
{
	(void)state;
	expect_row(row("=1+1", "+994", "-5", "@SUM(A1)", NULL),
	           "\"'=1+1\",\"'+994\",\"'-5\",\"'@SUM(A1)\"\n");
	expect_row(row("\tx", "\rx", NULL), "\"'\tx\",\"'\rx\"\n");
	expect_row(row("=HYPERLINK(\"http://x\")", NULL), "\"'=HYPERLINK(\"\"http://x\"\")\"\n");
	/* a value that already starts with quotes before a formula character
	 * gets one more, so that the reader's rule gives it back */
	expect_row(row("'=x", "''-y", NULL), "\"''=x\",\"'''-y\"\n");
	/* not formulas: left alone */
	expect_row(row("'plain", "a=b", "x-1", "'", NULL), "'plain,a=b,x-1,'\n");
}

/* The reader's inverse gives back every value the writer was given. */
static void test_prefix_inverse(void **state)
{
	static const char *const values[] = {"=",   "+",   "-",     "@",   "\t", "\r", "'",   "''",
	                                     "'=",  "''=", "'''@x", "'a",  "a",  "",   "=x'", "'\t",
	                                     "'\r", "-'-", "''''",  "'x=", "@",  "'+1"};
	(void)state;
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		const char *v = values[i];
		size_t len = strlen(v);
		char written[64];
		size_t wlen = 0;
		if (csv_formula_needs_prefix(v, len))
			written[wlen++] = '\'';
		memcpy(written + wlen, v, len);
		wlen += len;
		size_t skip = csv_formula_prefix_len(written, wlen);
		assert_int_equal(wlen - skip, len);
		assert_memory_equal(written + skip, v, len);
	}
}

/* ---- export ------------------------------------------------------------------ */

struct fx {
	char *dir, *out, *db, *key;
	registry *r;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = tu_tempdir();
	f->out = tu_path(f->dir, "out");
	assert_int_equal(mkdir(f->out, 0700), 0);
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
	free(f->out);
	free(f->dir);
	free(f->db);
	free(f->key);
	free(f);
	return 0;
}

static char *out_file(struct fx *f, const char *name)
{
	char *p = tu_path(f->out, name), *text = tu_read_file(p, NULL);
	free(p);
	assert_non_null(text);
	return text;
}

static void export_ok(struct fx *f, struct export_summary *s)
{
	char errbuf[ERRBUF_MAX];
	assert_int_equal(export_dir(f->r, f->out, s, errbuf), ERR_OK);
}

#define PERSON_HEADER                                                                              \
	"id,status,parent_id,given_name,family_name,patronymic,sex,birth_date,citizenship,"        \
	"document_number,phone,address,identified_on,identification_source,recognized_on,"         \
	"decided_on,exploitation,country_of_exploitation\n"
#define SERVICE_HEADER  "id,person_id,service,provider,date,end_date,amount,currency,phase,note\n"
#define REFERRAL_HEADER "id,person_id,from,to,purpose,date,status,closed_on\n"

static void test_empty_database(void **state)
{
	struct fx *f = *state;
	struct export_summary s;
	char *text;
	export_ok(f, &s);
	assert_int_equal(s.persons + s.services + s.referrals, 0);
	text = out_file(f, "persons.csv");
	assert_string_equal(text, PERSON_HEADER);
	free(text);
	text = out_file(f, "services.csv");
	assert_string_equal(text, SERVICE_HEADER);
	free(text);
	text = out_file(f, "referrals.csv");
	assert_string_equal(text, REFERRAL_HEADER);
	free(text);
}

static void store_sample(struct fx *f)
{
	enum put_outcome o;
	struct person p = {.ref = "P1",
	                   .status = "victim",
	                   .given_name = "Aysel",
	                   .family_name = "Məmmədova",
	                   .patronymic = "Əli qızı",
	                   .sex = "female",
	                   .birth_date = "1990-05",
	                   .citizenship = "AZE",
	                   .document_number = "AA123",
	                   .phone = "+994501234567",
	                   .address = "Baku, \"Nizami\" 1",
	                   .identified_on = tu_day("2024-01-10"),
	                   .identification_source = "police",
	                   .recognized_on = tu_day("2024-02-01"),
	                   .decided_on = DATE_NONE,
	                   .exploitation = "sexual;labour",
	                   .country_of_exploitation = "TUR"};
	struct person d = {.ref = "D1",
	                   .status = "dependant",
	                   .parent_ref = "P1",
	                   .given_name = "=cmd|' /C calc'!A0",
	                   .family_name = "@x",
	                   .sex = "male",
	                   .birth_date = "2016",
	                   .identified_on = DATE_NONE,
	                   .recognized_on = DATE_NONE,
	                   .decided_on = DATE_NONE};
	struct service s1 = {.ref = "S1",
	                     .person_ref = "P1",
	                     .service = "one_time_allowance",
	                     .provider = "mia_support_fund",
	                     .date = tu_day("2024-02-05"),
	                     .end_date = DATE_NONE,
	                     .has_amount = 1,
	                     .amount = 70050,
	                     .currency = "AZN",
	                     .note = "\tfirst\r\nsecond"};
	struct service s2 = {.ref = "S2",
	                     .person_ref = "D1",
	                     .service = "legal_aid",
	                     .provider = "bar_association",
	                     .date = tu_day("2024-02-10"),
	                     .end_date = tu_day("2024-12-31"),
	                     .phase = "court",
	                     .note = "-"};
	struct referral r1 = {.ref = "R1",
	                      .person_ref = "P1",
	                      .from = "mia_ctd",
	                      .to = "mia_shelter",
	                      .purpose = "shelter",
	                      .date = tu_day("2024-01-11"),
	                      .status = "completed",
	                      .closed_on = tu_day("2024-02-29")};
	assert_int_equal(registry_put_person(f->r, &p, 0, &o), ERR_OK);
	assert_int_equal(registry_put_person(f->r, &d, 0, &o), ERR_OK);
	assert_int_equal(registry_put_service(f->r, &s1, 0, &o), ERR_OK);
	assert_int_equal(registry_put_service(f->r, &s2, 0, &o), ERR_OK);
	assert_int_equal(registry_put_referral(f->r, &r1, 0, &o), ERR_OK);
}

static void test_exact_contents(void **state)
{
	struct fx *f = *state;
	struct export_summary s;
	char *text;
	store_sample(f);
	export_ok(f, &s);
	assert_int_equal(s.persons, 2);
	assert_int_equal(s.services, 2);
	assert_int_equal(s.referrals, 1);
	text = out_file(f, "persons.csv");
	assert_string_equal(
	    text,
	    PERSON_HEADER "P1,victim,,Aysel,Məmmədova,Əli qızı,female,1990-05,AZE,AA123,"
	                  "\"'+994501234567\",\"Baku, \"\"Nizami\"\" 1\",2024-01-10,police,"
	                  "2024-02-01,,\"labour;sexual\",TUR\n"
	                  "D1,dependant,P1,\"'=cmd|' /C calc'!A0\",\"'@x\",,male,2016,,,,,,,,,,\n");
	free(text);
	text = out_file(f, "services.csv");
	assert_string_equal(
	    text, SERVICE_HEADER
	    "S1,P1,one_time_allowance,mia_support_fund,2024-02-05,,700.50,AZN,,"
	    "\"'\tfirst\r\nsecond\"\n"
	    "S2,D1,legal_aid,bar_association,2024-02-10,2024-12-31,,,court,\"'-\"\n");
	free(text);
	text = out_file(f, "referrals.csv");
	assert_string_equal(text, REFERRAL_HEADER
	                    "R1,P1,mia_ctd,mia_shelter,shelter,2024-01-11,completed,2024-02-29\n");
	free(text);
}

static void test_files_private_no_bom_no_tmp(void **state)
{
	struct fx *f = *state;
	struct export_summary s;
	const char *names[] = {"persons.csv", "services.csv", "referrals.csv"};
	store_sample(f);
	export_ok(f, &s);
	for (int i = 0; i < 3; i++) {
		char *p = tu_path(f->out, names[i]), *tmp;
		struct stat st;
		size_t n = strlen(p) + 5;
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		char *text = tu_read_file(p, NULL);
		assert_false(memcmp(text, "\xEF\xBB\xBF", 3) == 0);
		free(text);
		tmp = malloc(n);
		assert_non_null(tmp);
		snprintf(tmp, n, "%s.tmp", p);
		assert_int_not_equal(stat(tmp, &st), 0);
		free(tmp);
		free(p);
	}
}

static void test_replaces_earlier_export(void **state)
{
	struct fx *f = *state;
	struct export_summary s;
	char *p = tu_path(f->out, "persons.csv"), *text;
	tu_write_file(p, "old contents\n");
	store_sample(f);
	export_ok(f, &s);
	text = tu_read_file(p, NULL);
	assert_true(strncmp(text, PERSON_HEADER, strlen(PERSON_HEADER)) == 0);
	free(text);
	free(p);
}

static void test_missing_directory(void **state)
{
	struct fx *f = *state;
	struct export_summary s = {-1, -1, -1};
	char errbuf[ERRBUF_MAX], *dir = tu_path(f->dir, "absent");
	assert_int_equal(export_dir(f->r, dir, &s, errbuf), ERR_IO);
	assert_non_null(strstr(errbuf, "cannot create"));
	assert_int_equal(s.persons, -1); /* untouched on error */
	free(dir);
}

/* ASVS-11: the console's export needs two officers, each with password and
 * one-time code; a wrong code, one officer alone, or a role that may not
 * export writes nothing. */
static void test_binary_export(void **state)
{
	struct fx *f = *state;
	char cmd[8192], answers[512] = "", *out = NULL, *err = NULL;
	char *clidb = tu_path(f->dir, "cli.db"), *dir = tu_path(f->dir, "cli.sealed");
	char *persons = tu_path(f->dir, "cli.sealed");
	struct tu_account o1, o2, o3, o4, cw;
	snprintf(cmd, sizeof cmd, "'%s' init --db '%s'", HAVEN_BIN, clidb);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	tu_add_account(clidb, NULL, "officer.one", "mia_ctd", "officer", &o1);
	tu_add_account(clidb, NULL, "officer.two", "mia_ctd", "officer", &o2);
	tu_add_account(clidb, NULL, "officer.three", "mia_ctd", "officer", &o3);
	tu_add_account(clidb, NULL, "officer.four", "mia_ctd", "officer", &o4);
	tu_add_account(clidb, NULL, "ngo.worker", "ngo", "caseworker", &cw);
	snprintf(cmd, sizeof cmd, "cd '%s' && '%s' export keygen --out cli", f->dir, HAVEN_BIN);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);

	/* a wrong one-time code for the approver */
	tu_console_answers(&o1, answers, sizeof answers);
	snprintf(cmd, sizeof cmd,
		 "printf '%%s\\n' %s 'river copper lantern' '000000' | '%s' export --db '%s' "
		 "--by officer.one --approver officer.two --to '%s/cli.pub' --out '%s'",
		 answers, HAVEN_BIN, clidb, f->dir, dir);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "officer.two: wrong account, password or one-time code"));
	assert_null(tu_read_file(persons, NULL));
	free(err);
	/* a caseworker may not approve an export */
	answers[0] = '\0';
	tu_console_answers(&o2, answers, sizeof answers);
	tu_console_answers(&cw, answers, sizeof answers);
	snprintf(cmd, sizeof cmd,
		 "printf '%%s\\n' %s | '%s' export --db '%s' --by officer.two --approver ngo.worker "
		 "--to '%s/cli.pub' --out '%s'",
		 answers, HAVEN_BIN, clidb, f->dir, dir);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "ngo.worker is a caseworker"));
	assert_null(tu_read_file(persons, NULL));
	free(err);
	/* one person cannot be both */
	snprintf(cmd, sizeof cmd, "'%s' export --db '%s' --by officer.one --approver officer.one "
		 "--to '%s/cli.pub' --out '%s' </dev/null", HAVEN_BIN, clidb, f->dir, dir);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "another person"));
	free(err);
	/* two officers whose codes of this 30-second step are not used yet */
	answers[0] = '\0';
	tu_console_answers(&o3, answers, sizeof answers);
	tu_console_answers(&o4, answers, sizeof answers);
	snprintf(cmd, sizeof cmd,
		 "printf '%%s\\n' %s | '%s' export --db '%s' --by officer.three "
		 "--approver officer.four --to '%s/cli.pub' --out '%s'",
		 answers, HAVEN_BIN, clidb, f->dir, dir);
	assert_int_equal(tu_run(cmd, &out, &err), 0);
	assert_non_null(strstr(out, "Wrote 0 persons, 0 services and 0 referrals"));
	free(out);
	free(err);
	/* the same codes again: refused, a code is good once */
	snprintf(cmd, sizeof cmd,
		 "printf '%%s\\n' %s | '%s' export --db '%s' --by officer.three "
		 "--approver officer.four --to '%s/cli.pub' --out '%s'",
		 answers, HAVEN_BIN, clidb, f->dir, dir);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "accepted once"));
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' export --db '%s' --by a --approver b", HAVEN_BIN, clidb);
	assert_int_equal(tu_run(cmd, NULL, &err), 2);
	assert_non_null(strstr(err, "--out FILE is required"));
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' export --db '%s' --out '%s'", HAVEN_BIN, clidb, dir);
	assert_int_equal(tu_run(cmd, NULL, &err), 2);
	assert_non_null(strstr(err, "--approver USER are required"));
	free(err);
	snprintf(cmd, sizeof cmd, "'%s' audit verify --db '%s'", HAVEN_BIN, clidb);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' export --help", HAVEN_BIN);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "--out FILE"));
	assert_non_null(strstr(out, "--to RECIPIENT.pub"));
	assert_non_null(strstr(out, "--approver USER"));
	assert_non_null(strstr(out, "formula"));
	free(out);
	free(persons);
	free(clidb);
	free(dir);
}

/* ---- sealed exports (HUM-04) ---------------------------------------------------- */

/* Runs `haven ARGS` (a printf format) on the fixture's database; its exit
 * status, with stdout and stderr captured when asked. */
static int haven(struct fx *f, char **out, char **err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int haven(struct fx *f, char **out, char **err, const char *fmt, ...)
{
	char args[4096], cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s", f->dir, HAVEN_BIN, args);
	return tu_run(cmd, out, err);
}

static void write_text(struct fx *f, const char *name, const char *text)
{
	char *path = tu_path(f->dir, name);
	FILE *o = fopen(path, "w");
	assert_non_null(o);
	fputs(text, o);
	assert_int_equal(fclose(o), 0);
	free(path);
}

/* The sealed export of the sample, to the key pair `name` (made here) or with
 * `passphrase`; the four eyes' answers (and the passphrase) come from a file. */
static void seal_sample(struct fx *f, const char *name, const char *passphrase,
			const char *file)
{
	char eyes[1024], *out = NULL;
	tu_four_eyes(f->db, f->key, f->dir, eyes, sizeof eyes);
	if (passphrase) { /* one more line in the answers' file */
		char *at = strstr(eyes, "< '") + 3, path[1024];
		snprintf(path, sizeof path, "%.*s", (int)(strrchr(eyes, '\'') - at), at);
		FILE *a = fopen(path, "a");
		assert_non_null(a);
		fprintf(a, "%s\n", passphrase);
		fclose(a);
	} else {
		assert_int_equal(haven(f, NULL, NULL, "export keygen --out %s", name), 0);
	}
	if (passphrase)
		assert_int_equal(haven(f, &out, NULL, "export --db '%s' --key '%s' --passphrase "
						      "--out %s %s",
				       f->db, f->key, file, eyes),
				 0);
	else
		assert_int_equal(haven(f, &out, NULL, "export --db '%s' --key '%s' --to %s.pub "
						      "--out %s %s",
				       f->db, f->key, name, file, eyes),
				 0);
	assert_non_null(strstr(out, "Wrote 2 persons, 2 services and 1 referrals"));
	free(out);
}

/* The members of a sealed file equal the files of export_dir, byte for byte. */
static void assert_members_are_the_export(struct fx *f, const struct sealed_member_data *m,
					  size_t n)
{
	static const char *const names[] = {"persons.csv", "services.csv", "referrals.csv"};
	struct export_summary s;
	assert_int_equal(n, 3);
	export_ok(f, &s);
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		char *p = tu_path(f->out, names[i]), *text = tu_read_file(p, &len);
		assert_string_equal(m[i].name, names[i]);
		assert_int_equal(m[i].len, len);
		assert_memory_equal(m[i].data, text, len);
		free(text);
		free(p);
	}
}

static err_t count_person(const struct person *p, void *ctx)
{
	(void)p;
	++*(int64_t *)ctx;
	return ERR_OK;
}

/* The persons stored in the database `name` of the fixture's directory. */
static int64_t persons_in(struct fx *f, const char *name)
{
	char *path = tu_path(f->dir, name), key[4200];
	snprintf(key, sizeof key, "%s.key", path);
	registry *r = tu_registry_open(path, key);
	int64_t n = 0;
	assert_int_equal(registry_each_person(r, NULL, count_person, &n), ERR_OK);
	registry_close(r);
	free(path);
	return n;
}

/* Sealed to a recipient's key: nothing in clear on disk, the members are the
 * export exactly, the recipient imports it whole, and the audit entry says
 * to which key, with the counts. */
static void test_sealed_to_a_key(void **state)
{
	struct fx *f = *state;
	struct sealed_member_data m[SEALED_MEMBERS_MAX];
	struct sealed_opener key;
	struct stat st;
	char errbuf[ERRBUF_MAX], id[SEALED_KEY_ID_TEXT], *path, *out = NULL, *detail;
	unsigned char pk[SEALED_KEY_BYTES];
	size_t n;
	static const char *const clear[] = {"Aysel", "Məmmədova", "AA123", "994501234567",
					    "persons.csv", "first"};
	store_sample(f);
	seal_sample(f, "rcpt", NULL, "all.sealed");
	path = tu_path(f->dir, "rcpt.key");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(sealed_read_secret(path, &key, errbuf), ERR_OK);
	free(path);
	path = tu_path(f->dir, "rcpt.pub");
	assert_int_equal(sealed_read_public(path, pk, id, errbuf), ERR_OK);
	free(path);

	path = tu_path(f->dir, "all.sealed");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++)
		if (tu_file_contains(path, clear[i], strlen(clear[i])))
			fail_msg("the sealed file holds '%s' in clear", clear[i]);
	char *tmp = tu_path(f->dir, "all.sealed.tmp");
	assert_int_not_equal(stat(tmp, &st), 0);
	free(tmp);
	/* the audit entry: to which key, how many, which columns */
	db_stmt *q = NULL;
	assert_int_equal(db_prepare(registry_db(f->r), "SELECT detail FROM audit_log WHERE "
						       "action = 'export' ORDER BY seq DESC",
				    &q),
			 ERR_OK);
	assert_int_equal(db_step(q), DB_ROW);
	detail = strdup(db_col_text(q, 0));
	db_finalize(q);
	char want[128];
	snprintf(want, sizeof want, "sealed to key %s: 2 persons, 2 services, 1 referrals", id);
	if (!strstr(detail, want))
		fail_msg("the export's audit entry: %s", detail);
	assert_non_null(strstr(detail, "every column of the interchange format"));
	free(detail);

	assert_int_equal(sealed_open_file(path, &key, m, &n, errbuf), ERR_OK);
	assert_members_are_the_export(f, m, n);
	sealed_members_free(m, n);
	free(path);


	/* the recipient's Haven reads it whole, in memory */
	assert_int_equal(haven(f, NULL, NULL, "init --db new.db"), 0);
	assert_int_equal(haven(f, &out, NULL, "import --db new.db --export-key rcpt.key all.sealed"),
			 0);
	assert_non_null(strstr(out, "Imported 3 files, 5 rows: persons 2 added"));
	free(out);
	assert_int_equal(persons_in(f, "new.db"), 2);
}

/* Whatever is wrong with a sealed file, the import says what and where and
 * stores nothing. */
static void test_sealed_refused(void **state)
{
	struct fx *f = *state;
	char *err = NULL, *path, *bytes;
	size_t len;
	struct {
		const char *args, *says;
		int status;
	} cases[] = {
	    {"import --db new.db all.sealed", "sealed to a recipient's key: give its secret key "
					      "file (--export-key)", 1},
	    {"import --db new.db --export-key other.key all.sealed", "not to this key", 1},
	    {"import --db new.db --export-key rcpt.pub all.sealed", "is not a secret key", 1},
	    {"import --db new.db --export-key rcpt.key --passphrase all.sealed", "not both", 2},
	    {"import --db new.db --export-key rcpt.key changed.sealed",
	     "changed.sealed: damaged or changed at byte", 1},
	    {"import --db new.db --export-key rcpt.key short.sealed",
	     "short.sealed: cut short at byte", 1},
	    {"import --db new.db --export-key rcpt.key long.sealed",
	     "long.sealed: bytes after the end of the export", 1},
	    {"export --db new.db --by a --approver b --out x.sealed", "an export is sealed", 2},
	    {"export --db new.db --by a --approver b --to rcpt.pub --passphrase --out x.sealed",
	     "either --to", 2},
	    {"export --db new.db --by a --approver b --to rcpt.key --out x.sealed",
	     "is not a public key", 1},
	};
	store_sample(f);
	seal_sample(f, "rcpt", NULL, "all.sealed");
	assert_int_equal(haven(f, NULL, NULL, "export keygen --out other"), 0);
	assert_int_equal(haven(f, NULL, &err, "export keygen --out other"), 1);
	assert_non_null(strstr(err, "other.key: File exists")); /* never replaced */
	free(err);
	assert_int_equal(haven(f, NULL, NULL, "init --db new.db"), 0);
	path = tu_path(f->dir, "all.sealed");
	bytes = tu_read_file(path, &len);
	free(path);
	struct {
		const char *name;
		size_t len;
		int flip;
	} variants[] = {{"changed.sealed", len, 1}, {"short.sealed", len - 7, 0},
			{"long.sealed", len + 1, 0}};
	for (size_t i = 0; i < 3; i++) {
		char *v = malloc(len + 1);
		memcpy(v, bytes, len);
		v[len] = 'x';
		if (variants[i].flip)
			v[len / 2] ^= 0x01;
		path = tu_path(f->dir, variants[i].name);
		FILE *o = fopen(path, "w");
		assert_int_equal(fwrite(v, 1, variants[i].len, o), variants[i].len);
		fclose(o);
		free(path);
		free(v);
	}
	free(bytes);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int status = haven(f, NULL, &err, "%s", cases[i].args);
		if (status != cases[i].status || !strstr(err, cases[i].says))
			fail_msg("haven %s: %d, %s", cases[i].args, status, err);
		free(err);
	}
	assert_int_equal(persons_in(f, "new.db"), 0);
	/* a problem inside a sealed file is named by the file and its member */
	struct sealed_opener key;
	sealed_writer *w = NULL;
	char errbuf[ERRBUF_MAX];
	path = tu_path(f->dir, "rcpt.key");
	assert_int_equal(sealed_read_secret(path, &key, errbuf), ERR_OK);
	free(path);
	path = tu_path(f->dir, "bad.sealed");
	assert_int_equal(sealed_create(path, key.pk, NULL, &w, errbuf), ERR_OK);
	FILE *m = sealed_member(w, "persons.csv");
	fputs(PERSON_HEADER "P9,victim,,A,B,,female,1990,AZE,,,,2024-13-01,police,,,,\n", m);
	assert_int_equal(fclose(m), 0);
	assert_int_equal(sealed_commit(w, errbuf), ERR_OK);
	free(path);
	assert_int_equal(haven(f, NULL, &err, "import --db new.db --export-key rcpt.key bad.sealed"),
			 1);
	if (!strstr(err, "bad.sealed/persons.csv:2: identified_on"))
		fail_msg("%s", err);
	free(err);
	/* a secret key others can read is refused */
	path = tu_path(f->dir, "rcpt.key");
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(haven(f, NULL, &err, "import --db new.db --export-key rcpt.key all.sealed"),
			 1);
	assert_non_null(strstr(err, "can be read by others"));
	free(err);
	free(path);
	assert_int_equal(persons_in(f, "new.db"), 0);
}

/* Sealed with a passphrase: only that passphrase opens it. */
static void test_sealed_with_a_passphrase(void **state)
{
	struct fx *f = *state;
	struct sealed_member_data m[SEALED_MEMBERS_MAX];
	struct sealed_opener wrong = {.passphrase = "correct horse battery stable"};
	char errbuf[ERRBUF_MAX], *out = NULL, *err = NULL, *path;
	size_t n;
	store_sample(f);
	seal_sample(f, NULL, "correct horse battery staple", "pass.sealed");
	path = tu_path(f->dir, "pass.sealed");
	assert_int_equal(sealed_open_file(path, &wrong, m, &n, errbuf), ERR_CRYPTO);
	assert_non_null(strstr(errbuf, "the passphrase is wrong, or the file was changed"));
	assert_int_equal(n, 0);
	free(path);
	assert_int_equal(haven(f, NULL, NULL, "init --db new.db"), 0);
	write_text(f, "pass.wrong", "correct horse battery stable\n");
	write_text(f, "pass.right", "correct horse battery staple\n");
	assert_int_equal(haven(f, NULL, &err, "import --db new.db --passphrase pass.sealed "
					      "< pass.wrong"),
			 1);
	assert_non_null(strstr(err, "pass.sealed: the passphrase is wrong"));
	free(err);
	assert_int_equal(haven(f, NULL, &err, "import --db new.db pass.sealed"), 1);
	assert_non_null(strstr(err, "sealed with a passphrase: give it (--passphrase)"));
	free(err);
	assert_int_equal(haven(f, &out, NULL, "import --db new.db --passphrase pass.sealed "
					      "< pass.right"),
			 0);
	assert_non_null(strstr(out, "persons 2 added"));
	free(out);
	/* a weak passphrase is refused before anything is written */
	char eyes[1024];
	tu_four_eyes(f->db, f->key, f->dir, eyes, sizeof eyes);
	char *at = strstr(eyes, "< '") + 3, answers[1024];
	snprintf(answers, sizeof answers, "%.*s", (int)(strrchr(eyes, '\'') - at), at);
	FILE *a = fopen(answers, "a");
	fputs("password\n", a);
	fclose(a);
	assert_int_equal(haven(f, NULL, &err, "export --db '%s' --key '%s' --passphrase --out "
					      "weak.sealed %s",
			       f->db, f->key, eyes),
			 1);
	assert_non_null(strstr(err, "the passphrase"));
	free(err);
	path = tu_path(f->dir, "weak.sealed");
	assert_null(tu_read_file(path, NULL));
	free(path);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_writer_quoting),
	    cmocka_unit_test(test_writer_neutralises_formulas),
	    cmocka_unit_test(test_prefix_inverse),
	    T(test_empty_database),
	    T(test_exact_contents),
	    T(test_files_private_no_bom_no_tmp),
	    T(test_replaces_earlier_export),
	    T(test_missing_directory),
	    T(test_binary_export),
	    T(test_sealed_to_a_key),
	    T(test_sealed_refused),
	    T(test_sealed_with_a_passphrase),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
