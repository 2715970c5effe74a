/*
 * caseview.h - the registry as one signed-in user may see and change it:
 * persons, their services and referrals, read and written under the access
 * policy (policy.h), validated (validate.h) and audited (audit.h).
 *
 * A record the principal may not see does not exist here: reading it answers
 * ERR_NOT_FOUND exactly like a missing id, and lists skip it.  What a reader
 * is handed has the fields its role and agency kind may not read cleared
 * before it leaves this module.  Every read is audited, and committed before
 * the data is handed out (or, with a ticket, before the caller shows it);
 * every change is audited in its own transaction.
 *
 * Strings handed to a sink are borrowed and valid during the call only.
 */
#ifndef HAVEN_CASEVIEW_H
#define HAVEN_CASEVIEW_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/auditqueue.h"
#include "core/policy.h"
#include "core/record.h"
#include "core/registry.h"
#include "core/retention.h"
#include "core/validate.h"
#include "core/writeturn.h"

#define CASEVIEW_PAGE_MAX 100   /* records in one page of a list */
#define CASEVIEW_SCAN_MAX 5000  /* persons decrypted by one name search request */
#define CASEVIEW_NAME_MAX 200   /* characters of a name searched for */

/* How a person field is typed, for readers and writers of its value. */
enum caseview_type {
	CV_ID,      /* a record reference (const char *) */
	CV_CODE,    /* a code of list `list` (const char *) */
	CV_TEXT,    /* personal text (const char *) */
	CV_BIRTH,   /* YYYY-MM-DD, YYYY-MM or YYYY (const char *) */
	CV_COUNTRY, /* ISO 3166-1 alpha-3 (const char *) */
	CV_DATE,    /* int64_t date, DATE_NONE when absent */
	CV_LIST     /* ';'-separated codes (const char *); a list in JSON */
};

struct caseview_field {
	const char *name; /* interchange column and JSON member */
	enum caseview_type type;
	size_t offset;    /* of the member in struct person */
	const char *list; /* code list of CV_CODE / CV_LIST */
};

/* The settable fields of a person (all but its id), in interchange order. */
extern const struct caseview_field caseview_person_fields[];
extern const size_t caseview_person_nfields;

/* The member of `p` a field names. */
const char **caseview_text_of(struct person *p, const struct caseview_field *f);
int64_t *caseview_date_of(struct person *p, const struct caseview_field *f);

/* A person as given in a request: the fields that were sent (bit i of `set`
 * for caseview_person_fields[i], also when sent as null) and their values. */
struct person_input {
	struct person p;
	uint32_t set;
	int access_block; /* -1 when not sent, else 0 or 1 */
};

/*
 * A document number is never shown whole in a record or a list (ASVS-34):
 * readers get CASEVIEW_MASK followed by its last CASEVIEW_DOC_SHOWN
 * characters, enough to tell two documents apart at a glance, and the whole
 * number only through caseview_reveal, which is audited on its own.  The mask
 * has a fixed length so that it does not give the number's length away.
 */
#define CASEVIEW_MASK "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2" /* three U+2022 bullets */
#define CASEVIEW_DOC_SHOWN 3
#define CASEVIEW_MASKED_MAX (sizeof CASEVIEW_MASK + 4 * CASEVIEW_DOC_SHOWN)

/* A person as a reader sees it. */
struct caseview_person {
	const struct person *p; /* with unreadable fields cleared, and the
				 * document number always cleared */
	const char *document_masked; /* FG_IDENTITY and a number on file: masked */
	unsigned fields;        /* FG_* groups shown */
	uint32_t shown;         /* bit i: caseview_person_fields[i] is shown */
	const char *parent_given_name, *parent_family_name; /* FG_PARENT_NAME */
	int blocked;            /* meaningful with FG_BLOCK */
};

struct caseview_sink {
	err_t (*person)(const struct caseview_person *cp, void *ctx);
	err_t (*service)(const struct service *s, void *ctx);  /* note NULL unless readable */
	err_t (*referral)(const struct referral *f, void *ctx);
	void *ctx;
};

/* Who is asking, through which connection, for the audit's request id. */
struct caseview_ctx {
	registry *r;
	const struct principal *who;
	const char *request_id;
	int64_t now;           /* clock.h time of the request */
	/* Both borrowed, may be NULL.  With a ticket, a read's audit entries are
	 * copied into it instead of committed: the caller then shows nothing of
	 * what it read (nor that it failed) until the ticket has committed
	 * (auditqueue.h).  Without, each read commits its own entries.  With a
	 * turn, changes are written in it (writeturn.h). */
	struct audit_ticket *ticket;
	writeturn *turn;
};

/*
 * One person, with the services and referrals the principal may see.
 * `reason` (borrowed, may be NULL) is the stated reason of a coordinator,
 * kept in the audit entry.  ERR_NOT_FOUND for a missing or unseeable person.
 */
err_t caseview_read(const struct caseview_ctx *c, const char *ref, const char *reason,
		    const struct caseview_sink *sink);

