/* test_password_workers: the daemon's argon2id runs in worker processes of its own (`techpool
 * password-worker`, each in a session of its own), so that a flood's hashing neither holds the
 * daemon's memory map nor shares its share of the processors; a worker that dies is replaced
 * without a sign-in failing; a worker answers only the daemon's requests, as they are meant. */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"
#define WORKERS_MAX 8

static void setup(void)
{
    fixture_start_on("password_workers", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* /proc/pid/stat's state and parent; false when there is no such process. */
static bool process_state(pid_t pid, char *state, pid_t *parent)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    bool read = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    const char *after_name = read ? strrchr(line, ')') : NULL;
    int ppid = 0;
    if (after_name == NULL || sscanf(after_name, ") %c %d", state, &ppid) != 2)
        return false;
    *parent = (pid_t)ppid;
    return true;
}

static bool is_password_worker(pid_t pid)
{
    char path[64], cmdline[64] = "";
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    size_t got = fread(cmdline, 1, sizeof cmdline - 1, f);
    fclose(f);
    const char *second = memchr(cmdline, '\0', got);
    return second != NULL && strcmp(second + 1, "password-worker") == 0;
}

/* The daemon's live password workers (zombies left out); how many. */
static size_t workers_of_daemon(pid_t out[WORKERS_MAX])
{
    size_t count = 0;
    DIR *proc = opendir("/proc");
    ck_assert_ptr_nonnull(proc);
    for (struct dirent *e = readdir(proc); e != NULL; e = readdir(proc)) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        pid_t pid = (pid_t)atoi(e->d_name);
        char state = '?';
        pid_t parent = 0;
        if (process_state(pid, &state, &parent) && parent == harness_pid() && state != 'Z' &&
            is_password_worker(pid) && count < WORKERS_MAX)
            out[count++] = pid;
    }
    closedir(proc);
    return count;
}

