/* password_workers: argon2id in the daemon's child processes (see password_workers.h).
 *
 * One message each way over a SOCK_SEQPACKET socket pair (message bounds kept, no framing):
 *   request  'H' password NUL                 hash the password
 *            'V' password NUL hash NUL        check the password against the hash
 *   reply    'Y' [hash NUL] | 'N'             done (with the hash for 'H') | not */
#include "domain/password_workers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The longest password the policy lets anyone set (256 characters of up to 4 bytes each) with
 * the request's op, the hash and the two NULs: a longer password is hashed in the caller. */
#define REQUEST_MAX (1 + PASSWORD_BYTES_MAX + 1 + PASSWORD_HASH_MAX + 1)
#define REPLY_MAX (1 + PASSWORD_HASH_MAX)
/* A hash takes a tenth of a second; a worker silent for this long is stuck and replaced. */
#define WORKER_ANSWER_MS 30000

struct worker {
    pid_t pid;
    int fd; /* -1: not running (never started, or ended and not yet replaced) */
    bool busy;
};

static struct worker workers[PASSWORD_WORKERS_MAX];
static unsigned worker_count;
static pthread_mutex_t workers_lock = PTHREAD_MUTEX_INITIALIZER;
/* "/proc/self/fd/N" of the daemon's own executable, opened at the start: a replacement worker
 * runs the same program as the daemon even after an upgrade put another file at its path */
static char executable[64];
static int executable_fd = -1;
static atomic_uint running;
static atomic_ullong replaced;

static bool worker_spawn(struct worker *w)
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
        return false;
    if (pair[1] == PASSWORD_WORKER_FD) {
        /* dup2 onto itself would keep close-on-exec: give the child's end another number */
        int moved = fcntl(pair[1], F_DUPFD_CLOEXEC, PASSWORD_WORKER_FD + 1);
        close(pair[1]);
        if (moved < 0) {
            close(pair[0]);
            return false;
        }
        pair[1] = moved;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    sigset_t none, every;
    sigemptyset(&none);
    sigfillset(&every);
    int failed = posix_spawn_file_actions_init(&actions);
    if (failed == 0) {
        failed = posix_spawnattr_init(&attributes);
        if (failed != 0)
            posix_spawn_file_actions_destroy(&actions);
    }
    if (failed == 0) {
        /* the child starts with no signal blocked and every handler at its default, whatever
         * the thread that replaces a worker has blocked */
        char *argv[] = { "techpool", "password-worker", NULL };
        failed = posix_spawn_file_actions_adddup2(&actions, pair[1], PASSWORD_WORKER_FD);
        if (failed == 0)
            failed = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK |
                                                               POSIX_SPAWN_SETSIGDEF |
                                                               POSIX_SPAWN_SETSID);
        if (failed == 0)
            failed = posix_spawnattr_setsigmask(&attributes, &none);
        if (failed == 0)
            failed = posix_spawnattr_setsigdefault(&attributes, &every);
        if (failed == 0)
            failed = posix_spawn(&w->pid, executable, &actions, &attributes, argv, environ);
        posix_spawnattr_destroy(&attributes);
        posix_spawn_file_actions_destroy(&actions);
    }
    close(pair[1]);
    if (failed != 0) {
        close(pair[0]);
        return false;
    }
    w->fd = pair[0];
    atomic_fetch_add(&running, 1);
    return true;
}

/* Closes the daemon's end of w's socket (the worker reads the end and exits), ends it at once
 * when it died or stopped answering (kill), and reaps it; its exit status. */
static int worker_end(struct worker *w, bool kill_it)
{
    close(w->fd);
    w->fd = -1;
    if (kill_it)
        kill(w->pid, SIGKILL);
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    atomic_fetch_sub(&running, 1);
    return status;
}

