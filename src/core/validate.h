/*
 * validate.h - the rules of shared/spec/interchange.md over the plain records
 * of record.h: codes from the code lists, shapes of ids and country and
 * currency codes, text lengths and characters, and the rules across fields
 * (what each status requires and forbids, dates in order, money services and
 * their amounts, legal_aid and its phase).
 *
 * One implementation for every way a record comes in: the API's bodies
 * (src/http through core/caseview.c) and the importer's rows once a CSV cell's
 * text is read into a value (core/import_rules.c).  What is left to a caller
 * is what belongs to its input: reading JSON or CSV text into the record,
 * whether ids are unique and whether the persons referred to exist.
 *
 * A message says what is wrong and what is allowed, in the form
 * "'x' is not a known code (allowed: a, b, c)".  It may quote a value that is
 * not personal (an id, a code, a country or currency code, a date other than
 * the birth date), cut and made printable by validate_echo; it never quotes a
 * name, a birth date, a document number, a phone, an address, a note or an
 * amount.
 */
#ifndef HAVEN_VALIDATE_H
#define HAVEN_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/codes.h"
#include "core/record.h"

#define VALIDATE_TEXT_MAX    1000  /* characters of a personal text value */
#define VALIDATE_NOTE_MAX    10000 /* characters of a service note */
#define VALIDATE_LIST_MAX    16    /* values in an exploitation list */
#define VALIDATE_ALLOWED_MAX 2048  /* bytes of an "allowed: ..." list in a message */
#define VALIDATE_MESSAGE_MAX (VALIDATE_ALLOWED_MAX + 256)
#define VALIDATE_ECHO_MAX    48 /* bytes of a quoted value, with its NUL */

/* What is allowed, as the messages say it (the importer's own messages about
 * a cell's text use them too). */
#define VALIDATE_ID_RULE   "1-64 characters of A-Z a-z 0-9 . _ : -"
#define VALIDATE_DATE_RULE "a day that exists, written YYYY-MM-DD, years 1900-2200"
#define VALIDATE_MONEY_RULE                                                                        \
	"a decimal amount of at least 0 with at most two decimals and a point, like 700 or 700.50"

/* Called once per problem; `field` is the interchange column name and
 * `message` (at most VALIDATE_MESSAGE_MAX bytes) is borrowed for the call. */
typedef void (*validate_report)(void *ctx, const char *field, const char *message);

struct validate {
	const codes *codes;
	int64_t today; /* dates after this day are refused; DATE_NONE: no limit */
	validate_report report;
	void *ctx;
	unsigned problems; /* counted by the checks */
};

/* 1 when `s` is 1-64 characters of A-Z a-z 0-9 . _ : - */
int validate_id(const char *s);

/* 1 when `s` (valid UTF-8) is 1 to `max` characters on one line without a
 * control character: a label, a name of a thing. */
int validate_label(const char *s, size_t max);

/* Writes a printable copy of the `len` bytes at `s` (a value that is not
 * personal) into buf for a message: bytes outside printable ASCII, and the
 * single quote that encloses it, become '?'; a value longer than fits is cut
 * and ends in "...".  `buflen` is at least 8 (VALIDATE_ECHO_MAX is usual). */
void validate_echo(const char *s, size_t len, char *buf, size_t buflen);

/* Each checks one record and reports every problem found.  The record's
 * own id and its person reference are checked for shape only: whether they
 * are unique and whether they exist is the caller's business.  A field may be
 * reported more than once (a parent_id both badly shaped and not allowed for
 * the status); the first report on a field is the one that says most. */
void validate_person(struct validate *v, const struct person *p);
void validate_service(struct validate *v, const struct service *s);
void validate_referral(struct validate *v, const struct referral *f);
/* A new referral's consent (checklist HUM-03): recorded, and when the person
 * did not agree, a known consent_override_reason.  Not for imported
 * referrals, whose format has no consent. */
void validate_referral_consent(struct validate *v, const struct referral *f);

#endif
