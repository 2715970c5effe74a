/* test_crypto.c - the key file and the envelope of personal values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "util/crypto.h"

struct fixture {
	char *dir, *keypath;
	keyring *kr;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char errbuf[ERRBUF_MAX];
	f->dir = tu_tempdir();
	f->keypath = tu_path(f->dir, "k.key");
	assert_int_equal(keyring_create(f->keypath, &f->kr, errbuf), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	keyring_free(f->kr);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->keypath);
	free(f);
	return 0;
}

static void test_keyfile_mode_and_reload(void **state)
{
	struct fixture *f = *state;
	char errbuf[ERRBUF_MAX];
	struct stat sb;
	keyring *again = NULL;
	assert_int_equal(stat(f->keypath, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(keyring_load(f->keypath, &again, errbuf), ERR_OK);
	assert_int_equal(keyring_current_id(again), 1);
	assert_memory_equal(keyring_subkey(again, 1, KEY_ENCRYPT), keyring_subkey(f->kr, 1, KEY_ENCRYPT),
			    KEYRING_KEY_BYTES);
	/* encryption and digest subkeys differ */
	assert_memory_not_equal(keyring_subkey(again, 1, KEY_ENCRYPT),
				keyring_subkey(again, 1, KEY_DIGEST), KEYRING_KEY_BYTES);
	keyring_free(again);
}

static void test_keyfile_refusals(void **state)
{
	struct fixture *f = *state;
	char errbuf[ERRBUF_MAX];
	keyring *kr = NULL;
	char *bad = tu_path(f->dir, "bad.key");
	/* an existing key file is never overwritten */
	assert_int_equal(keyring_create(f->keypath, &kr, errbuf), ERR_CONFLICT);
	/* readable by others: refused, with the remedy */
	assert_int_equal(chmod(f->keypath, 0640), 0);
	assert_int_equal(keyring_load(f->keypath, &kr, errbuf), ERR_FORBIDDEN);
	assert_non_null(strstr(errbuf, "chmod 600"));
	assert_null(kr);
	/* not a key file */
	tu_write_file(bad, "hello\n");
	chmod(bad, 0600);
	assert_int_equal(keyring_load(bad, &kr, errbuf), ERR_INVALID);
	tu_write_file(bad, "haven-keyring 1\nkey 1 00ff\n");
	assert_int_equal(keyring_load(bad, &kr, errbuf), ERR_INVALID);
	assert_non_null(strstr(errbuf, ":2:"));
	free(bad);
}

static void test_envelope_roundtrip_and_binding(void **state)
{
	struct fixture *f = *state;
	unsigned char *env;
	size_t len, plen;
	char *plain = NULL;
	const char *value = "Məmmədova Gülşən";
	assert_int_equal(crypto_seal(f->kr, "persons/P-1/family_name", value, strlen(value), &env, &len),
			 ERR_OK);
	assert_int_equal(len, strlen(value) + CRYPTO_OVERHEAD);
	assert_int_equal(env[0], CRYPTO_VERSION);
	assert_int_equal(crypto_key_id(env, len), 1);
	assert_null(memmem(env, len, value, strlen(value)));
	assert_int_equal(crypto_open(f->kr, "persons/P-1/family_name", env, len, &plain, &plen), ERR_OK);
	assert_string_equal(plain, value);
	crypto_plain_free(plain);
	/* another record or another column: refused (FLE-02) */
	assert_int_equal(crypto_open(f->kr, "persons/P-2/family_name", env, len, &plain, &plen),
			 ERR_CRYPTO);
	assert_int_equal(crypto_open(f->kr, "persons/P-1/given_name", env, len, &plain, &plen),
			 ERR_CRYPTO);
	/* any flipped bit: refused (ASVS-25) */
	for (size_t i = 0; i < len; i++) {
		env[i] ^= 0x01;
		assert_int_not_equal(crypto_open(f->kr, "persons/P-1/family_name", env, len, &plain, &plen),
				     ERR_OK);
		env[i] ^= 0x01;
	}
	/* unknown version or a short blob: refused, no crash (FLE-01, ASVS-27) */
	env[0] = 2;
	assert_int_equal(crypto_open(f->kr, "persons/P-1/family_name", env, len, &plain, &plen),
			 ERR_CRYPTO);
	assert_int_equal(crypto_open(f->kr, "persons/P-1/family_name", env, 10, &plain, &plen),
			 ERR_CRYPTO);
	free(env);
}

#define CTX "persons/P-1/family_name"

/* Asserts that `env` is refused under `context` with ERR_CRYPTO and that no
 * plaintext comes out: the out-parameters keep the caller's values. */
