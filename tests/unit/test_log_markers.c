/*
 * test_log_markers.c - ASVS-31, ASVS-32, AUD-04: no personal value in any log,
 * error message, audit entry, sealed export or database file, and one
 * well-formed log line per request whatever a username holds.
 *
 * One session with the real binary (HAVEN_BIN): a unique marker
 * ZZCANARY-log-<random> is put into every personal field (names, document,
 * phone, address, a service note; the birth date is a date nobody else has)
 * through `haven import`, a failing import, `haven person show`, `haven
 * export`, `haven report`, and `haven serve` (its log captured: not --quiet)
 * with a sign-in whose username and password carry the marker, a real
 * sign-in, a read of the person, a name search, a registration through the
 * API and a refused one.  Then the marker must be absent from: the server's
 * log, the output of every command that prints no personal data, every
 * error message (CLI and API problem documents), every column of every
 * audit_log row, the sealed export's bytes, and the database files.  The
 * places that must show the values (person show, the API's read) are checked
 * to hold them, so the scans look at real data; test_export checks that the
 * sealed export opens to them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "http_client.h"
#include "serve_proc.h"

#define BIRTH "1913-07-19" /* the marker of the birth date */
#define LOG_LINE_RE                                                                                \
	"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z [0-9a-f]{16} [A-Z]+ "             \
	"(-|/[A-Za-z0-9/{}._-]*) [0-9]{3} [0-9]+\\.[0-9]ms$"

struct session {
	char marker[40];
	char url_token[40]; /* a record reference in a URL: audited, never logged */
	char *dir, *db, *log, *out;
	unsigned port;
	pid_t server;
	struct hc_account officer;
};

/* ---- helpers ---------------------------------------------------------------- */

static int holds(const char *text, const char *needle)
{
	return text && strstr(text, needle) != NULL;
}

/* Neither the marker nor the birth date in `text`, which `what` names. */
static void clean(const struct session *s, const char *what, const char *text)
{
	if (holds(text, s->marker))
		fail_msg("the marker is in %s:\n%s", what, text);
	if (holds(text, BIRTH))
		fail_msg("the birth date is in %s:\n%s", what, text);
}

/* Runs `haven ARGS` (a shell command line after the binary); returns its
 * status with stdout and stderr, each malloc'd. */
static int haven(const char *args, char **out, char **err)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' %s", HAVEN_BIN, args);
	return tu_run(cmd, out, err);
}

/* Runs a command whose output must hold no personal value at all. */
static int quiet_haven(const struct session *s, const char *args)
{
	char *out = NULL, *err = NULL, what[512];
	int rc = haven(args, &out, &err);
	snprintf(what, sizeof what, "the standard output of haven %.400s", args);
	clean(s, what, out);
	snprintf(what, sizeof what, "the standard error of haven %.400s", args);
	clean(s, what, err);
	free(out);
	free(err);
	return rc;
}

static void write_inputs(const struct session *s)
{
	char text[4096], *p;
	const char *m = s->marker;
	p = tu_path(s->dir, "persons.csv");
	snprintf(text, sizeof text,
		 "id,status,given_name,family_name,patronymic,sex,birth_date,citizenship,"
		 "document_number,phone,address,identified_on,identification_source,recognized_on\n"
		 "P-M1,victim,%s-given,%s-family,%s-patronymic,female," BIRTH ",AZE,%s-document,"
		 "%s-phone,%s-address,2024-03-01,police,2024-03-05\n"
		 "P-M2,potential_victim,%s-given2,Əliyeva,,female,,,,,,2024-03-02,hotline,\n",
		 m, m, m, m, m, m, m);
	tu_write_file(p, text);
	free(p);
	p = tu_path(s->dir, "services.csv");
	snprintf(text, sizeof text,
		 "id,person_id,service,provider,date,note\n"
		 "S-M1,P-M1,psychological_support,ssa_assistance_center,2024-03-10,%s-note\n", m);
	tu_write_file(p, text);
	free(p);
	p = tu_path(s->dir, "referrals.csv");
	tu_write_file(p, "id,person_id,from,to,purpose,date,status,closed_on\n"
			 "R-M1,P-M1,mia_ctd,mia_shelter,shelter,2024-03-11,sent,\n");
	free(p);
	/* a file the importer refuses: its messages must not quote the values */
	p = tu_path(s->dir, "bad.csv");
	snprintf(text, sizeof text,
		 "id,status,given_name,family_name,sex,birth_date,document_number,phone,"
		 "identified_on,identification_source\n"
		 "P-B1,victim,%s-given,%s-family,female,%s-birth,%s-doc\x01,%s-phone\x1b[2J,"
		 "2024-03-01,police\n",
		 m, m, m, m, m);
	tu_write_file(p, text);
	free(p);
}

