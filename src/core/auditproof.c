/*
 * auditproof.c - consistency and inclusion proofs over the audit log's
 * Merkle tree (auditproof.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/audit_internal.h"
#include "core/auditproof.h"

#define CONSISTENCY_HEADER "haven-audit-consistency 1"
#define HASH_HEX (2 * AUDIT_HASH_BYTES)

static const char *const field_names[AUDIT_FIELDS] = {
	"actor", "agency", "role", "action", "object_type", "object_ref", "request_id", "outcome",
	"detail"};

/* Walks the log for a proof: ERR_CONFLICT when the chain is broken (a proof
 * from it would vouch for damage), ERR_NOT_FOUND when it is shorter than
 * the checkpoint proved against. */
static err_t walk_for_proof(db *d, struct audit_walk *w, long long size)
{
	struct audit_verdict v;
	err_t e = audit_walk(d, &v, w);
	if (e != ERR_OK)
		return e;
	return v.first_bad ? ERR_CONFLICT : v.entries < size ? ERR_NOT_FOUND : ERR_OK;
}

/* ---- consistency ------------------------------------------------------------ */

err_t audit_prove_consistency(db *d, const char *from, const char *to, char **out)
{
	struct audit_ckpt a, b;
	struct merkle_proof *p = calloc(1, sizeof *p); /* n = 0: the empty proof */
	struct audit_walk w = {.proof = p};
	char *text = NULL;
	err_t e = ERR_INVALID;
	*out = NULL;
	if (!p)
		return ERR_NOMEM;
	if (audit_parse_checkpoint(from, &a) != ERR_OK || audit_parse_checkpoint(to, &b) != ERR_OK ||
	    a.version < 2 || b.version < 2 || a.size > b.size ||
	    (a.size > 0 && merkle_proof_consistency(p, (uint64_t)a.size, (uint64_t)b.size) != 0))
		goto out;
	if ((e = walk_for_proof(d, &w, b.size)) != ERR_OK)
		goto out;
	size_t cap = 128 + p->n * (HASH_HEX + 8);
	if (!(text = malloc(cap))) {
		e = ERR_NOMEM;
		goto out;
	}
	size_t len = (size_t)snprintf(text, cap, "%s\nfrom %lld\nto %lld\n", CONSISTENCY_HEADER,
				      a.size, b.size);
	for (size_t i = 0; i < p->n; i++) {
		memcpy(text + len, "hash ", 5);
		sodium_bin2hex(text + len + 5, HASH_HEX + 1, p->hash[i], AUDIT_HASH_BYTES);
		len += 5 + HASH_HEX;
		text[len++] = '\n';
	}
	text[len] = '\0';
	*out = text;
out:
	free(p);
	return e;
}

/* The proof's sizes and hashes; ERR_INVALID unless it is one of ours. */
static err_t parse_consistency(const char *text, long long *from, long long *to,
			       struct merkle_proof *p)
{
	char hex[HASH_HEX + 1];
	p->n = 0;
	if (!audit_starts(text, CONSISTENCY_HEADER))
		return ERR_INVALID;
	text += strlen(CONSISTENCY_HEADER) + 1;
	if (audit_size_line(&text, "from", from) != 0 || audit_size_line(&text, "to", to) != 0)
		return ERR_INVALID;
	while (*text) {
		if (p->n == MERKLE_PROOF_MAX || audit_line_value(&text, "hash", hex, sizeof hex) != 0 ||
		    audit_hex_exact(p->hash[p->n], AUDIT_HASH_BYTES, hex) != 0)
			return ERR_INVALID;
		p->n++;
	}
	return ERR_OK;
}

err_t audit_check_consistency(const char *from, const char *to, const char *proof,
			      const char *signer_hex)
{
	struct audit_ckpt a, b;
	long long pf, pt;
	struct merkle_proof *p = malloc(sizeof *p);
	err_t e;
	if (!p)
		return ERR_NOMEM;
	if ((e = audit_open_checkpoint(from, NULL, &a)) != ERR_OK ||
	    (e = audit_open_checkpoint(to, signer_hex ? signer_hex : a.signer, &b)) != ERR_OK ||
	    (e = parse_consistency(proof, &pf, &pt, p)) != ERR_OK)
		goto out;
	e = ERR_INVALID;
	if (a.version < 2 || b.version < 2 || pf != a.size || pt != b.size)
		goto out;
	e = ERR_CONFLICT;
	if (b.size < a.size)
		goto out; /* the log lost entries */
	if (a.size == 0 ? p->n == 0
			: merkle_verify_consistency((uint64_t)a.size, (uint64_t)b.size, a.root, b.root,
						    (const unsigned char(*)[MERKLE_HASH_BYTES])p->hash,
						    p->n) == 0)
		e = ERR_OK;
out:
	free(p);
	return e;
}

/* ---- inclusion -------------------------------------------------------------- */

