/*
 * crypto.h - the envelope that keeps one personal value encrypted at rest.
 *
 * Envelope (FLE-01), version 1:
 *   byte 0      version (1)
 *   bytes 1-4   key id, big-endian
 *   bytes 5-28  random 24-byte nonce
 *   then        XChaCha20-Poly1305 ciphertext with its 16-byte tag
 * The associated data is the 29-byte header followed by the value's context
 * ("table/record ref/column"), so a value copied to another record or column,
 * or given another key id, fails to open.  docs/internals/crypto.md lists the
 * inventory.
 */
#ifndef HAVEN_CRYPTO_H
#define HAVEN_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "util/err.h"
#include "util/keyring.h"

#define CRYPTO_VERSION 1
#define CRYPTO_HEADER_BYTES 29
#define CRYPTO_OVERHEAD (CRYPTO_HEADER_BYTES + 16)
#define CRYPTO_CONTEXT_MAX 256
#define CRYPTO_DIGEST_BYTES 32
#define CRYPTO_VALUE_MAX (1u << 20)

/* Writes "table/ref/column" into ctx (CRYPTO_CONTEXT_MAX bytes). */
err_t crypto_context(char *ctx, const char *table, const char *ref, const char *column);

/* Encrypts `len` bytes under the keyring's current key.  *out is malloc'd and
 * owned by the caller; *outlen is len + CRYPTO_OVERHEAD. */
err_t crypto_seal(const keyring *kr, const char *context, const void *plain, size_t len,
		  unsigned char **out, size_t *outlen);

/* Decrypts an envelope.  *out is a NUL-terminated copy the caller releases with crypto_plain_free (which wipes it).  A
 * tampered, misplaced or unknown-version envelope answers ERR_CRYPTO. */
err_t crypto_open(const keyring *kr, const char *context, const unsigned char *env, size_t envlen,
		  char **out, size_t *outlen);
void crypto_plain_free(char *plain); /* accepts NULL */

/* The key id an envelope names, or 0 if it is not a valid envelope header. */
uint32_t crypto_key_id(const unsigned char *env, size_t envlen);

/* Keyed BLAKE2b-256 of `len` bytes under the current key's digest subkey. */
err_t crypto_digest(const keyring *kr, const void *data, size_t len,
		    unsigned char out[CRYPTO_DIGEST_BYTES]);

/* A record digest: the same keyed hash over a sequence of fields, each
 * framed by its length so that ("ab","c") and ("a","bc") differ and NULL
 * differs from "", prefixed by the key id it was made with (4 bytes,
 * big-endian), so that key rotation can tell which digests are still due. */
#define CRYPTO_RECORD_DIGEST_BYTES (4 + CRYPTO_DIGEST_BYTES)
typedef struct {
	crypto_generichash_state st;
	uint32_t key_id;
} crypto_digest_state;
err_t crypto_digest_init(const keyring *kr, crypto_digest_state *s);
void crypto_digest_text(crypto_digest_state *s, const char *v); /* NULL allowed */
void crypto_digest_int(crypto_digest_state *s, int64_t v);
void crypto_digest_final(crypto_digest_state *s, unsigned char out[CRYPTO_RECORD_DIGEST_BYTES]);
/* The key id of a record digest, or 0 when it is not one. */
uint32_t crypto_record_digest_key_id(const unsigned char *d, size_t len);

/* Known-answer tests of every primitive Haven uses (XChaCha20-Poly1305,
 * keyed BLAKE2b, SHA-256, Ed25519, the KDF), against values committed in the
 * source (SHA-256 and BLAKE2b checked against Python's hashlib too).  Run
 * before any key is used: a broken or miscompiled library must not be
 * trusted with personal data. */
err_t crypto_self_test(void);

#endif
