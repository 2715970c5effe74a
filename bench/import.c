/*
 * bench/import.c - how fast `haven import` stores a large, realistic load.
 *
 * Generates deterministically (a fixed-seed xorshift, no clock, no system
 * randomness) 100,000 persons and 1,000,000 services as interchange CSV in a
 * temporary directory, imports them through import_files into a fresh
 * database, and prints rows per second for checking, writing and the whole.
 * Compare with bench/import-floor.sh, the sqlite3 shell's .import of the same
 * files into untyped tables.
 *
 * Usage: bench_import [PERSONS SERVICES]
 *        bench_import --generate-only DIR [PERSONS SERVICES]
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/import.h"
#include "core/registry.h"

#define DEFAULT_PERSONS  100000
#define DEFAULT_SERVICES 1000000
#define BENCH_PATH_MAX   4096

struct prng {
	uint64_t s;
};

static uint64_t prng_next(struct prng *p)
{
	p->s ^= p->s << 13;
	p->s ^= p->s >> 7;
	p->s ^= p->s << 17;
	return p->s;
}

static size_t pick(struct prng *p, size_t n)
{
	return (size_t)(prng_next(p) % n);
}

static const char *const given[] = {"Aysel", "Leyla",  "Günay", "Nigar", "Elvin",   "Rəşad",
                                    "Tural", "Nərmin", "Ivan",  "Olga",  "Dilnoza", "Farrukh"};
static const char *const family[] = {"Məmmədova", "Əliyeva",  "Hüseynov", "Quliyev",
                                     "Petrov",    "Karimova", "Rahimov",  "Həsənli"};
static const char *const sources[] = {"police",           "citizen_appeal",    "ngo_referral",
                                      "hotline",          "foreign_authority", "self_referral",
                                      "labour_inspection"};
static const char *const forms[] = {
    "sexual", "labour", "sexual;labour", "domestic_servitude", "begging", "forced_marriage"};
static const char *const countries[] = {"AZE", "AZE", "AZE", "UZB", "TUR", "RUS", "XXA"};
static const char *const services[] = {
    "shelter",    "medical_assistance", "psychological_support", "legal_assistance",
    "legal_aid",  "one_time_allowance", "financial_assistance",  "vocational_training",
    "employment", "social_assistance"};
static const char *const providers[] = {"mia_shelter",           "mia_support_fund",
                                        "ssa_assistance_center", "ngo",
                                        "bar_association",       "state_employment_agency"};

static void date_text(struct prng *p, int year, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d-%02d", year, 1 + (int)pick(p, 12), 1 + (int)pick(p, 28));
}

static void person_row(FILE *f, struct prng *p, size_t i)
{
	char ident[16], recog[16], decided[16] = "", birth[16];
	const char *status = "victim";
	size_t r = pick(p, 100);
	int year = 2015 + (int)pick(p, 9);
	snprintf(birth, sizeof birth, "%d-%02d", 1960 + (int)pick(p, 45), 1 + (int)pick(p, 12));
	snprintf(ident, sizeof ident, "%d-01-%02d", year, 1 + (int)pick(p, 28));
	snprintf(recog, sizeof recog, "%d-06-%02d", year, 1 + (int)pick(p, 28));
	if (i % 2 && r < 10) { /* a child of an earlier person: even ids are victims */
		fprintf(f, "P%zu,dependant,P%zu,%s,%s,,%s,%d,AZE,,,,,,,,,\n", i,
		        (pick(p, i) & ~1ul), given[pick(p, 12)], family[pick(p, 8)],
		        r & 1 ? "male" : "female", 2010 + (int)pick(p, 10));
		return;
	}
	if (i % 2) /* odd ids are never parents: they may have any status */
		status = r < 25 ? "potential_victim" : r < 35 ? "not_confirmed" : "victim";
	if (strcmp(status, "not_confirmed") == 0)
		snprintf(decided, sizeof decided, "%s", recog);
	fprintf(f,
	        "P%zu,%s,,%s,%s,,%s,%s,%s,AA%07zu,+99450%07zu,\"Baku, street %zu\",%s,%s,%s,%s,%s,"
	        "%s\n",
	        i, status, given[pick(p, 12)], family[pick(p, 8)], r & 1 ? "female" : "male", birth,
	        countries[pick(p, 7)], i, pick(p, 10000000), pick(p, 500), ident,
	        sources[pick(p, 7)], strcmp(status, "victim") == 0 ? recog : "", decided,
	        forms[pick(p, 6)], r < 50 ? "AZE" : "TUR");
}

static void service_row(FILE *f, struct prng *p, size_t i, size_t persons)
{
	const char *svc = services[pick(p, 10)];
	char date[16], amount[32] = "", note[64] = "";
	int money =
	    strcmp(svc, "one_time_allowance") == 0 || strcmp(svc, "financial_assistance") == 0;
	date_text(p, 2016 + (int)pick(p, 8), date, sizeof date);
	if (money)
		snprintf(amount, sizeof amount, "%zu.%02zu", 100 + pick(p, 2000), pick(p, 100));
	if (pick(p, 10) == 0)
		snprintf(note, sizeof note, "\"follow-up, visit %zu\nsecond line\"", pick(p, 50));
	fprintf(f, "S%zu,P%zu,%s,%s,%s,,%s,,%s,%s\n", i, pick(p, persons), svc,
	        providers[pick(p, 6)], date, amount, strcmp(svc, "legal_aid") == 0 ? "court" : "",
	        note);
}

