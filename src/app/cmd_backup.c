/*
 * cmd_backup.c - `haven backup` (a consistent online copy of an embedded
 * database) and `haven restore` (a backup into a new database, checked).
 */
#include "app/cli.h"
#include "app/commands.h"
#include "core/audit.h"
#include "core/backup.h"

static void backup_help(FILE *out)
{
	fputs("Usage: haven backup [--db PATH] [--key PATH] --out FILE\n"
	      "\n"
	      "Writes a consistent copy of the database to the new file FILE while the server\n"
	      "keeps working.  Personal data stays encrypted in it: keep the key file apart\n"
	      "from the backups, and a copy of the key with them in a safe place.\n"
	      "A PostgreSQL deployment is backed up with pg_basebackup or pg_dump\n"
	      "(docs/operations.md).\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP "  --out FILE    the backup file (must not exist)\n",
	      out);
}

static void restore_help(FILE *out)
{
	fputs("Usage: haven restore --from FILE --db TARGET [--key PATH]\n"
	      "\n"
	      "Restores the backup FILE into the new database TARGET (a file path, or a\n"
	      "postgresql:// URL of an empty database), then checks it: SQLite's integrity\n"
	      "check, the key, and the audit chain.  The backup file is left untouched.\n"
	      "\n"
	      "Options:\n"
	      "  --from FILE   the backup\n"
	      "  --db TARGET   the new database\n"
	      "  --key PATH    the key file (default: $HAVEN_KEY, else FILE + .key)\n"
	      "  --help        show this help\n",
	      out);
}

static void record(registry *r, const char *action, const char *outcome)
{
	char actor[64];
	audit_cli_actor(actor, sizeof actor);
	struct audit_entry a = {.actor = actor, .role = "operator", .action = action,
				.object_type = "database", .outcome = outcome};
	if (audit_record(registry_db(r), &a) != ERR_OK)
		cli_error(action, "cannot write the audit log");
}

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"out", required_argument, NULL, 'o'},
					     {0, 0, 0, 0}};
	struct cli_paths c = {0};
	const char *out = NULL;
	char errbuf[ERRBUF_MAX];
	registry *r;
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (!cli_common_option(&c, opt, optarg)) {
			backup_help(opt == CLI_OPT_HELP ? stdout : stderr);
			return opt == CLI_OPT_HELP ? 0 : 2;
		}
	}
	if (optind != argc || !out) {
		backup_help(stderr);
		return 2;
	}
	if (!(r = cli_open(&c, "backup")))
		return 1;
	/* recorded first, so the backup holds the entry of its own making */
	record(r, "backup", "ok");
	if (backup_write(r, out, errbuf) != ERR_OK) {
		cli_error("backup", "%s", errbuf);
		rc = 1;
	} else {
		printf("Wrote the backup %s.\n", out);
	}
	registry_close(r);
	return rc;
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"from", required_argument, NULL, 'f'},
					     {0, 0, 0, 0}};
	struct cli_paths from = {0};
	struct registry_paths to = {0};
	char errbuf[ERRBUF_MAX];
	const char *src = NULL;
	registry *r;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'f')
			src = optarg;
		else if (opt == CLI_OPT_DB)
			to.db = optarg;
		else if (!cli_common_option(&from, opt, optarg)) {
			restore_help(opt == CLI_OPT_HELP ? stdout : stderr);
			return opt == CLI_OPT_HELP ? 0 : 2;
		}
	}
	if (optind != argc || !src || !to.db) {
		restore_help(stderr);
		return 2;
	}
	from.paths.db = src;
	registry_resolve_paths(&from.paths, from.keybuf, sizeof from.keybuf);
	to.key = from.paths.key;
	if (backup_restore(src, &to, errbuf) != ERR_OK) {
		cli_error("restore", "%s", errbuf);
		return 1;
	}
	struct cli_paths opened = {.paths = to};
	if ((r = cli_open(&opened, "restore"))) {
		record(r, "restore", "ok");
		registry_close(r);
	}
	printf("Restored %s into the new database; integrity, key and audit chain checked.\n", src);
	return 0;
}
