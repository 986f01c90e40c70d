/* hooks: what the server asks of the layers behind it — routes, sessions, the pool's changes,
 * cleanup and gauges — filled in by the serve command, so that src/http needs neither src/api
 * nor src/db. Every hook is required. */
#ifndef TECHPOOL_HOOKS_H
#define TECHPOOL_HOOKS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "http/request.h"
#include "http/router.h"

/* Who a session token belongs to. */
enum auth_result {
    AUTH_OK,          /* a signed-in user: the caller is filled */
    AUTH_UNKNOWN,     /* no one: the token was never issued, has ended, or its user is disabled */
    AUTH_UNAVAILABLE, /* cannot be told now (the database is down or failed): try again */
};

struct server_hooks {
    /* The route table, the map of the service. Metrics count requests by index into it. */
    const struct route *routes;
    size_t route_count;
    /* The handlers among the table's that take a file as it is (req->file, up to
     * FILE_BODY_LIMIT bytes) instead of a JSON object. */
    const handler_fn *file_handlers;
    size_t file_handler_count;

    /* Turns a session token, as sent in the Authorization header or the session cookie (any
     * text), into the caller; *caller is written only on AUTH_OK. */
    enum auth_result (*authenticate)(const char *token, struct caller *caller);

    /* The public pool's generation: an anonymous POOL_READ reply kept at one generation is
     * served again while the generation stays the same. 0 while it is not known, and then no
     * reply is kept or served from the cache. */
    uint64_t (*pool_generation)(void);
    /* A POOL_CHANGE route succeeded: moves the generation on at once, so that this daemon's
     * next read does not serve what the change made stale. */
    void (*pool_changed)(void);

    /* Runs after every handler, on the worker thread that ran it: ends what a handler must
     * not leave behind (a transaction open on the thread's database connection). */
    void (*after_request)(void);

    /* Appends the gauges of the layers behind the server (database connections, outbox,
     * change feed) to the /metrics text, each with its HELP and TYPE lines. */
    void (*metrics_append)(FILE *out);
};

#endif
