/*
 * caseview.c - scoped reads and writes of caseview.h.
 *
 * Reads: the person's relation to the principal's agency (one query), the
 * policy's verdict, the audit entry (committed), then the record through the
 * registry (which decrypts), cleared of what the principal may not read.
 * Lists apply the policy's scope inside the query, so that unseeable persons
 * are never even fetched.  Writes: policy checks and validation first, then
 * one transaction holding the change, the access data and the audit entry.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/blindidx.h"
#include "core/caseview.h"
#include "core/retention.h"
#include "core/subject.h"
#include "util/normalize.h"
#include "db/http_queries.h"
#include "util/crypto.h"
#include "util/date.h"

#define REF_RANDOM_BYTES 8
#define REF_TRIES 4
#define SCAN_BATCH 200
#define DAY_SECONDS 86400

#define PF(member) offsetof(struct person, member)

const struct caseview_field caseview_person_fields[] = {
	{"status", CV_CODE, PF(status), "status"},
	{"parent_id", CV_ID, PF(parent_ref), NULL},
	{"given_name", CV_TEXT, PF(given_name), NULL},
	{"family_name", CV_TEXT, PF(family_name), NULL},
	{"patronymic", CV_TEXT, PF(patronymic), NULL},
	{"sex", CV_CODE, PF(sex), "sex"},
	{"birth_date", CV_BIRTH, PF(birth_date), NULL},
	{"citizenship", CV_COUNTRY, PF(citizenship), NULL},
	{"document_number", CV_TEXT, PF(document_number), NULL},
	{"phone", CV_TEXT, PF(phone), NULL},
	{"address", CV_TEXT, PF(address), NULL},
	{"identified_on", CV_DATE, PF(identified_on), NULL},
	{"identification_source", CV_CODE, PF(identification_source), "source"},
	{"recognized_on", CV_DATE, PF(recognized_on), NULL},
	{"decided_on", CV_DATE, PF(decided_on), NULL},
	{"exploitation", CV_LIST, PF(exploitation), "exploitation"},
	{"country_of_exploitation", CV_COUNTRY, PF(country_of_exploitation), NULL},
};
const size_t caseview_person_nfields = sizeof caseview_person_fields / sizeof caseview_person_fields[0];
_Static_assert(sizeof caseview_person_fields / sizeof caseview_person_fields[0] <= 32,
	       "person_input.set and caseview_person.shown keep a bit per field in 32 bits");

/* Every string member of struct person, for copies. */
static const size_t person_strings[] = {
	PF(ref), PF(status), PF(parent_ref), PF(given_name), PF(family_name), PF(patronymic),
	PF(sex), PF(birth_date), PF(citizenship), PF(document_number), PF(phone), PF(address),
	PF(identification_source), PF(exploitation), PF(country_of_exploitation),
};
#define PERSON_STRINGS (sizeof person_strings / sizeof person_strings[0])

const char **caseview_text_of(struct person *p, const struct caseview_field *f)
{
	return (const char **)(void *)((char *)p + f->offset);
}

int64_t *caseview_date_of(struct person *p, const struct caseview_field *f)
{
	return (int64_t *)(void *)((char *)p + f->offset);
}

static int64_t today(const struct caseview_ctx *c)
{
	return c->now - ((c->now % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
}

static void report(struct validate *v, const char *field, const char *message)
{
	v->problems++;
	if (v->report)
		v->report(v->ctx, field, message);
}

static int step_ok(int rc, err_t *e)
{
	*e = rc == DB_ROW ? ERR_OK : db_done(rc);
	return rc;
}

/* ---- owned copies of records ------------------------------------------- */

/* A person whose strings are ours (wiped on free: they are personal). */
struct owned_person {
	struct person p;
	int loaded;
};

static void owned_free(struct owned_person *o)
{
	for (size_t i = 0; i < PERSON_STRINGS; i++) {
		char **s = (char **)(void *)((char *)&o->p + person_strings[i]);
		if (*s) {
			sodium_memzero(*s, strlen(*s));
			free(*s);
		}
	}
	memset(o, 0, sizeof *o);
}

static err_t own_person(const struct person *src, void *ctx)
{
	struct owned_person *o = ctx;
	o->p = *src;
	for (size_t i = 0; i < PERSON_STRINGS; i++)
		*(char **)(void *)((char *)&o->p + person_strings[i]) = NULL;
	o->loaded = 1;
	for (size_t i = 0; i < PERSON_STRINGS; i++) {
		const char *s = *(const char *const *)(const void *)((const char *)src + person_strings[i]);
		char **dst = (char **)(void *)((char *)&o->p + person_strings[i]);
		if (s && !(*dst = strdup(s)))
			return ERR_NOMEM;
	}
	return ERR_OK;
}

static err_t load_person(const struct caseview_ctx *c, const char *ref, struct owned_person *o)
{
	memset(o, 0, sizeof *o);
	err_t e = registry_each_person(c->r, ref, own_person, o);
	if (e != ERR_OK)
		owned_free(o);
	return e;
}

/* ---- relation and visibility -------------------------------------------- */

struct relation {
	int64_t id;
	struct person_relation rel;
	struct retention_hold_info hold;
	int family_held; /* a hold on another of the family keeps the record */
};

static err_t relation_of(const struct caseview_ctx *c, const char *ref, struct relation *out)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(c->r), Q_CASE_PERSON_ONE, &st);
	if (e == ERR_OK && !((e = db_bind_text(st, 1, ref)) ||
			     (e = db_bind_text(st, 2, c->who->agency)))) {
		int rc = step_ok(db_step(st), &e);
		if (rc == DB_DONE) {
			e = ERR_NOT_FOUND;
		} else if (rc == DB_ROW) {
			const char *status = db_col_text(st, 1);
			out->id = db_col_int(st, 0);
			out->rel = (struct person_relation){
				.blocked = db_col_int(st, 2) != 0,
				.is_dependant = status && strcmp(status, "dependant") == 0,
				.registered = db_col_int(st, 3) != 0,
				.served = db_col_int(st, 4) != 0,
				.referred = db_col_int(st, 5) != 0};
			retention_hold_of(db_col_text(st, 6), db_col_int(st, 7), &out->hold);
			out->family_held = db_col_int(st, 8) != 0;
		}
	}
	db_finalize(st);
	return e;
}

