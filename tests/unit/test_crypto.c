/* test_crypto.c - the key file and the envelope of personal values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

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
	assert_int_equal(crypto_context(ctx, "t", ref, "cc"), ERR_LIMIT);
	assert_int_equal(crypto_context(ctx, "tt", ref, "c"), ERR_LIMIT);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keyfile_mode_and_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keyfile_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_envelope_roundtrip_and_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonces_distinct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_framing, setup, teardown),
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
