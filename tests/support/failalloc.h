/*
 * failalloc.h - allocations that fail on demand (REL-06): the n-th, once or
 * from then on, of SQLite's (a wrapper installed with
 * sqlite3_config(SQLITE_CONFIG_MALLOC) before SQLite starts) or of Haven's
 * (the linker's --wrap of malloc, calloc, realloc, strdup and strndup, given
 * to the executables that include this header: CMakeLists.txt), which reaches
 * every call in haven_core and no library's.  With oom_elsewhere set, only
 * allocations of threads other than the one that armed it count: a server's,
 * not its test client's.  Header-only: include it in one test file after
 * cmocka.h, and call fa_install first thing in main.
 */
#ifndef HAVEN_FAILALLOC_H
#define HAVEN_FAILALLOC_H

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include <sqlite3.h>

enum oom_site { SITE_NONE, SITE_SQLITE, SITE_APP };

/* The armed failure, counted down by whichever thread allocates. */
static pthread_mutex_t oom_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	enum oom_site site;
	long countdown;    /* the allocation fails when this reaches zero */
	int persistent;    /* and every one after it */
	int fired;
	long used;         /* allocations asked for at the site since armed */
	int elsewhere;     /* count only other threads than `armer`'s */
	pthread_t armer;
} oom;

static inline int fails(enum oom_site site)
{
	int f = 0;
	pthread_mutex_lock(&oom_lock);
	if (oom.site == site && !(oom.elsewhere && pthread_equal(pthread_self(), oom.armer))) {
		oom.used++;
		if (oom.fired && oom.persistent)
			f = 1;
		else if (!oom.fired && --oom.countdown <= 0)
			f = oom.fired = 1;
	}
	pthread_mutex_unlock(&oom_lock);
	return f;
}

/* Arms the n-th allocation at `site` to fail, counting only other threads'
 * when `elsewhere`. */
static inline void oom_arm(enum oom_site site, long n, int persistent, int elsewhere)
{
	pthread_mutex_lock(&oom_lock);
	oom.site = site;
	oom.countdown = n;
	oom.persistent = persistent;
	oom.fired = 0;
	oom.used = 0;
	oom.elsewhere = elsewhere;
	oom.armer = pthread_self();
	pthread_mutex_unlock(&oom_lock);
}

static inline void oom_at(enum oom_site site, long n, int persistent) { oom_arm(site, n, persistent, 0); }

static inline int oom_fired(void)
{
	pthread_mutex_lock(&oom_lock);
	int f = oom.fired;
	pthread_mutex_unlock(&oom_lock);
	return f;
}

/* Disarms; what it counted stays for oom_used. */
static inline void oom_off(void)
{
	pthread_mutex_lock(&oom_lock);
	oom.site = SITE_NONE;
	pthread_mutex_unlock(&oom_lock);
}

static inline long oom_used(void)
{
	pthread_mutex_lock(&oom_lock);
	long n = oom.used;
	pthread_mutex_unlock(&oom_lock);
	return n;
}

/* An operation that makes more allocations than this has that many of
 * them failed, spread evenly from the first to the last, so that a test
 * stays a minute long under ASan; HAVEN_OOM_EVERY=1 fails every one. */
#define POINTS_TRIED 400

static inline long points_tried(long total)
{
	return getenv("HAVEN_OOM_EVERY") || total <= POINTS_TRIED ? total : POINTS_TRIED;
}

/* The i-th of `tried` failure points among `total` allocations (1-based). */
static inline long point(long i, long tried, long total)
{
	return tried == total ? i + 1 : 1 + i * (total - 1) / (tried - 1);
}

static sqlite3_mem_methods real_mem;

static void *lite_malloc(int n) { return fails(SITE_SQLITE) ? NULL : real_mem.xMalloc(n); }
static void *lite_realloc(void *p, int n)
{
	return fails(SITE_SQLITE) ? NULL : real_mem.xRealloc(p, n);
}

/* Installs SQLite's failing allocator: before SQLite initialises (-1 after). */
static inline int fa_install(void)
{
	sqlite3_mem_methods m;
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
		return -1;
	m = real_mem;
	m.xMalloc = lite_malloc;
	m.xRealloc = lite_realloc;
	return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK ? 0 : -1;
}

/* Haven's allocations, by the linker's --wrap. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

void *__wrap_malloc(size_t n) { return fails(SITE_APP) ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return fails(SITE_APP) ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return fails(SITE_APP) ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fails(SITE_APP) ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n)
{
	return fails(SITE_APP) ? NULL : __real_strndup(s, n);
}

#endif