/* The person's relation when the principal may see it; ERR_NOT_FOUND when
 * missing or out of sight (the two are one answer). */
static err_t visible(const struct caseview_ctx *c, const char *ref, int reason,
		     struct relation *out)
{
	err_t e = relation_of(c, ref, out);
	if (e == ERR_OK && !policy_person_visible(c->who, &out->rel, reason))
		e = ERR_NOT_FOUND;
	return e;
}

/* ---- audit ---------------------------------------------------------------- */

static struct audit_entry entry(const struct caseview_ctx *c, const char *action,
				const char *type, const char *ref, const char *outcome,
				const char *detail)
{
	return (struct audit_entry){.actor = c->who->username, .agency = c->who->agency,
				    .role = policy_role_name(c->who->role), .action = action,
				    .object_type = type, .object_ref = ref,
				    .request_id = c->request_id, .outcome = outcome,
				    .detail = detail};
}

/* A refused or failed attempt, recorded on its own. */
static void audit_refusal(const struct caseview_ctx *c, const char *action, const char *type,
			  const char *ref, err_t why)
{
	struct audit_entry a = entry(c, action, type, ref, why == ERR_NOT_FOUND ? "not_found"
							 : why == ERR_INVALID ? "invalid"
									      : "denied", "");
	(void)audit_record(registry_db(c->r), &a); /* the refusal stands either way */
}

/* The names of the fields sent, for an audit detail (never their values). */
static void fields_detail(const struct person_input *in, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < caseview_person_nfields; i++) {
		if (!(in->set & (1u << i)))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
				 caseview_person_fields[i].name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
	if (in->access_block >= 0)
		snprintf(buf + used, len - used, "%saccess_block", used ? "," : "");
}

/* Commits the audit entries of a read before anything is shown, or hands
 * them to the caller's ticket, whose caller shows nothing until they have. */
static err_t audit_reads(const struct caseview_ctx *c, const struct audit_entry *e, size_t n)
{
#ifdef HAVEN_BENCH_WITHOUT_AUDIT
	n = 0; /* bench_*_noaudit only (CMakeLists.txt): no entry, no group commit */
#endif
	if (n == 0)
		return ERR_OK;
	if (c->ticket)
		return audit_ticket_add(c->ticket, e, n);
	return audit_record_all(registry_db(c->r), e, n);
}

/* ---- reading --------------------------------------------------------------- */

/* The fields in the FG_* groups `fields`, as bits of caseview_person_fields:
 * asked of the policy once a person, not once a field and a use. */
static uint32_t shown_fields(unsigned fields)
{
	uint32_t shown = 0;
	for (size_t i = 0; i < caseview_person_nfields; i++)
		if (policy_field_group(caseview_person_fields[i].name) & fields)
			shown |= 1u << i;
	return shown;
}

