/*
 * powerloss.h - a SQLite VFS over the real "unix" one that cuts the power at
 * the n-th write (REL-03).  Registered as the default VFS by pl_install, so
 * every connection the code under test opens goes through it; with no crash
 * armed it only passes calls on (and keeps its logs).  Header-only and
 * single-threaded: include it in one test file after cmocka.h.
 *
 * The model:
 * - For each open file (database, -wal, journal), the shim keeps a log of
 *   the writes made since that file's last xSync: offset, the new bytes, and
 *   the bytes that were there before (read through the real file first; past
 *   the end of file there were none), plus the file's size at its last sync.
 *   xSync of a file makes its logged writes durable: clear its log and record
 *   its size.  xTruncate passes through and also counts as durable for that
 *   file: a simplification, favourable to the code under test.  Shared-memory
 *   methods (xShm*) pass through untouched: the -shm file is not durable
 *   state (SQLite rebuilds it).  File creation and deletion are taken as
 *   durable, and so is closing a file (its log is dropped): also favourable,
 *   and SQLite syncs what it needs before it closes.
 * - A crash is armed at the n-th xWrite (counting all files, from 1).  When
 *   the n-th xWrite comes, it is not performed; instead the "power fails":
 *   for every open file with logged writes, the shim restores the file to its
 *   state at its last sync (undo every logged write newest first using the
 *   saved old bytes, then truncate to the size at last sync), then re-applies
 *   a random subset of the logged writes, in their original order (each kept
 *   with probability 1/2, from the xorshift PRNG seeded when arming), and
 *   tears the last re-applied write: only a prefix of it whose length is a
 *   random multiple of 512 bytes (possibly 0; at most its length, so a write
 *   of 512 bytes or more may also land whole) is applied.  From then on
 *   every xWrite, xSync, xTruncate and xDelete fails with SQLITE_IOERR
 *   (nothing else reaches the disk); reads, locks and closes pass through.
 * - pl_disarm disarms everything and empties the logs (pass-through again),
 *   so the test can reopen the files "after the reboot".
 */
#ifndef HAVEN_POWERLOSS_H
#define HAVEN_POWERLOSS_H

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#define PL_SECTOR 512

/* One write not yet synced: what it put there, and what it covered. */
struct pl_write {
	sqlite3_int64 off;
	int len;              /* bytes written */
	int old_len;          /* bytes that were there before (fewer past the end) */
	unsigned char *bytes; /* len new bytes, then old_len old ones */
};

struct pl_file {
	sqlite3_file base;
	sqlite3_file *real;   /* stored right after this struct */
	struct pl_file *next; /* the open files */
	sqlite3_int64 synced_size;
	struct pl_write *log;
	int nlog, cap;
};

static sqlite3_vfs *pl_real;
static struct pl_file *pl_files; /* every file open through the shim */

static struct {
	int armed_at; /* the xWrite the power fails at, 0: none */
	int writes;   /* xWrite calls seen since pl_arm or pl_disarm */
	int crashed;
	unsigned rng; /* xorshift32 state, never 0 */
} pl;

#define PL_REAL(f) (((struct pl_file *)(f))->real)

static unsigned pl_random(void)
{
	pl.rng ^= pl.rng << 13;
	pl.rng ^= pl.rng >> 17;
	pl.rng ^= pl.rng << 5;
	return pl.rng;
}

static void pl_clear(struct pl_file *p)
{
	for (int i = 0; i < p->nlog; i++)
		free(p->log[i].bytes);
	free(p->log);
	p->log = NULL;
	p->nlog = p->cap = 0;
}

/* What the file holds now is durable: its log goes, its size is the one a
 * crash goes back to. */
static void pl_durable(struct pl_file *p)
{
	pl_clear(p);
	if (p->real->pMethods->xFileSize(p->real, &p->synced_size) != SQLITE_OK)
		p->synced_size = 0;
}

static int pl_grow(struct pl_file *p)
{
	if (p->nlog < p->cap)
		return SQLITE_OK;
	int cap = p->cap ? 2 * p->cap : 16;
	struct pl_write *log = realloc(p->log, (size_t)cap * sizeof *log);
	if (!log)
		return SQLITE_NOMEM;
	p->log = log;
	p->cap = cap;
	return SQLITE_OK;
}

/* Logs a write about to be made: its bytes, and the file's bytes under it
 * (read before they are overwritten). */
