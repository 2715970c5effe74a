/*
 * duplicates.c - probable duplicates among the person records (duplicates.h).
 *
 * Three passes.  The blind index narrows: every person's document value and
 * each pair of its name-word values make a bucket, and the persons that share
 * a bucket with another are the candidates.  The candidates are decrypted and
 * reduced to fingerprints (keyed BLAKE2b under a key drawn for this run only,
 * so a fingerprint means nothing outside it) of the normalised document number
 * and of the family and given names' skeletons, with the birth date's range.
 * Equal fingerprints (and, for names, the same sex and agreeing birth dates)
 * join records in a union-find; the clusters give the counts.
 *
 * Why pairs of name words: a one-word bucket holds population / 256 persons
 * (every record would be a candidate); two records of one person share the
 * buckets of their given and family names, which hold about population /
 * 65,536.  The one match this misses is a person whose given and family names
 * fall in one 8-bit value and whose two records differ in having a
 * patronymic (about one such pair in 256); the document number still finds it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/blindidx.h"
#include "core/duplicates.h"
#include "db/queries.h"
#include "util/crypto.h"
#include "util/date.h"
#include "util/normalize.h"

#define FP_BYTES 16
#define RECORDS_MAX (1u << 24) /* person records in one run */
#define SEX_MAX 16

enum { HAS_DOC = 1, HAS_NAME = 2 };

/* One person record, as far as the comparison needs it. */
struct rec {
	int64_t id;
	int64_t lo, hi; /* birth date range, DATE_NONE when unknown */
	unsigned char doc[FP_BYTES], name[FP_BYTES];
	uint32_t parent; /* union-find */
	uint16_t agency; /* index into run.agency */
	uint8_t has;     /* HAS_DOC | HAS_NAME */
	char sex[SEX_MAX];
	char ref[RECORD_REF_MAX + 1];
};

/* A blocking key and the person in its bucket. */
struct block {
	int64_t key, id;
};

struct run {
	registry *r;
	unsigned char key[crypto_generichash_KEYBYTES]; /* for this run's fingerprints */
	int64_t *cand;
	size_t ncand;
	struct block *blocks;
	size_t nblocks, capblocks;
	struct rec *rec;
	size_t nrec, caprec;
	char (*agency)[DUP_AGENCY_MAX + 1];
	size_t nagency;
	int64_t decrypted;
};

/* Makes room for one more element of `size` bytes in *v (capacity *cap). */
static err_t grow(void *v, size_t *cap, size_t n, size_t size, size_t max)
{
	void **p = v, *more;
	size_t want = *cap ? *cap * 2 : 256;
	if (n < *cap)
		return ERR_OK;
	if (n >= max)
		return ERR_LIMIT;
	if (!(more = realloc(*p, want * size)))
		return ERR_NOMEM;
	*p = more;
	*cap = want;
	return ERR_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_block(const void *a, const void *b)
{
	const struct block *x = a, *y = b;
	int c = cmp_i64(&x->key, &y->key);
	return c ? c : cmp_i64(&x->id, &y->id);
}

/* ---- pass 1: blind index buckets ----------------------------------------- */

static err_t add_block(struct run *u, int64_t key, int64_t id)
{
	err_t e = grow(&u->blocks, &u->capblocks, u->nblocks, sizeof *u->blocks, RECORDS_MAX * 64u);
	if (e == ERR_OK)
		u->blocks[u->nblocks++] = (struct block){key, id};
	return e;
}

/* The buckets of one person: its document value, and each pair of its name
 * values (or its one name value). */
static err_t add_person_blocks(struct run *u, int64_t id, int64_t doc, int64_t *names, size_t n)
{
	err_t e = doc >= 0 ? add_block(u, (1LL << 32) | doc, id) : ERR_OK;
	qsort(names, n, sizeof *names, cmp_i64);
	if (e == ERR_OK && n == 1)
		e = add_block(u, (3LL << 32) | names[0], id);
	for (size_t i = 0; e == ERR_OK && i < n; i++)
		for (size_t j = i + 1; e == ERR_OK && j < n; j++)
			e = add_block(u, (2LL << 32) | (names[i] << 16) | names[j], id);
	return e;
}

static err_t read_blocks(struct run *u)
{
	int64_t cur = -1, doc = -1, names[BIDX_WORDS_MAX];
	size_t nn = 0;
	db_stmt *st = NULL;
	int rc = DB_DONE;
	err_t e = db_prepare(registry_db(u->r), Q_DUP_INDEX, &st);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0), field = db_col_int(st, 1), value = db_col_int(st, 2);
		if (value < 0 || value >= (1 << BIDX_BITS)) {
			e = ERR_DB; /* no index value is this wide: a damaged database */
			break;
		}
		if (id != cur) {
			if (cur >= 0)
				e = add_person_blocks(u, cur, doc, names, nn);
			cur = id;
			doc = -1;
			nn = 0;
		}
		if (field == BIDX_DOCUMENT)
			doc = value;
		else if (field == BIDX_NAME && nn < BIDX_WORDS_MAX)
			names[nn++] = value;
	}
	if (e == ERR_OK && rc != DB_DONE)
		e = ERR_DB;
	if (e == ERR_OK && cur >= 0)
		e = add_person_blocks(u, cur, doc, names, nn);
	db_finalize(st);
	return e;
}

