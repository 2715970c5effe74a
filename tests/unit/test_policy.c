/*
 * test_policy.c - the access policy against shared/spec/access.md, rule by
 * rule: the route-level matrix, who sees which persons (relations, access
 * block, dependants, a coordinator's reason), field groups by agency kind,
 * services, notes and referrals, and what each role may write.  Also checks
 * that the scope handed to queries and the one-record rule agree on every
 * combination, since lists use the one and reads the other.  Last, that
 * every rule fails closed on what the store should never hand it (no
 * principal, a role or class out of range, a missing or over-long name):
 * this file alone covers every branch of policy.c that the API can reach.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/policy.h"

static struct principal who(enum role r, const char *agency, const char *kind)
{
	struct principal p;
	assert_int_equal(policy_principal(&p, 1, "someone", agency, kind, policy_role_name(r)),
			 ERR_OK);
	return p;
}

static void roles_and_kinds(void **state)
{
	(void)state;
	for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++)
		assert_int_equal(policy_role_parse(policy_role_name((enum role)r)), r);
	assert_int_equal(policy_role_parse("root"), ROLE_NONE);
	assert_int_equal(policy_role_parse(NULL), ROLE_NONE);
	assert_true(policy_role_needs_totp(ROLE_OFFICER));
	assert_true(policy_role_needs_totp(ROLE_CASEWORKER));
	assert_true(policy_role_needs_totp(ROLE_COORDINATOR));
	assert_false(policy_role_needs_totp(ROLE_ANALYST));
	assert_false(policy_role_needs_totp(ROLE_AUDITOR));
	assert_false(policy_role_needs_totp(ROLE_ADMIN));
	assert_true(policy_role_fits_kind(ROLE_OFFICER, "police"));
	assert_false(policy_role_fits_kind(ROLE_OFFICER, "ngo"));
	assert_true(policy_role_fits_kind(ROLE_COORDINATOR, "coordinator"));
	assert_false(policy_role_fits_kind(ROLE_COORDINATOR, "police"));
	assert_true(policy_role_fits_kind(ROLE_CASEWORKER, "employment"));
	assert_int_equal(policy_class_of_kind("employment"), CLASS_EMPLOYMENT);
	assert_int_equal(policy_class_of_kind("bar"), CLASS_BAR);
	assert_int_equal(policy_class_of_kind("support_fund"), CLASS_SUPPORT_FUND);
	assert_int_equal(policy_class_of_kind("education"), CLASS_CHILD);
	assert_int_equal(policy_class_of_kind("civil_registry"), CLASS_CHILD);
	assert_int_equal(policy_class_of_kind("shelter"), CLASS_GENERAL);
	struct principal p;
	assert_int_equal(policy_principal(&p, 1, "x", "ngo", "ngo", "superuser"), ERR_INVALID);
}

/* access.md's "may do" column, action by action. */
static void route_matrix(void **state)
{
	(void)state;
	static const struct {
		enum action a;
		const char *roles; /* initials of the roles granted: o c k n u a */
	} expect[] = {
		{ACT_PERSON_LIST, "oc"},     {ACT_PERSON_READ, "ock"},   {ACT_PERSON_CREATE, "oc"},
		{ACT_DUPLICATES_READ, "okn"},
		{ACT_PERSON_UPDATE, "oc"},   {ACT_SERVICE_CREATE, "oc"}, {ACT_REFERRAL_CREATE, "oc"},
		{ACT_REFERRAL_LIST, "oc"},   {ACT_REFERRAL_UPDATE, "oc"}, {ACT_USER_LIST, "a"},
		{ACT_REPORT_READ, "kn"},     {ACT_USER_MANAGE, "a"},     {ACT_AUDIT_READ, "u"},
		{ACT_REPORT_FREEZE, "k"},    {ACT_ERASURE_REQUEST, "o"}, {ACT_ERASURE_APPROVE, "o"},
		{ACT_BULK_EXPORT, "o"},      {ACT_CODES_MANAGE, "a"},    {ACT_SUBJECT_ACCESS, "o"},
		{ACT_LEGAL_HOLD, "o"},
		{ACT_SIGNED_IN, "ocknua"},   {ACT_PUBLIC, "ocknua"},
	};
	static const char initials[ROLE_COUNT] = {0, 'o', 'c', 'k', 'n', 'u', 'a'};
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++) {
			struct principal p = who((enum role)r, "ngo", "ngo");
			int want = strchr(expect[i].roles, initials[r]) != NULL;
			if (policy_allows(&p, expect[i].a) != want)
				fail_msg("action %d, role %s: expected %d", expect[i].a,
					 policy_role_name((enum role)r), want);
		}
		assert_int_equal(policy_allows(NULL, expect[i].a), expect[i].a == ACT_PUBLIC);
	}
	struct principal p = who(ROLE_OFFICER, "mia_ctd", "police");
	assert_false(policy_allows(&p, ACT_COUNT));
}

