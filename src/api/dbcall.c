/* dbcall: statement execution for handlers and the mapping of database errors to problems. */
#include "api/dbcall.h"

#include <stdio.h>
#include <string.h>

/* What the COLUMN field of an error means. tp_raise (0002_core.sql) carries a third value there:
 * the field at fault for TP422, the seconds to wait for TP429 (the migrations fix that and
 * cannot change, so the daemon reads it as the row says). */
enum column_use {
    COLUMN_IGNORED,
    COLUMN_FIELD,       /* the field at fault: an "errors" entry, when present */
    COLUMN_RETRY_AFTER, /* seconds to wait: the Retry-After header, 60 when absent */
};

/* SQLSTATE to contract error: the TPxxx codes that the SQL functions raise, then the
 * constraint classes that a request can reach. */
static const struct {
    const char *sqlstate;
    enum api_error error;
    enum column_use column;
} RAISED[] = {
    /* clang-format off */
    { "TP400", ERR_BAD_REQUEST,         COLUMN_IGNORED },
    { "TP401", ERR_UNAUTHENTICATED,     COLUMN_IGNORED },
    { "TP403", ERR_FORBIDDEN,           COLUMN_IGNORED },
    { "TP4SM", ERR_NOT_SME,             COLUMN_IGNORED },
    { "TP4EC", ERR_EXCLUSIVE_CONFLICT,  COLUMN_IGNORED },
    { "TP4AG", ERR_ABOVE_GUIDELINE,     COLUMN_FIELD },
    { "TP404", ERR_NOT_FOUND,           COLUMN_IGNORED },
    { "TP409", ERR_INVALID_TRANSITION,  COLUMN_IGNORED },
    /* "already taken" (an e-mail, a credit code): a plain conflict, not a state transition */
    { "TP410", ERR_CONFLICT,            COLUMN_IGNORED },
    { "TP412", ERR_PRECONDITION_FAILED, COLUMN_IGNORED },
    { "TP422", ERR_INVALID_FIELD,       COLUMN_FIELD },
    { "TP429", ERR_RATE_LIMITED,        COLUMN_RETRY_AFTER },
    { "23505", ERR_CONFLICT,            COLUMN_IGNORED }, /* unique violation */
    { "23P01", ERR_CONFLICT,            COLUMN_IGNORED }, /* exclusion violation */
    /* a check violation that the SQL functions did not pre-empt */
    { "23514", ERR_CONFLICT,            COLUMN_IGNORED },
    /* foreign key: a referenced object does not exist */
    { "23503", ERR_INVALID_FIELD,       COLUMN_FIELD },
    { "22P02", ERR_BAD_REQUEST,         COLUMN_IGNORED }, /* invalid text representation */
    { "22003", ERR_INVALID_FIELD,       COLUMN_FIELD },   /* numeric out of range */
    /* clang-format on */
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
        reply_error(rep, ERR_UNAVAILABLE, "the database is not available; try again");
        reply_header_add(rep, "Retry-After", "1");
        return;
    }
    if (status == DB_RETRY) {
        reply_error(rep, ERR_UNAVAILABLE, "too much contention; try again");
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
        bool has_column = column != NULL && column[0] != '\0';
        if (RAISED[i].column == COLUMN_FIELD && has_column) {
            const char *what = detail != NULL ? detail : "invalid";
            reply_error_fields(rep, RAISED[i].error, what,
                               json_pack("[{s:s, s:s}]", "field", column, "message", what));
        } else {
            reply_error(rep, RAISED[i].error, detail);
            if (RAISED[i].column == COLUMN_RETRY_AFTER)
                reply_header_add(rep, "Retry-After", has_column ? column : "60");
        }
        return;
    }
    fprintf(stderr, "{\"event\":\"database_error\",\"sqlstate\":\"%s\"}\n", state);
    reply_error(rep, ERR_INTERNAL, "unexpected database error");
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
        reply_error(rep, ERR_NOT_FOUND, "no such object");
    else
        reply_text(rep, ok_status, "application/json", PQgetvalue(res, 0, 0),
                   (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
}
