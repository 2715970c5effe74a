/*
 * queries.h - every SQL text of the registry, named, written once for SQLite
 * and PostgreSQL: `$n` placeholders bound by the caller, never formatted.
 * (The report engine keeps its aggregate queries in src/report/queries.c.)
 */
#ifndef HAVEN_QUERIES_H
#define HAVEN_QUERIES_H

extern const char Q_META_GET[];
extern const char Q_META_PUT[];

extern const char Q_IMPORT_BEGIN[];
extern const char Q_IMPORT_FINISH[];

extern const char Q_PERSON_FIND[];
extern const char Q_PERSON_INSERT[];
extern const char Q_PERSON_UPDATE[];
extern const char Q_PERSON_EXPLOITATION_CLEAR[];
extern const char Q_PERSON_EXPLOITATION_ADD[];
extern const char Q_PERSON_EXPLOITATION_LIST[];
extern const char Q_PERSON_SELECT_ALL[];
extern const char Q_PERSON_SELECT_ONE[];
extern const char Q_PERSON_PROVENANCE[];

extern const char Q_SERVICE_UPSERT[];
extern const char Q_SERVICE_SELECT_ALL[];
extern const char Q_SERVICE_SELECT_PERSON[];

extern const char Q_REFERRAL_UPSERT[];
extern const char Q_REFERRAL_SELECT_ALL[];
extern const char Q_REFERRAL_SELECT_PERSON[];

extern const char Q_PERSON_REKEY[];
extern const char Q_SERVICE_REKEY[];
extern const char Q_SERVICE_SELECT_ONE[];
extern const char Q_REFERRAL_REKEY[];
extern const char Q_REFERRAL_SELECT_ONE[];

extern const char Q_REKEY_SCAN_PERSONS[];
extern const char Q_REKEY_SCAN_SERVICES[];
extern const char Q_REKEY_SCAN_REFERRALS[];
extern const char Q_REKEY_SCAN_USERS[];
extern const char Q_REKEY_USER_GET[];
extern const char Q_REKEY_USER_PUT[];

extern const char Q_ERASURE_ANY[];
extern const char Q_ERASURE_FIND[];
extern const char Q_RETENTION_PERIODS[];
extern const char Q_RETENTION_PERSONS[];
extern const char Q_HOLD_GET[];
extern const char Q_SUBJECT_ACCESSES[];
extern const char Q_HOLD_PUT[];
extern const char Q_HOLD_DROP[];
extern const char Q_ERASURE_ADD[];
extern const char Q_PERSON_ERASE[];
extern const char Q_SERVICE_ERASE_NOTES[];
extern const char Q_SQLITE_WAL_TRUNCATE[];
extern const char Q_PG_VACUUM_ERASED[];
extern const char Q_PG_CHECKPOINT[];

extern const char Q_COPY_YEARS[];
extern const char Q_BACKUP_INTO[];
extern const char Q_SQLITE_INTEGRITY_CHECK[];
extern const char Q_SQLITE_QUICK_CHECK[];

extern const char Q_INDEX_CLEAR[];
extern const char Q_INDEX_ADD[];
extern const char Q_INDEX_LOOKUP[];
extern const char Q_DUP_INDEX[];
extern const char Q_DUP_PERSONS[];

extern const char Q_AUDIT_HEAD[];
extern const char Q_AUDIT_APPEND[];
extern const char Q_AUDIT_ALL[];

#endif
