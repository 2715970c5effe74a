/*
 * csv_writer.h - RFC 4180 output that spreadsheets cannot run as formulas.
 *
 * Writes `,`-separated cells, LF line ends, UTF-8 as given, no byte-order
 * mark.  A cell is quoted when it holds a delimiter (`,` or `;`), a quote, a
 * line break, or begins or ends with a space or tab; quotes inside are
 * doubled.
 *
 * Formula neutralisation (OWASP "CSV injection"): a cell whose first
 * character, after any leading single quotes, is `=`, `+`, `-`, `@`, a tab or
 * a carriage return is written with one more single quote in front, inside a
 * quoted cell: `=1+1` becomes `"'=1+1"`.  csv_formula_prefix_len() is the
 * inverse for readers: it tells how many bytes to drop from such a cell (one
 * quote), so every value survives a round trip exactly.  Counting the quotes
 * already there is what makes the rule reversible for a value like `'=x`.
 */
#ifndef HAVEN_CSV_WRITER_H
#define HAVEN_CSV_WRITER_H

#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

struct csv_writer {
	FILE *f;    /* borrowed; the caller opens, flushes and closes it */
	int failed; /* a write failed */
	int at_row_start;
};

/* Starts writing rows to `f` (borrowed). */
void csv_writer_init(struct csv_writer *w, FILE *f);

/* Writes one cell of `len` bytes; s may be NULL (an empty cell). */
void csv_writer_cell(struct csv_writer *w, const char *s, size_t len);

/* Writes one NUL-terminated cell; NULL writes an empty cell. */
void csv_writer_str(struct csv_writer *w, const char *s);

/* Ends the row with LF. */
void csv_writer_end_row(struct csv_writer *w);

/* ERR_OK, or ERR_IO when any write so far failed. */
err_t csv_writer_status(const struct csv_writer *w);

/* 1 when the writer would prefix the cell with a single quote. */
int csv_formula_needs_prefix(const char *s, size_t len);

/* For readers: 1 when the cell starts with a single quote that a writer
 * added (one or more quotes followed by = + - @ tab or CR), else 0.  Drop that
 * many bytes from the front to get the original value. */
size_t csv_formula_prefix_len(const char *s, size_t len);

#endif
