/*
 * chart.c - the report's charts drawn with cairo and pango (see chart.h), the
 * SVG output of one chart, and the built-in words of the binary renderers.
 *
 * A chart is drawn top-down at a given width: title, legend, plot, notes; its
 * height follows from its content, so the PDF can place it and the SVG can be
 * sized to it.  Sizes are in points (cairo user units); fonts are set with an
 * absolute size so that 9 means 9 pt on a PDF page and in an SVG alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-svg.h>

#include "report/chart.h"
#include "report/render.h"

/* ---- words -------------------------------------------------------------- */

/* The words a table or a chart needs, when the definition does not give them. */
static const struct {
	const char *key;
	const char *text[REPORT_LANGS]; /* en, az */
} words[] = {
    {"indicator", {"Indicator", "Göstərici"}},
    {"indicators", {"Indicators", "Göstəricilər"}},
    {"id", {"Id", "Kod"}},
    {"unit", {"Unit", "Vahid"}},
    {"change", {"Change", "Dəyişiklik"}},
    {"unit.persons", {"persons", "nəfər"}},
    {"dimension", {"Breakdown", "Bölgü"}},
    {"category", {"Category", "Kateqoriya"}},
    {"breakdowns", {"Breakdowns", "Bölgülər"}},
    {"trend", {"Trend of the main indicators", "Əsas göstəricilərin dinamikası"}},
    {"charts", {"Charts", "Diaqramlar"}},
    {"main", {"Main indicators", "Əsas göstəricilər"}},
    {"year", {"Year", "İl"}},
    {"year.word", {"", "il"}}, /* after the year: "2024-cü il" */
    {"definitions", {"definitions", "təriflər"}},
    {"restatements",
     {"Restatements: approved figures the records now contradict",
      "Düzəlişlər: qeydlərin indi fərqli göstərdiyi təsdiq edilmiş rəqəmlər"}},
    {"approved_value", {"approved", "təsdiq edilmiş"}},
    {"now", {"now", "hazırda"}},
    {"page", {"Page", "Səhifə"}},
    {"public_note",
     {"Public version: counts from 1 to 4 are shown as <5.",
      "İctimai versiya: 1-dən 4-ə qədər olan saylar <5 kimi göstərilir."}},
    {"note.hidden",
     {"<5: a count from 1 to 4, hidden for publication.",
      "<5: 1-dən 4-ə qədər say, dərc üçün gizlədilib."}},
    {"note.not_additive",
     {"One person may be counted in more than one category.",
      "Bir şəxs birdən çox kateqoriyada sayıla bilər."}},
    {"note.not_drawn",
     {"Categories not drawn (see the table)", "Çəkilməyən kateqoriyalar (cədvələ baxın)"}},
    {"note.money",
     {"Amounts of money are in the tables, not in this chart.",
      "Pul məbləğləri bu diaqramda deyil, cədvəllərdədir."}},
    {"note.no_data", {"Nothing to draw.", "Çəkiləcək məlumat yoxdur."}},
};

const char *chart_label(const struct report *r, enum report_lang lang, const char *key)
{
	const char *s = r && r->def ? report_def_label(r->def, lang, key) : NULL;
	if (s)
		return s;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(words[i].key, key) == 0)
			return words[i].text[lang];
	return "";
}

/* ---- names -------------------------------------------------------------- */

#define CHART_FIXED 2 /* main, trend; then the breakdowns */

size_t chart_count(const struct report *r)
{
	return CHART_FIXED + r->n_breakdowns;
}

void chart_name(const struct report *r, size_t i, char *buf)
{
	const struct report_breakdown *b;
	if (i == 0) {
		snprintf(buf, CHART_NAME_MAX, "main");
		return;
	}
	if (i == 1) {
		snprintf(buf, CHART_NAME_MAX, "trend");
		return;
	}
	b = &r->breakdowns[i - CHART_FIXED];
	for (size_t k = 0; k < i - CHART_FIXED; k++)
		if (strcmp(r->breakdowns[k].dimension, b->dimension) == 0) {
			snprintf(buf, CHART_NAME_MAX, "breakdown-%s-%s", b->dimension,
			         b->indicator);
			return;
		}
	snprintf(buf, CHART_NAME_MAX, "breakdown-%s", b->dimension);
}

