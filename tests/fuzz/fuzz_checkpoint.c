/*
 * fuzz_checkpoint.c - libFuzzer target for the audit checkpoint parser and
 * its check against the chain (core/audit.c audit_verify_checkpoint; AUD-06,
 * REL-10), on a small real database made once in a temporary directory.
 *
 * The database's key is random, so a committed input cannot carry a valid
 * signature.  Inputs are therefore templates: after the first byte, "@PK@"
 * becomes the database's checkpoint public key (hex), "@HEAD@" its chain
 * head and "@ROOT@" its Merkle root (hex).  The first byte says what else happens:
 *   bit 0  the harness signs the text and appends the "signature" line, so
 *          that the size and head lines past the signature check are fuzzed;
 *   bit 1  the signer is pinned to the database's key;
 *   bit 2  the signer is pinned to another key (must always fail).
 * Checked: a checkpoint is accepted (ERR_OK, no bad entry) only when it is
 * signed by the database's key and names no more entries than the log has,
 * and never under a pinned foreign key; the checkpoint the database makes
 * itself is accepted (checked once at start).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/registry.h"

#define TEXT_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096], dbpath[4200], keypath[4200];
static registry *reg;
static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
static char pk_hex[2 * crypto_sign_PUBLICKEYBYTES + 1], head_hex[2 * AUDIT_HASH_BYTES + 1];
static char root_hex[2 * AUDIT_HASH_BYTES + 1];
static int64_t entries;

static void cleanup(void)
{
	char p[4300];
	registry_close(reg);
	sodium_memzero(sk, sizeof sk);
	unlink(dbpath);
	unlink(keypath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	rmdir(dir);
}

static int prepare(void)
{
	struct audit_verdict cv;
	static const char *const actions[] = {"person.read", "import", "report", "signin",
					      "export"};
	const char *tmp = getenv("TMPDIR");
	char errbuf[ERRBUF_MAX], *own = NULL;
	struct registry_paths p;
	struct audit_verdict v;
	const unsigned char *seed;
	const keyring *kr;
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof dir, "%s/haven-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/fuzz.db", dir);
	snprintf(keypath, sizeof keypath, "%s/fuzz.key", dir);
	p = (struct registry_paths){dbpath, keypath};
	atexit(cleanup);
	if (registry_init(&p, "AZE", errbuf) != ERR_OK || registry_open(&p, &reg, errbuf) != ERR_OK)
		return -1;
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
		struct audit_entry e = {.actor = "fuzz", .agency = "mia_ctd", .role = "officer",
					.action = actions[i], .object_type = "person",
					.object_ref = "P-1", .request_id = "0123456789abcdef",
					.outcome = "ok", .detail = "fields=status"};
		if (audit_record(registry_db(reg), &e) != ERR_OK)
			return -1;
	}
	if (audit_verify(registry_db(reg), &v) != ERR_OK || v.first_bad != 0)
		return -1;
	entries = v.entries;
	sodium_bin2hex(head_hex, sizeof head_hex, v.head, sizeof v.head);
	sodium_bin2hex(root_hex, sizeof root_hex, v.root, sizeof v.root);
	/* the checkpoint keys, as audit.c derives them */
	kr = registry_keyring(reg);
	seed = keyring_subkey(kr, keyring_current_id(kr), KEY_SIGN);
	if (!seed || crypto_sign_seed_keypair(pk, sk, seed) != 0)
		return -1;
	sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
	/* the database's own checkpoint holds, and is signed by that key */
	if (audit_checkpoint(registry_db(reg), kr, &cv, &own) != ERR_OK)
		return -1;
	if (audit_verify_checkpoint(registry_db(reg), own, pk_hex, &v) != ERR_OK ||
	    v.first_bad != 0 || v.entries != entries)
		abort();
	free(own);
	return 0;
}

/* Appends `len` bytes to buf (TEXT_MAX), cutting what does not fit. */
static size_t put(char *buf, size_t used, const char *s, size_t len)
{
	if (len > TEXT_MAX - 1 - used)
		len = TEXT_MAX - 1 - used;
	memcpy(buf + used, s, len);
	return used + len;
}

/* The template with its placeholders filled in, NUL-terminated. */
static size_t fill(const uint8_t *data, size_t size, char *buf)
{
	size_t used = 0, i = 0;
	while (i < size) {
		if (size - i >= 4 && memcmp(data + i, "@PK@", 4) == 0) {
			used = put(buf, used, pk_hex, strlen(pk_hex));
			i += 4;
		} else if (size - i >= 6 && memcmp(data + i, "@HEAD@", 6) == 0) {
			used = put(buf, used, head_hex, strlen(head_hex));
			i += 6;
		} else if (size - i >= 6 && memcmp(data + i, "@ROOT@", 6) == 0) {
			used = put(buf, used, root_hex, strlen(root_hex));
			i += 6;
		} else {
			used = put(buf, used, (const char *)data + i, 1);
			i++;
		}
	}
	buf[used] = '\0';
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static const char foreign[] =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char *text;
	const char *signer = NULL;
	struct audit_verdict v;
	unsigned mode;
	size_t used;
	err_t e;

	if (!ready) {
		if (prepare() != 0)
			abort();
		ready = 1;
	}
	if (size < 1)
		return 0;
	mode = data[0];
	if (!(text = malloc(TEXT_MAX)))
		return 0;
	used = fill(data + 1, size - 1, text);
	if (mode & 1) {
		unsigned char sig[crypto_sign_BYTES];
		char line[16 + 2 * crypto_sign_BYTES];
		size_t len = strlen(text); /* what the parser sees */
		crypto_sign_detached(sig, NULL, (const unsigned char *)text, len, sk);
		memcpy(line, "signature ", 10);
		sodium_bin2hex(line + 10, sizeof line - 10, sig, sizeof sig);
		used = put(text, len, line, strlen(line));
		used = put(text, used, "\n", 1);
		text[used] = '\0';
	}
	if (mode & 4)
		signer = foreign;
	else if (mode & 2)
		signer = pk_hex;
	memset(&v, 0, sizeof v);
	e = audit_verify_checkpoint(registry_db(reg), text, signer, &v);
	if (e == ERR_OK && v.first_bad == 0) {
		/* the size as the parser reads it (sscanf: "size5" counts too) */
		const char *s = strchr(text, '\n');
		long long n = -1;
		if (signer == foreign || !strstr(text, pk_hex) || v.entries != entries)
			abort();
		if (!s || sscanf(s + 1, "size %lld", &n) != 1 || n < 0 || n > entries)
			abort();
	}
	free(text);
	return 0;
}
