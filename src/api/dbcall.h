/* dbcall: runs a statement for a handler and turns the outcome into the reply. */
#ifndef TECHPOOL_DBCALL_H
#define TECHPOOL_DBCALL_H

#include "db/db.h"
#include "http/reply.h"

/* Runs st (retrying serialization failures) and answers ok_status with the first
 * column of the first row as the JSON body; no row or SQL NULL answers 404. */
void api_db_json(struct reply *rep, int ok_status, const struct statement *st, int nparams,
                 const char *const *params);

/* Runs st (retrying serialization failures). Returns the result on success (caller
 * PQclears it); otherwise NULL with the problem already in rep. */
PGresult *api_db_exec(struct reply *rep, const struct statement *st, int nparams,
                      const char *const *params);

/* Maps a failed statement to the contract's problem: the TPxxx codes raised by the SQL
 * functions, constraint violations by name, and an unreachable database as 503. */
void api_db_problem(struct reply *rep, enum db_status status, const PGresult *res);

#endif
