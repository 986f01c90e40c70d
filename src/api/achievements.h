/* achievements: the pool's endpoints — list and search, detail, create, edit, and the review
 * workflow (submit, approve, reject, withdraw). */
#ifndef TECHPOOL_ACHIEVEMENTS_H
#define TECHPOOL_ACHIEVEMENTS_H

#include <stddef.h>

#include "domain/vocabulary.h"
#include "http/fields.h"
#include "http/reply.h"
#include "http/request.h"

/* The contract's enums (ACHIEVEMENT_FIELDS, ACHIEVEMENT_KINDS, ACHIEVEMENT_STATUSES, ...) are
 * those of the vocabulary. */

/* The rules of a new achievement's fields (POST /api/v1/achievements), for every way in. */
extern const struct field_spec *const ACHIEVEMENT_CREATE_SPECS;
extern const size_t ACHIEVEMENT_CREATE_SPEC_COUNT;

/* achievements_list.c: GET /api/v1/achievements (with q: search) */
void achievements_list(struct request *req, struct reply *rep);

/* achievements.c */
void achievement_get(struct request *req, struct reply *rep);
void achievement_create(struct request *req, struct reply *rep);
void achievement_update(struct request *req, struct reply *rep);
void achievement_submit(struct request *req, struct reply *rep);
void achievement_withdraw(struct request *req, struct reply *rep);
void achievement_approve(struct request *req, struct reply *rep);
void achievement_reject(struct request *req, struct reply *rep);

#endif
