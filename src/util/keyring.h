/*
 * keyring.h - the data keys of one deployment, read from its key file.
 *
 * The key file is text: a header line and one `key ID HEX` line per key; the
 * highest id is the current key, older ones stay until every value they
 * protect has been re-encrypted.  The file must be readable by its owner only.
 * Keys live in sodium_malloc'd, read-only memory and are wiped on free.  From
 * each root key, separate subkeys are derived per purpose (encryption, row
 * digests), so no key is used for two things.
 */
#ifndef HAVEN_KEYRING_H
#define HAVEN_KEYRING_H

#include <stdint.h>

#include "util/err.h"

#define KEYRING_KEY_BYTES 32
#define KEYRING_MAX_KEYS 64

typedef struct keyring keyring;

enum keyring_purpose { KEY_ENCRYPT = 1, KEY_DIGEST = 2, KEY_SIGN = 3, KEY_INDEX = 4 };

/* Creates a new key file at `path` (refusing an existing one) holding one fresh
 * random 256-bit key, mode 0600, written to a temporary file, synced and
 * renamed.  The caller frees *out with keyring_free. */
err_t keyring_create(const char *path, keyring **out, char *errbuf);

/* Reads the key file at `path`; refuses a file that group or others can read. */
err_t keyring_load(const char *path, keyring **out, char *errbuf);

/* Appends a fresh random key to the key file at `path`, with the next id,
 * and makes it the current key: the file is rewritten through a temporary
 * file, fsync and rename, so a crash leaves the old or the new file, never a
 * torn one.  *new_id receives the id. */
err_t keyring_add(const char *path, uint32_t *new_id, char *errbuf);

/* Wipes and frees.  Accepts NULL. */
void keyring_free(keyring *kr);

uint32_t keyring_current_id(const keyring *kr);

/* The subkey for `purpose` of key `id` (KEYRING_KEY_BYTES, borrowed, valid
 * until keyring_free), or NULL when the keyring has no such key. */
const unsigned char *keyring_subkey(const keyring *kr, uint32_t id, enum keyring_purpose purpose);

#endif
