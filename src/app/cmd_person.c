/*
 * cmd_person.c - `haven person show ID`: one person's record with its
 * services and referrals as one timeline in date order, for officers working
 * at the server; `haven person subject-access ID`: everything held on the
 * person, as JSON, for that person (subject.h); `haven person erase ID`: the erasure, asked by one officer
 * and approved by another at the console (erasure.h, console.h), as over the
 * API.
 */
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/commands.h"
#include "app/console.h"
#include "core/clock.h"
#include "core/erasure.h"
#include "core/audit.h"
#include "core/subject.h"
#include "util/date.h"
#include "util/money.h"

#define TIMELINE_MAX 100000
#define LINE_MAX_LEN 512

struct entry {
	int64_t date;
	int order;
	char *line;
};

struct timeline {
	struct entry *v;
	size_t n, cap;
};

static void help(FILE *out)
{
	fputs("Usage: haven person show [--db PATH] [--key PATH] ID\n"
	      "       haven person subject-access [--db PATH] [--key PATH] ID\n"
	      "       haven person erase [--db PATH] [--key PATH] --by USER --approver USER\n"
	      "                          --reason TEXT ID\n"
	      "\n"
	      "show   prints the record of the person with reference ID (as in persons.csv):\n"
	      "       identification, status, personal data, then every service and referral\n"
	      "       in date order.\n"
	      "subject-access  prints, as JSON, everything held on the person, for the\n"
	      "       person who asks for it (GDPR Art. 15, 20): every field, the document\n"
	      "       number in clear, services with their notes, referrals with their\n"
	      "       consent, the dependants' ids (not their data), the legal hold, how long\n"
	      "       the record is kept, and every access on the audit log (when, which\n"
	      "       agency and role, what; not the staff member's name).\n"
	      "erase  removes the person's personal data for good (a court order, the end of\n"
	      "       the retention period): names become \"(erased)\", every other personal\n"
	      "       value and the notes of the person's services are deleted, and the files\n"
	      "       of an embedded database keep no copy.  What the statistics count (status,\n"
	      "       dates, sex, codes) stays.  Rows of this person imported later are refused.\n"
	      "       --reason names the order or rule (a case number, never personal data).\n"
	      "       Backups made earlier still hold the data: destroy or re-erase them.\n"
	      "       Two officers answer for it: the one who asks (--by) and another who\n"
	      "       approves (--approver), each with password and one-time code, asked on\n"
	      "       the terminal without echo (or read from standard input when it is not a\n"
	      "       terminal: password, code, password, code, a line each).\n"
	      "\n"
	      "Options:\n" CLI_COMMON_HELP
	      "  --reason TEXT    (erase) the court order or rule, never personal data\n"
	      "  --by USER        (erase) your account: an officer\n"
	      "  --approver USER  (erase) another officer's account, approving\n",
	      out);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void print_date(const char *label, int64_t d)
{
	char buf[DATE_TEXT_MAX];
	if (d == DATE_NONE)
		return;
	date_format(d, buf);
	printf("%-24s %s\n", label, buf);
}

static err_t print_person(const struct person *p, void *ctx)
{
	(void)ctx;
	printf("%-24s %s\n", "Person", p->ref);
	printf("%-24s %s\n", "Status", p->status);
	if (p->parent_ref)
		printf("%-24s %s\n", "Child of", p->parent_ref);
	printf("%-24s %s %s %s\n", "Name", or_dash(p->given_name), or_dash(p->patronymic),
	       or_dash(p->family_name));
	printf("%-24s %s\n", "Sex", p->sex);
	printf("%-24s %s\n", "Birth date", or_dash(p->birth_date));
	printf("%-24s %s\n", "Citizenship", or_dash(p->citizenship));
	printf("%-24s %s\n", "Document number", or_dash(p->document_number));
	printf("%-24s %s\n", "Phone", or_dash(p->phone));
	printf("%-24s %s\n", "Address", or_dash(p->address));
	print_date("Identified on", p->identified_on);
	if (p->identification_source)
		printf("%-24s %s\n", "Identified through", p->identification_source);
	print_date("Recognised as victim on", p->recognized_on);
	print_date("Decided on", p->decided_on);
	printf("%-24s %s\n", "Exploitation", or_dash(p->exploitation));
	printf("%-24s %s\n", "Country of exploitation", or_dash(p->country_of_exploitation));
	return ERR_OK;
}

static err_t add_line(struct timeline *t, int64_t date, const char *line)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct entry *v;
		if (cap > TIMELINE_MAX)
			return ERR_LIMIT;
		v = realloc(t->v, cap * sizeof *v);
		if (!v)
			return ERR_NOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].line = strdup(line);
	if (!t->v[t->n].line)
		return ERR_NOMEM;
	t->v[t->n].date = date;
	t->v[t->n].order = (int)t->n;
	t->n++;
	return ERR_OK;
}