/* The legal hold as caseview_read_held hands it over. */
struct caseview_hold {
	int shown;                        /* 0: not for this reader (the rest empty) */
	struct retention_hold_info hold;  /* hold.held 0: none */
	int family_held;                  /* a hold on another of the family keeps it too */
};

/*
 * caseview_read, and in the same reading transaction the legal hold on the
 * person's own row for the readers who may put and lift one (officers):
 * they decide on it.  Others get shown 0, so that their answers say nothing
 * of holds.
 */
err_t caseview_read_held(const struct caseview_ctx *c, const char *ref, const char *reason,
			 const struct caseview_sink *sink, struct caseview_hold *out);

/*
 * The whole document number of one person, for a reader who may see the
 * person's identity (and, as for caseview_read, a coordinator only with a
 * reason).  The reveal is audited ("person.reveal") and committed before the
 * number is handed out.  *out (NULL when none is on file) is the caller's, to
 * free with caseview_secret_free.  ERR_NOT_FOUND as for caseview_read.
 */
/*
 * Everything held on one person, for that person (subject.h): the report is
 * audited ("person.subject_access") and committed before it is handed out.
 * *out is the caller's (json_decref).  ERR_NOT_FOUND as for caseview_read.
 */
err_t caseview_subject_access(const struct caseview_ctx *c, const char *ref, json_t **out);

/*
 * Puts (reason: a legal_hold_reason code) or lifts (NULL) the legal hold on
 * person `ref` (retention.h), audited ("person.hold" / "person.release") in
 * the same transaction, and reads the hold back into *out as the transaction
 * leaves it.  ERR_INVALID for an unknown reason (reported through v),
 * ERR_CONFLICT to lift a hold there is not, ERR_NOT_FOUND as for
 * caseview_read.
 */
err_t caseview_legal_hold(const struct caseview_ctx *c, const char *ref, const char *reason,
			  struct validate *v, struct retention_hold_info *out);

err_t caseview_reveal(const struct caseview_ctx *c, const char *ref, const char *reason,
		      char **out);
void caseview_secret_free(char *s); /* wipes, then frees; accepts NULL */

struct caseview_filter {
	const char *status; /* status code, NULL: any */
	int year;           /* identified in this year, 0: any */
	const char *agency; /* related to this agency, NULL: any */
	const char *name;   /* part of a given, family or patronymic name, NULL: any */
	const char *document; /* a document number, however written, NULL: any */
	int64_t after;      /* internal position to continue after, 0: from the start */
	unsigned limit;     /* 1..CASEVIEW_PAGE_MAX */
};

/*
 * Persons in the principal's sight matching the filter, in registration
 * order; sink->person is called for each.  *next is the position to continue
 * after, 0 when there is no more.  A filter on a field the principal may not
 * read (status and year without FG_STATUS, another agency than its own unless
 * an officer) answers ERR_FORBIDDEN before anything is read.
 */
err_t caseview_list(const struct caseview_ctx *c, const struct caseview_filter *f,
		    const struct caseview_sink *sink, int64_t *next);

/* Registers a person; fields the principal may not set are reported to v
 * (ERR_INVALID) like any other problem.  The new reference is written to
 * `ref` (RECORD_REF_MAX + 1 bytes). */
err_t caseview_create_person(const struct caseview_ctx *c, const struct person_input *in,
			     struct validate *v, char *ref);

/* Changes the fields of `in` that were sent.  ERR_NOT_FOUND when the person
 * is not in sight; problems (fields not changeable, rules) go to v. */
err_t caseview_update_person(const struct caseview_ctx *c, const char *ref,
			     const struct person_input *in, struct validate *v);

/* Records a service of person `s->person_ref` (its ref is made here). */
err_t caseview_create_service(const struct caseview_ctx *c, const struct service *s,
			      struct validate *v, char *ref);

/* Sends a referral from the principal's agency (its ref and `from` are made
 * here; status "sent"). */
err_t caseview_create_referral(const struct caseview_ctx *c, const struct referral *f,
			       struct validate *v, char *ref);

struct caseview_inbox {
	int to_mine;        /* only referrals to the principal's agency */
	const char *status; /* NULL: any */
	int64_t after;      /* position to continue after */
	unsigned limit;
};

/* Referrals in the principal's sight (officers: all; others: from or to
 * their agency), oldest first; sink->referral for each. */
err_t caseview_referrals(const struct caseview_ctx *c, const struct caseview_inbox *q,
			 const struct caseview_sink *sink, int64_t *next);

/* Moves a referral on: sent -> accepted or declined, accepted -> completed or
 * declined.  `closed_on` (DATE_NONE: today) is kept for declined and
 * completed.  ERR_NOT_FOUND when out of sight, ERR_FORBIDDEN when in sight
 * but not the principal's to answer, ERR_CONFLICT for another move. */
err_t caseview_update_referral(const struct caseview_ctx *c, const char *ref, const char *status,
			       int64_t closed_on, struct validate *v);

#endif
