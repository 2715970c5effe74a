/*
 * merkle.c - RFC 6962 Merkle tree hashes and proofs (merkle.h).
 */
#include <string.h>

#include <sodium.h>

#include "util/merkle.h"

void merkle_leaf_hash(const void *data, size_t len, unsigned char out[MERKLE_HASH_BYTES])
{
	crypto_hash_sha256_state st;
	unsigned char tag = 0x00;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &tag, 1);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

void merkle_node_hash(const unsigned char left[MERKLE_HASH_BYTES],
		      const unsigned char right[MERKLE_HASH_BYTES], unsigned char out[MERKLE_HASH_BYTES])
{
	unsigned char in[1 + 2 * MERKLE_HASH_BYTES];
	in[0] = 0x01;
	memcpy(in + 1, left, MERKLE_HASH_BYTES);
	memcpy(in + 1 + MERKLE_HASH_BYTES, right, MERKLE_HASH_BYTES);
	crypto_hash_sha256(out, in, sizeof in);
}

void merkle_acc_init(struct merkle_acc *a)
{
	a->size = 0;
	a->top = 0;
}

/* The levels hold one perfect subtree per set bit of size: a new leaf merges
 * with the smaller ones as a binary counter carries. */
void merkle_acc_push(struct merkle_acc *a, const unsigned char leaf[MERKLE_HASH_BYTES])
{
	unsigned char h[MERKLE_HASH_BYTES];
	memcpy(h, leaf, sizeof h);
	for (uint64_t carry = a->size; carry & 1; carry >>= 1)
		merkle_node_hash(a->level[--a->top], h, h);
	memcpy(a->level[a->top++], h, sizeof h);
	a->size++;
}

/* RFC 6962 splits at the largest power of two below the size, so the root
 * joins the perfect subtrees from the smallest (rightmost) up. */
