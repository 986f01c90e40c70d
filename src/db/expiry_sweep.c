/* expiry_sweep: the sweeping thread (see expiry_sweep.h): expiries, then deadline notices. */
#include "db/expiry_sweep.h"

#include <stdio.h>
#include <stdlib.h>

#include "background.h"
#include "db/dedicated.h"

/* trials per transaction: short enough not to hold up the audit chain for long */
#define BATCH 500
#define BATCH_TEXT "500"

static struct background sweeper;
static unsigned sweep_minutes;

/* The deadline notices due today (0022_notifications.sql), once per object and threshold. */
static void scan_deadlines(PGconn *conn)
{
    PGresult *res = PQexec(conn, "SELECT notifications_scan_deadlines()");
    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        fprintf(stderr, "{\"event\":\"deadline_scan_failed\",\"sqlstate\":\"%s\"}\n",
                db_sqlstate(res));
    else if (strtol(PQgetvalue(res, 0, 0), NULL, 10) > 0)
        fprintf(stderr, "{\"event\":\"deadline_notices\",\"count\":%s}\n", PQgetvalue(res, 0, 0));
    PQclear(res);
}

/* One sweep on a connection of its own, a batch per transaction until a batch comes back
 * short; logs what it expired, or why it stopped. */
static void sweep_once(struct background *self)
{
    PGconn *conn = db_connect_dedicated("techpool-sweep");
    if (conn == NULL) {
        fprintf(stderr, "{\"event\":\"expiry_sweep_failed\",\"reason\":\"no database\"}\n");
        return;
    }
    long total = 0;
    long batch = BATCH;
    while (batch == BATCH && !background_stopping(self)) {
        PGresult *res = PQexec(conn, "SELECT trials_sweep_expired_batch(" BATCH_TEXT ")");
        if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
            fprintf(stderr, "{\"event\":\"expiry_sweep_failed\",\"sqlstate\":\"%s\"}\n",
                    db_sqlstate(res));
            PQclear(res);
            break;
        }
        batch = strtol(PQgetvalue(res, 0, 0), NULL, 10);
        total += batch;
        PQclear(res);
    }
    if (total > 0)
        fprintf(stderr, "{\"event\":\"trials_expired\",\"count\":%ld}\n", total);
    if (!background_stopping(self))
        scan_deadlines(conn);
    PQfinish(conn);
}

static void sweep_run(struct background *self)
{
    do
        sweep_once(self);
    while (!background_wait(self, (int)(sweep_minutes * 60u * 1000u)));
}

bool expiry_sweep_start(unsigned minutes)
{
    sweep_minutes = minutes;
    return minutes == 0 || background_start(&sweeper, sweep_run);
}

void expiry_sweep_stop(void)
{
    background_stop(&sweeper);
}
