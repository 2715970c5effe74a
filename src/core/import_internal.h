/*
 * import_internal.h - what the parts of the importer share; not for other
 * modules.
 *
 * import.c      reads the files, classifies headers, checks references,
 *               prints problems and runs the transaction;
 * import_rules.c reads one row's cells (encoding, dates, amounts, lists) into a
 *               record, has validate.c check it against the interchange
 *               rules, and keeps the records without problems;
 * import_store.c the memory the checked rows live in until they are written:
 *               an arena of strings, string maps and row arrays, each capped.
 */
#ifndef HAVEN_IMPORT_INTERNAL_H
#define HAVEN_IMPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/import.h"
#include "core/record.h"
#include "core/validate.h"
#include "util/csv_reader.h"

#define IMPORT_ARENA_BLOCK (1024 * 1024)
#define IMPORT_ARENA_MAX   ((size_t)4 << 30) /* bytes of strings held, all files */

/* ---- memory (import_store.c) ------------------------------------------- */

struct arena_block;
struct arena {
	struct arena_block *head;
	size_t total;
};

/* Copies `len` bytes and a NUL into the arena; NULL when out of memory or
 * over IMPORT_ARENA_MAX.  The copy lives until arena_free. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
void arena_free(struct arena *a);

/* Open-addressing map from a NUL-terminated key (borrowed: it must outlive
 * the map, e.g. in the arena) to a size_t. */
struct strmap_entry {
	const char *key;
	uint64_t hash;
	size_t value;
};
struct strmap {
	struct strmap_entry *v;
	size_t cap, n;
};

/* Looks `key` up: 1 with *value set when present, else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t *value);
/* Adds key -> value; ERR_CONFLICT with *existing set when the key is there,
 * ERR_NOMEM, ERR_LIMIT past IMPORT_ROWS_MAX keys. */
err_t strmap_put(struct strmap *m, const char *key, size_t value, size_t *existing);
void strmap_free(struct strmap *m);

/* Where a row came from. */
struct row_src {
	uint32_t file;
	uint32_t line;
};

struct person_row {
	struct person p;
	struct row_src src;
};
struct service_row {
	struct service s;
	struct row_src src;
};
struct referral_row {
	struct referral f;
	struct row_src src;
};

/* What is known of every id in the import, good row or not: where it was
 * first seen and, for persons, the status (an interned code, or NULL when the
 * status cell was wrong). */
struct id_info {
	const char *status;
	struct row_src src;
};

/* A growable array of rows of one kind, capped at IMPORT_ROWS_MAX. */
struct rows {
	void *v;
	size_t n, cap, size;
};
/* Returns a zeroed slot at the end, or NULL (out of memory, over the cap). */
void *rows_push(struct rows *r);
void rows_free(struct rows *r);

/* ---- the import under way ---------------------------------------------- */

enum kind { KIND_PERSONS, KIND_SERVICES, KIND_REFERRALS, KIND_COUNT };

struct problem {
	uint32_t file;
	uint64_t line;
	uint64_t seq; /* order found, to keep the sort stable */
	char *text;   /* "COLUMN: what is wrong (what is allowed)", malloc'd */
};

struct import_ctx {
	registry *reg;
	const codes *codes;
	const char *const *paths;
	const char *const *names; /* each path as messages name it */
	size_t npaths;
	const struct import_options *opt;

	struct problem *problems;
	size_t nproblems, max_problems;
	uint64_t total_problems;
	int out_of_memory;

	struct arena arena;
	struct strmap interned;         /* code values, copied once */
	struct strmap ids[KIND_COUNT];  /* id -> index into idinfo */
	struct rows idinfo[KIND_COUNT]; /* struct id_info */
	struct rows rows[KIND_COUNT];   /* rows without problems, in file order */
	struct strmap stored;           /* person refs looked up in the database */
	int64_t data_rows;
};

/* Records a problem at file/line (0 line: the file as a whole). */
void import_problem(struct import_ctx *c, uint32_t file, uint64_t line, const char *column,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The longest message about one cell: validate.c's, or the importer's own. */
#define IMPORT_MESSAGE_MAX VALIDATE_MESSAGE_MAX

/* ---- rules (import_rules.c) -------------------------------------------- */

#define IMPORT_FIELDS_MAX 24

/* The columns of each kind, in the spec's order. */
struct field_def {
	const char *name;
	int required; /* the column is required in the header (validate.c says
	               * which values each row needs) */
	int type;     /* how the cell's text is read: enum cell_type in import_rules.c */
};
struct kind_def {
	const char *name; /* "persons" */
	const struct field_def *fields;
	size_t nfields;
};
extern const struct kind_def import_kinds[KIND_COUNT];

/* One data row: the cells, and where each field's column is (-1: absent). */
struct row_in {
	enum kind kind;
	uint32_t file;
	uint64_t line;
	const struct csv_cell *cells;
	const int *col; /* [nfields] */
};

/* Checks one row (its cells' text here, the interchange rules through
 * validate.c), registers its id when the id is valid, and keeps the record
 * when the row has no problem.  Problems are recorded in c; returns ERR_NOMEM
 * / ERR_LIMIT only for those. */
err_t import_row(struct import_ctx *c, const struct row_in *in);

#endif