/* The persons that share a bucket with another person, sorted, distinct. */
static err_t find_candidates(struct run *u)
{
	size_t n = 0, cap = 0;
	err_t e = read_blocks(u);
	if (e != ERR_OK)
		return e;
	if (u->nblocks) /* qsort and bsearch take no NULL array, even empty */
		qsort(u->blocks, u->nblocks, sizeof *u->blocks, cmp_block);
	for (size_t i = 0; e == ERR_OK && i < u->nblocks; i++) {
		int shared = (i > 0 && u->blocks[i - 1].key == u->blocks[i].key) ||
			     (i + 1 < u->nblocks && u->blocks[i + 1].key == u->blocks[i].key);
		if (shared && (e = grow(&u->cand, &cap, n, sizeof *u->cand, RECORDS_MAX * 64u)) == ERR_OK)
			u->cand[n++] = u->blocks[i].id;
	}
	if (n)
		qsort(u->cand, n, sizeof *u->cand, cmp_i64);
	u->ncand = 0;
	for (size_t i = 0; i < n; i++)
		if (u->ncand == 0 || u->cand[u->ncand - 1] != u->cand[i])
			u->cand[u->ncand++] = u->cand[i];
	free(u->blocks);
	u->blocks = NULL;
	return e;
}

/* ---- pass 2: decrypting the candidates ------------------------------------ */

static void fingerprint(const struct run *u, char domain, const char *a, size_t alen,
			const char *b, size_t blen, unsigned char *out)
{
	crypto_generichash_state s;
	crypto_generichash_init(&s, u->key, sizeof u->key, FP_BYTES);
	crypto_generichash_update(&s, (const unsigned char *)&domain, 1);
	crypto_generichash_update(&s, (const unsigned char *)a, alen + 1); /* with its NUL */
	if (b)
		crypto_generichash_update(&s, (const unsigned char *)b, blen);
	crypto_generichash_final(&s, out, FP_BYTES);
	sodium_memzero(&s, sizeof s);
}

/* The skeleton of a whole name field (all its words run together). */
static size_t skeleton(const char *name, char *out)
{
	char folded[NORMALIZE_MAX];
	size_t n = normalize_name(name, folded);
	n = n ? normalize_skeleton(folded, out) : 0;
	sodium_memzero(folded, sizeof folded);
	return n;
}

/* Reduces the decrypted values to the record's fingerprints. */
static void reduce(const struct run *u, struct rec *x, const char *given, const char *family,
		   const char *birth, const char *doc)
{
	char a[NORMALIZE_MAX], b[NORMALIZE_MAX];
	size_t na, nb;
	int64_t lo, hi;
	x->lo = x->hi = DATE_NONE;
	if (birth && date_parse_partial(birth, &lo, &hi) == ERR_OK) {
		x->lo = lo;
		x->hi = hi;
	}
	if (doc && (na = normalize_document(doc, a)) > 0) {
		fingerprint(u, 'd', a, na, NULL, 0, x->doc);
		x->has |= HAS_DOC;
	}
	if (given && family && (na = skeleton(family, a)) > 0 && (nb = skeleton(given, b)) > 0) {
		fingerprint(u, 'n', a, na, b, nb, x->name);
		x->has |= HAS_NAME;
	}
	sodium_memzero(a, sizeof a);
	sodium_memzero(b, sizeof b);
}

static err_t decrypt_candidate(struct run *u, db_stmt *st, struct rec *x)
{
	static const char *const cols[] = {"given_name", "family_name", "birth_date",
					   "document_number"};
	char *v[4] = {0};
	err_t e = ERR_OK;
	for (int i = 0; e == ERR_OK && i < 4; i++)
		e = registry_open_col(u->r, st, 4 + i, "persons", x->ref, cols[i], &v[i]);
	if (e == ERR_OK)
		reduce(u, x, v[0], v[1], v[2], v[3]);
	for (int i = 0; i < 4; i++)
		crypto_plain_free(v[i]);
	u->decrypted++;
	return e;
}

