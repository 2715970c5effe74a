/*
 * audit_internal.h - what audit.c shares with auditproof.c: the walk over
 * the whole log, an entry's Merkle leaf, and checkpoints as parsed.  Not for
 * other modules: they use audit.h and auditproof.h.
 */
#ifndef HAVEN_AUDIT_INTERNAL_H
#define HAVEN_AUDIT_INTERNAL_H

#include <stdint.h>

#include <sodium.h>

#include "core/audit.h"
#include "util/merkle.h"

#define AUDIT_FIELDS 9 /* the text fields of struct audit_entry, in its order */

/* Entry seq's leaf: SHA-256(0x00 || its content), framed as the chain's. */
void audit_entry_leaf(int64_t seq, int64_t at, const char *const text[AUDIT_FIELDS],
		      unsigned char out[AUDIT_HASH_BYTES]);

/* What a walk over the log gathers besides the verdict. */
struct audit_walk {
	int64_t at_size; /* 0: nothing at a size */
	unsigned char at_head[AUDIT_HASH_BYTES], at_root[AUDIT_HASH_BYTES];
	struct merkle_proof *proof; /* optional: given every leaf */
	int64_t entry_seq;          /* 0, or the entry whose content to copy: */
	int64_t entry_at;
	char *entry_text[AUDIT_FIELDS]; /* malloc'd (NULL until found), caller frees */
	struct merkle_acc tree;
};

/* Walks the whole log in one statement (one snapshot of it), checking the
 * chain and building the tree. */
err_t audit_walk(db *d, struct audit_verdict *v, struct audit_walk *w);

/* A checkpoint's lines. */
struct audit_ckpt {
	int version; /* 1: no root (before the Merkle tree) */
	long long size;
	unsigned char head[AUDIT_HASH_BYTES], root[AUDIT_HASH_BYTES];
	char signer[2 * crypto_sign_PUBLICKEYBYTES + 1], sig[2 * crypto_sign_BYTES + 1];
	size_t signed_len; /* bytes before the "signature" line */
};

/* ERR_INVALID unless text is a checkpoint's. */
err_t audit_parse_checkpoint(const char *text, struct audit_ckpt *c);
/* Parsed, signed by `signer_hex` (any key when NULL), and when of the empty
 * log, with the empty log's head and root: Haven signs no other. */
err_t audit_open_checkpoint(const char *text, const char *signer_hex, struct audit_ckpt *c);

/* Exactly 2 * len hex digits into bin; 0 on success.  (sodium_hex2bin alone
 * accepts fewer digits and leaves the rest of bin unset.) */
int audit_hex_exact(unsigned char *bin, size_t len, const char *hex);
/* Whether text starts with the whole line `line`. */
int audit_starts(const char *text, const char *line);
/* The value of the line "key value" at *p (its end "\n" or "\r\n") into
 * buf (cap bytes), and *p moved past the line; -1 unless the line is there,
 * ends, and its value is not empty and fits. */
int audit_line_value(const char **p, const char *key, char *buf, size_t cap);
/* The line "key N", N decimal digits only, no more than a long long holds. */
int audit_size_line(const char **p, const char *key, long long *out);

#endif
