/*
 * keyring.c - loading, creating and holding the data keys.
 *
 * Secrets only ever sit in sodium_malloc'd pages (guarded, locked, wiped on
 * free); the text of the key file is wiped as soon as it is parsed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "util/durable.h"
#include "util/keyring.h"

#define KEYFILE_HEADER "haven-keyring 1"
#define KEYFILE_MAX 16384
#define KDF_CONTEXT_ENC "HAVENenc"
#define KDF_CONTEXT_DIG "HAVENdig"
#define KDF_CONTEXT_SIG "HAVENsig"
#define KDF_CONTEXT_IDX "HAVENidx"

struct key_entry {
	uint32_t id;
	unsigned char enc[KEYRING_KEY_BYTES];
	unsigned char dig[KEYRING_KEY_BYTES];
	unsigned char sig[KEYRING_KEY_BYTES]; /* Ed25519 seed of audit checkpoints */
	unsigned char idx[KEYRING_KEY_BYTES]; /* root of the per-field blind index keys */
};

struct keyring {
	size_t n;
	struct key_entry *keys; /* sodium_malloc'd, read-only after load */
};

static keyring *keyring_alloc(void)
{
	keyring *kr;
	if (sodium_init() < 0)
		return NULL;
	kr = calloc(1, sizeof *kr);
	if (!kr)
		return NULL;
	kr->keys = sodium_malloc(KEYRING_MAX_KEYS * sizeof *kr->keys);
	if (!kr->keys) {
		free(kr);
		return NULL;
	}
	return kr;
}

void keyring_free(keyring *kr)
{
	if (!kr)
		return;
	sodium_free(kr->keys); /* wipes before freeing */
	free(kr);
}

/* Adds root key `root` as `id`, keeping only its derived subkeys. */
static err_t add_key(keyring *kr, uint32_t id, const unsigned char *root)
{
	struct key_entry *k;
	if (kr->n == KEYRING_MAX_KEYS)
		return ERR_LIMIT;
	k = &kr->keys[kr->n];
	k->id = id;
	if (crypto_kdf_derive_from_key(k->enc, sizeof k->enc, id, KDF_CONTEXT_ENC, root) != 0 ||
	    crypto_kdf_derive_from_key(k->dig, sizeof k->dig, id, KDF_CONTEXT_DIG, root) != 0 ||
	    crypto_kdf_derive_from_key(k->sig, sizeof k->sig, id, KDF_CONTEXT_SIG, root) != 0 ||
	    crypto_kdf_derive_from_key(k->idx, sizeof k->idx, id, KDF_CONTEXT_IDX, root) != 0)
		return ERR_CRYPTO;
	kr->n++;
	return ERR_OK;
}

uint32_t keyring_current_id(const keyring *kr)
{
	uint32_t best = 0;
	for (size_t i = 0; i < kr->n; i++)
		if (kr->keys[i].id > best)
			best = kr->keys[i].id;
	return best;
}

const unsigned char *keyring_subkey(const keyring *kr, uint32_t id, enum keyring_purpose purpose)
{
	for (size_t i = 0; i < kr->n; i++)
		if (kr->keys[i].id == id)
			switch (purpose) {
			case KEY_ENCRYPT: return kr->keys[i].enc;
			case KEY_DIGEST: return kr->keys[i].dig;
			case KEY_SIGN: return kr->keys[i].sig;
			case KEY_INDEX: return kr->keys[i].idx;
			}
	return NULL;
}

/* Parses one `key ID HEX` line into the keyring. */
static err_t parse_key_line(keyring *kr, const char *line, const char *path, int lineno, char *errbuf)
{
	unsigned char *root = sodium_malloc(KEYRING_KEY_BYTES);
	char hex[2 * KEYRING_KEY_BYTES + 1];
	unsigned long id;
	size_t bin_len = 0;
	err_t e = ERR_INVALID;

	if (!root)
		return ERR_NOMEM;
	if (sscanf(line, "key %lu %64s", &id, hex) != 2 || id == 0 || id > UINT32_MAX ||
	    sodium_hex2bin(root, KEYRING_KEY_BYTES, hex, strlen(hex), NULL, &bin_len, NULL) != 0 ||
	    bin_len != KEYRING_KEY_BYTES) {
		snprintf(errbuf, ERRBUF_MAX, "%s:%d: not a key line (expected 'key ID <64 hex digits>')",
			 path, lineno);
		goto out;
	}
	if (keyring_subkey(kr, (uint32_t)id, KEY_ENCRYPT)) {
		snprintf(errbuf, ERRBUF_MAX, "%s:%d: key id %lu appears twice", path, lineno, id);
		goto out;
	}
	e = add_key(kr, (uint32_t)id, root);
	if (e != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "%s:%d: cannot use this key (%s)", path, lineno, err_str(e));
out:
	sodium_memzero(hex, sizeof hex);
	sodium_free(root);
	return e;
}

