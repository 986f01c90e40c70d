/* session: turns a session token into the caller (role, organisation, province). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/dbcall.h"
#include "api/session_token.h"
#include "config.h"

static const struct statement RESOLVE = {
    "session_resolve",
    "SELECT user_id, role, institution_id, enterprise_id, province "
    "FROM session_resolve($1::bytea, $2::int)"
};

bool session_resolve(const char *token, struct caller *caller, struct reply *rep)
{
    if (!session_token_well_formed(token)) {
        reply_problem(rep, 401, "unauthenticated", "the session token is not valid");
        return false;
    }
    char hash[SESSION_HASH_TEXT];
    session_token_hash(token, hash);
    char idle[16];
    snprintf(idle, sizeof idle, "%u", techpool_config.session_idle_minutes);
    const char *params[] = { hash, idle };
    PGresult *res = api_db_exec(rep, &RESOLVE, 2, params);
    if (res == NULL)
        return false;
    bool found = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0);
    if (found) {
        *caller = (struct caller){ 0 };
        caller->user_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        caller->role = role_from_name(PQgetvalue(res, 0, 1));
        caller->institution_id = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
        caller->enterprise_id = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
        snprintf(caller->province, sizeof caller->province, "%s", PQgetvalue(res, 0, 4));
        snprintf(caller->user_id_text, sizeof caller->user_id_text, "%lld",
                 (long long)caller->user_id);
        found = caller->role != 0;
    }
    PQclear(res);
    if (!found)
        reply_problem(rep, 401, "unauthenticated", "the session has ended; sign in again");
    return found;
}
