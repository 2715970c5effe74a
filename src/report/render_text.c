/*
 * render_text.c - the report as plain text: title, approval, the narrative
 * (one line per paragraph, as the seed), then aligned tables of every
 * indicator, the breakdowns, the trend and the restatements.
 */
#include <stdio.h>
#include <stdlib.h>

#include "report/render.h"

#define COLS_MAX (REPORT_TREND_YEARS + 1)
#define GAP "  "

struct trow {
	const char *label;
	char c[COLS_MAX][REPORT_NUM_MAX];
};

struct ttable {
	const char *title;
	const char *head_label;
	char head[COLS_MAX][REPORT_NUM_MAX];
	size_t ncols, nrows;
	struct trow *rows;
};

static int print_table(FILE *out, const struct ttable *t)
{
	size_t wl = render_width(t->head_label), wc[COLS_MAX];
	for (size_t j = 0; j < t->ncols; j++)
		wc[j] = render_width(t->head[j]);
	for (size_t i = 0; i < t->nrows; i++) {
		if (render_width(t->rows[i].label) > wl)
			wl = render_width(t->rows[i].label);
		for (size_t j = 0; j < t->ncols; j++)
			if (render_width(t->rows[i].c[j]) > wc[j])
				wc[j] = render_width(t->rows[i].c[j]);
	}
	if (fprintf(out, "\n%s\n\n", t->title) < 0 || render_pad(out, t->head_label, wl, 0) == EOF)
		return EOF;
	for (size_t j = 0; j < t->ncols; j++)
		if (fputs(GAP, out) == EOF || render_pad(out, t->head[j], wc[j], 1) == EOF)
			return EOF;
	if (fputc('\n', out) == EOF)
		return EOF;
	for (size_t i = 0; i < t->nrows; i++) {
		if (render_pad(out, t->rows[i].label, wl, 0) == EOF)
			return EOF;
		for (size_t j = 0; j < t->ncols; j++)
			if (fputs(GAP, out) == EOF || render_pad(out, t->rows[i].c[j], wc[j], 1) == EOF)
				return EOF;
		if (fputc('\n', out) == EOF)
			return EOF;
	}
	return 0;
}

/* Fills the three columns Y, Y-1, change. */
static void year_cells(struct trow *row, const struct report_cell *v, const struct report_cell *p,
		       enum report_unit unit, enum report_lang lang)
{
	report_format_cell(v, unit, lang, row->c[0]);
	report_format_cell(p, unit, lang, row->c[1]);
	report_format_change(v, p, unit, lang, row->c[2]);
}

static void year_head(struct ttable *t, const struct report *r, enum report_lang lang)
{
	snprintf(t->head[0], REPORT_NUM_MAX, "%d", r->year);
	snprintf(t->head[1], REPORT_NUM_MAX, "%d", r->previous_year);
	snprintf(t->head[2], REPORT_NUM_MAX, "%s", render_label(r, lang, "change", "Change"));
	t->ncols = 3;
}

static int indicators(FILE *out, const struct report *r, enum report_lang lang)
{
	struct ttable t = {.title = render_label(r, lang, "indicators", "Indicators"),
			   .head_label = render_label(r, lang, "indicator", "Indicator")};
	int rc;
	t.rows = calloc(r->n_indicators ? r->n_indicators : 1, sizeof *t.rows);
	if (!t.rows)
		return RENDER_NOMEM;
	year_head(&t, r, lang);
	for (size_t i = 0; i < r->n_indicators; i++) {
		const struct report_indicator *x = &r->indicators[i];
		t.rows[t.nrows].label = x->label[lang];
		year_cells(&t.rows[t.nrows++], &x->value, &x->previous, x->unit, lang);
	}
	rc = print_table(out, &t);
	free(t.rows);
	return rc;
}

