/*
 * server.c - libmicrohttpd set-up, the limits, the pool of database
 * connections and the path of a request: limits, route, session, CSRF,
 * policy, handler.
 *
 * A request goes through on_request three ways: the first call (headers
 * only: limits, route, framing, media type: anything refused here is refused
 * before the body is read), calls with body data (kept up to HTTP_BODY_MAX,
 * then discarded), and the last call (everything else, then the handler).
 * on_completed counts, logs and frees it.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/caseview.h"
#include "core/clock.h"
#include "http/metrics.h"
#include "http/reply.h"
#include "http/routes.h"
#include "http/server.h"

#define LISTEN_TEXT_MAX 256
#define REGISTRIES_MAX HTTP_THREADS_MAX
#define STOP_POLL_MS 10
#define CHECKPOINT_INTERVAL_MS 100

/* A pooled database connection and the version of the code lists it has
 * loaded. */
struct pool_slot {
	registry *reg;
	uint64_t codes_version;
};

struct http_server {
	struct MHD_Daemon *mhd;
	_Atomic uint64_t codes_version; /* raised when an administrator adds a code */
	atomic_int draining;            /* stopping: new requests are answered 503 */
	char db[HTTP_PATH_MAX], key[HTTP_PATH_MAX];
	char *tls_cert, *tls_key; /* PEM text, kept while the daemon runs; wiped */
	unsigned port;
	int quiet;
	char trust_proxy[HTTP_ADDRESS_MAX]; /* normalised; "" when none */
	struct metrics metrics;
	writeturn *turn;      /* the database's one writer, taken in order */
	auditqueue *audits;   /* commits the reads' audit entries */
	registry *audit_reg;  /* the queue's own connection */
	pthread_mutex_t lock; /* guards the pool */
	struct pool_slot slots[REGISTRIES_MAX];
	size_t nslots;                      /* opened */
	struct pool_slot *idle[REGISTRIES_MAX]; /* not lent, the last given back on top */
	size_t nidle;
	pthread_t checkpointer;
	int checkpointing;    /* the thread runs */
	pthread_mutex_t stop_lock; /* guards stopping */
	pthread_cond_t stop;
	int stopping;
};

/* ---- the pool of database connections --------------------------------------- */

/* Opens a registry for a worker: the checkpointer checkpoints for it. */
static registry *worker_registry(http_server *s, char *errbuf)
{
	struct registry_paths p = {s->db, s->key};
	registry *r = NULL;
	if (registry_open(&p, &r, errbuf) != ERR_OK)
		return NULL;
	db_tune_worker(registry_db(r));
	return r;
}

/* Opens n connections before the server serves: opened on first need
 * instead, one after another under the lock (an open waits for the write
 * lock to check the migrations), the last of sixteen waited up to 0.8 s on a
 * busy disk, and requests queued behind it timed out.  Those that cannot be
 * opened now are tried again when needed.  Called before the daemon starts. */
static void open_slots(http_server *s, unsigned n)
{
	char errbuf[ERRBUF_MAX];
	uint64_t v = atomic_load(&s->codes_version);
	while (s->nslots < n && s->nslots < REGISTRIES_MAX) {
		registry *r = worker_registry(s, errbuf);
		if (!r)
			return;
		s->slots[s->nslots] = (struct pool_slot){r, v};
		s->idle[s->nidle++] = &s->slots[s->nslots++];
	}
}

/*
 * Lends the request a connection, with the code lists as they are now; NULL
 * (the request then answers 503) when none can be opened.  The pool is a
 * stack: the connection given back last is lent first, so under load the
 * few connections in use at once (about as many as cores) keep their page
 * caches warm.  (One connection per worker thread, as before, meant sixteen
 * caches for every commit of the audit queue to empty, and every read
 * re-read its pages.)  At most one connection per worker thread is ever
 * lent, so there are always enough.
 */
