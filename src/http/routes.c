/*
 * routes.c - the route table of routes.h and its matcher.
 */
#include <string.h>

#include "http/assets.h"
#include "http/handlers.h"
#include "http/routes.h"

const char *const routes_none[] = {NULL};

static const char *const q_persons[] = {"status", "year", "agency", "cursor", "limit", NULL};
static const char *const q_referrals[] = {"to", "status", "cursor", "limit", NULL};
static const char *const q_report[] = {"year", "format", "lang", NULL};
static const char *const q_duplicates[] = {"year", NULL};
static const char *const b_signin[] = {"username", "password", "otp", NULL};
static const char *const b_reauth[] = {"password", "otp", NULL};
static const char *const q_terms[] = {"lang", NULL};
static const char *const b_terms[] = {"version", NULL};
static const char *const b_reset[] = {"username", "code", "new_password", "otp", NULL};
static const char *const b_search[] = {"name",   "document_number", "status", "year",
				       "agency", "cursor",          "limit",  NULL};
/* caseview_person_fields and access_block (test_http_openapi checks) */
static const char *const b_person[] = {
	"status", "parent_id", "given_name", "family_name", "patronymic", "sex", "birth_date",
	"citizenship", "document_number", "phone", "address", "identified_on",
	"identification_source", "recognized_on", "decided_on", "exploitation",
	"country_of_exploitation", "access_block", NULL};
static const char *const b_service[] = {"service", "provider", "date", "end_date", "amount",
					"currency", "phase", "note", NULL};
static const char *const b_referral[] = {"person_id", "to",      "purpose",          "date",
					 "consent",   "consent_override", "override_reason", NULL};
static const char *const b_answer[] = {"status", "closed_on", NULL};
static const char *const b_erasure[] = {"reason", NULL};
static const char *const b_hold[] = {"reason", NULL};
static const char *const q_audit[] = {"before", "limit", "actor", "action", "record",
				       "since", "until", NULL};
static const char *const q_activity[] = {"limit", NULL};
static const char *const b_code_add[] = {"list", "code", "en", "az", "money", NULL};
static const char *const b_agency_add[] = {"code", "kind", "en", "az", NULL};
static const char *const b_user_add[] = {"username", "role", "agency", NULL};
static const char *const b_user_change[] = {"role", "agency", "disabled", NULL};
static const char *const b_freeze[] = {"year", NULL};

#define NONE routes_none

