/*
 * fuzz_json_text.c - libFuzzer target for the server's JSON writer
 * (http/json_text.c): any document jansson parses, NUL in strings and any
 * top-level value allowed, must come out of json_text as the very bytes of
 * json_dumps(JSON_COMPACT), and its length must be the one given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/json_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!v)
		return 0;
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len = 0;
	char *got = json_text(v, &len);
	if (!want || !got || strcmp(want, got) != 0 || len != strlen(want)) {
		fprintf(stderr, "json_text differs from json_dumps:\n%s\n%s\n", want ? want : "(null)",
			got ? got : "(null)");
		abort();
	}
	free(want);
	free(got);
	json_decref(v);
	return 0;
}