static err_t parse_keyfile(keyring *kr, char *text, const char *path, char *errbuf)
{
	int lineno = 0, header = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!header) {
			if (strcmp(line, KEYFILE_HEADER) != 0) {
				snprintf(errbuf, ERRBUF_MAX, "%s:%d: not a Haven key file (expected '%s')",
					 path, lineno, KEYFILE_HEADER);
				return ERR_INVALID;
			}
			header = 1;
			continue;
		}
		err_t e = parse_key_line(kr, line, path, lineno, errbuf);
		if (e != ERR_OK)
			return e;
	}
	if (kr->n == 0) {
		snprintf(errbuf, ERRBUF_MAX, "%s: the key file holds no key", path);
		return ERR_INVALID;
	}
	return ERR_OK;
}

err_t keyring_load(const char *path, keyring **out, char *errbuf)
{
	struct stat sb;
	char *text = NULL;
	keyring *kr = NULL;
	ssize_t n = 0;
	err_t e = ERR_IO;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot open the key file %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(errbuf, ERRBUF_MAX, "%s is not a regular file", path);
		goto out;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(errbuf, ERRBUF_MAX,
			 "the key file %s can be read by others (mode %03o): refusing to use it; "
			 "run 'chmod 600 %s' if it has not leaked", path, (unsigned)(sb.st_mode & 0777), path);
		e = ERR_FORBIDDEN;
		goto out;
	}
	kr = keyring_alloc(); /* first: it initialises libsodium */
	text = kr ? sodium_malloc(KEYFILE_MAX + 1) : NULL;
	if (!text || !kr) {
		e = ERR_NOMEM;
		goto out;
	}
	for (ssize_t r; (r = read(fd, text + n, (size_t)(KEYFILE_MAX - n))) > 0;)
		n += r;
	if (n >= KEYFILE_MAX) {
		snprintf(errbuf, ERRBUF_MAX, "%s: the key file is larger than %d bytes", path, KEYFILE_MAX);
		e = ERR_LIMIT;
		goto out;
	}
	text[n] = '\0';
	e = parse_keyfile(kr, text, path, errbuf);
out:
	close(fd);
	if (text)
		sodium_free(text);
	if (e == ERR_OK) {
		sodium_mprotect_readonly(kr->keys);
		*out = kr;
	} else {
		keyring_free(kr);
	}
	return e;
}

/* Writes `text` to `path` through temp file, fsync, rename, directory fsync. */
static err_t write_new_file(const char *path, const char *text, size_t len, char *errbuf)
{
	char tmp[4096];
	int fd;
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return ERR_LIMIT;
	if (access(path, F_OK) == 0) {
		snprintf(errbuf, ERRBUF_MAX, "the key file %s exists already: refusing to overwrite it", path);
		return ERR_CONFLICT;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot create %s: %s", tmp, strerror(errno));
		return ERR_IO;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return ERR_IO;
	}
	close(fd);
	if (link(tmp, path) != 0 || durable_sync_parent(path) != ERR_OK) {
		/* link, unlike rename, fails instead of replacing a file created meanwhile */
		snprintf(errbuf, ERRBUF_MAX, "cannot create %s: %s", path, strerror(errno));
		unlink(tmp);
		return ERR_IO;
	}
	unlink(tmp);
	return ERR_OK;
}

