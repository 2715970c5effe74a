/*
 * sealed.c - sealed export files (sealed.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/durable.h"
#include "util/sealed.h"

#define MAGIC "HVNSEAL1"
#define MAGIC_LEN 8
#define KIND_KEY 1
#define KIND_PASSPHRASE 2
#define KEY_ID_BYTES 8
#define SEALED_STREAM_KEY (crypto_secretstream_xchacha20poly1305_KEYBYTES + crypto_box_SEALBYTES)
#define SALT_BYTES crypto_pwhash_SALTBYTES
#define SS_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define HEAD_MAX (MAGIC_LEN + 1 + KEY_ID_BYTES + SEALED_STREAM_KEY + SS_HEADER)
#define RECORD_PLAIN (64 * 1024) /* a record's plaintext, its kind byte included */
#define PATH_LEN 4096
/* A file's Argon2id cost is read from the file: bounded, so that a crafted
 * one cannot ask for more than a strong setting does. */
#define OPS_MAX 10ull
#define MEM_MAX (1024ull * 1024 * 1024)
#define FILE_MAX (4ull * 1024 * 1024 * 1024)
#define PUBLIC_TAG "haven-export-public-key"
#define SECRET_TAG "haven-export-secret-key"
#define HEX_KEY (SEALED_KEY_BYTES * 2)

typedef crypto_secretstream_xchacha20poly1305_state stream_state;

/* ---- keys ----------------------------------------------------------------------- */

/* BLAKE2b of the public key, 8 bytes long: what a sealed file's head holds. */
static void key_id_bytes(const unsigned char pk[SEALED_KEY_BYTES], unsigned char out[KEY_ID_BYTES])
{
	crypto_generichash(out, KEY_ID_BYTES, pk, SEALED_KEY_BYTES, NULL, 0);
}

void sealed_key_id(const unsigned char pk[SEALED_KEY_BYTES], char id[SEALED_KEY_ID_TEXT])
{
	unsigned char h[KEY_ID_BYTES];
	key_id_bytes(pk, h);
	sodium_bin2hex(id, SEALED_KEY_ID_TEXT, h, sizeof h);
}

static err_t write_new(const char *path, mode_t mode, const char *text, char *errbuf)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	size_t len = strlen(text);
	if (fd < 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot create %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return ERR_IO;
	}
	close(fd);
	return durable_sync_parent(path) == ERR_OK ? ERR_OK : ERR_IO;
}

err_t sealed_keygen(const char *base, char id[SEALED_KEY_ID_TEXT], char *errbuf)
{
	unsigned char pk[SEALED_KEY_BYTES], sk[SEALED_KEY_BYTES];
	char pub[PATH_LEN], key[PATH_LEN], pk_hex[HEX_KEY + 1], sk_hex[HEX_KEY + 1];
	char text[sizeof SECRET_TAG + 2 * HEX_KEY + 4];
	err_t e;
	if (snprintf(pub, sizeof pub, "%s.pub", base) >= (int)sizeof pub ||
	    snprintf(key, sizeof key, "%s.key", base) >= (int)sizeof key) {
		snprintf(errbuf, ERRBUF_MAX, "the file name is too long");
		return ERR_LIMIT;
	}
	crypto_box_keypair(pk, sk);
	sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
	sodium_bin2hex(sk_hex, sizeof sk_hex, sk, sizeof sk);
	snprintf(text, sizeof text, "%s %s %s\n", SECRET_TAG, pk_hex, sk_hex);
	e = write_new(key, 0600, text, errbuf);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(sk_hex, sizeof sk_hex);
	sodium_memzero(text, sizeof text);
	if (e != ERR_OK)
		return e;
	snprintf(text, sizeof text, "%s %s\n", PUBLIC_TAG, pk_hex);
	if ((e = write_new(pub, 0644, text, errbuf)) != ERR_OK) {
		unlink(key);
		return e;
	}
	sealed_key_id(pk, id);
	return ERR_OK;
}

/* The one line of a key file, without its newline; *mode its permissions. */
static err_t read_line(const char *path, char *line, size_t len, mode_t *mode, char *errbuf)
{
	struct stat st;
	FILE *f = fopen(path, "re");
	int c, extra = 0;
	if (!f || fstat(fileno(f), &st) != 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return ERR_IO;
	}
	*mode = st.st_mode;
	if (!fgets(line, (int)len, f))
		line[0] = '\0';
	while ((c = fgetc(f)) != EOF)
		extra += c != '\n';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	return extra ? ERR_INVALID : ERR_OK;
}

