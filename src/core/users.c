/*
 * users.c - the accounts of users.h in the `users` table, and sign-in with
 * its throttling in `signin_throttle`.
 *
 * Secrets in memory (passwords are the caller's; TOTP secrets and their
 * URIs are ours while we hold them) are wiped with sodium_memzero before the
 * memory is released.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/clock.h"
#include "core/password.h"
#include "core/session.h"
#include "core/totp.h"
#include "core/users.h"
#include "db/http_queries.h"
#include "util/crypto.h"

#define TOTP_COLUMN "totp"
#define SUBJECT_TEXT_MAX (USERS_ADDRESS_MAX + USERS_NAME_MAX + 8)
/* A pending reset replaces the password hash with "reset:EXPIRES:HASH",
 * HASH being the Argon2id hash of the reset code. */
#define RESET_PREFIX "reset:"
#define STORED_HASH_MAX (PASSWORD_HASH_MAX + 32)
#define CROCKFORD "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/* An account row as read, with what sign-in needs. */
struct user_row {
	struct user_info info;
	char hash[STORED_HASH_MAX];
	unsigned char *totp_env; /* malloc'd envelope, or NULL */
	size_t totp_env_len;
	int64_t last_step;
};

static void row_cleanup(struct user_row *u)
{
	free(u->totp_env);
	sodium_memzero(u, sizeof *u);
}

int users_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n < USERS_NAME_MIN || n > USERS_NAME_MAX || name[0] < 'a' || name[0] > 'z')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static int step_result(int rc, err_t *e)
{
	*e = rc == DB_DONE || rc == DB_ROW ? ERR_OK : db_step_error(rc);
	return rc;
}

/* Appends the audit entry of an account change made by `by`. */
static err_t audit_user(registry *r, const struct audit_entry *by, const char *action,
			const char *username, const char *outcome, const char *detail)
{
	struct audit_entry a = *by;
	a.action = action;
	a.object_type = "user";
	a.object_ref = username;
	a.outcome = outcome;
	a.detail = detail;
	return audit_append(registry_db(r), &a, NULL);
}

/* Commits when e is ERR_OK, else rolls back; returns the first error. */
static err_t finish_tx(db *d, err_t e)
{
	if (e == ERR_OK)
		e = db_commit(d);
	if (e != ERR_OK)
		db_rollback(d);
	return e;
}

/* Copies the columns of Q_USER_BY_NAME / Q_USER_LIST into *u. */
static err_t read_row(db_stmt *st, struct user_row *u)
{
	const char *name = db_col_text(st, 1), *agency = db_col_text(st, 2);
	const char *hash = db_col_text(st, 4);
	size_t len = 0;
	memset(u, 0, sizeof *u);
	if (!name || !agency || !hash || strlen(name) > USERS_NAME_MAX ||
	    strlen(agency) > PRINCIPAL_AGENCY_MAX || strlen(hash) >= STORED_HASH_MAX)
		return ERR_DB;
	u->info.id = db_col_int(st, 0);
	memcpy(u->info.username, name, strlen(name) + 1);
	memcpy(u->info.agency, agency, strlen(agency) + 1);
	u->info.role = policy_role_parse(db_col_text(st, 3));
	memcpy(u->hash, hash, strlen(hash) + 1);
	if (!db_col_is_null(st, 5)) {
		const void *env = db_col_blob(st, 5, &len);
		if (!(u->totp_env = malloc(len ? len : 1)))
			return ERR_NOMEM;
		memcpy(u->totp_env, env, len);
		u->totp_env_len = len;
	}
	u->info.has_totp = u->totp_env != NULL;
	u->last_step = db_col_int(st, 6);
	u->info.disabled = db_col_int(st, 7) != 0;
	u->info.created_at = db_col_int(st, 8);
	u->info.changed_at = db_col_int(st, 9);
	const char *terms = db_col_text(st, 10);
	if (terms && strlen(terms) < sizeof u->info.terms_version)
		memcpy(u->info.terms_version, terms, strlen(terms) + 1);
	u->info.terms_accepted_at = db_col_int(st, 11);
	return ERR_OK;
}

/* Loads an account; *u must be zeroed and is released with row_cleanup. */
static err_t load_user(registry *r, const char *username, struct user_row *u)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_USER_BY_NAME, &st);
	int rc;
	if (e == ERR_OK && (e = db_bind_text(st, 1, username)) == ERR_OK) {
		rc = step_result(db_step(st), &e);
		if (rc == DB_DONE)
			e = ERR_NOT_FOUND;
		else if (rc == DB_ROW)
			e = read_row(st, u);
	}
	db_finalize(st);
	return e;
}

