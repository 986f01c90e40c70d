/* audit: GET /api/v1/audit — the audit log for administrators, newest first. */
#ifndef TECHPOOL_AUDIT_H
#define TECHPOOL_AUDIT_H

#include "http/reply.h"
#include "http/request.h"

void audit_list(struct request *req, struct reply *rep);

#endif
