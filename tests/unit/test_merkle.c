/* test_merkle.c - the RFC 6962 tree (AUD-07): the reference tree's roots,
 * the public transparency-dev/merkle vectors (tests/data/merkle), and every
 * proof of trees up to 70 leaves built here and checked both ways. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "util/merkle.h"

#define VECTORS HAVEN_SOURCE_DIR "/tests/data/merkle"
#define H MERKLE_HASH_BYTES

/* RFC 6962's reference tree: the certificate-transparency test leaves and
 * the roots of their first 1..8 (the same as the vectors' trees). */
static const char *const ref_leaves[8] = {"",
					  "00",
					  "10",
					  "2021",
					  "3031",
					  "40414243",
					  "5051525354555657",
					  "606162636465666768696a6b6c6d6e6f"};
static const char *const ref_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

static void unhex(const char *hex, unsigned char *out, size_t *len)
{
	assert_int_equal(sodium_hex2bin(out, 64, hex, strlen(hex), NULL, len, NULL), 0);
}

static void ref_leaf_hash(int i, unsigned char out[H])
{
	unsigned char data[64];
	size_t len = 0;
	unhex(ref_leaves[i], data, &len);
	merkle_leaf_hash(data, len, out);
}

static void test_reference_roots(void **state)
{
	(void)state;
	struct merkle_acc a;
	unsigned char leaf[H], root[H], want[H];
	size_t len;
	merkle_acc_init(&a);
	merkle_acc_root(&a, root);
	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, &len);
	assert_memory_equal(root, want, H); /* the empty tree: SHA-256 of nothing */
	for (int i = 0; i < 8; i++) {
		ref_leaf_hash(i, leaf);
		merkle_acc_push(&a, leaf);
		merkle_acc_root(&a, root);
		unhex(ref_roots[i], want, &len);
		assert_memory_equal(root, want, H);
	}
}

/* ---- the public vectors ------------------------------------------------------ */

/* A base64 hash of exactly 32 bytes; 0 when the value is anything else (the
 * vectors put "WrongLeaf", "" and such where a hash belongs). */
static int b64_hash(json_t *v, unsigned char out[H])
{
	size_t len = 0;
	const char *s = json_string_value(v);
	if (!s || sodium_base642bin(out, H, s, strlen(s), NULL, &len, NULL,
				    sodium_base64_VARIANT_ORIGINAL) != 0)
		return 0;
	return len == H;
}

/* A root as the vectors give it.  Some are not hashes ("don't care 1"): Go's
 * verifier compares roots byte for byte whatever their length, so such a
 * value stands here as the SHA-256 of its bytes, equal to another only when
 * the bytes are, and never to a real tree's root. */
static int b64_root(json_t *v, unsigned char out[H])
{
	unsigned char raw[256];
	size_t len = 0;
	const char *s = json_string_value(v);
	if (b64_hash(v, out))
		return 1;
	if (!s || sodium_base642bin(raw, sizeof raw, s, strlen(s), NULL, &len, NULL,
				    sodium_base64_VARIANT_ORIGINAL) != 0)
		return 0;
	crypto_hash_sha256(out, raw, len);
	return 1;
}

/* The proof's hashes; -1 when one of them is not a 32-byte hash. */
static int proof_of(json_t *v, unsigned char (*out)[H], size_t *n)
{
	size_t i;
	json_t *h;
	*n = 0;
	if (json_is_null(v) || !v)
		return 0;
	assert_true(json_is_array(v));
	assert_true(json_array_size(v) <= MERKLE_PROOF_MAX);
	json_array_foreach(v, i, h)
	{
		if (!b64_hash(h, out[i]))
			return -1;
	}
	*n = json_array_size(v);
	return 0;
}

/* A vector, with its sizes and indexes read from the text: they go up to
 * 2^64 - 1, past what jansson's integers hold. */
struct vector {
	json_t *o;
	char text[8192];
};

static uint64_t field_u64(const struct vector *vec, const char *a, const char *b)
{
	char key[64];
	const char *at;
	snprintf(key, sizeof key, "\"%s\"", a);
	if (!(at = strstr(vec->text, key)) && b) {
		snprintf(key, sizeof key, "\"%s\"", b);
		at = strstr(vec->text, key);
	}
	assert_non_null(at);
	at += strlen(key);
	at += strspn(at, " \t\r\n:");
	assert_true(*at >= '0' && *at <= '9');
	return strtoull(at, NULL, 10);
}

