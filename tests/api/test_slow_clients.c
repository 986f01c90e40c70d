/* test_slow_clients: clients that trickle a request — headers a byte a second, a body slower than
 * the minimum rate — are cut at the request deadline (src/http/deadline.h), and while hundreds
 * of them are held open from several addresses, everyone else is still answered at once. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "http/deadline.h"

#define SLOW_CONNECTIONS 500
/* the held connections come from 127.0.0.1 and these others (the daemon listens on 127.0.0.1,
 * which any loopback address reaches) */
#define SOURCE_ADDRESSES 5
#define SAMPLES 100
#define ANSWER_WITHIN_SECONDS 0.100

static void setup(void)
{
    harness_start("slow_clients", NULL);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* each held connection is a descriptor of this process too */
static void raise_file_limit(void)
{
    struct rlimit limit;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &limit), 0);
    limit.rlim_cur = limit.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &limit), 0);
    ck_assert_msg(limit.rlim_cur >= SLOW_CONNECTIONS + 64, "only %llu open files allowed",
                  (unsigned long long)limit.rlim_cur);
}

static unsigned daemon_port(void)
{
    const char *colon = strrchr(harness_url(), ':');
    ck_assert_ptr_nonnull(colon);
    return (unsigned)strtoul(colon + 1, NULL, 10);
}

/* A connection to the daemon from source (a loopback address), or -1 when there is none. */
static int connect_from(const char *source)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in local = { .sin_family = AF_INET };
    struct sockaddr_in remote = { .sin_family = AF_INET,
                                  .sin_port = htons((uint16_t)daemon_port()),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (inet_pton(AF_INET, source, &local.sin_addr) != 1 ||
        bind(fd, (struct sockaddr *)&local, sizeof local) != 0 ||
        connect(fd, (struct sockaddr *)&remote, sizeof remote) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void send_all(int fd, const char *text)
{
    size_t len = strlen(text);
    ck_assert_msg(send(fd, text, len, MSG_NOSIGNAL) == (ssize_t)len, "could not send: %s",
                  strerror(errno));
}

enum peer_state { PEER_OPEN, PEER_CLOSED, PEER_ANSWERED };

/* Waits up to ms for the daemon to close fd (end of stream or reset) or to answer on it. */
static enum peer_state wait_for_peer(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int ready = poll(&p, 1, ms);
    ck_assert_int_ge(ready, 0);
    if (ready == 0)
        return PEER_OPEN;
    char buf[64];
    ssize_t got = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (got > 0)
        return PEER_ANSWERED;
    return got == 0 || errno != EAGAIN ? PEER_CLOSED : PEER_OPEN;
}

/* Sends one byte of `byte` on fd every interval_ms until the daemon closes the connection or
 * answers, or limit_seconds pass. Returns the seconds from start until then, and the state. */
static double trickle(int fd, double start, char byte, int interval_ms, double limit_seconds,
                      enum peer_state *state)
{
    *state = PEER_OPEN;
    while (harness_clock() - start < limit_seconds) {
        *state = wait_for_peer(fd, interval_ms);
        if (*state != PEER_OPEN)
            break;
        if (send(fd, &byte, 1, MSG_NOSIGNAL) != 1) {
            *state = PEER_CLOSED;
            break;
        }
    }
    return harness_clock() - start;
}

START_TEST(headers_a_byte_a_second_are_cut_after_the_deadline)
{
    unsigned long long closed_before = http_metric("techpool_http_slow_connections_closed_total");
    int fd = connect_from("127.0.0.1");
    ck_assert_int_ge(fd, 0);
    double start = harness_clock();
    send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    enum peer_state state;
    double took = trickle(fd, start, 'a', 1000, DEADLINE_HEADERS_SECONDS + 4, &state);
    close(fd);
    ck_assert_msg(state == PEER_CLOSED, "a request trickling its headers was %s after %.1f s",
                  state == PEER_OPEN ? "still open" : "answered", took);
    ck_assert_msg(took > DEADLINE_HEADERS_SECONDS - 0.5, "cut after only %.1f s", took);
    ck_assert_uint_gt(http_metric("techpool_http_slow_connections_closed_total"), closed_before);
    ck_assert(harness_log_has("\"event\":\"slow_connections_closed\""));
}
END_TEST

START_TEST(body_below_the_minimum_rate_is_cut)
{
    int fd = connect_from("127.0.0.1");
    ck_assert_int_ge(fd, 0);
    double start = harness_clock();
    send_all(fd, "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: 4096\r\n\r\n{");
    enum peer_state state;
    /* two bytes a second, far below the minimum rate */
    double took = trickle(fd, start, ' ', 500, DEADLINE_BODY_GRACE_SECONDS + 4, &state);
    close(fd);
    ck_assert_msg(state == PEER_CLOSED, "a body trickled at 2 B/s was %s after %.1f s",
                  state == PEER_OPEN ? "still open" : "answered", took);
    ck_assert_msg(took > DEADLINE_BODY_GRACE_SECONDS - 0.5, "cut after only %.1f s", took);
}
END_TEST

START_TEST(body_above_the_minimum_rate_is_answered_after_the_grace)
{
    enum {
        CHUNK = 3 * DEADLINE_BODY_MIN_BYTES_PER_SECOND / 2,
        CHUNKS = DEADLINE_BODY_GRACE_SECONDS + 2
    };
    const char *json = "{\"email\":\"slow@techpool.test\",\"password\":\"not-the-password\"";
    size_t size = (size_t)CHUNK * CHUNKS;
    char *body = malloc(size + 1);
    ck_assert_ptr_nonnull(body);
    memset(body, ' ', size);
    memcpy(body, json, strlen(json));
    body[size - 1] = '}';
    body[size] = '\0';
    int fd = connect_from("127.0.0.1");
    ck_assert_int_ge(fd, 0);
    char head[256];
    snprintf(head, sizeof head,
             "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n",
             size);
    send_all(fd, head);
    /* one and a half times the minimum rate, a chunk a second, for longer than the grace */
    enum peer_state state = PEER_OPEN;
    for (int i = 0; i < CHUNKS && state == PEER_OPEN; i++) {
        ck_assert_int_eq(send(fd, body + (size_t)i * CHUNK, CHUNK, MSG_NOSIGNAL), CHUNK);
        if (i + 1 < CHUNKS)
            state = wait_for_peer(fd, 1000);
    }
    ck_assert_msg(state == PEER_OPEN, "a body at 1.5 KiB/s was cut or answered early");
    char reply[16] = { 0 };
    struct timeval wait = { .tv_sec = 5 };
    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait), 0);
    ssize_t got = recv(fd, reply, sizeof reply - 1, MSG_WAITALL);
    close(fd);
    free(body);
    ck_assert_msg(got > 9 && strncmp(reply, "HTTP/1.1 ", 9) == 0,
                  "a body at 1.5 KiB/s got no reply (%zd bytes)", got);
}
END_TEST