const struct route routes[] = {
	{"GET", "/healthz", ACT_PUBLIC, 0, h_healthz, 200, "Whether the server can serve",
	 NONE, NULL},
	{"GET", "/metrics", ACT_PUBLIC, 0, h_metrics, 200, "Counters in Prometheus text format",
	 NONE, NULL},
	{"GET", "/api/v1/openapi.json", ACT_PUBLIC, 0, h_openapi, 200, "This document", NONE,
	 NULL},
	{"POST", "/api/v1/session", ACT_PUBLIC, ROUTE_SIGNIN | ROUTE_BODY, h_session_create, 200,
	 "Sign in with password and one-time code", NONE, b_signin},
	{"GET", "/api/v1/session", ACT_SIGNED_IN, 0, h_session_show, 200, "Who is signed in",
	 NONE, NULL},
	{"DELETE", "/api/v1/session", ACT_SIGNED_IN, 0, h_session_delete, 204, "Sign out", NONE,
	 NULL},
	{"GET", "/api/v1/session/activity", ACT_SIGNED_IN, 0, h_session_activity, 200,
	 "What happened to one's own account: sign-ins, refusals, changes by others",
	 q_activity, NULL},
	{"POST", "/api/v1/session/reauth", ACT_SIGNED_IN, ROUTE_BODY, h_session_reauth, 200,
	 "Authenticate again (password and one-time code) for the sensitive actions: a new "
	 "session", NONE, b_reauth},
	{"GET", "/api/v1/terms", ACT_SIGNED_IN, 0, h_terms_show, 200,
	 "The data-protection terms, to read before reaching any record", q_terms, NULL},
	{"POST", "/api/v1/session/terms", ACT_SIGNED_IN, ROUTE_BODY, h_terms_accept, 204,
	 "Accept the data-protection terms of the version read", NONE, b_terms},
	{"POST", "/api/v1/password-reset", ACT_PUBLIC, ROUTE_SIGNIN | ROUTE_BODY, h_password_reset,
	 204, "Set a new password with a reset code from an administrator and a one-time code",
	 NONE, b_reset},
	{"GET", "/api/v1/persons", ACT_PERSON_LIST, 0, h_persons_list, 200,
	 "Persons in sight, a page at a time", q_persons, NULL},
	{"POST", "/api/v1/persons/search", ACT_PERSON_LIST, ROUTE_BODY, h_persons_search, 200,
	 "Persons in sight by name (any spelling, or its beginning) or document number",
	 NONE, b_search},
	{"POST", "/api/v1/persons", ACT_PERSON_CREATE, ROUTE_BODY, h_person_create, 201,
	 "Register a person", NONE, b_person},
	{"GET", "/api/v1/persons/{id}", ACT_PERSON_READ, 0, h_person_read, 200,
	 "One person with the services and referrals in sight", NONE, NULL},
	{"POST", "/api/v1/persons/{id}/reveal", ACT_PERSON_READ, 0, h_person_reveal, 200,
	 "A person's whole document number (reads show it masked); audited", NONE, NULL},
	{"GET", "/api/v1/persons/{id}/subject-access", ACT_SUBJECT_ACCESS, 0,
	 h_person_subject_access, 200,
	 "Everything held on one person and who saw it, for that person (HUM-08); audited", NONE,
	 NULL},
	{"POST", "/api/v1/persons/{id}/legal-hold", ACT_LEGAL_HOLD, ROUTE_BODY, h_legal_hold, 200,
	 "Keep a person's record past its retention period (HUM-11); audited", NONE, b_hold},
	{"DELETE", "/api/v1/persons/{id}/legal-hold", ACT_LEGAL_HOLD, 0, h_legal_hold, 200,
	 "Lift the legal hold; the retention period counts again; audited", NONE, NULL},
	{"PATCH", "/api/v1/persons/{id}", ACT_PERSON_UPDATE, ROUTE_BODY, h_person_update, 200,
	 "Change fields of a person", NONE, b_person},
	{"POST", "/api/v1/persons/{id}/services", ACT_SERVICE_CREATE, ROUTE_BODY,
	 h_service_create, 201, "Record a service given to a person", NONE, b_service},
	{"POST", "/api/v1/referrals", ACT_REFERRAL_CREATE, ROUTE_BODY, h_referral_create, 201,
	 "Refer a person to another agency", NONE, b_referral},
	{"GET", "/api/v1/referrals", ACT_REFERRAL_LIST, 0, h_referrals_list, 200,
	 "Referrals in sight (to=mine: the agency's inbox)", q_referrals, NULL},
	{"PATCH", "/api/v1/referrals/{id}", ACT_REFERRAL_UPDATE, ROUTE_BODY, h_referral_update,
	 200, "Accept, decline or complete a referral", NONE, b_answer},
	{"POST", "/api/v1/persons/{id}/erasure", ACT_ERASURE_REQUEST, ROUTE_BODY,
	 h_erasure_request, 202,
	 "Ask for the erasure of a person's data; another officer must approve", NONE, b_erasure},
	{"GET", "/api/v1/erasure-requests", ACT_ERASURE_APPROVE, 0, h_erasures_list, 200,
	 "The erasure requests waiting for approval", NONE, NULL},
	{"POST", "/api/v1/erasure-requests/{id}/approve", ACT_ERASURE_APPROVE, 0,
	 h_erasure_approve, 200,
	 "Approve another officer's erasure request: the person's data is erased", NONE, NULL},
	{"GET", "/api/v1/users", ACT_USER_LIST, 0, h_users_list, 200, "The accounts", NONE, NULL},
	{"POST", "/api/v1/users", ACT_USER_MANAGE, ROUTE_BODY, h_user_add, 201,
	 "Add an account: its one-time-code URI and a reset code for its first password, once",
	 NONE, b_user_add},
	{"PATCH", "/api/v1/users/{id}", ACT_USER_MANAGE, ROUTE_BODY, h_user_change, 200,
	 "Change an account's role, agency or state; its sessions end", NONE, b_user_change},
	{"POST", "/api/v1/users/{id}/reset", ACT_USER_MANAGE, 0, h_user_reset, 200,
	 "A password reset code for an account, once; its password and sessions end", NONE,
	 NULL},
	{"GET", "/api/v1/codes", ACT_SIGNED_IN, 0, h_codes, 200,
	 "The code lists and agencies with their labels", NONE, NULL},
	{"POST", "/api/v1/codes", ACT_CODES_MANAGE, ROUTE_BODY, h_code_add, 201,
	 "Add a code to a list a deployment may extend (services, sources, exploitation)", NONE,
	 b_code_add},
	{"POST", "/api/v1/agencies", ACT_CODES_MANAGE, ROUTE_BODY, h_agency_add, 201,
	 "Add an agency of a kind the policy knows", NONE, b_agency_add},
	{"GET", "/api/v1/persons/{id}/children", ACT_PERSON_READ, 0, h_person_children, 200,
	 "A person's children and parent, those in sight", NONE, NULL},
	{"GET", "/api/v1/audit", ACT_AUDIT_READ, 0, h_audit_list, 200,
	 "Audit log entries, newest first (before: the next page), filtered by actor, action, "
	 "record and time (since, until: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", q_audit, NULL},
	{"GET", "/api/v1/audit/verify", ACT_AUDIT_READ, 0, h_audit_verify, 200,
	 "Recompute the audit log's hash chain and Merkle root", NONE, NULL},
	{"GET", "/api/v1/reports/annual", ACT_REPORT_READ, 0, h_report_annual, 200,
	 "The annual report of a year, in a format and language", q_report, NULL},
	{"GET", "/api/v1/duplicates", ACT_DUPLICATES_READ, 0, h_duplicates, 200,
	 "Persons counted once across agencies: probable-duplicate pairs by agency (officers: "
	 "the groups' record ids too)", q_duplicates, NULL},
	{"POST", "/api/v1/reports/annual/freeze", ACT_REPORT_FREEZE, ROUTE_BODY, h_report_freeze,
	 200, "Approve a year's annual report (once)", NONE, b_freeze},
	{"GET", "/", ACT_PUBLIC, 0, h_asset_index, 200, "The web interface", NONE, NULL},
	{"GET", "/assets/{id}", ACT_PUBLIC, 0, h_asset_file, 200, "A file of the web interface",
	 NONE, NULL},
};

