/*
 * narrative.c - expands the definition's narrative templates with the figures
 * (narrative.h; the language is described in docs/internals/report.md).
 *
 * A placeholder is {FUNCTION:ARG:ARG|ALTERNATIVE|ALTERNATIVE}; alternatives
 * may hold further placeholders.  The same walker checks a template when the
 * definition is loaded (no figures: every alternative is visited) and expands
 * it for a report (only the chosen alternative is).  Whether a number opens a
 * sentence is read from the text written so far, so templates need not say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/narrative.h"
#include "report/rbuf.h"
#include "report/words.h"

#define FIELDS_MAX 4
#define ALTS_MAX 3

struct nctx {
	const struct report_def *d;
	const struct report *r; /* NULL: checking the template only */
	enum report_lang lang;
	struct rbuf *out;
	char *msg;
	size_t msglen;
	int depth;
};

/* A placeholder split into its head fields and its alternatives (borrowed
 * slices of the template). */
struct slice {
	const char *s;
	size_t n;
};
struct placeholder {
	struct slice field[FIELDS_MAX];
	size_t n_fields;
	struct slice alt[ALTS_MAX];
	size_t n_alts;
	struct slice whole;
};

static err_t fail(struct nctx *c, const struct placeholder *ph, const char *what)
{
	snprintf(c->msg, c->msglen, "{%.*s}: %s", (int)(ph->whole.n > 80 ? 80 : ph->whole.n),
		 ph->whole.s, what);
	return ERR_INVALID;
}

static int is(const struct slice *s, const char *word)
{
	return s->n == strlen(word) && memcmp(s->s, word, s->n) == 0;
}

static err_t expand(struct nctx *c, const char *s, size_t n);

/* ---- splitting ------------------------------------------------------------------ */

/* The offset of the '}' closing the '{' at s[0], or 0 when there is none. */
static size_t closing(const char *s, size_t n)
{
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth == 0)
			return i;
	}
	return 0;
}

/* Splits the body between the braces at top-level '|', and the head at ':'. */
static err_t split(struct nctx *c, const char *body, size_t n, struct placeholder *ph)
{
	size_t start = 0, nparts = 0;
	int depth = 0;
	struct slice parts[ALTS_MAX + 1];
	*ph = (struct placeholder){.whole = {body, n}};
	for (size_t i = 0; i <= n; i++) {
		if (i < n && body[i] == '{')
			depth++;
		else if (i < n && body[i] == '}')
			depth--;
		if (i < n && (depth > 0 || body[i] != '|'))
			continue;
		if (nparts == ALTS_MAX + 1)
			return fail(c, ph, "too many alternatives");
		parts[nparts++] = (struct slice){body + start, i - start};
		start = i + 1;
	}
	for (size_t i = 1; i < nparts; i++)
		ph->alt[ph->n_alts++] = parts[i];
	start = 0;
	for (size_t i = 0; i <= parts[0].n; i++) {
		if (i < parts[0].n && parts[0].s[i] == '{')
			return fail(c, ph, "a placeholder's name cannot hold another placeholder");
		if (i < parts[0].n && parts[0].s[i] != ':')
			continue;
		if (ph->n_fields == FIELDS_MAX)
			return fail(c, ph, "too many ':' fields");
		ph->field[ph->n_fields++] = (struct slice){parts[0].s + start, i - start};
		start = i + 1;
	}
	return ERR_OK;
}

/* ---- figures ------------------------------------------------------------------- */

/* Resolves field k to an indicator: in the report when expanding, in the
 * definition when checking.  *money tells its unit. */
static err_t indicator(struct nctx *c, const struct placeholder *ph, size_t k,
		       const struct report_indicator **out, int *money)
{
	char id[REPORT_ID_MAX];
	if (k >= ph->n_fields || ph->field[k].n == 0 || ph->field[k].n >= sizeof id)
		return fail(c, ph, "an indicator id is missing");
	memcpy(id, ph->field[k].s, ph->field[k].n);
	id[ph->field[k].n] = '\0';
	if (c->r) {
		*out = report_find(c->r, id);
		if (!*out) { /* an indicator added since the year was approved */
			fail(c, ph, "this report has no such indicator");
			return ERR_NOT_FOUND;
		}
		*money = (*out)->unit == REPORT_MONEY;
		return ERR_OK;
	}
	const struct def_indicator *x = def_find(c->d, id);
	if (!x)
		return fail(c, ph, "no indicator of that id is defined");
	*out = NULL;
	*money = x->measure == DEF_M_SUM;
	return ERR_OK;
}