/* The query scope, evaluated the way the SQL does. */
static int scope_admits(const struct person_scope *s, const struct person_relation *rel)
{
	if (s->none)
		return 0;
	if (!s->all && !(rel->registered || rel->served || rel->referred))
		return 0;
	if (!s->with_blocked && rel->blocked)
		return 0;
	if (s->dependants_only && !rel->is_dependant)
		return 0;
	return 1;
}

static void scope_agrees_with_rule(void **state)
{
	static const char *const kinds[] = {"ngo", "employment", "bar", "support_fund", "education"};
	(void)state;
	for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++)
		for (size_t k = 0; k < 5; k++)
			for (unsigned bits = 0; bits < 32; bits++)
				for (int reason = 0; reason < 2; reason++) {
					struct principal p = who((enum role)r, "x", kinds[k]);
					struct person_relation rel = {
						bits & 1, !!(bits & 2), !!(bits & 4), !!(bits & 8),
						!!(bits & 16)};
					struct person_scope s;
					policy_person_scope(&p, reason, &s);
					assert_int_equal(policy_person_visible(&p, &rel, reason),
							 scope_admits(&s, &rel));
				}
}

static void who_sees_whom(void **state)
{
	struct principal officer = who(ROLE_OFFICER, "mia_ctd", "police");
	struct principal shelter = who(ROLE_CASEWORKER, "mia_shelter", "shelter");
	struct principal school = who(ROLE_CASEWORKER, "education", "education");
	struct principal coord = who(ROLE_COORDINATOR, "national_coordinator", "coordinator");
	struct principal analyst = who(ROLE_ANALYST, "ngo", "ngo");
	struct principal auditor = who(ROLE_AUDITOR, "ngo", "ngo");
	struct principal admin = who(ROLE_ADMIN, "ngo", "ngo");
	struct person_relation unrelated = {0}, served = {.served = 1};
	struct person_relation blocked_served = {.blocked = 1, .served = 1};
	struct person_relation child = {.is_dependant = 1, .referred = 1};
	(void)state;
	assert_true(policy_person_visible(&officer, &unrelated, 0));
	assert_true(policy_person_visible(&officer, &blocked_served, 0));
	assert_false(policy_person_visible(&shelter, &unrelated, 0));
	assert_true(policy_person_visible(&shelter, &served, 0));
	assert_false(policy_person_visible(&shelter, &blocked_served, 0)); /* block: officers only */
	assert_false(policy_person_visible(&school, &served, 0));          /* not a dependant */
	assert_true(policy_person_visible(&school, &child, 0));
	assert_false(policy_person_visible(&coord, &served, 0));           /* no reason stated */
	assert_true(policy_person_visible(&coord, &unrelated, 1));
	assert_false(policy_person_visible(&coord, &blocked_served, 1));
	assert_true(policy_read_needs_reason(&coord));
	assert_false(policy_read_needs_reason(&officer));
	for (int reason = 0; reason < 2; reason++) {
		assert_false(policy_person_visible(&analyst, &served, reason));
		assert_false(policy_person_visible(&auditor, &served, reason));
		assert_false(policy_person_visible(&admin, &served, reason));
	}
}