/* ---- the CLI part ------------------------------------------------------------- */

static void cli_session(struct session *s)
{
	char args[4096], *out = NULL, *err = NULL;

	snprintf(args, sizeof args, "init --db '%s'", s->db);
	assert_int_equal(quiet_haven(s, args), 0);

	/* an account for the server part (the password from standard input) */
	snprintf(args, sizeof args,
		 "printf '%%s\\n' '" HC_PASSWORD "' | '%s' user add --db '%s' "
		 "--username officer1 --agency mia_ctd --role officer",
		 HAVEN_BIN, s->db);
	assert_int_equal(tu_run(args, &out, &err), 0);
	snprintf(s->officer.name, sizeof s->officer.name, "officer1");
	hf_secret_of(out ? out : "", &s->officer);
	if (!s->officer.secret_len)
		fail_msg("user add printed no secret: %s %s", out ? out : "", err ? err : "");
	clean(s, "the output of user add", out);
	clean(s, "the errors of user add", err);
	free(out);
	free(err);

	snprintf(args, sizeof args, "import --db '%s' '%s/persons.csv' '%s/services.csv' "
				    "'%s/referrals.csv'", s->db, s->dir, s->dir, s->dir);
	assert_int_equal(quiet_haven(s, args), 0);

	/* a refused import: errors name rows and fields, never values */
	snprintf(args, sizeof args, "import --db '%s' '%s/bad.csv'", s->db, s->dir);
	assert_int_not_equal(haven(args, &out, &err), 0);
	clean(s, "the output of a refused import", out);
	clean(s, "the errors of a refused import", err);
	assert_true(holds(err, "birth_date") || holds(out, "birth_date"));
	free(out);
	free(err);

	/* person show prints the values (the scans look at real data) */
	snprintf(args, sizeof args, "person show --db '%s' P-M1", s->db);
	assert_int_equal(haven(args, &out, &err), 0);
	assert_true(holds(out, s->marker));
	assert_true(holds(out, BIRTH));
	clean(s, "the errors of person show", err);
	free(out);
	free(err);
	snprintf(args, sizeof args, "person show --db '%s' P-NONE", s->db);
	assert_int_not_equal(quiet_haven(s, args), 0);

	/* two officers answer for an export (ASVS-11) */
	char answers[512] = "";
	struct tu_account one, two;
	tu_add_account(s->db, NULL, "export.one", "mia_ctd", "officer", &one);
	tu_add_account(s->db, NULL, "export.two", "mia_ctd", "officer", &two);
	tu_console_answers(&one, answers, sizeof answers);
	tu_console_answers(&two, answers, sizeof answers);
	snprintf(args, sizeof args, "printf '%%s\\n' %s > '%s/answers'", answers, s->dir);
	assert_int_equal(tu_run(args, NULL, NULL), 0);
	snprintf(args, sizeof args, "export keygen --out '%s/recipient'", s->dir);
	assert_int_equal(quiet_haven(s, args), 0);
	snprintf(args, sizeof args,
		 "export --db '%s' --by export.one --approver export.two --to '%s/recipient.pub' "
		 "--out '%s' < '%s/answers'",
		 s->db, s->dir, s->out, s->dir);
	assert_int_equal(quiet_haven(s, args), 0);

	snprintf(args, sizeof args, "report --db '%s' --year 2024 --format text", s->db);
	assert_int_equal(quiet_haven(s, args), 0);
	snprintf(args, sizeof args, "report --db '%s' --year 2024 --format json --lang en", s->db);
	assert_int_equal(quiet_haven(s, args), 0);
}

/* ---- the server part -------------------------------------------------------------- */

static void serve_start(struct session *s)
{
	char listen_at[32], cmd[256];
	s->port = sp_free_port();
	snprintf(listen_at, sizeof listen_at, "127.0.0.1:%u", s->port);
	s->server = fork();
	assert_true(s->server >= 0);
	if (s->server == 0) {
		int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		execl(HAVEN_BIN, "haven", "serve", "--db", s->db, "--listen", listen_at,
		      (char *)NULL);
		_exit(127);
	}
	snprintf(cmd, sizeof cmd, "curl -sf -o /dev/null http://%s/healthz", listen_at);
	for (int i = 0; i < 400; i++) {
		if (system(cmd) == 0)
			return;
		usleep(25000);
	}
	fail_msg("haven serve did not start");
}

