/*
 * demo.c - the synthetic demo data set: persons, services and referrals for
 * 2019-2024 that reproduce, by the definitions of
 * shared/spec/annual-report.md, every published figure of
 * shared/spec/demo-data.md and of the 2024 report, written as the three
 * interchange CSV files.
 *
 * This module owns the data plan (the per-year targets and the victim cohorts
 * below), the deterministic generator that turns the plan into records, and
 * the text of the three files.  It neither validates nor stores: the files
 * reach the database through `haven import` like any agency's, so loading the
 * demo also exercises the importer.  Each figure is exact by construction:
 * an indicator's planned number of distinct persons is drawn from exactly the
 * persons the definition admits, and nothing else gives that service.
 * tests/demo/check_demo.py recomputes every figure from the CSV on its own.
 *
 * Choices where the record is silent (check_demo.py checks them too):
 *   2023: allowance_recipients 90, allowance_total 63000.00,
 *     vocational_training 21, employment 12, repatriation_foreign 0,
 *     identity_documents 7, social_benefit_applications 14,
 *     child_victims_boarding_school 3, family_reunification 51,
 *     assistance_center_referrals 58, _psychological 31, _legal 15,
 *     _to_vocational 4, _to_employment 2, _children_supplies 4,
 *     potential_victims_assisted 21, bar_legal_aid 104 (court 76,
 *     investigation 31: 3 people had both phases), children_school_supplies
 *     14, children_birth_certificates 9, children_preschool 8,
 *     children_alimony 12.
 *   2020 victims: 87 female, 7 male; 2024: 72 female, 8 male, 3 children,
 *     1 foreign (UZB, repatriated); 2022 foreign: UZB and one stateless (XXA).
 *   2023 countries: the published countries add up to 89 victims of sexual
 *     exploitation abroad, and 2 were exploited for labour "inside the
 *     country", yet there were 90 victims.  One woman is counted in both:
 *     exploitation "sexual;labour".  A person has one country of
 *     exploitation, so hers is TUR (keeping every published country count);
 *     the other labour victim, the one man, is recorded with AZE.
 *   Edge cases on purpose: a 2022 child victim born "YYYY-MM" and a 2024 one
 *     born "YYYY" who are children only by the presumption of minority; a
 *     2024 victim identified on her 18th birthday (an adult); stateless and
 *     absent citizenships; shelter stays, referrals and Support Fund payments
 *     twice to the same person; shelter stays crossing the new year; victims
 *     recognised the year after identification; potential victims from NGOs
 *     who got no service, or got one only the next year.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/demo.h"
#include "util/date.h"
#include "util/durable.h"
#include "util/money.h"

#define DEMO_LAST_YEAR     2024
#define DEMO_PERSONS_MAX   2000
#define DEMO_SERVICES_MAX  12000
#define DEMO_REFERRALS_MAX 4000
#define DEMO_PICK_MAX      256         /* the most persons one indicator is given to */
#define DEMO_COHORT_MAX    128         /* the most victims recognised in one year */
#define DEMO_CSV_MAX       (16u << 20) /* the largest file we are willing to build */
#define DEMO_SEED          UINT64_C(0x4861766e44656d6f) /* "HavnDemo" */
#define DEMO_ALLOWANCE     70000                        /* qəpik: the 700 AZN one-time allowance */
#define SECONDS_PER_DAY    86400
#define N(a)               ((int)(sizeof(a) / sizeof((a)[0])))

typedef int32_t day_t; /* days since 1970-01-01 */
#define DAY_NONE INT32_MIN

enum status { ST_POTENTIAL, ST_VICTIM, ST_NOT_CONFIRMED, ST_DEPENDANT };
static const char *const status_code[] = {"potential_victim", "victim", "not_confirmed",
                                          "dependant"};

enum sex { SEX_F, SEX_M, SEX_O };
static const char *const sex_code[] = {"female", "male", "other"};

enum birth_prec { BIRTH_NONE, BIRTH_DAY, BIRTH_MONTH, BIRTH_YEAR };

/* ---- the plan ---------------------------------------------------------- */

/*
 * What each year must show.  Counts are distinct persons.  `crossers` victims
 * of the year were identified the year before, `crossers_ngo` of them through
 * an NGO or citizen and served then, so that potential_victims_assisted(Y) =
 * pv_ngo(Y) + crossers_ngo(Y + 1).  Besides pv_ngo and pv_other, each year has
 * two NGO-identified potential victims who were not served that year.
 */
struct year_plan {
	int year, victims, crossers, crossers_ngo, pv_ngo, pv_other;
	int shelter, fund;
	int64_t fund_total; /* qəpik */
	int court, investigation, both;
	int ssa, ssa_psych, ssa_legal, ssa_to_voc, ssa_to_emp;
	int vocational, employment, identity_docs, social_benefit, family, boarding, repatriation;
	int ssa_children, school_supplies, birth_certs, preschool, alimony;
};

/* One block per year, grouped as the report reads; kept out of clang-format's way. */
/* clang-format off */
static const struct year_plan plans[] = {
	{.year = 2019, .victims = 91, .crossers = 5, .crossers_ngo = 0, .pv_ngo = 14, .pv_other = 6,
	 .shelter = 70, .fund = 92, .fund_total = 460000,
	 .court = 55, .investigation = 30, .both = 2,
	 .ssa = 45, .ssa_psych = 28, .ssa_legal = 10, .ssa_to_voc = 2, .ssa_to_emp = 1,
	 .vocational = 12, .employment = 6, .identity_docs = 8, .social_benefit = 7, .family = 40,
	 .boarding = 1, .repatriation = 2,
	 .ssa_children = 2, .school_supplies = 10, .birth_certs = 7, .preschool = 5, .alimony = 6},
	{.year = 2020, .victims = 94, .crossers = 7, .crossers_ngo = 2, .pv_ngo = 16, .pv_other = 7,
	 .shelter = 62, .fund = 101, .fund_total = 512050,
	 .court = 60, .investigation = 33, .both = 1,
	 .ssa = 50, .ssa_psych = 33, .ssa_legal = 9, .ssa_to_voc = 1, .ssa_to_emp = 2,
	 .vocational = 9, .employment = 4, .identity_docs = 10, .social_benefit = 12, .family = 38,
	 .boarding = 1, .repatriation = 1,
	 .ssa_children = 2, .school_supplies = 11, .birth_certs = 8, .preschool = 6, .alimony = 7},
	{.year = 2021, .victims = 95, .crossers = 6, .crossers_ngo = 2, .pv_ngo = 15, .pv_other = 6,
	 .shelter = 71, .fund = 96, .fund_total = 501000,
	 .court = 68, .investigation = 29, .both = 2,
	 .ssa = 55, .ssa_psych = 30, .ssa_legal = 12, .ssa_to_voc = 3, .ssa_to_emp = 2,
	 .vocational = 14, .employment = 7, .identity_docs = 11, .social_benefit = 10, .family = 47,
	 .boarding = 1, .repatriation = 0,
	 .ssa_children = 3, .school_supplies = 13, .birth_certs = 10, .preschool = 7, .alimony = 9},
	{.year = 2022, .victims = 94, .crossers = 8, .crossers_ngo = 3, .pv_ngo = 19, .pv_other = 7,
	 .shelter = 73, .fund = 102, .fund_total = 548000,
	 .court = 72, .investigation = 30, .both = 3,
	 .ssa = 60, .ssa_psych = 34, .ssa_legal = 14, .ssa_to_voc = 2, .ssa_to_emp = 3,
	 .vocational = 16, .employment = 10, .identity_docs = 12, .social_benefit = 13, .family = 49,
	 .boarding = 4, .repatriation = 1,
	 .ssa_children = 3, .school_supplies = 15, .birth_certs = 11, .preschool = 9, .alimony = 11},
	{.year = 2023, .victims = 90, .crossers = 7, .crossers_ngo = 2, .pv_ngo = 18, .pv_other = 7,
	 .shelter = 68, .fund = 98, .fund_total = 530000,
	 .court = 76, .investigation = 31, .both = 3,
	 .ssa = 58, .ssa_psych = 31, .ssa_legal = 15, .ssa_to_voc = 4, .ssa_to_emp = 2,
	 .vocational = 21, .employment = 12, .identity_docs = 7, .social_benefit = 14, .family = 51,
	 .boarding = 3, .repatriation = 0,
	 .ssa_children = 4, .school_supplies = 14, .birth_certs = 9, .preschool = 8, .alimony = 12},
	{.year = 2024, .victims = 80, .crossers = 9, .crossers_ngo = 3, .pv_ngo = 17, .pv_other = 6,
	 .shelter = 56, .fund = 88, .fund_total = 505000,
	 .court = 70, .investigation = 28, .both = 0,
	 .ssa = 63, .ssa_psych = 36, .ssa_legal = 13, .ssa_to_voc = 3, .ssa_to_emp = 3,
	 .vocational = 18, .employment = 9, .identity_docs = 9, .social_benefit = 11, .family = 44,
	 .boarding = 2, .repatriation = 1,
	 .ssa_children = 3, .school_supplies = 16, .birth_certs = 12, .preschool = 10, .alimony = 10},
};
/* clang-format on */

/* Victims recognised in a year, by sex, citizenship and exploitation
 * (shared/spec/demo-data.md); `children` of the group are under 18. */
