/*
 * record.h - the three kinds of record of the interchange format
 * (shared/spec/interchange.md), as plain C values, with what Haven records
 * beyond that format (a referral's consent).
 *
 * Strings are borrowed from whoever filled the struct; NULL means absent.
 * Dates are date.h values (DATE_NONE when absent); money is in minor units.
 */
#ifndef HAVEN_RECORD_H
#define HAVEN_RECORD_H

#include <stdint.h>

#define RECORD_REF_MAX 64

struct person {
	const char *ref;
	const char *status;
	const char *parent_ref;
	const char *given_name, *family_name, *patronymic; /* personal */
	const char *sex;
	const char *birth_date; /* personal; as written: YYYY-MM-DD, YYYY-MM or YYYY */
	const char *citizenship;
	const char *document_number, *phone, *address;     /* personal */
	int64_t identified_on;
	const char *identification_source;
	int64_t recognized_on;
	int64_t decided_on;
	const char *exploitation; /* ';'-separated codes, as written */
	const char *country_of_exploitation;
};

struct service {
	const char *ref;
	const char *person_ref;
	const char *service;
	const char *provider;
	int64_t date;
	int64_t end_date;
	int has_amount;
	int64_t amount; /* minor units */
	const char *currency;
	const char *phase;
	const char *note; /* personal */
};

/* Whether the person agreed to a referral (checklist HUM-03).  Not in the
 * interchange format: an imported referral's consent is not recorded. */
enum referral_consent {
	CONSENT_UNRECORDED = 0,
	CONSENT_GIVEN,
	CONSENT_NOT_GIVEN, /* then sent only with an override reason */
};

struct referral {
	const char *ref;
	const char *person_ref;
	const char *from, *to;
	const char *purpose;
	int64_t date;
	const char *status; /* never NULL once stored: "sent" by default */
	int64_t closed_on;
	enum referral_consent consent;
	const char *override_reason; /* a consent_override_reason code, or NULL */
};

#endif
