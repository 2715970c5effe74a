/*
 * definition.c - reads a report definition (an INI file, parsed with libinih)
 * into struct report_def and checks it, so that the engine never meets an
 * indicator it cannot count or a template it cannot expand.
 *
 * Parsing is two steps: inih's callback only collects (section, key, value)
 * entries, joining a value's indented continuation lines with a space; then
 * each section is interpreted and checked as a whole.  The definition is data
 * from a file: nothing in it ever becomes SQL text (compute.c binds its codes).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <sodium.h>

#include "report/definition.h"
#include "report/narrative.h"
#include "report/queries.h"
#include "util/embed.h"

#define ENTRIES_MAX 8192

struct entry {
	char *section, *key, *value;
	int used;
};

struct parse {
	const char *file;
	struct entry *e;
	size_t n;
	err_t err;
	char *errbuf;
	int nerr;
	struct report_def *d;
};

static const char *const lang_names[REPORT_LANGS] = {"en", "az"};

int def_lang(const char *name)
{
	for (int i = 0; i < REPORT_LANGS; i++)
		if (strcmp(name, lang_names[i]) == 0)
			return i;
	return -1;
}

/* Records one problem; the first goes into errbuf, later ones are counted. */
static void problem(struct parse *p, const char *section, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct parse *p, const char *section, const char *fmt, ...)
{
	char what[256];
	size_t o;
	va_list ap;
	if (p->err == ERR_OK)
		p->err = ERR_INVALID;
	if (p->nerr++ > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(p->errbuf, ERRBUF_MAX, "%s: ", p->file);
	o = strlen(p->errbuf);
	if (section)
		snprintf(p->errbuf + o, ERRBUF_MAX - o, "[%s]: ", section);
	o = strlen(p->errbuf);
	snprintf(p->errbuf + o, ERRBUF_MAX - o, "%s", what);
}

static char *dupstr(struct parse *p, const char *s)
{
	char *c = s ? strdup(s) : NULL;
	if (s && !c)
		p->err = ERR_NOMEM;
	return c;
}

/* ---- step 1: collect ---------------------------------------------------------- */

static int collect(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct entry *last = p->n ? &p->e[p->n - 1] : NULL;
	if (p->err == ERR_NOMEM)
		return 0;
	if (last && strcmp(last->section, section) == 0 && strcmp(last->key, name) == 0) {
		/* an indented continuation line (inih calls again with the same name) */
		size_t a = strlen(last->value), b = strlen(value);
		char *v = realloc(last->value, a + b + 2);
		if (!v)
			return p->err = ERR_NOMEM, 0;
		v[a] = ' ';
		memcpy(v + a + 1, value, b + 1);
		last->value = v;
		return 1;
	}
	if (p->n == ENTRIES_MAX) {
		problem(p, section, "more than %d entries", ENTRIES_MAX);
		return 0;
	}
	p->e[p->n] = (struct entry){dupstr(p, section), dupstr(p, name), dupstr(p, value), 0};
	p->n++;
	return p->err != ERR_NOMEM;
}

/* The key of an unindented `key = value` line (n bytes at s) into key;
 * 0 when the line is something else (blank, comment, section, continued). */
static int line_key(const char *s, size_t n, char *key, size_t keylen)
{
	size_t k = 0;
	if (!n || s[0] == ' ' || s[0] == '\t' || s[0] == ';' || s[0] == '#' || s[0] == '[')
		return 0;
	while (k < n && s[k] != '=' && s[k] != ':')
		k++;
	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	snprintf(key, keylen, "%.*s", (int)k, s);
	return k > 0;
}

/* A key given twice in a row would reach collect() like a continued line
 * and be joined to the first value unnoticed: refuse it with its line. */
static int keys_once(struct parse *p, const char *text)
{
	char prev[DEF_LINE_MAX + 1] = "", key[DEF_LINE_MAX + 1];
	int line = 1;
	for (const char *s = text; *s; line++) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (s[0] == '[')
			prev[0] = '\0';
		else if (line_key(s, n, key, sizeof key)) {
			if (strcmp(key, prev) == 0) {
				problem(p, NULL, "line %d: %s is given twice; continue a value on an "
					"indented next line instead", line, key);
				return 0;
			}
			memcpy(prev, key, sizeof prev);
		}
		s = nl ? nl + 1 : s + strlen(s);
	}
	return 1;
}