static void clear_unreadable(struct person *p, uint32_t shown)
{
	for (size_t i = 0; i < caseview_person_nfields; i++) {
		const struct caseview_field *f = &caseview_person_fields[i];
		if (shown & (1u << i))
			continue;
		if (f->type == CV_DATE)
			*caseview_date_of(p, f) = DATE_NONE;
		else
			*caseview_text_of(p, f) = NULL;
	}
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The mask and, when the number is long enough that they give little away,
 * its last CASEVIEW_DOC_SHOWN characters (whole UTF-8 sequences). */
static void mask_document(const char *doc, char out[CASEVIEW_MASKED_MAX])
{
	const char *tail = doc + strlen(doc);
	snprintf(out, CASEVIEW_MASKED_MAX, "%s", CASEVIEW_MASK);
	if (utf8_chars(doc) < 2 * CASEVIEW_DOC_SHOWN + 2)
		return;
	for (int k = 0; k < CASEVIEW_DOC_SHOWN && tail > doc;) {
		tail--;
		k += ((unsigned char)*tail & 0xC0) != 0x80;
	}
	snprintf(out, CASEVIEW_MASKED_MAX, "%s%s", CASEVIEW_MASK, tail);
}

static err_t emit_person(const struct caseview_ctx *c, const char *ref, int blocked,
			 const struct caseview_sink *sink)
{
	struct owned_person o, parent = {0};
	struct person shown;
	char masked[CASEVIEW_MASKED_MAX];
	unsigned fields = policy_person_fields(c->who);
	err_t e = load_person(c, ref, &o);
	if (e != ERR_OK)
		return e;
	shown = o.p;
	struct caseview_person cp = {
		.p = &shown, .fields = fields, .shown = shown_fields(fields), .blocked = blocked};
	clear_unreadable(&shown, cp.shown);
	if (shown.document_number) {
		mask_document(shown.document_number, masked);
		cp.document_masked = masked;
		shown.document_number = NULL;
	}
	if ((fields & FG_PARENT_NAME) && o.p.parent_ref &&
	    (e = load_person(c, o.p.parent_ref, &parent)) == ERR_OK) {
		cp.parent_given_name = parent.p.given_name;
		cp.parent_family_name = parent.p.family_name;
	}
	if (e == ERR_OK)
		e = sink->person(&cp, sink->ctx);
	sodium_memzero(masked, sizeof masked);
	owned_free(&parent);
	owned_free(&o);
	return e;
}

static err_t open_note(const struct caseview_ctx *c, db_stmt *st, const char *ref, char **note)
{
	char ctx[CRYPTO_CONTEXT_MAX];
	size_t len = 0, plen = 0;
	const unsigned char *env;
	err_t e;
	*note = NULL;
	if (db_col_is_null(st, 8))
		return ERR_OK;
	env = db_col_blob(st, 8, &len);
	if ((e = crypto_context(ctx, "services", ref, "note")) != ERR_OK)
		return e;
	return crypto_open(registry_keyring(c->r), ctx, env, len, note, &plen);
}

static err_t emit_service_row(const struct caseview_ctx *c, db_stmt *st, const char *person_ref,
			      const struct caseview_sink *sink)
{
	const char *ref = db_col_text(st, 0), *code = db_col_text(st, 1);
	const char *provider = db_col_text(st, 2), *author = db_col_text(st, 9);
	char *note = NULL;
	err_t e = ERR_OK;
	if (!policy_service_visible(c->who, provider, code,
				    codes_is_money(registry_codes(c->r), code)))
		return ERR_OK;
	if (policy_note_visible(c->who, author) && (e = open_note(c, st, ref, &note)) != ERR_OK)
		return e;
	struct service s = {
		.ref = ref, .person_ref = person_ref, .service = code, .provider = provider,
		.date = db_col_int(st, 3),
		.end_date = db_col_is_null(st, 4) ? DATE_NONE : db_col_int(st, 4),
		.has_amount = !db_col_is_null(st, 5), .amount = db_col_int(st, 5),
		.currency = db_col_text(st, 6), .phase = db_col_text(st, 7), .note = note};
	e = sink->service(&s, sink->ctx);
	crypto_plain_free(note);
	return e;
}

static err_t emit_services(const struct caseview_ctx *c, int64_t person_id, const char *ref,
			   const struct caseview_sink *sink)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(c->r), Q_CASE_SERVICES, &st);
	if (e == ERR_OK)
		e = db_bind_int(st, 1, person_id);
	while (e == ERR_OK && step_ok(db_step(st), &e) == DB_ROW)
		e = emit_service_row(c, st, ref, sink);
	db_finalize(st);
	return e;
}

static err_t emit_referrals(const struct caseview_ctx *c, int64_t person_id, const char *ref,
			    const struct caseview_sink *sink)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(c->r), Q_CASE_REFERRALS, &st);
	if (e == ERR_OK)
		e = db_bind_int(st, 1, person_id);
	while (e == ERR_OK && step_ok(db_step(st), &e) == DB_ROW) {
		struct referral f = {
			.ref = db_col_text(st, 0), .person_ref = ref, .from = db_col_text(st, 1),
			.to = db_col_text(st, 2), .purpose = db_col_text(st, 3),
			.date = db_col_int(st, 4), .status = db_col_text(st, 5),
			.closed_on = db_col_is_null(st, 6) ? DATE_NONE : db_col_int(st, 6),
			.consent = registry_col_consent(st, 7), .override_reason = db_col_text(st, 8)};
		if (policy_referral_visible(c->who, f.from, f.to))
			e = sink->referral(&f, sink->ctx);
	}
	db_finalize(st);
	return e;
}

/* The hold to those who may put and lift one, who decide on it. */
static void emit_hold(const struct caseview_ctx *c, const struct relation *rel,
		      struct caseview_hold *out)
{
	*out = (struct caseview_hold){.shown = policy_allows(c->who, ACT_LEGAL_HOLD)};
	if (out->shown) {
		out->hold = rel->hold;
		out->family_held = rel->family_held;
	}
}

/* The person's relation when the principal may see it (and read the field
 * groups `fields`), after the attempt's audit entry has committed, whatever
 * its outcome: `action`, with the reason or else `what` as its detail.
 * ERR_NOT_FOUND when out of sight. */
static err_t audited_sight(const struct caseview_ctx *c, const char *ref, const char *reason,
			   const char *action, const char *what, unsigned fields,
			   struct relation *rel)
{
	err_t e = relation_of(c, ref, rel);
	int seen = e == ERR_OK && policy_person_visible(c->who, &rel->rel, reason != NULL) &&
		   (policy_person_fields(c->who) & fields) == fields;
	if (e != ERR_OK && e != ERR_NOT_FOUND)
		return e;
	struct audit_entry a = entry(c, action, "person", ref,
				     seen ? "ok" : e == ERR_OK ? "denied" : "not_found",
				     reason ? reason : what);
	if ((e = audit_reads(c, &a, 1)) != ERR_OK)
		return e; /* not audited: not shown */
	return seen ? ERR_OK : ERR_NOT_FOUND;
}

err_t caseview_read(const struct caseview_ctx *c, const char *ref, const char *reason,
		    const struct caseview_sink *sink)
{
	return caseview_read_held(c, ref, reason, sink, NULL);
}

