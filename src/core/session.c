/*
 * session.c - the sessions of session.h in the `sessions` table.
 */
#include <string.h>

#include <sodium.h>

#include "core/session.h"
#include "core/terms.h"
#include "db/http_queries.h"

#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* Fresh random token: its text into `text`, its hash into `hash`. */
static void new_token(char text[SESSION_TOKEN_TEXT], unsigned char hash[SESSION_HASH_BYTES])
{
	unsigned char raw[SESSION_TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(text, SESSION_TOKEN_TEXT, raw, sizeof raw, B64_VARIANT);
	crypto_generichash(hash, SESSION_HASH_BYTES, raw, sizeof raw, NULL, 0);
	sodium_memzero(raw, sizeof raw);
}

/* The hash of a token's text; ERR_FORBIDDEN unless it is exactly a token. */
static err_t token_hash(const char *text, unsigned char hash[SESSION_HASH_BYTES])
{
	unsigned char raw[SESSION_TOKEN_BYTES];
	size_t len = 0;
	const char *end = NULL;
	if (!text || strlen(text) != SESSION_TOKEN_TEXT - 1)
		return ERR_FORBIDDEN;
	if (sodium_base642bin(raw, sizeof raw, text, SESSION_TOKEN_TEXT - 1, NULL, &len, &end,
			      B64_VARIANT) != 0 ||
	    len != sizeof raw || *end != '\0')
		return ERR_FORBIDDEN;
	crypto_generichash(hash, SESSION_HASH_BYTES, raw, sizeof raw, NULL, 0);
	sodium_memzero(raw, sizeof raw);
	return ERR_OK;
}

/* Runs a statement that takes the token hash as $1 and returns no rows. */
static err_t by_hash(registry *r, const char *sql, const unsigned char *hash, int64_t arg2,
		     int with_arg2)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), sql, &st);
	if (e == ERR_OK)
		e = db_bind_blob(st, 1, hash, SESSION_HASH_BYTES);
	if (e == ERR_OK && with_arg2)
		e = db_bind_int(st, 2, arg2);
	if (e == ERR_OK) {
		int rc = db_step(st);
		e = db_done(rc);
	}
	db_finalize(st);
	return e;
}

/* The CSRF token of a session token's raw bytes: BLAKE2b keyed with the
 * session token over a fixed label, so that GET /api/v1/session can hand it
 * out again after a reload without storing it or changing anything (a GET
 * never mutates).  Whoever reads the CSRF token still cannot work back to the
 * session token; whoever holds the session token has won already. */
static void csrf_of_raw(const unsigned char raw[SESSION_TOKEN_BYTES], char text[SESSION_TOKEN_TEXT],
			unsigned char hash[SESSION_HASH_BYTES])
{
	static const char label[] = "haven csrf token, version 1";
	unsigned char csrf[SESSION_TOKEN_BYTES];
	crypto_generichash(csrf, sizeof csrf, (const unsigned char *)label, sizeof label - 1, raw,
			   SESSION_TOKEN_BYTES);
	sodium_bin2base64(text, SESSION_TOKEN_TEXT, csrf, sizeof csrf, B64_VARIANT);
	crypto_generichash(hash, SESSION_HASH_BYTES, csrf, sizeof csrf, NULL, 0);
	sodium_memzero(csrf, sizeof csrf);
}

/* The raw bytes of a token's text; ERR_FORBIDDEN unless it is exactly one. */
static err_t token_raw(const char *text, unsigned char raw[SESSION_TOKEN_BYTES])
{
	size_t len = 0;
	const char *end = NULL;
	if (!text || strlen(text) != SESSION_TOKEN_TEXT - 1)
		return ERR_FORBIDDEN;
	if (sodium_base642bin(raw, SESSION_TOKEN_BYTES, text, SESSION_TOKEN_TEXT - 1, NULL, &len,
			      &end, B64_VARIANT) != 0 ||
	    len != SESSION_TOKEN_BYTES || *end != '\0')
		return ERR_FORBIDDEN;
	return ERR_OK;
}

err_t session_csrf_of(const char *token, char csrf[SESSION_TOKEN_TEXT])
{
	unsigned char raw[SESSION_TOKEN_BYTES], hash[SESSION_HASH_BYTES];
	err_t e = token_raw(token, raw);
	if (e == ERR_OK)
		csrf_of_raw(raw, csrf, hash);
	sodium_memzero(raw, sizeof raw);
	return e;
}