static void fields_by_kind(void **state)
{
	(void)state;
	unsigned all = FG_IDENTITY | FG_CONTACT | FG_STATUS | FG_CASE;
	assert_int_equal(policy_person_fields(&(struct principal){0}), 0);
	struct principal officer = who(ROLE_OFFICER, "mia_ctd", "police");
	assert_int_equal(policy_person_fields(&officer), all | FG_BLOCK);
	struct principal coord = who(ROLE_COORDINATOR, "national_coordinator", "coordinator");
	assert_int_equal(policy_person_fields(&coord), all);
	/* a job placement must not reveal that someone was trafficked */
	struct principal job = who(ROLE_CASEWORKER, "state_employment_agency", "employment");
	assert_int_equal(policy_person_fields(&job), FG_IDENTITY | FG_CONTACT);
	struct principal bar = who(ROLE_CASEWORKER, "bar_association", "bar");
	assert_int_equal(policy_person_fields(&bar), FG_IDENTITY | FG_STATUS);
	struct principal fund = who(ROLE_CASEWORKER, "mia_support_fund", "support_fund");
	assert_int_equal(policy_person_fields(&fund), FG_IDENTITY | FG_STATUS);
	struct principal school = who(ROLE_CASEWORKER, "education", "education");
	assert_int_equal(policy_person_fields(&school), FG_IDENTITY | FG_CONTACT | FG_PARENT_NAME);
	struct principal ngo = who(ROLE_CASEWORKER, "ngo", "ngo");
	assert_int_equal(policy_person_fields(&ngo), FG_IDENTITY | FG_CONTACT | FG_STATUS);
	for (int r = ROLE_ANALYST; r < ROLE_COUNT; r++) {
		struct principal p = who((enum role)r, "ngo", "ngo");
		assert_int_equal(policy_person_fields(&p), 0);
	}
	assert_int_equal(policy_field_group("status"), FG_STATUS);
	assert_int_equal(policy_field_group("exploitation"), FG_CASE);
	assert_int_equal(policy_field_group("phone"), FG_CONTACT);
	assert_int_equal(policy_field_group("document_number"), FG_IDENTITY);
	assert_int_equal(policy_field_group("owner_agency"), 0);
}

static void services_notes_referrals(void **state)
{
	struct principal officer = who(ROLE_OFFICER, "mia_ctd", "police");
	struct principal bar = who(ROLE_CASEWORKER, "bar_association", "bar");
	struct principal fund = who(ROLE_CASEWORKER, "mia_support_fund", "support_fund");
	struct principal job = who(ROLE_CASEWORKER, "state_employment_agency", "employment");
	struct principal shelter = who(ROLE_CASEWORKER, "mia_shelter", "shelter");
	struct principal coord = who(ROLE_COORDINATOR, "national_coordinator", "coordinator");
	(void)state;
	assert_true(policy_service_visible(&officer, "mia_shelter", "shelter", 0));
	assert_true(policy_service_visible(&bar, "bar_association", "legal_aid", 0));
	assert_false(policy_service_visible(&bar, "bar_association", "shelter", 0));
	assert_false(policy_service_visible(&bar, "ngo", "legal_aid", 0));
	assert_true(policy_service_visible(&fund, "mia_support_fund", "one_time_allowance", 1));
	assert_false(policy_service_visible(&fund, "mia_support_fund", "case_management", 0));
	assert_false(policy_service_visible(&job, "mia_shelter", "shelter", 0));
	assert_true(policy_service_visible(&job, "state_employment_agency", "employment", 0));
	assert_true(policy_service_visible(&shelter, "mia_shelter", "medical_assistance", 0));
	assert_false(policy_service_visible(&shelter, "ngo", "medical_assistance", 0));

	assert_true(policy_note_visible(&officer, "ngo"));
	assert_true(policy_note_visible(&shelter, "mia_shelter"));
	assert_false(policy_note_visible(&shelter, "ngo"));
	assert_false(policy_note_visible(&coord, "ngo"));

	assert_true(policy_referral_visible(&job, "ngo", "state_employment_agency"));
	assert_true(policy_referral_visible(&shelter, "mia_shelter", "ngo"));
	assert_false(policy_referral_visible(&shelter, "ngo", "bar_association"));
	assert_true(policy_referral_visible(&officer, "ngo", "bar_association"));
}

