/*
 * auditqueue.c - the read entries' writer thread and the tickets it serves.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/auditqueue.h"

struct audit_copy {
	struct audit_copy *next;
	struct audit_entry e;
	char text[]; /* the entry's strings, each NUL-terminated */
};

struct auditqueue {
	db *d;
	writeturn *turn;
	pthread_t thread;
	int running; /* the thread was started and not yet joined */
	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t work;
	struct audit_ticket *first, *last;
	int stopping;
	uint64_t commits, entries;
};

/* ---- tickets ----------------------------------------------------------- */

#define ENTRY_STRINGS 9

static void strings_of(struct audit_entry *e, const char **s[ENTRY_STRINGS])
{
	s[0] = &e->actor, s[1] = &e->agency, s[2] = &e->role, s[3] = &e->action;
	s[4] = &e->object_type, s[5] = &e->object_ref, s[6] = &e->request_id;
	s[7] = &e->outcome, s[8] = &e->detail;
}

static struct audit_copy *copy_of(const struct audit_entry *e)
{
	struct audit_entry tmp = *e;
	const char **s[ENTRY_STRINGS];
	size_t len[ENTRY_STRINGS], total = 0;
	strings_of(&tmp, s);
	for (size_t i = 0; i < ENTRY_STRINGS; i++) {
		if (!*s[i])
			*s[i] = "";
		total += len[i] = strlen(*s[i]) + 1;
	}
	struct audit_copy *c = malloc(sizeof *c + total);
	if (!c)
		return NULL;
	c->next = NULL;
	c->e = tmp;
	strings_of(&c->e, s);
	char *at = c->text;
	for (size_t i = 0; i < ENTRY_STRINGS; i++) {
		memcpy(at, *s[i], len[i]);
		*s[i] = at;
		at += len[i];
	}
	return c;
}

err_t audit_ticket_add(struct audit_ticket *t, const struct audit_entry *e, size_t n)
{
	struct audit_ticket added = {0}; /* joined to t only when all are copied */
	for (size_t i = 0; i < n; i++) {
		struct audit_copy *c = copy_of(&e[i]);
		if (!c) {
			audit_ticket_clear(&added);
			return ERR_NOMEM;
		}
		if (added.last)
			added.last->next = c;
		else
			added.first = c;
		added.last = c;
	}
	if (!added.first)
		return ERR_OK;
	if (t->last)
		t->last->next = added.first;
	else
		t->first = added.first;
	t->last = added.last;
	t->n += n;
	return ERR_OK;
}

void audit_ticket_clear(struct audit_ticket *t)
{
	while (t->first) {
		struct audit_copy *next = t->first->next;
		free(t->first);
		t->first = next;
	}
	t->last = NULL;
	t->n = 0;
}

/* ---- the writer ---------------------------------------------------------- */

/* Writes the entries of a list of tickets in one transaction. */
static err_t write_tickets(db *d, struct audit_ticket *t)
{
	struct audit_head head = {.known = 0};
	err_t e = db_begin(d);
	for (; e == ERR_OK && t; t = t->next)
		for (const struct audit_copy *c = t->first; e == ERR_OK && c; c = c->next)
			e = audit_append_next(d, &head, &c->e);
	if (e == ERR_OK && (e = db_commit(d)) == ERR_OK)
		return ERR_OK;
	db_rollback(d);
	return e;
}

static void answer(struct audit_ticket *t, err_t result)
{
	while (t) {
		struct audit_ticket *next = t->next; /* t is the caller's again after done */
		t->done(t, result, t->arg);
		t = next;
	}
}

static void *writer(void *arg)
{
	auditqueue *q = arg;
	pthread_setname_np(pthread_self(), "haven-audit"); /* for top -H and perf */
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->first && !q->stopping)
			pthread_cond_wait(&q->work, &q->lock);
		struct audit_ticket *batch = q->first;
		if (!batch)
			break; /* stopping, and nothing is left */
		q->first = q->last = NULL;
		pthread_mutex_unlock(&q->lock);

		uint64_t n = 0;
		for (const struct audit_ticket *t = batch; t; t = t->next)
			n += t->n;
		err_t e = writeturn_take(q->turn);
		if (e == ERR_OK) {
			e = write_tickets(q->d, batch);
			writeturn_give(q->turn);
		}
		pthread_mutex_lock(&q->lock); /* counted before told: a told reader sees its sync */
		q->commits += e == ERR_OK;
		q->entries += e == ERR_OK ? n : 0;
		pthread_mutex_unlock(&q->lock);
		answer(batch, e);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

err_t auditqueue_start(db *d, writeturn *turn, auditqueue **out)
{
	auditqueue *q = calloc(1, sizeof *q);
	if (!q)
		return ERR_NOMEM;
	q->d = d;
	q->turn = turn;
	if (pthread_mutex_init(&q->lock, NULL) != 0) {
		free(q);
		return ERR_NOMEM;
	}
	if (pthread_cond_init(&q->work, NULL) != 0) {
		pthread_mutex_destroy(&q->lock);
		free(q);
		return ERR_NOMEM;
	}
	if (!(q->running = pthread_create(&q->thread, NULL, writer, q) == 0)) {
		auditqueue_free(q);
		return ERR_NOMEM;
	}
	*out = q;
	return ERR_OK;
}

void auditqueue_submit(auditqueue *q, struct audit_ticket *t, auditqueue_done done, void *arg)
{
	t->done = done;
	t->arg = arg;
	t->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->stopping) {
		pthread_mutex_unlock(&q->lock);
		done(t, ERR_IO, arg);
		return;
	}
	if (q->last)
		q->last->next = t;
	else
		q->first = t;
	q->last = t;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->lock);
}

void auditqueue_stop(auditqueue *q)
{
	pthread_mutex_lock(&q->lock);
	q->stopping = 1;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->lock);
	if (q->running)
		pthread_join(q->thread, NULL);
	q->running = 0;
}

void auditqueue_free(auditqueue *q)
{
	if (!q)
		return;
	auditqueue_stop(q);
	pthread_cond_destroy(&q->work);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

void auditqueue_stats(auditqueue *q, uint64_t *commits, uint64_t *entries)
{
	pthread_mutex_lock(&q->lock);
	*commits = q->commits;
	*entries = q->entries;
	pthread_mutex_unlock(&q->lock);
}
