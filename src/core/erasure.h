/*
 * erasure.h - erasure asked over the API, with four eyes (ASVS 2.3.5): one
 * officer asks for a person's erasure with a reason, another approves it,
 * and only the approval erases (registry_erase_person).  The officer who
 * asked can never approve their own request.  Both steps are audited; the
 * requests are kept in `erasure_requests`.  The console's `haven person
 * erase` goes through the same two steps, with two officers authenticated
 * at the console (app/console.h).
 */
#ifndef HAVEN_ERASURE_H
#define HAVEN_ERASURE_H

#include <stdint.h>

#include "core/policy.h"
#include "core/registry.h"

#define ERASURE_REASON_MAX 200

struct erasure_request {
	int64_t id;
	char person_ref[RECORD_REF_MAX + 1];
	char reason[ERASURE_REASON_MAX + 1];
	char requested_by[PRINCIPAL_NAME_MAX + 1];
	int64_t requested_at;
	int approved;
};

/*
 * Asks for the erasure of person `ref` by `who` at `now`; *id receives the
 * request's number.  ERR_NOT_FOUND for no such person; ERR_CONFLICT when it
 * is erased already or a request for it is pending.  Audited
 * ("person.erase.request").
 */
err_t erasure_ask(registry *r, const struct principal *who, const char *ref, const char *reason,
		  const char *request_id, int64_t now, int64_t *id);

/*
 * Approves request `id` by `who` at `now` and erases the person, in one
 * transaction with the audit entry ("person.erase"), then empties the
 * engine's logs (registry_flush_erased; a failure there is not an error of
 * the approval: the erasure is committed).  ERR_NOT_FOUND for no such
 * request; ERR_CONFLICT when it was approved already or the person is gone;
 * ERR_FORBIDDEN when `who` asked for it (four eyes).  *out (optional)
 * receives the request.
 */
err_t erasure_approve(registry *r, const struct principal *who, int64_t id,
		      const char *request_id, int64_t now, struct erasure_request *out);

/* Calls fn for each pending request, oldest first. */
typedef err_t (*erasure_fn)(const struct erasure_request *q, void *ctx);
err_t erasure_pending(registry *r, erasure_fn fn, void *ctx);

#endif
