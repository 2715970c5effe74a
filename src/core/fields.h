/*
 * fields.h - the data inventory (checklist HUM-01): one entry for every
 * column of every table of the schema, with its sensitivity level and how it
 * may be handled.
 *
 * This module owns the inventory and nothing else: it reads no database and
 * enforces nothing by itself.  tests/unit/test_fields.c holds it against the
 * real schema of a fresh database on both engines (a column without an entry,
 * an entry without a column, or flags that break the rules fail the build)
 * and against docs/internals/fields.md, which lists it as a table and says
 * how to tag a new column.  Code that must decide whether a column may be
 * logged, exported or counted asks fields_find and reads the flags.
 */
#ifndef HAVEN_FIELDS_H
#define HAVEN_FIELDS_H

#include <stddef.h>

/* How much harm a column's values do if they reach someone who should not
 * have them; ordered, so that `level >= FIELD_CONFIDENTIAL` means personal. */
enum field_level {
	FIELD_PUBLIC,                /* publishable: says nothing about anyone */
	FIELD_RESTRICTED,            /* internal: references, case facts under a pseudonym,
	                                account names; may be logged */
	FIELD_CONFIDENTIAL,          /* personal: identifies a person, or a special-category
	                                fact kept under a pseudonym */
	FIELD_STRICTLY_CONFIDENTIAL, /* a leak endangers the person (where she can be found,
	                                her own story) or opens the system (secrets) */
};

/* How the database can find rows by the column. */
enum field_index {
	FIELD_INDEX_NONE,  /* in no index */
	FIELD_INDEX_PLAIN, /* in an SQL index or key of its table, as stored */
	FIELD_INDEX_BLIND, /* sealed; searched through keyed, truncated hashes in
	                      person_index (docs/internals/blind-index.md) */
};

/* Handling flags, or'ed together in struct field's `flags`. */
#define FIELD_ENCRYPTED  0x01u /* stored sealed (a *_enc column, docs/internals/crypto.md) */
#define FIELD_LOGGABLE   0x02u /* may appear in a log line or an audit entry */
#define FIELD_EXPORTABLE 0x04u /* goes into the interchange export (haven export) */
#define FIELD_AGGREGABLE 0x08u /* read by the published statistics (src/report) */
#define FIELD_SECRET     0x10u /* a credential or its hash: opens an account or a session */
/* A sealed value with few possible values (a date), or whose blind index
 * hashes an input that has (a name's first sounds): a guess could be
 * confirmed against such an index, so a strictly confidential value never
 * has one. */
#define FIELD_LOW_ENTROPY 0x20u

struct field {
	const char *table, *column;
	enum field_level level;
	enum field_index index;
	unsigned flags;      /* FIELD_ENCRYPTED | ... */
	const char *purpose; /* one line, no '|' */
};

/* Every column, table by table in the order of the migrations; static
 * storage. */
extern const struct field fields_all[];
extern const size_t fields_count;

/* The entry of table.column, or NULL when there is none.  Borrowed (static). */
const struct field *fields_find(const char *table, const char *column);

/* "public", "restricted", "confidential", "strictly confidential"; "?" for a
 * value outside the enum.  Static. */
const char *fields_level_name(enum field_level level);

/* "none", "plain", "blind"; "?" for a value outside the enum.  Static. */
const char *fields_index_name(enum field_index index);

#endif
