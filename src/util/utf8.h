/*
 * utf8.h - UTF-8 checked as RFC 3629 has it: no overlong forms, no
 * surrogates, nothing past U+10FFFF (what jansson accepts too).  For the
 * importer's cells and the JSON writer's strings.
 */
#ifndef HAVEN_UTF8_H
#define HAVEN_UTF8_H

#include <stddef.h>

/* The offset of the first byte of s that is not well-formed UTF-8, or len
 * when all of it is. */
size_t utf8_check(const unsigned char *s, size_t len);

#endif