static err_t pool_take(http_server *s, struct request *rq)
{
	char errbuf[ERRBUF_MAX] = "";
	struct pool_slot *slot = NULL;
	pthread_mutex_lock(&s->lock);
	if (s->nidle > 0) {
		slot = s->idle[--s->nidle];
	} else if (s->nslots < REGISTRIES_MAX) {
		registry *r = worker_registry(s, errbuf);
		if (r) {
			slot = &s->slots[s->nslots++];
			*slot = (struct pool_slot){r, 0};
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (!slot) {
		if (!s->quiet)
			fprintf(stderr, "haven serve: cannot open the database: %s\n", errbuf);
		return ERR_DB;
	}
	uint64_t v = atomic_load(&s->codes_version);
	if (slot->codes_version != v && registry_reload_codes(slot->reg) == ERR_OK)
		slot->codes_version = v; /* else the old lists serve, and the next request tries */
	rq->slot = slot;
	rq->reg = slot->reg;
	return ERR_OK;
}

/* Gives the request's connection back, if it has one. */
static void pool_give(http_server *s, struct request *rq)
{
	if (!rq->slot)
		return;
	pthread_mutex_lock(&s->lock);
	s->idle[s->nidle++] = rq->slot;
	pthread_mutex_unlock(&s->lock);
	rq->slot = NULL;
	rq->reg = NULL;
}

/* ---- the checkpointer ------------------------------------------------------- */

/* Copies the WAL into the database file every CHECKPOINT_INTERVAL_MS on a
 * connection of its own, instead of leaving it to whichever worker's commit
 * finds the WAL at 1,000 pages: that commit would sync the database file as
 * well, and every read waiting on its group commit would wait for both
 * syncs (the long tail of bench_api's latencies).  The workers' connections
 * still checkpoint at DB_CHECKPOINT_BACKSTOP pages should this thread fall
 * behind.  On PostgreSQL it closes its connection and ends. */
static void *checkpointer(void *arg)
{
	http_server *s = arg;
	struct registry_paths p = {s->db, s->key};
	char errbuf[ERRBUF_MAX];
	registry *r = NULL;
	pthread_setname_np(pthread_self(), "haven-ckpt");
	pthread_mutex_lock(&s->stop_lock);
	while (!s->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += CHECKPOINT_INTERVAL_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&s->stop, &s->stop_lock, &until);
		if (s->stopping)
			break;
		pthread_mutex_unlock(&s->stop_lock);
		if (!r && registry_open(&p, &r, errbuf) != ERR_OK)
			r = NULL; /* the workers' backstop checkpoints meanwhile */
		if (r && db_dialect_of(registry_db(r)) != DB_SQLITE) {
			registry_close(r);
			return NULL;
		}
		if (r)
			(void)db_checkpoint(registry_db(r)); /* busy or failed: next time */
		pthread_mutex_lock(&s->stop_lock);
	}
	pthread_mutex_unlock(&s->stop_lock);
	registry_close(r);
	return NULL;
}

static void checkpointer_stop(http_server *s)
{
	if (!s->checkpointing)
		return;
	pthread_mutex_lock(&s->stop_lock);
	s->stopping = 1;
	pthread_cond_signal(&s->stop);
	pthread_mutex_unlock(&s->stop_lock);
	pthread_join(s->checkpointer, NULL);
	s->checkpointing = 0;
}

/* ---- request helpers of request.h ----------------------------------------- */

int request_changes_state(const struct request *rq)
{
	return strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0;
}

const char *request_header(const struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *request_query(const struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_check {
	const char *const *allowed;
	struct reply *out;
	int bad;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct query_check *q = cls;
	(void)kind;
	(void)value;
	for (size_t i = 0; q->allowed[i]; i++)
		if (strcmp(key, q->allowed[i]) == 0)
			return MHD_YES;
	q->bad++;
	reply_field_error(q->out, "query", "unknown query parameter");
	return MHD_YES;
}

err_t request_query_only(const struct request *rq, const char *const *allowed, struct reply *out)
{
	struct query_check q = {allowed, out, 0};
	MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, check_arg, &q);
	return q.bad ? ERR_INVALID : ERR_OK;
}

const struct principal *request_who(const struct request *rq)
{
	return rq->signed_in ? &rq->session.who : NULL;
}

struct audit_entry request_audit_entry(const struct request *rq)
{
	const struct principal *who = request_who(rq);
	if (!who) /* only signed-in routes audit as their caller; never a crash */
		return (struct audit_entry){.actor = "", .request_id = rq->request_id};
	return (struct audit_entry){.actor = who->username, .agency = who->agency,
				    .role = policy_role_name(who->role),
				    .request_id = rq->request_id};
}

struct metrics *http_server_metrics(http_server *s)
{
	uint64_t commits, entries;
	auditqueue_stats(s->audits, &commits, &entries);
	metrics_group_commit(&s->metrics, commits, entries);
	return &s->metrics;
}

void http_server_codes_changed(http_server *s)
{
	atomic_fetch_add(&s->codes_version, 1);
}

writeturn *http_server_turn(http_server *s)
{
	return s->turn;
}

unsigned http_server_port(const http_server *s)
{
	return s->port;
}

/* ---- the first call: headers ------------------------------------------- */

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* `text` as one numeric address in its canonical form, into out
 * (HTTP_ADDRESS_MAX bytes); 0 when it is not one. */
static int numeric_address(const char *text, size_t len, char *out)
{
	char buf[HTTP_ADDRESS_MAX];
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	int ok;
	while (len && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof buf)
		return 0;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (getaddrinfo(buf, NULL, &hints, &res) != 0 || !res)
		return 0;
	ok = getnameinfo(res->ai_addr, res->ai_addrlen, out, HTTP_ADDRESS_MAX, NULL, 0,
			 NI_NUMERICHOST) == 0;
	freeaddrinfo(res);
	return ok;
}

void http_client_address(const char *peer, const char *trusted, const char *forwarded,
			 char *out)
{
	snprintf(out, HTTP_ADDRESS_MAX, "%s", peer ? peer : "");
	if (!trusted || !trusted[0] || !peer || strcmp(peer, trusted) != 0 || !forwarded)
		return;
	const char *last = strrchr(forwarded, ',');
	last = last ? last + 1 : forwarded;
	char client[HTTP_ADDRESS_MAX];
	if (numeric_address(last, strlen(last), client))
		memcpy(out, client, strlen(client) + 1);
}

const char *request_address(struct request *rq)
{
	const union MHD_ConnectionInfo *ci;
	char peer[HTTP_ADDRESS_MAX];
	if (rq->address_known)
		return rq->address;
	rq->address_known = 1;
	rq->address[0] = '\0';
	ci = MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return rq->address;
	const struct sockaddr *sa = ci->client_addr;
	const void *addr = sa->sa_family == AF_INET6
				   ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
				   : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
	if (inet_ntop(sa->sa_family, addr, peer, sizeof peer))
		http_client_address(peer, rq->srv->trust_proxy,
				    request_header(rq, "X-Forwarded-For"), rq->address);
	return rq->address;
}

/* Eight random bytes for a request id, from a pool per thread: one
 * getrandom call per request was one system call in every seven. */
static void request_id_bytes(unsigned char id[8])
{
	static _Thread_local unsigned char pool[512];
	static _Thread_local size_t used = sizeof pool;
	if (used == sizeof pool) {
		randombytes_buf(pool, sizeof pool);
		used = 0;
	}
	memcpy(id, pool + used, 8); /* ids are not secrets: they are logged */
	used += 8;
}

static struct request *request_new(http_server *s, struct MHD_Connection *conn, const char *method)
{
	unsigned char id[8];
	struct request *rq = calloc(1, sizeof *rq);
	if (!rq)
		return NULL;
	rq->srv = s;
	rq->conn = conn;
	rq->started_us = now_us();
	snprintf(rq->method, sizeof rq->method, "%s", method);
	request_id_bytes(id);
	sodium_bin2hex(rq->request_id, sizeof rq->request_id, id, sizeof id);
	rq->late = atomic_load(&s->draining);
	atomic_fetch_add(&s->metrics.in_flight, 1);
	return rq;
}

struct header_sum {
	size_t bytes, count;
};

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct header_sum *h = cls;
	(void)kind;
	h->bytes += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
	h->count++;
	return MHD_YES;
}

static int headers_too_large(const struct request *rq, const char *url)
{
	struct header_sum h = {strlen(url) + strlen(rq->method) + 16, 0};
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, add_header, &h);
	return h.bytes > HTTP_HEADERS_MAX || h.count > HTTP_HEADER_COUNT_MAX;
}