/* inih truncates long lines silently; refuse them with their line number. */
static int lines_fit(struct parse *p, const char *text)
{
	int line = 1;
	for (const char *s = text; *s; line++) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n > DEF_LINE_MAX) {
			problem(p, NULL, "line %d is longer than %d bytes: continue the value on an "
				"indented next line", line, DEF_LINE_MAX);
			return 0;
		}
		/* past the line's end, not `n`: a last line ending in a lone CR would
		 * otherwise stop on the CR for ever */
		s = nl ? nl + 1 : s + strlen(s);
	}
	return 1;
}

/* ---- step 2: interpret -------------------------------------------------------- */

/* The value of `key` in `section`, marking it used; NULL when absent. */
static const char *get(struct parse *p, const char *section, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->e[i].section, section) != 0 || strcmp(p->e[i].key, key) != 0)
			continue;
		if (v)
			problem(p, section, "'%s' is given twice", key);
		v = p->e[i].value;
		p->e[i].used = 1;
	}
	return v && *v ? v : NULL;
}

static int get_bool(struct parse *p, const char *section, const char *key)
{
	const char *v = get(p, section, key);
	if (!v || strcmp(v, "no") == 0 || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	if (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		return 1;
	problem(p, section, "'%s' must be yes or no", key);
	return 0;
}

/* The index of v in names[] (NULL-terminated), or `dflt` when v is absent. */
static int get_enum(struct parse *p, const char *section, const char *key,
		    const char *const *names, int dflt)
{
	const char *v = get(p, section, key);
	if (!v)
		return dflt;
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	problem(p, section, "'%s' has a value it does not know", key);
	return dflt;
}

static int valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= REPORT_ID_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* Splits a comma-separated list into at most `max` trimmed, malloc'd items. */
static size_t get_list(struct parse *p, const char *section, const char *key, char **out,
		       size_t max)
{
	const char *v = get(p, section, key);
	size_t n = 0;
	while (v && *v) {
		const char *end = strchr(v, ',');
		size_t len = end ? (size_t)(end - v) : strlen(v);
		while (len && (*v == ' ' || *v == '\t'))
			v++, len--;
		while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (len) {
			if (n == max) {
				problem(p, section, "'%s' lists too many items", key);
				break;
			}
			if (!(out[n] = strndup(v, len))) {
				p->err = ERR_NOMEM;
				break;
			}
			n++;
		}
		v = end ? end + 1 : v + strlen(v);
	}
	return n;
}

static void get_labels(struct parse *p, const char *section, const char *prefix, char **out)
{
	for (int l = 0; l < REPORT_LANGS; l++) {
		char key[32];
		snprintf(key, sizeof key, "%s.%s", prefix, lang_names[l]);
		out[l] = dupstr(p, get(p, section, key));
		if (!out[l])
			problem(p, section, "'%s' is missing", key);
	}
}

static void read_report(struct parse *p, const char *section)
{
	struct report_def *d = p->d;
	d->report_id = dupstr(p, get(p, section, "id"));
	d->version = dupstr(p, get(p, section, "version"));
	if (!d->report_id || !valid_id(d->report_id))
		problem(p, section, "'id' must be a lower-case name");
	if (!d->version)
		problem(p, section, "'version' is missing");
	get_labels(p, section, "title", d->title);
}

static const char *const events[] = {"recognized", "identified", "service", "referral", NULL};
static const char *const measures[] = {"persons", "parents", "sum", NULL};
static const char *const populations[] = {"all", "subjects", "dependants", NULL};

/* The combinations the engine's SQL can count; everything else is refused. */
static void check_indicator(struct parse *p, const char *section, const struct def_indicator *x)
{
	int persons_event = x->event == DEF_EV_RECOGNIZED || x->event == DEF_EV_IDENTIFIED;
	if (x->event == DEF_EV_SERVICE && !x->service)
		problem(p, section, "a service indicator needs 'service'");
	if (x->event == DEF_EV_REFERRAL && !x->from && !x->to && !x->purpose)
		problem(p, section, "a referral indicator needs 'from', 'to' or 'purpose'");
	if (x->event != DEF_EV_SERVICE && (x->service || x->provider || x->phase))
		problem(p, section, "'service', 'provider' and 'phase' need event = service");
	if (x->event != DEF_EV_REFERRAL && (x->from || x->to || x->purpose))
		problem(p, section, "'from', 'to' and 'purpose' need event = referral");
	if (x->event != DEF_EV_IDENTIFIED && (x->n_sources || x->not_recognized || x->with_service))
		problem(p, section, "'source', 'not_recognized_by_year_end' and "
			"'with_service_in_year' need event = identified");
	if (x->measure == DEF_M_SUM && x->event != DEF_EV_SERVICE)
		problem(p, section, "measure = sum needs event = service");
	if (x->measure == DEF_M_PARENTS && (persons_event || x->population != DEF_POP_DEPENDANTS))
		problem(p, section, "measure = parents counts the parents of dependants: it needs "
			"population = dependants and a service or referral event");
	if (x->n_breakdown && (!persons_event || x->measure != DEF_M_PERSONS || x->n_sources ||
			       x->not_recognized || x->with_service || x->recognized_in_year))
		problem(p, section, "'breakdown' needs a recognized or identified event counting "
			"persons, filtered by population, child and foreign only");
	for (size_t i = 0; i < x->n_breakdown; i++)
		if (rq_dimension_find(x->breakdown[i]) < 0) {
			char known[256] = "";
			for (int k = 0, o = 0; k < RQ_DIM_COUNT && o < (int)sizeof known; k++)
				o += snprintf(known + o, sizeof known - (size_t)o, "%s%s", k ? ", " : "",
					      RQ_DIMENSIONS[k].name);
			problem(p, section, "'breakdown' knows only %s", known);
		}
}

static void read_indicator(struct parse *p, const char *section, const char *id)
{
	struct def_indicator *x;
	if (!valid_id(id)) {
		problem(p, section, "an indicator id is a lower-case name of letters, digits and _");
		return;
	}
	x = &p->d->ind[p->d->n_ind++];
	x->id = dupstr(p, id);
	get_labels(p, section, "label", x->label);
	x->event = (enum def_event)get_enum(p, section, "event", events, -1);
	if ((int)x->event < 0) {
		problem(p, section, "'event' must be recognized, identified, service or referral");
		x->event = DEF_EV_RECOGNIZED;
	}
	x->measure = (enum def_measure)get_enum(p, section, "measure", measures, DEF_M_PERSONS);
	x->population = (enum def_population)get_enum(p, section, "population", populations,
						      DEF_POP_SUBJECTS);
	x->child_only = get_bool(p, section, "child");
	x->foreign_only = get_bool(p, section, "foreign");
	x->recognized_in_year = get_bool(p, section, "recognized_in_year");
	x->not_recognized = get_bool(p, section, "not_recognized_by_year_end");
	x->with_service = get_bool(p, section, "with_service_in_year");
	x->n_sources = get_list(p, section, "source", x->sources, DEF_SOURCES_MAX);
	x->service = dupstr(p, get(p, section, "service"));
	x->provider = dupstr(p, get(p, section, "provider"));
	x->phase = dupstr(p, get(p, section, "phase"));
	x->from = dupstr(p, get(p, section, "from"));
	x->to = dupstr(p, get(p, section, "to"));
	x->purpose = dupstr(p, get(p, section, "purpose"));
	x->currency = dupstr(p, get(p, section, "currency"));
	if (x->measure == DEF_M_SUM && !x->currency)
		x->currency = dupstr(p, "AZN");
	if (x->measure != DEF_M_SUM && x->currency)
		problem(p, section, "'currency' needs measure = sum");
	x->trend = get_bool(p, section, "trend");
	x->n_breakdown = get_list(p, section, "breakdown", x->breakdown, DEF_DIMS_MAX);
	check_indicator(p, section, x);
}

static void read_relation(struct parse *p, const char *section, const char *name)
{
	struct def_relation *r = &p->d->rel[p->d->n_rel++];
	const struct def_indicator *t;
	r->name = dupstr(p, name);
	r->total = dupstr(p, get(p, section, "total"));
	r->n_parts = get_list(p, section, "parts", r->parts, DEF_PARTS_MAX);
	if (!r->total || r->n_parts == 0) {
		problem(p, section, "a relation needs 'total' and 'parts'");
		return;
	}
	if (!(t = def_find(p->d, r->total)) || t->measure == DEF_M_SUM)
		problem(p, section, "'total' must name a count indicator defined above: %s", r->total);
	for (size_t i = 0; i < r->n_parts; i++)
		if (!(t = def_find(p->d, r->parts[i])) || t->measure == DEF_M_SUM)
			problem(p, section, "'parts' must name count indicators defined above: %s",
				r->parts[i]);
}

/* [narrative LANG] and [labels LANG]: every key, in order. */
static void read_lang_section(struct parse *p, const char *section, int lang, int narrative)
{
	struct report_def *d = p->d;
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->e[i].section, section) != 0)
			continue;
		p->e[i].used = 1;
		if (narrative && d->n_para[lang] < DEF_ITEMS_MAX)
			d->para[lang][d->n_para[lang]++] = dupstr(p, p->e[i].value);
		else if (!narrative && d->n_labels[lang] < DEF_ITEMS_MAX)
			d->labels[lang][d->n_labels[lang]++] =
				(struct def_label){dupstr(p, p->e[i].key), dupstr(p, p->e[i].value)};
		else
			problem(p, section, "more than %d entries", DEF_ITEMS_MAX);
	}
}

