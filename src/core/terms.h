/*
 * terms.h - the data-protection terms every user accepts before reaching
 * any record (checklist HUM-15), in Azerbaijani, English and Russian.
 *
 * The texts are src/core/terms/{az,en,ru}.txt, compiled into the binary
 * (util/embed.h): the first line is the title, paragraphs are separated by
 * blank lines, and the lines of one paragraph are joined with a space.
 * Their version is TERMS_EDITION followed by the first four bytes, in hex,
 * of the BLAKE2b hash of the three texts: any edit of any text makes a new
 * version, which every user accepts again, so an acceptance always names
 * the very words the user was shown.  Accepting is users_accept_terms
 * (users.h); the server refuses every route but the session's own until
 * the user has accepted the current version (docs/internals/access.md).
 */
#ifndef HAVEN_TERMS_H
#define HAVEN_TERMS_H

#include <stddef.h>

#include "util/err.h"

#define TERMS_EDITION "2026-11"
#define TERMS_VERSION_TEXT 24 /* "2026-11-0123abcd" and a NUL, with room */
#define TERMS_PARAGRAPHS_MAX 32

/* One language's text: title and paragraphs point into buf, which it owns. */
struct terms_text {
	char *buf;
	const char *title;
	const char *paragraphs[TERMS_PARAGRAPHS_MAX];
	size_t n;
};

/* The current version, in static storage (computed once, thread-safe). */
const char *terms_version(void);

/* The text in `lang` (borrowed: "az", "en" or "ru") into *out, which the
 * caller frees with terms_text_free; ERR_NOT_FOUND for another language. */
err_t terms_text(const char *lang, struct terms_text *out);
void terms_text_free(struct terms_text *t);

#endif
