/*
 * password.h - account passwords: the policy a new password must meet, and
 * Argon2id hashing and verification (libsodium crypto_pwhash_str).
 *
 * Policy (ASVS 6.2): at least PASSWORD_MIN_CHARS characters (Unicode code
 * points, not bytes), at most PASSWORD_MAX_CHARS, valid UTF-8 without control
 * characters, not the username, and not on the common-password list shipped
 * in data/common-passwords.txt (compared ignoring ASCII case).  No
 * composition rules.  A password is verified exactly as typed: no trimming,
 * no case folding, no truncation.
 *
 * Passwords are borrowed and never copied, logged or kept; callers wipe their
 * own buffers with sodium_memzero.
 */
#ifndef HAVEN_PASSWORD_H
#define HAVEN_PASSWORD_H

#include <stddef.h>

#include <sodium.h>

#include "util/err.h"

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_CHARS 256
#define PASSWORD_MAX_BYTES 1024
/* Argon2id cost: libsodium's INTERACTIVE limits (2 passes, 64 MiB), the
 * floor ASVS accepts; raising them makes old hashes be rewritten at sign-in. */
#define PASSWORD_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PASSWORD_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#define PASSWORD_HASH_MAX crypto_pwhash_STRBYTES

/* The common-password list (common_passwords.c), sorted by bytes. */
extern const char *const password_common_list[];
extern const size_t password_common_count;

/*
 * Checks a new password against the policy.  `username` (borrowed, may be
 * NULL) is refused as a password.  ERR_OK, or ERR_INVALID with one line for a
 * person in errbuf (ERRBUF_MAX bytes) that never repeats the password.
 */
err_t password_check_policy(const char *password, const char *username, char *errbuf);

#define PASSWORD_GENERATED_CHARS 20 /* about 100 bits from a 32-letter alphabet */

/* Writes a fresh random password of PASSWORD_GENERATED_CHARS letters and
 * digits (no look-alikes: no 0/O, 1/l/I) into `out` (at least
 * PASSWORD_GENERATED_CHARS + 1 bytes), for accounts made by a program (the
 * demo).  It meets the policy.  The caller shows it once and wipes it. */
void password_generate(char *out);

/* 1 when `password` is on the common list (ignoring ASCII case). */
int password_is_common(const char *password);

/*
 * Hashes with Argon2id at the current limits into `out` (PASSWORD_HASH_MAX
 * bytes, a NUL-terminated "$argon2id$..." string with a fresh salt).
 * ERR_NOMEM when the memory for the hash cannot be had; ERR_LIMIT for an
 * over-long password.
 */
err_t password_hash(const char *password, char out[PASSWORD_HASH_MAX]);

/*
 * Verifies `password` against a stored hash: ERR_OK, or ERR_FORBIDDEN for a
 * wrong password or a hash that is not an Argon2id string.  *rehash (may be
 * NULL) is set to 1 when the hash was made with other limits than today's and
 * should be replaced by password_hash of the same password.
 */
err_t password_verify(const char *hash, const char *password, int *rehash);

/*
 * Spends the time of one verification against a fixed dummy hash and
 * answers ERR_FORBIDDEN: the sign-in of an unknown user costs what a wrong
 * password costs, so timing does not tell whether an account exists.
 */
err_t password_verify_dummy(const char *password);

#endif
