/*
 * words.c - numbers as the report writes them (words.h): English words and
 * figures, Azerbaijani figures and ordinal suffixes, comparisons.
 */
#include <stdio.h>
#include <string.h>

#include "report/words.h"

static const char *const en_small[20] = {
	"zero",    "one",     "two",       "three",    "four",     "five",    "six",
	"seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
	"fourteen", "fifteen", "sixteen",  "seventeen", "eighteen", "nineteen"};
static const char *const en_tens[10] = {"",      "",      "twenty",  "thirty", "forty",
					"fifty", "sixty", "seventy", "eighty", "ninety"};

static uint64_t magnitude(int64_t n)
{
	return n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
}

void words_group(int64_t n, const char *sep, char *buf, size_t len)
{
	char digits[24], out[64];
	size_t nd, o = 0, seplen = strlen(sep);
	snprintf(digits, sizeof digits, "%llu", (unsigned long long)magnitude(n));
	nd = strlen(digits);
	if (n < 0)
		out[o++] = '-';
	for (size_t i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0 && o + seplen < sizeof out) {
			memcpy(out + o, sep, seplen);
			o += seplen;
		}
		if (o + 1 < sizeof out)
			out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, len, "%s", out);
}

/* Appends the words for 0 < n < 1000 ("nine hundred ninety-nine"). */
static void en_below_thousand(unsigned n, char *buf, size_t len)
{
	size_t o = strlen(buf);
	if (n >= 100) {
		snprintf(buf + o, len - o, "%s hundred%s", en_small[n / 100], n % 100 ? " " : "");
		o = strlen(buf);
		n %= 100;
	}
	if (n >= 20)
		snprintf(buf + o, len - o, "%s%s%s", en_tens[n / 10], n % 10 ? "-" : "",
			 n % 10 ? en_small[n % 10] : "");
	else if (n > 0)
		snprintf(buf + o, len - o, "%s", en_small[n]);
}

void words_en_cardinal(int64_t n, char *buf, size_t len)
{
	static const struct {
		uint64_t value;
		const char *name;
	} scales[] = {{UINT64_C(1000000000000000000), "quintillion"},
		      {UINT64_C(1000000000000000), "quadrillion"},
		      {UINT64_C(1000000000000), "trillion"},
		      {UINT64_C(1000000000), "billion"},
		      {UINT64_C(1000000), "million"},
		      {UINT64_C(1000), "thousand"}};
	uint64_t m = magnitude(n);
	if (len == 0)
		return;
	buf[0] = '\0';
	if (m == 0) {
		snprintf(buf, len, "zero");
		return;
	}
	if (n < 0)
		snprintf(buf, len, "minus ");
	for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
		if (m < scales[i].value)
			continue;
		size_t o;
		en_below_thousand((unsigned)(m / scales[i].value), buf, len);
		o = strlen(buf);
		snprintf(buf + o, len - o, " %s%s", scales[i].name, m % scales[i].value ? " " : "");
		m %= scales[i].value;
	}
	en_below_thousand((unsigned)m, buf, len);
}

void words_count(int64_t n, enum report_lang lang, int sentence_start, char *buf, size_t len)
{
	if (lang == REPORT_AZ) {
		words_group(n, " ", buf, len);
		return;
	}
	if (sentence_start || (n >= 0 && n <= 9)) {
		words_en_cardinal(n, buf, len);
		if (sentence_start && buf[0] >= 'a' && buf[0] <= 'z')
			buf[0] = (char)(buf[0] - 'a' + 'A');
		return;
	}
	words_group(n, ",", buf, len);
}

void words_money(int64_t minor, enum report_lang lang, char *buf, size_t len)
{
	char whole[REPORT_NUM_MAX];
	uint64_t m = magnitude(minor);
	words_group((int64_t)(m / 100), lang == REPORT_AZ ? " " : ",", whole, sizeof whole);
	if (m % 100)
		snprintf(buf, len, "%s%s%s%02u", minor < 0 ? "-" : "", whole,
			 lang == REPORT_AZ ? "," : ".", (unsigned)(m % 100));
	else
		snprintf(buf, len, "%s%s", minor < 0 ? "-" : "", whole);
}

const char *words_currency(const char *code, enum report_lang lang)
{
	if (lang == REPORT_AZ && code && strcmp(code, "AZN") == 0)
		return "manat";
	return code ? code : "";
}

/* ---- Azerbaijani ordinal suffix --------------------------------------------- */

static const char *const az_units[10] = {"sıfır", "bir",   "iki",    "üç",     "dörd",
					 "beş",   "altı",  "yeddi",  "səkkiz", "doqquz"};
static const char *const az_tens[10] = {"",      "on",     "iyirmi", "otuz",   "qırx",
					"əlli",  "altmış", "yetmiş", "səksən", "doxsan"};

/* The last word of n read aloud in Azerbaijani ("2023" -> "üç", "2040" -> "qırx"). */
static const char *az_last_word(uint64_t n)
{
	if (n == 0)
		return az_units[0];
	if (n % 10)
		return az_units[n % 10];
	if (n % 100)
		return az_tens[(n % 100) / 10];
	if (n % 1000)
		return "yüz";
	if (n % 1000000)
		return "min";
	if (n % 1000000000)
		return "milyon";
	return "milyard";
}