/* "TAG HEX..." into the `n` keys at out (each SEALED_KEY_BYTES). */
static int parse_keys(const char *line, const char *tag, unsigned char *out, int n)
{
	size_t tl = strlen(tag);
	const char *p = line + tl;
	if (strncmp(line, tag, tl) != 0)
		return 0;
	for (int i = 0; i < n; i++, p += 1 + HEX_KEY) {
		size_t got = 0;
		if (*p != ' ' || strspn(p + 1, "0123456789abcdef") < HEX_KEY ||
		    sodium_hex2bin(out + i * SEALED_KEY_BYTES, SEALED_KEY_BYTES, p + 1, HEX_KEY, NULL,
				   &got, NULL) != 0 ||
		    got != SEALED_KEY_BYTES)
			return 0;
	}
	return *p == '\0';
}

err_t sealed_read_public(const char *path, unsigned char pk[SEALED_KEY_BYTES],
			 char id[SEALED_KEY_ID_TEXT], char *errbuf)
{
	char line[sizeof PUBLIC_TAG + HEX_KEY + 8];
	mode_t mode;
	err_t e = read_line(path, line, sizeof line, &mode, errbuf);
	if (e == ERR_IO)
		return e;
	if (e != ERR_OK || !parse_keys(line, PUBLIC_TAG, pk, 1)) {
		snprintf(errbuf, ERRBUF_MAX,
			 "%s is not a public key of 'haven export keygen' (one line: %s and 64 "
			 "hex digits)", path, PUBLIC_TAG);
		return ERR_INVALID;
	}
	sealed_key_id(pk, id);
	return ERR_OK;
}

err_t sealed_read_secret(const char *path, struct sealed_opener *out, char *errbuf)
{
	char line[sizeof SECRET_TAG + 2 * HEX_KEY + 8];
	unsigned char keys[2 * SEALED_KEY_BYTES], check[SEALED_KEY_BYTES];
	mode_t mode = 0;
	err_t e = read_line(path, line, sizeof line, &mode, errbuf);
	int ok = e == ERR_OK && parse_keys(line, SECRET_TAG, keys, 2) &&
		 crypto_scalarmult_base(check, keys + SEALED_KEY_BYTES) == 0 &&
		 sodium_memcmp(check, keys, SEALED_KEY_BYTES) == 0;
	sodium_memzero(line, sizeof line);
	if (ok && (mode & 077)) {
		snprintf(errbuf, ERRBUF_MAX,
			 "%s can be read by others: make it private first (chmod 600 %s)", path,
			 path);
		ok = 0;
		e = ERR_FORBIDDEN;
	}
	if (ok) {
		*out = (struct sealed_opener){.has_key = 1};
		memcpy(out->pk, keys, SEALED_KEY_BYTES);
		memcpy(out->sk, keys + SEALED_KEY_BYTES, SEALED_KEY_BYTES);
	}
	sodium_memzero(keys, sizeof keys);
	if (ok)
		return ERR_OK;
	if (e == ERR_OK || e == ERR_INVALID) {
		snprintf(errbuf, ERRBUF_MAX,
			 "%s is not a secret key of 'haven export keygen' (one line: %s and two "
			 "keys of 64 hex digits that belong together)", path, SECRET_TAG);
		e = ERR_INVALID;
	}
	return e;
}

/* ---- writing -------------------------------------------------------------------- */

