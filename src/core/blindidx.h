/*
 * blindidx.h - blind indexes: searching encrypted names and document numbers
 * without decrypting every record, and without an index anyone can read back.
 *
 * A value is normalised (util/normalize.h: a name word to its skeleton, a
 * document number to letters and digits), hashed with keyed BLAKE2b under a
 * key of its own field (derived from the current data key with
 * crypto_kdf_derive_from_key, field number as subkey id), and cut to
 * BIDX_BITS bits, so that one index value stands for many persons (about
 * population / 2^BIDX_BITS: 3 in the demo, 200 in 50,000) and equal values
 * reveal little.  A search takes the candidates of the index, decrypts only
 * those and keeps the true matches.  docs/internals/blind-index.md.
 */
#ifndef HAVEN_BLINDIDX_H
#define HAVEN_BLINDIDX_H

#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "util/err.h"
#include "util/keyring.h"

#define BIDX_BITS 8
/* A name word is indexed by the first BIDX_PREFIX letters of its skeleton,
 * so that a search word finds every name that begins like it ("Quli" finds
 * Quliyeva); the decrypted candidates are then compared whole. */
#define BIDX_PREFIX 2
#define BIDX_WORDS_MAX 16 /* name words indexed per person, or searched for */

enum bidx_field { BIDX_NAME = 1, BIDX_DOCUMENT = 2 };

/* The index value of one name word or document number; -1 when nothing is
 * left of it after normalisation. */
int64_t bidx_value(const keyring *kr, enum bidx_field field, const char *value);

/* The index values of a person's names (every word of given name, family
 * name and patronymic) into names[] (BIDX_WORDS_MAX, distinct), and of the
 * document number (-1 when none). */
void bidx_person(const keyring *kr, const struct person *p, int64_t *names, size_t *n,
		 int64_t *document);

/* Calls fn on each word of `text` (split at spaces, hyphens, commas, dots). */
void bidx_each_word(const char *text, void (*fn)(const char *word, void *ctx), void *ctx);

/* The skeletons of the words of `text` into words (BIDX_WORDS_MAX entries
 * of NORMALIZE_MAX bytes); *n their count. */
void bidx_words(const char *text, char (*words)[256], size_t *n);

/* 1 when the skeleton of every word of `query` begins the skeleton of some
 * word of the person's names: the check that removes the index's
 * coincidences ("Quli" and "Кулиева" both match Quliyeva). */
int bidx_name_matches(const struct person *p, const char *query);

#endif
