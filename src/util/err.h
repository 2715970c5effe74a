/*
 * err.h - the one error code every fallible Haven function returns.
 *
 * A function returns ERR_OK or one of these codes; its outputs go through
 * out-parameters that stay untouched on error.  Where the caller must tell a
 * person what went wrong, the function also takes an `errbuf` of ERRBUF_MAX
 * bytes and writes one line into it (never personal data).
 */
#ifndef HAVEN_ERR_H
#define HAVEN_ERR_H

#include <stddef.h>

typedef enum {
	ERR_OK = 0,
	ERR_INVALID,   /* input breaks a rule: the message says which and where */
	ERR_NOT_FOUND, /* no such record (or one the caller may not see) */
	ERR_CONFLICT,  /* the record exists already, or changed under us */
	ERR_FORBIDDEN, /* the caller may not do this */
	ERR_LIMIT,     /* a named size or count limit was reached */
	ERR_DB,        /* the storage engine failed */
	ERR_NOMEM,     /* an allocation failed */
	ERR_IO,        /* a file could not be read or written */
	ERR_CRYPTO,    /* a value failed to decrypt or a key is unusable */
	ERR_VERSION    /* the database is newer than this binary */
} err_t;

#define ERRBUF_MAX 512

/* A short English name for the code ("invalid input", ...); static storage. */
const char *err_str(err_t e);

#endif
