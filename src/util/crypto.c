/*
 * crypto.c - the envelope of crypto.h over libsodium.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/crypto.h"

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Joined by hand: snprintf was a sixth of the cost of opening a column. */
err_t crypto_context(char *ctx, const char *table, const char *ref, const char *column)
{
	const char *part[3] = {table, ref, column};
	size_t len[3], n = 0;
	for (int i = 0; i < 3; i++)
		n += (len[i] = strlen(part[i])) + 1;
	if (n > CRYPTO_CONTEXT_MAX)
		return ERR_LIMIT; /* ctx untouched */
	n = 0;
	for (int i = 0; i < 3; i++) {
		memcpy(ctx + n, part[i], len[i]);
		n += len[i];
		ctx[n++] = i < 2 ? '/' : '\0';
	}
	return ERR_OK;
}

/* Builds the associated data: header then context. */
static size_t make_ad(unsigned char *ad, const unsigned char *header, const char *context)
{
	size_t clen = strlen(context);
	memcpy(ad, header, CRYPTO_HEADER_BYTES);
	memcpy(ad + CRYPTO_HEADER_BYTES, context, clen);
	return CRYPTO_HEADER_BYTES + clen;
}

err_t crypto_seal(const keyring *kr, const char *context, const void *plain, size_t len,
		  unsigned char **out, size_t *outlen)
{
	unsigned char ad[CRYPTO_HEADER_BYTES + CRYPTO_CONTEXT_MAX];
	uint32_t id = keyring_current_id(kr);
	const unsigned char *key = keyring_subkey(kr, id, KEY_ENCRYPT);
	unsigned char *env;
	unsigned long long clen;

	if (!key)
		return ERR_CRYPTO;
	if (len > CRYPTO_VALUE_MAX || strlen(context) >= CRYPTO_CONTEXT_MAX)
		return ERR_LIMIT;
	env = malloc(len + CRYPTO_OVERHEAD);
	if (!env)
		return ERR_NOMEM;
	env[0] = CRYPTO_VERSION;
	put_be32(env + 1, id);
#ifdef HAVEN_BENCH_WITHOUT_ENCRYPTION
	/* Only in the bench_*_plain executables (CMakeLists.txt), never in haven
	 * or haven_core: the same envelope with the value in clear, a zero nonce
	 * and tag, to measure what encryption costs (issue #5). */
	(void)make_ad(ad, env, context);
	memset(env + 5, 0, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	memcpy(env + CRYPTO_HEADER_BYTES, plain, len);
	memset(env + CRYPTO_HEADER_BYTES + len, 0, crypto_aead_xchacha20poly1305_ietf_ABYTES);
	clen = len + crypto_aead_xchacha20poly1305_ietf_ABYTES;
#else
	randombytes_buf(env + 5, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	size_t adlen = make_ad(ad, env, context);
	crypto_aead_xchacha20poly1305_ietf_encrypt(env + CRYPTO_HEADER_BYTES, &clen, plain, len, ad,
						   adlen, NULL, env + 5, key);
#endif
	*out = env;
	*outlen = CRYPTO_HEADER_BYTES + (size_t)clen;
	return ERR_OK;
}

/* Plaintext buffers remember their size so crypto_plain_free can wipe them
 * whole; sodium_malloc would cost three pages and an mprotect per value. */
static char *plain_alloc(size_t size)
{
	size_t *base = malloc(sizeof *base + size);
	if (!base)
		return NULL;
	*base = size;
	return (char *)(base + 1);
}

uint32_t crypto_key_id(const unsigned char *env, size_t envlen)
{
	if (!env || envlen < CRYPTO_OVERHEAD || env[0] != CRYPTO_VERSION)
		return 0;
	return get_be32(env + 1);
}

err_t crypto_open(const keyring *kr, const char *context, const unsigned char *env, size_t envlen,
		  char **out, size_t *outlen)
{
	unsigned char ad[CRYPTO_HEADER_BYTES + CRYPTO_CONTEXT_MAX];
	uint32_t id = crypto_key_id(env, envlen);
	const unsigned char *key = id ? keyring_subkey(kr, id, KEY_ENCRYPT) : NULL;
	unsigned long long plen;
	char *plain;

	if (!key || strlen(context) >= CRYPTO_CONTEXT_MAX || envlen > CRYPTO_VALUE_MAX + CRYPTO_OVERHEAD)
		return ERR_CRYPTO;
	plain = plain_alloc(envlen - CRYPTO_OVERHEAD + 1);
	if (!plain)
		return ERR_NOMEM;
#ifdef HAVEN_BENCH_WITHOUT_ENCRYPTION
	(void)make_ad(ad, env, context); /* bench_*_plain only: see crypto_seal */
	plen = envlen - CRYPTO_OVERHEAD;
	memcpy(plain, env + CRYPTO_HEADER_BYTES, (size_t)plen);
#else
	size_t adlen = make_ad(ad, env, context);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)plain, &plen, NULL,
						       env + CRYPTO_HEADER_BYTES,
						       envlen - CRYPTO_HEADER_BYTES, ad, adlen,
						       env + 5, key) != 0) {
		crypto_plain_free(plain);
		return ERR_CRYPTO;
	}
#endif
	plain[plen] = '\0';
	*out = plain;
	*outlen = (size_t)plen;
	return ERR_OK;
}

