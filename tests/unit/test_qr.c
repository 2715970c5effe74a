/*
 * test_qr.c - QR codes of set-up addresses (util/qr.h): the shape a reader
 * needs (a square, finder patterns in three corners) and the console's
 * drawing of it (two rows a line, quiet zone included).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/qr.h"

#define URI "otpauth://totp/Haven:leyla.ngo?secret=DURLSFV3PDCWMLW7FWDH6N5YCWY65S4K&issuer=Haven"

static int dark(const struct qr *q, size_t x, size_t y)
{
	return q->modules[y * q->width + x] == 1;
}

/* The 7x7 finder pattern with its top-left corner at (x, y). */
static void assert_finder(const struct qr *q, size_t x, size_t y)
{
	for (size_t i = 0; i < 7; i++)
		for (size_t j = 0; j < 7; j++) {
			int ring = i == 0 || i == 6 || j == 0 || j == 6;
			int core = i >= 2 && i <= 4 && j >= 2 && j <= 4;
			assert_int_equal(dark(q, x + i, y + j), ring || core);
		}
}

static void test_shape(void **state)
{
	(void)state;
	struct qr q;
	assert_int_equal(qr_encode(URI, &q), ERR_OK);
	assert_true(q.width >= 21 && q.width <= QR_WIDTH_MAX && (q.width - 17) % 4 == 0);
	assert_finder(&q, 0, 0);
	assert_finder(&q, q.width - 7, 0);
	assert_finder(&q, 0, q.width - 7);
	qr_free(&q);
	assert_null(q.modules);
}

static void test_console_drawing(void **state)
{
	(void)state;
	struct qr q;
	char *text = NULL;
	size_t len = 0, lines = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(qr_encode(URI, &q), ERR_OK);
	qr_print(&q, f);
	assert_int_equal(fclose(f), 0);
	for (char *p = text; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, (q.width + 4 + 1) / 2); /* two rows a line, 2 quiet rows each side */
	/* the first line is two rows of quiet zone, all light: full blocks */
	assert_true(strncmp(text, "\u2588", strlen("\u2588")) == 0);
	qr_free(&q);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_console_drawing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
