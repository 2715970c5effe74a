/*
 * h_users.c - the accounts over HTTP, for administrators: list them (GET
 * /api/v1/users), add one (POST), change its role, agency or state (PATCH
 * /api/v1/users/{username}) and make a password reset code (POST
 * /api/v1/users/{username}/reset).  The logic is users.c's, the same the CLI's
 * `haven user` uses: every change is audited and ends the account's sessions
 * there.  No secret and no hash ever leaves users.c.
 *
 * An administrator never chooses or sees a password: a new account gets a
 * random one nobody knows, and a reset code at once, which the new user
 * redeems with their own password (POST /api/v1/password-reset).  The
 * one-time-code URI and the reset code are answered once and wiped here.
 * An administrator cannot disable or change their own account over HTTP, so
 * that the last administrator cannot lock everyone out by a slip.
 */
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/password.h"
#include "core/users.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/routes.h"
#include "util/qr.h"

#define INITIAL_PASSWORD_BYTES 24 /* random, never shown: the user sets theirs */

static json_t *user_json(const struct user_info *u)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:b}", "username", u->username,
			 "role", policy_role_name(u->role), "agency", u->agency, "disabled",
			 u->disabled, "one_time_codes", u->has_totp, "created_at",
			 (json_int_t)u->created_at, "changed_at", (json_int_t)u->changed_at,
			 "terms_accepted", strcmp(u->terms_version, terms_version()) == 0);
}

static err_t add_user(const struct user_info *u, void *ctx)
{
	json_t *item = user_json(u);
	return item && json_array_append_new(ctx, item) == 0 ? ERR_OK : ERR_NOMEM;
}

err_t h_users_list(struct request *rq, struct reply *out)
{
	json_t *list = json_array();
	err_t e;
	if (!list)
		return ERR_NOMEM;
	if ((e = users_list(rq->reg, add_user, list)) != ERR_OK) {
		json_decref(list);
		return e;
	}
	out->json = json_pack("{s:o}", "users", list);
	return out->json ? ERR_OK : ERR_NOMEM;
}

/* The audit entry's actor part for a change made by the signed-in user. */

/* Checks a role and agency the way users.c will, field by field, so that
 * the answer names the field; either may be NULL (unchanged: `cur_*`). */
static void check_role_agency(struct request *rq, const char *role, const char *agency,
			      enum role cur_role, const char *cur_agency, struct reply *out)
{
	enum role r = role ? policy_role_parse(role) : cur_role;
	const char *kind = codes_agency_kind(registry_codes(rq->reg), agency ? agency : cur_agency);
	if (role && r == ROLE_NONE)
		reply_field_error(out, "role", "officer, caseworker, coordinator, analyst, "
					       "auditor or admin");
	if (agency && !kind)
		reply_field_error(out, "agency", "an agency of the agencies list");
	if (r != ROLE_NONE && kind && !policy_role_fits_kind(r, kind))
		reply_field_error(out, role ? "role" : "agency",
				  "officers belong to a police agency, coordinators to the "
				  "National Coordinator; this role cannot belong to this agency");
}

/* The URI's QR code for the interface to draw: rows of "0" (light) and "1"
 * (dark) modules; null when it cannot be made (the URI is shown anyway). */
static json_t *qr_json(const char *uri)
{
	struct qr q;
	json_t *rows;
	if (qr_encode(uri, &q) != ERR_OK)
		return json_null();
	rows = json_array();
	for (size_t y = 0; rows && y < q.width; y++) {
		char line[QR_WIDTH_MAX + 1];
		for (size_t x = 0; x < q.width && x < QR_WIDTH_MAX; x++)
			line[x] = q.modules[y * q.width + x] ? '1' : '0';
		line[q.width < QR_WIDTH_MAX ? q.width : QR_WIDTH_MAX] = '\0';
		if (json_array_append_new(rows, json_string(line)) != 0) {
			json_decref(rows);
			rows = NULL;
		}
	}
	qr_free(&q);
	return rows ? rows : json_null();
}

/* The reply of a new or changed account: the account, and the secrets made
 * for it (once). */
static err_t account_reply(struct request *rq, const char *username, const char *uri,
			   const char *code, struct reply *out)
{
	struct user_info u;
	json_t *o;
	err_t e = users_find(rq->reg, username, &u);
	if (e != ERR_OK)
		return e;
	if (!(o = json_pack("{s:o}", "user", user_json(&u))))
		return ERR_NOMEM;
	if ((uri && *uri &&
	     (json_object_set_new(o, "otpauth_uri", json_string(uri)) != 0 ||
	      json_object_set_new(o, "otpauth_qr", qr_json(uri)) != 0)) ||
	    (code && *code &&
	     (json_object_set_new(o, "reset_code", json_string(code)) != 0 ||
	      json_object_set_new(o, "reset_expires_at",
				  json_integer(clock_now() + USERS_RESET_SECONDS)) != 0))) {
		json_decref(o);
		return ERR_NOMEM;
	}
	out->json = o;
	return ERR_OK;
}

