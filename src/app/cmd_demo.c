/*
 * cmd_demo.c - `haven demo`: a new database filled with the synthetic demo
 * data set, loaded through the ordinary importer.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/commands.h"
#include "core/audit.h"
#include "core/demo.h"
#include "core/import.h"
#include "core/password.h"
#include "core/totp.h"
#include "core/users.h"

#include <sodium.h>

/* One account per role (and a caseworker for each agency of the demo's
 * story), so that every part of the server can be tried at once. */
static const struct {
	const char *name, *agency, *role;
} demo_accounts[] = {
	{"officer", "mia_ctd", "officer"},
	{"ngo", "ngo", "caseworker"},
	{"center", "ssa_assistance_center", "caseworker"},
	{"employment", "state_employment_agency", "caseworker"},
	{"coordinator", "national_coordinator", "coordinator"},
	{"analyst", "national_coordinator", "analyst"},
	{"auditor", "national_coordinator", "auditor"},
	{"admin", "national_coordinator", "admin"},
};

static void help(FILE *out)
{
	fputs("Usage: haven demo [--db PATH] [--key PATH]\n"
	      "\n"
	      "Creates a new database (refusing an existing one) and loads the demo data set:\n"
	      "synthetic persons, services and referrals for 2019-2024 that reproduce the\n"
	      "published figures of the National Coordinator's reports.  No real person is in\n"
	      "it.  The data goes through the same importer as the agencies' CSV files.\n"
	      "It also makes one account per role (officer, caseworkers of the NGO, the\n"
	      "Assistance Center and the State Employment Agency, coordinator, analyst,\n"
	      "auditor, admin) and prints their passwords and one-time-code secrets once:\n"
	      "a demo database is for trying Haven out, never for real records.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP,
	      out);
}

static void remove_dir(const char *dir)
{
	const char *names[] = {DEMO_PERSONS_CSV, DEMO_SERVICES_CSV, DEMO_REFERRALS_CSV};
	char path[CLI_PATH_MAX];
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Writes the CSV files into a fresh temporary directory and imports them. */
static int load(registry *r)
{
	char dir[] = "/tmp/haven-demo-XXXXXX", errbuf[ERRBUF_MAX], paths[3][CLI_PATH_MAX];
	const char *names[] = {DEMO_PERSONS_CSV, DEMO_SERVICES_CSV, DEMO_REFERRALS_CSV};
	const char *argv[3];
	struct import_summary sum;
	int rc = 1;

	if (!mkdtemp(dir)) {
		cli_error("demo", "cannot make a temporary directory: %m");
		return 1;
	}
	if (demo_write_csv(dir, errbuf, sizeof errbuf) != ERR_OK) {
		cli_error("demo", "%s", errbuf);
		goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
		argv[i] = paths[i];
	}
	if (import_files(r, argv, 3, NULL, &sum, stderr) != ERR_OK) {
		cli_error("demo", "the demo data did not import (a bug: please report it)");
		goto out;
	}
	printf("Loaded the demo data: %lld persons, %lld services, %lld referrals.\n",
	       (long long)sum.persons.added, (long long)sum.services.added,
	       (long long)sum.referrals.added);
	rc = 0;
out:
	remove_dir(dir);
	return rc;
}

/* Makes the demo accounts and prints each password and otpauth URI once. */
static int add_accounts(registry *r)
{
	char actor[64], password[PASSWORD_GENERATED_CHARS + 1], uri[TOTP_URI_MAX];
	char errbuf[ERRBUF_MAX];
	audit_cli_actor(actor, sizeof actor);
	const struct audit_entry by = {.actor = actor, .role = "operator"};
	printf("\nDemo accounts (shown once; for the demo database only):\n");
	printf("  %-12s %-24s %-12s %s\n", "username", "agency", "role", "password");
	for (size_t i = 0; i < sizeof demo_accounts / sizeof demo_accounts[0]; i++) {
		password_generate(password);
		uri[0] = '\0';
		if (users_add(r, &by, demo_accounts[i].name, demo_accounts[i].agency,
			      demo_accounts[i].role, password, uri, sizeof uri, errbuf) != ERR_OK) {
			cli_error("demo", "cannot add the account %s: %s", demo_accounts[i].name,
				  errbuf);
			sodium_memzero(password, sizeof password);
			return 1;
		}
		printf("  %-12s %-24s %-12s %s\n", demo_accounts[i].name, demo_accounts[i].agency,
		       demo_accounts[i].role, password);
		if (uri[0])
			printf("  %-12s one-time codes: %s\n", "", uri);
		sodium_memzero(password, sizeof password);
		sodium_memzero(uri, sizeof uri);
	}
	printf("Each account is asked to accept the data-protection terms at its first sign-in.\n");
	return 0;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	struct cli_paths c = {0};
	char errbuf[ERRBUF_MAX];
	registry *r;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		help(opt == CLI_OPT_HELP ? stdout : stderr);
		return opt == CLI_OPT_HELP ? 0 : 2;
	}
	if (optind != argc) {
		help(stderr);
		return 2;
	}
	registry_resolve_paths(&c.paths, c.keybuf, sizeof c.keybuf);
	if (registry_init(&c.paths, "AZE", errbuf) != ERR_OK) {
		cli_error("demo", "%s", errbuf);
		return 1;
	}
	printf("Created the database %s and its key file %s.\n", c.paths.db, c.paths.key);
	if (!(r = cli_open(&c, "demo")))
		return 1;
	rc = load(r);
	if (rc == 0)
		rc = add_accounts(r);
	registry_close(r);
	return rc;
}
