/*
 * test_totp.c - RFC 6238 one-time codes: the RFC's SHA-1 test vectors (6
 * digits: the last six of the published eight), the ±1 step window, no
 * replay and no older code after a newer one (ASVS-03), and the
 * provisioning URI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "core/totp.h"

/* RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890". */
static const unsigned char seed[] = "12345678901234567890";
#define SEED_LEN 20

static void rfc6238_vectors(void **state)
{
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {
		{59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
		{1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	};
	char out[TOTP_CODE_MAX];
	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(totp_code(seed, SEED_LEN, v[i].t, out), ERR_OK);
		assert_string_equal(out, v[i].code);
	}
}

static void window_and_replay(void **state)
{
	const int64_t now = 1700000000;
	char code[TOTP_CODE_MAX];
	int64_t step = 0, first;
	(void)state;
	assert_int_equal(totp_code(seed, SEED_LEN, now, code), ERR_OK);
	assert_int_equal(totp_verify(seed, SEED_LEN, code, now, 0, &step), ERR_OK);
	assert_int_equal(step, totp_step(now));
	first = step;
	/* the same code again: refused */
	assert_int_equal(totp_verify(seed, SEED_LEN, code, now, first, &step), ERR_FORBIDDEN);
	/* the code of the step before, after this one was used: refused */
	assert_int_equal(totp_code(seed, SEED_LEN, now - TOTP_STEP_SECONDS, code), ERR_OK);
	assert_int_equal(totp_verify(seed, SEED_LEN, code, now, first, &step), ERR_FORBIDDEN);
	/* ... but accepted (drift) when nothing newer was used */
	assert_int_equal(totp_verify(seed, SEED_LEN, code, now, 0, &step), ERR_OK);
	assert_int_equal(step, first - 1);
	/* the next step's code: accepted */
	assert_int_equal(totp_code(seed, SEED_LEN, now + TOTP_STEP_SECONDS, code), ERR_OK);
	assert_int_equal(totp_verify(seed, SEED_LEN, code, now, first, &step), ERR_OK);
	assert_int_equal(step, first + 1);
	/* two steps old: refused */
	assert_int_equal(totp_code(seed, SEED_LEN, now - 2 * TOTP_STEP_SECONDS, code), ERR_OK);
	assert_int_equal(totp_verify(seed, SEED_LEN, code, now, 0, &step), ERR_FORBIDDEN);
}

static void malformed_codes(void **state)
{
	int64_t step = 0;
	(void)state;
	const char *bad[] = {"", "12345", "1234567", "12a456", " 12345", "123456 ", "+12345"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(totp_verify(seed, SEED_LEN, bad[i], 59, 0, &step), ERR_FORBIDDEN);
	assert_int_equal(totp_verify(seed, SEED_LEN, NULL, 59, 0, &step), ERR_FORBIDDEN);
	/* the right code for another secret */
	unsigned char other[TOTP_SECRET_BYTES];
	totp_new_secret(other);
	char code[TOTP_CODE_MAX];
	assert_int_equal(totp_code(other, sizeof other, 59, code), ERR_OK);
	if (strcmp(code, "287082") != 0)
		assert_int_equal(totp_verify(seed, SEED_LEN, code, 59, 0, &step), ERR_FORBIDDEN);
}

static void provisioning_uri(void **state)
{
	char uri[TOTP_URI_MAX];
	(void)state;
	assert_int_equal(totp_uri(seed, SEED_LEN, "aysel.k", uri, sizeof uri), ERR_OK);
	assert_string_equal(uri, "otpauth://totp/Haven:aysel.k?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
				 "&issuer=Haven&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(totp_uri(seed, SEED_LEN, "aysel.k", uri, 20), ERR_LIMIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6238_vectors),
		cmocka_unit_test(window_and_replay),
		cmocka_unit_test(malformed_codes),
		cmocka_unit_test(provisioning_uri),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
