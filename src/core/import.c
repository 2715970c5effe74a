/*
 * import.c - `haven import` in three steps: read and check every file
 * (import_rules.c reads each row and has validate.c check it), check that
 * every person referred to exists, and only then write everything in one
 * transaction.
 *
 * Problems are collected, not printed as found, so that they can be sorted by
 * file and line and capped.  Personal values never reach a message: the rules
 * describe what is wrong with a cell, and quote only ids, codes and dates.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/import_internal.h"

#define PROGRESS_EVERY   4096 /* rows between progress calls */
#define FILES_TEXT_MAX   4096 /* bytes of the file list recorded with an import */
#define PROBLEM_TEXT_MAX (IMPORT_MESSAGE_MAX + 256) /* and the column name */

/* ---- problems ------------------------------------------------------------ */

void import_problem(struct import_ctx *c, uint32_t file, uint64_t line, const char *column,
                    const char *fmt, ...)
{
	char text[PROBLEM_TEXT_MAX];
	struct problem *p;
	va_list ap;
	int n;

	c->total_problems++;
	if (c->nproblems >= c->max_problems)
		return;
	if (!c->problems && !(c->problems = calloc(c->max_problems, sizeof *c->problems))) {
		c->out_of_memory = 1;
		return;
	}
	n = snprintf(text, sizeof text, "%s: ", column);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof text)
		vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
	va_end(ap);
	p = &c->problems[c->nproblems];
	if (!(p->text = strdup(text))) {
		c->out_of_memory = 1;
		return;
	}
	p->file = file;
	p->line = line;
	p->seq = c->total_problems;
	c->nproblems++;
}

