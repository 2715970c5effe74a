/* cmd_import.c - `haven import`: CSV files from the agencies into the registry. */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/commands.h"
#include "core/import.h"

#define PROGRESS_DELAY_MS    500 /* show progress only for imports longer than this */
#define PROGRESS_INTERVAL_MS 200 /* between updates */

static void help(FILE *out)
{
	fputs("Usage: haven import [--db PATH] [--key PATH] [--dry-run] FILE...\n"
	      "\n"
	      "Reads the CSV files agencies send (persons, services and referrals, in the\n"
	      "interchange format) and stores their rows in the database.  Give the files in\n"
	      "any order; Haven tells them apart by their first row, the column names.  A row\n"
	      "may name a person from another file of the same import.\n"
	      "\n"
	      "Every file is checked in full before anything is stored.  If anything is wrong,\n"
	      "every problem is listed as\n"
	      "    FILE:LINE: COLUMN: what is wrong (what is allowed)\n"
	      "and nothing at all is stored: fix the files and run the import again.  If all\n"
	      "is well, all rows of all files are stored together, or none (for example if the\n"
	      "disk fills up).  Importing the same rows again changes nothing; a row whose id\n"
	      "is known already updates that record.  The last line counts the rows added,\n"
	      "updated and unchanged.\n"
	      "\n"
	      "Files are UTF-8 (Excel's byte-order mark is fine), with ',' or ';' between\n"
	      "cells and LF or CRLF line ends.  A cell that starts with a single quote followed\n"
	      "by = + - @, a tab or a carriage return loses that quote: 'haven export' adds it so\n"
	      "that spreadsheets do not run the cell as a formula, and this gives back the\n"
	      "original value.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP
	      "  --dry-run     check the files and count what would be added, updated or\n"
	      "                left unchanged, but store nothing\n"
	      "\n"
	      "Exit status: 0 imported, 1 problems found or the import failed, 2 bad usage.\n",
	      out);
}

struct progress {
	int enabled;
	struct timespec start;
	int64_t last_ms;
	int shown;
};

static int64_t elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void show_progress(const struct import_progress *p, void *ctx)
{
	struct progress *pr = ctx;
	int64_t ms = elapsed_ms(&pr->start);
	unsigned pct = p->total ? (unsigned)(p->done * 100 / p->total) : 0;
	if (!pr->enabled || ms < PROGRESS_DELAY_MS || ms - pr->last_ms < PROGRESS_INTERVAL_MS)
		return;
	pr->last_ms = ms;
	pr->shown = 1;
	if (p->stage == IMPORT_CHECKING)
		fprintf(stderr, "\r\033[Kchecking %s: %u%%", p->file, pct);
	else
		fprintf(stderr, "\r\033[Kstoring: %" PRIu64 " of %" PRIu64 " rows (%u%%)", p->done,
		        p->total, pct);
	fflush(stderr);
}

static void print_summary(const struct import_summary *s, int dry_run)
{
	const struct import_counts *k[] = {&s->persons, &s->services, &s->referrals};
	const char *name[] = {"persons", "services", "referrals"};
	const char *fs = s->files == 1 ? "" : "s", *rs = s->rows == 1 ? "" : "s";
	if (dry_run)
		printf("Dry run, nothing was stored: %" PRId64 " file%s, %" PRId64
		       " row%s would give ",
		       s->files, fs, s->rows, rs);
	else
		printf("Imported %" PRId64 " file%s, %" PRId64 " row%s: ", s->files, fs, s->rows,
		       rs);
	for (int i = 0; i < 3; i++)
		printf("%s%s %" PRId64 " added, %" PRId64 " updated, %" PRId64 " unchanged",
		       i ? "; " : "", name[i], k[i]->added, k[i]->updated, k[i]->unchanged);
	printf(".\n");
}

static int run(struct cli_paths *c, char **files, size_t n, int dry_run)
{
	struct progress pr = {.enabled = isatty(STDERR_FILENO)};
	struct import_options opt = {
	    .dry_run = dry_run, .progress = show_progress, .progress_ctx = &pr};
	struct import_summary s;
	registry *r;
	err_t e;

	clock_gettime(CLOCK_MONOTONIC, &pr.start);
	if (!(r = cli_open(c, "import")))
		return 1;
	e = import_files(r, (const char *const *)files, n, &opt, &s, stderr);
	if (pr.shown)
		fputs("\r\033[K", stderr);
	registry_close(r);
	if (e == ERR_INVALID && s.problems) {
		cli_error("import", "%" PRIu64 " problem%s found; nothing was stored", s.problems,
		          s.problems == 1 ? "" : "s");
		return 1;
	}
	if (e != ERR_OK) {
		cli_error("import", "failed (%s); nothing was stored", err_str(e));
		return 1;
	}
	print_summary(&s, dry_run);
	return 0;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_COMMON_OPTIONS, {"dry-run", no_argument, NULL, 'n'}, {0, 0, 0, 0}};
	struct cli_paths c = {0};
	int opt, dry_run = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == CLI_OPT_HELP) {
			help(stdout);
			return 0;
		}
		if (opt == 'n') {
			dry_run = 1;
			continue;
		}
		help(stderr);
		return 2;
	}
	if (optind == argc) {
		cli_error("import", "no files given (see 'haven import --help')");
		return 2;
	}
	if (argc - optind > IMPORT_FILES_MAX) {
		cli_error("import", "too many files (at most %d at once)", IMPORT_FILES_MAX);
		return 2;
	}
	return run(&c, argv + optind, (size_t)(argc - optind), dry_run);
}
