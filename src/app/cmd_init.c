/* cmd_init.c - `haven init`: a new database at the latest schema and its key. */
#include <string.h>

#include "app/cli.h"
#include "app/commands.h"

static void help(FILE *out)
{
	fputs("Usage: haven init [--db PATH] [--key PATH] [--country CODE]\n"
	      "\n"
	      "Creates a new, empty Haven database with the default code lists and a new\n"
	      "256-bit data key in a key file that only its owner may read (mode 0600).\n"
	      "Refuses to overwrite an existing database or key file.\n"
	      "\n"
	      "Keep the key file on another disk than the database (a USB token, another\n"
	      "volume): a stolen copy of the database, or a backup of it, is then useless\n"
	      "without the key.  Keep an offline copy of the key too: without it, the\n"
	      "personal data in the database can never be read again.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP
	      "  --country CODE  the deployment's own country, ISO 3166-1 alpha-3 (default AZE);\n"
	      "                  persons of other citizenships count as foreign\n",
	      out);
}

static int valid_country(const char *c)
{
	return strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
	       c[2] >= 'A' && c[2] <= 'Z';
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"country", required_argument, NULL, 'c'},
					     {0, 0, 0, 0}};
	struct cli_paths c = {0};
	const char *country = "AZE";
	char errbuf[ERRBUF_MAX];
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == CLI_OPT_HELP) {
			help(stdout);
			return 0;
		}
		if (opt == 'c') {
			country = optarg;
			continue;
		}
		help(stderr);
		return 2;
	}
	if (optind != argc) {
		cli_error("init", "unexpected argument '%s' (see 'haven init --help')", argv[optind]);
		return 2;
	}
	if (!valid_country(country)) {
		cli_error("init", "--country: '%s' is not an ISO 3166-1 alpha-3 code (like AZE)", country);
		return 2;
	}
	registry_resolve_paths(&c.paths, c.keybuf, sizeof c.keybuf);
	if (registry_init(&c.paths, country, errbuf) != ERR_OK) {
		cli_error("init", "%s", errbuf);
		return 1;
	}
	printf("Created the database %s and its key file %s.\n"
	       "Move the key file to another disk and keep an offline copy (see haven init --help).\n",
	       c.paths.db, c.paths.key);
	return 0;
}
