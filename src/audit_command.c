/* audit_command: verifies the audit chain from the command line, for operators and cron. */
#include "audit_command.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

int command_audit_verify(const struct config *cfg)
{
    int code = 2;
    PGresult *res = NULL;
    PGconn *conn = PQconnectdb(cfg->database_url);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "techpool: cannot connect to the database (TECHPOOL_DATABASE_URL): %s",
                conn != NULL ? PQerrorMessage(conn) : "out of memory\n");
        goto out;
    }
    res = PQexec(conn, "SELECT ok, first_bad_id, checked FROM audit_verify()");
    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        fprintf(stderr, "techpool: cannot verify the audit chain: %s", PQerrorMessage(conn));
        goto out;
    }
    if (strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        printf("audit chain intact: %s events\n", PQgetvalue(res, 0, 2));
        code = 0;
    } else {
        printf("audit chain broken at event %s (%s events before it verified)\n",
               PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
        code = 1;
    }
out:
    PQclear(res);
    PQfinish(conn);
    return code;
}
