/*
 * auditproof.h - proofs over the audit log's Merkle tree (audit.h) for
 * whoever keeps its signed checkpoints outside the server: that a later
 * checkpoint extends an earlier one (consistency), and that an entry is in
 * the log a checkpoint signed (inclusion).  Proofs are made from the
 * database and checked without it, from the texts alone.
 *
 * Formats (both checked strictly; what is made here is what is accepted):
 *   consistency, text:  haven-audit-consistency 1 / from M / to N /
 *                       hash HEX (one line each, RFC 9162 order)
 *   inclusion, JSON:    {"haven_audit_inclusion": 1, "size": N,
 *                        "entry": {"seq", "at", and the nine fields of
 *                        struct audit_entry}, "proof": [HEX, ...]}
 * An entry holds no personal value (audit.h), so neither does a proof.
 */
#ifndef HAVEN_AUDITPROOF_H
#define HAVEN_AUDITPROOF_H

#include <stdint.h>

#include "db/db.h"
#include "util/err.h"

/* The proof, from this log, that checkpoint `to` extends checkpoint `from`
 * (both version 2; their signatures are not checked here), malloc'd.
 * ERR_INVALID: not checkpoints, or `to` is the smaller; ERR_NOT_FOUND: the
 * log is shorter than `to`; ERR_CONFLICT: the chain is broken. */
err_t audit_prove_consistency(db *d, const char *from, const char *to, char **out);

/* ERR_OK when both checkpoints' signatures hold and the proof shows that
 * `to` extends `from`.  `from` is the checkpoint kept outside the server,
 * trusted as it is; `to` must be signed by the same key, or by `signer_hex`
 * when given (after a key rotation).  ERR_CONFLICT: the proof fails, so the
 * log was rewritten or cut below `from`'s size; ERR_CRYPTO: a signature
 * fails or names another key; ERR_INVALID: a text is not what it should be,
 * or the proof is for other sizes. */
err_t audit_check_consistency(const char *from, const char *to, const char *proof,
			      const char *signer_hex);

/* The proof, from this log, that entry `seq` is in the log checkpoint `to`
 * signed (version 2), with the entry's content, malloc'd.  ERR_INVALID: not
 * a checkpoint, or seq is not in 1..its size; ERR_NOT_FOUND: the log is
 * shorter than `to`; ERR_CONFLICT: the chain is broken. */
err_t audit_prove_inclusion(db *d, int64_t seq, const char *to, char **out);

/* ERR_OK when the checkpoint's signature holds (by `signer_hex` when given)
 * and the proof shows the entry it carries is in the log the checkpoint
 * signed; *seq (optional) receives the entry's number.  ERR_CONFLICT: it is
 * not (the entry or the proof was changed, or the log rewritten);
 * ERR_CRYPTO: the signature fails; ERR_INVALID: a text is not what it
 * should be, or the proof is for another size. */
err_t audit_check_inclusion(const char *to, const char *proof, const char *signer_hex,
			    int64_t *seq);

#endif
