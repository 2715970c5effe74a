/*
 * clock.h - the wall clock that sessions, sign-in throttling and one-time
 * codes read, with a shift that tests set to travel in time.
 *
 * Production code never moves the clock; tests call clock_shift to see what
 * happens thirty minutes or twelve hours later without waiting.  The shift is
 * one process-wide atomic value, so every server thread sees the same time.
 */
#ifndef HAVEN_CLOCK_H
#define HAVEN_CLOCK_H

#include <stdint.h>

/* Unix seconds now, plus the shift. */
int64_t clock_now(void);

/* Adds `seconds` (may be negative) to the shift; for tests. */
void clock_shift(int64_t seconds);

/* Sets the shift back to zero. */
void clock_reset(void);

#endif