static err_t intern_agency(struct run *u, const char *code, uint16_t *out)
{
	void *more;
	for (size_t i = 0; i < u->nagency; i++)
		if (strcmp(u->agency[i], code) == 0) {
			*out = (uint16_t)i;
			return ERR_OK;
		}
	if (u->nagency == DUP_AGENCIES_MAX)
		return ERR_LIMIT;
	if (!(more = realloc(u->agency, (u->nagency + 1) * sizeof *u->agency)))
		return ERR_NOMEM;
	u->agency = more;
	snprintf(u->agency[u->nagency], sizeof u->agency[0], "%s", code);
	*out = (uint16_t)u->nagency++;
	return ERR_OK;
}

static err_t read_record(struct run *u, db_stmt *st)
{
	const char *ref = db_col_text(st, 1), *sex = db_col_text(st, 2);
	const char *agency = db_col_text(st, 3);
	struct rec *x;
	err_t e = grow(&u->rec, &u->caprec, u->nrec, sizeof *u->rec, RECORDS_MAX);
	if (e != ERR_OK)
		return e;
	x = &u->rec[u->nrec];
	*x = (struct rec){.id = db_col_int(st, 0), .lo = DATE_NONE, .hi = DATE_NONE,
			  .parent = (uint32_t)u->nrec};
	snprintf(x->ref, sizeof x->ref, "%s", ref ? ref : "");
	snprintf(x->sex, sizeof x->sex, "%s", sex ? sex : "");
	if ((e = intern_agency(u, agency ? agency : "", &x->agency)) != ERR_OK)
		return e;
	u->nrec++;
	if (u->ncand && bsearch(&x->id, u->cand, u->ncand, sizeof *u->cand, cmp_i64))
		e = decrypt_candidate(u, st, x);
	return e;
}

static err_t read_records(struct run *u, int year)
{
	db_stmt *st = NULL;
	int rc = DB_DONE;
	err_t e = db_prepare(registry_db(u->r), Q_DUP_PERSONS, &st);
	if (e == ERR_OK && (e = db_bind_int(st, 1, year ? 1 : 0)) == ERR_OK &&
	    (e = db_bind_int(st, 2, year ? date_year_start(year) : 0)) == ERR_OK)
		e = db_bind_int(st, 3, year ? date_year_start(year + 1) : 0);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW)
		e = read_record(u, st);
	if (e == ERR_OK && rc != DB_DONE)
		e = ERR_DB;
	db_finalize(st);
	return e;
}

/* ---- pass 3: joining ------------------------------------------------------- */

static uint32_t find(struct rec *rec, uint32_t i)
{
	while (rec[i].parent != i) {
		rec[i].parent = rec[rec[i].parent].parent; /* halve the path */
		i = rec[i].parent;
	}
	return i;
}

static void unite(struct rec *rec, uint32_t a, uint32_t b)
{
	a = find(rec, a);
	b = find(rec, b);
	if (a != b)
		rec[a > b ? a : b].parent = a < b ? a : b; /* the older record is the root */
}

static int cmp_doc(const void *a, const void *b)
{
	return memcmp((*(struct rec *const *)a)->doc, (*(struct rec *const *)b)->doc, FP_BYTES);
}

/* Same name and sex first, then by birth date range. */
static int cmp_name(const void *a, const void *b)
{
	const struct rec *x = *(struct rec *const *)a, *y = *(struct rec *const *)b;
	int c = memcmp(x->name, y->name, FP_BYTES);
	if (!c)
		c = strcmp(x->sex, y->sex);
	if (!c)
		c = cmp_i64(&x->lo, &y->lo);
	return c ? c : cmp_i64(&x->hi, &y->hi);
}

static int same_person_key(const struct rec *x, const struct rec *y)
{
	return memcmp(x->name, y->name, FP_BYTES) == 0 && strcmp(x->sex, y->sex) == 0;
}

/* The records with `flag`, as pointers (for sorting). */
static err_t with_flag(struct run *u, int flag, struct rec ***out, size_t *n)
{
	struct rec **v = malloc((u->nrec ? u->nrec : 1) * sizeof *v);
	if (!v)
		return ERR_NOMEM;
	*n = 0;
	for (size_t i = 0; i < u->nrec; i++)
		if ((u->rec[i].has & flag) && (flag != HAS_NAME || u->rec[i].lo != DATE_NONE))
			v[(*n)++] = &u->rec[i];
	*out = v;
	return ERR_OK;
}