static int problem_cmp(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void print_problems(struct import_ctx *c, FILE *out)
{
	if (c->nproblems > 0) /* qsort's base may not be NULL */
		qsort(c->problems, c->nproblems, sizeof *c->problems, problem_cmp);
	for (size_t i = 0; i < c->nproblems; i++)
		fprintf(out, "%s:%" PRIu64 ": %s\n", c->names[c->problems[i].file],
		        c->problems[i].line, c->problems[i].text);
	if (c->total_problems > c->nproblems)
		fprintf(out, "... and %" PRIu64 " more problems (only the first %zu are shown)\n",
		        c->total_problems - c->nproblems, c->nproblems);
	if (c->out_of_memory)
		fprintf(out, "(out of memory: some problems could not be recorded)\n");
}

/* ---- reading one file ----------------------------------------------------- */

static int cell_is(const struct csv_cell *cell, const char *name)
{
	return cell->len == strlen(name) && memcmp(cell->s, name, cell->len) == 0;
}

/* The kind whose columns the header names most; -1 when none or a tie. */
static int classify(const struct csv_record *h)
{
	int best = -1;
	size_t best_score = 0, tie = 0;
	for (int k = 0; k < KIND_COUNT; k++) {
		size_t score = 0;
		for (size_t j = 0; j < h->n; j++)
			for (size_t i = 0; i < import_kinds[k].nfields; i++)
				if (cell_is(&h->cells[j], import_kinds[k].fields[i].name))
					score++;
		if (score > best_score) {
			best = k;
			best_score = score;
			tie = 0;
		} else if (score == best_score && score > 0) {
			tie = 1;
		}
	}
	return tie ? -1 : best;
}

static void kind_columns(enum kind k, int required_only, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < import_kinds[k].nfields; i++) {
		if (required_only && !import_kinds[k].fields[i].required)
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
		                 import_kinds[k].fields[i].name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

static void no_kind(struct import_ctx *c, uint32_t fi, uint64_t line)
{
	char cols[KIND_COUNT][512];
	for (int k = 0; k < KIND_COUNT; k++)
		kind_columns((enum kind)k, 1, cols[k], sizeof cols[k]);
	import_problem(
	    c, fi, line, "(header)",
	    "the header matches no kind of file (a persons file has the columns %s, ...; "
	    "a services file %s, ...; a referrals file %s, ...)",
	    cols[0], cols[1], cols[2]);
}

/* Maps each field of the kind to its column (-1 when absent) and reports
 * unknown, duplicate and missing columns. */
static void map_header(struct import_ctx *c, uint32_t fi, const struct csv_record *h, enum kind k,
                       int *col)
{
	const struct kind_def *kd = &import_kinds[k];
	char name[VALIDATE_ECHO_MAX], cols[1024];
	kind_columns(k, 0, cols, sizeof cols);
	for (size_t i = 0; i < kd->nfields; i++)
		col[i] = -1;
	for (size_t j = 0; j < h->n; j++) {
		size_t i = 0;
		while (i < kd->nfields && !cell_is(&h->cells[j], kd->fields[i].name))
			i++;
		validate_echo(h->cells[j].s, h->cells[j].len, name, sizeof name);
		if (h->cells[j].len == 0)
			snprintf(name, sizeof name, "(column %zu)", j + 1);
		if (i == kd->nfields)
			import_problem(c, fi, h->line, name,
			               "unknown column (allowed in a %s file: %s)", kd->name, cols);
		else if (col[i] >= 0)
			import_problem(c, fi, h->line, name,
			               "duplicate column (columns %d and %zu; each column once)",
			               col[i] + 1, j + 1);
		else
			col[i] = (int)j;
	}
	kind_columns(k, 1, cols, sizeof cols);
	for (size_t i = 0; i < kd->nfields; i++)
		if (kd->fields[i].required && col[i] < 0)
			import_problem(c, fi, h->line, kd->fields[i].name,
			               "required column is missing (a %s file needs %s)", kd->name,
			               cols);
}

/* The column a reader error points at: the header's name for it, or (header)
 * while the header itself is read. */
static void column_name(const struct csv_record *h, size_t cell, char *buf, size_t len)
{
	if (h && cell < h->n && h->cells[cell].len)
		validate_echo(h->cells[cell].s, h->cells[cell].len, buf, len);
	else
		snprintf(buf, len, h ? "(row)" : "(header)");
}

static void reader_problem(struct import_ctx *c, uint32_t fi, const struct csv_record *header,
                           const struct csv_record *rec, const char *why)
{
	char name[VALIDATE_ECHO_MAX];
	column_name(header, rec->bad_cell, name, sizeof name);
	if (rec->bad_line != rec->line)
		import_problem(c, fi, rec->line, name, "%s; seen on line %" PRIu64, why,
		               rec->bad_line);
	else
		import_problem(c, fi, rec->line, name, "%s", why);
}

static int all_empty(const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		if (rec->cells[i].len)
			return 0;
	return 1;
}

static void progress_checking(struct import_ctx *c, uint32_t fi, csv_reader *rd, uint64_t size)
{
	struct import_progress p = {IMPORT_CHECKING, c->names[fi], csv_reader_offset(rd), size};
	if (c->opt->progress)
		c->opt->progress(&p, c->opt->progress_ctx);
}

/* Reads the header: 1 with a kind and column map, 0 when the file cannot be
 * read further (the problem is recorded). */
static int read_header(struct import_ctx *c, uint32_t fi, csv_reader *rd, struct csv_record *h,
                       enum kind *k, int *col, err_t *fatal)
{
	char errbuf[ERRBUF_MAX];
	err_t e = csv_reader_next(rd, h, errbuf);
	int kind;
	if (e == ERR_NOT_FOUND) {
		import_problem(c, fi, 1, "(header)",
		               "the file is empty (a header row naming the columns is required)");
		return 0;
	}
	if (e != ERR_OK) {
		reader_problem(c, fi, NULL, h, errbuf);
		if (e == ERR_NOMEM)
			*fatal = e;
		return 0;
	}
	if ((kind = classify(h)) < 0) {
		no_kind(c, fi, h->line);
		return 0;
	}
	*k = (enum kind)kind;
	map_header(c, fi, h, *k, col);
	return 1;
}

/* Copies the header's cells, which the reader reuses for the next record. */
static err_t keep_header(struct import_ctx *c, struct csv_record *h, struct csv_cell *cells)
{
	for (size_t i = 0; i < h->n; i++) {
		const char *copy = arena_strndup(&c->arena, h->cells[i].s, h->cells[i].len);
		if (!copy)
			return ERR_NOMEM;
		cells[i] = (struct csv_cell){copy, h->cells[i].len};
	}
	h->cells = cells;
	return ERR_OK;
}

static err_t read_rows(struct import_ctx *c, uint32_t fi, csv_reader *rd,
                       const struct csv_record *h, enum kind k, const int *col, uint64_t size)
{
	struct csv_record rec;
	char errbuf[ERRBUF_MAX];
	err_t e;
	while ((e = csv_reader_next(rd, &rec, errbuf)) != ERR_NOT_FOUND) {
		if (e == ERR_INVALID || e == ERR_LIMIT) {
			reader_problem(c, fi, h, &rec, errbuf);
			continue;
		}
		if (e != ERR_OK) {
			import_problem(c, fi, rec.line, "(file)", "%s", errbuf);
			return e == ERR_NOMEM ? e : ERR_OK;
		}
		if (all_empty(&rec))
			continue;
		if (++c->data_rows > IMPORT_ROWS_MAX) {
			import_problem(c, fi, rec.line, "(row)",
			               "too many rows (at most %d in one import)", IMPORT_ROWS_MAX);
			return ERR_OK;
		}
		if (c->data_rows % PROGRESS_EVERY == 0)
			progress_checking(c, fi, rd, size);
		if (rec.n != h->n) {
			import_problem(c, fi, rec.line, "(row)",
			               "the row has %zu cells but the header has %zu (one cell per "
			               "column; put a cell that holds the delimiter in quotes)",
			               rec.n, h->n);
			continue;
		}
		struct row_in in = {k, fi, rec.line, rec.cells, col};
		if ((e = import_row(c, &in)) != ERR_OK) {
			import_problem(c, fi, rec.line, "(row)", "cannot be checked: %s",
			               err_str(e));
			return e;
		}
	}
	progress_checking(c, fi, rd, size);
	return ERR_OK;
}

static err_t read_file(struct import_ctx *c, uint32_t fi)
{
	struct csv_cell header_cells[CSV_READER_CELLS_MAX];
	int col[IMPORT_FIELDS_MAX];
	char errbuf[ERRBUF_MAX];
	struct csv_record h;
	struct stat st;
	csv_reader *rd = NULL;
	enum kind k = KIND_PERSONS;
	err_t e = ERR_OK;

	if ((e = csv_reader_open(c->paths[fi], &rd, errbuf)) != ERR_OK) {
		if (e == ERR_NOMEM)
			return e; /* not the file's fault */
		import_problem(c, fi, 0, "(file)", "%s", errbuf);
		return ERR_OK;
	}
	if (read_header(c, fi, rd, &h, &k, col, &e)) {
		if ((e = keep_header(c, &h, header_cells)) == ERR_OK)
			e = read_rows(c, fi, rd, &h, k, col,
			              stat(c->paths[fi], &st) == 0 ? (uint64_t)st.st_size : 0);
	}
	csv_reader_free(rd);
	return e;
}

/* ---- references ----------------------------------------------------------- */

/* Finds a person in the import, else in the database: 1 with *status (NULL
 * when the import's row had a bad status), 0 when nobody has that id. */
static err_t find_person(struct import_ctx *c, const char *ref, int *found, const char **status)
{
	size_t i;
	char *copy;
	err_t e;
	if (strmap_get(&c->ids[KIND_PERSONS], ref, &i)) {
		*found = 1;
		*status = ((const struct id_info *)c->idinfo[KIND_PERSONS].v)[i].status;
		return ERR_OK;
	}
	if (strmap_get(&c->stored, ref, &i)) {
		*found = i != 0;
		*status = (const char *)(uintptr_t)i;
		return ERR_OK;
	}
	*status = NULL;
	e = registry_person_status(c->reg, ref, status);
	if (e != ERR_OK && e != ERR_NOT_FOUND)
		return e;
	*found = e == ERR_OK;
	if (!(copy = arena_strndup(&c->arena, ref, strlen(ref))))
		return ERR_NOMEM;
	return strmap_put(&c->stored, copy, *found ? (size_t)(uintptr_t)*status : 0, NULL);
}

static void dangling(struct import_ctx *c, struct row_src src, const char *column, const char *ref)
{
	import_problem(c, src.file, src.line, column,
	               "no person with id '%s' in this import or in the database (the id of a "
	               "person in one of the files, or one stored already)",
	               ref);
}

static err_t check_parent(struct import_ctx *c, const struct person_row *row)
{
	const char *status;
	int found;
	err_t e = find_person(c, row->p.parent_ref, &found, &status);
	if (e != ERR_OK)
		return e;
	if (!found)
		dangling(c, row->src, "parent_id", row->p.parent_ref);
	else if (status && strcmp(status, "victim") != 0 && strcmp(status, "potential_victim") != 0)
		import_problem(c, row->src.file, row->src.line, "parent_id",
		               "'%s' is a person with status %s (the parent of a dependant must be "
		               "a victim or potential_victim)",
		               row->p.parent_ref, status);
	return ERR_OK;
}

static err_t check_person_ref(struct import_ctx *c, struct row_src src, const char *ref)
{
	const char *status;
	int found;
	err_t e = find_person(c, ref, &found, &status);
	if (e == ERR_OK && !found)
		dangling(c, src, "person_id", ref);
	return e;
}

/* A person erased from the registry (registry_erase_person) cannot come back
 * through an old file: neither the person's row nor rows about the person. */
static void check_erased(struct import_ctx *c, struct row_src src, const char *column,
                         const char *ref)
{
	if (registry_is_erased(c->reg, ref))
		import_problem(
		    c, src.file, src.line, column,
		    "'%s' is a person whose personal data was erased (an erased person's "
		    "records cannot be imported again)",
		    ref);
}

static err_t check_references(struct import_ctx *c)
{
	const struct person_row *p = c->rows[KIND_PERSONS].v;
	const struct service_row *s = c->rows[KIND_SERVICES].v;
	const struct referral_row *f = c->rows[KIND_REFERRALS].v;
	err_t e = ERR_OK;
	for (size_t i = 0; e == ERR_OK && i < c->rows[KIND_PERSONS].n; i++) {
		check_erased(c, p[i].src, "id", p[i].p.ref);
		if (p[i].p.parent_ref)
			e = check_parent(c, &p[i]);
	}
	for (size_t i = 0; e == ERR_OK && i < c->rows[KIND_SERVICES].n; i++) {
		check_erased(c, s[i].src, "person_id", s[i].s.person_ref);
		e = check_person_ref(c, s[i].src, s[i].s.person_ref);
	}
	for (size_t i = 0; e == ERR_OK && i < c->rows[KIND_REFERRALS].n; i++) {
		check_erased(c, f[i].src, "person_id", f[i].f.person_ref);
		e = check_person_ref(c, f[i].src, f[i].f.person_ref);
	}
	return e;
}

/* ---- writing -------------------------------------------------------------- */

struct writer {
	struct import_ctx *c;
	struct import_summary *sum;
	int64_t import_id;
	uint64_t done, total;
	FILE *errors;
};

static void count(struct import_counts *k, enum put_outcome o)
{
	if (o == PUT_ADDED)
		k->added++;
	else if (o == PUT_UPDATED)
		k->updated++;
	else
		k->unchanged++;
}

/* Reports a failed write, with the row it came from. */
static err_t put_failed(struct writer *w, struct row_src src, err_t e)
{
	fprintf(w->errors, "%s:%u: (row): could not be stored: %s (%s); nothing was written\n",
	        w->c->names[src.file], (unsigned)src.line, err_str(e),
	        db_errmsg(registry_db(w->c->reg)));
	return e;
}

/* Tells the caller how far writing is: at the start, then every few rows. */
static void progress_writing(struct writer *w)
{
	struct import_progress p = {IMPORT_WRITING, NULL, w->done, w->total};
	if (w->done % PROGRESS_EVERY == 0 && w->c->opt->progress)
		w->c->opt->progress(&p, w->c->opt->progress_ctx);
	w->done++;
}

/* Persons without a parent first, then dependants, whose parents must be
 * stored before them. */
static err_t write_persons(struct writer *w)
{
	const struct person_row *p = w->c->rows[KIND_PERSONS].v;
	size_t n = w->c->rows[KIND_PERSONS].n;
	enum put_outcome o;
	err_t e;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			if ((p[i].p.parent_ref != NULL) != pass)
				continue;
			progress_writing(w);
			if ((e = registry_put_person(w->c->reg, &p[i].p, w->import_id, &o)) !=
			    ERR_OK)
				return put_failed(w, p[i].src, e);
			count(&w->sum->persons, o);
		}
	return ERR_OK;
}

static err_t write_services(struct writer *w)
{
	const struct service_row *s = w->c->rows[KIND_SERVICES].v;
	enum put_outcome o;
	err_t e;
	for (size_t i = 0; i < w->c->rows[KIND_SERVICES].n; i++) {
		progress_writing(w);
		if ((e = registry_put_service(w->c->reg, &s[i].s, w->import_id, &o)) != ERR_OK)
			return put_failed(w, s[i].src, e);
		count(&w->sum->services, o);
	}
	return ERR_OK;
}

static err_t write_referrals(struct writer *w)
{
	const struct referral_row *f = w->c->rows[KIND_REFERRALS].v;
	enum put_outcome o;
	err_t e;
	for (size_t i = 0; i < w->c->rows[KIND_REFERRALS].n; i++) {
		progress_writing(w);
		if ((e = registry_put_referral(w->c->reg, &f[i].f, w->import_id, &o)) != ERR_OK)
			return put_failed(w, f[i].src, e);
		count(&w->sum->referrals, o);
	}
	return ERR_OK;
}

/* The file names (without directories) recorded with the import. */
static void files_text(const struct import_ctx *c, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->npaths; i++) {
		const char *slash = strrchr(c->names[i], '/');
		const char *base = slash ? slash + 1 : c->names[i];
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", base);
		if (n < 0 || (size_t)n >= len - used) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			return;
		}
		used += (size_t)n;
	}
}

