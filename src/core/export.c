/*
 * export.c - the registry as interchange CSV files (see export.h).
 *
 * The column lists are import's (import_kinds), so that the two sides can
 * never disagree on a column.  Decrypted values pass through a stdio buffer
 * that is this module's own and is wiped once the file is closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/export.h"
#include "core/import_internal.h"
#include "util/csv_writer.h"
#include "util/date.h"
#include "util/durable.h"
#include "util/money.h"

#define EXPORT_BUFFER (64 * 1024)

static const char *const file_names[KIND_COUNT] = {"persons.csv", "services.csv", "referrals.csv"};

struct out_file {
	char path[EXPORT_PATH_MAX], tmp[EXPORT_PATH_MAX];
	FILE *f;
	char *buf; /* the stdio buffer: holds personal data, wiped on close */
	struct csv_writer w;
	int64_t rows;
};

static void put_date(struct csv_writer *w, int64_t d)
{
	char buf[DATE_TEXT_MAX];
	if (d == DATE_NONE) {
		csv_writer_str(w, NULL);
		return;
	}
	date_format(d, buf);
	csv_writer_str(w, buf);
}

static err_t person_row(const struct person *p, void *ctx)
{
	struct out_file *o = ctx;
	struct csv_writer *w = &o->w;
	const char *before[] = {p->ref,         p->status,          p->parent_ref, p->given_name,
	                        p->family_name, p->patronymic,      p->sex,        p->birth_date,
	                        p->citizenship, p->document_number, p->phone,      p->address};
	for (size_t i = 0; i < sizeof before / sizeof before[0]; i++)
		csv_writer_str(w, before[i]);
	put_date(w, p->identified_on);
	csv_writer_str(w, p->identification_source);
	put_date(w, p->recognized_on);
	put_date(w, p->decided_on);
	csv_writer_str(w, p->exploitation);
	csv_writer_str(w, p->country_of_exploitation);
	csv_writer_end_row(w);
	o->rows++;
	return csv_writer_status(w);
}

static err_t service_row(const struct service *s, void *ctx)
{
	struct out_file *o = ctx;
	struct csv_writer *w = &o->w;
	char amount[MONEY_TEXT_MAX];
	csv_writer_str(w, s->ref);
	csv_writer_str(w, s->person_ref);
	csv_writer_str(w, s->service);
	csv_writer_str(w, s->provider);
	put_date(w, s->date);
	put_date(w, s->end_date);
	if (s->has_amount)
		money_format(s->amount, amount);
	csv_writer_str(w, s->has_amount ? amount : NULL);
	csv_writer_str(w, s->currency);
	csv_writer_str(w, s->phase);
	csv_writer_str(w, s->note);
	csv_writer_end_row(w);
	o->rows++;
	return csv_writer_status(w);
}

static err_t referral_row(const struct referral *f, void *ctx)
{
	struct out_file *o = ctx;
	struct csv_writer *w = &o->w;
	const char *text[] = {f->ref, f->person_ref, f->from, f->to, f->purpose};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		csv_writer_str(w, text[i]);
	put_date(w, f->date);
	csv_writer_str(w, f->status);
	put_date(w, f->closed_on);
	csv_writer_end_row(w);
	o->rows++;
	return csv_writer_status(w);
}

/* Where the three files go: .tmp files in a directory, renamed once all are
 * complete, or members of a sealed file, where no value is ever in clear. */
struct sink {
	const char *dir;
	sealed_writer *sealed;
	unsigned char (*digests)[EXPORT_DIGEST_BYTES]; /* or only hashed, one per file */
	const char *how; /* the audit entry's word on it */
};

/* A stream whose bytes are only hashed: nothing is kept. */
struct hashing {
	crypto_generichash_state st;
	unsigned char *out;
};

static ssize_t hash_write(void *cookie, const char *buf, size_t size)
{
	struct hashing *h = cookie;
	crypto_generichash_update(&h->st, (const unsigned char *)buf, size);
	return (ssize_t)size;
}

