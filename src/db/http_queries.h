/*
 * http_queries.h - the SQL texts of accounts, sessions, sign-in throttling
 * and access-scoped reads and writes of the registry (users.c, session.c,
 * caseview.c, family.c, auditlog.c).  Written once for SQLite and PostgreSQL: `$n` placeholders
 * bound by the caller, never formatted.  Column lists here and the column
 * numbers read by the callers go together.
 */
#ifndef HAVEN_HTTP_QUERIES_H
#define HAVEN_HTTP_QUERIES_H

extern const char Q_USER_INSERT[];
extern const char Q_USER_BY_NAME[];
extern const char Q_USER_LIST[];
extern const char Q_USER_SET_DISABLED[];
extern const char Q_USER_SET_PASSWORD[];
extern const char Q_USER_REHASH[];
extern const char Q_USER_SET_TOTP[];
extern const char Q_USER_SET_ROLE[];
extern const char Q_USER_USE_STEP[];
extern const char Q_USER_RESET_TAKE[];

extern const char Q_SESSION_INSERT[];
extern const char Q_USER_ACCEPT_TERMS[];
extern const char Q_SESSION_GET[];
extern const char Q_SESSION_TOUCH[];
extern const char Q_SESSION_DELETE[];
extern const char Q_SESSION_DELETE_USER[];
extern const char Q_SESSION_PURGE[];

extern const char Q_THROTTLE_GET[];
extern const char Q_THROTTLE_PUT[];
extern const char Q_THROTTLE_CLEAR[];

extern const char Q_ERASURE_PERSON[];
extern const char Q_ERASURE_PENDING_FOR[];
extern const char Q_ERASURE_INSERT[];
extern const char Q_ERASURE_GET[];
extern const char Q_ERASURE_PENDING[];
extern const char Q_ERASURE_DECIDE[];

extern const char Q_CASE_PERSON_IDS[];
extern const char Q_CASE_PERSON_ONE[];
extern const char Q_CASE_SERVICES[];
extern const char Q_CASE_REFERRALS[];
extern const char Q_CASE_INBOX[];
extern const char Q_CASE_REFERRAL_ONE[];
extern const char Q_CASE_ACCESS_PUT[];
extern const char Q_CASE_ACCESS_BLOCK[];
extern const char Q_CASE_SERVICE_AUTHOR[];
extern const char Q_CASE_REF_EXISTS[];

extern const char Q_FAMILY_CHILDREN[];
extern const char Q_AUDITLOG_PAGE[];
extern const char Q_AUDITLOG_ACCOUNT[];

#endif
