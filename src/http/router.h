/* router: matches a method and path against the route table (patterns with {id}). */
#ifndef TECHPOOL_ROUTER_H
#define TECHPOOL_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#include "http/reply.h"
#include "http/request.h"

typedef void (*handler_fn)(struct request *req, struct reply *rep);

struct route {
    const char *method;
    const char *pattern; /* "/api/v1/trials/{id}/approve"; {id} is a positive integer */
    handler_fn handler;
    unsigned roles; /* enum role bits allowed to call it */
    enum route_pool {
        POOL_OTHER = 0,
        POOL_READ,   /* reads the public pool: anonymous replies are kept (reply_cache) */
        POOL_CHANGE, /* may change what POOL_READ routes answer */
    } pool;
};

enum route_match {
    ROUTE_FOUND,
    ROUTE_NO_PATH,   /* 404 */
    ROUTE_NO_METHOD, /* 405: allow holds the methods, comma separated */
};

/* HEAD matches GET routes. On ROUTE_FOUND sets *found and fills req->ids. */
enum route_match router_match(const struct route *routes, size_t count, const char *method,
                              const char *path, const struct route **found, struct request *req,
                              char *allow, size_t allow_size);

/* Parses a positive decimal id without sign or leading zeros; false otherwise. */
bool router_parse_id(const char *text, size_t len, int64_t *out);

#endif
