/* test_csv_reader.c - the RFC 4180 reader: quoting, line numbers, BOM,
 * delimiters, line ends, size caps and resuming after an error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util/csv_reader.h"

struct fixture {
	char *dir;
	char *path;
	csv_reader *r;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = tu_tempdir();
	f->path = tu_path(f->dir, "in.csv");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	csv_reader_free(f->r);
	tu_rmtree(f->dir);
	free(f->path);
	free(f->dir);
	free(f);
	return 0;
}

/* Writes `len` bytes (may hold NULs) and opens a reader over them. */
static csv_reader *open_bytes(struct fixture *f, const char *bytes, size_t len)
{
	char errbuf[ERRBUF_MAX];
	FILE *fp = fopen(f->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	csv_reader_free(f->r);
	f->r = NULL;
	assert_int_equal(csv_reader_open(f->path, &f->r, errbuf), ERR_OK);
	return f->r;
}

static csv_reader *open_text(struct fixture *f, const char *text)
{
	return open_bytes(f, text, strlen(text));
}

static void expect_record(csv_reader *r, uint64_t line, size_t n, ...)
{
	struct csv_record rec;
	char errbuf[ERRBUF_MAX];
	va_list ap;
	assert_int_equal(csv_reader_next(r, &rec, errbuf), ERR_OK);
	assert_int_equal(rec.line, line);
	assert_int_equal(rec.n, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);
		assert_int_equal(rec.cells[i].len, strlen(want));
		assert_memory_equal(rec.cells[i].s, want, strlen(want));
		assert_int_equal(rec.cells[i].s[rec.cells[i].len], '\0');
	}
	va_end(ap);
}

static void expect_end(csv_reader *r)
{
	struct csv_record rec;
	char errbuf[ERRBUF_MAX];
	assert_int_equal(csv_reader_next(r, &rec, errbuf), ERR_NOT_FOUND);
	assert_int_equal(csv_reader_next(r, &rec, errbuf), ERR_NOT_FOUND);
}

static void expect_error(csv_reader *r, err_t want, uint64_t line, size_t cell, const char *words)
{
	struct csv_record rec;
	char errbuf[ERRBUF_MAX] = "";
	assert_int_equal(csv_reader_next(r, &rec, errbuf), want);
	assert_int_equal(rec.line, line);
	assert_int_equal(rec.bad_cell, cell);
	assert_non_null(strstr(errbuf, words));
}

static void test_lf(void **state)
{
	csv_reader *r = open_text(*state, "id,status\nP1,victim\nP2,dependant\n");
	assert_int_equal(csv_reader_delimiter(r), ',');
	assert_false(csv_reader_had_bom(r));
	expect_record(r, 1, 2, "id", "status");
	expect_record(r, 2, 2, "P1", "victim");
	expect_record(r, 3, 2, "P2", "dependant");
	expect_end(r);
}

static void test_crlf_and_no_final_newline(void **state)
{
	csv_reader *r = open_text(*state, "id,status\r\nP1,\r\n\"P2\",\"x\"\r\nP3,last");
	expect_record(r, 1, 2, "id", "status");
	expect_record(r, 2, 2, "P1", "");
	expect_record(r, 3, 2, "P2", "x");
	expect_record(r, 4, 2, "P3", "last");
	expect_end(r);
}

static void test_bom_and_semicolon(void **state)
{
	csv_reader *r = open_text(*state, "\xEF\xBB\xBFid;note\r\nS1;\"a;b, c\"\r\n");
	assert_true(csv_reader_had_bom(r));
	assert_int_equal(csv_reader_delimiter(r), ';');
	expect_record(r, 1, 2, "id", "note");
	expect_record(r, 2, 2, "S1", "a;b, c");
	expect_end(r);
}

static void test_semicolon_inside_quoted_header_ignored(void **state)
{
	csv_reader *r = open_text(*state, "\"a;b;c\",d\n1,2\n");
	assert_int_equal(csv_reader_delimiter(r), ',');
	expect_record(r, 1, 2, "a;b;c", "d");
	expect_record(r, 2, 2, "1", "2");
}

static void test_quoted_newlines_and_quotes(void **state)
{
	csv_reader *r = open_text(*state, "id,note\n"
	                                  "S1,\"line one\nline \"\"two\"\"\r\nthree\"\n"
	                                  "S2,\"\"\n"
	                                  "S3,\"a,b\"\n");
	expect_record(r, 1, 2, "id", "note");
	expect_record(r, 2, 2, "S1", "line one\nline \"two\"\r\nthree");
	expect_record(r, 5, 2, "S2", "");
	expect_record(r, 6, 2, "S3", "a,b");
	expect_end(r);
}

static void test_blank_lines_skipped_lines_counted(void **state)
{
	csv_reader *r = open_text(*state, "\nid\n\r\n\nP1\n\n");
	expect_record(r, 2, 1, "id");
	expect_record(r, 5, 1, "P1");
	expect_end(r);
}