/* VmHWM of /proc/pid/status, in KiB. */
static unsigned long peak_kib(pid_t pid)
{
    char path[64], line[256];
    unsigned long kib = 0;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmHWM: %lu kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* Processor ticks (user and system) that process pid has taken. */
static unsigned long long process_ticks(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    unsigned long long user = 0, system = 0;
    /* after the name: state, then fields 4..13, then utime (14) and stime (15) */
    ck_assert_int_eq(sscanf(strrchr(line, ')'),
                            ") %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &user,
                            &system),
                     2);
    return user + system;
}

/* What the daemon and its password workers have taken. */
static unsigned long long hashing_ticks(void)
{
    pid_t workers[WORKERS_MAX];
    size_t count = workers_of_daemon(workers);
    unsigned long long ticks = process_ticks(harness_pid());
    for (size_t i = 0; i < count; i++)
        ticks += process_ticks(workers[i]);
    return ticks;
}

static long sign_in_status(const char *email, const char *password)
{
    json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
    char *text = json_dumps(body, JSON_COMPACT);
    struct http_reply *r = http_call("POST", "/api/v1/session", NULL, text, NULL);
    long status = r->status;
    http_reply_free(r);
    free(text);
    json_decref(body);
    return status;
}

START_TEST(sign_ins_hash_in_a_worker_process_of_a_session_of_its_own)
{
    pid_t workers[WORKERS_MAX];
    size_t count = workers_of_daemon(workers);
    ck_assert_uint_ge(count, 1);
    ck_assert_uint_eq(http_metric("techpool_password_workers"), count);
    ck_assert_int_eq(sign_in_status(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD), 200);
    ck_assert_int_eq(sign_in_status(HARNESS_ADMIN_EMAIL, "not-the-password-2026"), 401);
    /* argon2id's 64 MiB was taken in a worker: the first is the one a lone sign-in meets */
    unsigned long busiest = 0;
    for (size_t i = 0; i < count; i++) {
        if (peak_kib(workers[i]) > busiest)
            busiest = peak_kib(workers[i]);
        ck_assert_int_eq(getsid(workers[i]), workers[i]);
    }
    ck_assert_uint_ge(busiest, 64 * 1024);
    ck_assert_int_ne(getsid(harness_pid()), getsid(workers[0]));
}
END_TEST

/* Whether pid has ended (gone, or a zombie waiting for whoever adopted it) within 5 s: its pidfd
 * turns readable when it ends, whoever its parent is. */
static bool ended_soon(pid_t pid)
{
    int fd = pidfd_open(pid, 0);
    if (fd < 0)
        return errno == ESRCH;
    struct pollfd ended = { .fd = fd, .events = POLLIN };
    int ready;
    while ((ready = poll(&ended, 1, 5000)) < 0 && errno == EINTR) {
    }
    close(fd);
    return ready == 1;
}

/* Kills every password worker of the daemon and returns once each is dead (a zombie until the
 * daemon reaps it), so that a sign-in sent next meets a dead worker; how many there were. */
static size_t workers_killed(pid_t workers[WORKERS_MAX])
{
    size_t count = workers_of_daemon(workers);
    ck_assert_uint_ge(count, 1);
    for (size_t i = 0; i < count; i++)
        ck_assert_int_eq(kill(workers[i], SIGKILL), 0);
    for (size_t i = 0; i < count; i++)
        ck_assert(ended_soon(workers[i]));
    return count;
}

START_TEST(a_worker_that_dies_is_replaced_and_the_sign_in_goes_through)
{
    pid_t workers[WORKERS_MAX];
    size_t count = workers_killed(workers);
    ck_assert_int_eq(sign_in_status(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD), 200);
    ck_assert_uint_eq(http_metric("techpool_password_workers_replaced_total"), 1);
    ck_assert(harness_log_has("\"event\":\"password_worker_replaced\""));
    pid_t now[WORKERS_MAX];
    ck_assert_uint_eq(workers_of_daemon(now), 1);
    for (size_t i = 0; i < count; i++)
        ck_assert_int_ne(now[0], workers[i]);
    /* and it goes on hashing: a wrong password is still told apart from the right one */
    ck_assert_int_eq(sign_in_status(HARNESS_ADMIN_EMAIL, "not-the-password-2026"), 401);
    ck_assert_int_eq(sign_in_status(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD), 200);
    ck_assert_uint_eq(http_metric("techpool_password_workers_replaced_total"), 1);
}
END_TEST

/* A worker that stops answering (here: stopped by a signal) is ended after 30 s and replaced,
 * and the sign-in that met it goes through on the replacement. */
START_TEST(a_worker_that_stops_answering_is_replaced)
{
    pid_t workers[WORKERS_MAX];
    size_t count = workers_of_daemon(workers);
    ck_assert_uint_ge(count, 1);
    for (size_t i = 0; i < count; i++)
        ck_assert_int_eq(kill(workers[i], SIGSTOP), 0);
    double started = harness_clock();
    ck_assert_int_eq(sign_in_status(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD), 200);
    double took = harness_clock() - started;
    ck_assert_msg(took >= 29 && took < 45, "the sign-in took %.1f s", took);
    ck_assert_uint_eq(http_metric("techpool_password_workers_replaced_total"), 1);
    /* the one that met the sign-in was killed and reaped before the reply; a new one took its
     * place (with several, the others are still stopped) */
    size_t gone = 0;
    for (size_t i = 0; i < count; i++) {
        char state = '?';
        pid_t parent = 0;
        if (!process_state(workers[i], &state, &parent) || parent != harness_pid())
            gone++;
        else
            kill(workers[i], SIGCONT);
    }
    ck_assert_uint_eq(gone, 1);
    pid_t now[WORKERS_MAX];
    ck_assert_uint_eq(workers_of_daemon(now), count);
}
END_TEST

/* An upgrade puts another file where the daemon's program was: a worker that dies afterwards is
 * replaced by the program the daemon runs, not by whatever is at that path (nothing, here). */
START_TEST(a_worker_is_replaced_from_the_daemons_own_program_once_its_file_is_gone)
{
    char copy[] = "/tmp/techpool-upgradedXXXXXX", command[PATH_MAX * 2 + 16], out[256];
    int fd = mkstemp(copy);
    ck_assert_int_ge(fd, 0);
    close(fd);
    snprintf(command, sizeof command, "cp %s %s && chmod 755 %s", harness_daemon_program(), copy,
             copy);
    ck_assert_int_eq(harness_command(command, out, sizeof out), 0);
    static const char *const env[] = { "TECHPOOL_TODAY=" TODAY, NULL };
    harness_use_daemon_bin(copy);
    harness_restart(env);
    harness_use_daemon_bin(NULL);
    ck_assert_int_eq(unlink(copy), 0);

    pid_t workers[WORKERS_MAX];
    workers_killed(workers);
    ck_assert_int_eq(sign_in_status(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD), 200);
    ck_assert_uint_eq(http_metric("techpool_password_workers_replaced_total"), 1);
    pid_t now[WORKERS_MAX];
    ck_assert_uint_eq(workers_of_daemon(now), 1);
    char path[64], program[PATH_MAX];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)now[0]);
    ssize_t len = readlink(path, program, sizeof program - 1);
    ck_assert_int_gt(len, 0);
    program[len] = '\0';
    ck_assert_msg(strncmp(program, copy, strlen(copy)) == 0 && strstr(program, "(deleted)"),
                  "the new worker runs %s", program);
}
END_TEST

