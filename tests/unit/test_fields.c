/*
 * test_fields.c - checklist HUM-01, the data inventory (src/core/fields.c):
 * every column of a fresh database at the latest schema has an entry
 * (untagged fails), every entry names a column that exists (stale fails),
 * an entry's index kind is the one the schema gives the column, the flags
 * keep the rules of docs/internals/fields.md, the audit log holds only
 * loggable, non-personal columns, and docs/internals/fields.md lists exactly
 * the inventory.  Every problem is printed, naming table.column and what to
 * add or change, before the test fails.  To refresh the document's table
 * after changing fields.c, run this test with HAVEN_WRITE_FIELDS=1.
 *
 * schema_migrations, which the drivers create rather than a migration, is
 * tagged like any other table: nothing is skipped.
 *
 * TU_BOTH_ENGINES: the schema is read from SQLite and from PostgreSQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields.h"
#include "db/db.h"
#include "testutil.h"

#define DOC_PATH    HAVEN_SOURCE_DIR "/docs/internals/fields.md"
#define DOC_BEGIN   "<!-- BEGIN the inventory, written by HAVEN_WRITE_FIELDS=1 test_fields -->\n"
#define DOC_END     "<!-- END the inventory -->\n"
#define COLUMNS_MAX 1024
#define IDENT_MAX   64
#define ROW_MAX     512 /* one line of the document's table */

/* The tables and columns of the fresh database, with the columns any index
 * or key covers. */
static const char LITE_COLUMNS[] =
    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'";
static const char PG_COLUMNS[] = "SELECT table_name, column_name FROM information_schema.columns "
                                 "WHERE table_schema = current_schema()";
/* An INTEGER PRIMARY KEY is the rowid itself, in no index_list: pk > 0. */
static const char LITE_INDEXED[] =
    "SELECT m.name, i.name FROM sqlite_master m, pragma_index_list(m.name) l, "
    "pragma_index_info(l.name) i WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
    "AND i.name IS NOT NULL "
    "UNION SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.pk > 0";
static const char PG_INDEXED[] =
    "SELECT DISTINCT t.relname::text, a.attname::text FROM pg_index i "
    "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (i.indkey) "
    "WHERE n.nspname = current_schema()";

struct column {
	char table[IDENT_MAX], name[IDENT_MAX];
	int indexed;
};

struct schema {
	const char *engine;
	struct column col[COLUMNS_MAX];
	size_t n;
};

static int problems;

/* Prints one problem; the test fails at its end when there was any. */
static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	print_error("%s\n", buf);
	problems++;
}

static void fail_if_problems(const char *what)
{
	int n = problems;
	problems = 0;
	if (n)
		fail_msg("%d problem%s with %s (above)", n, n == 1 ? "" : "s", what);
}

static struct column *schema_find(struct schema *s, const char *table, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->col[i].table, table) == 0 && strcmp(s->col[i].name, name) == 0)
			return &s->col[i];
	return NULL;
}

/* Reads the schema of a fresh database of the test's engine, migrated to the
 * latest version by db_open. */