static err_t join_documents(struct run *u)
{
	struct rec **v;
	size_t n;
	err_t e = with_flag(u, HAS_DOC, &v, &n);
	if (e != ERR_OK)
		return e;
	qsort(v, n, sizeof *v, cmp_doc);
	for (size_t i = 1; i < n; i++)
		if (cmp_doc(&v[i - 1], &v[i]) == 0)
			unite(u->rec, (uint32_t)(v[i - 1] - u->rec), (uint32_t)(v[i] - u->rec));
	free(v);
	return ERR_OK;
}

/* Equal names and sex, and birth date ranges that overlap.  Sorted by the
 * range's start, a record overlaps the following ones up to the first that
 * starts after its end; a record with the same range as the one before it
 * is joined to it and needs no sweep of its own. */
static err_t join_names(struct run *u)
{
	struct rec **v;
	size_t n;
	err_t e = with_flag(u, HAS_NAME, &v, &n);
	if (e != ERR_OK)
		return e;
	qsort(v, n, sizeof *v, cmp_name);
	for (size_t g = 0; g < n; g++) {
		if (g > 0 && cmp_name(&v[g - 1], &v[g]) == 0) {
			unite(u->rec, (uint32_t)(v[g - 1] - u->rec), (uint32_t)(v[g] - u->rec));
			continue;
		}
		for (size_t h = g + 1; h < n && same_person_key(v[g], v[h]) && v[h]->lo <= v[g]->hi; h++)
			unite(u->rec, (uint32_t)(v[g] - u->rec), (uint32_t)(v[h] - u->rec));
	}
	free(v);
	return ERR_OK;
}

/* ---- the result ------------------------------------------------------------ */

static int cmp_agency_pair(const void *a, const void *b)
{
	const struct dup_agency_pair *x = a, *y = b;
	int c = strcmp(x->a, y->a);
	return c ? c : strcmp(x->b, y->b);
}

/* The records of the clusters of two or more, grouped by cluster (a
 * counting sort by root), each cluster in id order.  *out is malloc'd. */
static err_t cluster_members(const struct run *u, const uint32_t *root, const size_t *size,
			     uint32_t **out, size_t *n)
{
	size_t *start = calloc(u->nrec + 1, sizeof *start);
	uint32_t *v = malloc((u->nrec ? u->nrec : 1) * sizeof *v);
	if (!start || !v) {
		free(start);
		free(v);
		return ERR_NOMEM;
	}
	*n = 0;
	for (size_t i = 0; i < u->nrec; i++)
		if (size[root[i]] > 1) {
			start[root[i] + 1]++;
			(*n)++;
		}
	for (size_t i = 0; i < u->nrec; i++)
		start[i + 1] += start[i];
	for (size_t i = 0; i < u->nrec; i++)
		if (size[root[i]] > 1)
			v[start[root[i]]++] = (uint32_t)i;
	free(start);
	*out = v;
	return ERR_OK;
}

/* The non-zero cells of the agency matrix (m, n x n, upper triangle) as
 * the result's table, sorted by agency codes. */
static err_t agency_table(const struct run *u, const int64_t *m, struct dup_result *d)
{
	size_t na = u->nagency, cells = 0;
	for (size_t i = 0; i < na * na; i++)
		cells += m[i] != 0;
	if (!(d->agencies = calloc(cells ? cells : 1, sizeof *d->agencies)))
		return ERR_NOMEM;
	for (size_t i = 0; i < na; i++)
		for (size_t j = i; j < na; j++) {
			if (!m[i * na + j])
				continue;
			struct dup_agency_pair *p = &d->agencies[d->n_agencies++];
			int swap = strcmp(u->agency[i], u->agency[j]) > 0;
			snprintf(p->a, sizeof p->a, "%s", u->agency[swap ? j : i]);
			snprintf(p->b, sizeof p->b, "%s", u->agency[swap ? i : j]);
			p->pairs = m[i * na + j];
		}
	qsort(d->agencies, d->n_agencies, sizeof *d->agencies, cmp_agency_pair);
	return ERR_OK;
}

/* The pairs within each cluster, by the agencies of their two records: a
 * record pairs with each earlier record of its cluster (per[] counts those
 * by agency). */
