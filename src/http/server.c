/* server: libmicrohttpd setup with explicit limits, request dispatch (body cap, content type,
 * caller, route), one JSON log line per request, and draining shutdown on SIGTERM. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/deadline.h"
#include "http/deferred.h"
#include "http/exchange.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/static_files.h"

#define LISTEN_BACKLOG 1024

static atomic_int requests_in_flight;

/* Connections still queued on the listen socket at SIGTERM were made before it: they are
 * accepted and handed to libmicrohttpd, and the drain waits until each has begun its request
 * or closed. These are their sockets meanwhile. */
static pthread_mutex_t handed_lock = PTHREAD_MUTEX_INITIALIZER;
static MHD_socket handed_sockets[LISTEN_BACKLOG];
static atomic_int handed_count;

int server_requests_in_flight(void)
{
    return atomic_load(&requests_in_flight);
}

static uint64_t monotonic_micros(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct exchange *x = cls;
    ssize_t n = x->rep.stream(x->rep.stream_ctx, buf, max);
    if (n < 0) {
        x->stream_broken = true;
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    if (n == 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    return n;
}

static enum MHD_Result queue_reply(struct MHD_Connection *conn, struct exchange *x)
{
    struct reply *rep = &x->rep;
    struct MHD_Response *resp;
    if (rep->stream != NULL) {
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_reader, x,
                                                 NULL);
    } else if (x->static_file != NULL && rep->status == 200) {
        resp = MHD_create_response_from_buffer(x->static_file->size, x->static_file->data,
                                               MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_buffer(rep->body_len, rep->body, MHD_RESPMEM_MUST_FREE);
        if (resp != NULL) {
            rep->body = NULL; /* now owned by the response */
            rep->body_len = 0;
        }
    }
    if (resp == NULL)
        return MHD_NO;
    deadline_answering(conn);
    exchange_add_headers(x, resp);
    enum MHD_Result result = MHD_queue_response(conn, (unsigned)rep->status, resp);
    MHD_destroy_response(resp);
    x->queued = true;
    return result;
}

static void handed_remove(MHD_socket fd)
{
    pthread_mutex_lock(&handed_lock);
    int count = atomic_load(&handed_count);
    for (int i = 0; i < count; i++) {
        if (handed_sockets[i] == fd) {
            handed_sockets[i] = handed_sockets[count - 1];
            atomic_store(&handed_count, count - 1);
            break;
        }
    }
    pthread_mutex_unlock(&handed_lock);
}

/* The connection has begun a request or closed: the drain need not wait for it. */
static void handed_settled(struct MHD_Connection *conn)
{
    if (atomic_load(&handed_count) == 0)
        return;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info != NULL)
        handed_remove(info->connect_fd);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        deadline_connection_started(conn, socket_context);
        return;
    }
    handed_settled(conn);
    deadline_connection_closed(socket_context);
}

/* Accepts what the listen queue holds (no more than it can hold, so that clients arriving
 * meanwhile cannot keep the daemon from stopping) and hands it to libmicrohttpd. */
static void hand_over_listen_queue(struct MHD_Daemon *daemon, MHD_socket listen_fd)
{
    int flags = fcntl(listen_fd, F_GETFL);
    if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return;
    for (int i = 0; i < LISTEN_BACKLOG; i++) {
        struct sockaddr_storage addr;
        socklen_t len = sizeof addr;
        MHD_socket fd = accept4(listen_fd, (struct sockaddr *)&addr, &len, SOCK_CLOEXEC);
        if (fd < 0 && (errno == ECONNABORTED || errno == EINTR))
            continue;
        if (fd < 0)
            return;
        pthread_mutex_lock(&handed_lock);
        handed_sockets[atomic_fetch_add(&handed_count, 1)] = fd;
        pthread_mutex_unlock(&handed_lock);
        if (MHD_add_connection(daemon, fd, (struct sockaddr *)&addr, len) != MHD_YES)
            handed_remove(fd);
    }
}