err_t chart_find(const struct report *r, const char *name, size_t *index)
{
	char buf[CHART_NAME_MAX];
	for (size_t i = 0; i < chart_count(r); i++) {
		chart_name(r, i, buf);
		if (strcmp(buf, name) == 0) {
			*index = i;
			return ERR_OK;
		}
	}
	return ERR_NOT_FOUND;
}

/* ---- the figures a chart draws ------------------------------------------ */

struct bar {
	const char *label;
	const struct report_cell *cur, *prev;
};

/* A grouped bar chart (main, breakdowns) or the trend's lines. */
struct plot {
	char title[512];
	enum report_unit unit;
	size_t n;
	struct bar *bars;                   /* malloc'd; n of them (bars) */
	const struct report_trend_row **tr; /* malloc'd; n of them (trend) */
	size_t not_drawn;                   /* categories beyond CHART_BARS_MAX */
	int money_left_out, not_additive;
};

static const char *ind_label(const struct report_indicator *ind, enum report_lang lang)
{
	return ind->label[lang] ? ind->label[lang] : ind->id;
}

void chart_title(const struct report *r, enum report_lang lang, size_t i, char *buf, size_t cap)
{
	if (i == 0) {
		snprintf(buf, cap, "%s, %d / %d", chart_label(r, lang, "main"), r->year,
		         r->previous_year);
		return;
	}
	if (i == 1) {
		snprintf(buf, cap, "%s, %d–%d", chart_label(r, lang, "trend"), r->trend_first_year,
		         r->year);
		return;
	}
	render_breakdown_title(r, &r->breakdowns[i - CHART_FIXED], lang, buf, cap);
}

/* The main indicators counted in persons, as bars or as trend rows. */
static err_t plot_main(const struct report *r, int trend, struct plot *p)
{
	p->bars = calloc(r->n_trend ? r->n_trend : 1, sizeof *p->bars);
	p->tr = calloc(r->n_trend ? r->n_trend : 1, sizeof *p->tr);
	if (!p->bars || !p->tr)
		return ERR_NOMEM;
	p->unit = REPORT_PERSONS;
	for (size_t k = 0; k < r->n_trend; k++) {
		const struct report_indicator *ind = &r->indicators[r->trend[k].indicator];
		if (ind->unit != REPORT_PERSONS) {
			p->money_left_out = 1;
			continue;
		}
		p->tr[p->n] = &r->trend[k];
		p->bars[p->n].cur = trend ? NULL : &ind->value;
		p->bars[p->n].prev = trend ? NULL : &ind->previous;
		p->n++;
	}
	return ERR_OK;
}

static err_t plot_breakdown(const struct report *r, const struct report_breakdown *b,
                            enum report_lang lang, struct plot *p)
{
	const struct report_indicator *ind = report_find(r, b->indicator);
	size_t n = b->n < CHART_BARS_MAX ? b->n : CHART_BARS_MAX;
	p->bars = calloc(n ? n : 1, sizeof *p->bars);
	if (!p->bars)
		return ERR_NOMEM;
	p->unit = ind ? ind->unit : REPORT_PERSONS;
	p->not_additive = !b->additive;
	p->not_drawn = b->n - n;
	for (size_t k = 0; k < n; k++) {
		const struct report_breakdown_row *row = &b->rows[k];
		p->bars[k].label = row->label[lang] ? row->label[lang] : row->category;
		p->bars[k].cur = &row->value;
		p->bars[k].prev = &row->previous;
	}
	p->n = n;
	return ERR_OK;
}

/* Fills p for chart i; the caller frees p->bars and p->tr whatever the result. */
static err_t plot_build(const struct report *r, enum report_lang lang, size_t i, struct plot *p)
{
	err_t e;
	memset(p, 0, sizeof *p);
	chart_title(r, lang, i, p->title, sizeof p->title);
	if (i >= 2)
		return plot_breakdown(r, &r->breakdowns[i - CHART_FIXED], lang, p);
	e = plot_main(r, i == 1, p);
	if (e == ERR_OK)
		for (size_t k = 0; k < p->n; k++)
			p->bars[k].label = ind_label(&r->indicators[p->tr[k]->indicator], lang);
	return e;
}

static void plot_cleanup(struct plot *p)
{
	free(p->bars);
	free(p->tr);
}

/* ---- text ---------------------------------------------------------------- */

#define FS_TITLE 11.0
#define FS_TEXT  8.5
#define FS_SMALL 7.5