static int load_vector(const char *path, struct vector *vec)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	json_error_t err;
	assert_non_null(f);
	n = fread(vec->text, 1, sizeof vec->text - 1, f);
	fclose(f);
	vec->text[n] = '\0';
	vec->o = json_loads(vec->text, JSON_DECODE_INT_AS_REAL, &err);
	if (!vec->o)
		fail_msg("%s: %s", path, err.text);
	return 0;
}

/* What the checks here say of one vector: 0 holds, -1 refused. */
static int judge_inclusion(const struct vector *v)
{
	unsigned char proof[MERKLE_PROOF_MAX][H], leaf[H], root[H];
	size_t n;
	if (proof_of(json_object_get(v->o, "proof"), proof, &n) != 0 ||
	    !b64_hash(json_object_get(v->o, "leafHash"), leaf) ||
	    !b64_root(json_object_get(v->o, "root"), root))
		return -1;
	return merkle_verify_inclusion(field_u64(v, "leafIdx", "leafIndex"),
				       field_u64(v, "treeSize", NULL), leaf, proof, n, root);
}

static int judge_consistency(const struct vector *v)
{
	unsigned char proof[MERKLE_PROOF_MAX][H], root1[H], root2[H];
	size_t n;
	if (proof_of(json_object_get(v->o, "proof"), proof, &n) != 0 ||
	    !b64_root(json_object_get(v->o, "root1"), root1) ||
	    !b64_root(json_object_get(v->o, "root2"), root2))
		return -1;
	return merkle_verify_consistency(field_u64(v, "size1", NULL), field_u64(v, "size2", NULL),
					 root1, root2, proof, n);
}

struct tally {
	int files, happy, refused;
};

static void run_dir(const char *dir, int (*judge)(const struct vector *), struct tally *t)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[4096];
		struct stat sb;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		assert_int_equal(stat(path, &sb), 0);
		if (S_ISDIR(sb.st_mode)) {
			run_dir(path, judge, t);
			continue;
		}
		if (!strstr(e->d_name, ".json"))
			continue;
		static struct vector vec;
		load_vector(path, &vec);
		int want_err = json_is_true(json_object_get(vec.o, "wantErr"));
		int got = judge(&vec);
		if ((got != 0) != want_err)
			fail_msg("%s: wantErr %d, but the check %s", path, want_err,
				 got ? "refused it" : "accepted it");
		t->files++;
		t->happy += !want_err;
		t->refused += want_err;
		json_decref(vec.o);
	}
	closedir(d);
}

static void test_inclusion_vectors(void **state)
{
	(void)state;
	struct tally t = {0};
	run_dir(VECTORS "/inclusion", judge_inclusion, &t);
	printf("inclusion vectors: %d (%d valid, %d invalid)\n", t.files, t.happy, t.refused);
	assert_int_equal(t.happy, 6); /* every file of tests/data/merkle/SOURCE.md */
	assert_int_equal(t.refused, 123);
}

static void test_consistency_vectors(void **state)
{
	(void)state;
	struct tally t = {0};
	run_dir(VECTORS "/consistency", judge_consistency, &t);
	printf("consistency vectors: %d (%d valid, %d invalid)\n", t.files, t.happy, t.refused);
	assert_int_equal(t.happy, 11);
	assert_int_equal(t.refused, 126);
}

/* ---- proofs built here ------------------------------------------------------- */

#define TREE_MAX 70

static void leaf_of(uint64_t i, unsigned char out[H])
{
	unsigned char data[8];
	for (int b = 0; b < 8; b++)
		data[b] = (unsigned char)(i >> (8 * b));
	merkle_leaf_hash(data, sizeof data, out);
}

static void root_of(uint64_t size, unsigned char out[H])
{
	struct merkle_acc a;
	unsigned char leaf[H];
	merkle_acc_init(&a);
	for (uint64_t i = 0; i < size; i++) {
		leaf_of(i, leaf);
		merkle_acc_push(&a, leaf);
	}
	merkle_acc_root(&a, out);
}

static void feed(struct merkle_proof *p, uint64_t size)
{
	unsigned char leaf[H];
	for (uint64_t i = 0; i < size; i++) {
		leaf_of(i, leaf);
		merkle_proof_feed(p, i, leaf);
	}
}

/* Every inclusion proof of every tree up to TREE_MAX leaves holds, and fails
 * for the wrong leaf, the wrong index, a changed hash or a shorter proof. */
