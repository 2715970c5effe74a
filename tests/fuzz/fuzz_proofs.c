/*
 * fuzz_proofs.c - libFuzzer target for the audit log's proof parsers and
 * checks (core/auditproof.c; AUD-07, AUD-08, REL-10), against two real
 * checkpoints of a small database made once in a temporary directory: FROM
 * after 5 entries, TO after 13.
 *
 * The key is random, so the input is a template: "@PROOF@" becomes the real
 * consistency proof's hash lines, "@H0@" to "@H7@" its hashes alone (hex),
 * "@ENTRY@" the real proof (JSON) that entry 3 is in TO's log.  The first
 * byte says what the input is: bit 2 set, an entry's proof checked against
 * TO; else a consistency proof, bit 0 swapping the checkpoints and bit 1
 * giving FROM as both.
 * Checked: a consistency proof is accepted only for FROM to TO (or a
 * checkpoint to itself), and only when it holds every real hash in order;
 * an entry's proof only for entry 3 and only with its real hashes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/auditproof.h"
#include "core/registry.h"

#define TEXT_MAX 8192
#define HASHES_MAX 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096], dbpath[4200], keypath[4200];
static registry *reg;
static char *from, *to, *proof, *entry_proof; /* the real ones */
static char hashes[HASHES_MAX][2 * AUDIT_HASH_BYTES + 1];
static size_t nhashes;
static char entry_hashes[HASHES_MAX][2 * AUDIT_HASH_BYTES + 1];
static size_t nentry_hashes;

static void cleanup(void)
{
	char p[4300];
	registry_close(reg);
	free(from);
	free(to);
	free(proof);
	free(entry_proof);
	unlink(dbpath);
	unlink(keypath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	rmdir(dir);
}

static int append(int i)
{
	char ref[16];
	snprintf(ref, sizeof ref, "P-%d", i);
	struct audit_entry e = {.actor = "fuzz", .agency = "mia_ctd", .role = "officer",
				.action = "person.read", .object_type = "person", .object_ref = ref,
				.request_id = "0123456789abcdef", .outcome = "ok"};
	return audit_record(registry_db(reg), &e) == ERR_OK ? 0 : -1;
}

static int prepare(void)
{
	const char *tmp = getenv("TMPDIR");
	char errbuf[ERRBUF_MAX];
	struct registry_paths p;
	struct audit_verdict v;
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
	for (int i = 0; i < 13; i++) {
		if (append(i) != 0)
			return -1;
		if (i == 4 && audit_checkpoint(registry_db(reg), registry_keyring(reg), &v, &from) != ERR_OK)
			return -1;
	}
	if (audit_checkpoint(registry_db(reg), registry_keyring(reg), &v, &to) != ERR_OK ||
	    !from || !to || audit_prove_consistency(registry_db(reg), from, to, &proof) != ERR_OK)
		return -1;
	for (const char *h = strstr(proof, "hash "); h && nhashes < HASHES_MAX;
	     h = strstr(h + 1, "hash "))
		snprintf(hashes[nhashes++], sizeof hashes[0], "%.64s", h + 5);
	if (audit_prove_inclusion(registry_db(reg), 3, to, &entry_proof) != ERR_OK)
		return -1;
	for (const char *h = strstr(entry_proof, "\"proof\""); h && nentry_hashes < HASHES_MAX &&
								 (h = strchr(h + 1, '"'));) {
		if (strspn(h + 1, "0123456789abcdef") == 2 * AUDIT_HASH_BYTES && h[65] == '"') {
			snprintf(entry_hashes[nentry_hashes++], sizeof entry_hashes[0], "%.64s", h + 1);
			h += 65;
		}
	}
	if (nentry_hashes != 4) /* entry 3 of 13: a proof of four hashes */
		return -1;
	/* the real proofs hold: else the harness proves nothing */
	return audit_check_consistency(from, to, proof, NULL) == ERR_OK &&
			       audit_check_inclusion(to, entry_proof, NULL, NULL) == ERR_OK
		       ? 0
		       : -1;
}

/* The template with its placeholders filled in, NUL-terminated. */
static void fill(const uint8_t *data, size_t size, char *buf)
{
	const char *lines = strstr(proof, "hash ");
	size_t used = 0, i = 0;
	while (i < size && used < TEXT_MAX - 1) {
		const char *with = NULL;
		size_t skip = 1;
		if (size - i >= 7 && memcmp(data + i, "@PROOF@", 7) == 0) {
			with = lines ? lines : "";
			skip = 7;
		} else if (size - i >= 7 && memcmp(data + i, "@ENTRY@", 7) == 0) {
			with = entry_proof;
			skip = 7;
		} else if (size - i >= 4 && data[i] == '@' && data[i + 1] == 'H' && data[i + 3] == '@' &&
			   data[i + 2] >= '0' && data[i + 2] < '0' + (int)nhashes) {
			with = hashes[data[i + 2] - '0'];
			skip = 4;
		}
		size_t len = with ? strlen(with) : 1;
		if (len > TEXT_MAX - 1 - used)
			len = TEXT_MAX - 1 - used;
		memcpy(buf + used, with ? with : (const char *)data + i, len);
		used += len;
		i += skip;
	}
	buf[used] = '\0';
}

/* Whether every one of the n hashes appears in text, in order. */
static int holds(const char *text, char (*h)[2 * AUDIT_HASH_BYTES + 1], size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (!(text = strstr(text, h[k])))
			return 0;
		text += strlen(h[k]);
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char *text;
	if (!ready) {
		if (prepare() != 0)
			abort();
		ready = 1;
	}
	if (size < 1 || !(text = malloc(TEXT_MAX)))
		return 0;
	const char *a = data[0] & 2 ? from : data[0] & 1 ? to : from;
	const char *b = data[0] & 2 ? from : data[0] & 1 ? from : to;
	fill(data + 1, size - 1, text);
	if (data[0] & 4) {
		int64_t seq = 0;
		if (audit_check_inclusion(to, text, NULL, &seq) == ERR_OK &&
		    (seq != 3 || !holds(text, entry_hashes, nentry_hashes)))
			abort();
	} else if (audit_check_consistency(a, b, text, NULL) == ERR_OK) {
		if (a == b ? strstr(text, "hash") != NULL : (a != from || !holds(text, hashes, nhashes)))
			abort();
	}
	free(text);
	return 0;
}