struct sealed_writer {
	int fd;
	char path[PATH_LEN], tmp[PATH_LEN];
	stream_state st;
	unsigned char head[HEAD_MAX];
	size_t head_len;
	unsigned char plain[RECORD_PLAIN];
	size_t used; /* bytes in plain, its kind byte included */
	unsigned char cipher[4 + RECORD_PLAIN + ABYTES];
	FILE *member;
	int failed_errno; /* 0 while all is well */
};

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t get_be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Seals plain[0..len) as one record. */
static int push(sealed_writer *w, size_t len, unsigned char tag)
{
	unsigned long long clen = 0;
	if (w->failed_errno)
		return -1;
	crypto_secretstream_xchacha20poly1305_push(&w->st, w->cipher + 4, &clen, w->plain, len,
						   w->head, w->head_len, tag);
	put_be(w->cipher, clen, 4);
	if (write_all(w->fd, w->cipher, 4 + (size_t)clen) != 0) {
		w->failed_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static int flush_data(sealed_writer *w)
{
	int rc = w->used > 1 ? push(w, w->used, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) : 0;
	w->used = 1; /* plain[0] stays 'D' */
	return rc;
}

static ssize_t member_write(void *cookie, const char *buf, size_t size)
{
	sealed_writer *w = cookie;
	for (size_t done = 0; done < size;) {
		size_t n = RECORD_PLAIN - w->used;
		if (n > size - done)
			n = size - done;
		memcpy(w->plain + w->used, buf + done, n);
		w->used += n;
		done += n;
		if (w->used == RECORD_PLAIN && flush_data(w) != 0)
			return 0; /* fopencookie: 0 is the error */
	}
	return (ssize_t)size;
}

static int member_close(void *cookie)
{
	sealed_writer *w = cookie;
	int rc = flush_data(w);
	w->member = NULL;
	return rc == 0 ? 0 : EOF;
}

static err_t write_head(sealed_writer *w, const unsigned char *pk, const char *passphrase,
			char *errbuf)
{
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char *p = w->head + MAGIC_LEN + 1;
	err_t e = ERR_OK;
	memcpy(w->head, MAGIC, MAGIC_LEN);
	if (pk) {
		w->head[MAGIC_LEN] = KIND_KEY;
		key_id_bytes(pk, p);
		crypto_secretstream_xchacha20poly1305_keygen(key);
		crypto_box_seal(p + KEY_ID_BYTES, key, sizeof key, pk);
		p += KEY_ID_BYTES + SEALED_STREAM_KEY;
	} else {
		w->head[MAGIC_LEN] = KIND_PASSPHRASE;
		randombytes_buf(p, SALT_BYTES);
		put_be(p + SALT_BYTES, crypto_pwhash_OPSLIMIT_MODERATE, 8);
		put_be(p + SALT_BYTES + 8, crypto_pwhash_MEMLIMIT_MODERATE, 8);
		if (crypto_pwhash(key, sizeof key, passphrase, strlen(passphrase), p,
				  crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0) {
			snprintf(errbuf, ERRBUF_MAX, "out of memory deriving the key");
			e = ERR_NOMEM;
		}
		p += SALT_BYTES + 16;
	}
	if (e == ERR_OK) {
		crypto_secretstream_xchacha20poly1305_init_push(&w->st, p, key);
		w->head_len = (size_t)(p + SS_HEADER - w->head);
		if (write_all(w->fd, w->head, w->head_len) != 0) {
			snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", w->tmp, strerror(errno));
			e = ERR_IO;
		}
	}
	sodium_memzero(key, sizeof key);
	return e;
}

err_t sealed_create(const char *path, const unsigned char *pk, const char *passphrase,
		    sealed_writer **out, char *errbuf)
{
	sealed_writer *w;
	err_t e;
	*out = NULL;
	if (!pk && (!passphrase || strlen(passphrase) < SEALED_PASSPHRASE_MIN)) {
		snprintf(errbuf, ERRBUF_MAX, "a passphrase has at least %d characters",
			 SEALED_PASSPHRASE_MIN);
		return ERR_INVALID;
	}
	if (!(w = sodium_malloc(sizeof *w))) {
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		return ERR_NOMEM;
	}
	memset(w, 0, sizeof *w);
	if (snprintf(w->path, sizeof w->path, "%s", path) >= (int)sizeof w->path ||
	    snprintf(w->tmp, sizeof w->tmp, "%s.tmp", path) >= (int)sizeof w->tmp) {
		sodium_free(w);
		snprintf(errbuf, ERRBUF_MAX, "the file name is too long");
		return ERR_LIMIT;
	}
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd < 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot create %s: %s", w->tmp, strerror(errno));
		sodium_free(w);
		return ERR_IO;
	}
	if ((e = write_head(w, pk, passphrase, errbuf)) != ERR_OK) {
		sealed_abort(w);
		return e;
	}
	*out = w;
	return ERR_OK;
}

FILE *sealed_member(sealed_writer *w, const char *name)
{
	size_t n = strlen(name);
	if (w->member || n == 0 || n > SEALED_NAME_MAX)
		return NULL;
	w->plain[0] = 'F';
	memcpy(w->plain + 1, name, n);
	if (push(w, 1 + n, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) != 0)
		return NULL;
	w->plain[0] = 'D';
	w->used = 1;
	cookie_io_functions_t io = {.write = member_write, .close = member_close};
	if (!(w->member = fopencookie(w, "w", io)))
		return NULL;
	setvbuf(w->member, NULL, _IONBF, 0); /* no stdio buffer holds the values */
	return w->member;
}

err_t sealed_commit(sealed_writer *w, char *errbuf)
{
	err_t e = ERR_OK;
	w->plain[0] = 'E';
	if (w->member) {
		snprintf(errbuf, ERRBUF_MAX, "a member of %s is still open", w->path);
		e = ERR_INVALID;
	} else if (push(w, 1, crypto_secretstream_xchacha20poly1305_TAG_FINAL) != 0 ||
		   fsync(w->fd) != 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", w->tmp,
			 strerror(w->failed_errno ? w->failed_errno : errno));
		e = ERR_IO;
	}
	if (e == ERR_OK) {
		close(w->fd);
		w->fd = -1;
		if (durable_replace(w->tmp, w->path) != ERR_OK) {
			snprintf(errbuf, ERRBUF_MAX, "cannot rename %s to %s: %s", w->tmp, w->path,
				 strerror(errno));
			e = ERR_IO;
		}
	}
	if (e != ERR_OK) {
		sealed_abort(w);
		return e;
	}
	sodium_free(w);
	return ERR_OK;
}

void sealed_abort(sealed_writer *w)
{
	if (!w)
		return;
	if (w->member)
		fclose(w->member);
	if (w->fd >= 0)
		close(w->fd);
	unlink(w->tmp);
	sodium_free(w);
}

/* ---- reading -------------------------------------------------------------------- */

int sealed_is_sealed(const char *path)
{
	char magic[MAGIC_LEN];
	FILE *f = fopen(path, "re");
	int yes = f && fread(magic, 1, MAGIC_LEN, f) == MAGIC_LEN &&
		  memcmp(magic, MAGIC, MAGIC_LEN) == 0;
	if (f)
		fclose(f);
	return yes;
}

void sealed_members_free(struct sealed_member_data *members, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (members[i].data) {
			sodium_memzero(members[i].data, members[i].len);
			free(members[i].data);
		}
		members[i] = (struct sealed_member_data){0};
	}
}

