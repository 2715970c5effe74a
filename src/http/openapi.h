/*
 * openapi.h - the OpenAPI 3 document of the API, made from the route table
 * (routes.c) and the policy (policy.c), so that it cannot differ from what
 * the server does.  GET /api/v1/openapi.json serves it; docs/api/openapi.json
 * is a copy that test_http_openapi keeps equal.
 */
#ifndef HAVEN_HTTP_OPENAPI_H
#define HAVEN_HTTP_OPENAPI_H

#include <jansson.h>

struct route;

/* 1 when a route belongs in the document: the API under /api/ and the
 * operational /healthz and /metrics (the web interface's pages do not). */
int openapi_covers(const struct route *rt);

/* A new document (caller owns it), or NULL when out of memory. */
json_t *openapi_document(void);

#endif
