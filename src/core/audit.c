/*
 * audit.c - the hash-chained audit log of audit.h.
 *
 * The hash of entry n is SHA-256(0x01 || prev_hash || frame(seq) || frame(at)
 * || frame(each text field)), each frame its length then its bytes; entry 1's
 * prev_hash is 32 zero bytes.  Each frame's length is 4 bytes, big-endian;
 * seq and at are frames of their decimal digits; the nine text fields come
 * in the order of struct audit_entry.  Entry n's leaf in the Merkle tree is
 * SHA-256(0x00 || the same frames), without prev_hash, as RFC 6962 has it.
 * The checkpoint's signing key is an Ed25519 key
 * derived from the data key (keyring purpose KEY_SIGN), so no second secret
 * needs keeping; its public half is printed in every checkpoint.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/audit_internal.h"
#include "core/clock.h"
#include "db/queries.h"
#include "util/decimal.h"
#include "util/merkle.h"

#define CHECKPOINT_V1 "haven-audit-checkpoint 1"
#define CHECKPOINT_HEADER "haven-audit-checkpoint 2"
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

/* An entry's content, as both its chain hash and its leaf hash cover it. */
static void content(struct hash_input *h, int64_t seq, int64_t at, const char *const text[9])
{
	frame_int(h, seq);
	frame_int(h, at);
	for (int i = 0; i < 9; i++)
		frame(h, text[i], strlen(text[i]));
}

static void finish(struct hash_input *h, unsigned char out[AUDIT_HASH_BYTES])
{
	crypto_hash_sha256_update(&h->st, h->buf, h->n);
	crypto_hash_sha256_final(&h->st, out);
}

static void entry_hash(int64_t seq, int64_t at, const char *const text[9],
		       const unsigned char prev[AUDIT_HASH_BYTES], unsigned char out[AUDIT_HASH_BYTES])
{
	struct hash_input h = {.n = 0};
	unsigned char tag = 0x01;
	crypto_hash_sha256_init(&h.st);
	put(&h, &tag, 1);
	put(&h, prev, AUDIT_HASH_BYTES);
	content(&h, seq, at, text);
	finish(&h, out);
}

void audit_entry_leaf(int64_t seq, int64_t at, const char *const text[AUDIT_FIELDS],
		      unsigned char out[AUDIT_HASH_BYTES])
{
	struct hash_input h = {.n = 0};
	unsigned char tag = 0x00;
	crypto_hash_sha256_init(&h.st);
	put(&h, &tag, 1);
	content(&h, seq, at, text);
	finish(&h, out);
}

/* The last entry's sequence number, time and hash (0, 0 and zeros when the
 * log is empty). */
static err_t chain_head(db *d, struct audit_head *head)
{
	db_stmt *st = NULL;
	size_t len;
	int rc;
	err_t e = db_prepare(d, Q_AUDIT_HEAD, &st);
	head->seq = head->at = 0;
	memset(head->hash, 0, AUDIT_HASH_BYTES);
	if (e != ERR_OK)
		return e;
	rc = db_step(st);
	if (rc == DB_ROW) {
		const void *h = db_col_blob(st, 1, &len);
		head->seq = db_col_int(st, 0);
		head->at = db_col_int(st, 2);
		if (len != AUDIT_HASH_BYTES)
			e = ERR_DB;
		else
			memcpy(head->hash, h, len);
	} else if (rc != DB_DONE) {
		e = db_step_error(rc);
	}
	db_finalize(st);
	return e;
}

#define CLOCK_FLAG "clock_regression"

