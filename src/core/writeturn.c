/*
 * writeturn.c - the write turn, handed over in the order asked for.
 *
 * Not a mutex: a thread that had just given a mutex up took it straight
 * back (its next request was ready) while a woken waiter was still being
 * scheduled, and some creates waited over two seconds while the median
 * took 7 ms.  Each waiter sleeps on a semaphore of its own, on its stack,
 * posted by the thread that hands the turn over.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>

#include "core/writeturn.h"

struct turn_waiter {
	sem_t wake;
	struct turn_waiter *next;
};

struct writeturn {
	pthread_mutex_t lock; /* guards everything below */
	int taken;
	struct turn_waiter *first, *last; /* waiting, in order */
};

err_t writeturn_new(writeturn **out)
{
	writeturn *t = calloc(1, sizeof *t);
	if (!t || pthread_mutex_init(&t->lock, NULL) != 0) {
		free(t);
		return ERR_NOMEM;
	}
	*out = t;
	return ERR_OK;
}

void writeturn_free(writeturn *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

err_t writeturn_take(writeturn *t)
{
	struct turn_waiter me = {.next = NULL};
	pthread_mutex_lock(&t->lock);
	if (!t->taken) {
		t->taken = 1;
		pthread_mutex_unlock(&t->lock);
		return ERR_OK;
	}
	if (sem_init(&me.wake, 0, 0) != 0) {
		pthread_mutex_unlock(&t->lock);
		return ERR_NOMEM;
	}
	/* `me` stays queued only while this call waits: writeturn_give unlinks
	 * it before waking it (cppcheck's autoVariables cannot see that) */
	if (t->last)
		t->last->next = &me;
	else
		t->first = &me; /* cppcheck-suppress autoVariables */
	t->last = &me;  /* cppcheck-suppress autoVariables */
	pthread_mutex_unlock(&t->lock);
	while (sem_wait(&me.wake) != 0) /* EINTR: wait on */
		;
	sem_destroy(&me.wake); /* the turn is ours: writeturn_give handed it over */
	return ERR_OK;
}

void writeturn_give(writeturn *t)
{
	pthread_mutex_lock(&t->lock);
	struct turn_waiter *next = t->first;
	if (next) {
		t->first = next->next;
		if (!t->first)
			t->last = NULL;
	} else {
		t->taken = 0;
	}
	pthread_mutex_unlock(&t->lock);
	if (next)
		sem_post(&next->wake);
}
