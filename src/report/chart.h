/*
 * chart.h - the annual report's charts, drawn with cairo and pango: one
 * drawing shared by the PDF (render_pdf.c) and by a single chart written as
 * SVG (report_chart_svg).  The module also holds the few words the binary
 * renderers print that are not figures ("Indicator", "Change", ...): the
 * definition's [labels] when it has them, built-in English and Azerbaijani
 * otherwise.
 *
 * A report has these charts, in this order (chart_count, chart_name):
 *   "main"            this year against last, grouped bars, main indicators
 *   "trend"           the main indicators over the five years, lines
 *   "breakdown-DIM"   one per breakdown, this year against last by category
 *                     (DIM is the breakdown's dimension: sex, age, ...; when
 *                     two breakdowns share a dimension the later one is named
 *                     "breakdown-DIM-INDICATOR")
 * The main indicators are the report's trend rows.  A chart has one scale, so
 * main and trend draw only the indicators counted in persons; amounts of money
 * are in the tables.  Hidden cells (--public) draw no bar or point and are
 * labelled "<5".
 *
 * Nothing here queries the database or keeps a pointer past a call.
 */
#ifndef HAVEN_REPORT_CHART_H
#define HAVEN_REPORT_CHART_H

#include <stddef.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "report/report.h"
#include "util/err.h"

#define CHART_NAME_MAX  (REPORT_ID_MAX * 2 + 16) /* "breakdown-DIM-INDICATOR" and its NUL */
#define CHART_FONT      "Noto Sans, DejaVu Sans" /* both show every Azerbaijani letter */
#define CHART_SVG_WIDTH 600.0                    /* points, the chart's */
#define CHART_SVG_PAD   12.0                     /* points of white around it */
#define CHART_BARS_MAX  24                       /* categories drawn; the rest are in the tables */
#define CHART_SVG_MAX   (16u << 20)              /* an SVG larger than 16 MiB is refused */

/* How many charts r has: main, trend and one per breakdown. */
size_t chart_count(const struct report *r);

/* Writes the name of chart `i` (< chart_count) into buf (CHART_NAME_MAX). */
void chart_name(const struct report *r, size_t i, char *buf);

/* Sets *index to the chart called `name`; ERR_NOT_FOUND (and *index
 * untouched) when r has no such chart. */
err_t chart_find(const struct report *r, const char *name, size_t *index);

/* Draws chart `i` of r in `lang`, `width` points wide, with its top left
 * corner at the current origin of cr, and sets *height to the height it used.
 * The caller owns cr (whose state is saved and restored); nothing is kept.
 * ERR_NOMEM, or ERR_IO when cairo reports an error on cr. */
err_t chart_draw(cairo_t *cr, const struct report *r, enum report_lang lang, size_t i, double width,
                 double *height);

/* Sets *height to the height chart `i` takes at `width` points, by drawing
 * it on a scratch recording surface.  Nothing is kept. */
err_t chart_measure(const struct report *r, enum report_lang lang, size_t i, double width,
                    double *height);

/* A word of the binary renderers: the definition's label `key` in `lang`
 * when r->def has it, else the built-in text; "" for an unknown key.
 * Borrowed: static storage or the definition's. */
const char *chart_label(const struct report *r, enum report_lang lang, const char *key);

/* The figures of a chart as text, one "label: value, value" line per row,
 * for the SVG's <desc> (a reader that cannot see the chart reads this).
 * The caller frees *out; ERR_NOMEM or ERR_LIMIT past CHART_SVG_MAX. */
err_t chart_describe(const struct report *r, enum report_lang lang, size_t i, char **out);

/* A pango layout of `text` for cr in the charts' font, `size` points
 * (absolute), bold or not; `width` > 0 wraps the text at that width.  The
 * caller owns the layout (g_object_unref); it borrows text only for the call. */
PangoLayout *chart_layout(cairo_t *cr, const char *text, double size, int bold, double width,
                          PangoAlignment align);

/* The title of chart i into buf of `cap` bytes (truncated to fit). */
void chart_title(const struct report *r, enum report_lang lang, size_t i, char *buf, size_t cap);

/* ---- renderers of the binary formats ---------------------------------------
 * These belong beside the other renderers in report.h; they are declared here
 * until it takes them.  Each writes the file at `path` (out is ignored) and
 * leaves no file behind on failure.
 */

/* XLSX (render_xlsx.c): sheets Indicators, Breakdowns, Trend, Charts (a bar
 * chart of this year against last and a line chart of the trend, drawn from a
 * hidden ChartData sheet where hidden cells are blank, not zero). */
err_t report_render_xlsx(const struct report *r, enum report_lang lang, FILE *out, const char *path,
                         char *errbuf);

/* PDF (render_pdf.c): A4 pages with the title, the narrative (when r->def is
 * set), every indicator with its change, the breakdowns, the trend and every
 * chart. */
err_t report_render_pdf(const struct report *r, enum report_lang lang, FILE *out, const char *path,
                        char *errbuf);

/* SVG (chart.c): the "main" chart; report_chart_svg draws any other. */
err_t report_render_svg(const struct report *r, enum report_lang lang, FILE *out, const char *path,
                        char *errbuf);

/* Writes the chart called `chart` as an SVG file at `path`, with the chart's
 * title and figures as <title> and <desc> text.  An unknown name answers
 * ERR_NOT_FOUND with the names r has in errbuf. */
err_t report_chart_svg(const struct report *r, enum report_lang lang, const char *chart,
                       const char *path, char *errbuf);

#endif
