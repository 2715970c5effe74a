/*
 * test_session.c - accounts, sign-in and sessions without HTTP: identical
 * failures, one-time codes without replay, throttling that holds an attacker
 * back without locking the user out for good, idle and absolute expiry with
 * the shiftable clock, revocation on every change that matters, tokens stored
 * only as hashes, and the password rehashed when the limits rise.
 * TU_BOTH_ENGINES: also on PostgreSQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "core/clock.h"
#include "core/password.h"
#include "core/session.h"
#include "core/totp.h"
#include "core/users.h"
#include "testutil.h"

#define PW "river copper lantern"

static const struct audit_entry by = {.actor = "cli:test", .agency = "", .role = "operator",
				      .request_id = "test"};

struct fixture {
	struct tu_store st;
	unsigned char secret[64];
	size_t secret_len;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	tu_store_open(&f->st);
	clock_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tu_store_close(&f->st);
	free(f);
	clock_reset();
	return 0;
}

/* The secret of an otpauth:// URI. */
static void secret_of(const char *uri, unsigned char *out, size_t *len)
{
	const char *s = strstr(uri, "secret=");
	char b32[TOTP_BASE32_MAX];
	char *raw = NULL;
	size_t n, rawlen = 0;
	assert_non_null(s);
	s += 7;
	n = strcspn(s, "&");
	assert_true(n < sizeof b32);
	memcpy(b32, s, n);
	b32[n] = '\0';
	assert_int_equal(oath_base32_decode(b32, n, &raw, &rawlen), OATH_OK);
	memcpy(out, raw, rawlen);
	*len = rawlen;
	free(raw);
}

static void add_officer(struct fixture *f, const char *name)
{
	char uri[TOTP_URI_MAX], errbuf[ERRBUF_MAX];
	assert_int_equal(users_add(f->st.r, &by, name, "mia_ctd", "officer", PW, uri, sizeof uri, errbuf),
			 ERR_OK);
	assert_memory_equal(uri, "otpauth://totp/Haven:", 21);
	secret_of(uri, f->secret, &f->secret_len);
}

/* The code for the clock's time plus `ahead` steps. */
static void code_at(struct fixture *f, int ahead, char out[TOTP_CODE_MAX])
{
	assert_int_equal(totp_code(f->secret, f->secret_len,
				   clock_now() + ahead * TOTP_STEP_SECONDS, out),
			 ERR_OK);
}

static err_t sign_in(struct fixture *f, const char *name, const char *pw, const char *otp,
		     struct principal *who)
{
	struct users_signin s = {name, pw, otp, "192.0.2.7", "req", NULL};
	return users_signin(f->st.r, &s, clock_now(), who);
}

static void adding_accounts(void **state)
{
	struct fixture *f = *state;
	char uri[TOTP_URI_MAX], errbuf[ERRBUF_MAX];
	struct user_info u;
	add_officer(f, "rashad");
	assert_int_equal(users_add(f->st.r, &by, "rashad", "mia_ctd", "officer", PW, uri, sizeof uri,
				   errbuf), ERR_CONFLICT);
	assert_int_equal(users_add(f->st.r, &by, "nigar", "ngo", "officer", PW, uri, sizeof uri, errbuf),
			 ERR_INVALID); /* officers belong to the police */
	assert_int_equal(users_add(f->st.r, &by, "nigar", "ngo", "wizard", PW, uri, sizeof uri, errbuf),
			 ERR_INVALID);
	assert_int_equal(users_add(f->st.r, &by, "nigar", "nowhere", "caseworker", PW, uri, sizeof uri,
				   errbuf), ERR_INVALID);
	assert_int_equal(users_add(f->st.r, &by, "Nigar", "ngo", "caseworker", PW, uri, sizeof uri, errbuf),
			 ERR_INVALID);
	assert_int_equal(users_add(f->st.r, &by, "nigar", "ngo", "caseworker", "password1234", uri,
				   sizeof uri, errbuf), ERR_INVALID);
	assert_int_equal(users_add(f->st.r, &by, "nigar", "ngo", "analyst", PW, uri, sizeof uri, errbuf),
			 ERR_OK);
	assert_string_equal(uri, ""); /* no personal data: no one-time codes */
	assert_int_equal(users_find(f->st.r, "nigar", &u), ERR_OK);
	assert_int_equal(u.role, ROLE_ANALYST);
	assert_false(u.has_totp);
	assert_int_equal(users_find(f->st.r, "rashad", &u), ERR_OK);
	assert_true(u.has_totp);
	assert_int_equal(users_find(f->st.r, "nobody", &u), ERR_NOT_FOUND);
}

