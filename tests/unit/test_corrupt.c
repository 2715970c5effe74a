/*
 * test_corrupt.c - REL-08, a malformed database: bytes flipped at random
 * (deterministic seeds) in a populated copy of a SQLite file.  `haven serve`
 * either refuses with a message that names the file and says to restore the
 * last backup (SQLITE_CORRUPT, SQLITE_NOTADB, or PRAGMA quick_check failing),
 * or, where the flips hit unused space or only values, serves and stops
 * cleanly.  The commands that read the whole registry exit 0 or 1 with a
 * message (audit verify's "BROKEN: entry N" when a flip changed an entry).  Never a crash, and under the sanitizer build of `make test`
 * never a memory error: a sanitizer's report fails the seed.
 *
 * SQLite only: a PostgreSQL server keeps its own files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/registry.h"
#include "core/users.h"
#include "testutil.h"
#include "util/date.h"

#define SEEDS 48 /* $HAVEN_CORRUPT_SEEDS runs more */
#define PERSONS 150
#define SERVE_WAIT_MS 20000 /* the sanitizer build starts slowly */

struct fx {
	char *dir, *db, *key;
};

static struct fx fx;

/* Persons, services, referrals, an account and its audit entries: every
 * kind of page (tables, indexes, overflow-free rows, the audit chain). */
static void populate(registry *r)
{
	static const char *const given[] = {"Gülşən", "Aysel", "Nərmin", "Leyla", "Səbinə"};
	static const char *const family[] = {"Məmmədova", "Quliyeva", "Həsənova", "Əliyeva"};
	const struct audit_entry by = {.actor = "cli:test", .role = "operator", .request_id = "t"};
	char ref[32], sref[32], fref[32], doc[32], uri[256], errbuf[ERRBUF_MAX];
	enum put_outcome o;
	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	for (int i = 0; i < PERSONS; i++) {
		snprintf(ref, sizeof ref, "P-%04d", i);
		snprintf(sref, sizeof sref, "S-%04d", i);
		snprintf(fref, sizeof fref, "R-%04d", i);
		snprintf(doc, sizeof doc, "AZE %07d", 1000000 + i * 7);
		struct person p = {.ref = ref, .status = i % 3 ? "victim" : "potential_victim",
				   .given_name = given[i % 5], .family_name = family[i % 4],
				   .sex = "female", .birth_date = "1990-04-02", .citizenship = "AZE",
				   .document_number = doc, .phone = "+994501234567",
				   .address = "Bakı, Nizami küçəsi", .identified_on = tu_day("2024-01-10"),
				   .identification_source = "police",
				   .recognized_on = i % 3 ? tu_day("2024-02-01") : DATE_NONE,
				   .decided_on = DATE_NONE, .exploitation = "sexual;labour",
				   .country_of_exploitation = "TUR"};
		struct service s = {.ref = sref, .person_ref = ref, .service = "shelter",
				    .provider = "mia_shelter", .date = tu_day("2024-02-02"),
				    .end_date = DATE_NONE, .note = "a note of the shelter"};
		struct referral f = {.ref = fref, .person_ref = ref, .from = "mia_ctd",
				     .to = "mia_shelter", .purpose = "shelter",
				     .date = tu_day("2024-02-02"), .closed_on = DATE_NONE};
		assert_int_equal(registry_put_person(r, &p, 0, &o), ERR_OK);
		assert_int_equal(registry_put_service(r, &s, 0, &o), ERR_OK);
		assert_int_equal(registry_put_referral(r, &f, 0, &o), ERR_OK);
	}
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
	if (users_add(r, &by, "officer1", "mia_ctd", "officer", "river copper lantern", uri,
		      sizeof uri, errbuf) != ERR_OK)
		fail_msg("users_add: %s", errbuf);
}

static int setup_all(void **state)
{
	(void)state;
	fx.dir = tu_tempdir();
	fx.db = tu_path(fx.dir, "good.db");
	fx.key = tu_path(fx.dir, "good.key");
	registry *r = tu_registry_new(fx.db, fx.key);
	populate(r);
	registry_close(r); /* the last connection: the WAL is checkpointed and removed */
	return 0;
}

