/*
 * render_xlsx.c - the annual report as a workbook, written with libxlsxwriter:
 *
 *   Indicators  id, label, Y, Y-1, change, unit: one row per indicator
 *   Breakdowns  indicator, breakdown, category, Y, Y-1, change
 *   Trend       the main indicators over the five years
 *   Charts      a bar chart of this year against last and a line chart of
 *               the trend, for the main indicators counted in persons
 *   ChartData   (hidden) what the charts draw: a hidden cell is left blank
 *               there, since a chart would draw the text "<5" as a zero
 *
 * Figures are numbers with number formats (thousands separators; money with
 * two decimals and its currency; the change with its sign and "no change"),
 * so a spreadsheet can add them up.  A hidden cell (--public) is the text
 * "<5".  Sheet names are fixed, for tools; headings follow the language.
 *
 * The first libxlsxwriter error is kept in struct xw and checked once the
 * sheets are written; libxlsxwriter's setters that return nothing only copy
 * their arguments.  Nothing is written to `path` until workbook_close.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "report/chart.h"
#include "report/words.h"

#define XW_CURRENCIES 4   /* distinct currencies with their own number formats */
#define XW_FMT_MAX    160 /* one number format's text */

struct xw {
	lxw_workbook *wb;
	lxw_error err; /* the first error, or LXW_NO_ERROR */
	const struct report *r;
	enum report_lang lang;
	lxw_format *head, *text, *hidden, *count, *count_change;
	lxw_format *money_fallback, *money_change;
	struct {
		const char *currency; /* borrowed from the report */
		lxw_format *fmt;
	} money[XW_CURRENCIES];
};

static void keep(struct xw *x, lxw_error e)
{
	if (x->err == LXW_NO_ERROR && e != LXW_NO_ERROR)
		x->err = e;
}

/* A new format, or NULL (and x->err set) when libxlsxwriter has no memory. */
static lxw_format *fmt_new(struct xw *x, const char *num)
{
	lxw_format *f = workbook_add_format(x->wb);
	if (!f) {
		keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return NULL;
	}
	if (num)
		format_set_num_format(f, num);
	return f;
}

/* A word fit to stand in quotes in a number format; else "0". */
static const char *fmt_word(const char *w)
{
	return *w && !strpbrk(w, "\"\\") ? w : "0";
}

static void formats(struct xw *x)
{
	char num[XW_FMT_MAX], same[REPORT_NUM_MAX];
	struct report_cell c = {0, 0};
	report_format_change(&c, &c, REPORT_PERSONS, x->lang, same);
	x->head = fmt_new(x, NULL);
	x->text = fmt_new(x, NULL);
	x->hidden = fmt_new(x, NULL);
	x->count = fmt_new(x, "#,##0");
	x->money_fallback = fmt_new(x, "#,##0.00");
	snprintf(num, sizeof num, "+#,##0;\"−\"#,##0;\"%s\"", fmt_word(same));
	x->count_change = fmt_new(x, num);
	snprintf(num, sizeof num, "+#,##0.00;\"−\"#,##0.00;\"%s\"", fmt_word(same));
	x->money_change = fmt_new(x, num);
	if (x->err != LXW_NO_ERROR)
		return;
	format_set_bold(x->head);
	format_set_bottom(x->head, LXW_BORDER_THIN);
	format_set_text_wrap(x->text);
	format_set_align(x->text, LXW_ALIGN_VERTICAL_TOP);
	format_set_align(x->hidden, LXW_ALIGN_RIGHT);
}

/* The money format of `currency`: "#,##0.00 "AZN"" ("manat" in Azerbaijani). */
static lxw_format *money_format(struct xw *x, const char *currency)
{
	char num[XW_FMT_MAX];
	const char *word = currency ? words_currency(currency, x->lang) : "";
	size_t i;
	if (!*word || strpbrk(word, "\"\\"))
		return x->money_fallback;
	for (i = 0; i < XW_CURRENCIES && x->money[i].currency; i++)
		if (strcmp(x->money[i].currency, currency) == 0)
			return x->money[i].fmt;
	if (i == XW_CURRENCIES)
		return x->money_fallback; /* the Unit column still names it */
	snprintf(num, sizeof num, "#,##0.00 \"%s\"", word);
	x->money[i].fmt = fmt_new(x, num);
	x->money[i].currency = currency;
	return x->money[i].fmt ? x->money[i].fmt : x->money_fallback;
}

/* ---- cells ---------------------------------------------------------------- */

static void put_text(struct xw *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                     lxw_format *f)
{
	keep(x, worksheet_write_string(ws, row, col, s ? s : "", f));
}