static err_t add_service(const struct service *s, void *ctx)
{
	char line[LINE_MAX_LEN], day[DATE_TEXT_MAX], end[DATE_TEXT_MAX] = "";
	char money[MONEY_TEXT_MAX] = "", amount[MONEY_TEXT_MAX + 16] = "";
	date_format(s->date, day);
	if (s->end_date != DATE_NONE)
		date_format(s->end_date, end);
	if (s->has_amount) {
		money_format(s->amount, money);
		snprintf(amount, sizeof amount, " %s %s", money, s->currency ? s->currency : "AZN");
	}
	snprintf(line, sizeof line, "%s  service   %s by %s%s%s%s%s%s  [%s]", day, s->service,
		 s->provider, end[0] ? " until " : "", end, amount, s->phase ? ", phase " : "",
		 s->phase ? s->phase : "", s->ref);
	err_t e = add_line(ctx, s->date, line);
	if (e == ERR_OK && s->note) {
		snprintf(line, sizeof line, "            note: %s", s->note);
		e = add_line(ctx, s->date, line);
	}
	return e;
}

static err_t add_referral(const struct referral *f, void *ctx)
{
	char line[LINE_MAX_LEN], day[DATE_TEXT_MAX], closed[DATE_TEXT_MAX] = "";
	date_format(f->date, day);
	if (f->closed_on != DATE_NONE)
		date_format(f->closed_on, closed);
	snprintf(line, sizeof line, "%s  referral  %s -> %s for %s: %s%s%s%s%s  [%s]", day, f->from,
		 f->to, f->purpose, f->status, closed[0] ? " on " : "", closed,
		 f->consent == CONSENT_GIVEN       ? ", with consent"
		 : f->consent == CONSENT_NOT_GIVEN ? ", WITHOUT CONSENT: "
						   : "",
		 f->consent == CONSENT_NOT_GIVEN && f->override_reason ? f->override_reason : "",
		 f->ref);
	return add_line(ctx, f->date, line);
}

/* Where the record came from: the imports that created and last changed it. */
static err_t print_provenance(registry *r, const char *ref)
{
	struct provenance pv;
	char created[DATE_TEXT_MAX], updated[DATE_TEXT_MAX];
	err_t e = registry_person_provenance(r, ref, &pv);
	if (e != ERR_OK)
		return e;
	date_format(pv.created_at - pv.created_at % 86400, created);
	date_format(pv.updated_at - pv.updated_at % 86400, updated);
	printf("%-24s %s", "Record created", created);
	if (pv.created_import)
		printf(" by import #%lld", (long long)pv.created_import);
	if (pv.updated_at != pv.created_at || pv.updated_import != pv.created_import) {
		printf(", last changed %s", updated);
		if (pv.updated_import)
			printf(" by import #%lld", (long long)pv.updated_import);
	}
	putchar('\n');
	return ERR_OK;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->order - y->order;
}

static err_t audit_record_ok(err_t e)
{
	if (e != ERR_OK)
		cli_error("person", "cannot write the audit log, so nothing is shown: %s", err_str(e));
	return e;
}

/* The read is on the audit log before any personal value is printed. */
static err_t audit_read(registry *r, const char *action, const char *ref, const char *outcome)
{
	char actor[64];
	audit_cli_actor(actor, sizeof actor);
	struct audit_entry a = {.actor = actor, .role = "operator", .action = action,
				.object_type = "person", .object_ref = ref, .outcome = outcome};
	return audit_record(registry_db(r), &a);
}

/* The read `action` of person `ref` on the audit log before anything is
 * shown, found or not; 0 when the person is there to show. */
static int audited(registry *r, const char *action, const char *ref)
{
	const char *status;
	err_t e = registry_person_status(r, ref, &status);
	if ((e == ERR_OK || e == ERR_NOT_FOUND) &&
	    audit_record_ok(audit_read(r, action, ref, e == ERR_OK ? "ok" : "not_found")) != ERR_OK)
		return -1;
	if (e == ERR_NOT_FOUND)
		cli_error("person", "no person with id '%s'", ref);
	else if (e != ERR_OK)
		cli_error("person", "cannot read the record of '%s': %s", ref, err_str(e));
	return e == ERR_OK ? 0 : -1;
}