static void writes(void **state)
{
	struct principal officer = who(ROLE_OFFICER, "mia_ctd", "police");
	struct principal ngo = who(ROLE_CASEWORKER, "ngo", "ngo");
	struct principal job = who(ROLE_CASEWORKER, "state_employment_agency", "employment");
	struct principal analyst = who(ROLE_ANALYST, "ngo", "ngo");
	struct person_relation mine = {.registered = 1}, served = {.served = 1};
	(void)state;
	/* only officers decide victim status */
	assert_true(policy_person_create_values(&officer, "victim", "police"));
	assert_false(policy_person_create_values(&ngo, "victim", "ngo_referral"));
	assert_true(policy_person_create_values(&ngo, "potential_victim", "ngo_referral"));
	assert_true(policy_person_create_values(&ngo, "potential_victim", "citizen_appeal"));
	assert_false(policy_person_create_values(&ngo, "potential_victim", "police"));
	assert_false(policy_person_create_values(&analyst, "potential_victim", "ngo_referral"));
	assert_true(policy_person_create_fields(&officer) & FG_BLOCK);
	assert_false(policy_person_create_fields(&ngo) & FG_BLOCK);
	assert_int_equal(policy_person_create_fields(&analyst), 0);

	assert_true(policy_person_update_fields(&officer, &served) & FG_STATUS);
	assert_int_equal(policy_person_update_fields(&ngo, &mine), FG_IDENTITY | FG_CONTACT);
	assert_int_equal(policy_person_update_fields(&ngo, &served), 0);
	assert_int_equal(policy_person_update_fields(&job, &served), 0);

	assert_true(policy_service_create(&officer, "mia_shelter"));
	assert_true(policy_service_create(&ngo, "ngo"));
	assert_false(policy_service_create(&ngo, "mia_shelter"));
	assert_false(policy_service_create(&analyst, "ngo"));
	assert_string_equal(policy_referral_from(&ngo), "ngo");
	assert_null(policy_referral_from(&analyst));
	assert_true(policy_referral_update(&job, "ngo", "state_employment_agency"));
	assert_false(policy_referral_update(&ngo, "ngo", "state_employment_agency"));
	assert_true(policy_referral_update(&officer, "ngo", "state_employment_agency"));

	struct principal coord = who(ROLE_COORDINATOR, "national_coordinator", "coordinator");
	assert_false(policy_report_suppressed(&coord));
	assert_true(policy_report_suppressed(&analyst));

	assert_true(policy_filter_agency(&officer, "ngo"));
	assert_true(policy_filter_agency(&ngo, "ngo"));
	assert_false(policy_filter_agency(&ngo, "mia_shelter"));
}

/* A principal the store could never produce but a caller could hand over
 * (a struct left half-filled, memory gone wrong): the rules must not trust
 * that role and class are in range. */
static struct principal forged(enum role r, enum agency_class cls)
{
	struct principal p = who(ROLE_CASEWORKER, "ngo", "ngo");
	p.role = r;
	p.cls = cls;
	return p;
}

/* Names are what the OpenAPI document and the console print for an action;
 * the role bits are what the document says the gate grants, so they must be
 * the gate's own answer. */
static void action_names_and_grants(void **state)
{
	static const char *const names[ACT_COUNT] = {
		"public",          "signed_in",       "person.list",     "person.read",
		"person.create",   "person.update",   "service.create",  "referral.create",
		"referral.list",   "referral.update", "user.list",       "report.read",
		"duplicates.read", "erasure.request", "erasure.approve", "user.manage",
		"audit.read",      "report.freeze",   "export",          "codes.manage",
		"subject.access",  "legal_hold",
	};
	(void)state;
	for (int a = 0; a < ACT_COUNT; a++) {
		assert_string_equal(policy_action_name((enum action)a), names[a]);
		unsigned bits = policy_action_roles((enum action)a);
		assert_false(bits & (1u << ROLE_NONE));
		for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++) {
			struct principal p = who((enum role)r, "ngo", "ngo");
			if (!!(bits & (1u << r)) != policy_allows(&p, (enum action)a))
				fail_msg("action %s, role %s: documented %d", names[a],
					 policy_role_name((enum role)r), !!(bits & (1u << r)));
		}
	}
	assert_string_equal(policy_action_name(ACT_COUNT), "none");
	assert_string_equal(policy_action_name((enum action)-1), "none");
	assert_int_equal(policy_action_roles(ACT_COUNT), 0);
	assert_int_equal(policy_action_roles((enum action)-1), 0);
}

/* Out-of-range roles and missing kinds are nobody: no name, no one-time
 * code demanded of a role that has no data to see, no agency to belong to. */
