/* achievements: one achievement — detail with its ETag, create, partial edit under If-Match,
 * and the review workflow. The SQL functions (0005_achievements.sql, with typed
 * parameters since 0049) decide who may do what. */
#include "api/achievements.h"

#include <stdio.h>
#include <string.h>

#include "api/dbcall.h"
#include "domain/patent_number.h"
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
 * An edit takes the same fields, each optional; JSON null clears title_en and keeps the rest.
 * How the payment mode, fee, rate and schedule fit together is the database's rule
 * (achievement_royalty_require_valid, achievement_terms_require_valid, 0049). */
struct achievement_body {
    struct field_value title, title_en, abstract, field, kind, patent_numbers, keywords, maturity,
        trial_months, payment_mode, reference_fee_fen, royalty_bp, exclusive, open_license,
        royalty_base, license_years, fee_schedule;
};
#define ACHIEVEMENT_AT(member) FIELD_AT(struct achievement_body, member)
#define ACHIEVEMENT_FIELD_PARAMS(in)                                                              \
    (in).title.text, (in).title_en.text, (in).abstract.text, (in).field.text, (in).kind.text,     \
        (in).patent_numbers.text, (in).keywords.text, (in).maturity.text, (in).trial_months.text, \
        (in).payment_mode.text, (in).reference_fee_fen.text, (in).royalty_bp.text,                \
        (in).exclusive.text, (in).open_license.text, (in).royalty_base.text,                      \
        (in).license_years.text, (in).fee_schedule.text
#define ACHIEVEMENT_FIELD_CASTS                                                              \
    "$1::text, $2::text, $3::text, $4::achievement_field, $5::achievement_kind, $6::jsonb, " \
    "$7::jsonb, $8::integer, $9::integer, $10::payment_mode, $11::bigint, $12::integer, "    \
    "$13::boolean, $14::boolean, $15::royalty_base, $16::integer, $17::jsonb"
/* clang-format off */
#define ACHIEVEMENT_SPECS(REQUIRED)                                                               \
    {                                                                                             \
        { .name = "title", .type = FIELD_STRING, .required = REQUIRED, .min = 1, .max = 300,      \
          .check = text_not_blank, ACHIEVEMENT_AT(title) },                                       \
        { .name = "title_en", .type = FIELD_STRING, .min = 1, .max = 300,                         \
          .check = text_not_blank, ACHIEVEMENT_AT(title_en) },                                    \
        { .name = "abstract", .type = FIELD_STRING, .required = REQUIRED, .min = 1,               \
          .max = 5000, .check = text_not_blank, ACHIEVEMENT_AT(abstract) },                       \
        { .name = "field", .type = FIELD_ENUM, .required = REQUIRED,                              \
          .values = ACHIEVEMENT_FIELDS, ACHIEVEMENT_AT(field) },                                  \
        { .name = "kind", .type = FIELD_ENUM, .required = REQUIRED,                               \
          .values = ACHIEVEMENT_KINDS, ACHIEVEMENT_AT(kind) },                                    \
        { .name = "patent_numbers", .type = FIELD_STRING_ARRAY, .min = 0, .max = 100,             \
          .item_max = 40, .check = patent_number_problem, ACHIEVEMENT_AT(patent_numbers) },       \
        { .name = "keywords", .type = FIELD_STRING_ARRAY, .min = 0, .max = 30,                    \
          .item_max = 100, .check = text_not_blank, ACHIEVEMENT_AT(keywords) },                   \
        { .name = "maturity", .type = FIELD_INT, .required = REQUIRED, .min = 1, .max = 9,        \
          ACHIEVEMENT_AT(maturity) },                                                             \
        { .name = "trial_months", .type = FIELD_INT, .required = REQUIRED, .min = 1,              \
          .max = 36, ACHIEVEMENT_AT(trial_months) },                                              \
        { .name = "payment_mode", .type = FIELD_ENUM, .required = REQUIRED,                       \
          .values = PAYMENT_MODES, ACHIEVEMENT_AT(payment_mode) },                                \
        { .name = "reference_fee_fen", .type = FIELD_INT, .min = 0,                               \
          .max = 10000000000000, ACHIEVEMENT_AT(reference_fee_fen) },                             \
        { .name = "royalty_bp", .type = FIELD_INT, .min = 0, .max = 10000,                        \
          ACHIEVEMENT_AT(royalty_bp) },                                                           \
        { .name = "exclusive", .type = FIELD_BOOL, ACHIEVEMENT_AT(exclusive) },                   \
        { .name = "open_license", .type = FIELD_BOOL, ACHIEVEMENT_AT(open_license) },             \
        { .name = "royalty_base", .type = FIELD_ENUM, .values = ROYALTY_BASES,                    \
          ACHIEVEMENT_AT(royalty_base) },                                                         \
        { .name = "license_years", .type = FIELD_INT, .min = 1, .max = 20,                        \
          ACHIEVEMENT_AT(license_years) },                                                        \
        { .name = "fee_schedule", .type = FIELD_ARRAY, .min = 0, .max = 120,                      \
          .items = FEE_SCHEDULE_SPECS, .item_count = FIELD_COUNT(FEE_SCHEDULE_SPECS),             \
          ACHIEVEMENT_AT(fee_schedule) },                                                         \
    }
