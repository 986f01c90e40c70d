/* reply: builds handler answers and renders problem+json, the one error format of the API. */
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply_reset_body(struct reply *rep)
{
    free(rep->body);
    rep->body = NULL;
    rep->body_len = 0;
}

void reply_body_steal(struct reply *rep, int status, const char *content_type, char *body,
                      size_t body_len)
{
    reply_reset_body(rep);
    rep->status = status;
    rep->content_type = content_type;
    rep->body = body;
    rep->body_len = body_len;
}

void reply_text(struct reply *rep, int status, const char *content_type, const char *text,
                size_t len)
{
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        /* not reply_problem: its own fallback comes back here, and would recurse */
        reply_empty(rep, 500);
        rep->code = "internal";
        return;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    reply_body_steal(rep, status, content_type, copy, len);
}

void reply_json(struct reply *rep, int status, const json_t *json)
{
    char *text = json_dumps(json, JSON_COMPACT);
    if (text == NULL) {
        reply_problem(rep, 500, "internal", "could not serialise the reply");
        return;
    }
    reply_body_steal(rep, status, "application/json", text, strlen(text));
}

void reply_empty(struct reply *rep, int status)
{
    reply_reset_body(rep);
    rep->status = status;
    rep->content_type = NULL;
}

bool reply_header_add(struct reply *rep, const char *name, const char *value)
{
    if (rep->header_count >= REPLY_MAX_HEADERS)
        return false;
    char *n = strdup(name);
    char *v = strdup(value);
    if (n == NULL || v == NULL) {
        free(n);
        free(v);
        return false;
    }
    rep->headers[rep->header_count].name = n;
    rep->headers[rep->header_count].value = v;
    rep->header_count++;
    return true;
}

void reply_stream(struct reply *rep, int status, const char *content_type, reply_stream_fn fn,
                  reply_stream_free_fn free_fn, void *ctx)
{
    reply_reset_body(rep);
    rep->status = status;
    rep->content_type = content_type;
    rep->stream = fn;
    rep->stream_free = free_fn;
    rep->stream_ctx = ctx;
}

void reply_defer_kind(struct reply *rep, enum reply_job_kind kind, reply_job_fn fn,
                      reply_stream_free_fn free_fn, void *ctx)
{
    rep->job = fn;
    rep->job_free = free_fn;
    rep->job_ctx = ctx;
    rep->job_kind = kind;
}

void reply_defer(struct reply *rep, reply_job_fn fn, reply_stream_free_fn free_fn, void *ctx)
{
    reply_defer_kind(rep, REPLY_JOB_LONG, fn, free_fn, ctx);
}

const char *problem_title(int status)
{
    /* a table: one status a line */
    /* clang-format off */
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
    }
    /* clang-format on */
}

char *problem_render(int status, const char *code, const char *detail, const json_t *errors)
{
    json_t *doc = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
                            problem_title(status), "status", status, "code", code);
    if (doc == NULL)
        return NULL;
    if (detail != NULL)
        json_object_set_new(doc, "detail", json_string(detail));
    if (errors != NULL)
        json_object_set(doc, "errors", (json_t *)errors);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

void reply_problem_errors(struct reply *rep, int status, const char *code, const char *detail,
                          json_t *errors)
{
    char *text = problem_render(status, code, detail, errors);
    json_decref(errors);
    if (text == NULL) {
        static const char fallback[] =
            "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
            "\"code\":\"internal\"}";
        reply_text(rep, 500, "application/problem+json", fallback, sizeof fallback - 1);
        rep->code = "internal";
        return;
    }
    reply_body_steal(rep, status, "application/problem+json", text, strlen(text));
    rep->code = code;
}

void reply_problem(struct reply *rep, int status, const char *code, const char *detail)
{
    reply_problem_errors(rep, status, code, detail, NULL);
}

void reply_error_extended(struct reply *rep, enum api_error err, const char *detail, json_t *errors,
                          json_t *members)
{
    json_t *doc = problem_new(err, detail, errors);
    json_decref(errors);
    bool ok = doc != NULL && (members == NULL || json_object_update(doc, members) == 0);
    json_decref(members);
    char *text = ok ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (text == NULL) {
        static const char fallback[] =
            "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
            "\"code\":\"internal\"}";
        reply_text(rep, api_error_status(ERR_INTERNAL), "application/problem+json", fallback,
                   sizeof fallback - 1);
        rep->code = api_error_code(ERR_INTERNAL);
        return;
    }
    reply_body_steal(rep, api_error_status(err), "application/problem+json", text, strlen(text));
    rep->code = api_error_code(err);
}

void reply_error_fields(struct reply *rep, enum api_error err, const char *detail, json_t *errors)
{
    reply_error_extended(rep, err, detail, errors, NULL);
}

void reply_error(struct reply *rep, enum api_error err, const char *detail)
{
    reply_error_extended(rep, err, detail, NULL, NULL);
}

void reply_invalid_field(struct reply *rep, const char *field, const char *message)
{
    json_t *errors = json_pack("[{s:s, s:s}]", "field", field, "message", message);
    reply_error_fields(rep, ERR_INVALID_FIELD, message, errors);
}

void reply_release(struct reply *rep)
{
    reply_reset_body(rep);
    for (size_t i = 0; i < rep->header_count; i++) {
        free(rep->headers[i].name);
        free(rep->headers[i].value);
    }
    rep->header_count = 0;
    if (rep->stream_free != NULL && rep->stream_ctx != NULL)
        rep->stream_free(rep->stream_ctx);
    rep->stream = NULL;
    rep->stream_free = NULL;
    rep->stream_ctx = NULL;
    if (rep->job_free != NULL && rep->job_ctx != NULL)
        rep->job_free(rep->job_ctx);
    rep->job = NULL;
    rep->job_free = NULL;
    rep->job_ctx = NULL;
}
