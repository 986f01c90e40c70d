/* open_licenses: declarations of patent open licensing and the licenses taken from them. The
 * SQL functions of 0028_open_licensing.sql (the declaration typed in 0048) hold the rules
 * (patent kinds, the national fee guidance, one active declaration, exclusivity, one license
 * per taker); here bodies and queries are checked so that a bad value gets a message naming
 * its field. */
#include "api/open_licenses.h"

#include "api/dbcall.h"
#include "api/idempotency.h"
#include "api/listing.h"
#include "domain/patent_number.h"
#include "domain/text.h"
#include "domain/vocabulary.h"
#include "http/fields.h"

/* A declaration. How its fee kind, fee and rate fit together is the database's rule
 * (api_open_license_declare, 0048). */
struct declare_body {
    struct field_value patent_numbers, fee_kind, fee_fen, royalty_bp, royalty_base, years,
        announcement_number, announced_on, guideline_exception;
};
#define DECLARE_AT(member) FIELD_AT(struct declare_body, member)
/* clang-format off */
static const struct field_spec DECLARE_SPECS[] = {
    { .name = "patent_numbers", .type = FIELD_STRING_ARRAY, .required = true, .min = 1,
      .max = 100, .item_max = 40, .check = patent_number_problem, DECLARE_AT(patent_numbers) },
    { .name = "fee_kind", .type = FIELD_ENUM, .required = true, .values = FEE_KINDS,
      DECLARE_AT(fee_kind) },
    { .name = "fee_fen", .type = FIELD_INT, .min = 0, .max = 10000000000000,
      DECLARE_AT(fee_fen) },
    { .name = "royalty_bp", .type = FIELD_INT, .min = 0, .max = 10000, DECLARE_AT(royalty_bp) },
    { .name = "royalty_base", .type = FIELD_ENUM, .values = ROYALTY_BASES,
      DECLARE_AT(royalty_base) },
    { .name = "years", .type = FIELD_INT, .required = true, .min = 1, .max = 20,
      DECLARE_AT(years) },
    { .name = "announcement_number", .type = FIELD_STRING, .min = 1, .max = 100,
      .check = text_not_blank, DECLARE_AT(announcement_number) },
    { .name = "announced_on", .type = FIELD_DATE, DECLARE_AT(announced_on) },
    { .name = "guideline_exception", .type = FIELD_STRING, .min = 10, .max = 2000,
      .check = text_not_blank, DECLARE_AT(guideline_exception) },
};
/* clang-format on */

static const struct statement DECLARE = {
    "open_license_declare",
    "SELECT api_open_license_declare($1::bigint, $2::bigint, $3::jsonb, $4::fee_kind, $5::bigint, "
    "$6::integer, $7::royalty_base, $8::integer, $9::text, $10::date, $11::text)"
};
static const struct statement LIST = {
    "open_licenses_list",
    "SELECT * FROM api_open_licenses_list($1::bigint, $2::text, $3::integer, $4::bigint)"
};
static const struct statement GET = { "open_license_get",
                                      "SELECT api_open_license_get($1::bigint)" };
static const struct statement WITHDRAW = {
    "open_license_withdraw", "SELECT api_open_license_withdraw($1::bigint, $2::bigint)"
};
static const struct statement TAKE = { "open_license_take",
                                       "SELECT api_open_license_take($1::bigint, $2::bigint)" };

void open_license_declare(struct request *req, struct reply *rep)
{
    struct declare_body in;
    if (!fields_parse(req->body, DECLARE_SPECS, FIELD_COUNT(DECLARE_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req),
                             req->id_text[0],
                             in.patent_numbers.text,
                             in.fee_kind.text,
                             in.fee_fen.text,
                             in.royalty_bp.text,
                             in.royalty_base.text,
                             in.years.text,
                             in.announcement_number.text,
                             in.announced_on.text,
                             in.guideline_exception.text };
    api_db_json(rep, 201, &DECLARE, 11, params);
    fields_release(DECLARE_SPECS, FIELD_COUNT(DECLARE_SPECS), &in);
}

void open_licenses_list(struct request *req, struct reply *rep)
{
    const char *status;
    const char *achievement_id;
    struct list_page page;
    if (!list_query_enum(req, "status", OPEN_LICENSE_STATUSES, &status, rep) ||
        !list_query_id(req, "achievement_id", &achievement_id, rep) ||
        !list_page_parse(req, "open_licenses", &page, rep))
        return;
    const char *params[] = { achievement_id, status, page.limit,
                             page.position[0] != '\0' ? page.position : NULL };
    list_reply(rep, "open_licenses", &LIST, 4, params);
}

void open_license_get(struct request *req, struct reply *rep)
{
    const char *params[] = { req->id_text[0] };
    api_db_json(rep, 200, &GET, 1, params);
}

void open_license_withdraw(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, NULL, 0, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0] };
    api_db_json(rep, 200, &WITHDRAW, 2, params);
}

void open_license_take(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, NULL, 0, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0] };
    idempotent_db_json(req, rep, 201, &TAKE, 2, params);
}
