/* trials: request (with terms), approve, decline, cancel, return, extend and convert a trial, and
 * read trials. The SQL functions (0006_trials.sql, 0026_trial_agreement.sql, with typed
 * parameters since 0047) decide who may see and do what; here bodies and queries are checked so
 * that a bad value gets a message naming its field. */
#include "api/trials.h"

#include <string.h>

#include "api/dbcall.h"
#include "api/idempotency.h"
#include "api/listing.h"
#include "domain/text.h"
#include "domain/vocabulary.h"
#include "http/fields.h"

#define MONEY_MAX_FEN 10000000000000LL /* 100 billion yuan: far above any license */
#define INSTALLMENTS_MAX 120

/* A trial request: the use and, optionally, the terms the enterprise proposes, each laid over
 * the achievement's standard terms; how they fit together (the schedule adds up to the fee, a
 * rate exactly for the royalty modes) is the database's rule (terms_problem, 0026). */
struct trial_request_body {
    struct field_value purpose, planned_months, terms, payment_mode, fee_fen, fee_schedule,
        royalty_bp, royalty_base, license_years, exclusive, field_of_use, territory;
};
#define REQUEST_AT(member) FIELD_AT(struct trial_request_body, member)
/* clang-format off */
static const struct field_spec FEE_SCHEDULE_SPECS[] = {
    { .name = "after_days", .type = FIELD_INT, .required = true, .min = 0, .max = 3650 },
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1,
      .max = MONEY_MAX_FEN },
};
static const struct field_spec TERMS_SPECS[] = {
    { .name = "payment_mode", .type = FIELD_ENUM, .values = PAYMENT_MODES,
      REQUEST_AT(payment_mode) },
    { .name = "fee_fen", .type = FIELD_INT, .min = 0, .max = MONEY_MAX_FEN, REQUEST_AT(fee_fen) },
    { .name = "fee_schedule", .type = FIELD_ARRAY, .min = 0, .max = INSTALLMENTS_MAX,
      .items = FEE_SCHEDULE_SPECS, .item_count = FIELD_COUNT(FEE_SCHEDULE_SPECS),
      REQUEST_AT(fee_schedule) },
    { .name = "royalty_bp", .type = FIELD_INT, .min = 0, .max = 10000, REQUEST_AT(royalty_bp) },
    { .name = "royalty_base", .type = FIELD_ENUM, .values = ROYALTY_BASES,
      REQUEST_AT(royalty_base) },
    { .name = "license_years", .type = FIELD_INT, .min = 1, .max = 20,
      REQUEST_AT(license_years) },
    { .name = "exclusive", .type = FIELD_BOOL, REQUEST_AT(exclusive) },
    { .name = "field_of_use", .type = FIELD_STRING, .min = 1, .max = 500,
      .check = text_not_blank, REQUEST_AT(field_of_use) },
    { .name = "territory", .type = FIELD_STRING, .min = 1, .max = 500,
      .check = text_not_blank, REQUEST_AT(territory) },
};
static const struct field_spec REQUEST_SPECS[] = {
    { .name = "purpose", .type = FIELD_STRING, .required = true, .min = 1, .max = 4000,
      .check = text_not_blank, REQUEST_AT(purpose) },
    { .name = "planned_months", .type = FIELD_INT, .required = true, .min = 1, .max = 36,
      REQUEST_AT(planned_months) },
    { .name = "terms", .type = FIELD_OBJECT, .items = TERMS_SPECS,
      .item_count = FIELD_COUNT(TERMS_SPECS), REQUEST_AT(terms) },
};
/* clang-format on */

struct reason_body {
    struct field_value reason;
};
static const struct field_spec REASON_SPECS[] = {
    { .name = "reason",
      .type = FIELD_STRING,
      .required = true,
      .min = 1,
      .max = 2000,
      .check = text_not_blank,
      FIELD_AT(struct reason_body, reason) },
};

struct return_body {
    struct field_value reason, reason_code, rating;
};
/* clang-format off */
static const struct field_spec RETURN_SPECS[] = {
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 2000,
      .check = text_not_blank, FIELD_AT(struct return_body, reason) },
    { .name = "reason_code", .type = FIELD_ENUM, .values = RETURN_REASON_CODES,
      FIELD_AT(struct return_body, reason_code) },
    { .name = "rating", .type = FIELD_INT, .min = 1, .max = 5,
      FIELD_AT(struct return_body, rating) },
};
/* clang-format on */

/* a trial is at most 36 months long and has at least one: at most 35 more */
struct extension_body {
    struct field_value months, reason;
};
/* clang-format off */
static const struct field_spec EXTENSION_SPECS[] = {
    { .name = "months", .type = FIELD_INT, .required = true, .min = 1, .max = 35,
      FIELD_AT(struct extension_body, months) },
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 2000,
      .check = text_not_blank, FIELD_AT(struct extension_body, reason) },
};
/* clang-format on */

/* An institution's license proposal. How the fields fit together (installments add up to
 * total_fen, a fixed total unless royalty or equity, the rate for the mode) is the database's
 * rule (license_proposal_require_valid, 0047). */
