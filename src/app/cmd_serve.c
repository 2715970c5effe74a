/*
 * cmd_serve.c - `haven serve`: the multi-agency server (src/http/server.h)
 * until SIGTERM or SIGINT, then a graceful stop: new requests are answered
 * 503, the requests in flight finish, every database handle is closed.
 *
 * The signals are blocked before the server's threads start, so they
 * inherit the mask and only this thread, waiting in sigwait, receives them.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/commands.h"
#include "core/clock.h"
#include "core/session.h"
#include "http/server.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"

enum { OPT_LISTEN = 3000, OPT_THREADS, OPT_TIMEOUT, OPT_TLS_CERT, OPT_TLS_KEY, OPT_QUIET,
       OPT_TRUST_PROXY };


static void help(FILE *out)
{
	fputs("Usage: haven serve [--db PATH] [--key PATH] [--listen ADDRESS:PORT]\n"
	      "                   [--threads N] [--timeout SECONDS] [--quiet]\n"
	      "                   [--tls-cert FILE --tls-key FILE] [--trust-proxy ADDRESS]\n"
	      "\n"
	      "Serves the JSON API under /api/v1 (and /healthz, /metrics) until stopped\n"
	      "with SIGTERM or Ctrl-C; requests in flight finish before it exits.\n"
	      "Accounts are made with 'haven user add'.\n"
	      "\n"
	      "Options:\n"
	      "  --listen A:P   address and port (default " DEFAULT_LISTEN "; port 0: any free)\n"
	      "  --threads N    worker threads, and at most as many database connections (default 16)\n"
	      "  --timeout S    seconds an idle connection is kept (default 10)\n"
	      "  --tls-cert F   serve HTTPS with this PEM certificate chain ...\n"
	      "  --tls-key F    ... and this PEM private key.  Without them, serve on a\n"
	      "                 loopback address behind a TLS reverse proxy: the session\n"
	      "                 cookie is Secure and browsers send it over HTTPS only.\n"
	      "  --trust-proxy A  the numeric address of the reverse proxy in front: only\n"
	      "                 on connections from it is the last address of the\n"
	      "                 X-Forwarded-For header taken as the client's (for the\n"
	      "                 per-address sign-in throttle); from any other address the\n"
	      "                 header is ignored.  Without it the header is never used.\n"
	      "  --quiet        no request log on standard error\n" CLI_COMMON_HELP,
	      out);
}

static int parse_unsigned(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v == 0 || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse(int argc, char **argv, struct cli_paths *paths, struct http_config *c)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"listen", required_argument, NULL, OPT_LISTEN},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"tls-cert", required_argument, NULL, OPT_TLS_CERT},
		{"tls-key", required_argument, NULL, OPT_TLS_KEY},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{"trust-proxy", required_argument, NULL, OPT_TRUST_PROXY},
		{NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (cli_common_option(paths, opt, optarg))
			continue;
		switch (opt) {
		case OPT_LISTEN: c->listen = optarg; break;
		case OPT_THREADS:
			if (parse_unsigned(optarg, HTTP_THREADS_MAX, &c->threads) != 0) {
				cli_error("serve", "--threads takes 1 to %d", HTTP_THREADS_MAX);
				return 2;
			}
			break;
		case OPT_TIMEOUT:
			if (parse_unsigned(optarg, 3600, &c->timeout) != 0) {
				cli_error("serve", "--timeout takes 1 to 3600 seconds");
				return 2;
			}
			break;
		case OPT_TLS_CERT: c->tls_cert = optarg; break;
		case OPT_TLS_KEY: c->tls_key = optarg; break;
		case OPT_QUIET: c->quiet = 1; break;
		case OPT_TRUST_PROXY: c->trust_proxy = optarg; break;
		case CLI_OPT_HELP: help(stdout); exit(0);
		default: return 2;
		}
	}
	if (optind < argc) {
		cli_error("serve", "unexpected argument '%s'", argv[optind]);
		return 2;
	}
	return 0;
}

/* Opens the registry once here, so that a wrong path or key is told now and
 * not at the first request, and drops the sessions that expired meanwhile. */
/* Opens the registry once before serving: a database that cannot be opened,
 * or whose pages fail SQLite's quick check (REL-08), is not served. */
static int check_registry(struct cli_paths *paths)
{
	char errbuf[ERRBUF_MAX];
	registry *r = cli_open(paths, "serve");
	if (!r)
		return 1;
	if (db_check_pages(registry_db(r), paths->paths.db, errbuf) != ERR_OK) {
		cli_error("serve", "%s", errbuf);
		registry_close(r);
		return 1;
	}
	if (session_purge(r, clock_now()) != ERR_OK)
		cli_error("serve", "cannot remove expired sessions: %s", db_errmsg(registry_db(r)));
	registry_close(r);
	return 0;
}

static int loopback(const char *listen)
{
	return strncmp(listen, "127.", 4) == 0 || strncmp(listen, "[::1]:", 6) == 0;
}

int cmd_serve(int argc, char **argv)
{
	struct cli_paths paths = {0};
	struct http_config c = {.listen = DEFAULT_LISTEN};
	char errbuf[ERRBUF_MAX];
	http_server *s = NULL;
	sigset_t stop;
	int rc, sig = 0;

	if ((rc = parse(argc, argv, &paths, &c)) != 0 || (rc = check_registry(&paths)) != 0)
		return rc;
	c.paths = paths.paths;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (http_server_start(&c, &s, errbuf) != ERR_OK) {
		cli_error("serve", "%s", errbuf);
		return 1;
	}
	if (!c.tls_cert && !loopback(c.listen))
		cli_error("serve", "warning: plain HTTP on a non-loopback address; put a TLS reverse "
				   "proxy in front or use --tls-cert/--tls-key");
	fprintf(stderr, "haven serve: listening on %s://%s (port %u)\n", c.tls_cert ? "https" : "http",
		c.listen, http_server_port(s));
	sigwait(&stop, &sig);
	fprintf(stderr, "haven serve: stopping (signal %d): finishing requests in flight\n", sig);
	http_server_stop(s);
	fprintf(stderr, "haven serve: stopped\n");
	return 0;
}