/* Everything held on the person, as JSON (subject.h). */
static int subject_access(registry *r, const char *ref)
{
	json_t *doc = NULL;
	err_t e;
	if (audited(r, "person.subject_access", ref) != 0)
		return 1;
	if ((e = subject_report(r, ref, clock_now(), &doc)) != ERR_OK) {
		cli_error("person", "cannot read the record of '%s': %s", ref, err_str(e));
		return 1;
	}
	int rc = json_dumpf(doc, stdout, JSON_INDENT(2)) == 0 ? 0 : 1;
	putchar('\n');
	json_decref(doc);
	return rc;
}

static int show(registry *r, const char *ref)
{
	struct timeline t = {0};
	err_t e = ERR_OK;
	if (audited(r, "person.read", ref) != 0)
		return 1;
	if (e == ERR_OK)
		e = registry_each_person(r, ref, print_person, NULL);
	if (e == ERR_OK)
		e = print_provenance(r, ref);
	if (e == ERR_OK)
		e = registry_each_service(r, ref, add_service, &t);
	if (e == ERR_OK)
		e = registry_each_referral(r, ref, add_referral, &t);
	if (e == ERR_OK) {
		if (t.n > 0) /* qsort's base may not be NULL */
			qsort(t.v, t.n, sizeof *t.v, entry_cmp);
		printf("\nServices and referrals (%s):\n", t.n ? "in date order" : "none");
		for (size_t i = 0; i < t.n; i++)
			printf("  %s\n", t.v[i].line);
	}
	for (size_t i = 0; i < t.n; i++)
		free(t.v[i].line);
	free(t.v);
	if (e != ERR_OK) {
		cli_error("person", "cannot read the record of '%s': %s", ref, err_str(e));
		return 1;
	}
	return 0;
}

struct erase_args {
	const char *reason, *by, *approver;
};

static int erase(registry *r, const char *ref, const struct erase_args *a)
{
	struct principal who, second;
	char request_id[CONSOLE_REQUEST_ID_MAX];
	int64_t id = 0;
	err_t e;
	if (console_four_eyes(r, "person", a->by, a->approver, ACT_ERASURE_APPROVE, &who, &second,
			      request_id) != 0)
		return 1;
	e = erasure_ask(r, &who, ref, a->reason, request_id, clock_now(), &id);
	if (e == ERR_OK)
		e = erasure_approve(r, &second, id, request_id, clock_now(), NULL);
	if (e != ERR_OK) {
		cli_error("person", "%s",
			  e == ERR_NOT_FOUND ? "no such person"
			  : e == ERR_CONFLICT
				  ? "this person's data was erased already, or an erasure of it "
				    "waits for approval over the API"
				  : err_str(e));
		return 1;
	}
	printf("Erased the personal data of %s (asked by %s, approved by %s).\n", ref, who.username,
	       second.username);
	return 0;
}

int cmd_person(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"reason", required_argument, NULL, 'r'},
					     {"by", required_argument, NULL, 'b'},
					     {"approver", required_argument, NULL, 'a'},
					     {0, 0, 0, 0}};
	struct cli_paths c = {0};
	struct erase_args ea = {0};
	registry *r;
	int opt, rc, is_erase, is_access;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == 'r' || opt == 'b' || opt == 'a') {
			*(opt == 'r' ? &ea.reason : opt == 'b' ? &ea.by : &ea.approver) = optarg;
			continue;
		}
		help(opt == CLI_OPT_HELP ? stdout : stderr);
		return opt == CLI_OPT_HELP ? 0 : 2;
	}
	is_erase = argc - optind == 2 && strcmp(argv[optind], "erase") == 0;
	is_access = argc - optind == 2 && strcmp(argv[optind], "subject-access") == 0;
	if (argc - optind != 2 || (strcmp(argv[optind], "show") != 0 && !is_erase && !is_access) ||
	    (is_erase && (!ea.reason || !ea.by || !ea.approver))) {
		help(stderr);
		return 2;
	}
	if (!(r = cli_open(&c, "person")))
		return 1;
	rc = is_erase    ? erase(r, argv[optind + 1], &ea)
	     : is_access ? subject_access(r, argv[optind + 1])
			 : show(r, argv[optind + 1]);
	registry_close(r);
	return rc;
}
