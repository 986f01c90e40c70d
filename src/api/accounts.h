/* accounts: the organisations and people of the pool — enterprise sign-up, institutions,
 * users — and who may see them. */
#ifndef TECHPOOL_ACCOUNTS_H
#define TECHPOOL_ACCOUNTS_H

#include "http/reply.h"
#include "http/request.h"

/* POST /api/v1/enterprises: self sign-up of an enterprise and its first staff member. */
void enterprise_signup(struct request *req, struct reply *rep);
/* GET /api/v1/enterprises/{id}: its staff, admins, its province's province_admin. */
void enterprise_get(struct request *req, struct reply *rep);

/* POST /api/v1/institutions: an institution and its first staff member (admins). */
void institution_create(struct request *req, struct reply *rep);
/* GET /api/v1/institutions?province=&limit=&cursor= and GET /api/v1/institutions/{id}. */
void institutions_list(struct request *req, struct reply *rep);
void institution_get(struct request *req, struct reply *rep);

/* POST /api/v1/users: a user added by an admin, or a colleague added by staff. */
void user_create(struct request *req, struct reply *rep);

#endif
