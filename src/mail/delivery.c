/* delivery: the mail thread (see delivery.h). */
#include "mail/delivery.h"

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "background.h"
#include "db/dedicated.h"
#include "mail/message.h"

#define CLAIM_BATCH "20"
/* a claimed row is left alone this long: more than a send can take (connect 10 s, all 30 s) */
#define LEASE_SECONDS "120"
#define IDLE_WAIT_MS 1000
#define SEND_TIMEOUT_SECONDS 30L
#define CONNECT_TIMEOUT_SECONDS 10L

static struct background mailer;
static const char *mail_server;
static const char *mail_from;
static const char *public_origin;
static atomic_llong queued_rows;
static atomic_llong sent_rows;
static atomic_llong failed_rows;

long long mail_queued(void)
{
    return atomic_load(&queued_rows);
}

long long mail_sent_total(void)
{
    return atomic_load(&sent_rows);
}

long long mail_failed_total(void)
{
    return atomic_load(&failed_rows);
}

struct upload {
    const char *data;
    size_t left;
};

static size_t upload_read(char *buffer, size_t size, size_t count, void *arg)
{
    struct upload *up = arg;
    size_t n = size * count < up->left ? size * count : up->left;
    memcpy(buffer, up->data, n);
    up->data += n;
    up->left -= n;
    return n;
}

/* Sends message to to; NULL on success, else why not (static or curl's text). */
static const char *smtp_send(const char *to, const char *message, char *error, size_t size)
{
    CURL *curl = curl_easy_init();
    if (curl == NULL)
        return "no curl handle";
    char from_path[320], to_path[320];
    snprintf(from_path, sizeof from_path, "<%s>", mail_from);
    snprintf(to_path, sizeof to_path, "<%s>", to);
    struct curl_slist *recipients = curl_slist_append(NULL, to_path);
    struct upload up = { message, strlen(message) };
    error[0] = '\0';
    CURLcode code = CURLE_OUT_OF_MEMORY;
    if (recipients != NULL && curl_easy_setopt(curl, CURLOPT_URL, mail_server) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_path) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, upload_read) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_READDATA, &up) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, SEND_TIMEOUT_SECONDS) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_SECONDS) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error) == CURLE_OK)
        code = curl_easy_perform(curl);
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    if (code == CURLE_OK)
        return NULL;
    if (error[0] == '\0')
        snprintf(error, size, "%s", curl_easy_strerror(code));
    return error;
}

/* Runs a one-row statement of the outbox (mark sent or failed) with id and text. */
static PGresult *outbox_exec(PGconn *conn, const char *sql, const char *id, const char *text)
{
    const char *params[] = { id, text };
    return PQexecParams(conn, sql, text != NULL ? 2 : 1, NULL, params, NULL, NULL, 0);
}

/* Sends row i of a claim; counts what became of it. */
static void deliver_one(PGconn *conn, const PGresult *claim, int i)
{
    const char *id = PQgetvalue(claim, i, 0);
    char link[600];
    bool linked = public_origin != NULL && public_origin[0] != '\0' &&
                  mail_link(public_origin, PQgetvalue(claim, i, 4), PQgetvalue(claim, i, 5),
                            PQgetvalue(claim, i, 7), link, sizeof link);
    struct mail_notice notice = {
        .outbox_id = strtoll(id, NULL, 10),
        .from = mail_from,
        .to = PQgetvalue(claim, i, 1),
        .title = PQgetvalue(claim, i, 2),
        .body = PQgetvalue(claim, i, 3),
        .language = PQgetvalue(claim, i, 6),
        .link = linked ? link : NULL,
        .date = time(NULL),
    };
    char error[CURL_ERROR_SIZE];
    char *message = mail_message_build(&notice);
    const char *failure = message == NULL ? "the message could not be built"
                                          : smtp_send(notice.to, message, error, sizeof error);
    free(message);
    PGresult *res = failure == NULL
                        ? outbox_exec(conn, "SELECT mail_sent($1::bigint)", id, NULL)
                        : outbox_exec(conn, "SELECT mail_attempt_failed($1::bigint, $2::text)", id,
                                      failure);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "{\"event\":\"mail_outbox_update_failed\",\"id\":%s,\"sqlstate\":\"%s\"}\n",
                id, db_sqlstate(res));
    else if (failure != NULL)
        fprintf(stderr,
                "{\"event\":\"mail_attempt_failed\",\"id\":%s,\"attempt\":%s,"
                "\"status\":\"%s\"}\n",
                id, PQgetvalue(claim, i, 8), PQgetvalue(res, 0, 0));
    PQclear(res);
}

/* Reads the outbox's counts for /metrics. */
static void count_outbox(PGconn *conn)
{
    PGresult *res = PQexec(conn, "SELECT queued, sent, failed FROM mail_outbox_counts()");
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        atomic_store(&queued_rows, strtoll(PQgetvalue(res, 0, 0), NULL, 10));
        atomic_store(&sent_rows, strtoll(PQgetvalue(res, 0, 1), NULL, 10));
        atomic_store(&failed_rows, strtoll(PQgetvalue(res, 0, 2), NULL, 10));
    }
    PQclear(res);
}

/* One claim and its deliveries; the number of rows claimed, -1 when the database failed. */
static int deliver_batch(PGconn *conn)
{
    PGresult *claim = PQexec(conn, "SELECT * FROM mail_claim(" CLAIM_BATCH ", " LEASE_SECONDS ")");
    if (PQresultStatus(claim) != PGRES_TUPLES_OK) {
        fprintf(stderr, "{\"event\":\"mail_claim_failed\",\"sqlstate\":\"%s\"}\n",
                db_sqlstate(claim));
        PQclear(claim);
        return -1;
    }
    int rows = PQntuples(claim);
    for (int i = 0; i < rows && !background_stopping(&mailer); i++)
        deliver_one(conn, claim, i);
    PQclear(claim);
    return rows;
}

static void mailer_run(struct background *self)
{
    PGconn *conn = NULL;
    while (!background_stopping(self)) {
        if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
            PQfinish(conn);
            conn = db_connect_dedicated("techpool-mail");
        }
        int rows = conn != NULL ? deliver_batch(conn) : -1;
        if (conn != NULL)
            count_outbox(conn);
        /* a full batch: more may be due at once */
        if (rows > 0 && rows == atoi(CLAIM_BATCH))
            continue;
        if (background_wait(self, IDLE_WAIT_MS))
            break;
    }
    PQfinish(conn);
}

bool mail_delivery_start(const char *smtp_url, const char *from, const char *origin)
{
    if (smtp_url == NULL || smtp_url[0] == '\0')
        return true;
    mail_server = smtp_url;
    mail_from = from;
    public_origin = origin;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return false;
    return background_start(&mailer, mailer_run);
}

void mail_delivery_stop(void)
{
    background_stop(&mailer);
}