static int hash_close(void *cookie)
{
	struct hashing *h = cookie;
	crypto_generichash_final(&h->st, h->out, EXPORT_DIGEST_BYTES);
	sodium_memzero(h, sizeof *h);
	free(h);
	return 0;
}

static err_t open_hashed(struct out_file *o, unsigned char *out, const char *name, char *errbuf)
{
	struct hashing *h = malloc(sizeof *h);
	cookie_io_functions_t io = {.write = hash_write, .close = hash_close};
	snprintf(o->tmp, sizeof o->tmp, "%s", name); /* for messages; no file of that name */
	if (!h || !(o->f = fopencookie(h, "w", io))) {
		free(h);
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		return ERR_NOMEM;
	}
	h->out = out;
	crypto_generichash_init(&h->st, NULL, 0, EXPORT_DIGEST_BYTES);
	setvbuf(o->f, NULL, _IONBF, 0);
	csv_writer_init(&o->w, o->f);
	return ERR_OK;
}

static err_t open_member(struct out_file *o, sealed_writer *w, const char *name, char *errbuf)
{
	snprintf(o->tmp, sizeof o->tmp, "%s", name); /* for messages; no file of that name */
	if (!(o->f = sealed_member(w, name))) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s into the sealed file", name);
		return ERR_IO;
	}
	csv_writer_init(&o->w, o->f);
	return ERR_OK;
}

static err_t open_out(struct out_file *o, const struct sink *to, int k, char *errbuf)
{
	const char *name = file_names[k];
	int fd;
	if (to->sealed)
		return open_member(o, to->sealed, name, errbuf);
	if (to->digests)
		return open_hashed(o, to->digests[k], name, errbuf);
	if (snprintf(o->path, sizeof o->path, "%s/%s", to->dir, name) >= (int)sizeof o->path ||
	    snprintf(o->tmp, sizeof o->tmp, "%s.tmp", o->path) >= (int)sizeof o->tmp) {
		snprintf(errbuf, ERRBUF_MAX, "the directory name is too long");
		return ERR_LIMIT;
	}
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot create %s: %s", o->tmp, strerror(errno));
		return ERR_IO;
	}
	if (!(o->f = fdopen(fd, "w")) || !(o->buf = malloc(EXPORT_BUFFER))) {
		if (o->f)
			fclose(o->f);
		else
			close(fd);
		o->f = NULL;
		unlink(o->tmp);
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		return ERR_NOMEM;
	}
	setvbuf(o->f, o->buf, _IOFBF, EXPORT_BUFFER);
	csv_writer_init(&o->w, o->f);
	return ERR_OK;
}

/* Flushes, syncs and closes a file (a member: ends it); wipes the buffer.
 * `keep` 0 removes the file. */
static err_t close_out(struct out_file *o, const struct sink *to, int keep, char *errbuf)
{
	err_t e = ERR_OK;
	if (!o->f)
		return ERR_OK;
	if (keep && to->dir && (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", o->tmp, strerror(errno));
		e = ERR_IO;
	}
	if (fclose(o->f) != 0 && e == ERR_OK && keep) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", o->tmp, strerror(errno));
		e = ERR_IO;
	}
	o->f = NULL;
	if (o->buf)
		sodium_memzero(o->buf, EXPORT_BUFFER);
	free(o->buf);
	o->buf = NULL;
	if (to->dir && (!keep || e != ERR_OK))
		unlink(o->tmp);
	return e;
}

static void write_header(struct out_file *o, enum kind k)
{
	for (size_t i = 0; i < import_kinds[k].nfields; i++)
		csv_writer_str(&o->w, import_kinds[k].fields[i].name);
	csv_writer_end_row(&o->w);
}

