/*
 * json_out.h - records as the API's JSON: interchange names, dates as
 * "YYYY-MM-DD", money as a decimal string, lists as arrays.  A person shows
 * only the members of the field groups its reader may read (caseview has
 * cleared the rest already; this leaves their keys out as well).
 *
 * Each writes one object where the writer stands (json_text.h): the records
 * of a read or a list go out as text, without a jansson tree.
 */
#ifndef HAVEN_HTTP_JSON_OUT_H
#define HAVEN_HTTP_JSON_OUT_H

#include "core/caseview.h"
#include "http/json_text.h"

void json_out_person(struct json_writer *w, const struct caseview_person *cp);
void json_out_service(struct json_writer *w, const struct service *s);
void json_out_referral(struct json_writer *w, const struct referral *f);
/* A legal hold as {"reason", "since"}, or null when there is none: the
 * subject access report's "legal_hold" (subject.h) in the same shape. */
void json_out_legal_hold(struct json_writer *w, const struct retention_hold_info *h);

#endif
