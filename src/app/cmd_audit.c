/*
 * cmd_audit.c - `haven audit verify`, `checkpoint`, `prove`, `check` and
 * `list`: check the audit log's hash chain, sign its head and Merkle root for
 * keeping outside the server, prove (and check, away from the server) that a
 * later checkpoint extends an earlier one or holds an entry, and list the
 * entries a breach inquiry asks for.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/commands.h"
#include "core/audit.h"
#include "core/auditlog.h"
#include "core/auditproof.h"
#include "util/csv_writer.h"
#include "util/durable.h"

#define CHECKPOINT_FILE_MAX 4096

static void help(FILE *out)
{
	fputs("Usage: haven audit verify [--db PATH] [--key PATH] [--checkpoint FILE [--signer HEX]]\n"
	      "       haven audit checkpoint [--db PATH] [--key PATH] [--dir DIR [--min-new N]]\n"
	      "       haven audit prove [--db PATH] [--key PATH] --from OLD --to NEW\n"
	      "       haven audit prove [--db PATH] [--key PATH] --entry N --to NEW\n"
	      "       haven audit check [--from OLD] --to NEW --proof FILE [--signer HEX]\n"
	      "       haven audit list [--db PATH] [--key PATH] [--actor USER] [--action ACTION]\n"
	      "                        [--record ID] [--since TIME] [--until TIME]\n"
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
	      "            count, chain head and Merkle tree root, Ed25519); refuses when\n"
	      "            the chain is broken.  Keep it outside the server (the\n"
	      "            coordinator's office, on paper): without such an anchor, whoever\n"
	      "            can write the database can rewrite the whole chain unnoticed.\n"
	      "            With --dir it writes DIR/checkpoint-SIZE.txt instead (for cron, with\n"
	      "            DIR copied off the server): only when at least N entries (default\n"
	      "            10, at least 2) came since the newest checkpoint there, so that no\n"
	      "            checkpoint tells one entry apart, and only if the log still holds\n"
	      "            what that checkpoint signed (else BROKEN, exit status 1).\n"
	      "prove       prints the proof, from the log as it is now, that checkpoint NEW\n"
	      "            extends checkpoint OLD (a few hashes, RFC 6962): hand it with NEW\n"
	      "            to whoever keeps OLD.  With --entry, the proof that entry N (as\n"
	      "            the auditor's page numbers it) is in the log NEW signed, with the\n"
	      "            entry itself: who, when, what (never a personal value).\n"
	      "check       needs no database: checks the signatures and the proof.  For a\n"
	      "            proof between checkpoints, OLD is the one you kept; NEW must be\n"
	      "            signed by the same key, or by the key --signer names (after a key\n"
	      "            rotation).  For an entry's proof, only NEW (--signer pins its key).\n"
	      "            Exit status 0: NEW extends OLD, or the entry is in NEW's log;\n"
	      "            1: it does not (entries were rewritten or removed, or the entry or\n"
	      "            proof changed), or a file is not what it should be.\n"
	      "list        prints the entries that match, newest first, as CSV (number, time,\n"
	      "            who, agency, role, action, record type, record, outcome): for a\n"
	      "            breach inquiry, \"which records did USER read between two times\".\n"
	      "            TIME is a date YYYY-MM-DD (the whole day) or YYYY-MM-DDTHH:MM:SSZ,\n"
	      "            in UTC; --since and --until are both included.  The listing is\n"
	      "            itself recorded in the log.\n"
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

static const char *entries(int64_t n)
{
	return n == 1 ? "entry" : "entries";
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
		printf("BROKEN: entry %lld: %s (%lld %s read)\n", (long long)v.first_bad, v.reason,
		       (long long)v.entries, entries(v.entries));
		record(r, "audit.verify", "failed", "chain broken");
		return 1;
	}
	printf("OK: %lld %s, the chain holds%s\n", (long long)v.entries, entries(v.entries),
	       checkpoint_path ? " and matches the checkpoint" : "");
	if (v.clock_regressions)
		printf("Note: the clock had gone back when %lld %s written (the first: entry %lld, "
		       "marked clock_regression): the order of entries is their number, not their "
		       "time.\n",
		       (long long)v.clock_regressions,
		       v.clock_regressions == 1 ? "entry was" : "entries were",
		       (long long)v.first_regression);
	record(r, "audit.verify", "ok", checkpoint_path ? "with checkpoint" : "");
	return 0;
}

/* Signs a checkpoint of the log: *text NULL (said) when it cannot. */
static int sign(registry *r, struct audit_verdict *v, char **text)
{
	if (audit_checkpoint(registry_db(r), registry_keyring(r), v, text) != ERR_OK) {
		cli_error("audit", "cannot make a checkpoint: %s", db_errmsg(registry_db(r)));
		return 1;
	}
	if (!*text) {
		cli_error("audit", "the audit log is broken at entry %lld (%s): no checkpoint "
				   "is signed for it; see haven audit verify",
			  (long long)v->first_bad, v->reason);
		record(r, "audit.checkpoint", "refused", "chain broken");
		return 1;
	}
	return 0;
}

