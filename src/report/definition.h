/*
 * definition.h - a report definition as the engine reads it (the parsed form
 * of src/report/definitions/annual.ini; docs/internals/report.md describes
 * the file).  Internal to src/report/: the renderers see only struct report.
 *
 * Every string is owned by the struct report_def and freed by report_def_free.
 */
#ifndef HAVEN_REPORT_DEFINITION_H
#define HAVEN_REPORT_DEFINITION_H

#include <stddef.h>

#include "report/report.h"

#define DEF_SOURCES_MAX 4 /* identification sources one indicator may name */
#define DEF_DIMS_MAX 8    /* breakdown dimensions of one indicator */
#define DEF_PARTS_MAX 16  /* parts of one relation */
#define DEF_LINE_MAX 196  /* inih's line limit (200 with CR, LF and NUL) */
#define DEF_ITEMS_MAX 512 /* indicators, relations, labels or paragraphs */
#define DEF_DIGEST_BYTES 32

/* What an indicator counts over: which record, and which of its dates. */
enum def_event {
	DEF_EV_RECOGNIZED, /* persons by recognized_on */
	DEF_EV_IDENTIFIED, /* persons by identified_on */
	DEF_EV_SERVICE,    /* services by date */
	DEF_EV_REFERRAL    /* referrals by date */
};

enum def_measure {
	DEF_M_PERSONS, /* distinct persons */
	DEF_M_PARENTS, /* distinct parents of the (dependant) persons */
	DEF_M_SUM      /* sum of the services' amounts */
};

enum def_population { DEF_POP_ALL, DEF_POP_SUBJECTS, DEF_POP_DEPENDANTS };

struct def_indicator {
	char *id;
	char *label[REPORT_LANGS];
	enum def_event event;
	enum def_measure measure;
	enum def_population population;
	int child_only, foreign_only;
	int recognized_in_year;   /* the person was recognised in the same year */
	int not_recognized;       /* identified: not recognised by the end of the year */
	int with_service;         /* identified: at least one service in the year */
	char *sources[DEF_SOURCES_MAX];
	size_t n_sources;
	char *service, *provider, *phase;  /* service filter (service required) */
	char *from, *to, *purpose;         /* referral filter (NULL: any) */
	char *currency;           /* money: the unit summed ("AZN") */
	int trend;                /* a main indicator: five years */
	char *breakdown[DEF_DIMS_MAX];
	size_t n_breakdown;
};

struct def_relation {
	char *name;
	char *total;
	char *parts[DEF_PARTS_MAX];
	size_t n_parts;
};

struct def_label {
	char *key, *value;
};

struct report_def {
	char *source;               /* file name for messages */
	char *report_id, *version;
	char *title[REPORT_LANGS];
	unsigned char digest[DEF_DIGEST_BYTES]; /* BLAKE2b-256 of the file's bytes */
	struct def_indicator *ind;
	size_t n_ind;
	struct def_relation *rel;
	size_t n_rel;
	char **para[REPORT_LANGS];  /* narrative paragraphs (templates), in order */
	size_t n_para[REPORT_LANGS];
	struct def_label *labels[REPORT_LANGS];
	size_t n_labels[REPORT_LANGS];
};

/* The indicator with this id, or NULL (borrowed). */
const struct def_indicator *def_find(const struct report_def *d, const char *id);

/* Index of the indicator, or -1. */
long def_index(const struct report_def *d, const char *id);

/* The language named "en" / "az", or -1. */
int def_lang(const char *name);

#endif
