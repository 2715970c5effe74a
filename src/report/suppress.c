/*
 * suppress.c - small-cell suppression for a published report (--public).
 *
 * Primary: every count from 1 to REPORT_SMALL_CELL-1 is hidden (zero is
 * shown: it reveals nobody).  Secondary: in every group of cells where one is
 * the total of the others (a [relation] of the definition such as
 * bar_legal_aid = court + investigation, each breakdown against its
 * indicator, in each year separately) a single hidden cell could be worked
 * out by subtraction, so a second one is hidden too: the smallest shown
 * non-zero part, or the total when no part is left.  A trend cell of Y or Y-1
 * is the indicator's own figure and is hidden with it.  The passes repeat
 * until nothing changes, since hiding in one group can expose another.
 * An amount is hidden with the count of the persons it was paid to (the
 * persons indicator of the same service, provider and phase): at a fixed
 * rate (700 AZN an allowance) the total would give the hidden count away.
 */
#include <stdlib.h>
#include <string.h>

#include "report/definition.h"

#define GROUP_MAX 512 /* cells in one group: a breakdown's rows and its total */

struct group {
	struct report_cell *cell[GROUP_MAX]; /* [0] is the total */
	size_t n;
};

static void primary(struct report_cell *c)
{
	if (c->v >= 1 && c->v < REPORT_SMALL_CELL)
		c->hidden = 1;
}

/* Hides a second cell when exactly one is hidden; returns 1 when it did. */
static int secondary(struct group *g)
{
	size_t hidden = 0, pick = 0;
	for (size_t i = 0; i < g->n; i++)
		hidden += g->cell[i]->hidden != 0;
	if (hidden != 1)
		return 0;
	for (size_t i = 1; i < g->n; i++) {
		struct report_cell *c = g->cell[i];
		if (!c->hidden && c->v > 0 && (!pick || c->v < g->cell[pick]->v))
			pick = i;
	}
	if (!pick && g->cell[0]->hidden)
		return 0; /* only the total is hidden and every part is zero: nothing to find */
	g->cell[pick]->hidden = 1;
	return 1;
}

static struct report_indicator *find(struct report *r, const char *id)
{
	return (struct report_indicator *)report_find(r, id);
}

/* One pass over the definition's relations, in year Y (prev = 0) or Y-1. */
static int relations(struct report *r, int prev)
{
	int changed = 0;
	for (size_t i = 0; r->def && i < r->def->n_rel; i++) {
		const struct def_relation *rel = &r->def->rel[i];
		struct report_indicator *x = find(r, rel->total);
		struct group g = {.n = 0};
		if (!x || x->unit != REPORT_PERSONS)
			continue;
		g.cell[g.n++] = prev ? &x->previous : &x->value;
		for (size_t j = 0; j < rel->n_parts && g.n < GROUP_MAX; j++)
			if ((x = find(r, rel->parts[j])) != NULL && x->unit == REPORT_PERSONS)
				g.cell[g.n++] = prev ? &x->previous : &x->value;
		changed |= secondary(&g);
	}
	return changed;
}

static int breakdowns(struct report *r, int prev)
{
	int changed = 0;
	for (size_t i = 0; i < r->n_breakdowns; i++) {
		struct report_breakdown *b = &r->breakdowns[i];
		struct report_indicator *x = find(r, b->indicator);
		struct group g = {.n = 0};
		if (!x)
			continue;
		g.cell[g.n++] = prev ? &x->previous : &x->value;
		for (size_t j = 0; j < b->n && g.n < GROUP_MAX; j++)
			g.cell[g.n++] = prev ? &b->rows[j].previous : &b->rows[j].value;
		changed |= secondary(&g);
	}
	return changed;
}

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The definition of money indicator m counts payments of the same service as
 * persons indicator p does. */
static int paid_to(const struct def_indicator *m, const struct def_indicator *p)
{
	return m->event == DEF_EV_SERVICE && p->event == DEF_EV_SERVICE &&
	       p->measure != DEF_M_SUM && same_text(m->service, p->service) &&
	       same_text(m->provider, p->provider) && same_text(m->phase, p->phase);
}

static int hide_with(struct report_cell *money, const struct report_cell *count)
{
	if (!count->hidden || money->hidden)
		return 0;
	money->hidden = 1;
	return 1;
}

/* Hides an amount wherever the count of its recipients is hidden. */
static int money_follows(struct report *r)
{
	int changed = 0;
	for (size_t i = 0; r->def && i < r->n_indicators; i++) {
		struct report_indicator *m = &r->indicators[i];
		const struct def_indicator *dm = def_find(r->def, m->id);
		if (m->unit != REPORT_MONEY || !dm)
			continue;
		for (size_t j = 0; j < r->n_indicators; j++) {
			const struct report_indicator *p = &r->indicators[j];
			const struct def_indicator *dp = def_find(r->def, p->id);
			if (p->unit != REPORT_PERSONS || !dp || !paid_to(dm, dp))
				continue;
			changed |= hide_with(&m->value, &p->value) | hide_with(&m->previous, &p->previous);
		}
	}
	return changed;
}

/* The trend's last two cells are the indicator's figures: hidden together. */
static int trend_sync(struct report *r)
{
	int changed = 0;
	for (size_t i = 0; i < r->n_trend; i++) {
		struct report_indicator *x = &r->indicators[r->trend[i].indicator];
		struct report_cell *pair[2][2] = {
			{&x->value, &r->trend[i].cells[REPORT_TREND_YEARS - 1]},
			{&x->previous, &r->trend[i].cells[REPORT_TREND_YEARS - 2]}};
		for (int k = 0; k < 2; k++)
			if (pair[k][0]->hidden != pair[k][1]->hidden) {
				pair[k][0]->hidden = pair[k][1]->hidden = 1;
				changed = 1;
			}
	}
	return changed;
}

void report_suppress(struct report *r)
{
	int changed;
	for (size_t i = 0; i < r->n_indicators; i++)
		if (r->indicators[i].unit == REPORT_PERSONS) {
			primary(&r->indicators[i].value);
			primary(&r->indicators[i].previous);
		}
	for (size_t i = 0; i < r->n_breakdowns; i++)
		for (size_t j = 0; j < r->breakdowns[i].n; j++) {
			primary(&r->breakdowns[i].rows[j].value);
			primary(&r->breakdowns[i].rows[j].previous);
		}
	for (size_t i = 0; i < r->n_trend; i++)
		if (r->indicators[r->trend[i].indicator].unit == REPORT_PERSONS)
			for (int k = 0; k < REPORT_TREND_YEARS; k++)
				primary(&r->trend[i].cells[k]);
	for (size_t i = 0; r->frozen && i < r->frozen->n_restated; i++)
		if (r->frozen->restated[i].unit == REPORT_PERSONS) {
			primary(&r->frozen->restated[i].approved);
			primary(&r->frozen->restated[i].now);
		}
	do {
		changed = relations(r, 0) | relations(r, 1) | breakdowns(r, 0) | breakdowns(r, 1) |
			  money_follows(r) | trend_sync(r);
	} while (changed);
	r->is_public = 1;
}
