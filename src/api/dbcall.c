/* dbcall: statement execution for handlers and the mapping of database errors to problems. */
#include "api/dbcall.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *sqlstate;
    int status;
    const char *code;
} RAISED[] = {
    { "TP400", 400, "bad_request" },        { "TP401", 401, "unauthenticated" },
    { "TP403", 403, "forbidden" },          { "TP4SM", 403, "not_sme" },
    { "TP4EC", 409, "exclusive_conflict" }, { "TP4AG", 422, "above_guideline" },
    { "TP404", 404, "not_found" },          { "TP409", 409, "invalid_transition" },
    { "TP410", 409, "conflict" },           { "TP412", 412, "precondition_failed" },
    { "TP422", 422, "invalid_field" },      { "TP429", 429, "rate_limited" },
    { "23505", 409, "conflict" },      /* unique violation */
    { "23P01", 409, "conflict" },      /* exclusion violation */
    { "23514", 409, "conflict" },      /* check violation that the SQL functions did not pre-empt */
    { "23503", 422, "invalid_field" }, /* foreign key: a referenced object does not exist */
    { "22P02", 400, "bad_request" },   /* invalid text representation */
    { "22003", 422, "invalid_field" }, /* numeric out of range */
};

/* Check constraints that a request can break past the handler's own checks — a PATCH of the
 * payment mode meets the stored royalty rate; a text rule of the database (0017) that a handler
 * does not apply — answered as the handler would: 422 naming the field. */
#define NOT_BLANK "must not be blank"
#define ROYALTY_RATE "must be positive for a royalty payment mode"
#define NO_ROYALTY_RATE "must be 0 for a payment mode without royalty"
#define FEE_SCHEDULE "payments must add up to reference_fee_fen"
static const struct {
    const char *constraint;
    const char *field;
    const char *message;
} FIELD_RULES[] = {
    { "achievements_royalty_bp_for_royalty_modes", "royalty_bp", ROYALTY_RATE },
    { "licenses_royalty_bp_for_royalty_modes", "royalty_bp", ROYALTY_RATE },
    { "institutions_name_not_blank", "name", NOT_BLANK },
    { "institutions_name_en_not_blank", "name_en", NOT_BLANK },
    { "institutions_contact_name_not_blank", "contact_name", NOT_BLANK },
    { "enterprises_name_not_blank", "name", NOT_BLANK },
    { "enterprises_contact_name_not_blank", "contact_name", NOT_BLANK },
    { "users_contact_name_not_blank", "contact_name", NOT_BLANK },
    { "achievements_title_not_blank", "title", NOT_BLANK },
    { "achievements_title_en_not_blank", "title_en", NOT_BLANK },
    { "achievements_abstract_not_blank", "abstract", NOT_BLANK },
    { "achievements_reject_reason_not_blank", "reason", NOT_BLANK },
    { "achievements_royalty_bp_only_for_royalty_modes", "royalty_bp", NO_ROYALTY_RATE },
    { "achievements_fee_schedule_valid", "fee_schedule", FEE_SCHEDULE },
    { "trials_purpose_not_blank", "purpose", NOT_BLANK },
    { "trials_close_reason_not_blank", "reason", NOT_BLANK },
    { "compensations_reason_not_blank", "reason", NOT_BLANK },
    { "compensations_decision_reason_not_blank", "reason", NOT_BLANK },
    { "trial_extensions_reason_not_blank", "reason", NOT_BLANK },
    { "trial_extensions_decision_reason_not_blank", "reason", NOT_BLANK },
};

void api_db_problem(struct reply *rep, enum db_status status, const PGresult *res)
{
    if (status == DB_UNAVAILABLE) {
        reply_problem(rep, 503, "unavailable", "the database is not available; try again");
        reply_header_add(rep, "Retry-After", "1");
        return;
    }
    if (status == DB_RETRY) {
        reply_problem(rep, 503, "unavailable", "too much contention; try again");
        reply_header_add(rep, "Retry-After", "1");
        return;
    }
    const char *state = db_sqlstate(res);
    const char *message = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *column = res != NULL ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
    const char *constraint = res != NULL ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    for (size_t i = 0; i < sizeof FIELD_RULES / sizeof FIELD_RULES[0]; i++) {
        if (strcmp(state, "23514") == 0 && constraint != NULL &&
            strcmp(FIELD_RULES[i].constraint, constraint) == 0) {
            reply_invalid_field(rep, FIELD_RULES[i].field, FIELD_RULES[i].message);
            return;
        }
    }
    for (size_t i = 0; i < sizeof RAISED / sizeof RAISED[0]; i++) {
        if (strcmp(RAISED[i].sqlstate, state) != 0)
            continue;
        bool raised = state[0] == 'T';
        const char *detail = raised ? message : constraint != NULL ? constraint : message;
        if (RAISED[i].status == 422 && column != NULL && column[0] != '\0') {
            const char *what = detail != NULL ? detail : "invalid";
            reply_problem_errors(rep, 422, RAISED[i].code, what,
                                 json_pack("[{s:s, s:s}]", "field", column, "message", what));
        } else if (RAISED[i].status == 429) {
            reply_problem(rep, 429, "rate_limited", detail);
            reply_header_add(rep, "Retry-After", column != NULL && column[0] ? column : "60");
        } else {
            reply_problem(rep, RAISED[i].status, RAISED[i].code, detail);
        }
        return;
    }
    fprintf(stderr, "{\"event\":\"database_error\",\"sqlstate\":\"%s\"}\n", state);
    reply_problem(rep, 500, "internal", "unexpected database error");
}

PGresult *api_db_exec(struct reply *rep, const struct statement *st, int nparams,
                      const char *const *params)
{
    enum db_status status;
    PGresult *res = db_exec_retrying(st, nparams, params, &status);
    if (status == DB_OK)
        return res;
    api_db_problem(rep, status, res);
    PQclear(res);
    return NULL;
}

void api_db_json(struct reply *rep, int ok_status, const struct statement *st, int nparams,
                 const char *const *params)
{
    PGresult *res = api_db_exec(rep, st, nparams, params);
    if (res == NULL)
        return;
    if (PQntuples(res) == 0 || PQnfields(res) == 0 || PQgetisnull(res, 0, 0))
        reply_problem(rep, 404, "not_found", "no such object");
    else
        reply_text(rep, ok_status, "application/json", PQgetvalue(res, 0, 0),
                   (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
}