struct proposal_body {
    struct field_value payment_mode, total_fen, royalty_bp, royalty_base, license_years,
        installments;
};
#define PROPOSAL_AT(member) FIELD_AT(struct proposal_body, member)
/* clang-format off */
static const struct field_spec INSTALLMENT_SPECS[] = {
    { .name = "due_on", .type = FIELD_DATE, .required = true },
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1,
      .max = MONEY_MAX_FEN },
};
static const struct field_spec PROPOSAL_SPECS[] = {
    { .name = "payment_mode", .type = FIELD_ENUM, .required = true, .values = PAYMENT_MODES,
      PROPOSAL_AT(payment_mode) },
    { .name = "total_fen", .type = FIELD_INT, .required = true, .min = 0,
      .max = MONEY_MAX_FEN, PROPOSAL_AT(total_fen) },
    { .name = "royalty_bp", .type = FIELD_INT, .min = 0, .max = 10000,
      PROPOSAL_AT(royalty_bp) },
    { .name = "royalty_base", .type = FIELD_ENUM, .values = ROYALTY_BASES,
      PROPOSAL_AT(royalty_base) },
    { .name = "license_years", .type = FIELD_INT, .min = 1, .max = 20,
      PROPOSAL_AT(license_years) },
    { .name = "installments", .type = FIELD_ARRAY, .required = true, .min = 0,
      .max = INSTALLMENTS_MAX, .items = INSTALLMENT_SPECS,
      .item_count = FIELD_COUNT(INSTALLMENT_SPECS), PROPOSAL_AT(installments) },
};
/* clang-format on */

static const struct statement LIST = {
    "trials_list",
    "SELECT * FROM api_trials_list($1::bigint, $2::text, $3::bigint, $4::text, $5::integer, "
    "$6::bigint)"
};
static const struct statement GET = { "trial_get",
                                      "SELECT * FROM api_trial_get($1::bigint, $2::bigint)" };
static const struct statement REQUEST = {
    "trial_request",
    "SELECT api_trial_request($1::bigint, $2::bigint, $3::text, $4::integer, $5::boolean, "
    "$6::payment_mode, $7::bigint, $8::jsonb, $9::integer, $10::royalty_base, $11::integer, "
    "$12::boolean, $13::text, $14::text)"
};
static const struct statement APPROVE = { "trial_approve",
                                          "SELECT api_trial_approve($1::bigint, $2::bigint)" };
static const struct statement DECLINE = {
    "trial_decline", "SELECT api_trial_decline($1::bigint, $2::bigint, $3::text)"
};
static const struct statement CANCEL = { "trial_cancel",
                                         "SELECT api_trial_cancel($1::bigint, $2::bigint)" };
static const struct statement RETURN = {
    "trial_return",
    "SELECT api_trial_return($1::bigint, $2::bigint, $3::text, $4::return_reason_code, "
    "$5::integer)"
};
static const struct statement EXTENSION_REQUEST = {
    "trial_extension_request",
    "SELECT api_trial_extension_request($1::bigint, $2::bigint, $3::integer, $4::text)"
};
static const struct statement EXTENSION_APPROVE = {
    "trial_extension_approve", "SELECT api_trial_extension_approve($1::bigint, $2::bigint)"
};
static const struct statement EXTENSION_DECLINE = {
    "trial_extension_decline",
    "SELECT api_trial_extension_decline($1::bigint, $2::bigint, $3::text)"
};
static const struct statement CONVERT = {
    "trial_convert",
    "SELECT api_trial_convert($1::bigint, $2::bigint, $3::payment_mode, $4::bigint, $5::integer, "
    "$6::royalty_base, $7::integer, $8::jsonb)"
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
    struct trial_request_body in;
    if (!fields_parse(req->body, REQUEST_SPECS, FIELD_COUNT(REQUEST_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req),
                             req->id_text[0],
                             in.purpose.text,
                             in.planned_months.text,
                             in.terms.text != NULL ? "true" : "false",
                             in.payment_mode.text,
                             in.fee_fen.text,
                             in.fee_schedule.text,
                             in.royalty_bp.text,
                             in.royalty_base.text,
                             in.license_years.text,
                             in.exclusive.text,
                             in.field_of_use.text,
                             in.territory.text };
    idempotent_db_json(req, rep, 201, &REQUEST, 14, params);
    fields_release(REQUEST_SPECS, FIELD_COUNT(REQUEST_SPECS), &in);
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
    struct reason_body in;
    if (!fields_parse(req->body, REASON_SPECS, FIELD_COUNT(REASON_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0], in.reason.text };
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
    struct return_body in;
    if (!fields_parse(req->body, RETURN_SPECS, FIELD_COUNT(RETURN_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0], in.reason.text,
                             in.reason_code.text, in.rating.text };
    api_db_json(rep, 200, &RETURN, 5, params);
}

void trial_extension_request(struct request *req, struct reply *rep)
{
    struct extension_body in;
    if (!fields_parse(req->body, EXTENSION_SPECS, FIELD_COUNT(EXTENSION_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0], in.months.text, in.reason.text };
    api_db_json(rep, 200, &EXTENSION_REQUEST, 4, params);
}

void trial_extension_approve(struct request *req, struct reply *rep)
{
    trial_move(req, rep, &EXTENSION_APPROVE);
}

void trial_extension_decline(struct request *req, struct reply *rep)
{
    trial_close(req, rep, &EXTENSION_DECLINE);
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
    struct proposal_body in;
    if (req->caller.role == ROLE_ENTERPRISE) {
        if (!agreed_conversion_body(req->body, rep))
            return;
        memset(&in, 0, sizeof in);
    } else if (!fields_parse(req->body, PROPOSAL_SPECS, FIELD_COUNT(PROPOSAL_SPECS), &in, rep)) {
        return;
    }
    const char *params[] = { request_actor(req),    req->id_text[0],     in.payment_mode.text,
                             in.total_fen.text,     in.royalty_bp.text,  in.royalty_base.text,
                             in.license_years.text, in.installments.text };
    idempotent_db_json(req, rep, 201, &CONVERT, 8, params);
    fields_release(PROPOSAL_SPECS, FIELD_COUNT(PROPOSAL_SPECS), &in);
}