static void signing_in(void **state)
{
	struct fixture *f = *state;
	struct principal who;
	char code[TOTP_CODE_MAX], wrong[TOTP_CODE_MAX];
	add_officer(f, "rashad");
	code_at(f, 0, code);
	memcpy(wrong, code, sizeof wrong);
	wrong[0] = wrong[0] == '9' ? '0' : (char)(wrong[0] + 1);

	assert_int_equal(sign_in(f, "rashad", PW, wrong, &who), ERR_FORBIDDEN);
	assert_int_equal(sign_in(f, "rashad", PW " ", code, &who), ERR_FORBIDDEN);
	assert_int_equal(sign_in(f, "nobody", PW, code, &who), ERR_FORBIDDEN);
	assert_int_equal(sign_in(f, "rashad", PW, NULL, &who), ERR_FORBIDDEN);
	assert_int_equal(sign_in(f, "rashad", PW, code, &who), ERR_OK);
	assert_int_equal(who.role, ROLE_OFFICER);
	assert_string_equal(who.agency, "mia_ctd");
	/* the same code again (replay) */
	assert_int_equal(sign_in(f, "rashad", PW, code, &who), ERR_FORBIDDEN);
	/* the next step's code is fine */
	code_at(f, 1, code);
	assert_int_equal(sign_in(f, "rashad", PW, code, &who), ERR_OK);
}

static void throttling(void **state)
{
	struct fixture *f = *state;
	struct principal who;
	char code[TOTP_CODE_MAX];
	add_officer(f, "rashad");
	for (int i = 0; i < USERS_THROTTLE_USER_FREE + 1; i++)
		assert_int_equal(sign_in(f, "rashad", "wrong password!", "000000", &who),
				 ERR_FORBIDDEN);
	/* held back now, even with the right credentials */
	code_at(f, 0, code);
	assert_int_equal(sign_in(f, "rashad", PW, code, &who), ERR_LIMIT);
	/* an unknown name is held back the same way */
	for (int i = 0; i < USERS_THROTTLE_USER_FREE + 1; i++)
		sign_in(f, "ghost", "wrong password!", "000000", &who);
	assert_int_equal(sign_in(f, "ghost", PW, code, &who), ERR_LIMIT);
	/* ... and never for longer than the longest delay */
	clock_shift(USERS_THROTTLE_MAX_DELAY + 1);
	code_at(f, 0, code);
	assert_int_equal(sign_in(f, "rashad", PW, code, &who), ERR_OK);
}

static void throttling_per_address(void **state)
{
	struct fixture *f = *state;
	struct principal who;
	char name[32];
	add_officer(f, "rashad");
	for (int i = 0; i < USERS_THROTTLE_ADDR_FREE + 1; i++) {
		snprintf(name, sizeof name, "spray%d", i);
		assert_int_equal(sign_in(f, name, "wrong password!", "000000", &who), ERR_FORBIDDEN);
	}
	assert_int_equal(sign_in(f, "rashad", "wrong password!", "000000", &who), ERR_LIMIT);
	struct users_signin other = {"rashad", "wrong password!", "000000", "198.51.100.1", "req", NULL};
	assert_int_equal(users_signin(f->st.r, &other, clock_now(), &who), ERR_FORBIDDEN);
}