/* Interprets one section by its first word. */
static void read_section(struct parse *p, const char *section)
{
	const char *sp = strchr(section, ' ');
	const char *arg = sp ? sp + 1 : "";
	size_t kind = sp ? (size_t)(sp - section) : strlen(section);
	int lang = def_lang(arg);
	if (kind == 6 && strncmp(section, "report", 6) == 0 && !sp)
		read_report(p, section);
	else if (kind == 9 && strncmp(section, "indicator", 9) == 0 && p->d->n_ind < DEF_ITEMS_MAX)
		read_indicator(p, section, arg);
	else if (kind == 8 && strncmp(section, "relation", 8) == 0 && p->d->n_rel < DEF_ITEMS_MAX)
		read_relation(p, section, arg);
	else if (kind == 9 && strncmp(section, "narrative", 9) == 0 && lang >= 0)
		read_lang_section(p, section, lang, 1);
	else if (kind == 6 && strncmp(section, "labels", 6) == 0 && lang >= 0)
		read_lang_section(p, section, lang, 0);
	else
		problem(p, section, "unknown section (expected report, indicator ID, relation NAME, "
			"narrative LANG or labels LANG, LANG being en or az)");
}

static err_t alloc_items(struct report_def *d)
{
	d->ind = calloc(DEF_ITEMS_MAX, sizeof *d->ind);
	d->rel = calloc(DEF_ITEMS_MAX, sizeof *d->rel);
	for (int l = 0; l < REPORT_LANGS; l++) {
		d->para[l] = calloc(DEF_ITEMS_MAX, sizeof *d->para[l]);
		d->labels[l] = calloc(DEF_ITEMS_MAX, sizeof *d->labels[l]);
		if (!d->para[l] || !d->labels[l])
			return ERR_NOMEM;
	}
	return d->ind && d->rel ? ERR_OK : ERR_NOMEM;
}