static void assert_refused(const keyring *kr, const char *context, const unsigned char *env,
			   size_t len)
{
	char sentinel[1], *plain = sentinel;
	size_t plen = 12345;
	assert_int_equal(crypto_open(kr, context, env, len, &plain, &plen), ERR_CRYPTO);
	assert_ptr_equal(plain, sentinel);
	assert_int_equal(plen, 12345);
}

static void seal(const keyring *kr, const char *context, const char *value, unsigned char **env,
		 size_t *len)
{
	assert_int_equal(crypto_seal(kr, context, value, strlen(value), env, len), ERR_OK);
}

/* Truncated, extended, re-versioned and half-swapped envelopes (FLE-01,
 * ASVS-25, ASVS-27): each refused with ERR_CRYPTO and no plaintext. */
static void test_envelope_malformed_refused(void **state)
{
	struct fixture *f = *state;
	unsigned char *a, *b, *big;
	size_t alen, blen;
	seal(f->kr, CTX, "Əliyev", &a, &alen);
	seal(f->kr, CTX, "Əliyeva", &b, &blen);
	/* no envelope at all, a header only, one byte short of a tag */
	assert_refused(f->kr, CTX, NULL, 0);
	assert_int_equal(crypto_key_id(NULL, alen), 0);
	assert_refused(f->kr, CTX, a, CRYPTO_HEADER_BYTES);
	assert_refused(f->kr, CTX, a, CRYPTO_OVERHEAD - 1);
	/* the tag cut short, or a byte added after it */
	assert_refused(f->kr, CTX, a, alen - 1);
	big = malloc(alen + 1);
	memcpy(big, a, alen);
	big[alen] = 0;
	assert_refused(f->kr, CTX, big, alen + 1);
	free(big);
	/* version 0 and 255: not ours */
	a[0] = 0;
	assert_refused(f->kr, CTX, a, alen);
	a[0] = 255;
	assert_refused(f->kr, CTX, a, alen);
	a[0] = CRYPTO_VERSION;
	/* a's nonce put on b's ciphertext */
	memcpy(b + 5, a + 5, 24);
	assert_refused(f->kr, CTX, b, blen);
	/* and a itself still opens: the refusals above did not depend on luck */
	char *plain = NULL;
	size_t plen;
	assert_int_equal(crypto_open(f->kr, CTX, a, alen, &plain, &plen), ERR_OK);
	assert_string_equal(plain, "Əliyev");
	assert_int_equal(plen, strlen("Əliyev"));
	crypto_plain_free(plain);
	crypto_plain_free(NULL); /* accepted, as crypto.h says */
	free(a);
	free(b);
}

/* The key id in the header is authenticated: an unknown id, id 0, or the id
 * of another key the keyring does hold are all refused. */
static void test_envelope_wrong_key_refused(void **state)
{
	struct fixture *f = *state;
	char errbuf[ERRBUF_MAX];
	keyring *rotated = NULL;
	unsigned char *env;
	size_t len, plen;
	uint32_t id = 0;
	char *plain = NULL;
	seal(f->kr, CTX, "Hüseynov", &env, &len);
	/* id 2 unknown to this keyring, then id 0 */
	env[4] = 2;
	assert_int_equal(crypto_key_id(env, len), 2);
	assert_refused(f->kr, CTX, env, len);
	env[4] = 0;
	assert_int_equal(crypto_key_id(env, len), 0);
	assert_refused(f->kr, CTX, env, len);
	/* after rotation, key 2 exists: relabelling key 1's value as key 2's
	 * must still fail, while the value under its own id opens */
	assert_int_equal(keyring_add(f->keypath, &id, errbuf), ERR_OK);
	assert_int_equal(id, 2);
	assert_int_equal(keyring_load(f->keypath, &rotated, errbuf), ERR_OK);
	env[4] = 2;
	assert_refused(rotated, CTX, env, len);
	env[4] = 1;
	assert_int_equal(crypto_open(rotated, CTX, env, len, &plain, &plen), ERR_OK);
	assert_string_equal(plain, "Hüseynov");
	crypto_plain_free(plain);
	/* new values go under key 2, which the old keyring cannot open */
	free(env);
	seal(rotated, CTX, "Hüseynov", &env, &len);
	assert_int_equal(crypto_key_id(env, len), 2);
	assert_refused(f->kr, CTX, env, len);
	keyring_free(rotated);
	free(env);
}