/* clang-format on */

static const struct field_spec CREATE_SPECS[] = ACHIEVEMENT_SPECS(true);
static const struct field_spec UPDATE_SPECS[] = ACHIEVEMENT_SPECS(false);
const struct field_spec *const ACHIEVEMENT_CREATE_SPECS = CREATE_SPECS;
const size_t ACHIEVEMENT_CREATE_SPEC_COUNT = FIELD_COUNT(CREATE_SPECS);
/* clang-format off */
struct reason_body {
    struct field_value reason;
};
static const struct field_spec REJECT_SPECS[] = {
    { .name = "reason", .type = FIELD_STRING, .required = true, .min = 1, .max = 500,
      .check = text_not_blank, FIELD_AT(struct reason_body, reason) },
};
/* clang-format on */

static const struct statement GET = { "achievement_get",
                                      "SELECT * FROM api_achievement_get($1::bigint, $2::bigint)" };
/* The fields are $1 to $17 (ACHIEVEMENT_FIELD_CASTS), the caller and the path after them. */
static const struct statement CREATE = {
    "achievement_create",
    "SELECT * FROM api_achievement_create($18::bigint, " ACHIEVEMENT_FIELD_CASTS ")"
};
static const struct statement UPDATE = { "achievement_update",
                                         "SELECT * FROM api_achievement_update($18::bigint, "
                                         "$19::bigint, $20::integer, " ACHIEVEMENT_FIELD_CASTS
                                         ", $21::boolean)" };
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

void achievement_create(struct request *req, struct reply *rep)
{
    struct achievement_body in;
    if (!fields_parse(req->body, CREATE_SPECS, FIELD_COUNT(CREATE_SPECS), &in, rep))
        return;
    const char *params[] = { ACHIEVEMENT_FIELD_PARAMS(in), request_actor(req) };
    achievement_reply(rep, 201, &CREATE, 18, params);
    fields_release(CREATE_SPECS, FIELD_COUNT(CREATE_SPECS), &in);
}

void achievement_update(struct request *req, struct reply *rep)
{
    struct achievement_body in;
    if (!fields_parse(req->body, UPDATE_SPECS, FIELD_COUNT(UPDATE_SPECS), &in, rep))
        return;
    char version[VERSION_DIGITS_MAX + 1];
    const char *params[] = { ACHIEVEMENT_FIELD_PARAMS(in), request_actor(req), req->id_text[0],
                             if_match_version(req->if_match, version),
                             in.title_en.present ? "true" : "false" };
    achievement_reply(rep, 200, &UPDATE, 21, params);
    fields_release(UPDATE_SPECS, FIELD_COUNT(UPDATE_SPECS), &in);
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
    struct reason_body in;
    if (!fields_parse(req->body, REJECT_SPECS, FIELD_COUNT(REJECT_SPECS), &in, rep))
        return;
    const char *params[] = { request_actor(req), req->id_text[0], in.reason.text };
    achievement_reply(rep, 200, &REJECT, 3, params);
}