err_t caseview_read_held(const struct caseview_ctx *c, const char *ref, const char *reason,
			 const struct caseview_sink *sink, struct caseview_hold *out)
{
	struct relation rel;
	db *d = registry_db(c->r);
	/* With a ticket nothing is written here: the relation and the record
	 * are read in one transaction (the inner begin then joins it). */
	err_t e = c->ticket ? db_reads_begin(d) : ERR_OK;
	if (e == ERR_OK)
		e = audited_sight(c, ref, reason, "person.read", "", 0, &rel);
	if (e == ERR_OK && (e = db_reads_begin(d)) == ERR_OK &&
	    (e = emit_person(c, ref, rel.rel.blocked, sink)) == ERR_OK &&
	    (e = emit_services(c, rel.id, ref, sink)) == ERR_OK &&
	    (e = emit_referrals(c, rel.id, ref, sink)) == ERR_OK && out)
		emit_hold(c, &rel, out);
	db_reads_end(d);
	return e;
}

err_t caseview_reveal(const struct caseview_ctx *c, const char *ref, const char *reason,
		      char **out)
{
	struct relation rel;
	struct owned_person o;
	err_t e = audited_sight(c, ref, reason, "person.reveal", "document_number", FG_IDENTITY,
			  &rel);
	*out = NULL;
	if (e != ERR_OK || (e = load_person(c, ref, &o)) != ERR_OK)
		return e;
	*out = (char *)(uintptr_t)o.p.document_number; /* ours (own_person): handed over */
	o.p.document_number = NULL;
	owned_free(&o);
	return ERR_OK;
}

err_t caseview_subject_access(const struct caseview_ctx *c, const char *ref, json_t **out)
{
	struct relation rel;
	err_t e = audited_sight(c, ref, NULL, "person.subject_access", "",
				FG_IDENTITY | FG_CONTACT | FG_STATUS | FG_CASE, &rel);
	*out = NULL;
	return e == ERR_OK ? subject_report(c->r, ref, c->now, out) : e;
}

void caseview_secret_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* ---- lists ------------------------------------------------------------------ */

struct page {
	int64_t id[CASEVIEW_PAGE_MAX];
	char ref[CASEVIEW_PAGE_MAX][RECORD_REF_MAX + 1];
	int blocked[CASEVIEW_PAGE_MAX];
	size_t n;
	int64_t last_seen; /* the last id looked at */
	int more;          /* rows remain after last_seen */
};

/* The persons a name search may match, from the blind index: only these are
 * decrypted, and of these only those whose names truly match are kept. */
struct candidates {
	int64_t *ids;
	size_t n;
};