static int breakdowns(FILE *out, const struct report *r, enum report_lang lang)
{
	int rc = 0;
	for (size_t i = 0; i < r->n_breakdowns && rc == 0; i++) {
		const struct report_breakdown *b = &r->breakdowns[i];
		char title[512];
		struct ttable t = {.title = title,
				   .head_label = render_label(r, lang, "category", "Category")};
		render_breakdown_title(r, b, lang, title, sizeof title);
		if (!(t.rows = calloc(b->n ? b->n : 1, sizeof *t.rows)))
			return RENDER_NOMEM;
		year_head(&t, r, lang);
		for (size_t j = 0; j < b->n; j++) {
			t.rows[t.nrows].label = b->rows[j].label[lang];
			year_cells(&t.rows[t.nrows++], &b->rows[j].value, &b->rows[j].previous,
				   REPORT_PERSONS, lang);
		}
		rc = print_table(out, &t);
		free(t.rows);
	}
	return rc;
}

static int trend(FILE *out, const struct report *r, enum report_lang lang)
{
	char title[256];
	struct ttable t = {.title = title, .head_label = render_label(r, lang, "indicator", "Indicator")};
	int rc;
	if (r->n_trend == 0)
		return 0;
	snprintf(title, sizeof title, "%s, %d–%d", render_label(r, lang, "trend", "Trend"),
		 r->trend_first_year, r->year);
	if (!(t.rows = calloc(r->n_trend, sizeof *t.rows)))
		return RENDER_NOMEM;
	t.ncols = REPORT_TREND_YEARS;
	for (int k = 0; k < REPORT_TREND_YEARS; k++)
		snprintf(t.head[k], REPORT_NUM_MAX, "%d", r->trend_first_year + k);
	for (size_t i = 0; i < r->n_trend; i++) {
		const struct report_indicator *x = &r->indicators[r->trend[i].indicator];
		t.rows[t.nrows].label = x->label[lang];
		for (int k = 0; k < REPORT_TREND_YEARS; k++)
			report_format_cell(&r->trend[i].cells[k], x->unit, lang, t.rows[t.nrows].c[k]);
		t.nrows++;
	}
	rc = print_table(out, &t);
	free(t.rows);
	return rc;
}

static int restatements(FILE *out, const struct report *r, enum report_lang lang)
{
	if (!r->frozen || r->frozen->n_restated == 0)
		return 0;
	if (fprintf(out, "\n%s\n\n", render_label(r, lang, "restatements",
						   "Restatements since approval")) < 0)
		return EOF;
	for (size_t i = 0; i < r->frozen->n_restated; i++) {
		const struct report_restatement *s = &r->frozen->restated[i];
		const struct report_indicator *x = report_find(r, s->indicator);
		char a[REPORT_NUM_MAX], n[REPORT_NUM_MAX], d[REPORT_NUM_MAX];
		report_format_cell(&s->approved, s->unit, lang, a);
		report_format_cell(&s->now, s->unit, lang, n);
		report_format_change(&s->now, &s->approved, s->unit, lang, d);
		if (fprintf(out, "%s, %d: %s %s, %s %s%s%s%s\n",
			    x && x->label[lang] ? x->label[lang] : s->indicator, s->year,
			    render_label(r, lang, "approved_value", "approved"), a,
			    render_label(r, lang, "now", "now"), n, d[0] ? " (" : "", d,
			    d[0] ? ")" : "") < 0)
			return EOF;
	}
	return 0;
}

static int head(FILE *out, const struct report *r, enum report_lang lang)
{
	char approval[512];
	render_approval(r, lang, approval, sizeof approval);
	if (fprintf(out, "%s (%d)\n", r->title[lang], r->year) < 0)
		return EOF;
	if (approval[0] && fprintf(out, "%s\n", approval) < 0)
		return EOF;
	if (r->is_public && fprintf(out, "%s\n", render_label(r, lang, "public_note",
							      "Counts from 1 to 4 are shown as <5.")) < 0)
		return EOF;
	return 0;
}

static int paragraph(FILE *out, const char *text)
{
	return fprintf(out, "\n%s\n", text) < 0 ? EOF : 0;
}

err_t report_render_text(const struct report *r, enum report_lang lang, FILE *out,
			 const char *path, char *errbuf)
{
	static const struct render_parts parts = {
		head, paragraph, {indicators, breakdowns, trend, restatements}};
	(void)path;
	return render_document(r, lang, out, &parts, errbuf);
}