/* One request and its reply; the reply's length, or -1 when the worker did not answer. */
static ssize_t worker_ask(struct worker *w, const char *request, size_t request_len,
                          char reply[REPLY_MAX])
{
    if (send(w->fd, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len)
        return -1;
    struct pollfd answer = { .fd = w->fd, .events = POLLIN };
    int ready;
    while ((ready = poll(&answer, 1, WORKER_ANSWER_MS)) < 0 && errno == EINTR)
        ;
    if (ready != 1)
        return -1;
    ssize_t got;
    while ((got = recv(w->fd, reply, REPLY_MAX, MSG_TRUNC)) < 0 && errno == EINTR)
        ;
    return got > 0 && got <= REPLY_MAX ? got : -1;
}

static struct worker *worker_take(void)
{
    struct worker *taken = NULL;
    pthread_mutex_lock(&workers_lock);
    for (unsigned i = 0; i < worker_count && taken == NULL; i++)
        if (!workers[i].busy)
            taken = &workers[i];
    if (taken != NULL)
        taken->busy = true;
    pthread_mutex_unlock(&workers_lock);
    return taken;
}

static void worker_give(struct worker *w)
{
    pthread_mutex_lock(&workers_lock);
    w->busy = false;
    pthread_mutex_unlock(&workers_lock);
}

/* Sends request to a free worker, replacing one that does not answer and trying once more. */
static enum password_work work(const char *request, size_t request_len, char reply[REPLY_MAX])
{
    struct worker *w = worker_take();
    if (w == NULL)
        return PASSWORD_WORK_UNAVAILABLE;
    memset(reply, 0, REPLY_MAX); /* what the worker sends ends in a NUL within it */
    enum password_work result = PASSWORD_WORK_UNAVAILABLE;
    for (int attempt = 0; attempt < 2 && result == PASSWORD_WORK_UNAVAILABLE; attempt++) {
        if (w->fd < 0 && !worker_spawn(w))
            break;
        ssize_t got = worker_ask(w, request, request_len, reply);
        if (got > 0) {
            result = reply[0] == 'Y' ? PASSWORD_WORK_YES : PASSWORD_WORK_NO;
        } else {
            fprintf(stderr, "{\"event\":\"password_worker_replaced\",\"pid\":%d}\n", (int)w->pid);
            worker_end(w, true);
            atomic_fetch_add(&replaced, 1);
        }
    }
    worker_give(w);
    return result;
}

/* Writes op, then each text with its NUL, into request; its length, or 0 when it is too long. */
static size_t request_make(char request[REQUEST_MAX], char op, const char *first,
                           const char *second)
{
    size_t first_len = strlen(first) + 1;
    size_t second_len = second != NULL ? strlen(second) + 1 : 0;
    if (1 + first_len + second_len > REQUEST_MAX)
        return 0;
    request[0] = op;
    memcpy(request + 1, first, first_len);
    if (second != NULL)
        memcpy(request + 1 + first_len, second, second_len);
    return 1 + first_len + second_len;
}

enum password_work password_workers_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
    char request[REQUEST_MAX], reply[REPLY_MAX];
    size_t request_len = request_make(request, 'H', password, NULL);
    enum password_work result = request_len != 0 ? work(request, request_len, reply)
                                                 : PASSWORD_WORK_UNAVAILABLE;
    if (result == PASSWORD_WORK_YES) {
        size_t hash_len = strnlen(reply + 1, REPLY_MAX - 1);
        if (hash_len == 0 || hash_len >= PASSWORD_HASH_MAX)
            result = PASSWORD_WORK_NO;
        else
            memcpy(out, reply + 1, hash_len + 1);
    }
    sodium_memzero(request, sizeof request);
    return result;
}

enum password_work password_workers_verify(const char *hash, const char *password)
{
    char request[REQUEST_MAX], reply[REPLY_MAX];
    size_t request_len = request_make(request, 'V', password, hash);
    enum password_work result = request_len != 0 ? work(request, request_len, reply)
                                                 : PASSWORD_WORK_UNAVAILABLE;
    sodium_memzero(request, sizeof request);
    return result;
}

