/* api: the handlers behind the route table, and what the server asks of the api layer. */
#ifndef TECHPOOL_API_H
#define TECHPOOL_API_H

#include <stdbool.h>

#include "http/reply.h"
#include "http/request.h"

/* Resolves a session token into the caller. Returns false with rep set (401 for an
 * unknown or expired token, 503 when the database is down). */
bool session_resolve(const char *token, struct caller *caller, struct reply *rep);

/* ops.c */
void ops_healthz(struct request *req, struct reply *rep);
void ops_readyz(struct request *req, struct reply *rep);
void ops_metrics(struct request *req, struct reply *rep);
void ops_meta(struct request *req, struct reply *rep);
/* meta.c: the enums and their labels as GET /api/v1/meta serves them (without "today"). */
const char *meta_labels_json(void);

#endif
