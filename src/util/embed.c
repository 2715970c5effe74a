/* embed.c - lookup in the table of files compiled into the binary. */
#include <string.h>

#include "util/embed.h"

const struct embedded_file *embed_find(const char *name)
{
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
