/*
 * h_reports.c - GET /api/v1/reports/annual?year=Y&format=F&lang=L: the
 * National Coordinator's annual report in any of the report module's formats
 * (json by default), as `haven report` prints it: the approved figures with
 * their restatements when the year is approved, else the live ones; and
 * POST /api/v1/reports/annual/freeze, the coordinator's approval of a year.
 *
 * Aggregates only.  Analysts get it with small cells hidden, as published
 * (policy_report_suppressed); the coordinator gets the full figures.  Every
 * run is audited before it is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/routes.h"
#include "report/report.h"
#include "util/date.h"

#define REPORT_REF_TEXT 32 /* "annual/YYYY" */

#define REPORT_BODY_MAX (64u << 20) /* bytes of a rendered report */
#define TMP_PATH_MAX 4096

static const struct {
	const char *format, *type;
} types[] = {
	{"text", "text/plain; charset=utf-8"},
	{"markdown", "text/markdown; charset=utf-8"},
	{"json", "application/json; charset=utf-8"},
	{"csv", "text/csv; charset=utf-8"},
	{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"pdf", "application/pdf"},
	{"svg", "image/svg+xml"},
};

static const char *type_of(const char *format)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i].format, format) == 0)
			return types[i].type;
	return NULL;
}

/* The approved report with its restatements, else the live one. */
static err_t build(db *d, const struct report_def *def, int year, struct report **out,
		   char *errbuf)
{
	struct report *live = NULL, *frozen = NULL;
	err_t e = report_compute(d, def, year, &live, errbuf);
	if (e != ERR_OK)
		return e;
	e = report_freeze_load(d, def, year, &frozen, errbuf);
	if (e == ERR_NOT_FOUND) {
		*out = live;
		return ERR_OK;
	}
	if (e == ERR_OK)
		e = report_restate(frozen, live);
	report_free(live);
	if (e != ERR_OK) {
		report_free(frozen);
		return e;
	}
	*out = frozen;
	return ERR_OK;
}

/* Reads a whole file written by a binary renderer, then removes it. */
static err_t slurp(const char *path, struct reply *out)
{
	FILE *f = fopen(path, "rb");
	long n;
	err_t e = ERR_IO;
	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    (unsigned long)n <= REPORT_BODY_MAX && fseek(f, 0, SEEK_SET) == 0 &&
	    (out->text = malloc((size_t)n + 1)) &&
	    fread(out->text, 1, (size_t)n, f) == (size_t)n) {
		out->text_len = (size_t)n;
		e = ERR_OK;
	}
	if (f)
		fclose(f);
	unlink(path);
	return e;
}

static err_t render(const struct report *r, const struct report_format *fm,
		    enum report_lang lang, struct reply *out, char *errbuf)
{
	char path[TMP_PATH_MAX];
	const char *base = getenv("TMPDIR");
	size_t len = 0;
	FILE *mem;
	err_t e;
	int fd;
	if (fm->binary) {
		snprintf(path, sizeof path, "%s/haven-report-XXXXXX", base && *base ? base : "/tmp");
		if ((fd = mkstemp(path)) < 0)
			return ERR_IO;
		close(fd);
		e = fm->render(r, lang, NULL, path, errbuf);
		if (e != ERR_OK) {
			unlink(path);
			return e;
		}
		return slurp(path, out);
	}
	if (!(mem = open_memstream(&out->text, &len)))
		return ERR_NOMEM;
	e = fm->render(r, lang, mem, NULL, errbuf);
	if (fclose(mem) != 0 && e == ERR_OK)
		e = ERR_NOMEM;
	out->text_len = len;
	return e;
}

/* Reads and checks the query: year, format, lang. */
static err_t read_query(struct request *rq, int *year, const struct report_format **fm,
			enum report_lang *lang, struct reply *out)
{
	const char *y = request_query(rq, "year"), *f = request_query(rq, "format");
	const char *l = request_query(rq, "lang");
	char *end = NULL;
	long v = y ? strtol(y, &end, 10) : 0;
	if (!y || !*y || *end || v < DATE_MIN_YEAR || v > DATE_MAX_YEAR)
		reply_field_error(out, "year", "required: a year from %d to %d", DATE_MIN_YEAR,
				  DATE_MAX_YEAR);
	*year = (int)v;
	if (!(*fm = report_format_find(f ? f : "json")) || !type_of((*fm)->name))
		reply_field_error(out, "format", "text, markdown, json, csv, xlsx, pdf or svg");
	if (l && strcmp(l, "az") != 0 && strcmp(l, "en") != 0)
		reply_field_error(out, "lang", "az or en");
	*lang = l && strcmp(l, "en") == 0 ? REPORT_EN : REPORT_AZ;
	return !(out->errors && json_array_size(out->errors)) ? ERR_OK : ERR_INVALID;
}

