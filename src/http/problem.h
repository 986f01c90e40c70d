/* problem: the contract's error codes, each with its HTTP status and title in one table, and
 * their rendering as problem+json (RFC 9457). */
#ifndef TECHPOOL_PROBLEM_H
#define TECHPOOL_PROBLEM_H

#include <jansson.h>

/* Every error the API may answer. A code the contract gives two statuses is two values. */
enum api_error {
    ERR_BAD_REQUEST,
    ERR_INVALID_JSON,
    ERR_INVALID_FIELD,
    ERR_UNAUTHENTICATED,
    ERR_FORBIDDEN,
    ERR_NOT_FOUND,
    ERR_METHOD_NOT_ALLOWED,
    ERR_CONFLICT,
    ERR_INVALID_TRANSITION,
    ERR_IDEMPOTENCY_IN_FLIGHT, /* idempotency_conflict: the first request is still running */
    ERR_IDEMPOTENCY_MISMATCH,  /* idempotency_conflict: the key came with another request */
    ERR_PRECONDITION_FAILED,
    ERR_PAYLOAD_TOO_LARGE,
    ERR_UNSUPPORTED_MEDIA_TYPE,
    ERR_RATE_LIMITED,
    ERR_UNAVAILABLE,
    ERR_INTERNAL,
    ERR_NOT_SME,
    ERR_ABOVE_GUIDELINE,
    ERR_EXCLUSIVE_CONFLICT,
    API_ERROR_COUNT
};

/* The contract's code ("not_found"), the HTTP status and the status's title of err. */
const char *api_error_code(enum api_error err);
int api_error_status(enum api_error err);
const char *api_error_title(enum api_error err);

/* A new problem document for err; detail may be NULL; errors ([{field, message}]) is borrowed
 * and may be NULL. The caller may add extension members and releases it. NULL when out of
 * memory. */
json_t *problem_new(enum api_error err, const char *detail, const json_t *errors);
/* The same rendered as text; caller frees the string. */
char *problem_render(enum api_error err, const char *detail, const json_t *errors);

#endif
