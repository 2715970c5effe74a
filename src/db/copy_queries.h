/*
 * copy_queries.h - the per-table SQL texts of `haven copy` (core/copy.c).
 */
#ifndef HAVEN_COPY_QUERIES_H
#define HAVEN_COPY_QUERIES_H

struct copy_query {
	const char *table;
	const char *select; /* every column, in a stable order */
	const char *insert; /* the same columns as $1..$n */
};

/* In foreign-key order; ends with an entry whose table is NULL. */
extern const struct copy_query copy_queries[];
/* Tables deliberately not copied; NULL-terminated. */
extern const char *const copy_skipped[];
/* Statements that move PostgreSQL's identity sequences past the copied ids. */
extern const char *const copy_pg_sequences[];

#endif
