/*
 * date.c - calendar arithmetic for date.h (Howard Hinnant's days-from-civil
 * algorithm, exact over the proleptic Gregorian calendar).
 */
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "util/date.h"

#define SECONDS_PER_DAY 86400

static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int y, unsigned m)
{
	static const unsigned char len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Reads exactly `n` ASCII digits. */
static int read_digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int64_t to_seconds(int y, unsigned m, unsigned d)
{
	return days_from_civil(y, m, d) * SECONDS_PER_DAY;
}

/* Parses the parts that are present: 4 (Y), 7 (Y-M) or 10 (Y-M-D) chars. */
static err_t parse_parts(const char *s, int *y, int *m, int *d)
{
	size_t len = strlen(s);
	*m = 0;
	*d = 0;
	if (len != 4 && len != 7 && len != 10)
		return ERR_INVALID;
	if (!read_digits(s, 4, y) || *y < DATE_MIN_YEAR || *y > DATE_MAX_YEAR)
		return ERR_INVALID;
	if (len >= 7 && (s[4] != '-' || !read_digits(s + 5, 2, m) || *m < 1 || *m > 12))
		return ERR_INVALID;
	if (len == 10 && (s[7] != '-' || !read_digits(s + 8, 2, d) || *d < 1 ||
			  (unsigned)*d > days_in_month(*y, (unsigned)*m)))
		return ERR_INVALID;
	return ERR_OK;
}

err_t date_parse(const char *s, int64_t *out)
{
	int y, m, d;
	if (strlen(s) != 10 || parse_parts(s, &y, &m, &d) != ERR_OK)
		return ERR_INVALID;
	*out = to_seconds(y, (unsigned)m, (unsigned)d);
	return ERR_OK;
}

err_t date_parse_partial(const char *s, int64_t *earliest, int64_t *latest)
{
	int y, m, d;
	if (parse_parts(s, &y, &m, &d) != ERR_OK)
		return ERR_INVALID;
	unsigned m0 = m ? (unsigned)m : 1, m1 = m ? (unsigned)m : 12;
	unsigned d0 = d ? (unsigned)d : 1, d1 = d ? (unsigned)d : days_in_month(y, m1);
	*earliest = to_seconds(y, m0, d0);
	*latest = to_seconds(y, m1, d1);
	return ERR_OK;
}

void date_format(int64_t t, char *buf)
{
	int y;
	unsigned m, d;
	civil_from_days(t / SECONDS_PER_DAY, &y, &m, &d);
	if (y < 0 || y > 9999) { /* never a stored date: they are checked on the way in */
		snprintf(buf, DATE_TEXT_MAX, "%04d-%02u-%02u", y, m, d);
		return;
	}
	/* by hand: every date of a record read, of a report's rows and of an
	 * export passes here, and snprintf took 1.6k instructions a date */
	const unsigned part[3] = {(unsigned)y, m, d}, width[3] = {4, 2, 2};
	char *at = buf;
	for (int i = 0; i < 3; i++) {
		if (i)
			*at++ = '-';
		for (unsigned k = width[i], v = part[i]; k > 0; k--, v /= 10)
			at[k - 1] = (char)('0' + v % 10);
		at += width[i];
	}
	*at = '\0';
}

int64_t date_year_start(int year)
{
	return to_seconds(year, 1, 1);
}

int date_year(int64_t t)
{
	int y;
	unsigned m, d;
	civil_from_days(t / SECONDS_PER_DAY, &y, &m, &d);
	return y;
}

int date_is_minor(int64_t birth, int64_t on)
{
	int by, oy;
	unsigned bm, bd, om, od;
	civil_from_days(birth / SECONDS_PER_DAY, &by, &bm, &bd);
	civil_from_days(on / SECONDS_PER_DAY, &oy, &om, &od);
	/* 18th birthday; 29 February births reach it on 1 March in common years */
	int ty = by + 18;
	int64_t adult = (bm == 2 && bd == 29 && !is_leap(ty)) ? to_seconds(ty, 3, 1)
							       : to_seconds(ty, bm, bd);
	return on < adult;
}

int64_t date_today(void)
{
	time_t now = time(NULL);
	return (int64_t)now - (int64_t)now % SECONDS_PER_DAY;
}
