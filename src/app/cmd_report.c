/*
 * cmd_report.c - `haven report`: the National Coordinator's annual report for
 * a year, in text, Markdown, JSON or CSV (and what report_formats[] adds), in
 * Azerbaijani or English; and `haven report freeze`, which approves it.
 *
 * A year that was approved prints its approved figures, followed by the
 * restatements the records now call for (--live prints today's figures
 * instead).  --public applies small-cell suppression.  The work is in
 * src/report/; this file parses arguments, opens the registry and writes the
 * output (to --out through a temporary file renamed into place).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/commands.h"
#include "report/chart.h"
#include "report/report.h"
#include "util/durable.h"

#define CMD "report"

enum { OPT_YEAR = 2000, OPT_FORMAT, OPT_LANG, OPT_OUT, OPT_PUBLIC, OPT_DEFINITIONS, OPT_LIVE,
       OPT_CHART };

struct report_args {
	struct cli_paths paths;
	int freeze;
	int year;
	const char *format, *out, *definitions, *chart;
	enum report_lang lang;
	int public_, live;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: haven report --year Y [--format FORMAT] [--lang az|en] [--out FILE]\n"
		"                    [--public] [--live] [--definitions FILE] [--db PATH] [--key PATH]\n"
		"       haven report freeze --year Y [--definitions FILE] [--db PATH] [--key PATH]\n"
		"\n"
		"Writes the National Coordinator's annual report for year Y: every indicator\n"
		"for Y and Y-1, the narrative, breakdowns and the five-year trend.  Once a year\n"
		"is approved with 'haven report freeze', its approved figures are printed, with\n"
		"the restatements later changes to the records call for.\n"
		"\n"
		"  --year Y            the report's year (required)\n"
		"  --format FORMAT     ");
	for (const struct report_format *fm = report_formats; fm->name; fm++)
		fprintf(f, "%s%s", fm->name, fm[1].name ? ", " : " (default text)\n");
	fprintf(f,
		"  --lang az|en        the language (default az, the official one)\n"
		"  --out FILE          write to FILE instead of standard output\n"
		"  --public            for publication: counts from 1 to 4 print as <5\n"
		"  --live              today's figures even when the year is approved\n"
		"  --definitions FILE  indicators and sentences from FILE instead of the\n"
		"                      built-in annual.ini\n"
		"  --chart NAME        with --format svg: the chart to draw: main (this year\n"
		"                      against last, the default), trend (five years), or a\n"
		"                      breakdown such as breakdown-sex, breakdown-age,\n"
		"                      breakdown-origin, breakdown-citizenship,\n"
		"                      breakdown-exploitation, breakdown-source (an unknown\n"
		"                      name lists the charts this report has)\n" CLI_COMMON_HELP);
}

static int parse_year(const char *s, int *out)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1000 || v > 9999)
		return 0;
	*out = (int)v;
	return 1;
}

/* 0 parsed, 1 --help shown, 2 bad usage. */
static int parse(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
		{"year", required_argument, NULL, OPT_YEAR},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"lang", required_argument, NULL, OPT_LANG},
		{"out", required_argument, NULL, OPT_OUT},
		{"public", no_argument, NULL, OPT_PUBLIC},
		{"live", no_argument, NULL, OPT_LIVE},
		{"definitions", required_argument, NULL, OPT_DEFINITIONS},
		{"chart", required_argument, NULL, OPT_CHART},
		CLI_COMMON_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int opt;
	if (argc > 1 && strcmp(argv[1], "freeze") == 0) {
		a->freeze = 1;
		argc--;
		argv++;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&a->paths, opt, optarg))
			continue;
		switch (opt) {
		case OPT_YEAR:
			if (!parse_year(optarg, &a->year)) {
				cli_error(CMD, "--year takes a year such as 2024, not '%s'", optarg);
				return 2;
			}
			break;
		case OPT_FORMAT: a->format = optarg; break;
		case OPT_LANG:
			if (strcmp(optarg, "az") && strcmp(optarg, "en")) {
				cli_error(CMD, "--lang is az or en, not '%s'", optarg);
				return 2;
			}
			a->lang = strcmp(optarg, "en") == 0 ? REPORT_EN : REPORT_AZ;
			break;
		case OPT_OUT: a->out = optarg; break;
		case OPT_PUBLIC: a->public_ = 1; break;
		case OPT_LIVE: a->live = 1; break;
		case OPT_DEFINITIONS: a->definitions = optarg; break;
		case OPT_CHART: a->chart = optarg; break;
		case CLI_OPT_HELP: usage(stdout); return 1;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		cli_error(CMD, "unexpected argument '%s' (see 'haven report --help')", argv[optind]);
		return 2;
	}
	if (!a->year) {
		cli_error(CMD, "--year is required (see 'haven report --help')");
		return 2;
	}
	if (a->chart && (!a->format || strcmp(a->format, "svg") != 0)) {
		cli_error(CMD, "--chart goes with --format svg");
		return 2;
	}
	if (a->freeze && (a->format || a->out || a->public_ || a->live)) {
		cli_error(CMD, "freeze takes only --year, --definitions, --db and --key");
		return 2;
	}
	return 0;
}

