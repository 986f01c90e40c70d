/* test_hostile: hostile HTTP — ambiguous body framing, huge headers, slow clients, oversized
 * bodies with flat memory, invalid UTF-8 — is refused cleanly and the service keeps serving. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static void setup(void)
{
    /* under AddressSanitizer freed memory waits in a quarantine that RSS would count: keep
     * it small so that the memory test measures what the daemon holds, not what ASan does */
    const char *extra[] = { "TECHPOOL_CONNECTION_TIMEOUT=2", "TECHPOOL_PER_IP_CONNECTIONS=64",
                            "ASAN_OPTIONS=quarantine_size_mb=1:detect_leaks=1", NULL };
    harness_start("hostile", extra);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static void assert_still_serving(void)
{
    struct http_reply *r = http_get("/healthz", NULL);
    ck_assert_msg(r != NULL && r->status == 200, "the daemon stopped serving");
    http_reply_free(r);
}

static long daemon_rss_kib(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", harness_pid());
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    long rss = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &rss) == 1)
            break;
    fclose(f);
    return rss;
}

START_TEST(conflicting_content_lengths_are_refused)
{
    const char req[] = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}";
    char *reply = http_raw(req, sizeof req - 1);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 400", 12) == 0, "got %.60s", reply);
    ck_assert_ptr_nonnull(strstr(reply, "Connection: close"));
    free(reply);
    assert_still_serving();
}
END_TEST

START_TEST(content_length_with_transfer_encoding_is_refused)
{
    const char req[] = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    char *reply = http_raw(req, sizeof req - 1);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 400", 12) == 0, "got %.60s", reply);
    free(reply);
    assert_still_serving();
}
END_TEST

START_TEST(huge_header_is_refused_and_service_continues)
{
    size_t size = 200 * 1024;
    char *req = malloc(size + 128);
    int n = snprintf(req, 128, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + n, 'a', size);
    memcpy(req + n + size, "\r\n\r\n", 5);
    char *reply = http_raw(req, (size_t)n + size + 4);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 431", 12) == 0 || strncmp(reply, "HTTP/1.1 413", 12) == 0 ||
                  reply[0] == '\0', "got %.60s", reply);
    free(reply);
    free(req);
    assert_still_serving();
}
END_TEST

START_TEST(slow_clients_do_not_block_others_and_time_out)
{
    enum { SLOW = 40 };
    int fds[SLOW];
    for (int i = 0; i < SLOW; i++) {
        fds[i] = harness_connect();
        const char partial[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        ck_assert_int_gt(send(fds[i], partial, sizeof partial - 1, MSG_NOSIGNAL), 0);
    }
    assert_still_serving();
    /* the connection timeout (2 s here) closes them: recv sees the end of the stream */
    struct timeval wait = { .tv_sec = 10 };
    setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    char buf[64];
    ssize_t got = recv(fds[0], buf, sizeof buf, 0);
    ck_assert_msg(got <= 0 || strncmp(buf, "HTTP/1.1 4", 10) == 0, "slow connection was kept open");
    for (int i = 0; i < SLOW; i++)
        close(fds[i]);
    assert_still_serving();
}
END_TEST

START_TEST(ten_mebibyte_bodies_get_413_and_memory_stays_flat)
{
    long before = daemon_rss_kib();
    size_t size = 10 * 1024 * 1024;
    char *body = malloc(size + 1);
    memset(body, 'x', size);
    body[size] = '\0';
    for (int i = 0; i < 5; i++) {
        const char *headers[] = { "Transfer-Encoding: chunked", NULL };
        struct http_reply *r = http_call("POST", "/api/v1/session", NULL, body, headers);
        ck_assert_msg(r == NULL || r->status == 413, "chunked 10 MiB body got %ld", r ? r->status : 0L);
        http_reply_free(r);
        r = http_call("POST", "/api/v1/session", NULL, body, NULL);
        ck_assert_msg(r == NULL || r->status == 413, "10 MiB body got %ld", r ? r->status : 0L);
        http_reply_free(r);
    }
    free(body);
    long after = daemon_rss_kib();
    ck_assert_msg(after - before < 8 * 1024, "RSS grew by %ld KiB", after - before);
    assert_still_serving();
}
END_TEST

START_TEST(invalid_utf8_in_json_is_invalid_json)
{
    struct http_reply *r = http_post("/api/v1/session", NULL, "{\"email\":\"\xff\xfe@x.cn\",\"password\":\"a\"}");
    ck_assert_int_eq(r->status, 400);
    ck_assert_str_eq(problem_code(r), "invalid_json");
    http_reply_free(r);
}
END_TEST

START_TEST(invalid_utf8_in_query_string_is_bad_request)
{
    struct http_reply *r = http_get("/api/v1/meta?q=%FF%FE", NULL);
    ck_assert_int_eq(r->status, 400);
    ck_assert_str_eq(problem_code(r), "bad_request");
    http_reply_free(r);
    r = http_get("/api/v1/meta?q=a%00b", NULL);
    ck_assert_int_eq(r->status, 400);
    http_reply_free(r);
}
END_TEST

START_TEST(malformed_json_is_invalid_json_and_wrong_type_is_415)
{
    struct http_reply *r = http_post("/api/v1/session", NULL, "{\"email\":");
    ck_assert_int_eq(r->status, 400);
    ck_assert_str_eq(problem_code(r), "invalid_json");
    http_reply_free(r);
    const char *headers[] = { "Content-Type: text/plain", NULL };
    r = http_call("POST", "/api/v1/session", NULL, "{}", headers);
    ck_assert_int_eq(r->status, 415);
    ck_assert_str_eq(problem_code(r), "unsupported_media_type");
    http_reply_free(r);
}
END_TEST

START_TEST(security_headers_on_every_reply)
{
    const char *paths[] = { "/healthz", "/api/v1/meta", "/api/v1/nothing", "/", "/nothing.html" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct http_reply *r = http_get(paths[i], NULL);
        ck_assert_msg(http_header(r, "Content-Security-Policy") != NULL, "%s: no CSP", paths[i]);
        ck_assert_msg(strstr(http_header(r, "Content-Security-Policy"), "frame-ancestors 'none'") != NULL,
                      "%s: no frame-ancestors", paths[i]);
        ck_assert_msg(http_header(r, "X-Content-Type-Options") != NULL, "%s: no nosniff", paths[i]);
        ck_assert_msg(http_header(r, "Referrer-Policy") != NULL, "%s: no Referrer-Policy", paths[i]);
        if (strncmp(paths[i], "/api/", 5) == 0 || strcmp(paths[i], "/healthz") == 0)
            ck_assert_msg(http_header(r, "Cache-Control") != NULL &&
                          strcmp(http_header(r, "Cache-Control"), "no-store") == 0,
                          "%s: API reply without Cache-Control: no-store", paths[i]);
        http_reply_free(r);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, conflicting_content_lengths_are_refused);
    tcase_add_test(tc, content_length_with_transfer_encoding_is_refused);
    tcase_add_test(tc, huge_header_is_refused_and_service_continues);
    tcase_add_test(tc, slow_clients_do_not_block_others_and_time_out);
    tcase_add_test(tc, ten_mebibyte_bodies_get_413_and_memory_stays_flat);
    tcase_add_test(tc, invalid_utf8_in_json_is_invalid_json);
    tcase_add_test(tc, invalid_utf8_in_query_string_is_bad_request);
    tcase_add_test(tc, malformed_json_is_invalid_json_and_wrong_type_is_415);
    tcase_add_test(tc, security_headers_on_every_reply);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