/* cls: the exchange settings (server_run). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    struct exchange *x = *con_cls;
    if (x == NULL) {
        x = exchange_new(cls, conn, method, url, monotonic_micros());
        if (x == NULL)
            return MHD_NO;
        *con_cls = x;
        deadline_headers_received(conn);
        atomic_fetch_add(&requests_in_flight, 1);
        handed_settled(conn);
        if (exchange_framing_ambiguous(x)) {
            exchange_reply_ambiguous_framing(x);
            return queue_reply(conn, x);
        }
        if (exchange_body_declared_too_large(x)) {
            exchange_reply_too_large(x);
            return queue_reply(conn, x);
        }
        return MHD_YES;
    }
    if (x->queued)
        return MHD_YES;
    if (deferred_done(x)) /* resumed: the job has answered */
        return queue_reply(conn, x);
    if (*upload_size > 0) {
        deadline_body_received(conn, *upload_size);
        exchange_body_append(x, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    deadline_answering(conn);
    exchange_dispatch(x);
    if (x->rep.job != NULL && deferred_start(x))
        return MHD_YES; /* suspended until the job has answered */
    return queue_reply(conn, x);
}

/* The log path and method are bounded (exchange.h), so a line always fits. */
#define REQUEST_LOG_LINE_MAX 640

/* Writes a log line to stderr whole, retrying a short or interrupted write. */
static void log_write(const char *line, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, line, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        line += n;
        len -= (size_t)n;
    }
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    deadline_request_completed(conn);
    struct exchange *x = *con_cls;
    if (x == NULL)
        return;
    uint64_t micros = monotonic_micros() - x->started_micros;
    int status = x->rep.status;
    metrics_record(x->route_index, status, micros);
    /* one write(2) of the whole line: no stdio lock for the worker threads to queue on */
    char line[REQUEST_LOG_LINE_MAX];
    int len = snprintf(line, sizeof line,
                       "{\"request_id\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"status\":%d,"
                       "\"micros\":%llu%s%s%s%s}\n",
                       x->req.request_id, x->log_method, x->log_path, status,
                       (unsigned long long)micros, x->rep.code != NULL ? ",\"code\":\"" : "",
                       x->rep.code != NULL ? x->rep.code : "", x->rep.code != NULL ? "\"" : "",
                       toe != MHD_REQUEST_TERMINATED_COMPLETED_OK || x->stream_broken
                           ? ",\"incomplete\":true"
                           : "");
    if (len > 0)
        log_write(line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
    exchange_free(x);
    *con_cls = NULL;
    atomic_fetch_sub(&requests_in_flight, 1);
}

/* Percent-decodes in place. A decoded NUL or a malformed escape becomes 0x01, which
 * every later check refuses, so "%00" can never cut a path short. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *text)
{
    (void)cls;
    (void)conn;
    char *out = text;
    for (const char *in = text; *in != '\0'; in++) {
        if (*in != '%') {
            *out++ = *in;
            continue;
        }
        unsigned value;
        if (sscanf(in + 1, "%2x", &value) == 1 && in[1] != '\0' && in[2] != '\0' &&
            strchr("0123456789abcdefABCDEF", in[1]) && strchr("0123456789abcdefABCDEF", in[2])) {
            *out++ = value == 0 ? '\x01' : (char)value;
            in += 2;
        } else {
            *out++ = '\x01';
        }
    }
    *out = '\0';
    return (size_t)(out - text);
}

/* Descriptors beside the connections': database connections, pipes, files being served. */
#define FILES_BESIDE_CONNECTIONS 256

/* Every connection is a descriptor: a soft limit below the connection limit would refuse
 * clients long before the daemon is busy, so it is raised to the hard limit. */
static void raise_file_limit(unsigned connections)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0 && getrlimit(RLIMIT_NOFILE, &limit) != 0)
            return;
    }
    if (limit.rlim_cur < (rlim_t)connections + FILES_BESIDE_CONNECTIONS)
        fprintf(stderr,
                "{\"event\":\"file_limit_low\",\"open_files\":%llu,"
                "\"connection_limit\":%u}\n",
                (unsigned long long)limit.rlim_cur, connections);
}

