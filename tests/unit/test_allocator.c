/*
 * test_allocator.c - malloc is served by the allocator the build chose
 * (CMake option HAVEN_MIMALLOC): in this test process, and in the haven
 * executable, whose --version names it.  A link that lost the override
 * (the linker dropping a library nothing calls by name, say) fails here
 * instead of showing only as a slower server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util/allocator.h"

/* "" when the build links no allocator of its own (the sanitizer builds) */
static const char expected[] = HAVEN_ALLOCATOR;

static void test_this_process(void **state)
{
	(void)state;
	const char *name = allocator_name();
	if (*expected)
		assert_string_equal(name, expected);
	else
		assert_string_not_equal(name, "mimalloc");
	/* what SQLite and libmicrohttpd do all day: many small blocks, freed
	 * out of order, sizes asked back */
	enum { N = 4096 };
	char **blocks = malloc(N * sizeof *blocks);
	assert_non_null(blocks);
	for (size_t i = 0; i < N; i++) {
		blocks[i] = malloc(1 + i % 700);
		assert_non_null(blocks[i]);
		memset(blocks[i], (int)(i & 0x7f), 1 + i % 700);
		assert_true(malloc_usable_size(blocks[i]) >= 1 + i % 700);
	}
	for (size_t i = 0; i < N; i += 2)
		free(blocks[i]);
	for (size_t i = 1; i < N; i += 2) {
		assert_int_equal(blocks[i][i % 700], (char)(i & 0x7f));
		free(blocks[i]);
	}
	free(blocks);
}

static void test_haven_version_names_it(void **state)
{
	(void)state;
	char *out = NULL, *err = NULL;
	assert_int_equal(tu_run(HAVEN_BIN " --version", &out, &err), 0);
	if (*expected) {
		assert_non_null(strstr(out, "\nmemory allocator: mimalloc\n"));
	} else { /* the C library's, or a sanitizer's */
		assert_non_null(strstr(out, "\nmemory allocator: "));
		assert_null(strstr(out, "mimalloc"));
	}
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_this_process),
		cmocka_unit_test(test_haven_version_names_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