/* The workers are in sessions of their own, out of reach of the daemon's process group: they
 * end when the daemon's end of their sockets closes, whether it stops or is killed. */
START_TEST(workers_end_with_their_daemon_however_it_ends)
{
    static const char *const env[] = { "TECHPOOL_TODAY=" TODAY, NULL };
    pid_t workers[WORKERS_MAX];
    size_t count = workers_of_daemon(workers);
    ck_assert_uint_ge(count, 1);
    harness_kill();
    for (size_t i = 0; i < count; i++)
        ck_assert_msg(ended_soon(workers[i]), "worker %d outlived its killed daemon",
                      (int)workers[i]);

    harness_restart(env);
    count = workers_of_daemon(workers);
    ck_assert_uint_ge(count, 1);
    ck_assert_int_eq(harness_stop(), 0);
    for (size_t i = 0; i < count; i++)
        ck_assert_msg(ended_soon(workers[i]), "worker %d outlived its stopped daemon",
                      (int)workers[i]);
    harness_restart(env); /* for the teardown */
}
END_TEST

/* No one can have set a password longer than the policy's 256 characters (1,024 bytes at most):
 * such a sign-in (the field takes up to 1,024 characters) is refused without a hash, for a known
 * account and an unknown one alike, so it cannot be sent past the workers to hash in the daemon,
 * nor tell the accounts apart. */
static void four_byte_characters(char *out, size_t count)
{
    for (size_t i = 0; i < count; i++)
        memcpy(out + 4 * i, "\xF0\x9F\x94\x91", 4); /* U+1F511, a key */
    out[4 * count] = '\0';
}

START_TEST(a_password_longer_than_any_allowed_is_refused_without_a_hash)
{
    char longest[4 * 256 + 1], longer[4 * 257 + 1];
    four_byte_characters(longest, 256);
    four_byte_characters(longer, 257);
    /* the first unknown account makes the stand-in hash that later ones are checked against */
    ck_assert_int_eq(sign_in_status("nobody@techpool.test", "not-the-password-2026"), 401);
    /* a hash takes about ten ticks (far more under ASan), in a worker or in the daemon */
    unsigned long long before = hashing_ticks();
    ck_assert_int_eq(sign_in_status(HARNESS_ADMIN_EMAIL, longer), 401);
    ck_assert_int_eq(sign_in_status("nobody@techpool.test", longer), 401);
    ck_assert_uint_le(hashing_ticks() - before, 3);
    /* 1,024 bytes is still checked */
    before = hashing_ticks();
    ck_assert_int_eq(sign_in_status(HARNESS_ADMIN_EMAIL, longest), 401);
    ck_assert_uint_ge(hashing_ticks() - before, 6);
}
END_TEST

START_TEST(a_worker_started_by_hand_refuses_to_run)
{
    char command[1024], out[512];
    snprintf(command, sizeof command, "%s password-worker 3</dev/null 2>&1", harness_daemon_bin());
    ck_assert_int_eq(harness_command(command, out, sizeof out), 2);
    ck_assert_ptr_nonnull(strstr(out, "started by techpool serve"));
    snprintf(command, sizeof command, "%s password-worker 3<&- 2>&1", harness_daemon_bin());
    ck_assert_int_eq(harness_command(command, out, sizeof out), 2);
}
END_TEST

/* A worker of the test's own, on a socket pair, as the daemon starts one. */
struct worker {
    pid_t pid;
    int fd;
};

static struct worker worker_start(void)
{
    int pair[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (dup2(pair[1], 3) != 3)
            _exit(127);
        execl(harness_daemon_bin(), "techpool", "password-worker", (char *)NULL);
        _exit(127);
    }
    close(pair[1]);
    return (struct worker){ .pid = pid, .fd = pair[0] };
}