err_t users_find(registry *r, const char *username, struct user_info *out)
{
	struct user_row u = {0};
	err_t e = load_user(r, username, &u);
	if (e == ERR_OK)
		*out = u.info;
	row_cleanup(&u);
	return e;
}

err_t users_list(registry *r, users_fn fn, void *ctx)
{
	db_stmt *st = NULL;
	struct user_row u;
	err_t e = db_prepare(registry_db(r), Q_USER_LIST, &st);
	int rc = DB_DONE;
	while (e == ERR_OK && (rc = step_result(db_step(st), &e)) == DB_ROW) {
		if ((e = read_row(st, &u)) == ERR_OK)
			e = fn(&u.info, ctx);
		row_cleanup(&u);
	}
	db_finalize(st);
	return e;
}

/* ---- TOTP secrets ---------------------------------------------------------- */

/* Makes a secret, its envelope for `username` and its URI. */
static err_t make_totp(registry *r, const char *username, unsigned char **env, size_t *envlen,
		       char *uri, size_t urilen)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	char ctx[CRYPTO_CONTEXT_MAX];
	err_t e;
	totp_new_secret(secret);
	if ((e = crypto_context(ctx, "users", username, TOTP_COLUMN)) == ERR_OK &&
	    (e = crypto_seal(registry_keyring(r), ctx, secret, sizeof secret, env, envlen)) ==
		    ERR_OK &&
	    (e = totp_uri(secret, sizeof secret, username, uri, urilen)) != ERR_OK) {
		free(*env);
		*env = NULL;
	}
	sodium_memzero(secret, sizeof secret);
	return e;
}

/* Opens the account's secret; the caller releases it with crypto_plain_free. */
static err_t open_totp(registry *r, const struct user_row *u, char **secret, size_t *len)
{
	char ctx[CRYPTO_CONTEXT_MAX];
	err_t e = crypto_context(ctx, "users", u->info.username, TOTP_COLUMN);
	if (e != ERR_OK)
		return e;
	e = crypto_open(registry_keyring(r), ctx, u->totp_env, u->totp_env_len, secret, len);
	if (e == ERR_OK && *len != TOTP_SECRET_BYTES) {
		crypto_plain_free(*secret);
		*secret = NULL;
		e = ERR_CRYPTO;
	}
	return e;
}

/* ---- adding and changing ---------------------------------------------------- */

static err_t check_role_agency(registry *r, enum role role, const char *agency, char *errbuf)
{
	const char *kind = codes_agency_kind(registry_codes(r), agency);
	if (!kind) {
		snprintf(errbuf, ERRBUF_MAX, "unknown agency (see the agencies table)");
		return ERR_INVALID;
	}
	if (role == ROLE_NONE) {
		snprintf(errbuf, ERRBUF_MAX,
			 "unknown role (officer, caseworker, coordinator, analyst, auditor, admin)");
		return ERR_INVALID;
	}
	if (!policy_role_fits_kind(role, kind)) {
		snprintf(errbuf, ERRBUF_MAX, "the role %s cannot belong to an agency of kind %s",
			 policy_role_name(role), kind);
		return ERR_INVALID;
	}
	return ERR_OK;
}

struct new_user {
	const char *username, *agency;
	enum role role;
	const char *hash;
	const unsigned char *env;
	size_t envlen;
};

