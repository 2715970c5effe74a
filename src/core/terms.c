/*
 * terms.c - the data-protection terms' texts and their version.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/terms.h"
#include "util/embed.h"

static const char *const langs[] = {"az", "en", "ru"};
#define LANGS (sizeof langs / sizeof langs[0])
#define VERSION_HASH_BYTES 4

static pthread_once_t version_once = PTHREAD_ONCE_INIT;
static char version[TERMS_VERSION_TEXT];

static const struct embedded_file *file_of(const char *lang)
{
	char name[32];
	snprintf(name, sizeof name, "core/terms/%s.txt", lang);
	return embed_find(name);
}

/* The hash covers each language's name and text, each ended by a NUL, so no
 * two sets of texts hash alike by moving bytes from one to the next. */
static void compute_version(void)
{
	crypto_generichash_state st;
	unsigned char hash[VERSION_HASH_BYTES];
	char hex[2 * VERSION_HASH_BYTES + 1];
	crypto_generichash_init(&st, NULL, 0, sizeof hash);
	for (size_t i = 0; i < LANGS; i++) {
		const struct embedded_file *f = file_of(langs[i]);
		crypto_generichash_update(&st, (const unsigned char *)langs[i], strlen(langs[i]) + 1);
		if (f)
			crypto_generichash_update(&st, f->data, f->len + 1);
	}
	crypto_generichash_final(&st, hash, sizeof hash);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	snprintf(version, sizeof version, "%s-%s", TERMS_EDITION, hex);
}

const char *terms_version(void)
{
	pthread_once(&version_once, compute_version);
	return version;
}

/* Ends the line at `p` (a NUL over its '\n') and returns the next one, or
 * NULL at the end of the text. */
static char *cut_line(char *p)
{
	char *nl = strchr(p, '\n');
	if (!nl)
		return NULL;
	*nl = '\0';
	return nl + 1;
}

/* Splits buf in place: title, then paragraphs whose lines are joined by a
 * space (the join moves each line's text left over the NULs cut_line made). */
static err_t split(struct terms_text *t)
{
	char *line = t->buf, *next, *para = NULL, *end = NULL;
	t->title = line;
	line = cut_line(line);
	for (; line; line = next) {
		next = cut_line(line);
		if (!*line) {
			para = NULL;
			continue;
		}
		if (!para) {
			if (t->n == TERMS_PARAGRAPHS_MAX)
				return ERR_LIMIT;
			para = end = line;
			t->paragraphs[t->n++] = para;
		} else {
			*end++ = ' ';
		}
		size_t len = strlen(line);
		memmove(end, line, len + 1);
		end += len;
	}
	return t->n && *t->title ? ERR_OK : ERR_INVALID;
}

err_t terms_text(const char *lang, struct terms_text *out)
{
	const struct embedded_file *f = NULL;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < LANGS && !f; i++)
		if (lang && strcmp(lang, langs[i]) == 0)
			f = file_of(langs[i]);
	if (!f)
		return ERR_NOT_FOUND;
	if (!(out->buf = malloc(f->len + 1)))
		return ERR_NOMEM;
	memcpy(out->buf, f->data, f->len + 1);
	err_t e = split(out);
	if (e != ERR_OK)
		terms_text_free(out);
	return e;
}

void terms_text_free(struct terms_text *t)
{
	free(t->buf);
	memset(t, 0, sizeof *t);
}
