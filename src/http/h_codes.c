/*
 * h_codes.c - GET /api/v1/codes: the code lists and agencies with their
 * labels in both languages, for the forms and the pages of the interface
 * (which then hard-codes no vocabulary).  Not personal: any signed-in user.
 */
#include <string.h>

#include "core/codes.h"
#include "http/handlers.h"

static err_t add_item(const struct codes_item *it, void *ctx)
{
	json_t *root = ctx, *item, *list;
	if (strcmp(it->list, "agency") == 0) {
		list = json_object_get(root, "agencies");
		item = json_pack("{s:s, s:s, s:s, s:s}", "code", it->code, "kind",
				 it->kind ? it->kind : "", "en", it->label_en, "az", it->label_az);
	} else {
		json_t *lists = json_object_get(root, "codes");
		if (!(list = json_object_get(lists, it->list))) {
			if (json_object_set_new(lists, it->list, json_array()) != 0)
				return ERR_NOMEM;
			list = json_object_get(lists, it->list);
		}
		item = json_pack("{s:s, s:s, s:s, s:b}", "code", it->code, "en", it->label_en, "az",
				 it->label_az, "money", it->money);
	}
	return item && list && json_array_append_new(list, item) == 0 ? ERR_OK : ERR_NOMEM;
}

err_t h_codes(struct request *rq, struct reply *out)
{
	json_t *root = json_pack("{s:o, s:o}", "codes", json_object(), "agencies", json_array());
	err_t e = root ? codes_each(registry_codes(rq->reg), add_item, root) : ERR_NOMEM;
	if (e != ERR_OK) {
		json_decref(root);
		return e;
	}
	out->json = root;
	return ERR_OK;
}
