/*
 * handlers.h - the handlers of the route table, one file per area:
 * h_system.c (health, metrics), h_session.c (sign-in and out), h_persons.c
 * (persons and their services), h_family.c (children), h_referrals.c, h_users.c,
 * h_codes.c, h_audit.c, h_reports.c, h_duplicates.c.  Each follows
 * http_handler (request.h).
 */
#ifndef HAVEN_HTTP_HANDLERS_H
#define HAVEN_HTTP_HANDLERS_H

#include "http/request.h"

err_t h_healthz(struct request *rq, struct reply *out);
err_t h_metrics(struct request *rq, struct reply *out);
err_t h_openapi(struct request *rq, struct reply *out);

err_t h_session_create(struct request *rq, struct reply *out);
err_t h_session_show(struct request *rq, struct reply *out);
err_t h_session_delete(struct request *rq, struct reply *out);
err_t h_session_reauth(struct request *rq, struct reply *out);
err_t h_terms_show(struct request *rq, struct reply *out);
err_t h_terms_accept(struct request *rq, struct reply *out);
err_t h_password_reset(struct request *rq, struct reply *out);

err_t h_persons_list(struct request *rq, struct reply *out);
err_t h_persons_search(struct request *rq, struct reply *out);
err_t h_person_create(struct request *rq, struct reply *out);
err_t h_person_read(struct request *rq, struct reply *out);
err_t h_person_reveal(struct request *rq, struct reply *out);
err_t h_person_subject_access(struct request *rq, struct reply *out);
err_t h_legal_hold(struct request *rq, struct reply *out);
err_t h_person_update(struct request *rq, struct reply *out);
err_t h_service_create(struct request *rq, struct reply *out);

err_t h_referral_create(struct request *rq, struct reply *out);
err_t h_referrals_list(struct request *rq, struct reply *out);
err_t h_referral_update(struct request *rq, struct reply *out);

err_t h_users_list(struct request *rq, struct reply *out);
err_t h_user_add(struct request *rq, struct reply *out);
err_t h_user_change(struct request *rq, struct reply *out);
err_t h_user_reset(struct request *rq, struct reply *out);

err_t h_codes(struct request *rq, struct reply *out);
err_t h_code_add(struct request *rq, struct reply *out);
err_t h_agency_add(struct request *rq, struct reply *out);
err_t h_person_children(struct request *rq, struct reply *out);
err_t h_audit_list(struct request *rq, struct reply *out);
err_t h_session_activity(struct request *rq, struct reply *out);
err_t h_audit_verify(struct request *rq, struct reply *out);

err_t h_report_annual(struct request *rq, struct reply *out);
err_t h_duplicates(struct request *rq, struct reply *out);
err_t h_report_freeze(struct request *rq, struct reply *out);

err_t h_erasure_request(struct request *rq, struct reply *out);
err_t h_erasures_list(struct request *rq, struct reply *out);
err_t h_erasure_approve(struct request *rq, struct reply *out);

#endif