static void roles_and_kinds_fail_closed(void **state)
{
	(void)state;
	assert_string_equal(policy_role_name(ROLE_NONE), "");
	assert_string_equal(policy_role_name(ROLE_COUNT), "");
	assert_string_equal(policy_role_name((enum role)-1), "");
	assert_int_equal(policy_role_parse(""), ROLE_NONE);
	assert_int_equal(policy_role_parse("Officer"), ROLE_NONE);
	assert_false(policy_role_fits_kind(ROLE_NONE, "police"));
	assert_false(policy_role_fits_kind(ROLE_COUNT, "police"));
	assert_false(policy_role_fits_kind((enum role)-1, "ngo"));
	assert_false(policy_role_fits_kind(ROLE_OFFICER, NULL));
	assert_false(policy_role_fits_kind(ROLE_CASEWORKER, NULL));
	assert_false(policy_role_fits_kind(ROLE_ADMIN, NULL));
	assert_true(policy_role_fits_kind(ROLE_ADMIN, "ngo"));
	/* documented: an agency without a kind is general (shelters, NGOs...) */
	assert_int_equal(policy_class_of_kind(NULL), CLASS_GENERAL);
}

/* A session row with a bad value must not become a principal, and the
 * caller's struct must keep what it had (header: untouched on error). */
static void principal_rejects_malformed_rows(void **state)
{
	char name64[PRINCIPAL_NAME_MAX + 2], agency64[PRINCIPAL_AGENCY_MAX + 2];
	struct principal p, before;
	(void)state;
	memset(name64, 'u', PRINCIPAL_NAME_MAX + 1);
	name64[PRINCIPAL_NAME_MAX + 1] = '\0'; /* one byte too long */
	memset(agency64, 'a', PRINCIPAL_AGENCY_MAX + 1);
	agency64[PRINCIPAL_AGENCY_MAX + 1] = '\0';
	memset(&before, 0xA5, sizeof before);

	const struct {
		const char *username, *agency, *role;
	} bad[] = {
		{NULL, "ngo", "caseworker"},   {"x", NULL, "caseworker"}, {"x", "ngo", NULL},
		{"x", "ngo", ""},              {name64, "ngo", "caseworker"},
		{"x", agency64, "caseworker"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = before;
		assert_int_equal(policy_principal(&p, 7, bad[i].username, bad[i].agency, "ngo",
						  bad[i].role),
				 ERR_INVALID);
		assert_memory_equal(&p, &before, sizeof p);
	}

	/* the longest names still fit, whole and terminated */
	name64[PRINCIPAL_NAME_MAX] = '\0';
	agency64[PRINCIPAL_AGENCY_MAX] = '\0';
	assert_int_equal(policy_principal(&p, 7, name64, agency64, NULL, "caseworker"), ERR_OK);
	assert_string_equal(p.username, name64);
	assert_string_equal(p.agency, agency64);
	assert_int_equal(p.role, ROLE_CASEWORKER);
	assert_int_equal(p.cls, CLASS_GENERAL);
	assert_int_equal(p.user_id, 7);
}

/* The route gate: no role in range, no entry; no action in range, no entry. */
static void gate_fails_closed_on_malformed_principals(void **state)
{
	struct principal bad[] = {
		forged(ROLE_NONE, CLASS_GENERAL),
		forged(ROLE_COUNT, CLASS_GENERAL),
		forged((enum role)99, CLASS_GENERAL),
		forged((enum role)-1, CLASS_GENERAL),
	};
	struct principal officer = who(ROLE_OFFICER, "mia_ctd", "police");
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (int a = ACT_SIGNED_IN; a < ACT_COUNT; a++)
			if (policy_allows(&bad[i], (enum action)a))
				fail_msg("role %d allowed %s", (int)bad[i].role,
					 policy_action_name((enum action)a));
		assert_true(policy_allows(&bad[i], ACT_PUBLIC));
		assert_false(policy_allows(&bad[i], ACT_COUNT));
	}
	assert_false(policy_allows(&officer, (enum action)-1));
	assert_false(policy_allows(&officer, (enum action)(ACT_COUNT + 1)));
	assert_false(policy_allows(NULL, (enum action)-1));
}

