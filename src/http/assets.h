/*
 * assets.h - the web interface's files, served from the copies compiled into
 * the binary (util/embed.h): GET / answers web/dist/index.html and
 * GET /assets/{id} answers web/dist/{id}.  docs/internals/web.md.
 */
#ifndef HAVEN_HTTP_ASSETS_H
#define HAVEN_HTTP_ASSETS_H

#include "http/request.h"

/* The policy the interface's pages run under: scripts, styles, images and
 * fetches from this server only; no inline code, no frames, no forms posted
 * by the browser itself (every form is sent by script as JSON). */
#define ASSETS_CSP                                                                         \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "        \
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " \
	"object-src 'none'"

/* Handlers of the route table (request.h): the page and one asset. */
err_t h_asset_index(struct request *rq, struct reply *out);
err_t h_asset_file(struct request *rq, struct reply *out);

/* The Content-Type of an asset named `name` (borrowed), by its extension;
 * NULL for a kind the server does not serve. */
const char *assets_type(const char *name);

#endif
