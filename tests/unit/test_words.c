/*
 * test_words.c - numbers as the report writes them: English words and AP
 * style, Azerbaijani figures, comparisons with the previous year, and the
 * Azerbaijani ordinal suffix of every year 2000-2100 checked against an
 * independent table of the last number word.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "report/words.h"

static const struct {
	int64_t n;
	const char *cardinal, *running, *start, *az;
} numbers[] = {
	{0, "zero", "zero", "Zero", "0"},
	{1, "one", "one", "One", "1"},
	{2, "two", "two", "Two", "2"},
	{9, "nine", "nine", "Nine", "9"},
	{10, "ten", "10", "Ten", "10"},
	{11, "eleven", "11", "Eleven", "11"},
	{21, "twenty-one", "21", "Twenty-one", "21"},
	{88, "eighty-eight", "88", "Eighty-eight", "88"},
	{99, "ninety-nine", "99", "Ninety-nine", "99"},
	{100, "one hundred", "100", "One hundred", "100"},
	{101, "one hundred one", "101", "One hundred one", "101"},
	{1000, "one thousand", "1,000", "One thousand", "1 000"},
	{5050, "five thousand fifty", "5,050", "Five thousand fifty", "5 050"},
	{1234567, "one million two hundred thirty-four thousand five hundred sixty-seven",
	 "1,234,567", "One million two hundred thirty-four thousand five hundred sixty-seven",
	 "1 234 567"},
};

static void test_number_words(void **state)
{
	char buf[256];
	(void)state;
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		words_en_cardinal(numbers[i].n, buf, sizeof buf);
		assert_string_equal(buf, numbers[i].cardinal);
		words_count(numbers[i].n, REPORT_EN, 0, buf, sizeof buf);
		assert_string_equal(buf, numbers[i].running);
		words_count(numbers[i].n, REPORT_EN, 1, buf, sizeof buf);
		assert_string_equal(buf, numbers[i].start);
		words_count(numbers[i].n, REPORT_AZ, 1, buf, sizeof buf);
		assert_string_equal(buf, numbers[i].az);
	}
}

static void test_money(void **state)
{
	char buf[64];
	(void)state;
	words_money(505000, REPORT_EN, buf, sizeof buf);
	assert_string_equal(buf, "5,050");
	words_money(505050, REPORT_EN, buf, sizeof buf);
	assert_string_equal(buf, "5,050.50");
	words_money(505005, REPORT_AZ, buf, sizeof buf);
	assert_string_equal(buf, "5 050,05");
	words_money(70000, REPORT_AZ, buf, sizeof buf);
	assert_string_equal(buf, "700");
	words_money(0, REPORT_EN, buf, sizeof buf);
	assert_string_equal(buf, "0");
	assert_string_equal(words_currency("AZN", REPORT_EN), "AZN");
	assert_string_equal(words_currency("AZN", REPORT_AZ), "manat");
	assert_string_equal(words_currency("USD", REPORT_AZ), "USD");
}

static void compare(enum report_lang lang, const char *currency, int64_t cur, int64_t prev,
		    enum words_since since, const char *want)
{
	char buf[WORDS_PHRASE_MAX];
	words_compare(lang, currency, cur, prev, 2023, since, buf, sizeof buf);
	assert_string_equal(buf, want);
}

/* The seed's comparisons, and each difference of the number list. */
static void test_comparisons_en(void **state)
{
	(void)state;
	compare(REPORT_EN, NULL, 80, 90, WORDS_SINCE_YEAR, "10 fewer than in 2023");
	compare(REPORT_EN, NULL, 56, 68, WORDS_SINCE_PREVIOUS, "12 fewer than in the previous year");
	compare(REPORT_EN, "AZN", 505000, 530000, WORDS_SINCE_PREVIOUS,
		"250 AZN less than the previous year");
	compare(REPORT_EN, "AZN", 530000, 505000, WORDS_SINCE_YEAR, "250 AZN more than in 2023");
	compare(REPORT_EN, NULL, 7, 7, WORDS_SINCE_YEAR, "the same as in 2023");
	compare(REPORT_EN, NULL, 7, 7, WORDS_SINCE_PREVIOUS, "the same as in the previous year");
	compare(REPORT_EN, "AZN", 100, 100, WORDS_SINCE_PREVIOUS, "the same as the previous year");
	compare(REPORT_EN, NULL, 91, 90, WORDS_SINCE_YEAR, "one more than in 2023");
	compare(REPORT_EN, NULL, 88, 90, WORDS_SINCE_YEAR, "two fewer than in 2023");
	compare(REPORT_EN, NULL, 0, 9, WORDS_SINCE_YEAR, "nine fewer than in 2023");
	compare(REPORT_EN, NULL, 11, 0, WORDS_SINCE_YEAR, "11 more than in 2023");
	compare(REPORT_EN, NULL, 121, 100, WORDS_SINCE_YEAR, "21 more than in 2023");
	compare(REPORT_EN, NULL, 0, 99, WORDS_SINCE_YEAR, "99 fewer than in 2023");
	compare(REPORT_EN, NULL, 100, 0, WORDS_SINCE_YEAR, "100 more than in 2023");
	compare(REPORT_EN, NULL, 1000, 0, WORDS_SINCE_YEAR, "1,000 more than in 2023");
	compare(REPORT_EN, NULL, 0, 5050, WORDS_SINCE_PREVIOUS,
		"5,050 fewer than in the previous year");
	compare(REPORT_EN, "AZN", 505050, 0, WORDS_SINCE_YEAR, "5,050.50 AZN more than in 2023");
}