struct victim_group {
	int year, n, children;
	enum sex sex;
	const char *citizenship, *exploitation, *country;
};

static const struct victim_group victim_groups[] = {
    {2019, 4, 0, SEX_M, "AZE", "labour", "RUS"},
    {2019, 2, 0, SEX_M, "AZE", "labour", "AZE"},
    {2019, 1, 0, SEX_F, "TJK", "sexual", "AZE"},
    {2019, 1, 0, SEX_F, "UZB", "sexual", "AZE"},
    {2019, 30, 1, SEX_F, "AZE", "sexual", "TUR"},
    {2019, 23, 0, SEX_F, "AZE", "sexual", "RUS"},
    {2019, 17, 0, SEX_F, "AZE", "sexual", "ARE"},
    {2019, 4, 0, SEX_F, "AZE", "sexual", "BHR"},
    {2019, 3, 0, SEX_F, "AZE", "sexual", "QAT"},
    {2019, 2, 0, SEX_F, "AZE", "sexual", "IRN"},
    {2019, 2, 0, SEX_F, "AZE", "domestic_servitude", "ARE"},
    {2019, 2, 0, SEX_F, "AZE", "labour", "AZE"},

    {2020, 7, 0, SEX_M, "AZE", "labour", "AZE"},
    {2020, 2, 0, SEX_F, "AZE", "labour", "AZE"},
    {2020, 1, 0, SEX_F, "RUS", "sexual", "AZE"},
    {2020, 32, 1, SEX_F, "AZE", "sexual", "TUR"},
    {2020, 21, 0, SEX_F, "AZE", "sexual", "RUS"},
    {2020, 18, 1, SEX_F, "AZE", "sexual", "ARE"},
    {2020, 6, 0, SEX_F, "AZE", "sexual", "BHR"},
    {2020, 4, 0, SEX_F, "AZE", "sexual", "QAT"},
    {2020, 3, 0, SEX_F, "AZE", "sexual", "IRN"},

    {2021, 1, 0, SEX_M, "AZE", "labour", "RUS"},
    {2021, 34, 0, SEX_F, "AZE", "sexual", "TUR"},
    {2021, 25, 0, SEX_F, "AZE", "sexual", "RUS"},
    {2021, 20, 0, SEX_F, "AZE", "sexual", "ARE"},
    {2021, 7, 0, SEX_F, "AZE", "sexual", "BHR"},
    {2021, 3, 0, SEX_F, "AZE", "sexual", "QAT"},
    {2021, 2, 0, SEX_F, "AZE", "sexual", "IRN"},
    {2021, 1, 0, SEX_F, "AZE", "sexual", "IRQ"},
    {2021, 2, 0, SEX_F, "AZE", "domestic_servitude", "TUR"},

    {2022, 1, 0, SEX_M, "AZE", "labour", "AZE"},
    {2022, 1, 0, SEX_F, "UZB", "sexual", "AZE"},
    {2022, 1, 0, SEX_F, "XXA", "sexual", "AZE"},
    {2022, 1, 1, SEX_F, "AZE", "forced_marriage", "AZE"},
    {2022, 30, 2, SEX_F, "AZE", "sexual", "TUR"},
    {2022, 27, 1, SEX_F, "AZE", "sexual", "RUS"},
    {2022, 19, 1, SEX_F, "AZE", "sexual", "ARE"},
    {2022, 8, 1, SEX_F, "AZE", "sexual", "BHR"},
    {2022, 4, 0, SEX_F, "AZE", "sexual", "QAT"},
    {2022, 2, 0, SEX_F, "AZE", "sexual", "IRN"},

    {2023, 1, 0, SEX_M, "AZE", "labour", "AZE"},
    {2023, 1, 0, SEX_F, "AZE", "sexual;labour", "TUR"},
    {2023, 27, 0, SEX_F, "AZE", "sexual", "TUR"},
    {2023, 28, 0, SEX_F, "AZE", "sexual", "RUS"},
    {2023, 15, 0, SEX_F, "AZE", "sexual", "ARE"},
    {2023, 10, 0, SEX_F, "AZE", "sexual", "BHR"},
    {2023, 4, 0, SEX_F, "AZE", "sexual", "QAT"},
    {2023, 3, 0, SEX_F, "AZE", "sexual", "IRN"},
    {2023, 1, 0, SEX_F, "AZE", "sexual", "IRQ"},

    {2024, 5, 0, SEX_M, "AZE", "labour", "RUS"},
    {2024, 3, 0, SEX_M, "AZE", "labour", "AZE"},
    {2024, 1, 0, SEX_F, "UZB", "sexual", "AZE"},
    {2024, 1, 1, SEX_F, "AZE", "forced_marriage", "AZE"},
    {2024, 26, 1, SEX_F, "AZE", "sexual", "TUR"},
    {2024, 18, 1, SEX_F, "AZE", "sexual", "RUS"},
    {2024, 14, 0, SEX_F, "AZE", "sexual", "ARE"},
    {2024, 5, 0, SEX_F, "AZE", "sexual", "BHR"},
    {2024, 3, 0, SEX_F, "AZE", "sexual", "QAT"},
    {2024, 2, 0, SEX_F, "AZE", "sexual", "IRN"},
    {2024, 1, 0, SEX_F, "AZE", "domestic_servitude", "ARE"},
    {2024, 1, 0, SEX_F, "AZE", "labour", "AZE"},
};

/* ---- names and notes: synthetic, in Azerbaijani spelling ----------------- */

static const char *const female_given[] = {
    "Aygün",  "Gülşən",  "Şəhla",    "Nərmin",  "Çiçək",  "Səbinə", "Ləman",   "Günel",
    "Könül",  "Aynur",   "Xədicə",   "Zərifə",  "Sevinc", "Türkan", "Ülviyyə", "Nigar",
    "Fidan",  "Aytən",   "Vüsalə",   "Gülnarə", "Məryəm", "Lalə",   "Əminə",   "Firəngiz",
    "Şəbnəm", "Nurlanə", "İlahə",    "Rəna",    "Kəmalə", "Jalə",   "Aysel",   "Gülər",
    "Səadət", "Pərvin",  "Zülfiyyə", "Nazlı",   "Gülay",  "Ayşən",  "Həcər",   "Süsən"};
static const char *const male_given[] = {"Elşən",  "Rəşad",    "Orxan",  "Vüqar", "Tural", "Əli",
                                         "Hüseyn", "Məmməd",   "Rauf",   "Elçin", "Cavid", "Nicat",
                                         "Ülvi",   "Şahin",    "Kamran", "Fərid", "İlkin", "Səməd",
                                         "Zaur",   "Müşfiq",   "Rövşən", "Namiq", "Anar",  "Babək",
                                         "Qədir",  "Şəhriyar", "Yusif",  "Tofiq", "Mirzə", "Ağası"};
/* Male forms; the female form adds "a" (Məmmədov, Məmmədova). */
static const char *const family_stem[] = {
    "Məmmədov", "Əliyev",   "Hüseynov",  "Həsənov", "Quliyev",    "İsmayılov", "Abbasov",
    "Cəfərov",  "Rəhimov",  "Nəsirov",   "Qasımov", "Süleymanov", "Bağırov",   "Şükürov",
    "Ağayev",   "Orucov",   "Kərimov",   "Vəliyev", "Mustafayev", "Əhmədov",   "Babayev",
    "Sadıqov",  "Nağıyev",  "Zeynalov",  "Əsgərov", "Hacıyev",    "Musayev",   "Ələkbərov",
    "Tağıyev",  "Mirzəyev", "Çələbiyev", "Göyüşov", "Şirinov",    "Ömərov",    "Rüstəmov"};

struct foreign_name {
	const char *citizenship, *given, *family;
};
static const struct foreign_name foreign_names[] = {
    {"UZB", "Dilnoza", "Karimova"},   {"UZB", "Malika", "Tursunova"},
    {"TJK", "Mehrangez", "Rahimova"}, {"RUS", "Irina", "Sokolova"},
    {"XXA", "Zarina", "Saidova"},     {"GEO", "Nino", "Beridze"},
};

struct note {
	const char *service, *text;
};
static const struct note notes[] = {
    {"shelter", "Sığınacağa yerləşdirildi, tibbi müayinə təyin edildi."},
    {"shelter", "Arrived with one bag; clothes provided."},
    {"medical_assistance", "İlkin tibbi müayinə aparıldı."},
    {"psychological_support", "İlkin psixoloji məsləhət keçirildi."},
    {"psychological_support", "Follow-up session in two weeks."},
    {"legal_aid", "Escorted to the hearing by a social worker."},
    {"legal_aid", "Məhkəmə iclası təxirə salındı."},
    {"legal_assistance", "Əmək hüquqları barədə məsləhət verildi."},
    {"financial_assistance", "Ödəniş kart hesabına köçürüldü."},
    {"one_time_allowance", "Paid to her bank card."},
    {"vocational_training", "Kurs: tikiş və dərzilik, 3 ay."},
    {"vocational_training", "Course: hairdressing, evening group."},
    {"employment", "Tikiş fabrikində işə düzəldi."},
    {"family_reunification", "Ailəsi ilə görüş Gəncədə təşkil edildi."},
    {"identity_documents", "Şəxsiyyət vəsiqəsi üçün müraciət qəbul edildi."},
    {"social_assistance", "Ərzaq yardımı, qış paltarı."},
    {"school_supplies", "Məktəb çantası və dəftərlər verildi."},
    {"preschool_enrollment", "Uşaq bağçasına qəbul olundu."},
};

