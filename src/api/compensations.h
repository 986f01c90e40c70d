/* compensations: risk compensation claims for defaulted licenses — the administrators' list
 * and the approve or reject decision. */
#ifndef TECHPOOL_COMPENSATIONS_H
#define TECHPOOL_COMPENSATIONS_H

#include "http/reply.h"
#include "http/request.h"

/* GET /api/v1/compensations?status=&limit=&cursor= */
void compensations_list(struct request *req, struct reply *rep);
/* GET /api/v1/compensations/{id} (an addition to the contract) */
void compensation_get(struct request *req, struct reply *rep);
/* POST /api/v1/compensations/{id}/approve {"reason"?}, /reject {"reason"} */
void compensation_approve(struct request *req, struct reply *rep);
void compensation_reject(struct request *req, struct reply *rep);

#endif
