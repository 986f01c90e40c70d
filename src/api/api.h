/* api: the handlers behind the route table, and what the server asks of the api layer. */
#ifndef TECHPOOL_API_H
#define TECHPOOL_API_H

#include <jansson.h>
#include <stdbool.h>

#include "http/hooks.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/router.h"

/* routes.c: the service's route table, and the handlers among it that take a file as it is
 * (req->file, up to FILE_BODY_LIMIT bytes) instead of a JSON object. */
extern const struct route ROUTES[];
extern const size_t ROUTE_COUNT;
extern const handler_fn FILE_HANDLERS[];
extern const size_t FILE_HANDLER_COUNT;

/* session.c: the caller a session token belongs to (the server's authenticate hook). A
 * token that is not well formed is AUTH_UNKNOWN without asking the database. */
enum auth_result session_authenticate(const char *token, struct caller *caller);

/* ops.c */
void ops_healthz(struct request *req, struct reply *rep);
void ops_readyz(struct request *req, struct reply *rep);
void ops_metrics(struct request *req, struct reply *rep);
void ops_meta(struct request *req, struct reply *rep);

#endif