/* Sends request (len bytes) and returns the reply's length, its text in reply. */
static ssize_t worker_exchange(struct worker w, const char *request, size_t len, char *reply,
                               size_t reply_size)
{
    ck_assert_int_eq(send(w.fd, request, len, 0), (ssize_t)len);
    memset(reply, 0, reply_size);
    return recv(w.fd, reply, reply_size - 1, 0);
}

START_TEST(a_worker_answers_its_requests_and_refuses_malformed_ones)
{
    struct worker w = worker_start();
    char reply[256], request[512];
    /* hash: 'H' password NUL -> 'Y' and the encoded hash */
    const char password[] = "worker-password-2026";
    request[0] = 'H';
    memcpy(request + 1, password, sizeof password);
    ssize_t got = worker_exchange(w, request, 1 + sizeof password, reply, sizeof reply);
    ck_assert_int_gt(got, 10);
    ck_assert_int_eq(reply[0], 'Y');
    ck_assert_int_eq(reply[got - 1], '\0');
    ck_assert_int_eq(strncmp(reply + 1, "$argon2id$", 10), 0);
    char hash[200];
    snprintf(hash, sizeof hash, "%s", reply + 1);

    /* verify: 'V' password NUL hash NUL -> 'Y' for the password, 'N' for another */
    size_t len = 0;
    request[len++] = 'V';
    memcpy(request + len, password, sizeof password);
    len += sizeof password;
    memcpy(request + len, hash, strlen(hash) + 1);
    len += strlen(hash) + 1;
    ck_assert_int_eq(worker_exchange(w, request, len, reply, sizeof reply), 1);
    ck_assert_int_eq(reply[0], 'Y');
    request[1] = 'W'; /* another password of the same length */
    ck_assert_int_eq(worker_exchange(w, request, len, reply, sizeof reply), 1);
    ck_assert_int_eq(reply[0], 'N');

    /* malformed: an unknown op, a verify without its hash, a hash with bytes after its NUL, no
     * NUL at all, an op alone, a hash without its NUL: each 'N', and the worker goes on */
    const struct {
        const char *bytes;
        size_t len;
    } malformed[] = {
        { "Xpassword\0", 10 },
        { "Vpassword\0", 10 },
        { "Hpassword\0junk", 14 },
        { "Hpassword", 9 },
        { "V", 1 },
        { "H", 1 },
        { "Vpassword\0hash", 14 },
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        got = worker_exchange(w, malformed[i].bytes, malformed[i].len, reply, sizeof reply);
        ck_assert_msg(got == 1 && reply[0] == 'N', "malformed request %zu: %zd '%c'", i, got,
                      reply[0]);
    }
    /* a verify against a hash that is no hash */
    static const char not_a_hash[] = "Vworker-password-2026\0$argon2id$nonsense";
    ck_assert_int_eq(worker_exchange(w, not_a_hash, sizeof not_a_hash, reply, sizeof reply), 1);
    ck_assert_int_eq(reply[0], 'N');
    /* a message longer than any request is refused whole */
    char oversized[4096];
    memset(oversized, 'a', sizeof oversized);
    oversized[0] = 'H';
    oversized[sizeof oversized - 1] = '\0';
    ck_assert_int_eq(worker_exchange(w, oversized, sizeof oversized, reply, sizeof reply), 1);
    ck_assert_int_eq(reply[0], 'N');

    /* the end of the socket ends the worker, cleanly */
    close(w.fd);
    int status = -1;
    ck_assert_int_eq(waitpid(w.pid, &status, 0), w.pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("password_workers");
    TCase *tc = tcase_create("workers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, sign_ins_hash_in_a_worker_process_of_a_session_of_its_own);
    tcase_add_test(tc, a_worker_that_dies_is_replaced_and_the_sign_in_goes_through);
    tcase_add_test(tc, a_worker_that_stops_answering_is_replaced);
    tcase_add_test(tc, a_worker_is_replaced_from_the_daemons_own_program_once_its_file_is_gone);
    tcase_add_test(tc, workers_end_with_their_daemon_however_it_ends);
    tcase_add_test(tc, a_password_longer_than_any_allowed_is_refused_without_a_hash);
    tcase_add_test(tc, a_worker_started_by_hand_refuses_to_run);
    tcase_add_test(tc, a_worker_answers_its_requests_and_refuses_malformed_ones);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
