/* openapi: the HTTP contract as an OpenAPI 3.1 document, built into the binary. */
#ifndef TECHPOOL_OPENAPI_H
#define TECHPOOL_OPENAPI_H

#include <stddef.h>

#include "http/reply.h"
#include "http/request.h"

/* The document (api/openapi.json as it was at build time): len bytes of UTF-8 JSON, followed by
 * a terminating NUL. Static storage; never freed. */
const char *openapi_text(size_t *len);

/* GET /api/v1/openapi.json */
void openapi_document(struct request *req, struct reply *rep);

#endif
