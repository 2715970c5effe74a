/*
 * import.h - `haven import`: interchange CSV files (shared/spec/interchange.md)
 * checked in full, then stored in one transaction.
 *
 * import_files reads every file (persons, services and referrals, told apart
 * by their header row, in any order and mix), checks every cell and row
 * against the spec and the code lists of the registry, and checks that every
 * person referred to is in one of the files or stored already.  Only when
 * nothing is wrong does it write: persons (parents before their dependants),
 * then services, then referrals, all inside one transaction on the
 * registry's database, recorded as one import (registry_import_begin/finish).
 * Any problem writes nothing.  The rules and the message format are in
 * docs/internals/import.md.
 */
#ifndef HAVEN_IMPORT_H
#define HAVEN_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/registry.h"

#define IMPORT_PROBLEMS_MAX 1000           /* problems printed; the rest are counted */
#define IMPORT_ROWS_MAX     20000000       /* data rows in one import, all files */
#define IMPORT_FILES_MAX    256            /* files in one import */
#define IMPORT_TEXT_MAX     1000           /* characters in a personal text value */

enum import_stage { IMPORT_CHECKING, IMPORT_WRITING };

/* What the progress callback is told: while checking, bytes of the current
 * file; while writing, rows of all files. */
struct import_progress {
	enum import_stage stage;
	const char *file; /* borrowed; NULL while writing */
	uint64_t done, total;
};

struct import_options {
	int dry_run;         /* check and count, then roll back: nothing is written */
	size_t max_problems; /* 0: IMPORT_PROBLEMS_MAX */
	/* Called now and then (every few thousand rows); may be NULL. */
	void (*progress)(const struct import_progress *p, void *ctx);
	void *progress_ctx;
	/* How messages name each file, in the order of the paths (NULL: by its
	 * path); for files that are not on disk under a name of their own. */
	const char *const *names;
};

struct import_counts {
	int64_t added, updated, unchanged;
};

struct import_summary {
	int64_t files;
	int64_t rows; /* data rows read, all files */
	struct import_counts persons, services, referrals;
	uint64_t problems; /* problems found (all, not only those printed) */
	int64_t import_id; /* the import recorded, 0 when nothing was written */
};

/*
 * Imports the `n` files at `paths` (borrowed) into the open registry `r`.
 *
 * Problems with the files are printed to `errors`, one per line as
 * `FILE:LINE: COLUMN: what is wrong (what is allowed)`, sorted by file (in
 * the order given) and line, at most max_problems of them followed by a line
 * counting the rest; no cell's personal content is ever printed.  Then
 * nothing is written and ERR_INVALID is returned.  A storage failure while
 * writing rolls everything back and is returned (ERR_DB, ...) after a message
 * on `errors`.  With opt->dry_run everything is checked and counted and the
 * transaction is rolled back.  An import whose rows are all unchanged writes
 * nothing either (no import is recorded).
 *
 * *out is filled on ERR_OK, and on ERR_INVALID with the problem count; it
 * holds no pointers.  `opt` may be NULL.
 */
err_t import_files(registry *r, const char *const *paths, size_t n,
                   const struct import_options *opt, struct import_summary *out, FILE *errors);

#endif
