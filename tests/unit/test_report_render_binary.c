/*
 * test_report_render_binary.c - the binary renderers (XLSX, PDF, SVG charts)
 * on a report built by hand: the seed's 2024 figures, a previous year, the
 * breakdowns and the trend.  Each output is opened the way a reader's tools
 * open it (pdftotext and pdftoppm, python3's zipfile, an XML parser) and must
 * hold the figures, the changes and the Azerbaijani letters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/chart.h"
#include "report/definition.h"
#include "report/report.h"
#include "testutil.h"

/* ---- the report ------------------------------------------------------------ */

#define AZN(units) ((int64_t)(units)*100)

static const struct {
	const char *id, *en, *az;
	enum report_unit unit;
	int64_t value, previous;
} FIG[] = {
    {"victims_identified", "Victims identified (recognised)", "Tanınmış insan alveri qurbanları",
     REPORT_PERSONS, 80, 90},
    {"victims_with_allowance", "Victims recognised in the year given the allowance",
     "İl ərzində tanınıb müavinət alanlar", REPORT_PERSONS, 80, 90},
    {"allowance_recipients", "Victims given the one-time allowance",
     "Birdəfəlik müavinət alan qurbanlar", REPORT_PERSONS, 80, 90},
    {"allowance_total", "One-time allowances paid", "Ödənilmiş birdəfəlik müavinətlər",
     REPORT_MONEY, AZN(56000), AZN(63000)},
    {"shelter_placements", "Placed in the MIA shelter", "DİN sığınacağında yerləşdirilənlər",
     REPORT_PERSONS, 56, 68},
    {"vocational_training", "Enrolled in vocational training", "Peşə hazırlığı kursları",
     REPORT_PERSONS, 18, 15},
    {"employment", "Provided with employment", "İşlə təmin olunanlar", REPORT_PERSONS, 9, 11},
    {"repatriation_foreign", "Foreign victims repatriated", "Repatriasiya olunan əcnəbi qurbanlar",
     REPORT_PERSONS, 1, 1},
    {"identity_documents", "Helped to obtain identity documents",
     "Şəxsiyyət sənədlərinin alınmasına kömək", REPORT_PERSONS, 9, 7},
    {"social_benefit_applications", "Applications for targeted social assistance",
     "Ünvanlı sosial yardım müraciətləri", REPORT_PERSONS, 11, 12},
    {"child_victims_boarding_school", "Child victims at a boarding school",
     "İnternat məktəbinə qəbul olunan uşaq qurbanlar", REPORT_PERSONS, 2, 3},
    {"family_reunification", "Reunited with their families", "Ailəsinə qovuşdurulanlar",
     REPORT_PERSONS, 44, 40},
    {"assistance_center_referrals", "Referred to the Assistance Center",
     "Yardım Mərkəzinə yönləndirilənlər", REPORT_PERSONS, 63, 70},
    {"assistance_center_psychological", "Psychological support at the Center",
     "Mərkəzdə psixoloji dəstək", REPORT_PERSONS, 36, 30},
    {"assistance_center_legal", "Legal assistance at the Center", "Mərkəzdə hüquqi yardım",
     REPORT_PERSONS, 13, 13},
    {"assistance_center_to_vocational", "From the Center to vocational courses",
     "Mərkəzdən peşə kurslarına", REPORT_PERSONS, 3, 2},
    {"assistance_center_to_employment", "From the Center to employment", "Mərkəzdən məşğulluğa",
     REPORT_PERSONS, 3, 4},
    {"assistance_center_children_supplies", "Victims' children given school supplies",
     "Övladlarına məktəb ləvazimatı verilənlər", REPORT_PERSONS, 3, 0},
    {"potential_victims_assisted", "Potential victims assisted",
     "Yardım göstərilən potensial qurbanlar", REPORT_PERSONS, 17, 20},
    {"support_fund_recipients", "Support Fund: persons paid", "Dəstək Fondu: ödəniş alanlar",
     REPORT_PERSONS, 88, 98},
    {"support_fund_total", "Support Fund: total paid", "Dəstək Fondu: ödənilən məbləğ",
     REPORT_MONEY, AZN(5050), AZN(5300)},
    {"bar_legal_aid", "Legal aid by the Bar Association", "Vəkillər Kollegiyasının hüquqi yardımı",
     REPORT_PERSONS, 98, 90},
    {"bar_legal_aid_court", "Legal aid in court", "Məhkəmədə hüquqi yardım", REPORT_PERSONS, 70,
     60},
    {"bar_legal_aid_investigation", "Legal aid during investigation",
     "İstintaq zamanı hüquqi yardım", REPORT_PERSONS, 28, 30},
    {"children_school_supplies", "Children: school supplies", "Uşaqlar: məktəb ləvazimatı",
     REPORT_PERSONS, 16, 16},
    {"children_birth_certificates", "Children: birth certificates",
     "Uşaqlar: doğum haqqında şəhadətnamə", REPORT_PERSONS, 12, 9},
    {"children_preschool", "Children: preschool education", "Uşaqlar: məktəbəqədər təhsil",
     REPORT_PERSONS, 10, 8},
    {"children_alimony", "Children: alimony arranged", "Uşaqlar: aliment", REPORT_PERSONS, 10, 10},
};
#define N_FIG (sizeof FIG / sizeof FIG[0])

