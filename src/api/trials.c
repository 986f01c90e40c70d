/* trials: request (with terms), approve, decline, cancel, return, extend and convert a trial, and
 * read trials. The SQL functions (0006_trials.sql, 0026_trial_agreement.sql) decide who may see
 * and do what; here bodies and queries are checked so that a bad value gets a message naming its
 * field. */
#include "api/trials.h"

#include <stdio.h>
#include <string.h>

#include "api/dbcall.h"
#include "api/idempotency.h"
#include "api/listing.h"
#include "domain/payment_mode.h"
#include "domain/text.h"
#include "domain/vocabulary.h"
#include "http/fields.h"

#define MONEY_MAX_FEN 10000000000000LL /* 100 billion yuan: far above any license */
#define INSTALLMENTS_MAX 120

/* Terms a request proposes: each field optional, laid over the achievement's standard terms;
 * how they fit together (the schedule adds up to the fee, a rate exactly for the royalty
 * modes) is the database's rule (terms_problem, 0026). */
/* clang-format off */
static const struct field_spec FEE_SCHEDULE_SPECS[] = {
    { .name = "after_days", .type = FIELD_INT, .required = true, .min = 0, .max = 3650 },
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1,
      .max = MONEY_MAX_FEN },
};
static const struct field_spec TERMS_SPECS[] = {
    { .name = "payment_mode", .type = FIELD_ENUM, .values = PAYMENT_MODES },
    { .name = "fee_fen", .type = FIELD_INT, .min = 0, .max = MONEY_MAX_FEN },
    { .name = "fee_schedule", .type = FIELD_ARRAY, .min = 0, .max = INSTALLMENTS_MAX,
      .items = FEE_SCHEDULE_SPECS, .item_count = FIELD_COUNT(FEE_SCHEDULE_SPECS) },
    { .name = "royalty_bp", .type = FIELD_INT, .min = 0, .max = 10000 },
    { .name = "royalty_base", .type = FIELD_ENUM, .values = ROYALTY_BASES },
    { .name = "license_years", .type = FIELD_INT, .min = 1, .max = 20 },
    { .name = "exclusive", .type = FIELD_BOOL },
    { .name = "field_of_use", .type = FIELD_STRING, .min = 1, .max = 500,
      .check = text_not_blank },
    { .name = "territory", .type = FIELD_STRING, .min = 1, .max = 500,
      .check = text_not_blank },
};
static const struct field_spec REQUEST_SPECS[] = {
    { .name = "purpose", .type = FIELD_STRING, .required = true, .min = 1, .max = 4000,
      .check = text_not_blank },
    { .name = "planned_months", .type = FIELD_INT, .required = true, .min = 1, .max = 36 },
    { .name = "terms", .type = FIELD_OBJECT, .items = TERMS_SPECS,
      .item_count = FIELD_COUNT(TERMS_SPECS) },
};
static const struct field_spec REASON_SPECS[] = {
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 2000,
      .check = text_not_blank },
};
static const struct field_spec RETURN_SPECS[] = {
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 2000,
      .check = text_not_blank },
    { .name = "reason_code", .type = FIELD_ENUM, .values = RETURN_REASON_CODES },
    { .name = "rating", .type = FIELD_INT, .min = 1, .max = 5 },
};
/* clang-format on */
/* a trial is at most 36 months long and has at least one: at most 35 more */
/* clang-format off */
static const struct field_spec EXTENSION_SPECS[] = {
    { .name = "months", .type = FIELD_INT, .required = true, .min = 1, .max = 35 },
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 2000,
      .check = text_not_blank },
};
static const struct field_spec INSTALLMENT_SPECS[] = {
    { .name = "due_on", .type = FIELD_DATE, .required = true },
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1,
      .max = MONEY_MAX_FEN },
};
static const struct field_spec PROPOSAL_SPECS[] = {
    { .name = "payment_mode", .type = FIELD_ENUM, .required = true, .values = PAYMENT_MODES },
    { .name = "total_fen", .type = FIELD_INT, .required = true, .min = 0,
      .max = MONEY_MAX_FEN },
    { .name = "royalty_bp", .type = FIELD_INT, .min = 0, .max = 10000 },
    { .name = "royalty_base", .type = FIELD_ENUM, .values = ROYALTY_BASES },
    { .name = "license_years", .type = FIELD_INT, .min = 1, .max = 20 },
    { .name = "installments", .type = FIELD_ARRAY, .required = true, .min = 0,
      .max = INSTALLMENTS_MAX, .items = INSTALLMENT_SPECS,
      .item_count = FIELD_COUNT(INSTALLMENT_SPECS) },
};
/* clang-format on */

