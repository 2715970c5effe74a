/*
 * family.c - the children of a person (family.h), by the persons.parent_id
 * link.  References only: reading the children is caseview's, under the
 * access policy.
 */
#include <stdlib.h>
#include <string.h>

#include "core/family.h"
#include "core/record.h"
#include "db/http_queries.h"

err_t family_children(registry *r, const char *parent_ref, family_fn fn, void *ctx)
{
	char (*refs)[RECORD_REF_MAX + 1] = calloc(FAMILY_CHILDREN_MAX, sizeof *refs);
	db_stmt *st = NULL;
	size_t n = 0;
	err_t e;
	int rc;
	if (!refs)
		return ERR_NOMEM;
	/* the references are copied out and the statement finished first: fn
	 * reads each child, which runs statements of its own */
	if ((e = db_prepare(registry_db(r), Q_FAMILY_CHILDREN, &st)) != ERR_OK ||
	    (e = db_bind_text(st, 1, parent_ref)) != ERR_OK ||
	    (e = db_bind_int(st, 2, FAMILY_CHILDREN_MAX)) != ERR_OK)
		goto out;
	while ((rc = db_step(st)) == DB_ROW && n < FAMILY_CHILDREN_MAX) {
		const char *ref = db_col_text(st, 0);
		if (ref && strlen(ref) <= RECORD_REF_MAX)
			memcpy(refs[n++], ref, strlen(ref) + 1);
	}
	e = rc == DB_ROW ? ERR_OK : db_done(rc);
	db_finalize(st);
	st = NULL;
	for (size_t i = 0; e == ERR_OK && i < n; i++)
		e = fn(refs[i], ctx);
out:
	db_finalize(st);
	free(refs);
	return e;
}