/* Whole envelopes moved between records, and contexts at their limit. */
static void test_envelope_swapped_and_limits(void **state)
{
	struct fixture *f = *state;
	char ctx[CRYPTO_CONTEXT_MAX + 1], *plain = NULL;
	unsigned char *p1, *p2, untouched[1], *env = untouched, *huge;
	size_t l1, l2, len = 7, plen;
	/* two persons' values swapped in the table: each refused at the other */
	seal(f->kr, "persons/P-1/family_name", "Quliyev", &p1, &l1);
	seal(f->kr, "persons/P-2/family_name", "Nəsirova", &p2, &l2);
	assert_refused(f->kr, "persons/P-2/family_name", p1, l1);
	assert_refused(f->kr, "persons/P-1/family_name", p2, l2);
	/* an empty value is sealed and opened like any other */
	free(p1);
	assert_int_equal(crypto_seal(f->kr, CTX, "", 0, &p1, &l1), ERR_OK);
	assert_int_equal(l1, CRYPTO_OVERHEAD);
	assert_int_equal(crypto_open(f->kr, CTX, p1, l1, &plain, &plen), ERR_OK);
	assert_int_equal(plen, 0);
	assert_string_equal(plain, "");
	crypto_plain_free(plain);
	/* the longest context seals and opens; one byte more is refused by
	 * both, and the outputs are left alone */
	memset(ctx, 'c', sizeof ctx);
	ctx[CRYPTO_CONTEXT_MAX - 1] = '\0';
	free(p2);
	seal(f->kr, ctx, "x", &p2, &l2);
	assert_int_equal(crypto_open(f->kr, ctx, p2, l2, &plain, &plen), ERR_OK);
	crypto_plain_free(plain);
	ctx[CRYPTO_CONTEXT_MAX - 1] = 'c';
	ctx[CRYPTO_CONTEXT_MAX] = '\0';
	assert_int_equal(crypto_seal(f->kr, ctx, "x", 1, &env, &len), ERR_LIMIT);
	assert_ptr_equal(env, untouched);
	assert_int_equal(len, 7);
	assert_refused(f->kr, ctx, p2, l2);
	/* a value over CRYPTO_VALUE_MAX is not sealed; an envelope longer than
	 * the largest sealable one is refused before any work */
	huge = calloc(1, CRYPTO_VALUE_MAX + CRYPTO_OVERHEAD + 1);
	assert_int_equal(crypto_seal(f->kr, CTX, huge, CRYPTO_VALUE_MAX + 1, &env, &len),
			 ERR_LIMIT);
	assert_int_equal(len, 7);
	memcpy(huge, p1, CRYPTO_HEADER_BYTES);
	assert_int_equal(crypto_key_id(huge, CRYPTO_VALUE_MAX + CRYPTO_OVERHEAD + 1), 1);
	assert_refused(f->kr, CTX, huge, CRYPTO_VALUE_MAX + CRYPTO_OVERHEAD + 1);
	free(huge);
	free(p1);
	free(p2);
}

/* The largest value accepted seals and opens whole. */
static void test_envelope_largest_value(void **state)
{
	struct fixture *f = *state;
	unsigned char *value = malloc(CRYPTO_VALUE_MAX), *env;
	char *plain = NULL;
	size_t len, plen;
	randombytes_buf(value, CRYPTO_VALUE_MAX);
	assert_int_equal(crypto_seal(f->kr, CTX, value, CRYPTO_VALUE_MAX, &env, &len), ERR_OK);
	assert_int_equal(len, CRYPTO_VALUE_MAX + CRYPTO_OVERHEAD);
	assert_int_equal(crypto_open(f->kr, CTX, env, len, &plain, &plen), ERR_OK);
	assert_int_equal(plen, CRYPTO_VALUE_MAX);
	assert_memory_equal(plain, value, CRYPTO_VALUE_MAX);
	crypto_plain_free(plain);
	free(env);
	free(value);
}

/* The context binding a sealed value to its place: "table/ref/column", the
 * longest that fits CRYPTO_CONTEXT_MAX with its NUL, one byte more refused. */
static void test_context(void **state)
{
	char ctx[CRYPTO_CONTEXT_MAX], ref[CRYPTO_CONTEXT_MAX];
	(void)state;
	assert_int_equal(crypto_context(ctx, "persons", "P-1", "family_name"), ERR_OK);
	assert_string_equal(ctx, "persons/P-1/family_name");
	/* "t/" + ref + "/c" + NUL */
	memset(ref, 'r', sizeof ref);
	ref[CRYPTO_CONTEXT_MAX - 5] = '\0';
	assert_int_equal(crypto_context(ctx, "t", ref, "c"), ERR_OK);
	assert_int_equal(strlen(ctx), CRYPTO_CONTEXT_MAX - 1);
	/* refused, and ctx left as it was (STYLE.md: outputs untouched) */
	char before[CRYPTO_CONTEXT_MAX];
	memcpy(before, ctx, sizeof before);
	assert_int_equal(crypto_context(ctx, "t", ref, "cc"), ERR_LIMIT);
	assert_int_equal(crypto_context(ctx, "tt", ref, "c"), ERR_LIMIT);
	assert_int_equal(crypto_context(ctx, "persons", ref, "family_name"), ERR_LIMIT);
	assert_memory_equal(ctx, before, sizeof before);
}