/* Every Azerbaijani letter that is not also English, in both cases: the fonts
 * must draw each of them (a category label of the "source" breakdown). */
#define AZ_LETTERS "ə ğ ı ö ş ü ç Ə Ğ İ Ö Ş Ü Ç"

struct row_fix {
	const char *code, *en, *az;
	int64_t value, previous;
};

static const struct row_fix SEX[] = {{"female", "female", "qadın", 52, 60},
                                     {"male", "male", "kişi", 28, 30}};
static const struct row_fix AGE[] = {{"adult", "adult", "yetkin", 71, 84},
                                     {"child", "child", "uşaq", 9, 6}};
static const struct row_fix CIT[] = {{"AZE", "Azerbaijan", "Azərbaycan", 74, 83},
                                     {"TUR", "Türkiye", "Türkiyə", 3, 4},
                                     {"UZB", "Uzbekistan", "Özbəkistan", 2, 2},
                                     {"GEO", "Georgia", "Gürcüstan", 1, 1}};
static const struct row_fix EXP[] = {{"sexual", "sexual exploitation", "cinsi istismar", 45, 50},
                                     {"labour", "forced labour", "məcburi əmək", 40, 44},
                                     {"begging", "forced begging", "məcburi dilənçilik", 2, 1}};
static const struct row_fix SRC[] = {
    {"police", "police", "polis", 63, 70},
    {"citizen_appeal", "citizen appeal", "vətəndaş müraciəti", 10, 12},
    {"ngo_referral", "NGO referral", "QHT müraciəti", 7, 8},
    {"unknown", "unknown", "naməlum " AZ_LETTERS, 0, 0}};
static const struct row_fix PSEX[] = {{"female", "female", "qadın", 12, 14},
                                      {"male", "male", "kişi", 5, 6}};

static const struct {
	const char *indicator, *dimension, *en, *az;
	int additive;
	const struct row_fix *rows;
	size_t n;
} BRK[] = {
    {"victims_identified", "sex", "by sex", "cinsə görə", 1, SEX, 2},
    {"victims_identified", "age", "by age", "yaşa görə", 1, AGE, 2},
    {"victims_identified", "citizenship", "by citizenship", "vətəndaşlığa görə", 1, CIT, 4},
    {"victims_identified", "exploitation", "by form of exploitation", "istismar formasına görə", 0,
     EXP, 3},
    {"victims_identified", "source", "by identification source", "müəyyənetmə mənbəyinə görə", 1,
     SRC, 4},
    {"potential_victims_assisted", "sex", "by sex", "cinsə görə", 1, PSEX, 2},
};
#define N_BRK (sizeof BRK / sizeof BRK[0])

/* Main indicators: their figures from 2020 to 2024 (the last two as above). */
static const struct {
	const char *indicator;
	int64_t v[REPORT_TREND_YEARS];
} TREND[] = {
    {"victims_identified", {70, 75, 82, 90, 80}},
    {"shelter_placements", {50, 55, 61, 68, 56}},
    {"support_fund_recipients", {90, 95, 101, 98, 88}},
    {"support_fund_total", {AZN(4800), AZN(5000), AZN(5150), AZN(5300), AZN(5050)}},
};
#define N_TREND (sizeof TREND / sizeof TREND[0])