struct reader {
	const char *what;
	char *errbuf;
	struct sealed_member_data *members;
	size_t n, max, cap; /* cap: bytes allocated for the last member */
	int by_passphrase;
};

static err_t bad(struct reader *r, err_t e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static err_t bad(struct reader *r, err_t e, const char *fmt, ...)
{
	char why[ERRBUF_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	snprintf(r->errbuf, ERRBUF_MAX, "%s: %s", r->what, why);
	return e;
}

static err_t open_by_key(struct reader *r, const unsigned char *buf, size_t len,
			 const struct sealed_opener *key, unsigned char *stream_key)
{
	const unsigned char *p = buf + MAGIC_LEN + 1;
	char want[SEALED_KEY_ID_TEXT], have[SEALED_KEY_ID_TEXT];
	if (len < MAGIC_LEN + 1 + KEY_ID_BYTES + SEALED_STREAM_KEY + SS_HEADER)
		return bad(r, ERR_INVALID, "cut short in its header (%zu bytes)", len);
	if (!key->has_key)
		return bad(r, ERR_INVALID, "sealed to a recipient's key: give its secret key file "
					   "(--export-key)");
	sodium_bin2hex(want, sizeof want, p, KEY_ID_BYTES);
	sealed_key_id(key->pk, have);
	if (strcmp(want, have) != 0)
		return bad(r, ERR_CRYPTO, "sealed to the key %s, not to this key (%s)", want, have);
	if (crypto_box_seal_open(stream_key, p + KEY_ID_BYTES, SEALED_STREAM_KEY, key->pk,
				 key->sk) != 0)
		return bad(r, ERR_CRYPTO, "damaged in its header (byte %d)",
			   MAGIC_LEN + 1 + KEY_ID_BYTES);
	return ERR_OK;
}

static err_t open_by_passphrase(struct reader *r, const unsigned char *buf, size_t len,
				const struct sealed_opener *key, unsigned char *stream_key)
{
	const unsigned char *p = buf + MAGIC_LEN + 1;
	if (len < MAGIC_LEN + 1 + SALT_BYTES + 16 + SS_HEADER)
		return bad(r, ERR_INVALID, "cut short in its header (%zu bytes)", len);
	if (!key->passphrase)
		return bad(r, ERR_INVALID, "sealed with a passphrase: give it (--passphrase)");
	uint64_t ops = get_be(p + SALT_BYTES, 8), mem = get_be(p + SALT_BYTES + 8, 8);
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > OPS_MAX || mem < crypto_pwhash_MEMLIMIT_MIN ||
	    mem > MEM_MAX)
		return bad(r, ERR_CRYPTO, "damaged in its header (byte %d: the key's cost)",
			   MAGIC_LEN + 1 + SALT_BYTES);
	if (crypto_pwhash(stream_key, crypto_secretstream_xchacha20poly1305_KEYBYTES,
			  key->passphrase, strlen(key->passphrase), p, ops, (size_t)mem,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return bad(r, ERR_NOMEM, "out of memory deriving its key");
	r->by_passphrase = 1;
	return ERR_OK;
}

/* The stream key from the file's head; *head_len is where the records start. */
static err_t open_head(struct reader *r, const unsigned char *buf, size_t len,
		       const struct sealed_opener *key, unsigned char *stream_key,
		       size_t *head_len)
{
	err_t e;
	if (len < MAGIC_LEN + 1 || memcmp(buf, MAGIC, MAGIC_LEN) != 0)
		return bad(r, ERR_INVALID, "not a sealed export of 'haven export'");
	if (buf[MAGIC_LEN] == KIND_KEY) {
		e = open_by_key(r, buf, len, key, stream_key);
		*head_len = MAGIC_LEN + 1 + KEY_ID_BYTES + SEALED_STREAM_KEY + SS_HEADER;
	} else if (buf[MAGIC_LEN] == KIND_PASSPHRASE) {
		e = open_by_passphrase(r, buf, len, key, stream_key);
		*head_len = MAGIC_LEN + 1 + SALT_BYTES + 16 + SS_HEADER;
	} else {
		e = bad(r, ERR_INVALID, "of an unknown kind (byte %d)", MAGIC_LEN);
	}
	return e;
}

static int good_name(const unsigned char *s, size_t n)
{
	static const char allowed[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	if (n == 0 || n > SEALED_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(allowed, s[i]))
			return 0;
	return 1;
}

/* Appends to the last member, growing its buffer by doubling; the old buffer
 * is wiped, as realloc would not. */
static err_t append(struct reader *r, const unsigned char *p, size_t n)
{
	struct sealed_member_data *m = &r->members[r->n - 1];
	if (m->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : RECORD_PLAIN;
		while (cap < m->len + n)
			cap *= 2;
		unsigned char *grown = malloc(cap);
		if (!grown)
			return bad(r, ERR_NOMEM, "out of memory after %zu bytes of %s", m->len,
				   m->name);
		if (m->data) {
			memcpy(grown, m->data, m->len);
			sodium_memzero(m->data, m->len);
			free(m->data);
		}
		m->data = grown;
		r->cap = cap;
	}
	memcpy(m->data + m->len, p, n);
	m->len += n;
	return ERR_OK;
}

/* One record's plaintext, which began at byte `at` of the file. */
static err_t take(struct reader *r, const unsigned char *plain, size_t n, unsigned char tag,
		  size_t at, int *ended)
{
	int final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	if (n == 0 || final != (plain[0] == 'E'))
		return bad(r, ERR_CRYPTO, "damaged at byte %zu (a record out of place)", at);
	switch (plain[0]) {
	case 'F':
		if (!good_name(plain + 1, n - 1) || r->n == r->max)
			return bad(r, ERR_CRYPTO, "damaged at byte %zu (a member's name)", at);
		memcpy(r->members[r->n].name, plain + 1, n - 1);
		r->members[r->n].name[n - 1] = '\0';
		r->n++;
		r->cap = 0;
		return ERR_OK;
	case 'D':
		if (r->n == 0)
			return bad(r, ERR_CRYPTO, "damaged at byte %zu (data before a member)", at);
		return append(r, plain + 1, n - 1);
	case 'E':
		*ended = 1;
		return n == 1 ? ERR_OK : bad(r, ERR_CRYPTO, "damaged at byte %zu (its end)", at);
	default:
		return bad(r, ERR_CRYPTO, "damaged at byte %zu (a record of unknown kind)", at);
	}
}

/* Every record from byte `pos`, each authenticated with the head as its
 * additional data. */
static err_t read_records(struct reader *r, const unsigned char *buf, size_t len, size_t pos,
			  stream_state *st, unsigned char *plain)
{
	const size_t head_len = pos;
	int ended = 0;
	while (!ended) {
		unsigned long long n = 0;
		unsigned char tag = 0;
		err_t e;
		if (len - pos < 4)
			return bad(r, ERR_INVALID,
				   "cut short at byte %zu: the end of the export is missing", pos);
		size_t clen = (size_t)get_be(buf + pos, 4);
		if (clen <= ABYTES || clen > RECORD_PLAIN + ABYTES)
			return bad(r, ERR_CRYPTO, "damaged at byte %zu (a record's length)", pos);
		if (len - pos - 4 < clen)
			return bad(r, ERR_INVALID, "cut short at byte %zu: a record is incomplete",
				   pos);
		if (crypto_secretstream_xchacha20poly1305_pull(st, plain, &n, &tag, buf + pos + 4,
							       clen, buf, head_len) != 0)
			return r->by_passphrase && pos == head_len
				       ? bad(r, ERR_CRYPTO, "the passphrase is wrong, or the file "
							    "was changed")
				       : bad(r, ERR_CRYPTO,
					     "damaged or changed at byte %zu: it does not "
					     "authenticate", pos);
		if ((e = take(r, plain, (size_t)n, tag, pos, &ended)) != ERR_OK)
			return e;
		pos += 4 + clen;
	}
	if (pos != len)
		return bad(r, ERR_CRYPTO, "bytes after the end of the export, from byte %zu", pos);
	return ERR_OK;
}

err_t sealed_open_buffer(const unsigned char *buf, size_t len, const char *what,
			 const struct sealed_opener *key, struct sealed_member_data *members,
			 size_t *n, char *errbuf)
{
	struct reader r = {.what = what, .errbuf = errbuf, .members = members,
			   .max = SEALED_MEMBERS_MAX};
	unsigned char stream_key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char *plain = sodium_malloc(RECORD_PLAIN);
	stream_state *st = sodium_malloc(sizeof *st);
	size_t head_len = 0;
	err_t e = plain && st ? ERR_OK : bad(&r, ERR_NOMEM, "out of memory");
	*n = 0;
	memset(members, 0, SEALED_MEMBERS_MAX * sizeof *members);
	if (e == ERR_OK)
		e = open_head(&r, buf, len, key, stream_key, &head_len);
	if (e == ERR_OK &&
	    crypto_secretstream_xchacha20poly1305_init_pull(st, buf + head_len - SS_HEADER,
							    stream_key) != 0)
		e = bad(&r, ERR_CRYPTO, "damaged in its header (byte %zu)", head_len - SS_HEADER);
	if (e == ERR_OK)
		e = read_records(&r, buf, len, head_len, st, plain);
	sodium_memzero(stream_key, sizeof stream_key);
	sodium_free(plain);
	sodium_free(st);
	if (e != ERR_OK) {
		sealed_members_free(members, r.n);
		return e;
	}
	*n = r.n;
	return ERR_OK;
}

err_t sealed_open_file(const char *path, const struct sealed_opener *key,
		       struct sealed_member_data *members, size_t *n, char *errbuf)
{
	struct stat st;
	unsigned char *buf = NULL;
	FILE *f = fopen(path, "re");
	err_t e = ERR_OK;
	*n = 0;
	if (!f || fstat(fileno(f), &st) != 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read %s: %s", path, strerror(errno));
		e = ERR_IO;
	} else if ((uint64_t)st.st_size > FILE_MAX) {
		snprintf(errbuf, ERRBUF_MAX, "%s: larger than a sealed export can be (4 GiB)", path);
		e = ERR_LIMIT;
	} else if (!(buf = malloc(st.st_size ? (size_t)st.st_size : 1))) {
		snprintf(errbuf, ERRBUF_MAX, "%s: out of memory", path);
		e = ERR_NOMEM;
	} else if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read %s: %s", path, strerror(errno));
		e = ERR_IO;
	}
	if (f)
		fclose(f);
	if (e == ERR_OK)
		e = sealed_open_buffer(buf, (size_t)st.st_size, path, key, members, n, errbuf);
	free(buf);
	return e;
}
