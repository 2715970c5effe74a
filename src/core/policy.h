/*
 * policy.h - who may see and do what: shared/spec/access.md as one module.
 *
 * Every decision about access is taken here and nowhere else, from the
 * signed-in principal (role, agency and the agency's kind), the action, and
 * how the record relates to the principal's agency.  Anything not granted by
 * a rule below is denied.  The module is pure: no storage, no HTTP; the
 * callers (caseview.c for records, the route table for actions) ask it and
 * obey.  docs/internals/access.md is the matrix in words; test_policy.c checks
 * it against the spec.
 */
#ifndef HAVEN_POLICY_H
#define HAVEN_POLICY_H

#include <stdint.h>

#include "util/err.h"

#define PRINCIPAL_NAME_MAX 64   /* bytes of a username */
#define PRINCIPAL_AGENCY_MAX 64 /* bytes of an agency code */

enum role {
	ROLE_NONE = 0, /* not signed in */
	ROLE_OFFICER,
	ROLE_CASEWORKER,
	ROLE_COORDINATOR,
	ROLE_ANALYST,
	ROLE_AUDITOR,
	ROLE_ADMIN,
	ROLE_COUNT
};

/* The need-to-know classes of access.md, from the agency's kind. */
enum agency_class {
	CLASS_GENERAL,      /* shelters, assistance centres, NGOs, police, other */
	CLASS_EMPLOYMENT,   /* kind "employment" */
	CLASS_BAR,          /* kind "bar" */
	CLASS_SUPPORT_FUND, /* kind "support_fund" */
	CLASS_CHILD,        /* kinds "education" and "civil_registry" */
	CLASS_COUNT
};

/* Who is asking: filled from the users table at every request, never cached
 * across requests (a change of role or agency takes effect at once). */
struct principal {
	int64_t user_id;
	enum role role;
	enum agency_class cls;
	char username[PRINCIPAL_NAME_MAX + 1];
	char agency[PRINCIPAL_AGENCY_MAX + 1];
};

/* Route-level actions: each route of the HTTP route table names one. */
enum action {
	ACT_PUBLIC,    /* anyone, signed in or not: health, metrics, sign-in */
	ACT_SIGNED_IN, /* any signed-in user: sign out, who am I */
	ACT_PERSON_LIST,
	ACT_PERSON_READ,
	ACT_PERSON_CREATE,
	ACT_PERSON_UPDATE,
	ACT_SERVICE_CREATE,
	ACT_REFERRAL_CREATE,
	ACT_REFERRAL_LIST,
	ACT_REFERRAL_UPDATE,
	ACT_USER_LIST,
	ACT_REPORT_READ, /* run a report: aggregates only */
	ACT_DUPLICATES_READ, /* probable duplicates across agencies: counts (officers: refs) */
	ACT_ERASURE_REQUEST, /* ask for a person's erasure (four eyes) */
	ACT_ERASURE_APPROVE, /* list and approve another officer's request */
	ACT_USER_MANAGE,     /* add, disable, reset, change accounts (admin) */
	ACT_AUDIT_READ,      /* read and verify the audit log (auditor) */
	ACT_REPORT_FREEZE,   /* approve a year's report (coordinator) */
	ACT_BULK_EXPORT,     /* every record in clear at the console (two officers) */
	ACT_CODES_MANAGE,    /* add agencies and codes (admin) */
	ACT_SUBJECT_ACCESS,  /* everything held on one person, for that person (officers) */
	ACT_LEGAL_HOLD,      /* put or lift a legal hold that keeps a record (officers) */
	ACT_COUNT
};

/* Groups of person fields, as bits. */
enum field_group {
	FG_IDENTITY = 1 << 0, /* id, names, sex, birth date, citizenship, document, parent id */
	FG_CONTACT = 1 << 1,  /* phone, address */
	FG_STATUS = 1 << 2,   /* status and its dates */
	FG_CASE = 1 << 3,     /* identification source, exploitation and its country */
	FG_PARENT_NAME = 1 << 4, /* a dependant's parent's given and family name */
	FG_BLOCK = 1 << 5     /* the access block itself */
};

/* How a person relates to the principal's agency, as the store found it. */
struct person_relation {
	int blocked;      /* under an access block */
	int is_dependant; /* status "dependant" */
	int registered;   /* registered through the API by the principal's agency */
	int served;       /* a service was given by the principal's agency */
	int referred;     /* a referral from or to the principal's agency */
};

/* What part of the registry a principal may see, for the store to apply in
 * its queries (the same rule as policy_person_visible, as data). */
struct person_scope {
	int none;            /* nothing at all */
	int all;             /* every person, related or not */
	int with_blocked;    /* persons under an access block too */
	int dependants_only; /* only persons whose status is "dependant" */
	const char *agency;  /* borrowed: unless `all`, the relation is to this agency */
};

