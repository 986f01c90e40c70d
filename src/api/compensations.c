/* compensations: list, read and decide risk compensation claims. The SQL functions of
 * 0007_licenses.sql limit a province_admin to the claims of its province. */
#include "api/compensations.h"

#include <string.h>

#include "api/dbcall.h"
#include "api/listing.h"
#include "domain/text.h"
#include "domain/vocabulary.h"
#include "http/fields.h"

/* An approval may carry a note; a rejection must say why. */
struct decision_body {
    struct field_value reason;
};
/* clang-format off */
static const struct field_spec APPROVE_SPECS[] = {
    { .name = "reason", .type = FIELD_STRING, .min = 1, .max = 2000, .check = text_not_blank,
      FIELD_AT(struct decision_body, reason) },
};
static const struct field_spec REJECT_SPECS[] = {
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 2000,
      .check = text_not_blank, FIELD_AT(struct decision_body, reason) },
};
/* clang-format on */

static const struct statement LIST = {
    "compensations_list",
    "SELECT * FROM api_compensations_list($1::bigint, $2::text, $3::integer, $4::bigint)"
};
static const struct statement GET = {
    "compensation_get", "SELECT * FROM api_compensation_get($1::bigint, $2::bigint)"
};
static const struct statement APPROVE = {
    "compensation_approve", "SELECT api_compensation_approve($1::bigint, $2::bigint, $3::text)"
};
static const struct statement REJECT = {
    "compensation_reject", "SELECT api_compensation_reject($1::bigint, $2::bigint, $3::text)"
};

void compensations_list(struct request *req, struct reply *rep)
{
    const char *status;
    if (!list_query_enum(req, "status", COMPENSATION_STATUSES, &status, rep))
        return;
    struct list_page page;
    if (!list_page_parse(req, "compensations", &page, rep))
        return;
    const char *params[] = { req->caller.user_id_text, status, page.limit,
                             page.position[0] != '\0' ? page.position : NULL };
    list_reply(rep, "compensations", &LIST, 4, params);
}

void compensation_get(struct request *req, struct reply *rep)
{
    const char *params[] = { req->caller.user_id_text, req->id_text[0] };
    api_db_json(rep, 200, &GET, 2, params);
}

/* Decides a claim; reason is NULL when the body has none. */
static void compensation_decide(struct request *req, struct reply *rep,
                                const struct field_spec *specs, size_t count,
                                const struct statement *st)
{
    struct decision_body in;
    if (!fields_parse(req->body, specs, count, &in, rep))
        return;
    const char *params[] = { req->caller.user_id_text, req->id_text[0], in.reason.text };
    api_db_json(rep, 200, st, 3, params);
}

void compensation_approve(struct request *req, struct reply *rep)
{
    compensation_decide(req, rep, APPROVE_SPECS, FIELD_COUNT(APPROVE_SPECS), &APPROVE);
}

void compensation_reject(struct request *req, struct reply *rep)
{
    compensation_decide(req, rep, REJECT_SPECS, FIELD_COUNT(REJECT_SPECS), &REJECT);
}
