/* dedicated: a database connection of its own, outside the workers' pool, for long reads
 * (exports) that stream while the worker thread serves other requests between chunks; read
 * through a server-side cursor in one REPEATABLE READ READ ONLY snapshot. */
#ifndef TECHPOOL_DEDICATED_H
#define TECHPOOL_DEDICATED_H

#include <libpq-fe.h>

#include "db/db.h"

/* A new connection with the pool's settings (TECHPOOL_DATABASE_URL, the service date), named
 * application_name in pg_stat_activity; NULL when the database cannot be reached. The caller
 * closes it with PQfinish. */
PGconn *db_connect_dedicated(const char *application_name);

struct db_cursor;

/* Connects, begins the read-only snapshot and runs sql (text parameters, NULL = SQL NULL): a
 * call of a function that opens a cursor and returns one row, the cursor's name (a refcursor)
 * in its first column, so that the function, not the caller, decides what the cursor may read.
 * *result is that row, for the caller to read its other columns; on failure the failed result
 * (NULL when there is none). The caller PQclears *result either way. Returns NULL with *status
 * set on failure. */
struct db_cursor *db_cursor_open(const char *sql, int nparams, const char *const *params,
                                 enum db_status *status, PGresult **result);
/* Runs another statement in the cursor's snapshot, before its rows are fetched (a fetch may
 * have the next batch in flight). Returns the result (PQclear it), or NULL when the
 * connection is gone; check db_status_of on it. */
PGresult *db_cursor_query(struct db_cursor *cursor, const char *sql, int nparams,
                          const char *const *params);
/* The next rows (at most rows of them): a result to PQclear, with 0 rows at the end; NULL
 * when the read failed (the connection broke or the statement failed). After a full batch the
 * next is asked for at once, so that PostgreSQL reads it while the caller works on this one:
 * every call on a cursor asks for the same number of rows. */
PGresult *db_cursor_fetch(struct db_cursor *cursor, int rows);
/* Takes in what has arrived of the batch asked for ahead, without waiting, so that PostgreSQL
 * is not held up by a full socket; nothing when none is asked for. NULL is allowed. */
void db_cursor_pump(struct db_cursor *cursor);
/* Ends the snapshot and closes the connection; NULL is allowed. */
void db_cursor_close(struct db_cursor *cursor);

#endif
