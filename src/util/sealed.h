/*
 * sealed.h - sealed export files (checklist HUM-04): named members (the
 * interchange CSV files) encrypted as one stream, readable only with the
 * recipient's secret key or with a passphrase, never in clear on disk.
 *
 * The file:
 *   "HVNSEAL1"                             8 bytes
 *   kind                                   1 byte: 1 to a public key, 2 by passphrase
 *   kind 1: key id 8, the stream key sealed to the recipient
 *           (crypto_box_seal, 80)
 *   kind 2: salt 16, opslimit 8, memlimit 8 (big-endian; Argon2id)
 *   secretstream header                    24 bytes
 *   records: length 4 (big-endian) + crypto_secretstream_xchacha20poly1305
 *            ciphertext, with everything above as additional data
 * A record's plaintext is a kind byte and its bytes: 'F' a member starts (its
 * name), 'D' the member's data, and last 'E' with the FINAL tag, so that a
 * file cut short, reordered, or with anything after its end is refused.
 *
 * The writer writes NAME.tmp next to the file and renames it into place only
 * at sealed_commit; nothing in clear touches the disk.  The caller owns every
 * buffer it passes; members read are the caller's to free with
 * sealed_members_free, which wipes them.
 */
#ifndef HAVEN_SEALED_H
#define HAVEN_SEALED_H

#include <stddef.h>
#include <stdio.h>

#include <sodium.h>

#include "util/err.h"

#define SEALED_KEY_BYTES crypto_box_PUBLICKEYBYTES
#define SEALED_KEY_ID_TEXT 17 /* 16 hex digits and the NUL */
#define SEALED_NAME_MAX 64
#define SEALED_MEMBERS_MAX 16
#define SEALED_PASSPHRASE_MIN 12 /* characters */

/* How a sealed file is opened: a recipient's key pair, or a passphrase. */
struct sealed_opener {
	int has_key;
	unsigned char pk[SEALED_KEY_BYTES], sk[SEALED_KEY_BYTES];
	const char *passphrase; /* borrowed; when !has_key */
};

/* Writes a new key pair: BASE.pub (to give to those who export to you) and
 * BASE.key (secret, mode 0600); refuses to replace either.  `id` gets the
 * key's id, which sealed files and audit entries name. */
err_t sealed_keygen(const char *base, char id[SEALED_KEY_ID_TEXT], char *errbuf);
err_t sealed_read_public(const char *path, unsigned char pk[SEALED_KEY_BYTES],
			 char id[SEALED_KEY_ID_TEXT], char *errbuf);
/* Refuses a key file that group or others may read. */
err_t sealed_read_secret(const char *path, struct sealed_opener *out, char *errbuf);
void sealed_key_id(const unsigned char pk[SEALED_KEY_BYTES], char id[SEALED_KEY_ID_TEXT]);

typedef struct sealed_writer sealed_writer;

/* Starts `path` (as path.tmp) sealed to the public key `pk`, or with
 * `passphrase` when pk is NULL. */
err_t sealed_create(const char *path, const unsigned char *pk, const char *passphrase,
		    sealed_writer **out, char *errbuf);
/* A stream for the member `name`: what is written to it is sealed; fclose
 * ends the member.  One member at a time.  NULL on failure. */
FILE *sealed_member(sealed_writer *w, const char *name);
/* Ends the stream, syncs it and renames it to its path. Frees w. */
err_t sealed_commit(sealed_writer *w, char *errbuf);
/* Removes the unfinished file.  Frees w; accepts NULL. */
void sealed_abort(sealed_writer *w);

struct sealed_member_data {
	char name[SEALED_NAME_MAX + 1];
	unsigned char *data;
	size_t len;
};

/* 1 when the file at `path` starts as a sealed file does. */
int sealed_is_sealed(const char *path);
/* Opens the sealed bytes `buf` (`what` names them in messages): every member,
 * in order, into members[0..*n), an array of SEALED_MEMBERS_MAX.  Fails, with
 * nothing kept, on any byte that does not authenticate. */
err_t sealed_open_buffer(const unsigned char *buf, size_t len, const char *what,
			 const struct sealed_opener *key, struct sealed_member_data *members,
			 size_t *n, char *errbuf);
err_t sealed_open_file(const char *path, const struct sealed_opener *key,
		       struct sealed_member_data *members, size_t *n, char *errbuf);
void sealed_members_free(struct sealed_member_data *members, size_t n);

#endif
