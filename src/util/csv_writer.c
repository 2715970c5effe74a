/*
 * csv_writer.c - RFC 4180 cells with formula neutralisation (see
 * csv_writer.h for the rule and why it is reversible).
 */
#include <string.h>

#include "util/csv_writer.h"

static int is_trigger(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int csv_formula_needs_prefix(const char *s, size_t len)
{
	size_t k = 0;
	while (k < len && s[k] == '\'')
		k++;
	return k < len && is_trigger(s[k]);
}

size_t csv_formula_prefix_len(const char *s, size_t len)
{
	return len > 0 && s[0] == '\'' && csv_formula_needs_prefix(s, len) ? 1 : 0;
}

static int needs_quotes(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
		return 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == ';' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

static void put(struct csv_writer *w, const char *s, size_t len)
{
	if (len && fwrite(s, 1, len, w->f) != len)
		w->failed = 1;
}

void csv_writer_init(struct csv_writer *w, FILE *f)
{
	w->f = f;
	w->failed = 0;
	w->at_row_start = 1;
}

/* Writes the quoted form, doubling every quote. */
static void put_quoted(struct csv_writer *w, const char *s, size_t len, int prefix)
{
	const char *q;
	put(w, "\"", 1);
	if (prefix)
		put(w, "'", 1);
	while (len && (q = memchr(s, '"', len)) != NULL) {
		size_t n = (size_t)(q - s) + 1;
		put(w, s, n);
		put(w, "\"", 1);
		s += n;
		len -= n;
	}
	put(w, s, len);
	put(w, "\"", 1);
}

void csv_writer_cell(struct csv_writer *w, const char *s, size_t len)
{
	int prefix;
	if (!w->at_row_start)
		put(w, ",", 1);
	w->at_row_start = 0;
	if (!s)
		return;
	prefix = csv_formula_needs_prefix(s, len);
	if (prefix || needs_quotes(s, len))
		put_quoted(w, s, len, prefix);
	else
		put(w, s, len);
}

void csv_writer_str(struct csv_writer *w, const char *s)
{
	csv_writer_cell(w, s, s ? strlen(s) : 0);
}

void csv_writer_end_row(struct csv_writer *w)
{
	put(w, "\n", 1);
	w->at_row_start = 1;
}

err_t csv_writer_status(const struct csv_writer *w)
{
	return w->failed || ferror(w->f) ? ERR_IO : ERR_OK;
}
