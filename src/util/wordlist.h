/*
 * wordlist.h - NULL-terminated lists of words fixed in code (the purposes a
 * record may be opened for, the kinds of agency the policy knows): whether a
 * word is one of them, and the list joined for a message that says what is
 * allowed.  The lists are the caller's; nothing here allocates.
 */
#ifndef HAVEN_WORDLIST_H
#define HAVEN_WORDLIST_H

#include <stddef.h>

/* 1 when `word` is one of `list`. */
int wordlist_has(const char *const *list, const char *word);

/* "a, b, c" into buf (len bytes), cut short when it does not fit. */
void wordlist_join(const char *const *list, char *buf, size_t len);

#endif