static err_t insert_user(registry *r, const struct audit_entry *by, const struct new_user *n,
			 char *errbuf)
{
	char detail[AUDIT_FIELD_MAX];
	db_stmt *st = NULL;
	err_t e = db_begin(registry_db(r));
	snprintf(detail, sizeof detail, "role=%s agency=%s", policy_role_name(n->role), n->agency);
	if (e == ERR_OK && (e = db_prepare(registry_db(r), Q_USER_INSERT, &st)) == ERR_OK &&
	    !((e = db_bind_text(st, 1, n->username)) || (e = db_bind_text(st, 2, n->agency)) ||
	      (e = db_bind_text(st, 3, policy_role_name(n->role))) ||
	      (e = db_bind_text(st, 4, n->hash)) ||
	      (e = n->env ? db_bind_blob(st, 5, n->env, n->envlen) : db_bind_null(st, 5)) ||
	      (e = db_bind_int(st, 6, clock_now()))))
		step_result(db_step(st), &e);
	db_finalize(st);
	if (e == ERR_OK)
		e = audit_user(r, by, "user.add", n->username, "ok", detail);
	e = finish_tx(registry_db(r), e);
	if (e == ERR_CONFLICT)
		snprintf(errbuf, ERRBUF_MAX, "the username %s is taken", n->username);
	else if (e != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot store the account: %s", err_str(e));
	return e;
}

err_t users_add(registry *r, const struct audit_entry *by, const char *username,
		const char *agency, const char *role, const char *password, char *uri, size_t urilen,
		char *errbuf)
{
	enum role ro = policy_role_parse(role);
	char hash[PASSWORD_HASH_MAX];
	unsigned char *env = NULL;
	size_t envlen = 0;
	err_t e;

	if (!users_name_valid(username)) {
		snprintf(errbuf, ERRBUF_MAX,
			 "a username is %d to %d characters of a-z, 0-9, '.', '_', '-', starting "
			 "with a letter", USERS_NAME_MIN, USERS_NAME_MAX);
		return ERR_INVALID;
	}
	if ((e = check_role_agency(r, ro, agency, errbuf)) != ERR_OK ||
	    (e = password_check_policy(password, username, errbuf)) != ERR_OK)
		return e;
	if ((e = password_hash(password, hash)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot hash the password: %s", err_str(e));
		return e;
	}
	uri[0] = '\0';
	if (policy_role_needs_totp(ro) &&
	    (e = make_totp(r, username, &env, &envlen, uri, urilen)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot make the one-time-code secret: %s", err_str(e));
		goto out;
	}
	struct new_user n = {username, agency, ro, hash, env, envlen};
	if ((e = insert_user(r, by, &n, errbuf)) != ERR_OK)
		sodium_memzero(uri, urilen);
out:
	sodium_memzero(hash, sizeof hash);
	free(env);
	return e;
}

/* An UPDATE ... WHERE username = $1 RETURNING id, with parameters $2.. */
enum param_type { P_TEXT, P_INT, P_BLOB };
struct param {
	enum param_type type;
	const char *text;
	int64_t num;
	const unsigned char *blob;
	size_t len;
};
#define CHANGE_PARAMS_MAX 3
struct change {
	const char *sql;
	struct param p[CHANGE_PARAMS_MAX];
	int n;
	const char *action;         /* audit action ("user.disable", ...) */
	char detail[AUDIT_FIELD_MAX]; /* audit detail, "" for none */
};

static err_t bind_change(db_stmt *st, const char *username, const struct change *c)
{
	err_t e = db_bind_text(st, 1, username);
	for (int i = 0; e == ERR_OK && i < c->n; i++) {
		const struct param *p = &c->p[i];
		e = p->type == P_TEXT  ? db_bind_text(st, i + 2, p->text)
		    : p->type == P_INT ? db_bind_int(st, i + 2, p->num)
				       : db_bind_blob(st, i + 2, p->blob, p->len);
	}
	return e;
}

/* Runs the change, ends the account's sessions and audits, in one
 * transaction. */
static err_t apply_change(registry *r, const struct audit_entry *by, const char *username,
			  const struct change *c)
{
	db *d = registry_db(r);
	db_stmt *st = NULL;
	int64_t id = 0;
	err_t e = db_begin(d);
	if (e != ERR_OK)
		return e;
	if ((e = db_prepare(d, c->sql, &st)) == ERR_OK && (e = bind_change(st, username, c)) == ERR_OK) {
		int rc = step_result(db_step(st), &e);
		if (rc == DB_DONE)
			e = ERR_NOT_FOUND;
		else if (rc == DB_ROW)
			id = db_col_int(st, 0);
	}
	db_finalize(st);
	if (e == ERR_OK)
		e = session_end_user(r, id);
	if (e == ERR_OK)
		e = audit_user(r, by, c->action, username, "ok", c->detail);
	return finish_tx(d, e);
}

err_t users_set_disabled(registry *r, const struct audit_entry *by, const char *username,
			 int disabled)
{
	struct change c = {.sql = Q_USER_SET_DISABLED, .n = 2,
			   .p = {{.type = P_INT, .num = disabled ? 1 : 0},
				 {.type = P_INT, .num = clock_now()}},
			   .action = disabled ? "user.disable" : "user.enable"};
	return apply_change(r, by, username, &c);
}

err_t users_accept_terms(registry *r, const struct audit_entry *by, const char *version,
			 int64_t now)
{
	db *d = registry_db(r);
	db_stmt *st = NULL;
	struct user_info u = {0};
	char detail[AUDIT_FIELD_MAX];
	if (!version || strcmp(version, terms_version()) != 0)
		return ERR_INVALID;
	err_t e = users_find(r, by->actor, &u);
	if (e != ERR_OK || strcmp(u.terms_version, version) == 0)
		return e; /* accepted already: the first acceptance is the record */
	if ((e = db_begin(d)) != ERR_OK)
		return e;
	if ((e = db_prepare(d, Q_USER_ACCEPT_TERMS, &st)) == ERR_OK &&
	    (e = db_bind_text(st, 1, by->actor)) == ERR_OK &&
	    (e = db_bind_text(st, 2, version)) == ERR_OK && (e = db_bind_int(st, 3, now)) == ERR_OK &&
	    step_result(db_step(st), &e) == DB_DONE)
		e = ERR_NOT_FOUND;
	db_finalize(st);
	snprintf(detail, sizeof detail, "version=%s", version);
	if (e == ERR_OK)
		e = audit_user(r, by, "user.terms_accept", by->actor, "ok", detail);
	return finish_tx(d, e);
}

err_t users_set_password(registry *r, const struct audit_entry *by, const char *username,
			 const char *password, char *errbuf)
{
	char hash[PASSWORD_HASH_MAX];
	struct change c = {.sql = Q_USER_SET_PASSWORD, .n = 2,
			   .p = {{.type = P_TEXT}, {.type = P_INT, .num = clock_now()}},
			   .action = "user.password"};
	err_t e = password_check_policy(password, username, errbuf);
	if (e != ERR_OK)
		return e;
	if ((e = password_hash(password, hash)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot hash the password: %s", err_str(e));
		return e;
	}
	c.p[0].text = hash;
	if ((e = apply_change(r, by, username, &c)) != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot change the password: %s", err_str(e));
	sodium_memzero(hash, sizeof hash);
	return e;
}

err_t users_new_totp(registry *r, const struct audit_entry *by, const char *username, char *uri,
		     size_t urilen, char *errbuf)
{
	struct user_info u;
	unsigned char *env = NULL;
	size_t envlen = 0;
	struct change c = {.sql = Q_USER_SET_TOTP, .n = 2,
			   .p = {{.type = P_BLOB}, {.type = P_INT, .num = clock_now()}},
			   .action = "user.totp"};
	err_t e = users_find(r, username, &u);
	uri[0] = '\0';
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "no account %s", username);
		return e;
	}
	if (!policy_role_needs_totp(u.role)) {
		snprintf(errbuf, ERRBUF_MAX, "the role %s signs in without one-time codes",
			 policy_role_name(u.role));
		return ERR_INVALID;
	}
	if ((e = make_totp(r, username, &env, &envlen, uri, urilen)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot make the one-time-code secret: %s", err_str(e));
		return e;
	}
	c.p[0].blob = env;
	c.p[0].len = envlen;
	if ((e = apply_change(r, by, username, &c)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot store the secret: %s", err_str(e));
		sodium_memzero(uri, urilen);
	}
	free(env);
	return e;
}

err_t users_change(registry *r, const struct audit_entry *by, const char *username,
		   const char *role, const char *agency, char *uri, size_t urilen, char *errbuf)
{
	struct user_info u;
	struct change c = {.sql = Q_USER_SET_ROLE, .n = 3,
			   .p = {{.type = P_TEXT}, {.type = P_TEXT}, {.type = P_INT, .num = clock_now()}},
			   .action = "user.change"};
	enum role ro;
	err_t e = users_find(r, username, &u);
	uri[0] = '\0';
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "no account %s", username);
		return e;
	}
	ro = role ? policy_role_parse(role) : u.role;
	c.p[0].text = policy_role_name(ro);
	c.p[1].text = agency ? agency : u.agency;
	if ((e = check_role_agency(r, ro, c.p[1].text, errbuf)) != ERR_OK)
		return e;
	snprintf(c.detail, sizeof c.detail, "role=%s agency=%s", c.p[0].text, c.p[1].text);
	if ((e = apply_change(r, by, username, &c)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot change the account: %s", err_str(e));
		return e;
	}
	if (policy_role_needs_totp(ro) && !u.has_totp)
		return users_new_totp(r, by, username, uri, urilen, errbuf);
	return ERR_OK;
}

/* ---- throttling ------------------------------------------------------------- */

/* The keyed digest that names a throttled subject ("user:NAME", "addr:IP"). */
static err_t subject_of(registry *r, const char *prefix, const char *value,
			unsigned char out[CRYPTO_DIGEST_BYTES])
{
	char text[SUBJECT_TEXT_MAX];
	int n = snprintf(text, sizeof text, "%s:%s", prefix, value ? value : "");
	err_t e;
	if (n < 0)
		return ERR_INVALID;
	if ((size_t)n >= sizeof text)
		n = (int)sizeof text - 1; /* over-long names are refused anyway; keep a stable key */
	e = crypto_digest(registry_keyring(r), text, (size_t)n, out);
	sodium_memzero(text, sizeof text);
	return e;
}

struct throttle {
	int64_t failures, last_failure, blocked_until;
};

static err_t throttle_get(registry *r, const unsigned char *subject, struct throttle *t)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_THROTTLE_GET, &st);
	*t = (struct throttle){0};
	if (e == ERR_OK && (e = db_bind_blob(st, 1, subject, CRYPTO_DIGEST_BYTES)) == ERR_OK &&
	    step_result(db_step(st), &e) == DB_ROW)
		*t = (struct throttle){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2)};
	db_finalize(st);
	return e;
}

/* Counts one failure and sets the delay it earns. */
static err_t throttle_fail(registry *r, const unsigned char *subject, int64_t free_failures,
			   int64_t now)
{
	struct throttle t;
	db_stmt *st = NULL;
	err_t e = throttle_get(r, subject, &t);
	if (e != ERR_OK)
		return e;
	if (now - t.last_failure > USERS_THROTTLE_FORGET)
		t.failures = 0;
	t.failures++;
	t.last_failure = now;
	t.blocked_until = 0;
	if (t.failures > free_failures) {
		int64_t over = t.failures - free_failures - 1, delay = USERS_THROTTLE_BASE_DELAY;
		while (over-- > 0 && delay < USERS_THROTTLE_MAX_DELAY)
			delay *= 2;
		t.blocked_until = now + (delay < USERS_THROTTLE_MAX_DELAY ? delay
									: USERS_THROTTLE_MAX_DELAY);
	}
	if ((e = db_prepare(registry_db(r), Q_THROTTLE_PUT, &st)) == ERR_OK &&
	    !((e = db_bind_blob(st, 1, subject, CRYPTO_DIGEST_BYTES)) ||
	      (e = db_bind_int(st, 2, t.failures)) || (e = db_bind_int(st, 3, t.last_failure)) ||
	      (e = db_bind_int(st, 4, t.blocked_until))))
		step_result(db_step(st), &e);
	db_finalize(st);
	return e;
}

static err_t throttle_clear(registry *r, const unsigned char *subject)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_THROTTLE_CLEAR, &st);
	if (e == ERR_OK && (e = db_bind_blob(st, 1, subject, CRYPTO_DIGEST_BYTES)) == ERR_OK)
		step_result(db_step(st), &e);
	db_finalize(st);
	return e;
}