/* Writes the report to stdout, or to --out through FILE.tmp synced and renamed
 * into place (durable.h): a crash leaves the old report or the new one. */
static err_t write_out(const struct report *r, const struct report_format *fm,
		       const struct report_args *a, char *errbuf)
{
	char tmp[PATH_MAX];
	FILE *f = NULL;
	err_t e;
	if (!a->out && !fm->binary && !a->chart)
		return fm->render(r, a->lang, stdout, NULL, errbuf);
	if (!a->out) {
		snprintf(errbuf, ERRBUF_MAX, "--format %s needs --out FILE", fm->name);
		return ERR_INVALID;
	}
	/* every format goes to FILE.tmp first: a failure never destroys an
	 * earlier report of that name */
	if (snprintf(tmp, sizeof tmp, "%s.tmp", a->out) >= (int)sizeof tmp) {
		snprintf(errbuf, ERRBUF_MAX, "--out: the path is too long");
		return ERR_LIMIT;
	}
	if (a->chart)
		e = report_chart_svg(r, a->lang, a->chart, tmp, errbuf);
	else if (fm->binary)
		e = fm->render(r, a->lang, NULL, tmp, errbuf);
	else if (!(f = fopen(tmp, "w"))) {
		snprintf(errbuf, ERRBUF_MAX, "cannot create %s: %s", tmp, strerror(errno));
		return ERR_IO;
	} else {
		e = fm->render(r, a->lang, f, a->out, errbuf);
	}
	if (f && fclose(f) != 0 && e == ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", tmp, strerror(errno));
		e = ERR_IO;
	}
	if (e == ERR_OK && durable_replace(tmp, a->out) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot put %s in place of %s: %s", tmp, a->out,
			 strerror(errno));
		e = ERR_IO;
	}
	if (e != ERR_OK)
		unlink(tmp);
	return e;
}

/* Every report made is on the audit log: its year, format and language. */
static err_t audit_report(registry *reg, const struct report_args *a, const struct report_format *fm)
{
	char year[16], detail[96];
	db *d = registry_db(reg);
	err_t e = db_begin(d);
	snprintf(year, sizeof year, "%d", a->year);
	snprintf(detail, sizeof detail, "format %s, %s%s%s", fm->name, a->lang == REPORT_EN ? "en" : "az",
		 a->public_ ? ", public" : "", a->live ? ", live" : "");
	if (e == ERR_OK && (e = registry_audit(reg, "report", "report", year, "ok", detail)) == ERR_OK)
		e = db_commit(d);
	if (e != ERR_OK)
		db_rollback(d);
	return e;
}

static int run(registry *reg, const struct report_def *def, const struct report_args *a,
	       const struct report_format *fm)
{
	char errbuf[ERRBUF_MAX] = "";
	struct report *r = NULL;
	db *d = registry_db(reg);
	err_t e;
	if (a->freeze) {
		if ((e = report_compute(d, def, a->year, &r, errbuf)) == ERR_OK &&
		    (e = report_freeze(d, r, errbuf)) == ERR_OK)
			printf("approved the %s report of %d (%zu indicators, definitions %s): "
			       "BLAKE2b-256 %s\n", r->report_id, r->year, r->n_indicators,
			       report_def_version(def), r->frozen->hash);
	} else if ((e = report_for_year(d, def, a->year, a->live, &r, errbuf)) == ERR_OK &&
		   (e = audit_report(reg, a, fm)) == ERR_OK) {
		if (a->public_)
			report_suppress(r);
		e = write_out(r, fm, a, errbuf);
	}
	if (e != ERR_OK)
		cli_error(CMD, "%s", errbuf[0] ? errbuf : err_str(e));
	report_free(r);
	return e == ERR_OK ? 0 : 1;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = {.lang = REPORT_AZ};
	const struct report_format *fm = NULL;
	struct report_def *def = NULL;
	char errbuf[ERRBUF_MAX];
	registry *reg;
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (!a.freeze && !(fm = report_format_find(a.format ? a.format : "text"))) {
		cli_error(CMD, "unknown --format '%s' (see 'haven report --help')", a.format);
		return 2;
	}
	if (fm && fm->binary && !a.out) {
		cli_error(CMD, "--format %s writes a file: give --out FILE", fm->name);
		return 2;
	}
	if (report_def_load(a.definitions, &def, errbuf) != ERR_OK) {
		cli_error(CMD, "%s", errbuf);
		return 1;
	}
	if (!(reg = cli_open(&a.paths, CMD))) {
		report_def_free(def);
		return 1;
	}
	rc = run(reg, def, &a, fm);
	registry_close(reg);
	report_def_free(def);
	return rc;
}
