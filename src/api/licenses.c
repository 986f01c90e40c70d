/* licenses: read licenses, their payments and royalty reports; accept or decline a proposal;
 * file a report; record a payment; mark a default. The SQL functions (0007_licenses.sql,
 * 0026_trial_agreement.sql) decide who may see and do what and keep the books. */
#include "api/licenses.h"

#include "api/dbcall.h"
#include "api/idempotency.h"
#include "api/listing.h"
#include "domain/calendar.h"
#include "domain/text.h"
#include "domain/vocabulary.h"
#include "http/fields.h"

#define MONEY_MAX_FEN 10000000000000LL /* as for the license terms */

/* clang-format off */
static const struct field_spec PAYMENT_SPECS[] = {
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1,
      .max = MONEY_MAX_FEN },
    { .name = "paid_on", .type = FIELD_DATE, .required = true },
    { .name = "reference", .type = FIELD_STRING, .required = true, .min = 0, .max = 200 },
};
static const struct field_spec REPORT_SPECS[] = {
    { .name = "period", .type = FIELD_STRING, .required = true, .min = 7, .max = 7,
      .check = quarter_problem },
    { .name = "net_sales_fen", .type = FIELD_INT, .required = true, .min = 0,
      .max = MONEY_MAX_FEN },
    { .name = "profit_fen", .type = FIELD_INT, .min = -MONEY_MAX_FEN, .max = MONEY_MAX_FEN },
    { .name = "note", .type = FIELD_STRING, .min = 1, .max = 2000, .check = text_not_blank },
};
/* clang-format on */
/* clang-format off */
static const struct field_spec RECORDING_SPECS[] = {
    { .name = "record_number", .type = FIELD_STRING, .required = true, .min = 1, .max = 100,
      .check = text_not_blank },
    { .name = "recorded_on", .type = FIELD_DATE, .required = true },
};
static const struct field_spec REGISTRATION_SPECS[] = {
    { .name = "registration_number", .type = FIELD_STRING, .required = true, .min = 1,
      .max = 100, .check = text_not_blank },
    { .name = "registered_on", .type = FIELD_DATE, .required = true },
    { .name = "registry_province", .type = FIELD_ENUM, .required = true, .values = PROVINCES },
    { .name = "contract_amount_fen", .type = FIELD_INT, .required = true, .min = 0,
      .max = MONEY_MAX_FEN },
};
static const struct field_spec REASON_SPECS[] = {
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 2000,
      .check = text_not_blank },
};
/* clang-format on */

static const struct statement LIST = {
    "licenses_list",
    "SELECT * FROM api_licenses_list($1::bigint, $2::text, $3::text, $4::integer, $5::bigint)"
};
static const struct statement RECORDING = {
    "license_recording", "SELECT api_license_recording($1::bigint, $2::bigint, $3::jsonb)"
};
static const struct statement REGISTRATION = {
    "license_registration", "SELECT api_license_registration($1::bigint, $2::bigint, $3::jsonb)"
};
static const struct statement GET = { "license_get",
                                      "SELECT api_license_get($1::bigint, $2::bigint)" };
static const struct statement PAYMENTS = {
    "license_payments_list",
    "SELECT * FROM api_license_payments_list($1::bigint, $2::bigint, $3::integer, $4::bigint)"
};
static const struct statement PAY = {
    "license_payment_record", "SELECT api_license_payment($1::bigint, $2::bigint, $3::jsonb)"
};
static const struct statement ACCEPT = { "license_accept",
                                         "SELECT api_license_accept($1::bigint, $2::bigint)" };
static const struct statement DECLINE = {
    "license_decline", "SELECT api_license_decline($1::bigint, $2::bigint, $3::text)"
};
static const struct statement REPORTS = {
    "license_reports_list",
    "SELECT * FROM api_license_reports_list($1::bigint, $2::bigint, $3::integer, $4::bigint)"
};
static const struct statement REPORT = {
    "license_report_file", "SELECT api_license_report($1::bigint, $2::bigint, $3::jsonb)"
};
static const struct statement DEFAULT = {
    "license_default", "SELECT api_license_default($1::bigint, $2::bigint, $3::text)"
};

