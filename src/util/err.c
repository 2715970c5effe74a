/* err.c - names of the error codes, for messages and logs. */
#include "util/err.h"

const char *err_str(err_t e)
{
	switch (e) {
	case ERR_OK: return "ok";
	case ERR_INVALID: return "invalid input";
	case ERR_NOT_FOUND: return "not found";
	case ERR_CONFLICT: return "conflict";
	case ERR_FORBIDDEN: return "forbidden";
	case ERR_LIMIT: return "limit reached";
	case ERR_DB: return "database error";
	case ERR_NOMEM: return "out of memory";
	case ERR_IO: return "input/output error";
	case ERR_CRYPTO: return "cryptographic failure";
	case ERR_VERSION: return "version mismatch";
	}
	return "unknown error";
}