static int64_t changed(const struct import_summary *s)
{
	return s->persons.added + s->persons.updated + s->services.added + s->services.updated +
	       s->referrals.added + s->referrals.updated;
}

static int64_t updated(const struct import_summary *s)
{
	return s->persons.updated + s->services.updated + s->referrals.updated;
}

static int64_t unchanged(const struct import_summary *s)
{
	return s->persons.unchanged + s->services.unchanged + s->referrals.unchanged;
}

/* The import's audit entry, in its own transaction: no personal value, only
 * the import's number and its counts. */
static err_t audit_import(struct writer *w)
{
	const struct import_summary *s = w->sum;
	char ref[24], detail[160];
	snprintf(ref, sizeof ref, "%lld", (long long)w->import_id);
	snprintf(detail, sizeof detail, "%lld rows: %lld added, %lld updated, %lld unchanged",
	         (long long)s->rows, (long long)(changed(s) - updated(s)), (long long)updated(s),
	         (long long)unchanged(s));
	return registry_audit(w->c->reg, "import", "import", ref, "ok", detail);
}

static err_t write_all(struct writer *w)
{
	struct import_summary *s = w->sum;
	char files[FILES_TEXT_MAX];
	err_t e;
	files_text(w->c, files, sizeof files);
	if ((e = registry_import_begin(w->c->reg, files, &w->import_id)) != ERR_OK) {
		fprintf(w->errors, "cannot record the import: %s\n", err_str(e));
		return e;
	}
	if ((e = write_persons(w)) != ERR_OK || (e = write_services(w)) != ERR_OK ||
	    (e = write_referrals(w)) != ERR_OK)
		return e;
	if (w->c->opt->dry_run || changed(s) == 0)
		return ERR_OK;
	if ((e = registry_import_finish(
	         w->c->reg, w->import_id, s->rows,
	         s->persons.added + s->services.added + s->referrals.added,
	         s->persons.updated + s->services.updated + s->referrals.updated, unchanged(s))) !=
	        ERR_OK ||
	    (e = audit_import(w)) != ERR_OK)
		fprintf(w->errors, "cannot record the import: %s\n", err_str(e));
	return e;
}

