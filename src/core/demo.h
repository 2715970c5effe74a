/*
 * demo.h - the synthetic demo data set, written as the three interchange CSV
 * files (shared/spec/interchange.md) that `haven demo` loads through the
 * ordinary importer.
 *
 * The data set is deterministic and reproduces the published record
 * (shared/spec/demo-data.md, shared/spec/annual-report.md); no real person is
 * in it.  tests/demo/check_demo.py is its independent oracle.
 */
#ifndef HAVEN_DEMO_H
#define HAVEN_DEMO_H

#include <stddef.h>

#include "util/err.h"

/* The files demo_write_csv creates, in this order. */
#define DEMO_PERSONS_CSV   "persons.csv"
#define DEMO_SERVICES_CSV  "services.csv"
#define DEMO_REFERRALS_CSV "referrals.csv"

/*
 * Writes persons.csv, services.csv and referrals.csv of the demo data set
 * into the existing directory `dir` (borrowed), replacing files of those
 * names.  Deterministic: the same bytes on every call.  Each file is written
 * to NAME.tmp and renamed only once all three are complete, so a failure
 * leaves no partial file behind.
 *
 * Returns ERR_OK, ERR_IO (the directory cannot be written), ERR_NOMEM, or
 * ERR_LIMIT/ERR_INVALID (an internal size or plan check failed; a bug).  On
 * failure one line is written into errbuf (errlen bytes, may be 0).
 */
err_t demo_write_csv(const char *dir, char *errbuf, size_t errlen);

#endif
