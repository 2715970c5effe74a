/*
 * fuzz_envelope.c - libFuzzer target for the encrypted-value decoder
 * (FLE-01): any bytes given as an envelope must be refused cleanly or, if
 * they are a real envelope, open to the value sealed in them.
 *
 * The first input byte picks the context; the rest is the envelope.  A fixed
 * key (all bytes 7) makes real envelopes reproducible in the corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "util/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static keyring *kr;

static const char *const contexts[] = {"persons/P-1/given_name", "services/S-1/note",
				       "meta/key_check/-", "users/u/totp"};

/* A key file with a fixed key, loaded once. */
static void load_key(void)
{
	char path[] = "/tmp/haven-fuzz-key-XXXXXX", errbuf[ERRBUF_MAX];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		abort();
	fputs("haven-keyring 1\nkey 1 ", f);
	for (int i = 0; i < KEYRING_KEY_BYTES; i++)
		fputs("07", f);
	fputs("\n", f);
	fclose(f);
	if (keyring_load(path, &kr, errbuf) != ERR_OK)
		abort();
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *plain = NULL;
	size_t plen;
	if (!kr)
		load_key();
	if (size < 1)
		return 0;
	const char *ctx = contexts[data[0] % 4];
	(void)crypto_key_id(data + 1, size - 1);
	if (crypto_open(kr, ctx, data + 1, size - 1, &plain, &plen) == ERR_OK) {
		/* whatever opens must round-trip */
		unsigned char *env = NULL;
		size_t elen;
		char *again = NULL;
		if (crypto_seal(kr, ctx, plain, plen, &env, &elen) != ERR_OK ||
		    crypto_open(kr, ctx, env, elen, &again, &plen) != ERR_OK ||
		    memcmp(again, plain, plen) != 0)
			abort();
		crypto_plain_free(again);
		free(env);
	}
	crypto_plain_free(plain);
	return 0;
}
