/*
 * rekey.h - key rotation: every sealed value and record digest moved to the
 * keyring's current key, in small transactions, so that the run can be
 * killed at any moment and simply run again (each value names its key id, so
 * the next run sees what is still due).
 */
#ifndef HAVEN_REKEY_H
#define HAVEN_REKEY_H

#include <stddef.h>
#include <stdint.h>

#include "core/registry.h"
#include "util/keyring.h"

#define REKEY_BATCH 256 /* records per transaction */

/* How many values (sealed values and record digests) each key id protects. */
struct rekey_census {
	size_t n;
	struct {
		uint32_t key_id;
		int64_t values;
	} ids[KEYRING_MAX_KEYS + 1];
	int64_t due; /* records with any value not on the current key */
};

err_t rekey_census(registry *r, struct rekey_census *out);

/* Moves every due record (persons, services, referrals, accounts' one-time
 * code secrets, the key check value) to the current key.  *done counts the
 * records rewritten.  `progress` (may be NULL) is called after each batch. */
err_t rekey_run(registry *r, int64_t *done, void (*progress)(int64_t done, void *ctx), void *ctx);

#endif
