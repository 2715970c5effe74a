/*
 * allocator.h - which memory allocator serves malloc in this process.
 *
 * Builds link mimalloc ahead of the C library (CMake option HAVEN_MIMALLOC,
 * off under the sanitizers, which bring their own): the server's reads spend
 * a sixth of their time in malloc and free, most of it SQLite's, whose
 * Debian build has no lookaside (SQLITE_OMIT_LOOKASIDE) and so asks malloc
 * for every column it copies.  Whether the override took is decided by the
 * dynamic linker, not by the build, so it is read back here for
 * `haven --version` and the test that guards it.
 */
#ifndef HAVEN_ALLOCATOR_H
#define HAVEN_ALLOCATOR_H

/* "mimalloc" when malloc resolves into mimalloc, "glibc" when into the C
 * library, else the file that defines it.  A constant or static text: the
 * caller does not free it. */
const char *allocator_name(void);

#endif
