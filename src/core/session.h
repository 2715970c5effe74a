/*
 * session.h - signed-in sessions: 256-bit random tokens, known to the
 * database only by their hash.
 *
 * A session is created at sign-in with two tokens: the session token (the
 * cookie) and a CSRF token derived from it (returned to the client, sent back in the
 * X-CSRF-Token header of every state-changing request).  The database keeps
 * the BLAKE2b-256 hash of each, so a copy of the database opens no session.
 * A session ends SESSION_IDLE_SECONDS after its last request and
 * SESSION_ABSOLUTE_SECONDS after sign-in, whichever comes first, at sign-out,
 * and when its account is disabled or changed (users.h).  The account's role,
 * agency and state are read afresh at every resolve: rights are never cached.
 */
#ifndef HAVEN_SESSION_H
#define HAVEN_SESSION_H

#include <stdint.h>

#include "core/policy.h"
#include "core/registry.h"

#define SESSION_TOKEN_BYTES 32
#define SESSION_TOKEN_TEXT 44          /* base64url without padding, and a NUL */
#define SESSION_HASH_BYTES 32
#define SESSION_IDLE_SECONDS (30 * 60)
#define SESSION_ABSOLUTE_SECONDS (12 * 60 * 60)
#define SESSION_TOUCH_SECONDS 60       /* last_seen is written at most this often */

/* The two tokens handed to the client once; secrets: wipe after use. */
struct session_tokens {
	char token[SESSION_TOKEN_TEXT];
	char csrf[SESSION_TOKEN_TEXT];
};

/* What a resolved session tells the caller. */
struct session_info {
	struct principal who;
	unsigned char csrf_hash[SESSION_HASH_BYTES];
	int64_t created_at;
	int terms_accepted; /* the account accepted the current terms (terms.h) */
};

/* Creates a session for the account at time `now` and fills *out. */
err_t session_create(registry *r, int64_t user_id, int64_t now, struct session_tokens *out);

/*
 * Finds the live session of `token` (borrowed) at time `now`: ERR_OK with
 * *out filled and last_seen moved on; ERR_FORBIDDEN when the token is
 * malformed, unknown, idle or too old (an expired row is deleted), or its
 * account is disabled.
 */
err_t session_resolve(registry *r, const char *token, int64_t now, struct session_info *out);

/* 1 when `csrf` (borrowed, may be NULL) is the session's CSRF token; compared
 * in constant time. */
int session_csrf_ok(const struct session_info *s, const char *csrf);

/* The CSRF token of the session `token` (borrowed) into `csrf`: derived from
 * the session token, so it can be handed out again without being stored.
 * ERR_FORBIDDEN when `token` is not a token's text.  A secret: wipe it. */
err_t session_csrf_of(const char *token, char csrf[SESSION_TOKEN_TEXT]);

/* Ends the session of `token` (unknown tokens are not an error). */
err_t session_end(registry *r, const char *token);

/* Ends every session of an account (inside the caller's transaction, if any). */
err_t session_end_user(registry *r, int64_t user_id);

/* Deletes every session expired at `now`. */
err_t session_purge(registry *r, int64_t now);

#endif