PangoLayout *chart_layout(cairo_t *cr, const char *text, double size, int bold, double width,
                          PangoAlignment align)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, CHART_FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text, -1);
	return l;
}

static void text_extent(PangoLayout *l, double *w, double *h)
{
	int pw, ph;
	pango_layout_get_size(l, &pw, &ph);
	if (w)
		*w = (double)pw / PANGO_SCALE;
	if (h)
		*h = (double)ph / PANGO_SCALE;
}

/* Draws text at (x, y), its top left corner; returns its height.  A wrapped
 * or aligned text takes `width`; with width 0 it is one line, left aligned. */
static double text_at(cairo_t *cr, const char *text, double size, int bold, double x, double y,
                      double width, PangoAlignment align)
{
	PangoLayout *l = chart_layout(cr, text, size, bold, width, align);
	double h;
	text_extent(l, NULL, &h);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	return h;
}

static void text_measure(cairo_t *cr, const char *text, double size, int bold, double width,
                         double *w, double *h)
{
	PangoLayout *l = chart_layout(cr, text, size, bold, width, PANGO_ALIGN_LEFT);
	text_extent(l, w, h);
	g_object_unref(l);
}

/* Text centred on x. */
static void text_centred(cairo_t *cr, const char *text, double size, double x, double y)
{
	double w;
	text_measure(cr, text, size, 0, 0, &w, NULL);
	text_at(cr, text, size, 0, x - w / 2, y, 0, PANGO_ALIGN_LEFT);
}

/* ---- colours and scale ---------------------------------------------------- */

struct rgb {
	double r, g, b;
};

static const struct rgb INK = {0.13, 0.13, 0.13}, GRID = {0.86, 0.86, 0.86},
                        AXIS = {0.45, 0.45, 0.45}, CUR = {0.12, 0.31, 0.47},
                        PREV = {0.62, 0.76, 0.90};

/* Okabe-Ito: told apart by readers with a colour vision deficiency too. */
static const struct rgb PALETTE[] = {{0.00, 0.45, 0.70}, {0.84, 0.37, 0.00}, {0.00, 0.62, 0.45},
                                     {0.80, 0.47, 0.65}, {0.90, 0.62, 0.00}, {0.34, 0.71, 0.91},
                                     {0.00, 0.00, 0.00}, {0.60, 0.60, 0.60}};
#define PALETTE_N (sizeof PALETTE / sizeof PALETTE[0])

