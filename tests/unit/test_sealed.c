/*
 * test_sealed.c - the sealed file reader's refusals, one by one (HUM-04):
 * files built here record by record, with the format's own primitives, so
 * that each rule of docs/internals/crypto.md meets the input that breaks
 * it; and the key files' checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "testutil.h"
#include "util/sealed.h"

#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES

static struct sealed_opener key;

/* A sealed file to `key` made by hand: the head, then each record. */
struct maker {
	unsigned char buf[8192];
	size_t len, head;
	crypto_secretstream_xchacha20poly1305_state st;
};

static void begin(struct maker *m)
{
	unsigned char k[crypto_secretstream_xchacha20poly1305_KEYBYTES], h[8];
	memcpy(m->buf, "HVNSEAL1\x01", 9);
	crypto_generichash(h, sizeof h, key.pk, sizeof key.pk, NULL, 0);
	memcpy(m->buf + 9, h, 8);
	crypto_secretstream_xchacha20poly1305_keygen(k);
	crypto_box_seal(m->buf + 17, k, sizeof k, key.pk);
	m->len = 17 + sizeof k + crypto_box_SEALBYTES;
	crypto_secretstream_xchacha20poly1305_init_push(&m->st, m->buf + m->len, k);
	m->len += crypto_secretstream_xchacha20poly1305_HEADERBYTES;
	m->head = m->len;
}