static int is_candidate(const struct candidates *cs, int64_t id)
{
	size_t lo = 0, hi = cs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cs->ids[mid] == id)
			return 1;
		if (cs->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The true-match check on a decrypted candidate: every word of the name
 * begins one of the person's, and the document number normalises equal. */
static err_t search_matches(const struct caseview_ctx *c, const char *ref,
			    const struct caseview_filter *f, int *match)
{
	char want[NORMALIZE_MAX], have[NORMALIZE_MAX];
	struct owned_person o;
	err_t e = load_person(c, ref, &o);
	if (e != ERR_OK)
		return e;
	*match = !f->name || bidx_name_matches(&o.p, f->name);
	if (*match && f->document) {
		normalize_document(f->document, want);
		normalize_document(o.p.document_number ? o.p.document_number : "", have);
		*match = strcmp(want, have) == 0;
	}
	owned_free(&o);
	return ERR_OK;
}

/* The blind index's candidates for the filter's name and document. */
static err_t search_candidates(const struct caseview_ctx *c, const struct caseview_filter *f,
			       struct candidates *cs)
{
	struct candidates doc = {0};
	err_t e = ERR_OK;
	if (f->name)
		e = registry_name_candidates(c->r, f->name, &cs->ids, &cs->n);
	if (e == ERR_OK && f->document) {
		e = registry_document_candidates(c->r, f->document, &doc.ids, &doc.n);
		if (e == ERR_OK && !f->name) {
			*cs = doc;
			return ERR_OK;
		}
		/* both given: the persons the two lists share */
		size_t k = 0;
		for (size_t i = 0; e == ERR_OK && i < cs->n; i++)
			if (is_candidate(&doc, cs->ids[i]))
				cs->ids[k++] = cs->ids[i];
		cs->n = e == ERR_OK ? k : cs->n;
		free(doc.ids);
	}
	return e;
}

static err_t bind_filter(db_stmt *st, const struct person_scope *s, const struct caseview_filter *f,
			 int64_t after, int64_t limit)
{
	err_t e;
	if ((e = db_bind_int(st, 1, after)) || (e = db_bind_int(st, 2, s->all)) ||
	    (e = db_bind_int(st, 3, s->with_blocked)) || (e = db_bind_int(st, 4, s->dependants_only)) ||
	    (e = db_bind_text(st, 5, s->agency)) || (e = db_bind_text(st, 6, f->status)) ||
	    (e = db_bind_int(st, 10, limit)))
		return e;
	if (f->year) {
		if ((e = db_bind_int(st, 7, date_year_start(f->year))) ||
		    (e = db_bind_int(st, 8, date_year_start(f->year + 1))))
			return e;
	} else if ((e = db_bind_null(st, 7)) || (e = db_bind_null(st, 8))) {
		return e;
	}
	return db_bind_text(st, 9, f->agency);
}

/* Takes one batch of candidates after pg->last_seen into the page. */
static err_t scan_batch(const struct caseview_ctx *c, const struct person_scope *s,
			const struct caseview_filter *f, const struct candidates *cs, struct page *pg,
			size_t *scanned, int *done)
{
	int search = f->name || f->document;
	int64_t batch = search ? SCAN_BATCH : (int64_t)(f->limit - pg->n) + 1;
	db_stmt *st = NULL;
	int64_t rows = 0;
	err_t e = db_prepare(registry_db(c->r), Q_CASE_PERSON_IDS, &st);
	if (e == ERR_OK)
		e = bind_filter(st, s, f, pg->last_seen, batch);
	while (e == ERR_OK && step_ok(db_step(st), &e) == DB_ROW) {
		int match = 1;
		rows++;
		if (pg->n == f->limit || (search && *scanned >= CASEVIEW_SCAN_MAX)) {
			pg->more = 1; /* a row beyond what this page takes */
			break;
		}
		const char *ref = db_col_text(st, 1);
		pg->last_seen = db_col_int(st, 0);
		if (search && !is_candidate(cs, pg->last_seen))
			continue; /* the index rules it out: not decrypted */
		(*scanned)++;
		if (search && (e = search_matches(c, ref, f, &match)) != ERR_OK)
			break;
		if (match) {
			pg->id[pg->n] = pg->last_seen;
			snprintf(pg->ref[pg->n], sizeof pg->ref[0], "%s", ref);
			pg->blocked[pg->n++] = db_col_int(st, 2) != 0;
		}
	}
	db_finalize(st);
	*done = pg->more || rows < batch;
	return e;
}

static err_t audit_page(const struct caseview_ctx *c, const struct page *pg)
{
	struct audit_entry a[CASEVIEW_PAGE_MAX];
	for (size_t i = 0; i < pg->n; i++)
		a[i] = entry(c, "person.list", "person", pg->ref[i], "ok", "");
	return audit_reads(c, a, pg->n);
}

err_t caseview_list(const struct caseview_ctx *c, const struct caseview_filter *f,
		    const struct caseview_sink *sink, int64_t *next)
{
	struct person_scope s;
	struct page *pg;
	size_t scanned = 0;
	int done = 0;
	err_t e = ERR_OK;
	unsigned fields = policy_person_fields(c->who);
	if (((f->status || f->year) && !(fields & FG_STATUS)) ||
	    ((f->name || f->document) && !(fields & FG_IDENTITY)) ||
	    (f->agency && !policy_filter_agency(c->who, f->agency)))
		return ERR_FORBIDDEN;
	if (f->limit < 1 || f->limit > CASEVIEW_PAGE_MAX)
		return ERR_INVALID;
	*next = 0;
	policy_person_scope(c->who, 0, &s);
	if (s.none)
		return ERR_OK;
	if (!(pg = calloc(1, sizeof *pg)))
		return ERR_NOMEM;
	pg->last_seen = f->after;
	struct candidates cs = {0};
	if ((f->name || f->document) && (e = search_candidates(c, f, &cs)) != ERR_OK) {
		free(pg);
		return e;
	}
	while (e == ERR_OK && !done)
		e = scan_batch(c, &s, f, &cs, pg, &scanned, &done);
	free(cs.ids);
	if (e == ERR_OK && pg->n > 0)
		e = audit_page(c, pg);
	for (size_t i = 0; e == ERR_OK && i < pg->n; i++)
		e = emit_person(c, pg->ref[i], pg->blocked[i], sink);
	if (e == ERR_OK && pg->more)
		*next = pg->last_seen;
	free(pg);
	return e;
}

/* ---- writing ------------------------------------------------------------------ */

/* A fresh random reference "<prefix>-<16 hex>" that no record holds yet. */
static err_t new_ref(const struct caseview_ctx *c, const char *prefix, char *ref)
{
	for (int t = 0; t < REF_TRIES; t++) {
		unsigned char raw[REF_RANDOM_BYTES];
		char hex[2 * REF_RANDOM_BYTES + 1];
		db_stmt *st = NULL;
		err_t e;
		int rc;
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
		snprintf(ref, RECORD_REF_MAX + 1, "%s-%s", prefix, hex);
		if ((e = db_prepare(registry_db(c->r), Q_CASE_REF_EXISTS, &st)) == ERR_OK &&
		    (e = db_bind_text(st, 1, ref)) == ERR_OK)
			rc = step_ok(db_step(st), &e);
		else
			rc = DB_ROW;
		db_finalize(st);
		if (e != ERR_OK)
			return e;
		if (rc == DB_DONE)
			return ERR_OK;
	}
	return ERR_CONFLICT;
}

/* Reports each sent field whose group is not in `allowed`. */
static void check_settable(struct validate *v, const struct person_input *in, unsigned allowed,
			   const char *why)
{
	for (size_t i = 0; i < caseview_person_nfields; i++)
		if ((in->set & (1u << i)) &&
		    !(policy_field_group(caseview_person_fields[i].name) & allowed))
			report(v, caseview_person_fields[i].name, why);
	if (in->access_block >= 0 && !(allowed & FG_BLOCK))
		report(v, "access_block", why);
}

/* A dependant's parent must be a person in sight who is not a dependant. */
static err_t check_parent(const struct caseview_ctx *c, const struct person *p, struct validate *v)
{
	struct relation rel;
	err_t e;
	if (!p->parent_ref || !validate_id(p->parent_ref))
		return ERR_OK;
	const char *status = NULL;
	e = visible(c, p->parent_ref, 0, &rel);
	if (e == ERR_OK)
		e = registry_person_status(c->r, p->parent_ref, &status);
	if (e == ERR_NOT_FOUND)
		report(v, "parent_id", "no such person");
	else if (e == ERR_OK && strcmp(status, "victim") != 0 && strcmp(status, "potential_victim") != 0)
		report(v, "parent_id", "the parent must be a victim or potential victim (the "
				       "interchange format's rule)");
	return e == ERR_NOT_FOUND ? ERR_OK : e;
}

/* Runs a statement that returns nothing, with $1 and $2 texts (NULL binds
 * NULL) and the integers after them. */
static err_t exec_args(const struct caseview_ctx *c, const char *sql, const char *t1,
		       const char *t2, const int64_t *ints, int nints)
{
	db_stmt *st = NULL;
	int n = 1;
	err_t e = db_prepare(registry_db(c->r), sql, &st);
	if (e == ERR_OK)
		e = db_bind_text(st, n++, t1);
	if (e == ERR_OK && t2)
		e = db_bind_text(st, n++, t2);
	for (int i = 0; e == ERR_OK && i < nints; i++)
		e = db_bind_int(st, n++, ints[i]);
	if (e == ERR_OK)
		step_ok(db_step(st), &e);
	db_finalize(st);
	return e;
}

/* Runs `write` and the audit entry in one transaction, in the write turn
 * when there is one. */
static err_t in_tx(const struct caseview_ctx *c, err_t (*write)(const struct caseview_ctx *, void *),
		   void *arg, const struct audit_entry *a)
{
	db *d = registry_db(c->r);
	err_t e;
	if (c->turn && (e = writeturn_take(c->turn)) != ERR_OK)
		return e;
	if ((e = db_begin(d)) == ERR_OK) {
		if ((e = write(c, arg)) == ERR_OK && (e = audit_append(d, a, NULL)) == ERR_OK)
			e = db_commit(d);
		if (e != ERR_OK)
			db_rollback(d);
	}
	if (c->turn)
		writeturn_give(c->turn);
	return e;
}

struct person_write {
	const struct person *p;
	int created;
	int access_block; /* -1: leave as is */
};

static err_t write_person(const struct caseview_ctx *c, void *arg)
{
	struct person_write *w = arg;
	enum put_outcome out;
	int64_t args[2] = {w->access_block > 0, c->now};
	err_t e = registry_put_person(c->r, w->p, 0, &out);
	if (e == ERR_OK && w->created)
		e = exec_args(c, Q_CASE_ACCESS_PUT, w->p->ref, c->who->agency, args, 2);
	else if (e == ERR_OK && w->access_block >= 0)
		e = exec_args(c, Q_CASE_ACCESS_BLOCK, w->p->ref, NULL, args, 2);
	return e;
}

err_t caseview_create_person(const struct caseview_ctx *c, const struct person_input *in,
			     struct validate *v, char *ref)
{
	char detail[AUDIT_FIELD_MAX];
	struct person p = in->p;
	err_t e;
	v->today = today(c);
	check_settable(v, in, policy_person_create_fields(c->who), "not settable by your role");
	if (!policy_person_create_values(c->who, p.status, p.identification_source))
		report(v, "status", "your role registers only potential victims identified through "
				    "an NGO or a citizen's appeal (ngo_referral, citizen_appeal)");
	if ((e = new_ref(c, "p", ref)) != ERR_OK)
		return e;
	p.ref = ref;
	validate_person(v, &p);
	if ((e = check_parent(c, &p, v)) != ERR_OK)
		return e;
	if (v->problems)
		return ERR_INVALID;
	fields_detail(in, detail, sizeof detail);
	struct person_write w = {&p, 1, in->access_block};
	struct audit_entry a = entry(c, "person.create", "person", ref, "ok", detail);
	return in_tx(c, write_person, &w, &a);
}

/* Copies the sent fields of `in` over `p`. */
static void apply_input(struct person *p, const struct person_input *in)
{
	struct person *src = (struct person *)&in->p;
	for (size_t i = 0; i < caseview_person_nfields; i++) {
		const struct caseview_field *f = &caseview_person_fields[i];
		if (!(in->set & (1u << i)))
			continue;
		if (f->type == CV_DATE)
			*caseview_date_of(p, f) = *caseview_date_of(src, f);
		else
			*caseview_text_of(p, f) = *caseview_text_of(src, f);
	}
}

err_t caseview_update_person(const struct caseview_ctx *c, const char *ref,
			     const struct person_input *in, struct validate *v)
{
	char detail[AUDIT_FIELD_MAX];
	struct relation rel;
	struct owned_person o;
	struct person p;
	err_t e = visible(c, ref, 0, &rel);
	v->today = today(c);
	if (e != ERR_OK) {
		audit_refusal(c, "person.update", "person", ref, e);
		return e;
	}
	check_settable(v, in, policy_person_update_fields(c->who, &rel.rel),
		       "not changeable by your role");
	if (v->problems) {
		audit_refusal(c, "person.update", "person", ref, ERR_INVALID);
		return ERR_INVALID;
	}
	if ((e = load_person(c, ref, &o)) != ERR_OK)
		return e;
	p = o.p;
	apply_input(&p, in);
	validate_person(v, &p);
	if ((e = check_parent(c, &p, v)) == ERR_OK && v->problems)
		e = ERR_INVALID;
	if (e == ERR_OK) {
		fields_detail(in, detail, sizeof detail);
		struct person_write w = {&p, 0, in->access_block};
		struct audit_entry a = entry(c, "person.update", "person", ref, "ok", detail);
		e = in_tx(c, write_person, &w, &a);
	}
	owned_free(&o);
	return e;
}

struct service_write {
	const struct service *s;
};

static err_t write_service(const struct caseview_ctx *c, void *arg)
{
	struct service_write *w = arg;
	enum put_outcome out;
	err_t e = registry_put_service(c->r, w->s, 0, &out);
	if (e == ERR_OK)
		e = exec_args(c, Q_CASE_SERVICE_AUTHOR, w->s->ref, c->who->agency, NULL, 0);
	return e;
}

err_t caseview_create_service(const struct caseview_ctx *c, const struct service *in,
			      struct validate *v, char *ref)
{
	char detail[AUDIT_FIELD_MAX];
	struct relation rel;
	struct service s = *in;
	err_t e = visible(c, in->person_ref, 0, &rel);
	v->today = today(c);
	if (e != ERR_OK) {
		audit_refusal(c, "service.create", "person", in->person_ref, e);
		return e;
	}
	if (s.provider && !policy_service_create(c->who, s.provider))
		report(v, "provider", "your agency records only the services it gives itself");
	if ((e = new_ref(c, "s", ref)) != ERR_OK)
		return e;
	s.ref = ref;
	validate_service(v, &s);
	if (v->problems)
		return ERR_INVALID;
	/* not the service: beside the person, the log would say who got which help */
	snprintf(detail, sizeof detail, "person=%s", in->person_ref);
	struct service_write w = {&s};
	struct audit_entry a = entry(c, "service.create", "service", ref, "ok", detail);
	return in_tx(c, write_service, &w, &a);
}

/* ---- legal holds ------------------------------------------------------------- */

struct hold_write {
	const char *ref, *reason;
	struct retention_hold_info *out;
};

static err_t write_hold(const struct caseview_ctx *c, void *arg)
{
	const struct hold_write *h = arg;
	err_t e = retention_hold_write(c->r, h->ref, h->reason, c->who->username, c->now);
	return e == ERR_OK ? retention_hold_read(c->r, h->ref, h->out) : e;
}

err_t caseview_legal_hold(const struct caseview_ctx *c, const char *ref, const char *reason,
			  struct validate *v, struct retention_hold_info *out)
{
	const char *action = reason ? "person.hold" : "person.release";
	struct relation rel;
	struct hold_write h = {ref, reason, out};
	err_t e = visible(c, ref, 0, &rel);
	*out = (struct retention_hold_info){0};
	if (e == ERR_OK) {
		struct audit_entry a = entry(c, action, "person", ref, "ok", reason ? reason : "");
		e = in_tx(c, write_hold, &h, &a);
	}
	if (e == ERR_INVALID) { /* the reason is not on the list (retention_hold_write) */
		char allowed[VALIDATE_ALLOWED_MAX], message[VALIDATE_MESSAGE_MAX];
		codes_allowed(registry_codes(c->r), RETENTION_REASON_LIST, allowed, sizeof allowed);
		snprintf(message, sizeof message, "not a legal hold reason (allowed: %s)", allowed);
		v->report(v->ctx, "reason", message);
	}
	if (e == ERR_NOT_FOUND || e == ERR_CONFLICT)
		audit_refusal(c, action, "person", ref, e);
	return e;
}

/* ---- referrals ---------------------------------------------------------------- */

static err_t write_referral(const struct caseview_ctx *c, void *arg)
{
	enum put_outcome out;
	return registry_put_referral(c->r, arg, 0, &out);
}

err_t caseview_create_referral(const struct caseview_ctx *c, const struct referral *in,
			       struct validate *v, char *ref)
{
	char detail[AUDIT_FIELD_MAX];
	struct relation rel;
	struct referral f = *in;
	err_t e = visible(c, in->person_ref, 0, &rel);
	v->today = today(c);
	if (e != ERR_OK) {
		audit_refusal(c, "referral.create", "person", in->person_ref, e);
		return e;
	}
	if (!(f.from = policy_referral_from(c->who)))
		return ERR_FORBIDDEN;
	if ((e = new_ref(c, "r", ref)) != ERR_OK)
		return e;
	f.ref = ref;
	f.status = "sent";
	f.closed_on = DATE_NONE;
	validate_referral(v, &f);
	validate_referral_consent(v, &f);
	if (v->problems)
		return ERR_INVALID;
	/* not the purpose, as for services (docs/internals/fields.md) */
	snprintf(detail, sizeof detail, "person=%s to=%s consent=%s%s", in->person_ref, f.to,
		 f.consent == CONSENT_GIVEN ? "given" : "overridden:",
		 f.consent == CONSENT_GIVEN ? "" : f.override_reason);
	struct audit_entry a = entry(c, "referral.create", "referral", ref, "ok", detail);
	return in_tx(c, write_referral, &f, &a);
}

/* A referral's own row: where it stands, and its person. */
struct referral_row {
	char person[RECORD_REF_MAX + 1];
	char from[PRINCIPAL_AGENCY_MAX + 1], to[PRINCIPAL_AGENCY_MAX + 1];
	char status[32];
};

static err_t referral_row(const struct caseview_ctx *c, const char *ref, struct referral_row *out)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(c->r), Q_CASE_REFERRAL_ONE, &st);
	if (e == ERR_OK && (e = db_bind_text(st, 1, ref)) == ERR_OK) {
		int rc = step_ok(db_step(st), &e);
		if (rc == DB_DONE)
			e = ERR_NOT_FOUND;
		else if (rc == DB_ROW) {
			snprintf(out->person, sizeof out->person, "%s", db_col_text(st, 1));
			snprintf(out->from, sizeof out->from, "%s", db_col_text(st, 2));
			snprintf(out->to, sizeof out->to, "%s", db_col_text(st, 3));
			snprintf(out->status, sizeof out->status, "%s", db_col_text(st, 4));
		}
	}
	db_finalize(st);
	return e;
}