static void test_comparisons_az(void **state)
{
	(void)state;
	compare(REPORT_AZ, NULL, 80, 90, WORDS_SINCE_YEAR, "2023-cü illə müqayisədə 10 nəfər az");
	compare(REPORT_AZ, NULL, 56, 68, WORDS_SINCE_PREVIOUS, "ötən illə müqayisədə 12 nəfər az");
	compare(REPORT_AZ, "AZN", 505000, 530000, WORDS_SINCE_PREVIOUS,
		"ötən illə müqayisədə 250 manat az");
	compare(REPORT_AZ, NULL, 1, 0, WORDS_SINCE_YEAR, "2023-cü illə müqayisədə 1 nəfər çox");
	compare(REPORT_AZ, NULL, 5050, 0, WORDS_SINCE_YEAR, "2023-cü illə müqayisədə 5 050 nəfər çox");
	compare(REPORT_AZ, NULL, 4, 4, WORDS_SINCE_YEAR, "2023-cü ildəki qədər");
	compare(REPORT_AZ, "AZN", 4, 4, WORDS_SINCE_PREVIOUS, "ötən ildəki qədər");
}

/* An independent oracle: the last word read aloud, and the suffix that word
 * takes, from the table of the issue. */
static const char *expected_suffix(int year)
{
	static const struct {
		const char *word, *suffix;
	} table[] = {{"bir", "ci"},    {"iki", "ci"},    {"üç", "cü"},     {"dörd", "cü"},
		     {"beş", "ci"},    {"altı", "cı"},   {"yeddi", "ci"},  {"səkkiz", "ci"},
		     {"doqquz", "cu"}, {"on", "cu"},     {"iyirmi", "ci"}, {"otuz", "cu"},
		     {"qırx", "cı"},   {"əlli", "ci"},   {"altmış", "cı"}, {"yetmiş", "ci"},
		     {"səksən", "ci"}, {"doxsan", "cı"}, {"yüz", "cü"},    {"min", "ci"}};
	static const char *const units[] = {"", "bir", "iki", "üç", "dörd", "beş",
					    "altı", "yeddi", "səkkiz", "doqquz"};
	static const char *const tens[] = {"", "on", "iyirmi", "otuz", "qırx", "əlli",
					   "altmış", "yetmiş", "səksən", "doxsan"};
	const char *last = year % 10      ? units[year % 10]
			   : year % 100   ? tens[(year / 10) % 10]
			   : year % 1000  ? "yüz"
					  : "min";
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].word, last) == 0)
			return table[i].suffix;
	fail_msg("no word for %d", year);
	return NULL;
}

