/*
 * copy.c - table-by-table copy of a deployment (copy.h), and its proof.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/copy.h"
#include "report/report.h"
#include "core/export.h"
#include "db/copy_queries.h"
#include "db/queries.h"
#include "util/date.h"

#define COPY_PROGRESS_ROWS 100000

/* Binds column `col` of the source row to $col+1 of the insert. */
static err_t bind_value(db_stmt *from, int col, db_stmt *to)
{
	size_t len;
	const void *blob;
	switch (db_col_type(from, col)) {
	case DB_TYPE_NULL: return db_bind_null(to, col + 1);
	case DB_TYPE_INT: return db_bind_int(to, col + 1, db_col_int(from, col));
	case DB_TYPE_TEXT: return db_bind_text(to, col + 1, db_col_text(from, col));
	case DB_TYPE_BLOB:
		blob = db_col_blob(from, col, &len);
		/* an empty blob is still a blob, not NULL */
		return db_bind_blob(to, col + 1, blob ? blob : "", len);
	}
	return ERR_INVALID;
}

static err_t copy_table(db *src, db *dst, const struct copy_query *q, int64_t *rows, char *errbuf)
{
	db_stmt *sel = NULL, *ins = NULL;
	int rc = DB_DONE;
	err_t e;
	if ((e = db_prepare(src, q->select, &sel)) != ERR_OK ||
	    (e = db_prepare(dst, q->insert, &ins)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot copy the table %s: %s", q->table,
			 db_errmsg(sel ? dst : src));
		goto out;
	}
	while (e == ERR_OK && (rc = db_step(sel)) == DB_ROW) {
		for (int c = 0; e == ERR_OK && c < db_col_count(sel); c++)
			e = bind_value(sel, c, ins);
		if (e == ERR_OK && db_step(ins) != DB_DONE)
			e = ERR_DB;
		if (e == ERR_OK)
			e = db_reset(ins);
		(*rows)++;
	}
	if (e == ERR_OK && rc != DB_DONE)
		e = ERR_DB;
	if (e != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot copy the table %s: %s", q->table, db_errmsg(dst));
out:
	db_finalize(sel);
	db_finalize(ins);
	return e;
}

/* The target's migrations seeded the default codes and retention periods:
 * the source's own (with whatever the deployment changed) replace them. */
static err_t clear_seeded(db *dst)
{
	err_t e = db_exec_simple(dst, "DELETE FROM codes");
	if (e == ERR_OK)
		e = db_exec_simple(dst, "DELETE FROM retention_periods");
	return e == ERR_OK ? db_exec_simple(dst, "DELETE FROM agencies") : e;
}

static err_t copy_all(db *src, db *dst, struct copy_summary *out, char *errbuf)
{
	err_t e = db_begin(dst);
	if (e == ERR_OK && (e = clear_seeded(dst)) != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot prepare the target: %s", db_errmsg(dst));
	for (const struct copy_query *q = copy_queries; e == ERR_OK && q->table; q++) {
		e = copy_table(src, dst, q, &out->rows, errbuf);
		out->tables++;
	}
	for (size_t i = 0; e == ERR_OK && db_dialect_of(dst) == DB_POSTGRES && copy_pg_sequences[i]; i++)
		if ((e = db_exec_simple(dst, copy_pg_sequences[i])) != ERR_OK)
			snprintf(errbuf, ERRBUF_MAX, "cannot move the id sequences: %s", db_errmsg(dst));
	if (e == ERR_OK && (e = db_commit(dst)) != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot commit the copy: %s", db_errmsg(dst));
	if (e != ERR_OK)
		db_rollback(dst);
	return e;
}

static const char *const export_files[] = {"persons.csv", "services.csv", "referrals.csv"};

/* Identical exports from both: every decrypted value arrived. */
static err_t compare_exports(registry *a, registry *b, char *errbuf)
{
	unsigned char da[3][EXPORT_DIGEST_BYTES], db_[3][EXPORT_DIGEST_BYTES];
	err_t e = export_digests(a, da, errbuf);
	if (e == ERR_OK)
		e = export_digests(b, db_, errbuf);
	for (size_t i = 0; e == ERR_OK && i < 3; i++)
		if (sodium_memcmp(da[i], db_[i], EXPORT_DIGEST_BYTES) != 0) {
			snprintf(errbuf, ERRBUF_MAX, "the copy's %s differs from the source's",
				 export_files[i]);
			e = ERR_CONFLICT;
		}
	return e;
}

static err_t compare_audit(registry *a, registry *b, struct copy_summary *out, char *errbuf)
{
	struct audit_verdict va, vb;
	err_t e = audit_verify(registry_db(a), &va);
	if (e == ERR_OK)
		e = audit_verify(registry_db(b), &vb);
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read an audit log");
		return e;
	}
	if (vb.first_bad || vb.entries != va.entries || memcmp(va.head, vb.head, sizeof va.head)) {
		snprintf(errbuf, ERRBUF_MAX, "the copy's audit chain differs from the source's");
		return ERR_CONFLICT;
	}
	out->audit_entries = vb.entries;
	return ERR_OK;
}

/* The report of `year` as JSON text (malloc'd), computed on `d`. */
static err_t report_text(db *d, const struct report_def *def, int year, char **text, char *errbuf)
{
	struct report *r = NULL;
	size_t len;
	FILE *mem = open_memstream(text, &len);
	err_t e = mem ? report_compute(d, def, year, &r, errbuf) : ERR_NOMEM;
	if (e == ERR_OK)
		e = report_render_json(r, REPORT_EN, mem, NULL, errbuf);
	if (mem)
		fclose(mem);
	report_free(r);
	return e;
}

/* The years the records reach: from the first service to the last. */
static err_t record_years(db *d, int *first, int *last)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(d, Q_COPY_YEARS, &st);
	*first = *last = 0;
	if (e == ERR_OK && db_step(st) == DB_ROW && !db_col_is_null(st, 0)) {
		*first = date_year(db_col_int(st, 0));
		*last = date_year(db_col_int(st, 1));
	}
	db_finalize(st);
	return e;
}

/* The same annual report, figure for figure, for every year of the records. */
static err_t compare_reports(registry *a, registry *b, struct copy_summary *out, char *errbuf)
{
	struct report_def *def = NULL;
	int first = 0, last = 0;
	err_t e = report_def_load(NULL, &def, errbuf);
	if (e == ERR_OK)
		e = record_years(registry_db(a), &first, &last);
	for (int y = first; e == ERR_OK && first && y <= last; y++) {
		char *ta = NULL, *tb = NULL;
		if ((e = report_text(registry_db(a), def, y, &ta, errbuf)) == ERR_OK &&
		    (e = report_text(registry_db(b), def, y, &tb, errbuf)) == ERR_OK &&
		    strcmp(ta, tb) != 0) {
			snprintf(errbuf, ERRBUF_MAX, "the copy's %d report differs from the source's", y);
			e = ERR_CONFLICT;
		}
		free(ta);
		free(tb);
		out->report_years += e == ERR_OK;
	}
	report_def_free(def);
	return e;
}

err_t copy_registry(registry *from, const struct registry_paths *to, struct copy_summary *out,
		    char *errbuf)
{
	struct copy_summary sum = {0};
	registry *copy = NULL;
	db *dst = NULL;
	err_t e = db_open(to->db, DB_OPEN_CREATE, &dst, errbuf);
	if (e != ERR_OK)
		return e;
	e = copy_all(registry_db(from), dst, &sum, errbuf);
	db_close(dst);
	if (e == ERR_OK)
		e = registry_open(to, &copy, errbuf);
	if (e == ERR_OK)
		e = compare_audit(from, copy, &sum, errbuf);
	if (e == ERR_OK)
		e = compare_exports(from, copy, errbuf);
	if (e == ERR_OK)
		e = compare_reports(from, copy, &sum, errbuf);
	registry_close(copy);
	if (e == ERR_OK)
		*out = sum;
	return e;
}
