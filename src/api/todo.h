/* todo: what waits for the signed-in caller, counted per kind for its role (0038_todo.sql). */
#ifndef TECHPOOL_TODO_H
#define TECHPOOL_TODO_H

#include "http/reply.h"
#include "http/request.h"

/* GET /api/v1/me/todo -> {"total", "items": [{"kind", "count"}]} */
void todo_get(struct request *req, struct reply *rep);

#endif
