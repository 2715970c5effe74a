/* cmd_import.c - `haven import`: CSV files from the agencies, or sealed
 * exports of another Haven, into the registry. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/console.h"
#include "core/import.h"
#include "util/sealed.h"

#define PROGRESS_DELAY_MS    500 /* show progress only for imports longer than this */
#define PROGRESS_INTERVAL_MS 200 /* between updates */

static void help(FILE *out)
{
	fputs("Usage: haven import [--db PATH] [--key PATH] [--dry-run]\n"
	      "                    [--export-key NAME.key | --passphrase] FILE...\n"
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
	      "A FILE may also be a sealed export of 'haven export': every byte of it is\n"
	      "checked before any row is read, and its three files are opened in memory only,\n"
	      "never written to disk in clear.  Problems name them FILE/persons.csv and so on.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP
	      "  --dry-run     check the files and count what would be added, updated or\n"
	      "                left unchanged, but store nothing\n"
	      "  --export-key NAME.key\n"
	      "                open the sealed exports among the files ('haven export --to\n"
	      "                NAME.pub') with this secret key of 'haven export keygen'\n"
	      "  --passphrase  open them with their passphrase (asked without echo, or one\n"
	      "                line of standard input)\n"
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

/* The files as the import reads them: each member of a sealed export
 * becomes an in-memory file (memfd_create: never on disk), read through
 * /proc/self/fd and named FILE/MEMBER in messages. */
struct inputs {
	const char **paths, **names;
	char **own; /* what this struct allocated, freed with it */
	size_t n, nown;
	int fds[IMPORT_FILES_MAX];
	size_t nfds;
};

static void inputs_free(struct inputs *in)
{
	for (size_t i = 0; i < in->nfds; i++)
		close(in->fds[i]);
	for (size_t i = 0; i < in->nown; i++)
		free(in->own[i]);
	free(in->own);
	free(in->paths);
	free(in->names);
}

/* "A" or "A/B", kept until inputs_free. */
static char *own_text(struct inputs *in, const char *a, const char *b)
{
	size_t len = strlen(a) + (b ? strlen(b) + 1 : 0) + 1;
	char *t = malloc(len);
	if (t) {
		snprintf(t, len, "%s%s%s", a, b ? "/" : "", b ? b : "");
		in->own[in->nown++] = t;
	}
	return t;
}

/* One member as a memfd; 0 when done. */
static int add_member(struct inputs *in, const char *file, const struct sealed_member_data *m)
{
	char fdpath[64];
	int fd;
	if (in->n == IMPORT_FILES_MAX) {
		cli_error("import", "too many files (at most %d at once)", IMPORT_FILES_MAX);
		return -1;
	}
	if ((fd = memfd_create(m->name, MFD_CLOEXEC)) < 0) {
		cli_error("import", "cannot open %s/%s in memory: %s", file, m->name, strerror(errno));
		return -1;
	}
	in->fds[in->nfds++] = fd;
	for (size_t done = 0; done < m->len;) {
		ssize_t k = write(fd, m->data + done, m->len - done);
		if (k <= 0) {
			cli_error("import", "cannot open %s/%s in memory: %s", file, m->name,
				  strerror(errno));
			return -1;
		}
		done += (size_t)k;
	}
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
	in->paths[in->n] = own_text(in, fdpath, NULL);
	in->names[in->n] = own_text(in, file, m->name);
	if (!in->paths[in->n] || !in->names[in->n]) {
		cli_error("import", "out of memory");
		return -1;
	}
	in->n++;
	return 0;
}

static int unseal(struct inputs *in, const char *file, const struct sealed_opener *key)
{
	struct sealed_member_data m[SEALED_MEMBERS_MAX];
	char errbuf[ERRBUF_MAX];
	size_t n = 0;
	int rc = 0;
	if (sealed_open_file(file, key, m, &n, errbuf) != ERR_OK) {
		cli_error("import", "%s; nothing was stored", errbuf);
		return -1;
	}
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = add_member(in, file, &m[i]);
	sealed_members_free(m, n);
	return rc;
}

static int inputs_open(struct inputs *in, char **files, size_t n, const struct sealed_opener *key)
{
	size_t cap = IMPORT_FILES_MAX;
	memset(in, 0, sizeof *in);
	in->paths = calloc(cap, sizeof *in->paths);
	in->names = calloc(cap, sizeof *in->names);
	in->own = calloc(2 * cap, sizeof *in->own);
	if (!in->paths || !in->names || !in->own) {
		cli_error("import", "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (sealed_is_sealed(files[i])) {
			if (unseal(in, files[i], key) != 0)
				return -1;
			continue;
		}
		if (in->n == IMPORT_FILES_MAX) {
			cli_error("import", "too many files (at most %d at once)", IMPORT_FILES_MAX);
			return -1;
		}
		in->paths[in->n] = in->names[in->n] = files[i];
		in->n++;
	}
	return 0;
}

static int run(struct cli_paths *c, char **files, size_t n, int dry_run,
	       const struct sealed_opener *key)
{
	struct progress pr = {.enabled = isatty(STDERR_FILENO)};
	struct inputs in;
	struct import_options opt = {
	    .dry_run = dry_run, .progress = show_progress, .progress_ctx = &pr};
	struct import_summary s;
	registry *r;
	err_t e;

	clock_gettime(CLOCK_MONOTONIC, &pr.start);
	if (inputs_open(&in, files, n, key) != 0) {
		inputs_free(&in);
		return 1;
	}
	opt.names = in.names;
	if (!(r = cli_open(c, "import"))) {
		inputs_free(&in);
		return 1;
	}
	e = import_files(r, in.paths, in.n, &opt, &s, stderr);
	inputs_free(&in);
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
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"dry-run", no_argument, NULL, 'n'},
					     {"export-key", required_argument, NULL, 'k'},
					     {"passphrase", no_argument, NULL, 'p'},
					     {0, 0, 0, 0}};
	struct cli_paths c = {0};
	struct sealed_opener key = {0};
	char passphrase[1026], errbuf[ERRBUF_MAX];
	const char *key_file = NULL;
	int opt, dry_run = 0, ask = 0, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == CLI_OPT_HELP) {
			help(stdout);
			return 0;
		}
		if (opt == 'n' || opt == 'p') {
			*(opt == 'n' ? &dry_run : &ask) = 1;
			continue;
		}
		if (opt == 'k') {
			key_file = optarg;
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
	if (key_file && ask) {
		cli_error("import", "--export-key or --passphrase, not both");
		return 2;
	}
	if (key_file && sealed_read_secret(key_file, &key, errbuf) != ERR_OK) {
		cli_error("import", "%s", errbuf);
		return 1;
	}
	if (ask) {
		if (console_secret("Passphrase of the export: ", passphrase, sizeof passphrase) != 0) {
			cli_error("import", "no passphrase was given");
			return 1;
		}
		key.passphrase = passphrase;
	}
	rc = run(&c, argv + optind, (size_t)(argc - optind), dry_run, &key);
	sodium_memzero(&key, sizeof key);
	sodium_memzero(passphrase, sizeof passphrase);
	return rc;
}