static void session_lifetime(void **state)
{
	struct fixture *f = *state;
	struct session_tokens t;
	struct session_info s;
	add_officer(f, "rashad");
	struct user_info u;
	assert_int_equal(users_find(f->st.r, "rashad", &u), ERR_OK);
	/* one `now` moved by hand: clock_now() read twice could straddle a second
	 * and put "29:59 idle" at 30:00 (it did, on a loaded machine) */
	int64_t now = clock_now();
	assert_int_equal(session_create(f->st.r, u.id, now, &t), ERR_OK);
	assert_int_equal(strlen(t.token), SESSION_TOKEN_TEXT - 1);
	assert_int_equal(session_resolve(f->st.r, t.token, now, &s), ERR_OK);
	assert_string_equal(s.who.username, "rashad");
	assert_true(session_csrf_ok(&s, t.csrf));
	assert_false(session_csrf_ok(&s, t.token));
	assert_false(session_csrf_ok(&s, NULL));
	assert_int_equal(session_resolve(f->st.r, t.csrf, now, &s), ERR_FORBIDDEN);
	assert_int_equal(session_resolve(f->st.r, "not a token", now, &s), ERR_FORBIDDEN);

	/* active every 20 minutes: alive until the absolute limit */
	for (int i = 0; i < 35; i++) {
		now += 20 * 60;
		assert_int_equal(session_resolve(f->st.r, t.token, now, &s), ERR_OK);
	}
	now += 20 * 60; /* 12 hours after sign-in */
	assert_int_equal(session_resolve(f->st.r, t.token, now, &s), ERR_FORBIDDEN);

	/* idle for 30 minutes */
	assert_int_equal(session_create(f->st.r, u.id, now, &t), ERR_OK);
	now += SESSION_IDLE_SECONDS - 1;
	assert_int_equal(session_resolve(f->st.r, t.token, now, &s), ERR_OK);
	now += SESSION_IDLE_SECONDS;
	assert_int_equal(session_resolve(f->st.r, t.token, now, &s), ERR_FORBIDDEN);

	/* signed out */
	assert_int_equal(session_create(f->st.r, u.id, now, &t), ERR_OK);
	assert_int_equal(session_end(f->st.r, t.token), ERR_OK);
	assert_int_equal(session_resolve(f->st.r, t.token, now, &s), ERR_FORBIDDEN);
}

/* Each change that matters ends the account's sessions. */
static void revocation(void **state)
{
	struct fixture *f = *state;
	struct session_tokens t;
	struct session_info s;
	struct user_info u;
	char uri[TOTP_URI_MAX], errbuf[ERRBUF_MAX];
	add_officer(f, "rashad");
	assert_int_equal(users_find(f->st.r, "rashad", &u), ERR_OK);

	assert_int_equal(session_create(f->st.r, u.id, clock_now(), &t), ERR_OK);
	assert_int_equal(users_set_password(f->st.r, &by, "rashad", "a new long passphrase", errbuf), ERR_OK);
	assert_int_equal(session_resolve(f->st.r, t.token, clock_now(), &s), ERR_FORBIDDEN);

	assert_int_equal(session_create(f->st.r, u.id, clock_now(), &t), ERR_OK);
	assert_int_equal(users_change(f->st.r, &by, "rashad", "caseworker", "ngo", uri, sizeof uri, errbuf),
			 ERR_OK);
	assert_int_equal(session_resolve(f->st.r, t.token, clock_now(), &s), ERR_FORBIDDEN);

	assert_int_equal(session_create(f->st.r, u.id, clock_now(), &t), ERR_OK);
	assert_int_equal(users_new_totp(f->st.r, &by, "rashad", uri, sizeof uri, errbuf), ERR_OK);
	assert_int_equal(session_resolve(f->st.r, t.token, clock_now(), &s), ERR_FORBIDDEN);

	assert_int_equal(session_create(f->st.r, u.id, clock_now(), &t), ERR_OK);
	assert_int_equal(session_resolve(f->st.r, t.token, clock_now(), &s), ERR_OK);
	assert_string_equal(s.who.agency, "ngo"); /* rights read afresh */
	assert_int_equal(users_set_disabled(f->st.r, &by, "rashad", 1), ERR_OK);
	assert_int_equal(session_resolve(f->st.r, t.token, clock_now(), &s), ERR_FORBIDDEN);
	assert_int_equal(users_set_disabled(f->st.r, &by, "nobody", 1), ERR_NOT_FOUND);

	/* a disabled account cannot sign in, with the same answer as a wrong one */
	struct principal who;
	assert_int_equal(sign_in(f, "rashad", "a new long passphrase", "000000", &who),
			 ERR_FORBIDDEN);
}

static void only_hashes_stored(void **state)
{
	struct fixture *f = *state;
	struct session_tokens t;
	struct user_info u;
	/* every file of the store: the database, its WAL and shared memory (or
	 * the PostgreSQL cluster's data and WAL) */
	const char *where = tu_engine_is_postgres() ? getenv("HAVEN_TEST_PG") : f->st.dir;
	add_officer(f, "rashad");
	assert_int_equal(users_find(f->st.r, "rashad", &u), ERR_OK);
	assert_int_equal(session_create(f->st.r, u.id, clock_now(), &t), ERR_OK);
	assert_true(tu_tree_contains(where, "rashad", 6)); /* the search sees what is stored */
	assert_false(tu_tree_contains(where, t.token, strlen(t.token)));
	assert_false(tu_tree_contains(where, t.csrf, strlen(t.csrf)));
	assert_false(tu_tree_contains(where, PW, strlen(PW)));
}

