/*
 * render.c - the table of output formats (report_formats[]) and the helpers
 * of render.h.  A new format is one line in the table and one render_*.c.
 */
#include <stdio.h>
#include <string.h>

#include "report/render.h"
#include "report/words.h"
#include "util/date.h"

const struct report_format report_formats[] = {
	{"text", report_render_text, 0},
	{"markdown", report_render_markdown, 0},
	{"json", report_render_json, 0},
	{"csv", report_render_csv, 0},
	{"xlsx", report_render_xlsx, 1},
	{"pdf", report_render_pdf, 1},
	{"svg", report_render_svg, 1},
	{NULL, NULL, 0},
};

const struct report_format *report_format_find(const char *name)
{
	for (const struct report_format *f = report_formats; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

const char *render_label(const struct report *r, enum report_lang lang, const char *key,
			 const char *fallback)
{
	const char *v = r->def ? report_def_label(r->def, lang, key) : NULL;
	return v ? v : fallback;
}

size_t render_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int render_pad(FILE *out, const char *s, size_t width, int right)
{
	size_t w = render_width(s);
	if (!right && fputs(s, out) == EOF)
		return EOF;
	for (; w < width; w++)
		if (fputc(' ', out) == EOF)
			return EOF;
	return right ? fputs(s, out) : 0;
}

const char *render_unit(const struct report *r, enum report_lang lang, enum report_unit unit,
			const char *currency)
{
	if (unit == REPORT_MONEY)
		return words_currency(currency, lang);
	return render_label(r, lang, "unit.persons", "persons");
}

void render_approval(const struct report *r, enum report_lang lang, char *buf, size_t len)
{
	char day[DATE_TEXT_MAX];
	if (!r->frozen) {
		buf[0] = '\0';
		return;
	}
	date_format(r->frozen->frozen_at - r->frozen->frozen_at % 86400, day);
	snprintf(buf, len, "%s %s (%s %s), BLAKE2b-256 %s",
		 render_label(r, lang, "approved", "Approved on"), day,
		 render_label(r, lang, "definitions", "definitions"),
		 r->frozen->definitions_version, r->frozen->hash);
}

void render_breakdown_title(const struct report *r, const struct report_breakdown *b,
			    enum report_lang lang, char *buf, size_t len)
{
	const struct report_indicator *x = report_find(r, b->indicator);
	snprintf(buf, len, "%s, %s", x && x->label[lang] ? x->label[lang] : b->indicator,
		 b->label[lang] ? b->label[lang] : b->dimension);
}

err_t render_finish(FILE *out, char *errbuf)
{
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write the report");
		return ERR_IO;
	}
	return ERR_OK;
}

err_t render_document(const struct report *r, enum report_lang lang, FILE *out,
		      const struct render_parts *parts, char *errbuf)
{
	char **paras = NULL;
	size_t n = 0;
	err_t e = report_narrative(r, lang, &paras, &n, errbuf);
	int rc;
	if (e != ERR_OK)
		return e;
	rc = parts->head(out, r, lang);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = parts->paragraph(out, paras[i]);
	report_paragraphs_free(paras, n);
	for (size_t i = 0; i < sizeof parts->sections / sizeof parts->sections[0] && rc == 0; i++)
		rc = parts->sections[i](out, r, lang);
	if (rc == RENDER_NOMEM) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write the report: out of memory");
		return ERR_NOMEM;
	}
	if (rc != 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write the report");
		return ERR_IO;
	}
	return render_finish(out, errbuf);
}
