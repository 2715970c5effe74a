/*
 * narrative.h - the narrative's template language (docs/internals/report.md):
 * text with placeholders such as {n:victims_identified}, {cmp:id},
 * {pl:id|victim was|victims were} and {if:eq:a:b|...|...}, expanded from the
 * figures.  Internal to src/report/.
 */
#ifndef HAVEN_REPORT_NARRATIVE_H
#define HAVEN_REPORT_NARRATIVE_H

#include <stddef.h>

#include "report/definition.h"

#define NARRATIVE_DEPTH_MAX 8         /* nesting of {if:...} */
#define NARRATIVE_PARAGRAPH_MAX 65536 /* bytes of one expanded paragraph */

/* Checks one template against the definition without figures: braces
 * balanced, every placeholder known, every indicator it names defined, the
 * right number of alternatives.  On error writes what and where (the
 * placeholder's text) into msg (len bytes). */
err_t narrative_check(const struct report_def *d, const char *tmpl, char *msg, size_t len);

#endif