/* ---- signing in ----------------------------------------------------------- */

/* What the checks found, for the writes that follow them. */
struct attempt {
	err_t verdict;      /* ERR_OK, ERR_FORBIDDEN, ERR_LIMIT */
	const char *reason; /* audit detail: why it failed */
	int64_t step;       /* the one-time code's step, 0 when none */
	char rehash[PASSWORD_HASH_MAX]; /* a new hash to store, "" for none */
};

static err_t use_step(registry *r, int64_t user_id, int64_t step)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_USER_USE_STEP, &st);
	if (e == ERR_OK && !((e = db_bind_int(st, 1, user_id)) || (e = db_bind_int(st, 2, step))) &&
	    step_result(db_step(st), &e) == DB_DONE)
		e = ERR_FORBIDDEN; /* another request used this code first */
	db_finalize(st);
	return e;
}

/* Checks the code of an account whose role needs one; sets a->step. */
static err_t check_otp(registry *r, const struct user_row *u, const char *otp, int64_t now,
		       struct attempt *a)
{
	char *secret = NULL;
	size_t len = 0;
	err_t e;
	if (!policy_role_needs_totp(u->info.role))
		return ERR_OK;
	if (!u->totp_env)
		return ERR_FORBIDDEN; /* a role that needs a code, without a secret */
	if ((e = open_totp(r, u, &secret, &len)) != ERR_OK)
		return e;
	e = totp_verify((const unsigned char *)secret, len, otp, now, u->last_step, &a->step);
	crypto_plain_free(secret);
	return e;
}