static int checkpoint(registry *r)
{
	struct audit_verdict v;
	char *text = NULL;
	if (sign(r, &v, &text))
		return 1;
	fputs(text, stdout);
	free(text);
	record(r, "audit.checkpoint", "ok", "");
	return 0;
}

/* ---- checkpoints kept in a directory --------------------------------------- */

#define KEPT_PREFIX "checkpoint-"
#define KEPT_DIGITS 12
#define KEPT_NAME_LEN (sizeof KEPT_PREFIX - 1 + KEPT_DIGITS + 4)

/* The size a kept checkpoint's file name says; -1 when it is not one's. */
static long long kept_size(const char *name)
{
	const char *digits = name + strlen(KEPT_PREFIX);
	if (strlen(name) != KEPT_NAME_LEN || strncmp(name, KEPT_PREFIX, strlen(KEPT_PREFIX)) != 0 ||
	    strspn(digits, "0123456789") != KEPT_DIGITS || strcmp(digits + KEPT_DIGITS, ".txt") != 0)
		return -1;
	return strtoll(digits, NULL, 10);
}

/* The newest checkpoint kept in dir (the largest size), read whole; *size
 * -1 and *text NULL when there is none.  -1 (said) when dir is unreadable. */
static int newest_kept(const char *dir, long long *size, char *path, size_t len, char **text)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	*size = -1;
	*text = NULL;
	if (!d) {
		cli_error("audit", "cannot read the directory %s: %m", dir);
		return -1;
	}
	while ((e = readdir(d))) {
		long long n = kept_size(e->d_name);
		if (n > *size) {
			*size = n;
			snprintf(path, len, "%s/%s", dir, e->d_name);
		}
	}
	closedir(d);
	if (*size >= 0 && !(*text = read_small_file(path))) {
		cli_error("audit", "cannot read %s: %m", path);
		return -1;
	}
	return 0;
}

/* The log still holds what the newest kept checkpoint signed. */
static int extends(registry *r, const char *path, const char *text)
{
	struct audit_verdict v;
	err_t e = audit_verify_checkpoint(registry_db(r), text, NULL, &v);
	if (e == ERR_OK && !v.first_bad)
		return 1;
	if (e == ERR_OK)
		cli_error("audit", "BROKEN: the log no longer holds what %s signed (entry %lld: %s); "
				   "no checkpoint written",
			  path, (long long)v.first_bad, v.reason);
	else
		cli_error("audit", "%s is not a checkpoint whose signature holds", path);
	record(r, "audit.checkpoint", "refused", "log does not extend the last kept");
	return 0;
}

/* Writes text to dir/checkpoint-SIZE.txt, durably. */
static int keep(const char *dir, long long size, const char *text)
{
	char path[CLI_PATH_MAX], tmp[CLI_PATH_MAX + 8];
	FILE *f;
	snprintf(path, sizeof path, "%s/" KEPT_PREFIX "%0*lld.txt", dir, KEPT_DIGITS, size);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int ok = (f = fopen(tmp, "w")) != NULL;
	if (f) {
		ok = fputs(text, f) >= 0;
		ok = fclose(f) == 0 && ok; /* closed whether the write went through or not */
	}
	if (!ok || durable_replace(tmp, path) != ERR_OK) {
		cli_error("audit", "cannot write %s: %m", path);
		unlink(tmp);
		return 1;
	}
	printf("Wrote %s (%lld %s)\n", path, size, entries(size));
	return 0;
}

