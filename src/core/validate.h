/*
 * validate.h - the rules of shared/spec/interchange.md over the plain records
 * of record.h: codes from the code lists, shapes of ids and country and
 * currency codes, text lengths and characters, and the rules across fields
 * (what each status requires and forbids, dates in order).
 *
 * One implementation for every way a record comes in: the API's bodies
 * (src/http) and, meant to, the importer's rows once they are parsed.  A
 * message names the rule and what is allowed; it never repeats the value
 * (names, birth dates, documents and notes are personal data).
 */
#ifndef HAVEN_VALIDATE_H
#define HAVEN_VALIDATE_H

#include <stdint.h>

#include "core/codes.h"
#include "core/record.h"

#define VALIDATE_TEXT_MAX 1000  /* characters of a personal text value */
#define VALIDATE_NOTE_MAX 10000 /* characters of a service note */
#define VALIDATE_LIST_MAX 16    /* values in an exploitation list */
#define VALIDATE_MESSAGE_MAX 512

/* Called once per problem; `field` is the interchange column name. */
typedef void (*validate_report)(void *ctx, const char *field, const char *message);

struct validate {
	const codes *codes;
	int64_t today;         /* dates after this day are refused; DATE_NONE: no limit */
	validate_report report;
	void *ctx;
	unsigned problems;     /* counted by the checks */
};

/* 1 when `s` is 1-64 characters of A-Z a-z 0-9 . _ : - */
int validate_id(const char *s);

/* Each checks one record and reports every problem found.  The record's
 * own id and its person reference are checked for shape only: whether they
 * exist is the caller's business. */
void validate_person(struct validate *v, const struct person *p);
void validate_service(struct validate *v, const struct service *s);
void validate_referral(struct validate *v, const struct referral *f);

#endif