static int move_allowed(const char *from, const char *to)
{
	static const char *const moves[][2] = {
		{"sent", "accepted"}, {"sent", "declined"}, {"accepted", "completed"},
		{"accepted", "declined"}};
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (strcmp(from, moves[i][0]) == 0 && to && strcmp(to, moves[i][1]) == 0)
			return 1;
	return 0;
}

/* The stored referral `ref` of its person, copied into `out` (strings in
 * the row's buffers or static). */
struct find_referral {
	const char *ref;
	struct referral f;
	char purpose[RECORD_REF_MAX + 1], override_reason[RECORD_REF_MAX + 1];
	int found;
};

static err_t pick_referral(const struct referral *f, void *ctx)
{
	struct find_referral *q = ctx;
	if (strcmp(f->ref, q->ref) != 0)
		return ERR_OK;
	q->f = *f;
	snprintf(q->purpose, sizeof q->purpose, "%s", f->purpose);
	snprintf(q->override_reason, sizeof q->override_reason, "%s",
		 f->override_reason ? f->override_reason : "");
	q->found = 1;
	return ERR_OK;
}

err_t caseview_update_referral(const struct caseview_ctx *c, const char *ref, const char *status,
			       int64_t closed_on, struct validate *v)
{
	char detail[AUDIT_FIELD_MAX];
	struct referral_row row;
	struct relation rel;
	struct find_referral q = {.ref = ref};
	err_t e = referral_row(c, ref, &row);
	v->today = today(c);
	if (e == ERR_OK && ((e = visible(c, row.person, 0, &rel)) != ERR_OK ||
			    !policy_referral_visible(c->who, row.from, row.to)))
		e = ERR_NOT_FOUND;
	if (e == ERR_OK && !policy_referral_update(c->who, row.from, row.to))
		e = ERR_FORBIDDEN;
	if (e == ERR_OK && !move_allowed(row.status, status))
		e = ERR_CONFLICT;
	if (e == ERR_OK)
		e = registry_each_referral(c->r, row.person, pick_referral, &q);
	if (e == ERR_OK && !q.found)
		e = ERR_NOT_FOUND;
	if (e != ERR_OK) {
		if (e == ERR_NOT_FOUND || e == ERR_FORBIDDEN || e == ERR_CONFLICT)
			audit_refusal(c, "referral.update", "referral", ref, e);
		return e;
	}
	struct referral f = q.f;
	f.ref = ref;
	f.person_ref = row.person;
	f.from = row.from;
	f.to = row.to;
	f.purpose = q.purpose;
	f.override_reason = q.override_reason[0] ? q.override_reason : NULL;
	f.status = status;
	f.closed_on = strcmp(status, "accepted") == 0 ? DATE_NONE
		      : closed_on != DATE_NONE      ? closed_on
						    : today(c);
	validate_referral(v, &f);
	if (v->problems)
		return ERR_INVALID;
	snprintf(detail, sizeof detail, "status=%s", status);
	struct audit_entry a = entry(c, "referral.update", "referral", ref, "ok", detail);
	return in_tx(c, write_referral, &f, &a);
}