const size_t routes_count = sizeof routes / sizeof routes[0];

int routes_is_ref(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > RECORD_REF_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == ':' || c == '-'))
			return 0;
	}
	return 1;
}

/* Matches one path against one pattern.  Walked a byte at a time: most
 * patterns differ from the path early, and every request tries them all. */
static int path_matches(const char *pattern, const char *path, char *param)
{
	const char *start = pattern;
	param[0] = '\0';
	while (*pattern) {
		if (pattern > start && pattern[-1] == '/' && strncmp(pattern, "{id}", 4) == 0) {
			size_t slen = strcspn(path, "/");
			if (slen == 0 || slen > HTTP_PARAM_MAX)
				return 0;
			memcpy(param, path, slen);
			param[slen] = '\0';
			if (!routes_is_ref(param))
				return 0;
			pattern += 4;
			path += slen;
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	return *path == '\0';
}

static void allow_add(char *allow, const char *method)
{
	size_t used = strlen(allow), n = strlen(method);
	if (used + n + 3 > ROUTE_ALLOW_MAX)
		return;
	if (used) {
		memcpy(allow + used, ", ", 2);
		used += 2;
	}
	memcpy(allow + used, method, n + 1);
}

enum route_match routes_find(const char *method, const char *path, const struct route **out,
			     char *param, char *allow)
{
	char scratch[HTTP_PARAM_MAX + 1];
	int path_known = 0;
	allow[0] = '\0';
	for (size_t i = 0; i < routes_count; i++) {
		if (!path_matches(routes[i].pattern, path, scratch))
			continue;
		path_known = 1;
		allow_add(allow, routes[i].method);
		if (strcmp(routes[i].method, method) == 0) {
			memcpy(param, scratch, sizeof scratch);
			*out = &routes[i];
			return ROUTE_FOUND;
		}
	}
	return path_known ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