static int cmp_nonce(const void *a, const void *b)
{
	return memcmp(a, b, 24);
}

static void test_nonces_distinct(void **state)
{
	struct fixture *f = *state;
	enum { N = 100000 };
	unsigned char *nonces = malloc((size_t)N * 24);
	for (int i = 0; i < N; i++) {
		unsigned char *env;
		size_t len;
		assert_int_equal(crypto_seal(f->kr, "t/r/c", "same", 4, &env, &len), ERR_OK);
		memcpy(nonces + (size_t)i * 24, env + 5, 24);
		free(env);
	}
	qsort(nonces, N, 24, cmp_nonce);
	for (int i = 1; i < N; i++)
		assert_int_not_equal(memcmp(nonces + (size_t)(i - 1) * 24, nonces + (size_t)i * 24, 24), 0);
	free(nonces);
}

static void test_digest_framing(void **state)
{
	struct fixture *f = *state;
	crypto_digest_state s;
	unsigned char a[CRYPTO_RECORD_DIGEST_BYTES], b[CRYPTO_RECORD_DIGEST_BYTES], c[CRYPTO_RECORD_DIGEST_BYTES];
	crypto_digest_init(f->kr, &s);
	crypto_digest_text(&s, "ab");
	crypto_digest_text(&s, "c");
	crypto_digest_final(&s, a);
	crypto_digest_init(f->kr, &s);
	crypto_digest_text(&s, "a");
	crypto_digest_text(&s, "bc");
	crypto_digest_final(&s, b);
	crypto_digest_init(f->kr, &s);
	crypto_digest_text(&s, "ab");
	crypto_digest_text(&s, NULL);
	crypto_digest_final(&s, c);
	assert_memory_not_equal(a, b, sizeof a);
	assert_memory_not_equal(a, c, sizeof a);
	assert_int_equal(crypto_record_digest_key_id(a, sizeof a), 1);
}

static void test_known_answers(void **state)
{
	(void)state;
	assert_int_equal(crypto_self_test(), ERR_OK);
}

/* The keyed digest: the same for the same input and key, and different
 * under another key or with no key, so that a blind index cannot be
 * recomputed by someone without the key file. */
static void test_digest_keyed(void **state)
{
	struct fixture *f = *state;
	char errbuf[ERRBUF_MAX];
	unsigned char a[CRYPTO_DIGEST_BYTES], b[CRYPTO_DIGEST_BYTES];
	char *otherpath = tu_path(f->dir, "other.key");
	keyring *other = NULL;
	assert_int_equal(crypto_digest(f->kr, "AZE1234567", 10, a), ERR_OK);
	assert_int_equal(crypto_digest(f->kr, "AZE1234567", 10, b), ERR_OK);
	assert_memory_equal(a, b, sizeof a);
	assert_int_equal(crypto_digest(f->kr, "AZE1234568", 10, b), ERR_OK);
	assert_memory_not_equal(a, b, sizeof a);
	crypto_generichash(b, sizeof b, (const unsigned char *)"AZE1234567", 10, NULL, 0);
	assert_memory_not_equal(a, b, sizeof a);
	assert_int_equal(keyring_create(otherpath, &other, errbuf), ERR_OK);
	assert_int_equal(crypto_digest(other, "AZE1234567", 10, b), ERR_OK);
	assert_memory_not_equal(a, b, sizeof a);
	keyring_free(other);
	free(otherpath);
}

static void record_digest(const keyring *kr, int64_t i, const char *text,
			  unsigned char out[CRYPTO_RECORD_DIGEST_BYTES])
{
	crypto_digest_state s;
	assert_int_equal(crypto_digest_init(kr, &s), ERR_OK);
	if (text)
		crypto_digest_text(&s, text);
	else
		crypto_digest_int(&s, i);
	crypto_digest_final(&s, out);
}

/* A record digest tells an integer from its text and one integer from
 * another, names the key it was made with, and refuses to name one for
 * anything that is not a record digest. */