static void colour(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* A round axis: *top >= max, a multiple of *step, about five steps. */
static void nice_scale(int64_t max, enum report_unit unit, int64_t *top, int64_t *step)
{
	static const int64_t mult[] = {1, 2, 5};
	int64_t mag = unit == REPORT_MONEY ? 100 : 1, s = mag;
	if (max < 1)
		max = 1;
	for (; mag < INT64_MAX / 100; mag *= 10)
		for (size_t k = 0; k < 3; k++) {
			s = mag * mult[k];
			if (max / s <= 5)
				goto out;
		}
out:
	*step = s;
	*top = (max + s - 1) / s * s;
}

static int64_t cell_max(int64_t m, const struct report_cell *c)
{
	return c && !c->hidden && c->v > m ? c->v : m;
}

static void cell_text(const struct report_cell *c, enum report_unit unit, enum report_lang lang,
                      char *buf)
{
	report_format_cell(c, unit, lang, buf);
}

/* ---- legend and notes ------------------------------------------------------ */

#define MARKERS 4 /* circle, square, triangle, diamond */

/* A point of a line: series k has the shape k % MARKERS, so that lines of
 * close colours, or lying on each other, are still told apart. */
static void marker(cairo_t *cr, size_t k, double x, double y)
{
	const double r = 2.8;
	switch (k % MARKERS) {
	case 0:
		cairo_arc(cr, x, y, r, 0, 2 * G_PI);
		break;
	case 1:
		cairo_rectangle(cr, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
		break;
	case 2:
		cairo_move_to(cr, x, y - r * 1.2);
		cairo_line_to(cr, x + r * 1.1, y + r * 0.8);
		cairo_line_to(cr, x - r * 1.1, y + r * 0.8);
		cairo_close_path(cr);
		break;
	default:
		cairo_move_to(cr, x, y - r * 1.3);
		cairo_line_to(cr, x + r * 1.1, y);
		cairo_line_to(cr, x, y + r * 1.3);
		cairo_line_to(cr, x - r * 1.1, y);
		cairo_close_path(cr);
	}
	cairo_fill(cr);
}

/* A swatch and a word at (x, y): a box for bars (series < 0), else series'
 * line and marker.  Returns the width used; draws only when `draw`. */
static double legend_item(cairo_t *cr, struct rgb c, long series, const char *text, double x,
                          double y, int draw)
{
	double w, h;
	text_measure(cr, text, FS_TEXT, 0, 0, &w, &h);
	if (draw) {
		colour(cr, c);
		if (series >= 0) {
			cairo_set_line_width(cr, 1.8);
			cairo_move_to(cr, x, y + h / 2);
			cairo_line_to(cr, x + 14, y + h / 2);
			cairo_stroke(cr);
			marker(cr, (size_t)series, x + 7, y + h / 2);
		} else {
			cairo_rectangle(cr, x + 2, y + h / 2 - 4, 10, 8);
			cairo_fill(cr);
		}
		colour(cr, INK);
		text_at(cr, text, FS_TEXT, 0, x + 18, y, 0, PANGO_ALIGN_LEFT);
	}
	return 18 + w + 12;
}

/* The notes under a chart; returns the height used. */
static double notes(cairo_t *cr, const struct report *r, enum report_lang lang,
                    const struct plot *p, int any_hidden, double y, double width)
{
	double y0 = y;
	char buf[256];
	colour(cr, AXIS);
	if (any_hidden)
		y += text_at(cr, chart_label(r, lang, "note.hidden"), FS_SMALL, 0, 0, y, width,
		             PANGO_ALIGN_LEFT);
	if (p->not_additive)
		y += text_at(cr, chart_label(r, lang, "note.not_additive"), FS_SMALL, 0, 0, y,
		             width, PANGO_ALIGN_LEFT);
	if (p->not_drawn) {
		snprintf(buf, sizeof buf, "%s: %zu", chart_label(r, lang, "note.not_drawn"),
		         p->not_drawn);
		y += text_at(cr, buf, FS_SMALL, 0, 0, y, width, PANGO_ALIGN_LEFT);
	}
	if (p->money_left_out)
		y += text_at(cr, chart_label(r, lang, "note.money"), FS_SMALL, 0, 0, y, width,
		             PANGO_ALIGN_LEFT);
	if (p->n == 0)
		y += text_at(cr, chart_label(r, lang, "note.no_data"), FS_TEXT, 0, 0, y, width,
		             PANGO_ALIGN_LEFT);
	return y - y0;
}

/* ---- grouped bars ----------------------------------------------------------- */

#define BAR_H   8.0
#define BAR_GAP 1.5
#define ROW_PAD 7.0

struct bar_geom {
	double lw, x0, x1; /* label column, plot from x0 to x1 */
	int64_t top, step;
};

static void bar_geometry(cairo_t *cr, const struct plot *p, enum report_lang lang, double width,
                         struct bar_geom *g)
{
	double lw = 0, vw = 20, w;
	int64_t max = 0;
	char num[REPORT_NUM_MAX];
	for (size_t k = 0; k < p->n; k++) {
		text_measure(cr, p->bars[k].label, FS_TEXT, 0, 0, &w, NULL);
		lw = w > lw ? w : lw;
		max = cell_max(cell_max(max, p->bars[k].cur), p->bars[k].prev);
		cell_text(p->bars[k].cur, p->unit, lang, num);
		text_measure(cr, num, FS_SMALL, 0, 0, &w, NULL);
		vw = w + 6 > vw ? w + 6 : vw;
		cell_text(p->bars[k].prev, p->unit, lang, num);
		text_measure(cr, num, FS_SMALL, 0, 0, &w, NULL);
		vw = w + 6 > vw ? w + 6 : vw;
	}
	g->lw = lw + 1 < width * 0.4 ? lw + 1 : width * 0.4;
	g->x0 = g->lw + 8;
	g->x1 = width - vw;
	nice_scale(max, p->unit, &g->top, &g->step);
}

static double bar_row_height(cairo_t *cr, const struct bar *b, const struct bar_geom *g)
{
	double h, min = 2 * BAR_H + BAR_GAP;
	text_measure(cr, b->label, FS_TEXT, 0, g->lw, NULL, &h);
	return (h > min ? h : min) + ROW_PAD;
}

static double bar_x(const struct bar_geom *g, int64_t v)
{
	return g->x0 + (g->x1 - g->x0) * (double)v / (double)g->top;
}

/* One bar and its figure; returns 1 when the cell is hidden. */
static int bar_one(cairo_t *cr, const struct report_cell *c, struct rgb fill, enum report_unit unit,
                   enum report_lang lang, const struct bar_geom *g, double y)
{
	char num[REPORT_NUM_MAX];
	double end = g->x0;
	if (!c->hidden && c->v > 0) {
		end = bar_x(g, c->v);
		colour(cr, fill);
		cairo_rectangle(cr, g->x0, y, end - g->x0, BAR_H);
		cairo_fill(cr);
	}
	cell_text(c, unit, lang, num);
	colour(cr, INK);
	text_at(cr, num, FS_SMALL, 0, end + 3, y + BAR_H / 2 - FS_SMALL * 0.65, 0,
	        PANGO_ALIGN_LEFT);
	return c->hidden;
}

static int bar_row(cairo_t *cr, const struct plot *p, const struct bar *b, enum report_lang lang,
                   const struct bar_geom *g, double y, double rh)
{
	double lh, by = y + (rh - (2 * BAR_H + BAR_GAP)) / 2;
	int hidden;
	text_measure(cr, b->label, FS_TEXT, 0, g->lw, NULL, &lh);
	colour(cr, INK);
	text_at(cr, b->label, FS_TEXT, 0, 0, y + (rh - lh) / 2, g->lw, PANGO_ALIGN_RIGHT);
	hidden = bar_one(cr, b->cur, CUR, p->unit, lang, g, by);
	hidden |= bar_one(cr, b->prev, PREV, p->unit, lang, g, by + BAR_H + BAR_GAP);
	return hidden;
}

/* Vertical grid lines over [y, y + h] and the scale's figures under them;
 * returns the figures' height. */
static double bar_axis(cairo_t *cr, const struct bar_geom *g, enum report_unit unit,
                       enum report_lang lang, double y, double h)
{
	char num[REPORT_NUM_MAX];
	double th = 0;
	for (int64_t t = 0; t <= g->top; t += g->step) {
		struct report_cell c = {t, 0};
		double x = bar_x(g, t), hh;
		colour(cr, t == 0 ? AXIS : GRID);
		cairo_set_line_width(cr, t == 0 ? 1.0 : 0.5);
		cairo_move_to(cr, x, y);
		cairo_line_to(cr, x, y + h);
		cairo_stroke(cr);
		cell_text(&c, unit, lang, num);
		colour(cr, AXIS);
		text_centred(cr, num, FS_SMALL, x, y + h + 2);
		text_measure(cr, num, FS_SMALL, 0, 0, NULL, &hh);
		th = hh > th ? hh : th;
	}
	return th + 2;
}

static double draw_bars(cairo_t *cr, const struct report *r, enum report_lang lang,
                        const struct plot *p, double width)
{
	struct bar_geom g;
	char year[16];
	double y = 0, x = 0, plot_h = 0;
	int hidden = 0;
	colour(cr, INK);
	y += text_at(cr, p->title, FS_TITLE, 1, 0, y, width, PANGO_ALIGN_LEFT) + 4;
	snprintf(year, sizeof year, "%d", r->year);
	x += legend_item(cr, CUR, -1, year, x, y, 1);
	snprintf(year, sizeof year, "%d", r->previous_year);
	legend_item(cr, PREV, -1, year, x, y, 1);
	y += FS_TEXT * 1.6 + 4;
	bar_geometry(cr, p, lang, width, &g);
	for (size_t k = 0; k < p->n; k++)
		plot_h += bar_row_height(cr, &p->bars[k], &g);
	if (p->n) {
		double ay = y, axis_h = bar_axis(cr, &g, p->unit, lang, y, plot_h);
		for (size_t k = 0; k < p->n; k++) {
			double rh = bar_row_height(cr, &p->bars[k], &g);
			hidden |= bar_row(cr, p, &p->bars[k], lang, &g, ay, rh);
			ay += rh;
		}
		y += plot_h + axis_h + 4;
	}
	return y + notes(cr, r, lang, p, hidden, y, width);
}

/* ---- trend lines --------------------------------------------------------------- */

struct line_geom {
	double x0, x1, y0, y1; /* plot area; y0 at the top */
	int64_t top, step;
};

static double line_x(const struct line_geom *g, int j)
{
	return g->x0 + (g->x1 - g->x0) * (j + 0.5) / REPORT_TREND_YEARS;
}

static double line_y(const struct line_geom *g, double v)
{
	return g->y1 - (g->y1 - g->y0) * v / (double)g->top;
}

/* The legend, one item per line, flowing over as many rows as it needs;
 * returns its height. */
static double line_legend(cairo_t *cr, const struct plot *p, double y, double width)
{
	double x = 0, row = FS_TEXT * 1.6, h = p->n ? row : 0;
	for (size_t k = 0; k < p->n; k++) {
		double w =
		    legend_item(cr, PALETTE[k % PALETTE_N], (long)k, p->bars[k].label, 0, 0, 0);
		if (x > 0 && x + w > width) {
			x = 0;
			y += row;
			h += row;
		}
		x += legend_item(cr, PALETTE[k % PALETTE_N], (long)k, p->bars[k].label, x, y, 1);
	}
	return h;
}

static void line_axis(cairo_t *cr, const struct report *r, enum report_lang lang,
                      const struct line_geom *g)
{
	char num[REPORT_NUM_MAX];
	for (int64_t t = 0; t <= g->top; t += g->step) {
		struct report_cell c = {t, 0};
		double y = line_y(g, (double)t), w;
		colour(cr, t == 0 ? AXIS : GRID);
		cairo_set_line_width(cr, t == 0 ? 1.0 : 0.5);
		cairo_move_to(cr, g->x0, y);
		cairo_line_to(cr, g->x1, y);
		cairo_stroke(cr);
		cell_text(&c, REPORT_PERSONS, lang, num);
		text_measure(cr, num, FS_SMALL, 0, 0, &w, NULL);
		colour(cr, AXIS);
		text_at(cr, num, FS_SMALL, 0, g->x0 - 4 - w, y - FS_SMALL * 0.65, 0,
		        PANGO_ALIGN_LEFT);
	}
	for (int j = 0; j < REPORT_TREND_YEARS; j++) {
		char year[16];
		snprintf(year, sizeof year, "%d", r->trend_first_year + j);
		text_centred(cr, year, FS_TEXT, line_x(g, j), g->y1 + 3);
	}
}

/* One indicator's line; a hidden year breaks it and reads "<5" (1 to 4). */
static int line_one(cairo_t *cr, const struct report_trend_row *t, size_t k,
                    const struct line_geom *g)
{
	int hidden = 0, open = 0;
	colour(cr, PALETTE[k % PALETTE_N]);
	cairo_set_line_width(cr, 1.8);
	for (int j = 0; j < REPORT_TREND_YEARS; j++) {
		const struct report_cell *cell = &t->cells[j];
		if (cell->hidden) {
			open = 0;
			hidden = 1;
			continue;
		}
		if (open)
			cairo_line_to(cr, line_x(g, j), line_y(g, (double)cell->v));
		else
			cairo_move_to(cr, line_x(g, j), line_y(g, (double)cell->v));
		open = 1;
	}
	cairo_stroke(cr);
	for (int j = 0; j < REPORT_TREND_YEARS; j++) {
		const struct report_cell *cell = &t->cells[j];
		double x = line_x(g, j);
		if (cell->hidden) {
			text_centred(cr, REPORT_HIDDEN_TEXT, FS_SMALL, x,
			             line_y(g, 2.5) - FS_SMALL * 0.65);
			continue;
		}
		marker(cr, k, x, line_y(g, (double)cell->v));
	}
	return hidden;
}

static double draw_trend(cairo_t *cr, const struct report *r, enum report_lang lang,
                         const struct plot *p, double width)
{
	struct line_geom g;
	struct report_cell topc = {0, 0};
	char num[REPORT_NUM_MAX];
	double y = 0, w;
	int64_t max = 0;
	int hidden = 0;
	colour(cr, INK);
	y += text_at(cr, p->title, FS_TITLE, 1, 0, y, width, PANGO_ALIGN_LEFT) + 4;
	y += line_legend(cr, p, y, width) + 8;
	for (size_t k = 0; k < p->n; k++)
		for (int j = 0; j < REPORT_TREND_YEARS; j++)
			max = cell_max(max, &p->tr[k]->cells[j]);
	nice_scale(max, REPORT_PERSONS, &g.top, &g.step);
	topc.v = g.top;
	cell_text(&topc, REPORT_PERSONS, lang, num);
	text_measure(cr, num, FS_SMALL, 0, 0, &w, NULL);
	g.x0 = w + 8;
	g.x1 = width - 4;
	g.y0 = y + FS_SMALL;
	g.y1 = g.y0 + width * 0.38;
	if (p->n) {
		line_axis(cr, r, lang, &g);
		for (size_t k = 0; k < p->n; k++)
			hidden |= line_one(cr, p->tr[k], k, &g);
		y = g.y1 + FS_TEXT * 1.6 + 6;
	}
	return y + notes(cr, r, lang, p, hidden, y, width);
}

/* ---- drawing ---------------------------------------------------------------------- */

err_t chart_draw(cairo_t *cr, const struct report *r, enum report_lang lang, size_t i, double width,
                 double *height)
{
	struct plot p;
	cairo_font_options_t *fo;
	double h;
	err_t e = plot_build(r, lang, i, &p);
	if (e != ERR_OK)
		goto out;
	cairo_save(cr);
	/* Outline fonts at their true size: a PDF or SVG has no pixel grid. */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);
	h = i == 1 ? draw_trend(cr, r, lang, &p, width) : draw_bars(cr, r, lang, &p, width);
	cairo_restore(cr);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		e = cairo_status(cr) == CAIRO_STATUS_NO_MEMORY ? ERR_NOMEM : ERR_IO;
		goto out;
	}
	*height = h;
out:
	plot_cleanup(&p);
	return e;
}