/* Holds SLOW_CONNECTIONS open from SOURCE_ADDRESSES: half still sending their headers, half
 * their body. Returns how many were opened. */
static int hold_slow_connections(int *fds)
{
    int opened = 0;
    for (int i = 0; i < SLOW_CONNECTIONS; i++) {
        char source[32];
        snprintf(source, sizeof source, "127.0.0.%d", 1 + i % SOURCE_ADDRESSES);
        int fd = connect_from(source);
        if (fd < 0)
            fd = connect_from("127.0.0.1"); /* a host without other loopback addresses */
        ck_assert_msg(fd >= 0, "could not open slow connection %d: %s", i, strerror(errno));
        if (i % 2 == 0)
            send_all(fd, "GET /api/v1/achievements HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        else
            send_all(fd, "POST /api/v1/session HTTP/1.1\r\nHost: x\r\n"
                         "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
        fds[opened++] = fd;
    }
    return opened;
}

static int compare_seconds(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

START_TEST(others_are_answered_at_once_while_slow_connections_are_held)
{
    raise_file_limit();
    char *token = harness_login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    ck_assert_ptr_nonnull(token);
    static int fds[SLOW_CONNECTIONS];
    int held = hold_slow_connections(fds);
    /* every held connection accepted (the metrics request's own counts too) */
    double until = harness_clock() + 5;
    unsigned long long open = 0;
    while ((open = http_metric("techpool_http_connections_open")) <= (unsigned long long)held &&
           harness_clock() < until) {
        struct timespec pause = { .tv_nsec = 50 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    ck_assert_msg(open > (unsigned long long)held, "the daemon holds %llu connections of %d", open,
                  held);

    const char *paths[] = { "/healthz", "/api/v1/achievements?limit=5", "/api/v1/achievements" };
    double seconds[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
        int kind = i % 3;
        double start = harness_clock();
        struct http_reply *r = http_get(paths[kind], kind == 2 ? token : NULL);
        seconds[i] = harness_clock() - start;
        ck_assert_msg(r != NULL && r->status == 200, "%s got %ld", paths[kind],
                      r != NULL ? r->status : 0L);
        http_reply_free(r);
    }
    qsort(seconds, SAMPLES, sizeof seconds[0], compare_seconds);
    double p99 = seconds[SAMPLES * 99 / 100 - 1];
    /* still held: the requests above were measured against all of them */
    unsigned long long still_open = http_metric("techpool_http_connections_open");
    for (int i = 0; i < held; i++)
        close(fds[i]);
    free(token);
    ck_assert_msg(p99 < ANSWER_WITHIN_SECONDS, "p99 %.1f ms (max %.1f ms) with %d slow connections",
                  p99 * 1000, seconds[SAMPLES - 1] * 1000, held);
    ck_assert_msg(still_open > (unsigned long long)held,
                  "slow connections were cut before the measurement ended (%llu open)", still_open);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("slow_clients");
    TCase *tc = tcase_create("slow_clients");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, headers_a_byte_a_second_are_cut_after_the_deadline);
    tcase_add_test(tc, body_below_the_minimum_rate_is_cut);
    tcase_add_test(tc, body_above_the_minimum_rate_is_answered_after_the_grace);
    tcase_add_test(tc, others_are_answered_at_once_while_slow_connections_are_held);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