/* 1 when the text written so far ends a sentence (or nothing is written). */
static int sentence_start(const struct nctx *c)
{
	const char *s = rbuf_str(c->out);
	size_t n = c->out->len;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		n--;
	return n == 0 || s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?';
}

static err_t put_count(struct nctx *c, const struct report_cell *cell)
{
	char num[REPORT_NUM_MAX];
	if (cell->hidden) {
		if (c->lang == REPORT_AZ)
			return rbuf_puts(c->out, "5-dən az");
		return rbuf_puts(c->out, sentence_start(c) ? "Fewer than five" : "fewer than five");
	}
	words_count(cell->v, c->lang, sentence_start(c), num, sizeof num);
	return rbuf_puts(c->out, num);
}

static err_t put_compare(struct nctx *c, const struct report_indicator *x, enum words_since since)
{
	char text[WORDS_PHRASE_MAX], year[REPORT_NUM_MAX];
	if (x->value.hidden || x->previous.hidden) {
		report_format_year(c->r->previous_year, c->lang, year);
		if (c->lang == REPORT_AZ)
			return rbuf_printf(c->out, "%s illə müqayisə kiçik rəqəmlər açıqlanmadığı üçün "
					   "verilmir", year);
		return rbuf_printf(c->out, "not compared with %s, as small numbers are not published",
				   year);
	}
	words_compare(c->lang, x->unit == REPORT_MONEY ? x->currency : NULL, x->value.v,
		      x->previous.v, c->r->previous_year, since, text, sizeof text);
	return rbuf_puts(c->out, text);
}

/* ---- functions ------------------------------------------------------------------ */

/* {year}, {prev}, {year:ord}, {prev:ord}. */
static err_t fn_year(struct nctx *c, const struct placeholder *ph, int previous)
{
	char text[REPORT_NUM_MAX];
	int ord = ph->n_fields == 2 && is(&ph->field[1], "ord");
	if (ph->n_alts || (ph->n_fields == 2 && !ord) || ph->n_fields > 2)
		return fail(c, ph, "takes no argument but 'ord'");
	if (!c->r)
		return ERR_OK;
	int y = previous ? c->r->previous_year : c->r->year;
	if (ord)
		report_format_year(y, c->lang, text);
	else
		snprintf(text, sizeof text, "%d", y);
	return rbuf_puts(c->out, text);
}

/* {n:ID}, {n:ID:prev}, {m:ID}, {m:ID:prev}, {per:ID}. */
static err_t fn_number(struct nctx *c, const struct placeholder *ph, char kind)
{
	const struct report_indicator *x;
	char text[REPORT_NUM_MAX];
	int money, prev = ph->n_fields == 3 && is(&ph->field[2], "prev");
	err_t e = indicator(c, ph, 1, &x, &money);
	if (e != ERR_OK)
		return e;
	if (ph->n_alts || ph->n_fields > 3 || (ph->n_fields == 3 && (!prev || kind == 'p')))
		return fail(c, ph, "takes an indicator id, then optionally 'prev'");
	if (money != (kind != 'n'))
		return fail(c, ph, money ? "a money indicator is written with {m:ID}"
					 : "{m:..} and {per:..} need a money indicator");
	if (!c->r)
		return ERR_OK;
	if (kind == 'n')
		return put_count(c, prev ? &x->previous : &x->value);
	if (kind == 'm') {
		words_money(prev ? x->previous.v : x->value.v, c->lang, text, sizeof text);
		return rbuf_puts(c->out, text);
	}
	if (x->per_person_min < 0 || x->per_person_min != x->per_person_max)
		return fail(c, ph, "recipients got different amounts: use {per:..} only inside "
				   "{if:uniform:ID|..}");
	words_money(x->per_person_min, c->lang, text, sizeof text);
	return rbuf_puts(c->out, text);
}

