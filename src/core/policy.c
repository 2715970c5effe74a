/*
 * policy.c - the rules of shared/spec/access.md, as tables where they are
 * tables and as short functions where they depend on the record.
 *
 * Deny by default: every function starts from "no" and a rule must say "yes".
 * An unknown role, class or field is never granted anything.
 */
#include <string.h>

#include "core/policy.h"

#define BIT(r) (1u << (r))

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_NONE] = "",           [ROLE_OFFICER] = "officer", [ROLE_CASEWORKER] = "caseworker",
	[ROLE_COORDINATOR] = "coordinator", [ROLE_ANALYST] = "analyst",
	[ROLE_AUDITOR] = "auditor", [ROLE_ADMIN] = "admin",
};

/* The route-level matrix: which roles may attempt each action. */
static const unsigned action_roles[ACT_COUNT] = {
	[ACT_PERSON_LIST] = BIT(ROLE_OFFICER) | BIT(ROLE_CASEWORKER),
	[ACT_PERSON_READ] = BIT(ROLE_OFFICER) | BIT(ROLE_CASEWORKER) | BIT(ROLE_COORDINATOR),
	[ACT_PERSON_CREATE] = BIT(ROLE_OFFICER) | BIT(ROLE_CASEWORKER),
	[ACT_PERSON_UPDATE] = BIT(ROLE_OFFICER) | BIT(ROLE_CASEWORKER),
	[ACT_SERVICE_CREATE] = BIT(ROLE_OFFICER) | BIT(ROLE_CASEWORKER),
	[ACT_REFERRAL_CREATE] = BIT(ROLE_OFFICER) | BIT(ROLE_CASEWORKER),
	[ACT_REFERRAL_LIST] = BIT(ROLE_OFFICER) | BIT(ROLE_CASEWORKER),
	[ACT_REFERRAL_UPDATE] = BIT(ROLE_OFFICER) | BIT(ROLE_CASEWORKER),
	[ACT_USER_LIST] = BIT(ROLE_ADMIN),
	[ACT_REPORT_READ] = BIT(ROLE_COORDINATOR) | BIT(ROLE_ANALYST),
	[ACT_DUPLICATES_READ] = BIT(ROLE_OFFICER) | BIT(ROLE_COORDINATOR) | BIT(ROLE_ANALYST),
	[ACT_ERASURE_REQUEST] = BIT(ROLE_OFFICER),
	[ACT_ERASURE_APPROVE] = BIT(ROLE_OFFICER),
	[ACT_USER_MANAGE] = BIT(ROLE_ADMIN),
	[ACT_AUDIT_READ] = BIT(ROLE_AUDITOR),
	[ACT_REPORT_FREEZE] = BIT(ROLE_COORDINATOR),
	[ACT_BULK_EXPORT] = BIT(ROLE_OFFICER),
	[ACT_CODES_MANAGE] = BIT(ROLE_ADMIN),
	[ACT_SUBJECT_ACCESS] = BIT(ROLE_OFFICER),
	[ACT_LEGAL_HOLD] = BIT(ROLE_OFFICER),
};

static const char *const action_names[ACT_COUNT] = {
	[ACT_PUBLIC] = "public",
	[ACT_SIGNED_IN] = "signed_in",
	[ACT_PERSON_LIST] = "person.list",
	[ACT_PERSON_READ] = "person.read",
	[ACT_PERSON_CREATE] = "person.create",
	[ACT_PERSON_UPDATE] = "person.update",
	[ACT_SERVICE_CREATE] = "service.create",
	[ACT_REFERRAL_CREATE] = "referral.create",
	[ACT_REFERRAL_LIST] = "referral.list",
	[ACT_REFERRAL_UPDATE] = "referral.update",
	[ACT_USER_LIST] = "user.list",
	[ACT_REPORT_READ] = "report.read",
	[ACT_DUPLICATES_READ] = "duplicates.read",
	[ACT_ERASURE_REQUEST] = "erasure.request",
	[ACT_ERASURE_APPROVE] = "erasure.approve",
	[ACT_USER_MANAGE] = "user.manage",
	[ACT_AUDIT_READ] = "audit.read",
	[ACT_REPORT_FREEZE] = "report.freeze",
	[ACT_BULK_EXPORT] = "export",
	[ACT_CODES_MANAGE] = "codes.manage",
	[ACT_SUBJECT_ACCESS] = "subject.access",
	[ACT_LEGAL_HOLD] = "legal_hold",
};

