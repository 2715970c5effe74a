/*
 * fuzz_router.c - libFuzzer target for the route table's matcher
 * (routes.c routes_find) and the query strings it is given with (REL-10,
 * REL-11): percent-encoding, repeated parameters, invalid UTF-8 in paths,
 * very long segments.  No network.
 *
 * The first input byte picks the method (or, past the known ones, the
 * method is read from the input up to the first space); the rest is a
 * request target "path?query".  It is taken apart the way libmicrohttpd
 * hands it to server.c: the path percent-decoded (MHD_http_unescape, which
 * the daemon uses), the query split at '&' into key[=value] arguments, each
 * decoded.  Then what server.c does with them: routes_find, and for a found
 * route the check that every argument is one it takes (request_query_only)
 * and the readers of the values (limit, year, cursor).  Checked:
 *   - a found route's method is the one asked, its {id} is "" or a record
 *     reference, and its pattern with the {id} filled in is the path;
 *   - a path known with another method has a non-empty Allow list that does
 *     not name the method asked;
 *   - the matcher answers the same for the same input (no hidden state).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "http/cursor.h"
#include "http/routes.h"

#define TARGET_MAX 65536
#define ARGS_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = {"GET", "POST", "PATCH", "DELETE", "HEAD", "PUT", "OPTIONS"};
#define METHODS (sizeof methods / sizeof methods[0])

/* The pattern with its {id} replaced by `param`, compared with `path`. */
static int pattern_is(const char *pattern, const char *param, const char *path)
{
	const char *id = strstr(pattern, "{id}");
	size_t pre = id ? (size_t)(id - pattern) : strlen(pattern);
	size_t plen = strlen(param);
	if (strncmp(pattern, path, pre) != 0)
		return 0;
	if (!id)
		return path[pre] == '\0';
	if (strncmp(path + pre, param, plen) != 0)
		return 0;
	return strcmp(path + pre + plen, id + 4) == 0;
}

static int takes(const struct route *rt, const char *key)
{
	const char *const *q = rt->query ? rt->query : routes_none;
	for (size_t i = 0; q[i]; i++)
		if (strcmp(key, q[i]) == 0)
			return 1;
	return 0;
}

/* What the handlers do with a known argument's value. */
static void read_value(const char *key, const char *value)
{
	int64_t pos;
	char *end;
	long v;
	if (!value)
		return;
	if (strcmp(key, "cursor") == 0) {
		if (cursor_decode(value, &pos) == ERR_OK && pos <= 0)
			abort();
	} else if (strcmp(key, "limit") == 0 || strcmp(key, "year") == 0) {
		v = strtol(value, &end, 10);
		(void)v;
	}
}

static void route_one(const char *method, char *target)
{
	char param[HTTP_PARAM_MAX + 1], allow[ROUTE_ALLOW_MAX];
	char param2[HTTP_PARAM_MAX + 1], allow2[ROUTE_ALLOW_MAX];
	const struct route *rt = NULL, *rt2 = NULL;
	char *query = strchr(target, '?'), *args[ARGS_MAX];
	size_t nargs = 0;
	enum route_match m, m2;

	if (query)
		*query++ = '\0';
	MHD_http_unescape(target);
	memset(param, 'x', sizeof param);
	m = routes_find(method, target, &rt, param, allow);
	m2 = routes_find(method, target, &rt2, param2, allow2);
	if (m != m2 || strcmp(allow, allow2) != 0 ||
	    (m == ROUTE_FOUND && (rt != rt2 || strcmp(param, param2) != 0)))
		abort();
	if (strlen(allow) >= ROUTE_ALLOW_MAX)
		abort();
	if (m == ROUTE_FOUND) {
		if (!rt || strcmp(rt->method, method) != 0)
			abort();
		if (strlen(param) > HTTP_PARAM_MAX || (param[0] && !routes_is_ref(param)))
			abort();
		if ((strstr(rt->pattern, "{id}") != NULL) != (param[0] != '\0'))
			abort();
		if (!pattern_is(rt->pattern, param, target))
			abort();
		if (allow[0] && strstr(allow, method) == NULL)
			abort();
	} else if (m == ROUTE_NO_METHOD) {
		if (!allow[0])
			abort();
		for (char *a = allow; *a;) {
			size_t n = strcspn(a, ",");
			if (n == strlen(method) && strncmp(a, method, n) == 0)
				abort();
			a += n;
			a += strspn(a, ", ");
		}
	} else if (m != ROUTE_NO_PATH) {
		abort();
	}
	/* the query: key[=value] arguments separated by '&', each decoded */
	for (char *a = query; a && nargs < ARGS_MAX;) {
		char *amp = strchr(a, '&');
		if (amp)
			*amp = '\0';
		args[nargs++] = a;
		a = amp ? amp + 1 : NULL;
	}
	for (size_t i = 0; i < nargs; i++) {
		char *eq = strchr(args[i], '=');
		if (eq)
			*eq++ = '\0';
		MHD_http_unescape(args[i]);
		if (eq)
			MHD_http_unescape(eq);
		if (m == ROUTE_FOUND && takes(rt, args[i]))
			read_value(args[i], eq);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char method[16], *target;
	size_t used = 1;
	if (size < 1 || size > TARGET_MAX)
		return 0;
	if (data[0] < METHODS) {
		snprintf(method, sizeof method, "%s", methods[data[0]]);
	} else {
		const uint8_t *sp = memchr(data + 1, ' ', size - 1);
		size_t n = sp ? (size_t)(sp - data - 1) : 0;
		if (n >= sizeof method || memchr(data + 1, '\0', n))
			return 0;
		memcpy(method, data + 1, n);
		method[n] = '\0';
		used = sp ? (size_t)(sp - data) + 1 : 1;
	}
	if (!(target = malloc(size - used + 1)))
		return 0;
	memcpy(target, data + used, size - used);
	target[size - used] = '\0';
	route_one(method, target);
	free(target);
	return 0;
}