/* Step-up per the header (ASVS 7.5.3): user management, report approval,
 * erasures, bulk export and codes whoever asks; a single-record read for a
 * coordinator only (officers and caseworkers read as part of their work). */
static void step_up_by_action_and_role(void **state)
{
	static const enum action always[] = {
		ACT_USER_LIST,       ACT_USER_MANAGE,     ACT_REPORT_FREEZE, ACT_ERASURE_REQUEST,
		ACT_ERASURE_APPROVE, ACT_BULK_EXPORT,     ACT_CODES_MANAGE,  ACT_SUBJECT_ACCESS,
		ACT_LEGAL_HOLD,
	};
	(void)state;
	for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++) {
		struct principal p = who((enum role)r, "ngo", "ngo");
		for (int a = 0; a < ACT_COUNT; a++) {
			int want = a == ACT_PERSON_READ && r == ROLE_COORDINATOR;
			for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
				want |= a == (int)always[i];
			if (policy_needs_step_up(&p, (enum action)a) != want)
				fail_msg("action %s, role %s: expected %d",
					 policy_action_name((enum action)a),
					 policy_role_name((enum role)r), want);
		}
	}
	for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
		assert_true(policy_needs_step_up(NULL, always[i]));
	assert_false(policy_needs_step_up(NULL, ACT_PERSON_READ));
}

/* Every record rule, asked with no principal or a role out of range, denies:
 * nothing in scope, no fields, no services, notes or referrals, no writes. */
static void record_rules_fail_closed_on_malformed_principals(void **state)
{
	struct principal bad[] = {
		forged(ROLE_NONE, CLASS_GENERAL),
		forged(ROLE_COUNT, CLASS_GENERAL),
		forged((enum role)99, CLASS_GENERAL),
	};
	struct person_relation related = {.registered = 1, .served = 1, .referred = 1};
	(void)state;
	for (size_t i = 0; i <= sizeof bad / sizeof bad[0]; i++) {
		const struct principal *p = i < sizeof bad / sizeof bad[0] ? &bad[i] : NULL;
		struct person_scope s;
		for (int reason = 0; reason < 2; reason++) {
			policy_person_scope(p, reason, &s);
			assert_true(s.none);
			assert_false(s.all);
			assert_false(policy_person_visible(p, &related, reason));
		}
		assert_false(policy_filter_agency(p, "ngo"));
		assert_int_equal(policy_person_fields(p), 0);
		assert_false(policy_service_visible(p, "ngo", "shelter", 1));
		assert_false(policy_note_visible(p, "ngo"));
		assert_false(policy_referral_visible(p, "ngo", "ngo"));
		assert_int_equal(policy_person_create_fields(p), 0);
		assert_false(policy_person_create_values(p, "potential_victim", "ngo_referral"));
		assert_int_equal(policy_person_update_fields(p, &related), 0);
		assert_false(policy_service_create(p, "ngo"));
		assert_null(policy_referral_from(p));
		assert_false(policy_referral_update(p, "ngo", "ngo"));
		assert_false(policy_duplicates_refs(p));
		assert_true(policy_report_suppressed(p));
	}
}

/* A caseworker whose agency class is out of range has no need-to-know row:
 * it sees no person, reads no field and no service, changes nothing. */
static void caseworker_of_unknown_class_sees_nothing(void **state)
{
	static const enum agency_class classes[] = {CLASS_COUNT, (enum agency_class)99};
	struct person_relation mine = {.registered = 1, .served = 1, .is_dependant = 1};
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct principal p = forged(ROLE_CASEWORKER, classes[i]);
		struct person_scope s;
		policy_person_scope(&p, 1, &s);
		assert_true(s.none);
		assert_null(s.agency);
		assert_false(policy_person_visible(&p, &mine, 1));
		assert_int_equal(policy_person_fields(&p), 0);
		assert_false(policy_service_visible(&p, "ngo", "legal_aid", 1));
		assert_int_equal(policy_person_update_fields(&p, &mine), 0);
	}
}

