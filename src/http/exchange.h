/* exchange: one HTTP request in progress — its body, its caller, its dispatch and reply headers. */
#ifndef TECHPOOL_EXCHANGE_H
#define TECHPOOL_EXCHANGE_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/utf8.h"
#include "http/hooks.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/static_files.h"

#define BODY_LIMIT (1024 * 1024)
#define FILE_BODY_LIMIT (10 * 1024 * 1024)

/* What every exchange is served with, the same for all (set up by server_run). */
struct exchange_settings {
    const struct server_hooks *hooks;
    const char *public_origin; /* unsafe requests with the session cookie come from it */
};

struct exchange {
    const struct exchange_settings *settings;
    struct MHD_Connection *conn;
    struct request req;
    struct reply rep;
    char *body;
    size_t body_len;
    size_t body_cap;
    size_t body_limit; /* BODY_LIMIT, or FILE_BODY_LIMIT for a file route */
    bool body_too_large;
    bool queued;
    bool stream_broken;
    _Atomic int job_state; /* deferred.c: none, running, done */
    bool api;              /* under /api/ or an ops path: no-store */
    size_t route_index;    /* for metrics */
    const struct static_file *static_file;
    uint64_t started_micros;
    char log_method[16];
    char log_path[256];
};

struct exchange *exchange_new(const struct exchange_settings *settings, struct MHD_Connection *conn,
                              const char *method, const char *url, uint64_t started_micros);
void exchange_free(struct exchange *x);

/* True when Content-Length announces more than the route's body limit (checked before reading). */
bool exchange_body_declared_too_large(const struct exchange *x);
void exchange_reply_too_large(struct exchange *x);
/* True when the body's length is ambiguous (Content-Length headers that disagree, or one
 * together with Transfer-Encoding): refused with 400 and the connection closed, so that no
 * proxy in front can be made to read a different request boundary. */
bool exchange_framing_ambiguous(const struct exchange *x);
void exchange_reply_ambiguous_framing(struct exchange *x);
/* Appends a body chunk, or marks the body too large and drops it. */
void exchange_body_append(struct exchange *x, const char *data, size_t size);

/* Everything between the complete request and the reply: limits, route, caller, handler. */
void exchange_dispatch(struct exchange *x);

/* Headers every reply carries (security, content type, request id) plus the reply's own. */
void exchange_add_headers(const struct exchange *x, struct MHD_Response *resp);

/* The request checks of the contract, exposed for unit tests. */
bool content_type_is_json(const char *content_type);
bool idempotency_key_valid(const char *key);

#endif
