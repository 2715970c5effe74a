/*
 * fuzz_json_body.c - libFuzzer target for the server's strict JSON bodies
 * (ASVS-18, REL-10): body.c's parser and readers, and the record validators
 * the handlers run on persons, services and referrals, without a network.
 *
 * The first input byte picks the route whose body the rest is (sign-in,
 * search, person create/update, service, referral, referral answer); the
 * body is read the way that route's handler reads it (h_*.c), then the
 * record is validated with the codes of a real (temporary) database made
 * once.  Besides "no crash, no leak", three properties are checked:
 *   - a member not in the route's list is always refused (an error recorded),
 *   - a string member longer than its limit is never handed on,
 *   - no error message repeats a personal value: a personal member carrying
 *     the marker ZZCANARY must not make the marker show in any message,
 *     unless a key or a non-personal member carries it too (those may be
 *     quoted, cut and made printable).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "core/caseview.h"
#include "core/password.h"
#include "core/registry.h"
#include "core/totp.h"
#include "core/users.h"
#include "core/validate.h"
#include "http/body.h"
#include "http/readers.h"
#include "http/reply.h"
#include "http/routes.h"
#include "util/date.h"
#include "util/money.h"

#define LIST_TEXT_MAX 1024
#define MARKER "ZZCANARY"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096], dbpath[4200], keypath[4200];
static registry *reg;
static int64_t today;

/* The routes whose bodies are read, by the first input byte. */
static const struct {
	const char *method, *path;
} kinds[] = {
	{"POST", "/api/v1/session"},          {"POST", "/api/v1/persons/search"},
	{"POST", "/api/v1/persons"},          {"PATCH", "/api/v1/persons/P-1"},
	{"POST", "/api/v1/persons/P-1/services"}, {"POST", "/api/v1/referrals"},
	{"PATCH", "/api/v1/referrals/R-1"},
};
#define KINDS (sizeof kinds / sizeof kinds[0])

/* Members holding personal data, never to be repeated in a message. */
static const char *const personal[] = {"given_name", "family_name", "patronymic", "birth_date",
				       "document_number", "phone", "address", "note", "amount",
				       "name", "password", "username", "otp", NULL};

static void cleanup(void)
{
	char p[4300];
	registry_close(reg);
	unlink(dbpath);
	unlink(keypath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	rmdir(dir);
}

static int prepare(void)
{
	const char *tmp = getenv("TMPDIR");
	char errbuf[ERRBUF_MAX];
	struct registry_paths p;
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof dir, "%s/haven-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/fuzz.db", dir);
	snprintf(keypath, sizeof keypath, "%s/fuzz.key", dir);
	p = (struct registry_paths){dbpath, keypath};
	atexit(cleanup);
	if (registry_init(&p, "AZE", errbuf) != ERR_OK || registry_open(&p, &reg, errbuf) != ERR_OK)
		return -1;
	return date_parse("2026-06-30", &today) == ERR_OK ? 0 : -1;
}

static int is_personal(const char *key)
{
	for (size_t i = 0; personal[i]; i++)
		if (strcmp(key, personal[i]) == 0)
			return 1;
	return 0;
}

static int is_allowed(const char *key, const char *const *allowed)
{
	for (size_t i = 0; allowed && allowed[i]; i++)
		if (strcmp(key, allowed[i]) == 0)
			return 1;
	return 0;
}

/* 1 when the marker is in any key of v (at any depth). */
static int marker_in_keys(json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach(v, key, item) if (strstr(key, MARKER) || marker_in_keys(item))
			return 1;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item) if (marker_in_keys(item)) return 1;
	}
	return 0;
}

/* 1 when the marker is in a value of v (at any depth). */
static int marker_in_values(json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;
	if (json_is_string(v))
		return strstr(json_string_value(v), MARKER) != NULL;
	if (json_is_object(v)) {
		json_object_foreach(v, key, item) if (marker_in_values(item)) return 1;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item) if (marker_in_values(item)) return 1;
	}
	return 0;
}

