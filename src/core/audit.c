/*
 * audit.c - the hash-chained audit log of audit.h.
 *
 * The hash of entry n is SHA-256(0x01 || prev_hash || frame(seq) || frame(at)
 * || frame(each text field)), each frame its length then its bytes; entry 1's
 * prev_hash is 32 zero bytes.  The checkpoint's signing key is an Ed25519 key
 * derived from the data key (keyring purpose KEY_SIGN), so no second secret
 * needs keeping; its public half is printed in every checkpoint.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/audit.h"
#include "db/queries.h"
#include "util/decimal.h"

#define CHECKPOINT_HEADER "haven-audit-checkpoint 1"
#define CHECKPOINT_MAX 1024

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* How much of the first `len` bytes of s to keep so as not to end inside a
 * UTF-8 character: PostgreSQL refuses such text, and the action audited
 * would fail with it (a field cut here, or by a caller's snprintf). */
static size_t whole_chars(const char *s, size_t len)
{
	for (size_t back = 1; back <= 3 && back <= len; back++) {
		unsigned char c = (unsigned char)s[len - back];
		if ((c & 0xC0) != 0x80) { /* the first byte of the last character */
			size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
			return back < need ? len - back : len;
		}
	}
	return len; /* three continuation bytes: a whole four-byte character */
}

/* The hash's input gathered in one buffer and given to SHA-256 when full or
 * at the end: libsodium copies a piece shorter than a block byte by byte, and
 * an entry is some twenty pieces of a few bytes (the queue's thread hashes
 * one per audited read). */
struct hash_input {
	crypto_hash_sha256_state st;
	size_t n;
	unsigned char buf[1024];
};

static void put(struct hash_input *h, const void *p, size_t len)
{
	if (len > sizeof h->buf - h->n) {
		crypto_hash_sha256_update(&h->st, h->buf, h->n);
		h->n = 0;
		if (len > sizeof h->buf) {
			crypto_hash_sha256_update(&h->st, p, len);
			return;
		}
	}
	memcpy(h->buf + h->n, p, len);
	h->n += len;
}

static void frame(struct hash_input *h, const void *p, size_t len)
{
	unsigned char n[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
			      (unsigned char)(len >> 8), (unsigned char)len};
	put(h, n, sizeof n);
	put(h, p, len);
}

static void frame_int(struct hash_input *h, int64_t v)
{
	char digits[DECIMAL_INT_MAX];
	frame(h, digits, decimal_int(v, digits));
}

/* The nine text fields in their stored order. */
static void fields(const struct audit_entry *e, const char *out[9])
{
	const char *v[9] = {e->actor,      e->agency,     e->role,    e->action, e->object_type,
			    e->object_ref, e->request_id, e->outcome, e->detail};
	for (int i = 0; i < 9; i++)
		out[i] = nz(v[i]);
}

static void entry_hash(int64_t seq, int64_t at, const char *const text[9],
		       const unsigned char prev[AUDIT_HASH_BYTES], unsigned char out[AUDIT_HASH_BYTES])
{
	struct hash_input h = {.n = 0};
	unsigned char tag = 0x01;
	crypto_hash_sha256_init(&h.st);
	put(&h, &tag, 1);
	put(&h, prev, AUDIT_HASH_BYTES);
	frame_int(&h, seq);
	frame_int(&h, at);
	for (int i = 0; i < 9; i++)
		frame(&h, text[i], strlen(text[i]));
	crypto_hash_sha256_update(&h.st, h.buf, h.n);
	crypto_hash_sha256_final(&h.st, out);
}

/* The last entry's sequence number and hash (0 and zeros when empty). */
static err_t chain_head(db *d, int64_t *seq, unsigned char head[AUDIT_HASH_BYTES])
{
	db_stmt *st = NULL;
	size_t len;
	int rc;
	err_t e = db_prepare(d, Q_AUDIT_HEAD, &st);
	*seq = 0;
	memset(head, 0, AUDIT_HASH_BYTES);
	if (e != ERR_OK)
		return e;
	rc = db_step(st);
	if (rc == DB_ROW) {
		const void *h = db_col_blob(st, 1, &len);
		*seq = db_col_int(st, 0);
		if (len != AUDIT_HASH_BYTES)
			e = ERR_DB;
		else
			memcpy(head, h, len);
	} else if (rc != DB_DONE) {
		e = ERR_DB;
	}
	db_finalize(st);
	return e;
}