static void test_inclusion_built(void **state)
{
	(void)state;
	static struct merkle_proof p;
	unsigned char root[H], leaf[H], other[H];
	for (uint64_t size = 1; size <= TREE_MAX; size++) {
		root_of(size, root);
		for (uint64_t i = 0; i < size; i++) {
			assert_int_equal(merkle_proof_inclusion(&p, i, size), 0);
			feed(&p, size);
			leaf_of(i, leaf);
			assert_int_equal(merkle_verify_inclusion(i, size, leaf, p.hash, p.n, root), 0);
			leaf_of(i + 1, other);
			assert_int_equal(merkle_verify_inclusion(i, size, other, p.hash, p.n, root), -1);
			if (size > 1)
				assert_int_equal(
					merkle_verify_inclusion((i + 1) % size, size, leaf, p.hash, p.n, root), -1);
			if (p.n > 0) {
				assert_int_equal(merkle_verify_inclusion(i, size, leaf, p.hash, p.n - 1, root), -1);
				p.hash[p.n - 1][31] ^= 1;
				assert_int_equal(merkle_verify_inclusion(i, size, leaf, p.hash, p.n, root), -1);
			}
		}
		assert_int_equal(merkle_proof_inclusion(&p, size, size), -1);
	}
}

/* Every consistency proof between trees up to TREE_MAX leaves holds, and
 * fails against another older root, or with a hash changed or left out. */
static void test_consistency_built(void **state)
{
	(void)state;
	static struct merkle_proof p;
	static unsigned char roots[TREE_MAX + 1][H];
	for (uint64_t size = 0; size <= TREE_MAX; size++)
		root_of(size, roots[size]);
	for (uint64_t size2 = 1; size2 <= TREE_MAX; size2++) {
		for (uint64_t size1 = 1; size1 <= size2; size1++) {
			assert_int_equal(merkle_proof_consistency(&p, size1, size2), 0);
			feed(&p, size2);
			assert_int_equal(merkle_verify_consistency(size1, size2, roots[size1], roots[size2],
								   p.hash, p.n),
					 0);
			if (size1 == size2) {
				assert_int_equal(p.n, 0);
				continue;
			}
			uint64_t wrong = size1 == 1 ? 2 : size1 - 1;
			assert_int_equal(merkle_verify_consistency(size1, size2, roots[wrong], roots[size2],
								   p.hash, p.n),
					 -1);
			assert_int_equal(merkle_verify_consistency(size1, size2, roots[size1], roots[size2],
								   p.hash, p.n - 1),
					 -1);
			p.hash[0][0] ^= 0x10;
			assert_int_equal(merkle_verify_consistency(size1, size2, roots[size1], roots[size2],
								   p.hash, p.n),
					 -1);
		}
		assert_int_equal(merkle_proof_consistency(&p, 0, size2), -1);
		assert_int_equal(merkle_proof_consistency(&p, size2 + 1, size2), -1);
	}
}

/* The proofs built here for the reference tree are the vectors' own. */
static void test_built_equals_vectors(void **state)
{
	(void)state;
	static struct merkle_proof p;
	static const struct {
		const char *file;
		int consistency;
	} cases[] = {{"inclusion/1/happy-path.json", 0}, {"inclusion/2/happy-path.json", 0},
		     {"inclusion/3/happy-path.json", 0}, {"inclusion/4/happy-path.json", 0},
		     {"consistency/1/happy-path.json", 1}, {"consistency/2/happy-path.json", 1},
		     {"consistency/3/happy-path.json", 1}, {"consistency/4/happy-path.json", 1}};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char path[4096];
		unsigned char want[MERKLE_PROOF_MAX][H], leaf[H];
		size_t n;
		snprintf(path, sizeof path, VECTORS "/%s", cases[c].file);
		static struct vector vec;
		load_vector(path, &vec);
		assert_int_equal(proof_of(json_object_get(vec.o, "proof"), want, &n), 0);
		uint64_t size = cases[c].consistency ? field_u64(&vec, "size2", NULL)
						     : field_u64(&vec, "treeSize", NULL);
		assert_true(size <= 8);
		if (cases[c].consistency)
			assert_int_equal(merkle_proof_consistency(&p, field_u64(&vec, "size1", NULL), size),
					 0);
		else
			assert_int_equal(
				merkle_proof_inclusion(&p, field_u64(&vec, "leafIdx", "leafIndex"), size), 0);
		for (uint64_t i = 0; i < size; i++) {
			ref_leaf_hash((int)i, leaf);
			merkle_proof_feed(&p, i, leaf);
		}
		assert_int_equal(p.n, n);
		for (size_t i = 0; i < n; i++)
			assert_memory_equal(p.hash[i], want[i], H);
		json_decref(vec.o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_roots),   cmocka_unit_test(test_inclusion_vectors),
		cmocka_unit_test(test_consistency_vectors), cmocka_unit_test(test_inclusion_built),
		cmocka_unit_test(test_consistency_built), cmocka_unit_test(test_built_equals_vectors),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
