/*
 * test_password.c - the password policy (ASVS-01) and Argon2id storage
 * (ASVS-02): lengths, the common list, no folding or truncation, salts,
 * rehash when the limits rise, and the shipped list matching the binary's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/password.h"
#include "testutil.h"

static char *repeat(const char *unit, size_t times)
{
	size_t n = strlen(unit);
	char *s = malloc(n * times + 1);
	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * n, unit, n);
	s[n * times] = '\0';
	return s;
}

static err_t check(const char *pw)
{
	char errbuf[ERRBUF_MAX];
	return password_check_policy(pw, "alice", errbuf);
}

static void lengths(void **state)
{
	(void)state;
	assert_int_equal(check("k7#vQ2.mW9z"), ERR_INVALID);   /* 11 */
	assert_int_equal(check("k7#vQ2.mW9zL"), ERR_OK);       /* 12 */
	assert_int_equal(check("k7#vQ2.mW9zLp4x"), ERR_OK);    /* 15 */
	for (size_t n = 14; n <= PASSWORD_MAX_CHARS; n += 50) {
		char *pw = repeat("x", n);
		pw[0] = 'Q';
		pw[n / 2] = '7';
		assert_int_equal(check(pw), ERR_OK);
		free(pw);
	}
	char *too_long = repeat("ab3", PASSWORD_MAX_CHARS / 3 + 1);
	assert_int_equal(check(too_long), ERR_INVALID);
	free(too_long);
	/* a lowercase passphrase with no digits or symbols: no composition rules */
	assert_int_equal(check("river copper lantern"), ERR_OK);
}

static void characters_not_bytes(void **state)
{
	(void)state;
	/* six two-byte letters: 12 bytes, 6 characters */
	assert_int_equal(check("ğüşöçə"), ERR_INVALID);
	/* twelve characters, some of them two bytes */
	assert_int_equal(check("Gülşən Əliyeva"), ERR_OK);
	assert_int_equal(check("bad\x01password here"), ERR_INVALID);
	assert_int_equal(check("bad\xff\xfepassword here"), ERR_INVALID);
	assert_int_equal(check("\xc0\xafoverlong slash"), ERR_INVALID);
}

static void common_and_username(void **state)
{
	char errbuf[ERRBUF_MAX];
	(void)state;
	assert_int_equal(check("password1234"), ERR_INVALID);
	assert_int_equal(check("Password1234"), ERR_INVALID); /* the list ignores case */
	assert_int_equal(check("qwertyuiop123"), ERR_INVALID);
	assert_int_equal(check("azerbaijan2024"), ERR_INVALID);
	assert_true(password_is_common("123456789012"));
	assert_false(password_is_common("river copper lantern"));
	assert_int_equal(password_check_policy("alice.mammadova", "alice.mammadova", errbuf),
			 ERR_INVALID);
	assert_null(strstr(errbuf, "alice.mammadova"));
}

static void hash_and_verify(void **state)
{
	char a[PASSWORD_HASH_MAX], b[PASSWORD_HASH_MAX];
	int rehash = -1;
	(void)state;
	assert_int_equal(password_hash("river copper lantern", a), ERR_OK);
	assert_int_equal(password_hash("river copper lantern", b), ERR_OK);
	assert_memory_equal(a, "$argon2id$", 10);
	assert_string_not_equal(a, b); /* fresh salt each time */
	assert_int_equal(password_verify(a, "river copper lantern", &rehash), ERR_OK);
	assert_int_equal(rehash, 0);
	/* exactly as typed: no trimming, folding or truncation */
	assert_int_equal(password_verify(a, "river copper lantern ", NULL), ERR_FORBIDDEN);
	assert_int_equal(password_verify(a, "River copper lantern", NULL), ERR_FORBIDDEN);
	assert_int_equal(password_verify(a, "river copper lanter", NULL), ERR_FORBIDDEN);
	assert_int_equal(password_verify("plain text", "plain text", NULL), ERR_FORBIDDEN);
	assert_int_equal(password_verify_dummy("river copper lantern"), ERR_FORBIDDEN);
}

static void limits_at_least_interactive(void **state)
{
	char h[PASSWORD_HASH_MAX];
	(void)state;
	assert_true(PASSWORD_OPSLIMIT >= crypto_pwhash_OPSLIMIT_INTERACTIVE);
	assert_true(PASSWORD_MEMLIMIT >= crypto_pwhash_MEMLIMIT_INTERACTIVE);
	assert_int_equal(password_hash("river copper lantern", h), ERR_OK);
	assert_non_null(strstr(h, "$m=65536,t=2,"));
}

static void rehash_when_limits_rise(void **state)
{
	char weak[PASSWORD_HASH_MAX];
	int rehash = 0;
	(void)state;
	assert_int_equal(crypto_pwhash_str(weak, "river copper lantern", 20,
					   crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN),
			 0);
	assert_int_equal(password_verify(weak, "river copper lantern", &rehash), ERR_OK);
	assert_int_equal(rehash, 1);
}

static void generated_passwords(void **state)
{
	char a[PASSWORD_GENERATED_CHARS + 1], b[PASSWORD_GENERATED_CHARS + 1];
	(void)state;
	password_generate(a);
	password_generate(b);
	assert_int_equal(strlen(a), PASSWORD_GENERATED_CHARS);
	assert_string_not_equal(a, b);
	assert_int_equal(check(a), ERR_OK);
	assert_null(strpbrk(a, "0O1lI"));
}

/* The array compiled into the binary is the list shipped in data/. */
static void list_matches_file(void **state)
{
	char *path = tu_path(HAVEN_SOURCE_DIR, "data/common-passwords.txt");
	size_t len = 0, i = 0;
	char *text = tu_read_file(path, &len);
	(void)state;
	assert_non_null(text);
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		assert_true(i < password_common_count);
		assert_string_equal(line, password_common_list[i]);
		i++;
	}
	assert_int_equal(i, password_common_count);
	assert_true(password_common_count >= 3000);
	for (size_t k = 1; k < password_common_count; k++)
		assert_true(strcmp(password_common_list[k - 1], password_common_list[k]) < 0);
	free(text);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lengths),
		cmocka_unit_test(characters_not_bytes),
		cmocka_unit_test(common_and_username),
		cmocka_unit_test(hash_and_verify),
		cmocka_unit_test(limits_at_least_interactive),
		cmocka_unit_test(rehash_when_limits_rise),
		cmocka_unit_test(list_matches_file),
		cmocka_unit_test(generated_passwords),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
