/*
 * report.h - the National Coordinator's annual report (shared/spec/annual-report.md):
 * the figures computed from the records, and what renderers may ask of them.
 *
 * The pipeline is: a definition (report_def_load: which indicators, how each is
 * counted, the narrative's sentences; data, in src/report/definitions/annual.ini)
 * -> report_compute (aggregate SQL in the database, both years in one pass) ->
 * optionally report_suppress (--public) -> a renderer from report_formats[].
 * A frozen (approved) report is read back with report_freeze_load instead of
 * computed, and report_restate lists what the records now say differently.
 *
 * Renderers only render: they receive a struct report and never query the
 * database.  Every string in a struct report is owned by it (report_free);
 * `def` is borrowed and must outlive the report.
 */
#ifndef HAVEN_REPORT_H
#define HAVEN_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db/db.h"
#include "util/err.h"

#define REPORT_TREND_YEARS 5  /* the trend runs Y-4 .. Y */
#define REPORT_SMALL_CELL 5   /* --public: counts 1 .. REPORT_SMALL_CELL-1 print as "<5" */
#define REPORT_HIDDEN_TEXT "<5"        /* a hidden count */
#define REPORT_HIDDEN_MONEY_TEXT "x"   /* a hidden amount: the statistical mark for confidential */

/* What a hidden cell of this unit prints as. */
#define REPORT_HIDDEN(unit) ((unit) == REPORT_MONEY ? REPORT_HIDDEN_MONEY_TEXT : REPORT_HIDDEN_TEXT)
#define REPORT_HASH_HEX 65    /* BLAKE2b-256 in lower-case hex, and its NUL */
#define REPORT_ID_MAX 64      /* indicator and category ids */

enum report_lang { REPORT_EN, REPORT_AZ, REPORT_LANGS };

enum report_unit {
	REPORT_PERSONS, /* a count of distinct persons */
	REPORT_MONEY    /* a sum in minor units (qəpik); `currency` names the unit */
};

/* One figure.  `hidden` is set only by report_suppress: print REPORT_HIDDEN_TEXT. */
struct report_cell {
	int64_t v;
	int hidden;
};

struct report_indicator {
	char *id; /* stable: JSON keys, tests and tools use it */
	enum report_unit unit;
	char *currency;                /* "AZN" for money, NULL for persons */
	char *label[REPORT_LANGS];     /* "Victims identified (recognised)" */
	struct report_cell value;      /* year Y */
	struct report_cell previous;   /* year Y-1, same rule, same records */
	/* Money only: the least and the greatest total one recipient got in Y
	 * (-1 when nobody got anything), so that a sentence says "an allowance of
	 * 700 AZN" only when every recipient got exactly that. */
	int64_t per_person_min, per_person_max;
};

struct report_breakdown_row {
	char *category;            /* a code: "female", "child", "TUR", "unknown", ... */
	char *label[REPORT_LANGS]; /* "female" / "qadın" */
	struct report_cell value, previous;
};

struct report_breakdown {
	char *indicator;           /* id of the indicator broken down */
	char *dimension;           /* "sex", "age", "origin", "citizenship", "exploitation", "source" */
	char *label[REPORT_LANGS]; /* "by sex" / "cinsə görə" */
	int additive;              /* 1 when the rows add up to the indicator (not so for
				    * exploitation: one person may suffer several forms) */
	size_t n;
	struct report_breakdown_row *rows; /* largest first */
};

/* One main indicator over REPORT_TREND_YEARS years, first_year .. year. */
struct report_trend_row {
	size_t indicator; /* index into report.indicators */
	struct report_cell cells[REPORT_TREND_YEARS];
};

/* An approved figure the records now contradict. */
struct report_restatement {
	char *indicator;
	int year;                      /* Y or Y-1 */
	enum report_unit unit;
	struct report_cell approved, now; /* hidden only under --public */
};

struct report_frozen {
	int64_t frozen_at;         /* Unix seconds */
	char *definitions_version; /* the definitions the figures were computed with */
	char hash[REPORT_HASH_HEX];
	size_t n_restated;
	struct report_restatement *restated;
};

struct report_def;

struct report {
	char *report_id;           /* "annual" */
	int year, previous_year;
	char *definitions_version;
	char *title[REPORT_LANGS];
	size_t n_indicators;
	struct report_indicator *indicators; /* in the definition's order */
	size_t n_breakdowns;
	struct report_breakdown *breakdowns;
	int trend_first_year;      /* year - REPORT_TREND_YEARS + 1 */
	size_t n_trend;
	struct report_trend_row *trend;
	int is_public;             /* report_suppress has run */
	struct report_frozen *frozen; /* NULL: live figures */
	const struct report_def *def; /* borrowed: narrative templates and labels */
};

/* ---- definition (definition.c) ------------------------------------------ */

#define REPORT_DEF_EMBEDDED "report/definitions/annual.ini"
#define REPORT_DEF_MAX (1u << 20) /* a definition file larger than 1 MiB is refused */

/* Reads and checks a definition: the file at `path`, or the compiled-in
 * annual.ini when `path` is NULL.  Every problem is reported as "FILE:LINE:
 * what" in errbuf (ERRBUF_MAX).  The caller frees *out with report_def_free. */
err_t report_def_load(const char *path, struct report_def **out, char *errbuf);
void report_def_free(struct report_def *d); /* accepts NULL */
const char *report_def_version(const struct report_def *d); /* borrowed */

/* A label of the definition's [labels LANG] section ("change", "dim.sex",
 * "country.TUR", ...), or NULL when it has none.  Borrowed from the definition. */
const char *report_def_label(const struct report_def *d, enum report_lang lang, const char *key);