static void serve_stop(struct session *s)
{
	int status = 0;
	kill(s->server, SIGTERM);
	assert_int_equal(waitpid(s->server, &status, 0), s->server);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A sign-in that must fail; the body is sent as given. */
static void failed_sign_in(const struct session *s, const char *body)
{
	struct hc c;
	struct hc_response r;
	memset(&c, 0, sizeof c);
	snprintf(c.base, sizeof c.base, "http://127.0.0.1:%u", s->port);
	hc_send(&c, "POST", "/api/v1/session", body, NULL, &r);
	if (r.status != 401)
		fail_msg("a failed sign-in answered %ld: %s", r.status, r.body ? r.body : "");
	clean(s, "the answer to a failed sign-in", r.body);
	hc_free(&r);
}

/* One request that must answer `want`. */
static void request(const struct hc *c, const char *method, const char *path, const char *body,
		    long want, struct hc_response *r)
{
	if (sp_request(c, method, path, body, r) != want)
		fail_msg("%s %s: %ld, not %ld: %s", method, path, r->status, want,
			 r->body ? r->body : "");
}

static void server_session(struct session *s)
{
	char body[2048], path[256];
	struct hc c;
	struct hc_response r;
	const char *m = s->marker;

	serve_start(s);
	sp_sign_in(&c, s->port, &s->officer);

	/* the person's read shows the values */
	request(&c, "GET", "/api/v1/persons/P-M1", NULL, 200, &r);
	assert_true(holds(r.body, m));
	hc_free(&r);

	/* a name search: the name travels in the body, and is answered */
	snprintf(body, sizeof body, "{\"name\":\"%s-given\"}", m);
	request(&c, "POST", "/api/v1/persons/search", body, 200, &r);
	hc_free(&r);

	/* a registration through the API, and one refused with the values in it */
	snprintf(body, sizeof body,
		 "{\"status\":\"potential_victim\",\"sex\":\"male\",\"given_name\":\"%s-api-given\","
		 "\"family_name\":\"%s-api-family\",\"phone\":\"%s-api-phone\","
		 "\"identified_on\":\"2024-05-01\",\"identification_source\":\"police\"}",
		 m, m, m);
	request(&c, "POST", "/api/v1/persons", body, 201, &r);
	hc_free(&r);
	snprintf(body, sizeof body,
		 "{\"status\":\"%s-status\",\"given_name\":\"%s-given\",\"birth_date\":\"%s-birth\","
		 "\"document_number\":\"%s-doc\\u0007\",\"%s-field\":1}",
		 m, m, m, m, "x");
	request(&c, "POST", "/api/v1/persons", body, 400, &r);
	clean(s, "a refused registration's problem document", r.body);
	hc_free(&r);
	snprintf(body, sizeof body, "{\"phone\":\"%s-%0990d\"}", m, 7); /* over-long */
	request(&c, "PATCH", "/api/v1/persons/P-M1", body, 400, &r);
	clean(s, "an over-long value's problem document", r.body);
	hc_free(&r);

	/* an id in a URL: the log shows the route's pattern only (the audit
	 * keeps the reference asked for: an id, not personal data) */
	snprintf(path, sizeof path, "/api/v1/persons/%s", s->url_token);
	request(&c, "GET", path, NULL, 404, &r);
	clean(s, "a 404's problem document", r.body);
	hc_free(&r);
	snprintf(path, sizeof path, "/api/v1/persons?name=%s-given", m);
	request(&c, "GET", path, NULL, 400, &r);
	clean(s, "an unknown parameter's problem document", r.body);
	hc_free(&r);

	/* sign-ins whose username and password carry the marker */
	snprintf(body, sizeof body,
		 "{\"username\":\"%s-user\",\"password\":\"%s-password\",\"otp\":\"123456\"}", m, m);
	failed_sign_in(s, body);
	snprintf(body, sizeof body,
		 "{\"username\":\"officer1\",\"password\":\"%s-password\",\"otp\":\"123456\"}", m);
	failed_sign_in(s, body);
	/* ASVS-32: CR, LF, an ANSI escape and quotes in the username */
	failed_sign_in(s, "{\"username\":\"evil\\r\\nGET /healthz 200 0.1ms\\r\\n"
			  "\\u001b[31mred\\u001b[0m\\\"'\",\"password\":\"x\\r\\ny\","
			  "\"otp\":\"\\n\"}");

	request(&c, "DELETE", "/api/v1/session", NULL, 204, &r);
	hc_free(&r);
	serve_stop(s);
}

/* ---- the scans ------------------------------------------------------------------ */

/* ASVS-31, ASVS-32: the log holds no marker, no CR and no escape, and every
 * line is a start/stop line or one request line. */
static void check_server_log(const struct session *s)
{
	size_t len = 0, sign_ins = 0, reads = 0;
	char *log = tu_read_file(s->log, &len);
	regex_t re;
	assert_non_null(log);
	assert_int_equal(strlen(log), len); /* no NUL */
	clean(s, "the server's log", log);
	assert_false(holds(log, s->url_token));
	assert_null(memchr(log, '\r', len));
	assert_null(memchr(log, 0x1b, len));
	assert_int_equal(regcomp(&re, LOG_LINE_RE, REG_EXTENDED | REG_NOSUB), 0);
	for (char *line = log, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		assert_non_null(nl); /* every line ends */
		*nl = '\0';
		if (strncmp(line, "haven serve: ", 13) == 0)
			continue;
		if (regexec(&re, line, 0, NULL, 0) != 0)
			fail_msg("not a well-formed log line: %s", line);
		sign_ins += strstr(line, " POST /api/v1/session ") != NULL;
		reads += strstr(line, " GET /api/v1/persons/{id} 200 ") != NULL;
	}
	regfree(&re);
	assert_int_equal(sign_ins, 4); /* one line each: the real one and three failures */
	assert_int_equal(reads, 1);
	free(log);
}

/* AUD-04: every column of every audit entry, as bytes. */
static void check_audit(const struct session *s)
{
	sqlite3 *conn;
	sqlite3_stmt *st;
	int rows = 0, reads = 0, signins = 0, imports = 0, exports = 0, reports = 0;
	assert_int_equal(sqlite3_open_v2(s->db, &conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(conn, "SELECT * FROM audit_log", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const void *v = sqlite3_column_blob(st, i);
			size_t n = (size_t)sqlite3_column_bytes(st, i);
			if (v && (memmem(v, n, s->marker, strlen(s->marker)) ||
				  memmem(v, n, BIRTH, strlen(BIRTH)) ||
				  memmem(v, n, "evil", 4)))
				fail_msg("audit entry %d, column %s holds a submitted value: %.*s",
					 rows, sqlite3_column_name(st, i), (int)n, (const char *)v);
		}
		const char *action = (const char *)sqlite3_column_text(st, 5);
		reads += action && strcmp(action, "person.read") == 0;
		signins += action && strcmp(action, "signin") == 0;
		imports += action && strcmp(action, "import") == 0;
		exports += action && strcmp(action, "export") == 0;
		reports += action && strcmp(action, "report") == 0;
	}
	sqlite3_finalize(st);
	sqlite3_close(conn);
	/* the scan covered the entries of everything the session did */
	assert_true(reads >= 2);
	assert_true(signins >= 3);
	assert_true(imports >= 1);
	assert_true(exports >= 1);
	assert_true(reports >= 2);
}

/* The export is sealed (HUM-04): its bytes hold no value in clear. */
static void check_export(const struct session *s)
{
	if (tu_file_contains(s->out, s->marker, strlen(s->marker)) ||
	    tu_file_contains(s->out, BIRTH, strlen(BIRTH)))
		fail_msg("the sealed export holds a personal value in clear");
}

static void check_database_files(const struct session *s)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", ".key"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s%s", s->db, suffixes[i]);
		if (tu_file_contains(path, s->marker, strlen(s->marker)) ||
		    tu_file_contains(path, BIRTH, strlen(BIRTH)))
			fail_msg("%s holds a personal value", path);
	}
}

static void test_no_marker_in_logs_audit_or_files(void **state)
{
	(void)state;
	struct session s;
	uint32_t rnd = randombytes_random();
	memset(&s, 0, sizeof s);
	snprintf(s.marker, sizeof s.marker, "ZZCANARY-log-%08x", rnd);
	snprintf(s.url_token, sizeof s.url_token, "P-URL-%08x", rnd);
	s.dir = tu_tempdir();
	s.db = tu_path(s.dir, "m.db");
	s.log = tu_path(s.dir, "serve.log");
	s.out = tu_path(s.dir, "export");
	write_inputs(&s);

	cli_session(&s);
	server_session(&s);

	check_server_log(&s);
	check_audit(&s);
	check_export(&s);
	check_database_files(&s);

	tu_rmtree(s.dir);
	free(s.dir);
	free(s.db);
	free(s.log);
	free(s.out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_marker_in_logs_audit_or_files),
	};
	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