/* A random password nobody will know, meeting the policy. */
static void initial_password(char *text, size_t len)
{
	unsigned char raw[INITIAL_PASSWORD_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(text, len, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

err_t h_user_add(struct request *rq, struct reply *out)
{
	char uri[TOTP_URI_MAX] = "", code[USERS_RESET_CODE_TEXT] = "", errbuf[ERRBUF_MAX] = "";
	char password[sodium_base64_ENCODED_LEN(INITIAL_PASSWORD_BYTES,
						sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	struct audit_entry by = request_audit_entry(rq);
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	const char *name = body_string(body, "username", 1, USERS_NAME_MAX, out);
	const char *role = body_string(body, "role", 1, 32, out);
	const char *agency = body_string(body, "agency", 1, PRINCIPAL_AGENCY_MAX, out);
	if (name && !users_name_valid(name))
		reply_field_error(out, "username", "%d to %d characters of a-z, 0-9, '.', '_', "
				  "'-', starting with a letter", USERS_NAME_MIN, USERS_NAME_MAX);
	if (role && agency)
		check_role_agency(rq, role, agency, ROLE_NONE, NULL, out);
	if (!body_ok(out)) {
		e = ERR_INVALID;
		goto out;
	}
	initial_password(password, sizeof password);
	e = users_add(rq->reg, &by, name, agency, role, password, uri, sizeof uri, errbuf);
	sodium_memzero(password, sizeof password);
	if (e == ERR_CONFLICT) {
		reply_field_error(out, "username", "taken: choose another name");
		e = ERR_INVALID;
	} else if (e == ERR_OK &&
		   (e = users_reset_issue(rq->reg, &by, name, clock_now(), code, errbuf)) == ERR_OK &&
		   (e = account_reply(rq, name, uri, code, out)) == ERR_OK) {
		out->status = 201;
	}
out:
	sodium_memzero(uri, sizeof uri);
	sodium_memzero(code, sizeof code);
	json_decref(body);
	return e;
}

err_t h_user_change(struct request *rq, struct reply *out)
{
	char uri[TOTP_URI_MAX] = "", errbuf[ERRBUF_MAX] = "";
	struct audit_entry by = request_audit_entry(rq);
	struct user_info u;
	json_t *body = NULL;
	err_t e = users_find(rq->reg, rq->param, &u);
	if (e != ERR_OK)
		return e;
	if ((e = body_object(rq, out, &body)) != ERR_OK)
		return e;
	const char *role = body_string(body, "role", 0, 32, out);
	const char *agency = body_string(body, "agency", 0, PRINCIPAL_AGENCY_MAX, out);
	int disabled = body_bool(body, "disabled", out);
	check_role_agency(rq, role, agency, u.role, u.agency, out);
	if (!body_ok(out)) {
		e = ERR_INVALID;
		goto out;
	}
	if (u.id == request_who(rq)->user_id) {
		out->detail = "an administrator cannot change or disable their own account";
		e = ERR_CONFLICT;
		goto out;
	}
	if (role || agency)
		e = users_change(rq->reg, &by, u.username, role, agency, uri, sizeof uri, errbuf);
	if (e == ERR_OK && disabled >= 0 && disabled != u.disabled)
		e = users_set_disabled(rq->reg, &by, u.username, disabled);
	if (e == ERR_OK)
		e = account_reply(rq, u.username, uri, NULL, out);
out:
	sodium_memzero(uri, sizeof uri);
	json_decref(body);
	return e;
}

err_t h_user_reset(struct request *rq, struct reply *out)
{
	char code[USERS_RESET_CODE_TEXT] = "", errbuf[ERRBUF_MAX] = "";
	struct audit_entry by = request_audit_entry(rq);
	struct user_info u;
	err_t e = users_find(rq->reg, rq->param, &u);
	if (e == ERR_OK && u.id == request_who(rq)->user_id) {
		out->detail = "an administrator cannot reset their own password this way";
		e = ERR_CONFLICT;
	}
	if (e == ERR_OK)
		e = users_reset_issue(rq->reg, &by, u.username, clock_now(), code, errbuf);
	if (e == ERR_OK)
		e = account_reply(rq, u.username, NULL, code, out);
	sodium_memzero(code, sizeof code);
	return e;
}