/* {cmp:ID} ("than in 2023"), {cmp:ID:previous} ("than in the previous year"). */
static err_t fn_compare(struct nctx *c, const struct placeholder *ph)
{
	const struct report_indicator *x;
	int money, previous = ph->n_fields == 3 && is(&ph->field[2], "previous");
	err_t e = indicator(c, ph, 1, &x, &money);
	if (e != ERR_OK)
		return e;
	if (ph->n_alts || ph->n_fields > 3 || (ph->n_fields == 3 && !previous))
		return fail(c, ph, "takes an indicator id, then optionally 'previous'");
	if (!c->r)
		return ERR_OK;
	return put_compare(c, x, previous ? WORDS_SINCE_PREVIOUS : WORDS_SINCE_YEAR);
}

/* Evaluates the condition of {if:COND:..} or {pl:ID}: 1 true, 0 false; when
 * checking, *truth is left alone. */
static err_t condition(struct nctx *c, const struct placeholder *ph, size_t at, int *truth)
{
	const struct slice *what = &ph->field[at];
	const struct report_indicator *x = NULL, *y = NULL;
	int money, money2;
	size_t want = is(what, "eq") ? 2 : 1;
	err_t e;
	if (!is(what, "one") && !is(what, "zero") && !is(what, "eq") && !is(what, "uniform") &&
	    !is(what, "shown"))
		return fail(c, ph, "the condition is one of one, zero, eq, uniform, shown");
	if (ph->n_fields != at + 1 + want)
		return fail(c, ph, "the condition has the wrong number of indicator ids");
	if ((e = indicator(c, ph, at + 1, &x, &money)) != ERR_OK ||
	    (want == 2 && (e = indicator(c, ph, at + 2, &y, &money2)) != ERR_OK))
		return e;
	if (is(what, "uniform") && !money)
		return fail(c, ph, "'uniform' needs a money indicator");
	if (!c->r)
		return ERR_OK;
	if (is(what, "one"))
		*truth = !x->value.hidden && x->value.v == 1;
	else if (is(what, "zero"))
		*truth = !x->value.hidden && x->value.v == 0;
	else if (is(what, "eq"))
		*truth = !x->value.hidden && !y->value.hidden && x->value.v == y->value.v;
	else if (is(what, "uniform"))
		*truth = x->per_person_min >= 0 && x->per_person_min == x->per_person_max;
	else
		*truth = !x->value.hidden && !x->previous.hidden;
	return ERR_OK;
}

/* {pl:ID|singular|plural} and {if:COND|then} / {if:COND|then|else}. */
static err_t fn_choose(struct nctx *c, const struct placeholder *ph, int plural_form)
{
	int truth = 0;
	err_t e;
	if (plural_form) {
		if (ph->n_fields != 2 || ph->n_alts != 2)
			return fail(c, ph, "is written {pl:ID|singular|plural}");
		struct placeholder as_if = *ph;
		as_if.field[0] = (struct slice){"one", 3};
		as_if.field[1] = ph->field[1];
		as_if.field[2] = (struct slice){NULL, 0};
		as_if.n_fields = 2;
		if ((e = condition(c, &as_if, 0, &truth)) != ERR_OK)
			return e;
	} else {
		if (ph->n_fields < 2 || ph->n_alts < 1 || ph->n_alts > 2)
			return fail(c, ph, "is written {if:CONDITION:ID|then} or {if:CONDITION:ID|then|else}");
		if ((e = condition(c, ph, 1, &truth)) != ERR_OK)
			return e;
	}
	if (!c->r) { /* checking: every branch */
		for (size_t i = 0; i < ph->n_alts; i++)
			if ((e = expand(c, ph->alt[i].s, ph->alt[i].n)) != ERR_OK)
				return e;
		return ERR_OK;
	}
	if (truth)
		return expand(c, ph->alt[0].s, ph->alt[0].n);
	return ph->n_alts == 2 ? expand(c, ph->alt[1].s, ph->alt[1].n) : ERR_OK;
}

