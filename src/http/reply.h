/* reply: what a handler answers — a JSON body, a problem+json, or a streamed body. */
#ifndef TECHPOOL_REPLY_H
#define TECHPOOL_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#include "http/problem.h"

#define REPLY_MAX_HEADERS 6

/* Produces the next chunk of a streamed body into buf (at most max bytes).
 * Returns the byte count, 0 at a clean end, -1 when the stream broke (the
 * response is then ended abruptly so the client sees a truncated transfer). */
typedef ssize_t (*reply_stream_fn)(void *ctx, char *buf, size_t max);
typedef void (*reply_stream_free_fn)(void *ctx);
struct reply;
/* Work too long for a worker thread (building a workbook): the server runs it on a thread of
 * its own while the connection waits, and it answers into rep as a handler would. */
typedef void (*reply_job_fn)(void *ctx, struct reply *rep);
/* What a deferred job waits on, which sets how many may run at once (deferred.h). */
enum reply_job_kind {
    REPLY_JOB_LONG,     /* seconds of work: a workbook, an import */
    REPLY_JOB_PASSWORD, /* an argon2id hash or check: a sign-in, a sign-up, a new user */
};

struct reply_header {
    char *name;
    char *value;
};

struct reply {
    int status;               /* 0 until a handler has answered */
    const char *content_type; /* static string */
    char *body;               /* owned; NULL for an empty body */
    size_t body_len;
    struct reply_header headers[REPLY_MAX_HEADERS];
    size_t header_count;
    reply_stream_fn stream; /* when set, body is ignored */
    reply_stream_free_fn stream_free;
    void *stream_ctx;
    reply_job_fn job; /* when set, the reply is still to be made by the job */
    reply_stream_free_fn job_free;
    void *job_ctx;
    enum reply_job_kind job_kind;
    const char *code; /* problem code, for logs and metrics */
};

/* Takes ownership of body (malloc'd, body_len bytes). */
void reply_body_steal(struct reply *rep, int status, const char *content_type, char *body,
                      size_t body_len);
/* Copies len bytes of text. */
void reply_text(struct reply *rep, int status, const char *content_type, const char *text,
                size_t len);
/* Serialises json (borrowed) as application/json. */
void reply_json(struct reply *rep, int status, const json_t *json);
void reply_empty(struct reply *rep, int status);
/* Adds a header; both strings are copied. Returns false when full. */
bool reply_header_add(struct reply *rep, const char *name, const char *value);
void reply_stream(struct reply *rep, int status, const char *content_type, reply_stream_fn fn,
                  reply_stream_free_fn free_fn, void *ctx);

/* Defers the reply to fn, run by the server off the worker thread; free_fn(ctx) follows it
 * (or the release of a reply whose job never ran). reply_defer is for long work. */
void reply_defer(struct reply *rep, reply_job_fn fn, reply_stream_free_fn free_fn, void *ctx);
void reply_defer_kind(struct reply *rep, enum reply_job_kind kind, reply_job_fn fn,
                      reply_stream_free_fn free_fn, void *ctx);

/* problem+json (RFC 9457) for err, its status and code from the one table (problem.h).
 * detail may be NULL. */
void reply_error(struct reply *rep, enum api_error err, const char *detail);
/* The same with an "errors" array [{field, message}]; takes ownership of errors. */
void reply_error_fields(struct reply *rep, enum api_error err, const char *detail, json_t *errors);
/* The same with extension members (an object merged into the document); takes ownership of
 * errors and members, either may be NULL. */
void reply_error_extended(struct reply *rep, enum api_error err, const char *detail, json_t *errors,
                          json_t *members);
/* 422 invalid_field for one field. */
void reply_invalid_field(struct reply *rep, const char *field, const char *message);

void reply_release(struct reply *rep);

#endif
