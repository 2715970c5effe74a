/*
 * normalize.h - names and document numbers reduced to the forms the blind
 * indexes hash (docs/internals/blind-index.md has the table).
 *
 * A name is folded to lower-case Latin letters: Azerbaijani and Russian
 * letters are transliterated (ə a, ş sh, ç ch, ı i, ö o, ü u, ğ g; Cyrillic by
 * the usual passport table), everything that is not a letter is dropped and a
 * repeated letter is kept once.  Its skeleton is coarser still, so that the
 * spellings one person's name takes in Azerbaijani, in Russian and in an
 * English passport meet: the first letter, then the consonants only, with
 * g/h/k/q/x/kh as one consonant, c/j/ch/zh/dj/dzh as one, s/sh/ts as one,
 * repeats kept once.  Məmmədova, Mammadova and Мамедова all have the
 * skeleton "mdv"; Cəfərova and Джафарова "cfrv".
 */
#ifndef HAVEN_NORMALIZE_H
#define HAVEN_NORMALIZE_H

#include <stddef.h>

#define NORMALIZE_MAX 256 /* bytes of a normalised form, with its NUL */

/* Folds a UTF-8 name; out holds NORMALIZE_MAX bytes.  Returns the length. */
size_t normalize_name(const char *in, char *out);

/* The skeleton of a folded name (normalize_name's output). */
size_t normalize_skeleton(const char *folded, char *out);

/* A document number: letters upper-cased, digits kept, everything else
 * (spaces, hyphens, slashes) dropped. */
size_t normalize_document(const char *in, char *out);

#endif
