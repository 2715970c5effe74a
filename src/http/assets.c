/*
 * assets.c - the web interface (assets.h): index.html at / and the files of
 * web/dist/ at /assets/NAME, straight from the binary's read-only copies.
 *
 * The API's Content-Security-Policy (reply.c) allows no script or style at
 * all, which is right for JSON and wrong for the page that runs the
 * interface.  A successful asset is therefore queued here, with the
 * interface's own policy (ASSETS_CSP) and the other security headers of
 * reply.c repeated in asset_headers; every failure (an unknown name, a kind
 * of file not served) still goes through reply.c as a problem document.
 * The body is the embedded bytes themselves (MHD_RESPMEM_PERSISTENT): no
 * copy per request.
 *
 * Caching: the page is never stored (no-store, as the API); an asset may be
 * kept but is revalidated on every use (no-cache) against an ETag made from
 * its bytes, so a new binary's interface is picked up at once and an
 * unchanged asset costs a 304 with no body.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "http/assets.h"
#include "util/embed.h"

#define ASSETS_PREFIX "../web/dist/" /* embedded names are relative to src/ */
#define ASSETS_INDEX "index.html"
#define ASSETS_NAME_MAX 128
#define ETAG_BYTES 12
#define ETAG_TEXT (2 * ETAG_BYTES + 3) /* quotes, hex digits, NUL */
#define HSTS "max-age=31536000; includeSubDomains"

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".svg", "image/svg+xml; charset=utf-8"},
	{".json", "application/json; charset=utf-8"},
	{".txt", "text/plain; charset=utf-8"},
	{".png", "image/png"},
	{".woff2", "font/woff2"},
};

const char *assets_type(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t k = strlen(types[i].ext);
		if (n > k && strcmp(name + n - k, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

/* The ETag of an asset: a quoted hex digest of its bytes. */
static void etag_of(const struct embedded_file *f, char out[ETAG_TEXT])
{
	unsigned char h[ETAG_BYTES];
	crypto_generichash(h, sizeof h, f->data, f->len, NULL, 0);
	out[0] = '"';
	sodium_bin2hex(out + 1, 2 * ETAG_BYTES + 1, h, sizeof h);
	out[2 * ETAG_BYTES + 1] = '"';
	out[2 * ETAG_BYTES + 2] = '\0';
}

/* The headers of reply.c's security_headers, with the interface's policy. */
static void asset_headers(struct MHD_Response *resp, const struct request *rq)
{
	MHD_add_response_header(resp, "Content-Security-Policy", ASSETS_CSP);
	MHD_add_response_header(resp, "Strict-Transport-Security", HSTS);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Request-Id", rq->request_id);
}

/* Queues file f as the answer (200, or 304 when the client has it). */
static err_t send_file(struct request *rq, const struct embedded_file *f, const char *type,
		       int is_page)
{
	char etag[ETAG_TEXT];
	const char *match = request_header(rq, "If-None-Match");
	unsigned status = MHD_HTTP_OK;
	struct MHD_Response *resp;
	etag_of(f, etag);
	if (!is_page && match && strcmp(match, etag) == 0)
		status = MHD_HTTP_NOT_MODIFIED;
	resp = MHD_create_response_from_buffer(status == MHD_HTTP_OK ? f->len : 0,
					       (void *)f->data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return ERR_NOMEM;
	asset_headers(resp, rq);
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", is_page ? "no-store" : "no-cache");
	if (!is_page)
		MHD_add_response_header(resp, "ETag", etag);
	if (MHD_queue_response(rq->conn, status, resp) != MHD_YES) {
		MHD_destroy_response(resp);
		return ERR_NOMEM;
	}
	MHD_destroy_response(resp);
	rq->answered = 1; /* reply_send leaves an answered request alone */
	rq->status = status;
	return ERR_OK;
}

/* The embedded file web/dist/NAME, or NULL. */
static const struct embedded_file *find(const char *name)
{
	char full[sizeof ASSETS_PREFIX + ASSETS_NAME_MAX];
	int n = snprintf(full, sizeof full, ASSETS_PREFIX "%s", name);
	if (n < 0 || (size_t)n >= sizeof full)
		return NULL;
	return embed_find(full);
}

static err_t not_found(struct reply *out)
{
	out->fail = HF_NO_ROUTE;
	return ERR_NOT_FOUND;
}

err_t h_asset_index(struct request *rq, struct reply *out)
{
	const struct embedded_file *f = find(ASSETS_INDEX);
	if (!f)
		return not_found(out);
	return send_file(rq, f, assets_type(ASSETS_INDEX), 1);
}

err_t h_asset_file(struct request *rq, struct reply *out)
{
	/* The router admits only A-Z a-z 0-9 . _ : - in {id}: no '/', so no
	 * way out of web/dist/.  A name starting with '.' is never served. */
	const char *name = rq->param;
	const char *type = assets_type(name);
	const struct embedded_file *f;
	if (!type || name[0] == '.' || strcmp(name, ASSETS_INDEX) == 0 || !(f = find(name)))
		return not_found(out);
	return send_file(rq, f, type, 0);
}