err_t audit_append_next(db *d, struct audit_head *head, const struct audit_entry *e)
{
	unsigned char hash[AUDIT_HASH_BYTES];
	const char *text[9];
	char cut[9][AUDIT_FIELD_MAX], flagged[AUDIT_FIELD_MAX];
	int64_t at = clock_now();
	db_stmt *st = NULL;
	err_t err;

#ifdef HAVEN_BENCH_WITHOUT_AUDIT
	/* Only in the bench_*_noaudit executables (CMakeLists.txt), never in
	 * haven or haven_core: nothing written, to measure what the audit costs
	 * (issue #5). */
	if (d)
		return ERR_OK;
#endif
	if (!head->known && (err = chain_head(d, head)) != ERR_OK)
		return err;
	head->known = 1;
	fields(e, text);
	if (at < head->at) { /* flagged first: a long detail is cut at its end */
		snprintf(flagged, sizeof flagged, "%s%s%s", CLOCK_FLAG, *text[8] ? " " : "", text[8]);
		text[8] = flagged;
	}
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
		err = db_done(db_step(st));
	if (err == ERR_CONFLICT)
		err = ERR_DB; /* a stale head: the log refuses the fork, as any storage failure */
	db_finalize(st);
	if (err == ERR_OK) {
		head->seq++;
		head->at = at;
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
	/* getpwuid_r: registries are opened on several threads at once (the
	 * server's pool, its checkpointer), and getpwuid's answer is shared */
	struct passwd pwd, *pw = NULL;
	char space[4096];
	if (getpwuid_r(geteuid(), &pwd, space, sizeof space, &pw) != 0)
		pw = NULL;
	snprintf(buf, len, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
}

static void bad(struct audit_verdict *v, int64_t seq, const char *why)
{
	if (v->first_bad)
		return;
	v->first_bad = seq;
	snprintf(v->reason, sizeof v->reason, "%s", why);
}

static void copy_entry(struct audit_walk *w, int64_t at, const char *const text[AUDIT_FIELDS])
{
	w->entry_at = at;
	for (int i = 0; i < AUDIT_FIELDS; i++)
		w->entry_text[i] = strdup(text[i]);
}

/* Checks one stored row against the chain so far, and adds its leaf. */
static void check_row(db_stmt *st, struct audit_verdict *v, struct audit_walk *w, int64_t *expect,
		      unsigned char prev[AUDIT_HASH_BYTES], int64_t *prev_at)
{
	unsigned char want[AUDIT_HASH_BYTES], leaf[AUDIT_HASH_BYTES];
	const char *text[AUDIT_FIELDS];
	size_t plen, hlen;
	int64_t seq = db_col_int(st, 0), at = db_col_int(st, 1);
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
	entry_hash(seq, at, text, prev, want);
	if (hidden || hlen != AUDIT_HASH_BYTES || memcmp(stored_hash, want, hlen) != 0)
		bad(v, seq, "its content does not match its hash (edited)");
	memcpy(prev, want, AUDIT_HASH_BYTES);
	if (v->entries > 0 && at < *prev_at && !v->clock_regressions++)
		v->first_regression = seq;
	*prev_at = at;
	audit_entry_leaf(seq, at, text, leaf);
	if (w->entry_seq > 0 && w->entry_seq == seq && !w->entry_text[0])
		copy_entry(w, at, text);
	if (w->proof)
		merkle_proof_feed(w->proof, (uint64_t)v->entries, leaf);
	merkle_acc_push(&w->tree, leaf);
	*expect = seq + 1;
	v->entries++;
}

/* Walks the whole log in one statement (one snapshot of it). */
err_t audit_walk(db *d, struct audit_verdict *v, struct audit_walk *w)
{
	unsigned char prev[AUDIT_HASH_BYTES] = {0};
	int64_t expect = 1, prev_at = 0;
	db_stmt *st = NULL;
	int rc;
	err_t e = db_prepare(d, Q_AUDIT_ALL, &st);
	memset(v, 0, sizeof *v);
	merkle_acc_init(&w->tree);
	if (e != ERR_OK)
		return e;
	while ((rc = db_step(st)) == DB_ROW) {
		check_row(st, v, w, &expect, prev, &prev_at);
		if (w->at_size && v->entries == w->at_size) {
			memcpy(w->at_head, prev, AUDIT_HASH_BYTES);
			merkle_acc_root(&w->tree, w->at_root);
		}
	}
	db_finalize(st);
	memcpy(v->head, prev, AUDIT_HASH_BYTES);
	merkle_acc_root(&w->tree, v->root);
	return db_done(rc);
}

err_t audit_verify(db *d, struct audit_verdict *out)
{
	struct audit_walk w = {.at_size = 0};
	return audit_walk(d, out, &w);
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

/* The signed text of a checkpoint of `v`, the verdict of a whole walk. */
static err_t sign_checkpoint(const keyring *kr, const struct audit_verdict *v, char **out)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	unsigned char *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	char hexhead[2 * AUDIT_HASH_BYTES + 1], hexroot[2 * AUDIT_HASH_BYTES + 1];
	char hexpk[2 * sizeof pk + 1], hexsig[2 * sizeof sig + 1];
	char when[32], *text = NULL;
	time_t now = time(NULL);
	err_t e;
	int n;

	if (!sk)
		return ERR_NOMEM;
	if ((e = signing_keys(kr, pk, sk)) != ERR_OK)
		goto out;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	sodium_bin2hex(hexhead, sizeof hexhead, v->head, AUDIT_HASH_BYTES);
	sodium_bin2hex(hexroot, sizeof hexroot, v->root, AUDIT_HASH_BYTES);
	sodium_bin2hex(hexpk, sizeof hexpk, pk, sizeof pk);
	if (!(text = malloc(CHECKPOINT_MAX))) {
		e = ERR_NOMEM;
		goto out;
	}
	n = snprintf(text, CHECKPOINT_MAX, "%s\nsize %lld\nhead %s\nroot %s\ntime %s\nsigner %s\n",
		     CHECKPOINT_HEADER, (long long)v->entries, hexhead, hexroot, when, hexpk);
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

err_t audit_checkpoint(db *d, const keyring *kr, struct audit_verdict *v, char **out)
{
	struct audit_walk w = {.at_size = 0};
	err_t e = audit_walk(d, v, &w);
	*out = NULL;
	if (e != ERR_OK || v->first_bad)
		return e; /* a checkpoint vouches for the log: never for a broken one */
	return sign_checkpoint(kr, v, out);
}

int audit_hex_exact(unsigned char *bin, size_t len, const char *hex)
{
	size_t got = 0;
	if (strlen(hex) != 2 * len || sodium_hex2bin(bin, len, hex, 2 * len, NULL, &got, NULL) != 0)
		return -1;
	return got == len ? 0 : -1;
}

int audit_line_value(const char **p, const char *key, char *buf, size_t cap)
{
	size_t k = strlen(key), n;
	const char *v = *p + k + 1, *eol;
	if (strncmp(*p, key, k) != 0 || (*p)[k] != ' ' || !(eol = strchr(v, '\n')) ||
	    (n = (size_t)(eol - v) - (eol[-1] == '\r')) == 0 || n >= cap)
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	*p = eol + 1;
	return 0;
}

int audit_size_line(const char **p, const char *key, long long *out)
{
	char digits[24], *end = NULL;
	if (audit_line_value(p, key, digits, sizeof digits) != 0 || *digits < '0' || *digits > '9')
		return -1;
	errno = 0;
	long long v = strtoll(digits, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int audit_starts(const char *text, const char *line)
{
	size_t n = strlen(line);
	return strncmp(text, line, n) == 0 && text[n] == '\n';
}

err_t audit_parse_checkpoint(const char *text, struct audit_ckpt *c)
{
	char when[40], head[2 * AUDIT_HASH_BYTES + 1], root[2 * AUDIT_HASH_BYTES + 1];
	const char *p = strchr(text, '\n');
	memset(c, 0, sizeof *c);
	c->version = audit_starts(text, CHECKPOINT_V1) ? 1 : audit_starts(text, CHECKPOINT_HEADER) ? 2 : 0;
	if (!c->version)
		return ERR_INVALID;
	p++;
	if (audit_size_line(&p, "size", &c->size) || audit_line_value(&p, "head", head, sizeof head) ||
	    audit_hex_exact(c->head, AUDIT_HASH_BYTES, head) != 0 ||
	    (c->version > 1 && (audit_line_value(&p, "root", root, sizeof root) ||
				audit_hex_exact(c->root, AUDIT_HASH_BYTES, root) != 0)) ||
	    audit_line_value(&p, "time", when, sizeof when) ||
	    audit_line_value(&p, "signer", c->signer, sizeof c->signer) ||
	    strncmp(p, "signature ", 10) != 0)
		return ERR_INVALID;
	c->signed_len = (size_t)(p - text);
	/* the signature, then nothing but the line's end (CRLF if mailed) */
	size_t n = strcspn(p + 10, "\r\n");
	if (n >= sizeof c->sig || p[10 + n + strspn(p + 10 + n, "\r\n")] != '\0')
		return ERR_INVALID;
	memcpy(c->sig, p + 10, n);
	c->sig[n] = '\0';
	return ERR_OK;
}

static err_t check_signature(const char *text, const struct audit_ckpt *c)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	if (audit_hex_exact(pk, sizeof pk, c->signer) != 0 || audit_hex_exact(sig, sizeof sig, c->sig) != 0)
		return ERR_INVALID;
	return crypto_sign_verify_detached(sig, (const unsigned char *)text,
					   (unsigned long long)c->signed_len, pk) == 0
		       ? ERR_OK
		       : ERR_CRYPTO;
}

err_t audit_open_checkpoint(const char *text, const char *signer_hex, struct audit_ckpt *c)
{
	unsigned char empty_root[AUDIT_HASH_BYTES];
	err_t e = audit_parse_checkpoint(text, c);
	if (e != ERR_OK)
		return e;
	if (signer_hex && strcmp(signer_hex, c->signer) != 0)
		return ERR_CRYPTO;
	if ((e = check_signature(text, c)) != ERR_OK)
		return e;
	crypto_hash_sha256(empty_root, NULL, 0);
	if (c->size == 0 && (!sodium_is_zero(c->head, sizeof c->head) ||
			     (c->version > 1 && memcmp(c->root, empty_root, sizeof empty_root) != 0)))
		return ERR_INVALID;
	return ERR_OK;
}

err_t audit_verify_checkpoint(db *d, const char *text, const char *signer_hex,
			      struct audit_verdict *out)
{
	struct audit_ckpt c;
	struct audit_walk w = {.at_size = 0};
	err_t e = audit_open_checkpoint(text, signer_hex, &c);
	if (e != ERR_OK)
		return e;
	w.at_size = c.size;
	if ((e = audit_walk(d, out, &w)) != ERR_OK)
		return e;
	if (c.size == 0)
		return ERR_OK; /* every log extends the empty one */
	if (out->entries < c.size)
		bad(out, out->entries + 1, "the log is shorter than the checkpoint: entries were removed");
	else if (memcmp(w.at_head, c.head, sizeof c.head) != 0)
		bad(out, c.size, "the chain differs from the checkpoint: entries up to here were rewritten");
	else if (c.version > 1 && memcmp(w.at_root, c.root, sizeof c.root) != 0)
		bad(out, c.size, "the Merkle tree differs from the checkpoint: entries up to here were rewritten");
	return ERR_OK;
}
