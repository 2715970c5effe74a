/*
 * routes.c - the route table of routes.h and its matcher.
 */
#include <string.h>

#include "http/handlers.h"
#include "http/routes.h"

const struct route routes[] = {
	{"GET", "/healthz", ACT_PUBLIC, 0, h_healthz},
	{"GET", "/metrics", ACT_PUBLIC, 0, h_metrics},
	{"POST", "/api/v1/session", ACT_PUBLIC, ROUTE_SIGNIN | ROUTE_BODY, h_session_create},
	{"GET", "/api/v1/session", ACT_SIGNED_IN, 0, h_session_show},
	{"DELETE", "/api/v1/session", ACT_SIGNED_IN, 0, h_session_delete},
	{"GET", "/api/v1/persons", ACT_PERSON_LIST, 0, h_persons_list},
	{"POST", "/api/v1/persons/search", ACT_PERSON_LIST, ROUTE_BODY, h_persons_search},
	{"POST", "/api/v1/persons", ACT_PERSON_CREATE, ROUTE_BODY, h_person_create},
	{"GET", "/api/v1/persons/{id}", ACT_PERSON_READ, 0, h_person_read},
	{"PATCH", "/api/v1/persons/{id}", ACT_PERSON_UPDATE, ROUTE_BODY, h_person_update},
	{"POST", "/api/v1/persons/{id}/services", ACT_SERVICE_CREATE, ROUTE_BODY, h_service_create},
	{"POST", "/api/v1/referrals", ACT_REFERRAL_CREATE, ROUTE_BODY, h_referral_create},
	{"GET", "/api/v1/referrals", ACT_REFERRAL_LIST, 0, h_referrals_list},
	{"PATCH", "/api/v1/referrals/{id}", ACT_REFERRAL_UPDATE, ROUTE_BODY, h_referral_update},
	{"GET", "/api/v1/users", ACT_USER_LIST, 0, h_users_list},
	{"GET", "/api/v1/reports/annual", ACT_REPORT_READ, 0, h_report_annual},
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

/* Matches one path against one pattern, segment by segment. */
static int path_matches(const char *pattern, const char *path, char *param)
{
	param[0] = '\0';
	while (*pattern && *path) {
		if (*pattern != '/' || *path != '/')
			return 0;
		pattern++;
		path++;
		size_t plen = strcspn(pattern, "/"), slen = strcspn(path, "/");
		if (plen == 4 && memcmp(pattern, "{id}", 4) == 0) {
			if (slen == 0 || slen > HTTP_PARAM_MAX)
				return 0;
			memcpy(param, path, slen);
			param[slen] = '\0';
			if (!routes_is_ref(param))
				return 0;
		} else if (plen != slen || memcmp(pattern, path, plen) != 0) {
			return 0;
		}
		pattern += plen;
		path += slen;
	}
	return *pattern == '\0' && *path == '\0';
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
