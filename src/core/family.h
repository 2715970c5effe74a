/*
 * family.h - a person's children: the references of the persons whose
 * parent is a given person.
 *
 * This module only finds references; it decides nothing about access and
 * returns no personal value.  The caller reads each child through
 * caseview_read, which answers "not found" for a child out of the reader's
 * sight, so that such a child is simply absent (access.md).
 */
#ifndef HAVEN_FAMILY_H
#define HAVEN_FAMILY_H

#include "core/registry.h"

#define FAMILY_CHILDREN_MAX 50 /* children listed for one person */

/* Calls fn with the reference of each child of `parent_ref` (borrowed), the
 * oldest first, at most FAMILY_CHILDREN_MAX; the reference is valid during
 * the call only.  A non-OK return of fn stops and is returned.  An unknown
 * parent has no children (ERR_OK). */
typedef err_t (*family_fn)(const char *child_ref, void *ctx);
err_t family_children(registry *r, const char *parent_ref, family_fn fn, void *ctx);

#endif
