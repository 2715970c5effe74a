/*
 * writeturn.h - the turn to write: the server's threads queue for the
 * database's one writer here, in memory and in the order they asked,
 * instead of meeting in SQLite's busy loop, whose sleeps make the tail
 * latency.
 *
 * The caller owns the turn object and frees it once no thread uses it; a
 * thread that took the turn gives it back after its transaction ends.
 */
#ifndef HAVEN_WRITETURN_H
#define HAVEN_WRITETURN_H

#include "util/err.h"

typedef struct writeturn writeturn;

err_t writeturn_new(writeturn **out);
void writeturn_free(writeturn *t); /* accepts NULL */

/* Waits until the turn is the caller's.  ERR_NOMEM if no wait could be set up. */
err_t writeturn_take(writeturn *t);
/* Hands the turn to the thread that has waited longest, if any. */
void writeturn_give(writeturn *t);

#endif
