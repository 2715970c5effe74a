/* cursor.c - sealed page cursors of cursor.h. */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "http/cursor.h"

#define POS_BYTES 8
#define SEALED_BYTES (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + POS_BYTES)
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static unsigned char key[crypto_secretbox_KEYBYTES];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void make_key(void)
{
	crypto_secretbox_keygen(key);
}

void cursor_encode(int64_t pos, char out[CURSOR_TEXT_MAX])
{
	unsigned char plain[POS_BYTES], sealed[SEALED_BYTES];
	uint64_t v = (uint64_t)pos;
	pthread_once(&key_once, make_key);
	for (int i = 0; i < POS_BYTES; i++)
		plain[i] = (unsigned char)(v >> (8 * (POS_BYTES - 1 - i)));
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, plain, sizeof plain, sealed, key);
	sodium_bin2base64(out, CURSOR_TEXT_MAX, sealed, sizeof sealed, B64);
}

err_t cursor_decode(const char *text, int64_t *pos)
{
	unsigned char sealed[SEALED_BYTES], plain[POS_BYTES];
	size_t len = 0;
	const char *end = NULL;
	uint64_t v = 0;
	pthread_once(&key_once, make_key);
	if (!text || strlen(text) >= CURSOR_TEXT_MAX ||
	    sodium_base642bin(sealed, sizeof sealed, text, strlen(text), NULL, &len, &end, B64) != 0 ||
	    len != sizeof sealed || *end != '\0')
		return ERR_INVALID;
	if (crypto_secretbox_open_easy(plain, sealed + crypto_secretbox_NONCEBYTES,
				       sizeof sealed - crypto_secretbox_NONCEBYTES, sealed, key) != 0)
		return ERR_INVALID;
	for (int i = 0; i < POS_BYTES; i++)
		v = (v << 8) | plain[i];
	if (v == 0 || v > INT64_MAX)
		return ERR_INVALID;
	*pos = (int64_t)v;
	return ERR_OK;
}
