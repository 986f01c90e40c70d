/* problem: the one table of the contract's error codes and the problem+json they render to. */
#include "http/problem.h"

#include <stdlib.h>

/* The title of a problem of type about:blank is the reason phrase of its status (RFC 9457
 * 4.2.1), so codes that share a status share a title. */
static const struct {
    const char *code;
    int status;
    const char *title;
} PROBLEMS[] = {
    /* clang-format off */
    [ERR_BAD_REQUEST]            = { "bad_request",            400, "Bad Request" },
    [ERR_INVALID_JSON]           = { "invalid_json",           400, "Bad Request" },
    [ERR_INVALID_FIELD]          = { "invalid_field",          422, "Unprocessable Content" },
    [ERR_UNAUTHENTICATED]        = { "unauthenticated",        401, "Unauthorized" },
    [ERR_FORBIDDEN]              = { "forbidden",              403, "Forbidden" },
    [ERR_NOT_FOUND]              = { "not_found",              404, "Not Found" },
    [ERR_METHOD_NOT_ALLOWED]     = { "method_not_allowed",     405, "Method Not Allowed" },
    [ERR_CONFLICT]               = { "conflict",               409, "Conflict" },
    [ERR_INVALID_TRANSITION]     = { "invalid_transition",     409, "Conflict" },
    [ERR_IDEMPOTENCY_IN_FLIGHT]  = { "idempotency_conflict",   409, "Conflict" },
    [ERR_IDEMPOTENCY_MISMATCH]   = { "idempotency_conflict",   422, "Unprocessable Content" },
    [ERR_PRECONDITION_FAILED]    = { "precondition_failed",    412, "Precondition Failed" },
    [ERR_PAYLOAD_TOO_LARGE]      = { "payload_too_large",      413, "Content Too Large" },
    [ERR_UNSUPPORTED_MEDIA_TYPE] = { "unsupported_media_type", 415, "Unsupported Media Type" },
    [ERR_RATE_LIMITED]           = { "rate_limited",           429, "Too Many Requests" },
    [ERR_UNAVAILABLE]            = { "unavailable",            503, "Service Unavailable" },
    [ERR_INTERNAL]               = { "internal",               500, "Internal Server Error" },
    [ERR_NOT_SME]                = { "not_sme",                403, "Forbidden" },
    [ERR_ABOVE_GUIDELINE]        = { "above_guideline",        422, "Unprocessable Content" },
    [ERR_EXCLUSIVE_CONFLICT]     = { "exclusive_conflict",     409, "Conflict" },
    /* clang-format on */
};

_Static_assert(sizeof PROBLEMS / sizeof PROBLEMS[0] == API_ERROR_COUNT,
               "every api_error has a row in PROBLEMS");

/* An out-of-range value (a cast gone wrong) answers as internal rather than reading past the
 * table. */
static enum api_error known(enum api_error err)
{
    return (unsigned)err < API_ERROR_COUNT && PROBLEMS[err].code != NULL ? err : ERR_INTERNAL;
}

const char *api_error_code(enum api_error err)
{
    return PROBLEMS[known(err)].code;
}

int api_error_status(enum api_error err)
{
    return PROBLEMS[known(err)].status;
}

const char *api_error_title(enum api_error err)
{
    return PROBLEMS[known(err)].title;
}

json_t *problem_new(enum api_error err, const char *detail, const json_t *errors)
{
    err = known(err);
    json_t *doc = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
                            PROBLEMS[err].title, "status", PROBLEMS[err].status, "code",
                            PROBLEMS[err].code);
    if (doc == NULL)
        return NULL;
    if (detail != NULL)
        json_object_set_new(doc, "detail", json_string(detail));
    if (errors != NULL)
        json_object_set(doc, "errors", (json_t *)errors);
    return doc;
}

char *problem_render(enum api_error err, const char *detail, const json_t *errors)
{
    json_t *doc = problem_new(err, detail, errors);
    if (doc == NULL)
        return NULL;
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}
