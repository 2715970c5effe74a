/*
 * csv_reader.h - a small reader of RFC 4180 files over libcsv.
 *
 * Knows nothing of what the cells mean.  It opens a file, skips a leading
 * UTF-8 byte-order mark, detects the delimiter (`,` or `;`) from the first
 * line, and yields one record at a time: an array of cells with their byte
 * lengths, and the physical line (1-based, counting LF) where the record
 * starts.  Line ends may be LF or CRLF; quoted cells may hold delimiters,
 * doubled quotes and line breaks.  Blank lines are skipped.  Cells are
 * returned as read: no trimming, no character-set check (NUL bytes included,
 * so use the lengths).
 *
 * Every growable buffer is capped by a named limit below; a record over a
 * limit, or with malformed quoting, is reported with its line and the cell
 * where the problem was seen, and reading resumes at the next physical line.
 */
#ifndef HAVEN_CSV_READER_H
#define HAVEN_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define CSV_READER_CELL_MAX   (64 * 1024)   /* bytes in one cell */
#define CSV_READER_CELLS_MAX  256           /* cells in one record */
#define CSV_READER_RECORD_MAX (1024 * 1024) /* bytes in one record, all cells */
#define CSV_READER_BLOCK      (64 * 1024)   /* bytes read from the file at once */

typedef struct csv_reader csv_reader;

struct csv_cell {
	const char *s; /* NUL-terminated; may hold NUL bytes itself: use len */
	size_t len;
};

struct csv_record {
	const struct csv_cell *cells;
	size_t n;      /* cells in the record */
	uint64_t line; /* physical line where the record starts */
	/* On ERR_INVALID / ERR_LIMIT: the 0-based cell where the problem was
	 * seen, and the physical line where it was seen. */
	size_t bad_cell;
	uint64_t bad_line;
};

/*
 * Opens `path` for reading.  On success the caller owns *out and frees it with
 * csv_reader_free.  On error writes one line into errbuf (ERRBUF_MAX bytes)
 * and leaves *out untouched (ERR_IO: cannot open or read, ERR_NOMEM).
 */
err_t csv_reader_open(const char *path, csv_reader **out, char *errbuf);

/* Closes the file and frees everything, including the last record.  Accepts
 * NULL. */
void csv_reader_free(csv_reader *r);

/* The delimiter detected from the first line: ',' or ';'. */
char csv_reader_delimiter(const csv_reader *r);

/* 1 when the file began with a UTF-8 byte-order mark (which was skipped). */
int csv_reader_had_bom(const csv_reader *r);

/* Bytes of the file consumed so far (for progress). */
uint64_t csv_reader_offset(const csv_reader *r);

/*
 * Reads the next record into *rec.  The cells are owned by the reader and
 * valid until the next call or csv_reader_free.
 *
 * Returns ERR_OK with a record; ERR_NOT_FOUND at the end of the file;
 * ERR_INVALID for malformed quoting and ERR_LIMIT for a record over a limit,
 * each with a message in errbuf (ERRBUF_MAX bytes; no cell content) and
 * rec->line, rec->bad_cell and rec->bad_line set, after which the next call
 * resumes at the next physical line; ERR_IO or ERR_NOMEM (not resumable).
 */
err_t csv_reader_next(csv_reader *r, struct csv_record *rec, char *errbuf);

#endif