static int pl_log(struct pl_file *p, const void *b, int n, sqlite3_int64 o)
{
	sqlite3_int64 size;
	if (pl_grow(p) != SQLITE_OK ||
	    p->real->pMethods->xFileSize(p->real, &size) != SQLITE_OK)
		return SQLITE_IOERR_NOMEM;
	sqlite3_int64 there = size > o ? size - o : 0;
	struct pl_write *w = &p->log[p->nlog];
	w->off = o;
	w->len = n;
	w->old_len = there < n ? (int)there : n;
	if (!(w->bytes = malloc((size_t)n + (size_t)w->old_len + 1)))
		return SQLITE_IOERR_NOMEM;
	memcpy(w->bytes, b, (size_t)n);
	if (w->old_len &&
	    p->real->pMethods->xRead(p->real, w->bytes + n, w->old_len, o) != SQLITE_OK) {
		free(w->bytes);
		return SQLITE_IOERR_READ;
	}
	p->nlog++;
	return SQLITE_OK;
}

/* Back to the file as it was at its last sync.  Errors are ignored: the
 * power is out, and nothing could report them. */
static void pl_restore(struct pl_file *p)
{
	for (int i = p->nlog - 1; i >= 0; i--) {
		struct pl_write *w = &p->log[i];
		if (w->old_len)
			p->real->pMethods->xWrite(p->real, w->bytes + w->len, w->old_len, w->off);
	}
	p->real->pMethods->xTruncate(p->real, p->synced_size);
}

/* Some of the unsynced writes reached the disk anyway, in order, the last of
 * them only in part (whole sectors of it). */
static void pl_replay(struct pl_file *p)
{
	int last = -1;
	char *kept = calloc((size_t)p->nlog, 1);
	if (!kept)
		return; /* none kept: a subset too */
	for (int i = 0; i < p->nlog; i++)
		if ((kept[i] = (char)(pl_random() & 1)))
			last = i;
	for (int i = 0; i < last; i++)
		if (kept[i])
			p->real->pMethods->xWrite(p->real, p->log[i].bytes, p->log[i].len,
						  p->log[i].off);
	if (last >= 0) {
		struct pl_write *w = &p->log[last];
		int torn = PL_SECTOR * (int)(pl_random() % (unsigned)(w->len / PL_SECTOR + 1));
		if (torn)
			p->real->pMethods->xWrite(p->real, w->bytes, torn, w->off);
	}
	free(kept);
}

static void pl_power_fail(void)
{
	pl.crashed = 1;
	for (struct pl_file *p = pl_files; p; p = p->next) {
		if (p->nlog) {
			pl_restore(p);
			pl_replay(p);
		}
		pl_clear(p);
	}
}

static int pl_close(sqlite3_file *f)
{
	struct pl_file *p = (struct pl_file *)f, **at = &pl_files;
	while (*at && *at != p)
		at = &(*at)->next;
	if (*at)
		*at = p->next;
	pl_clear(p);
	return p->real->pMethods->xClose(p->real);
}
static int pl_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	return PL_REAL(f)->pMethods->xRead(PL_REAL(f), b, n, o);
}
static int pl_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	if (++pl.writes == pl.armed_at && !pl.crashed)
		pl_power_fail(); /* this write never happens */
	if (pl.crashed)
		return SQLITE_IOERR_WRITE;
	int rc = pl_log((struct pl_file *)f, b, n, o);
	return rc ? rc : PL_REAL(f)->pMethods->xWrite(PL_REAL(f), b, n, o);
}
static int pl_truncate(sqlite3_file *f, sqlite3_int64 s)
{
	if (pl.crashed)
		return SQLITE_IOERR_TRUNCATE;
	int rc = PL_REAL(f)->pMethods->xTruncate(PL_REAL(f), s);
	if (rc == SQLITE_OK)
		pl_durable((struct pl_file *)f);
	return rc;
}
static int pl_sync(sqlite3_file *f, int flags)
{
	if (pl.crashed)
		return SQLITE_IOERR_FSYNC;
	int rc = PL_REAL(f)->pMethods->xSync(PL_REAL(f), flags);
	if (rc == SQLITE_OK)
		pl_durable((struct pl_file *)f);
	return rc;
}
static int pl_size(sqlite3_file *f, sqlite3_int64 *s)
{
	return PL_REAL(f)->pMethods->xFileSize(PL_REAL(f), s);
}
static int pl_lock(sqlite3_file *f, int l)
{
	return PL_REAL(f)->pMethods->xLock(PL_REAL(f), l);
}
static int pl_unlock(sqlite3_file *f, int l)
{
	return PL_REAL(f)->pMethods->xUnlock(PL_REAL(f), l);
}
static int pl_check(sqlite3_file *f, int *out)
{
	return PL_REAL(f)->pMethods->xCheckReservedLock(PL_REAL(f), out);
}
static int pl_control(sqlite3_file *f, int op, void *arg)
{
	return PL_REAL(f)->pMethods->xFileControl(PL_REAL(f), op, arg);
}
static int pl_sector(sqlite3_file *f)
{
	return PL_REAL(f)->pMethods->xSectorSize(PL_REAL(f));
}
static int pl_chars(sqlite3_file *f)
{
	return PL_REAL(f)->pMethods->xDeviceCharacteristics(PL_REAL(f));
}
static int pl_shmmap(sqlite3_file *f, int i, int sz, int ext, void volatile **p)
{
	return PL_REAL(f)->pMethods->xShmMap(PL_REAL(f), i, sz, ext, p);
}
static int pl_shmlock(sqlite3_file *f, int o, int n, int fl)
{
	return PL_REAL(f)->pMethods->xShmLock(PL_REAL(f), o, n, fl);
}
static void pl_shmbarrier(sqlite3_file *f)
{
	PL_REAL(f)->pMethods->xShmBarrier(PL_REAL(f));
}
static int pl_shmunmap(sqlite3_file *f, int del)
{
	return PL_REAL(f)->pMethods->xShmUnmap(PL_REAL(f), del);
}

