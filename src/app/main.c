/*
 * main.c - the haven command: finds the subcommand and hands it the rest of
 * the arguments.  Every command lives in its own cmd_*.c file.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/commands.h"
#include "util/allocator.h"

#define HAVEN_VERSION "0.1.0"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"init", cmd_init, "create a new database and its data key"},
	{"import", cmd_import, "check and load persons, services and referrals CSV files"},
	{"export", cmd_export, "write every record as interchange CSV files sealed into one file"},
	{"person", cmd_person, "show one person's record, or erase their personal data"},
	{"retention", cmd_retention, "erase the records whose retention period has ended; legal holds"},
	{"demo", cmd_demo, "create a database filled with the demo data set"},
	{"report", cmd_report, "write the National Coordinator's annual report (or freeze it)"},
	{"duplicates", cmd_duplicates, "count persons once across agencies: probable duplicates"},
	{"serve", cmd_serve, "serve the JSON API (and the web interface) over HTTP"},
	{"user", cmd_user, "manage the accounts that sign in to the server"},
	{"copy", cmd_copy, "copy a deployment to a new database (e.g. to PostgreSQL) and prove it"},
	{"backup", cmd_backup, "write a consistent backup of the database while it is in use"},
	{"restore", cmd_restore, "restore a backup into a new database, and check it"},
	{"key", cmd_key, "rotate the data key (re-encrypt everything), or count values per key"},
	{"audit", cmd_audit, "verify the audit log, or print a signed checkpoint of it"},
};

/* LeakSanitizer's hook, used only by the ASan build: fontconfig (under pango,
 * for PDF and SVG reports) keeps its configuration for the life of the
 * process and frees none of it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: haven COMMAND [OPTIONS]\n"
		"\n"
		"Haven keeps the records of a national referral mechanism for victims of\n"
		"human trafficking and writes the National Coordinator's annual report.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Every command takes --help.  The database is chosen by --db, else $HAVEN_DB,\n"
		"else ./haven.db; its key file by --key, else $HAVEN_KEY, else the database\n"
		"path followed by .key.  'haven --version' prints the version and the memory\n"
		"allocator.  See also: man ./docs/haven.1\n");
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fputs("haven: cannot initialise libsodium\n", stderr);
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("haven %s\nmemory allocator: %s\n", HAVEN_VERSION, allocator_name());
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "haven: unknown command '%s' (see 'haven --help')\n", argv[1]);
	return 2;
}
