/* change_feed: the LISTEN thread and the pool's generation (see change_feed.h).
 *
 * One atomic counter holds both facts: odd while listening, even while not. Only this thread
 * changes the parity (one step on connecting, one on losing the connection); a change of the
 * pool, heard or made here, adds two. A reader that sees an odd value may trust what it reads
 * from the database now until the value moves. */
#include "db/change_feed.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "db/dedicated.h"

#define RETRY_FIRST_MS 100
#define RETRY_MAX_MS 2000

static atomic_uint_fast64_t generation; /* even: not listening */
static atomic_bool stopping;
static int wake_pipe[2] = { -1, -1 };
static pthread_t feed_thread;
static bool feed_started;

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

/* Waits up to ms for the stop signal; true when asked to stop. */
static bool stop_requested(int ms)
{
    struct pollfd wake = { .fd = wake_pipe[0], .events = POLLIN };
    while (poll(&wake, 1, ms) < 0 && errno == EINTR) {
    }
    return atomic_load(&stopping);
}

static bool listen_on(PGconn *conn)
{
    PGresult *res = PQexec(conn, "LISTEN techpool_pool");
    bool ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok;
}

/* Reads notifications until the connection fails or the feed is stopped. */
static void follow(PGconn *conn)
{
    struct pollfd fds[2] = {
        { .fd = PQsocket(conn), .events = POLLIN },
        { .fd = wake_pipe[0], .events = POLLIN },
    };
    while (!atomic_load(&stopping)) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (fds[1].revents != 0)
            return;
        if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK)
            return;
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

static void *feed_run(void *arg)
{
    (void)arg;
    int retry_ms = RETRY_FIRST_MS;
    bool lost_logged = false;
    while (!atomic_load(&stopping)) {
        PGconn *conn = db_connect_dedicated("techpool-listen");
        if (conn != NULL && listen_on(conn)) {
            atomic_fetch_add(&generation, 1); /* listening: changes unheard so far expire */
            fprintf(stderr, "{\"event\":\"change_feed_listening\"}\n");
            lost_logged = false;
            retry_ms = RETRY_FIRST_MS;
            follow(conn);
            atomic_fetch_add(&generation, 1); /* not listening */
        }
        PQfinish(conn);
        if (atomic_load(&stopping))
            break;
        if (!lost_logged) {
            fprintf(stderr, "{\"event\":\"change_feed_lost\"}\n");
            lost_logged = true;
        }
        if (stop_requested(retry_ms))
            break;
        retry_ms = retry_ms * 2 < RETRY_MAX_MS ? retry_ms * 2 : RETRY_MAX_MS;
    }
    return NULL;
}

bool change_feed_start(void)
{
    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    atomic_store(&stopping, false);
    /* signals are for the server's main thread (SIGTERM drains): the feed never takes them */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    int created = pthread_create(&feed_thread, NULL, feed_run, NULL);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (created != 0) {
        close(wake_pipe[0]);
        close(wake_pipe[1]);
        wake_pipe[0] = wake_pipe[1] = -1;
        return false;
    }
    feed_started = true;
    return true;
}

void change_feed_stop(void)
{
    if (!feed_started)
        return;
    atomic_store(&stopping, true);
    char byte = 1;
    while (write(wake_pipe[1], &byte, 1) < 0 && errno == EINTR) {
    }
    pthread_join(feed_thread, NULL);
    feed_started = false;
    close(wake_pipe[0]);
    close(wake_pipe[1]);
    wake_pipe[0] = wake_pipe[1] = -1;
}
