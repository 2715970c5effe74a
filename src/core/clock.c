/* clock.c - the shiftable wall clock of clock.h. */
#include <stdatomic.h>
#include <time.h>

#include "core/clock.h"

static _Atomic int64_t shift;

int64_t clock_now(void)
{
	return (int64_t)time(NULL) + atomic_load(&shift);
}

void clock_shift(int64_t seconds)
{
	atomic_fetch_add(&shift, seconds);
}

void clock_reset(void)
{
	atomic_store(&shift, 0);
}