static err_t count_agency_pairs(struct run *u, const uint32_t *root, const size_t *size,
				struct dup_result *d)
{
	size_t na = u->nagency, n = 0, k;
	uint32_t *v = NULL;
	int64_t *m = calloc(na ? na * na : 1, sizeof *m), *per = calloc(na ? na : 1, sizeof *per);
	err_t e = m && per ? cluster_members(u, root, size, &v, &n) : ERR_NOMEM;
	for (size_t i = 0; e == ERR_OK && i < n; i = k) {
		for (k = i; k < n && root[v[k]] == root[v[i]]; k++) {
			size_t a = u->rec[v[k]].agency;
			for (size_t b = 0; b < na; b++)
				if (per[b])
					m[a < b ? a * na + b : b * na + a] += per[b];
			per[a]++;
		}
		for (size_t j = i; j < k; j++)
			per[u->rec[v[j]].agency] = 0;
	}
	if (e == ERR_OK)
		e = agency_table(u, m, d);
	free(m);
	free(per);
	free(v);
	return e;
}

/* The clusters' references, in the order of their first record. */
static err_t list_clusters(struct run *u, const uint32_t *root, const size_t *size,
			   struct dup_result *d)
{
	int32_t *slot = malloc((u->nrec ? u->nrec : 1) * sizeof *slot);
	if (!slot || !(d->list = calloc(DUP_CLUSTERS_MAX, sizeof *d->list))) {
		free(slot);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < u->nrec; i++)
		slot[i] = -1;
	for (size_t i = 0; i < u->nrec; i++) {
		uint32_t r0 = root[i];
		if (size[r0] < 2)
			continue;
		if (slot[r0] < 0) {
			if (d->n_list == DUP_CLUSTERS_MAX) {
				d->truncated = 1;
				continue;
			}
			slot[r0] = (int32_t)d->n_list++;
			d->list[slot[r0]].n = size[r0];
		}
		struct dup_cluster *c = &d->list[slot[r0]];
		if (c->n_refs < DUP_CLUSTER_REFS_MAX)
			snprintf(c->refs[c->n_refs++], sizeof c->refs[0], "%s", u->rec[i].ref);
	}
	free(slot);
	return ERR_OK;
}

static err_t summarise(struct run *u, unsigned flags, struct dup_result *d)
{
	uint32_t *root = malloc((u->nrec ? u->nrec : 1) * sizeof *root);
	size_t *size = calloc(u->nrec ? u->nrec : 1, sizeof *size);
	err_t e = root && size ? ERR_OK : ERR_NOMEM;
	for (size_t i = 0; e == ERR_OK && i < u->nrec; i++)
		size[root[i] = find(u->rec, (uint32_t)i)]++;
	for (size_t i = 0; e == ERR_OK && i < u->nrec; i++) {
		if (!size[i])
			continue;
		d->persons++;
		d->pairs += (int64_t)size[i] * ((int64_t)size[i] - 1) / 2;
		d->clusters += size[i] > 1;
	}
	d->records = (int64_t)u->nrec;
	d->candidates = u->decrypted;
	if (e == ERR_OK)
		e = count_agency_pairs(u, root, size, d);
	if (e == ERR_OK && (flags & DUP_WITH_REFS))
		e = list_clusters(u, root, size, d);
	free(root);
	free(size);
	return e;
}

static void run_cleanup(struct run *u)
{
	sodium_memzero(u->key, sizeof u->key);
	if (u->rec)
		sodium_memzero(u->rec, u->caprec * sizeof *u->rec); /* fingerprints, birth dates */
	free(u->rec);
	free(u->cand);
	free(u->blocks);
	free(u->agency);
}

err_t duplicates_find(registry *r, int year, unsigned flags, struct dup_result **out)
{
	struct run u = {.r = r};
	struct dup_result *d = calloc(1, sizeof *d);
	err_t e = d ? ERR_OK : ERR_NOMEM;
	randombytes_buf(u.key, sizeof u.key);
	if (e == ERR_OK && (e = find_candidates(&u)) == ERR_OK &&
	    (e = read_records(&u, year)) == ERR_OK && (e = join_documents(&u)) == ERR_OK &&
	    (e = join_names(&u)) == ERR_OK)
		e = summarise(&u, flags, d);
	run_cleanup(&u);
	if (e != ERR_OK) {
		duplicates_free(d);
		return e;
	}
	*out = d;
	return ERR_OK;
}

void duplicates_free(struct dup_result *d)
{
	if (!d)
		return;
	free(d->agencies);
	free(d->list);
	free(d);
}
