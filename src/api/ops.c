/* ops: liveness, readiness and metrics for operators and load balancers. */
#include <stdlib.h>

#include "api/api.h"
#include "db/db.h"
#include "http/metrics.h"

static const struct statement READY = { "ops_ready", "SELECT 1" };

void ops_healthz(struct request *req, struct reply *rep)
{
    (void)req;
    static const char body[] = "{\"status\":\"ok\"}";
    reply_text(rep, 200, "application/json", body, sizeof body - 1);
}

void ops_readyz(struct request *req, struct reply *rep)
{
    (void)req;
    enum db_status status = DB_UNAVAILABLE;
    /* a connection broken by a database restart is noticed on first use: try twice */
    for (int attempt = 0; attempt < 2 && status != DB_OK; attempt++) {
        PGresult *res = db_exec(&READY, 0, NULL, &status);
        PQclear(res);
    }
    if (status == DB_OK) {
        static const char body[] = "{\"status\":\"ready\"}";
        reply_text(rep, 200, "application/json", body, sizeof body - 1);
    } else {
        reply_error(rep, ERR_UNAVAILABLE, "the database is not available");
    }
}

void ops_metrics(struct request *req, struct reply *rep)
{
    (void)req;
    size_t len = 0;
    char *text = metrics_render(&len);
    if (text == NULL) {
        reply_error(rep, ERR_INTERNAL, "could not render metrics");
        return;
    }
    reply_body_steal(rep, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}