static json_t *inclusion_json(const struct audit_walk *w, long long size, const struct merkle_proof *p)
{
	json_t *entry = json_pack("{s:I, s:I}", "seq", (json_int_t)w->entry_seq, "at",
				  (json_int_t)w->entry_at);
	json_t *hashes = json_array(), *o = NULL;
	int bad = !entry || !hashes;
	for (int i = 0; !bad && i < AUDIT_FIELDS; i++)
		bad = json_object_set_new(entry, field_names[i], json_string(w->entry_text[i])) != 0;
	for (size_t i = 0; !bad && i < p->n; i++) {
		char hex[HASH_HEX + 1];
		sodium_bin2hex(hex, sizeof hex, p->hash[i], AUDIT_HASH_BYTES);
		bad = json_array_append_new(hashes, json_string(hex)) != 0;
	}
	if (!bad)
		o = json_pack("{s:i, s:I, s:O, s:O}", "haven_audit_inclusion", 1, "size",
			      (json_int_t)size, "entry", entry, "proof", hashes);
	json_decref(entry);
	json_decref(hashes);
	return o;
}

err_t audit_prove_inclusion(db *d, int64_t seq, const char *to, char **out)
{
	struct audit_ckpt b;
	struct merkle_proof *p = calloc(1, sizeof *p);
	struct audit_walk w = {.proof = p, .entry_seq = seq};
	json_t *o = NULL;
	err_t e = ERR_INVALID;
	*out = NULL;
	if (!p)
		return ERR_NOMEM;
	if (audit_parse_checkpoint(to, &b) != ERR_OK || b.version < 2 || seq < 1 || seq > b.size ||
	    merkle_proof_inclusion(p, (uint64_t)(seq - 1), (uint64_t)b.size) != 0)
		goto out;
	if ((e = walk_for_proof(d, &w, b.size)) != ERR_OK)
		goto out;
	e = ERR_NOMEM;
	for (int i = 0; i < AUDIT_FIELDS; i++)
		if (!w.entry_text[i])
			goto out;
	if ((o = inclusion_json(&w, b.size, p)) && (*out = json_dumps(o, JSON_INDENT(2))))
		e = ERR_OK;
out:
	for (int i = 0; i < AUDIT_FIELDS; i++)
		free(w.entry_text[i]);
	json_decref(o);
	free(p);
	return e;
}

/* The proof's entry and hashes, every key present and no other; *seq and
 * *size as it says.  ERR_INVALID unless it is one of ours. */
static err_t parse_inclusion(const char *text, int64_t *seq, int64_t *at, long long *size,
			     const char *fields[AUDIT_FIELDS], struct merkle_proof *p, json_t **keep)
{
	json_int_t s = 0, n = 0, t = 0;
	int version = 0;
	json_t *hashes = NULL, *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	size_t i;
	json_t *h;
	*keep = o;
	if (!o || json_unpack_ex(o, NULL, JSON_STRICT,
				 "{s:i, s:I, s:{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}, s:o}",
				 "haven_audit_inclusion", &version, "size", &n, "entry", "seq", &s, "at",
				 &t, field_names[0], &fields[0], field_names[1], &fields[1],
				 field_names[2], &fields[2], field_names[3], &fields[3], field_names[4],
				 &fields[4], field_names[5], &fields[5], field_names[6], &fields[6],
				 field_names[7], &fields[7], field_names[8], &fields[8], "proof",
				 &hashes) != 0 ||
	    version != 1 || !json_is_array(hashes) || json_array_size(hashes) > MERKLE_PROOF_MAX)
		return ERR_INVALID;
	json_array_foreach(hashes, i, h)
	{
		const char *hex = json_string_value(h);
		if (!hex || audit_hex_exact(p->hash[i], AUDIT_HASH_BYTES, hex) != 0)
			return ERR_INVALID;
	}
	p->n = json_array_size(hashes);
	*seq = s;
	*at = t;
	*size = n;
	return ERR_OK;
}

err_t audit_check_inclusion(const char *to, const char *proof, const char *signer_hex,
			    int64_t *seq_out)
{
	struct audit_ckpt b;
	struct merkle_proof *p = malloc(sizeof *p);
	const char *fields[AUDIT_FIELDS];
	unsigned char leaf[AUDIT_HASH_BYTES];
	int64_t seq = 0, at = 0;
	long long size = 0;
	json_t *o = NULL;
	err_t e;
	if (!p)
		return ERR_NOMEM;
	if ((e = audit_open_checkpoint(to, signer_hex, &b)) != ERR_OK ||
	    (e = parse_inclusion(proof, &seq, &at, &size, fields, p, &o)) != ERR_OK)
		goto out;
	e = ERR_INVALID;
	if (b.version < 2 || size != b.size || seq < 1 || seq > size)
		goto out;
	audit_entry_leaf(seq, at, fields, leaf);
	e = merkle_verify_inclusion((uint64_t)(seq - 1), (uint64_t)size, leaf,
				    (const unsigned char(*)[MERKLE_HASH_BYTES])p->hash, p->n, b.root) == 0
		    ? ERR_OK
		    : ERR_CONFLICT;
	if (e == ERR_OK && seq_out)
		*seq_out = seq;
out:
	json_decref(o);
	free(p);
	return e;
}