/* AUD-14: a checkpoint every run (cron), but only once at least min_new
 * entries came since the newest one kept, so that no checkpoint tells
 * apart one entry (privacy batching); and only if the log still holds what
 * that one signed. */
static int checkpoint_to_dir(registry *r, const char *dir, const char *min_text)
{
	char last_path[CLI_PATH_MAX] = "", *last = NULL, *text = NULL;
	long long last_size, min_new = min_text ? strtoll(min_text, NULL, 10) : 10;
	struct audit_verdict v;
	int rc = 1;
	if (min_new < 2 || (min_text && strspn(min_text, "0123456789") != strlen(min_text))) {
		cli_error("audit", "--min-new takes a whole number from 2 (a checkpoint of one new "
				   "entry would tell it apart)");
		return 2;
	}
	if (newest_kept(dir, &last_size, last_path, sizeof last_path, &last) || sign(r, &v, &text))
		goto out;
	if (last && v.entries - last_size < min_new) {
		printf("Nothing written: %lld new %s since %s; a checkpoint covers at least %lld new "
		       "ones (--min-new).\n",
		       v.entries - last_size, entries(v.entries - last_size), last_path, min_new);
		rc = 0;
		goto out;
	}
	if ((last && !extends(r, last_path, last)) || keep(dir, v.entries, text))
		goto out;
	record(r, "audit.checkpoint", "ok", "kept in a directory");
	rc = 0;
out:
	free(last);
	free(text);
	return rc;
}

/* What --from, --to, --proof and --entry name; the files read whole. */
struct proof_files {
	const char *from, *to, *proof, *entry;
	char *from_text, *to_text, *proof_text;
};

/* Reads the file --`name` names into *text; -1 (said) on failure. */
static int read_named(const char *path, const char *name, char **text)
{
	if (!path) {
		cli_error("audit", "name the %s with --%s",
			  strcmp(name, "proof") == 0 ? "proof" : "checkpoints", name);
		return -1;
	}
	if (!(*text = read_small_file(path))) {
		cli_error("audit", "cannot read %s: %m", path);
		return -1;
	}
	return 0;
}

/* Reads --to, and --from when asked for; -1 (said) on failure. */
static int read_files(struct proof_files *pf, int need_from)
{
	if (read_named(pf->to, "to", &pf->to_text) != 0)
		return -1;
	return need_from ? read_named(pf->from, "from", &pf->from_text) : 0;
}

static void free_files(struct proof_files *pf)
{
	free(pf->from_text);
	free(pf->to_text);
	free(pf->proof_text);
}

/* --entry's number; 0 (said) when it is not one. */
static int64_t entry_number(const char *text)
{
	char *end = NULL;
	long long n = strtoll(text, &end, 10);
	if (end == text || *end || n < 1) {
		cli_error("audit", "--entry takes an entry's number (1, 2, ...), not '%s'", text);
		return 0;
	}
	return n;
}