/* The checks that need no write: password (Argon2id) and code.  Runs outside
 * any transaction, so a slow hash never holds the database's write lock. */
static err_t check_credentials(registry *r, const struct user_row *u,
			       const struct users_signin *s, int64_t now, struct attempt *a)
{
	int needs_rehash = 0;
	err_t e;
	a->reason = "disabled";
	if (u->info.disabled || u->info.role == ROLE_NONE)
		return password_verify_dummy(s->password);
	a->reason = "reset pending";
	if (strncmp(u->hash, RESET_PREFIX, strlen(RESET_PREFIX)) == 0)
		return password_verify_dummy(s->password); /* the old password is gone */
	a->reason = "password";
	if ((e = password_verify(u->hash, s->password, &needs_rehash)) != ERR_OK)
		return e;
	a->reason = "otp";
	if ((e = check_otp(r, u, s->otp, now, a)) != ERR_OK)
		return e;
	a->reason = "";
	if (needs_rehash && password_hash(s->password, a->rehash) != ERR_OK)
		a->rehash[0] = '\0'; /* keep the old hash; try again next time */
	return ERR_OK;
}

static err_t store_rehash(registry *r, int64_t user_id, const char *hash)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_USER_REHASH, &st);
	if (e == ERR_OK && !((e = db_bind_int(st, 1, user_id)) || (e = db_bind_text(st, 2, hash))))
		step_result(db_step(st), &e);
	db_finalize(st);
	return e;
}