static void test_spaces_kept(void **state)
{
	csv_reader *r = open_text(*state, " a , b \n\tx,\" y \"\r\n");
	expect_record(r, 1, 2, " a ", " b ");
	expect_record(r, 2, 2, "\tx", " y ");
}

static void test_nul_bytes_passed_with_length(void **state)
{
	static const char bytes[] = "id,x\nP\0Q,y\n";
	struct csv_record rec;
	char errbuf[ERRBUF_MAX];
	csv_reader *r = open_bytes(*state, bytes, sizeof bytes - 1);
	expect_record(r, 1, 2, "id", "x");
	assert_int_equal(csv_reader_next(r, &rec, errbuf), ERR_OK);
	assert_int_equal(rec.cells[0].len, 3);
	assert_memory_equal(rec.cells[0].s, "P\0Q", 3);
}

static void test_quote_in_unquoted_cell(void **state)
{
	csv_reader *r = open_text(*state, "a,b\nx,y\"z\nok,1\n");
	expect_record(r, 1, 2, "a", "b");
	expect_error(r, ERR_INVALID, 2, 1, "does not start with one");
	expect_record(r, 3, 2, "ok", "1");
	expect_end(r);
}

static void test_text_after_closing_quote(void **state)
{
	csv_reader *r = open_text(*state, "a,b\n\"x\"y,1\nok,1\n");
	expect_record(r, 1, 2, "a", "b");
	expect_error(r, ERR_INVALID, 2, 0, "after the closing quote");
	expect_record(r, 3, 2, "ok", "1");
}

static void test_unterminated_quote(void **state)
{
	csv_reader *r = open_text(*state, "a,b\nok,1\nx,\"open\nmore\n");
	expect_record(r, 1, 2, "a", "b");
	expect_record(r, 2, 2, "ok", "1");
	expect_error(r, ERR_INVALID, 3, 1, "not closed");
	expect_end(r);
}

static void test_empty_file(void **state)
{
	expect_end(open_text(*state, ""));
	expect_end(open_text(*state, "\xEF\xBB\xBF"));
	expect_end(open_text(*state, "\n\r\n"));
}

static void test_too_many_cells(void **state)
{
	size_t n = CSV_READER_CELLS_MAX + 10, len = 0;
	char *text = malloc(n * 2 + 16);
	assert_non_null(text);
	for (size_t i = 0; i < n; i++) {
		text[len++] = 'x';
		text[len++] = i + 1 < n ? ',' : '\n';
	}
	memcpy(text + len, "a,b\n", 5);
	csv_reader *r = open_text(*state, text);
	expect_error(r, ERR_LIMIT, 1, CSV_READER_CELLS_MAX, "too many cells");
	expect_record(r, 2, 2, "a", "b");
	free(text);
}

static void test_cell_too_long(void **state)
{
	size_t n = CSV_READER_CELL_MAX * 3;
	char *text = malloc(n + 32);
	assert_non_null(text);
	memcpy(text, "a,\"", 3);
	memset(text + 3, 'z', n);
	memcpy(text + 3 + n, "\"\nb,c\n", 7);
	csv_reader *r = open_text(*state, text);
	expect_error(r, ERR_LIMIT, 1, 1, "too long");
	expect_record(r, 2, 2, "b", "c");
	expect_end(r);
	free(text);
}

/* Many records with multi-line cells, so that lines and records straddle
 * the reader's blocks: every record's line must still be exact. */
static void test_line_numbers_across_blocks(void **state)
{
	struct fixture *f = *state;
	FILE *fp = fopen(f->path, "wb");
	struct csv_record rec;
	char errbuf[ERRBUF_MAX];
	uint64_t line = 1;
	assert_non_null(fp);
	for (int i = 0; i < 20000; i++)
		fprintf(fp, "R%d,\"%s\"\r\n", i, i % 3 ? "one line" : "two\r\nlines and more text");
	fclose(fp);
	assert_int_equal(csv_reader_open(f->path, &f->r, errbuf), ERR_OK);
	for (int i = 0; i < 20000; i++) {
		char want[16];
		assert_int_equal(csv_reader_next(f->r, &rec, errbuf), ERR_OK);
		snprintf(want, sizeof want, "R%d", i);
		assert_string_equal(rec.cells[0].s, want);
		assert_int_equal(rec.line, line);
		line += i % 3 ? 1 : 2;
	}
	expect_end(f->r);
}

static void test_missing_file(void **state)
{
	struct fixture *f = *state;
	char errbuf[ERRBUF_MAX];
	char *p = tu_path(f->dir, "absent.csv");
	csv_reader *r = NULL;
	assert_int_equal(csv_reader_open(p, &r, errbuf), ERR_IO);
	assert_null(r);
	assert_non_null(strstr(errbuf, "cannot open"));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crlf_and_no_final_newline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bom_and_semicolon, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_semicolon_inside_quoted_header_ignored, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_quoted_newlines_and_quotes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_blank_lines_skipped_lines_counted, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_spaces_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nul_bytes_passed_with_length, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quote_in_unquoted_cell, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_text_after_closing_quote, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unterminated_quote, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_many_cells, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cell_too_long, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_line_numbers_across_blocks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
