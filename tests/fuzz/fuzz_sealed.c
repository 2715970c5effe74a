/*
 * fuzz_sealed.c - libFuzzer target for the sealed export reader (HUM-04):
 * any bytes given as a sealed file must be refused with a message, or, if
 * they are a real sealed file, open to members within the limits.
 *
 * The recipient's key pair comes from a fixed seed (all bytes 7), so that
 * the corpus holds real sealed files.  No passphrase is given: a file sealed
 * with one is refused before its Argon2id cost, which the input would choose.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/sealed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sealed_opener key;
	struct sealed_member_data m[SEALED_MEMBERS_MAX];
	char errbuf[ERRBUF_MAX] = "";
	size_t n = 99;
	if (!key.has_key) {
		unsigned char seed[crypto_box_SEEDBYTES];
		if (sodium_init() < 0)
			abort();
		memset(seed, 7, sizeof seed);
		crypto_box_seed_keypair(key.pk, key.sk, seed);
		key.has_key = 1;
	}
	err_t e = sealed_open_buffer(data, size, "fuzz", &key, m, &n, errbuf);
	if (e != ERR_OK) {
		if (n != 0 || strncmp(errbuf, "fuzz: ", 6) != 0)
			abort(); /* a refusal keeps nothing and says why */
		return 0;
	}
	if (n > SEALED_MEMBERS_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!m[i].name[0] || strlen(m[i].name) > SEALED_NAME_MAX)
			abort();
	sealed_members_free(m, n);
	return 0;
}