/* The writes of a successful sign-in; ERR_FORBIDDEN when the code's step was
 * taken meanwhile by another request. */
static err_t record_success(registry *r, const struct user_row *u, const unsigned char *subj_user,
			    struct attempt *a)
{
	err_t e = ERR_OK;
	if (a->step && (e = use_step(r, u->info.id, a->step)) == ERR_FORBIDDEN) {
		a->verdict = ERR_FORBIDDEN;
		a->reason = "otp replayed";
		return ERR_OK; /* counted as a failure by the caller */
	}
	if (e == ERR_OK && a->rehash[0])
		e = store_rehash(r, u->info.id, a->rehash);
	if (e == ERR_OK)
		e = throttle_clear(r, subj_user);
	return e;
}

static err_t record_failure(registry *r, const unsigned char *subj_user,
			    const unsigned char *subj_addr, int64_t now)
{
	err_t e = throttle_fail(r, subj_user, USERS_THROTTLE_USER_FREE, now);
	if (e == ERR_OK)
		e = throttle_fail(r, subj_addr, USERS_THROTTLE_ADDR_FREE, now);
	return e;
}

static err_t audit_signin(registry *r, const struct users_signin *s, const struct user_row *u,
			  const struct attempt *a)
{
	struct audit_entry e = {
		/* an unknown name is never stored: it is often a password typed in
		 * the wrong field */
		.actor = u->info.id ? u->info.username : "unknown",
		.agency = u->info.id ? u->info.agency : "",
		.role = u->info.id ? policy_role_name(u->info.role) : "",
		.action = s->action ? s->action : "signin", .object_type = "user",
		.object_ref = u->info.id ? u->info.username : "",
		.request_id = s->request_id,
		.outcome = a->verdict == ERR_OK ? "ok" : a->verdict == ERR_LIMIT ? "throttled" : "denied",
		.detail = a->reason};
	return audit_append(registry_db(r), &e, NULL);
}

/* Writes what the attempt changes, and its audit entry, in one transaction. */
static err_t record_attempt(registry *r, const struct users_signin *s, const struct user_row *u,
			    const unsigned char *subj_user, const unsigned char *subj_addr,
			    int64_t now, struct attempt *a)
{
	db *d = registry_db(r);
	err_t e = db_begin(d);
	if (e == ERR_OK && a->verdict == ERR_OK)
		e = record_success(r, u, subj_user, a);
	if (e == ERR_OK && a->verdict == ERR_FORBIDDEN)
		e = record_failure(r, subj_user, subj_addr, now);
	if (e == ERR_OK)
		e = audit_signin(r, s, u, a);
	return finish_tx(d, e);
}

static err_t to_principal(registry *r, const struct user_row *u, struct principal *who)
{
	const char *kind = codes_agency_kind(registry_codes(r), u->info.agency);
	return policy_principal(who, u->info.id, u->info.username, u->info.agency, kind,
				policy_role_name(u->info.role));
}

/* Decides the attempt: throttled, unknown, or the account's checks. */
static err_t judge(registry *r, const struct users_signin *s, int64_t now, int held,
		   struct user_row *u, struct attempt *a)
{
	err_t e;
	a->verdict = ERR_FORBIDDEN;
	a->reason = "unknown account";
	if (held) {
		a->verdict = ERR_LIMIT;
		a->reason = "throttled";
		return ERR_OK;
	}
	if (!users_name_valid(s->username)) {
		password_verify_dummy(s->password);
		return ERR_OK;
	}
	if ((e = load_user(r, s->username, u)) == ERR_NOT_FOUND) {
		password_verify_dummy(s->password);
		return ERR_OK;
	}
	if (e != ERR_OK)
		return e;
	e = check_credentials(r, u, s, now, a);
	if (e == ERR_OK || e == ERR_FORBIDDEN) {
		a->verdict = e;
		e = ERR_OK;
	}
	return e;
}

err_t users_signin(registry *r, const struct users_signin *in, int64_t now, struct principal *who)
{
	unsigned char subj_user[CRYPTO_DIGEST_BYTES], subj_addr[CRYPTO_DIGEST_BYTES];
	struct users_signin sv = {in->username, in->password ? in->password : "",
				  in->otp ? in->otp : "", in->address, in->request_id, in->action},
			    *s = &sv;
	struct throttle tu, ta;
	struct user_row u = {0};
	struct attempt a = {0};
	err_t e;

	if ((e = subject_of(r, "user", s->username, subj_user)) != ERR_OK ||
	    (e = subject_of(r, "addr", s->address, subj_addr)) != ERR_OK ||
	    (e = throttle_get(r, subj_user, &tu)) != ERR_OK ||
	    (e = throttle_get(r, subj_addr, &ta)) != ERR_OK)
		return e;
	e = judge(r, s, now, tu.blocked_until > now || ta.blocked_until > now, &u, &a);
	if (e == ERR_OK)
		e = record_attempt(r, s, &u, subj_user, subj_addr, now, &a);
	if (e == ERR_OK && a.verdict == ERR_OK)
		e = to_principal(r, &u, who);
	if (e == ERR_OK)
		e = a.verdict;
	sodium_memzero(&a, sizeof a);
	row_cleanup(&u);
	return e;
}

