/*
 * audit.h - the tamper-evident audit log: who did what, to which record,
 * when, with what outcome; never a personal value.
 *
 * Entries form a hash chain: entry n's hash is SHA-256 over its content and
 * entry n-1's hash, so editing, deleting, inserting or reordering any entry
 * breaks every later link (audit_verify names the first bad one).  A rewrite
 * of the whole tail is caught only against a checkpoint kept outside the
 * server: audit_checkpoint signs (Ed25519) the entry count, the chain head
 * and the root of the RFC 6962 Merkle tree whose leaves are the entries
 * (leaf n: SHA-256(0x00 || entry n's content), util/merkle.h).  The tree
 * lets whoever keeps two checkpoints check, with a proof of a few hashes and
 * without the log, that the later one extends the earlier one, or that an
 * entry is in the log a checkpoint signed (auditproof.h).
 *
 * audit_append must run inside the caller's write transaction (db_begin), so
 * the entry commits with the change it records, or neither does.
 *
 * An entry's time is the wall clock's (clock.h) when it is written.  When
 * the clock has gone back since the entry before, the entry keeps that
 * earlier reading and its detail starts with "clock_regression" (AUD-10):
 * the order of entries is their sequence number, never their time.
 */
#ifndef HAVEN_AUDIT_H
#define HAVEN_AUDIT_H

#include <stdint.h>

#include "db/db.h"
#include "util/keyring.h"

#define AUDIT_HASH_BYTES 32
#define AUDIT_FIELD_MAX 256 /* a longer field is cut: detail is a summary */

/* All strings borrowed; NULL is stored as "". */
struct audit_entry {
	const char *actor;       /* username, or "cli:<unix user>" */
	const char *agency;      /* the actor's agency code, "" for the CLI */
	const char *role;        /* the actor's role, "operator" for the CLI */
	const char *action;      /* "person.read", "import", "report", "signin", ... */
	const char *object_type; /* "person", "import", "report", "user", "" */
	const char *object_ref;  /* the record's pseudonymous reference */
	const char *request_id;
	const char *outcome;     /* "ok", "denied", "failed" */
	const char *detail;      /* non-personal: field names, counts, a reason code */
};

/* Appends one entry; *seq (optional) receives its sequence number. */
err_t audit_append(db *d, const struct audit_entry *e, int64_t *seq);

/* The chain's last entry, as a writer carries it through one transaction. */
struct audit_head {
	int known; /* 0: read from the log on the next append */
	int64_t seq;
	int64_t at; /* the last entry's time */
	unsigned char hash[AUDIT_HASH_BYTES];
};

/* Appends one entry after *head, and moves head on: several entries in one
 * transaction read the log's head once.  A head is good only within the
 * transaction that read it (start each with known = 0). */
err_t audit_append_next(db *d, struct audit_head *head, const struct audit_entry *e);

/* Appends n entries in one transaction of their own. */
err_t audit_record_all(db *d, const struct audit_entry *e, size_t n);

/* Appends one entry in a transaction of its own: for reads, whose data may
 * be shown only once the entry is committed. */
err_t audit_record(db *d, const struct audit_entry *e);

/* The CLI's actor name ("cli:root") in buf (64 bytes). */
void audit_cli_actor(char *buf, size_t len);

struct audit_verdict {
	int64_t entries;   /* entries checked */
	int64_t first_bad; /* 0 when the chain holds, else the first bad sequence number */
	char reason[128];  /* why first_bad is bad */
	unsigned char head[AUDIT_HASH_BYTES];
	unsigned char root[AUDIT_HASH_BYTES]; /* of the Merkle tree of the entries read */
	int64_t clock_regressions;            /* entries older than the one before them */
	int64_t first_regression;             /* the first of them, 0 when none */
};

/* Recomputes the whole chain.  ERR_OK with first_bad 0 when it holds;
 * ERR_OK with first_bad set when it does not (the verdict says where). */
err_t audit_verify(db *d, struct audit_verdict *out);

/* Checks the whole chain (*v says how it went) and, when it holds, signs a
 * checkpoint of what it read, as text (malloc'd, caller frees):
 *   haven-audit-checkpoint 2 / size N / head HEX / root HEX / time ISO /
 *   signer HEX / signature HEX
 * (version 1, still verified, had no root).  A broken chain: ERR_OK, *out
 * NULL and v->first_bad set. */
err_t audit_checkpoint(db *d, const keyring *kr, struct audit_verdict *v, char **out);

/* The public key this deployment signs checkpoints with (derived from its
 * current data key), in hex as a checkpoint's `signer` line names it. */
#define AUDIT_SIGNER_HEX 65
err_t audit_signer(const keyring *kr, char hex[AUDIT_SIGNER_HEX]);

/* Verifies the chain and that the checkpoint's signature holds and its head
 * equals the chain's hash at its size: a tail rewritten after the checkpoint,
 * or a log cut below it, fails.  `signer_hex` (optional) pins the public key:
 * without it, any key that signed the text is taken, which proves nothing
 * against whoever could also replace the checkpoint.  Text after the
 * signature line, or a longer signature, is ERR_INVALID. */
err_t audit_verify_checkpoint(db *d, const char *checkpoint, const char *signer_hex,
			      struct audit_verdict *out);

#endif
