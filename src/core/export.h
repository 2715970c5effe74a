/*
 * export.h - `haven export`: the registry written back in the interchange
 * format (shared/spec/interchange.md), so that importing an export into a new
 * database gives the same records.
 *
 * Three files, persons.csv, services.csv and referrals.csv, with every column
 * of the spec in the spec's order, `,` delimiter, LF line ends, UTF-8 without
 * a byte-order mark, RFC 4180 quoting and formula neutralisation
 * (util/csv_writer.h); money with two decimals, dates YYYY-MM-DD, birth_date
 * as originally written.  `haven export` seals them into one file
 * (export_sealed); `haven copy` compares their digests (export_digests);
 * export_dir writes them in clear, for the tests that check their bytes.
 */
#ifndef HAVEN_EXPORT_H
#define HAVEN_EXPORT_H

#include <stdint.h>

#include "core/registry.h"
#include "util/sealed.h"

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

/*
 * Only the BLAKE2b digest of each of the three files (persons, services,
 * referrals), which are never written anywhere: two registries with equal
 * digests hold the same records (the proof of `haven copy`).
 */
#define EXPORT_DIGEST_BYTES 32
err_t export_digests(registry *r, unsigned char out[3][EXPORT_DIGEST_BYTES], char *errbuf);

/*
 * The same three files as members of the sealed file `w` (util/sealed.h;
 * checklist HUM-04): no value is in clear on disk.  `how` says to whom it is
 * sealed, for the audit entry.  The caller commits `w` on ERR_OK (the export
 * is on the audit log by then) and aborts it otherwise.
 */
err_t export_sealed(registry *r, sealed_writer *w, const char *how, struct export_summary *out,
		    char *errbuf);

#endif
