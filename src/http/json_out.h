/*
 * json_out.h - records as the API's JSON: interchange names, dates as
 * "YYYY-MM-DD", money as a decimal string, lists as arrays.  A person shows
 * only the members of the field groups its reader may read (caseview has
 * cleared the rest already; this leaves their keys out as well).
 */
#ifndef HAVEN_HTTP_JSON_OUT_H
#define HAVEN_HTTP_JSON_OUT_H

#include <jansson.h>

#include "core/caseview.h"

/* Each returns a new object (caller owns it), or NULL when out of memory. */
json_t *json_person(const struct caseview_person *cp);
json_t *json_service(const struct service *s);
json_t *json_referral(const struct referral *f);

#endif
