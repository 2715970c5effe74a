/*
 * bench/report.c - how long the annual report takes on a large registry.
 *
 * Builds, deterministically, a SQLite database of 1,000,000 persons,
 * 10,000,000 services and 1,000,000 referrals over 2015-2024 (bulk INSERT
 * through db.h prepared statements in one transaction; the encrypted columns
 * hold a constant blob: this measures the aggregates, not the crypto), then
 * prints the seconds `haven report --year 2024 --format json` needs (compute
 * and render), next to the seconds the same statements take as plain SQL in
 * the sqlite3 shell: every statement of the report's plan (plan.c) is written
 * to DB.sql with `.parameter set` lines for its bound values, and the shell
 * runs that file.  The database is kept and reused by the next run.
 *
 * Usage: bench_report [DB] [PERSONS SERVICES REFERRALS]
 *        (default $TMPDIR/haven-bench-report.db, 1000000 10000000 1000000)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "db/db.h"
#include "report/queries.h"
#include "util/date.h"

#define FIRST_YEAR 2015
#define YEARS 10
#define REPORT_YEAR 2024
#define RUNS 3
#define DAY 86400

static const char SQL_PERSON[] =
	"INSERT INTO persons (id, ref, status, parent_id, sex, is_child, citizenship, is_foreign,"
	" identified_on, identification_source, recognized_on, decided_on, country_of_exploitation,"
	" given_name_enc, family_name_enc, digest, created_at, updated_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, 0, 0)";
static const char SQL_FORM[] = "INSERT INTO person_exploitation (person_id, form) VALUES ($1, $2)";
static const char SQL_SERVICE[] =
	"INSERT INTO services (id, ref, person_id, service, provider, date, end_date, amount,"
	" currency, phase, digest, created_at, updated_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, 0)";
static const char SQL_REFERRAL[] =
	"INSERT INTO referrals (id, ref, person_id, from_agency, to_agency, purpose, date, status,"
	" digest, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'sent', $8, 0, 0)";
static const char SQL_MARK_PUT[] = "INSERT INTO meta (key, value) VALUES ('bench_report', $1)";
static const char SQL_MARK_GET[] = "SELECT value FROM meta WHERE key = 'bench_report'";

static const unsigned char blob[64] = {1, 2, 3, 4, 5, 6, 7, 8}; /* a dummy envelope */

struct sizes {
	long persons, services, referrals;
};

/* ---- deterministic data -------------------------------------------------------------- */

static uint64_t rng = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t below(uint64_t n) /* xorshift64* */
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * UINT64_C(2685821657736338717)) % n;
}

static const char *const sources[] = {"police",  "citizen_appeal", "ngo_referral", "hotline",
				      "foreign_authority", "self_referral", "labour_inspection",
				      "other"};
static const char *const forms[] = {"sexual", "labour", "domestic_servitude", "begging",
				    "forced_marriage", "forced_criminality"};
static const char *const countries[] = {"TUR", "RUS", "ARE", "BHR", "QAT", "IRN", "AZE"};

static const struct {
	const char *service, *provider;
	int money, dependant, weight;
} kinds[] = {
	{"shelter", "mia_shelter", 0, 0, 8},
	{"one_time_allowance", "mia_support_fund", 1, 0, 4},
	{"financial_assistance", "mia_support_fund", 1, 0, 8},
	{"medical_assistance", "ngo", 0, 0, 10},
	{"social_assistance", "ngo", 0, 0, 8},
	{"psychological_support", "ssa_assistance_center", 0, 0, 8},
	{"legal_assistance", "ssa_assistance_center", 0, 0, 6},
	{"legal_aid", "bar_association", 0, 0, 6},
	{"vocational_training", "state_employment_agency", 0, 0, 5},
	{"employment", "state_employment_agency", 0, 0, 4},
	{"repatriation", "mia_ctd", 0, 0, 2},
	{"identity_documents", "civil_registry", 0, 0, 4},
	{"social_benefit_application", "ssa_assistance_center", 0, 0, 3},
	{"boarding_school", "education", 0, 0, 1},
	{"family_reunification", "ngo", 0, 0, 4},
	{"school_supplies", "ssa_assistance_center", 0, 1, 3},
	{"birth_certificate", "civil_registry", 0, 1, 2},
	{"preschool_enrollment", "education", 0, 1, 2},
	{"alimony", "other", 0, 1, 2},
	{"case_management", "mia_ctd", 0, 0, 10},
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, err_t e, db *d)
{
	fprintf(stderr, "bench_report: %s: %s%s%s\n", what, err_str(e), d ? ": " : "",
		d ? db_errmsg(d) : "");
	exit(1);
}

static void run(db *d, db_stmt *st, const char *what)
{
	if (db_step(st) != DB_DONE)
		die(what, ERR_DB, d);
	if (db_reset(st) != ERR_OK)
		die(what, ERR_DB, d);
}