/* Vowel harmony: the suffix follows the last vowel of the word. */
static const char *az_suffix_of(const char *word)
{
	static const struct {
		const char *vowel;
		const char *suffix;
	} harmony[] = {{"a", "cı"}, {"ı", "cı"}, {"o", "cu"}, {"u", "cu"}, {"ö", "cü"},
		       {"ü", "cü"}, {"e", "ci"}, {"ə", "ci"}, {"i", "ci"}};
	const char *suffix = "ci";
	for (const char *p = word; *p;) {
		size_t step = 1;
		for (size_t i = 0; i < sizeof harmony / sizeof harmony[0]; i++) {
			size_t vl = strlen(harmony[i].vowel);
			if (strncmp(p, harmony[i].vowel, vl) == 0) {
				suffix = harmony[i].suffix;
				step = vl;
				break;
			}
		}
		if (step == 1 && ((unsigned char)*p & 0xC0) == 0xC0) /* skip a whole UTF-8 letter */
			while (((unsigned char)p[step] & 0xC0) == 0x80)
				step++;
		p += step;
	}
	return suffix;
}

const char *words_az_ordinal_suffix(int64_t n)
{
	return az_suffix_of(az_last_word(magnitude(n)));
}

/* ---- comparisons ------------------------------------------------------------ */

/* The seed says "12 fewer than in the previous year" but "250 AZN less than
 * the previous year": persons are counted in a year, money compared with it. */
static void compare_en(const char *currency, int64_t d, int prev_year, enum words_since since,
		       char *buf, size_t len)
{
	char num[REPORT_NUM_MAX], than[48];
	if (since == WORDS_SINCE_YEAR)
		snprintf(than, sizeof than, "in %d", prev_year);
	else
		snprintf(than, sizeof than, "%sthe previous year", currency ? "" : "in ");
	if (d == 0) {
		snprintf(buf, len, "the same as %s", than);
	} else if (currency) {
		words_money(d < 0 ? -d : d, REPORT_EN, num, sizeof num);
		snprintf(buf, len, "%s %s %s than %s", num, words_currency(currency, REPORT_EN),
			 d < 0 ? "less" : "more", than);
	} else {
		words_count(d < 0 ? -d : d, REPORT_EN, 0, num, sizeof num);
		snprintf(buf, len, "%s %s than %s", num, d < 0 ? "fewer" : "more", than);
	}
}

static void compare_az(const char *currency, int64_t d, int prev_year, enum words_since since,
		       char *buf, size_t len)
{
	char num[REPORT_NUM_MAX], year[REPORT_NUM_MAX];
	report_format_year(prev_year, REPORT_AZ, year);
	if (d == 0) {
		if (since == WORDS_SINCE_YEAR)
			snprintf(buf, len, "%s ildəki qədər", year);
		else
			snprintf(buf, len, "ötən ildəki qədər");
		return;
	}
	if (currency)
		words_money(d < 0 ? -d : d, REPORT_AZ, num, sizeof num);
	else
		words_count(d < 0 ? -d : d, REPORT_AZ, 0, num, sizeof num);
	snprintf(buf, len, "%s illə müqayisədə %s %s %s", since == WORDS_SINCE_YEAR ? year : "ötən",
		 num, currency ? words_currency(currency, REPORT_AZ) : "nəfər", d < 0 ? "az" : "çox");
}

void words_compare(enum report_lang lang, const char *currency, int64_t cur, int64_t prev,
		   int prev_year, enum words_since since, char *buf, size_t len)
{
	if (lang == REPORT_AZ)
		compare_az(currency, cur - prev, prev_year, since, buf, len);
	else
		compare_en(currency, cur - prev, prev_year, since, buf, len);
}

/* ---- report.h's formatting for renderers -------------------------------------- */

void report_format_cell(const struct report_cell *c, enum report_unit unit, enum report_lang lang,
			char *buf)
{
	if (c->hidden)
		snprintf(buf, REPORT_NUM_MAX, "%s", REPORT_HIDDEN(unit));
	else if (unit == REPORT_MONEY)
		words_money(c->v, lang, buf, REPORT_NUM_MAX);
	else
		words_group(c->v, lang == REPORT_AZ ? " " : ",", buf, REPORT_NUM_MAX);
}

void report_format_change(const struct report_cell *cur, const struct report_cell *prev,
			  enum report_unit unit, enum report_lang lang, char *buf)
{
	char num[REPORT_NUM_MAX];
	int64_t d = cur->v - prev->v;
	if (cur->hidden || prev->hidden) {
		buf[0] = '\0';
		return;
	}
	if (d == 0) {
		snprintf(buf, REPORT_NUM_MAX, "%s", lang == REPORT_AZ ? "dəyişməyib" : "no change");
		return;
	}
	if (unit == REPORT_MONEY)
		words_money(d < 0 ? -d : d, lang, num, sizeof num);
	else
		words_group(d < 0 ? -d : d, lang == REPORT_AZ ? " " : ",", num, sizeof num);
	snprintf(buf, REPORT_NUM_MAX, "%s%s", d < 0 ? WORDS_MINUS : "+", num);
}

void report_format_year(int year, enum report_lang lang, char *buf)
{
	if (lang == REPORT_AZ)
		snprintf(buf, REPORT_NUM_MAX, "%d-%s", year, words_az_ordinal_suffix(year));
	else
		snprintf(buf, REPORT_NUM_MAX, "%d", year);
}
