/* open_licenses: patent open licensing — an institution declares an achievement's patents open
 * on published terms, anyone reads the declarations, and an enterprise takes a license at once. */
#ifndef TECHPOOL_OPEN_LICENSES_H
#define TECHPOOL_OPEN_LICENSES_H

#include "http/reply.h"
#include "http/request.h"

/* POST /api/v1/achievements/{id}/open-licenses -> 201 */
void open_license_declare(struct request *req, struct reply *rep);
/* GET /api/v1/open-licenses?achievement_id=&status=&limit=&cursor= */
void open_licenses_list(struct request *req, struct reply *rep);
/* GET /api/v1/open-licenses/{id} */
void open_license_get(struct request *req, struct reply *rep);
/* POST /api/v1/open-licenses/{id}/withdraw */
void open_license_withdraw(struct request *req, struct reply *rep);
/* POST /api/v1/open-licenses/{id}/take -> 201 {"license"} (idem) */
void open_license_take(struct request *req, struct reply *rep);

#endif