#define BIND(call)                                                                                 \
	do {                                                                                       \
		err_t e_ = (call);                                                                 \
		if (e_ != ERR_OK)                                                                  \
			die(#call, e_, d);                                                         \
	} while (0)

/* Every tenth person is a dependant of the person before; the rest are
 * subjects identified over the ten years. */
static void put_person(db *d, db_stmt *st, db_stmt *form, long id, int64_t start, long days)
{
	char ref[24];
	int dependant = id % 10 == 0;
	uint64_t s = below(10), c = below(20), f = below(20);
	const char *status = dependant ? "dependant" : s < 4 ? "potential_victim" : s < 9 ? "victim"
											 : "not_confirmed";
	int64_t identified = start + (int64_t)below((uint64_t)days) * DAY;
	snprintf(ref, sizeof ref, "P%08ld", id);
	BIND(db_bind_int(st, 1, id));
	BIND(db_bind_text(st, 2, ref));
	BIND(db_bind_text(st, 3, status));
	BIND(dependant ? db_bind_int(st, 4, id - 1) : db_bind_null(st, 4));
	BIND(db_bind_text(st, 5, below(100) < 85 ? "female" : "male"));
	BIND(dependant || c == 0 ? db_bind_int(st, 6, 1) : c == 1 ? db_bind_null(st, 6)
								   : db_bind_int(st, 6, 0));
	BIND(db_bind_text(st, 7, f == 0 ? "UZB" : f == 1 ? NULL : "AZE"));
	BIND(db_bind_int(st, 8, f == 0));
	BIND(dependant ? db_bind_null(st, 9) : db_bind_int(st, 9, identified));
	BIND(db_bind_text(st, 10, dependant ? NULL : sources[below(8)]));
	BIND(strcmp(status, "victim") == 0 ? db_bind_int(st, 11, identified + (int64_t)below(90) * DAY)
					   : db_bind_null(st, 11));
	BIND(strcmp(status, "not_confirmed") == 0
		     ? db_bind_int(st, 12, identified + (int64_t)below(90) * DAY)
		     : db_bind_null(st, 12));
	BIND(db_bind_text(st, 13, dependant ? NULL : countries[below(7)]));
	BIND(db_bind_blob(st, 14, blob, sizeof blob));
	BIND(db_bind_blob(st, 15, blob, 32));
	run(d, st, "insert a person");
	if (dependant)
		return;
	BIND(db_bind_int(form, 1, id));
	BIND(db_bind_text(form, 2, forms[below(6)]));
	run(d, form, "insert a form of exploitation");
}

static size_t pick_kind(void)
{
	static int total;
	int w;
	if (!total)
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			total += kinds[i].weight;
	w = (int)below((uint64_t)total);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if ((w -= kinds[i].weight) < 0)
			return i;
	return 0;
}

/* Services come in date order, as they are recorded. */
static void put_service(db *d, db_stmt *st, long id, const struct sizes *n, int64_t start,
			long days)
{
	char ref[24];
	size_t k = pick_kind();
	long who = 1 + (long)below((uint64_t)n->persons / 10) * 10; /* ends in 1: a subject */
	int64_t date = start + (int64_t)((double)id / (double)n->services * (double)days) * DAY;
	if (kinds[k].dependant)
		who = 10 * (1 + (long)below((uint64_t)n->persons / 10));
	else
		who += (long)below(9);
	snprintf(ref, sizeof ref, "S%09ld", id);
	BIND(db_bind_int(st, 1, id));
	BIND(db_bind_text(st, 2, ref));
	BIND(db_bind_int(st, 3, who > n->persons ? n->persons - 1 : who));
	BIND(db_bind_text(st, 4, kinds[k].service));
	BIND(db_bind_text(st, 5, kinds[k].provider));
	BIND(db_bind_int(st, 6, date));
	BIND(k == 0 ? db_bind_int(st, 7, date + (int64_t)below(60) * DAY) : db_bind_null(st, 7));
	BIND(kinds[k].money ? db_bind_int(st, 8, k == 1 ? 70000 : 1000 + (int64_t)below(9000))
			    : db_bind_null(st, 8));
	BIND(db_bind_text(st, 9, kinds[k].money ? "AZN" : NULL));
	BIND(db_bind_text(st, 10, k == 7 ? (below(3) ? "court" : "investigation") : NULL));
	BIND(db_bind_blob(st, 11, blob, 32));
	run(d, st, "insert a service");
}

static void put_referral(db *d, db_stmt *st, long id, const struct sizes *n, int64_t start,
			 long days)
{
	static const char *const to[][3] = {
		{"mia_ctd", "ssa_assistance_center", "case_management"},
		{"ssa_assistance_center", "state_employment_agency", "vocational_training"},
		{"ssa_assistance_center", "state_employment_agency", "employment"},
		{"mia_ctd", "mia_shelter", "shelter"},
		{"ngo", "mia_ctd", "case_management"}};
	char ref[24];
	uint64_t k = below(10);
	k = k < 5 ? 0 : k - 5;
	snprintf(ref, sizeof ref, "R%09ld", id);
	BIND(db_bind_int(st, 1, id));
	BIND(db_bind_text(st, 2, ref));
	BIND(db_bind_int(st, 3, 1 + (long)below((uint64_t)n->persons / 10) * 10 + (long)below(9)));
	BIND(db_bind_text(st, 4, to[k][0]));
	BIND(db_bind_text(st, 5, to[k][1]));
	BIND(db_bind_text(st, 6, to[k][2]));
	BIND(db_bind_int(st, 7, start + (int64_t)below((uint64_t)days) * DAY));
	BIND(db_bind_blob(st, 8, blob, 32));
	run(d, st, "insert a referral");
}

static void build(db *d, const struct sizes *n, const char *mark)
{
	int64_t start = date_year_start(FIRST_YEAR);
	long days = (long)((date_year_start(FIRST_YEAR + YEARS) - start) / DAY);
	db_stmt *person, *form, *service, *referral, *m;
	err_t e;
	if (db_dialect_of(d) == DB_SQLITE && (e = db_exec_simple(d, "PRAGMA cache_size = -262144")) != ERR_OK)
		die("cache size", e, d);
	if ((e = db_begin(d)) != ERR_OK || (e = db_prepare(d, SQL_PERSON, &person)) != ERR_OK ||
	    (e = db_prepare(d, SQL_FORM, &form)) != ERR_OK ||
	    (e = db_prepare(d, SQL_SERVICE, &service)) != ERR_OK ||
	    (e = db_prepare(d, SQL_REFERRAL, &referral)) != ERR_OK ||
	    (e = db_prepare(d, SQL_MARK_PUT, &m)) != ERR_OK)
		die("prepare", e, d);
	for (long i = 1; i <= n->persons; i++)
		put_person(d, person, form, i, start, days);
	for (long i = 1; i <= n->services; i++)
		put_service(d, service, i, n, start, days);
	for (long i = 1; i <= n->referrals; i++)
		put_referral(d, referral, i, n, start, days);
	BIND(db_bind_blob(m, 1, mark, strlen(mark)));
	run(d, m, "mark the database");
	db_finalize(person);
	db_finalize(form);
	db_finalize(service);
	db_finalize(referral);
	db_finalize(m);
	if ((e = db_commit(d)) != ERR_OK)
		die("commit", e, d);
}

/* The database at `path` holding exactly these sizes, built when needed. */
static db *open_bench(const char *path, const struct sizes *n)
{
	char mark[128], errbuf[ERRBUF_MAX];
	db *d = NULL;
	db_stmt *st = NULL;
	size_t len = 0;
	int same = 0;
	snprintf(mark, sizeof mark, "persons=%ld services=%ld referrals=%ld", n->persons,
		 n->services, n->referrals);
	if (db_open(path, DB_OPEN_EXISTING, &d, errbuf) == ERR_OK &&
	    db_prepare(d, SQL_MARK_GET, &st) == ERR_OK && db_step(st) == DB_ROW) {
		const void *v = db_col_blob(st, 0, &len);
		same = len == strlen(mark) && memcmp(v, mark, len) == 0;
	}
	db_finalize(st);
	if (same) {
		printf("database: %s (reused: %s)\n", path, mark);
		return d;
	}
	db_close(d);
	d = NULL;
	for (int i = 0; i < 3; i++) {
		static const char *const suffix[] = {"", "-wal", "-shm"};
		char p[4200];
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
	if (db_open(path, DB_OPEN_CREATE, &d, errbuf) != ERR_OK) {
		fprintf(stderr, "bench_report: %s\n", errbuf);
		exit(1);
	}
	double t0 = now();
	build(d, n, mark);
	printf("database: %s (built in %.1f s: %s)\n", path, now() - t0, mark);
	return d;
}

/* ---- the engine -------------------------------------------------------------------------- */

static double time_engine(db *d, const struct report_def *def, const char *out_path)
{
	char errbuf[ERRBUF_MAX];
	struct report *r = NULL;
	double t0 = now();
	FILE *out = fopen(out_path, "w");
	if (!out || report_compute(d, def, REPORT_YEAR, &r, errbuf) != ERR_OK ||
	    report_render_json(r, REPORT_EN, out, out_path, errbuf) != ERR_OK) {
		fprintf(stderr, "bench_report: %s\n", out ? errbuf : "cannot write the JSON");
		exit(1);
	}
	if (fclose(out) != 0)
		exit(1);
	report_free(r);
	return now() - t0;
}

/* ---- the same statements in the sqlite3 shell --------------------------------------------- */

static int write_param(FILE *f, int n, const struct rq_param *p)
{
	if (p->kind == RQ_NULL)
		return 0; /* an unset parameter is NULL */
	if (fprintf(f, ".parameter set $%d ", n) < 0)
		return -1;
	if (p->kind == RQ_INT)
		return fprintf(f, "%lld\n", (long long)p->i) < 0 ? -1 : 0;
	if (fputc('\'', f) == EOF)
		return -1;
	for (const char *s = p->s; *s; s++)
		if ((*s == '\'' && fputc('\'', f) == EOF) || fputc(*s, f) == EOF)
			return -1;
	return fputs("'\n", f) == EOF ? -1 : 0;
}

static err_t write_statement(const struct rq_query *q, void *ctx)
{
	FILE *f = ctx;
	if (fputs(".parameter clear\n", f) == EOF)
		return ERR_IO;
	for (int k = 0; k < q->n; k++)
		if (write_param(f, k + 1, &q->param[k]) != 0)
			return ERR_IO;
	return fputs(q->sql, f) == EOF || fputs(";\n", f) == EOF ? ERR_IO : ERR_OK;
}

static double time_shell(const char *db_path, const char *sql_path)
{
	double t0 = now();
	int status;
	pid_t pid = fork();
	if (pid == 0) {
		int in = open(sql_path, O_RDONLY), out = open("/dev/null", O_WRONLY);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0)
			_exit(127);
		execlp("sqlite3", "sqlite3", "-bail", db_path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_report: the sqlite3 shell failed on %s\n", sql_path);
		exit(1);
	}
	return now() - t0;
}

static long arg_long(const char *s)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 10) {
		fprintf(stderr, "bench_report: '%s' is not a size\n", s);
		exit(2);
	}
	return v;
}