static err_t write_kind(registry *r, struct out_file *o, enum kind k, char *errbuf)
{
	err_t e;
	write_header(o, k);
	if (k == KIND_PERSONS)
		e = registry_each_person(r, NULL, person_row, o);
	else if (k == KIND_SERVICES)
		e = registry_each_service(r, NULL, service_row, o);
	else
		e = registry_each_referral(r, NULL, referral_row, o);
	if (e == ERR_OK)
		e = csv_writer_status(&o->w);
	if (e == ERR_IO)
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", o->tmp, strerror(errno));
	else if (e != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot read the %s: %s", import_kinds[k].name,
		         err_str(e));
	return e;
}

static err_t audit_export(registry *r, const struct out_file *o, const struct sink *to)
{
	char detail[AUDIT_FIELD_MAX];
	snprintf(detail, sizeof detail,
		 "%s: %lld persons, %lld services, %lld referrals, every column of the "
		 "interchange format",
		 to->how, (long long)o[0].rows, (long long)o[1].rows, (long long)o[2].rows);
	return registry_audit(r, "export", "registry", "", "ok", detail);
}

/* Writes the three files, one after the other, inside one transaction, which
 * also records the export on the audit log. */
static err_t write_all(registry *r, const struct sink *to, struct out_file *o, char *errbuf)
{
	db *d = registry_db(r);
	err_t e = db_begin(d);
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read the database: %s", db_errmsg(d));
		return e;
	}
	for (int k = 0; e == ERR_OK && k < KIND_COUNT; k++) {
		if ((e = open_out(&o[k], to, k, errbuf)) == ERR_OK)
			e = write_kind(r, &o[k], (enum kind)k, errbuf);
		err_t ce = close_out(&o[k], to, e == ERR_OK, errbuf);
		if (e == ERR_OK)
			e = ce;
	}
	/* the export is on the audit log before its files exist under their names */
	if (e == ERR_OK &&
	    ((e = audit_export(r, o, to)) != ERR_OK || (e = db_commit(d)) != ERR_OK))
		snprintf(errbuf, ERRBUF_MAX, "cannot write the audit log: %s", db_errmsg(d));
	db_rollback(d); /* ends the read after a failure; nothing to undo after the commit */
	return e;
}

err_t export_sealed(registry *r, sealed_writer *w, const char *how, struct export_summary *out,
		    char *errbuf)
{
	struct out_file o[KIND_COUNT];
	struct sink to = {.sealed = w, .how = how};
	err_t e;
	memset(o, 0, sizeof o);
	if ((e = write_all(r, &to, o, errbuf)) != ERR_OK)
		return e;
	*out = (struct export_summary){o[0].rows, o[1].rows, o[2].rows};
	return ERR_OK;
}

err_t export_digests(registry *r, unsigned char out[3][EXPORT_DIGEST_BYTES], char *errbuf)
{
	struct out_file o[KIND_COUNT];
	struct sink to = {.digests = out, .how = "hashed, never written"};
	memset(o, 0, sizeof o);
	return write_all(r, &to, o, errbuf);
}

err_t export_dir(registry *r, const char *dir, struct export_summary *out, char *errbuf)
{
	struct out_file o[KIND_COUNT];
	struct sink to = {.dir = dir, .how = "in clear"};
	err_t e;
	memset(o, 0, sizeof o);
	if ((e = write_all(r, &to, o, errbuf)) != ERR_OK) {
		for (int k = 0; k < KIND_COUNT; k++)
			if (o[k].tmp[0])
				unlink(o[k].tmp);
		return e;
	}
	for (int k = 0; k < KIND_COUNT; k++)
		if (rename(o[k].tmp, o[k].path) != 0) {
			snprintf(errbuf, ERRBUF_MAX, "cannot rename %s: %s", o[k].tmp,
			         strerror(errno));
			for (int j = k; j < KIND_COUNT; j++)
				unlink(o[j].tmp);
			return ERR_IO;
		}
	if (durable_sync(dir) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot sync %s: %s", dir, strerror(errno));
		return ERR_IO;
	}
	*out = (struct export_summary){o[0].rows, o[1].rows, o[2].rows};
	return ERR_OK;
}
