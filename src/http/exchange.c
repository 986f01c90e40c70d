/* exchange: dispatches one complete request — body rules (413, 415, 400), route (404, 405),
 * caller (session, origin check, role), then the handler; and the headers on every reply. */
#include "http/exchange.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/metrics.h"
#include "http/reply_cache.h"
#include "http/router.h"

static const char CONTENT_SECURITY_POLICY[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

static const char *lookup_query(const void *transport, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)transport, MHD_GET_ARGUMENT_KIND,
                                       name);
}

static const char *header(const struct exchange *x, const char *name)
{
    return MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND, name);
}

/* Request ids: a prefix drawn at random once per process and a counter, as 32 hex digits:
 * unique across restarts and processes without a system call per request. */
static unsigned char request_id_prefix[8];
static atomic_uint_fast64_t request_id_counter;
static pthread_once_t request_id_once = PTHREAD_ONCE_INIT;

static void request_id_prefix_draw(void)
{
    randombytes_buf(request_id_prefix, sizeof request_id_prefix);
}

static void request_id_next(char out[33])
{
    pthread_once(&request_id_once, request_id_prefix_draw);
    uint64_t n = atomic_fetch_add(&request_id_counter, 1);
    unsigned char id[16];
    memcpy(id, request_id_prefix, sizeof request_id_prefix);
    for (int i = 0; i < 8; i++)
        id[8 + i] = (unsigned char)(n >> (56 - 8 * i));
    sodium_bin2hex(out, 33, id, sizeof id);
}

/* Whether route takes a file as it is rather than a JSON object. */
static bool route_takes_file(const struct server_hooks *hooks, const struct route *route)
{
    for (size_t i = 0; i < hooks->file_handler_count; i++)
        if (hooks->file_handlers[i] == route->handler)
            return true;
    return false;
}

/* The body limit of the route a request goes to: files are larger than JSON objects. */
static size_t body_limit_of(const struct server_hooks *hooks, const char *method, const char *url)
{
    if (strcmp(method, "POST") != 0)
        return BODY_LIMIT;
    const struct route *route = NULL;
    struct request scratch = { 0 };
    char allow[64];
    return router_match(hooks->routes, hooks->route_count, method, url, &route, &scratch, allow,
                        sizeof allow) == ROUTE_FOUND &&
                   route_takes_file(hooks, route)
               ? FILE_BODY_LIMIT
               : BODY_LIMIT;
}

struct exchange *exchange_new(const struct exchange_settings *settings, struct MHD_Connection *conn,
                              const char *method, const char *url, uint64_t started_micros)
{
    struct exchange *x = calloc(1, sizeof *x);
    if (x == NULL)
        return NULL;
    x->settings = settings;
    x->conn = conn;
    x->started_micros = started_micros;
    x->route_index = METRICS_ROUTE_UNMATCHED;
    x->req.method = method;
    x->req.path = url;
    x->req.transport = conn;
    x->req.query_lookup = lookup_query;
    x->req.caller.role = ROLE_ANONYMOUS;
    request_id_next(x->req.request_id);
    /* log copies: JSON-safe, bounded */
    const char *sources[2] = { method, url };
    char *targets[2] = { x->log_method, x->log_path };
    size_t sizes[2] = { sizeof x->log_method, sizeof x->log_path };
    for (int k = 0; k < 2; k++) {
        size_t j = 0;
        for (const unsigned char *p = (const unsigned char *)sources[k]; *p && j + 1 < sizes[k];
             p++)
            targets[k][j++] = (*p < 0x20 || *p == '"' || *p == '\\' || *p >= 0x7F) ? '?' : (char)*p;
        targets[k][j] = '\0';
    }
    x->body_limit = body_limit_of(settings->hooks, method, url);
    x->api = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0 ||
             strcmp(url, "/readyz") == 0 || strcmp(url, "/metrics") == 0;
    return x;
}

void exchange_free(struct exchange *x)
{
    json_decref(x->req.body);
    reply_release(&x->rep);
    free(x->body);
    free(x);
}

bool exchange_body_declared_too_large(const struct exchange *x)
{
    const char *length = header(x, "Content-Length");
    if (length == NULL)
        return false;
    char *end;
    unsigned long long n = strtoull(length, &end, 10);
    return *end == '\0' && n > x->body_limit;
}

