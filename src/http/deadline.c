/* deadline: a registry of open connections with the phase of their request, and a thread that
 * shuts down the sockets of those past their deadline (see deadline.h). */
#include "http/deadline.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "background.h"

#define MICROS_PER_SECOND 1000000u
/* how often deadlines are looked at: a connection is closed at most this late */
#define SWEEP_INTERVAL_MS 1000

enum phase {
    PHASE_HEADERS,  /* waiting for a request's headers */
    PHASE_BODY,     /* headers complete, the body arriving */
    PHASE_ANSWERING /* the request is being answered: no deadline here */
};

struct watched {
    struct watched *prev;
    struct watched *next;
    MHD_socket fd;
    enum phase phase;
    uint64_t phase_started_micros;
    uint64_t body_bytes;
    bool shut; /* its socket was shut down; libmicrohttpd is closing it */
};

/* Entries leave the list at NOTIFY_CLOSED, under this lock, before libmicrohttpd closes the
 * socket: so a descriptor the sweep shuts down is always still the connection's own. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct watched *head;
static unsigned open_count;
static atomic_ullong closed_total;
static struct background sweeper;

static uint64_t monotonic_micros(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * MICROS_PER_SECOND + (uint64_t)ts.tv_nsec / 1000u;
}

static bool past_deadline(const struct watched *w, uint64_t now)
{
    uint64_t elapsed = now - w->phase_started_micros;
    switch (w->phase) {
    case PHASE_HEADERS:
        return elapsed > (uint64_t)DEADLINE_HEADERS_SECONDS * MICROS_PER_SECOND;
    case PHASE_BODY:
        return elapsed > (uint64_t)DEADLINE_BODY_GRACE_SECONDS * MICROS_PER_SECOND &&
               w->body_bytes < elapsed * DEADLINE_BODY_MIN_BYTES_PER_SECOND / MICROS_PER_SECOND;
    case PHASE_ANSWERING:
        return false;
    }
    return false;
}

/* shutdown, not close: the descriptor stays libmicrohttpd's; its worker wakes to the end of
 * the stream, closes the connection and frees the descriptor itself. */
static unsigned shut_down_late_connections(void)
{
    uint64_t now = monotonic_micros();
    unsigned shut = 0;
    pthread_mutex_lock(&lock);
    for (struct watched *w = head; w != NULL; w = w->next) {
        if (w->shut || !past_deadline(w, now))
            continue;
        w->shut = true;
        if (shutdown(w->fd, SHUT_RDWR) != 0 && errno != ENOTCONN)
            fprintf(stderr, "{\"event\":\"slow_connection_shutdown_failed\",\"error\":\"%s\"}\n",
                    strerror(errno));
        shut++;
    }
    pthread_mutex_unlock(&lock);
    return shut;
}

static void sweep_run(struct background *self)
{
    while (!background_wait(self, SWEEP_INTERVAL_MS)) {
        unsigned shut = shut_down_late_connections();
        if (shut == 0)
            continue;
        atomic_fetch_add(&closed_total, shut);
        fprintf(stderr, "{\"event\":\"slow_connections_closed\",\"count\":%u}\n", shut);
    }
}

bool deadline_start(void)
{
    return background_start(&sweeper, sweep_run);
}

void deadline_stop(void)
{
    background_stop(&sweeper);
}

void deadline_connection_started(struct MHD_Connection *conn, void **socket_context)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct watched *w = calloc(1, sizeof *w);
    if (info == NULL || w == NULL) {
        /* a connection no deadline could be kept for is not served */
        free(w);
        if (info != NULL && shutdown(info->connect_fd, SHUT_RDWR) != 0)
            fprintf(stderr, "{\"event\":\"unwatched_connection_shutdown_failed\"}\n");
        return;
    }
    w->fd = info->connect_fd;
    w->phase = PHASE_HEADERS;
    w->phase_started_micros = monotonic_micros();
    pthread_mutex_lock(&lock);
    w->next = head;
    if (head != NULL)
        head->prev = w;
    head = w;
    open_count++;
    pthread_mutex_unlock(&lock);
    *socket_context = w;
}

void deadline_connection_closed(void **socket_context)
{
    struct watched *w = *socket_context;
    if (w == NULL)
        return;
    pthread_mutex_lock(&lock);
    if (w->prev != NULL)
        w->prev->next = w->next;
    else
        head = w->next;
    if (w->next != NULL)
        w->next->prev = w->prev;
    open_count--;
    pthread_mutex_unlock(&lock);
    free(w);
    *socket_context = NULL;
}

static struct watched *watched_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info != NULL ? info->socket_context : NULL;
}

static void enter_phase(struct MHD_Connection *conn, enum phase phase)
{
    struct watched *w = watched_of(conn);
    if (w == NULL)
        return;
    uint64_t now = monotonic_micros();
    pthread_mutex_lock(&lock);
    w->phase = phase;
    w->phase_started_micros = now;
    w->body_bytes = 0;
    pthread_mutex_unlock(&lock);
}

void deadline_headers_received(struct MHD_Connection *conn)
{
    enter_phase(conn, PHASE_BODY);
}

void deadline_body_received(struct MHD_Connection *conn, size_t bytes)
{
    struct watched *w = watched_of(conn);
    if (w == NULL)
        return;
    pthread_mutex_lock(&lock);
    w->body_bytes += bytes;
    pthread_mutex_unlock(&lock);
}

void deadline_answering(struct MHD_Connection *conn)
{
    enter_phase(conn, PHASE_ANSWERING);
}

void deadline_request_completed(struct MHD_Connection *conn)
{
    enter_phase(conn, PHASE_HEADERS);
}

unsigned long long deadline_closed_total(void)
{
    return atomic_load(&closed_total);
}

unsigned deadline_connections_open(void)
{
    pthread_mutex_lock(&lock);
    unsigned count = open_count;
    pthread_mutex_unlock(&lock);
    return count;
}
