/*
 * date.h - calendar dates as Haven stores them: Unix seconds at 00:00 UTC.
 *
 * Pure functions over the proleptic Gregorian calendar; no time zone, no
 * locale.  DATE_NONE stands for an absent date.
 */
#ifndef HAVEN_DATE_H
#define HAVEN_DATE_H

#include <stdint.h>

#include "util/err.h"

#define DATE_NONE INT64_MIN
#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2200
#define DATE_TEXT_MAX 11 /* "YYYY-MM-DD" and its NUL */

/* Parses exactly "YYYY-MM-DD" naming a day that exists (years 1900-2200). */
err_t date_parse(const char *s, int64_t *out);

/* Parses a birth date "YYYY-MM-DD", "YYYY-MM" or "YYYY".  *latest is the last
 * day the text allows (the youngest the person can be: presumption of
 * minority), *earliest the first. */
err_t date_parse_partial(const char *s, int64_t *earliest, int64_t *latest);

/* Writes "YYYY-MM-DD" into buf (DATE_TEXT_MAX bytes). */
void date_format(int64_t t, char *buf);

/* Unix seconds of 1 January of `year`. */
int64_t date_year_start(int year);

/* The calendar year of a date. */
int date_year(int64_t t);

/* 1 when a person born on `birth` is under 18 on `on` (the 18th birthday is
 * adult; someone born on 29 February comes of age on 1 March). */
int date_is_minor(int64_t birth, int64_t on);

/* Today's date in UTC. */
int64_t date_today(void);

#endif