static int generate(const char *dir, size_t persons, size_t nservices)
{
	char path[BENCH_PATH_MAX];
	struct prng p = {0x9E3779B97F4A7C15ULL};
	FILE *f;
	snprintf(path, sizeof path, "%s/persons.csv", dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs("id,status,parent_id,given_name,family_name,patronymic,sex,birth_date,citizenship,"
	      "document_number,phone,address,identified_on,identification_source,recognized_on,"
	      "decided_on,exploitation,country_of_exploitation\n",
	      f);
	for (size_t i = 0; i < persons; i++)
		person_row(f, &p, i);
	if (fclose(f) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/services.csv", dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs("id,person_id,service,provider,date,end_date,amount,currency,phase,note\n", f);
	for (size_t i = 0; i < nservices; i++)
		service_row(f, &p, i, persons);
	return fclose(f) == 0 ? 0 : -1;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct timing {
	double start, writing;
};

static void on_progress(const struct import_progress *p, void *ctx)
{
	struct timing *t = ctx;
	if (p->stage == IMPORT_WRITING && t->writing == 0)
		t->writing = now_s();
}

/* CPU seconds (user and system) this process has used. */
static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int run(const char *dir, size_t persons, size_t nservices)
{
	char dbpath[BENCH_PATH_MAX], key[BENCH_PATH_MAX], errbuf[ERRBUF_MAX];
	char pf[BENCH_PATH_MAX], sf[BENCH_PATH_MAX];
	const char *files[2] = {pf, sf};
	struct registry_paths rp = {dbpath, key};
	struct timing t = {0, 0};
	struct import_options opt = {.progress = on_progress, .progress_ctx = &t};
	struct import_summary s;
	registry *r = NULL;
	double end, rows;
	err_t e;

	snprintf(dbpath, sizeof dbpath, "%s/bench.db", dir);
	snprintf(key, sizeof key, "%s/bench.key", dir);
	snprintf(pf, sizeof pf, "%s/persons.csv", dir);
	snprintf(sf, sizeof sf, "%s/services.csv", dir);
	if (registry_init(&rp, "AZE", errbuf) != ERR_OK ||
	    registry_open(&rp, &r, errbuf) != ERR_OK) {
		fprintf(stderr, "bench_import: %s\n", errbuf);
		return 1;
	}
	t.start = now_s();
	double cpu = cpu_s();
	e = import_files(r, files, 2, &opt, &s, stderr);
	end = now_s();
	cpu = cpu_s() - cpu;
	registry_close(r);
	if (e != ERR_OK) {
		fprintf(stderr, "bench_import: import failed: %s\n", err_str(e));
		return 1;
	}
	rows = (double)s.rows;
	if (t.writing == 0)
		t.writing = end;
	printf("import: %" PRId64 " rows (%zu persons, %zu services) in %.2f s: %.0f rows/s\n",
	       s.rows, persons, nservices, end - t.start, rows / (end - t.start));
	printf("  checking %.2f s (%.0f rows/s), writing %.2f s (%.0f rows/s)\n",
	       t.writing - t.start, rows / (t.writing - t.start), end - t.writing,
	       rows / (end - t.writing));
	printf("  cpu %.2f s (%.2f us/row)\n", cpu, rows > 0 ? cpu * 1e6 / rows : 0.0);
	return 0;
}

static void cleanup_dir(const char *dir)
{
	const char *names[] = {"persons.csv",  "services.csv", "bench.db",
	                       "bench.db-wal", "bench.db-shm", "bench.key"};
	char path[BENCH_PATH_MAX];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static size_t arg_count(const char *s, size_t fallback)
{
	char *end;
	unsigned long long v;
	if (!s)
		return fallback;
	v = strtoull(s, &end, 10);
	return *end || v == 0 ? fallback : (size_t)v;
}

int main(int argc, char **argv)
{
	char dir[BENCH_PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	int gen_only = argc >= 3 && strcmp(argv[1], "--generate-only") == 0;
	int base = gen_only ? 3 : 1;
	size_t persons = arg_count(argc > base ? argv[base] : NULL, DEFAULT_PERSONS);
	size_t nservices = arg_count(argc > base + 1 ? argv[base + 1] : NULL, DEFAULT_SERVICES);
	double t0;
	int rc;

	if (sodium_init() < 0)
		return 1;
	if (gen_only)
		return generate(argv[2], persons, nservices) == 0 ? 0 : 1;
	snprintf(dir, sizeof dir, "%s/haven-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("bench_import: mkdtemp");
		return 1;
	}
	t0 = now_s();
	if (generate(dir, persons, nservices) != 0) {
		perror("bench_import: writing the CSV files");
		cleanup_dir(dir);
		return 1;
	}
	printf("generated %zu persons and %zu services in %.2f s\n", persons, nservices,
	       now_s() - t0);
	rc = run(dir, persons, nservices);
	cleanup_dir(dir);
	return rc;
}
