/*
 * cmd_duplicates.c - `haven duplicates`: the unduplicated count of persons
 * across agencies and the probable-duplicate pairs between each two
 * agencies (core/duplicates.h).  Counts only: no name, no record id; each
 * run is on the audit log as a report.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/commands.h"
#include "core/duplicates.h"

#define CMD "duplicates"

enum { OPT_YEAR = 2000 };

struct dup_args {
	struct cli_paths paths;
	int year;
};

static void usage(FILE *f)
{
	fputs("Usage: haven duplicates [--year Y] [--db PATH] [--key PATH]\n"
	      "\n"
	      "Counts the persons across agencies once each: two records are taken for one\n"
	      "person when their document numbers agree, or when their family and given\n"
	      "names sound alike (Məmmədova, Mammadova, Мамедова), with the same sex and\n"
	      "birth date.  Prints the number of records, of persons, and of probable-\n"
	      "duplicate pairs between each two agencies (a record counts for the agency\n"
	      "that registered it, else the sender of its first referral).  Counts only:\n"
	      "no name or record id is printed.  The run is on the audit log.\n"
	      "\n"
	      "  --year Y      only the records of persons identified in year Y\n" CLI_COMMON_HELP,
	      f);
}

/* 0 parsed, 1 --help shown, 2 bad usage. */
static int parse(int argc, char **argv, struct dup_args *a)
{
	static const struct option opts[] = {
		{"year", required_argument, NULL, OPT_YEAR},
		CLI_COMMON_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	char *end;
	long v;
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&a->paths, opt, optarg))
			continue;
		switch (opt) {
		case OPT_YEAR:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 1000 || v > 9999) {
				cli_error(CMD, "--year takes a year such as 2024, not '%s'", optarg);
				return 2;
			}
			a->year = (int)v;
			break;
		case CLI_OPT_HELP: usage(stdout); return 1;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		cli_error(CMD, "unexpected argument '%s' (see 'haven duplicates --help')",
			  argv[optind]);
		return 2;
	}
	return 0;
}

static err_t audit_run(registry *reg, int year)
{
	char ref[32];
	db *d = registry_db(reg);
	err_t e = db_begin(d);
	if (year)
		snprintf(ref, sizeof ref, "duplicates/%d", year);
	else
		snprintf(ref, sizeof ref, "duplicates");
	if (e == ERR_OK && (e = registry_audit(reg, "report", "report", ref, "ok", "counts")) == ERR_OK)
		e = db_commit(d);
	if (e != ERR_OK)
		db_rollback(d);
	return e;
}

static void print(const struct dup_result *d, int year)
{
	if (year)
		printf("Person records identified in %d: %lld\n", year, (long long)d->records);
	else
		printf("Person records: %lld\n", (long long)d->records);
	printf("Persons, unduplicated across agencies: %lld\n", (long long)d->persons);
	printf("Probable-duplicate pairs: %lld, in %lld groups (%lld records compared)\n",
	       (long long)d->pairs, (long long)d->clusters, (long long)d->candidates);
	if (!d->n_agencies)
		return;
	printf("\nPairs by agency:\n");
	for (size_t i = 0; i < d->n_agencies; i++)
		printf("  %-28s %-28s %lld\n", d->agencies[i].a[0] ? d->agencies[i].a : "(imported)",
		       d->agencies[i].b[0] ? d->agencies[i].b : "(imported)",
		       (long long)d->agencies[i].pairs);
}

int cmd_duplicates(int argc, char **argv)
{
	struct dup_args a = {0};
	struct dup_result *d = NULL;
	registry *reg;
	err_t e;
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (!(reg = cli_open(&a.paths, CMD)))
		return 1;
	if ((e = duplicates_find(reg, a.year, 0, &d)) != ERR_OK)
		cli_error(CMD, "cannot compare the records: %s (%s)", err_str(e),
			  db_errmsg(registry_db(reg)));
	else if ((e = audit_run(reg, a.year)) != ERR_OK)
		cli_error(CMD, "cannot record this run in the audit log: %s",
			  db_errmsg(registry_db(reg)));
	else
		print(d, a.year);
	duplicates_free(d);
	registry_close(reg);
	return e == ERR_OK ? 0 : 1;
}
