/*
 * users.h - accounts: adding, listing, disabling, changing them, and
 * signing in with a password and a one-time code.
 *
 * An account has a username, one agency and one role (policy.h).  Its
 * password is kept as an Argon2id hash (password.h); for every role that may
 * see personal data it also has a TOTP secret (totp.h), stored in the
 * registry's encrypted envelope and shown once, as an otpauth:// URI, when it
 * is made.  Every change that matters to access (disabling, a new password or
 * secret, a new role or agency) ends all the account's sessions in the same
 * transaction.
 *
 * Every change, and every sign-in attempt, is written to the audit log
 * (audit.h) in the transaction that makes it.  Changes take the actor from
 * `by`, an audit entry whose actor, agency, role and request_id the caller
 * fills (borrowed); the rest is filled here.
 *
 * Sign-in answers one and the same ERR_FORBIDDEN for an unknown user, a
 * disabled one, a wrong password and a wrong or replayed code; an unknown
 * user costs one Argon2id verification like a known one.  Failures are
 * counted per account name and per client address (USERS_THROTTLE_*): past a
 * few, further attempts are refused with ERR_LIMIT for a delay that doubles
 * per failure up to USERS_THROTTLE_MAX_DELAY, so an attacker is slowed and
 * the real user is never locked out for longer than that.
 */
#ifndef HAVEN_USERS_H
#define HAVEN_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "core/audit.h"
#include "core/policy.h"
#include "core/registry.h"
#include "core/terms.h"
#include "core/totp.h"

#define USERS_NAME_MIN 3
#define USERS_NAME_MAX PRINCIPAL_NAME_MAX
#define USERS_ADDRESS_MAX 64          /* bytes of a client address */
#define USERS_THROTTLE_USER_FREE 5    /* failures per account before delays */
#define USERS_THROTTLE_ADDR_FREE 20   /* failures per address before delays */
#define USERS_THROTTLE_FORGET 900     /* seconds after the last failure to forget them */
#define USERS_THROTTLE_BASE_DELAY 2   /* seconds of the first delay */
#define USERS_THROTTLE_MAX_DELAY 900  /* seconds: the longest an account is held */
#define USERS_RESET_SECONDS (30 * 60) /* how long a reset code lives */
#define USERS_RESET_CODE_CHARS 16     /* 80 bits in Crockford's base-32 */
#define USERS_RESET_CODE_TEXT 20      /* four groups of four, dashes, NUL */

/* One account as listed (no secrets). */
struct user_info {
	int64_t id;
	char username[USERS_NAME_MAX + 1];
	char agency[PRINCIPAL_AGENCY_MAX + 1];
	enum role role;
	int disabled;
	int has_totp;
	int64_t created_at, changed_at;
	char terms_version[TERMS_VERSION_TEXT]; /* "" until first accepted */
	int64_t terms_accepted_at;              /* 0 until then */
};

/* 1 when `name` is 3-64 characters of a-z 0-9 . _ - starting with a letter. */
int users_name_valid(const char *name);

/*
 * Adds an account.  The password must meet password_check_policy.  For roles
 * that see personal data a TOTP secret is made and its provisioning URI
 * written into `uri` (`urilen` bytes, TOTP_URI_MAX is enough), else `uri` is
 * set to "".  The caller shows the URI once and wipes it.  All strings are
 * borrowed.  ERR_INVALID (bad name, unknown agency or role, role not fit for
 * the agency, weak password) or ERR_CONFLICT (name taken) with one line in
 * errbuf (ERRBUF_MAX bytes).
 */
err_t users_add(registry *r, const struct audit_entry *by, const char *username,
		const char *agency, const char *role, const char *password, char *uri, size_t urilen,
		char *errbuf);

/* Calls fn for each account in username order; a non-OK return stops. */
typedef err_t (*users_fn)(const struct user_info *u, void *ctx);
err_t users_list(registry *r, users_fn fn, void *ctx);

/* The account named `username`; ERR_NOT_FOUND when there is none. */
err_t users_find(registry *r, const char *username, struct user_info *out);

/* Disables (disabled = 1) or enables an account; disabling ends its sessions. */
err_t users_set_disabled(registry *r, const struct audit_entry *by, const char *username,
			 int disabled);