err_t keyring_create(const char *path, keyring **out, char *errbuf)
{
	enum { TEXT_MAX = 512 };
	unsigned char *root = NULL;
	char *text = NULL, *hex = NULL;
	keyring *kr = keyring_alloc(); /* first: it initialises libsodium */
	err_t e = ERR_NOMEM;
	int len;

	if (kr) {
		root = sodium_malloc(KEYRING_KEY_BYTES);
		text = sodium_malloc(TEXT_MAX);
		hex = sodium_malloc(2 * KEYRING_KEY_BYTES + 1);
	}
	if (!root || !text || !hex || !kr)
		goto out;
	randombytes_buf(root, KEYRING_KEY_BYTES);
	sodium_bin2hex(hex, 2 * KEYRING_KEY_BYTES + 1, root, KEYRING_KEY_BYTES);
	len = snprintf(text, TEXT_MAX,
		       "# Haven data keys. Readable by its owner only (mode 0600).\n"
		       "# Keep this file on another disk than the database, and a copy offline:\n"
		       "# without it the personal data in the database cannot be read.\n"
		       "%s\nkey 1 %s\n", KEYFILE_HEADER, hex);
	if ((e = write_new_file(path, text, (size_t)len, errbuf)) != ERR_OK)
		goto out;
	if ((e = add_key(kr, 1, root)) != ERR_OK)
		goto out;
	sodium_mprotect_readonly(kr->keys);
	*out = kr;
	kr = NULL;
out:
	if (root) sodium_free(root);
	if (text) sodium_free(text);
	if (hex) sodium_free(hex);
	keyring_free(kr);
	return e;
}

/* Reads the key file's text into sodium_malloc'd memory (*out, NUL-ended). */
static err_t read_keyfile_text(const char *path, char **out, size_t *len, char *errbuf)
{
	char *text = sodium_malloc(KEYFILE_MAX + 1);
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (!text || fd < 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read the key file %s: %s", path,
			 text ? strerror(errno) : "out of memory");
		if (text)
			sodium_free(text);
		if (fd >= 0)
			close(fd);
		return text ? ERR_IO : ERR_NOMEM;
	}
	for (ssize_t r; (r = read(fd, text + n, (size_t)(KEYFILE_MAX - n))) > 0;)
		n += r;
	close(fd);
	text[n] = '\0';
	*out = text;
	*len = (size_t)n;
	return ERR_OK;
}

/* Replaces `path` with `text`: temporary file, fsync, rename, directory fsync. */
static err_t replace_file(const char *path, const char *text, size_t len, char *errbuf)
{
	char tmp[4096];
	int fd;
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return ERR_LIMIT;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return ERR_IO;
	}
	close(fd);
	if (rename(tmp, path) != 0 || durable_sync_parent(path) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		return ERR_IO;
	}
	return ERR_OK;
}

err_t keyring_add(const char *path, uint32_t *new_id, char *errbuf)
{
	keyring *kr = NULL;
	unsigned char *root = NULL;
	char *text = NULL, hex[2 * KEYRING_KEY_BYTES + 1];
	size_t len;
	uint32_t id;
	err_t e = keyring_load(path, &kr, errbuf); /* checks mode and content first */
	if (e != ERR_OK)
		return e;
	id = keyring_current_id(kr) + 1;
	keyring_free(kr);
	if (id > KEYRING_MAX_KEYS) {
		snprintf(errbuf, ERRBUF_MAX, "%s holds %d keys: retire old ones first", path,
			 KEYRING_MAX_KEYS);
		return ERR_LIMIT;
	}
	if ((e = read_keyfile_text(path, &text, &len, errbuf)) != ERR_OK)
		return e;
	if (!(root = sodium_malloc(KEYRING_KEY_BYTES))) {
		e = ERR_NOMEM;
		goto out;
	}
	randombytes_buf(root, KEYRING_KEY_BYTES);
	sodium_bin2hex(hex, sizeof hex, root, KEYRING_KEY_BYTES);
	if (len && text[len - 1] != '\n')
		text[len++] = '\n';
	int n = snprintf(text + len, KEYFILE_MAX + 1 - len, "key %u %s\n", (unsigned)id, hex);
	if (n < 0 || (size_t)n >= KEYFILE_MAX + 1 - len) {
		e = ERR_LIMIT;
		goto out;
	}
	e = replace_file(path, text, len + (size_t)n, errbuf);
	if (e == ERR_OK)
		*new_id = id;
out:
	sodium_memzero(hex, sizeof hex);
	if (root)
		sodium_free(root);
	sodium_free(text);
	return e;
}
