/* idempotency: the contract's Idempotency-Key for (idem) endpoints — the same key and request
 * replay the first reply byte for byte, another request under the key is 422, and a request
 * while the first is still running is 409 (both idempotency_conflict). */
#ifndef TECHPOOL_IDEMPOTENCY_H
#define TECHPOOL_IDEMPOTENCY_H

#include <stdbool.h>

#include "db/db.h"
#include "http/reply.h"
#include "http/request.h"

/* Runs st like api_db_json (ok_status with the first column as the JSON body; no row or NULL
 * answers 404). With an Idempotency-Key on the request, the key's claim, the statement and the
 * stored reply share one transaction: a replay runs nothing; a success is stored before the
 * commit; an error reply rolls everything back, so nothing is stored and a retry runs anew.
 * The request is identified by the SHA-256 of its method, path and canonical body. */
void idempotent_db_json(const struct request *req, struct reply *rep, int ok_status,
                        const struct statement *st, int nparams, const char *const *params);

#endif