static const struct statement LIST = {
    "trials_list",
    "SELECT * FROM api_trials_list($1::bigint, $2::text, $3::bigint, $4::text, $5::integer, "
    "$6::bigint)"
};
static const struct statement GET = { "trial_get", "SELECT api_trial_get($1::bigint, $2::bigint)" };
static const struct statement REQUEST = {
    "trial_request", "SELECT api_trial_request($1::bigint, $2::bigint, $3::jsonb)"
};
static const struct statement APPROVE = { "trial_approve",
                                          "SELECT api_trial_approve($1::bigint, $2::bigint)" };
static const struct statement DECLINE = {
    "trial_decline", "SELECT api_trial_decline($1::bigint, $2::bigint, $3::text)"
};
static const struct statement CANCEL = { "trial_cancel",
                                         "SELECT api_trial_cancel($1::bigint, $2::bigint)" };
static const struct statement RETURN = {
    "trial_return", "SELECT api_trial_return($1::bigint, $2::bigint, $3::jsonb)"
};
static const struct statement EXTENSION_REQUEST = {
    "trial_extension_request",
    "SELECT api_trial_extension_request($1::bigint, $2::bigint, $3::jsonb)"
};
static const struct statement EXTENSION_APPROVE = {
    "trial_extension_approve", "SELECT api_trial_extension_approve($1::bigint, $2::bigint)"
};
static const struct statement EXTENSION_DECLINE = {
    "trial_extension_decline",
    "SELECT api_trial_extension_decline($1::bigint, $2::bigint, $3::text)"
};
static const struct statement CONVERT = {
    "trial_convert", "SELECT api_trial_convert($1::bigint, $2::bigint, $3::jsonb)"
};

void trials_list(struct request *req, struct reply *rep)
{
    const char *status;
    const char *province;
    const char *achievement_id;
    struct list_page page;
    if (!list_query_enum(req, "status", TRIAL_STATUSES, &status, rep) ||
        !list_query_enum(req, "province", PROVINCES, &province, rep) ||
        !list_query_id(req, "achievement_id", &achievement_id, rep) ||
        !list_page_parse(req, "trials", &page, rep))
        return;
    const char *params[] = { request_actor(req), status,
                             achievement_id,     province,
                             page.limit,         page.position[0] != '\0' ? page.position : NULL };
    list_reply(rep, "trials", &LIST, 6, params);
}

void trial_get(struct request *req, struct reply *rep)
{
    const char *params[] = { request_actor(req), req->id_text[0] };
    api_db_json(rep, 200, &GET, 2, params);
}

void trial_request(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, REQUEST_SPECS, FIELD_COUNT(REQUEST_SPECS), rep))
        return;
    api_db_body_json(req, rep, 201, &REQUEST, true);
}

/* approve, cancel and an extension's approval take no fields (an empty object or no body). */
static void trial_move(struct request *req, struct reply *rep, const struct statement *st)
{
    if (!fields_check(req->body, NULL, 0, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0] };
    api_db_json(rep, 200, st, 2, params);
}