static size_t errors_of(const struct reply *out)
{
	return out->errors ? json_array_size(out->errors) : 0;
}

/* body_only, checked: one error per member not in the route's list. */
static void only(json_t *body, const struct route *rt, struct reply *out)
{
	const char *key;
	json_t *v;
	size_t before = errors_of(out), unknown = 0;
	json_object_foreach(body, key, v) unknown += !is_allowed(key, rt->fields);
	body_only(body, rt->fields, out);
	if (before + unknown <= REPLY_ERRORS_MAX && errors_of(out) != before + unknown) {
		fprintf(stderr, "%zu unknown members gave %zu errors\n", unknown,
			errors_of(out) - before);
		abort();
	}
}

/* The properties of the file comment, checked after the route's readers. */
static void check_reply(json_t *body, const struct route *rt, const struct reply *out)
{
	const char *key;
	json_t *v, *item;
	size_t i;
	int unknown = 0, quotable = marker_in_keys(body);
	json_object_foreach(body, key, v)
	{
		if (!is_allowed(key, rt->fields))
			unknown = 1;
		if (!is_personal(key) && marker_in_values(v))
			quotable = 1;
	}
	if (unknown && body_ok(out)) {
		fprintf(stderr, "a member not in the route's list was accepted\n");
		abort();
	}
	json_array_foreach(out->errors, i, item)
	{
		const char *msg = json_string_value(json_object_get(item, "message"));
		if (!msg) {
			fprintf(stderr, "a field error without a message\n");
			abort();
		}
		if (!quotable && strstr(msg, MARKER)) {
			fprintf(stderr, "a personal value is repeated in a message: %s\n", msg);
			abort();
		}
	}
}

/* A string handed on must be within its limit. */
static const char *checked(const char *s, size_t max)
{
	if (s && body_chars(s) > max) {
		fprintf(stderr, "a string over its limit was accepted\n");
		abort();
	}
	return s;
}

static void field_problem(void *ctx, const char *field, const char *message)
{
	reply_field_error(ctx, field, "%s", message);
}

static struct validate validator(struct reply *out)
{
	return (struct validate){.codes = registry_codes(reg), .today = today,
				 .report = field_problem, .ctx = out};
}

/* The person readers of the handlers (http/readers.c), then validate_person
 * (caseview.c); every string kept within its limit. */
static void person(json_t *body, const struct route *rt, int update, struct reply *out)
{
	char list[LIST_TEXT_MAX];
	struct person_input in;
	struct validate v = validator(out);
	only(body, rt, out);
	readers_person(body, &in, list, sizeof list, out);
	in.p.ref = "P-1";
	for (size_t i = 0; i < caseview_person_nfields; i++) {
		const struct caseview_field *f = &caseview_person_fields[i];
		if (f->type != CV_DATE)
			checked(*caseview_text_of(&in.p, f), f->type == CV_TEXT ? VALIDATE_TEXT_MAX
										: LIST_TEXT_MAX);
	}
	if (update && body_ok(out) && !in.set && in.access_block < 0)
		reply_field_error(out, "body", "name at least one field to change");
	if (body_ok(out))
		validate_person(&v, &in.p);
}

static void service(json_t *body, const struct route *rt, struct reply *out)
{
	struct validate v = validator(out);
	struct service s = {.person_ref = "P-1"};
	only(body, rt, out);
	readers_service(body, &s, out);
	checked(s.service, READERS_CODE_MAX);
	checked(s.provider, READERS_CODE_MAX);
	checked(s.currency, 3);
	checked(s.phase, READERS_CODE_MAX);
	checked(s.note, VALIDATE_NOTE_MAX);
	if (body_ok(out))
		validate_service(&v, &s);
}