/* Version 2: no xFetch, so SQLite reads every page through pl_read. */
static const sqlite3_io_methods pl_io = {
	2, pl_close, pl_read, pl_write, pl_truncate, pl_sync, pl_size, pl_lock, pl_unlock, pl_check,
	pl_control, pl_sector, pl_chars, pl_shmmap, pl_shmlock, pl_shmbarrier, pl_shmunmap, NULL, NULL,
};

static int pl_v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct pl_file *p = (struct pl_file *)f;
	(void)v;
	memset(p, 0, sizeof *p);
	p->real = (sqlite3_file *)(p + 1);
	int rc = pl_real->xOpen(pl_real, name, p->real, flags, out);
	if (rc != SQLITE_OK)
		return rc; /* base.pMethods stays NULL: no xClose */
	p->base.pMethods = &pl_io;
	pl_durable(p); /* creating a file is durable */
	p->next = pl_files;
	pl_files = p;
	return SQLITE_OK;
}
static int pl_v_delete(sqlite3_vfs *v, const char *n, int s)
{
	(void)v;
	return pl.crashed ? SQLITE_IOERR_DELETE : pl_real->xDelete(pl_real, n, s);
}
static int pl_v_access(sqlite3_vfs *v, const char *n, int fl, int *out)
{
	(void)v;
	return pl_real->xAccess(pl_real, n, fl, out);
}
static int pl_v_full(sqlite3_vfs *v, const char *n, int len, char *out)
{
	(void)v;
	return pl_real->xFullPathname(pl_real, n, len, out);
}
static int pl_v_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return pl_real->xRandomness(pl_real, n, out);
}
static int pl_v_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return pl_real->xSleep(pl_real, us);
}
static int pl_v_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	return pl_real->xCurrentTime(pl_real, t);
}
static int pl_v_error(sqlite3_vfs *v, int n, char *b)
{
	(void)v;
	return pl_real->xGetLastError(pl_real, n, b);
}
static int pl_v_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	return pl_real->xCurrentTimeInt64(pl_real, t);
}

static sqlite3_vfs pl_vfs = {
	.iVersion = 2, .zName = "haven-powerloss", .xOpen = pl_v_open, .xDelete = pl_v_delete,
	.xAccess = pl_v_access, .xFullPathname = pl_v_full, .xRandomness = pl_v_random,
	.xSleep = pl_v_sleep, .xCurrentTime = pl_v_time, .xGetLastError = pl_v_error,
	.xCurrentTimeInt64 = pl_v_time64,
};

/* Back to passing calls on, with every open file's contents taken as
 * durable (after the reboot, or before the next arming). */
static void pl_disarm(void)
{
	pl.armed_at = 0;
	pl.writes = 0;
	pl.crashed = 0;
	for (struct pl_file *p = pl_files; p; p = p->next)
		pl_durable(p);
}

/* The power fails at the nth xWrite from now; seed picks which unsynced
 * writes reach the disk anyway. */
static void pl_arm(int nth_write, unsigned seed)
{
	pl.armed_at = nth_write;
	pl.writes = 0;
	pl.crashed = 0;
	pl.rng = seed * 2654435761u ^ 0x9e3779b9u;
	if (!pl.rng)
		pl.rng = 1;
}

/* xWrite calls seen since the last pl_arm, pl_disarm or pl_install. */
static int pl_writes(void)
{
	return pl.writes;
}

static int pl_crashed(void)
{
	return pl.crashed;
}

/* Registers the shim as the default VFS, once; 0 on success. */
static int pl_install(void)
{
	if (pl_real)
		return 0;
	if (!(pl_real = sqlite3_vfs_find("unix")))
		return -1;
	pl_vfs.szOsFile = (int)sizeof(struct pl_file) + pl_real->szOsFile;
	pl_vfs.mxPathname = pl_real->mxPathname;
	pl_disarm();
	return sqlite3_vfs_register(&pl_vfs, 1) == SQLITE_OK ? 0 : -1;
}

#endif
