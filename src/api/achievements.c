/* achievements: one achievement — detail with its ETag, create, partial edit under If-Match,
 * and the review workflow. The SQL functions (0005_achievements.sql) decide who may do what. */
#include "api/achievements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dbcall.h"
#include "domain/patent_number.h"
#include "domain/payment_mode.h"
#include "domain/text.h"
#include "http/fields.h"

/* A version that no achievement has: an If-Match naming it never matches. */
static const char NO_VERSION[] = "0";
#define VERSION_DIGITS_MAX 9

/* clang-format off */
static const struct field_spec FEE_SCHEDULE_SPECS[] = {
    { .name = "after_days", .type = FIELD_INT, .required = true, .min = 0, .max = 3650 },
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1,
      .max = 10000000000000 },
};
/* clang-format on */

/* Create requires what an offer cannot do without; the rest has defaults (see the migration).
 * An edit takes the same fields, each optional. */
/* clang-format off */
#define ACHIEVEMENT_SPECS(REQUIRED)                                                           \
    {                                                                                         \
        { .name = "title", .type = FIELD_STRING, .required = REQUIRED, .min = 1, .max = 300,  \
          .check = text_not_blank },                                                          \
        { .name = "title_en", .type = FIELD_STRING, .min = 1, .max = 300,                     \
          .check = text_not_blank },                                                          \
        { .name = "abstract", .type = FIELD_STRING, .required = REQUIRED, .min = 1,           \
          .max = 5000, .check = text_not_blank },                                             \
        { .name = "field", .type = FIELD_ENUM, .required = REQUIRED,                          \
          .values = ACHIEVEMENT_FIELDS },                                                     \
        { .name = "kind", .type = FIELD_ENUM, .required = REQUIRED,                           \
          .values = ACHIEVEMENT_KINDS },                                                      \
        { .name = "patent_numbers", .type = FIELD_STRING_ARRAY, .min = 0, .max = 100,         \
          .item_max = 40, .check = patent_number_problem },                                   \
        { .name = "keywords", .type = FIELD_STRING_ARRAY, .min = 0, .max = 30,                \
          .item_max = 100, .check = text_not_blank },                                         \
        { .name = "maturity", .type = FIELD_INT, .required = REQUIRED, .min = 1, .max = 9 },  \
        { .name = "trial_months", .type = FIELD_INT, .required = REQUIRED, .min = 1,          \
          .max = 36 },                                                                        \
        { .name = "payment_mode", .type = FIELD_ENUM, .required = REQUIRED,                   \
          .values = PAYMENT_MODES },                                              \
        { .name = "reference_fee_fen", .type = FIELD_INT, .min = 0,                           \
          .max = 10000000000000 },                                                            \
        { .name = "royalty_bp", .type = FIELD_INT, .min = 0, .max = 10000 },                  \
        { .name = "exclusive", .type = FIELD_BOOL },                                          \
        { .name = "open_license", .type = FIELD_BOOL },                                       \
        { .name = "royalty_base", .type = FIELD_ENUM, .values = ROYALTY_BASES },              \
        { .name = "license_years", .type = FIELD_INT, .min = 1, .max = 20 },                  \
        { .name = "fee_schedule", .type = FIELD_ARRAY, .min = 0, .max = 120,                  \
          .items = FEE_SCHEDULE_SPECS, .item_count = FIELD_COUNT(FEE_SCHEDULE_SPECS) },       \
    }
/* clang-format on */

static const struct field_spec CREATE_SPECS[] = ACHIEVEMENT_SPECS(true);
static const struct field_spec UPDATE_SPECS[] = ACHIEVEMENT_SPECS(false);
const struct field_spec *const ACHIEVEMENT_CREATE_SPECS = CREATE_SPECS;
const size_t ACHIEVEMENT_CREATE_SPEC_COUNT = FIELD_COUNT(CREATE_SPECS);
/* clang-format off */
static const struct field_spec REJECT_SPECS[] = {
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 500,
      .check = text_not_blank },
};
/* clang-format on */

static const struct statement GET = { "achievement_get",
                                      "SELECT * FROM api_achievement_get($1::bigint, $2::bigint)" };
static const struct statement CREATE = {
    "achievement_create", "SELECT * FROM api_achievement_create($1::bigint, $2::jsonb)"
};
static const struct statement UPDATE = {
    "achievement_update",
    "SELECT * FROM api_achievement_update($1::bigint, $2::bigint, $3::integer, $4::jsonb)"
};
static const struct statement SUBMIT = {
    "achievement_submit", "SELECT * FROM api_achievement_submit($1::bigint, $2::bigint)"
};
static const struct statement WITHDRAW = {
    "achievement_withdraw", "SELECT * FROM api_achievement_withdraw($1::bigint, $2::bigint)"
};
static const struct statement APPROVE = {
    "achievement_approve", "SELECT * FROM api_achievement_approve($1::bigint, $2::bigint)"
};
static const struct statement REJECT = {
    "achievement_reject", "SELECT * FROM api_achievement_reject($1::bigint, $2::bigint, $3::text)"
};