/* 1 when the Content-Type is application/json (with any parameters). */
static int is_json(const char *type)
{
	static const char json[] = "application/json";
	size_t n = sizeof json - 1;
	return type && strncasecmp(type, json, n) == 0 && (type[n] == '\0' || type[n] == ';' ||
							    type[n] == ' ');
}

/* Checks what the headers tell; answers and returns 1 when refused. */
static int refuse_early(struct request *rq, const char *url)
{
	const char *cl = request_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = request_header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	struct reply r;
	enum route_match m = ROUTE_NO_PATH;
	reply_init(&r);
	if (headers_too_large(rq, url))
		r.fail = HF_HEADERS_LARGE;
	else if (cl && te)
		r.fail = HF_FRAMING;
	else if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX)
		r.fail = HF_BODY_LARGE;
	else if ((m = routes_find(rq->method, url, &rq->route, rq->param, r.allow)) == ROUTE_NO_PATH)
		r.fail = HF_NO_ROUTE;
	else if (m == ROUTE_NO_METHOD)
		r.fail = HF_METHOD;
	else if ((rq->route->flags & ROUTE_BODY) && !is_json(request_header(rq, "Content-Type")))
		r.fail = HF_MEDIA;
	if (m != ROUTE_NO_METHOD)
		r.allow[0] = '\0';
	if (r.fail != HF_NONE)
		reply_send(rq, ERR_INVALID, &r);
	reply_cleanup(&r);
	return rq->answered;
}

