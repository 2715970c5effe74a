/*
 * fuzz_keyfile.c - libFuzzer target for the key file parser: any file
 * content is refused with a message or loads a usable keyring.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/keyring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/haven-fuzz-keyfile-XXXXXX", errbuf[ERRBUF_MAX];
	keyring *kr = NULL;
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	chmod(path, 0600);
	if (keyring_load(path, &kr, errbuf) == ERR_OK) {
		uint32_t id = keyring_current_id(kr);
		if (id == 0 || !keyring_subkey(kr, id, KEY_ENCRYPT))
			abort();
		keyring_free(kr);
	} else if (errbuf[0] == '\0') {
		abort(); /* a refusal always says why */
	}
	unlink(path);
	return 0;
}