/* The caller's audit entry for `action` on the annual report of a year
 * whose reference is written into ref (REPORT_REF_TEXT bytes). */
static struct audit_entry report_entry(struct request *rq, const char *action, int year, char *ref,
				       const char *detail)
{
	snprintf(ref, REPORT_REF_TEXT, "annual/%d", year);
	struct audit_entry a = request_audit_entry(rq);
	a.action = action;
	a.object_type = "report";
	a.object_ref = ref;
	a.outcome = "ok";
	a.detail = detail;
	return a;
}

static err_t audit_run(struct request *rq, int year, const char *format, enum report_lang lang)
{
	char ref[REPORT_REF_TEXT], detail[64];
	snprintf(detail, sizeof detail, "format=%s lang=%s", format, lang == REPORT_EN ? "en" : "az");
	struct audit_entry a = report_entry(rq, "report", year, ref, detail);
	return audit_record(registry_db(rq->reg), &a);
}

err_t h_report_annual(struct request *rq, struct reply *out)
{
	char errbuf[ERRBUF_MAX] = "";
	const struct report_format *fm = NULL;
	struct report_def *def = NULL;
	struct report *r = NULL;
	enum report_lang lang;
	int year;
	err_t e = read_query(rq, &year, &fm, &lang, out);
	if (e != ERR_OK)
		return e;
	if ((e = report_def_load(NULL, &def, errbuf)) == ERR_OK &&
	    (e = build(registry_db(rq->reg), def, year, &r, errbuf)) == ERR_OK) {
		if (policy_report_suppressed(request_who(rq)))
			report_suppress(r);
		if ((e = render(r, fm, lang, out, errbuf)) == ERR_OK)
			e = audit_run(rq, year, fm->name, lang);
	}
	out->content_type = type_of(fm->name);
	if (e != ERR_OK) {
		free(out->text);
		out->text = NULL;
		if (e == ERR_INVALID || e == ERR_NOT_FOUND)
			e = ERR_DB; /* a definition or data problem of the server's, not the caller's */
	}
	report_free(r);
	report_def_free(def);
	return e;
}

/* POST /api/v1/reports/annual/freeze {"year"}: the coordinator approves the
 * year's report as `haven report freeze` does; the approval and its audit
 * entry commit together.  A year is approved once (409 after). */
err_t h_report_freeze(struct request *rq, struct reply *out)
{
	char errbuf[ERRBUF_MAX] = "", ref[REPORT_REF_TEXT], detail[64];
	struct report_def *def = NULL;
	struct report *r = NULL;
	db *d = registry_db(rq->reg);
	json_t *body = NULL;
	json_int_t year = 0;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	json_t *y = json_object_get(body, "year");
	if (!json_is_integer(y) || (year = json_integer_value(y)) < DATE_MIN_YEAR ||
	    year > DATE_MAX_YEAR)
		reply_field_error(out, "year", "required: a year from %d to %d", DATE_MIN_YEAR,
				  DATE_MAX_YEAR);
	json_decref(body);
	if (!body_ok(out))
		return ERR_INVALID;
	if ((e = report_def_load(NULL, &def, errbuf)) != ERR_OK ||
	    (e = report_compute(d, def, (int)year, &r, errbuf)) != ERR_OK)
		goto out;
	struct audit_entry a = report_entry(rq, "report.freeze", (int)year, ref, detail);
	if ((e = db_begin(d)) != ERR_OK)
		goto out;
	e = report_freeze_in(d, r, errbuf);
	if (e == ERR_OK) {
		snprintf(detail, sizeof detail, "definitions=%s", r->frozen->definitions_version);
		e = audit_append(d, &a, NULL);
	}
	if (e == ERR_OK)
		e = db_commit(d);
	if (e != ERR_OK)
		db_rollback(d);
	if (e == ERR_CONFLICT)
		out->detail = "this year's report is approved already; an approved report is never "
			      "changed, later changes show as restatements";
	else if (e == ERR_OK)
		out->json = json_pack("{s:I, s:I, s:s, s:s}", "year", year, "frozen_at",
				      (json_int_t)r->frozen->frozen_at, "definitions_version",
				      r->frozen->definitions_version, "hash", r->frozen->hash);
	if (e == ERR_OK && !out->json)
		e = ERR_NOMEM;
out:
	if (e == ERR_INVALID || (e == ERR_NOT_FOUND && !out->errors))
		e = ERR_DB; /* a definition or data problem of the server's, not the caller's */
	report_free(r);
	report_def_free(def);
	return e;
}
