/* todo: the caller's to-do counts — one SQL function of the caller's own rows. */
#include "api/todo.h"

#include "api/dbcall.h"

static const struct statement TODO = { "me_todo", "SELECT api_me_todo($1::bigint)" };

void todo_get(struct request *req, struct reply *rep)
{
    const char *params[] = { req->caller.user_id_text };
    api_db_json(rep, 200, &TODO, 1, params);
}
