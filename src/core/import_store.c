/*
 * import_store.c - where checked rows wait to be written: an arena for their
 * strings (few large blocks instead of a malloc per cell), string maps for
 * ids and interned codes, and row arrays.  Every one is capped.
 */
#include <stdlib.h>
#include <string.h>

#include "core/import_internal.h"

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	struct arena_block *b = a->head;
	char *out;
	if (!b || b->cap - b->used < len + 1) {
		size_t cap = len + 1 > IMPORT_ARENA_BLOCK ? len + 1 : IMPORT_ARENA_BLOCK;
		if (a->total + cap > IMPORT_ARENA_MAX)
			return NULL;
		b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
		a->total += cap;
	}
	out = b->data + b->used;
	if (len)
		memcpy(out, s, len);
	out[len] = '\0';
	b->used += len + 1;
	return out;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head, *next;
	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->total = 0;
}

/* FNV-1a, 64 bits: keys are ids and codes, not chosen by an attacker who
 * gains anything from collisions beyond a slower import. */
static uint64_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t probe(const struct strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;
	while (m->v[i].key && (m->v[i].hash != h || strcmp(m->v[i].key, key) != 0))
		i = (i + 1) & mask;
	return i;
}

int strmap_get(const struct strmap *m, const char *key, size_t *value)
{
	size_t i;
	if (m->n == 0)
		return 0;
	i = probe(m, key, hash_str(key));
	if (!m->v[i].key)
		return 0;
	*value = m->v[i].value;
	return 1;
}

static err_t grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct strmap_entry *old = m->v;
	size_t oldcap = m->cap;
	m->v = calloc(cap, sizeof *m->v);
	if (!m->v) {
		m->v = old;
		return ERR_NOMEM;
	}
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			m->v[probe(m, old[i].key, old[i].hash)] = old[i];
	free(old);
	return ERR_OK;
}

err_t strmap_put(struct strmap *m, const char *key, size_t value, size_t *existing)
{
	uint64_t h = hash_str(key);
	size_t i;
	err_t e;
	if (m->n >= IMPORT_ROWS_MAX)
		return ERR_LIMIT;
	if ((m->n + 1) * 2 > m->cap && (e = grow(m)) != ERR_OK)
		return e;
	i = probe(m, key, h);
	if (m->v[i].key) {
		if (existing)
			*existing = m->v[i].value;
		return ERR_CONFLICT;
	}
	m->v[i] = (struct strmap_entry){key, h, value};
	m->n++;
	return ERR_OK;
}

void strmap_free(struct strmap *m)
{
	free(m->v);
	*m = (struct strmap){0};
}

void *rows_push(struct rows *r)
{
	char *slot;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		void *v;
		if (r->n >= IMPORT_ROWS_MAX)
			return NULL;
		if (cap > IMPORT_ROWS_MAX)
			cap = IMPORT_ROWS_MAX;
		v = realloc(r->v, cap * r->size);
		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	slot = (char *)r->v + r->n * r->size;
	memset(slot, 0, r->size);
	r->n++;
	return slot;
}

void rows_free(struct rows *r)
{
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}
