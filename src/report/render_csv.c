/*
 * render_csv.c - the report as one long CSV table (RFC 4180), one figure per
 * row, for spreadsheets and statistics tools:
 *   section,indicator,dimension,category,label,unit,year,value
 * section is indicator, breakdown, trend or restatement (category approved /
 * now).  Money is written "5050.00"; a hidden cell "<5"; labels are in the
 * chosen language.
 */
#include <stdio.h>
#include <string.h>

#include "report/render.h"
#include "util/money.h"

#define CSV_HEADER "section,indicator,dimension,category,label,unit,year,value\r\n"

static int field(FILE *out, const char *s, int last)
{
	int quote = s && strpbrk(s, ",\"\r\n") != NULL;
	if (quote && fputc('"', out) == EOF)
		return EOF;
	for (; s && *s; s++)
		if ((*s == '"' && fputc('"', out) == EOF) || fputc(*s, out) == EOF)
			return EOF;
	if (quote && fputc('"', out) == EOF)
		return EOF;
	return fputs(last ? "\r\n" : ",", out) == EOF ? EOF : 0;
}

struct csv_row {
	const char *section, *indicator, *dimension, *category, *label, *unit;
	int year;
	const struct report_cell *cell;
	enum report_unit u;
};

static int row(FILE *out, const struct csv_row *w)
{
	char year[16], value[MONEY_TEXT_MAX];
	snprintf(year, sizeof year, "%d", w->year);
	if (w->cell->hidden)
		snprintf(value, sizeof value, "%s", REPORT_HIDDEN(w->u));
	else if (w->u == REPORT_MONEY)
		money_format(w->cell->v, value);
	else
		snprintf(value, sizeof value, "%lld", (long long)w->cell->v);
	if (field(out, w->section, 0) || field(out, w->indicator, 0) ||
	    field(out, w->dimension, 0) || field(out, w->category, 0) || field(out, w->label, 0) ||
	    field(out, w->unit, 0) || field(out, year, 0) || field(out, value, 1))
		return EOF;
	return 0;
}

static const char *unit_code(const struct report_indicator *x)
{
	return x->unit == REPORT_MONEY ? x->currency : "persons";
}

static int indicators(FILE *out, const struct report *r, enum report_lang lang)
{
	for (size_t i = 0; i < r->n_indicators; i++) {
		const struct report_indicator *x = &r->indicators[i];
		struct csv_row w = {"indicator", x->id, "", "", x->label[lang], unit_code(x),
				    r->year, &x->value, x->unit};
		if (row(out, &w))
			return EOF;
		w.year = r->previous_year;
		w.cell = &x->previous;
		if (row(out, &w))
			return EOF;
	}
	return 0;
}

static int breakdowns(FILE *out, const struct report *r, enum report_lang lang)
{
	for (size_t i = 0; i < r->n_breakdowns; i++) {
		const struct report_breakdown *b = &r->breakdowns[i];
		for (size_t j = 0; j < b->n; j++) {
			struct csv_row w = {"breakdown", b->indicator, b->dimension,
					    b->rows[j].category, b->rows[j].label[lang], "persons",
					    r->year, &b->rows[j].value, REPORT_PERSONS};
			if (row(out, &w))
				return EOF;
			w.year = r->previous_year;
			w.cell = &b->rows[j].previous;
			if (row(out, &w))
				return EOF;
		}
	}
	return 0;
}

static int trend(FILE *out, const struct report *r, enum report_lang lang)
{
	for (size_t i = 0; i < r->n_trend; i++) {
		const struct report_indicator *x = &r->indicators[r->trend[i].indicator];
		for (int k = 0; k < REPORT_TREND_YEARS; k++) {
			struct csv_row w = {"trend", x->id, "", "", x->label[lang], unit_code(x),
					    r->trend_first_year + k, &r->trend[i].cells[k], x->unit};
			if (row(out, &w))
				return EOF;
		}
	}
	return 0;
}

static int restatements(FILE *out, const struct report *r, enum report_lang lang)
{
	for (size_t i = 0; r->frozen && i < r->frozen->n_restated; i++) {
		const struct report_restatement *s = &r->frozen->restated[i];
		const struct report_indicator *x = report_find(r, s->indicator);
		struct csv_row w = {"restatement", s->indicator, "", "approved",
				    x ? x->label[lang] : "", s->unit == REPORT_MONEY && x ? x->currency : "persons",
				    s->year, &s->approved, s->unit};
		if (row(out, &w))
			return EOF;
		w.category = "now";
		w.cell = &s->now;
		if (row(out, &w))
			return EOF;
	}
	return 0;
}

err_t report_render_csv(const struct report *r, enum report_lang lang, FILE *out,
			const char *path, char *errbuf)
{
	(void)path;
	if (fputs(CSV_HEADER, out) == EOF || indicators(out, r, lang) || breakdowns(out, r, lang) ||
	    trend(out, r, lang) || restatements(out, r, lang)) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write the report");
		return ERR_IO;
	}
	return render_finish(out, errbuf);
}