static struct report_indicator fx_ind[N_FIG];
static struct report_breakdown fx_brk[N_BRK];
static struct report_breakdown_row fx_rows[N_BRK][4];
static struct report_trend_row fx_trend[N_TREND];
static struct report FX;

/* The index of an indicator of FIG, or -1. */
static long fig_find(const char *id)
{
	for (size_t i = 0; i < N_FIG; i++)
		if (strcmp(FIG[i].id, id) == 0)
			return (long)i;
	return -1;
}

static size_t fig(const char *id)
{
	long i = fig_find(id);
	if (i < 0)
		fail_msg("no indicator %s in the fixture", id);
	return (size_t)i;
}

static void fill_rows(size_t b)
{
	for (size_t k = 0; k < BRK[b].n; k++) {
		const struct row_fix *f = &BRK[b].rows[k];
		fx_rows[b][k] = (struct report_breakdown_row){
		    .category = (char *)f->code,
		    .label = {(char *)f->en, (char *)f->az},
		    .value = {f->value, 0},
		    .previous = {f->previous, 0},
		};
	}
	fx_brk[b] = (struct report_breakdown){
	    .indicator = (char *)BRK[b].indicator,
	    .dimension = (char *)BRK[b].dimension,
	    .label = {(char *)BRK[b].en, (char *)BRK[b].az},
	    .additive = BRK[b].additive,
	    .n = BRK[b].n,
	    .rows = fx_rows[b],
	};
}

/* The report of 2024, live figures, no definition. */
static struct report *fixture(void)
{
	for (size_t i = 0; i < N_FIG; i++) {
		int money = FIG[i].unit == REPORT_MONEY;
		fx_ind[i] = (struct report_indicator){
		    .id = (char *)FIG[i].id,
		    .unit = FIG[i].unit,
		    .currency = money ? "AZN" : NULL,
		    .label = {(char *)FIG[i].en, (char *)FIG[i].az},
		    .value = {FIG[i].value, 0},
		    .previous = {FIG[i].previous, 0},
		    /* each of the 80 got 700 AZN; the fund paid 25 to 100 */
		    .per_person_min = money ? AZN(i == fig("allowance_total") ? 700 : 25) : 0,
		    .per_person_max = money ? AZN(i == fig("allowance_total") ? 700 : 100) : 0,
		};
	}
	for (size_t b = 0; b < N_BRK; b++)
		fill_rows(b);
	for (size_t t = 0; t < N_TREND; t++) {
		fx_trend[t].indicator = fig(TREND[t].indicator);
		for (int j = 0; j < REPORT_TREND_YEARS; j++)
			fx_trend[t].cells[j] = (struct report_cell){TREND[t].v[j], 0};
	}
	FX = (struct report){
	    .report_id = "annual",
	    .year = 2024,
	    .previous_year = 2023,
	    .definitions_version = "test-1",
	    .title = {"Annual Report of the National Coordinator for Combating Human Trafficking",
	              "İnsan alverinə qarşı mübarizə üzrə Milli Koordinatorun illik hesabatı"},
	    .n_indicators = N_FIG,
	    .indicators = fx_ind,
	    .n_breakdowns = N_BRK,
	    .breakdowns = fx_brk,
	    .trend_first_year = 2020,
	    .n_trend = N_TREND,
	    .trend = fx_trend,
	};
	return &FX;
}

/* As --public would leave it: a few small counts hidden. */
static struct report *fixture_public(void)
{
	struct report *r = fixture();
	struct report_indicator *rep = &fx_ind[fig("repatriation_foreign")];            /* 1, 1 */
	struct report_indicator *board = &fx_ind[fig("child_victims_boarding_school")]; /* 2, 3 */
	rep->value.hidden = rep->previous.hidden = 1;
	board->value.hidden = board->previous.hidden = 1;
	for (size_t k = 1; k < 4; k++) /* TUR, UZB, GEO */
		fx_rows[2][k].value.hidden = fx_rows[2][k].previous.hidden = 1;
	fx_rows[2][0].value.hidden = fx_rows[2][0].previous.hidden = 1; /* AZE = total - hidden */
	fx_trend[0].cells[0].hidden = 1;                                /* as if 2020 had had 3 */
	r->is_public = 1;
	return r;
}