/* ---- body ----------------------------------------------------------------- */

static void take_body(struct request *rq, const char *data, size_t len)
{
	if (rq->body_over || rq->body_nomem || rq->answered)
		return;
	if (len > HTTP_BODY_MAX - rq->body_len) {
		rq->body_over = 1;
		return;
	}
	if (rq->body_len + len + 1 > rq->body_cap) {
		size_t cap = rq->body_cap ? rq->body_cap : 4096;
		while (cap < rq->body_len + len + 1)
			cap *= 2;
		char *b = malloc(cap);
		if (!b) {
			rq->body_nomem = 1; /* answered 503, not 413: not the client's fault */
			return;
		}
		if (rq->body) {
			memcpy(b, rq->body, rq->body_len);
			sodium_memzero(rq->body, rq->body_cap); /* may hold a password */
			free(rq->body);
		}
		rq->body = b;
		rq->body_cap = cap;
	}
	memcpy(rq->body + rq->body_len, data, len);
	rq->body_len += len;
	rq->body[rq->body_len] = '\0';
}

/* ---- the last call: who, may they, do it ----------------------------------- */

/* A state change must come from our own origin when a browser says where it
 * comes from (Origin, Sec-Fetch-Site); clients that are not browsers send
 * neither. */
static int foreign_origin(const struct request *rq)
{
	const char *origin = request_header(rq, "Origin");
	const char *site = request_header(rq, "Sec-Fetch-Site");
	const char *host = request_header(rq, "Host");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return 1;
	if (!origin)
		return 0;
	const char *sep = strstr(origin, "://");
	if (!sep || !host)
		return 1;
	return strcasecmp(sep + 3, host) != 0;
}

static err_t authenticate(struct request *rq)
{
	const char *token = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, HTTP_COOKIE_NAME);
	err_t e = session_resolve(rq->reg, token, clock_now(), &rq->session);
	rq->signed_in = e == ERR_OK;
	return e;
}