/* What a caseworker of each class reads of a person it may see. */
static const unsigned class_fields[CLASS_COUNT] = {
	[CLASS_GENERAL] = FG_IDENTITY | FG_CONTACT | FG_STATUS,
	[CLASS_EMPLOYMENT] = FG_IDENTITY | FG_CONTACT,
	[CLASS_BAR] = FG_IDENTITY | FG_STATUS,
	[CLASS_SUPPORT_FUND] = FG_IDENTITY | FG_STATUS,
	[CLASS_CHILD] = FG_IDENTITY | FG_CONTACT | FG_PARENT_NAME,
};

static const struct {
	const char *name;
	unsigned group;
} person_fields[] = {
	{"id", FG_IDENTITY},
	{"parent_id", FG_IDENTITY},
	{"given_name", FG_IDENTITY},
	{"family_name", FG_IDENTITY},
	{"patronymic", FG_IDENTITY},
	{"sex", FG_IDENTITY},
	{"birth_date", FG_IDENTITY},
	{"citizenship", FG_IDENTITY},
	{"document_number", FG_IDENTITY},
	{"phone", FG_CONTACT},
	{"address", FG_CONTACT},
	{"status", FG_STATUS},
	{"identified_on", FG_STATUS},
	{"recognized_on", FG_STATUS},
	{"decided_on", FG_STATUS},
	{"identification_source", FG_CASE},
	{"exploitation", FG_CASE},
	{"country_of_exploitation", FG_CASE},
	{"parent", FG_PARENT_NAME},
	{"access_block", FG_BLOCK},
};

static const char *const legal_services[] = {"legal_aid", "legal_assistance"};
static const char *const caseworker_sources[] = {"ngo_referral", "citizen_appeal"};

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static int is_role(const struct principal *p, enum role r)
{
	return p && p->role == r;
}

/* p is not NULL: every caller has asked is_role first. */
static int own_agency(const struct principal *p, const char *agency)
{
	return agency && strcmp(p->agency, agency) == 0;
}

const char *policy_action_name(enum action a)
{
	return (unsigned)a < ACT_COUNT ? action_names[a] : "none"; /* test_policy: all named */
}

/* The roles an action is granted to, as bits of enum role. */
unsigned policy_action_roles(enum action a)
{
	if (a == ACT_PUBLIC || a == ACT_SIGNED_IN)
		return ~0u & ~BIT(ROLE_NONE);
	return (unsigned)a < ACT_COUNT ? action_roles[a] : 0;
}