/* The report with the compiled-in definition: its indicators in its order,
 * with FIG's figures where FIG has them and small made-up ones elsewhere, its
 * main indicators, FIG's breakdowns, and r->def set for the narrative.  The
 * caller frees r->indicators and r->trend. */
static struct report *fixture_def(const struct report_def *def)
{
	struct report *r = fixture();
	struct report_indicator *x = calloc(def->n_ind, sizeof *x);
	struct report_trend_row *t = calloc(def->n_ind, sizeof *t);
	size_t nt = 0;
	assert_true(x && t);
	for (size_t i = 0; i < def->n_ind; i++) {
		const struct def_indicator *d = &def->ind[i];
		long k = fig_find(d->id);
		int money = d->measure == DEF_M_SUM;
		int64_t v = k >= 0 ? FIG[k].value : (int64_t)(i % 7 + 2) * (money ? AZN(50) : 1);
		int64_t pv =
		    k >= 0 ? FIG[k].previous : (int64_t)(i % 5 + 3) * (money ? AZN(50) : 1);
		x[i] = (struct report_indicator){
		    .id = d->id,
		    .unit = money ? REPORT_MONEY : REPORT_PERSONS,
		    .currency = d->currency,
		    .label = {d->label[REPORT_EN], d->label[REPORT_AZ]},
		    .value = {v, 0},
		    .previous = {pv, 0},
		    .per_person_min = k >= 0 ? fx_ind[k].per_person_min : 0,
		    .per_person_max = k >= 0 ? fx_ind[k].per_person_max : 0,
		};
		if (!d->trend)
			continue;
		t[nt].indicator = i;
		for (int j = 0; j < REPORT_TREND_YEARS - 1; j++)
			t[nt].cells[j] = (struct report_cell){pv + j * (money ? AZN(100) : 1), 0};
		t[nt].cells[REPORT_TREND_YEARS - 2].v = pv;
		t[nt].cells[REPORT_TREND_YEARS - 1].v = v;
		nt++;
	}
	r->indicators = x;
	r->n_indicators = def->n_ind;
	r->trend = t;
	r->n_trend = nt;
	r->definitions_version = (char *)report_def_version(def);
	r->def = def;
	return r;
}

/* ---- reading the outputs back ---------------------------------------------------- */

struct tmp {
	char *dir;
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof *t);
	assert_non_null(t);
	t->dir = tu_tempdir();
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	tu_rmtree(t->dir);
	free(t->dir);
	free(t);
	return 0;
}

/* Runs a command that must succeed; returns its standard output (malloc'd). */
static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *run(const char *fmt, ...)
{
	char cmd[8192], *out = NULL, *err = NULL;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	rc = tu_run(cmd, &out, &err);
	if (rc != 0)
		fail_msg("%s: exit %d: %s", cmd, rc, err ? err : "");
	free(err);
	assert_non_null(out);
	return out;
}

static void contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" not found in:\n%.4000s", needle, hay);
}

static void lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("\"%s\" should not be in:\n%.4000s", needle, hay);
}

/* One member of a zip file (an XLSX), as text. */
static char *zip_member(const char *zip, const char *member)
{
	return run("python3 -c 'import sys,zipfile; "
	           "sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "
	           "'%s' '%s'",
	           zip, member);
}

static char *zip_names(const char *zip)
{
	return run("python3 -c 'import sys,zipfile; "
	           "print(\"\\n\".join(zipfile.ZipFile(sys.argv[1]).namelist()))' '%s'",
	           zip);
}

static void xml_well_formed(const char *path)
{
	free(run("python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '%s'",
	         path));
}

static char *render(struct tmp *t, report_render_fn fn, const struct report *r,
                    enum report_lang lang, const char *name)
{
	char errbuf[ERRBUF_MAX] = "";
	char *path = tu_path(t->dir, name);
	err_t e = fn(r, lang, NULL, path, errbuf);
	if (e != ERR_OK)
		fail_msg("%s: %s (%s)", name, err_str(e), errbuf);
	return path;
}

/* Runs of white space as one space: a sentence may wrap anywhere. */
static void squash(char *s)
{
	char *w = s;
	for (const char *c = s; *c; c++)
		if (!strchr(" \n\t\f", *c) || (w > s && w[-1] != ' '))
			*w++ = strchr(" \n\t\f", *c) ? ' ' : *c;
	*w = '\0';
}

