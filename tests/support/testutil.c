/* testutil.c - helpers for the cmocka tests (see testutil.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/clock.h"
#include "core/export.h"
#include "core/import.h"
#include "core/registry.h"
#include "core/totp.h"
#include "core/users.h"
#include "testutil.h"
#include "util/date.h"
#include "util/sealed.h"

char *tu_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/haven-test-XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

void tu_rmtree(const char *dir)
{
	char cmd[4200];
	if (!dir)
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

char *tu_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

void tu_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int tu_file_contains(const char *path, const void *needle, size_t len)
{
	size_t n;
	char *buf = tu_read_file(path, &n);
	int found = buf && memmem(buf, n, needle, len) != NULL;
	free(buf);
	return found;
}

static char *slurp_and_remove(const char *path)
{
	char *s = tu_read_file(path, NULL);
	unlink(path);
	return s;
}

int tu_run(const char *cmdline, char **out, char **err)
{
	char *dir = tu_tempdir(), *o = tu_path(dir, "out"), *e = tu_path(dir, "err");
	size_t n = strlen(cmdline) + strlen(o) + strlen(e) + 32;
	char *full = malloc(n);
	int status;
	assert_non_null(full);
	snprintf(full, n, "(%s) >'%s' 2>'%s' </dev/null", cmdline, o, e);
	status = system(full);
	if (out)
		*out = slurp_and_remove(o);
	if (err)
		*err = slurp_and_remove(e);
	tu_rmtree(dir);
	free(full);
	free(o);
	free(e);
	free(dir);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int tu_engine_is_postgres(void)
{
	const char *e = getenv("HAVEN_TEST_ENGINE");
	return e && strcmp(e, "postgres") == 0;
}

char *tu_new_database(const char *dir)
{
	static unsigned counter;
	char name[64], cmd[512], *url;
	const char *sock = getenv("HAVEN_TEST_PG");
	if (!tu_engine_is_postgres()) {
		snprintf(name, sizeof name, "haven-%u.db", counter++);
		return tu_path(dir, name);
	}
	assert_non_null(sock);
	/* test databases stay in the throwaway cluster, and process ids come
	 * round again within one `make test` (pid_max 32768): a random part
	 * keeps a later process from finding its name taken */
	assert_true(sodium_init() >= 0);
	snprintf(name, sizeof name, "haven_t%ld_%u_%08x", (long)getpid(), counter++,
		 (unsigned)randombytes_random());
	snprintf(cmd, sizeof cmd, "createdb -h '%s' -U postgres %s", sock, name);
	assert_int_equal(system(cmd), 0);
	url = malloc(strlen(sock) + 128);
	assert_non_null(url);
	snprintf(url, strlen(sock) + 128, "postgresql:///%s?host=%s&user=postgres", name, sock);
	return url;
}

int tu_tree_contains(const char *dir, const void *needle, size_t len)
{
	char cmd[4400];
	char hex[512];
	const unsigned char *p = needle;
	size_t n = 0;
	/* grep -r for the needle as a fixed string, passed as octal escapes
	 * through the shell's printf so that no byte needs quoting */
	for (size_t i = 0; i < len && n + 6 < sizeof hex; i++)
		n += (size_t)snprintf(hex + n, sizeof hex - n, "\\%03o", p[i]);
	snprintf(cmd, sizeof cmd, "grep -rqaF \"$(printf '%s')\" '%s'", hex, dir);
	return system(cmd) == 0;
}

