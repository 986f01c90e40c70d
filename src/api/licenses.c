/* licenses: read licenses, their payments and royalty reports; accept or decline a proposal;
 * file a report; record a payment; mark a default. The SQL functions (0007_licenses.sql,
 * 0026_trial_agreement.sql, with typed parameters since 0048) decide who may see and do what
 * and keep the books. */
#include "api/licenses.h"

#include "api/dbcall.h"
#include "api/idempotency.h"
#include "api/listing.h"
#include "domain/calendar.h"
#include "domain/text.h"
#include "domain/vocabulary.h"
#include "http/fields.h"

#define MONEY_MAX_FEN 10000000000000LL /* as for the license terms */

struct payment_body {
    struct field_value amount_fen, paid_on, reference;
};
struct report_body {
    struct field_value period, net_sales_fen, profit_fen, note;
};
struct recording_body {
    struct field_value record_number, recorded_on;
};
struct registration_body {
    struct field_value registration_number, registered_on, registry_province, contract_amount_fen;
};
struct reason_body {
    struct field_value reason;
};

/* clang-format off */
static const struct field_spec PAYMENT_SPECS[] = {
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1,
      .max = MONEY_MAX_FEN, FIELD_AT(struct payment_body, amount_fen) },
    { .name = "paid_on", .type = FIELD_DATE, .required = true,
      FIELD_AT(struct payment_body, paid_on) },
    { .name = "reference", .type = FIELD_STRING, .required = true, .min = 0, .max = 200,
      FIELD_AT(struct payment_body, reference) },
};
static const struct field_spec REPORT_SPECS[] = {
    { .name = "period", .type = FIELD_STRING, .required = true, .min = 7, .max = 7,
      .check = quarter_problem, FIELD_AT(struct report_body, period) },
    { .name = "net_sales_fen", .type = FIELD_INT, .required = true, .min = 0,
      .max = MONEY_MAX_FEN, FIELD_AT(struct report_body, net_sales_fen) },
    { .name = "profit_fen", .type = FIELD_INT, .min = -MONEY_MAX_FEN, .max = MONEY_MAX_FEN,
      FIELD_AT(struct report_body, profit_fen) },
    { .name = "note", .type = FIELD_STRING, .min = 1, .max = 2000, .check = text_not_blank,
      FIELD_AT(struct report_body, note) },
};
static const struct field_spec RECORDING_SPECS[] = {
    { .name = "record_number", .type = FIELD_STRING, .required = true, .min = 1, .max = 100,
      .check = text_not_blank, FIELD_AT(struct recording_body, record_number) },
    { .name = "recorded_on", .type = FIELD_DATE, .required = true,
      FIELD_AT(struct recording_body, recorded_on) },
};
static const struct field_spec REGISTRATION_SPECS[] = {
    { .name = "registration_number", .type = FIELD_STRING, .required = true, .min = 1,
      .max = 100, .check = text_not_blank,
      FIELD_AT(struct registration_body, registration_number) },
    { .name = "registered_on", .type = FIELD_DATE, .required = true,
      FIELD_AT(struct registration_body, registered_on) },
    { .name = "registry_province", .type = FIELD_ENUM, .required = true, .values = PROVINCES,
      FIELD_AT(struct registration_body, registry_province) },
    { .name = "contract_amount_fen", .type = FIELD_INT, .required = true, .min = 0,
      .max = MONEY_MAX_FEN, FIELD_AT(struct registration_body, contract_amount_fen) },
};
static const struct field_spec REASON_SPECS[] = {
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 2000,
      .check = text_not_blank, FIELD_AT(struct reason_body, reason) },
};
/* clang-format on */

static const struct statement LIST = {
    "licenses_list",
    "SELECT * FROM api_licenses_list($1::bigint, $2::text, $3::text, $4::integer, $5::bigint)"
};
static const struct statement RECORDING = {
    "license_recording", "SELECT api_license_recording($1::bigint, $2::bigint, $3::text, $4::date)"
};
static const struct statement REGISTRATION = {
    "license_registration",
    "SELECT api_license_registration($1::bigint, $2::bigint, $3::text, $4::date, $5::province, "
    "$6::bigint)"
};
static const struct statement GET = { "license_get",
                                      "SELECT * FROM api_license_get($1::bigint, $2::bigint)" };
static const struct statement PAYMENTS = {
    "license_payments_list",
    "SELECT * FROM api_license_payments_list($1::bigint, $2::bigint, $3::integer, $4::bigint)"
};
static const struct statement PAY = {
    "license_payment_record",
    "SELECT api_license_payment($1::bigint, $2::bigint, $3::bigint, $4::date, $5::text)"
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
    "license_report_file",
    "SELECT api_license_report($1::bigint, $2::bigint, $3::text, $4::bigint, $5::bigint, "
    "$6::text)"
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

void license_payment_record(struct request *req, struct reply *rep)
{
    struct payment_body in;
    if (!fields_parse(req->body, PAYMENT_SPECS, FIELD_COUNT(PAYMENT_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0], in.amount_fen.text,
                             in.paid_on.text, in.reference.text };
    idempotent_db_json(req, rep, 201, &PAY, 5, params);
}

void license_report_file(struct request *req, struct reply *rep)
{
    struct report_body in;
    if (!fields_parse(req->body, REPORT_SPECS, FIELD_COUNT(REPORT_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req),    req->id_text[0],    in.period.text,
                             in.net_sales_fen.text, in.profit_fen.text, in.note.text };
    idempotent_db_json(req, rep, 201, &REPORT, 6, params);
}

void license_recording_put(struct request *req, struct reply *rep)
{
    struct recording_body in;
    if (!fields_parse(req->body, RECORDING_SPECS, FIELD_COUNT(RECORDING_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0], in.record_number.text,
                             in.recorded_on.text };
    api_db_json(rep, 200, &RECORDING, 4, params);
}

void license_registration_put(struct request *req, struct reply *rep)
{
    struct registration_body in;
    if (!fields_parse(req->body, REGISTRATION_SPECS, FIELD_COUNT(REGISTRATION_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req),          req->id_text[0],
                             in.registration_number.text, in.registered_on.text,
                             in.registry_province.text,   in.contract_amount_fen.text };
    api_db_json(rep, 200, &REGISTRATION, 6, params);
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
    struct reason_body in;
    if (!fields_parse(req->body, REASON_SPECS, FIELD_COUNT(REASON_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0], in.reason.text };
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