/* The PDF's text, laid out as on the page; every page must rasterise. */
static char *pdf_text(struct tmp *t, const char *pdf)
{
	char *png = tu_path(t->dir, "page");
	char *text;
	free(run("pdftoppm -png -r 30 '%s' '%s'", pdf, png));
	text = run("pdftotext -layout '%s' -", pdf);
	free(png);
	return text;
}

/* Every font the PDF embeds is Noto Sans, or DejaVu Sans for the one sign
 * Noto Sans lacks (U+2212, the minus): no other fallback was needed. */
static void fonts_ok(const char *pdf)
{
	char *fonts = run("pdffonts '%s'", pdf), *line = strchr(fonts, '\n');
	size_t n = 0;
	assert_non_null(line);
	line = strchr(line + 1, '\n'); /* past the two heading lines */
	while (line && line[1]) {
		line++;
		if (strncmp(line + 7, "NotoSans-", 9) != 0 &&
		    strncmp(line + 7, "DejaVuSans ", 11) != 0)
			fail_msg("unexpected font: %.60s", line);
		if (strncmp(line + 7, "NotoSans-Regular", 16) == 0)
			n++;
		line = strchr(line, '\n');
	}
	assert_true(n > 0);
	free(fonts);
}

/* ---- PDF ---------------------------------------------------------------------------- */

static void test_pdf_en(void **state)
{
	struct tmp *t = *state;
	char *pdf = render(t, report_render_pdf, fixture(), REPORT_EN, "en.pdf");
	char *text = pdf_text(t, pdf), *info;
	contains(text, "Annual Report of the National Coordinator");
	contains(text, "Victims identified (recognised)");
	contains(text, "80 (\xe2\x88\x92"
	               "10)"); /* 80 (−10) */
	contains(text, "56 (\xe2\x88\x92"
	               "12)");           /* shelter */
	contains(text, "1 (no change)"); /* repatriation */
	contains(text, "5,050 (\xe2\x88\x92"
	               "250)"); /* support fund total, AZN */
	contains(text, "56,000 (\xe2\x88\x92"
	               "7,000)");
	contains(text, "AZN");
	contains(text, "18 (+3)");
	contains(text, "by form of exploitation");
	contains(text, "One person may be counted in more than one category");
	contains(text, "Trend of the main indicators, 2020–2024");
	contains(text, "Main indicators, 2024 / 2023"); /* the charts' titles */
	contains(text, "Victims identified (recognised), by citizenship");
	lacks(text, "<5");
	info = run("pdfinfo '%s'", pdf);
	contains(info, "595.276 x 841.89 pts (A4)");
	fonts_ok(pdf);
	free(info);
	free(text);
	free(pdf);
}

static void test_pdf_az(void **state)
{
	struct tmp *t = *state;
	char *pdf = render(t, report_render_pdf, fixture(), REPORT_AZ, "az.pdf");
	char *text = pdf_text(t, pdf);
	contains(text, "İnsan alverinə qarşı mübarizə üzrə Milli Koordinatorun illik hesabatı");
	contains(text, "qurbanları");
	contains(text, "80 (\xe2\x88\x92"
	               "10)");
	contains(text, "5 050 (\xe2\x88\x92"
	               "250)");
	contains(text, "manat");
	contains(text, "Göstərici");
	contains(text, AZ_LETTERS);
	contains(text, "Bir şəxs birdən çox kateqoriyada sayıla bilər");
	contains(text, "2024-cü il");
	fonts_ok(pdf);
	free(text);
	free(pdf);
}

static void test_pdf_public(void **state)
{
	struct tmp *t = *state;
	char *pdf = render(t, report_render_pdf, fixture_public(), REPORT_EN, "public.pdf");
	char *text = pdf_text(t, pdf);
	contains(text, "Public version: counts from 1 to 4 are shown as <5.");
	contains(text, "<5: a count from 1 to 4, hidden for publication."); /* under a chart */
	lacks(text, "1 (no change)"); /* repatriation is hidden, and so is its change */
	lacks(text, "Türkiye                      3");
	contains(text, "80 (\xe2\x88\x92"
	               "10)");
	free(text);
	free(pdf);
}