enum role policy_role_parse(const char *name)
{
	for (int r = ROLE_NONE + 1; name && r < ROLE_COUNT; r++)
		if (strcmp(name, role_names[r]) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

const char *policy_role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : ""; /* ROLE_NONE's is "" */
}

int policy_role_needs_totp(enum role r)
{
	return r == ROLE_OFFICER || r == ROLE_CASEWORKER || r == ROLE_COORDINATOR;
}

enum agency_class policy_class_of_kind(const char *kind)
{
	if (!kind)
		return CLASS_GENERAL;
	if (strcmp(kind, "employment") == 0)
		return CLASS_EMPLOYMENT;
	if (strcmp(kind, "bar") == 0)
		return CLASS_BAR;
	if (strcmp(kind, "support_fund") == 0)
		return CLASS_SUPPORT_FUND;
	if (strcmp(kind, "education") == 0 || strcmp(kind, "civil_registry") == 0)
		return CLASS_CHILD;
	return CLASS_GENERAL;
}

int policy_role_fits_kind(enum role r, const char *kind)
{
	if (r == ROLE_NONE || r >= ROLE_COUNT || !kind)
		return 0;
	if (r == ROLE_OFFICER)
		return strcmp(kind, "police") == 0;
	if (r == ROLE_COORDINATOR)
		return strcmp(kind, "coordinator") == 0;
	return 1;
}

err_t policy_principal(struct principal *out, int64_t user_id, const char *username,
		       const char *agency, const char *agency_kind, const char *role)
{
	enum role r = policy_role_parse(role);
	if (r == ROLE_NONE || !username || !agency || strlen(username) > PRINCIPAL_NAME_MAX ||
	    strlen(agency) > PRINCIPAL_AGENCY_MAX)
		return ERR_INVALID;
	memset(out, 0, sizeof *out);
	out->user_id = user_id;
	out->role = r;
	out->cls = policy_class_of_kind(agency_kind);
	memcpy(out->username, username, strlen(username) + 1);
	memcpy(out->agency, agency, strlen(agency) + 1);
	return ERR_OK;
}

int policy_allows(const struct principal *p, enum action a)
{
	if (a == ACT_PUBLIC)
		return 1;
	if (!p || p->role <= ROLE_NONE || p->role >= ROLE_COUNT || (unsigned)a >= ACT_COUNT)
		return 0;
	if (a == ACT_SIGNED_IN)
		return 1;
	return (action_roles[a] & BIT(p->role)) != 0;
}

int policy_needs_step_up(const struct principal *p, enum action a)
{
	if (a == ACT_USER_LIST || a == ACT_USER_MANAGE || a == ACT_REPORT_FREEZE ||
	    a == ACT_ERASURE_REQUEST || a == ACT_ERASURE_APPROVE || a == ACT_BULK_EXPORT ||
	    a == ACT_CODES_MANAGE || a == ACT_SUBJECT_ACCESS || a == ACT_LEGAL_HOLD)
		return 1;
	return a == ACT_PERSON_READ && is_role(p, ROLE_COORDINATOR);
}

int policy_report_suppressed(const struct principal *p)
{
	return !is_role(p, ROLE_COORDINATOR);
}

/* Officers see every record (access.md), so they may have the record ids of
 * the probable duplicates, to merge or mark them; everyone else gets counts. */
int policy_duplicates_refs(const struct principal *p)
{
	return is_role(p, ROLE_OFFICER);
}

int policy_read_needs_reason(const struct principal *p)
{
	return is_role(p, ROLE_COORDINATOR);
}

const char *const policy_read_reasons[] = {
	"report_verification", /* checking a figure of a report against its records */
	"complaint",           /* a complaint or appeal about how a case was handled */
	"court_request",       /* a court's or prosecutor's request */
	"oversight",           /* monitoring of the referral mechanism's agencies */
	"data_correction",     /* an agency reported an error in the record */
	NULL,
};

void policy_person_scope(const struct principal *p, int reason_given, struct person_scope *out)
{
	*out = (struct person_scope){.none = 1};
	if (is_role(p, ROLE_OFFICER)) {
		*out = (struct person_scope){.all = 1, .with_blocked = 1};
	} else if (is_role(p, ROLE_COORDINATOR)) {
		if (reason_given)
			*out = (struct person_scope){.all = 1};
	} else if (is_role(p, ROLE_CASEWORKER) && p->cls < CLASS_COUNT) {
		*out = (struct person_scope){.agency = p->agency,
					     .dependants_only = p->cls == CLASS_CHILD};
	}
}

int policy_person_visible(const struct principal *p, const struct person_relation *rel,
			  int reason_given)
{
	struct person_scope s;
	policy_person_scope(p, reason_given, &s);
	if (s.none)
		return 0;
	if (rel->blocked && !s.with_blocked)
		return 0;
	if (s.dependants_only && !rel->is_dependant)
		return 0;
	return s.all || rel->registered || rel->served || rel->referred;
}

int policy_filter_agency(const struct principal *p, const char *agency)
{
	return is_role(p, ROLE_OFFICER) || (is_role(p, ROLE_CASEWORKER) && own_agency(p, agency));
}

unsigned policy_person_fields(const struct principal *p)
{
	if (is_role(p, ROLE_OFFICER))
		return FG_IDENTITY | FG_CONTACT | FG_STATUS | FG_CASE | FG_BLOCK;
	if (is_role(p, ROLE_COORDINATOR))
		return FG_IDENTITY | FG_CONTACT | FG_STATUS | FG_CASE;
	if (is_role(p, ROLE_CASEWORKER) && p->cls < CLASS_COUNT)
		return class_fields[p->cls];
	return 0;
}

unsigned policy_field_group(const char *field)
{
	/* the first letters compared before the names: a read asks for each field */
	for (size_t i = 0; field && i < sizeof person_fields / sizeof person_fields[0]; i++)
		if (field[0] == person_fields[i].name[0] && strcmp(field, person_fields[i].name) == 0)
			return person_fields[i].group;
	return 0;
}

int policy_service_visible(const struct principal *p, const char *provider, const char *service,
			   int is_money)
{
	if (is_role(p, ROLE_OFFICER) || is_role(p, ROLE_COORDINATOR))
		return 1;
	if (!is_role(p, ROLE_CASEWORKER) || !own_agency(p, provider))
		return 0;
	switch (p->cls) {
	case CLASS_BAR: return in_list(service, legal_services, 2);
	case CLASS_SUPPORT_FUND: return is_money;
	case CLASS_GENERAL:
	case CLASS_EMPLOYMENT:
	case CLASS_CHILD: return 1;
	case CLASS_COUNT: break;
	}
	return 0;
}

int policy_note_visible(const struct principal *p, const char *author)
{
	if (is_role(p, ROLE_OFFICER))
		return 1;
	return is_role(p, ROLE_CASEWORKER) && own_agency(p, author);
}

int policy_referral_visible(const struct principal *p, const char *from, const char *to)
{
	if (is_role(p, ROLE_OFFICER) || is_role(p, ROLE_COORDINATOR))
		return 1;
	return is_role(p, ROLE_CASEWORKER) && (own_agency(p, from) || own_agency(p, to));
}

unsigned policy_person_create_fields(const struct principal *p)
{
	if (is_role(p, ROLE_OFFICER))
		return FG_IDENTITY | FG_CONTACT | FG_STATUS | FG_CASE | FG_BLOCK;
	if (is_role(p, ROLE_CASEWORKER))
		return FG_IDENTITY | FG_CONTACT | FG_STATUS | FG_CASE;
	return 0;
}

int policy_person_create_values(const struct principal *p, const char *status,
				const char *source)
{
	if (is_role(p, ROLE_OFFICER))
		return 1;
	return is_role(p, ROLE_CASEWORKER) && status && strcmp(status, "potential_victim") == 0 &&
	       in_list(source, caseworker_sources, 2);
}

unsigned policy_person_update_fields(const struct principal *p, const struct person_relation *rel)
{
	if (!policy_person_visible(p, rel, 0))
		return 0;
	if (is_role(p, ROLE_OFFICER))
		return FG_IDENTITY | FG_CONTACT | FG_STATUS | FG_CASE | FG_BLOCK;
	/* A caseworker corrects the identity and contact of persons its own
	 * agency registered, never their status.  (No other role sees a person
	 * without a reason today, so the role test never fails: it is there for
	 * the day one does.) */
	if (is_role(p, ROLE_CASEWORKER) && rel->registered) /* GCOVR_EXCL_BR_LINE */
		return (FG_IDENTITY | FG_CONTACT) & policy_person_fields(p);
	return 0;
}

int policy_service_create(const struct principal *p, const char *provider)
{
	if (is_role(p, ROLE_OFFICER))
		return 1;
	return is_role(p, ROLE_CASEWORKER) && own_agency(p, provider);
}

const char *policy_referral_from(const struct principal *p)
{
	return (is_role(p, ROLE_OFFICER) || is_role(p, ROLE_CASEWORKER)) ? p->agency : NULL;
}

int policy_referral_update(const struct principal *p, const char *from, const char *to)
{
	(void)from;
	if (is_role(p, ROLE_OFFICER))
		return 1;
	return is_role(p, ROLE_CASEWORKER) && own_agency(p, to);
}
