/* tx: runs a unit of work in one transaction, or one statement on its own, rerunning it on
 * serialization failure or deadlock: one retry policy for both. */
#include "db/db.h"

#include <sodium.h>
#include <time.h>

#define TX_ATTEMPTS 5

static void backoff(int attempt)
{
    /* 1..4 ms times the attempt number, randomised so that colliding transactions part */
    long micros = (long)(1000 + randombytes_uniform(3000)) * attempt;
    struct timespec pause = { .tv_sec = 0, .tv_nsec = micros * 1000 };
    nanosleep(&pause, NULL);
}

enum db_status db_transaction(db_tx_fn fn, void *ctx)
{
    enum db_status status = DB_RETRY;
    for (int attempt = 1; attempt <= TX_ATTEMPTS && status == DB_RETRY; attempt++) {
        if (attempt > 1)
            backoff(attempt);
        status = db_command("BEGIN");
        if (status != DB_OK)
            continue;
        status = fn(ctx);
        if (status == DB_OK) {
            status = db_command("COMMIT");
        } else if (status != DB_UNAVAILABLE) {
            db_command("ROLLBACK");
        }
    }
    return status;
}

PGresult *db_exec_retrying(const struct statement *st, int nparams, const char *const *params,
                           enum db_status *status)
{
    PGresult *res = NULL;
    *status = DB_RETRY;
    for (int attempt = 1; attempt <= TX_ATTEMPTS && *status == DB_RETRY; attempt++) {
        if (attempt > 1)
            backoff(attempt);
        PQclear(res);
        res = db_exec(st, nparams, params, status);
    }
    return res;
}