/* Everything between the headers and the handler; returns the failure. */
static enum http_fail gate(struct request *rq, err_t *e)
{
	const struct route *rt = rq->route;
	*e = ERR_INVALID;
	if (rq->late)
		return HF_UNAVAILABLE;
	if (rq->body_nomem)
		return HF_UNAVAILABLE;
	if (rq->body_over)
		return HF_BODY_LARGE;
	if (pool_take(rq->srv, rq) != ERR_OK)
		return HF_UNAVAILABLE;
	if (request_changes_state(rq) && foreign_origin(rq))
		return HF_ORIGIN;
	if (rt->action != ACT_PUBLIC) {
		*e = authenticate(rq);
		if (*e == ERR_FORBIDDEN)
			return HF_UNAUTHENTICATED;
		if (*e != ERR_OK)
			return HF_NONE;
	}
	if (request_changes_state(rq) && !(rt->flags & ROUTE_SIGNIN) &&
	    !session_csrf_ok(&rq->session, request_header(rq, HTTP_CSRF_HEADER))) {
		*e = ERR_FORBIDDEN;
		return HF_CSRF;
	}
	*e = ERR_OK;
	if (rt->action != ACT_PUBLIC && rt->action != ACT_SIGNED_IN && !rq->session.terms_accepted) {
		*e = ERR_FORBIDDEN;
		return HF_TERMS;
	}
	if (!policy_allows(request_who(rq), rt->action)) {
		*e = ERR_FORBIDDEN;
		return HF_NONE;
	}
	if (policy_needs_step_up(request_who(rq), rt->action) &&
	    clock_now() - rq->session.created_at > POLICY_STEP_UP_SECONDS) {
		*e = ERR_FORBIDDEN;
		return HF_STEP_UP;
	}
	return HF_NONE;
}

/* Called on the audit queue's thread when the entries of a held answer
 * have committed or failed to. */
static void audit_done(struct audit_ticket *t, err_t result, void *arg)
{
	struct request *rq = arg;
	(void)t;
	rq->audit_result = result;
	MHD_resume_connection(rq->conn); /* last: rq is the worker's again */
}

/* The held answer, now that its audit entries are settled: sent if they
 * committed, else replaced by the failure (nothing read is shown). */
static void send_held(struct request *rq)
{
	struct reply *r = &rq->held;
	err_t e = rq->held_e;
	rq->holding = 0;
	audit_ticket_clear(&rq->ticket);
	if (rq->audit_result != ERR_OK) {
		reply_cleanup(r);
		reply_init(r);
		e = rq->audit_result;
	}
	reply_send(rq, e, r);
	reply_cleanup(r);
}

static void handle(struct request *rq)
{
	struct reply *r = &rq->held;
	err_t e;
	enum http_fail f = gate(rq, &e);
	reply_init(r);
	if (f == HF_NONE && e == ERR_OK &&
	    (e = request_query_only(rq, rq->route->query ? rq->route->query : routes_none, r)) ==
		    ERR_OK)
		e = rq->route->handler(rq, r);
	else
		r->fail = f;
	pool_give(rq->srv, rq);
	if (rq->ticket.n == 0) {
		reply_send(rq, e, r);
		reply_cleanup(r);
		return;
	}
	/* A read: its answer waits, the worker free meanwhile, until the
	 * queue has committed its audit entries (auditqueue.h). */
	rq->held_e = e;
	rq->holding = 1;
	MHD_suspend_connection(rq->conn);
	auditqueue_submit(rq->srv->audits, &rq->ticket, audit_done, rq);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	http_server *s = cls;
	struct request *rq = *con_cls;
	(void)version;
	if (!rq) {
		if (!(rq = request_new(s, conn, method)))
			return MHD_NO;
		*con_cls = rq;
		refuse_early(rq, url);
		return MHD_YES;
	}
	if (*upload_data_size) {
		take_body(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->holding)
		send_held(rq);
	else if (!rq->answered)
		handle(rq);
	return MHD_YES;
}

static void log_request(const struct request *rq, int64_t us)
{
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* The route's pattern, never the URL: a URL may carry a record's id. */
	fprintf(stderr, "%s %s %s %s %u %.1fms\n", when, rq->request_id, rq->method,
		rq->route ? rq->route->pattern : "-", rq->status, (double)us / 1000.0);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	http_server *s = cls;
	struct request *rq = *con_cls;
	int64_t us;
	(void)conn;
	(void)toe;
	if (!rq)
		return;
	us = now_us() - rq->started_us;
	metrics_request(&s->metrics, rq->route ? (int)(rq->route - routes) : -1, rq->status, us);
	if (!s->quiet)
		log_request(rq, us);
	if (rq->body) {
		sodium_memzero(rq->body, rq->body_cap);
		free(rq->body);
	}
	sodium_memzero(&rq->session, sizeof rq->session);
	if (rq->holding) /* the client went away with its answer held */
		reply_cleanup(&rq->held);
	audit_ticket_clear(&rq->ticket);
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&s->metrics.in_flight, 1);
}