static double amount(int64_t v, enum report_unit unit)
{
	return unit == REPORT_MONEY ? (double)v / 100.0 : (double)v;
}

/* A figure: a number in its format, or "<5" when hidden. */
static void put_cell(struct xw *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                     const struct report_cell *c, enum report_unit unit, const char *currency)
{
	if (c->hidden) {
		put_text(x, ws, row, col, REPORT_HIDDEN(unit), x->hidden);
		return;
	}
	keep(x,
	     worksheet_write_number(ws, row, col, amount(c->v, unit),
	                            unit == REPORT_MONEY ? money_format(x, currency) : x->count));
}

/* The change from prev to cur; blank when either is hidden. */
static void put_change(struct xw *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                       const struct report_cell *cur, const struct report_cell *prev,
                       enum report_unit unit)
{
	if (cur->hidden || prev->hidden) {
		keep(x, worksheet_write_blank(ws, row, col, x->hidden));
		return;
	}
	keep(x, worksheet_write_number(ws, row, col, amount(cur->v - prev->v, unit),
	                               unit == REPORT_MONEY ? x->money_change : x->count_change));
}

static const char *unit_text(struct xw *x, enum report_unit unit, const char *currency)
{
	if (unit == REPORT_MONEY)
		return words_currency(currency, x->lang);
	return chart_label(x->r, x->lang, "unit.persons");
}

static const char *label_of(const struct report_indicator *ind, enum report_lang lang)
{
	return ind->label[lang] ? ind->label[lang] : ind->id;
}

static void year_head(struct xw *x, lxw_worksheet *ws, lxw_col_t col, int year)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%d", year);
	put_text(x, ws, 0, col, buf, x->head);
}

/* A sheet, or NULL with x->err set. */
static lxw_worksheet *sheet(struct xw *x, const char *name)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
	if (!ws)
		keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	else
		worksheet_freeze_panes(ws, 1, 0);
	return ws;
}

/* ---- sheets ------------------------------------------------------------------ */

