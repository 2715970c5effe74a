/*
 * test_policy.c - the access policy against shared/spec/access.md, rule by
 * rule: the route-level matrix, who sees which persons (relations, access
 * block, dependants, a coordinator's reason), field groups by agency kind,
 * services, notes and referrals, and what each role may write.  Also checks
 * that the scope handed to queries and the one-record rule agree on every
 * combination, since lists use the one and reads the other.
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
		{ACT_BULK_EXPORT, "o"},      {ACT_CODES_MANAGE, "a"},
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