/* ---- start and stop ------------------------------------------------------- */

static err_t parse_listen(const char *listen, struct sockaddr_storage *sa, char *errbuf)
{
	char host[LISTEN_TEXT_MAX];
	const char *colon = strrchr(listen, ':');
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	size_t hlen;
	if (!colon || (hlen = (size_t)(colon - listen)) >= sizeof host)
		goto bad;
	memcpy(host, listen, hlen);
	host[hlen] = '\0';
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	if (getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res) != 0 || !res)
		goto bad;
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return ERR_OK;
bad:
	snprintf(errbuf, ERRBUF_MAX,
		 "--listen %s: give a numeric address and port (127.0.0.1:8080, [::1]:8080)", listen);
	return ERR_INVALID;
}

static char *read_pem(const char *path, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;
	if (!f) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read %s: %m", path);
		return NULL;
	}
	if ((buf = malloc(HTTP_TLS_FILE_MAX + 1))) {
		n = fread(buf, 1, HTTP_TLS_FILE_MAX + 1, f);
		if (n > HTTP_TLS_FILE_MAX) {
			snprintf(errbuf, ERRBUF_MAX, "%s is larger than a PEM file can be", path);
			sodium_memzero(buf, HTTP_TLS_FILE_MAX + 1);
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

static void free_pem(char *pem)
{
	if (pem) {
		sodium_memzero(pem, strlen(pem));
		free(pem);
	}
}

static err_t load_tls(http_server *s, const struct http_config *c, char *errbuf)
{
	if (!c->tls_cert && !c->tls_key)
		return ERR_OK;
	if (!c->tls_cert || !c->tls_key) {
		snprintf(errbuf, ERRBUF_MAX, "--tls-cert and --tls-key go together");
		return ERR_INVALID;
	}
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(errbuf, ERRBUF_MAX, "this libmicrohttpd has no TLS: use a reverse proxy");
		return ERR_INVALID;
	}
	if (!(s->tls_cert = read_pem(c->tls_cert, errbuf)) ||
	    !(s->tls_key = read_pem(c->tls_key, errbuf)))
		return ERR_IO;
	return ERR_OK;
}

static err_t start_daemon(http_server *s, const struct http_config *c,
			  const struct sockaddr_storage *sa, char *errbuf)
{
	unsigned threads = c->threads ? c->threads : HTTP_THREADS_DEFAULT;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
	struct MHD_OptionItem tls[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key},
		{MHD_OPTION_END, 0, NULL},
	};
	if (threads > HTTP_THREADS_MAX)
		threads = HTTP_THREADS_MAX;
	if (s->tls_cert)
		flags |= MHD_USE_TLS;
	else
		tls[0].option = MHD_OPTION_END;
	s->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)sa,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)HTTP_CONNECTIONS_MAX, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)HTTP_PER_ADDRESS_MAX, MHD_OPTION_CONNECTION_TIMEOUT,
		c->timeout ? c->timeout : HTTP_TIMEOUT_DEFAULT, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)HTTP_MEMORY_LIMIT, MHD_OPTION_STRICT_FOR_CLIENT, 1,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (!s->mhd) {
		snprintf(errbuf, ERRBUF_MAX,
			 "cannot listen on %s (in use, not an address of this host, or a bad TLS "
			 "certificate or key)", c->listen);
		return ERR_IO;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	return ERR_OK;
}