err_t audit_append_next(db *d, struct audit_head *head, const struct audit_entry *e)
{
	unsigned char hash[AUDIT_HASH_BYTES];
	const char *text[9];
	char cut[9][AUDIT_FIELD_MAX];
	int64_t at = (int64_t)time(NULL);
	db_stmt *st = NULL;
	err_t err;

#ifdef HAVEN_BENCH_WITHOUT_AUDIT
	/* Only in the bench_*_noaudit executables (CMakeLists.txt), never in
	 * haven or haven_core: nothing written, to measure what the audit costs
	 * (issue #5). */
	if (d)
		return ERR_OK;
#endif
	if (!head->known && (err = chain_head(d, &head->seq, head->hash)) != ERR_OK)
		return err;
	head->known = 1;
	fields(e, text);
	for (int i = 0; i < 9; i++) {
		size_t len = strlen(text[i]);
		size_t keep = whole_chars(text[i], len < AUDIT_FIELD_MAX ? len : AUDIT_FIELD_MAX - 1);
		if (keep < len) {
			memcpy(cut[i], text[i], keep);
			cut[i][keep] = '\0';
			text[i] = cut[i];
		}
	}
	entry_hash(head->seq + 1, at, text, head->hash, hash);
	if ((err = db_prepare(d, Q_AUDIT_APPEND, &st)) != ERR_OK)
		return err;
	err = db_bind_int(st, 1, head->seq + 1);
	if (err == ERR_OK)
		err = db_bind_int(st, 2, at);
	for (int i = 0; err == ERR_OK && i < 9; i++)
		err = db_bind_text(st, 3 + i, text[i]);
	if (err == ERR_OK && (err = db_bind_blob(st, 12, head->hash, AUDIT_HASH_BYTES)) == ERR_OK &&
	    (err = db_bind_blob(st, 13, hash, sizeof hash)) == ERR_OK)
		err = db_step(st) == DB_DONE ? ERR_OK : ERR_DB;
	db_finalize(st);
	if (err == ERR_OK) {
		head->seq++;
		memcpy(head->hash, hash, sizeof hash);
	}
	return err;
}

err_t audit_append(db *d, const struct audit_entry *e, int64_t *seq_out)
{
	struct audit_head head = {.known = 0};
	err_t err = audit_append_next(d, &head, e);
	if (err == ERR_OK && seq_out)
		*seq_out = head.seq;
	return err;
}

err_t audit_record_all(db *d, const struct audit_entry *e, size_t n)
{
	struct audit_head head = {.known = 0};
	err_t err = db_begin(d);
	if (err != ERR_OK)
		return err;
	for (size_t i = 0; err == ERR_OK && i < n; i++)
		err = audit_append_next(d, &head, &e[i]);
	if (err == ERR_OK && (err = db_commit(d)) == ERR_OK)
		return ERR_OK;
	db_rollback(d);
	return err;
}

err_t audit_record(db *d, const struct audit_entry *e)
{
	return audit_record_all(d, e, 1);
}