/* The action's name ("person.read", ...), static storage. */
const char *policy_action_name(enum action a);

/* The roles an action is granted to, as bits (1 << role); for documents. */
unsigned policy_action_roles(enum action a);

/* Parses a role name ("officer", ...): ROLE_NONE when unknown. */
enum role policy_role_parse(const char *name);
/* The role's name (static storage); "" for ROLE_NONE. */
const char *policy_role_name(enum role r);
/* 1 when the role may see personal data: it signs in with a one-time code. */
int policy_role_needs_totp(enum role r);
/* The class of an agency kind (NULL: CLASS_GENERAL). */
enum agency_class policy_class_of_kind(const char *kind);
/* Whether a role may belong to an agency of `kind`: officers to "police",
 * coordinators to "coordinator", other roles to any. */
int policy_role_fits_kind(enum role r, const char *kind);

/* Fills *out from the stored values (all borrowed).  ERR_INVALID for an
 * unknown role or over-long name/agency; *out is untouched then. */
err_t policy_principal(struct principal *out, int64_t user_id, const char *username,
		       const char *agency, const char *agency_kind, const char *role);

/* The route-level gate: 1 when the principal (NULL: not signed in) may
 * attempt the action at all.  Records are checked again one by one. */
int policy_allows(const struct principal *p, enum action a);

/* Step-up (ASVS 7.5.3): the sensitive actions need an authentication (a
 * sign-in or a re-authentication with password and one-time code) not older
 * than POLICY_STEP_UP_SECONDS: listing and managing accounts, managing
 * agencies and codes, a coordinator's read of a single record and approval
 * of a report, asking for and approving erasures, a bulk export, a subject
 * access report, a legal hold.  1 when `a` by `p` is one. */
#define POLICY_STEP_UP_SECONDS (5 * 60)
int policy_needs_step_up(const struct principal *p, enum action a);

/* Whether the reports a principal runs have their small cells hidden (as
 * published): all but the coordinator, who approves the full figures. */
int policy_report_suppressed(const struct principal *p);

/* Whether the probable-duplicates answer may name the records (officers). */
int policy_duplicates_refs(const struct principal *p);

/* Whether single-record reads need a stated reason (coordinators). */
int policy_read_needs_reason(const struct principal *p);

/*
 * The reasons a record may be opened for (HUM-12, purpose binding), as codes:
 * a reason is kept in the read's audit entry, and free text there could name
 * the person.  NULL-terminated (util/wordlist.h).
 */
extern const char *const policy_read_reasons[];

/* The persons the principal may see.  `reason_given` matters to coordinators
 * only: without one they see nothing. */
void policy_person_scope(const struct principal *p, int reason_given, struct person_scope *out);

/* The same rule for one person. */
int policy_person_visible(const struct principal *p, const struct person_relation *rel,
			  int reason_given);

/* Whether the principal may filter persons by their relation to `agency`:
 * officers by any agency, caseworkers by their own only (a filter by another
 * agency would tell which persons it served), no one else. */
int policy_filter_agency(const struct principal *p, const char *agency);

/* The field groups of a visible person the principal may read. */
unsigned policy_person_fields(const struct principal *p);

/* The group of a person field by its interchange/JSON name; 0 when the name
 * is not a person field (the id counts as FG_IDENTITY). */
unsigned policy_field_group(const char *field);

/* Whether a service of a visible person is shown: by provider (agency code),
 * service code and whether it is a money service. */
int policy_service_visible(const struct principal *p, const char *provider, const char *service,
			   int is_money);

/* Whether a service's note is shown: notes belong to the agency that wrote
 * them (`author`), and officers see all. */
int policy_note_visible(const struct principal *p, const char *author);

/* Whether a referral of a visible person is shown. */
int policy_referral_visible(const struct principal *p, const char *from, const char *to);

/* ---- writes ------------------------------------------------------------ */

/* The field groups the principal may set when registering a person. */
unsigned policy_person_create_fields(const struct principal *p);
/* Whether the principal may register a person with this status and source:
 * only officers decide status; caseworkers register potential victims that
 * came through an NGO or a citizen's appeal. */
int policy_person_create_values(const struct principal *p, const char *status,
				const char *source);
/* The field groups the principal may change on a visible person. */
unsigned policy_person_update_fields(const struct principal *p, const struct person_relation *rel);

/* Whether the principal may record a service given by `provider`. */
int policy_service_create(const struct principal *p, const char *provider);
/* The agency a new referral is sent from: the principal's own. */
const char *policy_referral_from(const struct principal *p);
/* Whether the principal may move a referral from `from` to `to` agencies
 * into the new status ("accepted", "declined", "completed"). */
int policy_referral_update(const struct principal *p, const char *from, const char *to);

#endif
