/*
 * readers.h - the request bodies of the record routes read into plain
 * records: each member's type and length checked, every problem recorded on
 * the reply as a field error (members not in the route's list are
 * body_object's to refuse).
 * The handlers and the JSON body fuzz target share them, so what is fuzzed
 * is what is served.
 *
 * Strings in the records are borrowed from `body` (and `list`): they live as
 * long as the caller keeps those.
 */
#ifndef HAVEN_READERS_H
#define HAVEN_READERS_H

#include <jansson.h>

#include "core/caseview.h"
#include "http/reply.h"

#define READERS_CODE_MAX 64 /* characters of a code or an id in a body */

/* The members of a person (POST /persons, PATCH /persons/{id}); `list`
 * (listlen bytes) holds the joined exploitation codes. */
void readers_person(json_t *body, struct person_input *in, char *list, size_t listlen,
		    struct reply *out);

/* A service's members (POST /persons/{id}/services); person_ref is the caller's. */
void readers_service(json_t *body, struct service *s, struct reply *out);

/* A new referral's members (POST /referrals). */
void readers_referral(json_t *body, struct referral *f, struct reply *out);

/* An answer to a referral (PATCH /referrals/{id}): status and closed_on. */
void readers_referral_answer(json_t *body, const char **status, int64_t *closed_on,
			     struct reply *out);

/*
 * The X-Access-Reason header of a single-record read: absent, or one of
 * policy_read_reasons (a code: the audit entry keeps it); required of the
 * roles that open a record only with a reason (HF_REASON).  *reason is
 * borrowed from the request, NULL when none was sent.
 */
err_t readers_access_reason(struct request *rq, struct reply *out, const char **reason);

#endif
