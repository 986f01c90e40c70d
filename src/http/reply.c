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
        /* not reply_error: its own fallback comes back here, and would recurse */
        reply_empty(rep, api_error_status(ERR_INTERNAL));
        rep->code = api_error_code(ERR_INTERNAL);
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
        reply_error(rep, ERR_INTERNAL, "could not serialise the reply");
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