static void schema_read(struct schema *s)
{
	char errbuf[ERRBUF_MAX];
	char *dir = tu_tempdir(), *target = tu_new_database(dir);
	db *d = NULL;
	db_stmt *st = NULL;
	if (db_open(target, DB_OPEN_CREATE, &d, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	assert_int_equal(db_schema_version(d), db_schema_latest(db_dialect_of(d)));
	int pg = db_dialect_of(d) == DB_POSTGRES;
	s->engine = pg ? "PostgreSQL" : "SQLite";
	s->n = 0;
	assert_int_equal(db_prepare(d, pg ? PG_COLUMNS : LITE_COLUMNS, &st), ERR_OK);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		assert_true(s->n < COLUMNS_MAX);
		struct column *c = &s->col[s->n++];
		snprintf(c->table, sizeof c->table, "%s", db_col_text(st, 0));
		snprintf(c->name, sizeof c->name, "%s", db_col_text(st, 1));
		c->indexed = 0;
	}
	assert_int_equal(rc, DB_DONE);
	db_finalize(st);
	assert_int_equal(db_prepare(d, pg ? PG_INDEXED : LITE_INDEXED, &st), ERR_OK);
	while ((rc = db_step(st)) == DB_ROW) {
		struct column *c = schema_find(s, db_col_text(st, 0), db_col_text(st, 1));
		assert_non_null(c);
		c->indexed = 1;
	}
	assert_int_equal(rc, DB_DONE);
	db_finalize(st);
	db_close(d);
	assert_true(s->n > 100); /* the query read real tables */
	free(target);
	tu_rmtree(dir);
	free(dir);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* ---- the schema against the inventory --------------------------------------------- */

static void every_column_tagged(void **state)
{
	static struct schema s;
	(void)state;
	schema_read(&s);
	for (size_t i = 0; i < s.n; i++) {
		const struct column *c = &s.col[i];
		const struct field *f = fields_find(c->table, c->name);
		if (!f) {
			problem(
			    "%s.%s (%s) is untagged: add {\"%s\", \"%s\", LEVEL, %s, FLAGS, "
			    "\"what it holds\"} to fields_all[] in src/core/fields.c, beside the "
			    "other columns of %s (LEVEL: PUBLIC, RESTRICTED, CONFIDENTIAL or "
			    "STRICTLY; FLAGS: %s0 or LOG | EXP | AGG as they apply: "
			    "docs/internals/fields.md), then run test_fields with "
			    "HAVEN_WRITE_FIELDS=1 to list it in docs/internals/fields.md",
			    c->table, c->name, s.engine, c->table, c->name,
			    c->indexed ? "PLAIN" : "NONE", c->table,
			    ends_with(c->name, "_enc") ? "ENC | " : "");
			continue;
		}
		if (c->indexed && f->index != FIELD_INDEX_PLAIN)
			problem("%s.%s is in an index or key of %s on %s, but its entry in "
			        "src/core/fields.c says index %s: change it to PLAIN",
			        c->table, c->name, c->table, s.engine, fields_index_name(f->index));
		if (!c->indexed && f->index == FIELD_INDEX_PLAIN)
			problem("%s.%s is in no index or key of %s on %s, but its entry in "
			        "src/core/fields.c says PLAIN: change it to NONE (or BLIND when "
			        "person_index holds it)",
			        c->table, c->name, c->table, s.engine);
	}
	for (size_t i = 0; i < fields_count; i++) {
		const struct field *f = &fields_all[i];
		if (!schema_find(&s, f->table, f->column))
			problem("%s.%s is stale: src/core/fields.c lists it but the schema on %s "
			        "has no such column: remove its entry (or correct the name), then "
			        "run test_fields with HAVEN_WRITE_FIELDS=1",
			        f->table, f->column, s.engine);
		if (fields_find(f->table, f->column) != f)
			problem("%s.%s is listed twice in src/core/fields.c: remove one entry",
			        f->table, f->column);
	}
	fail_if_problems("the inventory against the schema");
}

/* ---- the rules -------------------------------------------------------------------- */

static void check_entry(const struct field *f)
{
	const char *t = f->table, *c = f->column;
	const unsigned known = FIELD_ENCRYPTED | FIELD_LOGGABLE | FIELD_EXPORTABLE |
	                       FIELD_AGGREGABLE | FIELD_SECRET | FIELD_LOW_ENTROPY;
	int enc = (f->flags & FIELD_ENCRYPTED) != 0, secret = (f->flags & FIELD_SECRET) != 0;
	int log = (f->flags & FIELD_LOGGABLE) != 0;

	if ((unsigned)f->level > FIELD_STRICTLY_CONFIDENTIAL)
		problem("%s.%s: level %d is none of PUBLIC, RESTRICTED, CONFIDENTIAL, STRICTLY: "
		        "set one",
		        t, c, (int)f->level);
	if ((unsigned)f->index > FIELD_INDEX_BLIND)
		problem("%s.%s: index %d is none of NONE, PLAIN, BLIND: set one", t, c,
		        (int)f->index);
	if (f->flags & ~known)
		problem("%s.%s: flags 0x%x hold bits fields.h does not define: remove them", t, c,
		        f->flags & ~known);
	if (!f->purpose || !*f->purpose || strchr(f->purpose, '|') || strchr(f->purpose, '\n'))
		problem("%s.%s: give it a purpose of one line without '|' (it is a cell of "
		        "docs/internals/fields.md's table)",
		        t, c);

	/* sealed values, and only they, are *_enc columns (docs/internals/crypto.md) */
	if (enc && !ends_with(c, "_enc"))
		problem("%s.%s is marked ENC but its name does not end in _enc: a sealed column "
		        "is named *_enc; rename the column in a migration, or remove ENC if it "
		        "is stored in clear",
		        t, c);
	if (!enc && ends_with(c, "_enc"))
		problem("%s.%s ends in _enc, so it is sealed, but is not marked ENC: add ENC "
		        "to its flags",
		        t, c);
	if (f->index == FIELD_INDEX_BLIND && !enc)
		problem("%s.%s has a BLIND index but is stored in clear: a blind index exists "
		        "for sealed values; set PLAIN (an SQL index) or NONE",
		        t, c);
	if ((f->flags & FIELD_LOW_ENTROPY) && !enc)
		problem("%s.%s is marked LOW but is not sealed: LOW is about sealed values and "
		        "their blind indexes; remove LOW",
		        t, c);
	if ((f->flags & FIELD_AGGREGABLE) && enc)
		problem("%s.%s is marked AGG but is sealed, and the report counts in SQL: "
		        "remove AGG",
		        t, c);

	if (f->level == FIELD_STRICTLY_CONFIDENTIAL) {
		if (!enc && !secret)
			problem(
			    "%s.%s is strictly confidential but stored in clear: seal it (a "
			    "*_enc column, ENC); if it is the hash of a secret, mark it SECRET; "
			    "if a leak would not endanger anyone, lower its level and say why "
			    "in src/core/fields.c",
			    t, c);
		/* never loggable: the rule for every personal column, below */
		/* only a secret's hash may be looked up, the way a session is found */
		if (f->index == FIELD_INDEX_PLAIN && !secret)
			problem("%s.%s is strictly confidential and in a plain index: drop the "
			        "index in a migration and set NONE",
			        t, c);
		/* Haven's blind indexes each hash one field alone (person_index.field) */
		if (f->index == FIELD_INDEX_BLIND && (f->flags & FIELD_LOW_ENTROPY))
			problem("%s.%s is strictly confidential and blind-indexed alone on few "
			        "possible values (LOW): whoever can add a record could confirm a "
			        "guess; set its index to NONE and stop writing its person_index "
			        "rows (or index it together with a high-entropy value)",
			        t, c);
	} else if (secret) {
		problem("%s.%s is marked SECRET: set its level to STRICTLY", t, c);
	}
	if (secret && (f->flags & FIELD_EXPORTABLE))
		problem("%s.%s is a secret: remove EXP (no secret leaves the database)", t, c);
	if (secret && (f->flags & FIELD_AGGREGABLE))
		problem("%s.%s is a secret: remove AGG", t, c);
	if (log && f->level >= FIELD_CONFIDENTIAL)
		problem("%s.%s is personal (%s) but marked LOG: remove LOG (log its record's "
		        "reference instead)",
		        t, c, fields_level_name(f->level));
}

static void flags_keep_the_rules(void **state)
{
	(void)state;
	assert_true(fields_count > 100);
	for (size_t i = 0; i < fields_count; i++)
		check_entry(&fields_all[i]);
	fail_if_problems("the flags");
}

/* The audit log is read by auditors and kept for ever: any of its columns
 * may be logged, and none holds personal data. */
static void audit_log_is_loggable(void **state)
{
	size_t seen = 0;
	(void)state;
	for (size_t i = 0; i < fields_count; i++) {
		const struct field *f = &fields_all[i];
		if (strcmp(f->table, "audit_log") != 0)
			continue;
		seen++;
		if (!(f->flags & FIELD_LOGGABLE))
			problem("audit_log.%s is not marked LOG: every audit column is logged by "
			        "definition; add LOG",
			        f->column);
		if (f->level > FIELD_RESTRICTED)
			problem("audit_log.%s is %s: the audit log never holds personal data; keep "
			        "personal values out of the column (name the record by its "
			        "reference) and set RESTRICTED or PUBLIC",
			        f->column, fields_level_name(f->level));
	}
	assert_true(seen >= 13);
	fail_if_problems("the audit log's columns");
}

/* ---- the document ----------------------------------------------------------------- */

static void flag_words(unsigned flags, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *word;
	} words[] = {
	    {FIELD_ENCRYPTED, "encrypted"},   {FIELD_LOGGABLE, "loggable"},
	    {FIELD_EXPORTABLE, "exportable"}, {FIELD_AGGREGABLE, "aggregable"},
	    {FIELD_SECRET, "secret"},         {FIELD_LOW_ENTROPY, "low entropy"},
	};
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (flags & words[i].bit)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			                         words[i].word);
}