static int teardown_all(void **state)
{
	(void)state;
	tu_rmtree(fx.dir);
	free(fx.dir);
	free(fx.db);
	free(fx.key);
	return 0;
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Writes a copy of the good database with 1 to 16 bytes flipped; one seed
 * in eight starts in the file header (the first 100 bytes). */
static void damaged_copy(unsigned seed, const char *to)
{
	size_t len;
	unsigned char *buf = (unsigned char *)tu_read_file(fx.db, &len);
	uint64_t s = 0x9E3779B97F4A7C15ull * (seed + 1);
	unsigned flips = 1 + seed % 16;
	assert_non_null(buf);
	for (unsigned i = 0; i < flips; i++) {
		size_t at = (i == 0 && seed % 8 == 0) ? next(&s) % 100 : next(&s) % len;
		buf[at] ^= (unsigned char)(1 + next(&s) % 255);
	}
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	free(buf);
}

static void no_sanitizer_report(const char *what, unsigned seed, const char *err)
{
	if (err && (strstr(err, "Sanitizer") || strstr(err, "runtime error")))
		fail_msg("seed %u, %s: %s", seed, what, err);
}

/* Starts `haven serve`; answers 1 when it refused (exit status 1), 0 when it
 * served (then it is stopped with SIGTERM and must exit 0).  *err gets its
 * standard error (malloc'd). */
static int serve(unsigned seed, const char *file, const char *key, char **err)
{
	char *log = tu_path(fx.dir, "serve.err");
	int status = 0, refused = -1;
	unlink(log); /* the last seed's words must not be read as this one's */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execl(HAVEN_BIN, "haven", "serve", "--db", file, "--key", key, "--listen",
		      "127.0.0.1:0", "--quiet", (char *)NULL);
		_exit(127);
	}
	for (int waited = 0; refused < 0 && waited < SERVE_WAIT_MS; waited += 20) {
		char *text = tu_read_file(log, NULL);
		if (waitpid(pid, &status, WNOHANG) == pid)
			refused = 1;
		else if (text && strstr(text, "listening on"))
			refused = 0;
		free(text);
		if (refused < 0)
			usleep(20000);
	}
	if (refused < 0)
		fail_msg("seed %u: haven serve neither served nor refused", seed);
	if (!refused) {
		kill(pid, SIGTERM);
		assert_int_equal(waitpid(pid, &status, 0), pid);
	}
	*err = tu_read_file(log, NULL);
	no_sanitizer_report("serve", seed, *err);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != (refused ? 1 : 0))
		fail_msg("seed %u: haven serve ended with status %#x (%s): %s", seed, status,
			 refused ? "refused" : "served", *err ? *err : "");
	free(log);
	return refused;
}

/* A command that reads every record: done (0) or failed with a message (1). */
static void command(unsigned seed, const char *args, const char *file, const char *key)
{
	char cmd[8192], *out = NULL, *err = NULL;
	snprintf(cmd, sizeof cmd, "'%s' %s --db '%s' --key '%s'", HAVEN_BIN, args, file, key);
	int rc = tu_run(cmd, &out, &err);
	no_sanitizer_report(args, seed, err);
	/* a failure says why: on standard error, or as audit verify's verdict */
	int said = (err && strstr(err, "haven ")) || (out && strstr(out, "BROKEN: "));
	if (rc != 0 && (rc != 1 || !said))
		fail_msg("seed %u: haven %s exited %d: %s%s", seed, args, rc, out ? out : "",
			 err ? err : "");
	free(out);
	free(err);
}

static void flipped_bytes(void **state)
{
	char *file = tu_path(fx.dir, "damaged.db"), *key = tu_path(fx.dir, "damaged.db.key");
	char *keytext = tu_read_file(fx.key, NULL);
	const char *more = getenv("HAVEN_CORRUPT_SEEDS");
	unsigned long asked = more ? strtoul(more, NULL, 10) : 0;
	unsigned refused = 0, seeds = asked > 0 && asked < 100000 ? (unsigned)asked : SEEDS;
	(void)state;
	for (unsigned seed = 0; seed < seeds; seed++) {
		char *err = NULL;
		damaged_copy(seed, file);
		tu_write_file(key, keytext);
		assert_int_equal(chmod(key, 0600), 0);
		if (serve(seed, file, key, &err)) {
			refused++;
			/* what an operator needs: which file, that it is damaged (or
			 * otherwise unusable), and what to do */
			if (!strstr(err, file) ||
			    (!strstr(err, "is damaged") && !strstr(err, "key file")))
				fail_msg("seed %u: unclear refusal: %s", seed, err);
			if (strstr(err, "is damaged") && !strstr(err, "haven restore"))
				fail_msg("seed %u: no advice: %s", seed, err);
		}
		free(err);
		command(seed, "report --year 2024", file, key);
		command(seed, "audit verify", file, key);
		command(seed, "duplicates", file, key);
		db_remove_files(file);
	}
	print_message("%u of %u damaged copies refused, %u served\n", refused, seeds,
		      seeds - refused);
	assert_true(refused > 0);
	free(keytext);
	free(file);
	free(key);
}

/* The file header itself: not a database at all. */
static void not_a_database(void **state)
{
	char *file = tu_path(fx.dir, "garbage.db"), *key = tu_path(fx.dir, "garbage.db.key");
	char *keytext = tu_read_file(fx.key, NULL), *err = NULL;
	(void)state;
	tu_write_file(file, "this is not a SQLite database, only a text file of some length\n");
	tu_write_file(key, keytext);
	assert_int_equal(chmod(key, 0600), 0);
	assert_int_equal(serve(1000, file, key, &err), 1);
	assert_non_null(strstr(err, "is damaged"));
	assert_non_null(strstr(err, "haven restore"));
	assert_non_null(strstr(err, file));
	free(err);
	command(1000, "report --year 2024", file, key);
	free(keytext);
	free(file);
	free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(not_a_database),
		cmocka_unit_test(flipped_bytes),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