void merkle_acc_root(const struct merkle_acc *a, unsigned char out[MERKLE_HASH_BYTES])
{
	unsigned char h[MERKLE_HASH_BYTES];
	if (a->top == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	memcpy(h, a->level[a->top - 1], sizeof h);
	for (int i = a->top - 2; i >= 0; i--)
		merkle_node_hash(a->level[i], h, h);
	memcpy(out, h, sizeof h);
}

/* The largest power of two strictly below n (n >= 2). */
static uint64_t split(uint64_t n)
{
	uint64_t k = 1;
	while (k << 1 < n)
		k <<= 1;
	return k;
}

static void add(struct merkle_proof *p, uint64_t lo, uint64_t hi)
{
	p->lo[p->n] = lo;
	p->hi[p->n] = hi;
	p->n++;
}

/* RFC 9162 2.1.3.1 PATH(m, D[lo:hi]): the sibling below first. */
static void path(struct merkle_proof *p, uint64_t m, uint64_t lo, uint64_t hi)
{
	if (hi - lo <= 1)
		return;
	uint64_t k = split(hi - lo);
	if (m < k) {
		path(p, m, lo, lo + k);
		add(p, lo + k, hi);
	} else {
		path(p, m - k, lo + k, hi);
		add(p, lo, lo + k);
	}
}

/* RFC 9162 2.1.4.1 SUBPROOF(m, D[lo:hi], b). */
static void subproof(struct merkle_proof *p, uint64_t m, uint64_t lo, uint64_t hi, int b)
{
	if (m == hi - lo) {
		if (!b)
			add(p, lo, hi);
		return;
	}
	uint64_t k = split(hi - lo);
	if (m <= k) {
		subproof(p, m, lo, lo + k, b);
		add(p, lo + k, hi);
	} else {
		subproof(p, m - k, lo + k, hi, 0);
		add(p, lo, lo + k);
	}
}

/* The ranges are disjoint: fed in leaf order they fill one after another. */
static void start_feed(struct merkle_proof *p)
{
	for (size_t i = 0; i < p->n; i++) {
		size_t j = i;
		for (; j > 0 && p->lo[p->order[j - 1]] > p->lo[i]; j--)
			p->order[j] = p->order[j - 1];
		p->order[j] = i;
	}
	p->next = 0;
	merkle_acc_init(&p->acc);
}

int merkle_proof_inclusion(struct merkle_proof *p, uint64_t index, uint64_t size)
{
	p->n = 0;
	if (index >= size)
		return -1;
	path(p, index, 0, size);
	start_feed(p);
	return 0;
}

int merkle_proof_consistency(struct merkle_proof *p, uint64_t size1, uint64_t size2)
{
	p->n = 0;
	if (size1 == 0 || size1 > size2)
		return -1;
	if (size1 < size2)
		subproof(p, size1, 0, size2, 1);
	start_feed(p);
	return 0;
}

void merkle_proof_feed(struct merkle_proof *p, uint64_t index, const unsigned char leaf[MERKLE_HASH_BYTES])
{
	if (p->next == p->n)
		return;
	size_t r = p->order[p->next];
	if (index < p->lo[r]) /* leaves come in order: past lo, this range is r's */
		return;
	merkle_acc_push(&p->acc, leaf);
	if (index + 1 == p->hi[r]) {
		merkle_acc_root(&p->acc, p->hash[r]);
		merkle_acc_init(&p->acc);
		p->next++;
	}
}

/* After hashing in a left sibling at the tree's right edge, where a node
 * has no right sibling: RFC 9162's "right-shift both fn and sn until LSB(fn)
 * is set or fn is 0". */
static void climb_right_edge(uint64_t *fn, uint64_t *sn)
{
	/* fn is never 0 here (fn == sn == 0 fails first, as sn == 0), but the
	 * loop would never end if it were */
	while (!(*fn & 1) && *fn != 0) { /* GCOVR_EXCL_BR_LINE */
		*fn >>= 1;
		*sn >>= 1;
	}
}

int merkle_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf[MERKLE_HASH_BYTES],
			    const unsigned char (*proof)[MERKLE_HASH_BYTES], size_t n,
			    const unsigned char root[MERKLE_HASH_BYTES])
{
	unsigned char r[MERKLE_HASH_BYTES];
	if (index >= size)
		return -1;
	uint64_t fn = index, sn = size - 1;
	memcpy(r, leaf, sizeof r);
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(proof[i], r, r);
			climb_right_edge(&fn, &sn);
		} else {
			merkle_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(r, root, sizeof r) == 0 ? 0 : -1;
}

int merkle_verify_consistency(uint64_t size1, uint64_t size2,
			      const unsigned char root1[MERKLE_HASH_BYTES],
			      const unsigned char root2[MERKLE_HASH_BYTES],
			      const unsigned char (*proof)[MERKLE_HASH_BYTES], size_t n)
{
	unsigned char fr[MERKLE_HASH_BYTES], sr[MERKLE_HASH_BYTES];
	size_t i = 0;
	if (size1 > size2)
		return -1;
	if (size1 == size2)
		return n == 0 && sodium_memcmp(root1, root2, MERKLE_HASH_BYTES) == 0 ? 0 : -1;
	if (size1 == 0 || n == 0)
		return -1; /* every tree extends the empty one: such a proof says nothing */
	uint64_t fn = size1 - 1, sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* a size1 that is a power of two is itself a node of the larger tree:
	 * the proof leaves it out, and root1 stands in */
	memcpy(fr, (size1 & (size1 - 1)) == 0 ? root1 : proof[i++], sizeof fr);
	memcpy(sr, fr, sizeof sr);
	for (; i < n; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(proof[i], fr, fr);
			merkle_node_hash(proof[i], sr, sr);
			climb_right_edge(&fn, &sn);
		} else {
			merkle_node_hash(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(fr, root1, sizeof fr) == 0 &&
			       sodium_memcmp(sr, root2, sizeof sr) == 0
		       ? 0
		       : -1;
}
