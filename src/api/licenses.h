/* licenses: the "pay later" endpoints — licenses with their installments, the enterprise's
 * answer to a proposed license, the quarterly royalty reports, the payments the institution
 * records, and marking a license defaulted (which opens a compensation claim). */
#ifndef TECHPOOL_LICENSES_H
#define TECHPOOL_LICENSES_H

#include "http/reply.h"
#include "http/request.h"

/* GET /api/v1/licenses?status=&recording=&limit=&cursor= */
void licenses_list(struct request *req, struct reply *rep);
/* GET /api/v1/licenses/{id} */
void license_get(struct request *req, struct reply *rep);
/* GET /api/v1/licenses/{id}/payments?limit=&cursor= */
void license_payments_list(struct request *req, struct reply *rep);
/* POST /api/v1/licenses/{id}/payments -> 201 (idem) */
void license_payment_record(struct request *req, struct reply *rep);
/* POST /api/v1/licenses/{id}/accept, /decline {"reason"} */
void license_accept(struct request *req, struct reply *rep);
void license_decline(struct request *req, struct reply *rep);
/* GET /api/v1/licenses/{id}/reports?limit=&cursor= */
void license_reports_list(struct request *req, struct reply *rep);
/* POST /api/v1/licenses/{id}/reports -> 201 {"report","installment"?} (idem) */
void license_report_file(struct request *req, struct reply *rep);
/* PUT /api/v1/licenses/{id}/recording {"record_number","recorded_on"} (the institution) */
void license_recording_put(struct request *req, struct reply *rep);
/* PUT /api/v1/licenses/{id}/registration (either party) */
void license_registration_put(struct request *req, struct reply *rep);
/* POST /api/v1/licenses/{id}/default -> 201 {"compensation"} */
void license_default(struct request *req, struct reply *rep);

#endif