/* ---- administrator-initiated reset ------------------------------------------ */

/* The code as the hash covers it: Crockford's letters in upper case, without
 * the dashes and spaces of its display, O read as 0 and I, L as 1.  0 when it
 * is not a code. */
static int reset_normalise(const char *in, char out[USERS_RESET_CODE_CHARS + 1])
{
	size_t n = 0;
	for (; in && *in; in++) {
		char c = *in;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		c = c == 'O' ? '0' : (c == 'I' || c == 'L') ? '1' : c;
		if (!strchr(CROCKFORD, c) || c == '\0' || n == USERS_RESET_CODE_CHARS)
			return 0;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == USERS_RESET_CODE_CHARS;
}

err_t users_reset_issue(registry *r, const struct audit_entry *by, const char *username,
			int64_t now, char *code, char *errbuf)
{
	char raw[USERS_RESET_CODE_CHARS + 1], hash[PASSWORD_HASH_MAX];
	unsigned char rnd[USERS_RESET_CODE_CHARS];
	struct user_info u;
	struct change c = {.sql = Q_USER_SET_PASSWORD, .n = 2,
			   .p = {{.type = P_TEXT}, {.type = P_INT, .num = now}},
			   .action = "user.reset"};
	char *stored = NULL;
	err_t e = users_find(r, username, &u);
	code[0] = '\0';
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, e == ERR_NOT_FOUND ? "no account %s" : "cannot read %s",
			 username);
		return e;
	}
	randombytes_buf(rnd, sizeof rnd);
	for (size_t i = 0; i < sizeof rnd; i++)
		raw[i] = CROCKFORD[rnd[i] % 32];
	raw[USERS_RESET_CODE_CHARS] = '\0';
	if ((e = password_hash(raw, hash)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot hash the reset code: %s", err_str(e));
		goto out;
	}
	if (!(stored = malloc(STORED_HASH_MAX))) {
		e = ERR_NOMEM;
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		goto out;
	}
	snprintf(stored, STORED_HASH_MAX, RESET_PREFIX "%lld:%s",
		 (long long)(now + USERS_RESET_SECONDS), hash);
	c.p[0].text = stored;
	snprintf(c.detail, sizeof c.detail, "reset code issued, valid %d minutes",
		 USERS_RESET_SECONDS / 60);
	if ((e = apply_change(r, by, username, &c)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot store the reset: %s", err_str(e));
		goto out;
	}
	snprintf(code, USERS_RESET_CODE_TEXT, "%.4s-%.4s-%.4s-%.4s", raw, raw + 4, raw + 8,
		 raw + 12);
out:
	if (stored) {
		sodium_memzero(stored, STORED_HASH_MAX);
		free(stored);
	}
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(rnd, sizeof rnd);
	sodium_memzero(hash, sizeof hash);
	return e;
}

/* Checks a redemption against the account; sets a->reason and a->step.
 * ERR_OK, ERR_FORBIDDEN or a storage error.  Always costs one Argon2id. */
static err_t check_reset(registry *r, const struct user_row *u, const struct users_reset *in,
			 int64_t now, struct attempt *a)
{
	char code[USERS_RESET_CODE_CHARS + 1];
	const char *hash = NULL, *p = u->hash + strlen(RESET_PREFIX);
	char *end = NULL;
	long long expires = 0;
	err_t e = ERR_FORBIDDEN;
	int ok = reset_normalise(in->code, code);
	a->reason = "disabled";
	if (u->info.disabled || u->info.role == ROLE_NONE)
		goto dummy;
	a->reason = "no reset pending";
	if (strncmp(u->hash, RESET_PREFIX, strlen(RESET_PREFIX)) != 0)
		goto dummy;
	expires = strtoll(p, &end, 10);
	if (!end || *end != ':')
		goto dummy;
	hash = end + 1;
	a->reason = "reset code";
	if (!ok || password_verify(hash, code, NULL) != ERR_OK)
		goto out;
	a->reason = "reset expired";
	if (now >= expires)
		goto out;
	a->reason = "otp";
	if ((e = check_otp(r, u, in->otp, now, a)) != ERR_OK)
		goto out;
	a->reason = "";
	e = ERR_OK;
	goto out;
dummy:
	password_verify_dummy(ok ? code : "");
out:
	sodium_memzero(code, sizeof code);
	return e;
}

/* The writes of a good redemption: the code's step, the new password in
 * place of the very reset that was checked (so a code serves once), the
 * sessions.  ERR_FORBIDDEN (a->verdict) when another request won. */
static err_t reset_take(registry *r, const struct user_row *u, const char *newhash, int64_t now,
			const unsigned char *subj_user, struct attempt *a)
{
	db_stmt *st = NULL;
	err_t e = ERR_OK;
	if (a->step && (e = use_step(r, u->info.id, a->step)) == ERR_FORBIDDEN) {
		a->verdict = ERR_FORBIDDEN;
		a->reason = "otp replayed";
		return ERR_OK;
	}
	if (e == ERR_OK && (e = db_prepare(registry_db(r), Q_USER_RESET_TAKE, &st)) == ERR_OK &&
	    !((e = db_bind_int(st, 1, u->info.id)) || (e = db_bind_text(st, 2, u->hash)) ||
	      (e = db_bind_text(st, 3, newhash)) || (e = db_bind_int(st, 4, now))) &&
	    step_result(db_step(st), &e) == DB_DONE) {
		a->verdict = ERR_FORBIDDEN;
		a->reason = "reset used";
	}
	db_finalize(st);
	if (e == ERR_OK && a->verdict == ERR_OK && (e = session_end_user(r, u->info.id)) == ERR_OK)
		e = throttle_clear(r, subj_user);
	return e;
}

static err_t audit_reset(registry *r, const struct users_reset *in, const struct user_row *u,
			 const struct attempt *a)
{
	struct audit_entry e = {
		.actor = u->info.id ? u->info.username : "unknown",
		.agency = u->info.id ? u->info.agency : "",
		.role = u->info.id ? policy_role_name(u->info.role) : "",
		.action = "user.reset.use", .object_type = "user",
		.object_ref = u->info.id ? u->info.username : "",
		.request_id = in->request_id,
		.outcome = a->verdict == ERR_OK ? "ok" : a->verdict == ERR_LIMIT ? "throttled" : "denied",
		.detail = a->reason};
	return audit_append(registry_db(r), &e, NULL);
}

err_t users_reset_redeem(registry *r, const struct users_reset *in, int64_t now, char *errbuf)
{
	unsigned char subj_user[CRYPTO_DIGEST_BYTES], subj_addr[CRYPTO_DIGEST_BYTES];
	struct users_reset s = {in->username ? in->username : "", in->code ? in->code : "",
				in->password ? in->password : "", in->otp ? in->otp : "",
				in->address, in->request_id};
	char newhash[PASSWORD_HASH_MAX];
	struct throttle tu, ta;
	struct user_row u = {0};
	struct attempt a = {.verdict = ERR_FORBIDDEN, .reason = "unknown account"};
	err_t e;

	if ((e = password_check_policy(s.password, s.username, errbuf)) != ERR_OK)
		return e;
	if ((e = password_hash(s.password, newhash)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot hash the password: %s", err_str(e));
		return e;
	}
	if ((e = subject_of(r, "user", s.username, subj_user)) != ERR_OK ||
	    (e = subject_of(r, "addr", s.address, subj_addr)) != ERR_OK ||
	    (e = throttle_get(r, subj_user, &tu)) != ERR_OK ||
	    (e = throttle_get(r, subj_addr, &ta)) != ERR_OK)
		goto out;
	if (tu.blocked_until > now || ta.blocked_until > now) {
		a.verdict = ERR_LIMIT;
		a.reason = "throttled";
	} else if (!users_name_valid(s.username) ||
		   (e = load_user(r, s.username, &u)) == ERR_NOT_FOUND) {
		password_verify_dummy(s.code);
		e = ERR_OK;
	} else if (e == ERR_OK) {
		e = check_reset(r, &u, &s, now, &a);
		if (e == ERR_OK || e == ERR_FORBIDDEN) {
			a.verdict = e;
			e = ERR_OK;
		}
	}
	if (e != ERR_OK)
		goto out;
	db *d = registry_db(r);
	if ((e = db_begin(d)) == ERR_OK) {
		if (a.verdict == ERR_OK)
			e = reset_take(r, &u, newhash, now, subj_user, &a);
		if (e == ERR_OK && a.verdict == ERR_FORBIDDEN)
			e = record_failure(r, subj_user, subj_addr, now);
		if (e == ERR_OK)
			e = audit_reset(r, &s, &u, &a);
		e = finish_tx(d, e);
	}
	if (e == ERR_OK)
		e = a.verdict;
out:
	sodium_memzero(newhash, sizeof newhash);
	row_cleanup(&u);
	return e;
}
