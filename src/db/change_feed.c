/* change_feed: the LISTEN thread and the pool's generation (see change_feed.h).
 *
 * One atomic counter holds both facts: odd while listening, even while not. Only this thread
 * changes the parity (one step on connecting, one on losing the connection); a change of the
 * pool, heard or made here, adds two. A reader that sees an odd value may trust what it reads
 * from the database now until the value moves. */
#include "db/change_feed.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>

#include "background.h"
#include "db/dedicated.h"

#define RETRY_FIRST_MS 100
#define RETRY_MAX_MS 2000
#define PING_IDLE_MS 5000
#define PING_ANSWER_MS 2000

static atomic_uint_fast64_t generation; /* even: not listening */
static struct background feed;

uint64_t change_feed_generation(void)
{
    uint64_t g = atomic_load(&generation);
    return (g & 1) != 0 ? g : 0;
}

void change_feed_bump(void)
{
    atomic_fetch_add(&generation, 2);
}

bool change_feed_listening(void)
{
    return (atomic_load(&generation) & 1) != 0;
}

static bool listen_on(PGconn *conn)
{
    PGresult *res = PQexec(conn, "LISTEN techpool_pool");
    bool ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok;
}

/* Reads the answer to a ping as far as it has arrived; false once it is complete. */
static bool ping_answer_pending(PGconn *conn)
{
    while (!PQisBusy(conn)) {
        PGresult *res = PQgetResult(conn);
        if (res == NULL)
            return false;
        PQclear(res);
    }
    return true;
}

/* Reads notifications until the connection fails or the feed is stopped. A connection quiet
 * for PING_IDLE_MS is asked a trivial query; no answer within PING_ANSWER_MS counts as lost, so
 * a database that went silent (a stopped server, a network cut without a reset) stops the cache
 * within seconds instead of serving replies it can no longer vouch for. */
static void follow(struct background *self, PGconn *conn)
{
    struct pollfd fds[2] = {
        { .fd = PQsocket(conn), .events = POLLIN },
        { .fd = self->wake[0], .events = POLLIN },
    };
    bool ping_pending = false;
    while (!background_stopping(self)) {
        int ready = poll(fds, 2, ping_pending ? PING_ANSWER_MS : PING_IDLE_MS);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0 || fds[1].revents != 0)
            return;
        if (ready == 0) {
            if (ping_pending || PQsendQuery(conn, "SELECT 1") == 0)
                return;
            ping_pending = true;
            continue;
        }
        if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK)
            return;
        if (ping_pending)
            ping_pending = ping_answer_pending(conn);
        bool changed = false;
        PGnotify *note;
        while ((note = PQnotifies(conn)) != NULL) {
            changed = true;
            PQfreemem(note);
        }
        if (changed)
            change_feed_bump();
    }
}

static void feed_run(struct background *self)
{
    int retry_ms = RETRY_FIRST_MS;
    bool lost_logged = false;
    while (!background_stopping(self)) {
        PGconn *conn = db_connect_dedicated("techpool-listen");
        if (conn != NULL && listen_on(conn)) {
            atomic_fetch_add(&generation, 1); /* listening: changes unheard so far expire */
            fprintf(stderr, "{\"event\":\"change_feed_listening\"}\n");
            lost_logged = false;
            retry_ms = RETRY_FIRST_MS;
            follow(self, conn);
            atomic_fetch_add(&generation, 1); /* not listening */
        }
        PQfinish(conn);
        if (background_stopping(self))
            break;
        if (!lost_logged) {
            fprintf(stderr, "{\"event\":\"change_feed_lost\"}\n");
            lost_logged = true;
        }
        if (background_wait(self, retry_ms))
            break;
        retry_ms = retry_ms * 2 < RETRY_MAX_MS ? retry_ms * 2 : RETRY_MAX_MS;
    }
}

bool change_feed_start(void)
{
    return background_start(&feed, feed_run);
}

void change_feed_stop(void)
{
    background_stop(&feed);
}
