/*
 * fields.c - the data inventory (see fields.h): every column of the schema
 * with its level and handling, table by table in the order the migrations
 * create them (a column added later stays with its table).
 *
 * How the levels were chosen (docs/internals/fields.md says it for readers):
 *
 * - Every person in `persons` is a victim or potential victim of trafficking,
 *   so the fact itself is carried by her identity: names, birth date and
 *   document number are sealed and confidential.  They stay below strictly
 *   confidential because they must be searchable: the name index hashes the
 *   first two letters of a word's skeleton alone, a low-entropy input (LOW),
 *   which HUM-01 allows only below strictly confidential; cut to 8 bits, one
 *   index value stands for population / 256 persons.
 * - Phone, address and the free-text service notes are strictly confidential:
 *   the first two tell where she can be found (by the people she escaped),
 *   the notes hold her own story (health, what was done to her).  Sealed, in
 *   no index, never logged.
 * - Special-category facts in clear (status, exploitation form, the kind of
 *   service or referral: medical, psychological) are confidential, not
 *   strictly: they sit under a pseudonymous id beside a sealed identity, so a
 *   leak of the table does not say whose they are, and the annual report must
 *   count them in SQL.  They are never logged.
 * - Codes and dates of a case (sex, citizenship, the day identified, the
 *   provider of a service) are restricted: facts about a record that identify
 *   nobody alone; the published report hides their small cells.
 * - Bookkeeping (times a row was written, import run numbers) and the code
 *   lists are public.
 * - Secrets (password and session hashes, TOTP secrets) are strictly
 *   confidential, never logged, exported or counted.
 */
#include <string.h>

#include "core/fields.h"

#define PUBLIC       FIELD_PUBLIC
#define RESTRICTED   FIELD_RESTRICTED
#define CONFIDENTIAL FIELD_CONFIDENTIAL
#define STRICTLY     FIELD_STRICTLY_CONFIDENTIAL
#define NONE         FIELD_INDEX_NONE
#define PLAIN        FIELD_INDEX_PLAIN
#define BLIND        FIELD_INDEX_BLIND
#define ENC          FIELD_ENCRYPTED
#define LOG          FIELD_LOGGABLE
#define EXP          FIELD_EXPORTABLE
#define AGG          FIELD_AGGREGABLE
#define SECRET       FIELD_SECRET
#define LOW          FIELD_LOW_ENTROPY

