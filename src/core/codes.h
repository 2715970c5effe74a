/*
 * codes.h - the code lists (statuses, sexes, sources, exploitation forms,
 * services, phases, referral statuses) and the agencies, read from the
 * database once, so that validating a row needs no query.
 *
 * Lists are named as in the `codes` table: "status", "sex", "source",
 * "exploitation", "service", "phase", "referral_status"; agencies have their
 * own table and are asked for with codes_agency_exists.
 */
#ifndef HAVEN_CODES_H
#define HAVEN_CODES_H

#include <stddef.h>

#include "db/db.h"

typedef struct codes codes;

/* Loads every list.  The caller frees *out with codes_free. */
err_t codes_load(db *d, codes **out);
void codes_free(codes *c); /* accepts NULL */

int codes_has(const codes *c, const char *list, const char *code);
int codes_agency_exists(const codes *c, const char *agency);
/* 1 when `service` is a money service (its rows need an amount). */
int codes_is_money(const codes *c, const char *service);
/* The agency's kind ("police", "employment", ...), or NULL. Borrowed. */
const char *codes_agency_kind(const codes *c, const char *agency);
/* The label of a code in "en" or "az" (falls back to the code). Borrowed. */
const char *codes_label(const codes *c, const char *list, const char *code, const char *lang);
const char *codes_agency_name(const codes *c, const char *agency, const char *lang);

/* One code as codes_each hands it over (all borrowed, valid during the
 * call).  `list` is "agency" for agencies, whose `kind` is set. */
struct codes_item {
	const char *list, *code, *label_en, *label_az, *kind;
	int money;
};

/* Calls fn for every code and agency, by list and code; a non-OK return
 * stops and is returned. */
typedef err_t (*codes_fn)(const struct codes_item *it, void *ctx);
err_t codes_each(const codes *c, codes_fn fn, void *ctx);

/*
 * A code or an agency an administrator adds (access.md: the admin manages
 * agencies and codes).  Only the lists a deployment may extend take new
 * codes (codes_extensible: services, identification sources, forms of
 * exploitation); the others carry rules of their own (statuses, sexes,
 * referral states).  An agency's kind must be one of the kinds the policy
 * knows (codes_agency_kinds), since it decides what the agency's
 * caseworkers may see.  Codes are never renamed or removed once in use.
 * Both lists are NULL-terminated (util/wordlist.h).
 */
extern const char *const codes_extensible[];
extern const char *const codes_agency_kinds[];
#define CODES_CODE_MAX 40
#define CODES_LABEL_MAX 200

struct codes_new {
	const char *list;               /* "agency" for an agency */
	const char *code;               /* 2..CODES_CODE_MAX of a-z 0-9 _, a letter first */
	const char *label_en, *label_az; /* 1..CODES_LABEL_MAX characters */
	const char *kind;               /* agencies only */
	int money;                      /* services only: rows need an amount */
};

/*
 * Adds n and its audit entry (`by` filled by the caller, action
 * "code.add") in one transaction.  ERR_INVALID with the field and what is
 * allowed in errbuf (ERRBUF_MAX), ERR_CONFLICT when it exists.  `known` is
 * not changed: registries load the new list with registry_reload_codes.
 */
struct audit_entry;
err_t codes_add(db *d, const codes *known, const struct audit_entry *by, const struct codes_new *n,
		char *errbuf);

/* Writes the allowed values of a list, comma-separated, into buf (for error
 * messages); "agency" names the agencies. Truncates with "..." when long. */
void codes_allowed(const codes *c, const char *list, char *buf, size_t len);

#endif
