/*
 * password.c - the password policy and Argon2id hashing of password.h.
 *
 * The module knows nothing of accounts or storage: users.c decides when to
 * check, hash and verify.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/password.h"

#define COMMON_FOLD_MAX PASSWORD_MAX_BYTES

/* Counts the code points of valid UTF-8 without control characters; -1 when
 * the text is not that.  Overlong forms and surrogates are refused. */
static long utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	while (*p) {
		uint32_t c = *p;
		int extra = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
			  : (c & 0xf8) == 0xf0 ? 3 : -1;
		if (extra < 0)
			return -1;
		c &= extra == 0 ? 0x7f : (0x3f >> extra);
		for (int i = 1; i <= extra; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			c = (c << 6) | (p[i] & 0x3f);
		}
		if ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) ||
		    (extra == 3 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
			return -1;
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			return -1;
		p += extra + 1;
		n++;
	}
	return n;
}

static int cmp_entry(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

int password_is_common(const char *password)
{
	char folded[COMMON_FOLD_MAX + 1];
	size_t len = strlen(password);
	int found;
	if (len > COMMON_FOLD_MAX)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		char c = password[i];
		folded[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	found = bsearch(folded, password_common_list, password_common_count,
			sizeof password_common_list[0], cmp_entry) != NULL;
	sodium_memzero(folded, sizeof folded);
	return found;
}

err_t password_check_policy(const char *password, const char *username, char *errbuf)
{
	long chars;
	if (strlen(password) > PASSWORD_MAX_BYTES) {
		snprintf(errbuf, ERRBUF_MAX, "the password is longer than %d characters",
			 PASSWORD_MAX_CHARS);
		return ERR_INVALID;
	}
	chars = utf8_chars(password);
	if (chars < 0) {
		snprintf(errbuf, ERRBUF_MAX,
			 "the password must be UTF-8 text without control characters");
		return ERR_INVALID;
	}
	if (chars < PASSWORD_MIN_CHARS || chars > PASSWORD_MAX_CHARS) {
		snprintf(errbuf, ERRBUF_MAX, "the password must have %d to %d characters (it has %ld)",
			 PASSWORD_MIN_CHARS, PASSWORD_MAX_CHARS, chars);
		return ERR_INVALID;
	}
	if (username && strcmp(password, username) == 0) {
		snprintf(errbuf, ERRBUF_MAX, "the password must not be the username");
		return ERR_INVALID;
	}
	if (password_is_common(password)) {
		snprintf(errbuf, ERRBUF_MAX,
			 "the password is on the list of common passwords: choose another");
		return ERR_INVALID;
	}
	return ERR_OK;
}

err_t password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	size_t len = strlen(password);
	if (len > PASSWORD_MAX_BYTES)
		return ERR_LIMIT;
	if (crypto_pwhash_str(out, password, len, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0)
		return ERR_NOMEM; /* libsodium's only failure here: the memory limit */
	return ERR_OK;
}

err_t password_verify(const char *hash, const char *password, int *rehash)
{
	size_t len = strlen(password);
	if (len > PASSWORD_MAX_BYTES || strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
						strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0)
		return ERR_FORBIDDEN;
	if (crypto_pwhash_str_verify(hash, password, len) != 0)
		return ERR_FORBIDDEN;
	if (rehash)
		*rehash = crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT,
							 PASSWORD_MEMLIMIT) != 0;
	return ERR_OK;
}

void password_generate(char *out)
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789A"; /* 32 letters */
	unsigned char raw[PASSWORD_GENERATED_CHARS];
	randombytes_buf(raw, sizeof raw);
	for (size_t i = 0; i < sizeof raw; i++)
		out[i] = alphabet[raw[i] % 32];
	out[PASSWORD_GENERATED_CHARS] = '\0';
	sodium_memzero(raw, sizeof raw);
}

static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	unsigned char seed[32];
	char text[2 * sizeof seed + 1];
	randombytes_buf(seed, sizeof seed);
	sodium_bin2hex(text, sizeof text, seed, sizeof seed);
	if (password_hash(text, dummy_hash) != ERR_OK)
		dummy_hash[0] = '\0';
	sodium_memzero(text, sizeof text);
}

err_t password_verify_dummy(const char *password)
{
	char spare[PASSWORD_HASH_MAX];
	size_t len = strlen(password);
	int outcome; /* always a failure: there is no account */
	pthread_once(&dummy_once, make_dummy);
	if (len > PASSWORD_MAX_BYTES)
		len = PASSWORD_MAX_BYTES;
	if (dummy_hash[0])
		outcome = crypto_pwhash_str_verify(dummy_hash, password, len);
	else /* no dummy (out of memory at start): spend the same effort anyway */
		outcome = crypto_pwhash_str(spare, password, len, PASSWORD_OPSLIMIT,
					    PASSWORD_MEMLIMIT);
	sodium_memzero(spare, sizeof spare);
	(void)outcome;
	return ERR_FORBIDDEN;
}
