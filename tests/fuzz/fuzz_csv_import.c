/*
 * fuzz_csv_import.c - libFuzzer target for the CSV reader and every import
 * rule, with --dry-run semantics on a real (temporary) database.
 *
 * The input is split at each "\xff\xfe\xfd" marker into up to three files,
 * so that references across files are exercised too.  The database is made
 * once and reused: a dry run rolls its transaction back, so every input
 * starts from the same empty registry.
 *
 * Build: clang -fsanitize=fuzzer,address -Isrc tests/fuzz/fuzz_csv_import.c
 *        build/libhaven_core.a $(pkg-config --libs ...) -lcsv -lm
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/import.h"
#include "core/registry.h"

#define FUZZ_FILES  3
#define FUZZ_MARKER "\xff\xfe\xfd"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096], dbpath[4200], keypath[4200], paths[FUZZ_FILES][4200];
static registry *reg;
static FILE *sink;

static void cleanup(void)
{
	char p[4300];
	registry_close(reg);
	if (sink)
		fclose(sink);
	unlink(dbpath);
	unlink(keypath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	for (int i = 0; i < FUZZ_FILES; i++)
		unlink(paths[i]);
	rmdir(dir);
}

static int prepare(void)
{
	const char *tmp = getenv("TMPDIR");
	char errbuf[ERRBUF_MAX];
	struct registry_paths p;
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof dir, "%s/haven-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/fuzz.db", dir);
	snprintf(keypath, sizeof keypath, "%s/fuzz.key", dir);
	for (int i = 0; i < FUZZ_FILES; i++)
		snprintf(paths[i], sizeof paths[i], "%s/in%d.csv", dir, i);
	p = (struct registry_paths){dbpath, keypath};
	atexit(cleanup);
	if (registry_init(&p, "AZE", errbuf) != ERR_OK || registry_open(&p, &reg, errbuf) != ERR_OK)
		return -1;
	sink = fopen("/dev/null", "w");
	return sink ? 0 : -1;
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, size, f) == size;
	if (f && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *files[FUZZ_FILES];
	struct import_options opt = {.dry_run = 1};
	struct import_summary sum;
	size_t n = 0;

	if (!ready) {
		if (prepare() != 0)
			abort();
		ready = 1;
	}
	while (n < FUZZ_FILES) {
		const uint8_t *m = n + 1 < FUZZ_FILES ? memmem(data, size, FUZZ_MARKER, 3) : NULL;
		size_t len = m ? (size_t)(m - data) : size;
		if (write_file(paths[n], data, len) != 0)
			abort();
		files[n] = paths[n];
		n++;
		if (!m)
			break;
		size -= len + 3;
		data = m + 3;
	}
	import_files(reg, files, n, &opt, &sum, sink);
	return 0;
}
