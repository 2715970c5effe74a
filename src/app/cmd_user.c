/*
 * cmd_user.c - `haven user add|list|disable|enable|reset|change`: the accounts
 * of the server, managed at the server's console (users.h).
 *
 * Passwords are read from standard input when it is not a terminal (one
 * line), else asked twice without echo; they are wiped as soon as they are
 * hashed.  A one-time-code secret is printed once, as an otpauth:// URI, for
 * every role that may see personal data.  Every change is audited with the
 * operator's Unix name as the actor.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/console.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/password.h"
#include "core/users.h"
#include "util/date.h"
#include "util/qr.h"

#define PASSWORD_BUF (PASSWORD_MAX_BYTES + 2) /* the line, its newline, the NUL */
#define ACTOR_MAX 64

enum { OPT_USERNAME = 2000, OPT_AGENCY, OPT_ROLE, OPT_TOTP };


static void help(FILE *out)
{
	fputs("Usage: haven user add [--db PATH] [--key PATH] --username U --agency CODE --role ROLE\n"
	      "       haven user list [--db PATH] [--key PATH]\n"
	      "       haven user disable|enable [--db PATH] [--key PATH] U\n"
	      "       haven user reset [--db PATH] [--key PATH] [--totp] U\n"
	      "       haven user change [--db PATH] [--key PATH] [--role ROLE] [--agency CODE] U\n"
	      "\n"
	      "add      creates an account.  The password is read from standard input when\n"
	      "         that is not a terminal, else asked twice; at least 12 characters and\n"
	      "         not a common password.  For the roles that see personal data\n"
	      "         (officer, caseworker, coordinator) it prints the account's one-time-\n"
	      "         code secret as an otpauth:// URI, once, and on a terminal also as a\n"
	      "         QR code: the user scans it with an authenticator app; do not keep it\n"
	      "         anywhere else.\n"
	      "list     lists the accounts (no secrets); TERMS is the day the user accepted\n"
	      "         the current data-protection terms, which every user does at the\n"
	      "         first sign-in and again when they change (\"not yet\", \"older\n"
	      "         version\": the next sign-in asks for them).\n"
	      "disable  disables an account and ends its sessions; enable undoes it.\n"
	      "reset    makes a single-use reset code, valid 30 minutes, and prints it\n"
	      "         once: hand it to the user out of band.  The old password stops\n"
	      "         working and the account's sessions end; the user then sets a new\n"
	      "         password of their own choice with the code and their one-time\n"
	      "         code (POST /api/v1/password-reset): you never see it.  With\n"
	      "         --totp it also replaces the one-time-code secret and prints the\n"
	      "         new one (for a lost authenticator).\n"
	      "change   gives the account another role or agency and ends its sessions.\n"
	      "\n"
	      "Roles: officer (agency of kind police), caseworker, coordinator (the\n"
	      "national coordinator), analyst, auditor, admin.  See docs/internals/access.md.\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP,
	      out);
}

/* Reads the new password into buf (PASSWORD_BUF bytes); 0 on success. */
static int read_password(char *buf)
{
	char again[PASSWORD_BUF];
	int rc;
	if (!isatty(STDIN_FILENO)) {
		if (console_read_line(stdin, buf, PASSWORD_BUF) != 0) {
			cli_error("user", "cannot read the password from standard input");
			return -1;
		}
		return 0;
	}
	if (console_secret("New password: ", buf, PASSWORD_BUF) != 0 ||
	    console_secret("The same again: ", again, sizeof again) != 0) {
		cli_error("user", "cannot read the password from the terminal");
		rc = -1;
	} else if (strcmp(buf, again) != 0) {
		cli_error("user", "the two passwords differ");
		rc = -1;
	} else {
		rc = 0;
	}
	sodium_memzero(again, sizeof again);
	return rc;
}

/* The audit template of this operator (actor held in `actor`). */
static struct audit_entry operator_entry(char actor[ACTOR_MAX])
{
	audit_cli_actor(actor, ACTOR_MAX);
	return (struct audit_entry){.actor = actor, .agency = "", .role = "operator",
				    .request_id = "cli"};
}