/* One transaction: committed only when something changed and this is not a
 * dry run; rolled back otherwise, so an all-unchanged import writes nothing. */
static err_t run_transaction(struct import_ctx *c, struct import_summary *s, FILE *errors)
{
	struct writer w = {c, s, 0, 0, 0, errors};
	db *d = registry_db(c->reg);
	err_t e;
	for (int k = 0; k < KIND_COUNT; k++)
		w.total += c->rows[k].n;
	if ((e = db_begin(d)) != ERR_OK) {
		fprintf(errors, "cannot start a transaction: %s\n", db_errmsg(d));
		return e;
	}
	e = write_all(&w);
	if (e == ERR_OK && !c->opt->dry_run && changed(s) > 0) {
		if ((e = db_commit(d)) == ERR_OK)
			s->import_id = w.import_id;
		else
			fprintf(errors, "cannot commit the import: %s; nothing was written\n",
			        db_errmsg(d));
	}
	if (s->import_id == 0)
		db_rollback(d);
	return e;
}

/* ---- the whole import ----------------------------------------------------- */

static void ctx_free(struct import_ctx *c)
{
	for (size_t i = 0; i < c->nproblems; i++)
		free(c->problems[i].text);
	free(c->problems);
	for (int k = 0; k < KIND_COUNT; k++) {
		strmap_free(&c->ids[k]);
		rows_free(&c->idinfo[k]);
		rows_free(&c->rows[k]);
	}
	strmap_free(&c->interned);
	strmap_free(&c->stored);
	arena_free(&c->arena);
}

