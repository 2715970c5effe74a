/*
 * subject.h - subject access (checklist HUM-08; GDPR Art. 15 and 20):
 * everything the registry holds on one person, in one JSON document, with
 * who saw it.
 *
 * The document: "person" (every field, the document number in clear),
 * "erased", "dependants" (their references only: another person's data is
 * theirs to ask for), "services" (with their notes), "referrals" (with their
 * consent), "legal_hold", "retention" (kept until when), and "accesses":
 * every audit entry about the person, their services or their referrals, as
 * when, which agency in which role, what and with what outcome (not the
 * staff member's name).  Deciding who may ask, and auditing the asking, is
 * the caller's.
 */
#ifndef HAVEN_SUBJECT_H
#define HAVEN_SUBJECT_H

#include <stdint.h>

#include <jansson.h>

#include "core/registry.h"

/* The document on person `ref` as of `now`; ERR_NOT_FOUND when there is no
 * such person.  The caller owns *out (json_decref); it holds personal data:
 * wipe what is made of it. */
err_t subject_report(registry *r, const char *ref, int64_t now, json_t **out);

#endif
