/*
 * h_users.c - GET /api/v1/users: the accounts, for admins.  No secret and no
 * hash ever leaves users.c; this lists names, roles, agencies and states.
 */
#include "core/users.h"
#include "http/handlers.h"

static err_t add_user(const struct user_info *u, void *ctx)
{
	json_t *list = ctx;
	json_t *item = json_pack("{s:s, s:s, s:s, s:b, s:b, s:I}", "username", u->username, "role",
				 policy_role_name(u->role), "agency", u->agency, "disabled",
				 u->disabled, "one_time_codes", u->has_totp, "created_at",
				 (json_int_t)u->created_at);
	return item && json_array_append_new(list, item) == 0 ? ERR_OK : ERR_NOMEM;
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