void licenses_list(struct request *req, struct reply *rep)
{
    const char *status;
    const char *recording;
    struct list_page page;
    if (!list_query_enum(req, "status", LICENSE_STATUSES, &status, rep) ||
        !list_query_enum(req, "recording", RECORDING_STATUSES, &recording, rep) ||
        !list_page_parse(req, "licenses", &page, rep))
        return;
    const char *params[] = { request_actor(req), status, recording, page.limit,
                             page.position[0] != '\0' ? page.position : NULL };
    list_reply(rep, "licenses", &LIST, 5, params);
}

void license_get(struct request *req, struct reply *rep)
{
    const char *params[] = { request_actor(req), req->id_text[0] };
    api_db_json(rep, 200, &GET, 2, params);
}

/* A page of what belongs to one license (its payments, its reports) under key. */
static void license_items_list(struct request *req, struct reply *rep, const char *key,
                               const struct statement *st)
{
    struct list_page page;
    if (!list_page_parse(req, key, &page, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0], page.limit,
                             page.position[0] != '\0' ? page.position : NULL };
    list_reply(rep, key, st, 4, params);
}

void license_payments_list(struct request *req, struct reply *rep)
{
    license_items_list(req, rep, "payments", &PAYMENTS);
}

void license_reports_list(struct request *req, struct reply *rep)
{
    license_items_list(req, rep, "reports", &REPORTS);
}

/* An (idem) POST of a checked body to st: 201 with its reply. */
static void license_post_body(struct request *req, struct reply *rep,
                              const struct field_spec *specs, size_t count,
                              const struct statement *st)
{
    if (fields_check(req->body, specs, count, rep))
        api_db_body_json(req, rep, 201, st, true);
}

void license_payment_record(struct request *req, struct reply *rep)
{
    license_post_body(req, rep, PAYMENT_SPECS, FIELD_COUNT(PAYMENT_SPECS), &PAY);
}

void license_report_file(struct request *req, struct reply *rep)
{
    license_post_body(req, rep, REPORT_SPECS, FIELD_COUNT(REPORT_SPECS), &REPORT);
}

/* A PUT of one of the license's legal records: the checked body to st, 200 with the license. */
static void license_put_record(struct request *req, struct reply *rep,
                               const struct field_spec *specs, size_t count,
                               const struct statement *st)
{
    if (fields_check(req->body, specs, count, rep))
        api_db_body_json(req, rep, 200, st, false);
}

void license_recording_put(struct request *req, struct reply *rep)
{
    license_put_record(req, rep, RECORDING_SPECS, FIELD_COUNT(RECORDING_SPECS), &RECORDING);
}

void license_registration_put(struct request *req, struct reply *rep)
{
    license_put_record(req, rep, REGISTRATION_SPECS, FIELD_COUNT(REGISTRATION_SPECS),
                       &REGISTRATION);
}

void license_accept(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, NULL, 0, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0] };
    api_db_json(rep, 200, &ACCEPT, 2, params);
}

/* decline and default take {"reason"}. */
static void license_with_reason(struct request *req, struct reply *rep, int ok_status,
                                const struct statement *st)
{
    if (!fields_check(req->body, REASON_SPECS, FIELD_COUNT(REASON_SPECS), rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0],
                             json_string_value(json_object_get(req->body, "reason")) };
    api_db_json(rep, ok_status, st, 3, params);
}

void license_decline(struct request *req, struct reply *rep)
{
    license_with_reason(req, rep, 200, &DECLINE);
}

void license_default(struct request *req, struct reply *rep)
{
    license_with_reason(req, rep, 201, &DEFAULT);
}