static int prove(registry *r, struct proof_files *pf)
{
	char *proof = NULL;
	int64_t seq = pf->entry ? entry_number(pf->entry) : 0;
	err_t e = (pf->entry && !seq) || read_files(pf, !pf->entry) ? ERR_IO
		  : pf->entry ? audit_prove_inclusion(registry_db(r), seq, pf->to_text, &proof)
			      : audit_prove_consistency(registry_db(r), pf->from_text, pf->to_text, &proof);
	if (e == ERR_INVALID && pf->entry)
		cli_error("audit", "%s must be a Haven audit checkpoint of version 2 (with a 'root' "
				   "line) of at least %lld entries",
			  pf->to, (long long)seq);
	else if (e == ERR_INVALID)
		cli_error("audit", "%s and %s must be Haven audit checkpoints of version 2 (with a "
				   "'root' line), the first of no more entries than the second",
			  pf->from, pf->to);
	else if (e == ERR_NOT_FOUND)
		cli_error("audit", "the log has fewer entries than %s: it is not this log's, or "
				   "entries were removed",
			  pf->to);
	else if (e == ERR_CONFLICT)
		cli_error("audit", "the audit log is broken: see haven audit verify");
	else if (e == ERR_DB)
		cli_error("audit", "cannot read the audit log: %s", db_errmsg(registry_db(r)));
	else if (e == ERR_NOMEM)
		cli_error("audit", "out of memory");
	else if (e == ERR_OK)
		printf("%s%s", proof, pf->entry ? "\n" : "");
	free(proof);
	record(r, pf->entry ? "audit.prove_entry" : "audit.prove", e == ERR_OK ? "ok" : "failed", "");
	return e == ERR_OK ? 0 : 1;
}

static int check_inclusion(struct proof_files *pf, const char *signer)
{
	int64_t seq = 0;
	err_t e = audit_check_inclusion(pf->to_text, pf->proof_text, signer, &seq);
	if (e == ERR_OK)
		printf("OK: the entry in %s, number %lld, is in the log %s signed\n", pf->proof,
		       (long long)seq, pf->to);
	else if (e == ERR_CONFLICT)
		printf("BROKEN: the entry in %s is not in the log %s signed: the entry or the "
		       "proof was changed, or the log rewritten\n",
		       pf->proof, pf->to);
	else if (e == ERR_CRYPTO)
		cli_error("audit", "the signature of %s does not hold%s", pf->to,
			  signer ? ", or it is not signed by the key --signer names" : "");
	else
		cli_error("audit", "%s must be a Haven audit checkpoint of version 2, and %s an "
				   "entry's proof printed by haven audit prove --entry for it",
			  pf->to, pf->proof);
	return e == ERR_OK ? 0 : 1;
}

static int check(struct proof_files *pf, const char *signer)
{
	if (read_named(pf->proof, "proof", &pf->proof_text) != 0)
		return 1;
	/* an entry's proof is JSON; a consistency proof, lines of text */
	int entry = pf->proof_text[strspn(pf->proof_text, " \t\r\n")] == '{';
	if (read_files(pf, !entry))
		return 1;
	if (entry)
		return check_inclusion(pf, signer);
	err_t e = audit_check_consistency(pf->from_text, pf->to_text, pf->proof_text, signer);
	if (e == ERR_OK)
		printf("OK: %s extends %s\n", pf->to, pf->from);
	else if (e == ERR_CONFLICT)
		printf("BROKEN: %s does not extend %s: entries up to %s's size were rewritten or "
		       "removed\n",
		       pf->to, pf->from, pf->from);
	else if (e == ERR_CRYPTO)
		cli_error("audit", "a checkpoint's signature does not hold, or %s is signed by another "
				   "key than %s",
			  pf->to, signer ? "the one --signer names" : pf->from);
	else
		cli_error("audit", "%s and %s must be Haven audit checkpoints of version 2, and %s "
				   "a consistency proof printed by haven audit prove for them",
			  pf->from, pf->to, pf->proof);
	return e == ERR_OK ? 0 : 1;
}

static err_t write_entry(const struct auditlog_entry *x, void *ctx)
{
	struct csv_writer *w = ctx;
	char seq[24], when[32];
	time_t t = (time_t)x->at;
	struct tm tm;
	snprintf(seq, sizeof seq, "%lld", (long long)x->seq);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	const char *cells[] = {seq,       when,      x->actor,       x->agency,     x->role,
			       x->action, x->object_type, x->object_ref, x->outcome};
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
		csv_writer_str(w, cells[i]);
	csv_writer_end_row(w);
	return csv_writer_status(w);
}

/* --since or --until into the filter; -1 (said) when it is no time. */
static int filter_time(const char *text, const char *option, int64_t *start, int64_t *end)
{
	if (!text || auditlog_parse_time(text, start, end) == ERR_OK)
		return 0;
	cli_error("audit", "--%s takes a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ (UTC), "
			   "not '%s'",
		  option, text);
	return -1;
}