/* Missing names never match the principal's agency, a list or a field. */
static void missing_names_fail_closed(void **state)
{
	struct principal ngo = who(ROLE_CASEWORKER, "ngo", "ngo");
	struct principal bar = who(ROLE_CASEWORKER, "bar_association", "bar");
	(void)state;
	assert_false(policy_filter_agency(&ngo, NULL));
	assert_false(policy_service_visible(&ngo, NULL, "shelter", 0));
	assert_false(policy_service_visible(&bar, "bar_association", NULL, 0));
	assert_false(policy_note_visible(&ngo, NULL));
	assert_false(policy_referral_visible(&ngo, NULL, NULL));
	assert_true(policy_referral_visible(&ngo, NULL, "ngo"));
	assert_false(policy_person_create_values(&ngo, NULL, "ngo_referral"));
	assert_false(policy_person_create_values(&ngo, "potential_victim", NULL));
	assert_false(policy_service_create(&ngo, NULL));
	assert_false(policy_referral_update(&ngo, "ngo", NULL));
	assert_int_equal(policy_field_group(NULL), 0);
	assert_int_equal(policy_field_group(""), 0);
	assert_int_equal(policy_field_group("statuses"), 0);
	assert_int_equal(policy_field_group("parent"), FG_PARENT_NAME);
	assert_int_equal(policy_field_group("access_block"), FG_BLOCK);
	assert_int_equal(policy_field_group("id"), FG_IDENTITY);
}

/* access.md for the roles that are not caseworkers: a coordinator (with a
 * reason) sees a record's services and referrals but not notes, and changes
 * nothing; analysts, auditors and admins see and change no record; an
 * officer refers from its own agency. */
static void record_decisions_of_other_roles(void **state)
{
	struct principal officer = who(ROLE_OFFICER, "mia_ctd", "police");
	struct principal coord = who(ROLE_COORDINATOR, "national_coordinator", "coordinator");
	struct person_relation related = {.registered = 1, .served = 1, .referred = 1};
	struct person_relation unrelated = {0};
	struct principal ngo = who(ROLE_CASEWORKER, "ngo", "ngo");
	(void)state;
	assert_string_equal(policy_referral_from(&officer), "mia_ctd");
	assert_true(policy_service_visible(&coord, "ngo", "shelter", 0));
	assert_true(policy_referral_visible(&coord, "ngo", "bar_association"));
	assert_false(policy_filter_agency(&coord, "national_coordinator"));
	assert_false(policy_duplicates_refs(&coord));
	assert_true(policy_duplicates_refs(&officer));
	assert_false(policy_read_needs_reason(&ngo));
	assert_int_equal(policy_person_update_fields(&ngo, &unrelated), 0);
	for (int r = ROLE_COORDINATOR; r < ROLE_COUNT; r++) {
		const char *agency = r == ROLE_COORDINATOR ? "national_coordinator" : "ngo";
		struct principal p = who((enum role)r, agency, "ngo");
		if (r != ROLE_COORDINATOR) {
			assert_false(policy_service_visible(&p, agency, "shelter", 1));
			assert_false(policy_referral_visible(&p, agency, agency));
			assert_false(policy_filter_agency(&p, agency));
		}
		assert_false(policy_note_visible(&p, agency));
		assert_int_equal(policy_person_create_fields(&p), 0);
		assert_false(policy_person_create_values(&p, "potential_victim", "ngo_referral"));
		assert_int_equal(policy_person_update_fields(&p, &related), 0);
		assert_false(policy_service_create(&p, agency));
		assert_null(policy_referral_from(&p));
		assert_false(policy_referral_update(&p, "ngo", agency));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles_and_kinds),
		cmocka_unit_test(route_matrix),
		cmocka_unit_test(scope_agrees_with_rule),
		cmocka_unit_test(who_sees_whom),
		cmocka_unit_test(fields_by_kind),
		cmocka_unit_test(services_notes_referrals),
		cmocka_unit_test(writes),
		cmocka_unit_test(action_names_and_grants),
		cmocka_unit_test(roles_and_kinds_fail_closed),
		cmocka_unit_test(principal_rejects_malformed_rows),
		cmocka_unit_test(gate_fails_closed_on_malformed_principals),
		cmocka_unit_test(step_up_by_action_and_role),
		cmocka_unit_test(record_rules_fail_closed_on_malformed_principals),
		cmocka_unit_test(caseworker_of_unknown_class_sees_nothing),
		cmocka_unit_test(missing_names_fail_closed),
		cmocka_unit_test(record_decisions_of_other_roles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
