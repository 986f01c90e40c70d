/* session: signing in and out, and who is signed in (session_authenticate, which turns a token
 * into the caller for every request, is declared in api/api.h). */
#ifndef TECHPOOL_SESSION_H
#define TECHPOOL_SESSION_H

#include "http/reply.h"
#include "http/request.h"

/* POST /api/v1/session {"email","password"}: a new session token, also as a cookie. */
void session_create(struct request *req, struct reply *rep);
/* DELETE /api/v1/session: ends the presented session at once and clears the cookie. */
void session_delete(struct request *req, struct reply *rep);
/* GET /api/v1/me: the caller, with its organisation when staff. */
void me_get(struct request *req, struct reply *rep);

#endif
