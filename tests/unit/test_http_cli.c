/*
 * test_http_cli.c - the real binary: `haven user add|list|disable|enable|
 * reset|change` (password from standard input, the otpauth URI for roles that
 * see personal data, weak passwords refused, each mistake of an administrator
 * refused with its message and exit status) and `haven serve` stopped with
 * SIGTERM while a request is in flight: the request is answered, a new one
 * is answered 503 (try again), the process exits 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define PW "river copper lantern"

/* Runs a formatted shell command line, capturing its output. */
static int run(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int run(char **out, char **err, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return tu_run(cmd, out, err);
}

static void user_commands(void **state)
{
	char *dir = tu_tempdir(), *db = tu_path(dir, "h.db"), *out = NULL, *err = NULL;
	(void)state;
	assert_int_equal(run(&out, &err, "%s init --db %s", HAVEN_BIN, db), 0);
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "printf '" PW "\\n' | %s user add --db %s --username rashad "
			     "--agency mia_ctd --role officer", HAVEN_BIN, db), 0);
	assert_non_null(strstr(out, "otpauth://totp/Haven:rashad?secret="));
	assert_null(strstr(out, PW));
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "printf '" PW "\\n' | %s user add --db %s --username ana "
			     "--agency ngo --role analyst", HAVEN_BIN, db), 0);
	assert_null(strstr(out, "otpauth://"));
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "printf 'password1234\\n' | %s user add --db %s --username weak "
			     "--agency ngo --role analyst", HAVEN_BIN, db), 1);
	assert_non_null(strstr(err, "common passwords"));
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "%s user disable --db %s rashad", HAVEN_BIN, db), 0);
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "%s user list --db %s", HAVEN_BIN, db), 0);
	assert_non_null(strstr(out, "rashad"));
	assert_non_null(strstr(out, "disabled"));
	assert_non_null(strstr(out, "not yet")); /* the terms: never signed in */
	assert_null(strstr(out, "weak"));
	assert_null(strstr(out, "argon2"));
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "%s user reset --db %s --totp rashad </dev/null", HAVEN_BIN,
			     db), 0);
	assert_non_null(strstr(out, "otpauth://totp/Haven:rashad?"));
	assert_non_null(strstr(out, "Reset code"));
	assert_null(strstr(out, "password:")); /* nothing asked: the admin never sets it */
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "%s user disable --db %s nobody", HAVEN_BIN, db), 1);
	free(out);
	free(err);
	tu_rmtree(dir);
	free(db);
	free(dir);
}

/* Runs `[printf PASSWORD |] haven user ARGS --db DB` (input NULL: stdin
 * empty); fails unless it exits with `status` and `want` (unless NULL) is
 * in what it printed, on standard output or error. */
static void user_cmd(const char *db, const char *input, const char *args, int status,
		     const char *want)
{
	char *out = NULL, *err = NULL;
	int rc = input ? run(&out, &err, "printf '%s\\n' | %s user %s --db %s", input, HAVEN_BIN,
			     args, db)
		       : run(&out, &err, "%s user %s --db %s </dev/null", HAVEN_BIN, args, db);
	if (rc != status || (want && !(out && strstr(out, want)) && !(err && strstr(err, want))))
		fail_msg("haven user %s: exit %d (wanted %d, with \"%s\"):\n%s%s", args, rc, status,
			 want ? want : "", out ? out : "", err ? err : "");
	free(out);
	free(err);
}

/* `haven user list`'s line of an account, as the administrator reads it. */
static void listed(const char *db, const char *name, const char *role, const char *agency,
		   const char *state, const char *otp)
{
	char line[256];
	snprintf(line, sizeof line, "%-24s %-12s %-24s %-9s %-4s", name, role, agency, state, otp);
	user_cmd(db, NULL, "list", 0, line);
}

/* The mistakes an administrator makes with `haven user`: each is refused with
 * a message that says what is wrong, exit status 2 for a wrong command line
 * and 1 for a refusal, and no account is made or changed. */
