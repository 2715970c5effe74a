/*
 * auditqueue.h - the audit entries of reads, committed many to a
 * transaction by one thread on a database connection of its own.
 *
 * What a read shows may be sent only once the read's audit entry is durable,
 * and a durable write costs one sync of the disk.  A server's workers
 * therefore collect a request's entries in a ticket, hand the ticket to the
 * queue and go on serving other connections, holding the request's answer;
 * the queue's thread writes every queued entry in one transaction and then
 * tells each ticket the outcome, on its own thread.  If that transaction
 * fails, every read in it fails.
 *
 * Why not the readers waiting for their own entries: a worker thread then sat
 * idle through every sync, and its next read began after a commit, so SQLite
 * read all that read's pages again (a commit by another connection empties a
 * connection's page cache).  With the workers never waiting, several reads
 * share one snapshot of the cache.
 */
#ifndef HAVEN_AUDITQUEUE_H
#define HAVEN_AUDITQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "core/audit.h"
#include "core/writeturn.h"
#include "db/db.h"

/*
 * A request's entries, copied with their strings: the ticket owns them.  The
 * caller owns the ticket; zeroed is empty.  Between auditqueue_submit and the
 * done call the queue uses it and the caller must not touch it.
 */
struct audit_copy;
struct audit_ticket {
	struct audit_copy *first, *last;
	size_t n;
	/* the queue's */
	void (*done)(struct audit_ticket *t, err_t result, void *arg);
	void *arg;
	struct audit_ticket *next;
};

/* Copies n entries into the ticket.  ERR_NOMEM leaves it as it was. */
err_t audit_ticket_add(struct audit_ticket *t, const struct audit_entry *e, size_t n);
/* Frees the copies; the ticket is empty again. */
void audit_ticket_clear(struct audit_ticket *t);

typedef struct auditqueue auditqueue;
typedef void (*auditqueue_done)(struct audit_ticket *t, err_t result, void *arg);

/* Starts the queue's thread, which writes on `d` (its own: no other thread
 * may use it) and takes `turn` around each transaction.  Both borrowed until
 * auditqueue_free. */
err_t auditqueue_start(db *d, writeturn *turn, auditqueue **out);

/* Queues a non-empty ticket; done(t, result, arg) is called once its
 * entries have committed (ERR_OK) or failed to, on the queue's thread (or
 * on the caller's, at once, when the queue has stopped).  done must not
 * block. */
void auditqueue_submit(auditqueue *q, struct audit_ticket *t, auditqueue_done done, void *arg);

/* Writes what is queued, then stops the thread; later tickets fail at once
 * with ERR_IO.  The queue stays valid for late submits until freed. */
void auditqueue_stop(auditqueue *q);
void auditqueue_free(auditqueue *q); /* stops first if need be; accepts NULL */

/* The transactions written and the entries in them since the start (their
 * ratio is the reads served by one sync). */
void auditqueue_stats(auditqueue *q, uint64_t *commits, uint64_t *entries);

#endif