/* The URI, and on a terminal its QR code, for the authenticator app's
 * camera (a pipe or a file gets the URI alone). */
static void print_uri(const char *uri)
{
	struct qr q;
	if (!uri[0])
		return;
	printf("One-time-code secret (shown only this once; enter it in an authenticator app):\n"
	       "%s\n",
	       uri);
	if (isatty(STDOUT_FILENO) && qr_encode(uri, &q) == ERR_OK) {
		printf("or scan it:\n");
		qr_print(&q, stdout);
		qr_free(&q);
	}
}

struct args {
	struct cli_paths paths;
	const char *username, *agency, *role;
	int totp;
	const char *target; /* the positional U */
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option options[] = {
		CLI_COMMON_OPTIONS,
		{"username", required_argument, NULL, OPT_USERNAME},
		{"agency", required_argument, NULL, OPT_AGENCY},
		{"role", required_argument, NULL, OPT_ROLE},
		{"totp", no_argument, NULL, OPT_TOTP},
		{NULL, 0, NULL, 0},
	};
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (cli_common_option(&a->paths, opt, optarg))
			continue;
		switch (opt) {
		case OPT_USERNAME: a->username = optarg; break;
		case OPT_AGENCY: a->agency = optarg; break;
		case OPT_ROLE: a->role = optarg; break;
		case OPT_TOTP: a->totp = 1; break;
		case CLI_OPT_HELP: help(stdout); exit(0);
		default: return 2;
		}
	}
	if (optind < argc)
		a->target = argv[optind++];
	if (optind < argc) {
		cli_error("user", "unexpected argument '%s'", argv[optind]);
		return 2;
	}
	return 0;
}

static int add(registry *r, const struct args *a)
{
	char pw[PASSWORD_BUF], uri[TOTP_URI_MAX], errbuf[ERRBUF_MAX], actor[ACTOR_MAX];
	struct audit_entry by = operator_entry(actor);
	err_t e;
	if (!a->username || !a->agency || !a->role || a->target) {
		cli_error("user", "add needs --username, --agency and --role (see --help)");
		return 2;
	}
	if (read_password(pw) != 0)
		return 1;
	e = users_add(r, &by, a->username, a->agency, a->role, pw, uri, sizeof uri, errbuf);
	sodium_memzero(pw, sizeof pw);
	if (e != ERR_OK) {
		cli_error("user", "%s", errbuf);
		return 1;
	}
	printf("Account %s added: %s at %s.\n", a->username, a->role, a->agency);
	print_uri(uri);
	sodium_memzero(uri, sizeof uri);
	return 0;
}

static err_t print_user(const struct user_info *u, void *ctx)
{
	char created[DATE_TEXT_MAX], accepted[DATE_TEXT_MAX];
	(void)ctx;
	date_format(u->created_at - u->created_at % 86400, created);
	date_format(u->terms_accepted_at - u->terms_accepted_at % 86400, accepted);
	/* the terms: the day the current ones were accepted, else why not */
	const char *terms = !u->terms_version[0]                             ? "not yet"
			    : strcmp(u->terms_version, terms_version()) != 0 ? "older version"
									     : accepted;
	printf("%-24s %-12s %-24s %-9s %-4s %-10s %s\n", u->username, policy_role_name(u->role),
	       u->agency, u->disabled ? "disabled" : "active", u->has_totp ? "yes" : "no",
	       created, terms);
	return ERR_OK;
}

static int list(registry *r)
{
	printf("%-24s %-12s %-24s %-9s %-4s %-10s %s\n", "USERNAME", "ROLE", "AGENCY", "STATE",
	       "OTP", "CREATED", "TERMS");
	if (users_list(r, print_user, NULL) != ERR_OK) {
		cli_error("user", "cannot read the accounts: %s", db_errmsg(registry_db(r)));
		return 1;
	}
	return 0;
}