static void test_az_year_suffixes(void **state)
{
	char buf[REPORT_NUM_MAX], want[REPORT_NUM_MAX];
	(void)state;
	for (int y = 2000; y <= 2100; y++) {
		snprintf(want, sizeof want, "%d-%s", y, expected_suffix(y));
		report_format_year(y, REPORT_AZ, buf);
		assert_string_equal(buf, want);
	}
	/* the spec's own list */
	static const char *const spec[] = {"2020-ci", "2021-ci", "2022-ci", "2023-cü", "2024-cü",
					   "2025-ci", "2026-cı", "2027-ci", "2028-ci", "2029-cu",
					   "2030-cu"};
	for (int i = 0; i < 11; i++) {
		report_format_year(2020 + i, REPORT_AZ, buf);
		assert_string_equal(buf, spec[i]);
	}
	report_format_year(2040, REPORT_AZ, buf);
	assert_string_equal(buf, "2040-cı");
	report_format_year(2100, REPORT_AZ, buf);
	assert_string_equal(buf, "2100-cü");
	report_format_year(2024, REPORT_EN, buf);
	assert_string_equal(buf, "2024");
	assert_string_equal(words_az_ordinal_suffix(1000000), "cu"); /* milyon */
}

static void test_cells_and_changes(void **state)
{
	char buf[REPORT_NUM_MAX];
	struct report_cell a = {80, 0}, b = {90, 0}, same = {1, 0}, one = {1, 0}, hidden = {3, 1};
	struct report_cell m1 = {505000, 0}, m2 = {530000, 0}, big = {5050, 0}, zero = {0, 0};
	(void)state;
	report_format_change(&a, &b, REPORT_PERSONS, REPORT_EN, buf);
	assert_string_equal(buf, "\xe2\x88\x92" "10");
	report_format_change(&b, &a, REPORT_PERSONS, REPORT_EN, buf);
	assert_string_equal(buf, "+10");
	report_format_change(&same, &one, REPORT_PERSONS, REPORT_EN, buf);
	assert_string_equal(buf, "no change");
	report_format_change(&same, &one, REPORT_PERSONS, REPORT_AZ, buf);
	assert_string_equal(buf, "dəyişməyib");
	report_format_change(&hidden, &a, REPORT_PERSONS, REPORT_EN, buf);
	assert_string_equal(buf, "");
	report_format_change(&m1, &m2, REPORT_MONEY, REPORT_EN, buf);
	assert_string_equal(buf, "\xe2\x88\x92" "250");
	report_format_change(&big, &zero, REPORT_PERSONS, REPORT_AZ, buf);
	assert_string_equal(buf, "+5 050");
	report_format_cell(&hidden, REPORT_PERSONS, REPORT_EN, buf);
	assert_string_equal(buf, "<5");
	report_format_cell(&big, REPORT_PERSONS, REPORT_EN, buf);
	assert_string_equal(buf, "5,050");
	report_format_cell(&big, REPORT_PERSONS, REPORT_AZ, buf);
	assert_string_equal(buf, "5 050");
	report_format_cell(&m1, REPORT_MONEY, REPORT_AZ, buf);
	assert_string_equal(buf, "5 050");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number_words),   cmocka_unit_test(test_money),
		cmocka_unit_test(test_comparisons_en), cmocka_unit_test(test_comparisons_az),
		cmocka_unit_test(test_az_year_suffixes), cmocka_unit_test(test_cells_and_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
