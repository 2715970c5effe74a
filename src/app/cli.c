/* cli.c - the options and start-up steps all commands share. */
#include <stdarg.h>

#include "app/cli.h"

int cli_common_option(struct cli_paths *c, int opt, const char *arg)
{
	if (opt == CLI_OPT_DB)
		c->paths.db = arg;
	else if (opt == CLI_OPT_KEY)
		c->paths.key = arg;
	else
		return 0;
	return 1;
}

registry *cli_open(struct cli_paths *c, const char *command)
{
	char errbuf[ERRBUF_MAX];
	registry *r = NULL;
	registry_resolve_paths(&c->paths, c->keybuf, sizeof c->keybuf);
	if (registry_open(&c->paths, &r, errbuf) != ERR_OK) {
		cli_error(command, "%s", errbuf);
		return NULL;
	}
	return r;
}

void cli_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "haven %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
