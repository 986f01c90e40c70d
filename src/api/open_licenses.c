/* open_licenses: declarations of patent open licensing and the licenses taken from them. The
 * SQL functions of 0028_open_licensing.sql hold the rules (patent kinds, the national fee
 * guidance, one active declaration, exclusivity, one license per taker); here bodies and
 * queries are checked so that a bad value gets a message naming its field. */
#include "api/open_licenses.h"

#include <string.h>

#include "api/dbcall.h"
#include "api/idempotency.h"
#include "api/listing.h"
#include "domain/patent_number.h"
#include "domain/payment_mode.h"
#include "domain/text.h"
#include "domain/vocabulary.h"
#include "http/fields.h"

/* clang-format off */
static const struct field_spec DECLARE_SPECS[] = {
    { .name = "patent_numbers", .type = FIELD_STRING_ARRAY, .required = true, .min = 1,
      .max = 100, .item_max = 40, .check = patent_number_problem },
    { .name = "fee_kind", .type = FIELD_ENUM, .required = true, .values = FEE_KINDS },
    { .name = "fee_fen", .type = FIELD_INT, .min = 0, .max = 10000000000000 },
    { .name = "royalty_bp", .type = FIELD_INT, .min = 0, .max = 10000 },
    { .name = "royalty_base", .type = FIELD_ENUM, .values = ROYALTY_BASES },
    { .name = "years", .type = FIELD_INT, .required = true, .min = 1, .max = 20 },
    { .name = "announcement_number", .type = FIELD_STRING, .min = 1, .max = 100,
      .check = text_not_blank },
    { .name = "announced_on", .type = FIELD_DATE },
    { .name = "guideline_exception", .type = FIELD_STRING, .min = 10, .max = 2000,
      .check = text_not_blank },
};
/* clang-format on */

static const struct statement DECLARE = {
    "open_license_declare", "SELECT api_open_license_declare($1::bigint, $2::bigint, $3::jsonb)"
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

/* A fee exactly for the kinds with a fixed part, a rate exactly for those with a royalty. */
static bool declared_terms_valid(const json_t *body, struct reply *rep)
{
    const char *kind = json_string_value(json_object_get(body, "fee_kind"));
    bool fixed = strcmp(kind, "royalty") != 0;
    bool royalty = strcmp(kind, "lump_sum") != 0;
    json_int_t fee = json_integer_value(json_object_get(body, "fee_fen"));
    json_int_t rate = json_integer_value(json_object_get(body, "royalty_bp"));
    if ((fee > 0) != fixed) {
        reply_invalid_field(rep, "fee_fen",
                            fixed ? "must be positive for this fee kind"
                                  : "must be 0 for a pure royalty");
        return false;
    }
    if ((rate > 0) != royalty) {
        reply_invalid_field(rep, "royalty_bp",
                            royalty ? "must be positive for this fee kind"
                                    : "must be 0 for a lump sum");
        return false;
    }
    return true;
}

void open_license_declare(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, DECLARE_SPECS, FIELD_COUNT(DECLARE_SPECS), rep) ||
        !declared_terms_valid(req->body, rep))
        return;
    api_db_body_json(req, rep, 201, &DECLARE, false);
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
