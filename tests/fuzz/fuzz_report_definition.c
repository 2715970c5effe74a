/*
 * fuzz_report_definition.c - libFuzzer target for the report definition
 * parser (src/report/definition.c, REL-10): any bytes given as a definition
 * file are either refused with a message naming the file, or load into a
 * definition whose every indicator, relation and paragraph the engine can use.
 *
 * report_def_load takes a path: the input is written to a file in a
 * directory made once.  A loaded definition is checked for what the engine
 * relies on (ids present, relations naming indicators, paragraphs that
 * expand) and freed; a refused one must leave a message in errbuf.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "report/definition.h"
#include "report/narrative.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096], path[4200];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static int prepare(void)
{
	const char *tmp = getenv("TMPDIR");
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof dir, "%s/haven-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/def.ini", dir);
	atexit(cleanup);
	return 0;
}

static void check(const struct report_def *d)
{
	char msg[256];
	if (!d->report_id || !d->version || !d->source)
		abort();
	for (int l = 0; l < REPORT_LANGS; l++)
		if (!d->title[l])
			abort();
	for (size_t i = 0; i < d->n_ind; i++) {
		const struct def_indicator *x = &d->ind[i];
		if (!x->id || def_find(d, x->id) == NULL)
			abort();
		for (int l = 0; l < REPORT_LANGS; l++)
			if (!x->label[l])
				abort();
		if (x->n_sources > DEF_SOURCES_MAX || x->n_breakdown > DEF_DIMS_MAX)
			abort();
	}
	for (size_t i = 0; i < d->n_rel; i++) {
		if (!def_find(d, d->rel[i].total) || d->rel[i].n_parts > DEF_PARTS_MAX)
			abort();
		for (size_t j = 0; j < d->rel[i].n_parts; j++)
			if (!def_find(d, d->rel[i].parts[j]))
				abort();
	}
	for (int l = 0; l < REPORT_LANGS; l++) {
		if (d->n_para[l] == 0)
			abort();
		for (size_t i = 0; i < d->n_para[l]; i++)
			if (!d->para[l][i] ||
			    narrative_check(d, d->para[l][i], msg, sizeof msg) != ERR_OK)
				abort();
		for (size_t i = 0; i < d->n_labels[l]; i++)
			if (report_def_label(d, (enum report_lang)l, d->labels[l][i].key) == NULL)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char errbuf[ERRBUF_MAX];
	struct report_def *d = NULL;
	FILE *f;
	err_t e;

	if (!ready) {
		if (prepare() != 0)
			abort();
		ready = 1;
	}
	if (!(f = fopen(path, "wb")))
		abort();
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		abort();
	}
	if (fclose(f) != 0)
		abort();
	errbuf[0] = '\0';
	e = report_def_load(path, &d, errbuf);
	if (e == ERR_OK) {
		check(d);
		report_def_free(d);
	} else if (!errbuf[0]) {
		fprintf(stderr, "a refused definition without a message\n");
		abort();
	}
	return 0;
}
