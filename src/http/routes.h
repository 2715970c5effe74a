/*
 * routes.h - the route table: every address the server answers, as data.
 *
 * Each route names its method, its path pattern, the action it needs
 * (policy.h: checked before the handler runs, and again record by record
 * inside it), its handler, and what it takes: the query parameters (any
 * other answers 400 before the handler runs) and the members of its body
 * (the handler refuses any other).  The OpenAPI document is made from this
 * table (openapi.c), so the two cannot differ.  A path that is in no route answers 404; a
 * known path with another method answers 405 with an Allow header.  Nothing
 * is reachable that the table does not list.
 */
#ifndef HAVEN_HTTP_ROUTES_H
#define HAVEN_HTTP_ROUTES_H

#include <stddef.h>

#include "core/policy.h"
#include "http/request.h"

#define ROUTE_ALLOW_MAX 64

enum route_flag {
	ROUTE_SIGNIN = 1, /* takes credentials: needs no session and no CSRF token */
	ROUTE_BODY = 2,   /* takes a JSON object as its body */
};

struct route {
	const char *method;
	const char *pattern; /* literal segments; "{id}" is one record reference */
	enum action action;
	unsigned flags;
	http_handler handler;
	unsigned success;             /* the status of a success */
	const char *summary;          /* one line for the API document */
	const char *const *query;     /* the query parameters it takes (NULL-terminated) */
	const char *const *fields;    /* the members of its JSON body, NULL: no body */
};

extern const struct route routes[];
extern const size_t routes_count;

enum route_match { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_NO_METHOD };

/*
 * Finds the route for `method` and `path` (borrowed).  ROUTE_FOUND with *out
 * set and the {id} segment copied into `param` (HTTP_PARAM_MAX + 1 bytes, ""
 * when the pattern has none); ROUTE_NO_METHOD with the path's methods written
 * into `allow` (ROUTE_ALLOW_MAX bytes, "GET, POST"); else ROUTE_NO_PATH.
 */
enum route_match routes_find(const char *method, const char *path, const struct route **out,
			     char *param, char *allow);

/* The query parameters and body members of routes that take none. */
extern const char *const routes_none[];

/* 1 when `s` is a record reference: 1-64 characters of A-Z a-z 0-9 . _ : - */
int routes_is_ref(const char *s);

#endif
