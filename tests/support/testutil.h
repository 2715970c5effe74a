/*
 * testutil.h - small helpers shared by the cmocka tests: temporary
 * directories, files, and running the real haven binary.
 */
#ifndef HAVEN_TESTUTIL_H
#define HAVEN_TESTUTIL_H

#include <stddef.h>

/* Makes a fresh directory under $TMPDIR (or /tmp); returns a malloc'd path. */
char *tu_tempdir(void);

/* Removes a directory tree (rm -rf).  Accepts NULL. */
void tu_rmtree(const char *dir);

/* malloc'd "dir/name". */
char *tu_path(const char *dir, const char *name);

/* Writes `text` to `path`; aborts the test on failure. */
void tu_write_file(const char *path, const char *text);

/* Reads a whole file into a malloc'd, NUL-terminated buffer (NULL if absent). */
char *tu_read_file(const char *path, size_t *len);

/* 1 when `needle` occurs anywhere in the file's bytes. */
int tu_file_contains(const char *path, const void *needle, size_t len);

/* Runs a shell command line; returns its exit status, with stdout and stderr
 * (each malloc'd, may be NULL when not wanted) captured. */
int tu_run(const char *cmdline, char **out, char **err);

/*
 * The storage engine a test runs on: $HAVEN_TEST_ENGINE, "sqlite" (default)
 * or "postgres".  A test file that contains the word TU_BOTH_ENGINES is run
 * by ctest once per engine; for postgres, $HAVEN_TEST_PG names the directory
 * of the throwaway cluster's socket (scripts/pg-cluster.sh).
 */
int tu_engine_is_postgres(void);

/* A fresh, empty database target for the test's engine: a file path in `dir`
 * for SQLite, or a new PostgreSQL database's URL.  malloc'd. */
char *tu_new_database(const char *dir);

/* The date.h value of "YYYY-MM-DD"; fails the test on anything else. */
int64_t tu_day(const char *s);

/* 1 when `needle` occurs in any regular file below `dir` (recursively). */
int tu_tree_contains(const char *dir, const void *needle, size_t len);

/* Creates a database and key file at `dbpath` and `key` (registry_init,
 * country "AZE") and opens it; fails the test on any error.  The caller
 * closes the registry (registry_close).  Declared with the struct tag so that
 * this header does not bring core's type names into every test. */
struct registry;
struct registry *tu_registry_new(const char *dbpath, const char *key);

/* Opens the database at `dbpath` with its `key` file; fails the test on
 * any error.  The caller closes the registry. */
struct registry *tu_registry_open(const char *dbpath, const char *key);

/* Opens the database, imports the one CSV file (its problems to /dev/null)
 * and closes it; the open's or the import's result. */
int tu_import(const char *dbpath, const char *key, const char *csv);

/* Exports every record of the database into the directory `dir` (which
 * exists), as `haven export` would; fails the test on any error. */
void tu_export_into(const char *dbpath, const char *key, const char *dir);

/* The database passes SQLite's integrity check, its audit chain holds, and
 * (unless `want` is NULL) its export, made in `scratch` (emptied first), is
 * the one in `want`: what a fault test asks of a database after each fault. */
void tu_assert_holds(const char *dbpath, const char *key, const char *want, const char *scratch);

/* A test's own store: a temporary directory, a fresh database for the
 * test's engine in it (tu_new_database), its key file, and the registry
 * open on them.  The many storage tests' fixture, written once. */
struct tu_store {
	char *dir, *db, *key; /* malloc'd */
	struct registry *r;
};

/* Makes and opens a store; fails the test on any error. */
void tu_store_open(struct tu_store *s);

/* Runs one SQL text on the store's database as an attacker's client would;
 * fails the test on error. */
struct db;
void tu_sql(struct db *d, const char *text);
/* Appends the audit entry "tester (mia_ctd, officer) read person P-<i>" in a
 * transaction of its own; audit_record's result (an err_t). */
int tu_audit_read(struct db *d, int i);
/* Drops the audit log's append-only triggers (engine by engine), as an
 * attacker with write access to the database would before editing it. */
void tu_drop_audit_triggers(struct db *d);
/* Closes the registry, removes the directory, frees the paths. */
void tu_store_close(struct tu_store *s);

/* The user `name` accepts the current data-protection terms (terms.h), as
 * at a first sign-in; fails the test on any error. */
void tu_accept_terms(struct registry *r, const char *name);

/* An account made by tu_add_account, with what its owner knows. */
#define TU_PASSWORD "river copper lantern"
struct tu_account {
	char name[65];
	unsigned char secret[64]; /* TOTP secret, raw */
	size_t secret_len;
};

/* Adds account `name` (password TU_PASSWORD) to the database at `dbpath`
 * (key file `key`, NULL: the default beside it); fails the test on any
 * error. */
void tu_add_account(const char *dbpath, const char *key, const char *name, const char *agency,
		    const char *role, struct tu_account *out);

/* What the console asks of `a` (console.h), answered now: its password and
 * its current one-time code, appended to buf as two single-quoted shell
 * words, for `printf '%s\n' WORDS | haven ...`. */
void tu_console_answers(const struct tu_account *a, char *buf, size_t len);

/* For a command that takes four eyes (`haven export`, `haven person
 * erase`): adds two new officer accounts to the database and writes into
 * `args` the options that make the command run as them, " --by A --approver
 * B < FILE", FILE (in `dir`) holding their answers for the next minute. */
void tu_four_eyes(const char *dbpath, const char *key, const char *dir, char *args, size_t len);

/* `haven export` of the database (key NULL: its default) by two new officers,
 * sealed to the key pair DIR/recipient.pub and .key (made at first need),
 * into DIR/NAME; returns that path (malloc'd).  Fails the test on error. */
char *tu_export_sealed(const char *dbpath, const char *key, const char *dir, const char *name);

/* The sealed exports `a` and `b` of tu_export_sealed (in `dir`) open to the
 * same three files, byte for byte. */
void tu_assert_same_export(const char *dir, const char *a, const char *b);

#endif
