/* request: what a handler is given — method, path captures, query, parsed body, caller. */
#ifndef TECHPOOL_REQUEST_H
#define TECHPOOL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

enum role {
    ROLE_ANONYMOUS = 1 << 0,
    ROLE_ENTERPRISE = 1 << 1,
    ROLE_INSTITUTION = 1 << 2,
    ROLE_PROVINCE_ADMIN = 1 << 3,
    ROLE_ADMIN = 1 << 4,
};
#define ROLE_ANYONE (ROLE_ANONYMOUS | ROLE_SIGNED_IN)
#define ROLE_SIGNED_IN (ROLE_ENTERPRISE | ROLE_INSTITUTION | ROLE_PROVINCE_ADMIN | ROLE_ADMIN)
#define ROLE_ADMINS (ROLE_PROVINCE_ADMIN | ROLE_ADMIN)

const char *role_name(enum role role);
/* Returns 0 for an unknown name. */
enum role role_from_name(const char *name);

struct caller {
    enum role role;
    int64_t user_id;        /* 0 when anonymous */
    int64_t institution_id; /* 0 unless institution staff */
    int64_t enterprise_id;  /* 0 unless enterprise staff */
    char province[3];       /* "" unless province_admin (or org staff: the org's) */
    char user_id_text[24];  /* user_id as text, "" when anonymous (for SQL parameters) */
};

#define REQUEST_MAX_CAPTURES 2

struct request {
    const char *method;
    const char *path;
    const char *route_pattern;         /* the matched pattern, for metrics */
    int64_t ids[REQUEST_MAX_CAPTURES]; /* the {id} captures, in order */
    char id_text[REQUEST_MAX_CAPTURES][24];
    size_t id_count;
    json_t *body;     /* parsed JSON object, or NULL when none */
    const char *file; /* file routes (hooks.h): the body as sent, or NULL */
    size_t file_len;
    const char *content_type; /* file routes (hooks.h): the header, or NULL */
    struct caller caller;
    const char *idempotency_key; /* NULL when absent */
    const char *if_match;        /* NULL when absent */
    char request_id[33];
    /* query string access goes through request_query() */
    const void *transport; /* opaque: the server's connection */
    const char *(*query_lookup)(const void *transport, const char *name);
};

/* The value of query parameter name, or NULL. The string lives as long as the request. */
const char *request_query(const struct request *req, const char *name);
/* The caller's user id as text (for SQL parameters), NULL for an anonymous caller. */
const char *request_actor(const struct request *req);

#endif