/* An entry to a line where it fits, kept out of clang-format's way. */
/* clang-format off */
const struct field fields_all[] = {
	/* the migrations' own bookkeeping (the drivers create it) */
	{"schema_migrations", "version", PUBLIC, PLAIN, LOG, "number of a migration applied"},
	{"schema_migrations", "applied_at", PUBLIC, NONE, LOG, "when it was applied"},

	/* 001: the registry */
	{"meta", "key", PUBLIC, PLAIN, LOG, "name of a setting: key_check, country"},
	/* key_check is an envelope of a fixed public text: it proves a key right
	 * and reveals nothing of it; the table holds no key material */
	{"meta", "value", RESTRICTED, NONE, 0,
	 "the setting: the deployment's country, the key check value"},

	{"codes", "list", PUBLIC, PLAIN, LOG | AGG, "code list: status, sex, service, ..."},
	{"codes", "code", PUBLIC, PLAIN, LOG | AGG, "a code of the list"},
	{"codes", "money", PUBLIC, NONE, LOG, "1 when a service of this code is a payment"},
	{"codes", "label_en", PUBLIC, NONE, AGG, "English label, printed in the report"},
	{"codes", "label_az", PUBLIC, NONE, AGG, "Azerbaijani label, printed in the report"},

	{"agencies", "code", PUBLIC, PLAIN, LOG | AGG, "agency code"},
	{"agencies", "kind", PUBLIC, NONE, LOG, "kind of agency: police, shelter, ngo, ..."},
	{"agencies", "name_en", PUBLIC, NONE, AGG, "English name, printed in the report"},
	{"agencies", "name_az", PUBLIC, NONE, AGG, "Azerbaijani name, printed in the report"},

	{"imports", "id", PUBLIC, PLAIN, LOG, "number of a haven import run"},
	{"imports", "started_at", PUBLIC, NONE, LOG, "when the run began"},
	{"imports", "finished_at", PUBLIC, NONE, LOG, "when it ended"},
	/* names chosen by whoever ran the import: may name a person */
	{"imports", "files", RESTRICTED, NONE, 0, "names of the files imported"},
	{"imports", "rows_read", PUBLIC, NONE, LOG, "rows read"},
	{"imports", "added", PUBLIC, NONE, LOG, "records added"},
	{"imports", "updated", PUBLIC, NONE, LOG, "records changed"},
	{"imports", "unchanged", PUBLIC, NONE, LOG, "records already as imported"},

	{"persons", "id", RESTRICTED, PLAIN, AGG, "row id (logs name a record by ref)"},
	{"persons", "ref", RESTRICTED, PLAIN, LOG | EXP,
	 "the person's reference in the referral mechanism (a pseudonym)"},
	/* being a victim: special category, under the pseudonym (see the top) */
	{"persons", "status", CONFIDENTIAL, PLAIN, EXP | AGG,
	 "potential_victim, victim, not_confirmed or dependant"},
	{"persons", "parent_id", RESTRICTED, PLAIN, EXP | AGG, "a dependant's parent"},
	/* sex, citizenship, is_child, is_foreign, country: quasi-identifiers in
	 * clear for the report's breakdowns; never logged */
	{"persons", "sex", RESTRICTED, PLAIN, EXP | AGG, "female, male or other"},
	{"persons", "is_child", RESTRICTED, PLAIN, AGG, "under 18 when identified"},
	{"persons", "citizenship", RESTRICTED, PLAIN, EXP | AGG, "ISO 3166-1 alpha-3"},
	{"persons", "is_foreign", RESTRICTED, PLAIN, AGG, "citizenship other than the country's"},
	{"persons", "identified_on", RESTRICTED, PLAIN, EXP | AGG,
	 "day identified as a potential victim"},
	{"persons", "identification_source", RESTRICTED, PLAIN, EXP | AGG,
	 "who identified her: police, hotline, ..."},
	{"persons", "recognized_on", RESTRICTED, PLAIN, EXP | AGG, "day victim status was granted"},
	{"persons", "decided_on", RESTRICTED, NONE, EXP, "day of a not_confirmed decision"},
	{"persons", "country_of_exploitation", RESTRICTED, PLAIN, EXP | AGG, "ISO 3166-1 alpha-3"},
	/* LOW: the blind index hashes two letters of a word's skeleton */
	{"persons", "given_name_enc", CONFIDENTIAL, BLIND, ENC | EXP | LOW, "given name"},
	{"persons", "family_name_enc", CONFIDENTIAL, BLIND, ENC | EXP | LOW, "family name"},
	{"persons", "patronymic_enc", CONFIDENTIAL, BLIND, ENC | EXP | LOW, "patronymic"},
	{"persons", "birth_date_enc", CONFIDENTIAL, NONE, ENC | EXP | LOW,
	 "birth date (day, month or year)"},
	{"persons", "document_number_enc", CONFIDENTIAL, BLIND, ENC | EXP,
	 "identity document number"},
	/* where she can be reached: found by those she escaped from */
	{"persons", "phone_enc", STRICTLY, NONE, ENC | EXP, "phone number"},
	{"persons", "address_enc", STRICTLY, NONE, ENC | EXP, "address (often a shelter)"},
	/* keyed: without the key it says only whether two rows are equal */
	{"persons", "digest", RESTRICTED, NONE, 0, "keyed hash of the interchange row"},
	{"persons", "created_import", PUBLIC, NONE, LOG, "import run that created the record"},
	{"persons", "updated_import", PUBLIC, NONE, LOG, "import run that last changed it"},
	{"persons", "created_at", PUBLIC, NONE, LOG, "when the row was written"},
	{"persons", "updated_at", PUBLIC, NONE, LOG, "when it was last changed"},

	{"person_exploitation", "person_id", RESTRICTED, PLAIN, EXP | AGG, "the person"},
	/* special category, under the pseudonym (see the top) */
	{"person_exploitation", "form", CONFIDENTIAL, PLAIN, EXP | AGG,
	 "form of exploitation: sexual, labour, ..."},

	{"services", "id", RESTRICTED, PLAIN, 0, "row id"},
	{"services", "ref", RESTRICTED, PLAIN, LOG | EXP, "the act's reference"},
	{"services", "person_id", RESTRICTED, PLAIN, EXP | AGG, "the person assisted"},
	/* medical_assistance, psychological_support: health, special category */
	{"services", "service", CONFIDENTIAL, PLAIN, EXP | AGG, "service code"},
	{"services", "provider", RESTRICTED, PLAIN, EXP | AGG, "agency that gave it"},
	{"services", "date", RESTRICTED, PLAIN, EXP | AGG, "day given or begun"},
	{"services", "end_date", RESTRICTED, NONE, EXP, "day it ended"},
	{"services", "amount", RESTRICTED, PLAIN, EXP | AGG, "money paid, in qəpik"},
	{"services", "currency", RESTRICTED, PLAIN, EXP | AGG, "ISO 4217"},
	{"services", "phase", RESTRICTED, PLAIN, EXP | AGG, "legal aid: investigation or court"},
	/* free text by a case worker: her health, what was done to her */
	{"services", "note_enc", STRICTLY, NONE, ENC | EXP, "case worker's note"},
	{"services", "digest", RESTRICTED, NONE, 0, "keyed hash of the interchange row"},
	{"services", "created_import", PUBLIC, NONE, LOG, "import run that created the record"},
	{"services", "updated_import", PUBLIC, NONE, LOG, "import run that last changed it"},
	{"services", "created_at", PUBLIC, NONE, LOG, "when the row was written"},
	{"services", "updated_at", PUBLIC, NONE, LOG, "when it was last changed"},

	{"referrals", "id", RESTRICTED, PLAIN, 0, "row id"},
	{"referrals", "ref", RESTRICTED, PLAIN, LOG | EXP, "the referral's reference"},
	{"referrals", "person_id", RESTRICTED, PLAIN, EXP | AGG, "the person referred"},
	{"referrals", "from_agency", RESTRICTED, PLAIN, LOG | EXP | AGG, "sending agency"},
	{"referrals", "to_agency", RESTRICTED, PLAIN, LOG | EXP | AGG, "receiving agency"},
	/* a service code: as services.service */
	{"referrals", "purpose", CONFIDENTIAL, PLAIN, EXP | AGG, "what the person is referred for"},
	{"referrals", "date", RESTRICTED, PLAIN, EXP | AGG, "day sent"},
	{"referrals", "status", RESTRICTED, NONE, LOG | EXP,
	 "sent, accepted, declined or completed"},
	{"referrals", "closed_on", RESTRICTED, NONE, EXP, "day declined or completed"},
	{"referrals", "digest", RESTRICTED, NONE, 0, "keyed hash of the interchange row"},
	{"referrals", "created_import", PUBLIC, NONE, LOG, "import run that created the record"},
	{"referrals", "updated_import", PUBLIC, NONE, LOG, "import run that last changed it"},
	{"referrals", "created_at", PUBLIC, NONE, LOG, "when the row was written"},
	{"referrals", "updated_at", PUBLIC, NONE, LOG, "when it was last changed"},
	/* 011 (HUM-03), audited as consent=given or consent=overridden:REASON */
	{"referrals", "consent", RESTRICTED, NONE, LOG, "1 agreed, 0 did not, NULL not recorded"},
	{"referrals", "override_reason", RESTRICTED, NONE, LOG,
	 "consent_override_reason code when sent without consent"},

	/* 003: approved reports.  The figures are the full ones, small cells
	 * included (the published form hides them), hence restricted. */
	{"report_freezes", "report", PUBLIC, PLAIN, LOG, "report definition: annual"},
	{"report_freezes", "year", PUBLIC, PLAIN, LOG, "year approved"},
	{"report_freezes", "definitions_version", PUBLIC, NONE, LOG, "definitions' version"},
	{"report_freezes", "definitions_digest", PUBLIC, NONE, 0, "BLAKE2b-256 of the definitions"},
	{"report_freezes", "frozen_at", PUBLIC, NONE, LOG, "when it was approved"},
	{"report_freezes", "figures", RESTRICTED, NONE, AGG, "approved figures, canonical JSON"},
	{"report_freezes", "hash", PUBLIC, NONE, 0, "BLAKE2b-256 over the approval, publishable"},

	/* 004: accounts, sessions, throttling, access */
	{"users", "id", RESTRICTED, PLAIN, 0, "row id"},
	{"users", "username", RESTRICTED, PLAIN, LOG, "account name (the audit's actor)"},
	{"users", "agency", RESTRICTED, NONE, LOG, "the account's agency"},
	{"users", "role", RESTRICTED, NONE, LOG, "officer, caseworker, coordinator, ..."},
	{"users", "password_hash", STRICTLY, NONE, SECRET,
	 "Argon2id hash of the password or of a reset code"},
	{"users", "totp_secret_enc", STRICTLY, NONE, ENC | SECRET, "RFC 6238 secret"},
	{"users", "totp_last_step", RESTRICTED, NONE, 0, "last one-time code's step (no replay)"},
	{"users", "disabled", RESTRICTED, NONE, LOG, "1 when the account is disabled"},
	{"users", "created_at", PUBLIC, NONE, LOG, "when the account was made"},
	{"users", "changed_at", PUBLIC, NONE, LOG, "when it last changed"},
	{"users", "terms_version", PUBLIC, NONE, LOG, "data-protection terms last accepted"},
	{"users", "terms_accepted_at", PUBLIC, NONE, LOG, "when they were accepted"},

	/* indexed: a session is found by its token's hash, which is all the
	 * index holds (of a 256-bit random token) */
	{"sessions", "token_hash", STRICTLY, PLAIN, SECRET, "BLAKE2b-256 of the session token"},
	{"sessions", "user_id", RESTRICTED, PLAIN, 0, "the account"},
	{"sessions", "created_at", PUBLIC, NONE, LOG, "when the session began"},
	{"sessions", "last_seen", PUBLIC, NONE, LOG, "its last request"},
	{"sessions", "csrf_hash", STRICTLY, NONE, SECRET, "BLAKE2b-256 of the CSRF token"},

	/* keyed digest of "user:NAME" or "addr:ADDRESS", so that a password typed
	 * in the name field is never stored */
	{"signin_throttle", "subject", RESTRICTED, PLAIN, 0,
	 "keyed digest of an account name or address"},
	{"signin_throttle", "failures", RESTRICTED, NONE, 0, "failed sign-ins in a row"},
	{"signin_throttle", "last_failure", PUBLIC, NONE, 0, "when the last one was"},
	{"signin_throttle", "blocked_until", PUBLIC, NONE, 0, "sign-ins refused until then"},

	{"person_access", "person_id", RESTRICTED, PLAIN, 0, "the person"},
	{"person_access", "registered_by", RESTRICTED, PLAIN, 0,
	 "agency that registered her through the API"},
	/* says a prosecutor or court protects her: proceedings, or danger */
	{"person_access", "blocked", CONFIDENTIAL, NONE, 0, "1 under an access block"},
	{"person_access", "changed_at", PUBLIC, NONE, LOG, "when the row last changed"},

	{"service_authors", "service_id", RESTRICTED, PLAIN, 0, "the service"},
	{"service_authors", "agency", RESTRICTED, NONE, 0,
	 "agency whose user recorded it: owns the note"},

	/* 005: the audit log holds no personal value: everything may be logged */
	{"audit_log", "seq", PUBLIC, PLAIN, LOG, "entry number"},
	{"audit_log", "at", PUBLIC, NONE, LOG, "when"},
	{"audit_log", "actor", RESTRICTED, NONE, LOG, "account name, cli:USER or unknown"},
	{"audit_log", "agency", RESTRICTED, NONE, LOG, "the actor's agency"},
	{"audit_log", "role", RESTRICTED, NONE, LOG, "the actor's role"},
	{"audit_log", "action", PUBLIC, NONE, LOG, "what was done: person.read, ..."},
	{"audit_log", "object_type", PUBLIC, PLAIN, LOG, "kind of record: person, service, ..."},
	{"audit_log", "object_ref", RESTRICTED, PLAIN, LOG, "the record's reference"},
	{"audit_log", "request_id", PUBLIC, NONE, LOG, "the request's random id"},
	{"audit_log", "outcome", PUBLIC, NONE, LOG, "ok, denied, not_found, ..."},
	{"audit_log", "detail", RESTRICTED, NONE, LOG, "codes and counts, never a personal value"},
	{"audit_log", "prev_hash", PUBLIC, NONE, LOG, "the previous entry's hash (chain)"},
	{"audit_log", "hash", PUBLIC, NONE, LOG, "SHA-256 of this entry and prev_hash"},

	/* 006 */
	{"erasures", "ref", RESTRICTED, PLAIN, LOG, "reference of a person erased"},
	{"erasures", "erased_at", PUBLIC, NONE, LOG, "when"},
	{"erasures", "reason", RESTRICTED, NONE, LOG, "why: a code or case number, as audited"},

	/* 008: blind indexes.  Equal values are visible, so a value says two
	 * persons may share a name's first sounds or a document: confidential. */
	{"person_index", "person_id", RESTRICTED, PLAIN, 0, "the person"},
	{"person_index", "field", PUBLIC, PLAIN, 0, "1 name word, 2 document number"},
	{"person_index", "value", CONFIDENTIAL, PLAIN, 0, "keyed hash of the value, cut to 8 bits"},

	/* 009: erasures asked over the API, four eyes */
	{"erasure_requests", "id", RESTRICTED, PLAIN, LOG, "request number"},
	{"erasure_requests", "person_ref", RESTRICTED, PLAIN, LOG, "the person's reference"},
	{"erasure_requests", "reason", RESTRICTED, NONE, LOG, "a code or case number"},
	{"erasure_requests", "requested_by", RESTRICTED, NONE, LOG, "officer who asked"},
	{"erasure_requests", "requested_at", PUBLIC, NONE, LOG, "when"},
	{"erasure_requests", "decided_by", RESTRICTED, NONE, LOG, "officer who approved"},
	{"erasure_requests", "decided_at", PUBLIC, NONE, LOG, "when"},
	{"erasure_requests", "state", PUBLIC, PLAIN, LOG, "pending or approved"},

	/* 012: retention (HUM-11).  retention_periods.status names a status, not
	 * anyone's: configuration. */
	{"retention_periods", "status", PUBLIC, PLAIN, LOG, "a person status"},
	{"retention_periods", "years", PUBLIC, NONE, LOG, "years a record of that status is kept"},
	{"legal_holds", "person_id", RESTRICTED, PLAIN, 0, "the person whose family is kept"},
	{"legal_holds", "reason", PUBLIC, NONE, LOG, "legal_hold_reason code"},
	{"legal_holds", "set_by", RESTRICTED, NONE, LOG, "account that set the hold"},
	{"legal_holds", "set_at", PUBLIC, NONE, LOG, "when"},
};
/* clang-format on */

const size_t fields_count = sizeof fields_all / sizeof fields_all[0];

const struct field *fields_find(const char *table, const char *column)
{
	for (size_t i = 0; i < fields_count; i++)
		if (strcmp(fields_all[i].table, table) == 0 &&
		    strcmp(fields_all[i].column, column) == 0)
			return &fields_all[i];
	return NULL;
}

const char *fields_level_name(enum field_level level)
{
	switch (level) {
	case FIELD_PUBLIC:
		return "public";
	case FIELD_RESTRICTED:
		return "restricted";
	case FIELD_CONFIDENTIAL:
		return "confidential";
	case FIELD_STRICTLY_CONFIDENTIAL:
		return "strictly confidential";
	}
	return "?";
}

const char *fields_index_name(enum field_index index)
{
	switch (index) {
	case FIELD_INDEX_NONE:
		return "none";
	case FIELD_INDEX_PLAIN:
		return "plain";
	case FIELD_INDEX_BLIND:
		return "blind";
	}
	return "?";
}
