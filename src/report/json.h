/*
 * json.h - struct report as JSON (jansson): the shape of
 * `haven report --format json` (shared/spec/annual-report.md) and of the
 * figures an approval stores (freeze.c reads them back).  Internal to
 * src/report/.
 */
#ifndef HAVEN_REPORT_JSON_H
#define HAVEN_REPORT_JSON_H

#include <jansson.h>

#include "report/report.h"

/* Every figure of r with its labels in both languages: report, year,
 * previous_year, definitions_version, title, public, indicator_order,
 * indicators {id: {value, previous, unit, label, ...}}, breakdowns, trend.
 * Counts are integers, money a string with two decimals ("5050.00"), a hidden
 * cell the string "<5".  Returns a new reference, or NULL when out of memory. */
json_t *report_json_figures(const struct report *r);

/* The JSON value of one cell as above (new reference). */
json_t *report_json_cell(const struct report_cell *c, enum report_unit unit);

#endif
