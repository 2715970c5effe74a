/*
 * api.c - bench_api: the server under load over loopback, driven by wrk
 * (Debian's package).  Seeds a fresh database in a temporary directory,
 * signs an officer in (a session made directly: the one-time code is not
 * what is measured), starts the server in-process and runs, at 1, 8 and 64
 * connections:
 *   read    GET /api/v1/persons/B000001: one person's record, each read audited
 *   create  POST /api/v1/persons/{last}/services: one new service per request,
 *           all to the last person seeded, never to the one read: the record
 *           read stays the same size whatever ran before it (with --runs,
 *           reads after creates to B000001 read ~50,000 services: 8 reads/s)
 * and prints requests per second with p50/p99 latency, next to the number of
 * one-row transactions per second the same disk commits (the price of one
 * durable write, synchronous=FULL): "x disk" is their ratio.  For reads,
 * "per sync" is how many audit entries one transaction of the audit queue
 * carried and "syncs/s" how many it committed a second; "cpu us/rq" is the
 * server's CPU time (user and system, all its threads) per request.
 * wrk runs one thread per processor (at most one per connection): it shares
 * the machine with the server, and more threads than processors only add
 * switches between them (on 2 cores, 4 threads gave 8 % fewer reads/s).
 *
 * With --runs N the whole sequence runs N times, each run after measuring
 * the disk's commit rate again (a shared machine's speed drifts: the same
 * build's reads at 64 connections vary by a fifth from run to run), then
 * each line's median req/s and "x disk" and its worst p99 are printed.
 *
 * Usage: bench_api [--seconds N] [--persons N] [--threads N] [--only read|create]
 *                  [--connections N] [--runs N]
 *                  [--dir DIR]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/caseview.h"
#include "core/clock.h"
#include "core/registry.h"
#include "core/session.h"
#include "core/users.h"
#include "http/metrics.h"
#include "http/server.h"
#include "util/date.h"

#define PATH_MAX_LEN 4096
#define LINE_MAX_LEN 1024
#define COMMIT_SECONDS 3
#define DEFAULT_SECONDS 10
#define DEFAULT_PERSONS 1000
#define RUNS_MAX 20

static const int connections[] = {1, 8, 64};
#define LEVELS (sizeof connections / sizeof connections[0])

/* One line's figures in one run. */
struct figures {
	double rps, ratio, p99;
};

