/*
 * duplicates.h - probable duplicates among the person records: one person
 * registered twice (by two agencies, or twice by one) under other spellings,
 * and the unduplicated count of persons across agencies.
 *
 * Two records are a probable duplicate when their document numbers normalise
 * equal, or when the skeletons of their family and given names are equal
 * (Məmmədova, Mammadova and Мамедова are one), the sex is the same and the
 * birth dates agree (a partial date "1990" agrees with any day of 1990).
 * Duplicates are joined into clusters (transitively); a cluster counts as
 * one person.
 *
 * Only candidates are decrypted: the records that share a blind index
 * bucket (document number, or a pair of name words) with another record.
 * Every true match shares such a bucket, so the narrowing loses nothing.
 * Decrypted values never leave the module: they are reduced at once to
 * fingerprints under a key made for the run and forgotten, and the result
 * holds counts, agency codes and (only when asked, for officers) record
 * references.  docs/internals/blind-index.md.
 */
#ifndef HAVEN_DUPLICATES_H
#define HAVEN_DUPLICATES_H

#include <stddef.h>
#include <stdint.h>

#include "core/record.h"
#include "core/registry.h"

#define DUP_AGENCY_MAX       64   /* bytes of an agency code */
#define DUP_AGENCIES_MAX     1024 /* distinct agencies in one run */
#define DUP_CLUSTERS_MAX     1000 /* clusters listed with their references */
#define DUP_CLUSTER_REFS_MAX 16   /* references listed per cluster */

/* Probable-duplicate pairs between records of agency `a` and of agency `b`
 * (a <= b; "" for records imported and never referred). */
struct dup_agency_pair {
	char a[DUP_AGENCY_MAX + 1], b[DUP_AGENCY_MAX + 1];
	int64_t pairs;
};

/* One cluster of records taken for one person: its size and the first
 * references (in id order). */
struct dup_cluster {
	size_t n, n_refs;
	char refs[DUP_CLUSTER_REFS_MAX][RECORD_REF_MAX + 1];
};

struct dup_result {
	int64_t records;    /* person records counted */
	int64_t persons;    /* unduplicated: clusters, a lone record being one */
	int64_t pairs;      /* pairs of records within the clusters */
	int64_t clusters;   /* clusters of two records or more */
	int64_t candidates; /* records decrypted to be compared */
	struct dup_agency_pair *agencies; /* sorted by (a, b); only pairs > 0 */
	size_t n_agencies;
	struct dup_cluster *list; /* with DUP_WITH_REFS only, else NULL */
	size_t n_list;
	int truncated;            /* more clusters than DUP_CLUSTERS_MAX */
};

enum dup_flags {
	DUP_WITH_REFS = 1 /* list the clusters' references: for officers only */
};

/* Finds the probable duplicates among the records identified in `year`
 * (0: every record).  *out is the caller's, freed with duplicates_free.
 * Reads only; the caller audits the run. */
err_t duplicates_find(registry *r, int year, unsigned flags, struct dup_result **out);
void duplicates_free(struct dup_result *d); /* accepts NULL */

#endif
