/*
 * words.h - the grammar of numbers in the report's two languages: English
 * number words and the AP style of the seed (one to nine in words, 10 and
 * above in figures with thousands separators, words at the start of a
 * sentence), Azerbaijani figures (space as thousands separator, decimal comma)
 * and the ordinal suffix of years by vowel harmony (2023-cü, 2026-cı), and the
 * comparison with the previous year ("10 fewer than in 2023").
 *
 * Sentences are data (the definition's templates); what a language does to a
 * number is code, here.  Every function writes a NUL-terminated string into
 * caller storage of `len` bytes (REPORT_NUM_MAX is enough for a number,
 * WORDS_PHRASE_MAX for a comparison) and truncates rather than overflow.
 */
#ifndef HAVEN_REPORT_WORDS_H
#define HAVEN_REPORT_WORDS_H

#include <stddef.h>
#include <stdint.h>

#include "report/report.h"

#define WORDS_PHRASE_MAX 160
#define WORDS_MINUS "\xe2\x88\x92" /* U+2212 MINUS SIGN */

/* "5,050" / "5 050": the integer with `sep` between groups of three digits. */
void words_group(int64_t n, const char *sep, char *buf, size_t len);

/* English cardinal words: 21 -> "twenty-one", 5050 -> "five thousand fifty". */
void words_en_cardinal(int64_t n, char *buf, size_t len);

/* A count in a sentence: English "nine", "10", "1,000", and at the start of a
 * sentence "Eighty-eight"; Azerbaijani figures "9", "5 050". */
void words_count(int64_t n, enum report_lang lang, int sentence_start, char *buf, size_t len);

/* An amount in minor units: "5,050", "5,050.50" (en), "5 050", "5 050,50" (az). */
void words_money(int64_t minor, enum report_lang lang, char *buf, size_t len);

/* The word a currency is written with: "AZN" (en), "manat" (az, for AZN). */
const char *words_currency(const char *code, enum report_lang lang);

/* The Azerbaijani ordinal suffix of n >= 0 without its hyphen: 2023 -> "cü",
 * 2026 -> "cı", 2029 -> "cu", 2020 -> "ci".  Static storage. */
const char *words_az_ordinal_suffix(int64_t n);

/* How a comparison names the earlier year. */
enum words_since {
	WORDS_SINCE_YEAR,    /* "than in 2023" / "2023-cü illə müqayisədə" */
	WORDS_SINCE_PREVIOUS /* "than in the previous year" / "ötən illə müqayisədə" */
};

/* The comparison of `cur` with `prev` (prev_year's figure): "10 fewer than in
 * 2023", "one more than in the previous year", "the same as in 2023", "250 AZN
 * less than the previous year"; in Azerbaijani "2023-cü illə müqayisədə 10
 * nəfər az", "ötən ildəki qədər".  `currency` is NULL for persons. */
void words_compare(enum report_lang lang, const char *currency, int64_t cur, int64_t prev,
		   int prev_year, enum words_since since, char *buf, size_t len);

#endif