err_t chart_measure(const struct report *r, enum report_lang lang, size_t i, double width,
                    double *height)
{
	cairo_surface_t *s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	cairo_t *cr = cairo_create(s);
	err_t e = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? ERR_OK : ERR_NOMEM;
	if (e == ERR_OK)
		e = chart_draw(cr, r, lang, i, width, height);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return e;
}

/* ---- text of a chart ------------------------------------------------------------------ */

/* A growing buffer, at most CHART_SVG_MAX bytes; err records the first failure. */
struct sbuf {
	char *p;
	size_t n, cap;
	err_t err;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->err != ERR_OK)
		return;
	if (n >= CHART_SVG_MAX - b->n) {
		b->err = ERR_LIMIT;
		return;
	}
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *np = realloc(b->p, cap);
		if (!np) {
			b->err = ERR_NOMEM;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

/* "label: 2024 80, 2023 90" */
static void describe_bar(struct sbuf *b, const struct report *r, enum report_lang lang,
                         const struct plot *p, const struct bar *bar)
{
	char num[REPORT_NUM_MAX], line[64];
	sb_add(b, bar->label);
	cell_text(bar->cur, p->unit, lang, num);
	snprintf(line, sizeof line, ": %d %s", r->year, num);
	sb_add(b, line);
	cell_text(bar->prev, p->unit, lang, num);
	snprintf(line, sizeof line, ", %d %s\n", r->previous_year, num);
	sb_add(b, line);
}

static void describe_trend(struct sbuf *b, const struct report *r, enum report_lang lang,
                           const struct plot *p, size_t k)
{
	char num[REPORT_NUM_MAX], line[64];
	sb_add(b, p->bars[k].label);
	for (int j = 0; j < REPORT_TREND_YEARS; j++) {
		cell_text(&p->tr[k]->cells[j], REPORT_PERSONS, lang, num);
		snprintf(line, sizeof line, "%s%d %s", j ? ", " : ": ", r->trend_first_year + j,
		         num);
		sb_add(b, line);
	}
	sb_add(b, "\n");
}

err_t chart_describe(const struct report *r, enum report_lang lang, size_t i, char **out)
{
	struct plot p;
	struct sbuf b = {0};
	err_t e = plot_build(r, lang, i, &p);
	if (e == ERR_OK) {
		sb_add(&b, "");
		for (size_t k = 0; k < p.n; k++) {
			if (i == 1)
				describe_trend(&b, r, lang, &p, k);
			else
				describe_bar(&b, r, lang, &p, &p.bars[k]);
		}
		e = b.err;
	}
	plot_cleanup(&p);
	if (e != ERR_OK) {
		free(b.p);
		return e;
	}
	*out = b.p;
	return ERR_OK;
}

/* ---- SVG ------------------------------------------------------------------------------------ */

static cairo_status_t svg_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct sbuf *b = closure;
	sb_addn(b, (const char *)data, len);
	return b->err == ERR_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Appends s with XML's special characters escaped. */
static void sb_add_xml(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			sb_add(b, "&amp;");
			break;
		case '<':
			sb_add(b, "&lt;");
			break;
		case '>':
			sb_add(b, "&gt;");
			break;
		case '"':
			sb_add(b, "&quot;");
			break;
		default:
			sb_addn(b, s, 1);
		}
	}
}

