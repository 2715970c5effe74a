/*
 * cli.h - what the commands share: the --db/--key options and opening the
 * registry with a message a person can act on.
 */
#ifndef HAVEN_CLI_H
#define HAVEN_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "core/registry.h"

#define CLI_PATH_MAX 4096

/* getopt_long entries for --db and --key, with these return values. */
enum { CLI_OPT_DB = 1000, CLI_OPT_KEY, CLI_OPT_HELP };
#define CLI_COMMON_OPTIONS                                   \
	{"db", required_argument, NULL, CLI_OPT_DB},         \
	{"key", required_argument, NULL, CLI_OPT_KEY},       \
	{"help", no_argument, NULL, CLI_OPT_HELP}

#define CLI_COMMON_HELP                                                                   \
	"  --db PATH     the database (default: $HAVEN_DB, else ./haven.db)\n"            \
	"  --key PATH    its key file (default: $HAVEN_KEY, else the database path + .key)\n" \
	"  --help        show this help\n"

struct cli_paths {
	struct registry_paths paths;
	char keybuf[CLI_PATH_MAX];
};

/* Handles a getopt_long result that is one of the common options; returns 1
 * when it was one. */
int cli_common_option(struct cli_paths *c, int opt, const char *arg);

/* Resolves the paths and opens the registry; prints the reason and returns
 * NULL on failure.  The caller closes the registry. */
registry *cli_open(struct cli_paths *c, const char *command);

/* Prints "haven COMMAND: message" to stderr. */
void cli_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