void audit_cli_actor(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(geteuid());
	snprintf(buf, len, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
}

static void bad(struct audit_verdict *v, int64_t seq, const char *why)
{
	if (v->first_bad)
		return;
	v->first_bad = seq;
	snprintf(v->reason, sizeof v->reason, "%s", why);
}

/* Checks one stored row against the chain so far. */
static void check_row(db_stmt *st, struct audit_verdict *v, int64_t *expect,
		      unsigned char prev[AUDIT_HASH_BYTES])
{
	unsigned char want[AUDIT_HASH_BYTES];
	const char *text[9];
	size_t plen, hlen;
	int64_t seq = db_col_int(st, 0);
	const void *stored_prev = db_col_blob(st, 11, &plen);
	const void *stored_hash;
	int hidden = 0; /* bytes after a NUL in a field, which the hash never saw */
	for (int i = 0; i < 9; i++) {
		text[i] = nz(db_col_text(st, 2 + i));
		hidden |= db_col_text_bytes(st, 2 + i) != strlen(text[i]);
	}
	stored_hash = db_col_blob(st, 12, &hlen);
	if (seq != *expect)
		bad(v, *expect, seq > *expect ? "entries are missing before this one"
					       : "entries are out of order or duplicated");
	else if (plen != AUDIT_HASH_BYTES || memcmp(stored_prev, prev, plen) != 0)
		bad(v, seq, "its link to the previous entry is broken");
	entry_hash(seq, db_col_int(st, 1), text, prev, want);
	if (hidden || hlen != AUDIT_HASH_BYTES || memcmp(stored_hash, want, hlen) != 0)
		bad(v, seq, "its content does not match its hash (edited)");
	memcpy(prev, want, AUDIT_HASH_BYTES);
	*expect = seq + 1;
	v->entries++;
}

/* Walks the chain; when at_size > 0, also copies the hash at that size. */
static err_t walk_chain(db *d, struct audit_verdict *v, int64_t at_size,
			unsigned char at_hash[AUDIT_HASH_BYTES])
{
	unsigned char prev[AUDIT_HASH_BYTES] = {0};
	int64_t expect = 1;
	db_stmt *st = NULL;
	int rc;
	err_t e = db_prepare(d, Q_AUDIT_ALL, &st);
	memset(v, 0, sizeof *v);
	if (e != ERR_OK)
		return e;
	while ((rc = db_step(st)) == DB_ROW) {
		check_row(st, v, &expect, prev);
		if (at_size && v->entries == at_size)
			memcpy(at_hash, prev, AUDIT_HASH_BYTES);
	}
	db_finalize(st);
	memcpy(v->head, prev, AUDIT_HASH_BYTES);
	return rc == DB_DONE ? ERR_OK : ERR_DB;
}

err_t audit_verify(db *d, struct audit_verdict *out)
{
	return walk_chain(d, out, 0, NULL);
}

/* The Ed25519 key pair of the checkpoints, from the current data key. */
static err_t signing_keys(const keyring *kr, unsigned char pk[crypto_sign_PUBLICKEYBYTES],
			  unsigned char *sk)
{
	const unsigned char *seed = keyring_subkey(kr, keyring_current_id(kr), KEY_SIGN);
	if (!seed)
		return ERR_CRYPTO;
	return crypto_sign_seed_keypair(pk, sk, seed) == 0 ? ERR_OK : ERR_CRYPTO;
}

err_t audit_signer(const keyring *kr, char hex[AUDIT_SIGNER_HEX])
{
	_Static_assert(AUDIT_SIGNER_HEX == 2 * crypto_sign_PUBLICKEYBYTES + 1, "hex of a public key");
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (!sk)
		return ERR_NOMEM;
	err_t e = signing_keys(kr, pk, sk);
	sodium_free(sk);
	if (e == ERR_OK)
		sodium_bin2hex(hex, AUDIT_SIGNER_HEX, pk, sizeof pk);
	return e;
}

err_t audit_checkpoint(db *d, const keyring *kr, char **out)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	unsigned char head[AUDIT_HASH_BYTES];
	unsigned char *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	char hexhead[2 * AUDIT_HASH_BYTES + 1], hexpk[2 * sizeof pk + 1], hexsig[2 * sizeof sig + 1];
	char when[32], *text = NULL;
	time_t now = time(NULL);
	int64_t seq;
	err_t e;
	int n;

	if (!sk)
		return ERR_NOMEM;
	if ((e = chain_head(d, &seq, head)) != ERR_OK || (e = signing_keys(kr, pk, sk)) != ERR_OK)
		goto out;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	sodium_bin2hex(hexhead, sizeof hexhead, head, sizeof head);
	sodium_bin2hex(hexpk, sizeof hexpk, pk, sizeof pk);
	if (!(text = malloc(CHECKPOINT_MAX))) {
		e = ERR_NOMEM;
		goto out;
	}
	n = snprintf(text, CHECKPOINT_MAX, "%s\nsize %lld\nhead %s\ntime %s\nsigner %s\n",
		     CHECKPOINT_HEADER, (long long)seq, hexhead, when, hexpk);
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, (unsigned long long)n, sk);
	sodium_bin2hex(hexsig, sizeof hexsig, sig, sizeof sig);
	snprintf(text + n, (size_t)(CHECKPOINT_MAX - n), "signature %s\n", hexsig);
	*out = text;
	text = NULL;