err_t caseview_referrals(const struct caseview_ctx *c, const struct caseview_inbox *q,
			 const struct caseview_sink *sink, int64_t *next)
{
	struct person_scope s;
	db_stmt *st = NULL;
	int64_t rows = 0, last = q->after;
	err_t e;
	*next = 0;
	if (q->limit < 1 || q->limit > CASEVIEW_PAGE_MAX)
		return ERR_INVALID;
	policy_person_scope(c->who, 0, &s);
	if (s.none)
		return ERR_OK;
	if ((e = db_prepare(registry_db(c->r), Q_CASE_INBOX, &st)) != ERR_OK)
		return e;
	if ((e = db_bind_int(st, 1, q->after)) || (e = db_bind_text(st, 2, q->to_mine ? c->who->agency : NULL)) ||
	    (e = db_bind_text(st, 3, q->status)) || (e = db_bind_int(st, 4, s.with_blocked)) ||
	    (e = db_bind_int(st, 5, s.dependants_only)) ||
	    (e = db_bind_text(st, 6, s.all ? NULL : c->who->agency)) ||
	    (e = db_bind_int(st, 7, (int64_t)q->limit + 1)))
		goto out;
	while (e == ERR_OK && step_ok(db_step(st), &e) == DB_ROW) {
		if (++rows > q->limit) {
			*next = last;
			break;
		}
		last = db_col_int(st, 0);
		struct referral f = {
			.ref = db_col_text(st, 1), .person_ref = db_col_text(st, 2),
			.from = db_col_text(st, 3), .to = db_col_text(st, 4),
			.purpose = db_col_text(st, 5), .date = db_col_int(st, 6),
			.status = db_col_text(st, 7),
			.closed_on = db_col_is_null(st, 8) ? DATE_NONE : db_col_int(st, 8),
			.consent = registry_col_consent(st, 9), .override_reason = db_col_text(st, 10)};
		if (policy_referral_visible(c->who, f.from, f.to))
			e = sink->referral(&f, sink->ctx);
	}
out:
	db_finalize(st);
	return e;
}
