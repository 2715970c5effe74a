/*
 * csv_reader.c - RFC 4180 records out of a file, over libcsv.
 *
 * libcsv does the quoting; this file adds what it lacks: line numbers,
 * delimiter and BOM detection, size caps and resuming after an error.  The
 * file is fed to libcsv one physical line at a time (or a block of a very
 * long line), which is how the reader knows where each record starts: a
 * record starts on the line being fed when, before feeding it, libcsv was
 * between records.  Only LF ends a record; a CR is treated by libcsv as a
 * "space", which it drops before and after an unquoted cell and after a
 * closing quote, so CRLF files read the same as LF files, while a CR inside
 * a quoted cell is kept.  Spaces and tabs are data (RFC 4180), never trimmed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "util/csv_reader.h"

/* libcsv's parser state between records (ROW_NOT_BEGUN in libcsv.c). */
#define LIBCSV_ROW_NOT_BEGUN 0
#define LIBCSV_BLOCK         4096 /* libcsv grows its cell buffer by this much */
#define CSV_READER_OPTS      (CSV_STRICT | CSV_STRICT_FINI)

struct span {
	size_t off, len;
};

struct csv_reader {
	FILE *f;
	struct csv_parser p;
	char delim;
	int bom;

	unsigned char *buf; /* CSV_READER_BLOCK bytes read ahead */
	size_t pos, end;
	int eof;      /* the file is read to its end */
	int finished; /* csv_fini has run: nothing more to yield */
	uint64_t offset;

	uint64_t line;     /* physical line of buf[pos] */
	int at_line_start; /* buf[pos] is the first byte of a line */
	int skip_line;     /* after an error: drop bytes up to the next LF */
	uint64_t rec_start;

	/* The record being built: cell bytes, each followed by a NUL. */
	char *data;
	size_t data_len, data_cap;
	struct span spans[CSV_READER_CELLS_MAX];
	struct csv_cell cells[CSV_READER_CELLS_MAX];
	size_t ncells;
	int rec_done;
	err_t rec_err;
	const char *rec_why;
	size_t rec_bad_cell;
};

static int is_cr(unsigned char c)
{
	return c == '\r';
}

static int is_lf(unsigned char c)
{
	return c == '\n';
}

static err_t parser_init(csv_reader *r)
{
	if (csv_init(&r->p, CSV_READER_OPTS) != 0)
		return ERR_NOMEM;
	csv_set_delim(&r->p, (unsigned char)r->delim);
	csv_set_space_func(&r->p, is_cr);
	csv_set_term_func(&r->p, is_lf);
	csv_set_blk_size(&r->p, LIBCSV_BLOCK);
	return ERR_OK;
}

/* Drops libcsv's state after an error so that the next line starts afresh. */
static err_t parser_reset(csv_reader *r)
{
	csv_free(&r->p);
	return parser_init(r);
}

static void rec_fail(csv_reader *r, err_t e, const char *why)
{
	if (r->rec_err != ERR_OK)
		return;
	r->rec_err = e;
	r->rec_why = why;
	r->rec_bad_cell = r->ncells;
}

static int data_reserve(csv_reader *r, size_t need)
{
	size_t cap = r->data_cap ? r->data_cap : 1024;
	char *n;
	if (need <= r->data_cap)
		return 0;
	while (cap < need)
		cap *= 2;
	n = realloc(r->data, cap);
	if (!n)
		return -1;
	r->data = n;
	r->data_cap = cap;
	return 0;
}

/* libcsv: one cell has ended. */
static void on_cell(void *field, size_t len, void *ctx)
{
	csv_reader *r = ctx;
	if (r->rec_err != ERR_OK)
		return;
	if (r->ncells == CSV_READER_CELLS_MAX) {
		rec_fail(r, ERR_LIMIT, "too many cells in one row (at most 256)");
		return;
	}
	if (len > CSV_READER_CELL_MAX) {
		rec_fail(r, ERR_LIMIT, "cell is too long (at most 65536 bytes)");
		return;
	}
	if (r->data_len + len + 1 > CSV_READER_RECORD_MAX) {
		rec_fail(r, ERR_LIMIT, "row is too long (at most 1048576 bytes)");
		return;
	}
	if (data_reserve(r, r->data_len + len + 1) != 0) {
		rec_fail(r, ERR_NOMEM, "out of memory");
		return;
	}
	if (len > 0)
		memcpy(r->data + r->data_len, field, len);
	r->data[r->data_len + len] = '\0';
	r->spans[r->ncells].off = r->data_len;
	r->spans[r->ncells].len = len;
	r->ncells++;
	r->data_len += len + 1;
}

