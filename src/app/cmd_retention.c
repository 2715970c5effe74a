/*
 * cmd_retention.c - `haven retention`: how long records are kept, the purge
 * of those whose period ended, and legal holds (core/retention.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/console.h"
#include "core/clock.h"
#include "core/retention.h"
#include "util/date.h"

static void help(FILE *out)
{
	fputs("Usage: haven retention show [--db PATH] [--key PATH] [--all]\n"
	      "       haven retention run [--db PATH] [--key PATH] [--dry-run]\n"
	      "       haven retention hold [--db PATH] [--key PATH] --by USER --reason CODE ID\n"
	      "       haven retention release [--db PATH] [--key PATH] --by USER ID\n"
	      "\n"
	      "A person's record is kept for the years of their status after the last day\n"
	      "anything happened in their family's case (identified, recognised, a decision,\n"
	      "a service given or ended, a referral sent or closed): by default\n"
	      "not_confirmed 3 years, potential_victim 5, victim 10.  A dependant follows the\n"
	      "parent.  Then the personal data is erased as by 'haven person erase': names\n"
	      "become \"(erased)\", every other personal value and the service notes go, what\n"
	      "the statistics count stays, and rows of that person imported later are refused.\n"
	      "Each erasure is one entry on the audit log.  A legal hold on anyone of a family\n"
	      "keeps the whole family until it is released.\n"
	      "\n"
	      "show     the periods, and the persons whose period has ended (--all: everyone,\n"
	      "         with the day their record is kept until), held ones marked\n"
	      "run      erases every person whose period has ended and no hold keeps; run it\n"
	      "         every day (cron).  --dry-run lists them and erases nothing\n"
	      "hold     keeps person ID and their family past the period; --reason is one of\n"
	      "         court_order, investigation, litigation, subject_request (or a code the\n"
	      "         deployment added to the list legal_hold_reason)\n"
	      "release  lifts the hold\n"
	      "Hold and release are an officer's (--by), who gives password and one-time code,\n"
	      "asked on the terminal without echo (or read from standard input, a line each).\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP
	      "  --all            (show) every person, not only those whose period has ended\n"
	      "  --dry-run        (run) list, erase nothing\n"
	      "  --by USER        (hold, release) your account: an officer\n"
	      "  --reason CODE    (hold) why the record must be kept\n"
	      "\n"
	      "Exit status: 0 done, 1 failed, 2 bad usage.\n",
	      out);
}

static void day_text(int64_t t, char buf[DATE_TEXT_MAX])
{
	if (t == DATE_NONE)
		snprintf(buf, DATE_TEXT_MAX, "-");
	else
		date_format(t, buf);
}

static err_t print_case(const struct retention_case *c, int due, void *ctx)
{
	char last[DATE_TEXT_MAX], until[DATE_TEXT_MAX];
	(void)ctx;
	day_text(c->last, last);
	day_text(c->until, until);
	printf("%-24s %-17s %-11s %-11s %s\n", c->ref, c->status, last,
	       c->years ? until : "(no period)",
	       c->held ? "held" : due ? "due" : "");
	return ERR_OK;
}

static err_t print_period(const char *status, int years, void *ctx)
{
	(void)ctx;
	printf(" %s %d years;", status, years);
	return ERR_OK;
}

static int show(registry *r, int all)
{
	printf("Kept after the last activity:");
	err_t e = retention_each_period(r, print_period, NULL);
	printf("\n\n%-24s %-17s %-11s %-11s %s\n", "person", "period of", "last", "kept until",
	       "");
	if (e == ERR_OK)
		e = retention_each(r, clock_now(), all, print_case, NULL);
	if (e != ERR_OK) {
		cli_error("retention", "cannot read the records: %s", err_str(e));
		return 1;
	}
	return 0;
}

static void told(const struct retention_case *c, void *ctx)
{
	char last[DATE_TEXT_MAX];
	date_format(c->last, last);
	printf("%s %s (%s, last activity %s, kept %d years)\n", *(int *)ctx ? "would erase" : "erased",
	       c->ref, c->status, last, c->years);
}

static int run(registry *r, int dry_run)
{
	struct retention_summary s = {0};
	err_t e = retention_run(r, clock_now(), dry_run, told, &dry_run, &s);
	if (e != ERR_OK) {
		cli_error("retention", "stopped: %s (the erasures printed above are done)",
			  err_str(e));
		return 1;
	}
	printf("%s %" PRId64 " person%s; %" PRId64 " kept by a legal hold.\n",
	       dry_run ? "Dry run: would erase" : "Erased", s.purged, s.purged == 1 ? "" : "s",
	       s.held);
	return 0;
}

static int hold(registry *r, const char *by, const char *reason, const char *ref)
{
	struct principal who;
	char request_id[CONSOLE_REQUEST_ID_MAX], allowed[256];
	console_request_id(request_id);
	if (console_authenticate(r, "retention", by, ACT_ERASURE_REQUEST, request_id, &who) != 0)
		return 1;
	registry_set_actor(r, &(struct registry_actor){who.username, who.agency,
						       policy_role_name(who.role), request_id});
	err_t e = retention_hold(r, ref, reason, who.username, clock_now());
	if (e == ERR_OK) {
		printf(reason ? "%s and their family are held (%s).\n" : "The hold on %s is lifted.\n",
		       ref, reason);
		return 0;
	}
	cli_error("retention", "%s",
		  e == ERR_NOT_FOUND ? "no such person"
		  : e == ERR_CONFLICT ? "there is no hold on this person"
		  : e == ERR_INVALID  ? "--reason is not a legal_hold_reason code"
				      : err_str(e));
	if (e == ERR_INVALID) {
		codes_allowed(registry_codes(r), RETENTION_REASON_LIST, allowed, sizeof allowed);
		fprintf(stderr, "allowed: %s\n", allowed);
	}
	return 1;
}

int cmd_retention(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"all", no_argument, NULL, 'l'},
					     {"dry-run", no_argument, NULL, 'n'},
					     {"by", required_argument, NULL, 'b'},
					     {"reason", required_argument, NULL, 'r'},
					     {0, 0, 0, 0}};
	struct cli_paths c = {0};
	const char *by = NULL, *reason = NULL, *what;
	int opt, rc, all = 0, dry_run = 0;
	registry *r;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == 'l' || opt == 'n') {
			*(opt == 'l' ? &all : &dry_run) = 1;
			continue;
		}
		if (opt == 'b' || opt == 'r') {
			*(opt == 'b' ? &by : &reason) = optarg;
			continue;
		}
		help(opt == CLI_OPT_HELP ? stdout : stderr);
		return opt == CLI_OPT_HELP ? 0 : 2;
	}
	what = optind < argc ? argv[optind] : "";
	int holds = strcmp(what, "hold") == 0, releases = strcmp(what, "release") == 0;
	int plain = strcmp(what, "show") == 0 || strcmp(what, "run") == 0;
	if (!(plain && argc - optind == 1 && !by && !reason) &&
	    !(holds && argc - optind == 2 && by && reason) &&
	    !(releases && argc - optind == 2 && by && !reason)) {
		cli_error("retention", "see 'haven retention --help' for what each command takes");
		return 2;
	}
	if (!(r = cli_open(&c, "retention")))
		return 1;
	if (holds || releases)
		rc = hold(r, by, reason, argv[optind + 1]);
	else
		rc = strcmp(what, "show") == 0 ? show(r, all) : run(r, dry_run);
	registry_close(r);
	return rc;
}