static void check_templates(struct parse *p)
{
	for (int l = 0; l < REPORT_LANGS; l++) {
		char section[32], msg[256];
		snprintf(section, sizeof section, "narrative %s", lang_names[l]);
		if (p->d->n_para[l] == 0)
			problem(p, section, "the narrative has no paragraph");
		for (size_t i = 0; i < p->d->n_para[l]; i++)
			if (p->d->para[l][i] &&
			    narrative_check(p->d, p->d->para[l][i], msg, sizeof msg) != ERR_OK)
				problem(p, section, "%s", msg);
	}
}

/* Interprets every section in order of first appearance, then what spans them. */
static void interpret(struct parse *p)
{
	int have_report = 0;
	for (size_t i = 0; i < p->n && p->err != ERR_NOMEM; i++) {
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(p->e[j].section, p->e[i].section) == 0;
		if (seen)
			continue;
		have_report |= strcmp(p->e[i].section, "report") == 0;
		read_section(p, p->e[i].section);
	}
	if (!have_report)
		problem(p, NULL, "the [report] section is missing");
	for (size_t i = 0; i < p->n; i++)
		if (!p->e[i].used)
			problem(p, p->e[i].section, "unknown key '%s'", p->e[i].key);
	if (p->err == ERR_OK)
		check_templates(p);
}

/* ---- loading ------------------------------------------------------------------ */