struct framing {
    unsigned content_lengths;
    bool lengths_differ;
    bool transfer_encoding;
    const char *first_length;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (strcasecmp(key, "Content-Length") == 0) {
        if (f->content_lengths > 0 && strcmp(f->first_length, value != NULL ? value : "") != 0)
            f->lengths_differ = true;
        if (f->content_lengths == 0)
            f->first_length = value != NULL ? value : "";
        f->content_lengths++;
    } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
        f->transfer_encoding = true;
    }
    return MHD_YES;
}

bool exchange_framing_ambiguous(const struct exchange *x)
{
    struct framing f = { 0 };
    MHD_get_connection_values(x->conn, MHD_HEADER_KIND, count_framing, &f);
    return f.lengths_differ || (f.content_lengths > 0 && f.transfer_encoding);
}

void exchange_reply_ambiguous_framing(struct exchange *x)
{
    reply_error(&x->rep, ERR_BAD_REQUEST,
                "conflicting Content-Length or Transfer-Encoding headers");
}

void exchange_reply_too_large(struct exchange *x)
{
    reply_error(&x->rep, ERR_PAYLOAD_TOO_LARGE,
                x->body_limit == FILE_BODY_LIMIT ? "the file is larger than 10 MiB"
                                                 : "the request body is larger than 1 MiB");
}

void exchange_body_append(struct exchange *x, const char *data, size_t size)
{
    if (x->body_too_large)
        return;
    if (x->body_len + size > x->body_limit) {
        x->body_too_large = true;
        free(x->body);
        x->body = NULL;
        x->body_len = 0;
        x->body_cap = 0;
        return;
    }
    if (x->body_len + size + 1 > x->body_cap) {
        /* grow geometrically: a body arriving in many small chunks is copied O(n) times */
        size_t cap = x->body_cap > 0 ? x->body_cap : 16 * 1024;
        while (cap < x->body_len + size + 1)
            cap *= 2;
        if (cap > x->body_limit + 1)
            cap = x->body_limit + 1;
        char *grown = realloc(x->body, cap);
        if (grown == NULL) {
            x->body_too_large = true;
            return;
        }
        x->body = grown;
        x->body_cap = cap;
    }
    memcpy(x->body + x->body_len, data, size);
    x->body_len += size;
    x->body[x->body_len] = '\0';
}

bool content_type_is_json(const char *content_type)
{
    if (content_type == NULL)
        return false;
    while (*content_type == ' ')
        content_type++;
    size_t n = strlen("application/json");
    if (strncasecmp(content_type, "application/json", n) != 0)
        return false;
    const char *rest = content_type + n;
    while (*rest == ' ')
        rest++;
    if (*rest == '\0')
        return true;
    if (*rest != ';')
        return false;
    rest++;
    while (*rest == ' ')
        rest++;
    return strncasecmp(rest, "charset=utf-8", 13) == 0 &&
           (rest[13] == '\0' || rest[13] == ' ' || rest[13] == ';');
}

bool idempotency_key_valid(const char *key)
{
    size_t len = strlen(key);
    if (len < 1 || len > 255)
        return false;
    for (size_t i = 0; i < len; i++)
        if (key[i] < 0x21 || key[i] > 0x7E)
            return false;
    return true;
}

static enum MHD_Result check_query_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                         const char *value)
{
    (void)kind;
    bool *ok = cls;
    const char *parts[2] = { key, value != NULL ? value : "" };
    for (int k = 0; k < 2; k++) {
        size_t len = strlen(parts[k]);
        if (!utf8_valid(parts[k], len))
            *ok = false;
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)parts[k][i] < 0x20 || parts[k][i] == 0x7F)
                *ok = false;
    }
    return *ok ? MHD_YES : MHD_NO;
}

static void serve_static(struct exchange *x)
{
    x->route_index = METRICS_ROUTE_STATIC;
    const struct static_file *file = static_lookup(x->req.path);
    if (file == NULL) {
        reply_error(&x->rep, ERR_NOT_FOUND, "no such page");
        return;
    }
    x->static_file = file;
    const char *if_none_match = header(x, "If-None-Match");
    if (if_none_match != NULL && strstr(if_none_match, file->etag) != NULL) {
        reply_empty(&x->rep, 304);
        return;
    }
    x->rep.status = 200;
    x->rep.content_type = file->mime;
}

static bool bearer_token(const struct exchange *x, const char **token)
{
    const char *auth = header(x, "Authorization");
    if (auth == NULL)
        return false;
    if (strncasecmp(auth, "Bearer ", 7) == 0) {
        *token = auth + 7;
        while (**token == ' ')
            (*token)++;
    } else {
        *token = "";
    }
    return true;
}

