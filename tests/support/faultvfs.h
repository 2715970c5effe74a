/*
 * faultvfs.h - a SQLite VFS over the real "unix" one that fails the n-th
 * write, read or sync with a chosen error, once or from then on (REL-04).
 * Registered as the default VFS by fv_install, so every connection the code
 * under test opens goes through it; with no fault armed it only passes calls
 * on.  Header-only: include it in one test file after cmocka.h.
 */
#ifndef HAVEN_FAULTVFS_H
#define HAVEN_FAULTVFS_H

#include <pthread.h>
#include <string.h>

#include <sqlite3.h>

enum fault_op { OP_NONE, OP_WRITE, OP_READ, OP_SYNC };

/* The armed fault: set by the test's thread, counted down by whichever
 * threads of the code under test read or write (a server's workers, its
 * audit queue, its checkpointer), so only under fault_lock. */
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	enum fault_op op;
	int countdown;  /* the op fails when this reaches zero */
	int persistent; /* and keeps failing after that */
	int rc;
	int fired;
} fault;

static sqlite3_vfs *real_vfs;

struct ffile {
	sqlite3_file base;
	sqlite3_file *real; /* stored right after this struct */
};

static int fires_locked(enum fault_op op)
{
	if (fault.op != op)
		return 0;
	if (fault.fired && fault.persistent)
		return 1;
	if (fault.fired || --fault.countdown > 0)
		return 0;
	fault.fired = 1;
	return 1;
}

/* The error `op` fails with now (a write: the armed fault's), or
 * SQLITE_OK when it goes through. */
static int fires(enum fault_op op)
{
	pthread_mutex_lock(&fault_lock);
	int rc = !fires_locked(op) ? SQLITE_OK
	         : op == OP_WRITE  ? fault.rc
	         : op == OP_READ   ? SQLITE_IOERR_READ
	                           : SQLITE_IOERR_FSYNC;
	pthread_mutex_unlock(&fault_lock);
	return rc;
}

#define REAL(f) (((struct ffile *)(f))->real)

static int f_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}
static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	int rc = fires(OP_READ);
	return rc ? rc : REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	int rc = fires(OP_WRITE);
	return rc ? rc : REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 s)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), s);
}
static int f_sync(sqlite3_file *f, int flags)
{
	int rc = fires(OP_SYNC);
	return rc ? rc : REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *s)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), s);
}
static int f_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int f_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int f_check(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int f_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int f_chars(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int f_shmmap(sqlite3_file *f, int i, int sz, int ext, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, ext, p);
}
static int f_shmlock(sqlite3_file *f, int o, int n, int fl)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl);
}
static void f_shmbarrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int f_shmunmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods fault_io = {
	2, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock, f_check,
	f_control, f_sector, f_chars, f_shmmap, f_shmlock, f_shmbarrier, f_shmunmap, NULL, NULL,
};

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct ffile *ff = (struct ffile *)f;
	(void)v;
	ff->real = (sqlite3_file *)(ff + 1);
	int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	ff->base.pMethods = rc == SQLITE_OK ? &fault_io : NULL;
	return rc;
}
static int v_delete(sqlite3_vfs *v, const char *n, int s)
{
	(void)v;
	return real_vfs->xDelete(real_vfs, n, s);
}
static int v_access(sqlite3_vfs *v, const char *n, int fl, int *out)
{
	(void)v;
	return real_vfs->xAccess(real_vfs, n, fl, out);
}
static int v_full(sqlite3_vfs *v, const char *n, int len, char *out)
{
	(void)v;
	return real_vfs->xFullPathname(real_vfs, n, len, out);
}
static int v_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xRandomness(real_vfs, n, out);
}
static int v_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return real_vfs->xSleep(real_vfs, us);
}
static int v_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	return real_vfs->xCurrentTime(real_vfs, t);
}
static int v_error(sqlite3_vfs *v, int n, char *b)
{
	(void)v;
	return real_vfs->xGetLastError(real_vfs, n, b);
}
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

static sqlite3_vfs fault_vfs = {
	.iVersion = 2, .zName = "haven-fault", .xOpen = v_open, .xDelete = v_delete,
	.xAccess = v_access, .xFullPathname = v_full, .xRandomness = v_random, .xSleep = v_sleep,
	.xCurrentTime = v_time, .xGetLastError = v_error, .xCurrentTimeInt64 = v_time64,
};

static void faults_off(void)
{
	pthread_mutex_lock(&fault_lock);
	memset(&fault, 0, sizeof fault);
	pthread_mutex_unlock(&fault_lock);
}

static void fault_at(enum fault_op op, int n, int persistent, int rc)
{
	pthread_mutex_lock(&fault_lock);
	fault.op = op;
	fault.countdown = n;
	fault.persistent = persistent;
	fault.rc = rc;
	fault.fired = 0;
	pthread_mutex_unlock(&fault_lock);
}

static int fv_install(void **state)
{
	(void)state;
	real_vfs = sqlite3_vfs_find("unix");
	fault_vfs.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile;
	fault_vfs.mxPathname = real_vfs->mxPathname;
	return sqlite3_vfs_register(&fault_vfs, 1) == SQLITE_OK ? 0 : -1;
}

#endif