/* The inventory as the document's table; malloc'd. */
static char *inventory_table(void)
{
	size_t cap = (fields_count + 2) * ROW_MAX, used = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	used += (size_t)snprintf(out, cap,
	                         "| table | column | level | index | flags | purpose |\n"
	                         "|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < fields_count; i++) {
		const struct field *f = &fields_all[i];
		char flags[128];
		flag_words(f->flags, flags, sizeof flags);
		if (!flags[0])
			snprintf(flags, sizeof flags, "—");
		int n = snprintf(out + used, cap - used, "| `%s` | `%s` | %s | %s | %s | %s |\n",
		                 f->table, f->column, fields_level_name(f->level),
		                 fields_index_name(f->index), flags, f->purpose ? f->purpose : "");
		assert_true(n > 0 && (size_t)n < cap - used);
		used += (size_t)n;
	}
	return out;
}

static void document_lists_the_inventory(void **state)
{
	size_t len;
	char *table = inventory_table(), *doc = tu_read_file(DOC_PATH, &len);
	(void)state;
	if (!doc)
		fail_msg("%s is missing", DOC_PATH);
	char *begin = strstr(doc, DOC_BEGIN), *end = begin ? strstr(begin, DOC_END) : NULL;
	if (!begin || !end)
		fail_msg("%s must hold the lines\n%s%s around the inventory's table", DOC_PATH,
		         DOC_BEGIN, DOC_END);
	begin += strlen(DOC_BEGIN);
	if (getenv("HAVEN_WRITE_FIELDS")) {
		size_t head = (size_t)(begin - doc), tail = strlen(end);
		char *fresh = malloc(head + strlen(table) + tail + 1);
		assert_non_null(fresh);
		memcpy(fresh, doc, head);
		memcpy(fresh + head, table, strlen(table));
		memcpy(fresh + head + strlen(table), end, tail + 1);
		tu_write_file(DOC_PATH, fresh);
		free(fresh);
		free(doc);
		doc = tu_read_file(DOC_PATH, &len);
		begin = strstr(doc, DOC_BEGIN) + strlen(DOC_BEGIN);
		end = strstr(begin, DOC_END);
	}
	if ((size_t)(end - begin) != strlen(table) || memcmp(begin, table, strlen(table)) != 0)
		fail_msg("docs/internals/fields.md's table differs from src/core/fields.c: run "
		         "test_fields with HAVEN_WRITE_FIELDS=1 and review the change");
	free(doc);
	free(table);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_column_tagged),
	    cmocka_unit_test(flags_keep_the_rules),
	    cmocka_unit_test(audit_log_is_loggable),
	    cmocka_unit_test(document_lists_the_inventory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