static bool is_unsafe(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

/* Works out who is calling. Returns false with the reply set when the request must stop. */
static bool identify_caller(struct exchange *x)
{
    const char *token = NULL;
    bool bearer = bearer_token(x, &token);
    if (!bearer) {
        token = MHD_lookup_connection_value(x->conn, MHD_COOKIE_KIND, "techpool_session");
        if (token == NULL || token[0] == '\0')
            return true;
        if (is_unsafe(x->req.method)) {
            const char *origin = header(x, "Origin");
            const char *site = header(x, "Sec-Fetch-Site");
            if ((origin != NULL && strcmp(origin, x->settings->public_origin) != 0) ||
                (site != NULL && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)) {
                reply_error(&x->rep, ERR_FORBIDDEN, "cross-origin request refused");
                return false;
            }
        }
    }
    enum auth_result known = x->settings->hooks->authenticate(token, &x->req.caller);
    if (known == AUTH_OK)
        return true;
    if (known == AUTH_UNKNOWN && !bearer) {
        x->req.caller = (struct caller){ .role = ROLE_ANONYMOUS }; /* stale cookie: anonymous */
        return true;
    }
    if (known == AUTH_UNKNOWN) {
        reply_error(&x->rep, ERR_UNAUTHENTICATED,
                    "the session token is not valid or the session has ended; sign in again");
        return false;
    }
    reply_error(&x->rep, ERR_UNAVAILABLE, "the session cannot be checked now; try again");
    reply_header_add(&x->rep, "Retry-After", "1");
    return false;
}

static bool read_body(struct exchange *x, const struct route *route)
{
    if (route_takes_file(x->settings->hooks, route)) {
        x->req.content_type = header(x, "Content-Type");
        x->req.file = x->body;
        x->req.file_len = x->body_len;
        return true;
    }
    if (x->body_len == 0)
        return true;
    if (!content_type_is_json(header(x, "Content-Type"))) {
        reply_error(&x->rep, ERR_UNSUPPORTED_MEDIA_TYPE, "request bodies must be application/json");
        return false;
    }
    json_error_t error;
    x->req.body = json_loadb(x->body, x->body_len, JSON_REJECT_DUPLICATES, &error);
    if (x->req.body == NULL) {
        char detail[200];
        snprintf(detail, sizeof detail, "malformed JSON at line %d column %d: %s", error.line,
                 error.column, error.text);
        reply_error(&x->rep, ERR_INVALID_JSON, detail);
        return false;
    }
    return true;
}

static bool read_headers(struct exchange *x)
{
    const char *key = header(x, "Idempotency-Key");
    if (key != NULL) {
        if (!idempotency_key_valid(key)) {
            reply_error(&x->rep, ERR_BAD_REQUEST,
                        "Idempotency-Key must be 1 to 255 visible ASCII characters");
            return false;
        }
        x->req.idempotency_key = key;
    }
    x->req.if_match = header(x, "If-Match");
    bool ok = utf8_valid(x->req.path, strlen(x->req.path));
    if (ok)
        MHD_get_connection_values(x->conn, MHD_GET_ARGUMENT_KIND, check_query_value, &ok);
    if (!ok)
        reply_error(&x->rep, ERR_BAD_REQUEST, "the URL is not valid UTF-8 text");
    return ok;
}

struct cache_key {
    char text[REPLY_CACHE_KEY_MAX + 1];
    size_t len;
    bool fits;
};

static void key_append(struct cache_key *key, const char *text, size_t len)
{
    if (!key->fits || key->len + len > REPLY_CACHE_KEY_MAX) {
        key->fits = false;
        return;
    }
    memcpy(key->text + key->len, text, len);
    key->len += len;
}

/* Query parameters enter the key as given, in order; control characters (refused in URLs by
 * read_headers) separate them, so no two different queries make the same key. */
static enum MHD_Result key_add_parameter(void *cls, enum MHD_ValueKind kind, const char *name,
                                         const char *value)
{
    (void)kind;
    struct cache_key *key = cls;
    key_append(key, "\x1E", 1);
    key_append(key, name, strlen(name));
    if (value != NULL) {
        key_append(key, "\x1F", 1);
        key_append(key, value, strlen(value));
    }
    return key->fits ? MHD_YES : MHD_NO;
}

/* The key of a request's reply: its path and query. False when it is too long to keep. */
static bool cache_key_build(const struct exchange *x, struct cache_key *key)
{
    key->len = 0;
    key->fits = true;
    key_append(key, x->req.path, strlen(x->req.path));
    MHD_get_connection_values(x->conn, MHD_GET_ARGUMENT_KIND, key_add_parameter, key);
    return key->fits;
}

/* Whether the request's Cache-Control names directive (no-cache: read afresh; no-store: and
 * keep nothing). */
static bool cache_control_asks(const struct exchange *x, const char *directive)
{
    const char *value = header(x, "Cache-Control");
    return value != NULL && strcasestr(value, directive) != NULL;
}

/* Runs the handler; an anonymous read of the pool is answered from the reply cache when the
 * pool has not changed since the reply was kept, and kept for the next reader otherwise. */
static void run_handler(struct exchange *x, const struct route *route)
{
    const struct server_hooks *hooks = x->settings->hooks;
    struct cache_key key;
    uint64_t generation = 0;
    bool keep = route->pool == POOL_READ && x->req.caller.role == ROLE_ANONYMOUS &&
                !cache_control_asks(x, "no-store") && cache_key_build(x, &key) &&
                (generation = hooks->pool_generation()) != 0;
    if (keep && !cache_control_asks(x, "no-cache") &&
        reply_cache_get(key.text, key.len, generation, &x->rep))
        return;
    route->handler(&x->req, &x->rep);
    if (keep)
        reply_cache_put(key.text, key.len, generation, &x->rep);
    if (route->pool == POOL_CHANGE && x->rep.status >= 200 && x->rep.status < 300)
        hooks->pool_changed();
}

void exchange_dispatch(struct exchange *x)
{
    const struct server_hooks *hooks = x->settings->hooks;
    if (x->body_too_large) {
        exchange_reply_too_large(x);
        return;
    }
    const struct route *route = NULL;
    char allow[64];
    enum route_match match = router_match(hooks->routes, hooks->route_count, x->req.method,
                                          x->req.path, &route, &x->req, allow, sizeof allow);
    if (match == ROUTE_NO_PATH) {
        bool get = strcmp(x->req.method, "GET") == 0 || strcmp(x->req.method, "HEAD") == 0;
        if (x->api) {
            reply_error(&x->rep, ERR_NOT_FOUND, "no such endpoint");
        } else if (get) {
            serve_static(x);
        } else {
            reply_error(&x->rep, ERR_METHOD_NOT_ALLOWED, "static files are read-only");
            reply_header_add(&x->rep, "Allow", "GET, HEAD");
        }
        return;
    }
    if (match == ROUTE_NO_METHOD) {
        reply_error(&x->rep, ERR_METHOD_NOT_ALLOWED, "method not allowed on this path");
        reply_header_add(&x->rep, "Allow", allow);
        return;
    }
    x->route_index = (size_t)(route - hooks->routes);
    x->req.route_pattern = route->pattern;
    if (!read_body(x, route) || !read_headers(x))
        return;
    if (strncmp(x->req.path, "/api/", 5) == 0 && !identify_caller(x))
        return;
    if ((route->roles & x->req.caller.role) == 0) {
        if (x->req.caller.role == ROLE_ANONYMOUS)
            reply_error(&x->rep, ERR_UNAUTHENTICATED, "sign in first");
        else
            reply_error(&x->rep, ERR_FORBIDDEN, "your role may not do this");
        return;
    }
    run_handler(x, route);
    /* whatever a handler must not leave behind (an open transaction) is ended here */
    hooks->after_request();
    if (x->rep.status == 0 && x->rep.job == NULL)
        reply_error(&x->rep, ERR_INTERNAL, "the request was not answered");
}

void exchange_add_headers(const struct exchange *x, struct MHD_Response *resp)
{
    const struct reply *rep = &x->rep;
    if (rep->content_type != NULL)
        MHD_add_response_header(resp, "Content-Type", rep->content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Content-Security-Policy", CONTENT_SECURITY_POLICY);
    MHD_add_response_header(resp, "X-Request-Id", x->req.request_id);
    if (x->api) {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    } else if (x->static_file != NULL) {
        MHD_add_response_header(resp, "ETag", x->static_file->etag);
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
    }
    if (rep->status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"techpool\"");
    for (size_t i = 0; i < rep->header_count; i++)
        MHD_add_response_header(resp, rep->headers[i].name, rep->headers[i].value);
}
