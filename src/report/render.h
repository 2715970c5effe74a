/*
 * render.h - what the renderers share: labels of the definition with a
 * fallback, display widths of UTF-8 text, the approval line and the unit
 * name.  Internal to src/report/; renderers see only struct report.
 */
#ifndef HAVEN_REPORT_RENDER_H
#define HAVEN_REPORT_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "report/report.h"

/* The definition's label `key` in lang, else `fallback` (borrowed). */
const char *render_label(const struct report *r, enum report_lang lang, const char *key,
			 const char *fallback);

/* Characters (code points) in a UTF-8 string: its width in a monospace table. */
size_t render_width(const char *s);

/* Writes s padded with spaces to `width` characters, on the left when
 * `right` (numbers), on the right otherwise.  0 on success, EOF on error. */
int render_pad(FILE *out, const char *s, size_t width, int right);

/* The unit as a reader says it: "persons" / "nəfər", "AZN" / "manat". */
const char *render_unit(const struct report *r, enum report_lang lang, enum report_unit unit,
			const char *currency);

/* "Approved on 2025-03-01 (definitions 2024.1), BLAKE2b-256 abcd…" in lang,
 * into buf (len bytes); "" when the report is not frozen. */
void render_approval(const struct report *r, enum report_lang lang, char *buf, size_t len);

/* The heading of a breakdown: "Victims identified, by sex". */
void render_breakdown_title(const struct report *r, const struct report_breakdown *b,
			    enum report_lang lang, char *buf, size_t len);

/* Maps a write error on `out` to ERR_IO with a message. */
err_t render_finish(FILE *out, char *errbuf);

/* A document renderer's parts, each answering 0, EOF on a write error, or
 * RENDER_NOMEM when memory ran out. */
#define RENDER_NOMEM (-2)
typedef int (*render_part_fn)(FILE *out, const struct report *r, enum report_lang lang);
struct render_parts {
	render_part_fn head;
	int (*paragraph)(FILE *out, const char *text);
	render_part_fn sections[4]; /* indicators, breakdowns, trend, restatements */
};

/* Writes the head, the narrative's paragraphs and the sections, in order:
 * the skeleton the text and Markdown renderers share. */
err_t render_document(const struct report *r, enum report_lang lang, FILE *out,
		      const struct render_parts *parts, char *errbuf);

#endif
