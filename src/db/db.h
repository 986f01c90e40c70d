/* db: the worker thread's PostgreSQL connection, named prepared statements, transactions. */
#ifndef TECHPOOL_DB_H
#define TECHPOOL_DB_H

#include <stdbool.h>
#include <libpq-fe.h>

/* A named SQL statement, prepared lazily once per connection. Define them as
 * static const in the file that uses them: { "trial_approve", "SELECT trial_approve($1,$2)" }.
 * Names must be unique across the program. */
struct statement {
    const char *name;
    const char *sql;
};

enum db_status {
    DB_OK,          /* the statement ran: PGRES_COMMAND_OK or PGRES_TUPLES_OK */
    DB_RETRY,       /* serialization failure or deadlock: run the transaction again */
    DB_UNAVAILABLE, /* no connection to the database, or none to its writable primary */
    DB_FAILED,      /* any other error: see the result's SQLSTATE */
};

/* Configures the connection string and the libpq options every connection starts with (the
 * service clock and the mail switch, see config_db_options; NULL or "" for none). */
void db_configure(const char *conninfo, const char *options);

/* The calling thread's connection, connecting (or reconnecting) as needed; NULL when
 * the database cannot be reached. */
PGconn *db_conn(void);
/* Rolls back a transaction that a handler left open on the calling thread's connection (none
 * should); does not connect or look at the socket otherwise. */
void db_end_open_transaction(void);
/* Connections currently busy running a statement, and connections open (for /metrics). */
int db_pool_in_use(void);
int db_pool_open(void);

/* Runs a prepared statement with text parameters (NULL = SQL NULL) on the thread's
 * connection. Returns the result (owned by the caller, PQclear it), or NULL when the
 * database is unreachable (DB_UNAVAILABLE) or the statement could not be prepared. */
PGresult *db_exec(const struct statement *st, int nparams, const char *const *params,
                  enum db_status *status);
/* db_exec as a transaction of its own, rerun (bounded, with db_transaction's backoff) while it
 * reports DB_RETRY. */
PGresult *db_exec_retrying(const struct statement *st, int nparams, const char *const *params,
                           enum db_status *status);
/* Plain command without parameters (BEGIN, COMMIT, ROLLBACK). */
enum db_status db_command(const char *sql);

/* Runs fn inside BEGIN ... COMMIT, rerunning it (bounded, with backoff) when it or the
 * commit reports DB_RETRY. fn returns DB_OK to commit, anything else to roll back.
 * Returns the final status. */
typedef enum db_status (*db_tx_fn)(void *ctx);
enum db_status db_transaction(db_tx_fn fn, void *ctx);

/* SQLSTATE of a failed result, "" when none. */
const char *db_sqlstate(const PGresult *res);
enum db_status db_status_of(const PGresult *res);

#endif