/* decline and an extension's decline take {"reason"}. */
static void trial_close(struct request *req, struct reply *rep, const struct statement *st)
{
    if (!fields_check(req->body, REASON_SPECS, FIELD_COUNT(REASON_SPECS), rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0],
                             json_string_value(json_object_get(req->body, "reason")) };
    api_db_json(rep, 200, st, 3, params);
}

void trial_approve(struct request *req, struct reply *rep)
{
    trial_move(req, rep, &APPROVE);
}

void trial_decline(struct request *req, struct reply *rep)
{
    trial_close(req, rep, &DECLINE);
}

void trial_cancel(struct request *req, struct reply *rep)
{
    trial_move(req, rep, &CANCEL);
}

void trial_return(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, RETURN_SPECS, FIELD_COUNT(RETURN_SPECS), rep))
        return;
    api_db_body_json(req, rep, 200, &RETURN, false);
}

void trial_extension_request(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, EXTENSION_SPECS, FIELD_COUNT(EXTENSION_SPECS), rep))
        return;
    api_db_body_json(req, rep, 200, &EXTENSION_REQUEST, false);
}

void trial_extension_approve(struct request *req, struct reply *rep)
{
    trial_move(req, rep, &EXTENSION_APPROVE);
}

void trial_extension_decline(struct request *req, struct reply *rep)
{
    trial_close(req, rep, &EXTENSION_DECLINE);
}

/* The license terms beyond single fields: installments add up to total_fen exactly, only the
 * royalty and equity modes may have no fixed total, and a royalty mode needs a royalty rate.
 * Without royalty_bp a royalty mode takes the achievement's rate, which the database checks
 * (licenses_royalty_bp_for_royalty_modes, also 422 on royalty_bp). */
static bool license_terms_valid(const json_t *body, struct reply *rep)
{
    const char *mode = json_string_value(json_object_get(body, "payment_mode"));
    json_int_t total = json_integer_value(json_object_get(body, "total_fen"));
    if (total == 0 && strcmp(mode, "royalty") != 0 && strcmp(mode, "equity") != 0) {
        reply_invalid_field(rep, "total_fen", "must be positive for this payment mode");
        return false;
    }
    const json_t *royalty_bp = json_object_get(body, "royalty_bp");
    const char *problem = json_is_integer(royalty_bp)
                              ? payment_royalty_problem(mode, json_integer_value(royalty_bp))
                              : NULL;
    if (problem != NULL) {
        reply_invalid_field(rep, "royalty_bp", problem);
        return false;
    }
    json_int_t sum = 0;
    size_t index;
    const json_t *item;
    json_array_foreach(json_object_get(body, "installments"), index, item)
        sum += json_integer_value(json_object_get(item, "amount_fen"));
    if (sum != total) {
        char message[128];
        snprintf(message, sizeof message, "amounts add up to %lld fen, not total_fen %lld",
                 (long long)sum, (long long)total);
        reply_invalid_field(rep, "installments", message);
        return false;
    }
    return true;
}

/* The enterprise converts at the agreed terms and sends nothing else: any field is 422. */
static bool agreed_conversion_body(const json_t *body, struct reply *rep)
{
    if (body != NULL && !json_is_object(body)) {
        reply_error(rep, ERR_BAD_REQUEST, "the request body must be a JSON object");
        return false;
    }
    if (body != NULL && json_object_size(body) > 0) {
        reply_invalid_field(rep, json_object_iter_key(json_object_iter((json_t *)body)),
                            "the enterprise converts at the agreed terms: send {}");
        return false;
    }
    return true;
}

/* The enterprise signs at the agreed terms; the institution proposes a license. */
void trial_convert(struct request *req, struct reply *rep)
{
    if (req->caller.role == ROLE_ENTERPRISE) {
        if (!agreed_conversion_body(req->body, rep))
            return;
    } else if (!fields_check(req->body, PROPOSAL_SPECS, FIELD_COUNT(PROPOSAL_SPECS), rep) ||
               !license_terms_valid(req->body, rep)) {
        return;
    }
    api_db_body_json(req, rep, 201, &CONVERT, true);
}