static void print_runs(const char *what, const double *t)
{
	double best = t[0];
	for (int i = 1; i < RUNS; i++)
		best = t[i] < best ? t[i] : best;
	printf("%-44s %6.3f s   (runs:", what, best);
	for (int i = 0; i < RUNS; i++)
		printf(" %.3f", t[i]);
	printf(")\n");
}

int main(int argc, char **argv)
{
	struct sizes n = {1000000, 10000000, 1000000};
	const char *tmp = getenv("TMPDIR");
	char path[4096], sql_path[4200], json_path[4200], errbuf[ERRBUF_MAX];
	double engine[RUNS], shell[RUNS], be = 1e9, bs = 1e9;
	struct report_def *def = NULL;
	FILE *f;
	db *d;
	if (sodium_init() < 0)
		return 1;
	snprintf(path, sizeof path, "%s", argc > 1 ? argv[1] : "");
	if (!path[0])
		snprintf(path, sizeof path, "%s/haven-bench-report.db", tmp && *tmp ? tmp : "/tmp");
	if (argc > 4) {
		n.persons = arg_long(argv[2]);
		n.services = arg_long(argv[3]);
		n.referrals = arg_long(argv[4]);
	}
	snprintf(sql_path, sizeof sql_path, "%s.sql", db_target_is_postgres(path) ? "/tmp/haven-bench-report-pg" : path);
	snprintf(json_path, sizeof json_path, "%s.json", path);
	d = open_bench(path, &n);
	if (report_def_load(NULL, &def, errbuf) != ERR_OK) {
		fprintf(stderr, "bench_report: %s\n", errbuf);
		return 1;
	}
	if (!(f = fopen(sql_path, "w")) || rq_plan(def, REPORT_YEAR, write_statement, f) != ERR_OK ||
	    fclose(f) != 0) {
		fprintf(stderr, "bench_report: cannot write %s\n", sql_path);
		return 1;
	}
	/* On PostgreSQL only the engine is timed: the plain-SQL file is written
	 * for the sqlite3 shell. */
	int pg = db_dialect_of(d) == DB_POSTGRES;
	if (pg)
		snprintf(json_path, sizeof json_path, "%s/haven-bench-report-pg.json",
			 tmp && *tmp ? tmp : "/tmp");
	for (int i = 0; i < RUNS; i++) {
		engine[i] = time_engine(d, def, json_path);
		shell[i] = pg ? 0 : time_shell(path, sql_path);
		be = engine[i] < be ? engine[i] : be;
		bs = shell[i] < bs ? shell[i] : bs;
	}
	print_runs(pg ? "haven report --year 2024 --format json (PostgreSQL)"
		      : "haven report --year 2024 --format json", engine);
	if (!pg) {
		print_runs("the same statements in the sqlite3 shell", shell);
		printf("ratio engine / shell: %.2f   (SQL: %s)\n", be / bs, sql_path);
	}
	report_def_free(def);
	db_close(d);
	return 0;
}