/* With the compiled-in definition the PDF tells the narrative too. */
static void test_pdf_narrative(void **state)
{
	struct tmp *t = *state;
	struct report_def *def = NULL;
	char errbuf[ERRBUF_MAX] = "";
	struct report *r;
	char *pdf, *text;
	if (report_def_load(NULL, &def, errbuf) != ERR_OK)
		fail_msg("definition: %s", errbuf);
	r = fixture_def(def);
	pdf = render(t, report_render_pdf, r, REPORT_EN, "narrative.pdf");
	text = pdf_text(t, pdf);
	squash(text);
	contains(text, "Each of the 80 victims, which is 10 fewer than in 2023, received a "
	               "one-time allowance of 700 AZN.");
	contains(text, "Eighty-eight victims and potential victims, which is 10 fewer than in "
	               "2023, received financial assistance totaling 5,050 AZN");
	contains(text, "Victims identified (recognised as victims) persons 80 (\xe2\x88\x92"
	               "10) 90");
	free(text);
	free(pdf);
	pdf = render(t, report_render_pdf, r, REPORT_AZ, "narrative-az.pdf");
	text = pdf_text(t, pdf);
	squash(text);
	contains(text, "2024-cü ildə qurban kimi tanınmış 80 nəfərin");
	contains(text, "Qurban kimi tanınan şəxslər nəfər 80 (\xe2\x88\x92"
	               "10) 90");
	fonts_ok(pdf);
	free(text);
	free(pdf);
	free(r->indicators);
	free(r->trend);
	report_def_free(def);
}

static void test_unwritable(void **state)
{
	struct tmp *t = *state;
	static const report_render_fn fns[] = {report_render_pdf, report_render_xlsx,
	                                       report_render_svg};
	char *path = tu_path(t->dir, "no/such/dir/report.out");
	struct stat st;
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		char errbuf[ERRBUF_MAX] = "";
		assert_int_equal(fns[i](fixture(), REPORT_EN, NULL, path, errbuf), ERR_IO);
		contains(errbuf, "report.out");
		assert_int_not_equal(stat(path, &st), 0);
		errbuf[0] = '\0';
		assert_int_equal(fns[i](fixture(), REPORT_EN, NULL, NULL, errbuf), ERR_INVALID);
		contains(errbuf, "--out");
	}
	free(path);
}

/* ---- XLSX ---------------------------------------------------------------------------- */

static void test_xlsx(void **state)
{
	struct tmp *t = *state;
	char *x = render(t, report_render_xlsx, fixture(), REPORT_EN, "en.xlsx");
	char *names = zip_names(x), *book = zip_member(x, "xl/workbook.xml");
	char *ind = zip_member(x, "xl/worksheets/sheet1.xml");
	char *strings = zip_member(x, "xl/sharedStrings.xml");
	char *styles = zip_member(x, "xl/styles.xml");
	char *chart1 = zip_member(x, "xl/charts/chart1.xml");
	char *chart2 = zip_member(x, "xl/charts/chart2.xml");
	contains(book, "name=\"Indicators\"");
	contains(book, "name=\"Breakdowns\"");
	contains(book, "name=\"Trend\"");
	contains(book, "name=\"Charts\"");
	contains(book, "name=\"ChartData\" sheetId=\"5\" state=\"hidden\"");
	/* victims_identified: 80, 90, change -10 */
	contains(ind, "<c r=\"C2\" s=\"");
	contains(ind, "<v>80</v>");
	contains(ind, "<v>90</v>");
	contains(ind, "<v>-10</v>");
	contains(ind, "<v>5050</v>"); /* support fund, in manat */
	contains(ind, "<v>5300</v>");
	contains(ind, "<v>-250</v>");
	contains(strings, "victims_identified");
	contains(strings, "Victims identified (recognised)");
	contains(strings, "persons");
	contains(styles, "formatCode=\"#,##0\"");
	contains(styles, "formatCode=\"#,##0.00 &quot;AZN&quot;\"");
	contains(styles,
	         "formatCode=\"+#,##0;&quot;\xe2\x88\x92&quot;#,##0;&quot;no change&quot;\"");
	contains(chart1, "<c:barChart>");
	contains(chart1, "ChartData!$F$2:$F$4"); /* 2024 of the three counted in persons */
	contains(chart1, "ChartData!$E$2:$E$4");
	contains(chart1, "Main indicators, 2024 / 2023");
	contains(chart2, "<c:lineChart>");
	contains(chart2, "ChartData!$B$1:$F$1");
	contains(names, "xl/worksheets/sheet5.xml");
	free(chart2);
	free(chart1);
	free(styles);
	free(strings);
	free(ind);
	free(book);
	free(names);
	free(x);
}

