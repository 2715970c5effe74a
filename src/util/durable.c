/*
 * durable.c - temp, sync, rename, sync the directory (durable.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/durable.h"

err_t durable_sync(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ERR_IO;
	int rc = fsync(fd), saved = errno;
	close(fd);
	errno = saved;
	return rc == 0 ? ERR_OK : ERR_IO;
}

err_t durable_sync_parent(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return ERR_NOMEM;
	err_t e = durable_sync(dirname(copy)); /* "." for a bare name */
	int saved = errno;
	free(copy);
	errno = saved;
	return e;
}

err_t durable_replace(const char *tmp, const char *path)
{
	err_t e = durable_sync(tmp);
	if (e == ERR_OK && rename(tmp, path) != 0)
		e = ERR_IO;
	return e == ERR_OK ? durable_sync_parent(path) : e;
}