static err_t read_file(const char *path, char **out, size_t *len, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;
	int failed;
	if (!f) {
		snprintf(errbuf, ERRBUF_MAX, "cannot open the definitions %s", path);
		return ERR_IO;
	}
	buf = malloc(REPORT_DEF_MAX + 1);
	if (!buf) {
		fclose(f);
		return ERR_NOMEM;
	}
	n = fread(buf, 1, REPORT_DEF_MAX + 1, f);
	failed = ferror(f);
	fclose(f);
	if (failed || n > REPORT_DEF_MAX) {
		snprintf(errbuf, ERRBUF_MAX, "%s: %s", path,
			 failed ? "cannot read the file" : "larger than 1 MiB");
		free(buf);
		return failed ? ERR_IO : ERR_LIMIT;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return ERR_OK;
}

static err_t parse_text(struct parse *p, const char *text, size_t len)
{
	int rc;
	if (memchr(text, '\0', len)) {
		problem(p, NULL, "the file holds a NUL byte");
		return p->err;
	}
	if (!lines_fit(p, text) || !keys_once(p, text))
		return p->err;
	crypto_generichash(p->d->digest, sizeof p->d->digest, (const unsigned char *)text, len,
			   NULL, 0);
	rc = ini_parse_string(text, collect, p);
	if (rc > 0 && p->err == ERR_OK)
		problem(p, NULL, "line %d is not [section], key = value or a comment", rc);
	if (p->err == ERR_OK || p->err == ERR_INVALID)
		interpret(p);
	return p->err;
}

err_t report_def_load(const char *path, struct report_def **out, char *errbuf)
{
	struct parse p = {.file = path ? path : REPORT_DEF_EMBEDDED, .errbuf = errbuf};
	char *text = NULL;
	size_t len = 0;
	err_t e;

	if (path) {
		if ((e = read_file(path, &text, &len, errbuf)) != ERR_OK)
			return e;
	} else {
		const struct embedded_file *f = embed_find(REPORT_DEF_EMBEDDED);
		if (!f) {
			snprintf(errbuf, ERRBUF_MAX, "%s is missing from this build", REPORT_DEF_EMBEDDED);
			return ERR_NOT_FOUND;
		}
		len = f->len;
	}
	p.d = calloc(1, sizeof *p.d);
	p.e = calloc(ENTRIES_MAX, sizeof *p.e);
	if (!p.d || !p.e || (e = alloc_items(p.d)) != ERR_OK) {
		e = ERR_NOMEM;
		goto out;
	}
	p.d->source = dupstr(&p, p.file);
	e = parse_text(&p, text ? text : (const char *)embed_find(REPORT_DEF_EMBEDDED)->data, len);
out:
	if (e == ERR_NOMEM)
		snprintf(errbuf, ERRBUF_MAX, "out of memory reading the definitions");
	for (size_t i = 0; i < p.n; i++) {
		free(p.e[i].section);
		free(p.e[i].key);
		free(p.e[i].value);
	}
	free(p.e);
	free(text);
	if (e == ERR_OK)
		*out = p.d;
	else
		report_def_free(p.d);
	return e;
}

static void free_indicator(struct def_indicator *x)
{
	free(x->id);
	for (int l = 0; l < REPORT_LANGS; l++)
		free(x->label[l]);
	for (size_t i = 0; i < x->n_sources; i++)
		free(x->sources[i]);
	for (size_t i = 0; i < x->n_breakdown; i++)
		free(x->breakdown[i]);
	free(x->service);
	free(x->provider);
	free(x->phase);
	free(x->from);
	free(x->to);
	free(x->purpose);
	free(x->currency);
}

void report_def_free(struct report_def *d)
{
	if (!d)
		return;
	for (size_t i = 0; d->ind && i < d->n_ind; i++)
		free_indicator(&d->ind[i]);
	for (size_t i = 0; d->rel && i < d->n_rel; i++) {
		free(d->rel[i].name);
		free(d->rel[i].total);
		for (size_t j = 0; j < d->rel[i].n_parts; j++)
			free(d->rel[i].parts[j]);
	}
	for (int l = 0; l < REPORT_LANGS; l++) {
		for (size_t i = 0; d->para[l] && i < d->n_para[l]; i++)
			free(d->para[l][i]);
		for (size_t i = 0; d->labels[l] && i < d->n_labels[l]; i++) {
			free(d->labels[l][i].key);
			free(d->labels[l][i].value);
		}
		free(d->para[l]);
		free(d->labels[l]);
		free(d->title[l]);
	}
	free(d->ind);
	free(d->rel);
	free(d->source);
	free(d->report_id);
	free(d->version);
	free(d);
}

const char *report_def_version(const struct report_def *d)
{
	return d->version;
}

const char *report_def_label(const struct report_def *d, enum report_lang lang, const char *key)
{
	for (size_t i = 0; i < d->n_labels[lang]; i++)
		if (strcmp(d->labels[lang][i].key, key) == 0)
			return d->labels[lang][i].value;
	return NULL;
}

long def_index(const struct report_def *d, const char *id)
{
	for (size_t i = 0; i < d->n_ind; i++)
		if (d->ind[i].id && strcmp(d->ind[i].id, id) == 0)
			return (long)i;
	return -1;
}

const struct def_indicator *def_find(const struct report_def *d, const char *id)
{
	long i = def_index(d, id);
	return i < 0 ? NULL : &d->ind[i];
}
