/*
 * cmd_key.c - `haven key rotate` and `haven key status`: a new data key, and
 * every personal value moved to it.
 */
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/commands.h"
#include "core/audit.h"
#include "core/rekey.h"

static void help(FILE *out)
{
	fputs("Usage: haven key rotate [--db PATH] [--key PATH]\n"
	      "       haven key status [--db PATH] [--key PATH]\n"
	      "\n"
	      "rotate  adds a new random key to the key file and re-encrypts every personal\n"
	      "        value (and re-makes every record digest) under it, a few hundred\n"
	      "        records per transaction.  It is safe to stop at any moment (Ctrl-C,\n"
	      "        a crash, a power cut): run it again and it finishes the same rotation\n"
	      "        instead of starting another.  Old keys stay in the key file: a backup\n"
	      "        made before the rotation still needs them.\n"
	      "status  prints how many values each key id protects.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP,
	      out);
}

static void print_census(const struct rekey_census *c, uint32_t current)
{
	printf("Values per key id (current: %u):\n", (unsigned)current);
	for (size_t i = 0; i < c->n; i++)
		printf("  key %-4u %lld\n", (unsigned)c->ids[i].key_id, (long long)c->ids[i].values);
	if (c->n == 0)
		printf("  (no values yet)\n");
}

static void progress(int64_t done, void *ctx)
{
	(void)ctx;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r%lld records re-encrypted", (long long)done);
}

static void record(registry *r, const char *outcome, const char *detail)
{
	char actor[64];
	audit_cli_actor(actor, sizeof actor);
	struct audit_entry a = {.actor = actor, .role = "operator", .action = "key.rotate",
				.object_type = "key", .outcome = outcome, .detail = detail};
	if (audit_record(registry_db(r), &a) != ERR_OK)
		cli_error("key", "cannot write the audit log");
}

/* Adds a key unless a rotation is unfinished; reopens the registry on it. */
static registry *start(struct cli_paths *c, registry *r, int64_t due)
{
	char errbuf[ERRBUF_MAX];
	uint32_t id;
	if (due > 0) {
		printf("%lld records are still on older keys: finishing that rotation.\n",
		       (long long)due);
		return r;
	}
	if (keyring_add(c->paths.key, &id, errbuf) != ERR_OK) {
		cli_error("key", "%s", errbuf);
		registry_close(r);
		return NULL;
	}
	printf("Added key %u to %s.\n", (unsigned)id, c->paths.key);
	registry_close(r);
	return cli_open(c, "key");
}

static int rotate(struct cli_paths *c, registry *r)
{
	struct rekey_census census;
	int64_t done = 0;
	char detail[64];
	if (rekey_census(r, &census) != ERR_OK || !(r = start(c, r, census.due)))
		return 1;
	record(r, "ok", "started");
	if (rekey_run(r, &done, progress, NULL) != ERR_OK) {
		cli_error("key", "the rotation stopped: %s; run 'haven key rotate' again to finish it",
			  db_errmsg(registry_db(r)));
		registry_close(r);
		return 1;
	}
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	snprintf(detail, sizeof detail, "finished: %lld records", (long long)done);
	record(r, "ok", detail);
	printf("Re-encrypted %lld records.\n", (long long)done);
	if (rekey_census(r, &census) == ERR_OK)
		print_census(&census, keyring_current_id(registry_keyring(r)));
	registry_close(r);
	return 0;
}

int cmd_key(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	struct cli_paths c = {0};
	struct rekey_census census;
	registry *r;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		help(opt == CLI_OPT_HELP ? stdout : stderr);
		return opt == CLI_OPT_HELP ? 0 : 2;
	}
	if (argc - optind != 1 ||
	    (strcmp(argv[optind], "rotate") != 0 && strcmp(argv[optind], "status") != 0)) {
		help(stderr);
		return 2;
	}
	if (!(r = cli_open(&c, "key")))
		return 1;
	if (strcmp(argv[optind], "rotate") == 0)
		return rotate(&c, r);
	if (rekey_census(r, &census) != ERR_OK) {
		cli_error("key", "cannot read the database: %s", db_errmsg(registry_db(r)));
		registry_close(r);
		return 1;
	}
	print_census(&census, keyring_current_id(registry_keyring(r)));
	registry_close(r);
	return 0;
}
