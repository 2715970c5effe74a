/* test_date_money.c - calendar dates and exact money amounts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/date.h"
#include "util/money.h"

static void roundtrip(const char *text)
{
	int64_t t;
	char buf[DATE_TEXT_MAX];
	assert_int_equal(date_parse(text, &t), ERR_OK);
	date_format(t, buf);
	assert_string_equal(buf, text);
}

static void test_date_valid(void **state)
{
	(void)state;
	int64_t t;
	roundtrip("1970-01-01");
	roundtrip("2024-02-29"); /* leap year */
	roundtrip("2000-02-29"); /* divisible by 400 */
	roundtrip("2024-12-31");
	roundtrip("1900-01-01");
	assert_int_equal(date_parse("1970-01-02", &t), ERR_OK);
	assert_int_equal(t, 86400);
	assert_int_equal(date_year(t), 1970);
	assert_int_equal(date_year_start(2024), 1704067200);
}

/* Every day a date may be (DATE_MIN_YEAR to DATE_MAX_YEAR) formats as
 * "%04d-%02u-%02u" of its year, month and day and parses back to the same
 * time; so does the day before the first, which date_parse refuses. */
static void test_date_every_day(void **state)
{
	(void)state;
	int64_t t, back;
	char buf[DATE_TEXT_MAX], want[32];
	int y = DATE_MIN_YEAR;
	unsigned m = 1, d = 1;
	static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	assert_int_equal(date_parse("1900-01-01", &t), ERR_OK);
	date_format(t - 86400, buf);
	assert_string_equal(buf, "1899-12-31");
	for (; y <= DATE_MAX_YEAR; t += 86400) {
		snprintf(want, sizeof want, "%04d-%02u-%02u", y, m, d);
		date_format(t, buf);
		assert_string_equal(buf, want);
		assert_int_equal(date_parse(buf, &back), ERR_OK);
		assert_int_equal(back, t);
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (++d > days[m - 1] + (m == 2 && leap)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

static void test_date_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
		"2024-1-01",  "24-01-01",   "2024/01/01", "2024-01-01 ", " 2024-01-01",
		"",           "1899-12-31", "2201-01-01", "2024-01-0a", "2024-01",
	};
	int64_t t = 42;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(date_parse(bad[i], &t), ERR_INVALID);
		assert_int_equal(t, 42); /* untouched on error */
	}
}

static void test_date_partial(void **state)
{
	(void)state;
	int64_t lo, hi, want;
	assert_int_equal(date_parse_partial("2006", &lo, &hi), ERR_OK);
	date_parse("2006-01-01", &want);
	assert_int_equal(lo, want);
	date_parse("2006-12-31", &want);
	assert_int_equal(hi, want);
	assert_int_equal(date_parse_partial("2024-02", &lo, &hi), ERR_OK);
	date_parse("2024-02-29", &want);
	assert_int_equal(hi, want);
	assert_int_equal(date_parse_partial("2023-02", &lo, &hi), ERR_OK);
	date_parse("2023-02-28", &want);
	assert_int_equal(hi, want);
	assert_int_equal(date_parse_partial("2023-02-15", &lo, &hi), ERR_OK);
	assert_int_equal(lo, hi);
	assert_int_equal(date_parse_partial("2023-13", &lo, &hi), ERR_INVALID);
	assert_int_equal(date_parse_partial("202", &lo, &hi), ERR_INVALID);
}

static int64_t d(const char *s)
{
	int64_t t;
	assert_int_equal(date_parse(s, &t), ERR_OK);
	return t;
}

static void test_minor(void **state)
{
	(void)state;
	/* the 18th birthday is the first day of adulthood */
	assert_true(date_is_minor(d("2006-05-10"), d("2024-05-09")));
	assert_false(date_is_minor(d("2006-05-10"), d("2024-05-10")));
	/* born on 29 February: adult on 1 March of a common year */
	assert_true(date_is_minor(d("2004-02-29"), d("2022-02-28")));
	assert_false(date_is_minor(d("2004-02-29"), d("2022-03-01")));
	/* ... and on 29 February of a leap year */
	assert_true(date_is_minor(d("2002-02-28"), d("2020-02-27")));
	assert_false(date_is_minor(d("2006-02-28"), d("2024-02-28")));
}

static void money_ok(const char *text, int64_t want, const char *formatted)
{
	int64_t v;
	char buf[MONEY_TEXT_MAX];
	assert_int_equal(money_parse(text, &v), ERR_OK);
	assert_int_equal(v, want);
	money_format(v, buf);
	assert_string_equal(buf, formatted);
}

static void test_money(void **state)
{
	(void)state;
	int64_t v = 7;
	money_ok("700", 70000, "700.00");
	money_ok("700.5", 70050, "700.50");
	money_ok("5050.00", 505000, "5050.00");
	money_ok("0", 0, "0.00");
	money_ok("0.01", 1, "0.01");
	money_ok("007.10", 710, "7.10");
	static const char *const bad[] = {"700.505", "-1", "+1", "1e3", "", ".5", "5.", "1,5",
					  "1 000", "12.3.4", "NaN", "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_not_equal(money_parse(bad[i], &v), ERR_OK);
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_valid),   cmocka_unit_test(test_date_every_day),
		cmocka_unit_test(test_date_invalid),
		cmocka_unit_test(test_date_partial), cmocka_unit_test(test_minor),
		cmocka_unit_test(test_money),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