static void rehash_on_sign_in(void **state)
{
	struct fixture *f = *state;
	struct principal who;
	char weak[PASSWORD_HASH_MAX], code[TOTP_CODE_MAX];
	char errbuf[ERRBUF_MAX];
	db *conn = NULL;
	db_stmt *st;
	add_officer(f, "rashad");
	assert_int_equal(crypto_pwhash_str(weak, PW, strlen(PW), crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN), 0);
	assert_int_equal(db_open(f->st.db, DB_OPEN_EXISTING, &conn, errbuf), ERR_OK);
	assert_int_equal(db_prepare(conn, "UPDATE users SET password_hash = $1", &st), ERR_OK);
	assert_int_equal(db_bind_text(st, 1, weak), ERR_OK);
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
	code_at(f, 0, code);
	assert_int_equal(sign_in(f, "rashad", PW, code, &who), ERR_OK);
	assert_int_equal(db_prepare(conn, "SELECT password_hash FROM users", &st), ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	const char *now_hash = db_col_text(st, 0);
	assert_string_not_equal(now_hash, weak);
	assert_int_equal(crypto_pwhash_str_needs_rehash(now_hash, PASSWORD_OPSLIMIT,
							PASSWORD_MEMLIMIT), 0);
	db_finalize(st);
	db_close(conn);
}

/* Every attempt is audited; an unknown name and the password never are. */
static void sign_ins_audited(void **state)
{
	struct fixture *f = *state;
	struct principal who;
	char code[TOTP_CODE_MAX];
	char errbuf[ERRBUF_MAX];
	db *conn = NULL;
	db_stmt *st;
	char got[512] = "";
	size_t used = 0;
	add_officer(f, "rashad");
	code_at(f, 0, code);
	sign_in(f, "typed-a-secret-here", PW, code, &who);
	sign_in(f, "rashad", "wrong password!", code, &who);
	sign_in(f, "rashad", PW, "000000", &who);
	assert_int_equal(sign_in(f, "rashad", PW, code, &who), ERR_OK);
	assert_int_equal(db_open(f->st.db, DB_OPEN_EXISTING, &conn, errbuf), ERR_OK);
	assert_int_equal(db_prepare(conn,
				    "SELECT actor, outcome, detail FROM audit_log "
				    "WHERE action = 'signin' ORDER BY seq",
				    &st),
			 ERR_OK);
	while (db_step(st) == DB_ROW)
		used += (size_t)snprintf(got + used, sizeof got - used, "%s %s %s|",
					 db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2));
	db_finalize(st);
	db_close(conn);
	assert_string_equal(got, "unknown denied unknown account|rashad denied password|"
				 "rashad denied otp|rashad ok |");
	if (tu_engine_is_postgres()) {
		assert_false(tu_tree_contains(getenv("HAVEN_TEST_PG"), "typed-a-secret-here", 19));
		return;
	}
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", f->st.db);
	assert_false(tu_file_contains(f->st.db, "typed-a-secret-here", 19));
	assert_false(tu_file_contains(wal, "typed-a-secret-here", 19));
}

/* The audit details of `action`, in order, "outcome detail|..." into got. */
static void audit_details(struct fixture *f, const char *action, char *got, size_t len)
{
	db_stmt *st;
	size_t used = 0;
	got[0] = '\0';
	assert_int_equal(db_prepare(registry_db(f->st.r),
				    "SELECT outcome, detail FROM audit_log WHERE action = $1 ORDER BY seq",
				    &st),
			 ERR_OK);
	assert_int_equal(db_bind_text(st, 1, action), ERR_OK);
	while (db_step(st) == DB_ROW && used < len)
		used += (size_t)snprintf(got + used, len - used, "%s %s|", db_col_text(st, 0),
					 db_col_text(st, 1));
	db_finalize(st);
}

/* A redemption of a reset code by `name`, with the one-time code of the
 * clock's step. */
static err_t redeem(struct fixture *f, const char *name, const char *code, const char *pw)
{
	char otp[TOTP_CODE_MAX], errbuf[ERRBUF_MAX];
	struct users_reset in = {name, code, pw, otp, "192.0.2.7", "req"};
	code_at(f, 0, otp);
	return users_reset_redeem(f->st.r, &in, clock_now(), errbuf);
}