static err_t placeholder(struct nctx *c, const char *body, size_t n)
{
	struct placeholder ph;
	err_t e = split(c, body, n, &ph);
	const struct slice *f = &ph.field[0];
	if (e != ERR_OK)
		return e;
	if (is(f, "year") || is(f, "prev"))
		return fn_year(c, &ph, is(f, "prev"));
	if (is(f, "n") || is(f, "m") || is(f, "per"))
		return fn_number(c, &ph, is(f, "n") ? 'n' : is(f, "m") ? 'm' : 'p');
	if (is(f, "cmp"))
		return fn_compare(c, &ph);
	if (is(f, "pl") || is(f, "if"))
		return fn_choose(c, &ph, is(f, "pl"));
	return fail(c, &ph, "unknown placeholder (year, prev, n, m, per, cmp, pl, if)");
}

static err_t expand(struct nctx *c, const char *s, size_t n)
{
	err_t e = ERR_OK;
	if (++c->depth > NARRATIVE_DEPTH_MAX) {
		snprintf(c->msg, c->msglen, "placeholders nested deeper than %d", NARRATIVE_DEPTH_MAX);
		return ERR_LIMIT;
	}
	for (size_t i = 0; i < n && e == ERR_OK;) {
		size_t run = 0, end;
		while (i + run < n && s[i + run] != '{' && s[i + run] != '}')
			run++;
		if (run) {
			e = rbuf_add(c->out, s + i, run);
			i += run;
			continue;
		}
		if (s[i] == '}' || (end = closing(s + i, n - i)) == 0) {
			snprintf(c->msg, c->msglen, "unbalanced braces near \"%.40s\"", s + i);
			e = ERR_INVALID;
			break;
		}
		e = placeholder(c, s + i + 1, end - 1);
		i += end + 1;
	}
	c->depth--;
	if (e == ERR_NOMEM || e == ERR_LIMIT)
		if (!c->msg[0])
			snprintf(c->msg, c->msglen, "a paragraph longer than %d bytes",
				 NARRATIVE_PARAGRAPH_MAX);
	return e;
}

err_t narrative_check(const struct report_def *d, const char *tmpl, char *msg, size_t len)
{
	struct rbuf scratch;
	struct nctx c = {.d = d, .out = &scratch, .msg = msg, .msglen = len};
	err_t e;
	rbuf_init(&scratch, NARRATIVE_PARAGRAPH_MAX);
	msg[0] = '\0';
	e = expand(&c, tmpl, strlen(tmpl));
	rbuf_free(&scratch);
	return e;
}

err_t report_narrative(const struct report *r, enum report_lang lang, char ***out, size_t *n,
		       char *errbuf)
{
	const struct report_def *d = r->def;
	char **paras = calloc(d->n_para[lang] ? d->n_para[lang] : 1, sizeof *paras);
	char msg[256] = "";
	size_t k = 0, kept = 0;
	err_t e = paras ? ERR_OK : ERR_NOMEM;
	for (; e == ERR_OK && k < d->n_para[lang]; k++) {
		struct rbuf b;
		struct nctx c = {.d = d, .r = r, .lang = lang, .out = &b, .msg = msg,
				 .msglen = sizeof msg};
		rbuf_init(&b, NARRATIVE_PARAGRAPH_MAX);
		e = expand(&c, d->para[lang][k], strlen(d->para[lang][k]));
		if (e == ERR_OK) {
			e = rbuf_take(&b, &paras[kept++]);
			continue;
		}
		rbuf_free(&b);
		/* an approved year's figures lack the indicators defined since:
		 * the paragraphs about them are no part of its report (the
		 * approval covers the figures it has) */
		if (e == ERR_NOT_FOUND && r->frozen) {
			e = ERR_OK;
			msg[0] = '\0';
		}
	}
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "narrative paragraph %zu (%s): %s", k,
			 lang == REPORT_AZ ? "az" : "en", msg[0] ? msg : err_str(e));
		report_paragraphs_free(paras, kept);
		return e;
	}
	*out = paras;
	*n = kept;
	return ERR_OK;
}

void report_paragraphs_free(char **p, size_t n)
{
	if (!p)
		return;
	for (size_t i = 0; i < n; i++)
		free(p[i]);
	free(p);
}
