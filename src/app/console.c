/* console.c - the person at the console (console.h). */
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "app/cli.h"
#include "app/console.h"
#include "core/clock.h"
#include "core/password.h"
#include "core/totp.h"
#include "core/users.h"

#define SECRET_BUF (PASSWORD_MAX_BYTES + 2) /* the line, its newline, the NUL */

int console_read_line(FILE *in, char *buf, size_t len)
{
	size_t n;
	if (!fgets(buf, (int)len, in))
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] != '\n' && !feof(in))
		return -1; /* longer than any password may be */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

int console_secret(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	int rc;
	if (!isatty(STDIN_FILENO))
		return console_read_line(stdin, buf, len);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	fputs(prompt, stderr);
	fflush(stderr);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
		return -1;
	rc = console_read_line(stdin, buf, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

/* Password and one-time code of `username`; 0 when both were read. */
static int read_credentials(const char *username, char password[SECRET_BUF],
			    char otp[SECRET_BUF])
{
	char prompt[128];
	snprintf(prompt, sizeof prompt, "Password of %s: ", username);
	if (console_secret(prompt, password, SECRET_BUF) != 0)
		return -1;
	snprintf(prompt, sizeof prompt, "One-time code of %s: ", username);
	return console_secret(prompt, otp, SECRET_BUF);
}

/* Whether the account accepted the current data-protection terms (terms.h):
 * no record is reached before, here as over the API. */
static int terms_accepted(registry *r, const char *username)
{
	struct user_info u = {0};
	return users_find(r, username, &u) == ERR_OK &&
	       strcmp(u.terms_version, terms_version()) == 0;
}

int console_authenticate(registry *r, const char *command, const char *username, enum action act,
			 const char *request_id, struct principal *who)
{
	char password[SECRET_BUF], otp[SECRET_BUF];
	err_t e = ERR_INVALID;
	if (read_credentials(username, password, otp) == 0) {
		struct users_signin s = {.username = username, .password = password, .otp = otp,
					 .address = "console", .request_id = request_id,
					 .action = "console.signin"};
		e = users_signin(r, &s, clock_now(), who);
	}
	sodium_memzero(password, sizeof password);
	sodium_memzero(otp, sizeof otp);
	if (e == ERR_INVALID)
		cli_error(command, "cannot read the password and one-time code of %s "
				   "(asked on the terminal, else one line each on standard input)",
			  username);
	else if (e == ERR_FORBIDDEN)
		cli_error(command, "%s: wrong account, password or one-time code "
				   "(a code is accepted once; wait for the next one)",
			  username);
	else if (e == ERR_LIMIT)
		cli_error(command, "%s: too many failed attempts; try again in a few minutes",
			  username);
	else if (e != ERR_OK)
		cli_error(command, "cannot check the account %s: %s", username, err_str(e));
	else if (!policy_allows(who, act))
		cli_error(command, "%s is a %s, and a %s may not do this (policy action %s)",
			  username, policy_role_name(who->role), policy_role_name(who->role),
			  policy_action_name(act));
	else if (!terms_accepted(r, username))
		cli_error(command, "%s has not accepted the current data-protection terms: sign in "
				   "to the web interface once and accept them first",
			  username);
	else
		return 0;
	return -1;
}

void console_request_id(char request_id[CONSOLE_REQUEST_ID_MAX])
{
	unsigned char id[8];
	randombytes_buf(id, sizeof id);
	memcpy(request_id, "console-", 9);
	sodium_bin2hex(request_id + 8, CONSOLE_REQUEST_ID_MAX - 8, id, sizeof id);
}

int console_four_eyes(registry *r, const char *command, const char *by, const char *approver,
		      enum action act, struct principal *who, struct principal *second,
		      char request_id[CONSOLE_REQUEST_ID_MAX])
{
	if (!by || !approver) {
		cli_error(command, "name yourself with --by USER and a second person who "
				   "approves with --approver USER (two accounts; both authenticate)");
		return -1;
	}
	if (strcmp(by, approver) == 0) {
		cli_error(command, "the approver must be another person than %s", by);
		return -1;
	}
	console_request_id(request_id);
	if (console_authenticate(r, command, by, act, request_id, who) != 0 ||
	    console_authenticate(r, command, approver, act, request_id, second) != 0)
		return -1;
	return 0;
}
