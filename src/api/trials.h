/* trials: the "use first" endpoints — request a free trial of a listed achievement, the
 * institution's approve or decline, the enterprise's cancel, return or request for more time
 * and the institution's answer, conversion into a license, and the trial lists. */
#ifndef TECHPOOL_TRIALS_H
#define TECHPOOL_TRIALS_H

#include "http/reply.h"
#include "http/request.h"

/* GET /api/v1/trials?status=&achievement_id=&province=&limit=&cursor= */
void trials_list(struct request *req, struct reply *rep);
/* GET /api/v1/trials/{id} */
void trial_get(struct request *req, struct reply *rep);
/* POST /api/v1/achievements/{id}/trials (idem) */
void trial_request(struct request *req, struct reply *rep);
/* POST /api/v1/trials/{id}/approve, /decline, /cancel, /return */
void trial_approve(struct request *req, struct reply *rep);
void trial_decline(struct request *req, struct reply *rep);
void trial_cancel(struct request *req, struct reply *rep);
void trial_return(struct request *req, struct reply *rep);
/* POST /api/v1/trials/{id}/extension {"months","reason"} (the enterprise), and
 * /extension/approve, /extension/decline {"reason"} (the institution) */
void trial_extension_request(struct request *req, struct reply *rep);
void trial_extension_approve(struct request *req, struct reply *rep);
void trial_extension_decline(struct request *req, struct reply *rep);
/* POST /api/v1/trials/{id}/convert -> 201 {"license"} (idem) */
void trial_convert(struct request *req, struct reply *rep);

#endif