static int list(registry *r, struct auditlog_filter *f, const char *since, const char *until)
{
	static const char *const header[] = {"seq",    "time",        "actor",  "agency", "role",
					     "action", "object_type", "record", "outcome"};
	struct csv_writer w;
	int64_t ignored, before = 0;
	char actor[64];
	err_t e;
	if (filter_time(since, "since", &f->since, &ignored) ||
	    filter_time(until, "until", &ignored, &f->until))
		return 1;
	audit_cli_actor(actor, sizeof actor);
	/* on record before anything is shown */
	if (auditlog_record_read(r, f, (struct audit_entry){.actor = actor, .role = "operator"}) !=
	    ERR_OK) {
		cli_error("audit", "cannot record this listing in the audit log: %s",
			  db_errmsg(registry_db(r)));
		return 1;
	}
	csv_writer_init(&w, stdout);
	for (size_t i = 0; i < sizeof header / sizeof header[0]; i++)
		csv_writer_str(&w, header[i]);
	csv_writer_end_row(&w);
	do
		e = auditlog_page(r, f, before, AUDITLOG_PAGE_MAX, write_entry, &w, &before);
	while (e == ERR_OK && before);
	if (e == ERR_OK && fflush(stdout) != 0)
		e = ERR_IO;
	if (e != ERR_OK)
		cli_error("audit", "%s", e == ERR_IO ? "cannot write the listing" : db_errmsg(registry_db(r)));
	return e == ERR_OK ? 0 : 1;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"checkpoint", required_argument, NULL, 'c'},
					     {"signer", required_argument, NULL, 's'},
					     {"from", required_argument, NULL, 'f'},
					     {"to", required_argument, NULL, 't'},
					     {"proof", required_argument, NULL, 'p'},
					     {"entry", required_argument, NULL, 'e'},
					     {"actor", required_argument, NULL, 'A'},
					     {"action", required_argument, NULL, 'a'},
					     {"record", required_argument, NULL, 'r'},
					     {"since", required_argument, NULL, 'S'},
					     {"until", required_argument, NULL, 'U'},
					     {"dir", required_argument, NULL, 'D'},
					     {"min-new", required_argument, NULL, 'M'},
					     {0, 0, 0, 0}};
	static const char *const verbs[] = {"verify", "checkpoint", "prove", "check", "list"};
	struct cli_paths c = {0};
	struct proof_files pf = {0};
	struct auditlog_filter f = {0};
	const char *cp = NULL, *signer = NULL, *verb, *since = NULL, *until = NULL, *dir = NULL,
		   *min_new = NULL;
	registry *r;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char **arg = opt == 'c' ? &cp : opt == 's' ? &signer : opt == 'f' ? &pf.from
				   : opt == 't' ? &pf.to : opt == 'p' ? &pf.proof
				   : opt == 'e' ? &pf.entry : opt == 'A' ? &f.actor : opt == 'a' ? &f.action
				   : opt == 'r' ? &f.record : opt == 'S' ? &since : opt == 'U' ? &until
				   : opt == 'D' ? &dir : opt == 'M' ? &min_new : NULL;
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (arg) {
			*arg = optarg;
			continue;
		}
		help(opt == CLI_OPT_HELP ? stdout : stderr);
		return opt == CLI_OPT_HELP ? 0 : 2;
	}
	size_t v = 0;
	for (verb = argc - optind == 1 ? argv[optind] : ""; v < 5 && strcmp(verb, verbs[v]) != 0; v++)
		;
	if (v == 5) {
		help(stderr);
		return 2;
	}
	if (v == 3) { /* away from the server: no database, no key */
		rc = check(&pf, signer);
		free_files(&pf);
		return rc;
	}
	if (!(r = cli_open(&c, "audit")))
		return 1;
	rc = v == 0   ? verify(r, cp, signer)
	     : v == 1 ? (dir ? checkpoint_to_dir(r, dir, min_new) : checkpoint(r))
	     : v == 2 ? prove(r, &pf)
		      : list(r, &f, since, until);
	free_files(&pf);
	registry_close(r);
	return rc;
}