/* A reset code is refused, all with the same answer, when it is mistyped
 * beyond the forgiven differences, when its account was disabled since, and
 * while the account is held back after failures; the auditor sees why.  It
 * still works when typed as read aloud: spaces, lower case, O for 0, L for 1. */
static void reset_code_refusals(void **state)
{
	struct fixture *f = *state;
	char code[USERS_RESET_CODE_TEXT], typed[USERS_RESET_CODE_TEXT + 1], errbuf[ERRBUF_MAX];
	char got[1024];
	struct principal who;
	add_officer(f, "rashad");
	assert_int_equal(users_reset_issue(f->st.r, &by, "rashad", clock_now(), code, errbuf), ERR_OK);

	snprintf(typed, sizeof typed, "%sX", code); /* one character too many */
	assert_int_equal(redeem(f, "rashad", typed, "violet harbour seventeen"), ERR_FORBIDDEN);
	snprintf(typed, sizeof typed, "U%s", code + 1); /* U is no code's letter */
	assert_int_equal(redeem(f, "rashad", typed, "violet harbour seventeen"), ERR_FORBIDDEN);
	assert_int_equal(redeem(f, "not a name", code, "violet harbour seventeen"), ERR_FORBIDDEN);
	/* disabled since the code was issued: refused; enabled again: it holds */
	assert_int_equal(users_set_disabled(f->st.r, &by, "rashad", 1), ERR_OK);
	assert_int_equal(redeem(f, "rashad", code, "violet harbour seventeen"), ERR_FORBIDDEN);
	assert_int_equal(users_set_disabled(f->st.r, &by, "rashad", 0), ERR_OK);
	for (size_t i = 0; i < sizeof code; i++)
		typed[i] = code[i] == '-' ? ' ' : code[i] == '0' ? 'O' : code[i] == '1' ? 'l'
			 : (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
	assert_int_equal(redeem(f, "rashad", typed, "violet harbour seventeen"), ERR_OK);
	clock_shift(TOTP_STEP_SECONDS);
	code_at(f, 0, typed);
	assert_int_equal(sign_in(f, "rashad", "violet harbour seventeen", typed, &who), ERR_OK);

	/* failures past the free ones hold the account back, the right code too,
	 * until the delay is over */
	assert_int_equal(users_reset_issue(f->st.r, &by, "rashad", clock_now(), code, errbuf), ERR_OK);
	for (int i = 0; i < USERS_THROTTLE_USER_FREE + 1; i++)
		assert_int_equal(redeem(f, "rashad", "ABCD-EFGH-JKMN-PQRS", "violet harbour seventeen"),
				 ERR_FORBIDDEN);
	assert_int_equal(redeem(f, "rashad", code, "a third long passphrase"), ERR_LIMIT);
	clock_shift(USERS_THROTTLE_MAX_DELAY);
	assert_int_equal(redeem(f, "rashad", code, "a third long passphrase"), ERR_OK);

	audit_details(f, "user.reset.use", got, sizeof got);
	assert_string_equal(got, "denied reset code|denied reset code|denied unknown account|"
				 "denied disabled|ok |denied reset code|denied reset code|"
				 "denied reset code|denied reset code|denied reset code|"
				 "denied reset code|throttled throttled|ok |");
}

/* An account moves to another role or agency only where the role fits the
 * agency's kind; a role that sees personal data gets a one-time-code secret
 * when it has none, and a new secret is only for such roles. */
static void changing_accounts(void **state)
{
	struct fixture *f = *state;
	char uri[TOTP_URI_MAX], errbuf[ERRBUF_MAX];
	struct user_info u;
	assert_int_equal(users_add(f->st.r, &by, "nigar", "ngo", "analyst", PW, uri, sizeof uri, errbuf),
			 ERR_OK);
	assert_int_equal(users_new_totp(f->st.r, &by, "nigar", uri, sizeof uri, errbuf), ERR_INVALID);
	assert_string_equal(errbuf, "the role analyst signs in without one-time codes");
	assert_int_equal(users_new_totp(f->st.r, &by, "nobody", uri, sizeof uri, errbuf),
			 ERR_NOT_FOUND);
	assert_int_equal(users_change(f->st.r, &by, "nobody", "analyst", NULL, uri, sizeof uri, errbuf),
			 ERR_NOT_FOUND);
	assert_string_equal(errbuf, "no account nobody");

	/* the agency alone: the role stays, still without codes */
	assert_int_equal(users_change(f->st.r, &by, "nigar", NULL, "mia_ctd", uri, sizeof uri, errbuf),
			 ERR_OK);
	assert_string_equal(uri, "");
	assert_int_equal(users_find(f->st.r, "nigar", &u), ERR_OK);
	assert_int_equal(u.role, ROLE_ANALYST);
	assert_string_equal(u.agency, "mia_ctd");
	/* the role alone: an officer of the police now, with a secret to scan */
	assert_int_equal(users_change(f->st.r, &by, "nigar", "officer", NULL, uri, sizeof uri, errbuf),
			 ERR_OK);
	assert_memory_equal(uri, "otpauth://totp/Haven:nigar?", 27);
	secret_of(uri, f->secret, &f->secret_len);
	assert_int_equal(users_find(f->st.r, "nigar", &u), ERR_OK);
	assert_int_equal(u.role, ROLE_OFFICER);
	assert_true(u.has_totp);
	/* refused: a coordinator outside the National Coordinator's office, a
	 * role that does not exist; nothing changes */
	assert_int_equal(users_change(f->st.r, &by, "nigar", "coordinator", NULL, uri, sizeof uri,
				      errbuf), ERR_INVALID);
	assert_string_equal(errbuf, "the role coordinator cannot belong to an agency of kind police");
	assert_int_equal(users_change(f->st.r, &by, "nigar", "wizard", NULL, uri, sizeof uri, errbuf),
			 ERR_INVALID);
	assert_int_equal(users_change(f->st.r, &by, "nigar", NULL, "ngo", uri, sizeof uri, errbuf),
			 ERR_INVALID); /* an officer belongs to the police */
	assert_int_equal(users_find(f->st.r, "nigar", &u), ERR_OK);
	assert_int_equal(u.role, ROLE_OFFICER);
	assert_string_equal(u.agency, "mia_ctd");
	/* and she signs in with the codes of the secret she was given */
	struct principal who;
	char code[TOTP_CODE_MAX];
	code_at(f, 0, code);
	assert_int_equal(sign_in(f, "nigar", PW, code, &who), ERR_OK);
	assert_int_equal(who.role, ROLE_OFFICER);
}

/* The names an account may have: 3 to 64 of a-z, 0-9, '.', '_', '-', from a
 * letter. */
static void account_names(void **state)
{
	struct fixture *f = *state;
	char uri[TOTP_URI_MAX], errbuf[ERRBUF_MAX], name[80];
	static const char *const refused[] = {"ab", "9lives", "_admin", "ana maria", "ana@ngo",
					      "ana/..", "anaé", ""};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (users_add(f->st.r, &by, refused[i], "ngo", "analyst", PW, uri, sizeof uri,
			      errbuf) != ERR_INVALID)
			fail_msg("the name \"%s\" was accepted", refused[i]);
	assert_int_equal(users_add(f->st.r, &by, "a.b-c_9", "ngo", "analyst", PW, uri, sizeof uri,
				   errbuf), ERR_OK);
	memset(name, 'z', 64);
	name[64] = '\0';
	assert_int_equal(users_add(f->st.r, &by, name, "ngo", "analyst", PW, uri, sizeof uri, errbuf),
			 ERR_OK);
	name[64] = 'z';
	name[65] = '\0';
	assert_int_equal(users_add(f->st.r, &by, name, "ngo", "analyst", PW, uri, sizeof uri, errbuf),
			 ERR_INVALID);
	assert_non_null(strstr(errbuf, "a username is 3 to 64 characters"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(adding_accounts, setup, teardown),
		cmocka_unit_test_setup_teardown(signing_in, setup, teardown),
		cmocka_unit_test_setup_teardown(throttling, setup, teardown),
		cmocka_unit_test_setup_teardown(throttling_per_address, setup, teardown),
		cmocka_unit_test_setup_teardown(session_lifetime, setup, teardown),
		cmocka_unit_test_setup_teardown(revocation, setup, teardown),
		cmocka_unit_test_setup_teardown(only_hashes_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(rehash_on_sign_in, setup, teardown),
		cmocka_unit_test_setup_teardown(sign_ins_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(reset_code_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(changing_accounts, setup, teardown),
		cmocka_unit_test_setup_teardown(account_names, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
