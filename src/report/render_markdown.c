/*
 * render_markdown.c - the report as Markdown: the narrative, then tables in
 * which each figure carries its change the way national reports print it,
 * "80 (−10)", "85 (+5)", "1 (no change)".
 */
#include <stdio.h>
#include <string.h>

#include "report/render.h"

/* Writes text with the characters Markdown tables give meaning escaped. */
static int escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		if ((*s == '|' || *s == '\\' || *s == '*' || *s == '_') && fputc('\\', out) == EOF)
			return EOF;
		if (fputc(*s == '\n' ? ' ' : *s, out) == EOF)
			return EOF;
	}
	return 0;
}

/* "80 (−10)": the figure of Y with its change; just the figure when hidden. */
static void with_change(const struct report_cell *v, const struct report_cell *p,
			enum report_unit unit, enum report_lang lang, char *buf, size_t len)
{
	char num[REPORT_NUM_MAX], change[REPORT_NUM_MAX];
	report_format_cell(v, unit, lang, num);
	report_format_change(v, p, unit, lang, change);
	if (change[0])
		snprintf(buf, len, "%s (%s)", num, change);
	else
		snprintf(buf, len, "%s", num);
}

static int year_row(FILE *out, const char *label, const char *unit, const struct report_cell *v,
		    const struct report_cell *p, enum report_unit u, enum report_lang lang)
{
	char cur[2 * REPORT_NUM_MAX], prev[REPORT_NUM_MAX];
	with_change(v, p, u, lang, cur, sizeof cur);
	report_format_cell(p, u, lang, prev);
	if (fputs("| ", out) == EOF || escaped(out, label) == EOF)
		return EOF;
	if (unit && (fputs(" | ", out) == EOF || escaped(out, unit) == EOF))
		return EOF;
	return fprintf(out, " | %s | %s |\n", cur, prev) < 0 ? EOF : 0;
}

static int indicators(FILE *out, const struct report *r, enum report_lang lang)
{
	if (fprintf(out, "\n## %s\n\n| %s | %s | %d | %d |\n|---|---|---:|---:|\n",
		    render_label(r, lang, "indicators", "Indicators"),
		    render_label(r, lang, "indicator", "Indicator"),
		    render_label(r, lang, "unit", "Unit"), r->year, r->previous_year) < 0)
		return EOF;
	for (size_t i = 0; i < r->n_indicators; i++) {
		const struct report_indicator *x = &r->indicators[i];
		if (year_row(out, x->label[lang], render_unit(r, lang, x->unit, x->currency),
			     &x->value, &x->previous, x->unit, lang) == EOF)
			return EOF;
	}
	return 0;
}

static int breakdowns(FILE *out, const struct report *r, enum report_lang lang)
{
	for (size_t i = 0; i < r->n_breakdowns; i++) {
		const struct report_breakdown *b = &r->breakdowns[i];
		char title[512];
		render_breakdown_title(r, b, lang, title, sizeof title);
		if (fputs("\n### ", out) == EOF || escaped(out, title) == EOF ||
		    fprintf(out, "\n\n| %s | %d | %d |\n|---|---:|---:|\n",
			    render_label(r, lang, "category", "Category"), r->year,
			    r->previous_year) < 0)
			return EOF;
		for (size_t j = 0; j < b->n; j++)
			if (year_row(out, b->rows[j].label[lang], NULL, &b->rows[j].value,
				     &b->rows[j].previous, REPORT_PERSONS, lang) == EOF)
				return EOF;
	}
	return 0;
}

static int trend(FILE *out, const struct report *r, enum report_lang lang)
{
	if (r->n_trend == 0)
		return 0;
	if (fprintf(out, "\n## %s, %d–%d\n\n| %s |", render_label(r, lang, "trend", "Trend"),
		    r->trend_first_year, r->year, render_label(r, lang, "indicator", "Indicator")) < 0)
		return EOF;
	for (int k = 0; k < REPORT_TREND_YEARS; k++)
		if (fprintf(out, " %d |", r->trend_first_year + k) < 0)
			return EOF;
	if (fputs("\n|---|", out) == EOF)
		return EOF;
	for (int k = 0; k < REPORT_TREND_YEARS; k++)
		if (fputs("---:|", out) == EOF)
			return EOF;
	if (fputc('\n', out) == EOF)
		return EOF;
	for (size_t i = 0; i < r->n_trend; i++) {
		const struct report_indicator *x = &r->indicators[r->trend[i].indicator];
		if (fputs("| ", out) == EOF || escaped(out, x->label[lang]) == EOF || fputs(" |", out) == EOF)
			return EOF;
		for (int k = 0; k < REPORT_TREND_YEARS; k++) {
			char num[REPORT_NUM_MAX];
			report_format_cell(&r->trend[i].cells[k], x->unit, lang, num);
			if (fprintf(out, " %s |", num) < 0)
				return EOF;
		}
		if (fputc('\n', out) == EOF)
			return EOF;
	}
	return 0;
}

static int restatements(FILE *out, const struct report *r, enum report_lang lang)
{
	if (!r->frozen || r->frozen->n_restated == 0)
		return 0;
	if (fprintf(out, "\n## %s\n\n| %s | | %s | %s |\n|---|---|---:|---:|\n",
		    render_label(r, lang, "restatements", "Restatements since approval"),
		    render_label(r, lang, "indicator", "Indicator"),
		    render_label(r, lang, "approved_value", "approved"),
		    render_label(r, lang, "now", "now")) < 0)
		return EOF;
	for (size_t i = 0; i < r->frozen->n_restated; i++) {
		const struct report_restatement *s = &r->frozen->restated[i];
		const struct report_indicator *x = report_find(r, s->indicator);
		char year[16], now[2 * REPORT_NUM_MAX], was[REPORT_NUM_MAX];
		snprintf(year, sizeof year, "%d", s->year);
		with_change(&s->now, &s->approved, s->unit, lang, now, sizeof now);
		report_format_cell(&s->approved, s->unit, lang, was);
		if (fputs("| ", out) == EOF ||
		    escaped(out, x && x->label[lang] ? x->label[lang] : s->indicator) == EOF ||
		    fprintf(out, " | %s | %s | %s |\n", year, was, now) < 0)
			return EOF;
	}
	return 0;
}

static int head(FILE *out, const struct report *r, enum report_lang lang)
{
	char approval[512];
	render_approval(r, lang, approval, sizeof approval);
	if (fputs("# ", out) == EOF || escaped(out, r->title[lang]) == EOF ||
	    fprintf(out, " (%d)\n", r->year) < 0)
		return EOF;
	if (approval[0] && fprintf(out, "\n*%s*\n", approval) < 0)
		return EOF;
	if (!r->is_public)
		return 0;
	if (fputs("\n> ", out) == EOF ||
	    escaped(out, render_label(r, lang, "public_note", "Counts from 1 to 4 are shown as <5.")) ==
		    EOF)
		return EOF;
	return fputc('\n', out) == EOF ? EOF : 0;
}

static int paragraph(FILE *out, const char *text)
{
	if (fputc('\n', out) == EOF || escaped(out, text) == EOF)
		return EOF;
	return fputc('\n', out) == EOF ? EOF : 0;
}

err_t report_render_markdown(const struct report *r, enum report_lang lang, FILE *out,
			     const char *path, char *errbuf)
{
	static const struct render_parts parts = {
		head, paragraph, {indicators, breakdowns, trend, restatements}};
	(void)path;
	return render_document(r, lang, out, &parts, errbuf);
}
