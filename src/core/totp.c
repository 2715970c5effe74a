/*
 * totp.c - RFC 6238 codes of totp.h over liboath, with the replay rule that
 * liboath leaves to its caller.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "core/totp.h"

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready;

static void init_oath(void)
{
	oath_ready = oath_init() == OATH_OK;
}

void totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES])
{
	randombytes_buf(secret, TOTP_SECRET_BYTES);
}

int64_t totp_step(int64_t now)
{
	return now / TOTP_STEP_SECONDS;
}

err_t totp_code(const unsigned char *secret, size_t len, int64_t now, char out[TOTP_CODE_MAX])
{
	pthread_once(&oath_once, init_oath);
	if (!oath_ready)
		return ERR_CRYPTO;
	if (oath_totp_generate((const char *)secret, len, (time_t)now, TOTP_STEP_SECONDS,
			       OATH_TOTP_DEFAULT_START_TIME, TOTP_DIGITS, out) != OATH_OK)
		return ERR_CRYPTO;
	return ERR_OK;
}

static int all_digits(const char *code)
{
	size_t n = strlen(code);
	if (n != TOTP_DIGITS)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return 1;
}

err_t totp_verify(const unsigned char *secret, size_t len, const char *code, int64_t now,
		  int64_t last_step, int64_t *step)
{
	int pos = 0;
	int rc;
	int64_t matched;
	pthread_once(&oath_once, init_oath);
	if (!oath_ready || !code || !all_digits(code))
		return ERR_FORBIDDEN;
	rc = oath_totp_validate2((const char *)secret, len, (time_t)now, TOTP_STEP_SECONDS,
				 OATH_TOTP_DEFAULT_START_TIME, TOTP_WINDOW, &pos, code);
	if (rc < 0)
		return ERR_FORBIDDEN;
	matched = totp_step(now) + pos;
	if (matched <= last_step)
		return ERR_FORBIDDEN; /* replayed, or older than a code already used */
	*step = matched;
	return ERR_OK;
}

err_t totp_uri(const unsigned char *secret, size_t len, const char *username, char *out,
	       size_t outlen)
{
	char *b32 = NULL;
	size_t b32len = 0;
	int n;
	pthread_once(&oath_once, init_oath);
	if (!oath_ready)
		return ERR_CRYPTO;
	if (oath_base32_encode((const char *)secret, len, &b32, &b32len) != OATH_OK)
		return ERR_NOMEM;
	/* Padding '=' is not part of the otpauth format. */
	while (b32len > 0 && b32[b32len - 1] == '=')
		b32[--b32len] = '\0';
	n = snprintf(out, outlen,
		     "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d&period=%d",
		     TOTP_ISSUER, username, b32, TOTP_ISSUER, TOTP_DIGITS, TOTP_STEP_SECONDS);
	sodium_memzero(b32, b32len);
	free(b32);
	if (n < 0 || (size_t)n >= outlen) {
		sodium_memzero(out, outlen);
		return ERR_LIMIT;
	}
	return ERR_OK;
}
