/*
 * render_pdf.c - the annual report as an A4 PDF, drawn with cairo and pango:
 * the title, the narrative, every indicator with its change as national
 * reports print it ("80 (−10)", "1 (no change)"), the breakdowns, the trend and
 * the charts of chart.c.  It only renders the struct report it is given.
 *
 * The page is filled top-down; a row, a heading or a chart that does not fit
 * begins a new page (a table repeats its header there).  Cairo's errors are
 * sticky on the context and checked after each section; the file is written
 * through our own stream so that a full disk is reported, and removed when
 * anything failed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>

#include "report/chart.h"
#include "report/render.h"
#include "report/words.h"

#define A4_W       595.276 /* points */
#define A4_H       841.890
#define MARGIN     56.7 /* 2 cm */
#define BODY_W     (A4_W - 2 * MARGIN)
#define BODY_END   (A4_H - MARGIN)
#define CELL_PAD   3.0
#define CELL_MAX   512 /* one table cell's text */
#define TABLE_MAX  (REPORT_TREND_YEARS + 2)
#define KEEP_TABLE 64.0 /* a heading stays with a table's header and two rows */

struct pdf {
	const struct report *r;
	enum report_lang lang;
	FILE *f;
	int write_errno; /* errno of the first failed write, or 0 */
	cairo_surface_t *surface;
	cairo_t *cr;
	double y; /* where the next thing goes */
	int page;
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdf *p = closure;
	if (fwrite(data, 1, len, p->f) != len) {
		if (!p->write_errno)
			p->write_errno = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static const char *title_of(const struct report *r, enum report_lang lang)
{
	return r->title[lang] ? r->title[lang] : r->report_id;
}

/* ---- the page -------------------------------------------------------------- */

/* Draws text at (x, y), `width` wide; returns its height. */
static double put(struct pdf *p, const char *text, double size, int bold, double x, double y,
                  double width, PangoAlignment align)
{
	PangoLayout *l = chart_layout(p->cr, text, size, bold, width, align);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

static double measure(struct pdf *p, const char *text, double size, int bold, double width)
{
	PangoLayout *l = chart_layout(p->cr, text, size, bold, width, PANGO_ALIGN_LEFT);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

/* The footer: the report's title and the page's number. */
static void footer(struct pdf *p)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s %d · %s %d", title_of(p->r, p->lang), p->r->year,
	         chart_label(p->r, p->lang, "page"), p->page);
	cairo_set_source_rgb(p->cr, 0.45, 0.45, 0.45);
	put(p, buf, 7.5, 0, MARGIN, A4_H - MARGIN / 2 - 8, BODY_W, PANGO_ALIGN_CENTER);
	cairo_set_source_rgb(p->cr, 0.13, 0.13, 0.13);
}

static void new_page(struct pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

/* Starts a new page unless h more points fit on this one; returns 1 when it did. */
static int need(struct pdf *p, double h)
{
	if (p->y + h <= BODY_END || p->y == MARGIN)
		return 0;
	new_page(p);
	return 1;
}

/* Text over the body's width, line by line, so that a paragraph longer than
 * what is left of the page goes on over the next. */
static void paragraph(struct pdf *p, const char *text, double size, double after)
{
	PangoLayout *l = chart_layout(p->cr, text, size, 0, BODY_W, PANGO_ALIGN_LEFT);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	do {
		PangoRectangle line;
		double baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		pango_layout_iter_get_line_extents(it, NULL, &line);
		need(p, (double)line.height / PANGO_SCALE);
		cairo_move_to(p->cr, MARGIN + (double)line.x / PANGO_SCALE,
		              p->y + baseline - (double)line.y / PANGO_SCALE);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += (double)line.height / PANGO_SCALE;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
	p->y += after;
}

/* A heading kept with at least `keep` points of what follows it. */
static void heading(struct pdf *p, const char *text, double size, double keep)
{
	double h = measure(p, text, size, 1, BODY_W);
	need(p, h + 6 + keep);
	p->y += 6;
	p->y += put(p, text, size, 1, MARGIN, p->y, BODY_W, PANGO_ALIGN_LEFT) + 4;
}

static err_t status(struct pdf *p)
{
	cairo_status_t s = cairo_status(p->cr);
	if (s == CAIRO_STATUS_SUCCESS)
		return ERR_OK;
	return s == CAIRO_STATUS_NO_MEMORY ? ERR_NOMEM : ERR_IO;
}

/* ---- tables ------------------------------------------------------------------ */

struct table {
	size_t ncol;
	size_t right_from; /* columns from this one hold figures: right aligned */
	double w[TABLE_MAX];
	const char *head[TABLE_MAX];
};

static double row_height(struct pdf *p, size_t ncol, const double *w, const char *const *cells,
                         int bold)
{
	double h = 0;
	for (size_t c = 0; c < ncol; c++) {
		double ch = measure(p, cells[c], 8.5, bold, w[c] - 2 * CELL_PAD);
		h = ch > h ? ch : h;
	}
	return h + 2 * CELL_PAD;
}

static void row_draw(struct pdf *p, const struct table *t, const char *const *cells, int bold)
{
	double h = row_height(p, t->ncol, t->w, cells, bold), x = MARGIN;
	for (size_t c = 0; c < t->ncol; c++) {
		put(p, cells[c], 8.5, bold, x + CELL_PAD, p->y + CELL_PAD, t->w[c] - 2 * CELL_PAD,
		    c >= t->right_from ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
		x += t->w[c];
	}
	p->y += h;
	cairo_set_source_rgb(p->cr, bold ? 0.3 : 0.82, bold ? 0.3 : 0.82, bold ? 0.3 : 0.82);
	cairo_set_line_width(p->cr, bold ? 0.8 : 0.4);
	cairo_move_to(p->cr, MARGIN, p->y);
	cairo_line_to(p->cr, MARGIN + BODY_W, p->y);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0.13, 0.13, 0.13);
}

/* One row; on a new page the header comes first. */
static void table_row(struct pdf *p, const struct table *t, const char *const *cells)
{
	if (need(p, row_height(p, t->ncol, t->w, cells, 0)))
		row_draw(p, t, t->head, 1);
	row_draw(p, t, cells, 0);
}

static void table_head(struct pdf *p, const struct table *t)
{
	need(p, row_height(p, t->ncol, t->w, t->head, 1) * 3);
	row_draw(p, t, t->head, 1);
}

/* "80 (−10)", "1 (no change)", "<5": the figure of Y with its change. */
static void figure(const struct report_cell *cur, const struct report_cell *prev,
                   enum report_unit unit, enum report_lang lang, char *buf)
{
	char v[REPORT_NUM_MAX], ch[REPORT_NUM_MAX];
	report_format_cell(cur, unit, lang, v);
	report_format_change(cur, prev, unit, lang, ch);
	if (*ch)
		snprintf(buf, CELL_MAX, "%s (%s)", v, ch);
	else
		snprintf(buf, CELL_MAX, "%s", v);
}

static const char *label_of(const struct report_indicator *ind, enum report_lang lang)
{
	return ind->label[lang] ? ind->label[lang] : ind->id;
}

static const char *unit_of(const struct pdf *p, enum report_unit unit, const char *currency)
{
	if (unit == REPORT_MONEY)
		return words_currency(currency, p->lang);
	return chart_label(p->r, p->lang, "unit.persons");
}

/* ---- sections ------------------------------------------------------------------ */

static void section_title(struct pdf *p)
{
	const struct report *r = p->r;
	const char *word = chart_label(r, p->lang, "year.word");
	char buf[512], year[REPORT_NUM_MAX];
	p->y += put(p, title_of(r, p->lang), 18, 1, MARGIN, p->y, BODY_W, PANGO_ALIGN_LEFT) + 4;
	report_format_year(r->year, p->lang, year);
	snprintf(buf, sizeof buf, "%s%s%s", year, *word ? " " : "", word);
	p->y += put(p, buf, 13, 0, MARGIN, p->y, BODY_W, PANGO_ALIGN_LEFT) + 6;
	cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
	if (r->frozen) {
		render_approval(r, p->lang, buf, sizeof buf);
	} else {
		snprintf(buf, sizeof buf, "%s %s", chart_label(r, p->lang, "definitions"),
		         r->definitions_version ? r->definitions_version : "");
	}
	paragraph(p, buf, 8, 1);
	if (r->is_public)
		paragraph(p, chart_label(r, p->lang, "public_note"), 8, 1);
	cairo_set_source_rgb(p->cr, 0.13, 0.13, 0.13);
	p->y += 10;
}

static err_t section_narrative(struct pdf *p, char *errbuf)
{
	char **para = NULL;
	size_t n = 0;
	err_t e;
	if (!p->r->def)
		return ERR_OK; /* figures without their definition: no sentences to say */
	e = report_narrative(p->r, p->lang, &para, &n, errbuf);
	if (e != ERR_OK)
		return e;
	for (size_t i = 0; i < n; i++)
		paragraph(p, para[i], 10, 6);
	report_paragraphs_free(para, n);
	return ERR_OK;
}

/* Approved figures the records now contradict: "now" carries its change
 * from the approved figure. */
static void section_restated(struct pdf *p)
{
	const struct report *r = p->r;
	const struct report_frozen *fz = r->frozen;
	struct table t = {
	    5, 2, {BODY_W * 0.46, BODY_W * 0.1, BODY_W * 0.1, BODY_W * 0.16, BODY_W * 0.18}, {0}};
	if (!fz || fz->n_restated == 0)
		return;
	t.head[0] = chart_label(r, p->lang, "indicator");
	t.head[1] = chart_label(r, p->lang, "unit");
	t.head[2] = chart_label(r, p->lang, "year");
	t.head[3] = chart_label(r, p->lang, "approved_value");
	t.head[4] = chart_label(r, p->lang, "now");
	heading(p, chart_label(r, p->lang, "restatements"), 12, KEEP_TABLE);
	table_head(p, &t);
	for (size_t i = 0; i < fz->n_restated; i++) {
		const struct report_restatement *s = &fz->restated[i];
		const struct report_indicator *ind = report_find(r, s->indicator);
		char year[16], was[REPORT_NUM_MAX], now[CELL_MAX];
		const char *cells[5] = {ind ? label_of(ind, p->lang) : s->indicator,
		                        unit_of(p, s->unit, ind ? ind->currency : NULL), year, was,
		                        now};
		snprintf(year, sizeof year, "%d", s->year);
		report_format_cell(&s->approved, s->unit, p->lang, was);
		figure(&s->now, &s->approved, s->unit, p->lang, now);
		table_row(p, &t, cells);
	}
	p->y += 8;
}

static void section_indicators(struct pdf *p)
{
	const struct report *r = p->r;
	struct table t = {4, 2, {BODY_W * 0.52, BODY_W * 0.1, BODY_W * 0.22, BODY_W * 0.16}, {0}};
	char y0[16], y1[16];
	snprintf(y0, sizeof y0, "%d", r->year);
	snprintf(y1, sizeof y1, "%d", r->previous_year);
	t.head[0] = chart_label(r, p->lang, "indicator");
	t.head[1] = chart_label(r, p->lang, "unit");
	t.head[2] = y0;
	t.head[3] = y1;
	heading(p, chart_label(r, p->lang, "indicators"), 12, KEEP_TABLE);
	table_head(p, &t);
	for (size_t i = 0; i < r->n_indicators; i++) {
		const struct report_indicator *ind = &r->indicators[i];
		char cur[CELL_MAX], prev[REPORT_NUM_MAX];
		const char *cells[4] = {label_of(ind, p->lang),
		                        unit_of(p, ind->unit, ind->currency), cur, prev};
		figure(&ind->value, &ind->previous, ind->unit, p->lang, cur);
		report_format_cell(&ind->previous, ind->unit, p->lang, prev);
		table_row(p, &t, cells);
	}
	p->y += 8;
}

static void breakdown_table(struct pdf *p, const struct report_breakdown *b)
{
	const struct report *r = p->r;
	const struct report_indicator *ind = report_find(r, b->indicator);
	enum report_unit unit = ind ? ind->unit : REPORT_PERSONS;
	struct table t = {3, 1, {BODY_W * 0.62, BODY_W * 0.22, BODY_W * 0.16}, {0}};
	char title[512], y0[16], y1[16];
	render_breakdown_title(r, b, p->lang, title, sizeof title);
	snprintf(y0, sizeof y0, "%d", r->year);
	snprintf(y1, sizeof y1, "%d", r->previous_year);
	t.head[0] = chart_label(r, p->lang, "category");
	t.head[1] = y0;
	t.head[2] = y1;
	heading(p, title, 10, KEEP_TABLE);
	table_head(p, &t);
	for (size_t k = 0; k < b->n; k++) {
		const struct report_breakdown_row *row = &b->rows[k];
		char cur[CELL_MAX], prev[REPORT_NUM_MAX];
		const char *cells[3] = {row->label[p->lang] ? row->label[p->lang] : row->category,
		                        cur, prev};
		figure(&row->value, &row->previous, unit, p->lang, cur);
		report_format_cell(&row->previous, unit, p->lang, prev);
		table_row(p, &t, cells);
	}
	if (!b->additive) {
		cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
		p->y += 2;
		paragraph(p, chart_label(r, p->lang, "note.not_additive"), 7.5, 0);
		cairo_set_source_rgb(p->cr, 0.13, 0.13, 0.13);
	}
	p->y += 6;
}

static void section_breakdowns(struct pdf *p)
{
	if (p->r->n_breakdowns == 0)
		return;
	heading(p, chart_label(p->r, p->lang, "breakdowns"), 12, 2 * KEEP_TABLE);
	for (size_t i = 0; i < p->r->n_breakdowns; i++)
		breakdown_table(p, &p->r->breakdowns[i]);
}

static void section_trend(struct pdf *p)
{
	const struct report *r = p->r;
	struct table t = {TABLE_MAX, 2, {BODY_W * 0.34, BODY_W * 0.1}, {0}};
	char years[REPORT_TREND_YEARS][16], title[256];
	if (r->n_trend == 0)
		return;
	t.head[0] = chart_label(r, p->lang, "indicator");
	t.head[1] = chart_label(r, p->lang, "unit");
	for (int j = 0; j < REPORT_TREND_YEARS; j++) {
		snprintf(years[j], sizeof years[j], "%d", r->trend_first_year + j);
		t.head[j + 2] = years[j];
		t.w[j + 2] = BODY_W * 0.56 / REPORT_TREND_YEARS;
	}
	snprintf(title, sizeof title, "%s, %d–%d", chart_label(r, p->lang, "trend"),
	         r->trend_first_year, r->year);
	heading(p, title, 12, KEEP_TABLE);
	table_head(p, &t);
	for (size_t i = 0; i < r->n_trend; i++) {
		const struct report_indicator *ind = &r->indicators[r->trend[i].indicator];
		char nums[REPORT_TREND_YEARS][REPORT_NUM_MAX];
		const char *cells[TABLE_MAX] = {label_of(ind, p->lang),
		                                unit_of(p, ind->unit, ind->currency)};
		for (int j = 0; j < REPORT_TREND_YEARS; j++) {
			report_format_cell(&r->trend[i].cells[j], ind->unit, p->lang, nums[j]);
			cells[j + 2] = nums[j];
		}
		table_row(p, &t, cells);
	}
	p->y += 8;
}

/* One chart where it fits, scaled down when it is taller than a page. */
static err_t place_chart(struct pdf *p, size_t i)
{
	double h, used, scale = 1;
	err_t e = chart_measure(p->r, p->lang, i, BODY_W, &h);
	if (e != ERR_OK)
		return e;
	if (h > BODY_END - MARGIN)
		scale = (BODY_END - MARGIN) / h;
	need(p, h * scale + 12);
	p->y += 12;
	cairo_save(p->cr);
	cairo_translate(p->cr, MARGIN, p->y);
	cairo_scale(p->cr, scale, scale);
	e = chart_draw(p->cr, p->r, p->lang, i, BODY_W, &used);
	cairo_restore(p->cr);
	p->y += h * scale;
	return e;
}

static err_t section_charts(struct pdf *p)
{
	err_t e = ERR_OK;
	heading(p, chart_label(p->r, p->lang, "charts"), 12, 200);
	for (size_t i = 0; i < chart_count(p->r) && e == ERR_OK; i++)
		e = place_chart(p, i);
	return e;
}

/* ---- the document ----------------------------------------------------------------- */

/* Errors of the narrative say what they are; drawing errors are named here. */
static err_t pdf_body(struct pdf *p, char *errbuf)
{
	err_t e;
	section_title(p);
	e = section_narrative(p, errbuf);
	if (e != ERR_OK)
		return e;
	section_restated(p);
	section_indicators(p);
	section_breakdowns(p);
	section_trend(p);
	e = status(p);
	if (e == ERR_OK)
		e = section_charts(p);
	if (e == ERR_OK) {
		footer(p);
		e = status(p);
	}
	if (e != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot draw the PDF: %s", err_str(e));
	return e;
}

static err_t pdf_open(struct pdf *p, const char *path, char *errbuf)
{
	p->f = fopen(path, "wb");
	if (!p->f) {
		snprintf(errbuf, ERRBUF_MAX, "cannot create %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	p->surface = cairo_pdf_surface_create_for_stream(pdf_write, p, A4_W, A4_H);
	p->cr = cairo_create(p->surface);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
		snprintf(errbuf, ERRBUF_MAX, "cannot start the PDF: %s",
		         cairo_status_to_string(cairo_status(p->cr)));
		return ERR_NOMEM;
	}
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE,
	                               title_of(p->r, p->lang));
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "Haven");
	p->page = 1;
	p->y = MARGIN;
	cairo_set_source_rgb(p->cr, 0.13, 0.13, 0.13);
	return ERR_OK;
}

/* Finishes the file; keeps the first error e, else reports what closing found. */
static err_t pdf_close(struct pdf *p, err_t e, const char *path, char *errbuf)
{
	if (p->cr)
		cairo_destroy(p->cr);
	if (p->surface) {
		cairo_surface_finish(p->surface);
		if (e == ERR_OK && cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
			e = ERR_IO;
			snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", path,
			         p->write_errno
			             ? strerror(p->write_errno)
			             : cairo_status_to_string(cairo_surface_status(p->surface)));
		}
		cairo_surface_destroy(p->surface);
	}
	if (p->f && fclose(p->f) != 0 && e == ERR_OK) {
		e = ERR_IO;
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", path, strerror(errno));
	}
	if (e != ERR_OK && p->f)
		unlink(path);
	return e;
}

err_t report_render_pdf(const struct report *r, enum report_lang lang, FILE *out, const char *path,
                        char *errbuf)
{
	struct pdf p = {.r = r, .lang = lang};
	err_t e;
	(void)out;
	if (!path) {
		snprintf(errbuf, ERRBUF_MAX, "the pdf format writes a file: give --out FILE");
		return ERR_INVALID;
	}
	e = pdf_open(&p, path, errbuf);
	if (e == ERR_OK)
		e = pdf_body(&p, errbuf);
	return pdf_close(&p, e, path, errbuf);
}