static void referral(json_t *body, const struct route *rt, int answer, struct reply *out)
{
	struct validate v = validator(out);
	only(body, rt, out);
	if (answer) {
		struct referral f = {.ref = "R-1", .person_ref = "P-1", .from = "mia_ctd",
				     .to = "ssa_assistance_center", .purpose = "shelter",
				     .date = today};
		readers_referral_answer(body, &f.status, &f.closed_on, out);
		checked(f.status, READERS_CODE_MAX);
		if (body_ok(out))
			validate_referral(&v, &f);
		return;
	}
	struct referral f;
	readers_referral(body, &f, out);
	f.ref = "R-1";
	f.from = "mia_ctd";
	f.status = "sent";
	checked(f.person_ref, RECORD_REF_MAX);
	checked(f.to, READERS_CODE_MAX);
	checked(f.purpose, READERS_CODE_MAX);
	if (body_ok(out))
		validate_referral(&v, &f);
}

/* As h_session_create and h_persons_search (up to the database). */
static void signin_or_search(json_t *body, const struct route *rt, int search, struct reply *out)
{
	only(body, rt, out);
	if (!search) {
		checked(body_string(body, "username", 1, USERS_NAME_MAX, out), USERS_NAME_MAX);
		checked(body_string(body, "password", 1, PASSWORD_MAX_CHARS, out),
			PASSWORD_MAX_CHARS);
		checked(body_string(body, "otp", 0, TOTP_DIGITS, out), TOTP_DIGITS);
		return;
	}
	json_t *y = json_object_get(body, "year"), *l = json_object_get(body, "limit");
	if ((y && !json_is_integer(y)) || (l && !json_is_integer(l)))
		reply_field_error(out, y && !json_is_integer(y) ? "year" : "limit",
				  "must be a whole number");
	checked(body_string(body, "name", 1, CASEVIEW_NAME_MAX, out), CASEVIEW_NAME_MAX);
	checked(body_string(body, "status", 0, READERS_CODE_MAX, out), READERS_CODE_MAX);
	checked(body_string(body, "agency", 0, READERS_CODE_MAX, out), READERS_CODE_MAX);
	body_string(body, "cursor", 0, 96, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const struct route *rt = NULL;
	char param[HTTP_PARAM_MAX + 1], allow[ROUTE_ALLOW_MAX];
	struct request rq;
	struct reply out;
	json_t *body = NULL;
	unsigned kind;

	if (!ready) {
		if (prepare() != 0)
			abort();
		ready = 1;
	}
	if (size < 1)
		return 0;
	kind = data[0] % KINDS;
	if (routes_find(kinds[kind].method, kinds[kind].path, &rt, param, allow) != ROUTE_FOUND ||
	    !(rt->flags & ROUTE_BODY))
		abort();
	memset(&rq, 0, sizeof rq);
	rq.route = rt;
	/* the server keeps a body NUL-terminated (server.c take_body) */
	rq.body_len = size - 1;
	rq.body = malloc(size);
	if (!rq.body)
		return 0;
	memcpy(rq.body, data + 1, size - 1);
	rq.body[size - 1] = '\0';
	reply_init(&out);
	if (body_object(&rq, &out, &body) == ERR_OK) {
		if (!json_is_object(body))
			abort();
		switch (kind) {
		case 0: signin_or_search(body, rt, 0, &out); break;
		case 1: signin_or_search(body, rt, 1, &out); break;
		case 2: person(body, rt, 0, &out); break;
		case 3: person(body, rt, 1, &out); break;
		case 4: service(body, rt, &out); break;
		case 5: referral(body, rt, 0, &out); break;
		default: referral(body, rt, 1, &out); break;
		}
		check_reply(body, rt, &out);
		json_decref(body);
	} else if (body_ok(&out)) {
		fprintf(stderr, "a refused body without an error\n");
		abort();
	}
	reply_cleanup(&out);
	free(rq.body);
	return 0;
}
