/* cmd_export.c - `haven export`: the registry as interchange CSV files. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "app/cli.h"
#include "app/commands.h"
#include "core/export.h"

static void help(FILE *out)
{
	fputs("Usage: haven export [--db PATH] [--key PATH] --out DIR\n"
	      "\n"
	      "Writes every record of the database into three CSV files in the directory DIR:\n"
	      "persons.csv, services.csv and referrals.csv, in the same interchange format that\n"
	      "'haven import' reads, so that importing them into a new database gives the same\n"
	      "records.  The directory is created if it does not exist.  Files already there\n"
	      "with those names are replaced, only once all three new files are complete.\n"
	      "\n"
	      "The files are UTF-8 with ',' between cells.  A cell that starts with = + - @, a\n"
	      "tab or a carriage return is written with a single quote in front (inside quotes),\n"
	      "so that a spreadsheet does not run it as a formula; 'haven import' removes that\n"
	      "quote again.\n"
	      "\n"
	      "The files hold personal data in clear text (names, birth dates, documents).\n"
	      "They are readable only by you; keep them on an encrypted disk and delete them\n"
	      "when they are no longer needed.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP
	      "  --out DIR     the directory to write the three files into (required)\n"
	      "\n"
	      "Exit status: 0 written, 1 failed, 2 bad usage.\n",
	      out);
}

static int ensure_dir(const char *dir)
{
	struct stat st;
	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	cli_error("export", "cannot use the directory %s: %s", dir,
	          errno == EEXIST ? "not a directory" : strerror(errno));
	return -1;
}

static int run(struct cli_paths *c, const char *dir)
{
	struct export_summary s;
	char errbuf[ERRBUF_MAX];
	registry *r;
	err_t e;
	if (ensure_dir(dir) != 0 || !(r = cli_open(c, "export")))
		return 1;
	e = export_dir(r, dir, &s, errbuf);
	registry_close(r);
	if (e != ERR_OK) {
		cli_error("export", "%s", errbuf);
		return 1;
	}
	printf("Wrote %" PRId64 " persons, %" PRId64 " services and %" PRId64
	       " referrals to %s/ (persons.csv, services.csv, referrals.csv).\n",
	       s.persons, s.services, s.referrals, dir);
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_COMMON_OPTIONS, {"out", required_argument, NULL, 'o'}, {0, 0, 0, 0}};
	struct cli_paths c = {0};
	const char *out = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == CLI_OPT_HELP) {
			help(stdout);
			return 0;
		}
		if (opt == 'o') {
			out = optarg;
			continue;
		}
		help(stderr);
		return 2;
	}
	if (optind != argc) {
		cli_error("export", "unexpected argument '%s' (see 'haven export --help')",
		          argv[optind]);
		return 2;
	}
	if (!out || !*out) {
		cli_error("export", "--out DIR is required (see 'haven export --help')");
		return 2;
	}
	return run(&c, out);
}
