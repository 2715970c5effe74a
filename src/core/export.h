/*
 * export.h - `haven export`: the registry written back in the interchange
 * format (shared/spec/interchange.md), so that importing an export into a new
 * database gives the same records.
 *
 * Writes persons.csv, services.csv and referrals.csv with every column of the
 * spec in the spec's order, `,` delimiter, LF line ends, UTF-8 without a
 * byte-order mark, RFC 4180 quoting and formula neutralisation
 * (util/csv_writer.h); money with two decimals, dates YYYY-MM-DD, birth_date
 * as originally written.  The files hold personal data in clear: they are
 * created with mode 0600.
 */
#ifndef HAVEN_EXPORT_H
#define HAVEN_EXPORT_H

#include <stdint.h>

#include "core/registry.h"

#define EXPORT_PATH_MAX 4096

struct export_summary {
	int64_t persons, services, referrals;
};

/*
 * Writes the three files into the existing directory `dir` (borrowed), each
 * first as NAME.tmp, synced, then renamed over NAME once all three are
 * complete, from one consistent read of the database.  On error writes one
 * line into errbuf (ERRBUF_MAX bytes), removes the .tmp files and leaves any
 * earlier export in place; *out is set only on success.
 */
err_t export_dir(registry *r, const char *dir, struct export_summary *out, char *errbuf);

#endif