static void record(struct maker *m, const char *plain, size_t n, int final)
{
	unsigned long long clen;
	crypto_secretstream_xchacha20poly1305_push(
	    &m->st, m->buf + m->len + 4, &clen, (const unsigned char *)plain, n, m->buf, m->head,
	    final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
		  : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
	m->buf[m->len] = (unsigned char)(clen >> 24);
	m->buf[m->len + 1] = (unsigned char)(clen >> 16);
	m->buf[m->len + 2] = (unsigned char)(clen >> 8);
	m->buf[m->len + 3] = (unsigned char)clen;
	m->len += 4 + (size_t)clen;
}

/* Opening m's bytes fails with `want`, saying `says`, and keeps nothing. */
static void refused(const struct maker *m, size_t len, err_t want, const char *says)
{
	struct sealed_member_data out[SEALED_MEMBERS_MAX];
	char errbuf[ERRBUF_MAX] = "";
	size_t n = 7;
	err_t e = sealed_open_buffer(m->buf, len, "f", &key, out, &n, errbuf);
	if (e != want || !strstr(errbuf, says))
		fail_msg("%d, %s (expected %d, '%s')", e, errbuf, want, says);
	assert_int_equal(n, 0);
}

static void test_records_out_of_place(void **state)
{
	struct maker m;
	(void)state;
	begin(&m); /* data before any member */
	record(&m, "Dx", 2, 0);
	refused(&m, m.len, ERR_CRYPTO, "data before a member");
	begin(&m); /* a name that could be a path */
	record(&m, "F../x", 5, 0);
	refused(&m, m.len, ERR_CRYPTO, "a member's name");
	begin(&m); /* an unknown kind of record */
	record(&m, "Zx", 2, 0);
	refused(&m, m.len, ERR_CRYPTO, "unknown kind");
	begin(&m); /* the end with bytes in it */
	record(&m, "Ex", 2, 1);
	refused(&m, m.len, ERR_CRYPTO, "its end");
	begin(&m); /* FINAL on data: the end out of place */
	record(&m, "Fa.csv", 6, 0);
	record(&m, "Dx", 2, 1);
	refused(&m, m.len, ERR_CRYPTO, "out of place");
	begin(&m); /* an end that is not FINAL */
	record(&m, "E", 1, 0);
	refused(&m, m.len, ERR_CRYPTO, "out of place");
	begin(&m); /* more members than a file may hold */
	for (int i = 0; i <= SEALED_MEMBERS_MAX; i++)
		record(&m, "Fa.csv", 6, 0);
	refused(&m, m.len, ERR_CRYPTO, "a member's name");
	begin(&m); /* no end at all */
	record(&m, "Fa.csv", 6, 0);
	refused(&m, m.len, ERR_INVALID, "the end of the export is missing");
	refused(&m, m.len - 3, ERR_INVALID, "a record is incomplete");
}

static void test_heads(void **state)
{
	struct maker m;
	struct sealed_opener none = {0};
	struct sealed_member_data out[SEALED_MEMBERS_MAX];
	char errbuf[ERRBUF_MAX];
	size_t n;
	(void)state;
	begin(&m);
	record(&m, "Fa.csv", 6, 0);
	record(&m, "Dhello", 6, 0);
	record(&m, "E", 1, 1);
	assert_int_equal(sealed_open_buffer(m.buf, m.len, "f", &key, out, &n, errbuf), ERR_OK);
	assert_int_equal(n, 1);
	assert_memory_equal(out[0].data, "hello", 5);
	sealed_members_free(out, n);
	refused(&m, 5, ERR_INVALID, "not a sealed export");
	refused(&m, 40, ERR_INVALID, "cut short in its header");
	assert_int_equal(sealed_open_buffer(m.buf, m.len, "f", &none, out, &n, errbuf),
			 ERR_INVALID);
	assert_non_null(strstr(errbuf, "--export-key"));
	m.buf[8] = 9; /* an unknown kind of file */
	refused(&m, m.len, ERR_INVALID, "unknown kind");
	m.buf[8] = 1;
	m.buf[20] ^= 1; /* the sealed stream key */
	refused(&m, m.len, ERR_CRYPTO, "damaged in its header");
	m.buf[20] ^= 1;
	m.buf[m.head - 1] ^= 1; /* the secretstream header: the first record fails */
	refused(&m, m.len, ERR_CRYPTO, "does not authenticate");
	m.buf[m.head - 1] ^= 1;
	m.buf[m.head] = 0x7f; /* a record's length beyond the largest */
	refused(&m, m.len, ERR_CRYPTO, "a record's length");

	/* a passphrase file: its head, and the bounds on the cost it asks for */
	unsigned char p[9 + 16 + 16 + 24] = "HVNSEAL1\x02";
	memcpy(m.buf, p, sizeof p);
	refused(&m, 30, ERR_INVALID, "cut short in its header");
	assert_int_equal(sealed_open_buffer(m.buf, sizeof p, "f", &key, out, &n, errbuf),
			 ERR_INVALID);
	assert_non_null(strstr(errbuf, "--passphrase"));
	struct sealed_opener pass = {.passphrase = "correct horse battery staple"};
	m.buf[9 + 16 + 7] = 200; /* 200 passes */
	assert_int_equal(sealed_open_buffer(m.buf, sizeof p, "f", &pass, out, &n, errbuf),
			 ERR_CRYPTO);
	assert_non_null(strstr(errbuf, "the key's cost"));
}

static char *write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = tu_path(dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void test_key_files(void **state)
{
	char *dir = tu_tempdir(), *base = tu_path(dir, "k"), id[SEALED_KEY_ID_TEXT];
	char errbuf[ERRBUF_MAX], line[300], pkhex[65], skhex[65];
	unsigned char pk[SEALED_KEY_BYTES];
	struct sealed_opener o;
	(void)state;
	assert_int_equal(sealed_keygen(base, id, errbuf), ERR_OK);
	assert_int_equal(sealed_keygen(base, id, errbuf), ERR_IO); /* never replaced */
	char *pub = tu_path(dir, "k.pub"), *sec = tu_path(dir, "k.key");
	assert_int_equal(sealed_read_public(sec, pk, id, errbuf), ERR_INVALID);
	assert_int_equal(sealed_read_secret(pub, &o, errbuf), ERR_INVALID);
	assert_int_equal(sealed_read_secret(sec, &o, errbuf), ERR_OK);
	sodium_bin2hex(pkhex, sizeof pkhex, o.pk, sizeof o.pk);
	sodium_bin2hex(skhex, sizeof skhex, o.sk, sizeof o.sk);
	/* two keys that do not belong together */
	snprintf(line, sizeof line, "haven-export-secret-key %s %s\n", skhex, skhex);
	char *bad = write_file(dir, "bad.key", line, 0600);
	assert_int_equal(sealed_read_secret(bad, &o, errbuf), ERR_INVALID);
	assert_non_null(strstr(errbuf, "belong together"));
	free(bad);
	/* a second line, upper-case hex, a missing file */
	snprintf(line, sizeof line, "haven-export-public-key %s\nmore\n", pkhex);
	bad = write_file(dir, "two.pub", line, 0644);
	assert_int_equal(sealed_read_public(bad, pk, id, errbuf), ERR_INVALID);
	free(bad);
	for (char *c = pkhex; *c; c++)
		*c = (char)(*c >= 'a' ? *c - 32 : *c);
	snprintf(line, sizeof line, "haven-export-public-key %s\n", pkhex);
	bad = write_file(dir, "upper.pub", line, 0644);
	assert_int_equal(sealed_read_public(bad, pk, id, errbuf), ERR_INVALID);
	free(bad);
	bad = tu_path(dir, "none.pub");
	assert_int_equal(sealed_read_public(bad, pk, id, errbuf), ERR_IO);
	assert_int_equal(sealed_read_secret(bad, &o, errbuf), ERR_IO);
	free(bad);
	/* a passphrase too short to seal with */
	sealed_writer *w = NULL;
	bad = tu_path(dir, "x.sealed");
	assert_int_equal(sealed_create(bad, NULL, "short", &w, errbuf), ERR_INVALID);
	assert_null(w);
	free(bad);
	tu_rmtree(dir);
	free(dir);
	free(base);
	free(pub);
	free(sec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_out_of_place),
		cmocka_unit_test(test_heads),
		cmocka_unit_test(test_key_files),
	};
	if (sodium_init() < 0)
		return 1;
	unsigned char seed[crypto_box_SEEDBYTES];
	memset(seed, 7, sizeof seed);
	crypto_box_seed_keypair(key.pk, key.sk, seed);
	key.has_key = 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
