/*
 * merkle.h - the Merkle tree of RFC 6962 / RFC 9162 section 2.1 over a
 * sequence of leaves: its root, and inclusion and consistency proofs, built
 * and checked.
 *
 * Leaf hash SHA-256(0x00 || data), node hash SHA-256(0x01 || left || right),
 * the empty tree's root SHA-256 of nothing.  The module holds no tree: the
 * caller feeds leaf hashes in order (an accumulator keeps one hash per level,
 * so a tree of any size costs 2 KiB), and a proof is built by naming the
 * leaf ranges it needs, then feeding every leaf once.
 *
 * The checks follow RFC 9162 2.1.3.2 and 2.1.4.2 and refuse what the
 * transparency-dev/merkle vectors refuse (tests/data/merkle): a consistency
 * proof from the empty tree, a non-empty proof between equal sizes.
 */
#ifndef HAVEN_MERKLE_H
#define HAVEN_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_BYTES 32
#define MERKLE_LEVELS 64
/* No proof of a tree of at most 2^63 leaves is longer. */
#define MERKLE_PROOF_MAX (2 * MERKLE_LEVELS)

void merkle_leaf_hash(const void *data, size_t len, unsigned char out[MERKLE_HASH_BYTES]);
void merkle_node_hash(const unsigned char left[MERKLE_HASH_BYTES],
		      const unsigned char right[MERKLE_HASH_BYTES], unsigned char out[MERKLE_HASH_BYTES]);

/* The root of the leaves pushed so far, one leaf hash at a time. */
struct merkle_acc {
	uint64_t size;
	int top;
	unsigned char level[MERKLE_LEVELS][MERKLE_HASH_BYTES]; /* perfect subtrees, largest first */
};

void merkle_acc_init(struct merkle_acc *a);
void merkle_acc_push(struct merkle_acc *a, const unsigned char leaf[MERKLE_HASH_BYTES]);
void merkle_acc_root(const struct merkle_acc *a, unsigned char out[MERKLE_HASH_BYTES]);

/* A proof: the hashes of n leaf ranges [lo, hi), in the order RFC 9162 lists
 * them.  Set its shape with merkle_proof_inclusion or _consistency, then give
 * every leaf of the larger tree to merkle_proof_feed, in order from 0. */
struct merkle_proof {
	size_t n;
	uint64_t lo[MERKLE_PROOF_MAX], hi[MERKLE_PROOF_MAX];
	unsigned char hash[MERKLE_PROOF_MAX][MERKLE_HASH_BYTES];
	/* while leaves are fed */
	size_t order[MERKLE_PROOF_MAX], next;
	struct merkle_acc acc;
};

/* The shape of the proof that leaf `index` is in the tree of `size` leaves;
 * -1 when index >= size. */
int merkle_proof_inclusion(struct merkle_proof *p, uint64_t index, uint64_t size);
/* The shape of the proof that the tree of size1 leaves is a prefix of the
 * tree of size2; -1 unless 0 < size1 <= size2 (equal sizes: empty proof). */
int merkle_proof_consistency(struct merkle_proof *p, uint64_t size1, uint64_t size2);
void merkle_proof_feed(struct merkle_proof *p, uint64_t index, const unsigned char leaf[MERKLE_HASH_BYTES]);

/* 0 when the proof holds, -1 when it does not (or its length is wrong). */
int merkle_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf[MERKLE_HASH_BYTES],
			    const unsigned char (*proof)[MERKLE_HASH_BYTES], size_t n,
			    const unsigned char root[MERKLE_HASH_BYTES]);
int merkle_verify_consistency(uint64_t size1, uint64_t size2,
			      const unsigned char root1[MERKLE_HASH_BYTES],
			      const unsigned char root2[MERKLE_HASH_BYTES],
			      const unsigned char (*proof)[MERKLE_HASH_BYTES], size_t n);

#endif
