/*
 * copy.h - `haven copy`: moves a whole deployment from one database to a new
 * one (in practice an embedded SQLite file to PostgreSQL), row for row, so
 * that encrypted values, digests, provenance and the audit chain arrive
 * unchanged and the same key file opens the copy; then proves it.
 */
#ifndef HAVEN_COPY_H
#define HAVEN_COPY_H

#include <stdint.h>

#include "core/registry.h"

struct copy_summary {
	int64_t tables, rows;
	int64_t audit_entries; /* verified on the target */
	int64_t report_years;  /* annual reports identical on both */
};

/*
 * Copies the open registry `from` into the database `to_target`, which must
 * not hold a Haven database yet (it is created at the latest schema), in one
 * transaction on the target.  Then checks the target: its audit chain holds
 * and has the source's head, an export of each gives identical files
 * (written to temporary directories and removed), and the annual report of
 * every year the records reach has the same figures on both.  On error writes one line
 * into errbuf; the target then holds no data (the transaction rolled back).
 */
err_t copy_registry(registry *from, const struct registry_paths *to, struct copy_summary *out,
		    char *errbuf);

#endif