static bool resolve_listen(const struct config *cfg, struct sockaddr_storage *addr)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICSERV };
    char port[8];
    snprintf(port, sizeof port, "%u", cfg->listen_port);
    struct addrinfo *found = NULL;
    if (getaddrinfo(cfg->listen_host, port, &hints, &found) != 0 || found == NULL)
        return false;
    memcpy(addr, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    return true;
}

static void wait_for_drain(void)
{
    /* In-flight requests finish; bounded so that a stuck client cannot hold shutdown. */
    for (int i = 0;
         i < 300 && (atomic_load(&requests_in_flight) > 0 || atomic_load(&handed_count) > 0); i++) {
        struct timespec pause = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
}

/* Static: the worker threads of a daemon left running (an export that would not stop) may read
 * them until the process exits. */
static struct exchange_settings settings;

int server_run(const struct config *cfg, const struct server_hooks *hooks)
{
    settings = (struct exchange_settings){ .hooks = hooks, .public_origin = cfg->public_origin };
    metrics_configure(hooks);
    struct sockaddr_storage addr;
    if (!resolve_listen(cfg, &addr)) {
        fprintf(stderr, "techpool: cannot resolve listen address %s\n", cfg->listen_host);
        return 2;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_file_limit(cfg->connection_limit);
    if (!deadline_start()) {
        fprintf(stderr, "techpool: cannot start the request deadline thread\n");
        return 2;
    }
    if (!deferred_sweeper_start()) {
        fprintf(stderr, "techpool: cannot start the waiting requests' thread\n");
        deadline_stop();
        return 2;
    }

    /* poll, not epoll: libmicrohttpd 0.9.75 can abort in MHD_quiesce_daemon with a thread pool
     * over epoll (quiesce and a worker race to remove the listen socket from the epoll set, and
     * the loser panics on ENOENT), which turned an occasional SIGTERM into exit 134. Measured
     * with wrk at 256 connections, poll serves static files and details as fast. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->listen_port, NULL, NULL, on_request, &settings, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, cfg->connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE,
        LISTEN_BACKLOG, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "techpool: cannot listen on %s:%u: %s\n", cfg->listen_host,
                cfg->listen_port, strerror(errno));
        deferred_sweeper_stop();
        deadline_stop();
        return 2;
    }
    fprintf(stderr, "{\"event\":\"listening\",\"url\":\"http://%s:%u\",\"threads\":%u}\n",
            cfg->listen_host, cfg->listen_port, cfg->threads);

    int signal_number = 0;
    sigwait(&signals, &signal_number);
    fprintf(stderr, "{\"event\":\"stopping\",\"signal\":%d,\"in_flight\":%d}\n", signal_number,
            atomic_load(&requests_in_flight));
    MHD_socket listen_fd = MHD_quiesce_daemon(daemon);
    if (listen_fd != MHD_INVALID_SOCKET) {
        hand_over_listen_queue(daemon, listen_fd);
        close(listen_fd);
    }
    /* the deadline thread keeps running meanwhile: a slow client cannot hold the drain */
    wait_for_drain();
    if (!deferred_stop()) {
        /* a connection still suspended: stopping libmicrohttpd now is not allowed */
        deferred_sweeper_stop();
        deadline_stop();
        fprintf(stderr, "{\"event\":\"stopped\",\"export_abandoned\":true}\n");
        return 1;
    }
    MHD_stop_daemon(daemon);
    deferred_sweeper_stop();
    deadline_stop();
    fprintf(stderr, "{\"event\":\"stopped\"}\n");
    return 0;
}
