/*
 * cmd_audit.c - `haven audit verify` and `haven audit checkpoint`: check the
 * audit log's hash chain, and sign its head for keeping outside the server.
 */
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/commands.h"
#include "core/audit.h"

#define CHECKPOINT_FILE_MAX 4096

static void help(FILE *out)
{
	fputs("Usage: haven audit verify [--db PATH] [--key PATH] [--checkpoint FILE [--signer HEX]]\n"
	      "       haven audit checkpoint [--db PATH] [--key PATH]\n"
	      "\n"
	      "verify      recomputes the hash chain of the whole audit log and names the first\n"
	      "            entry that was edited, deleted, inserted or reordered.  With\n"
	      "            --checkpoint it also checks the log against a checkpoint printed\n"
	      "            earlier: a log rewritten or cut after that checkpoint fails.\n"
	      "            The checkpoint must be signed by this deployment's current key,\n"
	      "            or by the key --signer names (its 'signer' line: after a key\n"
	      "            rotation, the key of a checkpoint taken before it).\n"
	      "            Exit status 0: intact; 1: broken or unreadable.\n"
	      "checkpoint  checks the chain, then prints a signed checkpoint of it (entry\n"
	      "            count and chain head, Ed25519); refuses when the chain is broken.\n"
	      "            Keep it outside the server (the coordinator's office, on paper):\n"
	      "            without such an anchor, whoever can write the database can rewrite\n"
	      "            the whole chain unnoticed.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP,
	      out);
}

static char *read_small_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	if (!f)
		return NULL;
	buf = malloc(CHECKPOINT_FILE_MAX + 1);
	if (buf) {
		n = fread(buf, 1, CHECKPOINT_FILE_MAX, f);
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

static void record(registry *r, const char *action, const char *outcome, const char *detail)
{
	char actor[64];
	audit_cli_actor(actor, sizeof actor);
	struct audit_entry e = {.actor = actor, .role = "operator", .action = action,
				.object_type = "audit", .outcome = outcome, .detail = detail};
	if (audit_record(registry_db(r), &e) != ERR_OK)
		cli_error("audit", "cannot record this run in the audit log: %s",
			  db_errmsg(registry_db(r)));
}

static int verify(registry *r, const char *checkpoint_path, const char *signer)
{
	struct audit_verdict v;
	char *text = NULL, own[AUDIT_SIGNER_HEX];
	err_t e;
	if (checkpoint_path && !(text = read_small_file(checkpoint_path))) {
		cli_error("audit", "cannot read the checkpoint %s: %m", checkpoint_path);
		return 1;
	}
	/* Pinned by default: a checkpoint signed by any key proves nothing
	 * against whoever could replace both the log and the checkpoint. */
	if (text && !signer) {
		if (audit_signer(registry_keyring(r), own) != ERR_OK) {
			cli_error("audit", "cannot work out this deployment's checkpoint key; "
					   "name the checkpoint's with --signer");
			free(text);
			return 1;
		}
		signer = own;
	}
	e = text ? audit_verify_checkpoint(registry_db(r), text, signer, &v)
		 : audit_verify(registry_db(r), &v);
	free(text);
	if (e == ERR_INVALID) {
		cli_error("audit", "%s is not a Haven audit checkpoint", checkpoint_path);
		return 1;
	}
	if (e == ERR_CRYPTO) {
		cli_error("audit", "the checkpoint's signature does not hold, or it was signed by "
				   "another key than %s",
			  signer == own ? "this deployment's current one (after a key rotation, "
					  "name the checkpoint's with --signer)"
					: "the one --signer names");
		return 1;
	}
	if (e != ERR_OK) {
		cli_error("audit", "cannot read the audit log: %s", db_errmsg(registry_db(r)));
		return 1;
	}
	if (v.first_bad) {
		printf("BROKEN: entry %lld: %s (%lld entries read)\n", (long long)v.first_bad, v.reason,
		       (long long)v.entries);
		record(r, "audit.verify", "failed", "chain broken");
		return 1;
	}
	printf("OK: %lld entries, the chain holds%s\n", (long long)v.entries,
	       checkpoint_path ? " and matches the checkpoint" : "");
	record(r, "audit.verify", "ok", checkpoint_path ? "with checkpoint" : "");
	return 0;
}

static int checkpoint(registry *r)
{
	struct audit_verdict v;
	char *text = NULL;
	/* a checkpoint vouches for the log up to it: never for a broken one */
	if (audit_verify(registry_db(r), &v) == ERR_OK && v.first_bad) {
		cli_error("audit", "the audit log is broken at entry %lld (%s): no checkpoint "
				   "is signed for it; see haven audit verify",
			  (long long)v.first_bad, v.reason);
		record(r, "audit.checkpoint", "refused", "chain broken");
		return 1;
	}
	if (audit_checkpoint(registry_db(r), registry_keyring(r), &text) != ERR_OK) {
		cli_error("audit", "cannot make a checkpoint: %s", db_errmsg(registry_db(r)));
		return 1;
	}
	fputs(text, stdout);
	free(text);
	record(r, "audit.checkpoint", "ok", "");
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"checkpoint", required_argument, NULL, 'c'},
					     {"signer", required_argument, NULL, 's'},
					     {0, 0, 0, 0}};
	struct cli_paths c = {0};
	const char *cp = NULL, *signer = NULL;
	registry *r;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == 'c' || opt == 's') {
			*(opt == 'c' ? &cp : &signer) = optarg;
			continue;
		}
		help(opt == CLI_OPT_HELP ? stdout : stderr);
		return opt == CLI_OPT_HELP ? 0 : 2;
	}
	if (argc - optind != 1 ||
	    (strcmp(argv[optind], "verify") != 0 && strcmp(argv[optind], "checkpoint") != 0)) {
		help(stderr);
		return 2;
	}
	if (!(r = cli_open(&c, "audit")))
		return 1;
	rc = strcmp(argv[optind], "verify") == 0 ? verify(r, cp, signer) : checkpoint(r);
	registry_close(r);
	return rc;
}