/* Draws chart i on an SVG surface of `height` into svg. */
static err_t svg_draw(const struct report *r, enum report_lang lang, size_t i, double height,
                      struct sbuf *svg)
{
	double h;
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(
	    svg_write, svg, CHART_SVG_WIDTH + 2 * CHART_SVG_PAD, height + 2 * CHART_SVG_PAD);
	cairo_t *cr = cairo_create(s);
	err_t e = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? ERR_OK : ERR_NOMEM;
	if (e == ERR_OK) {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_translate(cr, CHART_SVG_PAD, CHART_SVG_PAD);
		e = chart_draw(cr, r, lang, i, CHART_SVG_WIDTH, &h);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (e == ERR_OK && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		e = svg->err != ERR_OK ? svg->err : ERR_IO;
	cairo_surface_destroy(s);
	return e;
}

/* svg with <title> and <desc> put in after its root element's start tag. */
static err_t svg_annotate(const struct report *r, enum report_lang lang, size_t i,
                          const struct sbuf *svg, struct sbuf *out)
{
	char title[512], *desc = NULL;
	const char *root = svg->p ? strstr(svg->p, "<svg") : NULL;
	const char *gt = root ? strchr(root, '>') : NULL;
	err_t e;
	if (!gt)
		return ERR_IO;
	e = chart_describe(r, lang, i, &desc);
	if (e != ERR_OK)
		return e;
	chart_title(r, lang, i, title, sizeof title);
	sb_addn(out, svg->p, (size_t)(gt + 1 - svg->p));
	sb_add(out, "\n<title>");
	sb_add_xml(out, title);
	sb_add(out, "</title>\n<desc>");
	sb_add_xml(out, desc);
	sb_add(out, "</desc>");
	sb_add(out, gt + 1);
	free(desc);
	return out->err;
}

static err_t write_file(const char *path, const char *data, size_t n, char *errbuf)
{
	FILE *f = fopen(path, "wb");
	int ok;
	if (!f) {
		snprintf(errbuf, ERRBUF_MAX, "cannot create %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	ok = fwrite(data, 1, n, f) == n;
	ok = (fclose(f) == 0) && ok;
	if (!ok) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
		return ERR_IO;
	}
	return ERR_OK;
}

/* "no chart "x"; this report has: main, trend, ..." */
static void unknown_chart(const struct report *r, const char *chart, char *errbuf)
{
	char name[CHART_NAME_MAX];
	size_t used;
	snprintf(errbuf, ERRBUF_MAX, "no chart \"%s\"; this report has:", chart);
	for (size_t i = 0; i < chart_count(r); i++) {
		used = strlen(errbuf);
		chart_name(r, i, name);
		snprintf(errbuf + used, ERRBUF_MAX - used, "%s %s", i ? "," : "", name);
	}
}

err_t report_chart_svg(const struct report *r, enum report_lang lang, const char *chart,
                       const char *path, char *errbuf)
{
	struct sbuf svg = {0}, out = {0};
	size_t i;
	double height;
	err_t e = chart_find(r, chart, &i);
	if (e != ERR_OK) {
		unknown_chart(r, chart, errbuf);
		return e;
	}
	e = chart_measure(r, lang, i, CHART_SVG_WIDTH, &height);
	if (e == ERR_OK)
		e = svg_draw(r, lang, i, height, &svg);
	if (e == ERR_OK)
		e = svg_annotate(r, lang, i, &svg, &out);
	if (e == ERR_OK)
		e = write_file(path, out.p, out.n, errbuf);
	else
		snprintf(errbuf, ERRBUF_MAX, "cannot draw the chart \"%s\": %s", chart, err_str(e));
	free(svg.p);
	free(out.p);
	return e;
}

err_t report_render_svg(const struct report *r, enum report_lang lang, FILE *out, const char *path,
                        char *errbuf)
{
	(void)out;
	if (!path) {
		snprintf(errbuf, ERRBUF_MAX, "the svg format writes a file: give --out FILE");
		return ERR_INVALID;
	}
	return report_chart_svg(r, lang, "main", path, errbuf);
}