struct bench {
	char dir[PATH_MAX_LEN], db[PATH_MAX_LEN], key[PATH_MAX_LEN], script[PATH_MAX_LEN];
	unsigned seconds, persons, threads, port;
	int only;  /* -1: both, 0: reads only, 1: creates only */
	int conns; /* 0: each of connections[] */
	unsigned runs;
	double commit_rate; /* one-row transactions per second on this disk */
	struct session_tokens tokens;
	struct figures fig[RUNS_MAX][2][LEVELS]; /* run, create, level */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds this process (the server; wrk is a child and not counted) has
 * used, user and system. */
static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int die(const char *what, const char *detail)
{
	fprintf(stderr, "bench_api: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	return 1;
}

static err_t seed_persons(registry *r, unsigned n)
{
	char ref[32];
	enum put_outcome out;
	int64_t identified;
	err_t e = date_parse("2024-01-10", &identified);
	if (e == ERR_OK)
		e = db_begin(registry_db(r));
	for (unsigned i = 1; e == ERR_OK && i <= n; i++) {
		snprintf(ref, sizeof ref, "B%06u", i);
		struct person p = {.ref = ref, .status = "potential_victim", .given_name = "Aysel",
				   .family_name = "Quliyeva", .sex = "female", .birth_date = "1990",
				   .phone = "+994501234567", .identified_on = identified,
				   .identification_source = "police", .recognized_on = DATE_NONE,
				   .decided_on = DATE_NONE};
		e = registry_put_person(r, &p, 0, &out);
	}
	return e == ERR_OK ? db_commit(registry_db(r)) : e;
}

/* One-row write transactions per second on this disk. */
static double commit_rate(registry *r)
{
	db *d = registry_db(r);
	double start = now_s(), elapsed;
	long n = 0;
	if (db_exec_simple(d, db_dialect_of(d) == DB_SQLITE
				      ? "CREATE TABLE IF NOT EXISTS bench_commit (n INTEGER NOT NULL) STRICT"
				      : "CREATE TABLE IF NOT EXISTS bench_commit (n BIGINT NOT NULL)") != ERR_OK)
		return 0;
	do {
		if (db_begin(d) != ERR_OK ||
		    db_exec_simple(d, "INSERT INTO bench_commit (n) VALUES (1)") != ERR_OK ||
		    db_commit(d) != ERR_OK)
			return 0;
		n++;
		elapsed = now_s() - start;
	} while (elapsed < COMMIT_SECONDS);
	return (double)n / elapsed;
}

static int prepare(struct bench *b)
{
	const struct audit_entry by = {.actor = "bench", .role = "operator", .request_id = "bench"};
	char errbuf[ERRBUF_MAX], uri[TOTP_URI_MAX];
	struct registry_paths p = {b->db, b->key};
	struct user_info u = {0};
	registry *r = NULL;
	if (registry_init(&p, "AZE", errbuf) != ERR_OK || registry_open(&p, &r, errbuf) != ERR_OK)
		return die("cannot make the database", errbuf);
	if (seed_persons(r, b->persons) != ERR_OK ||
	    users_add(r, &by, "bench", "mia_ctd", "officer", "bench passphrase 2024", uri, sizeof uri,
		      errbuf) != ERR_OK ||
	    users_find(r, "bench", &u) != ERR_OK ||
	    users_accept_terms(r, &(struct audit_entry){.actor = "bench", .request_id = "bench"},
			       terms_version(), clock_now()) != ERR_OK ||
	    session_create(r, u.id, clock_now(), &b->tokens) != ERR_OK) {
		registry_close(r);
		return die("cannot seed the database", errbuf);
	}
	registry_close(r);
	return 0;
}

/* The disk's commit rate now, on a connection of its own (the server idles). */
static int measure_disk(struct bench *b)
{
	char errbuf[ERRBUF_MAX];
	struct registry_paths p = {b->db, b->key};
	registry *r = NULL;
	if (registry_open(&p, &r, errbuf) != ERR_OK)
		return die("cannot open the database", errbuf);
	b->commit_rate = commit_rate(r);
	registry_close(r);
	return b->commit_rate > 0 ? 0 : die("cannot measure the disk's commit rate", NULL);
}

/* The wrk script: the session's headers, the request, and a result line. */
static int write_script(const struct bench *b, int create)
{
	FILE *f = fopen(b->script, "w");
	if (!f)
		return die("cannot write the wrk script", b->script);
	fprintf(f, "wrk.headers[\"Cookie\"] = \"__Host-haven=%s\"\n", b->tokens.token);
	fprintf(f, "wrk.headers[\"X-CSRF-Token\"] = \"%s\"\n", b->tokens.csrf);
	if (create) {
		fputs("wrk.method = \"POST\"\n"
		      "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
		      "wrk.body = '{\"service\":\"case_management\",\"provider\":\"mia_ctd\","
		      "\"date\":\"2024-04-01\"}'\n",
		      f);
	}
	fputs("done = function(s, latency, requests)\n"
	      "  local bad = s.errors.status + s.errors.connect + s.errors.read + s.errors.write"
	      " + s.errors.timeout\n"
	      "  io.write(string.format(\"RESULT %d %.1f %.3f %.3f %d\\n\", s.requests,"
	      " s.requests / (s.duration / 1e6), latency:percentile(50) / 1000,"
	      " latency:percentile(99) / 1000, bad))\n"
	      "  if bad > 0 then io.stderr:write(string.format(\"bench_api: errors: %d status"
	      " (not 2xx), %d connect, %d read, %d write, %d timeout (2 s)\\n\", s.errors.status,"
	      " s.errors.connect, s.errors.read, s.errors.write, s.errors.timeout)) end\n"
	      "end\n",
	      f);
	return fclose(f) == 0 ? 0 : die("cannot write the wrk script", b->script);
}

/* The audit queue's transactions and entries so far (/metrics' figures). */
static void group_commit(http_server *srv, uint64_t *commits, uint64_t *entries)
{
	struct metrics *m = http_server_metrics(srv);
	*commits = m->audit_commits;
	*entries = m->audit_entries;
}

static int run_wrk(const struct bench *b, http_server *srv, int create, int conns,
		   struct figures *out)
{
	uint64_t commits0, entries0, commits, entries;
	char cmd[LINE_MAX_LEN * 2], line[LINE_MAX_LEN];
	long requests = 0, bad = 0;
	double rps = 0, p50 = 0, p99 = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int found = 0, threads = cpus < 1 ? 1 : conns < cpus ? conns : (int)cpus;
	char path[64];
	if (create)
		snprintf(path, sizeof path, "/api/v1/persons/B%06u/services", b->persons);
	else
		snprintf(path, sizeof path, "/api/v1/persons/B000001");
	snprintf(cmd, sizeof cmd, "wrk -t %d -c %d -d %us -s %s http://127.0.0.1:%u%s 2>&1",
		 threads, conns, b->seconds, b->script, b->port, path);
	double cpu = cpu_s();
	group_commit(srv, &commits0, &entries0);
	FILE *p = popen(cmd, "r");
	if (!p)
		return die("cannot run wrk", NULL);
	while (fgets(line, sizeof line, p)) {
		if (sscanf(line, "RESULT %ld %lf %lf %lf %ld", &requests, &rps, &p50, &p99, &bad) == 5)
			found = 1;
		else if (strncmp(line, "bench_api: errors", 17) == 0)
			fputs(line, stderr);
	}
	if (pclose(p) != 0 || !found)
		return die("wrk failed (is Debian's wrk package installed?)", NULL);
	cpu = cpu_s() - cpu;
	group_commit(srv, &commits, &entries);
	commits -= commits0;
	entries -= entries0;
	*out = (struct figures){rps, rps / b->commit_rate, p99};
	printf("%-7s %5d %10.0f %7.2f %9.2f %9.2f %8ld %9.0f %9.1f %8.0f\n",
	       create ? "create" : "read", conns, rps, rps / b->commit_rate, p50, p99, bad,
	       requests ? cpu * 1e6 / (double)requests : 0.0,
	       commits ? (double)entries / (double)commits : 0.0, (double)commits / b->seconds);
	return 0;
}

static int run_one(const struct bench *b, http_server *srv, int create, int conns,
		   struct figures *out)
{
	int rc = write_script(b, create);
	return rc ? rc : run_wrk(b, srv, create, conns, out);
}

static int parse(int argc, char **argv, struct bench *b)
{
	static const struct option opts[] = {{"seconds", required_argument, NULL, 's'},
					     {"persons", required_argument, NULL, 'p'},
					     {"threads", required_argument, NULL, 't'},
					     {"dir", required_argument, NULL, 'd'},
					     {"db", required_argument, NULL, 'b'},
					     {"only", required_argument, NULL, 'o'},
					     {"connections", required_argument, NULL, 'c'},
					     {"runs", required_argument, NULL, 'r'},
					     {NULL, 0, NULL, 0}};
	const char *base = getenv("TMPDIR"), *url = NULL;
	int opt;
	b->seconds = DEFAULT_SECONDS;
	b->persons = DEFAULT_PERSONS;
	b->threads = HTTP_THREADS_DEFAULT; /* what haven serve runs */
	b->only = -1;
	b->runs = 1;
	snprintf(b->dir, sizeof b->dir, "%s/haven-bench-api-XXXXXX", base && *base ? base : "/tmp");
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		unsigned long v = optarg ? strtoul(optarg, NULL, 10) : 0;
		if (opt == 's' && v > 0)
			b->seconds = (unsigned)v;
		else if (opt == 'p' && v > 1 && v <= 999999) /* one read, another given services */
			b->persons = (unsigned)v;
		else if (opt == 't' && v > 0 && v <= HTTP_THREADS_MAX)
			b->threads = (unsigned)v;
		else if (opt == 'c' && v > 0 && v <= 1024)
			b->conns = (int)v;
		else if (opt == 'r' && v > 0 && v <= RUNS_MAX)
			b->runs = (unsigned)v;
		else if (opt == 'o' && (strcmp(optarg, "read") == 0 || strcmp(optarg, "create") == 0))
			b->only = strcmp(optarg, "create") == 0;
		else if (opt == 'd')
			snprintf(b->dir, sizeof b->dir, "%s/haven-bench-api-XXXXXX", optarg);
		else if (opt == 'b')
			url = optarg; /* an empty PostgreSQL database instead of a file */
		else
			return die("usage: bench_api [--seconds N] [--persons N (2 or more)] [--threads N] "
				   "[--only read|create] [--connections N] [--runs N] [--dir DIR] "
				   "[--db postgresql://...]",
				   NULL);
	}
	if (!mkdtemp(b->dir))
		return die("cannot make a temporary directory", b->dir);
	if (url)
		snprintf(b->db, sizeof b->db, "%s", url);
	else
		snprintf(b->db, sizeof b->db, "%s/bench.db", b->dir);
	snprintf(b->key, sizeof b->key, "%s/bench.key", b->dir);
	snprintf(b->script, sizeof b->script, "%s/bench.lua", b->dir);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Each line's median req/s and "x disk" over the runs, and its worst p99. */
static void print_medians(struct bench *b, const int *levels, size_t nlevels)
{
	double rps[RUNS_MAX], ratio[RUNS_MAX];
	printf("\nmedians of %u runs (p99: the worst run)\n", b->runs);
	printf("%-7s %5s %10s %7s %9s\n", "what", "conns", "req/s", "x disk", "p99 ms");
	for (int create = 0; create < 2; create++) {
		for (size_t i = 0; (b->only < 0 || b->only == create) && i < nlevels; i++) {
			double worst = 0;
			for (unsigned r = 0; r < b->runs; r++) {
				const struct figures *f = &b->fig[r][create][i];
				rps[r] = f->rps;
				ratio[r] = f->ratio;
				worst = f->p99 > worst ? f->p99 : worst;
			}
			printf("%-7s %5d %10.0f %7.2f %9.2f\n", create ? "create" : "read", levels[i],
			       median(rps, b->runs), median(ratio, b->runs), worst);
		}
	}
}

/* One run: the disk measured, then each line. */
static int run_all(struct bench *b, http_server *srv, unsigned run, const int *levels,
		   size_t nlevels)
{
	int rc = measure_disk(b);
	if (rc)
		return rc;
	printf("%sone-row transactions committed per second on this disk: %.0f\n\n", run ? "\n" : "",
	       b->commit_rate);
	printf("%-7s %5s %10s %7s %9s %9s %8s %9s %9s %8s\n", "what", "conns", "req/s", "x disk",
	       "p50 ms", "p99 ms", "errors", "cpu us/rq", "per sync", "syncs/s");
	for (int create = 0; rc == 0 && create < 2; create++)
		for (size_t i = 0; (b->only < 0 || b->only == create) && rc == 0 && i < nlevels; i++)
			rc = run_one(b, srv, create, levels[i], &b->fig[run][create][i]);
	return rc;
}

int main(int argc, char **argv)
{
	static struct bench b; /* its figures are large for a stack */
	char errbuf[ERRBUF_MAX], cleanup[PATH_MAX_LEN + 16];
	http_server *srv = NULL;
	int rc = 0;
	if (sodium_init() < 0 || parse(argc, argv, &b) != 0 || prepare(&b) != 0)
		return 1;
	const int *levels = b.conns ? &b.conns : connections;
	size_t nlevels = b.conns ? 1 : LEVELS;
	struct http_config c = {.listen = "127.0.0.1:0", .paths = {b.db, b.key},
				.threads = b.threads, .quiet = 1};
	if (http_server_start(&c, &srv, errbuf) != ERR_OK)
		return die("cannot start the server", errbuf);
	b.port = http_server_port(srv);
	printf("bench_api: %u persons, %u worker threads, %us per run, database in %s\n",
	       b.persons, b.threads, b.seconds, b.dir);
	for (unsigned run = 0; rc == 0 && run < b.runs; run++)
		rc = run_all(&b, srv, run, levels, nlevels);
	if (rc == 0 && b.runs > 1)
		print_medians(&b, levels, nlevels);
	http_server_stop(srv);
	sodium_memzero(&b.tokens, sizeof b.tokens);
	snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", b.dir);
	if (system(cleanup) != 0)
		fprintf(stderr, "bench_api: could not remove %s\n", b.dir);
	return rc;
}