registry *tu_registry_open(const char *dbpath, const char *key)
{
	char errbuf[ERRBUF_MAX];
	struct registry_paths p = {dbpath, key};
	registry *r = NULL;
	if (registry_open(&p, &r, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	return r;
}

int tu_import(const char *dbpath, const char *key, const char *csv)
{
	char errbuf[ERRBUF_MAX];
	struct import_summary sum;
	struct registry_paths p = {dbpath, key};
	registry *r = NULL;
	FILE *devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	err_t e = registry_open(&p, &r, errbuf);
	if (e == ERR_OK)
		e = import_files(r, &csv, 1, NULL, &sum, devnull);
	registry_close(r);
	fclose(devnull);
	return e;
}

void tu_export_into(const char *dbpath, const char *key, const char *dir)
{
	char errbuf[ERRBUF_MAX];
	struct export_summary sum;
	registry *r = tu_registry_open(dbpath, key);
	if (export_dir(r, dir, &sum, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	registry_close(r);
}

void tu_assert_holds(const char *dbpath, const char *key, const char *want, const char *scratch)
{
	struct audit_verdict v;
	db_stmt *st;
	char cmd[8192];
	registry *r = tu_registry_open(dbpath, key);
	assert_int_equal(db_prepare(registry_db(r), "PRAGMA integrity_check", &st), ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "ok");
	db_finalize(st);
	assert_int_equal(audit_verify(registry_db(r), &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	registry_close(r);
	if (!want)
		return;
	tu_rmtree(scratch);
	assert_int_equal(mkdir(scratch, 0700), 0);
	tu_export_into(dbpath, key, scratch);
	snprintf(cmd, sizeof cmd, "diff -r '%s' '%s'", want, scratch);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
}

registry *tu_registry_new(const char *dbpath, const char *key)
{
	struct registry_paths p = {dbpath, key};
	char errbuf[ERRBUF_MAX] = "";
	registry *r = NULL;
	if (registry_init(&p, "AZE", errbuf) != ERR_OK)
		fail_msg("cannot create %s: %s", dbpath, errbuf);
	if (registry_open(&p, &r, errbuf) != ERR_OK)
		fail_msg("cannot open %s: %s", dbpath, errbuf);
	return r;
}

void tu_store_open(struct tu_store *s)
{
	s->dir = tu_tempdir();
	s->db = tu_new_database(s->dir);
	s->key = tu_path(s->dir, "haven.key");
	s->r = tu_registry_new(s->db, s->key);
}

void tu_store_close(struct tu_store *s)
{
	registry_close(s->r);
	tu_rmtree(s->dir);
	free(s->dir);
	free(s->db);
	free(s->key);
	*s = (struct tu_store){0};
}

void tu_accept_terms(registry *r, const char *name)
{
	const struct audit_entry self = {.actor = name, .request_id = "test"};
	if (users_accept_terms(r, &self, terms_version(), clock_now()) != ERR_OK)
		fail_msg("cannot accept the terms for %s", name);
}

void tu_add_account(const char *dbpath, const char *key, const char *name, const char *agency,
		    const char *role, struct tu_account *out)
{
	const struct audit_entry by = {.actor = "cli:test", .agency = "", .role = "operator",
				       .request_id = "test"};
	struct registry_paths p = {dbpath, key};
	char uri[TOTP_URI_MAX], errbuf[ERRBUF_MAX] = "", keybuf[4096], *raw = NULL;
	const char *s;
	size_t n, rawlen = 0;
	registry *r = NULL;
	registry_resolve_paths(&p, keybuf, sizeof keybuf);
	if (registry_open(&p, &r, errbuf) != ERR_OK)
		fail_msg("cannot open %s: %s", dbpath, errbuf);
	if (users_add(r, &by, name, agency, role, TU_PASSWORD, uri, sizeof uri, errbuf) != ERR_OK)
		fail_msg("cannot add account %s: %s", name, errbuf);
	/* the user has read the data-protection terms (the console refuses
	 * anyone who has not: test_retention's test_binary) */
	tu_accept_terms(r, name);
	registry_close(r);
	snprintf(out->name, sizeof out->name, "%s", name);
	out->secret_len = 0;
	if (!(s = strstr(uri, "secret=")))
		return;
	s += strlen("secret=");
	n = strcspn(s, "&");
	assert_int_equal(oath_base32_decode(s, n, &raw, &rawlen), OATH_OK);
	assert_true(rawlen <= sizeof out->secret);
	memcpy(out->secret, raw, rawlen);
	out->secret_len = rawlen;
	free(raw);
}

void tu_console_answers(const struct tu_account *a, char *buf, size_t len)
{
	char code[TOTP_CODE_MAX] = "";
	size_t used = strlen(buf);
	if (a->secret_len)
		assert_int_equal(totp_code(a->secret, a->secret_len, clock_now(), code), ERR_OK);
	snprintf(buf + used, len - used, " '%s' '%s'", TU_PASSWORD, code);
}

void tu_four_eyes(const char *dbpath, const char *key, const char *dir, char *args, size_t len)
{
	static unsigned counter;
	struct tu_account a, b;
	char name_a[32], name_b[32], answers[512] = "", cmd[1024], *file;
	unsigned n = counter++;
	snprintf(name_a, sizeof name_a, "tu.officer.%ua", n);
	snprintf(name_b, sizeof name_b, "tu.officer.%ub", n);
	snprintf(cmd, sizeof cmd, "four-eyes-%u", n);
	file = tu_path(dir, cmd);
	tu_add_account(dbpath, key, name_a, "mia_ctd", "officer", &a);
	tu_add_account(dbpath, key, name_b, "mia_ctd", "officer", &b);
	tu_console_answers(&a, answers, sizeof answers);
	tu_console_answers(&b, answers, sizeof answers);
	snprintf(cmd, sizeof cmd, "printf '%%s\\n' %s > '%s'", answers, file);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(args, len, " --by %s --approver %s < '%s'", name_a, name_b, file);
	free(file);
}

void tu_sql(struct db *d, const char *text)
{
	if (db_exec_simple(d, text) != ERR_OK)
		fail_msg("%s: %s", text, db_errmsg(d));
}

void tu_drop_audit_triggers(struct db *d)
{
	if (db_dialect_of(d) == DB_POSTGRES) {
		tu_sql(d, "DROP TRIGGER audit_log_no_change ON audit_log");
	} else {
		tu_sql(d, "DROP TRIGGER audit_log_no_update");
		tu_sql(d, "DROP TRIGGER audit_log_no_delete");
	}
}

int tu_audit_read(struct db *d, int i)
{
	char ref[32];
	snprintf(ref, sizeof ref, "P-%d", i);
	struct audit_entry e = {.actor = "tester", .agency = "mia_ctd", .role = "officer",
				.action = "person.read", .object_type = "person", .object_ref = ref,
				.request_id = "req", .outcome = "ok"};
	return (int)audit_record(d, &e);
}

char *tu_export_sealed(const char *dbpath, const char *key, const char *dir, const char *name)
{
	char eyes[4400], cmd[16384], keyopt[4200] = "";
	char *out = tu_path(dir, name);
	tu_four_eyes(dbpath, key, dir, eyes, sizeof eyes);
	if (key)
		snprintf(keyopt, sizeof keyopt, "--key '%s'", key);
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && { [ -e recipient.key ] || '%s' export keygen --out recipient "
		 ">/dev/null; } && '%s' export --db '%s' %s --to recipient.pub --out '%s' %s",
		 dir, HAVEN_BIN, HAVEN_BIN, dbpath, keyopt, out, eyes);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	return out;
}

void tu_assert_same_export(const char *dir, const char *a, const char *b)
{
	struct sealed_member_data ma[SEALED_MEMBERS_MAX], mb[SEALED_MEMBERS_MAX];
	struct sealed_opener key;
	char errbuf[ERRBUF_MAX], *keyfile = tu_path(dir, "recipient.key");
	size_t na = 0, nb = 0;
	if (sealed_read_secret(keyfile, &key, errbuf) != ERR_OK ||
	    sealed_open_file(a, &key, ma, &na, errbuf) != ERR_OK ||
	    sealed_open_file(b, &key, mb, &nb, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	assert_int_equal(na, 3);
	assert_int_equal(nb, 3);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(ma[i].name, mb[i].name);
		if (ma[i].len != mb[i].len || memcmp(ma[i].data, mb[i].data, ma[i].len) != 0)
			fail_msg("the exports' %s differ", ma[i].name);
	}
	sealed_members_free(ma, na);
	sealed_members_free(mb, nb);
	sodium_memzero(&key, sizeof key);
	free(keyfile);
}

int64_t tu_day(const char *s)
{
	int64_t t;
	assert_int_equal(date_parse(s, &t), ERR_OK);
	return t;
}