/* Runs a statement that returns (reply json, version) and answers status with the object and
 * its ETag; no row answers 404. */
static void achievement_reply(struct reply *rep, int status, const struct statement *st,
                              int nparams, const char *const *params)
{
    PGresult *res = api_db_exec(rep, st, nparams, params);
    if (res == NULL)
        return;
    if (PQntuples(res) != 1 || PQnfields(res) != 2 || PQgetisnull(res, 0, 0)) {
        reply_error(rep, ERR_NOT_FOUND, "no such achievement");
        goto cleanup;
    }
    char etag[VERSION_DIGITS_MAX + 16];
    snprintf(etag, sizeof etag, "\"%s\"", PQgetvalue(res, 0, 1));
    reply_text(rep, status, "application/json", PQgetvalue(res, 0, 0),
               (size_t)PQgetlength(res, 0, 0));
    reply_header_add(rep, "ETag", etag);
cleanup:
    PQclear(res);
}

/* The version named by an If-Match header, as text into out; NULL when there is no
 * precondition (no header, or "*"). A header that names no version of ours (a weak tag, a
 * list, garbage) yields NO_VERSION, which fails the precondition once the object is found. */
static const char *if_match_version(const char *if_match, char out[VERSION_DIGITS_MAX + 1])
{
    if (if_match == NULL)
        return NULL;
    while (*if_match == ' ')
        if_match++;
    size_t len = strlen(if_match);
    while (len > 0 && if_match[len - 1] == ' ')
        len--;
    if (len == 1 && if_match[0] == '*')
        return NULL;
    size_t digits = len >= 2 ? strspn(if_match + 1, "0123456789") : 0;
    if (len < 3 || if_match[0] != '"' || if_match[len - 1] != '"' || digits != len - 2 ||
        digits > VERSION_DIGITS_MAX)
        return NO_VERSION;
    memcpy(out, if_match + 1, digits);
    out[digits] = '\0';
    return out;
}

void achievement_get(struct request *req, struct reply *rep)
{
    const char *params[] = { request_actor(req), req->id_text[0] };
    achievement_reply(rep, 200, &GET, 2, params);
}

/* A royalty mode needs a royalty rate. Checked here when the body names the mode and the rate
 * (a create always has both: the rate defaults to 0); a change of only one of them meets the
 * stored other in the database (achievements_royalty_bp_for_royalty_modes, also 422). */
static bool royalty_terms_valid(const json_t *body, bool creating, struct reply *rep)
{
    const char *mode = json_string_value(json_object_get(body, "payment_mode"));
    const json_t *royalty_bp = json_object_get(body, "royalty_bp");
    if (!creating && (mode == NULL || !json_is_integer(royalty_bp)))
        return true;
    const char *problem = payment_royalty_problem(mode, json_integer_value(royalty_bp));
    if (problem != NULL) {
        reply_invalid_field(rep, "royalty_bp", problem);
        return false;
    }
    return true;
}

void achievement_create(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, CREATE_SPECS, FIELD_COUNT(CREATE_SPECS), rep) ||
        !royalty_terms_valid(req->body, true, rep))
        return;
    char *body = json_dumps(req->body, JSON_COMPACT);
    if (body == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    const char *params[] = { request_actor(req), body };
    achievement_reply(rep, 201, &CREATE, 2, params);
    free(body);
}

void achievement_update(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, UPDATE_SPECS, FIELD_COUNT(UPDATE_SPECS), rep) ||
        !royalty_terms_valid(req->body, false, rep))
        return;
    char *body = req->body != NULL ? json_dumps(req->body, JSON_COMPACT) : strdup("{}");
    if (body == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    char version[VERSION_DIGITS_MAX + 1];
    const char *params[] = { request_actor(req), req->id_text[0],
                             if_match_version(req->if_match, version), body };
    achievement_reply(rep, 200, &UPDATE, 4, params);
    free(body);
}

/* submit, withdraw and approve take no fields (an empty object or no body). */
static void achievement_move(struct request *req, struct reply *rep, const struct statement *st)
{
    if (!fields_check(req->body, NULL, 0, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0] };
    achievement_reply(rep, 200, st, 2, params);
}

void achievement_submit(struct request *req, struct reply *rep)
{
    achievement_move(req, rep, &SUBMIT);
}

void achievement_withdraw(struct request *req, struct reply *rep)
{
    achievement_move(req, rep, &WITHDRAW);
}

void achievement_approve(struct request *req, struct reply *rep)
{
    achievement_move(req, rep, &APPROVE);
}

void achievement_reject(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, REJECT_SPECS, FIELD_COUNT(REJECT_SPECS), rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0],
                             json_string_value(json_object_get(req->body, "reason")) };
    achievement_reply(rep, 200, &REJECT, 3, params);
}
