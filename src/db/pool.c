/* pool: one PostgreSQL connection per worker thread, statements prepared once per connection. */
#include "db/db.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *db_conninfo;
static char *db_options;
static atomic_int connections_open;
static atomic_int connections_busy;

/* Closes a worker's connection when its thread exits (the key's value only marks it). */
static pthread_key_t thread_exit_key;
static pthread_once_t thread_exit_once = PTHREAD_ONCE_INIT;

/* The statements prepared on the connection: as many as the program has (it grows). */
static _Thread_local struct {
    PGconn *conn;
    const struct statement **prepared;
    size_t prepared_count;
    size_t prepared_capacity;
} thread_db;

void db_configure(const char *conninfo, const char *options)
{
    free(db_conninfo);
    free(db_options);
    db_conninfo = strdup(conninfo != NULL ? conninfo : "");
    db_options = options != NULL && options[0] != '\0' ? strdup(options) : NULL;
}

static void notice_ignore(void *arg, const PGresult *res)
{
    (void)arg;
    (void)res;
}

static void thread_disconnect(void)
{
    if (thread_db.conn != NULL) {
        PQfinish(thread_db.conn);
        thread_db.conn = NULL;
        atomic_fetch_sub(&connections_open, 1);
    }
    thread_db.prepared_count = 0;
}

static void thread_exit_close(void *marker)
{
    (void)marker;
    thread_disconnect();
    free(thread_db.prepared);
    thread_db.prepared = NULL;
    thread_db.prepared_capacity = 0;
}

static void thread_exit_key_create(void)
{
    pthread_key_create(&thread_exit_key, thread_exit_close);
}

/* An idle connection outside a transaction has nothing to say: when its socket is readable,
 * the server has ended the session (a terminated backend, a restart) and left its farewell. Such
 * a connection is replaced before use, so that the next request does not fail on it. Inside a
 * transaction it is kept: a replacement would run the rest outside the transaction. */
static bool session_ended_while_idle(PGconn *conn)
{
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        return false;
    struct pollfd socket_state = { .fd = PQsocket(conn), .events = POLLIN };
    return socket_state.fd < 0 || poll(&socket_state, 1, 0) != 0;
}

PGconn *db_conn(void)
{
    if (thread_db.conn != NULL && PQstatus(thread_db.conn) == CONNECTION_OK &&
        !session_ended_while_idle(thread_db.conn))
        return thread_db.conn;
    thread_disconnect();
    const char *keys[] = { "dbname", "application_name", "connect_timeout",
                           db_options != NULL ? "options" : NULL, NULL };
    const char *values[] = { db_conninfo != NULL ? db_conninfo : "", "techpool", "5", db_options,
                             NULL };
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (conn == NULL)
        return NULL;
    if (PQstatus(conn) != CONNECTION_OK) {
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeReceiver(conn, notice_ignore, NULL);
    pthread_once(&thread_exit_once, thread_exit_key_create);
    pthread_setspecific(thread_exit_key, &thread_db);
    thread_db.conn = conn;
    atomic_fetch_add(&connections_open, 1);
    return conn;
}

int db_pool_in_use(void)
{
    return atomic_load(&connections_busy);
}

int db_pool_open(void)
{
    return atomic_load(&connections_open);
}

const char *db_sqlstate(const PGresult *res)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return state != NULL ? state : "";
}

enum db_status db_status_of(const PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_OUT)
        return DB_OK;
    const char *state = db_sqlstate(res);
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
        return DB_RETRY;
    /* class 08: connection exception; 57P0x: admin/crash shutdown; 25006: a write on a server
     * that became (or always was) a standby, as after a failover */
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
        strcmp(state, "25006") == 0 || state[0] == '\0')
        return DB_UNAVAILABLE;
    return DB_FAILED;
}

static bool is_prepared(const struct statement *st)
{
    for (size_t i = 0; i < thread_db.prepared_count; i++)
        if (thread_db.prepared[i] == st)
            return true;
    return false;
}

/* Room to record one more prepared statement; false when memory ran out. */
static bool prepared_reserve(void)
{
    if (thread_db.prepared_count < thread_db.prepared_capacity)
        return true;
    size_t capacity = thread_db.prepared_capacity != 0 ? thread_db.prepared_capacity * 2 : 64;
    const struct statement **grown = realloc(thread_db.prepared, capacity * sizeof *grown);
    if (grown == NULL)
        return false;
    thread_db.prepared = grown;
    thread_db.prepared_capacity = capacity;
    return true;
}

static enum db_status ensure_prepared(PGconn *conn, const struct statement *st, int nparams)
{
    if (is_prepared(st))
        return DB_OK;
    /* record before preparing: a statement prepared but not recorded would be prepared again,
     * which the server refuses (42P05) on every later call */
    if (!prepared_reserve())
        return DB_FAILED;
    PGresult *res = PQprepare(conn, st->name, st->sql, nparams, NULL);
    enum db_status status = res != NULL ? db_status_of(res) : DB_UNAVAILABLE;
    if (status == DB_FAILED)
        fprintf(stderr, "{\"event\":\"prepare_failed\",\"statement\":\"%s\",\"error\":\"%s\"}\n",
                st->name, res != NULL ? db_sqlstate(res) : "");
    PQclear(res);
    if (status == DB_OK)
        thread_db.prepared[thread_db.prepared_count++] = st;
    return status;
}

void db_end_open_transaction(void)
{
    if (thread_db.conn != NULL && PQtransactionStatus(thread_db.conn) != PQTRANS_IDLE)
        db_command("ROLLBACK");
}

PGresult *db_exec(const struct statement *st, int nparams, const char *const *params,
                  enum db_status *status)
{
    PGconn *conn = db_conn();
    if (conn == NULL) {
        *status = DB_UNAVAILABLE;
        return NULL;
    }
    atomic_fetch_add(&connections_busy, 1);
    PGresult *res = NULL;
    *status = ensure_prepared(conn, st, nparams);
    if (*status == DB_OK) {
        res = PQexecPrepared(conn, st->name, nparams, params, NULL, NULL, 0);
        *status = res != NULL ? db_status_of(res) : DB_UNAVAILABLE;
    }
    atomic_fetch_sub(&connections_busy, 1);
    /* broken, or on a server that takes no writes: the next use connects afresh and, with
     * target_session_attrs=read-write, finds the primary of the moment */
    if (*status == DB_UNAVAILABLE)
        thread_disconnect();
    return res;
}

enum db_status db_command(const char *sql)
{
    PGconn *conn = db_conn();
    if (conn == NULL)
        return DB_UNAVAILABLE;
    PGresult *res = PQexec(conn, sql);
    enum db_status status = res != NULL ? db_status_of(res) : DB_UNAVAILABLE;
    PQclear(res);
    if (status == DB_UNAVAILABLE)
        thread_disconnect();
    return status;
}