/* Sets a new password (policy-checked) and ends the account's sessions. */
err_t users_set_password(registry *r, const struct audit_entry *by, const char *username,
			 const char *password, char *errbuf);

/*
 * Administrator-initiated reset (ASVS 6.4.3): makes a single-use reset code
 * for the account, valid USERS_RESET_SECONDS from `now`, and writes it into
 * `code` (USERS_RESET_CODE_TEXT bytes, "ABCD-EFGH-JKMN-PQRS") for the
 * administrator to hand over out of band; the caller shows it once and wipes
 * it.  The database keeps only its Argon2id hash, in place of the password:
 * the old password stops working at once, the account's sessions end, and
 * the administrator never sees or chooses the new password (the user sets
 * it with users_reset_redeem).  A new reset replaces a pending one.
 * ERR_NOT_FOUND when there is no such account.
 */
err_t users_reset_issue(registry *r, const struct audit_entry *by, const char *username,
			int64_t now, char *code, char *errbuf);

/* A redemption of a reset code; all strings borrowed, any may be NULL. */
struct users_reset {
	const char *username;
	const char *code;       /* as issued; case, spaces and dashes do not matter */
	const char *password;   /* the new password, chosen by the user */
	const char *otp;        /* still required for roles that have a secret */
	const char *address;    /* for throttling, as users_signin */
	const char *request_id;
};

/*
 * Sets the user's own new password with a reset code at time `now`.
 * ERR_INVALID with one line in errbuf when the new password breaks the
 * policy (nothing else is checked then); ERR_FORBIDDEN, the same for all,
 * when the account is unknown or disabled, no code is pending, the code is
 * wrong, expired or used, or the one-time code is wrong or replayed;
 * ERR_LIMIT while held back (failures count with sign-in's).  On success the
 * code is used up, the account's sessions end, and the user signs in anew.
 * Audited either way ("user.reset.use").
 */
err_t users_reset_redeem(registry *r, const struct users_reset *in, int64_t now, char *errbuf);

/*
 * Records that the account `by->actor` accepted the data-protection terms of
 * `version` (borrowed) at `now` (terms.h), audited as "user.terms_accept"
 * in the same transaction; its sessions stay.  Accepting the version the
 * account accepted already changes nothing (the first acceptance stands and
 * is the one audited).  ERR_INVALID when `version`
 * is not terms_version(): the user was shown an older text and must read
 * the current one; ERR_NOT_FOUND when there is no such account.
 */
err_t users_accept_terms(registry *r, const struct audit_entry *by, const char *version,
			 int64_t now);

/* Makes a new TOTP secret (roles that see personal data only), writes its
 * URI into `uri` as users_add does, and ends the account's sessions. */
err_t users_new_totp(registry *r, const struct audit_entry *by, const char *username, char *uri,
		     size_t urilen, char *errbuf);

/* Changes role and agency (either may be NULL: unchanged) and ends the
 * account's sessions.  A role that now needs a TOTP secret gets one, with
 * its URI written into `uri`; otherwise `uri` is "". */
err_t users_change(registry *r, const struct audit_entry *by, const char *username,
		   const char *role, const char *agency, char *uri, size_t urilen, char *errbuf);

/* A sign-in attempt; all strings borrowed, any may be NULL (then it fails). */
struct users_signin {
	const char *username;
	const char *password;
	const char *otp;     /* ignored for roles without a TOTP secret */
	const char *address;    /* the client's address, for throttling (never stored) */
	const char *request_id; /* for the audit entry */
	const char *action;     /* the audit action: NULL for "signin", "reauth" */
};

/*
 * Checks the credentials at time `now` (clock.h).  ERR_OK with *who filled;
 * ERR_FORBIDDEN for any wrong credential (the same for all); ERR_LIMIT while
 * the account name or the address is held back; ERR_DB and the like for
 * storage failures.  Records the used TOTP step, rehashes the password when
 * the Argon2id limits rose, counts or clears failures, and audits the attempt
 * (the account's name when it exists, "unknown" otherwise; never the
 * password or the address).  The Argon2id verification runs before any
 * transaction is opened.
 */
err_t users_signin(registry *r, const struct users_signin *s, int64_t now, struct principal *who);

#endif