/* libcsv: the record has ended. */
static void on_record(int c, void *ctx)
{
	csv_reader *r = ctx;
	(void)c;
	r->rec_done = 1;
}

static char detect_delimiter(const unsigned char *s, size_t n)
{
	size_t commas = 0, semis = 0;
	int quoted = 0;
	for (size_t i = 0; i < n && s[i] != '\n'; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == ',')
			commas++;
		else if (!quoted && s[i] == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

static err_t refill(csv_reader *r)
{
	size_t n = fread(r->buf, 1, CSV_READER_BLOCK, r->f);
	if (n == 0) {
		if (ferror(r->f))
			return ERR_IO;
		r->eof = 1;
	}
	r->pos = 0;
	r->end = n;
	return ERR_OK;
}

err_t csv_reader_open(const char *path, csv_reader **out, char *errbuf)
{
	csv_reader *r = calloc(1, sizeof *r);
	err_t e = ERR_NOMEM;
	if (!r || !(r->buf = malloc(CSV_READER_BLOCK))) {
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		goto fail;
	}
	r->f = fopen(path, "rbe");
	if (!r->f) {
		snprintf(errbuf, ERRBUF_MAX, "cannot open: %s", strerror(errno));
		e = ERR_IO;
		goto fail;
	}
	if ((e = refill(r)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
		r->bom = 1;
		r->pos = 3;
		r->offset = 3;
	}
	r->delim = detect_delimiter(r->buf + r->pos, r->end - r->pos);
	if ((e = parser_init(r)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		goto fail;
	}
	r->line = 1;
	r->at_line_start = 1;
	*out = r;
	return ERR_OK;
fail:
	if (r) {
		if (r->f)
			fclose(r->f);
		free(r->buf);
		free(r);
	}
	return e;
}

void csv_reader_free(csv_reader *r)
{
	if (!r)
		return;
	csv_free(&r->p);
	if (r->f)
		fclose(r->f);
	free(r->buf);
	free(r->data);
	free(r);
}

char csv_reader_delimiter(const csv_reader *r)
{
	return r->delim;
}

int csv_reader_had_bom(const csv_reader *r)
{
	return r->bom;
}

uint64_t csv_reader_offset(const csv_reader *r)
{
	return r->offset;
}

static void rec_begin(csv_reader *r)
{
	r->ncells = 0;
	r->data_len = 0;
	r->rec_done = 0;
	r->rec_err = ERR_OK;
	r->rec_why = NULL;
	r->rec_bad_cell = 0;
}

static err_t rec_finish(csv_reader *r, struct csv_record *rec, char *errbuf)
{
	rec->line = r->rec_start;
	rec->bad_line = r->line > 1 ? r->line - 1 : 1;
	rec->bad_cell = r->rec_bad_cell;
	if (r->rec_err != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "%s", r->rec_why);
		return r->rec_err;
	}
	for (size_t i = 0; i < r->ncells; i++) {
		r->cells[i].s = r->data + r->spans[i].off;
		r->cells[i].len = r->spans[i].len;
	}
	rec->cells = r->cells;
	rec->n = r->ncells;
	return ERR_OK;
}

/* Reports an error seen while feeding the current line, and arranges for
 * reading to resume at the next line.  `nl` says whether the chunk fed ended
 * the line. */
static err_t feed_error(csv_reader *r, struct csv_record *rec, err_t e, const char *why, int nl,
                        char *errbuf)
{
	rec->line = r->rec_start;
	rec->bad_line = r->line;
	rec->bad_cell = r->ncells;
	snprintf(errbuf, ERRBUF_MAX, "%s", why);
	if (nl) {
		r->line++;
		r->at_line_start = 1;
	} else {
		r->skip_line = 1;
	}
	if (parser_reset(r) != ERR_OK)
		return ERR_NOMEM;
	return e;
}

static const char *parse_error_why(const csv_reader *r)
{
	if (r->p.quoted)
		return "text after the closing quote of a cell (a quoted cell ends with a quote "
		       "followed by the delimiter or the end of the line; write a quote inside it "
		       "as two quotes)";
	return "a quote inside a cell that does not start with one (put the whole cell in "
	       "quotes and write each quote inside it as two quotes)";
}

/* Drops the rest of a line after an error. Returns 1 when the line ended. */
static int skip_rest_of_line(csv_reader *r)
{
	const unsigned char *nl = memchr(r->buf + r->pos, '\n', r->end - r->pos);
	size_t n = nl ? (size_t)(nl - (r->buf + r->pos)) + 1 : r->end - r->pos;
	r->pos += n;
	r->offset += n;
	if (!nl)
		return 0;
	r->line++;
	r->at_line_start = 1;
	r->skip_line = 0;
	return 1;
}

static err_t finish_file(csv_reader *r, struct csv_record *rec, char *errbuf)
{
	int rc;
	r->finished = 1;
	rc = csv_fini(&r->p, on_cell, on_record, r);
	if (rc != 0 && csv_error(&r->p) == CSV_EPARSE) {
		rec->line = r->rec_start;
		rec->bad_line = r->line;
		rec->bad_cell = r->ncells;
		snprintf(errbuf, ERRBUF_MAX,
		         "a quoted cell is not closed before the end of the file (every opening "
		         "quote needs a closing quote)");
		return ERR_INVALID;
	}
	if (rc != 0) {
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		return ERR_NOMEM;
	}
	if (r->rec_done)
		return rec_finish(r, rec, errbuf);
	return ERR_NOT_FOUND;
}

/* Feeds one chunk (up to and including the next LF, or the rest of the
 * buffer).  Returns 1 when a record (or an error) is ready, 0 to go on. */
static int feed_chunk(csv_reader *r, struct csv_record *rec, char *errbuf, err_t *res)
{
	const unsigned char *start = r->buf + r->pos;
	const unsigned char *nl = memchr(start, '\n', r->end - r->pos);
	size_t len = nl ? (size_t)(nl - start) + 1 : r->end - r->pos;
	size_t done;

	if (r->at_line_start && r->p.pstate == LIBCSV_ROW_NOT_BEGUN)
		r->rec_start = r->line;
	done = csv_parse(&r->p, start, len, on_cell, on_record, r);
	r->pos += len;
	r->offset += len;
	if (done < len) {
		if (csv_error(&r->p) == CSV_EPARSE)
			*res =
			    feed_error(r, rec, ERR_INVALID, parse_error_why(r), nl != NULL, errbuf);
		else
			*res = feed_error(r, rec, ERR_NOMEM, "out of memory", nl != NULL, errbuf);
		return 1;
	}
	if (r->p.entry_pos > CSV_READER_CELL_MAX) {
		*res = feed_error(r, rec, ERR_LIMIT, "cell is too long (at most 65536 bytes)",
		                  nl != NULL, errbuf);
		return 1;
	}
	if (nl) {
		r->line++;
		r->at_line_start = 1;
	} else {
		r->at_line_start = 0;
	}
	if (!r->rec_done)
		return 0;
	*res = rec_finish(r, rec, errbuf);
	return 1;
}

err_t csv_reader_next(csv_reader *r, struct csv_record *rec, char *errbuf)
{
	err_t res;
	*rec = (struct csv_record){NULL, 0, r->line, 0, r->line};
	if (r->finished)
		return ERR_NOT_FOUND;
	rec_begin(r);
	for (;;) {
		if (r->pos == r->end) {
			if (r->eof)
				return finish_file(r, rec, errbuf);
			if (refill(r) != ERR_OK) {
				snprintf(errbuf, ERRBUF_MAX, "cannot read: %s", strerror(errno));
				return ERR_IO;
			}
			continue;
		}
		if (r->skip_line) {
			skip_rest_of_line(r);
			continue;
		}
		if (feed_chunk(r, rec, errbuf, &res))
			return res;
	}
}