out:
	sodium_free(sk);
	free(text);
	return e;
}

struct checkpoint {
	long long size;
	char head[2 * AUDIT_HASH_BYTES + 1], signer[2 * crypto_sign_PUBLICKEYBYTES + 1];
	char sig[2 * crypto_sign_BYTES + 1];
	size_t signed_len; /* bytes before the "signature" line */
};

static err_t parse_checkpoint(const char *text, struct checkpoint *c)
{
	const char *sigline = strstr(text, "\nsignature ");
	char when[40];
	memset(c, 0, sizeof *c);
	if (!sigline || strncmp(text, CHECKPOINT_HEADER "\n", strlen(CHECKPOINT_HEADER) + 1) != 0)
		return ERR_INVALID;
	if (sscanf(text + strlen(CHECKPOINT_HEADER) + 1, "size %lld\nhead %64s\ntime %39s\nsigner %64s\n",
		   &c->size, c->head, when, c->signer) != 4 ||
	    sscanf(sigline + 1, "signature %128s", c->sig) != 1 || c->size < 0)
		return ERR_INVALID;
	/* nothing after the signature but the line's end (CRLF if mailed) */
	const char *rest = sigline + strlen("\nsignature ") + strlen(c->sig);
	if (rest[strspn(rest, "\r\n")] != '\0')
		return ERR_INVALID;
	c->signed_len = (size_t)(sigline + 1 - text);
	return ERR_OK;
}

/* Exactly 2 * len hex digits into bin; 0 on success.  (sodium_hex2bin alone
 * accepts fewer digits and leaves the rest of bin unset.) */
static int hex_exact(unsigned char *bin, size_t len, const char *hex)
{
	size_t got = 0;
	if (strlen(hex) != 2 * len || sodium_hex2bin(bin, len, hex, 2 * len, NULL, &got, NULL) != 0)
		return -1;
	return got == len ? 0 : -1;
}

static err_t check_signature(const char *text, const struct checkpoint *c)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	if (hex_exact(pk, sizeof pk, c->signer) != 0 || hex_exact(sig, sizeof sig, c->sig) != 0)
		return ERR_INVALID;
	return crypto_sign_verify_detached(sig, (const unsigned char *)text,
					   (unsigned long long)c->signed_len, pk) == 0
		       ? ERR_OK
		       : ERR_CRYPTO;
}

err_t audit_verify_checkpoint(db *d, const char *text, const char *signer_hex,
			      struct audit_verdict *out)
{
	unsigned char at[AUDIT_HASH_BYTES] = {0}, want[AUDIT_HASH_BYTES];
	struct checkpoint c;
	err_t e;
	if ((e = parse_checkpoint(text, &c)) != ERR_OK)
		return e;
	if (signer_hex && strcmp(signer_hex, c.signer) != 0)
		return ERR_CRYPTO;
	if ((e = check_signature(text, &c)) != ERR_OK)
		return e;
	/* the head of an empty log is zeros: Haven never signs another */
	if (hex_exact(want, sizeof want, c.head) != 0 ||
	    (c.size == 0 && !sodium_is_zero(want, sizeof want)))
		return ERR_INVALID;
	if ((e = walk_chain(d, out, c.size, at)) != ERR_OK)
		return e;
	if (out->entries < c.size)
		bad(out, out->entries + 1, "the log is shorter than the checkpoint: entries were removed");
	else if (memcmp(at, want, sizeof want) != 0) /* size 0: zeros, checked above */
		bad(out, c.size, "the chain differs from the checkpoint: entries up to here were rewritten");
	return ERR_OK;
}