static int set_disabled(registry *r, const struct args *a, int disabled)
{
	char actor[ACTOR_MAX];
	struct audit_entry by = operator_entry(actor);
	err_t e = users_set_disabled(r, &by, a->target, disabled);
	if (e == ERR_NOT_FOUND) {
		cli_error("user", "no account %s", a->target);
		return 1;
	}
	if (e != ERR_OK) {
		cli_error("user", "cannot change %s: %s", a->target, err_str(e));
		return 1;
	}
	printf("Account %s %s%s.\n", a->target, disabled ? "disabled" : "enabled",
	       disabled ? "; its sessions have ended" : "");
	return 0;
}

static int reset(registry *r, const struct args *a)
{
	char code[USERS_RESET_CODE_TEXT], uri[TOTP_URI_MAX] = "", errbuf[ERRBUF_MAX],
		actor[ACTOR_MAX];
	struct audit_entry by = operator_entry(actor);
	struct user_info u = {0};
	/* a refused command changes nothing: checked before the password goes */
	if (a->totp && users_find(r, a->target, &u) == ERR_OK && !policy_role_needs_totp(u.role)) {
		cli_error("user", "the role %s signs in without one-time codes: nothing was changed",
			  policy_role_name(u.role));
		return 1;
	}
	if (users_reset_issue(r, &by, a->target, clock_now(), code, errbuf) != ERR_OK) {
		cli_error("user", "%s", errbuf);
		return 1;
	}
	/* shown at once: the old password has stopped working */
	printf("Account %s: its password no longer works and its sessions have ended.\n"
	       "Reset code (shown only this once; valid %d minutes, for one use):\n"
	       "%s\n"
	       "Hand it to the user in person or by a separate channel.  They choose\n"
	       "their new password with it (POST /api/v1/password-reset, or the sign-in\n"
	       "page), together with their one-time code.\n",
	       a->target, USERS_RESET_SECONDS / 60, code);
	sodium_memzero(code, sizeof code);
	if (a->totp && users_new_totp(r, &by, a->target, uri, sizeof uri, errbuf) != ERR_OK) {
		cli_error("user", "%s: the reset code above stands, the one-time-code secret is "
				  "the old one",
			  errbuf);
		return 1;
	}
	print_uri(uri);
	sodium_memzero(uri, sizeof uri);
	return 0;
}

static int change(registry *r, const struct args *a)
{
	char uri[TOTP_URI_MAX], errbuf[ERRBUF_MAX], actor[ACTOR_MAX];
	struct audit_entry by = operator_entry(actor);
	if (!a->role && !a->agency) {
		cli_error("user", "change needs --role or --agency");
		return 2;
	}
	if (users_change(r, &by, a->target, a->role, a->agency, uri, sizeof uri, errbuf) != ERR_OK) {
		cli_error("user", "%s", errbuf);
		return 1;
	}
	printf("Account %s changed; its sessions have ended.\n", a->target);
	print_uri(uri);
	sodium_memzero(uri, sizeof uri);
	return 0;
}

static int run(registry *r, const char *sub, const struct args *a)
{
	if (strcmp(sub, "add") == 0)
		return add(r, a);
	if (strcmp(sub, "list") == 0)
		return list(r);
	if (!a->target) {
		cli_error("user", "%s needs a username", sub);
		return 2;
	}
	if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
		return set_disabled(r, a, strcmp(sub, "disable") == 0);
	if (strcmp(sub, "reset") == 0)
		return reset(r, a);
	return change(r, a);
}

int cmd_user(int argc, char **argv)
{
	static const char *const subs[] = {"add", "list", "disable", "enable", "reset", "change"};
	struct args a = {0};
	const char *sub = argc > 1 ? argv[1] : NULL;
	int known = 0, rc;
	registry *r;
	if (sub && (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)) {
		help(stdout);
		return 0;
	}
	for (size_t i = 0; sub && i < sizeof subs / sizeof subs[0]; i++)
		known |= strcmp(sub, subs[i]) == 0;
	if (!known) {
		help(stderr);
		return 2;
	}
	if ((rc = parse(argc - 1, argv + 1, &a)) != 0)
		return rc;
	if (!(r = cli_open(&a.paths, "user")))
		return 1;
	rc = run(r, sub, &a);
	registry_close(r);
	return rc;
}
