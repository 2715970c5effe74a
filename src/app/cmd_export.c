/*
 * cmd_export.c - `haven export`: the registry as interchange CSV files, for
 * two officers who authenticate at the console (console.h: four eyes).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/console.h"
#include "core/export.h"

static void help(FILE *out)
{
	fputs("Usage: haven export [--db PATH] [--key PATH] --by USER --approver USER --out DIR\n"
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
	      "So two people answer for every export: the officer who runs it (--by) and a\n"
	      "second officer who approves it (--approver) each give their password and\n"
	      "one-time code, asked on the terminal without echo (or, when standard input is\n"
	      "not a terminal, read from it: password, code, password, code, a line each).\n"
	      "Both sign-ins and the export are on the audit log under one request id.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP
	      "  --by USER        your account: an officer (required)\n"
	      "  --approver USER  another officer's account, approving (required)\n"
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

static int run(struct cli_paths *c, const char *by, const char *approver, const char *dir)
{
	struct export_summary s;
	struct principal who, second;
	char errbuf[ERRBUF_MAX], request_id[CONSOLE_REQUEST_ID_MAX];
	registry *r;
	err_t e;
	if (!(r = cli_open(c, "export")))
		return 1;
	if (console_four_eyes(r, "export", by, approver, ACT_BULK_EXPORT, &who, &second,
			      request_id) != 0 ||
	    ensure_dir(dir) != 0) {
		registry_close(r);
		return 1;
	}
	registry_set_actor(r, &(struct registry_actor){who.username, who.agency,
						       policy_role_name(who.role), request_id});
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
	    CLI_COMMON_OPTIONS,
	    {"out", required_argument, NULL, 'o'},
	    {"by", required_argument, NULL, 'b'},
	    {"approver", required_argument, NULL, 'a'},
	    {0, 0, 0, 0}};
	struct cli_paths c = {0};
	const char *out = NULL, *by = NULL, *approver = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == CLI_OPT_HELP) {
			help(stdout);
			return 0;
		}
		if (opt == 'o' || opt == 'b' || opt == 'a') {
			*(opt == 'o' ? &out : opt == 'b' ? &by : &approver) = optarg;
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
	if (!by || !approver) {
		cli_error("export", "--by USER and --approver USER are required: two officers "
				    "answer for an export (see 'haven export --help')");
		return 2;
	}
	return run(&c, by, approver, out);
}
