/*
 * embed.h - files compiled into the binary (migrations, report definitions,
 * web assets), generated at build time by cmake/embed.cmake.
 *
 * Every entry is static, read-only storage; each is NUL-terminated one byte
 * past `len`, so a text file can be used as a C string.
 */
#ifndef HAVEN_EMBED_H
#define HAVEN_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* path relative to src/, e.g. "db/schema/sqlite/001_registry.sql" */
	const unsigned char *data;
	size_t len;
};

/* Sorted by name; ends with an entry whose name is NULL. */
extern const struct embedded_file embedded_files[];

/* The entry named `name`, or NULL. */
const struct embedded_file *embed_find(const char *name);

#endif
