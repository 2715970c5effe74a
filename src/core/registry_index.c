/*
 * registry_index.c - blind index lookups (docs/internals/blind-index.md):
 * the candidate persons for a name or a document number, never decrypting.
 */
#include <stdlib.h>

#include "core/blindidx.h"
#include "core/registry_internal.h"
#include "db/queries.h"

#define CANDIDATES_MAX 100000

/* The sorted person ids holding index value (field, value). */
static err_t lookup(registry *r, int64_t field, int64_t value, int64_t **ids, size_t *n)
{
	db_stmt *st = NULL;
	size_t cap = 0;
	int rc = DB_DONE;
	err_t e = db_prepare(r->db, Q_INDEX_LOOKUP, &st);
	*ids = NULL;
	*n = 0;
	if (e == ERR_OK && (e = db_bind_int(st, 1, field)) == ERR_OK)
		e = db_bind_int(st, 2, value);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			int64_t *v = cap < CANDIDATES_MAX ? realloc(*ids, (cap ? cap * 2 : 64) * sizeof *v) : NULL;
			if (!v) {
				e = cap < CANDIDATES_MAX ? ERR_NOMEM : ERR_LIMIT;
				break;
			}
			*ids = v;
			cap = cap ? cap * 2 : 64;
		}
		(*ids)[(*n)++] = db_col_int(st, 0);
	}
	if (e == ERR_OK && rc != DB_DONE)
		e = ERR_DB;
	db_finalize(st);
	if (e != ERR_OK) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return e;
}

/* Keeps in a[] only the ids also in b[] (both sorted). */
static size_t intersect(int64_t *a, size_t na, const int64_t *b, size_t nb)
{
	size_t i = 0, j = 0, k = 0;
	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			a[k++] = a[i];
			i++;
			j++;
		}
	}
	return k;
}

struct name_query {
	registry *r;
	int64_t *ids;
	size_t n;
	int first;
	err_t e;
};

static void narrow(const char *word, void *ctx)
{
	struct name_query *q = ctx;
	int64_t v = bidx_value(q->r->kr, BIDX_NAME, word), *more;
	size_t nmore;
	if (v < 0 || q->e != ERR_OK)
		return;
	if (q->first) {
		q->first = 0;
		q->e = lookup(q->r, BIDX_NAME, v, &q->ids, &q->n);
		return;
	}
	if ((q->e = lookup(q->r, BIDX_NAME, v, &more, &nmore)) == ERR_OK)
		q->n = intersect(q->ids, q->n, more, nmore);
	free(more);
}

err_t registry_name_candidates(registry *r, const char *query, int64_t **ids, size_t *n)
{
	struct name_query q = {.r = r, .first = 1};
	char words[BIDX_WORDS_MAX][256];
	size_t nw;
	bidx_words(query, words, &nw); /* only to refuse a query with no word */
	if (nw == 0)
		return ERR_INVALID;
	bidx_each_word(query, narrow, &q);
	if (q.e != ERR_OK) {
		free(q.ids);
		return q.e;
	}
	*ids = q.ids;
	*n = q.n;
	return ERR_OK;
}

err_t registry_document_candidates(registry *r, const char *query, int64_t **ids, size_t *n)
{
	int64_t v = bidx_value(r->kr, BIDX_DOCUMENT, query);
	if (v < 0)
		return ERR_INVALID;
	return lookup(r, BIDX_DOCUMENT, v, ids, n);
}
