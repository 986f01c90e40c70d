/* dedicated: its own PostgreSQL connection and a server-side cursor for a streamed export. */
#include "db/dedicated.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"

struct db_cursor {
    PGconn *conn;
    char *name; /* the cursor's name quoted as an identifier (PQfreemem) */
    int ahead;  /* rows of the FETCH sent ahead and not yet read; 0: none */
};

static void notice_ignore(void *arg, const PGresult *res)
{
    (void)arg;
    (void)res;
}

PGconn *db_connect_dedicated(const char *application_name)
{
    char options[200];
    if (!config_db_options(&techpool_config, options, sizeof options))
        return NULL;
    /* keepalives: a connection over TCP whose peer vanished is noticed within a minute */
    const char *keys[] = { "dbname",
                           "application_name",
                           "connect_timeout",
                           "keepalives_idle",
                           "keepalives_interval",
                           "keepalives_count",
                           options[0] != '\0' ? "options" : NULL,
                           NULL };
    const char *values[] = { techpool_config.database_url != NULL ? techpool_config.database_url
                                                                  : "",
                             application_name,
                             "5",
                             "30",
                             "10",
                             "3",
                             options,
                             NULL };
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (conn != NULL && PQstatus(conn) != CONNECTION_OK) {
        PQfinish(conn);
        conn = NULL;
    }
    if (conn != NULL)
        PQsetNoticeReceiver(conn, notice_ignore, NULL);
    return conn;
}

/* Runs a command; true when it succeeded. On failure keeps the result in *failure when asked. */
static bool command_ok(PGconn *conn, const char *sql, enum db_status *status, PGresult **failure)
{
    PGresult *res = PQexec(conn, sql);
    *status = res != NULL ? db_status_of(res) : DB_UNAVAILABLE;
    if (*status == DB_OK || failure == NULL)
        PQclear(res);
    else
        *failure = res;
    return *status == DB_OK;
}

struct db_cursor *db_cursor_open(const char *sql, int nparams, const char *const *params,
                                 enum db_status *status, PGresult **result)
{
    *result = NULL;
    *status = DB_UNAVAILABLE;
    struct db_cursor *cursor = calloc(1, sizeof *cursor);
    if (cursor == NULL)
        goto fail;
    cursor->conn = db_connect_dedicated("techpool-export");
    if (cursor->conn == NULL)
        goto fail;
    /* the whole result is read: plan for total time, as COPY would, not for the first rows */
    if (!command_ok(cursor->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", status,
                    result) ||
        !command_ok(cursor->conn, "SET LOCAL cursor_tuple_fraction = 1.0", status, result))
        goto fail;
    *result = PQexecParams(cursor->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    *status = *result != NULL ? db_status_of(*result) : DB_UNAVAILABLE;
    if (*status != DB_OK)
        goto fail;
    if (PQntuples(*result) != 1 || PQnfields(*result) < 1 || PQgetisnull(*result, 0, 0)) {
        *status = DB_FAILED;
        goto fail;
    }
    cursor->name = PQescapeIdentifier(cursor->conn, PQgetvalue(*result, 0, 0),
                                      (size_t)PQgetlength(*result, 0, 0));
    if (cursor->name == NULL) {
        *status = DB_FAILED;
        goto fail;
    }
    return cursor;
fail:
    db_cursor_close(cursor);
    return NULL;
}

/* Sends FETCH of rows without waiting for it; false when it could not be sent. */
static bool fetch_send(struct db_cursor *cursor, int rows)
{
    char fetch[256];
    int len = snprintf(fetch, sizeof fetch, "FETCH FORWARD %d FROM %s", rows, cursor->name);
    if (len < 0 || (size_t)len >= sizeof fetch || PQsendQuery(cursor->conn, fetch) == 0)
        return false;
    cursor->ahead = rows;
    return true;
}

/* Waits for the FETCH sent: its rows, or NULL when it failed. */
static PGresult *fetch_result(struct db_cursor *cursor)
{
    PGresult *first = NULL, *next;
    while ((next = PQgetResult(cursor->conn)) != NULL) {
        if (first == NULL)
            first = next;
        else
            PQclear(next);
    }
    cursor->ahead = 0;
    if (first != NULL && PQresultStatus(first) != PGRES_TUPLES_OK) {
        PQclear(first);
        first = NULL;
    }
    return first;
}

PGresult *db_cursor_query(struct db_cursor *cursor, const char *sql, int nparams,
                          const char *const *params)
{
    return PQexecParams(cursor->conn, sql, nparams, NULL, params, NULL, NULL, 0);
}

PGresult *db_cursor_fetch(struct db_cursor *cursor, int rows)
{
    PGresult *res = NULL;
    if (cursor->ahead > 0 || fetch_send(cursor, rows))
        res = fetch_result(cursor);
    /* a full batch: the next is asked for now, and read while the caller works on this one */
    if (res != NULL && PQntuples(res) == rows && !fetch_send(cursor, rows)) {
        PQclear(res);
        res = NULL;
    }
    return res;
}

void db_cursor_pump(struct db_cursor *cursor)
{
    if (cursor != NULL && cursor->ahead > 0)
        (void)PQconsumeInput(cursor->conn);
}

void db_cursor_close(struct db_cursor *cursor)
{
    if (cursor == NULL)
        return;
    PQfreemem(cursor->name);
    PQfinish(cursor->conn);
    free(cursor);
}