void crypto_plain_free(char *plain)
{
	size_t *base;
	if (!plain)
		return;
	base = (size_t *)(void *)plain - 1;
	sodium_memzero(base, *base + sizeof *base);
	free(base);
}

err_t crypto_digest(const keyring *kr, const void *data, size_t len,
		    unsigned char out[CRYPTO_DIGEST_BYTES])
{
	const unsigned char *key = keyring_subkey(kr, keyring_current_id(kr), KEY_DIGEST);
	if (!key)
		return ERR_CRYPTO;
	crypto_generichash(out, CRYPTO_DIGEST_BYTES, data, len, key, KEYRING_KEY_BYTES);
	return ERR_OK;
}

err_t crypto_digest_init(const keyring *kr, crypto_digest_state *s)
{
	const unsigned char *key = keyring_subkey(kr, keyring_current_id(kr), KEY_DIGEST);
	if (!key)
		return ERR_CRYPTO;
	s->key_id = keyring_current_id(kr);
	crypto_generichash_init(&s->st, key, KEYRING_KEY_BYTES, CRYPTO_DIGEST_BYTES);
	return ERR_OK;
}

void crypto_digest_text(crypto_digest_state *s, const char *v)
{
	unsigned char frame[5] = {v ? 1 : 0, 0, 0, 0, 0};
	size_t len = v ? strlen(v) : 0;
	frame[1] = (unsigned char)(len >> 24);
	frame[2] = (unsigned char)(len >> 16);
	frame[3] = (unsigned char)(len >> 8);
	frame[4] = (unsigned char)len;
	crypto_generichash_update(&s->st, frame, sizeof frame);
	if (len)
		crypto_generichash_update(&s->st, (const unsigned char *)v, len);
}

void crypto_digest_int(crypto_digest_state *s, int64_t v)
{
	unsigned char b[9] = {2};
	for (int i = 0; i < 8; i++)
		b[1 + i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
	crypto_generichash_update(&s->st, b, sizeof b);
}

void crypto_digest_final(crypto_digest_state *s, unsigned char out[CRYPTO_RECORD_DIGEST_BYTES])
{
	put_be32(out, s->key_id);
	crypto_generichash_final(&s->st, out + 4, CRYPTO_DIGEST_BYTES);
}

uint32_t crypto_record_digest_key_id(const unsigned char *d, size_t len)
{
	return d && len == CRYPTO_RECORD_DIGEST_BYTES ? get_be32(d) : 0;
}

/* ---- known-answer tests ------------------------------------------------------ */

#define KAT_TEXT "Haven known answer"
#define KAT_AD "persons/P-1/given_name"

static const char KAT_AEAD[] =
	"9c587315bec01278e083e99ecef216e5f7c87286a2e8c3ba7598e2aacec788b793a7";
static const char KAT_BLAKE2B[] =
	"dc804176fbadaa135c9695a36c3f075c8f894efbd190ecc927a347a0f01b1b8b";
static const char KAT_SHA256[] =
	"96e077ded6c03773b2ffbb9c345d44c12a831e77ea03cc6d0ef4490bfc7a0767";
static const char KAT_ED25519[] =
	"b3d04ba91da7ba9516ae4eb5f8fc0524995b922e17188ddde2291f3e5e0a1451"
	"6dc396a6ea3aea7881aa99c02d7db787cce41bcf2a4f61167504d1a37d642a04";
static const char KAT_KDF[] =
	"4edb500781ba23dddefae0eb43866aaa3f135c55df22c45eb5de5ffeaefb2aa9";

static int same_hex(const unsigned char *bin, size_t len, const char *want)
{
	char hex[2 * 64 + 1];
	if (len > 64)
		return 0;
	sodium_bin2hex(hex, sizeof hex, bin, len);
	return strcmp(hex, want) == 0;
}

err_t crypto_self_test(void)
{
	unsigned char key[32], nonce[24], out[64], pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES], back[sizeof KAT_TEXT];
	const unsigned char *text = (const unsigned char *)KAT_TEXT;
	size_t len = strlen(KAT_TEXT);
	unsigned long long n;
	int ok = 1;
	if (sodium_init() < 0)
		return ERR_CRYPTO;
	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 24; i++)
		nonce[i] = (unsigned char)(0x40 + i);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out, &n, text, len, (const unsigned char *)KAT_AD,
						   strlen(KAT_AD), NULL, nonce, key);
	ok &= same_hex(out, (size_t)n, KAT_AEAD);
	ok &= crypto_aead_xchacha20poly1305_ietf_decrypt(back, &n, NULL, out, len + 16,
							 (const unsigned char *)KAT_AD,
							 strlen(KAT_AD), nonce, key) == 0 &&
	      n == len && memcmp(back, text, len) == 0;
	crypto_generichash(out, 32, text, len, key, sizeof key);
	ok &= same_hex(out, 32, KAT_BLAKE2B);
	crypto_hash_sha256(out, text, len);
	ok &= same_hex(out, 32, KAT_SHA256);
	crypto_sign_seed_keypair(pk, sk, key);
	crypto_sign_detached(out, NULL, text, len, sk);
	ok &= same_hex(out, 64, KAT_ED25519) &&
	      crypto_sign_verify_detached(out, text, len, pk) == 0;
	crypto_kdf_derive_from_key(out, 32, 1, "HAVENenc", key);
	ok &= same_hex(out, 32, KAT_KDF);
	sodium_memzero(sk, sizeof sk);
	return ok ? ERR_OK : ERR_CRYPTO;
}