/* One note with a comma, a quote and a line break: RFC 4180 quoting at work. */
static const char quoted_note[] = "Anası dedi: \"Uşaq məktəbə qayıtmaq istəyir\", sabah zəng "
                                  "ediləcək.\nİkinci görüş cümə günü.";

/* ---- records and the generator's state ------------------------------------ */

struct demo_person {
	enum status status;
	enum sex sex;
	enum birth_prec prec;
	int parent; /* index of the parent (dependants), else -1 */
	int given, family, father;
	const struct foreign_name *foreign; /* the name when not Azerbaijani */
	const char *citizenship, *source, *exploitation, *country;
	day_t birth, identified, recognized, decided;
	day_t svc_from, svc_to; /* the days services may be given: plan only */
	int guar_year;          /* a year in which at least one service is certain */
	int child_slot;         /* planned as a child victim */
	int contact;            /* has a document number, phone and address */
	int key_year, id_num;   /* the id is P-<key_year>-<id_num> */
};

struct demo_service {
	int person, seq, id_num;
	long key; /* the person's id, for ordering */
	const char *code, *provider, *phase, *note;
	day_t date, end;
	int64_t amount; /* qəpik; -1 when not a money service */
};

struct demo_referral {
	int person, seq, id_num;
	long key;
	const char *from, *to, *purpose, *status;
	day_t date, closed;
};

enum mark { MK_TAKEN, MK_SSA, MK_SEA, MK_INV, MK_PARENT, MK_DEP, MK_COUNT };

struct demo {
	struct demo_person *p;
	struct demo_service *s;
	struct demo_referral *r;
	int np, ns, nr;
	int *cand;  /* pick()'s scratch */
	int *order; /* persons in id order */
	day_t *day; /* per person: this year's anchor day (a referral, an investigation) */
	unsigned char *mark[MK_COUNT]; /* per person: sets within one year */
	uint64_t rng;
	err_t rc; /* the first failure: once set, every step does nothing */
	char msg[ERRBUF_MAX];
	struct demo_service sink_s; /* written to instead once a table is full */
	struct demo_referral sink_r;
};

typedef int (*eligible_fn)(const struct demo *d, int i, int year);

__attribute__((format(printf, 3, 4))) static void fail(struct demo *d, err_t rc, const char *fmt,
                                                       ...)
{
	va_list ap;

	if (d->rc != ERR_OK)
		return;
	d->rc = rc;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
}

/*
 * splitmix64 (Steele, Lea and Flood 2014) from a fixed seed.  For the
 * synthetic data only: it is predictable by design and must never produce
 * keys, tokens or anything else that has to be secret.
 */