static void user_mistakes(void **state)
{
	char *dir = tu_tempdir(), *db = tu_path(dir, "h.db"), *out = NULL, *err = NULL;
	(void)state;
	assert_int_equal(run(&out, &err, "%s init --db %s", HAVEN_BIN, db), 0);
	free(out);
	free(err);
	user_cmd(db, PW, "add --username ana --agency ngo --role analyst", 0, "Account ana added");

	/* the command line */
	assert_int_equal(run(&out, &err, "%s user", HAVEN_BIN), 2);
	assert_non_null(strstr(err, "Usage: haven user add"));
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "%s user remove --db %s ana", HAVEN_BIN, db), 2);
	assert_non_null(strstr(err, "Usage: haven user"));
	free(out);
	free(err);
	assert_int_equal(run(&out, &err, "%s user --help", HAVEN_BIN), 0);
	assert_non_null(strstr(out, "Roles: officer (agency of kind police)"));
	free(out);
	free(err);
	user_cmd(db, PW, "add --username bob --agency ngo", 2,
		 "add needs --username, --agency and --role");
	user_cmd(db, NULL, "disable", 2, "disable needs a username");
	user_cmd(db, NULL, "disable ana bob", 2, "unexpected argument 'bob'");
	user_cmd(db, NULL, "change ana", 2, "change needs --role or --agency");

	/* refusals */
	user_cmd(db, PW, "add --username ana --agency ngo --role analyst", 1,
		 "the username ana is taken");
	user_cmd(db, PW, "add --username bob --agency ngo --role officer", 1,
		 "the role officer cannot belong to an agency of kind ngo");
	user_cmd(db, PW, "add --username bob --agency nowhere --role analyst", 1, "unknown agency");
	user_cmd(db, PW, "add --username bob --agency ngo --role wizard", 1, "unknown role");
	user_cmd(db, PW, "add --username Bob --agency ngo --role analyst", 1,
		 "a username is 3 to 64 characters");
	user_cmd(db, NULL, "add --username bob --agency ngo --role analyst", 1,
		 "cannot read the password from standard input");
	user_cmd(db, NULL, "enable nobody", 1, "no account nobody");
	user_cmd(db, NULL, "disable nobody", 1, "no account nobody");
	user_cmd(db, NULL, "reset nobody", 1, "no account nobody");
	user_cmd(db, NULL, "change nobody --role analyst", 1, "no account nobody");
	user_cmd(db, NULL, "change ana --role officer", 1,
		 "the role officer cannot belong to an agency of kind ngo");
	user_cmd(db, NULL, "change ana --agency nowhere", 1, "unknown agency");
	/* an analyst has no one-time codes to replace: refused before the reset */
	user_cmd(db, NULL, "reset ana --totp", 1,
		 "the role analyst signs in without one-time codes: nothing was changed");

	/* nothing of it was stored */
	assert_int_equal(run(&out, &err, "%s user list --db %s", HAVEN_BIN, db), 0);
	assert_null(strstr(out, "bob"));
	assert_null(strstr(out, "Bob"));
	free(out);
	free(err);
	listed(db, "ana", "analyst", "ngo", "active", "no");
	/* not even the refused reset: her password was never replaced */
	assert_int_equal(run(&out, &err, "%s audit list --db %s --record ana", HAVEN_BIN, db), 0);
	assert_non_null(strstr(out, "user.add"));
	assert_null(strstr(out, "user.reset"));
	free(out);
	free(err);
	tu_rmtree(dir);
	free(db);
	free(dir);
}

/* `haven user change` moves an account to another role or agency; a role
 * that sees personal data gets its one-time-code secret then, once.  And
 * `enable` undoes `disable`. */