/* The write turn and the queue of the reads' audit entries, on a
 * connection of its own. */
static err_t start_audits(http_server *s, char *errbuf)
{
	err_t e = writeturn_new(&s->turn);
	if (e != ERR_OK)
		return e;
	if (!(s->audit_reg = worker_registry(s, errbuf)))
		return ERR_DB;
	return auditqueue_start(registry_db(s->audit_reg), s->turn, &s->audits);
}

err_t http_server_start(const struct http_config *c, http_server **out, char *errbuf)
{
	struct sockaddr_storage sa;
	http_server *s;
	err_t e;
	if ((e = parse_listen(c->listen, &sa, errbuf)) != ERR_OK)
		return e;
	if (strlen(c->paths.db) >= HTTP_PATH_MAX || strlen(c->paths.key) >= HTTP_PATH_MAX) {
		snprintf(errbuf, ERRBUF_MAX, "the database or key path is too long");
		return ERR_LIMIT;
	}
	if (!(s = calloc(1, sizeof *s)))
		return ERR_NOMEM;
	memcpy(s->db, c->paths.db, strlen(c->paths.db) + 1);
	memcpy(s->key, c->paths.key, strlen(c->paths.key) + 1);
	s->quiet = c->quiet;
	if (c->trust_proxy && !numeric_address(c->trust_proxy, strlen(c->trust_proxy),
						  s->trust_proxy)) {
		snprintf(errbuf, ERRBUF_MAX,
			 "--trust-proxy %s: give the proxy's numeric address (127.0.0.1, ::1)",
			 c->trust_proxy);
		free(s);
		return ERR_INVALID;
	}
	metrics_init(&s->metrics);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->stop_lock, NULL);
	pthread_cond_init(&s->stop, NULL);
	if ((e = start_audits(s, errbuf)) != ERR_OK || (e = load_tls(s, c, errbuf)) != ERR_OK ||
	    (open_slots(s, c->threads ? c->threads : HTTP_THREADS_DEFAULT),
	     (e = start_daemon(s, c, &sa, errbuf)) != ERR_OK)) {
		http_server_stop(s);
		return e;
	}
	s->checkpointing = pthread_create(&s->checkpointer, NULL, checkpointer, s) == 0;
	*out = s;
	return ERR_OK;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

void http_server_stop(http_server *s)
{
	if (!s)
		return;
	if (s->mhd) {
		/* Requests that came before finish; later ones are answered 503
		 * until the daemon stops.  Not MHD_quiesce_daemon: with an epoll
		 * thread pool it races the workers' own removal of the listening
		 * socket from their epoll sets, and libmicrohttpd 0.9.75 aborts the
		 * process when it loses ("Failed to remove listen FD from epoll
		 * set"; test_http_proxy saw it 2 runs in 40). */
		atomic_store(&s->draining, 1);
		for (long waited = 0; atomic_load(&s->metrics.in_flight) > 0 &&
				      waited < HTTP_SHUTDOWN_GRACE_MS;
		     waited += STOP_POLL_MS)
			sleep_ms(STOP_POLL_MS);
		/* Held answers are resumed before the daemon goes: it frees
		 * their connections. */
		if (s->audits)
			auditqueue_stop(s->audits);
		MHD_stop_daemon(s->mhd);
	}
	auditqueue_free(s->audits);
	registry_close(s->audit_reg);
	writeturn_free(s->turn);
	checkpointer_stop(s);
	for (size_t i = 0; i < s->nslots; i++)
		registry_close(s->slots[i].reg);
	pthread_cond_destroy(&s->stop);
	pthread_mutex_destroy(&s->stop_lock);
	pthread_mutex_destroy(&s->lock);
	free_pem(s->tls_cert);
	free_pem(s->tls_key);
	free(s);
}
