/*
 * test_demo.c - the demo data set's files: the same bytes every time, the
 * interchange headers, RFC 4180 quoting, and no partial file on failure.
 * The figures themselves are checked by tests/demo/check_demo.py.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/demo.h"
#include "testutil.h"

static const char *const files[] = {DEMO_PERSONS_CSV, DEMO_SERVICES_CSV, DEMO_REFERRALS_CSV};

static const char *const headers[] = {
    "id,status,parent_id,given_name,family_name,patronymic,sex,birth_date,citizenship,"
    "document_number,phone,address,identified_on,identification_source,recognized_on,"
    "decided_on,exploitation,country_of_exploitation\n",
    "id,person_id,service,provider,date,end_date,amount,currency,phase,note\n",
    "id,person_id,from,to,purpose,date,status,closed_on\n",
};

static char *written(const char *dir, const char *name, size_t *len)
{
	char *path = tu_path(dir, name);
	char *text = tu_read_file(path, len);
	free(path);
	assert_non_null(text);
	return text;
}

/* The number of entries in dir, "." and ".." aside. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_deterministic(void **state)
{
	(void)state;
	char err[ERRBUF_MAX] = "";
	char *a = tu_tempdir(), *b = tu_tempdir();

	assert_int_equal(demo_write_csv(a, err, sizeof err), ERR_OK);
	assert_int_equal(demo_write_csv(b, err, sizeof err), ERR_OK);
	for (int i = 0; i < 3; i++) {
		size_t la, lb;
		char *ta = written(a, files[i], &la), *tb = written(b, files[i], &lb);
		assert_true(la > 1000);
		assert_int_equal(la, lb);
		assert_memory_equal(ta, tb, la);
		free(ta);
		free(tb);
	}
	tu_rmtree(a);
	tu_rmtree(b);
	free(a);
	free(b);
}

static void test_headers_and_format(void **state)
{
	(void)state;
	char err[ERRBUF_MAX] = "";
	char *dir = tu_tempdir();

	assert_int_equal(demo_write_csv(dir, err, sizeof err), ERR_OK);
	assert_int_equal(entries(dir), 3); /* no NAME.tmp left behind */
	for (int i = 0; i < 3; i++) {
		size_t len;
		char *text = written(dir, files[i], &len);
		assert_int_equal(strncmp(text, headers[i], strlen(headers[i])), 0);
		assert_null(memchr(text, '\r', len)); /* LF line ends */
		assert_int_equal(text[len - 1], '\n');
		free(text);
	}
	tu_rmtree(dir);
	free(dir);
}

static void test_quoting_and_names(void **state)
{
	(void)state;
	char err[ERRBUF_MAX] = "";
	char *dir = tu_tempdir();
	size_t len;
	char *services, *persons;

	assert_int_equal(demo_write_csv(dir, err, sizeof err), ERR_OK);
	services = written(dir, DEMO_SERVICES_CSV, &len);
	/* a note with a comma, a doubled quote and a line break inside one field */
	assert_non_null(strstr(services, ",\"Anası dedi: \"\"Uşaq məktəbə qayıtmaq istəyir\"\", "));
	assert_non_null(strstr(services, "ediləcək.\nİkinci görüş cümə günü.\"\n"));
	assert_non_null(strstr(services, ",one_time_allowance,ssa_assistance_center,"));
	assert_non_null(strstr(services, ",700.00,AZN,"));
	persons = written(dir, DEMO_PERSONS_CSV, &len);
	assert_non_null(strstr(persons, "ə")); /* UTF-8 as written, no BOM */
	assert_int_not_equal((unsigned char)persons[0], 0xEF);
	assert_non_null(strstr(persons, ",sexual;labour,TUR\n"));
	assert_non_null(strstr(persons, ",DEMO"));
	free(services);
	free(persons);
	tu_rmtree(dir);
	free(dir);
}

static void test_replaces_existing(void **state)
{
	(void)state;
	char err[ERRBUF_MAX] = "";
	char *dir = tu_tempdir(), *path = tu_path(dir, DEMO_PERSONS_CSV), *text;

	tu_write_file(path, "stale\n");
	assert_int_equal(demo_write_csv(dir, err, sizeof err), ERR_OK);
	text = written(dir, DEMO_PERSONS_CSV, NULL);
	assert_int_equal(strncmp(text, headers[0], strlen(headers[0])), 0);
	free(text);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void test_unwritable_dir(void **state)
{
	(void)state;
	char err[ERRBUF_MAX] = "";
	char *dir = tu_tempdir(), *file = tu_path(dir, "plain-file");

	/* a regular file where a directory should be: fails even for root */
	tu_write_file(file, "x\n");
	assert_int_equal(demo_write_csv(file, err, sizeof err), ERR_IO);
	assert_non_null(strstr(err, "cannot write"));
	assert_int_equal(demo_write_csv("/nonexistent/haven-demo", NULL, 0), ERR_IO);
	assert_int_equal(entries(dir), 1);
	free(file);
	tu_rmtree(dir);
	free(dir);
}

static void test_failure_leaves_no_file(void **state)
{
	(void)state;
	char err[ERRBUF_MAX] = "";
	char *dir = tu_tempdir(), *block = tu_path(dir, DEMO_SERVICES_CSV ".tmp");

	/* persons.csv.tmp is written, then services.csv.tmp cannot be opened */
	assert_int_equal(mkdir(block, 0700), 0);
	assert_int_equal(demo_write_csv(dir, err, sizeof err), ERR_IO);
	assert_true(err[0] != '\0');
	assert_int_equal(entries(dir), 1); /* only the blocking directory */
	free(block);
	tu_rmtree(dir);
	free(dir);
}

static void test_rename_failure_leaves_no_tmp(void **state)
{
	(void)state;
	char err[ERRBUF_MAX] = "";
	char *dir = tu_tempdir(), *block = tu_path(dir, DEMO_PERSONS_CSV);

	/* all three NAME.tmp are written, then a directory is in the way */
	assert_int_equal(mkdir(block, 0700), 0);
	assert_int_equal(demo_write_csv(dir, err, sizeof err), ERR_IO);
	assert_non_null(strstr(err, "cannot rename"));
	assert_int_equal(entries(dir), 1);
	free(block);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_headers_and_format),
	    cmocka_unit_test(test_quoting_and_names),
	    cmocka_unit_test(test_replaces_existing),
	    cmocka_unit_test(test_unwritable_dir),
	    cmocka_unit_test(test_failure_leaves_no_file),
	    cmocka_unit_test(test_rename_failure_leaves_no_tmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
