/*
 * allocator.c - names the allocator that malloc resolves to (allocator.h).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "util/allocator.h"

const char *allocator_name(void)
{
	/* malloc's address as this process resolved it: the first object in
	 * the dynamic linker's search order that defines the symbol */
	void *(*volatile resolved)(size_t) = malloc;
	Dl_info info;
	if (!dladdr((void *)resolved, &info) || !info.dli_fname)
		return "unknown";
	if (strstr(info.dli_fname, "mimalloc"))
		return "mimalloc";
	if (strstr(info.dli_fname, "libc.so"))
		return "glibc";
	return info.dli_fname;
}