void password_workers_start(unsigned count)
{
    executable_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (executable_fd < 0) {
        fprintf(stderr, "{\"event\":\"password_workers_unavailable\",\"reason\":\"%s\"}\n",
                strerror(errno));
        return;
    }
    snprintf(executable, sizeof executable, "/proc/self/fd/%d", executable_fd);
    worker_count = count < 1 ? 1 : count > PASSWORD_WORKERS_MAX ? PASSWORD_WORKERS_MAX : count;
    unsigned started = 0;
    for (unsigned i = 0; i < worker_count; i++) {
        workers[i] = (struct worker){ .pid = 0, .fd = -1, .busy = false };
        started += worker_spawn(&workers[i]);
    }
    if (started == 0) {
        fprintf(stderr, "{\"event\":\"password_workers_unavailable\",\"reason\":\"%s\"}\n",
                strerror(errno));
        worker_count = 0;
        close(executable_fd);
        executable_fd = -1;
    }
}

void password_workers_stop(void)
{
    pthread_mutex_lock(&workers_lock);
    for (unsigned i = 0; i < worker_count; i++) {
        if (workers[i].fd < 0 || workers[i].busy)
            continue; /* busy: a sign-in that outlived the drain; the exit ends that worker */
        int status = worker_end(&workers[i], false);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fprintf(stderr, "{\"event\":\"password_worker_failed\",\"pid\":%d,\"status\":%d}\n",
                    (int)workers[i].pid, status);
    }
    worker_count = 0;
    pthread_mutex_unlock(&workers_lock);
    if (executable_fd >= 0)
        close(executable_fd);
    executable_fd = -1;
}

unsigned password_workers_running(void)
{
    return atomic_load(&running);
}

unsigned long long password_workers_replaced(void)
{
    return atomic_load(&replaced);
}

/* The worker's answer to one request (request NUL-terminated at request_len); its length. */
static size_t answer(char *request, size_t request_len, char reply[REPLY_MAX])
{
    const char *password = request + 1;
    size_t password_len = strlen(password);
    const char *hash = password + password_len + 1;
    bool ok = false;
    reply[0] = 'N';
    if (request_len >= 2 && request[0] == 'H' && 1 + password_len + 1 == request_len) {
        ok = password_hash(password, reply + 1);
    } else if (request_len >= 3 && request[0] == 'V' && 1 + password_len + 1 < request_len &&
               1 + password_len + 1 + strlen(hash) + 1 == request_len) {
        ok = password_verify(hash, password);
    }
    if (!ok)
        return 1;
    reply[0] = 'Y';
    return request[0] == 'H' ? 1 + strlen(reply + 1) + 1 : 1;
}

int password_worker_main(void)
{
    int type = 0;
    socklen_t type_len = sizeof type;
    if (getsockopt(PASSWORD_WORKER_FD, SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 ||
        type != SOCK_SEQPACKET) {
        fputs("techpool: password-worker is started by techpool serve, not by hand\n", stderr);
        return 2;
    }
    /* the daemon ends a worker by closing its socket: an interrupt or a terminate sent to the
     * daemon's process group must not end it under a sign-in first */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    if (sodium_init() < 0)
        return 1;
    char request[REQUEST_MAX + 1], reply[REPLY_MAX];
    for (;;) {
        ssize_t got = recv(PASSWORD_WORKER_FD, request, REQUEST_MAX, MSG_TRUNC);
        if (got == 0)
            return 0; /* the daemon closed its end */
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return 1;
        size_t reply_len = 1;
        reply[0] = 'N';
        if (got <= REQUEST_MAX) {
            request[got] = '\0';
            reply_len = answer(request, (size_t)got, reply);
        }
        sodium_memzero(request, sizeof request);
        if (send(PASSWORD_WORKER_FD, reply, reply_len, MSG_NOSIGNAL) != (ssize_t)reply_len)
            return 1;
        sodium_memzero(reply, sizeof reply);
    }
}
