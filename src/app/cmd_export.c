/*
 * cmd_export.c - `haven export`: the registry as interchange CSV files sealed
 * into one file (util/sealed.h), for two officers who authenticate at the
 * console (console.h: four eyes); `haven export keygen`: a recipient's keys.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/console.h"
#include "core/export.h"
#include "core/password.h"
#include "util/sealed.h"

static void help(FILE *out)
{
	fputs("Usage: haven export [--db PATH] [--key PATH] --by USER --approver USER\n"
	      "                    (--to RECIPIENT.pub | --passphrase) --out FILE\n"
	      "       haven export keygen --out NAME\n"
	      "\n"
	      "Writes every record of the database into one sealed file FILE: the three\n"
	      "interchange files persons.csv, services.csv and referrals.csv that 'haven import'\n"
	      "reads, encrypted so that only the recipient can open them.  No personal value is\n"
	      "ever written in clear, not even for a moment: the file is made as FILE.tmp and\n"
	      "renamed to FILE when complete.  An earlier FILE is replaced.\n"
	      "\n"
	      "  --to RECIPIENT.pub  sealed to the recipient's public key: only the holder of\n"
	      "                      the matching secret key can open it\n"
	      "  --passphrase        sealed with a passphrase (the password rules: at least 12\n"
	      "                      characters, not a common one), asked twice without echo,\n"
	      "                      or read from standard input after the officers' answers;\n"
	      "                      tell it to the recipient another way than the file\n"
	      "\n"
	      "The recipient opens the file with 'haven import --export-key RECIPIENT.key FILE'\n"
	      "(or --passphrase), which checks every byte before it reads a row: a file that was\n"
	      "changed, cut short or sealed to someone else is refused.\n"
	      "\n"
	      "'haven export keygen --out NAME' makes a recipient's key pair: NAME.pub, to give\n"
	      "to whoever exports to you, and NAME.key, which is secret (mode 0600) and opens\n"
	      "every export sealed to NAME.pub.  Both print the key's id, which the export's\n"
	      "audit entry names.\n"
	      "\n"
	      "Inside, the files are UTF-8 with ',' between cells.  A cell that starts with\n"
	      "= + - @, a tab or a carriage return is written with a single quote in front\n"
	      "(inside quotes), so that a spreadsheet does not run it as a formula; 'haven\n"
	      "import' removes that quote again.\n"
	      "\n"
	      "So two people answer for every export: the officer who runs it (--by) and a\n"
	      "second officer who approves it (--approver) each give their password and\n"
	      "one-time code, asked on the terminal without echo (or, when standard input is\n"
	      "not a terminal, read from it: password, code, password, code, a line each).\n"
	      "Both sign-ins and the export are on the audit log under one request id, the\n"
	      "export with its counts and to whom it was sealed.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP
	      "  --by USER        your account: an officer (required)\n"
	      "  --approver USER  another officer's account, approving (required)\n"
	      "  --to FILE        the recipient's public key (a .pub of 'haven export keygen')\n"
	      "  --passphrase     seal with a passphrase instead\n"
	      "  --out FILE       the sealed file to write (required)\n"
	      "\n"
	      "Exit status: 0 written, 1 failed, 2 bad usage.\n",
	      out);
}

/* How the file is sealed: to a public key, or with a passphrase. */
struct seal {
	const char *to; /* the .pub file, or NULL for a passphrase */
	unsigned char pk[SEALED_KEY_BYTES];
	char id[SEALED_KEY_ID_TEXT];
	char passphrase[PASSWORD_MAX_BYTES + 2];
};

/* The passphrase, twice on a terminal; checked like a password. */
static int read_passphrase(struct seal *s)
{
	char again[sizeof s->passphrase], errbuf[ERRBUF_MAX];
	int rc = -1;
	if (console_secret("Passphrase for the export: ", s->passphrase, sizeof s->passphrase) != 0)
		cli_error("export", "no passphrase was given");
	else if (password_check_policy(s->passphrase, "", errbuf) != ERR_OK)
		cli_error("export", "the passphrase: %s", errbuf);
	else if (isatty(STDIN_FILENO) &&
		 (console_secret("The passphrase again: ", again, sizeof again) != 0 ||
		  strcmp(again, s->passphrase) != 0))
		cli_error("export", "the two passphrases differ");
	else
		rc = 0;
	sodium_memzero(again, sizeof again);
	return rc;
}

