/*
 * blindidx.c - index values and the match check of blindidx.h.
 */
#include <string.h>

#include <sodium.h>

#include "core/blindidx.h"
#include "util/normalize.h"

#define KDF_CONTEXT_FIELD "HAVENfld"

/* The keyed, truncated hash of a normalised form under its field's key. */
static int64_t hash_form(const keyring *kr, enum bidx_field field, const char *form, size_t len)
{
	unsigned char key[32], h[8];
	const unsigned char *root = keyring_subkey(kr, keyring_current_id(kr), KEY_INDEX);
	uint64_t v = 0;
	if (!root || len == 0 ||
	    crypto_kdf_derive_from_key(key, sizeof key, field, KDF_CONTEXT_FIELD, root) != 0)
		return -1;
	crypto_generichash(h, sizeof h, (const unsigned char *)form, len, key, sizeof key);
	sodium_memzero(key, sizeof key);
	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return (int64_t)(v >> (64 - BIDX_BITS));
}

/* A name word's skeleton, or NULL when nothing of it is left. */
static const char *skeleton_of(const char *word, char *out)
{
	char folded[NORMALIZE_MAX];
	normalize_name(word, folded);
	return normalize_skeleton(folded, out) > 0 ? out : NULL;
}

int64_t bidx_value(const keyring *kr, enum bidx_field field, const char *value)
{
	char form[NORMALIZE_MAX];
	if (!value)
		return -1;
	if (field == BIDX_NAME) {
		/* a search word stands for any name word that begins with it */
		if (!skeleton_of(value, form))
			return -1;
		return hash_form(kr, field, form, strlen(form) < BIDX_PREFIX ? strlen(form) : BIDX_PREFIX);
	}
	return hash_form(kr, field, form, normalize_document(value, form));
}

void bidx_each_word(const char *text, void (*fn)(const char *word, void *ctx), void *ctx)
{
	char word[NORMALIZE_MAX];
	size_t n = 0;
	for (const char *p = text;; p++) {
		int sep = *p == '\0' || *p == ' ' || *p == '-' || *p == ',' || *p == '\t' || *p == '.';
		if (!sep && n + 1 < sizeof word) {
			word[n++] = *p;
			continue;
		}
		if (n) {
			word[n] = '\0';
			fn(word, ctx);
			n = 0;
		}
		if (*p == '\0')
			return;
	}
}

struct values {
	const keyring *kr;
	int64_t *v;
	size_t n;
};

static void add_value(const char *word, void *ctx)
{
	struct values *vs = ctx;
	int64_t v = bidx_value(vs->kr, BIDX_NAME, word);
	if (v < 0 || vs->n == BIDX_WORDS_MAX)
		return;
	for (size_t i = 0; i < vs->n; i++)
		if (vs->v[i] == v)
			return;
	vs->v[vs->n++] = v;
}

void bidx_person(const keyring *kr, const struct person *p, int64_t *names, size_t *n,
		 int64_t *document)
{
	struct values vs = {kr, names, 0};
	const char *parts[] = {p->given_name, p->family_name, p->patronymic};
	for (size_t i = 0; i < 3; i++)
		if (parts[i])
			bidx_each_word(parts[i], add_value, &vs);
	*n = vs.n;
	*document = p->document_number ? bidx_value(kr, BIDX_DOCUMENT, p->document_number) : -1;
}

struct skeletons {
	char (*w)[256];
	size_t n;
};

static void add_skeleton(const char *word, void *ctx)
{
	struct skeletons *s = ctx;
	if (s->n < BIDX_WORDS_MAX && skeleton_of(word, s->w[s->n]))
		s->n++;
}

void bidx_words(const char *text, char (*words)[256], size_t *n)
{
	struct skeletons s = {words, 0};
	if (text)
		bidx_each_word(text, add_skeleton, &s);
	*n = s.n;
}

int bidx_name_matches(const struct person *p, const char *query)
{
	char q[BIDX_WORDS_MAX][256], have[3 * BIDX_WORDS_MAX][256];
	size_t nq, nh = 0, k;
	const char *parts[] = {p->given_name, p->family_name, p->patronymic};
	bidx_words(query, q, &nq);
	for (size_t i = 0; i < 3; i++) {
		bidx_words(parts[i], have + nh, &k);
		nh += k;
	}
	if (nq == 0)
		return 0;
	for (size_t i = 0; i < nq; i++) {
		int found = 0;
		for (size_t j = 0; j < nh && !found; j++)
			found = strncmp(q[i], have[j], strlen(q[i])) == 0;
		if (!found)
			return 0;
	}
	return 1;
}