static uint64_t rng_next(struct demo *d)
{
	uint64_t z = (d->rng += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* 0 .. n-1; n > 0.  The modulo bias is irrelevant for demo data. */
static int rng_below(struct demo *d, int n)
{
	return (int)(rng_next(d) % (uint64_t)n);
}

/* ---- days (date.h does the calendar) ------------------------------------- */

static day_t day_of(int y, int m, int dd)
{
	char t[32];
	int64_t s;

	snprintf(t, sizeof t, "%04d-%02d-%02d", y, m, dd);
	return date_parse(t, &s) == ERR_OK ? (day_t)(s / SECONDS_PER_DAY) : DAY_NONE;
}

static day_t year_start(int y)
{
	return (day_t)(date_year_start(y) / SECONDS_PER_DAY);
}

static day_t year_end(int y)
{
	return year_start(y + 1) - 1;
}

static day_t data_end(void)
{
	return year_end(DEMO_LAST_YEAR);
}

static int year_of(day_t t)
{
	return t == DAY_NONE ? 0 : date_year((int64_t)t * SECONDS_PER_DAY);
}

static day_t min_day(day_t a, day_t b)
{
	return a < b ? a : b;
}

static void day_text(day_t t, char *buf)
{
	buf[0] = '\0';
	if (t != DAY_NONE)
		date_format((int64_t)t * SECONDS_PER_DAY, buf);
}

/* The number written with `n` digits at s ("2024-05-14"). */
static int text_num(const char *s, int n)
{
	int v = 0;
	for (int k = 0; k < n; k++)
		v = v * 10 + (s[k] - '0');
	return v;
}

/* The same month and year as t, on day `dom`, `years` years earlier. */
static day_t shift_day(day_t t, int years, int dom)
{
	char s[DATE_TEXT_MAX];

	day_text(t, s);
	return day_of(text_num(s, 4) - years, text_num(s + 5, 2), dom ? dom : text_num(s + 8, 2));
}

/* ---- persons ----------------------------------------------------------- */

static int is_subject(const struct demo_person *p)
{
	return p->status != ST_DEPENDANT;
}

static void birth_text(const struct demo_person *p, char *buf)
{
	day_text(p->prec == BIRTH_NONE ? DAY_NONE : p->birth, buf);
	if (p->prec == BIRTH_MONTH)
		buf[7] = '\0';
	else if (p->prec == BIRTH_YEAR)
		buf[4] = '\0';
}

/* 1 when the person is under 18 on `on`, taken as young as the written birth
 * date allows (presumption of minority); 0 when the birth date is absent. */
static int minor_on(const struct demo_person *p, day_t on)
{
	char t[DATE_TEXT_MAX];
	int64_t earliest, latest;

	birth_text(p, t);
	if (t[0] == '\0' || date_parse_partial(t, &earliest, &latest) != ERR_OK)
		return 0;
	return date_is_minor(latest, (int64_t)on * SECONDS_PER_DAY);
}

/* Whole years, roughly: enough to keep ages plausible; -1 when unknown. */
static int age_on(const struct demo_person *p, day_t on)
{
	return p->birth == DAY_NONE ? -1 : (int)(((int64_t)on - p->birth) * 4 / 1461);
}

static int is_child(const struct demo_person *p)
{
	return is_subject(p) && minor_on(p, p->identified);
}

static int is_foreign(const struct demo_person *p)
{
	return p->citizenship && strcmp(p->citizenship, "AZE") != 0;
}

static struct demo_person *new_person(struct demo *d, enum status st)
{
	struct demo_person *p;

	if (d->rc != ERR_OK)
		return NULL;
	if (d->np == DEMO_PERSONS_MAX) {
		fail(d, ERR_LIMIT, "demo: more than %d persons", DEMO_PERSONS_MAX);
		return NULL;
	}
	p = &d->p[d->np++];
	memset(p, 0, sizeof *p);
	p->status = st;
	p->parent = -1;
	p->birth = p->identified = p->recognized = p->decided = DAY_NONE;
	p->svc_from = p->svc_to = DAY_NONE;
	return p;
}

static void give_name(struct demo *d, struct demo_person *p)
{
	int matches = 0, pickn;

	p->family = rng_below(d, N(family_stem));
	p->father = rng_below(d, N(male_given));
	p->given = rng_below(d, p->sex == SEX_M ? N(male_given) : N(female_given));
	p->foreign = NULL;
	if (!is_foreign(p))
		return;
	for (int k = 0; k < N(foreign_names); k++)
		matches += strcmp(foreign_names[k].citizenship, p->citizenship) == 0;
	pickn = matches ? rng_below(d, matches) : 0;
	for (int k = 0; k < N(foreign_names); k++)
		if (strcmp(foreign_names[k].citizenship, p->citizenship) == 0 && pickn-- == 0)
			p->foreign = &foreign_names[k];
}

/* A birth day 20 to 46 years before `on`: an adult even if only the year is
 * written (the youngest reading, 31 December, is still 19). */
static day_t adult_birth(struct demo *d, day_t on)
{
	return on - 20 * 366 - rng_below(d, 26 * 365);
}

static enum birth_prec adult_prec(int k)
{
	if (k % 13 == 5)
		return BIRTH_YEAR;
	return k % 17 == 8 ? BIRTH_MONTH : BIRTH_DAY;
}

/*
 * Recognition spread over the year.  The first `crossers` were identified in
 * November or December of the year before; the rest 2 to 10 weeks before
 * recognition, within the year.
 */
static void victim_dates(struct demo *d, const struct year_plan *pl, int k, struct demo_person *p)
{
	int y = pl->year, later = pl->victims - pl->crossers, j = k - pl->crossers;

	if (k < pl->crossers) {
		p->recognized = day_of(y, 1, 8) + k * 3 + rng_below(d, 4);
		p->identified = day_of(y - 1, 11, 15) + k * 5 + rng_below(d, 5);
		return;
	}
	p->recognized = day_of(y, 2, 20) + j * 295 / later + rng_below(d, 5);
	p->identified = p->recognized - 14 - rng_below(d, 60);
	if (p->identified < year_start(y) + 1)
		p->identified = year_start(y) + 1;
}

static const char *victim_source(struct demo *d, const struct year_plan *pl, int k,
                                 const struct demo_person *p)
{
	static const char *const crosser[] = {"police", "foreign_authority", "hotline"};
	static const char *const usual[] = {"police",       "police",         "police",
	                                    "police",       "police",         "police",
	                                    "hotline",      "hotline",        "ngo_referral",
	                                    "ngo_referral", "citizen_appeal", "self_referral"};

	if (k < pl->crossers_ngo)
		return k % 2 ? "citizen_appeal" : "ngo_referral";
	if (k < pl->crossers)
		return crosser[k % N(crosser)];
	if (strcmp(p->country, "AZE") != 0 && k % 6 == 0)
		return "foreign_authority";
	if (strstr(p->exploitation, "labour") && k % 2 == 0)
		return "labour_inspection";
	return usual[rng_below(d, N(usual))];
}

struct slot {
	const struct victim_group *g;
	int child;
};

static void add_victim(struct demo *d, const struct year_plan *pl, int k, const struct slot *s)
{
	struct demo_person *p = new_person(d, ST_VICTIM);

	if (!p)
		return;
	p->sex = s->g->sex;
	p->citizenship = s->g->citizenship;
	p->exploitation = s->g->exploitation;
	p->country = s->g->country;
	p->child_slot = s->child;
	victim_dates(d, pl, k, p);
	p->source = victim_source(d, pl, k, p);
	if (k < pl->crossers_ngo)
		p->guar_year = pl->year - 1;
	/* children are 14 to 15: still minors two years on, for boarding school */
	p->birth = s->child ? p->identified - 14 * 365 - 30 - rng_below(d, 330)
	                    : adult_birth(d, p->identified);
	p->prec = s->child ? BIRTH_DAY : adult_prec(k);
	p->svc_from = p->identified;
	p->svc_to = min_day(year_end(pl->year + 2), data_end());
	p->contact = rng_below(d, 10) < 7;
	give_name(d, p);
}

static void add_cohort(struct demo *d, const struct year_plan *pl)
{
	struct slot slots[DEMO_COHORT_MAX];
	int n = 0;

	for (int g = 0; g < N(victim_groups); g++)
		for (int j = 0; victim_groups[g].year == pl->year && j < victim_groups[g].n; j++) {
			if (n == DEMO_COHORT_MAX)
				break;
			slots[n].g = &victim_groups[g];
			slots[n++].child = j < victim_groups[g].children;
		}
	if (n != pl->victims) {
		fail(d, ERR_INVALID, "demo plan: %d: %d victims in the groups, %d planned",
		     pl->year, n, pl->victims);
		return;
	}
	/* shuffled, so that countries and children spread over the year */
	for (int k = n - 1; k > 0; k--) {
		int j = rng_below(d, k + 1);
		struct slot t = slots[k];
		slots[k] = slots[j];
		slots[j] = t;
	}
	for (int k = 0; k < n; k++)
		add_victim(d, pl, k, &slots[k]);
}

static void not_confirm(struct demo *d, struct demo_person *p)
{
	p->status = ST_NOT_CONFIRMED;
	p->decided = min_day(p->identified + 40 + rng_below(d, 80), data_end());
	p->svc_to = min_day(year_end(year_of(p->identified)), data_end());
}

static void potential_profile(struct demo *d, struct demo_person *p, int y, int k)
{
	static const char *const expl[][2] = {
	    {"sexual", "TUR"}, {"labour", "RUS"},        {"sexual", "ARE"},
	    {NULL, NULL},      {"sexual;labour", "RUS"}, {"domestic_servitude", "TUR"}};

	p->sex = (y == 2022 && k == 5) ? SEX_O : k % 5 == 3 ? SEX_M : SEX_F;
	p->citizenship = k % 10 == 6 ? NULL : (y == 2021 && k == 3) ? "GEO" : "AZE";
	p->exploitation = expl[k % N(expl)][0];
	p->country = expl[k % N(expl)][1];
	if (k % 9 == 4) {
		p->birth = p->identified - 16 * 365 - rng_below(d, 200);
		p->prec = BIRTH_DAY;
	} else if (k % 11 == 7) {
		p->prec = BIRTH_NONE;
	} else {
		p->birth = adult_birth(d, p->identified);
		p->prec = k % 8 == 1 ? BIRTH_YEAR : BIRTH_DAY;
	}
	p->contact = rng_below(d, 10) < 6;
	give_name(d, p);
}

/*
 * Potential victims identified in y: pv_ngo through an NGO or a citizen, each
 * served in y; pv_other through other sources; then one NGO referral never
 * served and one citizen appeal at the end of December served from January.
 */
static void add_potential(struct demo *d, const struct year_plan *pl, int k, int n)
{
	static const char *const other_sources[] = {"police", "hotline", "self_referral",
	                                            "labour_inspection"};
	int y = pl->year, ngo = k < pl->pv_ngo, other = !ngo && k < pl->pv_ngo + pl->pv_other;
	struct demo_person *p = new_person(d, ST_POTENTIAL);

	if (!p)
		return;
	p->identified = day_of(y, 1, 10) + k * 320 / n + rng_below(d, 6);
	p->svc_from = p->identified;
	p->svc_to = min_day(year_end(y + 1), data_end());
	if (ngo) {
		p->source = k % 3 == 1 ? "citizen_appeal" : "ngo_referral";
		p->guar_year = y;
	} else if (other) {
		p->source = other_sources[k % N(other_sources)];
	} else if (k == n - 2) {
		p->source = "ngo_referral";
		p->svc_from = DAY_NONE;
	} else {
		p->source = "citizen_appeal";
		p->identified = day_of(y, 12, 27) + rng_below(d, 3);
		p->svc_from = day_of(y + 1, 1, 10);
	}
	if ((ngo && k % 6 == 2) || (other && k % 4 == 1))
		not_confirm(d, p);
	potential_profile(d, p, y, k);
}

static void add_potentials(struct demo *d, const struct year_plan *pl)
{
	int n = pl->pv_ngo + pl->pv_other + 2;

	for (int k = 0; k < n; k++)
		add_potential(d, pl, k, n);
}

static struct demo_person *first_victim(struct demo *d, int year, int child)
{
	for (int i = 0; i < d->np; i++)
		if (d->p[i].status == ST_VICTIM && year_of(d->p[i].recognized) == year &&
		    d->p[i].child_slot == child)
			return &d->p[i];
	fail(d, ERR_INVALID, "demo plan: no victim for an edge case in %d", year);
	return NULL;
}

/* Birth dates on the boundaries of the child rule (interchange.md). */
static void add_edge_births(struct demo *d)
{
	struct demo_person *p;

	/* "YYYY-MM": the 1st would make her 18 on identification, the 31st 17 */
	if ((p = first_victim(d, 2022, 1))) {
		p->identified = p->svc_from = shift_day(p->identified, 0, 15);
		p->birth = shift_day(p->identified, 18, 0);
		p->prec = BIRTH_MONTH;
	}
	/* "YYYY": 1 January would make her 18, 31 December 17 */
	if ((p = first_victim(d, 2024, 1))) {
		p->birth = day_of(year_of(p->identified) - 18, 6, 15);
		p->prec = BIRTH_YEAR;
	}
	/* identified on her 18th birthday: an adult */
	if ((p = first_victim(d, 2024, 0))) {
		if (shift_day(p->identified, 18, 0) == DAY_NONE) /* 29 February */
			p->identified = p->svc_from = p->identified - 1;
		p->birth = shift_day(p->identified, 18, 0);
		p->prec = BIRTH_DAY;
	}
}

/* Every fifth adult Azerbaijani woman has children: enough of every age for
 * the children's indicators, with parents in every year. */
static int is_parent(const struct demo *d, int i)
{
	const struct demo_person *p = &d->p[i];

	return i % 5 == 2 && is_subject(p) && p->sex == SEX_F && p->citizenship &&
	       strcmp(p->citizenship, "AZE") == 0 && p->prec != BIRTH_NONE &&
	       age_on(p, p->identified) >= 24;
}

static void add_child(struct demo *d, int parent, int age)
{
	struct demo_person *p = new_person(d, ST_DEPENDANT);
	const struct demo_person *m = &d->p[parent];

	if (!p)
		return;
	p->parent = parent;
	p->sex = rng_below(d, 2) ? SEX_F : SEX_M;
	p->birth = m->identified - age * 365 - rng_below(d, 300);
	p->prec = BIRTH_DAY;
	p->citizenship = m->citizenship;
	p->family = m->family;
	p->father = rng_below(d, N(male_given));
	p->given = rng_below(d, p->sex == SEX_M ? N(male_given) : N(female_given));
}

static void add_dependants(struct demo *d)
{
	int subjects = d->np;

	for (int i = 0; i < subjects; i++) {
		int kids, age, room;
		if (!is_parent(d, i))
			continue;
		kids = 1 + (i / 5) % 3;
		age = rng_below(d, 14);
		room = age_on(&d->p[i], d->p[i].identified) - 18;
		if (age > room)
			age = room;
		for (int c = 0; c < kids && age >= 0; c++) {
			add_child(d, i, age);
			age -= 2 + rng_below(d, 3);
		}
	}
}

/* ---- choosing who gets what ---------------------------------------------- */

/* The days in year y on which person i may be served; 0 when there are none.
 * A dependant is served while the parent's case is open, once born. */
static int range(const struct demo *d, int i, int y, day_t *a, day_t *b)
{
	const struct demo_person *p = &d->p[i];
	const struct demo_person *q = p->status == ST_DEPENDANT ? &d->p[p->parent] : p;
	day_t lo = year_start(y), hi = year_end(y);

	if (q->svc_from == DAY_NONE)
		return 0;
	if (q->svc_from > lo)
		lo = q->svc_from;
	if (q->svc_to < hi)
		hi = q->svc_to;
	if (p->status == ST_DEPENDANT && p->birth > lo)
		lo = p->birth;
	*a = lo;
	*b = hi;
	return lo <= hi;
}

/* A day for a service to person i in year y, at or after `lo` (DAY_NONE: from
 * the start of the person's range) and within `span` days (0: any). */
static day_t pick_day(struct demo *d, int i, int y, day_t lo, int span)
{
	day_t a, b;

	if (!range(d, i, y, &a, &b)) {
		fail(d, ERR_INVALID, "demo plan: %d: a service outside its person's dates", y);
		return year_start(y);
	}
	if (lo != DAY_NONE && lo > a)
		a = lo < b ? lo : b;
	if (span > 0 && a + span - 1 < b)
		b = a + span - 1;
	return a + rng_below(d, b - a + 1);
}

/*
 * Chooses n distinct persons for whom ok() holds and who are not in `taken`
 * (NULL: no exclusion), marks them in `taken`, writes them to out.  Fewer
 * candidates than n is a plan error.  Returns the number written.
 */
static int pick(struct demo *d, int y, eligible_fn ok, int n, unsigned char *taken, int *out,
                const char *what)
{
	int nc = 0;

	if (d->rc != ERR_OK)
		return 0;
	for (int i = 0; i < d->np; i++)
		if ((!taken || !taken[i]) && ok(d, i, y))
			d->cand[nc++] = i;
	if (nc < n || n > DEMO_PICK_MAX) {
		fail(d, ERR_INVALID, "demo plan: %d: %d candidates for %d %s", y, nc, n, what);
		return 0;
	}
	for (int k = 0; k < n; k++) {
		int j = k + rng_below(d, nc - k), t = d->cand[j];
		d->cand[j] = d->cand[k];
		out[k] = t;
		if (taken)
			taken[t] = 1;
	}
	return n;
}

static void clear_mark(struct demo *d, enum mark m)
{
	memset(d->mark[m], 0, (size_t)d->np);
}

static int el_subject(const struct demo *d, int i, int y)
{
	day_t a, b;
	return is_subject(&d->p[i]) && range(d, i, y, &a, &b);
}

static int el_new(const struct demo *d, int i, int y)
{
	return el_subject(d, i, y) && year_of(d->p[i].identified) == y;
}

static int el_court(const struct demo *d, int i, int y)
{
	int ry = year_of(d->p[i].recognized);
	return d->p[i].status == ST_VICTIM && ry >= y - 2 && ry <= y && el_subject(d, i, y);
}

static int el_inv_court(const struct demo *d, int i, int y)
{
	return d->mark[MK_INV][i] && el_court(d, i, y);
}

static int el_ssa(const struct demo *d, int i, int y)
{
	return d->mark[MK_SSA][i] && el_subject(d, i, y);
}

static int el_child_victim(const struct demo *d, int i, int y)
{
	const struct demo_person *p = &d->p[i];
	int ry = year_of(p->recognized);
	return p->status == ST_VICTIM && ry >= y - 2 && ry <= y && is_child(p) &&
	       minor_on(p, year_end(y)) && el_subject(d, i, y);
}

static int el_repatriable(const struct demo *d, int i, int y)
{
	const struct demo_person *p = &d->p[i];
	return p->status == ST_VICTIM && year_of(p->recognized) == y && is_foreign(p) &&
	       strcmp(p->citizenship, "XXA") != 0 && el_subject(d, i, y);
}

/* Azerbaijani victims found abroad and brought home. */
static int el_returnee(const struct demo *d, int i, int y)
{
	const struct demo_person *p = &d->p[i];
	return p->status == ST_VICTIM && year_of(p->recognized) == y && !is_foreign(p) &&
	       strcmp(p->country, "AZE") != 0 && strcmp(p->source, "foreign_authority") == 0 &&
	       el_subject(d, i, y);
}

static int el_dependant(const struct demo *d, int i, int y)
{
	day_t a, b;
	const struct demo_person *p = &d->p[i];
	return p->status == ST_DEPENDANT && range(d, i, y, &a, &b) && minor_on(p, year_start(y));
}

static int el_school_age(const struct demo *d, int i, int y)
{
	int age;
	if (!el_dependant(d, i, y))
		return 0;
	age = age_on(&d->p[i], day_of(y, 9, 1));
	return age >= 6 && age <= 16;
}

static int el_school_other(const struct demo *d, int i, int y)
{
	return el_school_age(d, i, y) && !d->mark[MK_PARENT][d->p[i].parent];
}

static int el_preschool(const struct demo *d, int i, int y)
{
	int age;
	if (!el_dependant(d, i, y))
		return 0;
	age = age_on(&d->p[i], day_of(y, 9, 1));
	return age >= 2 && age <= 5;
}

static int el_school_parent(const struct demo *d, int i, int y)
{
	if (!el_subject(d, i, y))
		return 0;
	for (int j = 0; j < d->np; j++)
		if (d->p[j].parent == i && el_school_age(d, j, y))
			return 1;
	return 0;
}

/* ---- services and referrals ----------------------------------------------- */

static struct demo_service *add_service(struct demo *d, int person, const char *code,
                                        const char *provider, day_t date)
{
	struct demo_service *s;

	if (d->rc == ERR_OK && d->ns == DEMO_SERVICES_MAX)
		fail(d, ERR_LIMIT, "demo: more than %d services", DEMO_SERVICES_MAX);
	if (d->rc != ERR_OK)
		return &d->sink_s;
	s = &d->s[d->ns];
	memset(s, 0, sizeof *s);
	s->seq = d->ns++;
	s->person = person;
	s->code = code;
	s->provider = provider;
	s->date = date;
	s->end = DAY_NONE;
	s->amount = -1;
	return s;
}

static struct demo_referral *add_referral(struct demo *d, int person, const char *from,
                                          const char *to, const char *purpose, day_t date)
{
	struct demo_referral *r;

	if (d->rc == ERR_OK && d->nr == DEMO_REFERRALS_MAX)
		fail(d, ERR_LIMIT, "demo: more than %d referrals", DEMO_REFERRALS_MAX);
	if (d->rc != ERR_OK)
		return &d->sink_r;
	r = &d->r[d->nr];
	memset(r, 0, sizeof *r);
	r->seq = d->nr++;
	r->person = person;
	r->from = from;
	r->to = to;
	r->purpose = purpose;
	r->date = date;
	r->status = "sent";
	r->closed = DAY_NONE;
	return r;
}

/* Completed 30 to 150 days on if that is within the data, else accepted;
 * one sent in the last fortnight of the data is still only sent. */
static void settle(struct demo *d, struct demo_referral *r)
{
	day_t closed = r->date + 30 + rng_below(d, 120);

	if (r->date > data_end() - 14)
		return;
	r->status = closed > data_end() ? "accepted" : "completed";
	if (closed <= data_end())
		r->closed = closed;
}

/* Gives n persons for whom ok() holds one service each, on a day of their range. */
static void simple(struct demo *d, int y, eligible_fn ok, int n, const char *code,
                   const char *provider)
{
	int who[DEMO_PICK_MAX];

	n = pick(d, y, ok, n, NULL, who, code);
	for (int k = 0; k < n; k++)
		add_service(d, who[k], code, provider, pick_day(d, who[k], y, DAY_NONE, 0));
}

static void year_allowance(struct demo *d, int y)
{
	for (int i = 0; i < d->np; i++) {
		const struct demo_person *p = &d->p[i];
		day_t t;
		if (p->status != ST_VICTIM || year_of(p->recognized) != y)
			continue;
		t = min_day(p->recognized + 3 + rng_below(d, 18), year_end(y));
		add_service(d, i, "one_time_allowance", "ssa_assistance_center", t)->amount =
		    DEMO_ALLOWANCE;
	}
}

/* A stay in the MIA shelter beginning in y, soon after `from`, with the
 * referral that led to it.  Returns its last day (DAY_NONE: still there). */
static day_t shelter_stay(struct demo *d, int i, int y, day_t from)
{
	day_t start = pick_day(d, i, y, from, 4), end = start + 10 + rng_below(d, 110);
	struct demo_service *s = add_service(d, i, "shelter", "mia_shelter", start);
	struct demo_referral *r = add_referral(d, i, "mia_ctd", "mia_shelter", "shelter", start);

	s->end = end > data_end() ? DAY_NONE : end;
	r->status = "completed";
	r->closed = start;
	if (rng_below(d, 10) < 7)
		add_service(d, i, "medical_assistance", "mia_shelter", pick_day(d, i, y, start, 7));
	if (rng_below(d, 2))
		add_service(d, i, "psychological_support", "mia_shelter",
		            pick_day(d, i, y, start + 2, 14));
	return s->end;
}

static void year_shelter(struct demo *d, const struct year_plan *pl)
{
	int who[DEMO_PICK_MAX], y = pl->year;
	int n = pick(d, y, el_new, pl->shelter, NULL, who, "shelter");

	for (int k = 0; k < n; k++) {
		day_t end = shelter_stay(d, who[k], y, d->p[who[k]].identified);
		/* a readmission: a second stay, still one person placed */
		if (k % 20 == 7 && end != DAY_NONE && end < year_end(y) - 30 &&
		    end + 20 <= d->p[who[k]].svc_to)
			shelter_stay(d, who[k], y, end + 20);
	}
	/* an NGO's shelter is not the MIA's special shelter: not counted */
	n = pick(d, y, el_subject, 2, NULL, who, "NGO shelter");
	for (int k = 0; k < n; k++) {
		struct demo_service *s =
		    add_service(d, who[k], "shelter", "ngo", pick_day(d, who[k], y, DAY_NONE, 0));
		s->end = min_day(s->date + 7 + rng_below(d, 30), data_end());
	}
}

/*
 * n payments adding up to `total` exactly: typical amounts, walked towards the
 * total in 5 AZN steps, the remaining qəpik on the last payment.
 */
static void fund_amounts(struct demo *d, int64_t *amt, int n, int64_t total)
{
	static const int64_t typical[] = {5000, 5750, 6000, 4500, 6250,
	                                  5500, 4000, 7000, 4750, 5225};
	int64_t diff = total;

	if (n <= 0)
		return;
	for (int k = 0; k < n; k++) {
		amt[k] = typical[rng_below(d, N(typical))];
		diff -= amt[k];
	}
	for (int k = 0; (diff >= 500 || diff <= -500) && k < 100 * n; k++) {
		int64_t step = diff > 0 ? 500 : -500, v = amt[k % n] + step;
		if (v >= 2000 && v <= 15000) {
			amt[k % n] = v;
			diff -= step;
		}
	}
	amt[n - 1] += diff;
	if (amt[n - 1] < 1000 || diff >= 500 || diff <= -500)
		fail(d, ERR_INVALID, "demo plan: support fund amounts do not reach the total");
}

static void year_fund(struct demo *d, const struct year_plan *pl)
{
	int who[DEMO_PICK_MAX], y = pl->year;
	int64_t amt[DEMO_PICK_MAX + DEMO_PICK_MAX / 12];
	int n = pick(d, y, el_subject, pl->fund, NULL, who, "support fund");
	int payments = n + n / 12;

	if (n == 0)
		return;
	fund_amounts(d, amt, payments, pl->fund_total);
	for (int k = 0; k < payments; k++) {
		/* the last n/12 payments go to people already paid: distinct 7 apart */
		int i = who[k < n ? k : (k - n) * 7 % n];
		add_service(d, i, "financial_assistance", "mia_support_fund",
		            pick_day(d, i, y, DAY_NONE, 0))
		    ->amount = amt[k];
	}
	/* a small NGO grant: money, but not from the Support Fund */
	if (pick(d, y, el_subject, 1, NULL, who, "NGO grant"))
		add_service(d, who[0], "financial_assistance", "ngo",
		            pick_day(d, who[0], y, DAY_NONE, 0))
		    ->amount = 3000;
}

static void legal_aid(struct demo *d, int i, const char *provider, const char *phase, day_t t)
{
	struct demo_service *s = add_service(d, i, "legal_aid", provider, t);

	s->phase = phase;
	if (i % 3 == 0 && strcmp(provider, "bar_association") == 0) {
		struct demo_referral *r =
		    add_referral(d, i, "mia_ctd", "bar_association", "legal_aid", t);
		r->status = "completed";
		r->closed = t;
	}
}

static void year_bar(struct demo *d, const struct year_plan *pl)
{
	int inv[DEMO_PICK_MAX], court[DEMO_PICK_MAX], y = pl->year, ni, nb, nc;

	clear_mark(d, MK_INV);
	ni =
	    pick(d, y, el_new, pl->investigation, d->mark[MK_INV], inv, "legal aid, investigation");
	for (int k = 0; k < ni; k++) {
		d->day[inv[k]] = pick_day(d, inv[k], y, DAY_NONE, 0);
		legal_aid(d, inv[k], "bar_association", "investigation", d->day[inv[k]]);
	}
	/* some go on to court the same year: one person in bar_legal_aid */
	nb = pick(d, y, el_inv_court, pl->both, NULL, court, "legal aid, both phases");
	nc = pick(d, y, el_court, pl->court - nb, d->mark[MK_INV], court + nb, "legal aid, court");
	for (int k = 0; k < nb + nc; k++) {
		int i = court[k];
		day_t lo = d->p[i].recognized;
		if (k < nb && d->day[i] + 1 > lo)
			lo = d->day[i] + 1;
		legal_aid(d, i, "bar_association", "court", pick_day(d, i, y, lo, 0));
	}
	/* a lawyer from an NGO: not the Bar Association's */
	nc = pick(d, y, el_subject, 2, NULL, court, "NGO legal aid");
	for (int k = 0; k < nc; k++)
		legal_aid(d, court[k], "ngo", "court", pick_day(d, court[k], y, DAY_NONE, 0));
}

static void ssa_referral(struct demo *d, int i, int y, int k)
{
	static const char *const from[] = {"mia_ctd", "mia_ctd", "mia_ctd", "mia_ctd",
	                                   "mia_ctd", "mia_ctd", "ngo",     "national_coordinator"};
	day_t t = pick_day(d, i, y, DAY_NONE, 0);
	struct demo_referral *r;

	if (k % 25 == 3) { /* declined, then sent again: still one person referred */
		r = add_referral(d, i, "mia_ctd", "ssa_assistance_center", "case_management", t);
		r->status = "declined";
		r->closed = min_day(t + 2 + rng_below(d, 8), data_end());
		t = pick_day(d, i, y, r->closed, 0);
	}
	r = add_referral(d, i, from[k % N(from)], "ssa_assistance_center",
	                 k % 4 == 1 ? "psychological_support" : "case_management", t);
	settle(d, r);
	d->day[i] = t;
	if (k % 17 == 5)
		settle(d, add_referral(d, i, "mia_ctd", "ssa_assistance_center",
		                       "social_assistance", pick_day(d, i, y, t, 0)));
}

static void ssa_service(struct demo *d, int y, int n, const char *code)
{
	int who[DEMO_PICK_MAX];

	n = pick(d, y, el_ssa, n, NULL, who, code);
	for (int k = 0; k < n; k++)
		add_service(d, who[k], code, "ssa_assistance_center",
		            pick_day(d, who[k], y, d->day[who[k]], 45));
}

static void year_ssa(struct demo *d, const struct year_plan *pl)
{
	int who[DEMO_PICK_MAX], y = pl->year;
	int n;

	clear_mark(d, MK_SSA);
	n = pick(d, y, el_subject, pl->ssa, d->mark[MK_SSA], who, "Assistance Center referral");
	for (int k = 0; k < n; k++)
		ssa_referral(d, who[k], y, k);
	ssa_service(d, y, pl->ssa_psych, "psychological_support");
	ssa_service(d, y, pl->ssa_legal, "legal_assistance");
	/* the Center also sees victims' children: not subjects, not counted */
	simple(d, y, el_dependant, 2, "psychological_support", "ssa_assistance_center");
}

static int el_ssa_not_sea(const struct demo *d, int i, int y)
{
	return el_ssa(d, i, y) && !d->mark[MK_SEA][i];
}

static void work_service(struct demo *d, int i, const char *code, day_t t, int k)
{
	int training = strcmp(code, "vocational_training") == 0;
	struct demo_service *s =
	    add_service(d, i, code, training && k % 4 == 3 ? "ngo" : "state_employment_agency", t);

	if (training && t + 90 <= data_end())
		s->end = t + 30 + rng_below(d, 60);
}

/* `total` persons get `code`; `via_ssa` of them were referred for it by the
 * Assistance Center to the State Employment Agency. */
static void work(struct demo *d, int y, int via_ssa, int total, const char *code)
{
	int who[DEMO_PICK_MAX], n, m;

	clear_mark(d, MK_TAKEN);
	n = pick(d, y, el_ssa_not_sea, via_ssa, d->mark[MK_SEA], who, code);
	for (int k = 0; k < n; k++) {
		int i = who[k];
		day_t t = pick_day(d, i, y, d->day[i], 60);
		settle(d, add_referral(d, i, "ssa_assistance_center", "state_employment_agency",
		                       code, t));
		work_service(d, i, code, pick_day(d, i, y, t, 30), k);
		d->mark[MK_TAKEN][i] = 1;
	}
	m = pick(d, y, el_subject, total - n, d->mark[MK_TAKEN], who, code);
	for (int k = 0; k < m; k++)
		work_service(d, who[k], code, pick_day(d, who[k], y, DAY_NONE, 0), k);
}

static void year_integration(struct demo *d, const struct year_plan *pl)
{
	int y = pl->year;

	clear_mark(d, MK_SEA);
	work(d, y, pl->ssa_to_voc, pl->vocational, "vocational_training");
	work(d, y, pl->ssa_to_emp, pl->employment, "employment");
	simple(d, y, el_subject, pl->identity_docs, "identity_documents", "mia_ctd");
	simple(d, y, el_subject, pl->social_benefit, "social_benefit_application",
	       "ssa_assistance_center");
	simple(d, y, el_subject, pl->family, "family_reunification", "mia_ctd");
	simple(d, y, el_child_victim, pl->boarding, "boarding_school", "education");
	simple(d, y, el_repatriable, pl->repatriation, "repatriation", "mia_ctd");
	/* Azerbaijanis brought home are not foreign: not in repatriation_foreign */
	simple(d, y, el_returnee, 2, "repatriation", "mia_ctd");
	/* help that no indicator counts */
	simple(d, y, el_subject, 4, "psychological_support", "ngo");
	simple(d, y, el_subject, 5, "legal_assistance", "ngo");
	simple(d, y, el_subject, 6, "social_assistance", "ngo");
}

/* The Assistance Center supplies every school-age child of `ssa_children`
 * victims; education and NGOs supply the other children. */
static void school_supplies(struct demo *d, const struct year_plan *pl)
{
	int who[DEMO_PICK_MAX], y = pl->year, m = 0, n;

	clear_mark(d, MK_PARENT);
	clear_mark(d, MK_DEP);
	n = pick(d, y, el_school_parent, pl->ssa_children, d->mark[MK_PARENT], who,
	         "parents of supplied children");
	for (int k = 0; k < n; k++)
		for (int j = 0; j < d->np; j++)
			if (d->p[j].parent == who[k] && el_school_age(d, j, y)) {
				add_service(d, j, "school_supplies", "ssa_assistance_center",
				            pick_day(d, j, y, day_of(y, 8, 15), 30));
				m++;
			}
	if (m > pl->school_supplies) {
		fail(d, ERR_INVALID, "demo plan: %d: %d children supplied by the Center", y, m);
		return;
	}
	n = pick(d, y, el_school_other, pl->school_supplies - m, NULL, who, "school supplies");
	for (int k = 0; k < n; k++)
		add_service(d, who[k], "school_supplies", k % 3 ? "education" : "ngo",
		            pick_day(d, who[k], y, day_of(y, 8, 15), 30));
}

static void year_children(struct demo *d, const struct year_plan *pl)
{
	int who[DEMO_PICK_MAX], y = pl->year;
	int n;

	school_supplies(d, pl);
	simple(d, y, el_dependant, pl->birth_certs, "birth_certificate", "civil_registry");
	n = pick(d, y, el_preschool, pl->preschool, NULL, who, "preschool");
	for (int k = 0; k < n; k++) {
		day_t t = pick_day(d, who[k], y, DAY_NONE, 0);
		if (k % 2 == 0) {
			struct demo_referral *r =
			    add_referral(d, who[k], "ssa_assistance_center", "education",
			                 "preschool_enrollment", t);
			r->status = "completed";
			r->closed = t;
		}
		add_service(d, who[k], "preschool_enrollment", "education", t);
	}
	simple(d, y, el_dependant, pl->alimony, "alimony", "ssa_assistance_center");
}

/* Potential victims' first contact: the NGO's referral and, where the plan
 * promises one, a first service in the year of identification. */
static void year_first_contacts(struct demo *d, int y)
{
	for (int i = 0; i < d->np; i++) {
		const struct demo_person *p = &d->p[i];
		if (p->guar_year == y)
			add_service(d, i, i % 2 ? "social_assistance" : "psychological_support",
			            "ngo", pick_day(d, i, y, DAY_NONE, 30));
		if (is_subject(p) && year_of(p->identified) == y &&
		    strcmp(p->source, "ngo_referral") == 0 && p->svc_from != DAY_NONE)
			settle(d, add_referral(d, i, "ngo", "mia_ctd", "case_management",
			                       p->identified));
	}
}

static void year_services(struct demo *d, const struct year_plan *pl)
{
	year_first_contacts(d, pl->year);
	year_allowance(d, pl->year);
	year_shelter(d, pl);
	year_fund(d, pl);
	year_bar(d, pl);
	year_ssa(d, pl);
	year_integration(d, pl);
	year_children(d, pl);
}

static const char *note_for(struct demo *d, const char *code)
{
	int matches = 0, k;

	for (k = 0; k < N(notes); k++)
		matches += strcmp(notes[k].service, code) == 0;
	if (matches == 0)
		return NULL;
	matches = rng_below(d, matches);
	for (k = 0; k < N(notes); k++)
		if (strcmp(notes[k].service, code) == 0 && matches-- == 0)
			return notes[k].text;
	return NULL; /* not reached: matches was below the count */
}

static void add_notes(struct demo *d)
{
	int quoted = 0;

	for (int k = 0; k < d->ns; k++) {
		struct demo_service *s = &d->s[k];
		if (!quoted && strcmp(s->code, "school_supplies") == 0 &&
		    strcmp(s->provider, "ssa_assistance_center") == 0 &&
		    year_of(s->date) == DEMO_LAST_YEAR) {
			s->note = quoted_note;
			quoted = 1;
		} else if (rng_below(d, 6) == 0) {
			s->note = note_for(d, s->code);
		}
	}
}

static void build(struct demo *d)
{
	for (int k = 0; k < N(plans); k++) {
		add_cohort(d, &plans[k]);
		add_potentials(d, &plans[k]);
	}
	add_edge_births(d);
	add_dependants(d);
	for (int k = 0; k < N(plans); k++)
		year_services(d, &plans[k]);
	add_notes(d);
}

/* ---- ids and order ------------------------------------------------------ */

/* Persons are numbered by year of identification (a dependant by the
 * parent's, right after the parent), then by day. */
struct person_key {
	int year, root, idx;
	day_t day;
};

static int person_key_cmp(const void *a, const void *b)
{
	const struct person_key *x = a, *y = b;

	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static void number_persons(struct demo *d)
{
	struct person_key *keys = calloc((size_t)d->np + 1, sizeof *keys);
	int year = 0, num = 0;

	if (!keys) {
		fail(d, ERR_NOMEM, "demo: out of memory");
		return;
	}
	for (int i = 0; i < d->np; i++) {
		int root = d->p[i].parent >= 0 ? d->p[i].parent : i;
		keys[i].root = root;
		keys[i].idx = i;
		keys[i].day = d->p[root].identified;
		keys[i].year = year_of(keys[i].day);
	}
	qsort(keys, (size_t)d->np, sizeof *keys, person_key_cmp);
	for (int k = 0; k < d->np; k++) {
		struct demo_person *p = &d->p[keys[k].idx];
		num = keys[k].year == year ? num + 1 : 1;
		year = keys[k].year;
		p->key_year = year;
		p->id_num = num;
		d->order[k] = keys[k].idx;
	}
	free(keys);
}

static long person_key(const struct demo *d, int i)
{
	return (long)d->p[i].key_year * 100000L + d->p[i].id_num;
}

static int service_cmp(const void *a, const void *b)
{
	const struct demo_service *x = a, *y = b;
	int c;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if ((c = strcmp(x->code, y->code)) != 0)
		return c;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int referral_cmp(const void *a, const void *b)
{
	const struct demo_referral *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Services and referrals in date order, numbered within each year. */
static void number_acts(struct demo *d)
{
	int year = 0, num = 0;

	for (int k = 0; k < d->ns; k++)
		d->s[k].key = person_key(d, d->s[k].person);
	for (int k = 0; k < d->nr; k++)
		d->r[k].key = person_key(d, d->r[k].person);
	qsort(d->s, (size_t)d->ns, sizeof *d->s, service_cmp);
	qsort(d->r, (size_t)d->nr, sizeof *d->r, referral_cmp);
	for (int k = 0; k < d->ns; k++) {
		num = year_of(d->s[k].date) == year ? num + 1 : 1;
		year = year_of(d->s[k].date);
		d->s[k].id_num = num;
	}
	year = 0;
	for (int k = 0; k < d->nr; k++) {
		num = year_of(d->r[k].date) == year ? num + 1 : 1;
		year = year_of(d->r[k].date);
		d->r[k].id_num = num;
	}
}

/* ---- CSV text ------------------------------------------------------------ */

/*
 * The demo writes its own RFC 4180 text rather than going through a
 * spreadsheet-safe writer: such a writer puts a quote before a cell that
 * begins with '+' (every phone number here), and the demo must hand the
 * importer exactly the values it means.
 *
 * A growing text buffer capped at DEMO_CSV_MAX; rc keeps the first failure.
 */
struct obuf {
	char *p;
	size_t len, cap;
	err_t rc;
};

static void ob_put(struct obuf *b, const char *s, size_t n)
{
	if (b->rc != ERR_OK)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1u << 16;
		char *q;
		while (cap < b->len + n)
			cap *= 2;
		if (cap > DEMO_CSV_MAX) {
			b->rc = ERR_LIMIT;
			return;
		}
		if (!(q = realloc(b->p, cap))) {
			b->rc = ERR_NOMEM;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* One field, quoted as RFC 4180 asks when it holds , " CR or LF. */
static void ob_field(struct obuf *b, const char *s)
{
	const char *q;

	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		ob_put(b, s, strlen(s));
		return;
	}
	ob_put(b, "\"", 1);
	for (; (q = strchr(s, '"')); s = q + 1) {
		ob_put(b, s, (size_t)(q - s) + 1);
		ob_put(b, "\"", 1);
	}
	ob_put(b, s, strlen(s));
	ob_put(b, "\"", 1);
}

static void ob_row(struct obuf *b, const char *const *cells, int n)
{
	for (int k = 0; k < n; k++) {
		if (k)
			ob_put(b, ",", 1);
		ob_field(b, cells[k]);
	}
	ob_put(b, "\n", 1);
}

static const char *const person_cols[] = {"id",
                                          "status",
                                          "parent_id",
                                          "given_name",
                                          "family_name",
                                          "patronymic",
                                          "sex",
                                          "birth_date",
                                          "citizenship",
                                          "document_number",
                                          "phone",
                                          "address",
                                          "identified_on",
                                          "identification_source",
                                          "recognized_on",
                                          "decided_on",
                                          "exploitation",
                                          "country_of_exploitation"};
static const char *const service_cols[] = {"id",       "person_id", "service",  "provider", "date",
                                           "end_date", "amount",    "currency", "phase",    "note"};
static const char *const referral_cols[] = {"id",      "person_id", "from",   "to",
                                            "purpose", "date",      "status", "closed_on"};

static void person_id(const struct demo *d, int i, char *buf, size_t len)
{
	snprintf(buf, len, "P-%04d-%04d", d->p[i].key_year, d->p[i].id_num);
}

/* The personal fields: a synthetic name and obviously fake contact data. */
struct person_text {
	char family[64], patronymic[64], doc[24], phone[32], address[96];
};

static void person_text(const struct demo_person *p, struct person_text *t)
{
	int female = p->sex != SEX_M, serial = (p->key_year % 100) * 100000 + p->id_num;

	if (p->foreign)
		snprintf(t->family, sizeof t->family, "%s", p->foreign->family);
	else
		snprintf(t->family, sizeof t->family, "%s%s", family_stem[p->family],
		         female ? "a" : "");
	t->patronymic[0] = '\0';
	if (!p->foreign && p->sex != SEX_O)
		snprintf(t->patronymic, sizeof t->patronymic, "%s %s", male_given[p->father],
		         female ? "qızı" : "oğlu");
	t->doc[0] = t->phone[0] = t->address[0] = '\0';
	if (!p->contact)
		return;
	snprintf(t->doc, sizeof t->doc, "DEMO%07d", serial);
	snprintf(t->phone, sizeof t->phone, "+994 00 000 %04d", serial % 10000);
	snprintf(t->address, sizeof t->address, "Nümunə küçəsi %d, mənzil %d, Demo qəsəbəsi",
	         1 + serial % 97, 1 + serial % 43);
}

static void person_row(struct obuf *b, const struct demo *d, int i)
{
	const struct demo_person *p = &d->p[i];
	struct person_text t;
	char id[24], parent[24] = "", birth[DATE_TEXT_MAX], ident[DATE_TEXT_MAX];
	char rec[DATE_TEXT_MAX], dec[DATE_TEXT_MAX];
	const char *given = p->foreign        ? p->foreign->given
	                    : p->sex == SEX_M ? male_given[p->given]
	                                      : female_given[p->given];

	person_id(d, i, id, sizeof id);
	if (p->parent >= 0)
		person_id(d, p->parent, parent, sizeof parent);
	person_text(p, &t);
	birth_text(p, birth);
	day_text(p->identified, ident);
	day_text(p->recognized, rec);
	day_text(p->decided, dec);
	const char *cells[] = {id,
	                       status_code[p->status],
	                       parent,
	                       given,
	                       t.family,
	                       t.patronymic,
	                       sex_code[p->sex],
	                       birth,
	                       p->citizenship,
	                       t.doc,
	                       t.phone,
	                       t.address,
	                       ident,
	                       p->source,
	                       rec,
	                       dec,
	                       p->exploitation,
	                       p->country};
	ob_row(b, cells, N(cells));
}

static void service_row(struct obuf *b, const struct demo *d, const struct demo_service *s)
{
	char id[24], person[24], date[DATE_TEXT_MAX], end[DATE_TEXT_MAX],
	    amount[MONEY_TEXT_MAX] = "";
	int money = s->amount >= 0;

	snprintf(id, sizeof id, "S-%04d-%05d", year_of(s->date), s->id_num);
	person_id(d, s->person, person, sizeof person);
	day_text(s->date, date);
	day_text(s->end, end);
	if (money)
		money_format(s->amount, amount);
	const char *cells[] = {id,       person, s->code, s->provider,
	                       date,     end,    amount,  money ? "AZN" : NULL,
	                       s->phase, s->note};
	ob_row(b, cells, N(cells));
}

static void referral_row(struct obuf *b, const struct demo *d, const struct demo_referral *r)
{
	char id[24], person[24], date[DATE_TEXT_MAX], closed[DATE_TEXT_MAX];

	snprintf(id, sizeof id, "R-%04d-%04d", year_of(r->date), r->id_num);
	person_id(d, r->person, person, sizeof person);
	day_text(r->date, date);
	day_text(r->closed, closed);
	const char *cells[] = {id, person, r->from, r->to, r->purpose, date, r->status, closed};
	ob_row(b, cells, N(cells));
}

static err_t render(const struct demo *d, struct obuf out[3])
{
	ob_row(&out[0], person_cols, N(person_cols));
	for (int k = 0; k < d->np; k++)
		person_row(&out[0], d, d->order[k]);
	ob_row(&out[1], service_cols, N(service_cols));
	for (int k = 0; k < d->ns; k++)
		service_row(&out[1], d, &d->s[k]);
	ob_row(&out[2], referral_cols, N(referral_cols));
	for (int k = 0; k < d->nr; k++)
		referral_row(&out[2], d, &d->r[k]);
	for (int k = 0; k < 3; k++)
		if (out[k].rc != ERR_OK)
			return out[k].rc;
	return ERR_OK;
}

/* ---- files ---------------------------------------------------------------- */

static err_t write_file(const char *path, const struct obuf *b)
{
	FILE *f = fopen(path, "wb");
	size_t w;

	if (!f)
		return ERR_IO;
	w = fwrite(b->p, 1, b->len, f);
	if (fclose(f) != 0 || w != b->len)
		return ERR_IO;
	return ERR_OK;
}

/* All three files to NAME.tmp, then renamed: no partial file survives. */
static err_t write_files(const char *dir, const struct obuf out[3], char *msg, size_t msglen)
{
	static const char *const names[3] = {DEMO_PERSONS_CSV, DEMO_SERVICES_CSV,
	                                     DEMO_REFERRALS_CSV};
	char tmp[3][PATH_MAX], dst[3][PATH_MAX];
	int k, written = 0, renamed = 0;
	err_t rc = ERR_OK;

	for (k = 0; k < 3; k++) {
		int a = snprintf(tmp[k], PATH_MAX, "%s/%s.tmp", dir, names[k]);
		int b = snprintf(dst[k], PATH_MAX, "%s/%s", dir, names[k]);
		if (a < 0 || b < 0 || a >= PATH_MAX || b >= PATH_MAX) {
			snprintf(msg, msglen, "demo: directory name too long");
			return ERR_INVALID;
		}
	}
	while (rc == ERR_OK && written < 3) {
		rc = write_file(tmp[written], &out[written]);
		if (rc != ERR_OK)
			snprintf(msg, msglen, "demo: cannot write %.300s: %s", tmp[written],
			         strerror(errno));
		written++; /* a failed file may exist in part: removed below */
	}
	while (rc == ERR_OK && renamed < 3) {
		if (durable_replace(tmp[renamed], dst[renamed]) != ERR_OK) {
			rc = ERR_IO;
			snprintf(msg, msglen, "demo: cannot rename %.300s: %s", tmp[renamed],
			         strerror(errno));
			break;
		}
		renamed++;
	}
	for (k = renamed; rc != ERR_OK && k < written; k++)
		unlink(tmp[k]);
	return rc;
}

/* ---- the entry point ------------------------------------------------------ */

static err_t demo_init(struct demo *d)
{
	memset(d, 0, sizeof *d);
	d->rng = DEMO_SEED;
	d->p = calloc(DEMO_PERSONS_MAX, sizeof *d->p);
	d->s = calloc(DEMO_SERVICES_MAX, sizeof *d->s);
	d->r = calloc(DEMO_REFERRALS_MAX, sizeof *d->r);
	d->cand = calloc(DEMO_PERSONS_MAX, sizeof *d->cand);
	d->order = calloc(DEMO_PERSONS_MAX, sizeof *d->order);
	d->day = calloc(DEMO_PERSONS_MAX, sizeof *d->day);
	int ok = d->p && d->s && d->r && d->cand && d->order && d->day;
	for (int k = 0; k < MK_COUNT; k++)
		ok = (d->mark[k] = calloc(DEMO_PERSONS_MAX, 1)) != NULL && ok;
	if (!ok)
		fail(d, ERR_NOMEM, "demo: out of memory");
	return d->rc;
}

static void demo_cleanup(struct demo *d)
{
	free(d->p);
	free(d->s);
	free(d->r);
	free(d->cand);
	free(d->order);
	free(d->day);
	for (int k = 0; k < MK_COUNT; k++)
		free(d->mark[k]);
}

err_t demo_write_csv(const char *dir, char *errbuf, size_t errlen)
{
	struct demo *d = malloc(sizeof *d);
	struct obuf out[3] = {{0}};
	err_t rc;

	if (!d) {
		if (errlen)
			snprintf(errbuf, errlen, "demo: out of memory");
		return ERR_NOMEM;
	}
	if ((rc = demo_init(d)) == ERR_OK) {
		build(d);
		if (d->rc == ERR_OK)
			number_persons(d);
		if (d->rc == ERR_OK)
			number_acts(d);
		rc = d->rc;
	}
	if (rc == ERR_OK && (rc = render(d, out)) != ERR_OK)
		snprintf(d->msg, sizeof d->msg, "demo: cannot build the CSV text (%s)",
		         rc == ERR_LIMIT ? "too large" : "out of memory");
	if (rc == ERR_OK)
		rc = write_files(dir, out, d->msg, sizeof d->msg);
	if (rc != ERR_OK && errlen)
		snprintf(errbuf, errlen, "%s", d->msg);
	for (int k = 0; k < 3; k++)
		free(out[k].p);
	demo_cleanup(d);
	free(d);
	return rc;
}
