/* wordlist.c - lists of words fixed in code (wordlist.h). */
#include <stdio.h>
#include <string.h>

#include "util/wordlist.h"

int wordlist_has(const char *const *list, const char *word)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(word, list[i]) == 0)
			return 1;
	return 0;
}

void wordlist_join(const char *const *list, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; list[i] && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", list[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