static void test_xlsx_breakdowns_trend(void **state)
{
	struct tmp *t = *state;
	char *x = render(t, report_render_xlsx, fixture(), REPORT_AZ, "az.xlsx");
	char *brk_xml = zip_member(x, "xl/worksheets/sheet2.xml");
	char *trend_xml = zip_member(x, "xl/worksheets/sheet3.xml");
	char *strings = zip_member(x, "xl/sharedStrings.xml");
	char *styles = zip_member(x, "xl/styles.xml");
	contains(strings, "cinsə görə");
	contains(strings, "Özbəkistan");
	contains(strings, AZ_LETTERS);
	contains(strings, "Tanınmış insan alveri qurbanları");
	contains(strings, "nəfər");
	contains(styles, "&quot;dəyişməyib&quot;");
	contains(styles, "formatCode=\"#,##0.00 &quot;manat&quot;\"");
	contains(brk_xml, "<v>52</v>"); /* female */
	contains(brk_xml, "<v>-8</v>");
	contains(brk_xml, "autoFilter");
	contains(trend_xml, "<v>82</v>");   /* victims 2022 */
	contains(trend_xml, "<v>4800</v>"); /* support fund 2020, in manat */
	free(styles);
	free(strings);
	free(trend_xml);
	free(brk_xml);
	free(x);
}

static void test_xlsx_public(void **state)
{
	struct tmp *t = *state;
	char *x = render(t, report_render_xlsx, fixture_public(), REPORT_EN, "public.xlsx");
	char *strings = zip_member(x, "xl/sharedStrings.xml");
	char *data = zip_member(x, "xl/worksheets/sheet5.xml");
	contains(strings, "&lt;5");
	/* ChartData: victims_identified of 2020 is hidden, so B2 is not written
	 * at all (a blank draws as a gap, the text "<5" as a zero). */
	lacks(data, "r=\"B2\"");
	contains(data, "r=\"C2\"");
	free(data);
	free(strings);
	free(x);
}

/* ---- SVG and the charts ------------------------------------------------------------------ */

static void test_chart_names(void **state)
{
	(void)state;
	struct report *r = fixture();
	static const char *const want[] = {
	    "main",
	    "trend",
	    "breakdown-sex",
	    "breakdown-age",
	    "breakdown-citizenship",
	    "breakdown-exploitation",
	    "breakdown-source",
	    "breakdown-sex-potential_victims_assisted",
	};
	char name[CHART_NAME_MAX];
	size_t i = 99;
	assert_int_equal(chart_count(r), sizeof want / sizeof want[0]);
	for (size_t k = 0; k < chart_count(r); k++) {
		chart_name(r, k, name);
		assert_string_equal(name, want[k]);
		assert_int_equal(chart_find(r, want[k], &i), ERR_OK);
		assert_int_equal(i, k);
	}
	assert_int_equal(chart_find(r, "pie", &i), ERR_NOT_FOUND);
	assert_int_equal(i, sizeof want / sizeof want[0] - 1); /* untouched */
}

static void svg_holds(const char *path, const char *const *needles, size_t n)
{
	char *svg = tu_read_file(path, NULL);
	assert_non_null(svg);
	xml_well_formed(path);
	contains(svg, "<svg");
	for (size_t i = 0; i < n; i++)
		contains(svg, needles[i]);
	free(svg);
}

static char *chart_svg(struct tmp *t, const struct report *r, enum report_lang lang,
                       const char *chart)
{
	char errbuf[ERRBUF_MAX] = "", file[CHART_NAME_MAX + 8];
	char *path;
	snprintf(file, sizeof file, "%s.svg", chart);
	path = tu_path(t->dir, file);
	if (report_chart_svg(r, lang, chart, path, errbuf) != ERR_OK)
		fail_msg("%s: %s", chart, errbuf);
	return path;
}