static void sheet_indicators(struct xw *x)
{
	const struct report *r = x->r;
	lxw_worksheet *ws = sheet(x, "Indicators");
	if (!ws)
		return;
	put_text(x, ws, 0, 0, chart_label(r, x->lang, "id"), x->head);
	put_text(x, ws, 0, 1, chart_label(r, x->lang, "indicator"), x->head);
	year_head(x, ws, 2, r->year);
	year_head(x, ws, 3, r->previous_year);
	put_text(x, ws, 0, 4, chart_label(r, x->lang, "change"), x->head);
	put_text(x, ws, 0, 5, chart_label(r, x->lang, "unit"), x->head);
	for (size_t i = 0; i < r->n_indicators; i++) {
		const struct report_indicator *ind = &r->indicators[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		put_text(x, ws, row, 0, ind->id, NULL);
		put_text(x, ws, row, 1, label_of(ind, x->lang), x->text);
		put_cell(x, ws, row, 2, &ind->value, ind->unit, ind->currency);
		put_cell(x, ws, row, 3, &ind->previous, ind->unit, ind->currency);
		put_change(x, ws, row, 4, &ind->value, &ind->previous, ind->unit);
		put_text(x, ws, row, 5, unit_text(x, ind->unit, ind->currency), NULL);
	}
	keep(x, worksheet_set_column(ws, 0, 0, 34, NULL));
	keep(x, worksheet_set_column(ws, 1, 1, 60, NULL));
	keep(x, worksheet_set_column(ws, 2, 4, 14, NULL));
	keep(x, worksheet_set_column(ws, 5, 5, 10, NULL));
}

static lxw_row_t breakdown_rows(struct xw *x, lxw_worksheet *ws, lxw_row_t row,
                                const struct report_breakdown *b)
{
	const struct report_indicator *ind = report_find(x->r, b->indicator);
	enum report_unit unit = ind ? ind->unit : REPORT_PERSONS;
	const char *currency = ind ? ind->currency : NULL;
	for (size_t k = 0; k < b->n; k++, row++) {
		const struct report_breakdown_row *br = &b->rows[k];
		put_text(x, ws, row, 0, ind ? label_of(ind, x->lang) : b->indicator, x->text);
		put_text(x, ws, row, 1, b->label[x->lang] ? b->label[x->lang] : b->dimension,
		         x->text);
		put_text(x, ws, row, 2, br->label[x->lang] ? br->label[x->lang] : br->category,
		         x->text);
		put_cell(x, ws, row, 3, &br->value, unit, currency);
		put_cell(x, ws, row, 4, &br->previous, unit, currency);
		put_change(x, ws, row, 5, &br->value, &br->previous, unit);
	}
	return row;
}

static void sheet_breakdowns(struct xw *x)
{
	const struct report *r = x->r;
	lxw_worksheet *ws = sheet(x, "Breakdowns");
	lxw_row_t row = 1;
	if (!ws)
		return;
	put_text(x, ws, 0, 0, chart_label(r, x->lang, "indicator"), x->head);
	put_text(x, ws, 0, 1, chart_label(r, x->lang, "dimension"), x->head);
	put_text(x, ws, 0, 2, chart_label(r, x->lang, "category"), x->head);
	year_head(x, ws, 3, r->year);
	year_head(x, ws, 4, r->previous_year);
	put_text(x, ws, 0, 5, chart_label(r, x->lang, "change"), x->head);
	for (size_t i = 0; i < r->n_breakdowns; i++)
		row = breakdown_rows(x, ws, row, &r->breakdowns[i]);
	keep(x, worksheet_set_column(ws, 0, 0, 40, NULL));
	keep(x, worksheet_set_column(ws, 1, 2, 24, NULL));
	keep(x, worksheet_set_column(ws, 3, 5, 14, NULL));
	if (row > 1)
		keep(x, worksheet_autofilter(ws, 0, 0, row - 1, 5));
}

static void sheet_trend(struct xw *x)
{
	const struct report *r = x->r;
	lxw_worksheet *ws = sheet(x, "Trend");
	if (!ws)
		return;
	put_text(x, ws, 0, 0, chart_label(r, x->lang, "indicator"), x->head);
	for (int j = 0; j < REPORT_TREND_YEARS; j++)
		year_head(x, ws, (lxw_col_t)(j + 1), r->trend_first_year + j);
	put_text(x, ws, 0, REPORT_TREND_YEARS + 1, chart_label(r, x->lang, "unit"), x->head);
	for (size_t i = 0; i < r->n_trend; i++) {
		const struct report_indicator *ind = &r->indicators[r->trend[i].indicator];
		lxw_row_t row = (lxw_row_t)(i + 1);
		put_text(x, ws, row, 0, label_of(ind, x->lang), x->text);
		for (int j = 0; j < REPORT_TREND_YEARS; j++)
			put_cell(x, ws, row, (lxw_col_t)(j + 1), &r->trend[i].cells[j], ind->unit,
			         ind->currency);
		put_text(x, ws, row, REPORT_TREND_YEARS + 1, unit_text(x, ind->unit, ind->currency),
		         NULL);
	}
	keep(x, worksheet_set_column(ws, 0, 0, 50, NULL));
	keep(x, worksheet_set_column(ws, 1, REPORT_TREND_YEARS, 12, NULL));
}

/* ChartData: the main indicators counted in persons, hidden cells blank.
 * Returns how many rows it wrote. */
static size_t sheet_chart_data(struct xw *x)
{
	const struct report *r = x->r;
	lxw_worksheet *ws = sheet(x, "ChartData");
	size_t n = 0;
	if (!ws)
		return 0;
	worksheet_hide(ws);
	put_text(x, ws, 0, 0, chart_label(r, x->lang, "indicator"), NULL);
	for (int j = 0; j < REPORT_TREND_YEARS; j++)
		year_head(x, ws, (lxw_col_t)(j + 1), r->trend_first_year + j);
	for (size_t i = 0; i < r->n_trend; i++) {
		const struct report_indicator *ind = &r->indicators[r->trend[i].indicator];
		lxw_row_t row = (lxw_row_t)(n + 1);
		if (ind->unit != REPORT_PERSONS)
			continue;
		put_text(x, ws, row, 0, label_of(ind, x->lang), NULL);
		for (int j = 0; j < REPORT_TREND_YEARS; j++)
			if (!r->trend[i].cells[j].hidden)
				keep(x,
				     worksheet_write_number(ws, row, (lxw_col_t)(j + 1),
				                            (double)r->trend[i].cells[j].v, NULL));
		n++;
	}
	return n;
}

/* ---- charts --------------------------------------------------------------------- */

/* A series of ChartData: name in (0, name_col), values over the given cells. */
static lxw_chart_series *series(struct xw *x, lxw_chart *c, lxw_row_t r0, lxw_col_t c0,
                                lxw_row_t r1, lxw_col_t c1)
{
	lxw_chart_series *s = chart_add_series(c, NULL, NULL);
	if (!s) {
		keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return NULL;
	}
	chart_series_set_values(s, "ChartData", r0, c0, r1, c1);
	return s;
}

/* This year against last: two series, the categories the indicators. */
static lxw_chart *chart_main(struct xw *x, size_t n)
{
	const lxw_col_t ycol = REPORT_TREND_YEARS, pcol = REPORT_TREND_YEARS - 1;
	char title[512];
	lxw_chart *c = workbook_add_chart(x->wb, LXW_CHART_BAR);
	lxw_chart_series *s;
	if (!c) {
		keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return NULL;
	}
	chart_title(x->r, x->lang, 0, title, sizeof title);
	chart_title_set_name(c, title);
	for (size_t k = 0; k < 2; k++) {
		lxw_col_t col = k == 0 ? ycol : pcol;
		if (!(s = series(x, c, 1, col, (lxw_row_t)n, col)))
			return NULL;
		chart_series_set_categories(s, "ChartData", 1, 0, (lxw_row_t)n, 0);
		chart_series_set_name_range(s, "ChartData", 0, col);
	}
	chart_axis_set_reverse(c->x_axis); /* the first indicator on top */
	chart_legend_set_position(c, LXW_CHART_LEGEND_BOTTOM);
	return c;
}

/* The trend: one line per indicator over the five years. */
static lxw_chart *chart_trend(struct xw *x, size_t n)
{
	char title[512];
	lxw_chart *c = workbook_add_chart(x->wb, LXW_CHART_LINE);
	if (!c) {
		keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return NULL;
	}
	chart_title(x->r, x->lang, 1, title, sizeof title);
	chart_title_set_name(c, title);
	for (size_t i = 1; i <= n; i++) {
		lxw_chart_series *s =
		    series(x, c, (lxw_row_t)i, 1, (lxw_row_t)i, REPORT_TREND_YEARS);
		if (!s)
			return NULL;
		chart_series_set_categories(s, "ChartData", 0, 1, 0, REPORT_TREND_YEARS);
		chart_series_set_name_range(s, "ChartData", (lxw_row_t)i, 0);
		chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
	}
	chart_show_blanks_as(c, LXW_CHART_BLANKS_AS_GAP);
	chart_legend_set_position(c, LXW_CHART_LEGEND_BOTTOM);
	return c;
}

static void sheet_charts(struct xw *x, lxw_worksheet *ws, size_t n)
{
	lxw_chart_options big = {.x_scale = 1.6, .y_scale = 1.5};
	lxw_chart *main_c, *trend_c;
	if (n == 0) {
		put_text(x, ws, 0, 0, chart_label(x->r, x->lang, "note.no_data"), NULL);
		return;
	}
	main_c = chart_main(x, n);
	trend_c = main_c ? chart_trend(x, n) : NULL;
	if (!trend_c)
		return;
	keep(x, worksheet_insert_chart_opt(ws, 1, 1, main_c, &big));
	keep(x, worksheet_insert_chart_opt(ws, 24, 1, trend_c, &big));
	if (x->r->is_public)
		put_text(x, ws, 0, 1, chart_label(x->r, x->lang, "note.hidden"), NULL);
}

/* ---- the workbook ------------------------------------------------------------------ */

static void workbook(struct xw *x)
{
	lxw_doc_properties props = {
	    .title = (char *)(x->r->title[x->lang] ? x->r->title[x->lang] : x->r->report_id),
	    .author = "Haven"};
	lxw_worksheet *charts;
	size_t n;
	formats(x);
	keep(x, workbook_set_properties(x->wb, &props));
	sheet_indicators(x);
	sheet_breakdowns(x);
	sheet_trend(x);
	charts = sheet(x, "Charts");
	n = sheet_chart_data(x);
	if (charts && x->err == LXW_NO_ERROR)
		sheet_charts(x, charts, n);
}

err_t report_render_xlsx(const struct report *r, enum report_lang lang, FILE *out, const char *path,
                         char *errbuf)
{
	struct xw x = {.r = r, .lang = lang, .err = LXW_NO_ERROR};
	lxw_error closed;
	(void)out;
	if (!path) {
		snprintf(errbuf, ERRBUF_MAX, "the xlsx format writes a file: give --out FILE");
		return ERR_INVALID;
	}
	x.wb = workbook_new(path);
	if (!x.wb) {
		snprintf(errbuf, ERRBUF_MAX, "cannot start the workbook %s", path);
		return ERR_NOMEM;
	}
	workbook(&x);
	if (x.err != LXW_NO_ERROR) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write the workbook: %s", lxw_strerror(x.err));
		lxw_workbook_free(x.wb); /* nothing was written yet */
		return x.err == LXW_ERROR_MEMORY_MALLOC_FAILED ? ERR_NOMEM : ERR_IO;
	}
	closed = workbook_close(x.wb); /* frees the workbook whatever it answers */
	if (closed != LXW_NO_ERROR) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", path, lxw_strerror(closed));
		unlink(path);
		return ERR_IO;
	}
	return ERR_OK;
}
