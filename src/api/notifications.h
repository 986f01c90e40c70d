/* notifications: a signed-in user's own notifications (written by the database with the change
 * that causes them) and notification preferences. */
#ifndef TECHPOOL_NOTIFICATIONS_H
#define TECHPOOL_NOTIFICATIONS_H

#include "http/reply.h"
#include "http/request.h"

/* GET /api/v1/notifications?unread=&limit=&cursor= -> {"items","next_cursor","unread"} */
void notifications_list(struct request *req, struct reply *rep);
/* POST /api/v1/notifications/{id}/read, POST /api/v1/notifications/read-all */
void notification_read(struct request *req, struct reply *rep);
void notifications_read_all(struct request *req, struct reply *rep);
/* GET and PUT /api/v1/me/preferences {"email": bool, "language": "zh"|"en"} */
void preferences_get(struct request *req, struct reply *rep);
void preferences_put(struct request *req, struct reply *rep);

#endif