static void test_svg_charts(void **state)
{
	struct tmp *t = *state;
	struct report *r = fixture();
	static const char *const main_en[] = {
	    "<title>Main indicators, 2024 / 2023</title>",
	    "Victims identified (recognised): 2024 80, 2023 90",
	    "Support Fund: persons paid: 2024 88, 2023 98",
	};
	static const char *const trend_az[] = {
	    "<title>Əsas göstəricilərin dinamikası, 2020–2024</title>",
	    "Tanınmış insan alveri qurbanları: 2020 70, 2021 75, 2022 82, 2023 90, 2024 80",
	};
	static const char *const source_az[] = {
	    "müəyyənetmə mənbəyinə görə</title>",
	    "naməlum " AZ_LETTERS ": 2024 0, 2023 0",
	};
	char *path = render(t, report_render_svg, r, REPORT_EN, "default.svg"), *text;
	svg_holds(path, main_en, 3);
	text = tu_read_file(path, NULL);
	lacks(text, "Support Fund: total paid"); /* money: in the tables only */
	free(text);
	free(path);
	path = chart_svg(t, r, REPORT_AZ, "trend");
	svg_holds(path, trend_az, 2);
	free(path);
	path = chart_svg(t, r, REPORT_AZ, "breakdown-source");
	svg_holds(path, source_az, 2);
	free(path);
	for (size_t i = 0; i < chart_count(r); i++) {
		char name[CHART_NAME_MAX];
		chart_name(r, i, name);
		path = chart_svg(t, r, REPORT_AZ, name);
		xml_well_formed(path);
		free(path);
	}
}

static void test_svg_public_and_unknown(void **state)
{
	struct tmp *t = *state;
	struct report *r = fixture_public();
	char errbuf[ERRBUF_MAX] = "";
	char *path = tu_path(t->dir, "pie.svg");
	static const char *const cit[] = {"Türkiye: 2024 &lt;5, 2023 &lt;5"};
	struct stat st;
	assert_int_equal(report_chart_svg(r, REPORT_EN, "pie", path, errbuf), ERR_NOT_FOUND);
	contains(errbuf, "no chart \"pie\"");
	contains(errbuf, "main, trend, breakdown-sex");
	assert_int_not_equal(stat(path, &st), 0);
	free(path);
	path = chart_svg(t, r, REPORT_EN, "breakdown-citizenship");
	svg_holds(path, cit, 1);
	free(path);
}

/* LeakSanitizer's hook: fontconfig keeps a few bytes of its configuration
 * (read once per process, through pango) that no call gives back. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* A breakdown of many countries: the chart draws the CHART_BARS_MAX largest
 * and says how many more the table has; the PDF's table holds them all. */
static void test_many_categories(void **state)
{
	struct tmp *t = *state;
	struct report *r = fixture();
	struct report_breakdown_row many[40];
	char labels[40][32], *path, *svg, *pdf, *text;
	size_t lines = 0;
	for (size_t k = 0; k < 40; k++) {
		snprintf(labels[k], sizeof labels[k], "country %zu", k + 1);
		many[k] = (struct report_breakdown_row){.category = labels[k],
		                                        .label = {labels[k], labels[k]},
		                                        .value = {(int64_t)(80 - k), 0},
		                                        .previous = {(int64_t)(70 - k), 0}};
	}
	r->breakdowns[2].rows = many;
	r->breakdowns[2].n = 40;
	path = chart_svg(t, r, REPORT_EN, "breakdown-citizenship");
	xml_well_formed(path);
	svg = tu_read_file(path, NULL);
	for (const char *c = strstr(svg, "<desc>"); c && (c = strstr(c, ": 2024 ")); c++)
		lines++;
	assert_int_equal(lines, CHART_BARS_MAX);
	pdf = render(t, report_render_pdf, r, REPORT_EN, "many.pdf");
	text = pdf_text(t, pdf);
	contains(text, "country 40");
	contains(text, "Categories not drawn (see the table): 16");
	free(text);
	free(pdf);
	free(svg);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pdf_en, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pdf_az, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pdf_public, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pdf_narrative, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_breakdowns_trend, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_public, setup, teardown),
	    cmocka_unit_test(test_chart_names),
	    cmocka_unit_test_setup_teardown(test_svg_charts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_svg_public_and_unknown, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_categories, setup, teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	/* pango and cairo keep fonts for the process's life; hand them back so
	 * that LeakSanitizer sees only what the renderers might have leaked. */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	return failed;
}
