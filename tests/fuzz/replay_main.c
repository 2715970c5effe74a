/*
 * replay_main.c - runs a libFuzzer target over the files of its corpus
 * without libFuzzer, so that every ctest run (and its ASan/UBSan build)
 * replays each committed input, crashers included.
 * Usage: replay_NAME DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_INPUT_MAX (4u << 20)

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;
	if (!f) {
		perror(path);
		return 1;
	}
	buf = malloc(REPLAY_INPUT_MAX);
	if (!buf) {
		fclose(f);
		return 1;
	}
	n = fread(buf, 1, REPLAY_INPUT_MAX, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, failed = 0;
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		if (!d) {
			perror(argv[i]);
			return 1;
		}
		while ((e = readdir(d))) {
			char path[4096];
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
			failed += replay_file(path);
			files++;
		}
		closedir(d);
	}
	printf("replayed %d inputs: %d passed, %d failed\n", files, files - failed, failed);
	return failed || files == 0;
}