static void ctx_init(struct import_ctx *c, registry *r, const char *const *paths, size_t n,
                     const struct import_options *opt)
{
	static const size_t row_size[KIND_COUNT] = {
	    sizeof(struct person_row), sizeof(struct service_row), sizeof(struct referral_row)};
	*c = (struct import_ctx){
	    .reg = r, .codes = registry_codes(r), .paths = paths,
	    .names = opt->names ? opt->names : paths, .npaths = n, .opt = opt};
	c->max_problems = opt->max_problems ? opt->max_problems : IMPORT_PROBLEMS_MAX;
	for (int k = 0; k < KIND_COUNT; k++) {
		c->rows[k].size = row_size[k];
		c->idinfo[k].size = sizeof(struct id_info);
	}
}

/* Reads and checks every file, then the references between them. */
static err_t check_all(struct import_ctx *c)
{
	err_t e = ERR_OK;
	for (size_t i = 0; e == ERR_OK && i < c->npaths; i++)
		e = read_file(c, (uint32_t)i);
	if (e == ERR_OK && c->total_problems == 0)
		e = check_references(c);
	return e;
}

err_t import_files(registry *r, const char *const *paths, size_t n,
                   const struct import_options *opt, struct import_summary *out, FILE *errors)
{
	static const struct import_options defaults = {0};
	struct import_summary s = {0};
	struct import_ctx c;
	err_t e;

	if (n == 0 || n > IMPORT_FILES_MAX) {
		fprintf(errors, "give between 1 and %d files to import\n", IMPORT_FILES_MAX);
		return n ? ERR_LIMIT : ERR_INVALID;
	}
	ctx_init(&c, r, paths, n, opt ? opt : &defaults);
	e = check_all(&c);
	s.files = (int64_t)n;
	s.rows = c.data_rows;
	s.problems = c.total_problems;
	if (c.total_problems) {
		print_problems(&c, errors);
		if (e == ERR_OK)
			e = ERR_INVALID;
	} else if (e != ERR_OK) {
		fprintf(errors, "the import failed: %s; nothing was written\n", err_str(e));
	} else {
		e = run_transaction(&c, &s, errors);
	}
	if (e == ERR_OK || e == ERR_INVALID)
		*out = s;
	ctx_free(&c);
	return e;
}
