/*
 * totp.h - one-time codes of RFC 6238 (TOTP: HMAC-SHA1, 6 digits, 30-second
 * steps from the Unix epoch), over liboath.
 *
 * A code is accepted for the current step or one step either side (clock
 * drift), and only for a step later than the last one accepted for the
 * account: a code, once used, cannot be used again, nor can an older one.
 * The caller stores the step totp_verify reports.
 *
 * Secrets are TOTP_SECRET_BYTES random bytes, shown to the user once as an
 * otpauth:// URI (base32) and stored only encrypted (users.c).
 */
#ifndef HAVEN_TOTP_H
#define HAVEN_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define TOTP_SECRET_BYTES 20 /* 160 bits: RFC 4226's recommendation */
#define TOTP_STEP_SECONDS 30
#define TOTP_WINDOW 1        /* steps accepted either side of now */
#define TOTP_DIGITS 6
#define TOTP_CODE_MAX (TOTP_DIGITS + 1)
#define TOTP_BASE32_MAX 64   /* base32 text of a secret, with its NUL */
#define TOTP_URI_MAX 512
#define TOTP_ISSUER "Haven"

/* Fills `secret` with fresh random bytes. */
void totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES]);

/* The step `now` falls in. */
int64_t totp_step(int64_t now);

/* Writes the code for `now` into `out` (TOTP_CODE_MAX bytes).  For tests and
 * for the demo; the server never generates codes. */
err_t totp_code(const unsigned char *secret, size_t len, int64_t now, char out[TOTP_CODE_MAX]);

/*
 * Checks `code` (borrowed, exactly TOTP_DIGITS digits) for the time `now`:
 * ERR_OK with *step set to the step it matched, when that step is within the
 * window and later than `last_step`; ERR_FORBIDDEN otherwise (wrong, stale or
 * replayed code, or malformed text).
 */
err_t totp_verify(const unsigned char *secret, size_t len, const char *code, int64_t now,
		  int64_t last_step, int64_t *step);

/*
 * Writes the provisioning URI
 *   otpauth://totp/Haven:USERNAME?secret=BASE32&issuer=Haven&algorithm=SHA1&digits=6&period=30
 * into `out` (`outlen` bytes).  `username` is borrowed and must be a valid
 * username (users.h: no character needs escaping).  The URI holds the secret:
 * the caller shows it once and wipes its buffer.
 */
err_t totp_uri(const unsigned char *secret, size_t len, const char *username, char *out,
	       size_t outlen);

#endif