static void test_record_digest_ints_key_id(void **state)
{
	struct fixture *f = *state;
	char errbuf[ERRBUF_MAX];
	unsigned char one[CRYPTO_RECORD_DIGEST_BYTES], x[CRYPTO_RECORD_DIGEST_BYTES];
	keyring *rotated = NULL;
	uint32_t id = 0;
	record_digest(f->kr, 1, NULL, one);
	record_digest(f->kr, 1, NULL, x);
	assert_memory_equal(one, x, sizeof one);
	record_digest(f->kr, 0, "1", x);
	assert_memory_not_equal(one, x, sizeof one);
	record_digest(f->kr, 256, NULL, x);
	assert_memory_not_equal(one, x, sizeof one);
	record_digest(f->kr, 1 + ((int64_t)1 << 56), NULL, x);
	assert_memory_not_equal(one, x, sizeof one);
	record_digest(f->kr, -1, NULL, x);
	assert_memory_not_equal(one, x, sizeof one);
	assert_int_equal(crypto_record_digest_key_id(one, sizeof one), 1);
	assert_int_equal(crypto_record_digest_key_id(one, sizeof one - 1), 0);
	assert_int_equal(crypto_record_digest_key_id(NULL, sizeof one), 0);
	/* after rotation: made with key 2, and not the same digest */
	assert_int_equal(keyring_add(f->keypath, &id, errbuf), ERR_OK);
	assert_int_equal(keyring_load(f->keypath, &rotated, errbuf), ERR_OK);
	record_digest(rotated, 1, NULL, x);
	assert_int_equal(crypto_record_digest_key_id(x, sizeof x), 2);
	assert_memory_not_equal(one + 4, x + 4, CRYPTO_DIGEST_BYTES);
	keyring_free(rotated);
}

/* A libsodium that answers wrongly, to show that crypto_self_test refuses
 * it (a self-test that cannot fail protects nothing).  These definitions
 * take the place of the shared libsodium's (pkg-config links Debian's
 * libsodium.so) in this executable and pass each call on to it, unless
 * `broken` names the fault to inject. */
enum fault { WORKS, NO_INIT, AEAD_REFUSES, AEAD_SHORT, AEAD_GARBLES, SIGN_GARBLES, VERIFY_REFUSES };
static enum fault broken = WORKS;

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

int sodium_init(void)
{
	return broken == NO_INIT ? -1 : REAL(sodium_init)();
}

int crypto_aead_xchacha20poly1305_ietf_decrypt(unsigned char *m, unsigned long long *mlen_p,
					       unsigned char *nsec, const unsigned char *c,
					       unsigned long long clen, const unsigned char *ad,
					       unsigned long long adlen, const unsigned char *npub,
					       const unsigned char *k)
{
	int rc = REAL(crypto_aead_xchacha20poly1305_ietf_decrypt)(m, mlen_p, nsec, c, clen, ad,
								  adlen, npub, k);
	if (broken == AEAD_REFUSES)
		return -1;
	if (rc == 0 && broken == AEAD_SHORT)
		--*mlen_p;
	if (rc == 0 && broken == AEAD_GARBLES && *mlen_p > 0)
		m[0] ^= 0x01;
	return rc;
}

int crypto_sign_detached(unsigned char *sig, unsigned long long *siglen_p, const unsigned char *m,
			 unsigned long long mlen, const unsigned char *sk)
{
	int rc = REAL(crypto_sign_detached)(sig, siglen_p, m, mlen, sk);
	if (broken == SIGN_GARBLES)
		sig[0] ^= 0x01;
	return rc;
}

int crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m,
				unsigned long long mlen, const unsigned char *pk)
{
	int rc = REAL(crypto_sign_verify_detached)(sig, m, mlen, pk);
	return broken == VERIFY_REFUSES ? -1 : rc;
}

static void test_known_answers_refuse_broken_library(void **state)
{
	(void)state;
	for (enum fault i = NO_INIT; i <= VERIFY_REFUSES; i++) {
		broken = i;
		err_t e = crypto_self_test();
		broken = WORKS;
		if (e != ERR_CRYPTO)
			fail_msg("fault %d: crypto_self_test answered %d", (int)i, (int)e);
	}
	/* and with the faults gone, the same library passes */
	assert_int_equal(crypto_self_test(), ERR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keyfile_mode_and_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyfile_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_envelope_roundtrip_and_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_envelope_malformed_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_envelope_wrong_key_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_envelope_swapped_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_envelope_largest_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonces_distinct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_keyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_digest_ints_key_id, setup, teardown),
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_known_answers_refuse_broken_library),
		cmocka_unit_test(test_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
