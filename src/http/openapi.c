/*
 * openapi.c - the API document of openapi.h.  Each route of the table is an
 * operation: its summary, the action and roles it needs (x-haven-action,
 * x-haven-roles), its path and query parameters, its body's members (no
 * others accepted), its success status, and the problem document every
 * failure answers with.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "http/openapi.h"
#include "http/request.h"
#include "http/routes.h"

#define OPERATION_ID_MAX 128

static json_t *problem_schema(void)
{
	return json_pack(
		"{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:{s:s, s:{s:{s:s}, s:{s:s}}}}}}",
		"type", "object", "properties", "type", "type", "string", "title", "type", "string",
		"status", "type", "integer", "detail", "type", "string", "errors", "type", "array",
		"items", "type", "object", "properties", "field", "type", "string", "message",
		"type", "string");
}

static json_t *components(void)
{
	return json_pack("{s:{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}}, s:{s:o}}", "securitySchemes",
			 "session", "type", "apiKey", "in", "cookie", "name", HTTP_COOKIE_NAME,
			 "csrf", "type", "apiKey", "in", "header", "name", HTTP_CSRF_HEADER,
			 "schemas", "Problem", problem_schema());
}

static json_t *string_list(const char *const *names)
{
	json_t *a = json_array();
	for (size_t i = 0; a && names && names[i]; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

static json_t *roles_of(enum action a)
{
	const char *names[ROLE_COUNT + 1];
	size_t n = 0;
	unsigned bits = policy_action_roles(a);
	for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++)
		if (bits & (1u << r))
			names[n++] = policy_role_name((enum role)r);
	names[n] = NULL;
	return string_list(names);
}

static json_t *parameters(const struct route *rt)
{
	json_t *a = json_array();
	if (a && strstr(rt->pattern, "{id}"))
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:{s:s, s:s}}", "name", "id",
						   "in", "path", "required", 1, "schema", "type",
						   "string", "pattern", "^[A-Za-z0-9._:-]{1,64}$"));
	for (size_t i = 0; a && rt->query && rt->query[i]; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", rt->query[i],
						   "in", "query", "required", 0, "schema", "type",
						   "string"));
	return a;
}

static json_t *request_body(const struct route *rt)
{
	json_t *props = json_object();
	for (size_t i = 0; props && rt->fields[i]; i++)
		json_object_set_new(props, rt->fields[i], json_object());
	return json_pack("{s:b, s:{s:{s:{s:s, s:o, s:b}}}}", "required", 1, "content",
			 "application/json", "schema", "type", "object", "properties", props,
			 "additionalProperties", 0);
}

static json_t *security(const struct route *rt)
{
	if (rt->action == ACT_PUBLIC)
		return json_array();
	if (strcmp(rt->method, "GET") == 0)
		return json_pack("[{s:[]}]", "session");
	return json_pack("[{s:[], s:[]}]", "session", "csrf");
}

static void operation_id(const struct route *rt, char *buf)
{
	size_t n = (size_t)snprintf(buf, OPERATION_ID_MAX, "%s", rt->method);
	for (const char *p = rt->pattern; *p && n + 1 < OPERATION_ID_MAX; p++)
		buf[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	buf[n] = '\0';
	for (size_t i = 0; i < strlen(rt->method); i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
}

static json_t *operation(const struct route *rt)
{
	char id[OPERATION_ID_MAX], status[8];
	snprintf(status, sizeof status, "%u", rt->success);
	operation_id(rt, id);
	json_t *op = json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:o, s:{s:{s:s}, s:{s:s, s:{s:{s:{s:s}}}}}}", "operationId",
		id, "summary", rt->summary, "x-haven-action", policy_action_name(rt->action),
		"x-haven-roles", roles_of(rt->action), "security", security(rt), "parameters",
		parameters(rt), "responses", status, "description", "success", "default",
		"description", "a problem document", "content", "application/problem+json",
		"schema", "$ref", "#/components/schemas/Problem");
	if (op && rt->fields)
		json_object_set_new(op, "requestBody", request_body(rt));
	return op;
}

int openapi_covers(const struct route *rt)
{
	return strncmp(rt->pattern, "/api/", 5) == 0 || strcmp(rt->pattern, "/healthz") == 0 ||
	       strcmp(rt->pattern, "/metrics") == 0;
}

json_t *openapi_document(void)
{
	json_t *paths = json_object();
	for (size_t i = 0; paths && i < routes_count; i++) {
		const struct route *rt = &routes[i];
		char method[16];
		if (!openapi_covers(rt))
			continue;
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		snprintf(method, sizeof method, "%s", rt->method);
		for (char *p = method; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		json_object_set_new(item, method, operation(rt));
	}
	return json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:o}", "openapi", "3.0.3", "info", "title",
			 "Haven API", "version", "1", "description",
			 "The multi-agency API of Haven (docs/internals/http.md)", "paths", paths,
			 "components", components());
}
