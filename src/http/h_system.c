/*
 * h_system.c - GET /healthz, GET /metrics and GET /api/v1/openapi.json.
 *
 * Health is answered after the request's worker has its database connection
 * (server.c opens it before any handler runs, and answers 503 when it
 * cannot), so a 200 means the server can serve.  Metrics hold counts and
 * timings only, never a record's data.
 */
#include <stdlib.h>

#include "http/handlers.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/server.h"

err_t h_healthz(struct request *rq, struct reply *out)
{
	(void)rq;
	out->json = json_pack("{s:s}", "status", "ok");
	return out->json ? ERR_OK : ERR_NOMEM;
}

err_t h_metrics(struct request *rq, struct reply *out)
{
	out->text = metrics_render(http_server_metrics(rq->srv), &out->text_len);
	out->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return out->text ? ERR_OK : ERR_NOMEM;
}

err_t h_openapi(struct request *rq, struct reply *out)
{
	(void)rq;
	out->json = openapi_document();
	return out->json ? ERR_OK : ERR_NOMEM;
}