/* ---- figures (compute.c) -------------------------------------------------- */

/* Computes every indicator of `def` for `year` and year-1, the breakdowns and
 * the trend, with aggregate SQL on `d` (which it only reads).  The caller frees
 * *out with report_free; *out borrows `def`. */
err_t report_compute(db *d, const struct report_def *def, int year, struct report **out,
		     char *errbuf);
void report_free(struct report *r); /* accepts NULL */

/* The indicator with this id, or NULL.  Borrowed from r. */
const struct report_indicator *report_find(const struct report *r, const char *id);

/* ---- publication (suppress.c) -------------------------------------------- */

/* Small-cell suppression for publication: marks counts 1..4 hidden, then
 * hides further cells wherever a total and its other parts would reveal a
 * hidden one (the definition's [relation] sections, each breakdown against its
 * indicator, the trend against the indicator's own figures).  Money is not
 * suppressed.  Sets r->is_public. */
void report_suppress(struct report *r);

/* ---- approval (freeze.c) ---------------------------------------------------- */

/* Stores r (live, unsuppressed figures) as the approved report of its year:
 * the figures as canonical JSON, the definitions' version and digest, the time
 * and a BLAKE2b-256 hash over them.  A year is frozen once: a second freeze
 * answers ERR_CONFLICT.  On success fills r->frozen. */
err_t report_freeze(db *d, struct report *r, char *errbuf);
/* The same inside the caller's open transaction (db_begin), so that the
 * caller's audit entry commits with the approval or neither does. */
err_t report_freeze_in(db *d, struct report *r, char *errbuf);

/* Reads the approved report of `year` back, checking its hash (ERR_CRYPTO
 * when the stored figures were altered).  ERR_NOT_FOUND when the year was
 * never frozen.  The caller frees *out with report_free; it borrows `def`. */
err_t report_freeze_load(db *d, const struct report_def *def, int year, struct report **out,
			 char *errbuf);

/* Fills frozen->frozen->restated with every indicator figure (Y and Y-1) on
 * which `live` now differs.  Call before report_suppress. */
err_t report_restate(struct report *frozen, const struct report *live);

/* The report of `year` as `haven report` shows it: when the year was approved
 * (and `live` is 0), the approved figures with their restatements; else
 * today's figures.  The caller frees *out with report_free; it borrows `def`. */
err_t report_for_year(db *d, const struct report_def *def, int year, int live,
		      struct report **out, char *errbuf);

/* ---- words (words.c): numbers as the renderers print them ----------------- */

#define REPORT_NUM_MAX 64

/* A cell in a table: "5,050" (en) or "5 050" (az); money as "5,050" or
 * "5,050.50" (az "5 050,50"); REPORT_HIDDEN_TEXT when hidden.  buf holds
 * REPORT_NUM_MAX bytes. */
void report_format_cell(const struct report_cell *c, enum report_unit unit, enum report_lang lang,
			char *buf);

/* The change from `prev` to `cur` as national reports print it: "−10"
 * (U+2212), "+5", "no change" / "dəyişməyib"; "" when either is hidden. */
void report_format_change(const struct report_cell *cur, const struct report_cell *prev,
			  enum report_unit unit, enum report_lang lang, char *buf);

/* "2024" with its Azerbaijani ordinal suffix ("2024-cü"), or just "2024" in
 * English.  buf holds REPORT_NUM_MAX bytes. */
void report_format_year(int year, enum report_lang lang, char *buf);

/* ---- narrative (narrative.c) ---------------------------------------------- */

/* Writes the narrative paragraphs of r in `lang` from the definition's
 * templates.  *out is a malloc'd array of *n malloc'd strings, freed with
 * report_paragraphs_free. */
err_t report_narrative(const struct report *r, enum report_lang lang, char ***out, size_t *n,
		       char *errbuf);
void report_paragraphs_free(char **p, size_t n); /* accepts NULL */

/* ---- renderers (render.c, render_*.c) ------------------------------------- */

/*
 * A text renderer writes to `out` (path is NULL or the --out file's name); a
 * binary one (binary = 1, which needs --out) gets out == NULL and writes the
 * file at `path` itself.  Each writes one line of explanation into errbuf on
 * failure.
 */
typedef err_t (*report_render_fn)(const struct report *r, enum report_lang lang, FILE *out,
				  const char *path, char *errbuf);

struct report_format {
	const char *name; /* --format NAME */
	report_render_fn render;
	int binary;
};

/* Every format, ending with an entry whose name is NULL (render.c).  A new
 * format is one more line there. */
extern const struct report_format report_formats[];
const struct report_format *report_format_find(const char *name);

err_t report_render_text(const struct report *r, enum report_lang lang, FILE *out,
			 const char *path, char *errbuf);
err_t report_render_markdown(const struct report *r, enum report_lang lang, FILE *out,
			     const char *path, char *errbuf);
err_t report_render_json(const struct report *r, enum report_lang lang, FILE *out,
			 const char *path, char *errbuf);
err_t report_render_csv(const struct report *r, enum report_lang lang, FILE *out,
			const char *path, char *errbuf);
/* Binary formats (render_xlsx.c, render_pdf.c, chart.c): each writes the file
 * at `path` and ignores `out`. */
err_t report_render_xlsx(const struct report *r, enum report_lang lang, FILE *out,
			 const char *path, char *errbuf);
err_t report_render_pdf(const struct report *r, enum report_lang lang, FILE *out,
			const char *path, char *errbuf);
err_t report_render_svg(const struct report *r, enum report_lang lang, FILE *out,
			const char *path, char *errbuf);

#endif