static void user_change_and_enable(void **state)
{
	char *dir = tu_tempdir(), *db = tu_path(dir, "h.db"), *out = NULL, *err = NULL;
	(void)state;
	assert_int_equal(run(&out, &err, "%s init --db %s", HAVEN_BIN, db), 0);
	free(out);
	free(err);
	user_cmd(db, PW, "add --username ana --agency ngo --role analyst", 0, "Account ana added");

	/* an analyst becomes a caseworker: she sees personal data from now on,
	 * so she needs one-time codes, and the secret is printed */
	user_cmd(db, NULL, "change ana --role caseworker", 0, "otpauth://totp/Haven:ana?secret=");
	listed(db, "ana", "caseworker", "ngo", "active", "yes");
	user_cmd(db, NULL, "change ana --role coordinator --agency national_coordinator", 0,
		 "Account ana changed; its sessions have ended.");
	listed(db, "ana", "coordinator", "national_coordinator", "active", "yes");
	/* an agency of its own kind alone, the role kept; the secret she has stays:
	 * nothing new to scan */
	user_cmd(db, PW, "add --username rashad --agency ngo --role caseworker", 0,
		 "otpauth://totp/Haven:rashad?");
	assert_int_equal(run(&out, &err, "%s user change --db %s rashad --agency bar_association",
			     HAVEN_BIN,
			     db), 0);
	assert_null(strstr(out, "otpauth://"));
	free(out);
	free(err);
	listed(db, "rashad", "caseworker", "bar_association", "active", "yes");

	user_cmd(db, NULL, "disable rashad", 0, "Account rashad disabled; its sessions have ended.");
	listed(db, "rashad", "caseworker", "bar_association", "disabled", "yes");
	user_cmd(db, NULL, "enable rashad", 0, "Account rashad enabled.");
	listed(db, "rashad", "caseworker", "bar_association", "active", "yes");
	tu_rmtree(dir);
	free(db);
	free(dir);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The port `haven serve` reports on its standard error (a file). */
static unsigned wait_port(const char *errpath)
{
	for (int i = 0; i < 500; i++) {
		char *text = tu_read_file(errpath, NULL);
		const char *p = text ? strstr(text, "(port ") : NULL;
		unsigned port = p ? (unsigned)strtoul(p + 6, NULL, 10) : 0;
		free(text);
		if (port)
			return port;
		sleep_ms(20);
	}
	fail_msg("haven serve did not start");
	return 0;
}

static int connect_to(unsigned port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static pid_t start_server(const char *db, const char *errpath)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execl(HAVEN_BIN, HAVEN_BIN, "serve", "--db", db, "--listen", "127.0.0.1:0", "--quiet",
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void serve_stops_gracefully(void **state)
{
	char *dir = tu_tempdir(), *db = tu_path(dir, "h.db"), *errpath = tu_path(dir, "err");
	char buf[1024];
	int status;
	(void)state;
	assert_int_equal(run(NULL, NULL, "%s init --db %s >/dev/null 2>&1", HAVEN_BIN, db), 0);
	pid_t pid = start_server(db, errpath);
	unsigned port = wait_port(errpath);

	/* a request in flight: headers and half its body */
	const char *body = "{\"username\":\"nobody\",\"password\":\"not a password\"}";
	char head[256];
	int fd = connect_to(port);
	assert_true(fd >= 0);
	snprintf(head, sizeof head,
		 "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
		 "application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		 strlen(body));
	assert_true(send(fd, head, strlen(head), MSG_NOSIGNAL) > 0);
	assert_true(send(fd, body, 10, MSG_NOSIGNAL) == 10);
	sleep_ms(200);

	assert_int_equal(kill(pid, SIGTERM), 0);
	sleep_ms(300);
	/* a request that comes now is told to try again, and serves nothing */
	int late = connect_to(port);
	assert_true(late >= 0);
	const char *health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	assert_true(send(late, health, strlen(health), MSG_NOSIGNAL) > 0);
	ssize_t m = recv(late, buf, sizeof buf - 1, 0);
	assert_true(m > 12);
	assert_memory_equal(buf, "HTTP/1.1 503", 12);
	close(late);

	assert_true(send(fd, body + 10, strlen(body) - 10, MSG_NOSIGNAL) > 0);
	ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
	assert_true(n > 12);
	buf[n] = '\0';
	assert_memory_equal(buf, "HTTP/1.1 401", 12); /* answered, not dropped */
	close(fd);

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char *log = tu_read_file(errpath, NULL);
	assert_non_null(strstr(log, "stopped"));
	free(log);
	tu_rmtree(dir);
	free(errpath);
	free(db);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(user_commands),
		cmocka_unit_test(user_mistakes),
		cmocka_unit_test(user_change_and_enable),
		cmocka_unit_test(serve_stops_gracefully),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
