/* licenses: the "pay later" endpoints — licenses with their installments, the payments the
 * institution records, and marking a license defaulted (which opens a compensation claim). */
#ifndef TECHPOOL_LICENSES_H
#define TECHPOOL_LICENSES_H

#include "http/reply.h"
#include "http/request.h"

/* GET /api/v1/licenses?status=&limit=&cursor= */
void licenses_list(struct request *req, struct reply *rep);
/* GET /api/v1/licenses/{id} */
void license_get(struct request *req, struct reply *rep);
/* GET /api/v1/licenses/{id}/payments?limit=&cursor= */
void license_payments_list(struct request *req, struct reply *rep);
/* POST /api/v1/licenses/{id}/payments -> 201 (idem) */
void license_payment_record(struct request *req, struct reply *rep);
/* POST /api/v1/licenses/{id}/default -> 201 {"compensation"} */
void license_default(struct request *req, struct reply *rep);

#endif