static int seal_and_write(registry *r, struct seal *how, const char *path)
{
	struct export_summary s;
	char errbuf[ERRBUF_MAX], said[64];
	sealed_writer *w = NULL;
	err_t e = sealed_create(path, how->to ? how->pk : NULL, how->passphrase, &w, errbuf);
	if (how->to)
		snprintf(said, sizeof said, "sealed to key %s", how->id);
	else
		snprintf(said, sizeof said, "sealed with a passphrase");
	if (e == ERR_OK && (e = export_sealed(r, w, said, &s, errbuf)) == ERR_OK)
		e = sealed_commit(w, errbuf);
	else
		sealed_abort(w);
	if (e != ERR_OK) {
		cli_error("export", "%s", errbuf);
		return 1;
	}
	printf("Wrote %" PRId64 " persons, %" PRId64 " services and %" PRId64
	       " referrals to %s, %s.\n",
	       s.persons, s.services, s.referrals, path, said);
	return 0;
}

static int run(struct cli_paths *c, const char *by, const char *approver, struct seal *how,
	       const char *path)
{
	struct principal who, second;
	char errbuf[ERRBUF_MAX], request_id[CONSOLE_REQUEST_ID_MAX];
	registry *r;
	int rc = 1;
	if (how->to && sealed_read_public(how->to, how->pk, how->id, errbuf) != ERR_OK) {
		cli_error("export", "%s", errbuf);
		return 1;
	}
	if (!(r = cli_open(c, "export")))
		return 1;
	if (console_four_eyes(r, "export", by, approver, ACT_BULK_EXPORT, &who, &second,
			      request_id) == 0 &&
	    (how->to || read_passphrase(how) == 0)) {
		registry_set_actor(r, &(struct registry_actor){who.username, who.agency,
							       policy_role_name(who.role),
							       request_id});
		rc = seal_and_write(r, how, path);
	}
	sodium_memzero(how->passphrase, sizeof how->passphrase);
	registry_close(r);
	return rc;
}

static int keygen(int argc, char **argv)
{
	static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
					     {"help", no_argument, NULL, 'h'},
					     {0, 0, 0, 0}};
	const char *base = NULL;
	char id[SEALED_KEY_ID_TEXT], errbuf[ERRBUF_MAX];
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'h') {
			help(stdout);
			return 0;
		}
		if (opt != 'o') {
			help(stderr);
			return 2;
		}
		base = optarg;
	}
	if (!base || !*base || optind != argc) {
		cli_error("export", "keygen takes --out NAME and nothing else (see 'haven export "
				    "--help')");
		return 2;
	}
	if (sealed_keygen(base, id, errbuf) != ERR_OK) {
		cli_error("export", "%s", errbuf);
		return 1;
	}
	printf("Wrote %s.pub, to give to whoever will export to you, and %s.key, which is\n"
	       "secret: whoever has it can open every export sealed to %s.pub.  Key id: %s\n",
	       base, base, base, id);
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_COMMON_OPTIONS,
	    {"out", required_argument, NULL, 'o'},
	    {"by", required_argument, NULL, 'b'},
	    {"approver", required_argument, NULL, 'a'},
	    {"to", required_argument, NULL, 't'},
	    {"passphrase", no_argument, NULL, 'p'},
	    {0, 0, 0, 0}};
	struct cli_paths c = {0};
	static struct seal how; /* large; wiped after use */
	const char *out = NULL, *by = NULL, *approver = NULL;
	int opt, passphrase = 0;

	if (argc > 1 && strcmp(argv[1], "keygen") == 0)
		return keygen(argc - 1, argv + 1);
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == CLI_OPT_HELP) {
			help(stdout);
			return 0;
		}
		if (opt == 'o' || opt == 'b' || opt == 'a' || opt == 't') {
			*(opt == 'o' ? &out : opt == 'b' ? &by : opt == 'a' ? &approver : &how.to) =
			    optarg;
			continue;
		}
		if (opt == 'p') {
			passphrase = 1;
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
		cli_error("export", "--out FILE is required (see 'haven export --help')");
		return 2;
	}
	if (!by || !approver) {
		cli_error("export", "--by USER and --approver USER are required: two officers "
				    "answer for an export (see 'haven export --help')");
		return 2;
	}
	if (!how.to == !passphrase) {
		cli_error("export", "an export is sealed: give either --to RECIPIENT.pub (the "
				    "recipient's public key, from 'haven export keygen') or "
				    "--passphrase (see 'haven export --help')");
		return 2;
	}
	return run(&c, by, approver, &how, out);
}
