/*
 * console.h - the person at the server's console: reading a secret from
 * them, and authenticating them as one of the server's accounts.
 *
 * The commands that hand out or destroy personal data in bulk (`export`,
 * `person erase`) run only when two accounts, two different people allowed
 * the action by the policy, authenticate here with password and one-time
 * code (ASVS-11, four eyes).  Access to the console and the key file stays a
 * control of its own; this one puts two named, authenticated people on the
 * audit log for every bulk act, as the API does for erasure.  The checks are
 * users_signin's: throttled like a web sign-in, audited as
 * "console.signin", a one-time code never accepted twice.
 *
 * Secrets are asked on the terminal with echo off or, when standard input
 * is not a terminal, read from it one line each: for every account, its
 * password, then its one-time code.  The caller owns the buffers.
 */
#ifndef HAVEN_CONSOLE_H
#define HAVEN_CONSOLE_H

#include <stddef.h>
#include <stdio.h>

#include "core/policy.h"
#include "core/registry.h"

/* Reads one line without its line end into buf; 0 on success, -1 at the
 * end of input or when the line does not fit. */
int console_read_line(FILE *in, char *buf, size_t len);

/* A line from the terminal with echo off (the prompt on stderr) or, when
 * standard input is not a terminal, from standard input; 0 on success. */
int console_secret(const char *prompt, char *buf, size_t len);

#define CONSOLE_REQUEST_ID_MAX 32 /* "console-" and 16 hex digits, NUL */

/*
 * Authenticates account `username` for `command` (in messages) and checks
 * that its role may do `act`; fills *who.  The attempt is audited under
 * `request_id`.  Prints why not to stderr and returns -1 when the secrets
 * cannot be read, are wrong (one message for every wrong credential), are
 * held back by throttling, or the role may not.
 */
int console_authenticate(registry *r, const char *command, const char *username, enum action act,
			 const char *request_id, struct principal *who);

/* A new random request id, "console-" and 16 hex digits, to audit one act
 * and its sign-ins under. */
void console_request_id(char request_id[CONSOLE_REQUEST_ID_MAX]);

/*
 * Four eyes: `by` and `approver` authenticated in turn, both allowed `act`,
 * two different accounts.  Returns 0 with both filled and `request_id` set to
 * a new random id, under which both sign-ins are audited; the caller audits
 * the act itself under it too, so that the log ties the three together.
 * Else -1 after a message.
 */
int console_four_eyes(registry *r, const char *command, const char *by, const char *approver,
		      enum action act, struct principal *who, struct principal *second,
		      char request_id[CONSOLE_REQUEST_ID_MAX]);

#endif
