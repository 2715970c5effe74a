/*
 * server.h - `haven serve`: the HTTP server over libmicrohttpd, with its
 * named limits, one database connection per worker thread, and a graceful
 * stop.
 *
 * Limits, each answered with its own status before the body is buffered:
 * a body over HTTP_BODY_MAX answers 413; request headers over
 * HTTP_HEADERS_MAX bytes or HTTP_HEADER_COUNT_MAX fields answer 431 (and
 * beyond HTTP_MEMORY_LIMIT libmicrohttpd itself answers 431 and closes); a
 * connection idle for the timeout is closed; at most HTTP_CONNECTIONS_MAX
 * connections, HTTP_PER_ADDRESS_MAX from one address.
 *
 * Workers: libmicrohttpd's internal epoll threads (a pool of `threads`); each
 * opens its own registry (database connection and key) on its first request
 * and keeps it until the server stops, because an SQLite connection is not
 * shared across threads.  docs/internals/http.md has the whole picture.
 */
#ifndef HAVEN_HTTP_SERVER_H
#define HAVEN_HTTP_SERVER_H

#include "core/registry.h"
#include "http/request.h"

#define HTTP_BODY_MAX (1024 * 1024)
#define HTTP_HEADERS_MAX (8 * 1024)
#define HTTP_HEADER_COUNT_MAX 64
/* libmicrohttpd's buffer per connection: twice the headers allowed, which
 * test_http_session shows is enough for headers at both limits followed by a
 * body.  It zeroes the whole buffer after every request of a kept-alive
 * connection, so its size is paid on every request (32 KiB: 2% of the
 * machine's time in bench_api's reads). */
#define HTTP_MEMORY_LIMIT (16 * 1024)
#define HTTP_TIMEOUT_DEFAULT 10        /* seconds a connection may stay idle */
#define HTTP_CONNECTIONS_MAX 1024
#define HTTP_PER_ADDRESS_MAX 256
/* More workers than cores: a read's worker does not wait for its audit
 * (held answers, docs/internals/http.md), but a change waits for its own
 * sync, a sign-in for its password hash and a report for its figures, and
 * reads go on meanwhile on the other workers.  bench_api's reads alone run
 * as fast on 2, 4 or 16 (2 CPUs). */
#define HTTP_THREADS_DEFAULT 16
#define HTTP_THREADS_MAX 64
#define HTTP_SHUTDOWN_GRACE_MS 10000   /* how long a stop waits for requests in flight */
#define HTTP_TLS_FILE_MAX (64 * 1024)
#define HTTP_PATH_MAX 4096             /* bytes of the database and key paths */

struct http_config {
	const char *listen;  /* "127.0.0.1:8080", "[::1]:8443"; port 0 picks a free one */
	struct registry_paths paths; /* resolved paths of the database and its key */
	unsigned threads;    /* 0: HTTP_THREADS_DEFAULT */
	unsigned timeout;    /* seconds; 0: HTTP_TIMEOUT_DEFAULT */
	const char *tls_cert, *tls_key; /* PEM files, both or neither */
	int quiet;           /* no request log on stderr */
	const char *trust_proxy; /* numeric address of the reverse proxy whose
				  * X-Forwarded-For is believed; NULL: none */
};

/*
 * Starts serving.  The config's strings are copied.  The caller stops the
 * server with http_server_stop, which frees it.  On failure writes one line
 * into errbuf (ERRBUF_MAX bytes).
 */
err_t http_server_start(const struct http_config *c, http_server **out, char *errbuf);

/*
 * The client's address of a request, as throttling uses it: the peer's
 * numeric address; when the peer is the trusted proxy (`trusted`, numeric,
 * "" for none), the last address of `forwarded` (the X-Forwarded-For header,
 * may be NULL) instead, which is the one that proxy appended.  A forwarded
 * value that is not one numeric address is ignored.  Writes into `out`
 * (HTTP_ADDRESS_MAX bytes).  Pure: for tests.
 */
void http_client_address(const char *peer, const char *trusted, const char *forwarded,
			 char *out);

/* The port the server listens on (the one picked when asked for 0). */
unsigned http_server_port(const http_server *s);

/*
 * Stops accepting connections, lets the requests in flight finish (at most
 * HTTP_SHUTDOWN_GRACE_MS), closes every connection and database handle, and
 * frees the server.  Accepts NULL.
 */
void http_server_stop(http_server *s);

/* For handlers: the server's counters, and the write turn (core/writeturn.h)
 * its workers share. */
struct metrics *http_server_metrics(http_server *s);
struct writeturn *http_server_turn(http_server *s);

/* After an administrator added a code or an agency: every worker reloads
 * the lists before its next request. */
void http_server_codes_changed(http_server *s);

#endif