err_t session_create(registry *r, int64_t user_id, int64_t now, struct session_tokens *out)
{
	struct session_tokens t;
	unsigned char th[SESSION_HASH_BYTES], ch[SESSION_HASH_BYTES], raw[SESSION_TOKEN_BYTES];
	db_stmt *st = NULL;
	err_t e;
	int rc;

	new_token(t.token, th);
	if ((e = token_raw(t.token, raw)) != ERR_OK)
		goto out;
	csrf_of_raw(raw, t.csrf, ch);
	sodium_memzero(raw, sizeof raw);
	if ((e = db_prepare(registry_db(r), Q_SESSION_INSERT, &st)) != ERR_OK)
		goto out;
	if ((e = db_bind_blob(st, 1, th, sizeof th)) || (e = db_bind_int(st, 2, user_id)) ||
	    (e = db_bind_int(st, 3, now)) || (e = db_bind_blob(st, 4, ch, sizeof ch)))
		goto out;
	rc = db_step(st);
	e = db_done(rc);
	if (e == ERR_OK)
		*out = t;
out:
	db_finalize(st);
	sodium_memzero(&t, sizeof t);
	return e;
}

/* Reads the row of a session into *out and its times; ERR_FORBIDDEN when
 * absent, disabled or unusable. */
static err_t load(registry *r, const unsigned char *hash, struct session_info *out,
		  int64_t *last_seen)
{
	db_stmt *st = NULL;
	size_t len = 0;
	err_t e = db_prepare(registry_db(r), Q_SESSION_GET, &st);
	int rc;
	if (e != ERR_OK || (e = db_bind_blob(st, 1, hash, SESSION_HASH_BYTES)) != ERR_OK)
		goto out;
	rc = db_step(st);
	if (rc != DB_ROW) {
		e = rc == DB_DONE ? ERR_FORBIDDEN : db_step_error(rc);
		goto out;
	}
	out->created_at = db_col_int(st, 0);
	*last_seen = db_col_int(st, 1);
	const void *csrf = db_col_blob(st, 2, &len);
	if (len != SESSION_HASH_BYTES || db_col_int(st, 8) != 0) {
		e = ERR_FORBIDDEN;
		goto out;
	}
	memcpy(out->csrf_hash, csrf, len);
	const char *terms = db_col_text(st, 9);
	out->terms_accepted = terms && strcmp(terms, terms_version()) == 0;
	if (policy_principal(&out->who, db_col_int(st, 3), db_col_text(st, 4), db_col_text(st, 5),
			     db_col_text(st, 6), db_col_text(st, 7)) != ERR_OK)
		e = ERR_FORBIDDEN;
out:
	db_finalize(st);
	return e;
}

err_t session_resolve(registry *r, const char *token, int64_t now, struct session_info *out)
{
	unsigned char hash[SESSION_HASH_BYTES];
	struct session_info s;
	int64_t last_seen = 0;
	err_t e = token_hash(token, hash);
	if (e != ERR_OK)
		return e;
	if ((e = load(r, hash, &s, &last_seen)) != ERR_OK)
		return e;
	if (now - last_seen >= SESSION_IDLE_SECONDS || now - s.created_at >= SESSION_ABSOLUTE_SECONDS ||
	    now < s.created_at) {
		e = by_hash(r, Q_SESSION_DELETE, hash, 0, 0);
		return e == ERR_OK ? ERR_FORBIDDEN : e;
	}
	if (now - last_seen >= SESSION_TOUCH_SECONDS &&
	    (e = by_hash(r, Q_SESSION_TOUCH, hash, now, 1)) != ERR_OK)
		return e;
	*out = s;
	return ERR_OK;
}

int session_csrf_ok(const struct session_info *s, const char *csrf)
{
	unsigned char hash[SESSION_HASH_BYTES];
	if (token_hash(csrf, hash) != ERR_OK)
		return 0;
	return sodium_memcmp(hash, s->csrf_hash, SESSION_HASH_BYTES) == 0;
}

err_t session_end(registry *r, const char *token)
{
	unsigned char hash[SESSION_HASH_BYTES];
	if (token_hash(token, hash) != ERR_OK)
		return ERR_OK;
	return by_hash(r, Q_SESSION_DELETE, hash, 0, 0);
}

err_t session_end_user(registry *r, int64_t user_id)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_SESSION_DELETE_USER, &st);
	if (e == ERR_OK && (e = db_bind_int(st, 1, user_id)) == ERR_OK) {
		int rc = db_step(st);
		e = db_done(rc);
	}
	db_finalize(st);
	return e;
}

err_t session_purge(registry *r, int64_t now)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_SESSION_PURGE, &st);
	if (e == ERR_OK && (e = db_bind_int(st, 1, now - SESSION_IDLE_SECONDS)) == ERR_OK &&
	    (e = db_bind_int(st, 2, now - SESSION_ABSOLUTE_SECONDS)) == ERR_OK) {
		int rc = db_step(st);
		e = db_done(rc);
	}
	db_finalize(st);
	return e;
}
